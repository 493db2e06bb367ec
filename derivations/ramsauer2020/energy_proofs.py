"""Derivations of §2–3 of Ramsauer et al. (arXiv:2008.02217v3) for every number of patterns
and every dimension: Eq. 2's Gaussian-mixture form and its gradient, the CCCP descent of
Theorem 1 (with its sufficient decrease, the proof's Eq. 54) and Lemma A1 (a), E ≥ 0. The
claims of :mod:`derivations.ramsauer2020.energy` take them as their derivations; their
statements switch to the ones here on a namespace of symbolic size (:func:`symbolic`).

Notation: N patterns x₁…x_N ∈ ℝᵈ (a ``PatternSet`` with ``P.d`` = N patterns of ``P.n`` = d
entries x[i, k]), the state ξ ∈ ℝᵈ (``x``), β > 0; the scores z = Xᵀξ (zᵢ = Σ_k ξ_k x[i, k]);
p = softmax(βz); f(ξ) = Xp (f(ξ)_k = Σᵢ pᵢ x[i, k], Eq. 3);
E(ξ) = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M², M² = maxᵢ‖xᵢ‖² (Eq. 2; the named quantity
E^MCHN_β of the shared vocabulary has exactly this definition).
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    cites,
    combine,
    differentiate,
    instance,
    relabel,
    term_bound,
    termwise,
)
from derivations.ramsauer2020.toolbox_proofs import a22_convex
from theory.indexed import MaxOver, PatternSet, Size, Vec, index

__all__ = [
    "space",
    "sizes",
    "symbolic",
    "eq2_gradient",
    "eq2_gradient_derivation",
    "decrease",
    "decrease_derivation",
    "thm1",
    "thm1_derivation",
    "bounds",
    "a1_derivation",
    "a1a_space",
    "a1a",
    "a1a_derivation",
    "eq2",
    "eq2_derivation",
    "eq10_space",
    "eq10",
    "eq10_derivation",
]


def space():
    """N patterns in ℝᵈ and ξ ∈ ℝᵈ of symbolic N and d, β > 0."""
    P = PatternSet(d=Size("N"), n=Size("d"), rho=sp.IndexedBase("x", real=True))
    return SimpleNamespace(P=P, x=P.query(r"\xi"), beta=sp.Symbol("beta", positive=True))


def sizes():
    return [space()]


def symbolic(v) -> bool:
    """Whether the instance is of symbolic size (its patterns a :class:`PatternSet`)."""
    return isinstance(getattr(v, "P", None), PatternSet)


def _scores(P, x) -> Vec:
    """z = Xᵀξ: zᵢ = Σ_k ξ_k x[i, k] (shown as Xᵀξ, Xᵀf(ξ))."""
    shown = sp.Symbol(r"X^{T}" + (r"\xi" if x.shown is None else sp.latex(x.shown)))
    return Vec(sp.Sum(x[P.k] * P.rho[P.i, P.k], (P.k, 1, P.n)), P.i, P.d, shown)


def _update(o, v) -> Vec:
    """f(ξ) = X softmax(βXᵀξ): f(ξ)_k = Σᵢ pᵢ x[i, k]."""
    P, l = v.P, index("l")  # not j: the softmax sums over j inside
    body = sp.Sum(o.softmax(_scores(P, v.x), l, v.beta) * P.rho[l, P.k], (l, 1, P.d))
    return Vec(body, P.k, P.n, sp.Symbol(r"f(\xi)"))


def _E(o, v, x=None):
    return o.mchn(v.P, v.x if x is None else x, v.beta)


def _sqdist(a: Vec, b: Vec):
    return sp.Sum((a.body - b[a.var]) ** 2, (a.var, 1, a.length))


def eq2_gradient(o, v):
    """∂E/∂ξ_k = ξ_k − f(ξ)_k for every k = 1 … d."""
    k = v.P.k
    grad = sp.Derivative(_E(o, v), v.x.base()[k])
    return [Rel(grad, "==", v.x.body - _update(o, v).body, "∂E/∂ξ_k", over=(k, 1, v.P.n))]


def eq2_gradient_derivation(o, v):
    """The paper's: differentiate Eq. 2 (lse's gradient is the softmax, Lemma A18; ½ξᵀξ
    gives ξ; β⁻¹ ln N and ½M² are constant)."""
    return [
        Step(r, "differentiate Eq. 2 with respect to ξ_k", differentiate())
        for r in eq2_gradient(o, v)
    ]


def decrease(o, v, denominator: int = 2):
    """E(ξ) − E(f(ξ)) ≥ ‖ξ − f(ξ)‖²/denominator (2: the proof's Eq. 54)."""
    f = _update(o, v)
    gap = _E(o, v) - _E(o, v, f)
    label = f"E(ξ) − E(f(ξ)) ≥ ‖ξ − f(ξ)‖²/{denominator}"
    return [Rel(gap, ">=", _sqdist(v.x, f) / denominator, label)]


def thm1(o, v):
    """E(f(ξ)) ≤ E(ξ)."""
    return [Rel(_E(o, v, _update(o, v)), "<=", _E(o, v), "E(f(ξ)) ≤ E(ξ)")]


def decrease_derivation(o, v):
    """CCCP: E = E₁ + E₂ with E₁ = ½ξᵀξ + const convex and E₂ = −lse(β, Xᵀξ) concave. The
    concave part lies below its tangent at ξ (lse lies above its tangent, Lemma A22's
    convexity); its slope there is −Xp = −f(ξ), and E₁ is quadratic, so the step to
    f(ξ) (∇E₁(f(ξ)) = −∇E₂(ξ), Eq. 3) lowers E by at least ½‖ξ − f(ξ)‖²."""
    P, x, beta = v.P, v.x, v.beta
    f = _update(o, v)
    z, zf = _scores(P, x), _scores(P, f)
    i, k = P.i, P.k
    at = SimpleNamespace(z=z, w=zf, beta=beta)
    (tangent,) = a22_convex(o, at)
    slope = sp.Sum(o.softmax(z, i, beta) * (zf.body - z.body), (i, 1, P.d))
    inner = sp.Sum(f.body * (f.body - x.body), (k, 1, P.n))
    split = (
        -o.lse(z, beta)
        + o.lse(zf, beta)
        + sp.Sum(x.body**2, (k, 1, P.n)) / 2
        - sp.Sum(f.body**2, (k, 1, P.n)) / 2
    )
    return [
        Step(
            tangent,
            "Lemma A22 (convexity of lse) at z = Xᵀξ, z′ = Xᵀf(ξ)",
            cites("lemma-a22/convex", at),
        ),
        Step(
            Rel(slope, "==", inner),
            "pᵀXᵀ(f(ξ) − ξ) = f(ξ)ᵀ(f(ξ) − ξ), as f(ξ) = Xp",
            algebra(),
        ),
        Step(
            Rel(_E(o, v) - _E(o, v, f), "==", split),
            "Eq. 2 at ξ and f(ξ): β⁻¹ ln N and ½M² cancel",
            algebra(unfold=("EMCHN",)),
        ),
        Step(
            decrease(o, v)[0],
            "E(ξ) − E(f(ξ)) ≥ f(ξ)ᵀ(f(ξ) − ξ) + ½‖ξ‖² − ½‖f(ξ)‖² = ½‖ξ − f(ξ)‖²",
            combine((0, 1), (1, -1), (2, -1)),
        ),
    ]


def thm1_derivation(o, v):
    """The sufficient decrease (Eq. 54) and ‖ξ − f(ξ)‖² ≥ 0."""
    return [
        Step(decrease(o, v)[0], "the CCCP decrease (Eq. 54)", cites("thm2/decrease", v)),
        Step(Rel(0, "<=", decrease(o, v)[0].rhs), "a sum of squares", algebra()),
        Step(thm1(o, v)[0], "‖ξ − f(ξ)‖²/2 ≥ 0", combine((0, 1), (1, 1))),
    ]


def bounds(o, v):
    """0 ≤ E(ξ) and E(ξ) ≤ 2M² (M² = maxᵢ‖xᵢ‖²), at symbolic size."""
    E = _E(o, v)
    return [Rel(0, "<=", E, "0 ≤ E"), Rel(E, "<=", 2 * o.max_sqnorm(v.P), "E ≤ 2M²")]


def a1_derivation(o, v):
    """Lemma A1 (a), the paper's proof: the average of exp(βxᵢᵀξ) is at most its maximum,
    and each xᵢᵀξ ≤ ½‖ξ‖² + ½‖xᵢ‖² ≤ ½‖ξ‖² + ½M² (from ½‖ξ − xᵢ‖² ≥ 0), so
    E ≥ −½‖ξ‖² − ½M² + ½‖ξ‖² + ½M² = 0 (the paper takes i = argmaxᵢ xᵢᵀξ: the same
    bound, E ≥ ½‖ξ − x_ξ‖²)."""
    P, x, beta = v.P, v.x, v.beta
    i, k = P.i, P.k
    every = (i, 1, P.d)
    s = _scores(P, x).body
    norm_i = o.sqnorm(P.row(i))
    top = o.max_sqnorm(P)
    c = o.sqnorm(x) / 2 + top / 2
    lse_s = sp.log(sp.Sum(sp.exp(beta * s), (i, 1, P.d)))
    lse_c = sp.log(sp.Sum(sp.exp(beta * c), (i, 1, P.d)))
    E = _E(o, v)
    return [
        Step(
            Rel(0, "<=", sp.Sum((x.body - P.rho[i, k]) ** 2, (k, 1, P.n)) / 2, over=every),
            "½‖ξ − xᵢ‖² ≥ 0",
            algebra(),
        ),
        Step(Rel(norm_i, "<=", top, over=every), "‖xᵢ‖² ≤ M²", term_bound()),
        Step(
            Rel(beta * s, "<=", beta * c, over=every),
            "βxᵢᵀξ ≤ β(½‖ξ‖² + ½‖xᵢ‖²) ≤ β(½‖ξ‖² + ½M²)",
            combine((0, beta), (1, beta / 2)),
        ),
        Step(Rel(lse_s, "<=", lse_c), "ln Σᵢ exp is increasing in each term", termwise(2)),
        Step(
            Rel(lse_c, "==", beta * c + sp.log(P.d)),
            "the average of N equal terms: ln(N e^{βc}) = βc + ln N",
            algebra(),
        ),
        Step(Rel(E, "==", E.definition), "Eq. 2", algebra(unfold=("EMCHN",))),
        Step(
            bounds(o, v)[0],
            "E ≥ −(½‖ξ‖² + ½M²) − β⁻¹ ln N + ½‖ξ‖² + β⁻¹ ln N + ½M² = 0",
            combine((3, 1 / beta), (4, 1 / beta), (5, -1)),
        ),
    ]


def a1a_space():
    """:func:`space` with the first pattern singled out (``i = 0``, 0-based), for the
    kernel's ``relabel`` rule."""
    ns = space()
    ns.i = 0
    return ns


def a1a(o, v):
    """The proof of Lemma A1 (a) for the first pattern, whatever its score:
    E(ξ) ≥ ½‖ξ − x₁‖² − (maxⱼ xⱼᵀξ − x₁ᵀξ). At the paper's x_ξ = argmaxⱼ xⱼᵀξ the bracket
    is 0."""
    P, x = v.P, v.x
    one, j = sp.Integer(1), index("j")
    z = _scores(P, x)
    gap = MaxOver(z[j], j, 1, P.d) - z[one]
    half = sp.Sum((x.body - P.rho[one, P.k]) ** 2, (P.k, 1, P.n)) / 2
    return [Rel(_E(o, v), ">=", half - gap, "E ≥ ½‖ξ − xᵢ‖² − (maxⱼ ξᵀxⱼ − ξᵀxᵢ)")]


def a1a_derivation(o, v):
    """The paper's proof of Lemma A1 (a), for the first pattern and then for every pattern
    by relabelling: Σⱼ exp(βxⱼᵀξ) ≤ N exp(βμ), μ = maxⱼ xⱼᵀξ, so
    E ≥ −μ + ½‖ξ‖² + ½M² ≥ −μ + ½‖ξ‖² + ½‖x₁‖² = ½‖ξ − x₁‖² − (μ − x₁ᵀξ) (M² ≥ ‖x₁‖²)."""
    P, x, beta = v.P, v.x, v.beta
    i, j = P.i, index("j")
    one = sp.Integer(1)
    s = _scores(P, x)
    mu = MaxOver(s[j], j, 1, P.d)
    every = (j, 1, P.d)
    lse_s = sp.log(sp.Sum(sp.exp(beta * s[j]), every))
    lse_mu = sp.log(sp.Sum(sp.exp(beta * mu), every))
    E = _E(o, v)
    (goal,) = a1a(o, v)
    return [
        Step(Rel(s[j], "<=", mu, over=every), "xⱼᵀξ ≤ μ = maxⱼ xⱼᵀξ", term_bound()),
        Step(Rel(beta * s[j], "<=", beta * mu, over=every), "times β > 0", combine((0, beta))),
        Step(Rel(lse_s, "<=", lse_mu), "ln Σⱼ exp is increasing in each term", termwise(1)),
        Step(Rel(lse_mu, "==", beta * mu + sp.log(P.d)), "ln(N e^{βμ}) = βμ + ln N", algebra()),
        Step(
            Rel(o.sqnorm(P.row(i)), "<=", o.max_sqnorm(P), over=(i, 1, P.d)),
            "‖xᵢ‖² ≤ M²",
            term_bound(),
        ),
        Step(
            Rel(o.sqnorm(P.row(one)), "<=", o.max_sqnorm(P)), "at i = 1", instance(4, at=one)
        ),  # 5
        Step(Rel(E, "==", E.definition), "Eq. 2", algebra(unfold=("EMCHN",))),
        Step(
            goal,
            "E ≥ −μ − β⁻¹ ln N + ½‖ξ‖² + β⁻¹ ln N + ½‖x₁‖² = ½‖ξ − x₁‖² − (μ − x₁ᵀξ)",
            combine((2, 1 / beta), (3, 1 / beta), (5, sp.Rational(1, 2)), (6, -1)),
        ),
        Step(
            goal,
            "for every other pattern i: relabel the patterns so that i comes first",
            relabel(7),
        ),
    ]


def _energy_gm(o, v):
    """−lse(β, z) + β⁻¹ ln N, zᵢ = −½(M² − ‖xᵢ‖²) − ½‖xᵢ − ξ‖² (appendix Eqs. 13–15)."""
    P, x, i, k = v.P, v.x, v.P.i, v.P.k
    sq_i = o.sqnorm(P.row(i))
    diff = sp.Sum((P.rho[i, k] - x.body) ** 2, (k, 1, P.n))
    z = Vec(-(o.max_sqnorm(P) - sq_i) / 2 - diff / 2, i, P.d)
    return -o.lse(z, v.beta) + sp.log(P.d) / v.beta


def eq2(o, v):
    """E(ξ) = E_GM(ξ)."""
    return [Rel(_E(o, v), "==", _energy_gm(o, v), "E = E_GM")]


def eq2_derivation(o, v):
    """The paper's rewriting: ‖xᵢ − ξ‖² = ‖xᵢ‖² − 2xᵢᵀξ + ‖ξ‖², so
    zᵢ = xᵢᵀξ − ½‖ξ‖² − ½M², and the terms free of i leave the lse."""
    return [
        Step(
            eq2(o, v)[0],
            "expand ‖xᵢ − ξ‖²; lse(β, s + c) = lse(β, s) + c for c free of i",
            algebra(unfold=("EMCHN",)),
        )
    ]


# ------------------------------------------------------------------------- Eq. 10


def eq10_space():
    """Eq. 10's matrices of symbolic sizes (every size ≥ 1): raw stored patterns Y (N × d_y)
    and state patterns R (S × d_r) as rows, W_K (d_y × d_k), W_Q (d_r × d_k), W_V (d_k × d_v);
    each a :class:`PatternSet` of entries M[row, column]."""
    N, S, dy, dr, dk, dv = (Size(n) for n in ("N", "S", "d_y", "d_r", "d_k", "d_v"))

    def mat(name, rows, cols):
        return PatternSet(d=rows, n=cols, rho=sp.IndexedBase(name, real=True))

    return SimpleNamespace(
        Y=mat("Y", N, dy),
        R=mat("R", S, dr),
        WK=mat("W_K", dy, dk),
        WQ=mat("W_Q", dr, dk),
        WV=mat("W_V", dk, dv),
    )


def eq10(o, v):
    """Z[s, c] = (X softmax(βXᵀξ_s))ᵀW_V[·, c] for every state s = 1 … S and column
    c = 1 … d_v, β = 1/√d_k: the left side by matrix products, Q = RW_Q, K = YW_K,
    V = Y(W_KW_V), Z = softmax(βQKᵀ)V row by row; the right side pattern by pattern,
    xᵢ = W_Kᵀyᵢ, ξ_s = W_Qᵀr_s, then Eq. 3 and ·W_V."""
    Y, R, WK, WQ, WV = v.Y, v.R, v.WK, v.WQ, v.WV
    s, c, i, k, a, b = (index(n) for n in ("s", "c", "i", "k", "a", "b"))
    beta = 1 / sp.sqrt(WK.n)
    q = sp.Sum(R.rho[s, b] * WQ.rho[b, k], (b, 1, R.n))  # Q[s, k]
    key = sp.Sum(Y.rho[i, a] * WK.rho[a, k], (a, 1, Y.n))  # K[i, k]
    value = sp.Sum(Y.rho[i, a] * sp.Sum(WK.rho[a, k] * WV.rho[k, c], (k, 1, WK.n)), (a, 1, Y.n))
    qk = Vec(sp.Sum(q * key, (k, 1, WK.n)), i, Y.d, sp.Symbol(r"Q K^{T}"))
    lhs = sp.Sum(o.softmax(qk, i, beta) * value, (i, 1, Y.d))
    x = sp.Sum(WK.rho[a, k] * Y.rho[i, a], (a, 1, Y.n))  # x[i, k] = (W_Kᵀyᵢ)_k
    xi = sp.Sum(WQ.rho[b, k] * R.rho[s, b], (b, 1, R.n))  # ξ_s[k] = (W_Qᵀr_s)_k
    scores = Vec(sp.Sum(xi * x, (k, 1, WK.n)), i, Y.d, sp.Symbol(r"X^{T}\xi"))
    f = sp.Sum(o.softmax(scores, i, beta) * x, (i, 1, Y.d))  # f(ξ_s)_k, Eq. 3
    rhs = sp.Sum(f * WV.rho[k, c], (k, 1, WK.n))
    every = ((s, 1, R.d), (c, 1, WV.n))
    return [Rel(lhs, "==", rhs, "Eq. 10", over=every)]


def eq10_derivation(o, v):
    """The paper's (App. A.6): the scores agree, QKᵀ = RW_QW_KᵀYᵀ = Ξᵀ X, entry by entry
    ξ_sᵀxᵢ; then Σᵢ pᵢ (yᵢᵀW_KW_V)_c = Σ_k (Σᵢ pᵢ xᵢ)_k W_V[k, c] by exchanging finite
    sums."""
    why = "matrix products written out; finite sums exchanged"
    return [Step(eq10(o, v)[0], why, algebra(unfold=("softmaxb",)))]
