"""The installed releases of the libraries a result depends on (provenance of the verdicts
document and of every figure)."""

from __future__ import annotations

from importlib import metadata

__all__ = ["VERDICT_LIBRARIES", "library_versions"]

#: The libraries whose releases can change what a verdicts document records: the search's
#: draws (Hypothesis: another release may reach the same counterexample after a different
#: number of trials), the exact and certified arithmetic, the torch twin.
VERDICT_LIBRARIES = ("hypothesis", "sympy", "mpmath", "python-flint", "numpy", "torch")


def library_versions(names, missing=None) -> dict:
    """{distribution: installed version} for ``names``; ``missing`` for one not installed."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = missing
    return out
