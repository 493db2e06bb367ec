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

__all__ = ["space", "sizes", "a9", "a9_derivation"]

_SOFT = ("softmaxb",)


def space():
    """A cluster of l ≥ 1 patterns and K ≥ 1 others in ℝᵈ (all symbolic), ξ ∈ ℝᵈ, β > 0."""
    ell, K = Size("l", 1), Size("K", 1)
    P = PatternSet(d=ell + K, n=Size("d"), rho=sp.IndexedBase("x", real=True))
    return SimpleNamespace(P=P, x=P.query(r"\xi"), beta=sp.Symbol("beta", positive=True), l=ell)


def sizes():
    return [space()]


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


def a9_derivation(o, v):
    """The module notes' route."""
    P, beta, ell = v.P, v.beta, v.l
    i, k, N, x = P.i, P.k, P.d, P.rho
    m, D, mmax, Q, p, f, z, S, c, eps = _parts(o, v)
    M = sp.sqrt(Q)
    coords, every, cluster, others = (k, 1, P.n), (i, 1, N), (i, 1, ell), (i, ell + 1, N)
    sk = lambda e: sp.Sum(e, coords)  # noqa: E731
    t = sp.Dummy("t", nonnegative=True)
    root = sp.Lambda(t, sp.sqrt(t))
    tr = sp.Dummy("t", real=True)
    square = sp.Lambda(tr, tr**2)
    tp = sp.Dummy("t", positive=True)
    gap = m.body - x[i, k]  # (m_x − xᵢ)_k
    w = sp.Sum(p * gap, every)  # (Σᵢ pᵢ(m_x − xᵢ))_k
    Dm = sp.sqrt(sk(gap**2))  # ‖m_x − xᵢ‖ = Dᵢ
    gamma, ones = sp.Sum(p, others), sp.Sum(p, cluster)
    zm = sk(v.x.body * m.body)  # ξᵀm_x
    E = sp.exp(beta * z[i])
    sq_i = sk(x[i, k] ** 2)
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
        Step(Rel(sq_i, "<=", Q, over=every), "‖xᵢ‖² ≤ M²", term_bound()),  # 11
        Step(Rel(sq_i, "<=", Q, over=cluster), "for i ≤ l", instance(11, i)),
        Step(Rel(sq_i, "<=", Q, over=others), "for i > l", instance(11, i)),  # 13
        Step(
            Rel(0, "<=", sp.Sum(gap**2, cluster), over=coords),
            "Σ_{i≤l}(x_ik − m_k)² ≥ 0",
            algebra(),
        ),
        Step(
            Rel(ell * m.body**2, "<=", sp.Sum(x[i, k] ** 2, cluster), over=coords),
            "l·m_k² ≤ Σ_{i≤l} x_ik², as Σ_{i≤l} x_ik = l·m_k",
            combine((14, 1)),
        ),  # 15
        Step(
            Rel(sk(ell * m.body**2), "<=", sk(sp.Sum(x[i, k] ** 2, cluster))),
            "summed over k",
            termwise(15),
        ),
        Step(Rel(sp.Sum(sq_i, cluster), "<=", sp.Sum(Q, cluster)), "summed", termwise(12)),  # 17
        Step(
            Rel(sk(m.body**2), "<=", Q),
            "‖m_x‖² ≤ (1/l)Σ_{i≤l}‖xᵢ‖² ≤ M²",
            combine((16, 1 / ell), (17, 1 / ell)),
        ),
        Step(Rel(0, "<=", sk((m.body + x[i, k]) ** 2), over=others), "a square", algebra()),  # 19
        Step(
            Rel(sk(gap**2), "<=", 4 * Q, over=others),
            "‖m_x − xᵢ‖² = 2‖m_x‖² + 2‖xᵢ‖² − ‖m_x + xᵢ‖² ≤ 4M²",
            combine((19, 1), (18, 2), (13, 2)),
        ),
        Step(
            Rel(Dm, "<=", 2 * M, over=others), "√ is increasing", monotone(20, root, "nonnegative")
        ),
        Step(Rel(p * Dm, "<=", 2 * M * p, over=others), "times pᵢ > 0", combine((21, p))),  # 22
        Step(
            Rel(sp.Sum(p * Dm, others), "<=", sp.Sum(2 * M * p, others)),
            "summed over i > l",
            termwise(22),
        ),
        # γ ≤ ε
        Step(Rel(E, "<=", S, over=every), "a term of S", sum_bound()),  # 24
        Step(Rel(E, "<=", S, over=cluster), "for i ≤ l", instance(24, i)),
        Step(
            Rel(beta * z[i], "<=", sp.log(S), over=cluster),
            "log is increasing",
            monotone(25, sp.Lambda(tp, sp.log(tp)), "positive"),
        ),  # 26
        Step(
            Rel(sp.Sum(beta * z[i], cluster), "<=", sp.Sum(sp.log(S), cluster)),
            "summed over i ≤ l",
            termwise(26),
        ),
        Step(Rel(beta * zm, "<=", sp.log(S)), "βξᵀm_x = (1/l)Σ_{i≤l} βzᵢ", combine((27, 1 / ell))),
        Step(Rel(sp.exp(beta * zm), "<=", S), "exp is increasing", monotone(28, sp.exp)),  # 29
        Step(
            Rel(-1 / sp.exp(beta * zm), "<=", -1 / S),
            "t ↦ −1/t is increasing on t > 0",
            monotone(29, sp.Lambda(tp, -1 / tp), "positive"),
        ),
        Step(Rel(p, "==", E / S, over=others), "the softmax", algebra(unfold=_SOFT)),  # 31
        Step(
            Rel(z[i], "<=", MaxOver(z[i], i, ell + 1, N), over=others),
            "zᵢ ≤ max_{i>l} zᵢ",
            term_bound(),
        ),  # 32
        Step(
            Rel(beta * z[i], "<=", beta * MaxOver(z[i], i, ell + 1, N), over=others),
            "times β > 0",
            combine((32, beta)),
        ),
        Step(
            Rel(E, "<=", sp.exp(beta * MaxOver(z[i], i, ell + 1, N)), over=others),
            "exp is increasing",
            monotone(33, sp.exp),
        ),  # 34
        Step(
            Rel(p, "<=", sp.exp(-beta * c), over=others),
            "pᵢ = e^{βzᵢ}/S ≤ e^{β(zᵢ − ξᵀm_x)} ≤ e^{−βc}",
            combine((31, 1), (30, E), (34, sp.exp(-beta * zm))),
        ),
        Step(
            Rel(gamma, "<=", sp.Sum(sp.exp(-beta * c), others)),
            "summed over i > l",
            termwise(35),
        ),  # 36
        Step(Rel(gamma, "<=", eps), "N − l equal terms: γ ≤ ε", combine((36, 1))),
        Step(Rel(0, "<=", gamma), "a sum of probabilities", algebra()),  # 38
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
