"""More of Ramsauer et al.'s proofs (arXiv:2008.02217v3) through the rule kernel for every
number of patterns N and every dimension d: Eq. 3's bound ‖f(ξ)‖ ≤ M (the update stays in
the patterns' ball), Lemma A1 (b) (with its proof's sharper form) and (c), and the main
text's 0 ≤ E ≤ 2M² on the simplex. The claims of :mod:`derivations.ramsauer2020.energy` take
these as their derivations; their statements switch to the ones here at symbolic size.

Route of Eq. 3's bound. The paper: f(ξ) = Xp lies in the patterns' simplex (p = softmax(βXᵀξ)
has pᵢ ≥ 0, Σpᵢ = 1), whose points have norm at most M. Here the same fact step by step:
for every coordinate k, Cauchy–Schwarz with aᵢ = √pᵢ, bᵢ = √pᵢ x[i, k] and Σpᵢ = 1 give
f(ξ)_k² ≤ Σᵢ pᵢ x[i, k]²; summing over k, ‖f(ξ)‖² ≤ Σᵢ pᵢ‖xᵢ‖² ≤ Σᵢ pᵢ M² = M²; then the
square root, increasing on t ≥ 0, gives ‖f(ξ)‖ ≤ M (M written √(maxᵢ‖xᵢ‖²) = maxᵢ‖xᵢ‖).
The identity part of the claim (f(ξ) = X softmax(βXᵀξ)) is Eq. 3's definition of f; the
checker's statement-agreement test compares it with the implementation the search runs.

Lemma A1 (b), (c): ξ = Σ_l r_l x_l with r_l = w_l/Σⱼwⱼ, w_l = exp(u_l) > 0, so the
derivations cover the *open* simplex (every r_l > 0; the kernel's sign rules must prove
Σⱼwⱼ > 0, and on the boundary they cannot); the claims say so, and the boundary is covered
by the counterexample search only. (b) is the paper's route (Lemma A19 with q = r; the
entropy term is ≥ 0 because each r_l ≤ 1). (c) follows the paper up to E ≤ −m_xᵀξ + ½‖ξ‖²
+ ½M² (Lemma A19 with uniform q), then uses −m_xᵀξ ≤ ½‖m_x‖² + ½‖ξ‖² instead of the
paper's Cauchy–Schwarz, with ‖ξ‖², ‖m_x‖² ≤ M² proven as for Eq. 3.

Notation as in :mod:`derivations.ramsauer2020.energy_proofs`: N patterns x₁…x_N ∈ ℝᵈ
(entries x[i, k]), ξ ∈ ℝᵈ, β > 0, z = Xᵀξ, p = softmax(βz) (entries p_l),
f(ξ)_k = Σ_l p_l x[l, k], M² = maxᵢ‖xᵢ‖².
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
    monotone,
    sum_bound,
    term_bound,
    termwise,
)
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import toolbox_proofs as TP
from derivations.ramsauer2020.energy_proofs import _scores, _update
from theory.indexed import Vec, index

__all__ = [
    "SQRT",
    "LOG",
    "eq3",
    "eq3_derivation",
    "eq3_bound_derivation",
    "simplex_space",
    "simplex_sizes",
    "a1b",
    "a1c",
    "a1b_proof_derivation",
    "a1b_derivation",
    "a1c_derivation",
    "simplex_bounds",
    "simplex_bounds_derivation",
    "ball_hypotheses",
    "ball_bounds",
    "ball_bounds_derivation",
]

_SOFT = ("softmaxb",)
_T = sp.Dummy("t", nonnegative=True)
#: t ↦ √t, increasing and continuous on t ≥ 0.
SQRT = sp.Lambda(_T, sp.sqrt(_T))
_TP = sp.Dummy("t", positive=True)
#: t ↦ ln t, increasing on t > 0.
LOG = sp.Lambda(_TP, sp.log(_TP))


def _sum(body, i, hi):
    return sp.Sum(body, (i, 1, hi))


def _p(o, v, l):
    return o.softmax(_scores(v.P, v.x), l, v.beta)


def eq3(o, v, formula: bool = True):
    """‖f(ξ)‖ ≤ M (and, with ``formula``, f(ξ)_k = Σ_l softmax(βXᵀξ)_l x[l, k] for every k)."""
    P, f, l = v.P, _update(o, v), index("l")
    out = [Rel(sp.sqrt(o.sqnorm(f)), "<=", sp.sqrt(o.max_sqnorm(P)), "‖f(ξ)‖ ≤ M")]
    if formula:
        alt = _sum(_p(o, v, l) * P.rho[l, P.k], l, P.d)
        out.append(Rel(f.body, "==", alt, "f(ξ) = X softmax(βXᵀξ)", over=(P.k, 1, P.n)))
    return out


def _hull_steps(o, P, r, l, at: int, one: int, point):
    """Steps ``at``, ``at`` + 1, … proving ‖point‖² ≤ M² for point_k = Σ_l r_l x[l, k] with
    r_l ≥ 0 (by the sign rules) and Σ_l r_l = 1 (step ``one``): Cauchy–Schwarz per
    coordinate, then ‖x_l‖² ≤ M² averaged. The last step is the bound."""
    k = P.k
    every_k, every_l = (k, 1, P.n), (l, 1, P.d)
    a, b = sp.sqrt(r), sp.sqrt(r) * P.rho[l, k]
    sq = lambda t: sp.Pow(t, 2, evaluate=False)  # noqa: E731 - keep (√r_l)² as written
    second = _sum(r * P.rho[l, k] ** 2, l, P.d)
    top, norm_l, psq = o.max_sqnorm(P), o.sqnorm(P.row(l)), o.sqnorm(point)
    return [
        Step(
            Rel(point.body**2, "<=", _sum(sq(a), l, P.d) * _sum(sq(b), l, P.d), over=every_k),
            "Cauchy–Schwarz with a_l = √r_l, b_l = √r_l x[l, k], for every k",
            cauchy_schwarz(),
        ),
        Step(
            Rel(point.body**2, "<=", second, over=every_k),
            "Σ_l r_l = 1: (Σ_l r_l x[l, k])² ≤ Σ_l r_l x[l, k]²",
            combine((at, 1), (one, second)),
        ),
        Step(Rel(psq, "<=", _sum(second, k, P.n)), "sum over k", termwise(at + 1)),
        Step(Rel(norm_l, "<=", top, over=every_l), "‖x_l‖² ≤ M² = maxᵢ‖xᵢ‖²", term_bound()),
        Step(Rel(r * norm_l, "<=", r * top, over=every_l), "times r_l ≥ 0", combine((at + 3, r))),
        Step(
            Rel(_sum(r * norm_l, l, P.d), "<=", _sum(r * top, l, P.d)),
            "sum over l",
            termwise(at + 4),
        ),
        Step(
            Rel(psq, "<=", top),
            "‖Σ_l r_l x_l‖² ≤ Σ_l r_l‖x_l‖² ≤ M²·Σ_l r_l = M²",
            combine((at + 2, 1), (at + 5, 1), (one, top)),
        ),
    ]


def eq3_derivation(o, v, formula: bool = True):
    """f(ξ) is a convex combination of the patterns, so ‖f(ξ)‖² ≤ Σ pᵢ‖xᵢ‖² ≤ M² (by
    Cauchy–Schwarz per coordinate), and √ is increasing on t ≥ 0."""
    P, l = v.P, index("l")
    p = _p(o, v, l)
    bound = eq3(o, v, formula)
    steps = [
        Step(
            Rel(_sum(p, l, P.d), "==", 1),
            "softmax sums to 1: Σ_l exp(βz_l)/Σⱼ exp(βzⱼ) = 1",
            algebra(unfold=_SOFT),
        ),
        *_hull_steps(o, P, p, l, 1, 0, _update(o, v)),
    ]
    steps.append(
        Step(
            bound[0],
            "√ is increasing on t ≥ 0 (both sides ≥ 0)",
            monotone(len(steps) - 1, SQRT, "nonnegative"),
        )
    )
    if formula:
        steps.append(Step(bound[1], "Eq. 3 defines f(ξ) = X softmax(βXᵀξ)", algebra()))
    return steps


def eq3_bound_derivation(o, v):
    """The bound alone (claim ``eq3/bound``)."""
    return eq3_derivation(o, v, formula=False)


# ------------------------------------------------------------- Lemma A1 (b), (c)


def simplex_space():
    """N patterns in ℝᵈ, β > 0 and weights w_l = exp(u_l) > 0 (u ∈ ℝᴺ): ξ = Σ_l w_l x_l/Σⱼwⱼ
    runs over the open simplex of the patterns, for every N and d."""
    sp_ = EP.space()
    u = Vec.symbol("u", sp_.P.d, "l")
    return SimpleNamespace(P=sp_.P, w=Vec(sp.exp(u.body), u.var, u.length), beta=sp_.beta)


def simplex_sizes():
    return [simplex_space()]


def _weights(w: Vec):
    """r_l = w_l/Σⱼ wⱼ (the simplex coordinates of ξ)."""
    j = index("j")
    return Vec(w.body / _sum(w[j], j, w.length), w.var, w.length)


def _point(v) -> Vec:
    """ξ = Σ_l r_l x_l: ξ_k = Σ_l r_l x[l, k]."""
    P, r = v.P, _weights(v.w)
    body = _sum(r.body * P.rho[r.var, P.k], r.var, P.d)
    return Vec(body, P.k, P.n, sp.Symbol(r"\xi"))


def _at(v, x):
    return SimpleNamespace(P=v.P, x=x, beta=v.beta)


def a1b(o, v, sharp: bool):
    """E(ξ) ≤ β⁻¹ ln N + ½M² (− ½‖ξ‖² with ``sharp``) for ξ = Σ_l r_l x_l."""
    x = _point(v)
    rhs = sp.log(v.P.d) / v.beta + o.max_sqnorm(v.P) / 2
    if sharp:
        rhs = rhs - o.sqnorm(x) / 2
    label = "E ≤ β⁻¹ ln N + ½M²" + (" − ½‖ξ‖²" if sharp else "")
    return [Rel(o.mchn(v.P, x, v.beta), "<=", rhs, label)]


def a1c(o, v):
    """E(ξ) ≤ 2M² for ξ = Σ_l r_l x_l."""
    x = _point(v)
    return [Rel(o.mchn(v.P, x, v.beta), "<=", 2 * o.max_sqnorm(v.P), "E ≤ 2M²")]


def _definition(o, v, x):
    """Eq. 2 at x, written out: −lse(β, Xᵀx) + ½‖x‖² + β⁻¹ ln N + ½M²."""
    E = o.mchn(v.P, x, v.beta)
    return Step(Rel(E, "==", E.definition), "Eq. 2", algebra(unfold=("EMCHN",)))


def a1b_proof_derivation(o, v):
    """The paper's proof of (b): Lemma A19 with q = the simplex weights r of ξ gives
    lse(β, Xᵀξ) ≥ rᵀXᵀξ − β⁻¹Σ r_l ln r_l = ‖ξ‖² − β⁻¹Σ r_l ln r_l ≥ ‖ξ‖² (each r_l ≤ 1, so
    ln r_l ≤ 0), hence E ≤ −‖ξ‖² + ½‖ξ‖² + β⁻¹ ln N + ½M²."""
    P, beta, w = v.P, v.beta, v.w
    x, r = _point(v), _weights(w)
    l, j = r.var, index("j")
    every = (l, 1, P.d)
    z = _scores(P, x)
    a19_at = SimpleNamespace(z=Vec(z.body, P.i, P.d, z.shown), q=w, beta=beta)
    rz = _sum(r.body * z[l], l, P.d)
    ent = _sum(r.body * sp.log(r.body), l, P.d)
    return [
        Step(
            TP.a19(o, a19_at)[0],
            "Lemma A19 at z = Xᵀξ with q = r, the simplex weights of ξ",
            cites("lemma-a19", a19_at),
        ),
        Step(Rel(rz, "==", o.sqnorm(x)), "rᵀXᵀξ = (Xr)ᵀξ = ξᵀξ", algebra()),
        Step(Rel(w.body, "<=", _sum(w[j], j, P.d), over=every), "w_l ≤ Σⱼ wⱼ", sum_bound()),
        Step(
            Rel(r.body, "<=", 1, over=every),
            "r_l = w_l/Σⱼ wⱼ ≤ 1",
            combine((2, 1 / _sum(w[j], j, P.d))),
        ),
        Step(
            Rel(sp.log(r.body), "<=", 0, over=every),
            "ln is increasing on t > 0: ln r_l ≤ ln 1 = 0",
            monotone(3, LOG, "positive"),
        ),
        Step(
            Rel(r.body * sp.log(r.body), "<=", 0, over=every), "times r_l > 0", combine((4, r.body))
        ),
        Step(Rel(ent, "<=", 0), "sum over l: −Σ r_l ln r_l ≥ 0", termwise(5)),
        _definition(o, v, x),
        Step(
            a1b(o, v, True)[0],
            "E ≤ −(‖ξ‖² − β⁻¹Σ r_l ln r_l) + ½‖ξ‖² + β⁻¹ ln N + ½M² ≤ β⁻¹ ln N + ½M² − ½‖ξ‖²",
            combine((0, 1), (1, -1), (6, 1 / beta), (7, 1)),
        ),
    ]


def a1b_derivation(o, v):
    """(b) from the proof's sharper form and ‖ξ‖² ≥ 0."""
    x = _point(v)
    return [
        Step(a1b(o, v, True)[0], "the proof of Lemma A1 (b)", cites("lemma-a1/b-proof", v)),
        Step(Rel(0, "<=", o.sqnorm(x)), "a sum of squares", algebra()),
        Step(a1b(o, v, False)[0], "drop −½‖ξ‖² ≤ 0", combine((0, 1), (1, sp.Rational(1, 2)))),
    ]


def a1c_derivation(o, v):
    """The paper's proof of (c) (:func:`_below_two_m2`) with ‖ξ‖² ≤ M² as for Eq. 3: ξ is a
    convex combination of the patterns."""
    P = v.P
    x, r = _point(v), _weights(v.w)
    l = r.var
    head = [Step(Rel(_sum(r.body, l, P.d), "==", 1), "Σ_l r_l = 1", algebra())]
    head += _hull_steps(o, P, r.body, l, 1, 0, x)
    return _below_two_m2(o, v, x, head, a1c(o, v)[0])


def _below_two_m2(o, v, x, head, goal):
    """``head`` (steps ending with ‖x‖² ≤ M²), then the paper's proof of Lemma A1 (c) at x:
    Lemma A19 with uniform q gives lse(β, Xᵀx) ≥ m_xᵀx + β⁻¹ ln N (m_x = (1/N)Σᵢ xᵢ), so
    E ≤ −m_xᵀx + ½‖x‖² + ½M². Not the paper's next step (Cauchy–Schwarz |m_xᵀx| ≤
    ‖m_x‖‖x‖ ≤ M²): here −m_xᵀx ≤ ½‖m_x‖² + ½‖x‖² (from ½‖m_x + x‖² ≥ 0), with ‖m_x‖² ≤ M²
    (a convex combination of the patterns), so E ≤ ½‖m_x‖² + ‖x‖² + ½M² ≤ 2M² (``goal``)."""
    P, beta = v.P, v.beta
    i, k, l = P.i, P.k, index("l")
    z = _scores(P, x)
    one = Vec(sp.Integer(1), l, P.d)
    a19_at = SimpleNamespace(z=Vec(z.body, i, P.d, z.shown), q=one, beta=beta)
    mean = Vec(_sum(P.rho[l, k] / P.d, l, P.d), k, P.n, sp.Symbol("m_x"))
    mz = _sum(mean.body * x.body, k, P.n)
    n = len(head)
    steps = [
        *head,
        Step(
            TP.a19(o, a19_at)[0],
            "Lemma A19 at z = Xᵀξ with uniform q (qᵢ = 1/N)",
            cites("lemma-a19", a19_at),
        ),
        Step(Rel(_sum(z[l] / P.d, l, P.d), "==", mz), "(1/N)Σᵢ xᵢᵀξ = m_xᵀξ", algebra()),
        Step(
            Rel(_sum(sp.log(sp.Integer(1) / P.d) / P.d, l, P.d), "==", -sp.log(P.d)),
            "Σᵢ (1/N) ln(1/N) = −ln N",
            algebra(),
        ),
        _definition(o, v, x),
        Step(
            Rel(0, "<=", _sum((mean.body + x.body) ** 2, k, P.n) / 2),
            "½‖m_x + ξ‖² ≥ 0",
            algebra(),
        ),
        Step(Rel(_sum(1 / P.d, l, P.d), "==", 1), "Σ_l 1/N = 1", algebra()),
    ]
    steps += _hull_steps(o, P, 1 / P.d, l, len(steps), n + 5, mean)
    half = sp.Rational(1, 2)
    parts = ((n, 1), (n + 1, -1), (n + 2, 1 / beta), (n + 3, 1), (n + 4, 1))
    steps.append(
        Step(
            goal,
            "E ≤ −m_xᵀξ + ½‖ξ‖² + ½M² ≤ ½‖m_x‖² + ‖ξ‖² + ½M² ≤ 2M²",
            combine(*parts, (n - 1, 1), (len(steps) - 1, half)),
        )
    )
    return steps


# ------------------------------------------------------------- the ball ‖ξ‖ ≤ M


def ball_hypotheses(o, v):
    """‖ξ‖² ≤ M² (the claim's hypothesis; at fixed size the same relation, which the checker
    compares with this one written out)."""
    if not EP.symbolic(v):
        return [Rel(o.hf_norm(v.x) ** 2, "<=", o.hf_radius(v.P) ** 2, "‖ξ‖² ≤ M²")]
    return [Rel(o.sqnorm(v.x), "<=", o.max_sqnorm(v.P), "‖ξ‖² ≤ M²")]


def ball_bounds(o, v):
    """0 ≤ E(ξ) and E(ξ) ≤ 2M² (under :func:`ball_hypotheses`)."""
    E = EP._E(o, v)
    return [Rel(0, "<=", E, "0 ≤ E"), Rel(E, "<=", 2 * o.max_sqnorm(v.P), "E ≤ 2M²")]


def ball_bounds_derivation(o, v):
    """Lemma A1 (a), then the proof of Lemma A1 (c) (:func:`_below_two_m2`), which uses of ξ
    only the hypothesis ‖ξ‖² ≤ M²."""
    low, high = ball_bounds(o, v)
    head = [
        Step(low, "Lemma A1 (a)", cites("lemma-a1", v)),
        Step(ball_hypotheses(o, v)[0], "‖ξ‖ ≤ M (hypothesis)", assumption()),
    ]
    return _below_two_m2(o, v, v.x, head, high)


def simplex_bounds(o, v):
    """0 ≤ E(ξ) and E(ξ) ≤ 2M² for ξ = Σ_l r_l x_l (the main text's bound on the simplex)."""
    x = _point(v)
    E = o.mchn(v.P, x, v.beta)
    return [Rel(0, "<=", E, "0 ≤ E"), Rel(E, "<=", 2 * o.max_sqnorm(v.P), "E ≤ 2M²")]


def simplex_bounds_derivation(o, v):
    """Lemma A1 (a) at ξ and Lemma A1 (c)."""
    at = _at(v, _point(v))
    low, high = simplex_bounds(o, v)
    return [
        Step(low, "Lemma A1 (a) at ξ = Σ_l r_l x_l", cites("lemma-a1", at)),
        Step(high, "Lemma A1 (c)", cites("lemma-a1/c", v)),
    ]
