"""The evaluations in the proofs of Theorems A3 and A4 of Ramsauer et al. (arXiv:2008.02217v3,
App. A.1.5) as statements about every dimension from the printed one, with their derivations.

Notation: β = 1; N = 2^{e t} patterns, t = d − 1 (e = 2 in Theorem A3, 3 in A4); M² = K²t;
α = α_min (π/2 in A3, π/4 in A4). Eq. 311 with these values reads
M²(1 − cos α) ≥ 2/N + ln(2N²M²) = 2·2^{−e t} + ln(2K²t) + 2e t ln 2 (the logarithm split so
that no back end forms N², which overflows a float64). The paper evaluates it at (K, d₀) —
(2, 4) and (1.7, 50) for A3, (5, 3) and (4, 13) for A4 — and says LHS − RHS increases in d.

The derivation, for each case (K, d₀): LHS − RHS = c·t − ln t − ln(2K²) − 2·2^{−e t} with
c = K²(1 − cos α) − 2e ln 2 > 0. For t ≥ TAIL: ln t ≤ ln TAIL + (t − TAIL)/TAIL (the
kernel's ``log_tangent``) and 2^{−e t} ≤ 2^{−e·TAIL}, so LHS − RHS ≥ (c − 1/TAIL)t + const,
positive from t = TAIL (the sign rules: a size's lower bound under constant coefficients).
Each d from d₀ to TAIL + 1 is a fixed size: two closed-form constants, compared by Arb balls.
The instance holds the case's K (a decimal string, exact) and the dimension as ``n``.
"""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import sympy as sp
from hypothesis import strategies as st

from derivations.engine import Rel, Step
from derivations.engine.kernel import combine
from derivations.ramsauer2020.eq387_proofs import TAIL, constant_case, tail_sizes, tail_steps
from derivations.ramsauer2020.gamma_proofs import dimensions
from theory.indexed import Size

__all__ = ["TAIL", "CASES", "eq311_statement", "domain", "display", "sizes", "derivation"]

#: Theorem → (e, α_min as a multiple of π, the printed (K, d₀) cases).
CASES = {
    "thm-a3": (2, sp.Rational(1, 2), (("2", 4), ("1.7", 50))),
    "thm-a4": (3, sp.Rational(1, 4), (("5", 3), ("4", 13))),
}


def _k(o, K):
    """K exactly: a decimal string as a ratio of integers (a symbol on display)."""
    if isinstance(K, sp.Basic):
        return K
    q = Fraction(K)
    return o.num(q.numerator) / q.denominator


def _sides(name: str, o, v):
    e, a, _ = CASES[name]
    t, K = v.n - 1, _k(o, v.K)
    m2 = K**2 * t
    two = o.num(2)
    lhs = m2 * (1 - o.hf_cos(o.pi() * a.p / a.q))
    rhs = 2 / two ** (e * t) + o.log(2 * m2) + 2 * e * t * o.log(two)
    return lhs, rhs


def eq311_statement(name: str):
    """Eq. 311 at β = 1, N = 2^{e(d−1)}, M = K√(d−1), α_min of Theorem A3 or A4."""

    def statement(o, v):
        lhs, rhs = _sides(name, o, v)
        return [Rel(lhs, ">=", rhs, "M²(1 − cos α_min) ≥ 2/N + ln(2N²M²)")]

    return statement


def domain(name: str, shift: int = 0):
    """The printed cases: (K, d) with d ≥ d₀ (every d up to 300, some up to 10⁹); ``shift``
    moves d₀ down (the wrong variant)."""

    def strategy():
        return st.one_of(
            *(dimensions(max(2, d0 - shift), f"K = {K}", K=K) for K, d0 in CASES[name][2])
        )

    return strategy


def display(name: str):
    """K a symbol, d ≥ the least printed d₀ (each case's own d₀ is in its derivation sizes)."""

    def shown():
        first = min(d0 for _, d0 in CASES[name][2])
        return SimpleNamespace(n=Size("d", first), K=sp.Symbol("K", positive=True))

    return shown


def sizes(name: str):
    """For each case (K, d₀): every d = k + 1 with k ≥ TAIL, then d = d₀ … TAIL + 1."""

    def listed():
        return [v for K, d0 in CASES[name][2] for v in tail_sizes(d0, f"K = {K}", K=K)]

    return listed


def derivation(name: str):
    def steps(o, v):
        lhs, rhs = _sides(name, o, v)
        t = v.n - 1
        if not isinstance(t, Size):
            return constant_case(lhs, rhs, "Eq. 311 at this (K, d)")
        return [
            *tail_steps(t, sp.Integer(CASES[name][0]), "et"),
            Step(
                Rel(rhs, "<=", lhs),
                "the slope K²(1 − cos α) − 2e ln 2 exceeds 1/100; positive at d − 1 = 100",
                combine((1, 1), (2, 2)),
            ),
        ]

    return steps
