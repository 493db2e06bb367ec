"""All claims the verifier knows, in the order the engine checks them (dependencies first)."""

from __future__ import annotations

from derivations.engine import Claim


def all_claims() -> dict[str, Claim]:
    """id → claim, in dependency order (a derivation only cites claims listed before it)."""
    from derivations import claims_sec4, claims_sec5

    out: dict[str, Claim] = {}
    for c in [*claims_sec4.claims(), *claims_sec5.claims()]:
        if c.id in out:
            raise ValueError(f"duplicate claim id {c.id!r}")
        out[c.id] = c
    return out
