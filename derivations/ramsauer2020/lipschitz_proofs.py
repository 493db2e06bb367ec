"""Lipschitz bounds of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel's mean
value inequality, for every size: Lemma A25, softmax(βz) is (β/2)-Lipschitz (the claim
``lemma-a25``), and Lemma A3's contraction ‖f(ξ) − f(y)‖ ≤ βm_max²‖ξ − y‖ (the claim
``lemma-a3/contraction``); with Lemma A22's tangent planes, Lemma A26 with the squared norm
(``lemma-a26/squared``) by Baillon–Haddad.

The route. The Jacobian of z ↦ softmax(βz) is J_s(z) = β(diag p − ppᵀ) at every z (Lemma
A20, cited at a free vector u), and ‖J_s(z)‖₂ ≤ β/2 at every z (Lemma A24, cited on the
segment z(t) = z′ + t(z − z′), t ∈ [0, 1]); the kernel's ``mean_value`` then gives
‖softmax(βz) − softmax(βz′)‖ ≤ (β/2)‖z − z′‖ (softmax is smooth: exponentials over a
positive sum). Lemma A3's contraction alike: f's Jacobian at every u is differentiated
(∂f(u)_r/∂u_c = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c)) and equals Eq. 59's J = XJ_sXᵀ entry by entry
(the δ of J_s summed out), Lemma A3 bounds ‖J‖₂ by βm_max² at every point of the segment
from y to ξ, and the mean value inequality concludes.

Notation as in :mod:`derivations.ramsauer2020.toolbox_proofs`: z, z′ (``w``) ∈ ℝᵐ of
symbolic length m, β > 0, p = softmax(βz), u ∈ ℝᵐ a free vector, t ∈ [0, 1].
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    baillon_haddad,
    cites,
    combine,
    differentiate,
    mean_value,
    mean_value_matrix,
)
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020 import toolbox_proofs as TP
from theory.indexed import Vec, index
from theory.matrix_norm import SpectralNorm

__all__ = [
    "a25",
    "a25_derivation",
    "a3_sizes",
    "a3_contraction",
    "a3_contraction_derivation",
    "mean_jacobian",
    "a32",
    "a32_derivation",
    "a26_squared",
    "a26_squared_derivation",
]


def _norm_of_difference(a, b, m):
    k = index("k")
    return sp.sqrt(sp.Sum((a(k) - b(k)) ** 2, (k, 1, m)))


def a25(o, v):
    """‖softmax(βz) − softmax(βz′)‖ ≤ (β/2)‖z − z′‖."""
    z, w, beta, m = v.z, v.w, v.beta, v.z.length
    lhs = _norm_of_difference(lambda k: o.softmax(z, k, beta), lambda k: o.softmax(w, k, beta), m)
    rhs = beta / 2 * _norm_of_difference(lambda k: z[k], lambda k: w[k], m)
    return [Rel(lhs, "<=", rhs, "(β/2)-Lipschitz")]


def a25_derivation(o, v):
    """Lemma A20 at a free u (the Jacobian), Lemma A24 on the segment (its bound β/2), the
    mean value inequality."""
    z, w, beta, m = v.z, v.w, v.beta, v.z.length
    t = sp.Symbol("t", real=True)
    u = Vec.symbol("u", m)
    free = SimpleNamespace(z=u, beta=beta)
    shown = sp.Symbol(r"\left(z' + t\left(z - z'\right)\right)")
    seg = SimpleNamespace(z=Vec(w.body + t * (z.body - w.body), z.var, m, shown), beta=beta)
    (jac,) = TP.a20(o, free)
    half = JP.a24(o, seg)[1]
    (goal,) = a25(o, v)
    return [
        Step(jac, "Lemma A20 at u: ∂pᵢ/∂uⱼ = β(δᵢⱼpᵢ − pᵢpⱼ)", cites("lemma-a20", free)),  # 0
        Step(
            Rel(half.lhs, "<=", half.rhs, over=(t, 0, 1)),
            "Lemma A24 on the segment z′ + t(z − z′): ‖J_s‖₂ ≤ β/2",
            cites("lemma-a24", seg),
        ),
        Step(goal, "the mean value inequality", mean_value(0, 1, z, w, t)),  # 2
    ]


# ------------------------------------------------------------ Lemma A3's contraction


def a3_sizes():
    """N patterns in ℝᵈ (symbolic N, d), ξ, y ∈ ℝᵈ and β > 0."""
    v = EP.space()
    v.y = v.P.query("y")
    return [v]


def _update_at(o, v, x):
    """f at the state x (a vector of ℝᵈ)."""
    return EP._update(o, SimpleNamespace(**{**vars(v), "x": x}))


def a3_contraction(o, v):
    """‖f(ξ) − f(y)‖ ≤ βm_max²‖ξ − y‖."""
    d = v.P.n
    fx, fy = _update_at(o, v, v.x), _update_at(o, v, v.y)
    lhs = _norm_of_difference(lambda k: fx[k], lambda k: fy[k], d)
    rhs = v.beta * JP._spread2(v.P) * _norm_of_difference(lambda k: v.x[k], lambda k: v.y[k], d)
    return [Rel(lhs, "<=", rhs, "βm_max²-Lipschitz")]


def _jacobian_steps(o, v):
    """Steps 0 … 4 at a free u ∈ ℝᵈ: ∂f(u)_r/∂u_c = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c)
    (differentiated) = J[r, c] of Eq. 59 (J = XJ_sXᵀ, the δ of J_s summed out), for every r
    and c (step 4)."""
    P = v.P
    r, c, d = JP._R, JP._C, P.n
    u = P.query("u")
    free = SimpleNamespace(**{**vars(v), "x": u})
    rc = ((r, 1, d), (c, 1, d))
    derivative = sp.Derivative(_update_at(o, v, u)[r], u.base()[c])
    entries = JP.jacobian_entries(o, free, 1)  # 1 … 3: J[r, c] = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c)
    jac = Rel(derivative, "==", JP._j_entry(o, free), "J[r, c] = ∂f(u)_r/∂u_c", over=rc)
    return [
        Step(
            Rel(derivative, "==", entries[-1].rel.rhs, over=rc),
            "∂f(u)_r/∂u_c = Σᵢ x[i, r]βpᵢ(x[i, c] − x̄_c)",
            differentiate(),
        ),  # 0
        *entries,  # 1 … 3
        Step(jac, "Eq. 59: the Jacobian of f is XJ_sXᵀ", combine((0, 1), (3, -1))),  # 4
    ]


def _segment(v, t):
    """The instance at the point y + t(ξ − y) of the segment from y to ξ."""
    body = v.y.body + t * (v.x.body - v.y.body)
    y = sp.latex(getattr(v.y, "shown", None) or "y")
    shown = sp.Symbol(rf"\left({y} + {sp.latex(t)}\left(\xi - {y}\right)\right)")
    return SimpleNamespace(**{**vars(v), "x": Vec(body, v.P.k, v.P.n, shown)})


def a3_contraction_derivation(o, v):
    """The Jacobian of f is J = XJ_sXᵀ at every u (differentiated: Eq. 59), ‖J‖₂ ≤ βm_max²
    at every point of the segment from y to ξ (Lemma A3, cited), the mean value inequality."""
    t = sp.Symbol("t", real=True)
    (bound,) = JP.a3(o, _segment(v, t))
    (goal,) = a3_contraction(o, v)
    return [
        *_jacobian_steps(o, v),  # 0 … 4
        Step(
            Rel(bound.lhs, "<=", bound.rhs, over=(t, 0, 1)),
            "Lemma A3 on the segment y + t(ξ − y): ‖J‖₂ ≤ βm_max²",
            cites("lemma-a3", _segment(v, t)),
        ),
        Step(goal, "the mean value inequality", mean_value(4, 5, v.x, v.y, t)),  # 6
    ]


# ------------------------------------------------------------------------ Lemma A32

_LAMBDA = sp.Symbol("lambda", real=True)


def mean_jacobian(o, v, y):
    """‖Jᵐ‖₂, Jᵐ = ∫₀¹ J(y + λ(ξ − y)) dλ (the d × d mean Jacobian of f on [y, ξ])."""
    seg = _segment(SimpleNamespace(**{**vars(v), "y": y}), _LAMBDA)
    entry = sp.Integral(JP._j_entry(o, seg), (_LAMBDA, 0, 1))
    return SpectralNorm(sp.Lambda((JP._R, JP._C), entry), v.P.n, v.P.n)


def a32(o, v):
    """‖f(ξ) − f(y)‖ ≤ ‖Jᵐ‖₂‖ξ − y‖."""
    d = v.P.n
    fx, fy = _update_at(o, v, v.x), _update_at(o, v, v.y)
    lhs = _norm_of_difference(lambda k: fx[k], lambda k: fy[k], d)
    rhs = mean_jacobian(o, v, v.y) * _norm_of_difference(lambda k: v.x[k], lambda k: v.y[k], d)
    return [Rel(lhs, "<=", rhs, "‖f(ξ) − f(y)‖ ≤ ‖Jᵐ‖₂‖ξ − y‖")]


def a32_derivation(o, v):
    """Eq. 59 differentiated at a free u (f's Jacobian), then the mean value theorem
    f(ξ) − f(y) = Jᵐ(ξ − y) through ‖Jᵐ‖₂."""
    (goal,) = a32(o, v)
    return [
        *_jacobian_steps(o, v),  # 0 … 4
        Step(goal, "the mean value theorem", mean_value_matrix(4, v.x, v.y, _LAMBDA)),
    ]


# ------------------------------------------------------------ Lemma A26, squared


def a26_squared(o, v):
    """(p − p′)ᵀ(z − z′) ≥ (2/β)‖p − p′‖², p = softmax(βz), p′ = softmax(βz′)."""
    i, m, beta = v.z.var, v.z.length, v.beta
    d = o.softmax(v.z, i, beta) - o.softmax(v.w, i, beta)
    lhs = sp.Sum(d * (v.z[i] - v.w[i]), (i, 1, m))
    return [Rel(lhs, ">=", 2 / beta * sp.Sum(d**2, (i, 1, m)), "cocoercive (²)")]


def a26_squared_derivation(o, v):
    """Baillon–Haddad (the kernel's ``baillon_haddad``): lse(β, ·) lies above its tangent
    planes, whose slopes are softmax(β·) (Lemma A22, cited at free vectors a, b), and
    softmax(β·) is (β/2)-Lipschitz (Lemma A25, cited at a, b); so softmax(β·) is
    (2/β)-cocoercive, at z and z′ in particular."""
    m, beta = v.z.length, v.beta
    a, b = Vec.symbol("a", m), Vec.symbol("b", m)
    at = SimpleNamespace(**{**vars(v), "z": a, "w": b})
    i = index("i")
    G = sp.Lambda(i, o.softmax(a, i, beta))
    F = sp.log(sp.Sum(sp.exp(beta * a[i]), (i, 1, m))) / beta  # lse(β, a), written out
    (tangent,) = TP.a22_convex(o, at)
    (lip,) = a25(o, at)
    (goal,) = a26_squared(o, v)
    return [
        Step(tangent, "Lemma A22: lse above its tangent plane at a", cites("lemma-a22/convex", at)),
        Step(lip, "Lemma A25: softmax(β·) is (β/2)-Lipschitz", cites("lemma-a25", at)),
        Step(
            goal,
            "Baillon–Haddad with L = β/2",
            baillon_haddad(0, 1, F, G, a, b, v.z, v.w),
        ),
    ]
