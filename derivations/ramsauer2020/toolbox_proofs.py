"""Derivations of App. A.2 of Ramsauer et al. (arXiv:2008.02217v3) for every size m: the
statements of :mod:`derivations.ramsauer2020.toolbox` at symbolic size and the proofs the
rule kernel checks (Lemmas A18–A23, A27). Each claim takes them through :func:`proof` (its
display, derivation and derivation sizes) and its statement through :func:`symbolic`.

The proofs are the paper's, except Lemma A22's "hence lse is convex" (the claim
``lemma-a22/convex``): the paper infers it from the positive semi-definite Hessian, which the
kernel cannot integrate; the derivation here uses the paper's Lemma A19 instead (lse is a
maximum of affine functions of z). Lemma A20 (J_s's m² entries) is one relation over two
index ranges, ∀i, j ∈ 1 … m, checked once by differentiation for symbolic i and j: SymPy
gives ∂zᵢ/∂zⱼ = δᵢⱼ (so the case i = j is the same computation) and the kernel sums out
Σ_k δ_{jk} e^{βz_k} = e^{βzⱼ} because j runs over the sum's range.

Notation: z, z′, v ∈ ℝᵐ of symbolic length m (``z``, ``w``, ``v``); β > 0;
p = softmax(βz), p′ = softmax(βz′) (named quantities, entries pᵢ); S = Σⱼ exp(βzⱼ);
lse(β, z) = β⁻¹ ln S; a point of the open simplex is r = q/Σⱼqⱼ with qᵢ = e^{uᵢ} > 0
(u ∈ ℝᵐ: every point of the open simplex is of this form); δᵢⱼ Kronecker's delta;
J_s[i, j] = ∂pᵢ/∂zⱼ.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    cauchy_schwarz,
    cites,
    combine,
    delta_sum,
    differentiate,
    gibbs,
    termwise,
)
from theory.indexed import Size, Vec, index

__all__ = [
    "space",
    "a18_space",
    "a18_statement",
    "a18_derivation",
    "symbolic",
    "proof",
    "a19_hypotheses",
    "DERIVATIONS",
    "sizes",
]

_SOFT = ("softmaxb",)


def space():
    """z, z′, v, u of symbolic length m, q = (e^{uᵢ})ᵢ and β > 0: every m at once."""
    m = Size("m")
    u = Vec.symbol("u", m)
    return SimpleNamespace(
        z=Vec.symbol("z", m),
        w=Vec.symbol("w", m, latex="z'"),
        v=Vec.symbol("v", m),
        q=Vec(sp.exp(u.body), u.var, m),
        beta=sp.Symbol("beta", positive=True),
    )


def sizes():
    return [space()]


def a18_space():
    """z of symbolic length m and β > 0: Lemma A18 for every m at once."""
    return SimpleNamespace(z=Vec.symbol("z", Size("m")), beta=sp.Symbol("beta", positive=True))


def a18_statement(o, v):
    """softmax(βz) = ∇_z lse(β, z), one relation for every k = 1 … m."""
    k = index("k")
    rhs = o.grad_lse(v.z, k, v.beta)
    return [Rel(o.softmax(v.z, k, v.beta), "==", rhs, "softmax_k", over=(k, 1, o.length(v.z)))]


def a18_derivation(o, v):
    """The paper's proof: differentiate β⁻¹ log Σᵢ exp(βzᵢ) with respect to z_k."""
    return [
        Step(r, "differentiate β⁻¹ log Σᵢ exp(βzᵢ) with respect to z_k", differentiate())
        for r in a18_statement(o, v)
    ]


# ------------------------------------------------------------------ the pieces, indexed


def _sum(body, i, m):
    return sp.Sum(body, (i, 1, m))


def _p(o, z, beta, i):
    return o.softmax(z, i, beta)


def _simplex(q):
    """r = q/Σⱼqⱼ as a vector (the fixed-size statements normalise q alike)."""
    j = index("j")
    tot = _sum(q[j], j, q.length)
    return Vec(q.body / tot, q.var, q.length)


def _gibbs(r, z, beta):
    """rᵀz − β⁻¹ Σ rᵢ ln rᵢ."""
    i, m = r.var, r.length
    return _sum(r.body * z[i], i, m) - _sum(r.body * sp.log(r.body), i, m) / beta


def _lse(o, z, beta):
    return o.lse(z, beta)


# ------------------------------------------------------------- statements, symbolic size


def a19(o, v):
    """qᵀz + β⁻¹H(q) ≤ lse(β, z) for q in the simplex; = at q = softmax(βz)."""
    i, m = v.z.var, v.z.length
    pv = Vec(_p(o, v.z, v.beta, i), i, m)
    lse = _lse(o, v.z, v.beta)
    return [
        Rel(_gibbs(_simplex(v.q), v.z, v.beta), "<=", lse, "qᵀz + β⁻¹H(q) ≤ lse"),
        Rel(_gibbs(pv, v.z, v.beta), "==", lse, "attained at softmax"),
    ]


def a19_hypotheses(o, v):
    """q has positive entries (so ln qᵢ is defined): established where A19 is cited (at
    fixed size, one relation per entry)."""
    if not isinstance(v.z, Vec):
        return [Rel(0, "<", t, f"q{k + 1} > 0") for k, t in enumerate(v.q)]
    q = v.q
    return [Rel(0, "<", q.body, "qᵢ > 0", over=(q.var, 1, q.length))]


def a19_attained(o, v):
    """pᵀz − β⁻¹ Σ pᵢ(βzᵢ − β lse(β, z)) = lse(β, z) (ln pᵢ written as the log-softmax)."""
    i, m = v.z.var, v.z.length
    p, lse = _p(o, v.z, v.beta, i), _lse(o, v.z, v.beta)
    ent = _sum(p * (v.beta * v.z.body - v.beta * lse), i, m)
    return [Rel(_sum(p * v.z.body, i, m) - ent / v.beta, "==", lse, "attained at softmax")]


def _dsoft(o, v, i, j):
    """∂softmax(βz)ᵢ/∂zⱼ, as a derivative to be taken."""
    return sp.Derivative(_p(o, v.z, v.beta, i), v.z.base()[j])


def a20(o, v):
    """∂softmax(βz)ᵢ/∂zⱼ = β(δᵢⱼpᵢ − pᵢpⱼ) for every i and every j = 1 … m."""
    i, j, m = index("i"), index("j"), v.z.length
    pi, pj = _p(o, v.z, v.beta, i), _p(o, v.z, v.beta, j)
    entry = v.beta * (sp.KroneckerDelta(i, j) * pi - pi * pj)
    return [Rel(_dsoft(o, v, i, j), "==", entry, "J_s[i, j]", over=((i, 1, m), (j, 1, m)))]


def a21(o, v):
    """Σⱼ ∂softmax(βz)ᵢ/∂zⱼ = 0 for every i = 1 … m."""
    i, j, m = index("i"), index("j"), v.z.length
    return [Rel(_sum(_dsoft(o, v, i, j), j, m), "==", 0, "(J_s 1)ᵢ = 0", over=(i, 1, m))]


def a22(o, v):
    """β(Σ pᵢvᵢ² − (Σ pᵢvᵢ)²) ≥ 0."""
    i, m = v.z.var, v.z.length
    p, vi = _p(o, v.z, v.beta, i), v.v[i]
    quad = _sum(p * vi**2, i, m) - _sum(p * vi, i, m) ** 2
    return [Rel(v.beta * quad, ">=", 0, "vᵀJ_s v ≥ 0")]


def a22_convex(o, v):
    """lse(β, z′) ≥ lse(β, z) + Σ pᵢ(z′ᵢ − zᵢ)."""
    i, m = v.z.var, v.z.length
    tan = _lse(o, v.z, v.beta) + _sum(_p(o, v.z, v.beta, i) * (v.w[i] - v.z[i]), i, m)
    return [Rel(_lse(o, v.w, v.beta), ">=", tan, "lse above its tangent")]


def a23(o, v):
    """Σ (pᵢ − p′ᵢ)(zᵢ − z′ᵢ) ≥ 0."""
    i, m = v.z.var, v.z.length
    d = _p(o, v.z, v.beta, i) - _p(o, v.w, v.beta, i)
    return [Rel(_sum(d * (v.z[i] - v.w[i]), i, m), ">=", 0, "monotone")]


def a27(o, v):
    """Fenchel–Young: rᵀz − lse(β, z) ≤ β⁻¹ Σ rᵢ ln rᵢ (r = q/Σq)."""
    r = _simplex(v.q)
    i, m = r.var, r.length
    negent = _sum(r.body * sp.log(r.body), i, m) / v.beta
    return [Rel(_sum(r.body * v.z[i], i, m) - _lse(o, v.z, v.beta), "<=", negent, "Fenchel–Young")]


def _zstar(v):
    r = _simplex(v.q)
    return Vec(sp.log(r.body) / v.beta, r.var, r.length)


def a27_attained(o, v):
    """Equality at z* = β⁻¹ ln r: rᵀz* − lse(β, z*) = β⁻¹ Σ rᵢ ln rᵢ."""
    r, zs = _simplex(v.q), _zstar(v)
    i, m = r.var, r.length
    negent = _sum(r.body * sp.log(r.body), i, m) / v.beta
    lhs = _sum(r.body * zs[i], i, m) - _lse(o, zs, v.beta)
    return [Rel(lhs, "==", negent, "attained at β⁻¹ ln q")]


_STATEMENTS = {
    "a18": a18_statement,
    "a19": a19,
    "a19_attained": a19_attained,
    "a20": a20,
    "a21": a21,
    "a22": a22,
    "a22_convex": a22_convex,
    "a23": a23,
    "a27": a27,
    "a27_attained": a27_attained,
}


def symbolic(name: str):
    """Decorate a toolbox statement: at symbolic size (``v.z`` a :class:`~theory.indexed.Vec`)
    it is the statement ``name`` written here, else the decorated (fixed-size) one."""

    def wrap(fixed):
        @functools.wraps(fixed)
        def statement(o, v, *a, **kw):
            if isinstance(getattr(v, "z", None), Vec):
                return _STATEMENTS[name](o, v)
            return fixed(o, v, *a, **kw)

        return statement

    return wrap


def proof(claim_id: str, display):
    """(display, derivation, derivation sizes) of a toolbox claim proven here: the
    positional arguments of its :class:`~derivations.engine.Claim` after ``domain``."""
    if claim_id == "lemma-a18":
        return a18_space, a18_derivation, lambda: [a18_space()]
    return display, DERIVATIONS[claim_id], sizes


# ----------------------------------------------------------------------------- proofs


def _sums_to_one(o, v, i, m):
    """Σᵢ pᵢ = 1 (the definition of softmax)."""
    return Step(
        Rel(_sum(_p(o, v.z, v.beta, i), i, m), "==", 1),
        "softmax sums to 1: Σᵢ exp(βzᵢ)/S = 1",
        algebra(unfold=_SOFT),
    )


def a19_derivation(o, v):
    """Gibbs' inequality KL(r‖p) ≥ 0 with ln pᵢ = βzᵢ − β lse(β, z); at r = p the same
    computation gives equality (the paper's maximiser)."""
    z, beta = v.z, v.beta
    i, m = z.var, z.length
    r = _simplex(v.q)
    p = _p(o, z, beta, i)
    lse = _lse(o, z, beta)
    bound, attained = a19(o, v)
    return [
        Step(Rel(_sum(r.body, i, m), "==", 1), "r = q/Σq sums to 1", algebra()),
        _sums_to_one(o, v, i, m),
        Step(
            Rel(0, "<=", _sum(r.body * sp.log(r.body / p), i, m)),
            "Gibbs: KL(r‖softmax(βz)) ≥ 0",
            gibbs(0, 1),
        ),
        Step(
            Rel(
                _sum(r.body * sp.log(p), i, m), "==", beta * _sum(r.body * z[i], i, m) - beta * lse
            ),
            "ln pᵢ = βzᵢ − β lse(β, z) and Σ rᵢ = 1",
            algebra(unfold=_SOFT),
        ),
        Step(bound, "divide KL ≥ 0 by β and insert ln pᵢ", combine((2, 1 / beta), (3, -1 / beta))),
        Step(
            Rel(_sum(p * sp.log(p), i, m), "==", beta * _sum(p * z[i], i, m) - beta * lse),
            "at r = p: Σ pᵢ ln pᵢ = βpᵀz − β lse(β, z)",
            algebra(unfold=_SOFT),
        ),
        Step(attained, "so the bound is attained at p = softmax(βz)", combine((5, -1 / beta))),
    ]


def a19_attained_derivation(o, v):
    """Σ pᵢ(βzᵢ − β lse) = βpᵀz − β lse, as Σ pᵢ = 1."""
    z, i, m = v.z, v.z.var, v.z.length
    lse = _lse(o, z, v.beta)
    return [
        _sums_to_one(o, v, i, m),
        Step(a19_attained(o, v)[0], "insert Σ pᵢ = 1", combine((0, lse))),
    ]


def a20_derivation(o, v):
    """The paper's: differentiate pᵢ = e^{βzᵢ}/Σ_k e^{βz_k} with respect to zⱼ (quotient
    rule; ∂zᵢ/∂zⱼ = δᵢⱼ), for symbolic i and j at once."""
    return [
        Step(r, "differentiate e^{βzᵢ}/Σ_k e^{βz_k} with respect to zⱼ", differentiate())
        for r in a20(o, v)
    ]


def a21_derivation(o, v):
    """The paper's J_s 1 = β(diag p − ppᵀ)1 = β(p − p·Σⱼpⱼ) = 0: Lemma A20's entries of J_s
    (cited), summed over j."""
    z, beta, m = v.z, v.beta, v.z.length
    i, j = index("i"), index("j")
    pi, dl = _p(o, z, beta, i), sp.KroneckerDelta(i, j)
    entry = a20(o, v)[0].rhs
    every_i = (i, 1, m)
    return [
        Step(a20(o, v)[0], "Lemma A20: ∂pᵢ/∂zⱼ = β(δᵢⱼpᵢ − pᵢpⱼ)", cites("lemma-a20", v)),
        Step(
            Rel(_sum(_dsoft(o, v, i, j), j, m), "==", _sum(entry, j, m), over=every_i),
            "sum over j",
            termwise(0),
        ),
        Step(Rel(_sum(dl * pi, j, m), "==", pi, over=every_i), "Σⱼ δᵢⱼpᵢ = pᵢ", delta_sum()),
        _sums_to_one(o, v, j, m),
        Step(a21(o, v)[0], "β(pᵢ − pᵢ·1) = 0", combine((1, 1), (2, beta), (3, -beta * pi))),
    ]


def a22_derivation(o, v):
    """vᵀJ_s v = β(Σ pᵢvᵢ² − (Σ pᵢvᵢ)²) ≥ 0 by Cauchy–Schwarz with aᵢ = √pᵢ, bᵢ = √pᵢ vᵢ:
    (Σ pᵢvᵢ)² ≤ (Σ pᵢ)(Σ pᵢvᵢ²) = Σ pᵢvᵢ²."""
    i, m = v.z.var, v.z.length
    p, vi = _p(o, v.z, v.beta, i), v.v[i]
    a, b = sp.sqrt(p), sp.sqrt(p) * vi
    sq = lambda t: sp.Pow(t, 2, evaluate=False)  # noqa: E731 - keep (√pᵢ)² as written
    second = _sum(p * vi**2, i, m)
    return [
        Step(
            Rel(_sum(p * vi, i, m) ** 2, "<=", _sum(sq(a), i, m) * _sum(sq(b), i, m)),
            "Cauchy–Schwarz with aᵢ = √pᵢ, bᵢ = √pᵢ vᵢ",
            cauchy_schwarz(),
        ),
        _sums_to_one(o, v, i, m),
        Step(
            a22(o, v)[0], "Σ pᵢ = 1; multiply by β > 0", combine((0, v.beta), (1, v.beta * second))
        ),
    ]


def _exp_weights(v):
    """q = (exp(βzᵢ))ᵢ: then q/Σq = softmax(βz), written out."""
    z = v.z
    return Vec(sp.exp(v.beta * z.body), z.var, z.length)


def a22_convex_derivation(o, v):
    """Not the paper's route (a PSD Hessian, Lemma A22, which the kernel cannot integrate):
    lse is a maximum of affine functions (Lemma A19), so at z′ it is at least the affine
    function of q = softmax(βz), which equals lse(β, z) + pᵀ(z′ − z)."""
    z, w, beta = v.z, v.w, v.beta
    i, m = z.var, z.length
    at = SimpleNamespace(z=w, q=_exp_weights(v), beta=beta)
    r = _simplex(at.q)
    lse = _lse(o, z, beta)
    dz = w[i] - z[i]
    return [
        Step(a19(o, at)[0], "Lemma A19 at z′ with q = softmax(βz)", cites("lemma-a19", at)),
        Step(
            Rel(
                _sum(r.body * sp.log(r.body), i, m),
                "==",
                beta * _sum(r.body * z[i], i, m) - beta * lse,
            ),
            "ln pᵢ = βzᵢ − β lse(β, z)",
            algebra(),
        ),
        Step(Rel(_sum(r.body, i, m), "==", 1), "Σ pᵢ = 1", algebra()),
        Step(
            Rel(_sum(_p(o, z, beta, i) * dz, i, m), "==", _sum(r.body * dz, i, m)),
            "the definition of softmax",
            algebra(unfold=_SOFT),
        ),
        Step(a22_convex(o, v)[0], "collect", combine((0, 1), (1, 1 / beta), (2, -lse), (3, 1))),
    ]


def a23_derivation(o, v):
    """The gradient of a convex function is monotone: add the tangent-plane inequalities of
    lse at z and at z′ (softmax = ∇lse, Lemma A18)."""
    back = SimpleNamespace(z=v.w, w=v.z, q=v.q, v=v.v, beta=v.beta)
    return [
        Step(a22_convex(o, v)[0], "lse above its tangent at z", cites("lemma-a22/convex", v)),
        Step(
            a22_convex(o, back)[0], "lse above its tangent at z′", cites("lemma-a22/convex", back)
        ),
        Step(a23(o, v)[0], "add the two", combine((0, 1), (1, 1))),
    ]


def a27_derivation(o, v):
    """Fenchel–Young is Lemma A19's bound rearranged."""
    return [
        Step(a19(o, v)[0], "Lemma A19", cites("lemma-a19", v)),
        Step(a27(o, v)[0], "move lse and the entropy across", combine((0, 1))),
    ]


def a27_attained_derivation(o, v):
    """At z* = β⁻¹ ln r: β z*ᵢ = ln rᵢ, so lse(β, z*) = β⁻¹ ln Σ rᵢ = 0."""
    return [Step(a27_attained(o, v)[0], "exp(ln rᵢ) = rᵢ and Σ rᵢ = 1", algebra())]


#: derivation per toolbox claim id (each checked on :func:`sizes`).
DERIVATIONS = {
    "lemma-a19": a19_derivation,
    "lemma-a19/attained": a19_attained_derivation,
    "lemma-a20": a20_derivation,
    "lemma-a21": a21_derivation,
    "lemma-a22": a22_derivation,
    "lemma-a22/convex": a22_convex_derivation,
    "lemma-a23": a23_derivation,
    "lemma-a27": a27_derivation,
    "lemma-a27/attained": a27_attained_derivation,
}
