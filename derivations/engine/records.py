"""The counterexample record of a computed claim, in the schema the engine writes and
``recheck`` reads (the search writes its own for statement claims, :mod:`verdict`).

A pack's ``compute`` that finds its statement false returns ``Computed(False, …,
counterexample=counterexample_record(…))``: the parameters as exact decimal strings, both
sides and the violation as decimal strings, and the violation's certified enclosure when it
is a ball or an exact number.
"""

from __future__ import annotations

import flint
import sympy as sp

from derivations.engine.arb_sympy import arb_eval
from derivations.engine.certify import enclosure_strings
from derivations.jsonio import decimal_string, jsonable

__all__ = ["counterexample_record", "enclosure_of", "number_string"]


def number_string(v, digits: int = 20) -> str:
    """A decimal string for a number of any back end (a ball: its midpoint)."""
    if isinstance(v, flint.arb):
        return v.mid().str(digits, radius=False)
    return decimal_string(v, digits)


def enclosure_of(v) -> dict | None:
    """{"midpoint", "radius", "certified": True} of a ball or an exact SymPy number (enclosed
    at 128 bits); None for anything else (a float or mpf is not certified)."""
    if isinstance(v, flint.arb):
        ball = v
    elif isinstance(v, (int, sp.Basic)) and not isinstance(v, bool):
        old = flint.ctx.prec
        flint.ctx.prec = 128
        try:
            ball = arb_eval(sp.sympify(v))
        except (ValueError, TypeError):
            return None
        finally:
            flint.ctx.prec = old
    else:
        return None
    mid, rad = enclosure_strings(ball)
    return {"midpoint": mid, "radius": rad, "certified": True}


def counterexample_record(
    params: dict, lhs, rhs, relation: str, violation, patterns=None, x=None
) -> dict:
    """A computed claim's counterexample: ``params``, ``patterns`` and ``x`` as exact
    decimal strings, both sides (30 digits) and the violation (12 digits) as decimal
    strings, and the violation's certified ``enclosure`` (None when it is only a numerical
    value)."""
    return {
        "patterns": jsonable(patterns, exact=True),
        "x": jsonable(x, exact=True),
        "params": jsonable(params, exact=True),
        "lhs": number_string(lhs, 30),
        "rhs": number_string(rhs, 30),
        "relation": relation,
        "violation": number_string(violation, 12),
        "enclosure": enclosure_of(violation),
    }
