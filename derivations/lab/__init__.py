"""The lab: the paper's experiments (App. F.1, F.2 and the Table 3 protocol) at laptop scale.

``data`` (Question Formation and random facts), ``pcfg`` (exact entropy of the QF grammar),
``model`` (a tiny decoder-only Transformer), ``train`` (deterministic, cached training),
``runner`` (process pool or Ray), ``experiments`` (plateau, radius, sizelaw) and ``cli``.
Importing the package imports nothing heavy; torch is loaded by the submodules.
"""

EXPERIMENTS = ("plateau", "radius", "sizelaw")


class LabUnavailableError(RuntimeError):
    """Something an experiment needs is missing (a model, Ray, a CUDA device)."""
