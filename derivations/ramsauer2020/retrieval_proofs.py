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
    cases_first,
    cauchy_schwarz,
    cites,
    combine,
    in_range,
    integral_norm,
    monotone,
    relabel,
    split_first,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import fixed_point_proofs as FP
from derivations.ramsauer2020.energy_proofs import _scores, _update
from derivations.ramsauer2020.jacobian_proofs import _m, _soft, a2
from derivations.ramsauer2020.lipschitz_proofs import _LAMBDA, _segment, a32, mean_jacobian
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
    "eq7",
    "eq7_derivation",
    "segment_square",
]

_J = index("j")
_SOFT = ("softmaxb",)
_T = sp.Dummy("t", nonnegative=True)
_ROOT = sp.Lambda(_T, sp.sqrt(_T))


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


def _gap_steps(o, v, at: int) -> list:
    """Steps ``at`` … ``at`` + 12 for the state x = ``v.x``: max_{j≥2} xᵀxⱼ ≤
    xᵀx₁ − Δ₁ + 2M‖x − x₁‖ (step ``at`` + 11, with ``at`` + 12 the constant's maximum), from
    xᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (x − x₁)ᵀ(xⱼ − x₁), Cauchy–Schwarz and ‖xⱼ − x₁‖ ≤ 2M."""
    P, x = v.P, v.x
    N, rho, k = P.d, P.rho, P.k
    one, j = sp.Integer(1), _J
    D = _dist(v, x)
    M = sp.sqrt(o.max_sqnorm(P))
    z = _scores(P, x)
    a = x.body - rho[one, k]  # (x − x₁)_k
    b = rho[j, k] - rho[one, k]  # (xⱼ − x₁)_k
    s1j, s11 = _sk(v, rho[one, k] * rho[j, k]), _sk(v, rho[one, k] ** 2)
    every_j = (j, 2, N)
    low = z[one] - AP._sep(v) + 2 * M * D  # the bound on every xᵀxⱼ, j ≥ 2
    t = sp.Dummy("t", nonnegative=True)
    g = at + 5  # after the pattern gaps
    return [
        *FP.pattern_gaps(o, v, at),  # ‖xⱼ − x₁‖² ≤ 4M² for j ≥ 2 (step at + 4)
        Step(
            Rel(sp.sqrt(_sk(v, b**2)), "<=", 2 * M, over=every_j),
            "√ is increasing on t ≥ 0",
            monotone(at + 4, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
        ),  # g
        Step(
            Rel(_sk(v, a * b), "<=", D * sp.sqrt(_sk(v, b**2)), over=every_j),
            "Cauchy–Schwarz: (x − x₁)ᵀ(xⱼ − x₁) ≤ ‖x − x₁‖‖xⱼ − x₁‖",
            cauchy_schwarz(),
        ),
        Step(
            Rel(_sk(v, a * b), "<=", 2 * M * D, over=every_j),
            "‖xⱼ − x₁‖ ≤ 2M, times ‖x − x₁‖ ≥ 0",
            combine((g + 1, 1), (g, D)),
        ),  # g + 2
        Step(
            Rel(z[j] - z[one], "==", s1j - s11 + _sk(v, a * b), over=every_j),
            "xᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (x − x₁)ᵀ(xⱼ − x₁)",
            algebra(),
        ),
        Step(
            Rel(s1j, "<=", MaxOver(s1j, j, 2, N), over=every_j),
            "x₁ᵀxⱼ ≤ max_{j≥2} x₁ᵀxⱼ",
            term_bound(),
        ),  # g + 4
        Step(
            Rel(z[j], "<=", low, over=every_j),
            "xᵀxⱼ ≤ xᵀx₁ − Δ₁ + 2M‖x − x₁‖",
            combine((g + 2, 1), (g + 3, 1), (g + 4, 1)),
        ),
        Step(
            Rel(MaxOver(z[j], j, 2, N), "<=", MaxOver(low, j, 2, N)),
            "the maximum term by term",
            termwise(g + 5),
        ),  # g + 6 = at + 11
        Step(Rel(MaxOver(low, j, 2, N), "==", low), "a constant's maximum", algebra()),
    ]


def thm5_derivation(o, v):
    """The module notes' route for the first pattern, then relabelling."""
    P, beta, x = v.P, v.beta, v.x
    N, j, one = P.d, _J, sp.Integer(1)
    D, Ds, mu, Q, delta = _parts(o, v)
    M = sp.sqrt(Q)
    z = _scores(P, x)
    c = z[one] - MaxOver(z[j], j, 2, N)
    (goal,) = thm5(o, v)
    return [
        Step(AP.a4_full(o, v)[2], "Lemma A4: ‖x₁ − f(ξ)‖ ≤ 2εM", cites("lemma-a4", v)),  # 0
        *_gap_steps(o, v, 1),  # 1 … 13: max_{j≥2} ξᵀxⱼ ≤ ξᵀx₁ − Δ₁ + 2M‖ξ − x₁‖ (12, 13)
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
    f = _update(o, v)
    rhs = mean_jacobian(o, v, v.star) * _to_star(v, v.x)
    return [Rel(_to_star(v, f), "<=", rhs, "(6) ‖f(ξ) − xᵢ*‖ ≤ ‖Jᵐ‖₂‖ξ − xᵢ*‖")]


def eq6_derivation(o, v):
    """Lemma A32 (cited) on [xᵢ*, ξ] with f(xᵢ*) = xᵢ*, then relabelling (the statement
    names no pattern; Eq. 142 for pattern i is the hypothesis that makes xᵢ* exist)."""
    k = v.P.k
    hyps = eq6_hypotheses(o, v)
    w = SimpleNamespace(P=v.P, x=v.x, y=v.star, beta=v.beta)
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


# ----------------------------------------------------------------- Theorem 4, Eq. 7


def segment_square(v, y, lam, at: int, centre=None) -> list:
    """Steps ``at`` … ``at`` + 6 for the point q = y + λ(ξ − y), λ ∈ [0, 1]:
    ‖q − c‖² ≤ (λ‖ξ − c‖ + (1 − λ)‖y − c‖)² (the last step), from q − c =
    λ(ξ − c) + (1 − λ)(y − c) and Cauchy–Schwarz; steps ``at``, ``at`` + 2 are 0 ≤ λ and
    0 ≤ 1 − λ. The centre c is x₁, or ``centre`` (a :class:`~theory.indexed.Vec` of ℝᵈ)."""
    P, k, one, seg = v.P, v.P.k, sp.Integer(1), (lam, 0, 1)
    c = P.rho[one, k] if centre is None else centre.body
    name = "x₁" if centre is None else str(centre.shown)
    dist = lambda a: sp.sqrt(_sk(v, (a[k] - c) ** 2))  # noqa: E731
    D, Ds = dist(v.x), dist(y)
    Dq = dist(_segment(SimpleNamespace(**{**vars(v), "y": y}), lam).x)
    a, b = v.x.body - c, y.body - c
    s = lam * D + (1 - lam) * Ds
    t = sp.pretty(lam)  # its name in the reasons
    return [
        Step(Rel(0, "<=", lam, over=seg), f"{t} ∈ [0, 1]", in_range()),  # at
        Step(Rel(lam, "<=", 1, over=seg), f"{t} ∈ [0, 1]", in_range()),
        Step(Rel(0, "<=", 1 - lam, over=seg), "", combine((at + 1, 1))),  # at + 2
        Step(Rel(0, "<=", 2 - 2 * lam, over=seg), "", combine((at + 1, 2))),
        Step(Rel(0, "<=", 2 * lam * (1 - lam), over=seg), "", combine((at, 2 - 2 * lam))),
        Step(
            Rel(_sk(v, a * b), "<=", D * Ds),
            f"Cauchy–Schwarz: (ξ − {name})ᵀ(y − {name}) ≤ ‖ξ − {name}‖‖y − {name}‖",
            cauchy_schwarz(),
        ),  # at + 5
        Step(
            Rel(Dq**2, "<=", s**2, over=seg),
            f"q − {name} = {t}(ξ − {name}) + (1 − {t})(y − {name})",
            combine((at + 5, 2 * lam * (1 - lam))),
        ),
    ]


def eq7(o, v):
    """(7) ‖Jᵐ(ξ, y)‖₂ ≤ 2βNM²(N − 1)e^{−β(Δ₁ − 2μM)}."""
    D, Ds, mu, Q, delta = _parts(o, v)
    N = v.P.d
    rhs = 2 * v.beta * N * Q * (N - 1) * sp.exp(-v.beta * (delta - 2 * mu * sp.sqrt(Q)))
    return [Rel(mean_jacobian(o, v, v.star), "<=", rhs, "(7) ‖Jᵐ‖₂ ≤ 2βNM²ε")]


def eq7_derivation(o, v):
    """At every point q = y + λ(ξ − y) of the segment: ‖J(q)‖₂ ≤ 2βNM²·maxₗ pₗ(1 − pₗ)
    (Lemma A2, cited at q), maxₗ pₗ(1 − pₗ) ≤ ε(q) = (N − 1)e^{−βc(q)} (Lemma A4 at q:
    p₁ ≥ 1 − ε, p_l ≤ ε/(N − 1) for l ≥ 2), c(q) ≥ Δ₁ − 2M‖q − x₁‖ (as in Theorem 5) and
    ‖q − x₁‖ ≤ λ‖ξ − x₁‖ + (1 − λ)‖y − x₁‖ ≤ μ (Cauchy–Schwarz); then ‖∫₀¹ J dλ‖₂ ≤ the
    bound (the kernel's ``integral_norm``), and relabelling."""
    P, beta = v.P, v.beta
    N = P.d
    one, j, lam = sp.Integer(1), _J, _LAMBDA
    D, Ds, mu, Q, delta = _parts(o, v)
    M = sp.sqrt(Q)
    q = _segment(SimpleNamespace(**{**vars(v), "y": v.star}), lam)
    Jq, mid = a2(o, q)  # ‖J(q)‖₂ ≤ 2β‖X‖₂²m, 2β‖X‖₂²m ≤ 2βNM²m
    p1_low = AP.a4(o, q)[0]  # p₁ ≥ 1 − ε
    l = index("l")  # noqa: E741 - m's own index
    z = _scores(P, q.x)
    p = lambda i: o.softmax(z, i, beta)  # noqa: E731
    c = z[one] - MaxOver(z[j], j, 2, N)
    e = sp.exp(-beta * c)
    eps = (N - 1) * e
    m = _m(o, _soft(q))
    seg = (lam, 0, 1)
    later = (l, 2, N)
    Dq = _dist(v, q.x)
    s = lam * D + (1 - lam) * Ds
    bound = 2 * beta * N * Q * (N - 1) * sp.exp(-beta * (delta - 2 * mu * M))
    (goal,) = eq7(o, v)
    E = lambda i: sp.exp(beta * z[i])  # noqa: E731
    S, T = sp.Sum(E(j), (j, 1, N)), sp.Sum(E(j), (j, 2, N))
    tp = sp.Dummy("t", positive=True)
    steps = [
        Step(Jq, "Lemma A2 at q: ‖J(q)‖₂ ≤ 2β‖X‖₂²m", cites("lemma-a2", q)),  # 0
        Step(mid, "Lemma A2 at q: ‖X‖₂² ≤ NM²", cites("lemma-a2", q)),
        Step(p1_low, "Lemma A4 at q: p₁ ≥ 1 − ε", cites("lemma-a4/softmax", q)),  # 2
        Step(Rel(0, "<=", (1 - p(one)) ** 2), "a square", algebra()),
        Step(Rel(p(one) * (1 - p(one)), "<=", 1 - p(one)), "", combine((3, 1))),  # 4
        Step(Rel(p(one) * (1 - p(one)), "<=", eps), "1 − p₁ ≤ ε", combine((4, 1), (2, 1))),
        Step(Rel(0, "<=", p(l) ** 2, over=later), "a square", algebra()),  # 6
        Step(Rel(p(l) * (1 - p(l)), "<=", p(l), over=later), "", combine((6, 1))),
        Step(Rel(z[l], "<=", MaxOver(z[j], j, 2, N), over=later), "", term_bound()),  # 8
        Step(
            Rel(beta * z[l], "<=", beta * MaxOver(z[j], j, 2, N), over=later),
            "times β",
            combine((8, beta)),
        ),
        Step(
            Rel(E(l), "<=", sp.exp(beta * MaxOver(z[j], j, 2, N)), over=later),
            "exp is increasing",
            monotone(9, sp.exp),
        ),  # 10
        Step(Rel(S, "==", E(one) + T), "the first term of S", split_first()),
        Step(Rel(0, "<=", T), "a sum of exponentials", algebra()),  # 12
        Step(Rel(E(one), "<=", S), "S ≥ e^{βz₁}", combine((11, -1), (12, 1))),
        Step(
            Rel(-1 / E(one), "<=", -1 / S),
            "t ↦ −1/t is increasing on t > 0",
            monotone(13, sp.Lambda(tp, -1 / tp), "positive"),
        ),  # 14
        Step(Rel(p(l), "==", E(l) / S, over=later), "the softmax", algebra(unfold=_SOFT)),
        Step(Rel(p(l), "<=", E(l) / E(one), over=later), "", combine((15, 1), (14, E(l)))),  # 16
        Step(
            Rel(E(l) / E(one), "<=", eps / (N - 1), over=later),
            "e^{β(z_l − z₁)} ≤ e^{β(max_{j≥2} zⱼ − z₁)} = ε/(N − 1)",
            combine((10, 1 / E(one))),
        ),
        Step(Rel(0, "<=", N - 2), "N ≥ 2", algebra()),  # 18
        Step(Rel(eps / (N - 1), "<=", eps), "ε/(N − 1) ≤ ε", combine((18, e))),
        Step(
            Rel(p(l) * (1 - p(l)), "<=", eps, over=later),
            "p_l(1 − p_l) ≤ p_l ≤ ε/(N − 1) ≤ ε for l ≥ 2",
            combine((7, 1), (16, 1), (17, 1), (19, 1)),
        ),  # 20
        Step(
            Rel(p(l) * (1 - p(l)), "<=", eps, over=(l, 1, N)), "l = 1 and l ≥ 2", cases_first(5, 20)
        ),
        Step(Rel(m, "<=", MaxOver(eps, l, 1, N)), "the maximum term by term", termwise(21)),  # 22
        Step(Rel(MaxOver(eps, l, 1, N), "==", eps), "a constant's maximum", algebra()),
        Step(
            Rel(Jq.lhs, "<=", 2 * beta * N * Q * eps),
            "‖J(q)‖₂ ≤ 2βNM²m ≤ 2βNM²ε",
            combine((0, 1), (1, 1), (22, 2 * beta * N * Q), (23, 2 * beta * N * Q)),
        ),  # 24
    ]
    g = len(steps)  # 25: the gap at q, steps g … g + 12
    steps += _gap_steps(o, q, g)
    h = len(steps)  # 30
    steps += [
        *segment_square(v, v.star, lam, h),  # h … h + 6
        Step(Rel(D, "<=", mu), "D ≤ max{D, D*}", algebra()),
        Step(Rel(Ds, "<=", mu), "D* ≤ max{D, D*}", algebra()),  # h + 8
        Step(Rel(s, "<=", mu, over=seg), "", combine((h + 7, lam), (h + 8, 1 - lam))),
        Step(Rel(0, "<=", s, over=seg), "", combine((h, D), (h + 2, Ds))),  # h + 10
        Step(Rel(0, "<=", mu), "μ ≥ 0", algebra()),
        Step(Rel(0, "<=", mu + s, over=seg), "", combine((h + 10, 1), (h + 11, 1))),  # h + 12
        Step(Rel(s**2, "<=", mu**2, over=seg), "", combine((h + 9, mu + s))),
        Step(Rel(Dq**2, "<=", mu**2, over=seg), "", combine((h + 6, 1), (h + 13, 1))),  # h+14
        Step(
            Rel(Dq, "<=", mu, over=seg),
            "√ is increasing on t ≥ 0",
            monotone(h + 14, _ROOT, "nonnegative"),
        ),
        Step(
            Rel(-beta * c, "<=", -beta * (delta - 2 * mu * M), over=seg),
            "c(q) ≥ Δ₁ − 2M‖q − x₁‖ ≥ Δ₁ − 2μM",
            combine((g + 11, beta), (g + 12, beta), (h + 15, 2 * beta * M)),
        ),  # h + 16
        Step(
            Rel(e, "<=", sp.exp(-beta * (delta - 2 * mu * M)), over=seg),
            "exp is increasing",
            monotone(h + 16, sp.exp),
        ),
        Step(
            Rel(Jq.lhs, "<=", bound, over=seg),
            "‖J(q)‖₂ ≤ 2βNM²(N − 1)e^{−β(Δ₁ − 2μM)} on the segment",
            combine((24, 1), (h + 17, 2 * beta * N * Q * (N - 1))),
        ),  # h + 18
        Step(goal, "‖∫₀¹ J dλ‖₂ ≤ the bound on the segment", integral_norm(h + 18)),
        Step(goal, "for every other pattern i: relabel the patterns", relabel(h + 19)),
    ]
    return steps
