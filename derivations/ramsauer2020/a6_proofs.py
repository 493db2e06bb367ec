"""Lemma A6 of Ramsauer et al. (arXiv:2008.02217v3) with the hypothesis its proof needs,
through the rule kernel for every N ≥ 2 and d: under Eq. 142 for pattern i and NβM² ≥ 1,
‖J(ξ)‖₂ ≤ q = 1 − 2(N − 1)²βNM²e^{−2β(Δᵢ + 2/(βN))} < 1 at every ξ ∈ Sᵢ (the claim
``lemma-a6/side``), for the first pattern and then, its hypotheses with it, for every pattern
by the kernel's ``relabel`` rule.

Why the extra hypothesis. The proof bounds ‖J‖₂ by Lemma A2's second part, which needs
p_max ≥ 1 − ε ≥ ½ (Lemma A24's hypothesis; without it Lemma A2's second part is refuted,
``lemma-a2/eps``). At ξ ∈ S₁, ε(ξ) = (N − 1)e^{−β(Δ₁ − 2M‖ξ − x₁‖)} ≤ 1/(2NβM²) by Eq. 142,
which is ≤ ½ exactly when NβM² ≥ 1. Eq. 142 also holds for small β (its lower branch, where
2(N − 1)NβM² < 1); there q can be negative and the bound fails (``lemma-a6``, refuted).

The route (the paper's, Eqs. 143–150). The gap c = ξᵀx₁ − max_{j≥2} ξᵀxⱼ is at least
Δ₁ − 2M‖ξ − x₁‖ (as in Theorem 5), so p₁ ≥ 1 − ε(ξ) by Lemma A4 (cited) and p_max ≥ p₁;
ε(ξ) ≤ (N − 1)e^{−β(Δ₁ − 2/(βN))} ≤ 1/(2NβM²) ≤ ½ (‖ξ − x₁‖ ≤ 1/(βNM), Eq. 142, NβM² ≥ 1).
Lemma A2's second part (cited with ε = ε(ξ)) gives ‖J‖₂ ≤ 2βNM²ε − 2βNM²ε²; the first term
is at most 1 and ε ≥ ε₀ = (N − 1)e^{−β(Δ₁ + 2/(βN))} > 0, so ‖J‖₂ ≤ 1 − 2βNM²ε₀² = q < 1.

Hypotheses (the claim's, for the first pattern; compared with the searched ones written
out): M² > 0, Eq. 142 for pattern 1, ‖ξ − x₁‖ ≤ 1/(βNM) and NβM² ≥ 1.

Notation as in :mod:`derivations.ramsauer2020.retrieval_proofs`: N ≥ 2 patterns
x₁ … x_N ∈ ℝᵈ (entries x[j, k]), ξ ∈ ℝᵈ, β > 0, zⱼ = ξᵀxⱼ, Δ₁ (Eq. 5), Q = M² = maxᵢ‖xᵢ‖²,
L = ln(2(N − 1)NβQ), D = ‖ξ − x₁‖.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    assumption,
    cites,
    combine,
    instance,
    mean_value,
    monotone,
    relabel,
    term_bound,
)
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020 import retrieval_proofs as RP
from derivations.ramsauer2020.energy_proofs import _scores
from theory.indexed import MaxOver, index

__all__ = [
    "sizes",
    "side_hypotheses",
    "side",
    "side_derivation",
    "contraction_sizes",
    "contraction_hypotheses",
    "contraction",
    "contraction_derivation",
    "in_ball_steps",
    "small_beta_hypotheses",
    "small_beta",
    "small_beta_derivation",
]

_J = index("j")
_T = sp.Dummy("t", nonnegative=True)
_ROOT = sp.Lambda(_T, sp.sqrt(_T))


def sizes():
    return AP.sizes()


def _parts(o, v):
    """(N, Q, M, Δ₁, L, D, ε₀ = (N − 1)e^{−β(Δ₁ + 2/(βN))})."""
    P, beta = v.P, v.beta
    N, Q = P.d, o.max_sqnorm(P)
    delta = AP._sep(v)
    eps0 = (N - 1) * sp.exp(-beta * (delta + 2 / (beta * N)))
    L = sp.log(2 * (N - 1) * N * beta * Q)
    return N, Q, sp.sqrt(Q), delta, L, RP._dist(v, v.x), eps0


def side_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern 1, ξ ∈ S₁ (‖ξ − x₁‖ ≤ 1/(βNM)) and NβM² ≥ 1."""
    N, Q, M, delta, L, D, _ = _parts(o, v)
    beta = v.beta
    return [
        Rel(0, "<", Q, "M² > 0"),
        Rel(0, "<=", delta - 2 / (beta * N) - L / beta, "Eq. 142"),
        Rel(D, "<=", 1 / (beta * N * M), "ξ ∈ Sᵢ"),
        Rel(1, "<=", N * beta * Q, "NβM² ≥ 1"),
    ]


def side(o, v):
    """‖J(ξ)‖₂ ≤ q and q < 1, q = 1 − 2(N − 1)²βNM²e^{−2β(Δ₁ + 2/(βN))}."""
    N, Q, M, delta, L, D, _ = _parts(o, v)
    beta = v.beta
    q = 1 - 2 * (N - 1) ** 2 * beta * N * Q * sp.exp(-2 * beta * (delta + 2 / (beta * N)))
    (bound,) = JP.a2_eps(o, SimpleNamespace(**vars(v), eps=sp.Integer(0)))
    return [Rel(bound.lhs, "<=", q, "‖J(ξ)‖₂ ≤ q"), Rel(q, "<", 1, "q < 1")]


def _bound_steps(o, v, pt, steps: list, near: tuple, seg: tuple, hyp: tuple) -> int:
    """Append the chain ‖J(pt)‖₂ ≤ q at the state ``pt.x`` (the module notes' route) to
    ``steps``, given ``near`` = (step, c): c·(step) is 2M‖pt.x − x₁‖ ≤ 2/(βN) over the
    ranges ``seg`` (() at a single point), and the steps ``hyp`` = (Eq. 142, NβM² ≥ 1).
    Returns the index of the step ‖J(pt)‖₂ ≤ q (over ``seg``)."""
    P, beta = v.P, v.beta
    N, Q, M, delta, L, _, eps0 = _parts(o, v)
    D = RP._dist(v, pt.x)
    one, j, i = sp.Integer(1), _J, index("i")
    z = _scores(P, pt.x)
    c = z[one] - MaxOver(z[j], j, 2, N)
    low = -beta * (delta - 2 * M * D)  # ln(ε/(N − 1))
    eps = (N - 1) * sp.exp(low)
    w = SimpleNamespace(**vars(pt), eps=eps)
    (a2e,) = JP.a2_eps(o, w)
    half, pmax = JP.a2_eps_hypotheses(o, w)
    p = lambda t: o.softmax(z, t, beta)  # noqa: E731
    c2, X = 2 * beta * N * Q, 2 * (N - 1) * N * beta * Q
    eq142, side_hyp = hyp

    def add(rel, why, rule, over=()) -> int:
        if over:
            rel = Rel(rel.lhs, rel.op, rel.rhs, rel.label, over=over)
        steps.append(Step(rel, why, rule))
        return len(steps) - 1

    a4 = add(AP.a4(o, pt)[0], "Lemma A4: p₁ ≥ 1 − (N − 1)e^{−βc}", cites("lemma-a4/softmax", pt))
    g = len(steps)  # the gap, steps g … g + 12
    steps.extend(RP._gap_steps(o, pt, g))
    gap = add(
        Rel(-beta * c, "<=", low),
        "c ≥ Δ₁ − 2M‖x − x₁‖, times β > 0",
        combine((g + 11, beta), (g + 12, beta)),
    )
    gap = add(Rel(sp.exp(-beta * c), "<=", sp.exp(low)), "exp is increasing", monotone(gap, sp.exp))
    p1 = add(Rel(1 - eps, "<=", p(one)), "p₁ ≥ 1 − ε", combine((a4, 1), (gap, N - 1)))
    every = add(Rel(p(i), "<=", pmax.rhs, over=(i, 1, N)), "pᵢ ≤ maxᵢ pᵢ", term_bound())
    top = add(Rel(p(one), "<=", pmax.rhs), "at i = 1", instance(every, one))
    add(pmax, "p_max ≥ p₁ ≥ 1 − ε", combine((p1, 1), (top, 1)))
    near = add(Rel(2 * M * D, "<=", 2 / (beta * N)), "‖x − x₁‖ ≤ 1/(βNM)", combine(near), seg)
    up = add(
        Rel(low, "<=", -L), "Eq. 142: βΔ₁ − 2/N ≥ L", combine((near, beta), (eq142, beta)), seg
    )
    up = add(Rel(sp.exp(low), "<=", sp.exp(-L)), "exp is increasing", monotone(up, sp.exp), seg)
    inv = add(Rel(X * sp.exp(-L), "==", 1), "e^{−ln t} = 1/t", algebra())
    small = add(
        Rel(c2 * eps, "<=", 1), "2βNM²ε ≤ 2(N − 1)NβM²e^{−L} = 1", combine((up, X), (inv, -1)), seg
    )
    add(
        half,
        "ε ≤ 1/(2NβM²) ≤ ½ as NβM² ≥ 1",
        combine((small, sp.Rational(1, 2)), (side_hyp, eps)),
        seg,
    )
    a2 = add(a2e, "Lemma A2 (second part) with this ε", cites("lemma-a2/eps-half", w), seg)
    md = add(Rel(0, "<=", 2 * beta * M * D), "a product of nonnegative factors", algebra())
    e0 = add(
        Rel(-beta * (delta + 2 / (beta * N)), "<=", low), "2βM‖x − x₁‖ ≥ 0 ≥ −2/N", combine((md, 1))
    )
    e0 = add(
        Rel(sp.exp(-beta * (delta + 2 / (beta * N))), "<=", sp.exp(low)),
        "exp is increasing",
        monotone(e0, sp.exp),
    )
    e0 = add(Rel(eps0, "<=", eps), "times N − 1", combine((e0, N - 1)))
    sq = add(Rel(eps0**2, "<=", eps**2), "both ≥ 0", combine((e0, eps + eps0)))
    (goal, _) = side(o, pt)
    return add(goal, "2βNM²ε ≤ 1 and ε² ≥ ε₀²", combine((a2, 1), (small, 1), (sq, c2)), seg)


def side_derivation(o, v):
    """The module notes' route for the first pattern, then relabelling."""
    N, Q, *_, eps0 = _parts(o, v)
    goal, below_one = side(o, v)
    steps = [Step(h, f"{h.label} (hypothesis)", assumption()) for h in side_hypotheses(o, v)]
    end = _bound_steps(o, v, v, steps, (2, 2 * sp.sqrt(Q)), (), (1, 3))
    steps.append(Step(below_one, "2βNM²ε₀² > 0", combine((0, 2 * v.beta * N * eps0**2))))
    steps.append(Step(goal, "for every other pattern i: relabel the patterns", relabel(end)))
    rel = relabel(len(steps) - 2)
    steps.append(Step(below_one, "for every other pattern i: relabel the patterns", rel))
    return steps


# -------------------------------------------------------------------- the contraction


def contraction_sizes():
    """:func:`sizes` with a second state y ∈ ℝᵈ."""
    v = AP.space()
    v.y = v.P.query("y")
    return [v]


def contraction_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern 1, ξ ∈ S₁, y ∈ S₁ and NβM² ≥ 1."""
    m2, eq142, near, side_ = side_hypotheses(o, v)
    N, Q, M, *_ = _parts(o, v)
    far = Rel(RP._dist(v, v.y), "<=", 1 / (v.beta * N * M), "y ∈ Sᵢ")
    return [m2, eq142, near, far, side_]


def contraction(o, v):
    """‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖."""
    k = v.P.k
    fx, fy = LP._update_at(o, v, v.x), LP._update_at(o, v, v.y)
    lhs = sp.sqrt(sp.Sum((fx[k] - fy[k]) ** 2, (k, 1, v.P.n)))
    dist = sp.sqrt(sp.Sum((v.x[k] - v.y[k]) ** 2, (k, 1, v.P.n)))
    (goal, _) = side(o, v)
    return [Rel(lhs, "<=", goal.rhs * dist, "f contracts on Sᵢ")]


def in_ball_steps(
    v, t, steps: list, near_x: int, near_y: int, R, centre=None, r_name: str = "βNM"
) -> int:
    """Append R‖q(t) − c‖ ≤ 1 (q(t) in the ball of radius 1/R about c) for every t ∈ [0, 1],
    q(t) = y + t(ξ − y), from steps ``near_x`` (‖ξ − c‖ ≤ 1/R) and ``near_y`` (the same for
    y): q(t) − c = t(ξ − c) + (1 − t)(y − c) and Cauchy–Schwarz. The centre c is x₁ (Sᵢ,
    R = βNM) or ``centre`` (a Vec; e.g. m_x for S_m, R = βm_max, named ``r_name`` in the
    reasons); R ≥ 0 by the sign rules.
    The radius is multiplied out (√ of its square would not normalise back to it). Returns
    the index of the last step."""
    seg = (t, 0, 1)
    c = v.P.rho[sp.Integer(1), v.P.k] if centre is None else centre.body
    name = "x₁" if centre is None else str(centre.shown)
    dist = lambda a: sp.sqrt(RP._sk(v, (a[v.P.k] - c) ** 2))  # noqa: E731
    D, Ds, Dq = dist(v.x), dist(v.y), dist(LP._segment(v, t).x)
    s = t * D + (1 - t) * Ds
    at = len(steps)
    steps += [
        *RP.segment_square(v, v.y, t, at, centre),  # at … at + 6
        Step(Rel(R * D, "<=", 1), f"{r_name}‖ξ − {name}‖ ≤ 1", combine((near_x, R))),
        Step(Rel(R * Ds, "<=", 1), f"{r_name}‖y − {name}‖ ≤ 1", combine((near_y, R))),  # at + 8
        Step(Rel(R * s, "<=", 1, over=seg), "", combine((at + 7, t), (at + 8, 1 - t))),
        Step(Rel(0, "<=", R * s, over=seg), "", combine((at, R * D), (at + 2, R * Ds))),  # at + 10
        Step(Rel(0, "<=", 1 + R * s, over=seg), "", combine((at + 10, 1))),
        Step(Rel((R * s) ** 2, "<=", 1, over=seg), "", combine((at + 9, 1 + R * s))),  # at + 12
        Step(Rel((R * Dq) ** 2, "<=", (R * s) ** 2, over=seg), "", combine((at + 6, R**2))),
        Step(Rel((R * Dq) ** 2, "<=", 1, over=seg), "", combine((at + 12, 1), (at + 13, 1))),
        Step(
            Rel(R * Dq, "<=", 1, over=seg),
            "√ is increasing on t ≥ 0",
            monotone(at + 14, _ROOT, "nonnegative"),
        ),  # at + 15
    ]
    return len(steps) - 1


def contraction_derivation(o, v):
    """f's Jacobian at every u (Eq. 59, differentiated), every point q(t) = y + t(ξ − y) of
    the segment lies in S₁ (S₁ is convex), ‖J(q(t))‖₂ ≤ q there (the pointwise chain), the
    mean value inequality, then relabelling."""
    t = sp.Symbol("t", real=True)
    steps = list(LP._jacobian_steps(o, v))  # 0 … 4
    steps += [
        Step(h, f"{h.label} (hypothesis)", assumption()) for h in contraction_hypotheses(o, v)
    ]
    N, Q, M, *_ = _parts(o, v)
    near = in_ball_steps(v, t, steps, 7, 8, v.beta * N * M)  # hypotheses 5 … 9
    near = (near, 2 / (v.beta * v.P.d))
    bound = _bound_steps(o, v, LP._segment(v, t), steps, near, (t, 0, 1), (6, 9))
    (goal,) = contraction(o, v)
    steps.append(Step(goal, "the mean value inequality", mean_value(4, bound, v.x, v.y, t)))
    steps.append(
        Step(goal, "for every other pattern i: relabel the patterns", relabel(len(steps) - 1))
    )
    return steps


# ------------------------------------------------------------ the case NβM² < 1


def small_beta_hypotheses(o, v):
    """NβM² < 1."""
    return [Rel(v.P.d * v.beta * o.max_sqnorm(v.P), "<", 1, "NβM² < 1")]


def small_beta(o, v):
    """‖f(ξ) − f(y)‖ ≤ (βNM²/2)‖ξ − y‖ and βNM²/2 < ½."""
    k, d = v.P.k, v.P.n
    fx, fy = LP._update_at(o, v, v.x), LP._update_at(o, v, v.y)
    lhs = sp.sqrt(sp.Sum((fx[k] - fy[k]) ** 2, (k, 1, d)))
    dist = sp.sqrt(sp.Sum((v.x[k] - v.y[k]) ** 2, (k, 1, d)))
    c = v.beta * v.P.d * o.max_sqnorm(v.P) / 2
    half = sp.Rational(1, 2)
    return [Rel(lhs, "<=", c * dist, "(βNM²/2)-Lipschitz"), Rel(c, "<", half, "βNM²/2 < ½")]


def small_beta_derivation(o, v):
    """f's Jacobian at every u (Eq. 59), ‖J‖₂ ≤ 2βNM²m (Lemma A2, cited at every point of
    the segment from y to ξ) with m = maxₗ pₗ(1 − pₗ) ≤ ¼, the mean value inequality; the
    factor βNM²/2 < ½ from NβM² < 1."""
    t = sp.Symbol("t", real=True)
    seg = (t, 0, 1)
    pt = LP._segment(v, t)
    N, beta, Q = v.P.d, v.beta, o.max_sqnorm(v.P)
    top, mid = JP.a2(o, pt)
    soft = JP._soft(pt)
    l = index("l")  # noqa: E741 - m's own index
    pl = o.softmax(soft.z, l, beta)
    quarter = sp.Rational(1, 4)
    lip, factor = small_beta(o, v)
    (hyp,) = small_beta_hypotheses(o, v)
    return [
        *LP._jacobian_steps(o, v),  # 0 … 4
        Step(hyp, "NβM² < 1 (hypothesis)", assumption()),  # 5
        Step(
            Rel(top.lhs, "<=", top.rhs, over=seg), "Lemma A2 on the segment", cites("lemma-a2", pt)
        ),
        Step(Rel(mid.lhs, "<=", mid.rhs, over=seg), "Lemma A2: ‖X‖₂² ≤ NM²", cites("lemma-a2", pt)),
        Step(Rel(0, "<=", (pl - sp.Rational(1, 2)) ** 2, over=(l, 1, N)), "a square", algebra()),
        Step(
            Rel(pl * (1 - pl), "<=", quarter, over=(l, 1, N)),
            "pₗ(1 − pₗ) = ¼ − (pₗ − ½)²",
            combine((8, 1)),
        ),  # 9
        *JP._max_below(9, pl * (1 - pl), quarter, l, N),  # 10, 11: m ≤ ¼
        Step(
            Rel(top.lhs, "<=", beta * N * Q / 2, over=seg),
            "‖J‖₂ ≤ 2βNM²m ≤ βNM²/2 on the segment",
            combine((6, 1), (7, 1), (10, 2 * beta * N * Q), (11, 2 * beta * N * Q)),
        ),  # 12
        Step(lip, "the mean value inequality", mean_value(4, 12, v.x, v.y, t)),
        Step(factor, "NβM² < 1", combine((5, sp.Rational(1, 2)))),
    ]
