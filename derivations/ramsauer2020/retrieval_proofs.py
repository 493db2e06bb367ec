"""Theorem 5 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel for every
N ≥ 2 and d: Eq. 8 (the claim ``thm5``), Eq. 9 as printed (``thm5/eq9``) and Eq. 9 read as a
bound on the retrieval error (``thm5/eq9/retrieval-error``), for the first pattern and then,
their hypotheses with them, for every pattern by the kernel's ``relabel`` rule.

The fixed point. The statements name xᵢ*, the fixed point in Sᵢ (Lemma A7); the search
computes it (the claims' ``defined`` quantity ``star``), the derivations keep it a free
vector y of ℝᵈ: Eq. 8 and the retrieval-error reading hold for every y in its place, and Eq. 9
as printed for every y with f(y) = y (a hypothesis there, true of xᵢ*).

Eq. 8, the paper's route (Lemma A4 and the proof of Theorem 4, Eq. 180). For every j ≥ 2,
ξᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (ξ − x₁)ᵀ(xⱼ − x₁) ≤ x₁ᵀxⱼ − x₁ᵀx₁ + ‖ξ − x₁‖·2M
(Cauchy–Schwarz and ‖xⱼ − x₁‖² ≤ 2‖xⱼ‖² + 2‖x₁‖² ≤ 4M²), so the gap c = ξᵀx₁ − max_{j≥2} ξᵀxⱼ is
at least Δ₁ − 2M‖ξ − x₁‖ ≥ Δ₁ − 2μM, μ = max{‖ξ − x₁‖, ‖y − x₁‖}; Lemma A4 (cited) gives
‖x₁ − f(ξ)‖ ≤ 2(N − 1)e^{−βc}M, and e^{−βc} ≤ e^{−β(Δ₁ − 2μM)}. The maximum of the two
distances is written μ = (D + D* + |D − D*|)/2 (D = ‖ξ − x₁‖, D* = ‖y − x₁‖), equal to it
for all values, so that the sign rules see μ ≥ D.

Eq. 9. Under ‖ξ − x₁‖, ‖y − x₁‖ ≤ 1/(2βM) the maximum μ is at most 1/(2βM) (|D − D*| ≤
2r − D − D* from both), so 2μM ≤ 1/β and the exponent of Eq. 8 is at most 1 − βΔ₁: the
retrieval error ‖x₁ − f(ξ)‖ ≤ 2e(N − 1)Me^{−βΔ₁}. Eq. 9 as printed bounds ‖x₁ − y‖ for
the fixed point: Eq. 8 at ξ = y (cited; μ = D* there) with f(y) = y.

Hypotheses (the claims', for the first pattern; compared with the searched ones written
out): M² > 0 and Eq. 142 for pattern 1 (what makes xᵢ* exist; the derivations need only
M² > 0), for Eq. 9 also ‖x₁ − y‖ ≤ 1/(2βM), ‖x₁ − ξ‖ ≤ 1/(2βM) and, as printed, f(y) = y.

Notation as in :mod:`derivations.ramsauer2020.fixed_point_proofs`: N ≥ 2 patterns
x₁ … x_N ∈ ℝᵈ (entries x[j, k]), ξ, y ∈ ℝᵈ, β > 0, zⱼ = ξᵀxⱼ, sⱼ = x₁ᵀxⱼ, Δ₁ = s₁ −
max_{j≥2} sⱼ, c = z₁ − max_{j≥2} zⱼ, Q = M² = maxᵢ‖xᵢ‖², r = 1/(2βM).
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    abs_bound,
    algebra,
    assumption,
    cauchy_schwarz,
    cites,
    combine,
    monotone,
    relabel,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import fixed_point_proofs as FP
from derivations.ramsauer2020.energy_proofs import _scores, _update
from theory.indexed import MaxOver, index

__all__ = [
    "space",
    "sizes",
    "thm5",
    "thm5_hypotheses",
    "thm5_derivation",
    "eq9",
    "eq9_hypotheses",
    "eq9_derivation",
    "fixed_point_rel",
    "eq6_hypotheses",
    "eq6",
    "eq6_derivation",
]

_J = index("j")


def space():
    """:func:`derivations.ramsauer2020.a1_proofs.space` with the fixed point kept a free
    vector y ∈ ℝᵈ (``star``)."""
    v = AP.space()
    v.star = v.P.query("y", latex=r"{x^{*}_{1}}")
    return v


def sizes():
    return [space()]


def _sk(v, e):
    return sp.Sum(e, (v.P.k, 1, v.P.n))


def _dist(v, a):
    """‖a − x₁‖ for a vector a of ℝᵈ."""
    return sp.sqrt(_sk(v, (a[v.P.k] - v.P.rho[sp.Integer(1), v.P.k]) ** 2))


def _parts(o, v):
    """(D = ‖ξ − x₁‖, D* = ‖y − x₁‖, μ = max{D, D*}, M² = maxᵢ‖xᵢ‖², Δ₁)."""
    D, Ds = _dist(v, v.x), _dist(v, v.star)
    return D, Ds, (D + Ds + sp.Abs(D - Ds)) / 2, o.max_sqnorm(v.P), AP._sep(v)


def _retrieval_error(o, v):
    """‖x₁ − f(ξ)‖."""
    one = sp.Integer(1)
    return sp.sqrt(_sk(v, (v.P.rho[one, v.P.k] - _update(o, v)[v.P.k]) ** 2))


def thm5_hypotheses(o, v):
    """M² > 0 and Eq. 142 for pattern 1."""
    return FP.a5_hypotheses(o, v)[:2]


def thm5(o, v):
    """(8) ‖x₁ − f(ξ)‖ ≤ 2(N − 1)e^{−β(Δ₁ − 2μM)}M."""
    D, Ds, mu, Q, delta = _parts(o, v)
    M = sp.sqrt(Q)
    rhs = 2 * (v.P.d - 1) * sp.exp(-v.beta * (delta - 2 * mu * M)) * M
    return [Rel(_retrieval_error(o, v), "<=", rhs, "(8) ‖f(ξ) − xᵢ‖ ≤ 2εM")]


def thm5_derivation(o, v):
    """The module notes' route for the first pattern, then relabelling."""
    P, beta, x = v.P, v.beta, v.x
    N, rho, k = P.d, P.rho, P.k
    one, j = sp.Integer(1), _J
    D, Ds, mu, Q, delta = _parts(o, v)
    M = sp.sqrt(Q)
    z = _scores(P, x)
    c = z[one] - MaxOver(z[j], j, 2, N)
    a = x.body - rho[one, k]  # (ξ − x₁)_k
    b = rho[j, k] - rho[one, k]  # (xⱼ − x₁)_k
    s1j, s11 = _sk(v, rho[one, k] * rho[j, k]), _sk(v, rho[one, k] ** 2)
    every_j = (j, 2, N)
    low = z[one] - delta + 2 * M * D  # the bound on every ξᵀxⱼ, j ≥ 2
    t = sp.Dummy("t", nonnegative=True)
    (goal,) = thm5(o, v)
    return [
        Step(AP.a4_full(o, v)[2], "Lemma A4: ‖x₁ − f(ξ)‖ ≤ 2εM", cites("lemma-a4", v)),  # 0
        *FP.pattern_gaps(o, v, 1),  # 1 … 5: ‖xⱼ − x₁‖² ≤ 4M² for j ≥ 2 (step 5)
        Step(
            Rel(sp.sqrt(_sk(v, b**2)), "<=", 2 * M, over=every_j),
            "√ is increasing on t ≥ 0",
            monotone(5, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
        ),
        Step(
            Rel(_sk(v, a * b), "<=", D * sp.sqrt(_sk(v, b**2)), over=every_j),
            "Cauchy–Schwarz: (ξ − x₁)ᵀ(xⱼ − x₁) ≤ ‖ξ − x₁‖‖xⱼ − x₁‖",
            cauchy_schwarz(),
        ),  # 7
        Step(
            Rel(_sk(v, a * b), "<=", 2 * M * D, over=every_j),
            "step 6 times ‖ξ − x₁‖ ≥ 0",
            combine((7, 1), (6, D)),
        ),
        Step(
            Rel(z[j] - z[one], "==", s1j - s11 + _sk(v, a * b), over=every_j),
            "ξᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (ξ − x₁)ᵀ(xⱼ − x₁)",
            algebra(),
        ),  # 9
        Step(
            Rel(s1j, "<=", MaxOver(s1j, j, 2, N), over=every_j),
            "x₁ᵀxⱼ ≤ max_{j≥2} x₁ᵀxⱼ",
            term_bound(),
        ),
        Step(
            Rel(z[j], "<=", low, over=every_j),
            "ξᵀxⱼ ≤ ξᵀx₁ − Δ₁ + 2M‖ξ − x₁‖",
            combine((8, 1), (9, 1), (10, 1)),
        ),  # 11
        Step(
            Rel(MaxOver(z[j], j, 2, N), "<=", MaxOver(low, j, 2, N)),
            "the maximum term by term",
            termwise(11),
        ),
        Step(Rel(MaxOver(low, j, 2, N), "==", low), "a constant's maximum", algebra()),  # 13
        Step(
            Rel(D, "<=", mu),
            "μ = max{‖ξ − x₁‖, ‖y − x₁‖} = (D + D* + |D − D*|)/2 ≥ D",
            algebra(),
        ),
        Step(
            Rel(-beta * c, "<=", -beta * (delta - 2 * mu * M)),
            "c ≥ Δ₁ − 2M‖ξ − x₁‖ ≥ Δ₁ − 2μM, times β > 0",
            combine((12, beta), (13, beta), (14, 2 * beta * M)),
        ),  # 15
        Step(
            Rel(sp.exp(-beta * c), "<=", sp.exp(-beta * (delta - 2 * mu * M))),
            "exp is increasing",
            monotone(15, sp.exp),
        ),
        Step(goal, "2εM ≤ 2(N − 1)e^{−β(Δ₁ − 2μM)}M", combine((0, 1), (16, 2 * (N - 1) * M))),
        Step(goal, "for every other pattern i: relabel the patterns", relabel(17)),
    ]


# ------------------------------------------------------------------------- Eq. 9


def eq9_hypotheses(printed: bool):
    """M² > 0, Eq. 142, ‖x₁ − y‖ ≤ 1/(2βM), ‖x₁ − ξ‖ ≤ 1/(2βM) and (``printed``) f(y) = y
    coordinate by coordinate."""

    def hypotheses(o, v):
        D, Ds, mu, Q, delta = _parts(o, v)
        M = sp.sqrt(Q)
        r = 1 / (2 * v.beta * M)
        hyps = [
            *thm5_hypotheses(o, v),
            Rel(Ds, "<=", r, "‖xᵢ − xᵢ*‖ ≤ 1/(2βM)"),
            Rel(D, "<=", r, "‖xᵢ − ξ‖ ≤ 1/(2βM)"),
        ]
        return [*hyps, fixed_point_rel(o, v)] if printed else hyps

    return hypotheses


def fixed_point_rel(o, v):
    """f(y) = y, coordinate by coordinate (y = ``v.star``)."""
    f = _update(o, _at_fixed_point(v))
    return Rel(f.body, "==", v.star.body, "f(xᵢ*) = xᵢ*", over=(v.P.k, 1, v.P.n))


def _at_fixed_point(v):
    """The instance with the query ξ replaced by y."""
    return SimpleNamespace(**{**vars(v), "x": v.star})


def eq9(printed: bool):
    """(9) ‖x₁ − y‖ ≤ 2e(N − 1)Me^{−βΔ₁} (``printed``), or the same bound for ‖x₁ − f(ξ)‖."""

    def statement(o, v):
        D, Ds, mu, Q, delta = _parts(o, v)
        M = sp.sqrt(Q)
        lhs = Ds if printed else _retrieval_error(o, v)
        rhs = 2 * sp.E * (v.P.d - 1) * M * sp.exp(-v.beta * delta)
        return [Rel(lhs, "<=", rhs, "(9) ≤ 2e(N − 1)M e^{−βΔᵢ}")]

    return statement


def eq9_derivation(printed: bool):
    """Eq. 8 (cited, at ξ, or at y for the printed form with f(y) = y), μ ≤ 1/(2βM), then
    relabelling."""

    def derivation(o, v):
        P, beta = v.P, v.beta
        N, rho, k = P.d, P.rho, P.k
        one = sp.Integer(1)
        D, Ds, mu, Q, delta = _parts(o, v)
        M = sp.sqrt(Q)
        r = 1 / (2 * beta * M)
        hyps = eq9_hypotheses(printed)(o, v)
        w = _at_fixed_point(v) if printed else v
        (cited,) = thm5(o, w)
        (goal,) = eq9(printed)(o, v)
        b = len(hyps)  # steps 0 … b − 1: the hypotheses, then Eq. 8 (step b)
        steps = [Step(h, f"{h.label} (hypothesis)", assumption()) for h in hyps]
        steps.append(
            Step(cited, "Eq. 8 (Theorem 5)" + (" at ξ = y" if printed else ""), cites("thm5", w))
        )
        if printed:  # μ = ‖y − x₁‖ at ξ = y
            m, small = Ds, 2
        else:  # μ = max{D, D*} ≤ r from both
            m, small = mu, b + 4
            steps += [
                Step(Rel(D - Ds, "<=", 2 * r - D - Ds), "2‖ξ − x₁‖ ≤ 2r", combine((3, 2))),
                Step(Rel(Ds - D, "<=", 2 * r - D - Ds), "2‖y − x₁‖ ≤ 2r", combine((2, 2))),
                Step(
                    Rel(sp.Abs(D - Ds), "<=", 2 * r - D - Ds),
                    "|D − D*| ≤ 2r − D − D*, both signs",
                    abs_bound(b + 1, b + 2),
                ),
                Step(Rel(mu, "<=", r), "max{D, D*} ≤ r", combine((b + 3, sp.Rational(1, 2)))),
            ]
        e = len(steps)  # the exponent bound
        steps += [
            Step(
                Rel(-beta * (delta - 2 * m * M), "<=", 1 - beta * delta),
                "2μM ≤ 2rM = 1/β",
                combine((small, 2 * beta * M)),
            ),
            Step(
                Rel(sp.exp(-beta * (delta - 2 * m * M)), "<=", sp.exp(1 - beta * delta)),
                "exp is increasing",
                monotone(e, sp.exp),
            ),
        ]
        bound = (e + 1, 2 * (N - 1) * M)
        if printed:
            f = _update(o, w)
            gap, to_y = rho[one, k] - f[k], rho[one, k] - v.star.body
            t = sp.Dummy("t", nonnegative=True)
            g = len(steps)
            steps += [
                Step(
                    Rel(gap**2, "==", to_y**2, over=(k, 1, P.n)),
                    "f(y) = y, coordinate by coordinate",
                    combine((b - 1, -(gap + to_y))),
                ),
                Step(
                    Rel(_sk(v, gap**2), "==", _sk(v, to_y**2)),
                    "summed over the coordinates",
                    termwise(g),
                ),
                Step(
                    Rel(cited.lhs, "==", Ds),
                    "‖x₁ − f(y)‖ = ‖x₁ − y‖",
                    monotone(g + 1, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
                ),
                Step(goal, "e^{1 − βΔ₁} = e·e^{−βΔ₁}", combine((b, 1), (g + 2, -1), bound)),
            ]
        else:
            steps.append(Step(goal, "e^{1 − βΔ₁} = e·e^{−βΔ₁}", combine((b, 1), bound)))
        last = len(steps) - 1
        steps.append(Step(goal, "for every other pattern i: relabel the patterns", relabel(last)))
        return steps

    return derivation


# ----------------------------------------------------------------- Theorem 4, Eq. 6


def eq6_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern 1 and f(y) = y (y is the fixed point xᵢ*)."""
    return [*thm5_hypotheses(o, v), fixed_point_rel(o, v)]


def _to_star(v, x):
    """‖x − y‖ for a vector x of ℝᵈ, y = ``v.star``."""
    k = v.P.k
    return sp.sqrt(_sk(v, (x[k] - v.star.body) ** 2))


def eq6(o, v):
    """(6) ‖f(ξ) − y‖ ≤ ‖Jᵐ(ξ, y)‖₂‖ξ − y‖."""
    from derivations.ramsauer2020.lipschitz_proofs import mean_jacobian

    f = _update(o, v)
    rhs = mean_jacobian(o, v, v.star) * _to_star(v, v.x)
    return [Rel(_to_star(v, f), "<=", rhs, "(6) ‖f(ξ) − xᵢ*‖ ≤ ‖Jᵐ‖₂‖ξ − xᵢ*‖")]


def eq6_derivation(o, v):
    """Lemma A32 (cited) on [xᵢ*, ξ] with f(xᵢ*) = xᵢ*, then relabelling (the statement
    names no pattern; Eq. 142 for pattern i is the hypothesis that makes xᵢ* exist)."""
    k = v.P.k
    hyps = eq6_hypotheses(o, v)
    w = SimpleNamespace(P=v.P, x=v.x, y=v.star, beta=v.beta)
    from derivations.ramsauer2020.lipschitz_proofs import a32

    (mvt,) = a32(o, w)
    f, fy = _update(o, v)[k], _update(o, _at_fixed_point(v))[k]
    y = v.star.body
    t = sp.Dummy("t", nonnegative=True)
    (goal,) = eq6(o, v)
    return [
        *(Step(h, f"{h.label} (hypothesis)", assumption()) for h in hyps),  # 0 … 2
        Step(mvt, "Lemma A32 on the segment from xᵢ* to ξ", cites("lemma-a32", w)),  # 3
        Step(
            Rel((f - y) ** 2, "==", (f - fy) ** 2, over=(k, 1, v.P.n)),
            "f(xᵢ*) = xᵢ*, coordinate by coordinate",
            combine((2, 2 * f - y - fy)),
        ),
        Step(
            Rel(_sk(v, (f - y) ** 2), "==", _sk(v, (f - fy) ** 2)),
            "summed over the coordinates",
            termwise(4),
        ),  # 5
        Step(
            Rel(goal.lhs, "==", mvt.lhs),
            "‖f(ξ) − xᵢ*‖ = ‖f(ξ) − f(xᵢ*)‖",
            monotone(5, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
        ),
        Step(goal, "(6)", combine((3, 1), (6, 1))),  # 7
        Step(goal, "for every other pattern i: relabel the patterns", relabel(7)),
    ]
