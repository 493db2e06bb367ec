"""The reading ``thm5/to-fixed-point`` of Theorem 5 (Ramsauer et al., arXiv:2008.02217v3,
Eq. 8 with the error measured to the fixed point xᵢ* instead of the pattern xᵢ) through the
rule kernel for every N ≥ 2 and d, for the first pattern and then by relabelling.

The route (not the paper's: Eq. 8 bounds ‖f(ξ) − xᵢ‖, and the triangle inequality through
xᵢ would double the bound). With f(y) = y (y the fixed point, kept a free vector of ℝᵈ as in
:mod:`derivations.ramsauer2020.retrieval_proofs`), and as both softmax vectors sum to 1,

    f(ξ) − y = f(ξ) − f(y) = Σ_{l≥2} (p_l − q_l)(x_l − x₁),

p = softmax(βXᵀξ), q = softmax(βXᵀy). Minkowski with weights of either sign gives
‖f(ξ) − y‖ ≤ Σ_{l≥2} |p_l − q_l|‖x_l − x₁‖. For l ≥ 2, p_l ≤ e^{−βc(ξ)} (the softmax over
e^{βz₁}, Lemma A4's route) and c(ξ) ≥ Δ₁ − 2M‖ξ − x₁‖ ≥ Δ₁ − 2μM (Theorem 5's gap bound), so
p_l ≤ B = e^{−β(Δ₁ − 2μM)}; the same at y with ‖y − x₁‖ ≤ μ gives q_l ≤ B. Both are ≥ 0, so
|p_l − q_l| ≤ B, and ‖x_l − x₁‖ ≤ 2M: the sum is at most (N − 1)·B·2M, Eq. 8's bound.

Hypotheses (the claim's, compared with the searched ones): M² > 0, Eq. 142 for pattern 1
(what makes xᵢ* exist) and f(y) = y coordinate by coordinate (true of xᵢ* by definition).

Notation as in :mod:`derivations.ramsauer2020.retrieval_proofs`: zⱼ = ξᵀxⱼ, c = z₁ −
max_{j≥2} zⱼ, Δ₁ the separation of x₁ (Eq. 5), M² = maxᵢ‖xᵢ‖², D = ‖ξ − x₁‖,
D* = ‖y − x₁‖, μ = max{D, D*}, f(ξ)_k = Σ_l p_l x[l, k].
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    abs_bound,
    algebra,
    assumption,
    combine,
    instance,
    minkowski,
    monotone,
    relabel,
    split_first,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import retrieval_proofs as RP
from derivations.ramsauer2020.energy_proofs import _scores, _update
from theory.indexed import MaxOver, index

__all__ = ["to_fixed_point", "to_fixed_point_derivation"]

_J, _L = index("j"), index("l")
_SOFT = ("softmaxb",)
_ROOT = RP._ROOT


def to_fixed_point(o, v):
    """‖f(ξ) − y‖ ≤ 2(N − 1)e^{−β(Δ₁ − 2μM)}M (Eq. 8's bound, to the fixed point y)."""
    D, Ds, mu, Q, delta = RP._parts(o, v)
    M = sp.sqrt(Q)
    rhs = 2 * (v.P.d - 1) * sp.exp(-v.beta * (delta - 2 * mu * M)) * M
    return [Rel(RP._to_star(v, _update(o, v)), "<=", rhs, "‖f(ξ) − xᵢ*‖ ≤ 2εM")]


def _weight_bound(o, v, w, at: int) -> list:
    """Steps ``at`` … ``at`` + 27 for the state x = ``w.x`` (ξ, or y at the instance with y
    as its query): p_l(x) ≤ e^{−β(Δ₁ − 2μM)} for every l ≥ 2 (the last step), from
    ‖x − x₁‖ ≤ μ, p_l ≤ e^{β(z_l − z₁)} ≤ e^{−βc(x)} and the gap c(x) ≥ Δ₁ − 2M‖x − x₁‖."""
    P, beta, x = v.P, v.beta, w.x
    N, one, j, l = P.d, sp.Integer(1), _J, _L
    D, Ds, mu, Q, delta = RP._parts(o, v)
    z = _scores(P, x)
    E = lambda i: sp.exp(beta * z[i])  # noqa: E731
    S, T = sp.Sum(E(j), (j, 1, N)), sp.Sum(E(j), (j, 2, N))
    top = MaxOver(z[j], j, 2, N)
    e = sp.exp(-beta * (z[one] - top))  # e^{−βc(x)}
    p = o.softmax(z, l, beta)
    later = (l, 2, N)
    t = sp.Dummy("t", positive=True)
    a, g = at + 1, at + 12  # the softmax steps, the gap steps
    return [
        Step(Rel(RP._dist(v, x), "<=", mu), "‖x − x₁‖ ≤ max{D, D*}", algebra()),  # at
        Step(Rel(z[l], "<=", top, over=later), "z_l ≤ max_{j≥2} zⱼ", term_bound()),  # a
        Step(Rel(beta * z[l], "<=", beta * top, over=later), "times β", combine((a, beta))),
        Step(Rel(E(l), "<=", sp.exp(beta * top), over=later), "exp", monotone(a + 1, sp.exp)),
        Step(Rel(S, "==", E(one) + T), "the first term of S", split_first()),  # a + 3
        Step(Rel(0, "<=", T), "a sum of exponentials", algebra()),
        Step(Rel(E(one), "<=", S), "S ≥ e^{βz₁}", combine((a + 3, -1), (a + 4, 1))),  # a + 5
        Step(
            Rel(-1 / E(one), "<=", -1 / S),
            "t ↦ −1/t is increasing on t > 0",
            monotone(a + 5, sp.Lambda(t, -1 / t), "positive"),
        ),
        Step(Rel(p, "==", E(l) / S, over=later), "the softmax", algebra(unfold=_SOFT)),  # a + 7
        Step(Rel(p, "<=", E(l) / E(one), over=later), "", combine((a + 7, 1), (a + 6, E(l)))),
        Step(
            Rel(E(l) / E(one), "<=", e, over=later),
            "e^{β(z_l − z₁)} ≤ e^{−βc}",
            combine((a + 2, 1 / E(one))),
        ),  # a + 9
        Step(Rel(p, "<=", e, over=later), "p_l ≤ e^{−βc}", combine((a + 8, 1), (a + 9, 1))),
        *RP._gap_steps(o, w, g),  # g … g + 12
        Step(
            Rel(-beta * (z[one] - top), "<=", -beta * (delta - 2 * mu * sp.sqrt(Q))),
            "c ≥ Δ₁ − 2M‖x − x₁‖ ≥ Δ₁ − 2μM, times β > 0",
            combine((g + 11, beta), (g + 12, beta), (at, 2 * beta * sp.sqrt(Q))),
        ),  # g + 13
        Step(
            Rel(e, "<=", sp.exp(-beta * (delta - 2 * mu * sp.sqrt(Q)))),
            "exp is increasing",
            monotone(g + 13, sp.exp),
        ),
        Step(
            Rel(p, "<=", sp.exp(-beta * (delta - 2 * mu * sp.sqrt(Q))), over=later),
            "p_l ≤ e^{−β(Δ₁ − 2μM)} for l ≥ 2",
            combine((a + 10, 1), (g + 14, 1)),
        ),  # g + 15 = at + 27
    ]


def to_fixed_point_derivation(o, v):
    """The module notes' route for the first pattern, then relabelling."""
    P, beta = v.P, v.beta
    N, rho, k, one, l = P.d, P.rho, P.k, sp.Integer(1), _L
    D, Ds, mu, Q, delta = RP._parts(o, v)
    M = sp.sqrt(Q)
    B = sp.exp(-beta * (delta - 2 * M * mu))
    p = o.softmax(_scores(P, v.x), l, beta)
    q = o.softmax(_scores(P, v.star), l, beta)
    a = rho[l, k] - rho[one, k]  # (x_l − x₁)_k
    wa = (p - q) * a
    later, coords = (l, 2, N), (k, 1, P.n)
    gap = _update(o, v)[k] - v.star.body  # (f(ξ) − y)_k
    rest = sp.Sum(wa, later)
    norm_a = sp.sqrt(RP._sk(v, a**2))
    (goal,) = to_fixed_point(o, v)
    steps = [
        *(Step(h, f"{h.label} (hypothesis)", assumption()) for h in RP.eq6_hypotheses(o, v)),
        Step(Rel(sp.Sum(p, (l, 1, N)), "==", 1), "softmax sums to 1", algebra(unfold=_SOFT)),  # 3
        Step(Rel(sp.Sum(q, (l, 1, N)), "==", 1), "softmax sums to 1", algebra(unfold=_SOFT)),
        Step(
            Rel(sp.Sum(wa, (l, 1, N)), "==", rest),
            "the term l = 1 is (p₁ − q₁)(x₁ − x₁) = 0",
            split_first(),
        ),  # 5
        Step(
            Rel(gap, "==", rest, over=coords),
            "f(ξ) − y = f(ξ) − f(y) = Σ_{l≥2}(p_l − q_l)(x_l − x₁), as Σp = Σq = 1",
            combine((5, 1), (3, rho[one, k]), (4, -rho[one, k]), (2, 1)),
        ),
        Step(Rel(gap**2, "==", rest**2, over=coords), "squared", combine((6, gap + rest))),  # 7
        Step(Rel(RP._sk(v, gap**2), "==", RP._sk(v, rest**2)), "summed over k", termwise(7)),
        Step(
            Rel(goal.lhs, "==", sp.sqrt(RP._sk(v, rest**2))),
            "√ of both",
            monotone(8, _ROOT, "nonnegative"),
        ),  # 9
        Step(
            Rel(sp.sqrt(RP._sk(v, rest**2)), "<=", sp.Sum(sp.Abs(p - q) * norm_a, later)),
            "Minkowski with weights p_l − q_l of either sign",
            minkowski(p - q),
        ),
    ]
    f = len(steps)  # 11: p_l ≤ B at ξ (f … f + 27), then q_l ≤ B at y
    steps += _weight_bound(o, v, v, f)
    h = len(steps)
    steps += _weight_bound(o, v, RP._at_fixed_point(v), h)
    b = len(steps)
    steps += [
        Step(Rel(0, "<=", p, over=later), "a probability", algebra(unfold=_SOFT)),  # b
        Step(Rel(0, "<=", q, over=later), "a probability", algebra(unfold=_SOFT)),
        Step(Rel(p - q, "<=", B, over=later), "p_l − q_l ≤ p_l", combine((f + 27, 1), (b + 1, 1))),
        Step(Rel(q - p, "<=", B, over=later), "q_l − p_l ≤ q_l", combine((h + 27, 1), (b, 1))),
        Step(Rel(sp.Abs(p - q), "<=", B, over=later), "both signs", abs_bound(b + 2, b + 3)),
        Step(Rel(norm_a, "<=", 2 * M, over=later), "at j = l", instance(f + 17, l)),  # b + 5
        Step(
            Rel(sp.Abs(p - q) * norm_a, "<=", 2 * M * B, over=later),
            "|p_l − q_l|‖x_l − x₁‖ ≤ B·2M",
            combine((b + 4, norm_a), (b + 5, B)),
        ),
        Step(
            Rel(sp.Sum(sp.Abs(p - q) * norm_a, later), "<=", sp.Sum(2 * M * B, later)),
            "summed over l ≥ 2",
            termwise(b + 6),
        ),  # b + 7
        Step(goal, "N − 1 equal terms", combine((9, 1), (10, 1), (b + 7, 1))),
        Step(goal, "for every other pattern i: relabel the patterns", relabel(b + 8)),
    ]
    return steps
