"""Claims of arXiv:2405.08707v2 with derivations checked by SymPy, counterexample search by
Hypothesis at high precision, a torch numeric twin, and computed verdicts."""

__version__ = "0.1.0"
