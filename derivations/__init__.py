"""Claims of theory papers (claim packs, one per paper) checked by one engine: derivations
checked by SymPy, counterexample search by Hypothesis at high precision, a torch numeric
twin, and computed verdicts; plus figures, the report, the lab and the user checker."""

__version__ = "0.2.0"
