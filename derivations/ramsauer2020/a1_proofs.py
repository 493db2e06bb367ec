"""Derivations of App. A.1.4 of Ramsauer et al. (arXiv:2008.02217v3) for every number of
patterns N ≥ 2 and every dimension d: Eq. 5 = Eq. 140 (the separation Δᵢ through the
parallelogram identity) and Lemma A4's softmax bounds pᵢ ≥ 1 − ε, p_k ≤ ε/(N − 1) (the claim
``lemma-a4/softmax``). The claims of :mod:`derivations.ramsauer2020.local` take them as their
derivations; their statements switch to the ones here on a namespace of symbolic size
(:func:`symbolic`).

The pattern. A relation at symbolic size quantifies over one index range, and "max over
j ≠ i" is not a range; the derivations here are for the first pattern, i = 1 (``i = 0`` in
the 0-based instances, the others j = 2 … N). The statements are invariant under relabelling
the patterns, which the kernel does not check (its ``wlog`` rule is about the maximum of one
vector): each derivation ends with that relabelling as an ``unchecked`` step, so the
claims are *supported* with every other step checked, and say so in their assumptions. The
statement-agreement check writes the symbolic statement out at N = 2, 3 and compares it
with the searched one at i = 0.

Lemma A4's third bound, ‖xᵢ − f(ξ)‖ ≤ 2εM, has no derivation here (the claim ``lemma-a4``
stays as it was): its proof needs ‖x₁‖² ≤ M² = maxᵢ‖xᵢ‖² for the one pattern i = 1, and the
kernel's ``term_bound`` gives f(i) ≤ max f only for every i of the range at once (no rule
instantiates a quantified step at one index).

Notation as in :mod:`derivations.ramsauer2020.energy_proofs`: N patterns x₁…x_N ∈ ℝᵈ
(entries x[i, k]), ξ ∈ ℝᵈ, β > 0, zⱼ = xⱼᵀξ, p = softmax(βz), Eⱼ = e^{βzⱼ},
S = Σ_{j=1…N} Eⱼ, T = Σ_{j=2…N} Eⱼ, μ = max_{j=2…N} zⱼ, c = z₁ − μ, ε = (N − 1)e^{−βc}.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    combine,
    monotone,
    split_first,
    term_bound,
    termwise,
    unchecked,
)
from derivations.ramsauer2020.energy_proofs import _scores
from theory.indexed import MaxOver, MinOver, PatternSet, Size, index

__all__ = ["space", "sizes", "symbolic", "eq5", "eq5_derivation", "a4", "a4_derivation"]

_J, _K = index("j"), index("k")
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
        Step(eq5(o, v)[0], "Eq. 5 = Eq. 140", combine((1, 1), (2, 1))),
        relabel(eq5(o, v)[0]),
    ]


def relabel(rel):
    """The last step of both derivations: they are written for the first pattern (a step
    ranges over one index range, and j ≠ i is not one); the statement for another i follows
    by relabelling the patterns, a symmetry no kernel rule checks — so this step is left
    unconfirmed on purpose, and the claims stay *supported* with every other step checked."""
    return Step(
        rel,
        "for every other pattern i: relabel the patterns so that i comes first",
        unchecked("the statement's invariance under relabelling the patterns"),
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
    = ε, and p_k = e^{βz_k}/S ≤ e^{β(z_k − z₁)} ≤ e^{−βc}."""
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
        relabel(a4(o, v)[-1]),
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
