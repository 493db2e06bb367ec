"""Lemma A24 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel for every length
m: the absolute row sums of the softmax Jacobian J_s = β(diag p − ppᵀ) (the claim
``lemma-a24/inf``: row i sums to exactly 2βpᵢ(1 − pᵢ), so ‖J_s‖₁ = ‖J_s‖_∞ = 2mβ), and from
them its spectral norm (the claim ``lemma-a24``): ‖J_s‖₂ ≤ maxᵢ Σⱼ |J_s[i, j]| (J_s is
symmetric: the kernel's ``spectral_bound``, Gershgorin) = maxᵢ 2βpᵢ(1 − pᵢ) = 2mβ, and
pᵢ(1 − pᵢ) ≤ ¼ (as (pᵢ − ½)² ≥ 0) gives ‖J_s‖₂ ≤ β/2. Lemma A2's first part follows for
every N and d (the claim ``lemma-a2``): J = XJ_sXᵀ, so ‖J‖₂ ≤ ‖J_s‖₂‖X‖₂² ≤ 2mβ‖X‖₂² (the
kernel's ``spectral_congruence``, with ‖X‖₂² = ‖XXᵀ‖₂), and ‖XXᵀ‖₂ ≤ trace XXᵀ = Σᵢ‖xᵢ‖² ≤ NM²
(``gram_trace``; XXᵀ is positive semi-definite). Lemma A3 (the claim ``lemma-a3``), the
paper's route: J = β Var_p[x] = YYᵀ with Y[r, i] = √(βpᵢ)(x[i, r] − x̄_r), x̄ = Σᵢ pᵢxᵢ (entry
by entry: Σⱼ J_s[i, j]x[j, c] = βpᵢ(x[i, c] − x̄_c) by δ, and Σᵢ pᵢ = 1), so ‖J‖₂ = ‖YYᵀ‖₂
(``spectral_entries``) ≤ trace = βΣᵢ pᵢ‖xᵢ − x̄‖² ≤ βΣᵢ pᵢ‖xᵢ − m_x‖² (the weighted mean
minimises: the two differ by ‖x̄ − m_x‖² ≥ 0) ≤ β m_max².

Route. The entry's absolute value has two cases: on the diagonal βpᵢ(1 − pᵢ) ≥ 0 (pᵢ ≤ 1,
as e^{βzᵢ} ≤ Σ_k e^{βz_k}), off it −βpᵢpⱼ ≤ 0. One formula covers both,
|J_s[i, j]| = −J_s[i, j] + 2δᵢⱼβpᵢ(1 − pᵢ), proved by the kernel's ``delta_cases`` from the
case i = j (δ = 1) and the case δ = 0 (which holds for every pair); summed over j, the δ
sums out and Σⱼ pⱼ = 1 leaves −βpᵢ + βpᵢ + 2βpᵢ(1 − pᵢ).

Notation as in :mod:`derivations.ramsauer2020.toolbox_proofs`: z ∈ ℝᵐ of symbolic length m,
β > 0, p = softmax(βz) (named, entries pᵢ), S = Σ_k e^{βz_k}, δᵢⱼ Kronecker's delta; for
Lemma A2 as in :mod:`derivations.ramsauer2020.energy_proofs`: N patterns x₁ … x_N ∈ ℝᵈ,
X = (x₁, …, x_N) (d × N, X[r, c] = x[c, r]), ξ ∈ ℝᵈ, z = Xᵀξ, M² = maxᵢ‖xᵢ‖².
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    abs_sign,
    algebra,
    assumption,
    cases_first,
    cites,
    combine,
    delta_cases,
    delta_sum,
    gram_trace,
    instance,
    monotone,
    spectral_bound,
    spectral_congruence,
    spectral_entries,
    split_first,
    sum_bound,
    term_bound,
    termwise,
    wlog,
)
from derivations.ramsauer2020.energy_proofs import _scores
from derivations.ramsauer2020.energy_proofs import space as _energy_space
from derivations.ramsauer2020.toolbox_proofs import _p, _sum, _sums_to_one
from theory.indexed import MaxOver, Size, Vec, index
from theory.matrix_norm import SpectralNorm

__all__ = [
    "a24_rows",
    "a24_rows_derivation",
    "a24",
    "a24_derivation",
    "a24_eps_sizes",
    "a24_eps_hypotheses",
    "a24_eps",
    "a24_eps_derivation",
    "a2_eps_sizes",
    "a2_eps_hypotheses",
    "a2_eps",
    "a2_eps_derivation",
    "a2",
    "a2_derivation",
    "a3",
    "a3_derivation",
    "jacobian_entries",
    "variance_steps",
]

_SOFT = ("softmaxb",)


def a24_rows(o, v):
    """Σⱼ |J_s[i, j]| = 2βpᵢ(1 − pᵢ) for every i = 1 … m."""
    i, j, m = index("i"), index("j"), v.z.length
    pi, pj = _p(o, v.z, v.beta, i), _p(o, v.z, v.beta, j)
    row = _sum(sp.Abs(v.beta * (sp.KroneckerDelta(i, j) * pi - pi * pj)), j, m)
    return [Rel(row, "==", 2 * v.beta * pi * (1 - pi), "row i's absolute sum", over=(i, 1, m))]


def _variance_nonneg(o, v, at: int) -> list:
    """Steps ``at`` … ``at`` + 3: e^{βzᵢ} ≤ Σ_k e^{βz_k}, pᵢ = e^{βzᵢ}/Σ_k e^{βz_k}, pᵢ ≤ 1 and
    0 ≤ pᵢ(1 − pᵢ), for every i = 1 … m (the last step is the bound)."""
    z, beta, m = v.z, v.beta, v.z.length
    i, k = index("i"), index("k")
    pi = _p(o, z, beta, i)
    ei, S = sp.exp(beta * z[i]), _sum(sp.exp(beta * z[k]), k, m)
    every = (i, 1, m)
    return [
        Step(Rel(ei, "<=", S, over=every), "e^{βzᵢ} ≤ Σ_k e^{βz_k}", sum_bound()),
        Step(Rel(pi, "==", ei / S, over=every), "the softmax", algebra(unfold=_SOFT)),
        Step(Rel(pi, "<=", 1, over=every), "pᵢ ≤ 1", combine((at + 1, 1), (at, 1 / S))),
        Step(Rel(0, "<=", pi * (1 - pi), over=every), "times pᵢ > 0", combine((at + 2, pi))),
    ]


def a24_rows_derivation(o, v):
    """The module notes' route: |δᵢⱼpᵢ − pᵢpⱼ| = −(δᵢⱼpᵢ − pᵢpⱼ) + 2δᵢⱼpᵢ(1 − pᵢ) by cases,
    summed over j and multiplied by β > 0 (|J_s[i, j]| = β|δᵢⱼpᵢ − pᵢpⱼ|)."""
    z, beta, m = v.z, v.beta, v.z.length
    i, j = index("i"), index("j")
    pi, pj = _p(o, z, beta, i), _p(o, z, beta, j)
    every_i, pair = (i, 1, m), ((i, 1, m), (j, 1, m))
    delta = sp.KroneckerDelta(i, j)
    entry, diag = delta * pi - pi * pj, 2 * pi * (1 - pi)
    both = Rel(sp.Abs(entry), "==", -entry + delta * diag, over=pair)

    apart = [t.xreplace({delta: 0}) for t in (both.lhs, both.rhs)]  # δᵢⱼ = 0
    on_diag = pi - pi * pi  # δᵢᵢ = 1, j = i
    summed = _sum(-entry + delta * diag, j, m)
    collapsed = -pi + pi * _sum(pj, j, m) + diag
    return [
        *_variance_nonneg(o, v, 0),  # 0 … 3
        Step(
            Rel(sp.Abs(on_diag), "==", -on_diag + diag, over=every_i),
            "i = j: |pᵢ − pᵢ²| = pᵢ(1 − pᵢ), as it is ≥ 0",
            abs_sign(3),
        ),  # 4
        Step(
            Rel(*apart[:1], "==", apart[1], over=pair),
            "i ≠ j: |−pᵢpⱼ| = pᵢpⱼ (pᵢ, pⱼ > 0)",
            algebra(),
        ),  # 5
        Step(both, "the two cases together (δᵢⱼ = 1 and δᵢⱼ = 0)", delta_cases(4, 5)),
        Step(
            Rel(_sum(sp.Abs(entry), j, m), "==", summed, over=every_i),
            "summed over j",
            termwise(6),
        ),  # 7
        Step(Rel(summed, "==", collapsed, over=every_i), "Σⱼ δᵢⱼ f(j) = f(i)", delta_sum()),
        _sums_to_one(o, v, j, m),  # 9
        Step(
            a24_rows(o, v)[0],
            "Σⱼ pⱼ = 1, times β: |J_s[i, j]| = β|δᵢⱼpᵢ − pᵢpⱼ|",
            combine((7, beta), (8, beta), (9, beta * pi)),
        ),
    ]


# ------------------------------------------------------------------ ‖J_s‖₂ ≤ 2mβ ≤ β/2


def _js(o, v, i, j):
    """J_s[i, j] = β(δᵢⱼpᵢ − pᵢpⱼ) (Lemma A20)."""
    pi, pj = _p(o, v.z, v.beta, i), _p(o, v.z, v.beta, j)
    return v.beta * (sp.KroneckerDelta(i, j) * pi - pi * pj)


def _m(o, v):
    """m = max_l p_l(1 − p_l) (over l: the scores z = Xᵀξ of Lemma A2 sum over k)."""
    l = index("l")  # noqa: E741 - the paper's index letters are taken
    pl = _p(o, v.z, v.beta, l)
    return MaxOver(pl * (1 - pl), l, 1, v.z.length)


def a24(o, v):
    """‖J_s‖₂ ≤ 2mβ and ‖J_s‖₂ ≤ β/2, J_s the m × m matrix of :func:`_js`."""
    i, j, n = index("i"), index("j"), v.z.length
    norm = SpectralNorm(sp.Lambda((i, j), _js(o, v, i, j)), n, n)
    return [
        Rel(norm, "<=", 2 * _m(o, v) * v.beta, "‖J_s‖₂ ≤ 2mβ"),
        Rel(norm, "<=", v.beta / 2, "‖J_s‖₂ ≤ β/2"),
    ]


def _max_below(k: int, body, bound, i, n) -> list:
    """Steps k + 1, k + 2: maxᵢ body ≤ maxᵢ bound (step k, for every i = 1 … n, term by
    term) and maxᵢ bound = bound (a constant's maximum)."""
    return [
        Step(
            Rel(MaxOver(body, i, 1, n), "<=", MaxOver(bound, i, 1, n)),
            "the maximum term by term",
            termwise(k),
        ),
        Step(Rel(MaxOver(bound, i, 1, n), "==", bound), "a constant's maximum", algebra()),
    ]


def a24_derivation(o, v):
    """The module notes' route: Gershgorin, the row sums (``lemma-a24/inf``, cited), the
    maximum term by term, pᵢ(1 − pᵢ) ≤ ¼."""
    beta, n = v.beta, v.z.length
    i, j, k = index("i"), index("j"), index("l")
    norm_m, norm_half = a24(o, v)
    M = _m(o, v)
    row = _sum(sp.Abs(_js(o, v, i, j)), j, n)
    pi, pk = _p(o, v.z, beta, i), _p(o, v.z, beta, k)
    diag = 2 * beta * pi * (1 - pi)
    every_i, every_k = (i, 1, n), (k, 1, n)
    quarter = sp.Rational(1, 4)
    return [
        Step(
            Rel(norm_m.lhs, "<=", MaxOver(row, i, 1, n)),
            "J_s is symmetric: ‖J_s‖₂ ≤ maxᵢ Σⱼ |J_s[i, j]| (Gershgorin)",
            spectral_bound(),
        ),  # 0
        Step(a24_rows(o, v)[0], "row i's absolute sum (lemma-a24/inf)", cites("lemma-a24/inf", v)),
        Step(
            Rel(MaxOver(row, i, 1, n), "==", MaxOver(diag, i, 1, n)),
            "the maximum term by term",
            termwise(1),
        ),  # 2
        Step(Rel(pi * (1 - pi), "<=", M, over=every_i), "pᵢ(1 − pᵢ) ≤ m", term_bound()),
        Step(Rel(diag, "<=", 2 * beta * M, over=every_i), "times 2β > 0", combine((3, 2 * beta))),
        *_max_below(4, diag, 2 * beta * M, i, n),  # 5, 6
        Step(norm_m, "‖J_s‖₂ ≤ 2mβ", combine((0, 1), (2, 1), (5, 1), (6, 1))),  # 7
        Step(Rel(0, "<=", (pk - sp.Rational(1, 2)) ** 2, over=every_k), "a square", algebra()),
        Step(
            Rel(pk * (1 - pk), "<=", quarter, over=every_k),
            "p_k(1 − p_k) = ¼ − (p_k − ½)²",
            combine((8, 1)),
        ),  # 9
        *_max_below(9, pk * (1 - pk), quarter, k, n),  # 10, 11: m ≤ ¼
        Step(norm_half, "2mβ ≤ 2β/4 = β/2", combine((7, 1), (10, 2 * beta), (11, 2 * beta))),
    ]


# ------------------------------------------------ ‖J_s‖₂ ≤ 2εβ(1 − ε) for p_max ≥ 1 − ε ≥ ½


def a24_eps_sizes():
    """z of symbolic length m, β > 0 and ε real (the search's ε is computed: ``defined``)."""
    return [
        SimpleNamespace(
            z=Vec.symbol("z", Size("m")),
            beta=sp.Symbol("beta", positive=True),
            eps=sp.Symbol("epsilon", real=True),
        )
    ]


def a24_eps_hypotheses(o, v):
    """ε ≤ ½ and 1 − ε ≤ maxᵢ pᵢ."""
    i = index("i")
    top = MaxOver(_p(o, v.z, v.beta, i), i, 1, v.z.length)
    return [
        Rel(v.eps, "<=", sp.Rational(1, 2), "1 − ε ≥ ½"),
        Rel(1 - v.eps, "<=", top, "p_max ≥ 1 − ε"),
    ]


def a24_eps(o, v):
    """‖J_s‖₂ ≤ 2εβ − 2ε²β."""
    i, j, n = index("i"), index("j"), v.z.length
    norm = SpectralNorm(sp.Lambda((i, j), _js(o, v, i, j)), n, n)
    e = v.eps
    return [Rel(norm, "<=", 2 * e * v.beta - 2 * e**2 * v.beta, "‖J_s‖₂ ≤ 2εβ − 2ε²β")]


def a24_eps_derivation(o, v):
    """WLOG z₁ = maxᵢ zᵢ (the statement is symmetric in z), so p₁ = p_max ≥ 1 − ε and
    pᵢ ≤ 1 − p₁ ≤ ε for i ≥ 2; t(1 − t) ≤ ε(1 − ε) both for t ≥ 1 − ε and for t ≤ ε when
    ε ≤ ½; then Gershgorin with the row sums 2βpᵢ(1 − pᵢ) (``lemma-a24/inf``, cited)."""
    z, beta, n, e = v.z, v.beta, v.z.length, v.eps
    i, j, k = index("i"), index("j"), index("k")
    one = sp.Integer(1)
    pi, p1 = _p(o, z, beta, i), _p(o, z, beta, one)
    S = _sum(sp.exp(beta * z[k]), k, n)
    every, later = (i, 1, n), (i, 2, n)
    q = index("l")  # noqa: E741 - not j: the softmax sums over j inside
    later_j = sp.Sum(_p(o, z, beta, q), (q, 2, n))  # Σ_{l≥2} p_l
    row = _sum(sp.Abs(_js(o, v, i, j)), j, n)
    cap = e * (1 - e)
    hyps = a24_eps_hypotheses(o, v)
    (goal,) = a24_eps(o, v)
    return [
        Step(hyps[0], "ε ≤ ½ (hypothesis)", assumption()),  # 0
        Step(hyps[1], "1 − ε ≤ p_max (hypothesis)", assumption()),
        Step(Rel(MaxOver(z[i], i, 1, n), "==", z[one]), "WLOG the largest score is z₁", wlog("z")),
        Step(Rel(z[i], "<=", MaxOver(z[i], i, 1, n), over=every), "", term_bound()),  # 3
        Step(Rel(z[i], "<=", z[one], over=every), "zᵢ ≤ z₁", combine((3, 1), (2, 1))),
        Step(Rel(beta * z[i], "<=", beta * z[one], over=every), "times β", combine((4, beta))),
        Step(
            Rel(sp.exp(beta * z[i]), "<=", sp.exp(beta * z[one]), over=every),
            "exp is increasing",
            monotone(5, sp.exp),
        ),  # 6
        Step(
            Rel(pi, "==", sp.exp(beta * z[i]) / S, over=every), "the softmax", algebra(unfold=_SOFT)
        ),
        Step(Rel(p1, "==", sp.exp(beta * z[one]) / S), "the softmax", algebra(unfold=_SOFT)),  # 8
        Step(Rel(pi, "<=", p1, over=every), "pᵢ ≤ p₁", combine((6, 1 / S), (7, 1), (8, -1))),
        Step(Rel(MaxOver(pi, i, 1, n), "<=", MaxOver(p1, i, 1, n)), "term by term", termwise(9)),
        Step(Rel(MaxOver(p1, i, 1, n), "==", p1), "a constant's maximum", algebra()),  # 11
        Step(Rel(1 - e, "<=", p1), "1 − ε ≤ p_max = p₁", combine((1, 1), (10, 1), (11, 1))),
        Step(Rel(_sum(pi, i, n), "==", p1 + later_j), "the first term", split_first()),  # 13
        _sums_to_one(o, v, i, n),
        Step(Rel(pi, "<=", later_j, over=later), "a term of Σ_{j≥2} pⱼ", sum_bound()),  # 15
        Step(
            Rel(pi, "<=", e, over=later),
            "pᵢ ≤ 1 − p₁ ≤ ε for i ≥ 2",
            combine((15, 1), (12, 1), (13, -1), (14, 1)),
        ),
        Step(Rel(0, "<=", p1 - e), "p₁ ≥ 1 − ε ≥ ε", combine((12, 1), (0, 2))),  # 17
        Step(
            Rel(p1 * (1 - p1), "<=", cap),
            "ε(1 − ε) − p₁(1 − p₁) = (p₁ − ε)(p₁ − (1 − ε)) ≥ 0",
            combine((12, p1 - e)),
        ),
        Step(
            Rel(0, "<=", 1 - e - pi, over=later), "pᵢ ≤ ε ≤ 1 − ε", combine((16, 1), (0, 2))
        ),  # 19
        Step(
            Rel(pi * (1 - pi), "<=", cap, over=later),
            "ε(1 − ε) − pᵢ(1 − pᵢ) = (ε − pᵢ)(1 − ε − pᵢ) ≥ 0",
            combine((16, 1 - e - pi)),
        ),
        Step(
            Rel(pi * (1 - pi), "<=", cap, over=every), "i = 1 and i ≥ 2", cases_first(18, 20)
        ),  # 21
        Step(
            Rel(goal.lhs, "<=", MaxOver(row, i, 1, n)),
            "J_s is symmetric: ‖J_s‖₂ ≤ maxᵢ Σⱼ |J_s[i, j]| (Gershgorin)",
            spectral_bound(),
        ),
        Step(
            a24_rows(o, v)[0], "row i's absolute sum (lemma-a24/inf)", cites("lemma-a24/inf", v)
        ),  # 23
        Step(
            Rel(row, "<=", 2 * beta * cap, over=every), "row sums", combine((23, 1), (21, 2 * beta))
        ),
        *_max_below(24, row, 2 * beta * cap, i, n),  # 25, 26
        Step(goal, "‖J_s‖₂ ≤ 2βε(1 − ε)", combine((22, 1), (25, 1), (26, 1))),  # 27
    ]


# ------------------------------------------------------------------ Lemma A2, first part

_R, _C = index("r"), index("c")


def _X(P):
    """X = (x₁, …, x_N) as a matrix argument of the kernel: (X[r, c] = x[c, r], d, N)."""
    return sp.Lambda((_R, _C), P.rho[_C, _R]), P.n, P.d


def _soft(v):
    """The softmax instance of the scores z = Xᵀξ (what Lemma A24 is cited at)."""
    return SimpleNamespace(z=_scores(v.P, v.x), beta=v.beta)


def _gram_norm(P):
    """‖X‖₂² = ‖XXᵀ‖₂, XXᵀ[r, c] = Σᵢ x[i, r]x[i, c]."""
    i = index("i")
    entry = _sum(P.rho[i, _R] * P.rho[i, _C], i, P.d)
    return SpectralNorm(sp.Lambda((_R, _C), entry), P.n, P.n)


def _j_entry(o, v):
    """J[r, c] = Σᵢ Σⱼ x[i, r]J_s[i, j]x[j, c] (J = XJ_sXᵀ, Eq. 59)."""
    P, at = v.P, _soft(v)
    i, j = index("i"), index("j")
    return _sum(_sum(P.rho[i, _R] * _js(o, at, i, j) * P.rho[j, _C], j, P.d), i, P.d)


def a2(o, v):
    """‖J‖₂ ≤ 2β‖X‖₂²m ≤ 2βNM²m, J = XJ_sXᵀ (J[r, c] = Σᵢ Σⱼ x[i, r]J_s[i, j]x[j, c], Eq. 59),
    m = maxᵢ pᵢ(1 − pᵢ)."""
    P, beta, at = v.P, v.beta, _soft(v)
    J = SpectralNorm(sp.Lambda((_R, _C), _j_entry(o, v)), P.n, P.n)
    mid = 2 * beta * _gram_norm(P) * _m(o, at)
    top = 2 * beta * P.d * o.max_sqnorm(P) * _m(o, at)
    return [Rel(J, "<=", mid, "‖J‖₂ ≤ 2β‖X‖₂²m"), Rel(mid, "<=", top, "2β‖X‖₂²m ≤ 2βNM²m")]


def a2_derivation(o, v):
    """The paper's: ‖J‖₂ ≤ ‖X‖₂²‖J_s‖₂ (``spectral_congruence``) with Lemma A24 (cited at
    z = Xᵀξ), then ‖X‖₂² ≤ ‖X‖_F² = Σᵢ‖xᵢ‖² ≤ NM² (``gram_trace``; m ≥ 0 as pᵢ ≤ 1)."""
    P, beta, at = v.P, v.beta, _soft(v)
    first, second = a2(o, v)
    i, k = index("i"), index("k")
    M, G = _m(o, at), _gram_norm(P)
    z = at.z
    pi = _p(o, z, beta, i)
    every = (i, 1, P.d)
    norm_i, top = o.sqnorm(P.row(i)), o.max_sqnorm(P)
    frob = _sum(_sum(P.rho[i, k] ** 2, i, P.d), k, P.n)
    return [
        Step(
            Rel(first.lhs, "<=", a24(o, at)[0].lhs * G),
            "J = XJ_sXᵀ: ‖J‖₂ ≤ ‖J_s‖₂‖X‖₂²",
            spectral_congruence(_X(P)),
        ),  # 0
        Step(a24(o, at)[0], "Lemma A24 at z = Xᵀξ: ‖J_s‖₂ ≤ 2mβ", cites("lemma-a24", at)),
        Step(first, "times ‖X‖₂² ≥ 0", combine((0, 1), (1, G))),  # 2
        Step(Rel(G, "<=", frob), "‖XXᵀ‖₂ ≤ trace XXᵀ = Σᵢ‖xᵢ‖²", gram_trace(_X(P))),
        Step(Rel(norm_i, "<=", top, over=every), "‖xᵢ‖² ≤ M²", term_bound()),  # 4
        Step(Rel(_sum(norm_i, i, P.d), "<=", _sum(top, i, P.d)), "summed over i", termwise(4)),
        Step(Rel(_sum(top, i, P.d), "==", P.d * top), "N equal terms", algebra()),  # 6
        *_variance_nonneg(o, at, 7),  # 7 … 10
        Step(Rel(pi * (1 - pi), "<=", M, over=every), "pᵢ(1 − pᵢ) ≤ m", term_bound()),
        Step(
            Rel(0, "<=", 2 * beta * M, over=every),
            "so 2βm ≥ 0",
            combine((10, 2 * beta), (11, 2 * beta)),
        ),
        Step(Rel(0, "<=", 2 * beta * M), "at i = 1", instance(12, at=sp.Integer(1))),  # 13
        Step(
            second,
            "‖X‖₂² ≤ Σᵢ‖xᵢ‖² ≤ NM², times 2βm ≥ 0",
            combine((3, 2 * beta * M), (5, 2 * beta * M), (6, 2 * beta * M)),
        ),
    ]


def a2_eps_sizes():
    """N patterns in ℝᵈ, ξ (symbolic N, d), β > 0 and ε real (the search's ε: ``defined``)."""
    v = _energy_space()
    v.eps = sp.Symbol("epsilon", real=True)
    return [v]


def _soft_eps(v):
    """The softmax instance of z = Xᵀξ with the instance's ε (Lemma A24's third part)."""
    return SimpleNamespace(z=_scores(v.P, v.x), beta=v.beta, eps=v.eps)


def a2_eps_hypotheses(o, v):
    """ε ≤ ½ and 1 − ε ≤ maxᵢ pᵢ, p = softmax(βXᵀξ)."""
    return a24_eps_hypotheses(o, _soft_eps(v))


def a2_eps(o, v):
    """‖J‖₂ ≤ 2βNM²ε − 2ε²βNM²."""
    P, beta, e = v.P, v.beta, v.eps
    J = SpectralNorm(sp.Lambda((_R, _C), _j_entry(o, v)), P.n, P.n)
    c = 2 * beta * P.d * o.max_sqnorm(P)
    return [Rel(J, "<=", c * e - c * e**2, "‖J‖₂ ≤ 2βNM²ε(1 − ε)")]


def a2_eps_derivation(o, v):
    """Lemma A2's route with Lemma A24's third part (cited at z = Xᵀξ): ‖J‖₂ ≤ ‖J_s‖₂‖X‖₂²
    ≤ 2εβ(1 − ε)·NM², where 2εβ(1 − ε) ≥ 0 as 0 ≤ 1 − p_max ≤ ε ≤ ½."""
    P, beta, e, at = v.P, v.beta, v.eps, _soft_eps(v)
    i, k = index("i"), index("k")
    G = _gram_norm(P)
    pi = _p(o, at.z, beta, i)
    every = (i, 1, P.d)
    norm_i, top = o.sqnorm(P.row(i)), o.max_sqnorm(P)
    frob = _sum(_sum(P.rho[i, k] ** 2, i, P.d), k, P.n)
    (goal,) = a2_eps(o, v)
    (a24e,) = a24_eps(o, at)
    hyps = a2_eps_hypotheses(o, v)
    c = 2 * e * beta - 2 * e**2 * beta
    return [
        Step(hyps[0], "ε ≤ ½ (hypothesis)", assumption()),  # 0
        Step(hyps[1], "1 − ε ≤ p_max (hypothesis)", assumption()),
        Step(
            Rel(goal.lhs, "<=", a24e.lhs * G),
            "J = XJ_sXᵀ: ‖J‖₂ ≤ ‖J_s‖₂‖X‖₂²",
            spectral_congruence(_X(P)),
        ),  # 2
        Step(a24e, "Lemma A24 at z = Xᵀξ: ‖J_s‖₂ ≤ 2εβ(1 − ε)", cites("lemma-a24/eps", at)),
        Step(Rel(goal.lhs, "<=", c * G), "times ‖X‖₂² ≥ 0", combine((2, 1), (3, G))),  # 4
        Step(Rel(G, "<=", frob), "‖XXᵀ‖₂ ≤ trace XXᵀ = Σᵢ‖xᵢ‖²", gram_trace(_X(P))),
        Step(Rel(norm_i, "<=", top, over=every), "‖xᵢ‖² ≤ M²", term_bound()),  # 6
        Step(Rel(_sum(norm_i, i, P.d), "<=", _sum(top, i, P.d)), "summed over i", termwise(6)),
        Step(Rel(_sum(top, i, P.d), "==", P.d * top), "N equal terms", algebra()),  # 8
        *_variance_nonneg(o, at, 9),  # 9 … 12: pᵢ ≤ 1 is step 11
        Step(Rel(MaxOver(pi, i, 1, P.d), "<=", MaxOver(1, i, 1, P.d)), "", termwise(11)),  # 13
        Step(Rel(MaxOver(1, i, 1, P.d), "==", 1), "a constant's maximum", algebra()),
        Step(Rel(0, "<=", e), "ε ≥ 1 − p_max ≥ 0", combine((1, 1), (13, 1), (14, 1))),  # 15
        Step(Rel(0, "<=", 1 - e), "ε ≤ ½", combine((0, 1))),
        Step(Rel(0, "<=", e * (1 - e)), "times 1 − ε ≥ 0", combine((15, 1 - e))),  # 17
        Step(Rel(0, "<=", c), "2εβ(1 − ε) ≥ 0", combine((17, 2 * beta))),
        Step(
            goal,
            "‖X‖₂² ≤ Σᵢ‖xᵢ‖² ≤ NM², times 2εβ(1 − ε) ≥ 0",
            combine((4, 1), (5, c), (7, c), (8, c)),
        ),  # 19
    ]


# ------------------------------------------------------------------------- Lemma A3


def _spread2(P):
    """m_max² = maxᵢ ‖xᵢ − m_x‖², m_x = (1/N)Σ_l x_l."""
    i, k, l = index("i"), index("k"), index("l")  # noqa: E741
    centre = _sum(P.rho[l, k], l, P.d) / P.d
    return MaxOver(_sum((P.rho[i, k] - centre) ** 2, k, P.n), i, 1, P.d)


def a3(o, v):
    """‖J(ξ)‖₂ ≤ β m_max² for every ξ."""
    J = SpectralNorm(sp.Lambda((_R, _C), _j_entry(o, v)), v.P.n, v.P.n)
    return [Rel(J, "<=", v.beta * _spread2(v.P), "‖J‖₂ ≤ βm_max²")]


def jacobian_entries(o, v, at: int, l=None) -> list:  # noqa: E741
    """Steps ``at`` … ``at`` + 2: Σⱼ J_s[i, j]x[j, c] = βpᵢ(x[i, c] − x̄_c) by δ, times
    x[i, r], summed over i: J[r, c] = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c) for every r and c (the
    last step), x̄ = Σ_l p_l x_l (``l`` the index of that sum)."""
    P, beta, s = v.P, v.beta, _soft(v)
    N, d = P.d, P.n
    i, j, l = index("i"), index("j"), l or index("l")  # noqa: E741
    r, c, x = _R, _C, P.rho
    pi = _p(o, s.z, beta, i)
    bar_c = _sum(_p(o, s.z, beta, l) * x[l, c], l, N)
    row = _sum(_js(o, s, i, j) * x[j, c], j, N)
    moved = beta * pi * x[i, c] - beta * pi * bar_c
    pair, triple = ((i, 1, N), (c, 1, d)), ((i, 1, N), (c, 1, d), (r, 1, d))
    return [
        Step(
            Rel(row, "==", moved, over=pair),
            "Σⱼ J_s[i, j]x[j, c] = βpᵢ(x[i, c] − x̄_c)",
            delta_sum(),
        ),
        Step(
            Rel(x[i, r] * row, "==", x[i, r] * moved, over=triple),
            "times x[i, r]",
            combine((at, x[i, r])),
        ),
        Step(
            Rel(_j_entry(o, v), "==", _sum(x[i, r] * moved, i, N), over=((r, 1, d), (c, 1, d))),
            "summed over i",
            termwise(at + 1),
        ),
    ]


def variance_steps(o, v, l=None) -> tuple:  # noqa: E741
    """Steps 0 … 7 of Lemma A3's derivation (the paper's J = β Var_p[x]): Σᵢ pᵢ = 1 (step 0),
    J = YYᵀ entry by entry, ‖YYᵀ‖₂ ≤ its trace = βV (steps 5–7), with
    V = Σᵢ pᵢ‖xᵢ − x̄‖²; returns (steps, V, x̄ as a function of the coordinate), x̄_t =
    Σ_l p_l x[l, t] (``l`` the index of that sum)."""
    P, beta, at = v.P, v.beta, _soft(v)
    N, d = P.d, P.n
    i, k, l = index("i"), index("k"), l or index("l")  # noqa: E741
    r, c, x = _R, _C, P.rho
    p = lambda t: _p(o, at.z, beta, t)  # noqa: E731
    bar = lambda t: _sum(p(l) * x[l, t], l, N)  # noqa: E731 - x̄_t = Σ_l p_l x[l, t]
    Y = (sp.Lambda((r, i), sp.sqrt(beta * p(i)) * (x[i, r] - bar(r))), d, N)
    gram = _sum(Y[0](r, i) * Y[0](c, i), i, N)
    G = SpectralNorm(sp.Lambda((r, c), gram), d, d)
    J = a3(o, v)[0].lhs
    B = _sum(p(i) * _sum((x[i, k] - bar(k)) ** 2, k, d), i, N)
    trace = sp.Sum(Y[0](r, i) ** 2, (r, 1, d), (i, 1, N))  # Σᵢ Σ_r, as B sums
    steps = [
        _sums_to_one(o, at, i, N),  # 0
        *jacobian_entries(o, v, 1, l),  # 1 … 3: J[r, c] = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c)
        Step(
            Rel(_j_entry(o, v), "==", gram, over=((r, 1, d), (c, 1, d))),
            "Σᵢ βpᵢ(x[i, r] − x̄_r)(x[i, c] − x̄_c) = Σᵢ βpᵢx[i, r]x[i, c] − βx̄_r x̄_c (Σᵢ pᵢ = 1)",
            combine((3, 1), (0, -beta * bar(r) * bar(c))),
        ),  # 4
        Step(Rel(J, "==", G), "J = YYᵀ entry by entry", spectral_entries(4)),
        Step(Rel(G, "<=", trace), "‖YYᵀ‖₂ ≤ its trace", gram_trace(Y)),
        Step(Rel(trace, "==", beta * B), "the trace is βΣᵢ pᵢ‖xᵢ − x̄‖²", algebra()),  # 7
    ]
    return steps, B, bar


def a3_derivation(o, v):
    """The module notes' route (the paper's J = β Var_p[x])."""
    P, beta, at = v.P, v.beta, _soft(v)
    N, d = P.d, P.n
    i, k, l = index("i"), index("k"), index("l")  # noqa: E741
    x = P.rho
    p = lambda t: _p(o, at.z, beta, t)  # noqa: E731
    centre = lambda t: _sum(x[l, t], l, N) / N  # noqa: E731 - m_x[t]
    steps, B, bar = variance_steps(o, v)  # 0 … 7
    mm2 = _spread2(P)
    A = _sum(p(i) * _sum((x[i, k] - centre(k)) ** 2, k, d), i, N)
    C = _sum((bar(k) - centre(k)) ** 2, k, d)
    Q = _sum(centre(k) ** 2 - bar(k) ** 2, k, d)
    sq_i = _sum((x[i, k] - centre(k)) ** 2, k, d)
    return [
        *steps,
        Step(Rel(0, "<=", C), "‖x̄ − m_x‖² ≥ 0", algebra()),  # 8
        Step(
            Rel(B, "<=", A),
            "Σᵢ pᵢ‖xᵢ − m_x‖² = Σᵢ pᵢ‖xᵢ − x̄‖² + ‖x̄ − m_x‖² (Σᵢ pᵢ = 1)",
            combine((8, 1), (0, -Q)),
        ),  # 9
        Step(Rel(sq_i, "<=", mm2, over=(i, 1, N)), "‖xᵢ − m_x‖² ≤ m_max²", term_bound()),
        Step(
            Rel(p(i) * sq_i, "<=", p(i) * mm2, over=(i, 1, N)), "times pᵢ > 0", combine((10, p(i)))
        ),
        Step(Rel(A, "<=", _sum(p(i) * mm2, i, N)), "summed over i", termwise(11)),  # 12
        Step(Rel(_sum(p(i) * mm2, i, N), "==", mm2), "Σᵢ pᵢ = 1", combine((0, mm2))),
        Step(
            a3(o, v)[0],
            "‖J‖₂ = ‖YYᵀ‖₂ ≤ βΣᵢ pᵢ‖xᵢ − x̄‖² ≤ βΣᵢ pᵢ‖xᵢ − m_x‖² ≤ βm_max²",
            combine((5, 1), (6, 1), (7, 1), (9, beta), (12, beta), (13, beta)),
        ),
    ]
