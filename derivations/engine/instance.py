"""A concrete instance of a claim: patterns, a query and named parameters, all plain JSON.

A counterexample is an :class:`Instance` written out with both sides of the failing
relation, so anyone can recompute it from the JSON alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Instance"]


@dataclass(frozen=True)
class Instance:
    """One concrete instance of a claim: patterns ρⁱ as rows, a query x, named parameters.

    ``params`` holds floats, ints, strings, float vectors (lists) and, for layered claims,
    ``layers``: a list of pattern matrices. Everything is plain JSON-able Python so that a
    counterexample can be written out and recomputed by anyone.
    """

    patterns: tuple | None = None
    x: tuple | None = None
    params: tuple = ()
    regime: str = ""

    @staticmethod
    def make(patterns=None, x=None, regime: str = "", **params) -> Instance:
        P = None if patterns is None else tuple(tuple(float(v) for v in r) for r in patterns)
        xv = None if x is None else tuple(float(v) for v in x)
        return Instance(P, xv, tuple(sorted((k, _freeze(v)) for k, v in params.items())), regime)

    @property
    def p(self) -> dict:
        return dict(self.params)

    def to_json(self) -> dict:
        return {
            "patterns": None if self.patterns is None else [list(r) for r in self.patterns],
            "x": None if self.x is None else list(self.x),
            "params": {k: _thaw(v) for k, v in self.params},
            "regime": self.regime,
        }

    def scale(self) -> float:
        """Magnitude of the terms that cancel in the energies (for twin tolerances)."""
        s = 1.0
        if self.x is not None:
            s += sum(v * v for v in self.x)
        mats = [self.patterns] if self.patterns is not None else []
        mats += [m for k, m in self.params if k == "layers" for m in m]
        for m in mats:
            s += max(sum(v * v for v in r) for r in m) + math.log(len(m) + 1)
        for k, v in self.params:
            if k == "layers":
                continue
            flat = _flatten(v)
            if flat:
                s += max(abs(t) for t in flat)
        return s

    def size_text(self, names: tuple[str, str] = ("d", "n")) -> str:
        """The instance's size for evidence lines: m for vectors; for patterns, their number
        and their dimension under the paper's letters ``names`` (default d and n)."""
        p = self.p
        if self.patterns is None and "z" in p:
            return f"m={len(p['z'])}"
        if self.patterns is not None:
            d = len(self.patterns)
        elif "layers" in p:
            d = sum(len(m) for m in p["layers"])
        else:
            d = p.get("d", "-")
        n = len(self.x) if self.x is not None else p.get("n", "-")
        return f"{names[0]}={_num_text(d)}, {names[1]}={_num_text(n)}"

    @staticmethod
    def from_json(doc: dict) -> Instance:
        """The instance written by :meth:`to_json` (a counterexample's fields)."""
        return Instance.make(
            doc.get("patterns"), doc.get("x"), regime=doc.get("regime", ""), **doc.get("params", {})
        )


def _freeze(v):
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(t) for t in v)
    return v


def _thaw(v):
    if isinstance(v, tuple):
        return [_thaw(t) for t in v]
    return v


def _flatten(v) -> list:
    if isinstance(v, (list, tuple)):
        return [t for s in v for t in _flatten(s)]
    return [v] if isinstance(v, (int, float)) and not isinstance(v, bool) else []


def _num_text(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
