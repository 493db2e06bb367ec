"""The separation behind the disjointness of the balls Sᵢ (Ramsauer et al., arXiv:2008.02217v3,
App. A.1.5 before Eq. 307), per pattern, through the rule kernel for every N ≥ 2 and d: Eq. 142
for pattern i and 1 < 2(N − 1)NβM² give ‖xᵢ − xⱼ‖ > 2/(βNM) for every j ≠ i, twice the
radius of Sᵢ, stated as min_{j≠i} βNM‖xᵢ − xⱼ‖ > 2 (the claim ``eq302/disjoint/each``),
for the first pattern and then, its hypotheses with it, for every pattern by the kernel's
``relabel`` rule.

The route. 1 < 2(N − 1)NβM² makes L = ln(2(N − 1)NβM²) > 0, so Eq. 142 gives
Δ₁ ≥ 2/(βN) + L/β > 2/(βN). For every j ≥ 2, Δ₁ ≤ x₁ᵀx₁ − x₁ᵀxⱼ = x₁ᵀ(x₁ − xⱼ) ≤
‖x₁‖‖x₁ − xⱼ‖ ≤ M‖x₁ − xⱼ‖ (Cauchy–Schwarz, ‖x₁‖² ≤ M²), so βNM‖x₁ − xⱼ‖ > 2; then the
minimum over j term by term. (The radius is multiplied out: the kernel's sign rules do not
show 1/M > 0, which dividing a strict inequality by M would need.)

Hypotheses (the claim's, for the first pattern; compared with the searched ones written
out): M² > 0, Eq. 142 for pattern 1, 1 < 2(N − 1)NβM².

Notation as in :mod:`derivations.ramsauer2020.fixed_point_proofs`: N ≥ 2 patterns
x₁ … x_N ∈ ℝᵈ (entries x[j, k]), β > 0, sⱼ = x₁ᵀxⱼ, Δ₁ = s₁ − max_{j≥2} sⱼ (Eq. 5),
Q = M² = maxᵢ‖xᵢ‖², L = ln(2(N − 1)NβQ).
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    assumption,
    cauchy_schwarz,
    cites,
    combine,
    instance,
    monotone,
    relabel,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import fixed_point_proofs as FP
from theory.indexed import MaxOver, MinOver, index

__all__ = ["sizes", "each_hypotheses", "each", "each_derivation", "every_derivation"]

_J = index("j")
_TP = sp.Dummy("t", positive=True)
_T = sp.Dummy("t", nonnegative=True)


def sizes():
    return AP.sizes()


def _gap(v, j):
    """‖x₁ − xⱼ‖."""
    P, one = v.P, sp.Integer(1)
    return sp.sqrt(sp.Sum((P.rho[one, P.k] - P.rho[j, P.k]) ** 2, (P.k, 1, P.n)))


def each_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern 1 and 1 < 2(N − 1)NβM²."""
    Q = o.max_sqnorm(v.P)
    m2, eq142, _ = FP.a5_hypotheses(o, v)
    return [m2, eq142, Rel(1, "<", 2 * (v.P.d - 1) * v.P.d * v.beta * Q, "1 < 2(N − 1)NβM²")]


def each(o, v):
    """min_{j≥2} βNM‖x₁ − xⱼ‖ > 2 (‖x₁ − xⱼ‖ > 2/(βNM) with the radius multiplied out)."""
    N, M = v.P.d, sp.sqrt(o.max_sqnorm(v.P))
    scaled = v.beta * N * M * _gap(v, _J)
    return [Rel(MinOver(scaled, _J, 2, N), ">", 2, "Sᵢ ∩ Sⱼ = ∅")]


def each_derivation(o, v):
    """The module notes' route for the first pattern, then relabelling."""
    P, beta = v.P, v.beta
    N, rho, k, i, j, one = P.d, P.rho, P.k, P.i, _J, sp.Integer(1)
    Q, _, delta, L = FP._parts(o, v)
    M = sp.sqrt(Q)
    every_j = (j, 2, N)
    sk = lambda e: sp.Sum(e, (k, 1, P.n))  # noqa: E731
    s1j, s11 = sk(rho[one, k] * rho[j, k]), sk(rho[one, k] ** 2)
    scaled = beta * N * M * _gap(v, j)
    (goal,) = each(o, v)
    hyps = each_hypotheses(o, v)
    return [
        *(Step(h, f"{h.label} (hypothesis)", assumption()) for h in hyps),  # 0 … 2
        Step(
            Rel(0, "<", L),
            "ln is increasing: L > ln 1 = 0",
            monotone(2, sp.Lambda(_TP, sp.log(_TP)), "positive"),
        ),
        Step(Rel(2 / (beta * N), "<", delta), "Eq. 142 with L > 0", combine((1, 1), (3, 1 / beta))),
        Step(Rel(s1j, "<=", MaxOver(s1j, j, 2, N), over=every_j), "", term_bound()),  # 5
        Step(Rel(delta, "<=", s11 - s1j, over=every_j), "Δ₁ ≤ x₁ᵀx₁ − x₁ᵀxⱼ", combine((5, 1))),
        Step(Rel(sk(rho[i, k] ** 2), "<=", Q, over=(i, 1, N)), "‖xᵢ‖² ≤ M²", term_bound()),  # 7
        Step(Rel(s11, "<=", Q), "at i = 1", instance(7, one)),
        Step(
            Rel(sp.sqrt(s11), "<=", M),
            "√ is increasing on t ≥ 0",
            monotone(8, sp.Lambda(_T, sp.sqrt(_T)), "nonnegative"),
        ),  # 9
        Step(
            Rel(sk(rho[one, k] * (rho[one, k] - rho[j, k])), "<=", sp.sqrt(s11) * _gap(v, j)),
            "Cauchy–Schwarz: x₁ᵀ(x₁ − xⱼ) ≤ ‖x₁‖‖x₁ − xⱼ‖",
            cauchy_schwarz(),
        ),
        Step(
            Rel(2 / (beta * N), "<", M * _gap(v, j), over=every_j),
            "2/(βN) < Δ₁ ≤ x₁ᵀ(x₁ − xⱼ) ≤ ‖x₁‖‖x₁ − xⱼ‖ ≤ M‖x₁ − xⱼ‖",
            combine((4, 1), (6, 1), (10, 1), (9, _gap(v, j))),
        ),  # 11
        Step(
            Rel(2, "<", scaled, over=every_j),
            "times βN > 0: βNM‖x₁ − xⱼ‖ > 2",
            combine((11, beta * N)),
        ),  # 12
        Step(
            Rel(MinOver(2, j, 2, N), "<", MinOver(scaled, j, 2, N)),
            "the minimum term by term",
            termwise(12),
        ),
        Step(Rel(MinOver(2, j, 2, N), "==", 2), "a constant's minimum", algebra()),  # 14
        Step(goal, "", combine((13, 1), (14, 1))),  # 15
        Step(goal, "for every other pattern i: relabel the patterns", relabel(15)),
    ]


def every_derivation(o, v):
    """Eq. 142 for every i ⇒ pairwise disjoint balls (the claim ``eq302/disjoint``, the
    conjunction over every pattern): ``eq302/disjoint/each`` for the first pattern under its
    hypotheses, then every pattern by relabelling."""
    hyps = each_hypotheses(o, v)
    (goal,) = each(o, v)
    return [
        *(Step(h, f"{h.label} (hypothesis)", assumption()) for h in hyps),  # 0 … 2
        Step(goal, "Sᵢ is disjoint from every other Sⱼ", cites("eq302/disjoint/each", v)),
        Step(goal, "for every pattern i: relabel the patterns so that i comes first", relabel(3)),
    ]
