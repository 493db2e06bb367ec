"""Derivations of App. A.1.4 of Ramsauer et al. (arXiv:2008.02217v3) for every number of
patterns N ≥ 2 and every dimension d: Eq. 5 = Eq. 140 (the separation Δᵢ through the
parallelogram identity), Lemma A4's softmax bounds pᵢ ≥ 1 − ε, p_k ≤ ε/(N − 1) (the claim
``lemma-a4/softmax``) and with them its third bound ‖xᵢ − f(ξ)‖ ≤ 2εM (the claim
``lemma-a4``). The claims of :mod:`derivations.ramsauer2020.local` take them as their
derivations; their statements switch to the ones here on a namespace of symbolic size
(:func:`symbolic`).

The pattern. A relation at symbolic size quantifies over index ranges, and "max over j ≠ i"
is not a range; the derivations here are for the first pattern, i = 1 (``i = 0`` in the
0-based instances, the others j = 2 … N), of an arbitrary pattern set. Each ends with the
kernel's ``relabel`` rule on every relation of the statement: it checks that the statement
names x₁ only as rows x[1, ·] and the other patterns only in Σ, max, min or LSE over
j = 2…N or 1…N whose terms depend on j only through x[j, ·] (the claims have no
hypotheses), so the statement at X with x₁ and xᵢ swapped is the statement for pattern i
(x₁ → xᵢ, j = 2…N → j ≠ i), and it holds as the derivation holds for every X. The checker
then writes the statement out at N = 2, 3 on the swapped patterns and compares it with the
searched one for every pattern i (Lemma A4's bounds hold for every pattern i with its own
gap, of either sign; the paper states them for the i of the largest gap, which the search
takes).

Lemma A4's third bound (:func:`_a4_distance`), by squared norms and Cauchy–Schwarz, with
no triangle inequality: x₁ − f(ξ) = Σ_{l≥2} p_l (x₁ − x_l) coordinate by coordinate (as
Σ p_l = 1), so (Cauchy–Schwarz with √p_l and √p_l (x₁ − x_l)_k, summed over k)
‖x₁ − f(ξ)‖² ≤ (Σ_{l≥2} p_l)·Σ_{l≥2} p_l ‖x₁ − x_l‖²; ‖x₁ − x_l‖² ≤ 2‖x₁‖² + 2‖x_l‖² ≤ 4M²
(M² = maxᵢ‖xᵢ‖² at i = 1 and at every l ≥ 2: the kernel's ``instance``); and
Σ_{l≥2} p_l = 1 − p₁ ≤ ε, so ‖x₁ − f(ξ)‖² ≤ 4M²ε² and √ is increasing.

Notation as in :mod:`derivations.ramsauer2020.energy_proofs`: N patterns x₁…x_N ∈ ℝᵈ
(entries x[i, k]), ξ ∈ ℝᵈ, β > 0, zⱼ = xⱼᵀξ, p = softmax(βz), Eⱼ = e^{βzⱼ},
S = Σ_{j=1…N} Eⱼ, T = Σ_{j=2…N} Eⱼ, μ = max_{j=2…N} zⱼ, c = z₁ − μ, ε = (N − 1)e^{−βc},
f(ξ)_k = Σ_l p_l x[l, k], M = √(maxᵢ‖xᵢ‖²), T_p = Σ_{l=2…N} p_l.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    antisymmetry,
    assumption,
    cauchy_schwarz,
    cites,
    combine,
    instance,
    monotone,
    relabel,
    split_first,
    term_bound,
    termwise,
)
from derivations.ramsauer2020.energy_proofs import _scores, _update
from theory.indexed import MaxOver, MinOver, PatternSet, Size, index

__all__ = [
    "space",
    "sizes",
    "symbolic",
    "eq5",
    "eq5_derivation",
    "a4",
    "a4_derivation",
    "a4_full",
    "a4_full_derivation",
    "equal_norms_hypotheses",
    "eq5_equal",
    "eq5_equal_derivation",
    "angle_hypotheses",
    "eq5_angle",
    "eq5_angle_derivation",
]

_J, _K, _L = index("j"), index("k"), index("l")
_SOFT = ("softmaxb",)


def space():
    """N ≥ 2 patterns in ℝᵈ of symbolic N and d, the first one singled out (i = 0 in the
    0-based instances), ξ ∈ ℝᵈ and β > 0."""
    P = PatternSet(d=Size("N", 2), n=Size("d"), rho=sp.IndexedBase("x", real=True))
    return SimpleNamespace(P=P, i=0, x=P.query(r"\xi"), beta=sp.Symbol("beta", positive=True))


def sizes():
    return [space()]


def symbolic(v) -> bool:
    """Whether the instance is of symbolic size (its patterns a :class:`PatternSet`)."""
    return isinstance(getattr(v, "P", None), PatternSet)


def _first(v):
    if v.i != 0:  # pragma: no cover - the derivations single out the first pattern
        raise ValueError("the derivations at symbolic size are for the first pattern")
    return sp.Integer(1)


def _dot(P, a, b):
    """xₐᵀx_b."""
    return sp.Sum(P.rho[a, P.k] * P.rho[b, P.k], (P.k, 1, P.n))


def _sq(P, a):
    """‖xₐ‖²."""
    return sp.Sum(P.rho[a, P.k] ** 2, (P.k, 1, P.n))


def _sep(v):
    """Δ₁ = x₁ᵀx₁ − max_{j=2…N} x₁ᵀxⱼ (Eq. 5)."""
    P, i = v.P, _first(v)
    return _dot(P, i, i) - MaxOver(_dot(P, i, _J), _J, 2, P.d)


def _eq140_term(v):
    """½(‖x₁‖² − ‖xⱼ‖² + ‖x₁ − xⱼ‖²)."""
    P, i = v.P, _first(v)
    diff = sp.Sum((P.rho[i, P.k] - P.rho[_J, P.k]) ** 2, (P.k, 1, P.n))
    return (_sq(P, i) - _sq(P, _J) + diff) / 2


def eq5(o, v):
    """Δ₁ = min_{j=2…N} ½(‖x₁‖² − ‖xⱼ‖² + ‖x₁ − xⱼ‖²)."""
    rhs = MinOver(_eq140_term(v), _J, 2, v.P.d)
    return [Rel(_sep(v), "==", rhs, "Eq. 5 = Eq. 140")]


def eq5_derivation(o, v):
    """The paper's (Eqs. 139–140): ‖x₁ − xⱼ‖² = ‖x₁‖² − 2x₁ᵀxⱼ + ‖xⱼ‖², so each term is
    ‖x₁‖² − x₁ᵀxⱼ, and the minimum of a constant minus xⱼᵀx₁ is the constant minus the
    maximum."""
    P, i = v.P, _first(v)
    every = (_J, 2, P.d)
    term = _eq140_term(v)
    shifted = _sq(P, i) - _dot(P, i, _J)
    return [
        Step(
            Rel(term, "==", shifted, over=every),
            "parallelogram: ½(‖x₁‖² − ‖xⱼ‖² + ‖x₁‖² − 2x₁ᵀxⱼ + ‖xⱼ‖²) = ‖x₁‖² − x₁ᵀxⱼ",
            algebra(),
        ),
        Step(
            Rel(MinOver(term, _J, 2, P.d), "==", MinOver(shifted, _J, 2, P.d)),
            "the minimum term by term",
            termwise(0),
        ),
        Step(
            Rel(MinOver(shifted, _J, 2, P.d), "==", _sep(v)),
            "min_j (c − x₁ᵀxⱼ) = c − max_j x₁ᵀxⱼ, and ‖x₁‖² = x₁ᵀx₁",
            algebra(),
        ),
        Step(eq5(o, v)[0], "Eq. 5 = Eq. 140", combine((1, 1), (2, 1))),  # 3
        _relabelled(3, eq5(o, v)[0]),
    ]


# ------------------------------------------------- Eq. 140 with every norm equal


def equal_norms_hypotheses(o, v):
    """maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖²: every pattern on one sphere (invariant under relabelling)."""
    P = v.P
    return [Rel(o.max_sqnorm(P), "==", o.min_sqnorm(P), "all norms equal")]


def eq5_equal(o, v):
    """Δ₁ = ½ min_{j=2…N}‖x₁ − xⱼ‖² (App. A.1.4, after Eq. 140)."""
    P, i = v.P, _first(v)
    half = sp.Sum((P.rho[i, P.k] - P.rho[_J, P.k]) ** 2, (P.k, 1, P.n)) / 2
    return [Rel(_sep(v), "==", MinOver(half, _J, 2, P.d), "Δᵢ = ½ min_{j≠i}‖xᵢ − xⱼ‖²")]


def eq5_equal_derivation(o, v):
    """Eq. 140 (cited) and ‖x₁‖² = ‖xⱼ‖² for every j: each between min‖x‖² and max‖x‖²,
    which are equal (the hypothesis), so the two sides of each term bound each other; the
    minima then too, and antisymmetry gives the equality; then every pattern by
    relabelling."""
    P, one = v.P, _first(v)
    i, N = P.i, P.d
    top, low = o.max_sqnorm(P), o.min_sqnorm(P)
    every_i, every_j = (i, 1, N), (_J, 2, N)
    term = _eq140_term(v)
    half = sp.Sum((P.rho[one, P.k] - P.rho[_J, P.k]) ** 2, (P.k, 1, P.n)) / 2
    T, H = MinOver(term, _J, 2, N), MinOver(half, _J, 2, N)
    (goal,) = eq5_equal(o, v)
    h = sp.Rational(1, 2)
    return [
        Step(eq5(o, v)[0], "Eq. 140 (Eq. 5)", cites("eq5", v)),  # 0
        Step(equal_norms_hypotheses(o, v)[0], "all norms equal (hypothesis)", assumption()),
        Step(Rel(_sq(P, i), "<=", top, over=every_i), "‖xᵢ‖² ≤ max", term_bound()),  # 2
        Step(Rel(low, "<=", _sq(P, i), over=every_i), "min ≤ ‖xᵢ‖²", term_bound()),
        Step(Rel(_sq(P, _J), "<=", top, over=every_j), "at i = j ≥ 2", instance(2, _J)),  # 4
        Step(Rel(low, "<=", _sq(P, _J), over=every_j), "at i = j ≥ 2", instance(3, _J)),
        Step(Rel(_sq(P, one), "<=", top), "at i = 1", instance(2, one)),  # 6
        Step(Rel(low, "<=", _sq(P, one)), "at i = 1", instance(3, one)),
        Step(
            Rel(term, "<=", half, over=every_j),
            "½(‖x₁‖² − ‖xⱼ‖²) ≤ ½(max − min) = 0",
            combine((5, h), (6, h), (1, h)),
        ),  # 8
        Step(
            Rel(half, "<=", term, over=every_j),
            "½(‖xⱼ‖² − ‖x₁‖²) ≤ ½(max − min) = 0",
            combine((7, h), (4, h), (1, h)),
        ),
        Step(Rel(T, "<=", H), "the minimum term by term", termwise(8)),  # 10
        Step(Rel(H, "<=", T), "the minimum term by term", termwise(9)),
        Step(Rel(T, "==", H), "both ways", antisymmetry(10, 11)),  # 12
        Step(goal, "Δ₁ = Eq. 140 = ½ min_{j≥2}‖x₁ − xⱼ‖²", combine((0, 1), (12, 1))),
        _relabelled(13, goal),
    ]


def angle_hypotheses(o, v):
    """maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖² and M² > 0 (the cosines divide by M²)."""
    return [*equal_norms_hypotheses(o, v), Rel(0, "<", o.max_sqnorm(v.P), "M² > 0")]


def eq5_angle(o, v):
    """Δ₁ = M²(1 − max_{j=2…N} cos α₁ⱼ), cos α₁ⱼ = x₁ᵀxⱼ/M² (all norms M): Eq. 311 for the
    first pattern; its minimum over the patterns is Δ_min = M²(1 − cos α_min)."""
    P, one = v.P, _first(v)
    Q = o.max_sqnorm(P)
    cos = MaxOver(_dot(P, one, _J) / Q, _J, 2, P.d)
    return [Rel(_sep(v), "==", Q * (1 - cos), "Δᵢ = M²(1 − max_{j≠i} cos αᵢⱼ)")]


def eq5_angle_derivation(o, v):
    """‖x₁‖² = M² (between min and max, which are equal), so Δ₁ = M² − max_{j≥2} x₁ᵀxⱼ, and
    max_{j≥2} x₁ᵀxⱼ = M² max_{j≥2} cos α₁ⱼ (M² > 0); then every pattern by relabelling."""
    P, one = v.P, _first(v)
    i, N = P.i, P.d
    top, low = o.max_sqnorm(P), o.min_sqnorm(P)
    (goal,) = eq5_angle(o, v)
    d_j = _dot(P, one, _J)
    c_j = d_j / top
    dots, cos = MaxOver(d_j, _J, 2, N), MaxOver(c_j, _J, 2, N)
    every_j = (_J, 2, N)
    return [
        *(Step(h, f"{h.label} (hypothesis)", assumption()) for h in angle_hypotheses(o, v)),
        Step(Rel(_sq(P, i), "<=", top, over=(i, 1, N)), "‖xᵢ‖² ≤ max", term_bound()),  # 2
        Step(Rel(low, "<=", _sq(P, i), over=(i, 1, N)), "min ≤ ‖xᵢ‖²", term_bound()),
        Step(Rel(_sq(P, one), "<=", top), "at i = 1", instance(2, one)),  # 4
        Step(Rel(low, "<=", _sq(P, one)), "at i = 1", instance(3, one)),
        Step(Rel(top, "<=", _sq(P, one)), "max = min ≤ ‖x₁‖²", combine((5, 1), (0, 1))),  # 6
        Step(Rel(_sq(P, one), "==", top), "both ways", antisymmetry(4, 6)),
        # M² > 0 comes out of the maximum: each way term by term
        Step(Rel(c_j, "<=", cos, over=every_j), "cos α₁ⱼ ≤ max", term_bound()),  # 8
        Step(Rel(d_j, "<=", top * cos, over=every_j), "times M² > 0", combine((8, top))),
        Step(Rel(dots, "<=", MaxOver(top * cos, _J, 2, N)), "", termwise(9)),  # 10
        Step(Rel(MaxOver(top * cos, _J, 2, N), "==", top * cos), "a constant's", algebra()),
        Step(Rel(d_j, "<=", dots, over=every_j), "x₁ᵀxⱼ ≤ max", term_bound()),  # 12
        Step(Rel(c_j, "<=", dots / top, over=every_j), "divided by M² > 0", combine((12, 1 / top))),
        Step(Rel(cos, "<=", MaxOver(dots / top, _J, 2, N)), "", termwise(13)),  # 14
        Step(Rel(MaxOver(dots / top, _J, 2, N), "==", dots / top), "a constant's", algebra()),
        Step(Rel(dots, "<=", top * cos), "", combine((10, 1), (11, 1))),  # 16
        Step(Rel(top * cos, "<=", dots), "", combine((14, top), (15, top))),
        Step(Rel(top * cos, "==", dots), "both ways", antisymmetry(17, 16)),  # 18
        Step(goal, "Δ₁ = ‖x₁‖² − max_{j≥2} x₁ᵀxⱼ = M² − M² max cos α₁ⱼ", combine((7, 1), (18, 1))),
        _relabelled(19, goal),
    ]


def _relabelled(k, rel):
    """A last step of the derivations: they are written for the first pattern (a step
    ranges over index ranges, and j ≠ i is not one); the relation of step k holds for every
    pattern i by relabelling the patterns so that i comes first — the kernel's ``relabel``
    rule checks that the relabelled relation is the one for pattern i."""
    return Step(
        rel, "for every other pattern i: relabel the patterns so that i comes first", relabel(k)
    )


# ------------------------------------------------------------------------- Lemma A4


def _a4_parts(o, v):
    """(z, z₁, μ = max_{j=2…N} zⱼ, ε = (N − 1)e^{−β(z₁ − μ)}, Eⱼ = e^{βzⱼ}, T = Σ_{j=2…N} Eⱼ,
    S = Σ_{j=1…N} Eⱼ)."""
    P, beta = v.P, v.beta
    z = _scores(P, v.x)
    z1 = z[_first(v)]
    mu = MaxOver(z[_J], _J, 2, P.d)
    eps = (P.d - 1) * sp.exp(-beta * (z1 - mu))
    E = sp.exp(beta * z[_J])
    T = sp.Sum(E, (_J, 2, P.d))
    S = sp.Sum(E, (_J, 1, P.d))
    return z, z1, mu, eps, E, T, S


def a4(o, v):
    """p₁ ≥ 1 − ε and max_{k=2…N} p_k ≤ ε/(N − 1) (Lemma A4's softmax bounds for the first
    pattern, whatever its gap c = z₁ − max_{j≥2} zⱼ)."""
    z, z1, mu, eps, *_ = _a4_parts(o, v)
    P = v.P
    p1 = o.softmax(z, sp.Integer(1), v.beta)
    others = MaxOver(o.softmax(z, _K, v.beta), _K, 2, P.d)
    return [
        Rel(p1, ">=", 1 - eps, "pᵢ ≥ 1 − ε"),
        Rel(others, "<=", eps / (P.d - 1), "p_k ≤ ε/(N − 1)"),
    ]


def a4_derivation(o, v):
    """The paper's: 1 − p₁ = Σ_{j≥2} e^{βzⱼ}/S ≤ Σ_{j≥2} e^{βzⱼ}/e^{βz₁} ≤ (N − 1)e^{β(μ − z₁)}
    = ε, and p_k = e^{βz_k}/S ≤ e^{β(z_k − z₁)} ≤ e^{−βc} (:func:`_a4_steps`); both for every
    pattern by relabelling."""
    bounds = a4(o, v)
    return [*_a4_steps(o, v), _relabelled(13, bounds[0]), _relabelled(23, bounds[1])]


def _a4_steps(o, v):
    """Steps 1–24 of :func:`a4_derivation`: its bounds for the first pattern (steps 14, 24)."""
    P, beta = v.P, v.beta
    z, z1, mu, eps, E, T, S = _a4_parts(o, v)
    every = (_J, 2, P.d)
    E1 = sp.exp(beta * z1)
    p1 = o.softmax(z, sp.Integer(1), beta)
    t = sp.Dummy("t", positive=True)
    recip = sp.Lambda(t, -1 / t)
    return [
        Step(Rel(z[_J], "<=", mu, over=every), "zⱼ ≤ max_{j≥2} zⱼ", term_bound()),  # 0
        Step(Rel(beta * z[_J], "<=", beta * mu, over=every), "times β > 0", combine((0, beta))),
        Step(Rel(E, "<=", sp.exp(beta * mu), over=every), "exp is increasing", monotone(1, sp.exp)),
        Step(
            Rel(T, "<=", sp.Sum(sp.exp(beta * mu), (_J, 2, P.d))), "summed over j ≥ 2", termwise(2)
        ),  # 3
        Step(Rel(T, "<=", (P.d - 1) * sp.exp(beta * mu)), "N − 1 equal terms", combine((3, 1))),
        Step(Rel(S, "==", E1 + T), "the first term of S", split_first()),  # 5
        Step(Rel(0, "<=", T), "a sum of exponentials", algebra()),
        Step(Rel(E1, "<=", S), "S = e^{βz₁} + T ≥ e^{βz₁}", combine((5, -1), (6, 1))),  # 7
        Step(
            Rel(-1 / E1, "<=", -1 / S),
            "t ↦ −1/t is increasing on t > 0",
            monotone(7, recip, "positive"),
        ),
        Step(Rel(p1, "==", E1 / S), "the softmax", algebra(unfold=_SOFT)),  # 9
        Step(Rel(1 - p1, "==", T / S), "1 − p₁ = (S − e^{βz₁})/S", combine((9, -1), (5, 1 / S))),
        Step(Rel(T / S, "<=", T / E1), "T ≥ 0 times step 9", combine((8, T))),  # 11
        Step(Rel(T / E1, "<=", eps), "step 5 times e^{−βz₁}", combine((4, 1 / E1))),
        Step(a4(o, v)[0], "1 − p₁ ≤ ε", combine((10, 1), (11, 1), (12, 1))),  # 13
        *_a4_others(o, v),
    ]


def _a4_others(o, v):
    """Steps 14–: p_k ≤ e^{β(z_k − z₁)} ≤ e^{β(μ − z₁)} = ε/(N − 1) for k = 2 … N."""
    P, beta = v.P, v.beta
    z, z1, mu, eps, E, T, S = _a4_parts(o, v)
    every = (_K, 2, P.d)
    E1, Ek = sp.exp(beta * z1), sp.exp(beta * z[_K])
    pk = o.softmax(z, _K, beta)
    bound = eps / (P.d - 1)
    return [
        Step(Rel(z[_K], "<=", mu, over=every), "z_k ≤ max_{j≥2} zⱼ", term_bound()),  # 14
        Step(Rel(beta * z[_K], "<=", beta * mu, over=every), "times β", combine((14, beta))),
        Step(
            Rel(Ek, "<=", sp.exp(beta * mu), over=every), "exp is increasing", monotone(15, sp.exp)
        ),
        Step(Rel(pk, "==", Ek / S, over=every), "the softmax", algebra(unfold=_SOFT)),  # 17
        Step(Rel(Ek / S, "<=", Ek / E1, over=every), "e^{βz_k} > 0 times step 9", combine((8, Ek))),
        Step(
            Rel(Ek / E1, "<=", bound, over=every),
            "step 17 times e^{−βz₁}: e^{β(μ − z₁)} = ε/(N − 1)",
            combine((16, 1 / E1)),
        ),  # 19
        Step(
            Rel(pk, "<=", bound, over=every), "p_k ≤ ε/(N − 1)", combine((17, 1), (18, 1), (19, 1))
        ),
        Step(
            Rel(MaxOver(pk, _K, 2, P.d), "<=", MaxOver(bound, _K, 2, P.d)),
            "the maximum term by term",
            termwise(20),
        ),  # 21
        Step(Rel(MaxOver(bound, _K, 2, P.d), "==", bound), "a constant's maximum", algebra()),
        Step(a4(o, v)[1], "max_{k≥2} p_k ≤ ε/(N − 1)", combine((21, 1), (22, 1))),  # 23
    ]


# ------------------------------------------------------ Lemma A4's third bound, 2εM


def _a4_norms(o, v):
    """(D_k = x[1, k] − f(ξ)_k, w_lk = x[1, k] − x[l, k], T_p, Q = maxᵢ‖xᵢ‖², M = √Q)."""
    P, one = v.P, sp.Integer(1)
    z = _scores(P, v.x)
    D = P.rho[one, P.k] - _update(o, v)[P.k]
    w = P.rho[one, P.k] - P.rho[_L, P.k]
    Tp = sp.Sum(o.softmax(z, _L, v.beta), (_L, 2, P.d))
    Q = o.max_sqnorm(P)
    return D, w, Tp, Q, sp.sqrt(Q)


def a4_full(o, v):
    """Lemma A4 for the first pattern: its softmax bounds (:func:`a4`) and
    ‖x₁ − f(ξ)‖ ≤ 2εM."""
    D, _, _, _, M = _a4_norms(o, v)
    eps = _a4_parts(o, v)[3]
    dist = sp.sqrt(sp.Sum(D**2, (v.P.k, 1, v.P.n)))
    return [*a4(o, v), Rel(dist, "<=", 2 * eps * M, "‖xᵢ − f(ξ)‖ ≤ 2εM")]


def a4_full_derivation(o, v):
    """The softmax bounds (:func:`_a4_steps`, steps 1–24), then the third bound
    (:func:`_a4_distance`), then the three for every pattern by relabelling."""
    steps = [*_a4_steps(o, v), *_a4_distance(o, v)]
    rels = a4_full(o, v)
    return [*steps, *(_relabelled(k, r) for k, r in zip((13, 23, len(steps) - 1), rels))]


def _a4_distance(o, v):
    """Steps 25–: ‖x₁ − f(ξ)‖ ≤ 2εM (the module notes); step 14 is p₁ ≥ 1 − ε."""
    P, beta, one = v.P, v.beta, sp.Integer(1)
    b = len(_a4_steps(o, v))  # the first step here
    eps = _a4_parts(o, v)[3]
    D, w, Tp, Q, M = _a4_norms(o, v)
    z, x, k = _scores(P, v.x), P.rho, P.k
    p = o.softmax(z, _L, beta)
    coords, later = (k, 1, P.n), (_L, 2, P.d)
    pw = sp.Sum(p * w, later)  # (Σ_{l≥2} p_l (x₁ − x_l))_k
    sq = lambda t: sp.Pow(t, 2, evaluate=False)  # noqa: E731 - keep (√p_l)² as written
    dist2 = sp.Sum(D**2, coords)
    t = sp.Dummy("t", nonnegative=True)
    return [
        Step(
            Rel(sp.Sum(p, (_L, 1, P.d)), "==", o.softmax(z, one, beta) + Tp),
            "the first term of Σ p_l",
            split_first(),
        ),  # b
        Step(Rel(sp.Sum(p, (_L, 1, P.d)), "==", 1), "softmax sums to 1", algebra(unfold=_SOFT)),
        Step(
            Rel(Tp, "<=", eps),
            "T_p = 1 − p₁ ≤ ε (step 14)",
            combine((13, 1), (b, -1), (b + 1, 1)),
        ),
        Step(Rel(0, "<=", Tp), "a sum of probabilities", algebra()),
        Step(
            Rel(sp.Sum(p * w, (_L, 1, P.d)), "==", pw),
            "the term l = 1 is p₁(x₁ − x₁) = 0",
            split_first(),
        ),  # b + 4
        Step(
            Rel(D, "==", pw),
            "x₁ − f(ξ) = Σ_l p_l (x₁ − x_l), as Σ p_l = 1",
            combine((b + 4, 1), (b + 1, -x[one, k])),
        ),
        Step(
            Rel(pw**2, "<=", sp.Sum(sq(sp.sqrt(p)), later) * sp.Sum(sq(sp.sqrt(p) * w), later)),
            "Cauchy–Schwarz with √p_l and √p_l (x₁ − x_l)_k",
            cauchy_schwarz(),
        ),  # b + 6
        Step(
            Rel(D**2, "<=", Tp * sp.Sum(p * w**2, later), over=coords),
            f"step {b + 7}, as D_k = Σ_l p_l w_lk (step {b + 6}), for every k",
            combine((b + 6, 1), (b + 5, pw + D)),
        ),
        Step(
            Rel(dist2, "<=", sp.Sum(Tp * sp.Sum(p * w**2, later), coords)),
            "summed over the coordinates k",
            termwise(b + 7),
        ),  # b + 8
        Step(
            Rel(o.sqnorms(P).body, "<=", Q, over=(P.i, 1, P.d)),
            "‖xᵢ‖² ≤ M² for every i",
            term_bound(),
        ),
        Step(Rel(o.sqnorms(P)[one], "<=", Q), "at i = 1", instance(b + 9, one)),  # b + 10
        Step(
            Rel(o.sqnorms(P)[_L], "<=", Q, over=later),
            "at every i = l ≥ 2",
            instance(b + 9, _L),
        ),
        Step(
            Rel(0, "<=", sp.Sum((x[one, k] + x[_L, k]) ** 2, coords), over=later),
            "‖x₁ + x_l‖² ≥ 0",
            algebra(),
        ),  # b + 12
        Step(
            Rel(sp.Sum(w**2, coords), "<=", 4 * Q, over=later),
            "‖x₁ − x_l‖² = 2‖x₁‖² + 2‖x_l‖² − ‖x₁ + x_l‖² ≤ 4M²",
            combine((b + 12, 1), (b + 10, 2), (b + 11, 2)),
        ),
        Step(
            Rel(p * sp.Sum(w**2, coords), "<=", 4 * Q * p, over=later),
            "times p_l ≥ 0",
            combine((b + 13, p)),
        ),  # b + 14
        Step(
            Rel(sp.Sum(p * sp.Sum(w**2, coords), later), "<=", sp.Sum(4 * Q * p, later)),
            "summed over l ≥ 2",
            termwise(b + 14),
        ),
        Step(
            Rel(dist2, "<=", 4 * Q * Tp**2),
            f"step {b + 16} times T_p ≥ 0, into step {b + 9}",
            combine((b + 8, 1), (b + 15, Tp)),
        ),  # b + 16
        Step(Rel(Tp**2, "<=", eps**2), "0 ≤ T_p ≤ ε", combine((b + 2, eps + Tp))),
        Step(
            Rel(dist2, "<=", (2 * eps * M) ** 2),
            "‖x₁ − f(ξ)‖² ≤ 4M²ε²",
            combine((b + 16, 1), (b + 17, 4 * Q)),
        ),  # b + 18
        Step(
            a4_full(o, v)[-1],
            "√ is increasing on t ≥ 0",
            monotone(b + 18, sp.Lambda(t, sp.sqrt(t)), "nonnegative"),
        ),
    ]
