"""The exact back end: a statement's values on a rational instance as exact numbers of
:mod:`derivations.engine.exact` (rationals, e^q, sums, products, quotients, logs), whose
sign is decided exactly.

The counterexample search uses it for *equality cases* — a relation whose ball keeps 0 inside
at 128 bits — as a fast exact route; a statement that needs a word without an ``exact=``
implementation (e.g. Γ, γ(s, x)) or a number outside the class falls back to the SymPy
statement (:func:`derivations.engine.exact.exact_sign` on it).

``grad_lse`` is computed by forward-mode differentiation (chain rule on exp and log), not
from the softmax formula, so ``softmax == grad_lse`` is a real check here too.

Notation: z ∈ ℚᵐ (an instance's entries are binary rationals), β > 0 rational,
LSE(β, z) = β⁻¹ log Σᵢ exp(β zᵢ).
"""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

from derivations.engine.backends import Ops
from derivations.engine.exact import (
    Exact,
    NotDecidable,
    _coerce,
    exact_exp,
    exact_log,
    exact_lse,
    exact_sign_of,
)
from derivations.engine.instance import Instance

__all__ = ["ExactOps", "EXACT", "NotDecidable", "exact_sign_any"]


def _x(v) -> Fraction | Exact:
    """A rational as a Fraction (fast), anything else as an Exact number."""
    if isinstance(v, (Fraction, Exact)):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Fraction(v)
    out = _coerce(v)
    if out is NotImplemented:
        raise NotDecidable(f"not an exact number: {v!r}")
    return out


def _sgn(v) -> int:
    if isinstance(v, Fraction):
        return (v > 0) - (v < 0)
    return exact_sign_of(v)


class ExactOps(Ops):
    """Exact numbers: rationals as ``Fraction``, the rest as
    :class:`~derivations.engine.exact.Exact`; integer parameters stay ``int``."""

    name = "exact"

    def load(self, inst: Instance) -> SimpleNamespace:
        ns = SimpleNamespace(inst=inst)
        ns.P = None if inst.patterns is None else [[_x(t) for t in r] for r in inst.patterns]
        ns.x = None if inst.x is None else [_x(t) for t in inst.x]
        for k, v in inst.p.items():
            if k == "layers":
                ns.layers = [[[_x(t) for t in r] for r in m] for m in v]
            elif isinstance(v, tuple) and v and isinstance(v[0], tuple):
                setattr(ns, k, [[_x(t) for t in r] for r in v])
            elif isinstance(v, tuple):
                setattr(ns, k, [_x(t) for t in v])
            elif isinstance(v, float):
                setattr(ns, k, _x(v))
            else:
                setattr(ns, k, v)
        return ns

    def num(self, v):
        return v if isinstance(v, bool) else _x(v)

    def log(self, a):
        return exact_log(a)

    def exp(self, a):
        return exact_exp(a)

    def abs(self, a):
        a = _x(a)
        return a if _sgn(a) >= 0 else -a

    def max(self, z):
        z = [_x(t) for t in z]
        best = z[0]
        for t in z[1:]:
            if _sgn(t - best) > 0:
                best = t
        return best

    def min(self, z):
        z = [_x(t) for t in z]
        best = z[0]
        for t in z[1:]:
            if _sgn(t - best) < 0:
                best = t
        return best

    def length(self, z):
        return _x(len(z))

    def vadd(self, a, b):
        return [s + t for s, t in zip(a, b, strict=True)]

    def vscale(self, c, a):
        return [c * t for t in a]

    def inf_norm(self, z):
        return self.max([self.abs(t) for t in z])

    def dot(self, a, b):
        return sum((_x(s) * t for s, t in zip(a, b, strict=True)), _x(0))

    def sqnorm(self, a):
        return sum((_x(t) * t for t in a), _x(0))

    def _memo(self, kind: str, z, beta, make):
        """One computation per (vector object, β): statements ask for every k in turn."""
        key = (kind, id(z), beta)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is z:
            return hit[1]
        if len(self._cache) > 64:
            self._cache.clear()
        val = make()
        self._cache[key] = (z, val)
        return val

    def __init__(self):
        self._cache: dict = {}

    def lse(self, z, beta=1):
        beta = _x(beta)
        return self._memo("lse", z, beta, lambda: exact_lse([beta * t for t in z]) / beta)

    def softmax(self, z, k, beta=1):
        beta = _x(beta)
        s = self._memo("lse", z, beta, lambda: exact_lse([beta * t for t in z]) / beta)
        return exact_exp(beta * z[k] - beta * s)

    def grad_lse(self, z, k, beta=1):
        """∂LSE(β, z)/∂z_k by forward-mode differentiation: for uᵢ = β zᵢ,
        d exp(uᵢ) = exp(uᵢ)·duᵢ, d Σ = Σ d, d log S = dS / S, then / β (duᵢ = β δᵢₖ)."""
        beta = _x(beta)

        def parts():
            terms = [exact_exp(beta * t) for t in z]
            return terms, sum(terms, _x(0))

        terms, s = self._memo("terms", z, beta, parts)
        ds = sum((e * (beta if i == int(k) else _x(0)) for i, e in enumerate(terms)), _x(0))
        return ds / s / beta

    def to_float(self, a) -> float:
        return float(_x(a))


def exact_sign_any(v) -> int:
    """The exact sign of a value of this back end (raises NotDecidable)."""
    return _sgn(_x(v))


EXACT = ExactOps()
