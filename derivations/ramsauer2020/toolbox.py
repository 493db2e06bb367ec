"""App. A.2 of Ramsauer et al. (arXiv:2008.02217v3): the toolbox, Lemmas A18–A32.

Notation: z, z′ ∈ ℝⁿ (``z``, ``w``), β > 0, p = softmax(βz), p′ = softmax(βz′);
lse(β, z) = β⁻¹ ln Σ exp(βzᵢ); J_s = β(diag p − ppᵀ) (Lemma A20); m = maxᵢ pᵢ(1 − pᵢ);
q a point of the probability simplex; v ∈ ℝⁿ a direction; H(q) = −Σ qᵢ ln qᵢ.
The statements at symbolic size and the derivations live in
:mod:`derivations.ramsauer2020.toolbox_proofs`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from derivations import strategies as S
from derivations.engine import Claim, Instance, Rel
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020 import toolbox_proofs as TP
from derivations.ramsauer2020.common import display, dshow, is_display, shrunk, sub, vec
from derivations.ramsauer2020.common import softmax_vec as _p
from derivations.ramsauer2020.pmax_bounds import a24_eps_hypotheses, a24_eps_statement, searched_eps
from theory.indexed import PatternSet, Vec

SECTION = "toolbox"


def _dot(o, a, b):
    if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
        return dshow("Dot", r"\left\langle @0, @1\right\rangle", a, b)
    return o.dot(a, b)


_K, _J = sp.Symbol("k", integer=True), sp.Symbol("j", integer=True)


def _shown(v, build):
    """The statement's relations, or ``build()``'s displayed ones when rendering."""
    return build() if is_display(v) else None


def _m(o, z, beta):
    if isinstance(z, sp.Basic):
        return sp.Symbol("m")
    p = _p(o, z, beta)
    return o.max([t * (1 - t) for t in p])


def _diff_norm(o, a, b):
    return o.hf_norm(sub(o, a, b))


@TP.symbolic("a18")
def a18_statement(o, v):
    """softmax(βz) = ∇_z lse(β, z)."""
    if is_display(v):
        p_k = dshow("SoftK", r"\operatorname{softmax}\left(\beta z\right)_{k}")
        return [Rel(p_k, "==", dshow("GradK", r"\partial_{z_k} \operatorname{lse}(\beta, z)"))]
    return [
        Rel(o.softmax(v.z, k, v.beta), "==", o.grad_lse(v.z, k, v.beta), f"softmax_{k + 1}")
        for k in range(len(v.z))
    ]


def _gibbs(o, q, z, beta):
    """qᵀz − β⁻¹ Σ qᵢ ln qᵢ."""
    return _dot(o, q, z) - _negent(o, q) / beta


def _negent(o, q):
    """Σ qᵢ ln qᵢ."""
    if isinstance(q, sp.Basic):
        return dshow("NegEnt", r"\sum_i q_i \ln q_i")
    return sum((t * o.log(t) for t in q), o.num(0))


def _simplex(o, q):
    """q / Σq: exactly on the simplex in the back end's arithmetic."""
    if isinstance(q, sp.Basic):
        return q
    tot = sum(q[1:], q[0])
    return vec(o, [t / tot for t in q])


@TP.symbolic("a19_attained")
def a19_attained_statement(o, v):
    """The maximum is attained at q = p = softmax(βz): pᵀz − β⁻¹Σ pᵢ ln pᵢ = lse(β, z), with
    ln pᵢ = βzᵢ − β·lse(β, z) (the log-softmax; so the check is Σpᵢ = 1 and the algebra)."""
    lse = o.lse(v.z, v.beta)
    if is_display(v):
        return [Rel(_gibbs(o, _p(o, v.z, v.beta), v.z, v.beta), "==", lse)]
    p = _p(o, v.z, v.beta)
    logp = [v.beta * t - v.beta * lse for t in v.z]
    ent = sum((p[i] * logp[i] for i in range(len(logp))), o.num(0))
    return [Rel(o.dot(p, v.z) - ent / v.beta, "==", lse, "attained at softmax")]


@TP.symbolic("a19")
def a19_statement(o, v, attained: bool = False):
    """lse(β, z) = max over the simplex of qᵀz + β⁻¹H(q), attained at q = softmax(βz)."""
    lse = o.lse(v.z, v.beta)
    bound = Rel(_gibbs(o, _simplex(o, v.q), v.z, v.beta), "<=", lse, "qᵀz + β⁻¹H(q) ≤ lse")
    if is_display(v):
        return [bound]
    return [
        bound,
        Rel(_gibbs(o, _p(o, v.z, v.beta), v.z, v.beta), "==", lse, "attained at softmax"),
    ]


@TP.symbolic("a20")
def a20_statement(o, v):
    """∂softmax(βz)ᵢ/∂zⱼ = β(δᵢⱼpᵢ − pᵢpⱼ) (the derivative against the closed form)."""
    if is_display(v):
        d = dshow("DSoft", r"\frac{\partial \operatorname{softmax}(\beta z)_i}{\partial z_j}")
        return [Rel(d, "==", dshow("JsForm", r"\beta\left(\delta_{ij} p_i - p_i p_j\right)"))]
    p = _p(o, v.z, v.beta)
    n = len(p)
    return [
        Rel(
            o.hf_dsoftmax(v.z, i, j, v.beta),
            "==",
            v.beta * ((p[i] if i == j else 0) - p[i] * p[j]),
            f"J_s[{i + 1},{j + 1}]",
        )
        for i in range(n)
        for j in range(n)
    ]


@TP.symbolic("a21")
def a21_statement(o, v):
    """J_s 1 = 0: Σⱼ ∂softmax(βz)ᵢ/∂zⱼ = 0 (derivatives by differentiation)."""
    if is_display(v):
        d = dshow(
            "RowSum", r"\sum_j \frac{\partial \operatorname{softmax}(\beta z)_i}{\partial z_j}"
        )
        return [Rel(d, "==", 0)]
    n = len(v.z)
    return [
        Rel(sum((o.hf_dsoftmax(v.z, i, j, v.beta) for j in range(n)), o.num(0)), "==", o.num(0))
        for i in range(n)
    ]


@TP.symbolic("a22")
def a22_statement(o, v):
    """vᵀJ_s v = β(Σpᵢvᵢ² − (Σpᵢvᵢ)²) ≥ 0: J_s is positive semi-definite."""
    if is_display(v):
        return [Rel(dshow("Quad", r"v^{T} J_s v"), ">=", 0)]
    p = _p(o, v.z, v.beta)
    quad = sum((p[i] * v.v[i] ** 2 for i in range(len(p))), o.num(0)) - o.dot(p, v.v) ** 2
    return [Rel(v.beta * quad, ">=", o.num(0), "vᵀJ_s v ≥ 0")]


@TP.symbolic("a22_convex")
def a22_convex_statement(o, v):
    """lse(β, ·) lies above its tangent: lse(β, z′) ≥ lse(β, z) + softmax(βz)ᵀ(z′ − z)."""
    tan = o.lse(v.z, v.beta) + _dot(o, _p(o, v.z, v.beta), sub(o, v.w, v.z))
    return [Rel(o.lse(v.w, v.beta), ">=", tan, "lse above its tangent")]


@TP.symbolic("a23")
def a23_statement(o, v):
    """(softmax(βz) − softmax(βz′))ᵀ(z − z′) ≥ 0."""
    d = sub(o, _p(o, v.z, v.beta), _p(o, v.w, v.beta))
    return [Rel(_dot(o, d, sub(o, v.z, v.w)), ">=", o.num(0), "monotone")]


def a24_statement(o, v):
    """‖J_s‖₂ ≤ 2mβ and ‖J_s‖₂ ≤ β/2."""
    if isinstance(getattr(v, "z", None), Vec):
        return JP.a24(o, v)
    if is_display(v):
        m, s2 = sp.Symbol("m"), o.hf_sjnorm(v.z, v.beta)
        return [Rel(s2, "<=", 2 * m * v.beta), Rel(s2, "<=", v.beta / 2)]
    m2 = 2 * _m(o, v.z, v.beta) * v.beta
    s2 = o.hf_sjnorm(v.z, v.beta)
    return [Rel(s2, "<=", m2, "‖J_s‖₂ ≤ 2mβ"), Rel(s2, "<=", v.beta / 2, "‖J_s‖₂ ≤ β/2")]


def a24_rows_statement(o, v):
    """Row i of J_s has |entries| summing to exactly 2βpᵢ(1 − pᵢ), so ‖J_s‖₁ = ‖J_s‖_∞ = 2mβ
    (the printed ≤ holds with equality)."""
    if isinstance(getattr(v, "z", None), Vec):
        return JP.a24_rows(o, v)
    if is_display(v):
        row = dshow("RowAbs", r"\sum_j \left|J_s[i, j]\right|")
        return [Rel(row, "==", 2 * v.beta * dshow("PiQi", r"p_i\left(1 - p_i\right)"))]
    p = _p(o, v.z, v.beta)
    n = len(p)
    out = []
    for i in range(n):
        terms = [o.abs(v.beta * ((p[i] if i == j else 0) - p[i] * p[j])) for j in range(n)]
        out.append(Rel(sum(terms, o.num(0)), "==", 2 * v.beta * p[i] * (1 - p[i]), f"row {i + 1}"))
    return out


def a25_statement(o, v):
    """‖softmax(βz) − softmax(βz′)‖ ≤ (β/2)‖z − z′‖."""
    if isinstance(getattr(v, "z", None), Vec):
        return LP.a25(o, v)
    lhs = _diff_norm(o, _p(o, v.z, v.beta), _p(o, v.w, v.beta))
    return [Rel(lhs, "<=", v.beta / 2 * _diff_norm(o, v.z, v.w), "(β/2)-Lipschitz")]


def a26_statement(squared: bool):
    """Cocoercivity: (p − p′)ᵀ(z − z′) ≥ (2/β)‖p − p′‖ as printed (everywhere: m = ¼, so
    1/(2mβ) = 2/β), or ≥ (2/β)‖p − p′‖² (Baillon–Haddad's squared norm)."""

    def statement(o, v):
        if squared and isinstance(getattr(v, "z", None), Vec):
            return LP.a26_squared(o, v)
        d = sub(o, _p(o, v.z, v.beta), _p(o, v.w, v.beta))
        n = o.hf_norm(d)
        rhs = 2 / v.beta * (n**2 if squared else n)
        lhs = _dot(o, d, sub(o, v.z, v.w))
        return [Rel(lhs, ">=", rhs, "cocoercive" + (" (²)" if squared else ""))]

    return statement


@TP.symbolic("a27_attained")
def conjugate_attained_statement(o, v):
    """Fenchel–Young holds with equality at z = β⁻¹ ln q."""
    return conjugate_statement(o, v, attained=True)[1:]


@TP.symbolic("a27")
def conjugate_statement(o, v, attained: bool = False):
    """Fenchel–Young for lse(β, ·) and β⁻¹Σqᵢ ln qᵢ (its conjugate on the simplex):
    qᵀz − lse(β, z) ≤ β⁻¹Σqᵢ ln qᵢ, with equality at z = β⁻¹ ln q."""
    q = _simplex(o, v.q)
    negent = _negent(o, q) / v.beta
    fy = Rel(_dot(o, q, v.z) - o.lse(v.z, v.beta), "<=", negent, "Fenchel–Young")
    if is_display(v):
        if not attained:
            return [fy]
        zs = dshow("Zstar", r"\beta^{-1}\ln q")
        return [fy, Rel(_dot(o, q, zs) - o.lse(zs, v.beta), "==", negent)]
    if not attained:
        return [fy]
    zstar = vec(o, [o.log(t) / v.beta for t in q])
    return [fy, Rel(_dot(o, q, zstar) - o.lse(zstar, v.beta), "==", negent, "attained at β⁻¹ ln q")]


def a32_statement(o, v):
    """‖f(ξ) − f(y)‖ ≤ ‖Jᵐ‖₂ ‖ξ − y‖, Jᵐ = ∫₀¹ J(λξ + (1−λ)y) dλ (the mean-value theorem
    f(ξ) − f(y) = Jᵐ(ξ − y), through its norm)."""
    if isinstance(getattr(v, "P", None), PatternSet):
        return LP.a32(o, v)
    lhs = _diff_norm(o, o.hf_update(v.P, v.x, v.beta), o.hf_update(v.P, v.y, v.beta))
    jm = o.hf_jmean_norm(v.P, v.x, v.y, v.beta)
    return [Rel(lhs, "<=", jm * _diff_norm(o, v.x, v.y), "‖f(ξ) − f(y)‖ ≤ ‖Jᵐ‖₂‖ξ − y‖")]


@st.composite
def dominant(draw, max_m: int = 6, loose: bool = False):
    """z with softmax(βz)_max ≥ ½ (one entry lifted by (ln m + t)/β, t ≥ 0), β, s ∈ [0, 1]."""
    z, reg = draw(S.lse_vectors(max_m=max_m, huge=False))
    beta = draw(S.betas())
    z = np.array(z, dtype=float)
    k = int(np.argmax(z))
    t = draw(st.sampled_from([0.0, 0.01, 1.0, 5.0, 30.0]))
    z[k] = z.max() + (np.log(len(z)) + t) / beta
    s = draw(st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 1))
    return Instance.make(regime=f"{reg}/lift {t}", z=tuple(float(a) for a in z), beta=beta, s=s)


def claims() -> list[Claim]:
    V1, V2 = (lambda: D.vectors()), (lambda: D.vectors(pair=True))
    VX = lambda: D.dyadic_vectors()  # noqa: E731 - identities: exact checks per instance
    VX3 = lambda: D.dyadic_vectors(max_m=3)  # noqa: E731 - n² relations each
    ineq, ident = "inequality", "identity"
    zb = "z ∈ ℝⁿ, β > 0"
    zz = "z, z′ ∈ ℝⁿ, β > 0"
    return [
        Claim(
            "lemma-a18",
            "App. A.2, Lemma A18",
            "softmax(βz) = ∇_z lse(β, z)",
            ident,
            zb,
            a18_statement,
            VX,
            *TP.proof("lemma-a18", display),
            wrong=dict(
                statement=lambda o, v: [Rel(o.softmax(v.z, 0, v.beta), "==", o.grad_lse(v.z, 0, 1))]
            ),
        ),
        Claim(
            "lemma-a19",
            "App. A.2, Lemma A19",
            "lse(β, z) = max_q (qᵀz + β⁻¹H(q)) over the simplex, attained at softmax(βz)",
            ineq,
            zb + ", q in the open simplex (every qᵢ > 0: the boundary, where 0 ln 0 = 0, is "
            "neither searched nor derived)",
            a19_statement,
            V1,
            *TP.proof("lemma-a19", display),
            hypotheses=TP.a19_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.lse(v.z, v.beta), "<=", _gibbs(o, v.q, v.z, 2 * v.beta))
                ]
            ),
        ),
        Claim(
            "lemma-a19/attained",
            "App. A.2, Lemma A19",
            "the maximum is attained at q = softmax(βz): qᵀz + β⁻¹H(q) = lse(β, z) there",
            "identity",
            zb,
            a19_attained_statement,
            VX,
            *TP.proof("lemma-a19/attained", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(_gibbs(o, _p(o, v.z, v.beta), v.z, 1), "==", o.lse(v.z, v.beta))
                ]
            ),
        ),
        Claim(
            "lemma-a20",
            "App. A.2, Lemma A20",
            "J_s = β(diag p − ppᵀ): the derivative of softmax(βz) equals the closed form",
            ident,
            zb,
            a20_statement,
            VX3,
            *TP.proof("lemma-a20", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_dsoftmax(v.z, 0, 0, v.beta), "==", v.beta * o.softmax(v.z, 0, v.beta))
                ]
            ),
        ),
        Claim(
            "lemma-a21",
            "App. A.2, Lemma A21",
            "J_s 1 = 0",
            ident,
            zb,
            a21_statement,
            VX3,
            *TP.proof("lemma-a21", display),
            wrong=dict(
                statement=lambda o, v: [Rel(o.hf_dsoftmax(v.z, 0, 0, v.beta), "==", o.num(0))]
            ),
        ),
        Claim(
            "lemma-a22",
            "App. A.2, Lemma A22",
            "J_s is positive semi-definite: vᵀJ_s v ≥ 0",
            ineq,
            zb + ", v ∈ ℝⁿ",
            a22_statement,
            V1,
            *TP.proof("lemma-a22", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(v.beta * o.dot(_p(o, v.z, v.beta), v.v), ">=", o.num(0))
                ]
            ),
        ),
        Claim(
            "lemma-a22/convex",
            "App. A.2, Lemma A22 (hence lse is convex)",
            "lse(β, ·) lies above its tangent planes",
            ineq,
            zz,
            a22_convex_statement,
            V2,
            *TP.proof("lemma-a22/convex", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.lse(v.w, v.beta), "<=", a22_convex_statement(o, v)[0].rhs)
                ]
            ),
        ),
        Claim(
            "lemma-a23",
            "App. A.2, Lemma A23",
            "softmax is monotone: (p − p′)ᵀ(z − z′) ≥ 0",
            ineq,
            zz,
            a23_statement,
            V2,
            *TP.proof("lemma-a23", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.dot(_p(o, v.z, v.beta), sub(o, v.z, v.w)), ">=", o.num(0))
                ]
            ),
        ),
        Claim(
            "lemma-a24",
            "App. A.2, Lemma A24",
            "‖J_s‖₂ ≤ 2mβ and ‖J_s‖₂ ≤ β/2 everywhere",
            ineq,
            zb,
            a24_statement,
            V1,
            display,
            JP.a24_derivation,
            TP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_sjnorm(v.z, v.beta), "<=", _m(o, v.z, v.beta) * v.beta)
                ]
            ),
        ),
        Claim(
            "lemma-a24/inf",
            "App. A.2, Lemma A24",
            "‖J_s‖₁ = ‖J_s‖_∞ = 2mβ: row i's "
            "absolute sum is 2βpᵢ(1 − pᵢ) (so the printed ≤ 2mβ is an equality)",
            ident,
            zb,
            a24_rows_statement,
            VX,
            display,
            JP.a24_rows_derivation,
            TP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a24_rows_statement(o, v)[0].lhs, "==", v.beta * o.softmax(v.z, 0, v.beta))
                ]
            ),
        ),
        Claim(
            "lemma-a24/eps",
            "App. A.2, Lemma A24 (third part)",
            "p_max ≥ 1 − ε ≥ ½ ⇒ ‖J_s‖₂ ≤ 2εβ − 2ε²β < 2εβ",
            ineq,
            zb + ", ε ∈ [1 − p_max, ½]",
            a24_eps_statement(True),
            lambda: dominant(),
            display,
            JP.a24_eps_derivation,
            JP.a24_eps_sizes,
            defined={"eps": searched_eps},
            hypotheses=a24_eps_hypotheses,
            wrong=dict(statement=a24_eps_statement(False)),
        ),
        Claim(
            "lemma-a24/eps-strict",
            "App. A.2, Lemma A24 (third part, the strict bound)",
            "p_max ≥ 1 − ε ≥ ½ ⇒ 2εβ − 2ε²β < 2εβ",
            ineq,
            zb + ", ε ∈ [1 − p_max, ½]",
            a24_eps_statement(True, slice(1, 2)),
            lambda: dominant(),
            display,
            defined={"eps": searched_eps},
            wrong=dict(statement=lambda o, v: [Rel(o.num(1), "<", o.num(0))]),
        ),
        Claim(
            "lemma-a25",
            "App. A.2, Lemma A25",
            "softmax(βz) is (β/2)-Lipschitz",
            ineq,
            zz,
            a25_statement,
            V2,
            display,
            LP.a25_derivation,
            TP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a25_statement(o, v)[0].lhs, "<=", v.beta / 8 * _diff_norm(o, v.z, v.w))
                ]
            ),
        ),
        Claim(
            "lemma-a26",
            "App. A.2, Lemma A26",
            "as printed (norm not squared; everywhere, "
            "1/(2mβ) = 2/β): (p − p′)ᵀ(z − z′) ≥ (2/β)‖p − p′‖",
            ineq,
            zz,
            a26_statement(False),
            V2,
            display,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        o.dot(sub(o, _p(o, v.z, v.beta), _p(o, v.w, v.beta)), sub(o, v.z, v.w)),
                        "<",
                        o.num(0),
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a26/squared",
            "App. A.2, Lemma A26 (Baillon–Haddad)",
            "with the squared norm: (p − p′)ᵀ(z − z′) ≥ (2/β)‖p − p′‖²",
            ineq,
            zz,
            a26_statement(True),
            V2,
            display,
            LP.a26_squared_derivation,
            TP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        a26_statement(True)(o, v)[0].lhs, ">=", 4 * a26_statement(True)(o, v)[0].rhs
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a27",
            "App. A.2, Lemmas A27–A29",
            "the convex conjugate of lse(β, ·) is "
            "β⁻¹Σqᵢ ln qᵢ on the simplex: Fenchel–Young, with equality at z = β⁻¹ ln q",
            ineq,
            zb + ", q in the open simplex",
            conjugate_statement,
            V1,
            *TP.proof("lemma-a27", display),
            aliases=("lemma-a28", "lemma-a29"),
            # reversed: qᵀz − lse(β, z) exceeds the conjugate (false at every z)
            wrong=dict(
                statement=lambda o, v: [
                    Rel(conjugate_statement(o, v)[0].lhs, ">", conjugate_statement(o, v)[0].rhs)
                ]
            ),
        ),
        Claim(
            "lemma-a27/attained",
            "App. A.2, Lemmas A27–A29",
            "Fenchel–Young holds with "
            "equality at z = β⁻¹ ln q (so the conjugate is exactly β⁻¹Σqᵢ ln qᵢ)",
            "identity",
            zb + ", q in the open simplex",
            conjugate_attained_statement,
            VX,
            *TP.proof("lemma-a27/attained", display),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        conjugate_attained_statement(o, v)[0].lhs,
                        "==",
                        -conjugate_attained_statement(o, v)[0].rhs,
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a32",
            "App. A.2, Lemma A32",
            "the mean-value theorem for f, through norms: ‖f(ξ) − f(y)‖ ≤ ‖Jᵐ‖₂‖ξ − y‖",
            ineq,
            "patterns, ξ, y ∈ ℝ^d, β > 0",
            a32_statement,
            lambda: D.mild_pairs(),
            display,
            LP.a32_derivation,
            LP.a3_sizes,
            wrong=dict(statement=shrunk(a32_statement, 2)),
        ),
    ]
