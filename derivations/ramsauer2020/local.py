"""App. A.1.4 of Ramsauer et al. (arXiv:2008.02217v3): local convergence, Lemmas A2–A7, and
the disjointness of the balls Sᵢ (§A.1.5, before Eq. 307).

Notation: patterns xᵢ (rows of P), ξ the state, β, N, M = maxᵢ‖xᵢ‖, p = softmax(βXᵀξ),
m = maxᵢ pᵢ(1 − pᵢ), J the Jacobian of f (Eq. 59), m_max = maxᵢ‖xᵢ − m_x‖ (Lemma A3),
Δᵢ the separation (Eq. 5), r = 1/(βNM) the radius of Sᵢ (Definition 3); Eq. 142:
Δᵢ ≥ 2/(βN) + β⁻¹ ln(2(N − 1)NβM²). Pattern indices i are 0-based in instances.
"""

from __future__ import annotations

from derivations.engine import Claim, Rel
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import banach_proofs as BP
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import fixed_point_proofs as FP
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020.common import (
    count,
    display,
    dist,
    dshow,
    is_display,
    row,
    rows,
    shrunk,
    under,
)
from derivations.ramsauer2020.common import pattern_softmax as _p
from derivations.ramsauer2020.pmax_bounds import (
    a2_eps_hypotheses,
    a2_eps_statement,
    a2_searched_eps,
)

SECTION = "local"


def _M(o, v):
    return o.hf_radius(v.P)


def eq142_slack(o, v, i=None):
    """Δᵢ − 2/(βN) − β⁻¹ ln(2(N − 1)NβM²) (≥ 0 is Eq. 142)."""
    i = v.i if i is None else i
    N = count(o, v.P)
    M = _M(o, v)
    return o.hf_sep(v.P, i) - 2 / (v.beta * N) - o.log(2 * (N - 1) * N * v.beta * M**2) / v.beta


def eq142_hypotheses(o, v):
    """M² > 0 and Eq. 142 for pattern i (what makes Sᵢ and xᵢ* exist)."""
    return [
        Rel(o.num(0), "<", _M(o, v) ** 2, "M² > 0"),
        Rel(o.num(0), "<=", eq142_slack(o, v), "Eq. 142"),
    ]


def _pattern(v):
    """xᵢ (its display symbol when rendering)."""
    return v.pat if is_display(v) else row(v.P, v.i)


def radius(o, v):
    """r = 1/(βNM), the radius of Sᵢ (Definition 3)."""
    return 1 / (v.beta * count(o, v.P) * _M(o, v))


# ------------------------------------------------------------------------- Eq. 5


def eq5_statement(o, v):
    """Δᵢ = min_{j≠i} ½(‖xᵢ‖² − ‖xⱼ‖² + ‖xᵢ − xⱼ‖²) (Eq. 140, the parallelogram identity)."""
    if AP.symbolic(v):
        return AP.eq5(o, v)
    if is_display(v):
        rhs = dshow(
            "Eq140", r"\min_{j \ne i} \tfrac12\left(\|x_i\|^2 - \|x_j\|^2 + \|x_i - x_j\|^2\right)"
        )
        return [Rel(o.hf_sep(v.P, v.i), "==", rhs)]
    R = rows(v.P)
    i = int(v.i)
    xi = R[i]
    alt = o.min(
        [(o.sqnorm(xi) - o.sqnorm(r) + dist(o, xi, r) ** 2) / 2 for j, r in enumerate(R) if j != i]
    )
    return [Rel(o.hf_sep(v.P, v.i), "==", alt, "Eq. 5 = Eq. 140")]


def eq5_equal_statement(o, v):
    """All norms equal: Δᵢ = ½ min_{j≠i}‖xᵢ − xⱼ‖² (App. A.1.4, after Eq. 140)."""
    if AP.symbolic(v):
        return AP.eq5_equal(o, v)
    if is_display(v):
        rhs = dshow("HalfMin", r"\tfrac12 \min_{j \ne i} \|x_i - x_j\|^2")
        return [Rel(o.hf_sep(v.P, v.i), "==", rhs)]
    R = rows(v.P)
    i = int(v.i)
    half = o.min([o.sqnorm(o.vadd(R[i], o.vscale(-1, r))) / 2 for j, r in enumerate(R) if j != i])
    return [Rel(o.hf_sep(v.P, v.i), "==", half, "Δᵢ = ½ min‖xᵢ − xⱼ‖²")]


def _halved(statement):
    """A wrong variant: the statement's first relation with its right side halved."""

    def wrong(o, v):
        r = statement(o, v)[0]
        return [Rel(r.lhs, r.op, r.rhs / 2)]

    return wrong


def equal_norms_hypotheses(o, v):
    """maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖² (what the derivation assumes; the search's patterns lie on one
    sphere exactly)."""
    if AP.symbolic(v):
        return AP.equal_norms_hypotheses(o, v)
    sq = [o.sqnorm(r) for r in rows(v.P)]
    return [Rel(o.max(sq), "==", o.min(sq), "all norms equal")]


def angle_hypotheses(o, v):
    """All norms equal and M² > 0 (the same for every pattern)."""
    if AP.symbolic(v):
        return AP.angle_hypotheses(o, v)
    return [*equal_norms_hypotheses(o, v), Rel(o.num(0), "<", _M(o, v) ** 2, "M² > 0")]


def eq5_angle_statement(o, v):
    """All norms equal M: Δ_min = M²(1 − cos α_min) (App. A.1.5, Eq. 311); at symbolic size
    Δ₁ = M²(1 − max_{j≥2} cos α₁ⱼ), whose minimum over the patterns this is."""
    if AP.symbolic(v):
        return AP.eq5_angle(o, v)
    if is_display(v):
        return [
            Rel(
                dshow("DeltaMin", r"\Delta_{\min}"),
                "==",
                _M(o, v) ** 2 * (1 - dshow("CosA", r"\cos\alpha_{\min}")),
            )
        ]
    R = rows(v.P)
    N = len(R)
    dmin = o.min([o.hf_sep(v.P, k) for k in range(N)])
    M2 = o.max([o.sqnorm(r) for r in R])
    cmax = o.max([o.dot(R[a], R[b]) / M2 for a in range(N) for b in range(a + 1, N)])
    return [Rel(dmin, "==", M2 * (1 - cmax), "Δ_min = M²(1 − cos α_min)")]


# ------------------------------------------------------------------------- Lemma A2


def a2_statement(o, v):
    """‖J‖₂ ≤ 2β‖X‖₂² m ≤ 2βNM² m."""
    if EP.symbolic(v):
        return JP.a2(o, v)
    if is_display(v):
        m = Symbol_m()
        mid = 2 * v.beta * o.hf_xnorm2(v.P) * m
        return [
            Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", mid),
            Rel(mid, "<=", 2 * v.beta * count(o, v.P) * _M(o, v) ** 2 * m),
        ]
    m = o.max([t * (1 - t) for t in _p(o, v)])
    mid = 2 * v.beta * o.hf_xnorm2(v.P) * m
    top = 2 * v.beta * count(o, v.P) * _M(o, v) ** 2 * m
    return [
        Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", mid, "‖J‖₂ ≤ 2β‖X‖₂²m"),
        Rel(mid, "<=", top, "2β‖X‖₂²m ≤ 2βNM²m"),
    ]


def Symbol_m():  # noqa: N802 - the paper's m
    import sympy as sp

    return sp.Symbol("m", positive=True)


# ------------------------------------------------------------------------- Lemmas A3, A4


def a3_statement(o, v):
    """‖J(ξ)‖₂ ≤ β m_max² for every ξ."""
    if EP.symbolic(v):
        return JP.a3(o, v)
    mm = o.hf_spread(v.P, o.num(len(rows(v.P))) if not is_display(v) else v.l)
    return [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", v.beta * mm**2, "‖J‖₂ ≤ βm_max²")]


def a3_contraction_statement(o, v):
    """‖f(ξ) − f(y)‖ ≤ β m_max² ‖ξ − y‖ (so f contracts when βm_max² < 1)."""
    if EP.symbolic(v):
        return LP.a3_contraction(o, v)
    mm = o.hf_spread(v.P, o.num(len(rows(v.P))) if not is_display(v) else v.l)
    lhs = dist(o, o.hf_update(v.P, v.x, v.beta), o.hf_update(v.P, v.y, v.beta))
    return [Rel(lhs, "<=", v.beta * mm**2 * dist(o, v.x, v.y), "β m_max²-Lipschitz")]


def a4_statement(o, v):
    """i = argmax_k (ξᵀx_k − max_{j≠k} ξᵀxⱼ), c its gap, ε = (N − 1)e^{−βc}: pᵢ ≥ 1 − ε,
    p_k ≤ ε/(N − 1) (k ≠ i), ‖xᵢ − f(ξ)‖ ≤ 2εM. On an instance that names its pattern i
    (the derivation's statement written out, relabelled for each i) the same bounds for that
    i and its gap, whatever its sign (they hold for every i; the searched instances name
    none, so the search takes the paper's argmax)."""
    if AP.symbolic(v):
        return AP.a4_full(o, v)
    if is_display(v):
        e = v.eps
        return [Rel(dist(o, v.pat, o.hf_update(v.P, v.x, v.beta)), "<=", 2 * e * _M(o, v))]
    R = rows(v.P)
    s = [o.dot(r, v.x) for r in R]
    N = len(R)
    gaps = [s[k] - o.max([s[j] for j in range(N) if j != k]) for k in range(N)]
    i = int(v.i) if hasattr(v, "i") else max(range(N), key=lambda k: float(gaps[k]))
    eps = (N - 1) * o.exp(-v.beta * gaps[i])
    p = _p(o, v)
    others = o.max([p[k] for k in range(N) if k != i])
    f = o.hf_update(v.P, v.x, v.beta)
    return [
        Rel(p[i], ">=", 1 - eps, "pᵢ ≥ 1 − ε"),
        Rel(others, "<=", eps / (N - 1), "p_k ≤ ε/(N − 1)"),
        Rel(dist(o, R[i], f), "<=", 2 * eps * _M(o, v), "‖xᵢ − f(ξ)‖ ≤ 2εM"),
    ]


def a4_softmax_statement(o, v):
    """Lemma A4's softmax bounds for the instance's pattern i (any i; the paper takes the
    argmax of the gaps): c = ξᵀxᵢ − max_{j≠i} ξᵀxⱼ, ε = (N − 1)e^{−βc}, pᵢ ≥ 1 − ε and
    max_{k≠i} p_k ≤ ε/(N − 1)."""
    if AP.symbolic(v):
        return AP.a4(o, v)
    if is_display(v):
        e = v.eps
        return [
            Rel(dshow("PI", "p_i"), ">=", 1 - e),
            Rel(dshow("PK", r"\max_{k \ne i} p_k"), "<=", e / (count(o, v.P) - 1)),
        ]
    R = rows(v.P)
    N, i = len(R), int(v.i)
    s = [o.dot(r, v.x) for r in R]
    eps = (N - 1) * o.exp(-v.beta * (s[i] - o.max([s[j] for j in range(N) if j != i])))
    p = _p(o, v)
    others = o.max([p[k] for k in range(N) if k != i])
    return [
        Rel(p[i], ">=", 1 - eps, "pᵢ ≥ 1 − ε"),
        Rel(others, "<=", eps / (N - 1), "p_k ≤ ε/(N − 1)"),
    ]


# ------------------------------------------------------------------------- Lemmas A5–A7


def a5_statement(o, v):
    """Eq. 142 and ξ ∈ Sᵢ ⇒ f(ξ) ∈ Sᵢ (the bare relation where the checker compares the
    hypotheses on their own, ``assume_hypotheses``)."""
    if EP.symbolic(v):
        return FP.a5(o, v)
    f = o.hf_update(v.P, v.x, v.beta)
    return under(
        o, v, a5_hypotheses, [Rel(dist(o, f, _pattern(v)), "<=", radius(o, v), "f(ξ) ∈ Sᵢ")]
    )


def a5_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern i and ξ ∈ Sᵢ (what the derivation assumes)."""
    if EP.symbolic(v):
        return FP.a5_hypotheses(o, v)
    ball = Rel(dist(o, v.x, _pattern(v)) ** 2, "<=", radius(o, v) ** 2, "ξ ∈ Sᵢ")
    return [*eq142_hypotheses(o, v), ball]


def a6_bound(o, v):
    """1 − 2(N − 1)²βNM² exp(−2β(Δᵢ + 2/(βN))) (the proof of Lemma A6)."""
    N = count(o, v.P)
    M = _M(o, v)
    delta = o.hf_sep(v.P, v.i)
    return 1 - 2 * (N - 1) ** 2 * v.beta * N * M**2 * o.exp(
        -2 * v.beta * (delta + 2 / (v.beta * N))
    )


def a6_statement(o, v):
    """Eq. 142 and ξ ∈ Sᵢ ⇒ ‖J(ξ)‖₂ ≤ q < 1, q the bound of the proof (pointwise, which
    bounds ‖Jᵐ‖₂ over any segment in Sᵢ)."""
    q = a6_bound(o, v)
    rels = [
        Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", q, "‖J(ξ)‖₂ ≤ q"),
        Rel(q, "<", o.num(1), "q < 1"),
    ]
    return under(o, v, a5_hypotheses, rels)


def a6_contraction_statement(o, v):
    """Eq. 142 and ξ, y ∈ Sᵢ ⇒ ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖."""
    lhs = dist(o, o.hf_update(v.P, v.x, v.beta), o.hf_update(v.P, v.y, v.beta))
    rel = Rel(lhs, "<=", a6_bound(o, v) * dist(o, v.x, v.y), "f contracts on Sᵢ")
    return under(o, v, a6_contraction_hypotheses, [rel])


def a6_contraction_hypotheses(o, v):
    """Lemma A5's hypotheses and y ∈ Sᵢ."""
    far = Rel(dist(o, v.y, _pattern(v)) ** 2, "<=", radius(o, v) ** 2, "y ∈ Sᵢ")
    return [*a5_hypotheses(o, v), far]


def a7_statement(o, v):
    """Eq. 142 ⇒ the fixed point xᵢ* of f reached from xᵢ (the claim's defined ``star``, a
    certified enclosure in the search) lies in Sᵢ."""
    if EP.symbolic(v):
        return BP.a7(o, v)
    rel = Rel(dist(o, v.star, _pattern(v)), "<=", radius(o, v), "xᵢ* ∈ Sᵢ")
    return under(o, v, a7_hypotheses, [rel])


def a7_hypotheses(o, v):
    """M² > 0 and Eq. 142 for pattern i."""
    return BP.a7_hypotheses(o, v) if EP.symbolic(v) else eq142_hypotheses(o, v)


def claims() -> list[Claim]:
    ineq = "inequality"
    H = lambda: D.hopfield(max_N=5, max_d=3)  # noqa: E731
    H2 = lambda: D.hopfield(min_N=2, max_N=5, max_d=3)  # noqa: E731
    sep = "patterns with Eq. 142 for pattern i; "
    return [
        Claim(
            "eq5",
            "§3, Eq. (5) = Definition 2; App. A.1.4, Eqs. (139)–(140)",
            "Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ equals min_{j≠i} ½(‖xᵢ‖² − ‖xⱼ‖² + ‖xᵢ − xⱼ‖²)",
            "identity",
            "N ≥ 2 patterns, i (derivation: for every N ≥ 2 and d, for the first pattern i, "
            "and for every other i by relabelling the patterns, the kernel's relabel rule)",
            eq5_statement,
            lambda: D.any_patterns(),
            display,
            AP.eq5_derivation,
            AP.sizes,
            aliases=("def2", "eq140"),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_sep(v.P, v.i), "==", eq5_statement(o, v)[0].rhs * 2)
                ]
            ),
        ),
        Claim(
            "eq5/equal-norms",
            "App. A.1.4 (after Eq. 140)",
            "with all norms equal: Δᵢ = ½ min_{j≠i}‖xᵢ − xⱼ‖²",
            "identity",
            "N ≥ 2 patterns on one sphere (exact integer points; derivation: for every N ≥ 2 and "
            "d, under maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖², for the first pattern and for every pattern i by "
            "the kernel's relabel rule)",
            eq5_equal_statement,
            lambda: D.equal_norms(),
            display,
            AP.eq5_equal_derivation,
            AP.sizes,
            hypotheses=equal_norms_hypotheses,
            wrong=dict(statement=_halved(eq5_equal_statement)),
        ),
        Claim(
            "eq5/equal-norms/angle",
            "App. A.1.5 (Eq. 311)",
            "with all norms equal to M: Δ_min = M²(1 − cos α_min), α_min the smallest angle "
            "between two patterns",
            "identity",
            "N ≥ 2 patterns on one sphere (exact integer points; derivation: for every N ≥ 2 "
            "and d, for the first pattern, and for every pattern i by the kernel's relabel "
            "rule; Δ_min and cos α_min are the minima over the patterns of the two sides)",
            eq5_angle_statement,
            lambda: D.equal_norms(),
            display,
            AP.eq5_angle_derivation,
            AP.sizes,
            hypotheses=angle_hypotheses,
            over_patterns="min",
            wrong=dict(statement=_halved(eq5_angle_statement)),
        ),
        Claim(
            "lemma-a2",
            "App. A.1.4, Lemma A2 (first part)",
            "‖J‖₂ ≤ 2β‖X‖₂²m ≤ 2βNM²m",
            ineq,
            "patterns, ξ, β > 0; m = maxᵢ pᵢ(1 − pᵢ)",
            a2_statement,
            H,
            display,
            JP.a2_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", a2_statement(o, v)[0].rhs / 4)
                ]
            ),
        ),
        Claim(
            "lemma-a2/eps",
            "App. A.1.4, Lemma A2 (second part)",
            "as printed: p_max ≥ 1 − ε ⇒ ‖J‖₂ ≤ 2βNM²ε − 2ε²βNM², any ε ∈ [1 − p_max, 1]",
            ineq,
            "patterns, ξ, β > 0, ε ≥ 1 − p_max",
            a2_eps_statement(False),
            lambda: D.with_s(H()),
            display,
            wrong=dict(statement=lambda o, v: [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<", o.num(0))]),
        ),
        Claim(
            "lemma-a2/eps-half",
            "App. A.1.4, Lemma A2 (second part) with Lemma A24",
            "with Lemma A24's hypothesis 1 − ε ≥ ½: ‖J‖₂ ≤ 2βNM²ε − 2ε²βNM²",
            ineq,
            "patterns, ξ, β > 0, ε ∈ [1 − p_max, ½]",
            a2_eps_statement(True),
            lambda: D.with_s(H()),
            display,
            JP.a2_eps_derivation,
            JP.a2_eps_sizes,
            defined={"eps": a2_searched_eps},
            hypotheses=a2_eps_hypotheses,
            wrong=dict(statement=a2_eps_statement(False)),
        ),
        Claim(
            "lemma-a3",
            "App. A.1.4, Lemma A3",
            "‖J(ξ)‖₂ ≤ β m_max² for every ξ",
            ineq,
            "patterns, ξ, β > 0",
            a3_statement,
            H,
            display,
            JP.a3_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", a3_statement(o, v)[0].rhs / 4)
                ]
            ),
        ),
        Claim(
            "lemma-a3/contraction",
            "App. A.1.4, Lemma A3 (with Lemma A32)",
            "f is β m_max²-Lipschitz (a contraction when β m_max² < 1)",
            ineq,
            "patterns, ξ, y, β > 0",
            a3_contraction_statement,
            lambda: D.mild_pairs(max_N=5, min_d=1),
            display,
            LP.a3_contraction_derivation,
            LP.a3_sizes,
            wrong=dict(statement=shrunk(a3_contraction_statement, 4)),
        ),
        Claim(
            "lemma-a4",
            "App. A.1.4, Lemma A4",
            "pᵢ ≥ 1 − ε, p_k ≤ ε/(N − 1), ‖xᵢ − f(ξ)‖ ≤ 2εM with ε = (N − 1)e^{−βc}",
            ineq,
            "N ≥ 2 patterns, ξ, β > 0 (derivation: for every N ≥ 2 and d, for the first "
            "pattern, and for every pattern i, the paper's among them, by relabelling the "
            "patterns, the kernel's relabel rule)",
            a4_statement,
            H2,
            display,
            AP.a4_full_derivation,
            AP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a4_statement(o, v)[2].lhs, "<=", a4_statement(o, v)[2].rhs / 4)
                ]
            ),
        ),
        Claim(
            "lemma-a4/softmax",
            "App. A.1.4, Lemma A4 (its first two bounds)",
            "pᵢ ≥ 1 − ε and p_k ≤ ε/(N − 1) (k ≠ i) with ε = (N − 1)e^{−βc}, "
            "c = ξᵀxᵢ − max_{j≠i} ξᵀxⱼ, for every pattern i (the paper's i maximises c)",
            ineq,
            "N ≥ 2 patterns, ξ, β > 0, any i (derivation: for every N ≥ 2 and d, for the first "
            "pattern i, and for every other i by relabelling the patterns, the kernel's "
            "relabel rule)",
            a4_softmax_statement,
            lambda: D.with_i(H2()),
            display,
            AP.a4_derivation,
            AP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        a4_softmax_statement(o, v)[0].lhs,
                        ">=",
                        1 - (1 - a4_softmax_statement(o, v)[0].rhs) / 4,
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a5",
            "App. A.1.4, Lemma A5",
            "Eq. 142 and ξ ∈ Sᵢ ⇒ f(ξ) ∈ Sᵢ",
            ineq,
            sep + "ξ ∈ Sᵢ (derivation: for every N ≥ 2 and d, for the first pattern, and for "
            "every pattern i, its hypotheses with it, by the kernel's relabel rule)",
            a5_statement,
            lambda: D.separated(),
            display,
            FP.a5_derivation,
            AP.sizes,
            hypotheses=a5_hypotheses,
            wrong=dict(statement=shrunk(a5_statement, 1000)),
        ),
        Claim(
            "lemma-a6",
            "App. A.1.4, Lemma A6 (its proof's bound, pointwise)",
            "Eq. 142 and ξ ∈ Sᵢ ⇒ ‖J(ξ)‖₂ ≤ 1 − 2(N−1)²βNM²e^{−2β(Δᵢ + 2/(βN))} < 1",
            ineq,
            sep + "ξ ∈ Sᵢ",
            a6_statement,
            lambda: D.separated(max_N=8),
            display,
            hypotheses=a5_hypotheses,
            wrong=dict(
                statement=lambda o, v: [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", 1 - a6_bound(o, v))]
            ),
        ),
        Claim(
            "lemma-a6/contraction",
            "App. A.1.4, Lemma A6",
            "f is a contraction on Sᵢ: ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖ with the proof's q < 1",
            ineq,
            sep + "ξ, y ∈ Sᵢ",
            a6_contraction_statement,
            lambda: D.separated_pair(max_N=8),
            display,
            hypotheses=a6_contraction_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        a6_contraction_statement(o, v)[0].lhs,
                        ">",
                        a6_contraction_statement(o, v)[0].rhs,
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a7",
            "App. A.1.4, Lemma A7",
            "Eq. 142 ⇒ f has a fixed point xᵢ* in Sᵢ "
            "(the one reached from xᵢ, enclosed with certainty)",
            ineq,
            sep.rstrip("; ") + " (derivation: for every N ≥ 2 and d, for the first pattern, and "
            "for every pattern i by relabelling)",
            a7_statement,
            lambda: D.separated(),
            display,
            BP.a7_derivation,
            BP.a7_sizes,
            hypotheses=a7_hypotheses,
            defined=BP.A7_STAR,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a7_statement(o, v)[0].lhs, ">", a7_statement(o, v)[0].rhs)
                ]
            ),
        ),
    ]
