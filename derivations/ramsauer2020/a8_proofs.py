"""Lemma A8 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel for every cluster
size l ≥ 1, every number K = N − l ≥ 1 of other patterns and every dimension d (the claim
``lemma-a8``): ‖J‖₂ ≤ β((1 − γ)m_max² + 2γ(2 − γ)M²) ≤ β(m_max² + 2ε(2 − ε)M²) for
γ ≤ ε ≤ 1.

The route. As for Lemma A3, J = β Var_p[x] = YYᵀ, so ‖J‖₂ ≤ trace = βV with
V = Σᵢ pᵢ‖xᵢ − x̄‖² = T − ‖x̄‖², T = Σᵢ pᵢ‖xᵢ‖² (Σᵢ pᵢ = 1). Split every sum at i = l:
α = Σ_{i≤l} pᵢ, γ = Σ_{i>l} pᵢ (α + γ = 1), T = T_in + T_out, x̄ = u + w with
u = Σ_{i≤l} pᵢxᵢ, w = Σ_{i>l} pᵢxᵢ. Then

    V = (αT_in − ‖u‖²) + (γT_out − ‖w‖²) + C,   C = γT_in + αT_out − 2uᵀw

(the cluster's, the others' and the cross part: the paper's pairs i, j inside, outside and
across the cluster, each written with single sums). The cluster part is at most
αΣ_{i≤l} pᵢ‖xᵢ − m_x‖² ≤ α²m_max² (it differs from it by ‖u − αm_x‖² ≥ 0); the others'
part is at most γT_out ≤ γ²M²; and ‖γu + αw‖² ≥ 0 with ‖u‖² ≤ αT_in ≤ α²M²,
‖w‖² ≤ γT_out ≤ γ²M² (Cauchy–Schwarz) gives αγC ≤ 4α²γ²M², so C ≤ 4αγM² (divided by
αγ > 0). With α = 1 − γ: V ≤ (1 − γ)²m_max² + (4γ − 3γ²)M², which is the printed
(1 − γ)m_max² + 2γ(2 − γ)M² minus (1 − γ)γm_max² + γ²M² ≥ 0. The second bound: with
ε = γ + s(1 − γ), s ∈ [0, 1] (the search's ε), the difference is
β(γm_max² + 2M²s(2 − s)(1 − γ)²) ≥ 0.

Notation as in :mod:`derivations.ramsauer2020.metastable_proofs`: N = l + K patterns
x₁ … x_N ∈ ℝᵈ (entries x[i, k]), ξ ∈ ℝᵈ, β > 0, z = Xᵀξ, p = softmax(βz),
m_x = (1/l)Σ_{i≤l} xᵢ, m_max² = max_{i≤l}‖xᵢ − m_x‖², M² = maxᵢ‖xᵢ‖²; s ∈ [0, 1] (the
claim's hypotheses 0 ≤ s, s ≤ 1).
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    assumption,
    cauchy_schwarz,
    combine,
    instance,
    split_at,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020 import metastable_proofs as MP
from derivations.ramsauer2020.energy_proofs import _scores
from theory.indexed import MaxOver, index

__all__ = ["space", "sizes", "a8_hypotheses", "a8", "a8_derivation"]

_I, _K, _J = index("i"), index("k"), index("j")
_Q = index("q")  # x̄'s index (not j: the softmax sums over j inside)


def space():
    """:func:`derivations.ramsauer2020.metastable_proofs.space` with the search's
    s ∈ [0, 1] (ε = γ + s(1 − γ))."""
    v = MP.space()
    v.s = sp.Symbol("s", real=True)
    return v


def sizes():
    return [space()]


def _parts(o, v):
    """(p as a function of the index, α, γ, m_max², M², m_x[k])."""
    P, beta, ell = v.P, v.beta, v.l
    z = _scores(P, v.x)
    p = lambda t: o.softmax(z, t, beta)  # noqa: E731
    x, i, k = P.rho, _I, _K
    centre = sp.Sum(x[_J, k], (_J, 1, ell)) / ell
    mm2 = MaxOver(sp.Sum((x[i, k] - centre) ** 2, (k, 1, P.n)), i, 1, ell)
    alpha, gam = sp.Sum(p(i), (i, 1, ell)), sp.Sum(p(i), (i, ell + 1, P.d))
    return p, alpha, gam, mm2, o.max_sqnorm(P), centre


def a8_hypotheses(o, v):
    """0 ≤ s ≤ 1 (ε = γ + s(1 − γ) runs over [γ, 1])."""
    return [Rel(0, "<=", v.s, "0 ≤ s"), Rel(v.s, "<=", 1, "s ≤ 1")]


def a8(o, v):
    """‖J‖₂ ≤ β((1 − γ)m_max² + 2γ(2 − γ)M²) ≤ β(m_max² + 2ε(2 − ε)M²), ε = γ + s(1 − γ)."""
    p, alpha, gam, mm2, Q, centre = _parts(o, v)
    eps = gam + v.s * (1 - gam)
    mid = v.beta * ((1 - gam) * mm2 + 2 * gam * (2 - gam) * Q)
    top = v.beta * (mm2 + 2 * eps * (2 - eps) * Q)
    J = JP.a3(o, v)[0].lhs
    return [
        Rel(J, "<=", mid, "‖J‖₂ ≤ β((1−γ)m_max² + 2γ(2−γ)M²)"),
        Rel(mid, "<=", top, "… ≤ β(m_max² + 2ε(2−ε)M²)"),
    ]


def a8_derivation(o, v):
    """The module notes' route."""
    P, beta, ell = v.P, v.beta, v.l
    N, d, x, i, k = P.d, P.n, P.rho, _I, _K
    p, alpha, gam, mm2, Q, centre = _parts(o, v)
    steps, B, bar = JP.variance_steps(o, v, _Q)  # 0 … 7: ‖J‖₂ = ‖YYᵀ‖₂ ≤ trace = βB
    sq = lambda t: sp.Pow(t, 2, evaluate=False)  # noqa: E731 - keep (√pᵢ)² as written
    cluster, others, every, coords = (i, 1, ell), (i, ell + 1, N), (i, 1, N), (k, 1, d)
    sk = lambda e: sp.Sum(e, coords)  # noqa: E731
    norm2 = sk(x[i, k] ** 2)  # ‖xᵢ‖²
    T, Tin, Tout = (sp.Sum(p(i) * norm2, r) for r in (every, cluster, others))
    u, w = (sp.Sum(p(i) * x[i, k], r) for r in (cluster, others))  # u_k, w_k
    X2 = sk(bar(k) ** 2)
    Sin = sp.Sum(p(i) * sk((x[i, k] - centre) ** 2), cluster)
    C = gam * Tin + alpha * Tout - 2 * sk(u * w)
    mid, top = (r.rhs for r in a8(o, v))
    s = v.s
    steps += [
        Step(
            Rel(B, "==", T - X2), "Σᵢ pᵢ‖xᵢ − x̄‖² = Σᵢ pᵢ‖xᵢ‖² − ‖x̄‖² (Σᵢ pᵢ = 1)", combine((0, X2))
        ),
        Step(Rel(T, "==", Tin + Tout), "split at i = l", split_at(ell)),  # 9
        Step(Rel(bar(k), "==", u + w, over=coords), "split at i = l", split_at(ell)),
        Step(Rel(sp.Sum(p(i), every), "==", alpha + gam), "split at i = l", split_at(ell)),  # 11
        Step(Rel(alpha + gam, "==", 1), "α + γ = Σᵢ pᵢ = 1", combine((11, -1), (0, 1))),
        Step(
            Rel(bar(k) ** 2, "==", (u + w) ** 2, over=coords),
            "squared",
            combine((10, bar(k) + u + w)),
        ),  # 13
        Step(Rel(X2, "==", sk((u + w) ** 2)), "summed over k", termwise(13)),
        # the cluster's part
        Step(Rel(0, "<=", sk((u - alpha * centre) ** 2)), "‖u − αm_x‖² ≥ 0", algebra()),  # 15
        Step(
            Rel(alpha * Tin - sk(u**2), "<=", alpha * Sin),
            "αT_in − ‖u‖² = αΣ_{i≤l} pᵢ‖xᵢ − m_x‖² − ‖u − αm_x‖²",
            combine((15, 1)),
        ),
        Step(
            Rel(sk((x[i, k] - centre) ** 2), "<=", mm2, over=cluster),
            "‖xᵢ − m_x‖² ≤ m_max² for i ≤ l",
            term_bound(),
        ),  # 17
        Step(
            Rel(p(i) * sk((x[i, k] - centre) ** 2), "<=", p(i) * mm2, over=cluster),
            "times pᵢ > 0",
            combine((17, p(i))),
        ),
        Step(Rel(Sin, "<=", alpha * mm2), "summed over i ≤ l", termwise(18)),  # 19
        # the norms
        Step(Rel(norm2, "<=", Q, over=every), "‖xᵢ‖² ≤ M²", term_bound()),  # 20
        Step(Rel(norm2, "<=", Q, over=cluster), "for i ≤ l", instance(20, i)),
        Step(Rel(norm2, "<=", Q, over=others), "for i > l", instance(20, i)),  # 22
        Step(Rel(p(i) * norm2, "<=", p(i) * Q, over=cluster), "times pᵢ", combine((21, p(i)))),
        Step(Rel(p(i) * norm2, "<=", p(i) * Q, over=others), "times pᵢ", combine((22, p(i)))),
        Step(Rel(Tin, "<=", alpha * Q), "summed over i ≤ l", termwise(23)),  # 25
        Step(Rel(Tout, "<=", gam * Q), "summed over i > l", termwise(24)),
        Step(Rel(0, "<=", sk(w**2)), "‖w‖² ≥ 0", algebra()),  # 27
        # ‖u‖² ≤ αT_in and ‖w‖² ≤ γT_out (Cauchy–Schwarz with √pᵢ and √pᵢ x[i, k])
        Step(
            Rel(
                u**2,
                "<=",
                sp.Sum(sq(sp.sqrt(p(i))), cluster) * sp.Sum(sq(sp.sqrt(p(i)) * x[i, k]), cluster),
            ),
            "Cauchy–Schwarz with √pᵢ and √pᵢ x[i, k], i ≤ l",
            cauchy_schwarz(),
        ),  # 28
        Step(
            Rel(u**2, "<=", alpha * sp.Sum(p(i) * x[i, k] ** 2, cluster), over=coords),
            "for every k",
            combine((28, 1)),
        ),
        Step(Rel(sk(u**2), "<=", alpha * Tin), "summed over k", termwise(29)),  # 30
        Step(
            Rel(
                w**2,
                "<=",
                sp.Sum(sq(sp.sqrt(p(i))), others) * sp.Sum(sq(sp.sqrt(p(i)) * x[i, k]), others),
            ),
            "Cauchy–Schwarz with √pᵢ and √pᵢ x[i, k], i > l",
            cauchy_schwarz(),
        ),
        Step(
            Rel(w**2, "<=", gam * sp.Sum(p(i) * x[i, k] ** 2, others), over=coords),
            "for every k",
            combine((31, 1)),
        ),  # 32
        Step(Rel(sk(w**2), "<=", gam * Tout), "summed over k", termwise(32)),
        # the cross part
        Step(Rel(0, "<=", sk((gam * u + alpha * w) ** 2)), "‖γu + αw‖² ≥ 0", algebra()),  # 34
        Step(
            Rel(alpha * gam * C, "<=", 4 * alpha**2 * gam**2 * Q),
            "−2αγuᵀw ≤ γ²‖u‖² + α²‖w‖² ≤ γ²αT_in + α²γT_out, and T_in ≤ αM², T_out ≤ γM²",
            combine(
                (34, 1),
                (30, gam**2),
                (33, alpha**2),
                (25, 2 * alpha * gam**2),
                (26, 2 * alpha**2 * gam),
            ),
        ),
        Step(
            Rel(C, "<=", 4 * alpha * gam * Q), "divided by αγ > 0", combine((35, 1 / (alpha * gam)))
        ),  # 36
        Step(
            Rel(B, "<=", alpha**2 * mm2 + gam**2 * Q + 4 * alpha * gam * Q),
            "V = (αT_in − ‖u‖²) + (γT_out − ‖w‖²) + C, α + γ = 1",
            combine(
                (8, 1),
                (9, 1),
                (14, -1),
                (12, -(Tin + Tout)),
                (16, 1),
                (19, alpha),
                (27, 1),
                (26, gam),
                (36, 1),
            ),
        ),  # 37
        Step(
            Rel(sk((x[1, k] - centre) ** 2), "<=", mm2), "at i = 1 ≤ l", instance(17, sp.Integer(1))
        ),  # 38
        Step(Rel(0, "<=", sk((x[1, k] - centre) ** 2)), "a sum of squares", algebra()),
        Step(Rel(0, "<=", mm2), "m_max² ≥ 0", combine((38, 1), (39, 1))),  # 40
        Step(Rel(norm2.subs(i, 1), "<=", Q), "at i = 1", instance(20, sp.Integer(1))),
        Step(Rel(0, "<=", norm2.subs(i, 1)), "a sum of squares", algebra()),  # 42
        Step(Rel(0, "<=", Q), "M² ≥ 0", combine((41, 1), (42, 1))),
        Step(
            a8(o, v)[0],
            "‖J‖₂ ≤ βV, and with α = 1 − γ the bound is the printed one less "
            "β((1 − γ)γm_max² + γ²M²)",
            combine(
                (5, 1),
                (6, 1),
                (7, 1),
                (37, beta),
                (12, beta * (mm2 * (1 + alpha) + 4 * gam * Q)),
                (40, beta * alpha * gam),
                (43, beta * gam**2),
            ),
        ),  # 44
        Step(Rel(0, "<=", s), "0 ≤ s (hypothesis)", assumption()),  # 45
        Step(Rel(s, "<=", 1), "s ≤ 1 (hypothesis)", assumption()),
        Step(Rel(0, "<=", 2 - s), "s ≤ 1", combine((46, 1))),  # 47
        Step(Rel(0, "<=", s * (2 - s)), "", combine((45, 2 - s))),
        Step(
            Rel(mid, "<=", top),
            "the difference is β(γm_max² + 2M²s(2 − s)(1 − γ)²)",
            combine((48, 2 * beta * Q * (1 - gam) ** 2), (40, beta * gam)),
        ),  # 49
    ]
    return steps
