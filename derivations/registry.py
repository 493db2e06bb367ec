"""Compatibility: every installed paper's claims by qualified id (``paper:id``).

Use :func:`derivations.engine.load_registry` (with paper ids to choose) in new code.
"""

from __future__ import annotations

from derivations.engine.model import Claim
from derivations.engine.paper import load_registry


def all_claims() -> dict[str, Claim]:
    """Qualified id → claim, for every installed paper, in dependency order."""
    return load_registry()
