"""Lemma A11 of Ramsauer et al. (arXiv:2008.02217v3) with ε̄ capped at 1, through the rule
kernel for every cluster size l ≥ 2, every number K = N − l ≥ 1 of other patterns and every
dimension d (the claim ``lemma-a11/eps-capped``): under (A10), for ξ, y ∈ S_m,
‖f(ξ) − f(y)‖ ≤ q′‖ξ − y‖ with q′ = β(m_max² + 2ε′(2 − ε′)M²) < 1, ε′ = min{ε̄, 1},
ε̄ = (N − l)e^{−β(Δ_m − 2M/(βm_max))}.

Why the cap. The proof applies Lemma A8's second bound, which needs γ ≤ ε ≤ 1, at ε = ε̄;
(A10) does not make ε̄ ≤ 1 (``lemma-a11`` is refuted: a wide cluster about the origin at
small β). With ε′ = min{ε̄, 1} the proof goes through.

The route (the paper's, with the cap). Every point q(t) = y + t(ξ − y), t ∈ [0, 1], lies in
S_m (S_m is convex: Cauchy–Schwarz on q − m_x = t(ξ − m_x) + (1 − t)(y − m_x)); there the gap
c(q) = qᵀm_x − max_{i>l} qᵀxᵢ is at least Δ_m − 2M‖q − m_x‖ ≥ Δ_m − 2M/(βm_max), so
γ(q) ≤ ε(q) = (N − l)e^{−βc(q)} ≤ ε̄ (Lemma A9's steps at q), and γ(q) ≤ 1, hence
γ(q) ≤ ε′ (min written (ε̄ + 1 − |ε̄ − 1|)/2). Lemma A8 (cited at q, ε = γ) gives
‖J(q)‖₂ ≤ β(m_max² + 2γ(2 − γ)M²) — its m_max² is max_{i≤l}‖xᵢ − m_x‖², at most the square
of m_max — and ε(2 − ε) is increasing on [0, 1]: (ε′ − γ)(2 − ε′ − γ) ≥ 0. The mean value
inequality along the segment concludes. Then q′ < 1: (A10) gives ε̄ ≤ (N − l)A with
A = (1 − βm_max²)/(2β(N − l)M·max{m_max, 2M}), so 4βM²ε̄ ≤ 1 − βm_max², and
q′ = βm_max² + 4βM²ε′ − 2βM²ε′² ≤ 1 − 2βM²ε′² < 1 as ε′ > 0.

The sign facts about ε̄ (ε̄ > 0, min{ε̄, 1} ≤ ε̄, ≤ 1) need 1/m_max to be real: the kernel reads
m_max as a positive atom once the hypothesis step 0 < m_max is checked.

Notation as in :mod:`derivations.ramsauer2020.metastable_proofs`: N = l + K patterns
x₁ … x_N ∈ ℝᵈ (entries x[i, k]), ξ, y ∈ ℝᵈ, β > 0, m_x, m_max, Δ_m, Q = M² = maxᵢ‖xᵢ‖²,
r = 1/(βm_max), γ(q) = Σ_{i>l} pᵢ(q), t ∈ [0, 1] the segment's parameter.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    abs_bound,
    algebra,
    assumption,
    cites,
    combine,
    mean_value,
    monotone,
    split_at,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import a6_proofs as A6
from derivations.ramsauer2020 import a8_proofs as A8
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020 import metastable_proofs as MP
from theory.indexed import MaxOver

__all__ = ["space", "sizes", "hypotheses", "a11_capped", "derivation"]

_SOFT = ("softmaxb",)


def space():
    """:func:`derivations.ramsauer2020.metastable_proofs.space` with l ≥ 2 and a second state
    y ∈ ℝᵈ."""
    v = MP.space(min_l=2)
    v.y = v.P.query("y")
    return v


def sizes():
    return [space()]


def _parts(o, v):
    """(m_x, m_max, Q = M², M, r, max{m_max, 2M}, A, Δ_m, ε̄, ε′ = min{ε̄, 1}, q′)."""
    m, D, mmax, Q, *_ = MP._parts(o, v)
    r, top, A, dm = MP._a10_parts(o, v)
    M = sp.sqrt(Q)
    ebar = (v.P.d - v.l) * sp.exp(-v.beta * (dm - 2 * M * r))
    ecap = (ebar + 1 - sp.Abs(ebar - 1)) / 2
    q = v.beta * (mmax**2 + 2 * ecap * (2 - ecap) * Q)
    return m, mmax, Q, M, r, top, A, dm, ebar, ecap, q


def hypotheses(o, v):
    """Lemma A10's (βm_max² < 1, m_max > 0, M² > 0, (A10), ξ ∈ S_m) and y ∈ S_m."""
    m, mmax, Q, M, r, *_ = _parts(o, v)
    k = v.P.k
    far = sp.sqrt(sp.Sum((v.y.body - m.body) ** 2, (k, 1, v.P.n)))
    return [*MP.a10_hypotheses(o, v), Rel(far, "<=", r, "y ∈ S_m")]


def a11_capped(o, v):
    """‖f(ξ) − f(y)‖ ≤ q′‖ξ − y‖ and q′ < 1."""
    *_, q = _parts(o, v)
    fx, fy = LP._update_at(o, v, v.x), LP._update_at(o, v, v.y)
    lhs = LP._norm_of_difference(lambda k: fx[k], lambda k: fy[k], v.P.n)
    dist = LP._norm_of_difference(lambda k: v.x[k], lambda k: v.y[k], v.P.n)
    return [Rel(lhs, "<=", q * dist, "f contracts on S_m"), Rel(q, "<", 1, "q′ < 1")]


def derivation(o, v):
    """The module notes' route."""
    P, beta, ell = v.P, v.beta, v.l
    i, N = P.i, P.d
    m, mmax, Q, M, r, top, A, dm, ebar, ecap, q = _parts(o, v)
    K = N - ell
    t = sp.Symbol("t", real=True)
    seg = (t, 0, 1)
    w = LP._segment(v, t)  # the instance at q(t) = y + t(ξ − y)
    _, D, _, _, p, _, _, _, c, _ = MP._parts(o, w)
    cluster, others, every = (i, 1, ell), (i, ell + 1, N), (i, 1, N)
    gamma = sp.Sum(p, others)
    steps = list(LP._jacobian_steps(o, v))  # 0 … 4: the Jacobian of f at every u
    steps += [Step(h, f"{h.label} (hypothesis)", assumption()) for h in hypotheses(o, v)]
    # 5: 0 < 1 − βm_max², 6: 0 < m_max, 7: 0 < M², 8: (A10), 9: ξ ∈ S_m, 10: y ∈ S_m
    inball = A6.in_ball_steps(v, t, steps, 9, 10, beta * mmax, m, "βm_max")  # q(t) ∈ S_m
    g = len(steps)
    steps += MP.gamma_steps(o, w, g)  # g + 13: γ(q) ≤ ε(q), g + 14: 0 ≤ γ(q)
    far = len(steps)
    steps += MP._far(o, v, far)  # far + 10: ‖m_x − xᵢ‖ ≤ 2M for i > l
    gap = len(steps)
    steps += MP.gap_steps(o, w, gap, far + 10)  # gap + 7: −βc(q) ≤ −β(Δ_m − 2M‖q − m_x‖)
    n = len(steps)
    half = sp.Rational(1, 2)
    tn, tp = sp.Dummy("t", nonnegative=True), sp.Dummy("t", positive=True)
    at0 = SimpleNamespace(**vars(w), s=sp.Integer(0))  # Lemma A8 at q(t) with ε = γ
    J_mid, J_top = A8.a8(o, at0)
    mm2 = A8._parts(o, at0)[3]  # max_{i≤l}‖xᵢ − m_x‖²
    steps += [
        Step(
            Rel(-beta * c, "<=", -beta * (dm - 2 * M * r), over=seg),
            "c(q) ≥ Δ_m − 2M‖q − m_x‖ ≥ Δ_m − 2M/(βm_max): q(t) ∈ S_m",
            combine((gap + 7, 1), (inball, 2 * M / mmax)),
        ),  # n
        Step(
            Rel(sp.exp(-beta * c), "<=", sp.exp(-beta * (dm - 2 * M * r)), over=seg),
            "exp is increasing",
            monotone(n, sp.exp),
        ),
        Step(
            Rel(gamma, "<=", ebar, over=seg),
            "γ(q) ≤ ε(q) = (N − l)e^{−βc(q)} ≤ ε̄",
            combine((g + 13, 1), (n + 1, K)),
        ),  # n + 2
        Step(Rel(sp.Sum(p, every), "==", 1), "softmax sums to 1", algebra(unfold=_SOFT)),
        Step(
            Rel(sp.Sum(p, every), "==", sp.Sum(p, cluster) + gamma),
            "split at i = l",
            split_at(ell),
        ),  # n + 4
        Step(Rel(0, "<=", sp.Sum(p, cluster)), "a sum of probabilities", algebra()),
        Step(Rel(gamma, "<=", 1), "γ(q) ≤ 1", combine((n + 3, 1), (n + 4, -1), (n + 5, 1))),
        # ε′ = min{ε̄, 1} = (ε̄ + 1 − |ε̄ − 1|)/2
        Step(Rel(0, "<", ebar), "ε̄ > 0", algebra()),  # n + 7
        Step(Rel(ecap, "<=", 1), "min{ε̄, 1} ≤ 1", algebra()),
        Step(Rel(ecap, "<=", ebar), "min{ε̄, 1} ≤ ε̄", algebra()),  # n + 9
        Step(Rel(ebar - 1, "<", ebar + 1), "", algebra()),
        Step(Rel(1 - ebar, "<", ebar + 1), "", combine((n + 7, 2))),  # n + 11
        Step(Rel(sp.Abs(ebar - 1), "<", ebar + 1), "", abs_bound(n + 10, n + 11)),
        Step(Rel(0, "<", ecap), "min{ε̄, 1} > 0", combine((n + 12, half))),  # n + 13
        Step(Rel(ebar - 1, "<=", ebar + 1 - 2 * gamma, over=seg), "", combine((n + 6, 2))),
        Step(
            Rel(1 - ebar, "<=", ebar + 1 - 2 * gamma, over=seg), "", combine((n + 2, 2))
        ),  # n + 15
        Step(
            Rel(sp.Abs(ebar - 1), "<=", ebar + 1 - 2 * gamma, over=seg),
            "",
            abs_bound(n + 14, n + 15),
        ),
        Step(
            Rel(gamma, "<=", ecap, over=seg),
            "γ(q) ≤ min{ε̄, 1}",
            combine((n + 16, half)),
        ),  # n + 17
        Step(
            Rel(0, "<=", 2 * beta * Q * (2 - ecap - gamma), over=seg),
            "ε′ ≤ 1 and γ ≤ 1",
            combine((n + 8, 2 * beta * Q), (n + 6, 2 * beta * Q)),
        ),
        # Lemma A8 at q(t)
        Step(J_mid, "Lemma A8 at q(t)", cites("lemma-a8", at0)),  # n + 19
        Step(J_top, "Lemma A8 at q(t), with ε = γ", cites("lemma-a8", at0)),
        Step(Rel(D, "<=", mmax, over=cluster), "‖xᵢ − m_x‖ ≤ m_max", term_bound()),  # n + 21
        Step(
            Rel(D**2, "<=", mmax**2, over=cluster),
            "squared (both ≥ 0)",
            monotone(n + 21, sp.Lambda(tn, tn**2), "nonnegative"),
        ),
        Step(
            Rel(mm2, "<=", MaxOver(mmax**2, i, 1, ell)),
            "the maximum term by term",
            termwise(n + 22),
        ),  # n + 23
        Step(Rel(MaxOver(mmax**2, i, 1, ell), "==", mmax**2), "a constant's maximum", algebra()),
        Step(
            Rel(J_mid.lhs, "<=", q, over=seg),
            "‖J(q)‖₂ ≤ β(m_max² + 2γ(2 − γ)M²) ≤ q′: ε(2 − ε) increases on [0, 1]",
            combine(
                (n + 19, 1),
                (n + 20, 1),
                (n + 23, beta),
                (n + 24, beta),
                (n + 17, 2 * beta * Q * (2 - ecap - gamma)),
            ),
        ),  # n + 25
    ]
    contracts, below = a11_capped(o, v)
    steps += [
        Step(contracts, "the mean value inequality", mean_value(4, n + 25, v.x, v.y, t)),
        # q′ < 1
        Step(Rel(ebar, "<=", K * A), "(A10): ε̄ ≤ (N − l)A", combine((8, K))),  # n + 27
        Step(Rel(2 * M, "<=", top), "2M ≤ max{m_max, 2M}", algebra()),
        Step(Rel(0, "<", top), "so max{m_max, 2M} > 0", combine((6, half))),  # n + 29
        Step(
            Rel(-1 / (2 * M), "<=", -1 / top),
            "t ↦ −1/t is increasing on t > 0",
            monotone(n + 28, sp.Lambda(tp, -1 / tp), "positive"),
        ),
        Step(
            Rel(4 * beta * Q * ebar, "<=", 1 - beta * mmax**2),
            "4βM²ε̄ ≤ 4βM²(N − l)A = 2M(1 − βm_max²)/max{m_max, 2M} ≤ 1 − βm_max²",
            combine((n + 27, 4 * beta * Q), (n + 30, 2 * M * (1 - beta * mmax**2))),
        ),  # n + 31
        Step(Rel(0, "<", ecap**2), "ε′ > 0", combine((n + 13, ecap))),
        Step(
            below,
            "q′ = βm_max² + 4βM²ε′ − 2βM²ε′² ≤ βm_max² + 4βM²ε̄ − 2βM²ε′² < 1",
            combine((n + 9, 4 * beta * Q), (n + 31, 1), (n + 32, 2 * beta * Q)),
        ),  # n + 33
    ]
    return steps
