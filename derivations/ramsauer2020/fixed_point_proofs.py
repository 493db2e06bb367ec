"""Lemma A5 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel for every N ≥ 2
and d: under Eq. 142 for pattern i, the update maps the ball Sᵢ = {ξ : ‖ξ − xᵢ‖ ≤ 1/(βNM)}
into itself (the claim ``lemma-a5``), for the first pattern and then, its hypotheses with
it, for every pattern by the kernel's ``relabel`` rule.

The paper's route. For ξ ∈ S₁ and every j ≥ 2, ξᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (ξ − x₁)ᵀ(xⱼ − x₁)
≤ x₁ᵀxⱼ − x₁ᵀx₁ + ‖ξ − x₁‖‖xⱼ − x₁‖ ≤ x₁ᵀxⱼ − x₁ᵀx₁ + 2/(βN), so the gap
c = ξᵀx₁ − max_{j≥2} ξᵀxⱼ is at least Δ₁ − 2/(βN); Lemma A4 (cited) gives
‖x₁ − f(ξ)‖ ≤ 2εM, ε = (N − 1)e^{−βc}, and Eq. 142 (βΔ₁ − 2/N ≥ ln(2(N − 1)NβM²)) makes
2(N − 1)NβM²e^{−βc} ≤ 1, i.e. 2εM ≤ 1/(βNM). Here the product bound is taken without square
roots: 2λ aᵀb ≤ λ²‖a‖² + ‖b‖² (from ‖λa − b‖² ≥ 0) with λ = 2βNM², ‖a‖² ≤ 1/(βNM)² and
‖b‖² = ‖xⱼ − x₁‖² ≤ 2‖xⱼ‖² + 2‖x₁‖² ≤ 4M² give aᵀb ≤ 2/(βN).

Hypotheses (the claim's, for the first pattern; compared with the searched ones written
out): M² > 0, Eq. 142 for pattern 1, ‖ξ − x₁‖² ≤ 1/(βNM)².

Notation as in :mod:`derivations.ramsauer2020.a1_proofs`: N ≥ 2 patterns x₁ … x_N ∈ ℝᵈ
(entries x[j, k]), ξ ∈ ℝᵈ, β > 0, zⱼ = ξᵀxⱼ, sⱼ = x₁ᵀxⱼ, μ = max_{j≥2} zⱼ,
Δ₁ = s₁ − max_{j≥2} sⱼ (Eq. 5), c = z₁ − μ, Q = M² = maxᵢ‖xᵢ‖², L = ln(2(N − 1)NβQ).
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    assumption,
    cites,
    combine,
    instance,
    monotone,
    relabel,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020.energy_proofs import _scores, _update
from theory.indexed import MaxOver, index

__all__ = ["a5_hypotheses", "a5", "a5_derivation", "pattern_gaps"]

_J, _K = index("j"), index("k")


def _parts(o, v):
    """(Q, r² = 1/(βN)²/Q, Δ₁, L = ln(2(N − 1)NβQ))."""
    P, beta = v.P, v.beta
    Q = o.max_sqnorm(P)
    N = P.d
    return Q, 1 / (beta * N) ** 2 / Q, AP._sep(v), sp.log(2 * (N - 1) * N * beta * Q)


def a5_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern 1 (Δ₁ − 2/(βN) − β⁻¹L ≥ 0) and ξ ∈ S₁
    (‖ξ − x₁‖² ≤ 1/(βNM)²)."""
    P, beta, x = v.P, v.beta, v.x
    Q, r2, delta, L = _parts(o, v)
    one = sp.Integer(1)
    dist2 = sp.Sum((x.body - P.rho[one, P.k]) ** 2, (P.k, 1, P.n))
    return [
        Rel(0, "<", Q, "M² > 0"),
        Rel(0, "<=", delta - 2 / (beta * P.d) - L / beta, "Eq. 142"),
        Rel(dist2, "<=", r2, "ξ ∈ Sᵢ"),
    ]


def a5(o, v):
    """‖x₁ − f(ξ)‖ ≤ 1/(βNM): f(ξ) ∈ S₁."""
    P, beta = v.P, v.beta
    f = _update(o, v)
    one = sp.Integer(1)
    dist = sp.sqrt(sp.Sum((P.rho[one, P.k] - f[P.k]) ** 2, (P.k, 1, P.n)))
    Q = o.max_sqnorm(P)
    return [Rel(dist, "<=", 1 / (beta * P.d * sp.sqrt(Q)), "f(ξ) ∈ Sᵢ")]


def pattern_gaps(o, v, at: int) -> list:
    """Steps ``at`` … ``at`` + 4: ‖xⱼ − x₁‖² = 2‖xⱼ‖² + 2‖x₁‖² − ‖xⱼ + x₁‖² ≤ 4M² for every
    j = 2 … N (the last step), from ‖xᵢ‖² ≤ M² at i = j and at i = 1."""
    P, one, j, k = v.P, sp.Integer(1), _J, v.P.k
    Q, rho = o.max_sqnorm(P), P.rho
    sk = lambda e: sp.Sum(e, (k, 1, P.n))  # noqa: E731
    every_j = (j, 2, P.d)
    return [
        Step(Rel(sk(rho[P.i, k] ** 2), "<=", Q, over=(P.i, 1, P.d)), "‖xᵢ‖² ≤ M²", term_bound()),
        Step(Rel(sk(rho[j, k] ** 2), "<=", Q, over=every_j), "at i = j ≥ 2", instance(at, j)),
        Step(Rel(sk(rho[one, k] ** 2), "<=", Q), "at i = 1", instance(at, one)),
        Step(Rel(0, "<=", sk((rho[j, k] + rho[one, k]) ** 2), over=every_j), "a square", algebra()),
        Step(
            Rel(sk((rho[j, k] - rho[one, k]) ** 2), "<=", 4 * Q, over=every_j),
            "‖xⱼ − x₁‖² ≤ 2‖xⱼ‖² + 2‖x₁‖² ≤ 4M²",
            combine((at + 3, 1), (at + 1, 2), (at + 2, 2)),
        ),
    ]


def a5_derivation(o, v):
    """The module notes' route, then relabelling."""
    P, beta, x = v.P, v.beta, v.x
    N, rho, k = P.d, P.rho, P.k
    one, j = sp.Integer(1), _J
    Q, r2, delta, L = _parts(o, v)
    z = _scores(P, x)
    mu = MaxOver(z[j], j, 2, N)
    c = z[one] - mu
    lam = 2 * beta * N * Q
    a = x.body - rho[one, k]  # (ξ − x₁)_k
    b = rho[j, k] - rho[one, k]  # (xⱼ − x₁)_k
    sk = lambda e: sp.Sum(e, (k, 1, P.n))  # noqa: E731
    s1j, s11 = sk(rho[one, k] * rho[j, k]), sk(rho[one, k] ** 2)
    nu = MaxOver(s1j, j, 2, N)
    every_j = (j, 2, N)
    eps = (N - 1) * sp.exp(-beta * c)
    (goal,) = a5(o, v)
    steps = [
        Step(a5_hypotheses(o, v)[0], "M² > 0 (hypothesis)", assumption()),  # 0
        Step(a5_hypotheses(o, v)[1], "Eq. 142 (hypothesis)", assumption()),
        Step(a5_hypotheses(o, v)[2], "ξ ∈ S₁ (hypothesis)", assumption()),  # 2
        *pattern_gaps(o, v, 3),  # 3 … 7: ‖xⱼ − x₁‖² ≤ 4M² for j ≥ 2 (step 7)
        Step(Rel(0, "<=", sk((lam * a - b) ** 2), over=every_j), "a square", algebra()),
        Step(
            Rel(2 * lam * sk(a * b), "<=", 8 * Q, over=every_j),
            "2λaᵀb ≤ λ²‖a‖² + ‖b‖² ≤ λ²/(βNM)² + 4M² = 8M², λ = 2βNM²",
            combine((8, 1), (2, lam**2), (7, 1)),
        ),  # 9
        Step(
            Rel(sk(a * b), "<=", 2 / (beta * N), over=every_j),
            "divided by 2λ = 4βNM² > 0",
            combine((9, 1 / (2 * lam))),
        ),
        Step(
            Rel(z[j] - z[one], "==", s1j - s11 + sk(a * b), over=every_j),
            "ξᵀ(xⱼ − x₁) = x₁ᵀ(xⱼ − x₁) + (ξ − x₁)ᵀ(xⱼ − x₁)",
            algebra(),
        ),  # 11
        Step(Rel(s1j, "<=", nu, over=every_j), "x₁ᵀxⱼ ≤ max_{j≥2} x₁ᵀxⱼ", term_bound()),
        Step(
            Rel(z[j], "<=", z[one] - delta + 2 / (beta * N), over=every_j),
            "ξᵀxⱼ ≤ ξᵀx₁ − Δ₁ + 2/(βN)",
            combine((10, 1), (11, 1), (12, 1)),
        ),  # 13
        Step(
            Rel(mu, "<=", MaxOver(z[one] - delta + 2 / (beta * N), j, 2, N)),
            "the maximum term by term",
            termwise(13),
        ),
        Step(
            Rel(
                MaxOver(z[one] - delta + 2 / (beta * N), j, 2, N),
                "==",
                z[one] - delta + 2 / (beta * N),
            ),
            "a constant's maximum",
            algebra(),
        ),  # 15
        Step(
            Rel(L - beta * c, "<=", 0),
            "βc ≥ βΔ₁ − 2/N ≥ L (Eq. 142)",
            combine((14, beta), (15, beta), (1, beta)),
        ),
        Step(Rel(sp.exp(L - beta * c), "<=", 1), "exp is increasing", monotone(16, sp.exp)),  # 17
        Step(
            Rel(0, "<", 2 * (N - 1) * N * beta * Q),
            "N ≥ 2, β > 0, M² > 0",
            combine((0, 2 * (N - 1) * N * beta)),
        ),
        Step(
            Rel(sp.exp(L - beta * c), "==", 2 * N * beta * Q * eps),
            "e^{L − βc} = 2(N − 1)NβM²e^{−βc}",
            algebra(),
        ),  # 19
        Step(AP.a4_full(o, v)[2], "Lemma A4: ‖x₁ − f(ξ)‖ ≤ 2εM", cites("lemma-a4", v)),
        Step(
            goal,
            "2εM = 2(N − 1)NβM²e^{−βc}/(βNM) ≤ 1/(βNM)",
            combine((20, 1), (17, 1 / (beta * N * sp.sqrt(Q))), (19, 1 / (beta * N * sp.sqrt(Q)))),
        ),  # 21
        Step(
            goal,
            "for every other pattern i: relabel the patterns so that i comes first",
            relabel(21),
        ),
    ]
    return steps
