"""Theorem A7's Eq. 387 at the printed setting β = 1, K = 3, c = 2 (App. A.1.5 of Ramsauer et
al., arXiv:2008.02217v3), as a statement about every dimension d from its first one, with its
derivation.

Notation: t = d − 1; Eq. 387 reads
(1/5) t K² c⁻¹ (1 − ln t/t)² ≥ 2/(β c^{t/4}) + β⁻¹ ln(2 c^{t/2} β t K²), here
(9/10) t (1 − ln t/t)² ≥ 2·2^{−t/4} + ln(18t) + (t/2) ln 2 (the logarithm split so that no
back end forms 2^{t/2}, which overflows a float64 beyond t ≈ 2046).

The derivation. For t ≥ 100 (every d = k + 1, k ≥ 100): ln t ≤ ln 100 + (t − 100)/100 (ln
below its tangent, the kernel's ``log_tangent``), 2^{−t/4} ≤ 2^{−25} (t ↦ −2^{−t/4} is
increasing) and (ln t)²/t ≥ 0 leave LHS − RHS ≥ (0.9 − 0.028 − ½ln 2)t − 12.99 > 0. Each d
from the first one to 101 is a fixed size: the two sides are closed-form constants,
compared by Arb balls (the kernel's sign rules) — a finite, exhaustive check, so the
derivation covers every d from the first.

With C_{d−1}² in place of (1 − ln(d−1)/(d−1))² (the proof's bound before Lemma A17): for
t ≥ TAIL, C_t ≥ 1 − ln t/t ≥ 0 (Theorem A7's step; ln t ≤ t − 1), so C_t² ≥ (1 − ln t/t)²
and Eq. 387 as printed (cited) gives it; each d from the first to TAIL + 1 by certified
constants.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import algebra, cites, combine, log_tangent, monotone
from derivations.ramsauer2020.gamma_proofs import c_const
from theory.indexed import Size

__all__ = [
    "TAIL",
    "eq387_statement",
    "eq387_with_c_statement",
    "eq387_sizes",
    "eq387_derivation",
    "eq387_with_c_derivation",
    "tail_sizes",
    "tail_steps",
    "constant_case",
]

#: The derivation's symbolic part covers t = d − 1 ≥ TAIL; below it, each d is a fixed size.
TAIL = 100
#: The claim of Eq. 387 as printed, from its first d (cited by the C_{d−1} version).
FIRST_D = "thm-a7/example/first-d"
_T = sp.Dummy("t", positive=True)


def _sides(o, t, with_c: bool = False):
    """Eq. 387's two sides at β = 1, K = 3, c = 2 (``with_c``: C_t² for (1 − ln t/t)²)."""
    two = o.num(2)
    f = c_const(o, t) if with_c else 1 - o.log(t) / t
    lhs = o.num(9) / 10 * t * f**2
    rhs = 2 / two ** (t / 4) + o.log(18 * t) + t / 2 * o.log(two)  # ln(2·2^{t/2}·t·9)
    return lhs, rhs


def eq387_statement(o, v):
    """Eq. 387 with β = 1, K = 3, c = 2 at the dimension d."""
    lhs, rhs = _sides(o, v.n - 1)
    return [Rel(lhs, ">=", rhs, "Eq. 387 (β = 1, K = 3, c = 2)")]


def eq387_with_c_statement(o, v):
    """Eq. 387 with C_{d−1}² (the proof's bound before Lemma A17), β = 1, K = 3, c = 2."""
    lhs, rhs = _sides(o, v.n - 1, with_c=True)
    return [Rel(lhs, ">=", rhs, "Eq. 387 with C_{d−1}² (β = 1, K = 3, c = 2)")]


def tail_sizes(first: int, case: str = "", **params) -> list[SimpleNamespace]:
    """Every d = k + 1 with k ≥ TAIL, then d = first … TAIL + 1 one by one (each with
    ``params``; ``case`` names them in the sizes' words, e.g. "K = 2")."""
    said = f"{case}: " if case else ""
    tail = SimpleNamespace(
        n=Size("k", TAIL) + 1, size_text=f"{said}every k ≥ {TAIL} (d = k + 1)", **params
    )
    at = f"{case}, " if case else ""
    return [tail] + [
        SimpleNamespace(n=sp.Integer(d), size_text=f"{at}d = {d}", **params)
        for d in range(first, TAIL + 2)
    ]


def eq387_sizes(first: int):
    """Every d from ``first``: :func:`tail_sizes`."""
    return lambda: tail_sizes(first)


def constant_case(lhs, rhs, what: str) -> list[Step]:
    """A fixed d: lhs ≥ rhs between two closed-form constants, compared by Arb balls."""
    return [Step(Rel(lhs, ">=", rhs), f"{what}: certified constants", algebra())]


def tail_steps(t, rate, shown: str) -> list[Step]:
    """Steps 0–2 of a tail derivation at t ≥ TAIL (a size): TAIL ≤ t; ln t ≤ ln TAIL +
    (t − TAIL)/TAIL; −2^{−rate·TAIL} ≤ −2^{−rate·t} (``shown``: rate·t as printed)."""
    a = sp.Integer(TAIL)
    return [
        Step(Rel(a, "<=", t), f"d − 1 ≥ {TAIL}", algebra()),
        Step(
            Rel(sp.log(t), "<=", sp.log(a) + (t - a) / a),
            f"ln lies below its tangent at {TAIL}",
            log_tangent(a),
        ),
        Step(
            Rel(-(sp.Integer(2) ** (-rate * a)), "<=", -(sp.Integer(2) ** (-rate * t))),
            f"t ↦ −2^{{−{shown}}} is increasing",
            monotone(0, sp.Lambda(_T, -(sp.Integer(2) ** (-rate * _T))), "positive"),
        ),
    ]


def eq387_derivation(o, v):
    t = v.n - 1
    lhs, rhs = _sides(o, t)
    if not isinstance(t, Size):
        return constant_case(lhs, rhs, "Eq. 387 at this d")
    return [
        *tail_steps(t, sp.Rational(1, 4), "t/4"),
        Step(
            Rel(rhs, "<=", lhs),
            "(0.9 − 0.028 − ½ln 2)·100 > 12.99; (ln t)²/t ≥ 0",
            combine((1, sp.Rational(14, 5)), (2, 2)),
        ),
    ]


def eq387_with_c_derivation(o, v):
    t = v.n - 1
    lhs, rhs = _sides(o, t, with_c=True)
    if not isinstance(t, Size):
        return constant_case(lhs, rhs, "Eq. 387 at this d")
    c, f = c_const(o, t), 1 - sp.log(t) / t
    printed, _ = _sides(o, t)
    return [
        Step(Rel(c, ">=", f), "Theorem A7's step", cites("thm-a7/step", v)),
        Step(Rel(sp.log(t), "<=", t - 1), "ln lies below its tangent at 1", log_tangent(1)),
        Step(Rel(0, "<=", f), "ln t ≤ t − 1 < t", combine((1, 1 / t))),
        Step(
            Rel(f**2, "<=", c**2),
            "t ↦ t² is increasing on t ≥ 0",
            monotone(0, sp.Lambda(_T, _T**2), "nonnegative"),
        ),
        Step(Rel(printed, ">=", rhs), "Eq. 387 as printed, from d = 21", cites(FIRST_D, v)),
        Step(
            Rel(lhs, ">=", rhs),
            "C_{d−1}² ≥ (1 − ln(d−1)/(d−1))²",
            combine((3, sp.Rational(9, 10) * t), (4, 1)),
        ),
    ]
