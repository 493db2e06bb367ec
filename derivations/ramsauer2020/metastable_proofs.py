"""Lemma A9 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel for every cluster
size l ≥ 1, every number N − l ≥ 1 of other patterns and every dimension d: the update stays
near the centre of the first l patterns, ‖m_x − f(ξ)‖ ≤ m_max + 2εM (the claim
``lemma-a9``).

The route. With Σᵢ pᵢ = 1, m_x − f(ξ) = Σᵢ pᵢ(m_x − xᵢ), so by Minkowski's inequality
‖m_x − f(ξ)‖ ≤ Σᵢ pᵢ‖m_x − xᵢ‖; split at i = l: the cluster's terms are at most
m_max Σ_{i≤l} pᵢ = m_max(1 − γ), the others at most 2M·γ, γ = Σ_{i>l} pᵢ, as ‖m_x‖² ≤
(1/l)Σ_{i≤l}‖xᵢ‖² ≤ M² (Σ_{i≤l}(x_ik − m_k)² ≥ 0 coordinate by coordinate) and
‖m_x − xᵢ‖² ≤ 2‖m_x‖² + 2‖xᵢ‖² ≤ 4M². Then γ ≤ ε: every e^{βzᵢ}, i ≤ l, is a term of
S = Σⱼ e^{βzⱼ}, so βzᵢ ≤ ln S and, averaged over the cluster, βξᵀm_x ≤ ln S; hence
p_i = e^{βzᵢ}/S ≤ e^{β(zᵢ − ξᵀm_x)} ≤ e^{−βc} for i > l, and summed over the N − l of them,
γ ≤ (N − l)e^{−βc} = ε. Finally m_max(1 − γ) + 2Mγ ≤ m_max + 2Mε (γ ≥ 0).

Notation: N = l + K patterns x₁ … x_N ∈ ℝᵈ (entries x[i, k]; l ≥ 1 and K = N − l ≥ 1
symbolic), ξ ∈ ℝᵈ, β > 0, zᵢ = ξᵀxᵢ, p = softmax(βz), S = Σⱼ e^{βzⱼ},
m_k = (1/l)Σ_{i≤l} x[i, k], Dᵢ = ‖xᵢ − m_x‖, m_max = max_{i≤l} Dᵢ, Q = M² = maxᵢ‖xᵢ‖²,
c = ξᵀm_x − max_{i>l} zᵢ, ε = (N − l)e^{−βc}, γ = Σ_{i>l} pᵢ.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    assumption,
    cauchy_schwarz,
    cites,
    combine,
    instance,
    minkowski,
    monotone,
    split_at,
    sum_bound,
    term_bound,
    termwise,
)
from derivations.ramsauer2020.energy_proofs import _scores
from theory.indexed import MaxOver, PatternSet, Size, Vec

__all__ = [
    "space",
    "sizes",
    "a9",
    "a9_derivation",
    "a10_sizes",
    "a10_hypotheses",
    "a10",
    "a10_derivation",
]

_SOFT = ("softmaxb",)


def space(min_l: int = 1):
    """A cluster of l ≥ ``min_l`` patterns and K ≥ 1 others in ℝᵈ (all symbolic), ξ ∈ ℝᵈ,
    β > 0."""
    ell, K = Size("l", min_l), Size("K", 1)
    P = PatternSet(d=ell + K, n=Size("d"), rho=sp.IndexedBase("x", real=True))
    return SimpleNamespace(P=P, x=P.query(r"\xi"), beta=sp.Symbol("beta", positive=True), l=ell)


def sizes():
    return [space()]


def a10_sizes():
    """A cluster of l ≥ 2 patterns (one pattern has m_max = 0: S_m is not defined)."""
    return [space(min_l=2)]


def _parts(o, v):
    """(m_x as a Vec, Dᵢ = ‖xᵢ − m_x‖, m_max, Q = M², p_i, f(ξ)_k, z, S, c, ε)."""
    P, beta, ell = v.P, v.beta, v.l
    i, k, N = P.i, P.k, P.d
    m = Vec(sp.Sum(P.rho[i, k], (i, 1, ell)) / ell, k, P.n, sp.Symbol("m_x"))
    D = sp.sqrt(sp.Sum((P.rho[i, k] - m.body) ** 2, (k, 1, P.n)))
    mmax = MaxOver(D, i, 1, ell)
    z = _scores(P, v.x)
    p = o.softmax(z, i, beta)
    f = sp.Sum(p * P.rho[i, k], (i, 1, N))
    S = sp.Sum(sp.exp(beta * z[i]), (i, 1, N))
    c = sp.Sum(v.x.body * m.body, (k, 1, P.n)) - MaxOver(z[i], i, ell + 1, N)
    eps = (N - ell) * sp.exp(-beta * c)
    return m, D, mmax, o.max_sqnorm(P), p, f, z, S, c, eps


def a9(o, v):
    """‖m_x − f(ξ)‖ ≤ m_max + 2εM."""
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    k = v.P.k
    lhs = sp.sqrt(sp.Sum((m.body - f) ** 2, (k, 1, v.P.n)))
    return [Rel(lhs, "<=", mmax + 2 * eps * sp.sqrt(Q), "‖m_x − f(ξ)‖ ≤ m_max + 2εM")]


def _far(o, v, at: int) -> list:
    """Steps ``at`` … ``at`` + 10: ‖m_x − xᵢ‖ ≤ 2M for every i > l (the last step), through
    ‖m_x‖² ≤ (1/l)Σ_{i≤l}‖xᵢ‖² ≤ M² (step ``at`` + 7) and ‖xᵢ‖² ≤ M²."""
    P, ell = v.P, v.l
    i, k, N, x = P.i, P.k, P.d, P.rho
    m, D, mmax, Q, *_ = _parts(o, v)
    coords, every, cluster, others = (k, 1, P.n), (i, 1, N), (i, 1, ell), (i, ell + 1, N)
    sk = lambda e: sp.Sum(e, coords)  # noqa: E731
    t = sp.Dummy("t", nonnegative=True)
    gap = m.body - x[i, k]
    sq_i = sk(x[i, k] ** 2)
    return [
        Step(Rel(sq_i, "<=", Q, over=every), "‖xᵢ‖² ≤ M²", term_bound()),  # at
        Step(Rel(sq_i, "<=", Q, over=cluster), "for i ≤ l", instance(at, i)),
        Step(Rel(sq_i, "<=", Q, over=others), "for i > l", instance(at, i)),  # at + 2
        Step(
            Rel(0, "<=", sp.Sum(gap**2, cluster), over=coords),
            "Σ_{i≤l}(x_ik − m_k)² ≥ 0",
            algebra(),
        ),
        Step(
            Rel(ell * m.body**2, "<=", sp.Sum(x[i, k] ** 2, cluster), over=coords),
            "l·m_k² ≤ Σ_{i≤l} x_ik², as Σ_{i≤l} x_ik = l·m_k",
            combine((at + 3, 1)),
        ),  # at + 4
        Step(
            Rel(sk(ell * m.body**2), "<=", sk(sp.Sum(x[i, k] ** 2, cluster))),
            "summed over k",
            termwise(at + 4),
        ),
        Step(
            Rel(sp.Sum(sq_i, cluster), "<=", sp.Sum(Q, cluster)), "summed", termwise(at + 1)
        ),  # at + 6
        Step(
            Rel(sk(m.body**2), "<=", Q),
            "‖m_x‖² ≤ (1/l)Σ_{i≤l}‖xᵢ‖² ≤ M²",
            combine((at + 5, 1 / ell), (at + 6, 1 / ell)),
        ),
        Step(
            Rel(0, "<=", sk((m.body + x[i, k]) ** 2), over=others), "a square", algebra()
        ),  # at + 8
        Step(
            Rel(sk(gap**2), "<=", 4 * Q, over=others),
            "‖m_x − xᵢ‖² = 2‖m_x‖² + 2‖xᵢ‖² − ‖m_x + xᵢ‖² ≤ 4M²",
            combine((at + 8, 1), (at + 7, 2), (at + 2, 2)),
        ),
        Step(
            Rel(D, "<=", 2 * sp.sqrt(Q), over=others),
            "√ is increasing",
            monotone(at + 9, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
        ),  # at + 10
    ]


def gamma_steps(o, v, at: int) -> list:
    """Steps ``at`` … ``at`` + 14 at v's state ξ: γ ≤ ε = (N − l)e^{−βc} (``at`` + 13) and
    0 ≤ γ (``at`` + 14), γ = Σ_{i>l} pᵢ: every e^{βzᵢ}, i ≤ l, is a term of S, so βzᵢ ≤ ln S
    and, averaged over the cluster, βξᵀm_x ≤ ln S; pᵢ = e^{βzᵢ}/S ≤ e^{−βc} for i > l."""
    P, beta, ell = v.P, v.beta, v.l
    i, k, N = P.i, P.k, P.d
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    cluster, others, every = (i, 1, ell), (i, ell + 1, N), (i, 1, N)
    tp = sp.Dummy("t", positive=True)
    gamma = sp.Sum(p, others)
    zm = sp.Sum(v.x.body * m.body, (k, 1, P.n))  # ξᵀm_x
    E = sp.exp(beta * z[i])
    return [
        Step(Rel(E, "<=", S, over=every), "a term of S", sum_bound()),  # at
        Step(Rel(E, "<=", S, over=cluster), "for i ≤ l", instance(at, i)),
        Step(
            Rel(beta * z[i], "<=", sp.log(S), over=cluster),
            "log is increasing",
            monotone(at + 1, sp.Lambda(tp, sp.log(tp)), "positive"),
        ),  # at + 2
        Step(
            Rel(sp.Sum(beta * z[i], cluster), "<=", sp.Sum(sp.log(S), cluster)),
            "summed over i ≤ l",
            termwise(at + 2),
        ),
        Step(
            Rel(beta * zm, "<=", sp.log(S)), "βξᵀm_x = (1/l)Σ_{i≤l} βzᵢ", combine((at + 3, 1 / ell))
        ),
        Step(
            Rel(sp.exp(beta * zm), "<=", S), "exp is increasing", monotone(at + 4, sp.exp)
        ),  # at + 5
        Step(
            Rel(-1 / sp.exp(beta * zm), "<=", -1 / S),
            "t ↦ −1/t is increasing on t > 0",
            monotone(at + 5, sp.Lambda(tp, -1 / tp), "positive"),
        ),
        Step(Rel(p, "==", E / S, over=others), "the softmax", algebra(unfold=_SOFT)),  # at + 7
        Step(
            Rel(z[i], "<=", MaxOver(z[i], i, ell + 1, N), over=others),
            "zᵢ ≤ max_{i>l} zᵢ",
            term_bound(),
        ),  # at + 8
        Step(
            Rel(beta * z[i], "<=", beta * MaxOver(z[i], i, ell + 1, N), over=others),
            "times β > 0",
            combine((at + 8, beta)),
        ),
        Step(
            Rel(E, "<=", sp.exp(beta * MaxOver(z[i], i, ell + 1, N)), over=others),
            "exp is increasing",
            monotone(at + 9, sp.exp),
        ),  # at + 10
        Step(
            Rel(p, "<=", sp.exp(-beta * c), over=others),
            "pᵢ = e^{βzᵢ}/S ≤ e^{β(zᵢ − ξᵀm_x)} ≤ e^{−βc}",
            combine((at + 7, 1), (at + 6, E), (at + 10, sp.exp(-beta * zm))),
        ),
        Step(
            Rel(gamma, "<=", sp.Sum(sp.exp(-beta * c), others)),
            "summed over i > l",
            termwise(at + 11),
        ),  # at + 12
        Step(Rel(gamma, "<=", eps), "N − l equal terms: γ ≤ ε", combine((at + 12, 1))),
        Step(Rel(0, "<=", gamma), "a sum of probabilities", algebra()),  # at + 14
    ]


def a9_derivation(o, v):
    """The module notes' route."""
    P, ell = v.P, v.l
    i, k, N, x = P.i, P.k, P.d, P.rho
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    M = sp.sqrt(Q)
    coords, every, cluster, others = (k, 1, P.n), (i, 1, N), (i, 1, ell), (i, ell + 1, N)
    sk = lambda e: sp.Sum(e, coords)  # noqa: E731
    t = sp.Dummy("t", nonnegative=True)
    root = sp.Lambda(t, sp.sqrt(t))
    tr = sp.Dummy("t", real=True)
    square = sp.Lambda(tr, tr**2)
    gap = m.body - x[i, k]  # (m_x − xᵢ)_k
    w = sp.Sum(p * gap, every)  # (Σᵢ pᵢ(m_x − xᵢ))_k
    Dm = sp.sqrt(sk(gap**2))  # ‖m_x − xᵢ‖ = Dᵢ
    gamma, ones = sp.Sum(p, others), sp.Sum(p, cluster)
    (goal,) = a9(o, v)
    return [
        # the update's distance to m_x as a weighted sum (Minkowski)
        Step(Rel(sp.Sum(p, every), "==", 1), "softmax sums to 1", algebra(unfold=_SOFT)),  # 0
        Step(
            Rel(m.body - f, "==", w, over=coords),
            "m_x − f(ξ) = Σᵢ pᵢ(m_x − xᵢ), as Σᵢ pᵢ = 1",
            combine((0, -m.body)),
        ),
        Step(
            Rel((m.body - f) ** 2, "==", w**2, over=coords),
            "squared (equal numbers, equal squares)",
            monotone(1, square),
        ),  # 2
        Step(Rel(sk((m.body - f) ** 2), "==", sk(w**2)), "summed over k", termwise(2)),
        Step(Rel(goal.lhs, "==", sp.sqrt(sk(w**2))), "√ of both", monotone(3, root, "nonnegative")),
        Step(
            Rel(sp.sqrt(sk(w**2)), "<=", sp.Sum(p * Dm, every)),
            "Minkowski: ‖Σᵢ pᵢ(m_x − xᵢ)‖ ≤ Σᵢ pᵢ‖m_x − xᵢ‖",
            minkowski(p),
        ),  # 5
        Step(
            Rel(sp.Sum(p * Dm, every), "==", sp.Sum(p * Dm, cluster) + sp.Sum(p * Dm, others)),
            "split at i = l",
            split_at(ell),
        ),
        # the cluster's terms
        Step(Rel(D, "<=", mmax, over=cluster), "‖xᵢ − m_x‖ ≤ m_max", term_bound()),  # 7
        Step(Rel(p * Dm, "<=", p * mmax, over=cluster), "times pᵢ > 0", combine((7, p))),
        Step(
            Rel(sp.Sum(p * Dm, cluster), "<=", sp.Sum(p * mmax, cluster)),
            "summed over i ≤ l",
            termwise(8),
        ),  # 9
        Step(Rel(sp.Sum(p, every), "==", ones + gamma), "split at i = l", split_at(ell)),
        # the other terms: ‖m_x − xᵢ‖ ≤ 2M
        *_far(o, v, 11),  # 11 … 21
        Step(Rel(p * Dm, "<=", 2 * M * p, over=others), "times pᵢ > 0", combine((21, p))),  # 22
        Step(
            Rel(sp.Sum(p * Dm, others), "<=", sp.Sum(2 * M * p, others)),
            "summed over i > l",
            termwise(22),
        ),
        *gamma_steps(o, v, 24),  # 24 … 38: γ ≤ ε (37), 0 ≤ γ (38)
        Step(
            goal,
            "‖m_x − f(ξ)‖ ≤ m_max(1 − γ) + 2Mγ ≤ m_max + 2Mε",
            combine(
                (4, 1),
                (5, 1),
                (6, 1),
                (9, 1),
                (23, 1),
                (10, -mmax),
                (0, mmax),
                (38, mmax),
                (37, 2 * M),
            ),
        ),
    ]


# ------------------------------------------------------------------------- Lemma A10


def _a10_parts(o, v):
    """(r = 1/(βm_max), max{m_max, 2M}, A, Δ_m): A = (1 − βm_max²)/(2β(N − l)M·max{m_max, 2M}),
    the maximum written (m_max + 2M + |m_max − 2M|)/2."""
    P, beta, ell = v.P, v.beta, v.l
    i, k, N = P.i, P.k, P.d
    m, D, mmax, Q, *_ = _parts(o, v)
    M = sp.sqrt(Q)
    top = (mmax + 2 * M + sp.Abs(mmax - 2 * M)) / 2
    A = (1 - beta * mmax**2) / (2 * beta * (N - ell) * M * top)
    dm = sp.Sum(m.body**2, (k, 1, P.n)) - MaxOver(
        sp.Sum(m.body * P.rho[i, k], (k, 1, P.n)), i, ell + 1, N
    )
    return 1 / (beta * mmax), top, A, dm


def a10_hypotheses(o, v):
    """βm_max² < 1, m_max > 0, M² > 0, the separation condition (A10) and ξ ∈ S_m; (A10),
    Δ_m ≥ 2M/(βm_max) − β⁻¹ ln A, written e^{−β(Δ_m − 2M/(βm_max))} ≤ A (the same when A > 0,
    as the first three make it)."""
    m, D, mmax, Q, *_ = _parts(o, v)
    r, top, A, dm = _a10_parts(o, v)
    k = v.P.k
    to_centre = sp.sqrt(sp.Sum((v.x.body - m.body) ** 2, (k, 1, v.P.n)))
    return [
        Rel(0, "<", 1 - v.beta * mmax**2, "βm_max² < 1"),
        Rel(0, "<", mmax, "m_max > 0"),
        Rel(0, "<", Q, "M² > 0"),
        Rel(sp.exp(-v.beta * (dm - 2 * sp.sqrt(Q) * r)), "<=", A, "(A10)"),
        Rel(to_centre, "<=", r, "ξ ∈ S_m"),
    ]


def a10(o, v):
    """‖f(ξ) − m_x‖ ≤ 1/(βm_max): f(ξ) ∈ S_m."""
    m, D, mmax, Q, p, f, *_ = _parts(o, v)
    k = v.P.k
    lhs = sp.sqrt(sp.Sum((f - m.body) ** 2, (k, 1, v.P.n)))
    return [Rel(lhs, "<=", _a10_parts(o, v)[0], "f(ξ) ∈ S_m")]


def gap_steps(o, v, at: int, far: int) -> list:
    """Steps ``at`` … ``at`` + 7 at v's state w: the gap c = wᵀm_x − max_{i>l} wᵀxᵢ is at
    least Δ_m − 2M‖w − m_x‖, written −βc ≤ −β(Δ_m − 2M‖w − m_x‖) (``at`` + 7), as
    wᵀ(xᵢ − m_x) = m_xᵀ(xᵢ − m_x) + (w − m_x)ᵀ(xᵢ − m_x) ≤ m_xᵀxᵢ − m_xᵀm_x + 2M‖w − m_x‖
    for i > l (Cauchy–Schwarz and step ``far``: ‖m_x − xᵢ‖ ≤ 2M for i > l)."""
    P, beta, ell = v.P, v.beta, v.l
    i, k, N = P.i, P.k, P.d
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    dm = _a10_parts(o, v)[3]
    M = sp.sqrt(Q)
    others = (i, ell + 1, N)
    sk = lambda e: sp.Sum(e, (k, 1, P.n))  # noqa: E731
    a, b = v.x.body - m.body, P.rho[i, k] - m.body  # (w − m_x)_k, (xᵢ − m_x)_k
    to_centre = sp.sqrt(sk(a**2))
    zm, mx_i = sk(v.x.body * m.body), sk(m.body * P.rho[i, k])
    bound = zm - dm + 2 * M * to_centre  # of every zᵢ, i > l
    return [
        Step(
            Rel(sk(a * b), "<=", to_centre * sp.sqrt(sk(b**2)), over=others),
            "Cauchy–Schwarz: (w − m_x)ᵀ(xᵢ − m_x) ≤ ‖w − m_x‖‖xᵢ − m_x‖",
            cauchy_schwarz(),
        ),  # at
        Step(
            Rel(sk(a * b), "<=", 2 * M * to_centre, over=others),
            "‖xᵢ − m_x‖ ≤ 2M, times ‖w − m_x‖ ≥ 0",
            combine((at, 1), (far, to_centre)),
        ),
        Step(
            Rel(z[i] - zm, "==", mx_i - sk(m.body**2) + sk(a * b), over=others),
            "wᵀ(xᵢ − m_x) = m_xᵀ(xᵢ − m_x) + (w − m_x)ᵀ(xᵢ − m_x)",
            algebra(),
        ),  # at + 2
        Step(
            Rel(mx_i, "<=", MaxOver(mx_i, i, ell + 1, N), over=others),
            "m_xᵀxᵢ ≤ max_{i>l} m_xᵀxᵢ",
            term_bound(),
        ),
        Step(
            Rel(z[i], "<=", bound, over=others),
            "wᵀxᵢ ≤ wᵀm_x − Δ_m + 2M‖w − m_x‖",
            combine((at + 1, 1), (at + 2, 1), (at + 3, 1)),
        ),  # at + 4
        Step(
            Rel(MaxOver(z[i], i, ell + 1, N), "<=", MaxOver(bound, i, ell + 1, N)),
            "the maximum term by term",
            termwise(at + 4),
        ),
        Step(Rel(MaxOver(bound, i, ell + 1, N), "==", bound), "a constant's maximum", algebra()),
        Step(
            Rel(-beta * c, "<=", -beta * (dm - 2 * M * to_centre)),
            "c ≥ Δ_m − 2M‖w − m_x‖, times β > 0",
            combine((at + 5, beta), (at + 6, beta)),
        ),  # at + 7
    ]


def a10_derivation(o, v):
    """Lemma A9 (cited), with ε ≤ (N − l)e^{−β(Δ_m − 2M/(βm_max))} on S_m (as
    ξᵀ(xᵢ − m_x) = m_xᵀ(xᵢ − m_x) + (ξ − m_x)ᵀ(xᵢ − m_x) ≤ m_xᵀxᵢ − m_xᵀm_x + r·2M for i > l), which
    (A10) makes ≤ A, so 2εM ≤ (1 − βm_max²)/(β max{m_max, 2M}) ≤ (1 − βm_max²)/(βm_max)
    and ‖m_x − f(ξ)‖ ≤ m_max + (1 − βm_max²)/(βm_max) = 1/(βm_max)."""
    P, beta, ell = v.P, v.beta, v.l
    N = P.d
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    r, top, A, dm = _a10_parts(o, v)
    M = sp.sqrt(Q)
    tp = sp.Dummy("t", positive=True)
    hyps = a10_hypotheses(o, v)
    (goal,) = a10(o, v)
    far = 8  # the first of _far's steps
    steps = [
        Step(hyps[0], "βm_max² < 1 (hypothesis)", assumption()),  # 0
        Step(hyps[1], "m_max > 0 (hypothesis)", assumption()),
        Step(hyps[2], "M² > 0 (hypothesis)", assumption()),  # 2
        Step(Rel(mmax, "<=", top), "m_max ≤ max{m_max, 2M}", algebra()),
        Step(Rel(0, "<", top), "so max{m_max, 2M} > 0", combine((1, sp.Rational(1, 2)))),  # 4
        Step(hyps[3], "(A10) (hypothesis)", assumption()),
        Step(hyps[4], "ξ ∈ S_m (hypothesis)", assumption()),  # 6
        Step(a9(o, v)[0], "Lemma A9: ‖m_x − f(ξ)‖ ≤ m_max + 2εM", cites("lemma-a9", v)),
        *_far(o, v, far),  # 8 … 18: ‖m_x − xᵢ‖ ≤ 2M for i > l
    ]
    b0 = len(steps)  # 19
    steps += [
        *gap_steps(o, v, b0, far + 10),  # b0 … b0 + 7: −βc ≥ … with ‖ξ − m_x‖
        Step(
            Rel(-beta * c, "<=", -beta * (dm - 2 * M * r)),
            "‖ξ − m_x‖ ≤ r (ξ ∈ S_m), times 2βM ≥ 0",
            combine((b0 + 7, 1), (6, 2 * beta * M)),
        ),  # b0 + 8
        Step(
            Rel(sp.exp(-beta * c), "<=", sp.exp(-beta * (dm - 2 * M * r))),
            "exp is increasing",
            monotone(b0 + 8, sp.exp),
        ),
        Step(Rel(sp.exp(-beta * c), "<=", A), "(A10)", combine((b0 + 9, 1), (5, 1))),  # b0 + 10
        Step(
            Rel(2 * eps * M, "<=", (1 - beta * mmax**2) / (beta * top)),
            "2εM = 2(N − l)Me^{−βc} ≤ 2(N − l)MA",
            combine((b0 + 10, 2 * (N - ell) * M)),
        ),
        Step(
            Rel(-1 / mmax, "<=", -1 / top),
            "t ↦ −1/t is increasing on t > 0",
            monotone(3, sp.Lambda(tp, -1 / tp), "positive"),
        ),  # b0 + 12
        Step(
            Rel((1 - beta * mmax**2) / (beta * top), "<=", (1 - beta * mmax**2) / (beta * mmax)),
            "times (1 − βm_max²)/β > 0",
            combine((b0 + 12, (1 - beta * mmax**2) / beta)),
        ),
        Step(
            goal,
            "‖f(ξ) − m_x‖ ≤ m_max + (1 − βm_max²)/(βm_max) = 1/(βm_max)",
            combine((7, 1), (b0 + 11, 1), (b0 + 13, 1)),
        ),  # b0 + 14
    ]
    return steps
