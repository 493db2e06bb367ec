"""App. A.1.4 of Ramsauer et al. (arXiv:2008.02217v3): metastable states, Lemmas A8–A12.

Notation: the first l patterns form the cluster; m_x = (1/l)Σ_{i≤l} xᵢ, m_max =
max_{i≤l}‖xᵢ − m_x‖, Δ_m = m_xᵀm_x − max_{j>l} m_xᵀxⱼ, M = maxᵢ‖xᵢ‖, γ = Σ_{i>l} pᵢ,
S_m = {ξ : ‖ξ − m_x‖ ≤ 1/(βm_max)} (Definition 4). Hypothesis of A10–A12 ("(A10)"):
βm_max² ≤ 1 and Δ_m ≥ 2M/(βm_max) − β⁻¹ ln[(1 − βm_max²)/(2β(N − l)M·max{m_max, 2M})].
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from derivations.engine import Claim, Instance, Rel, VectorSymbol
from derivations.ramsauer2020 import a8_proofs as A8
from derivations.ramsauer2020 import a11_proofs as A11
from derivations.ramsauer2020 import banach_proofs as BP
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import metastable_proofs as MP
from derivations.ramsauer2020.a1_proofs import symbolic
from derivations.ramsauer2020.common import (
    count,
    display,
    dist,
    implies,
    is_display,
    rows,
    shrunk,
)

SECTION = "metastable"


def _parts(o, v):
    """(m_x, m_max, Δ_m, M, N − l)."""
    return (
        o.hf_centre(v.P, v.l),
        o.hf_spread(v.P, v.l),
        o.hf_msep(v.P, v.l),
        o.hf_radius(v.P),
        count(o, v.P) - v.l,
    )


def _a10_terms(o, beta, mm, M, k):
    """(1 − βm_max², A = (1 − βm_max²)/(2β(N − l)M·max{m_max, 2M}), 2M/(βm_max)) from
    m_max, M and N − l: the pieces of the condition (A10), Δ_m ≥ 2M/(βm_max) − β⁻¹ ln A."""
    a = 1 - beta * mm * mm
    return a, a / (2 * beta * k * M * o.max([mm, 2 * M])), 2 * M / (beta * mm)


def hypothesis_a10(o, v):
    """βm_max² ≤ 1 and the separation condition of Lemmas A10–A12 (a back-end boolean)."""
    mx, mm, dm, M, k = _parts(o, v)
    a, A, shift = _a10_terms(o, v.beta, mm, M, k)
    if not bool(a > 0):
        return False
    return bool(dm >= shift - o.log(A) / v.beta)


def eps_bar(o, v):
    """ε on S_m: (N − l) exp(−β(Δ_m − 2M/(βm_max))) (the proofs of A10–A11)."""
    mx, mm, dm, M, k = _parts(o, v)
    return k * o.exp(-v.beta * (dm - 2 * M / (v.beta * mm)))


def a8_hypotheses(o, v):
    """0 ≤ s ≤ 1: ε = γ + s(1 − γ) runs over [γ, 1] (the domain draws s there)."""
    if symbolic(v):
        return A8.a8_hypotheses(o, v)
    return [Rel(o.num(0), "<=", v.s, "0 ≤ s"), Rel(v.s, "<=", o.num(1), "s ≤ 1")]


def a8_statement(o, v):
    """‖J‖₂ ≤ β((1 − γ)m_max² + 2γ(2 − γ)M²) ≤ β(m_max² + 2ε(2 − ε)M²), ε ∈ [γ, 1]."""
    if symbolic(v):
        return A8.a8(o, v)
    mx, mm, dm, M, k = _parts(o, v)
    if is_display(v):
        g, e = sp.Symbol(r"\gamma", nonnegative=True), v.eps
        mid = v.beta * ((1 - g) * mm**2 + 2 * g * (2 - g) * M**2)
        top = v.beta * (mm**2 + 2 * e * (2 - e) * M**2)
        return [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", mid), Rel(mid, "<=", top)]
    R = rows(v.P)
    z = [o.dot(r, v.x) for r in R]
    p = [o.softmax(z, i, v.beta) for i in range(len(R))]
    g = sum(p[int(v.l) :], o.num(0))
    e = g + v.s * (1 - g)
    mid = v.beta * ((1 - g) * mm * mm + 2 * g * (2 - g) * M * M)
    top = v.beta * (mm * mm + 2 * e * (2 - e) * M * M)
    return [
        Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", mid, "‖J‖₂ ≤ β((1−γ)m_max² + 2γ(2−γ)M²)"),
        Rel(mid, "<=", top, "… ≤ β(m_max² + 2ε(2−ε)M²)"),
    ]


def a9_statement(o, v):
    """c = ξᵀm_x − max_{j>l} ξᵀxⱼ, ε = (N − l)e^{−βc}: ‖m_x − f(ξ)‖ ≤ m_max + 2εM."""
    if symbolic(v):
        return MP.a9(o, v)
    mx, mm, dm, M, k = _parts(o, v)
    f = o.hf_update(v.P, v.x, v.beta)
    if is_display(v):
        return [Rel(dist(o, mx, f), "<=", mm + 2 * v.eps * M)]
    c = o.dot(v.x, mx) - o.max([o.dot(v.x, r) for r in rows(v.P)[int(v.l) :]])
    eps = k * o.exp(-v.beta * c)
    return [Rel(dist(o, mx, f), "<=", mm + 2 * eps * M, "‖m_x − f(ξ)‖ ≤ m_max + 2εM")]


def a10_hypotheses(o, v):
    """βm_max² < 1, m_max > 0, M² > 0, the separation condition (A10) and ξ ∈ S_m (what the
    derivation assumes; m_max > 0 and M > 0 are implicit in the search, S_m's radius being
    1/(βm_max)); (A10) written e^{−β(Δ_m − 2M/(βm_max))} ≤ A, A the log's argument (the
    printed form when A > 0, as the first three make it)."""
    if symbolic(v):
        return MP.a10_hypotheses(o, v)
    mx, mm, dm, M, k = _parts(o, v)
    a, A, shift = _a10_terms(o, v.beta, mm, M, k)
    return [
        Rel(o.num(0), "<", a, "βm_max² < 1"),
        Rel(o.num(0), "<", mm, "m_max > 0"),
        Rel(o.num(0), "<", M * M, "M² > 0"),
        Rel(o.exp(-v.beta * (dm - shift)), "<=", A, "(A10)"),
        Rel(dist(o, v.x, mx), "<=", 1 / (v.beta * mm), "ξ ∈ S_m"),
    ]


def a10_statement(o, v):
    """(A10) and ξ ∈ S_m ⇒ f(ξ) ∈ S_m (the bare relation where the checker compares the
    hypotheses on their own, ``assume_hypotheses``)."""
    if symbolic(v):
        return MP.a10(o, v)
    mx, mm, dm, M, k = _parts(o, v)
    rad = 1 / (v.beta * mm)
    rel = Rel(dist(o, o.hf_update(v.P, v.x, v.beta), mx), "<=", rad, "f(ξ) ∈ S_m")
    if is_display(v) or getattr(v, "assume_hypotheses", False):
        return [rel]
    return implies(o, hypothesis_a10(o, v) and bool(dist(o, v.x, mx) <= rad), [rel])


def _q(o, v, capped: bool = False):
    """β(m_max² + 2ε(2 − ε)M²) at ε = ε̄ (the proof's), or (``capped``) at ε = min{ε̄, 1}:
    Lemma A8's second bound holds only for γ ≤ ε ≤ 1."""
    mx, mm, dm, M, k = _parts(o, v)
    e = eps_bar(o, v)
    if capped:
        e = o.min([e, o.num(1)])
    return v.beta * (mm * mm + 2 * e * (2 - e) * M * M)


def a11_statement_of(capped: bool):
    """(A10) and ξ, y ∈ S_m ⇒ ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖ with q = β(m_max² + 2ε(2 − ε)M²) < 1,
    ε = ε̄ (the bound of ε on S_m; the proof's) or ε = min{ε̄, 1} (``capped``)."""

    def statement(o, v):
        if capped and symbolic(v):
            return A11.a11_capped(o, v)
        q = _q(o, v, capped)
        lhs = dist(o, o.hf_update(v.P, v.x, v.beta), o.hf_update(v.P, v.y, v.beta))
        name = "q′" if capped else "q"
        rels = [
            Rel(lhs, "<=", q * dist(o, v.x, v.y), "f contracts on S_m"),
            Rel(q, "<", o.num(1), f"{name} < 1"),
        ]
        if is_display(v) or getattr(v, "assume_hypotheses", False):
            return rels
        mx, mm = o.hf_centre(v.P, v.l), o.hf_spread(v.P, v.l)
        rad = 1 / (v.beta * mm)
        inside = bool(dist(o, v.x, mx) <= rad) and bool(dist(o, v.y, mx) <= rad)
        return implies(o, hypothesis_a10(o, v) and inside, rels)

    return statement


a11_statement = a11_statement_of(False)


def a11_hypotheses(o, v):
    """Lemma A10's hypotheses and y ∈ S_m (what the capped reading's derivation assumes)."""
    if symbolic(v):
        return A11.hypotheses(o, v)
    mx, mm, *_ = _parts(o, v)
    return [*a10_hypotheses(o, v), Rel(dist(o, v.y, mx), "<=", 1 / (v.beta * mm), "y ∈ S_m")]


def a12_hypotheses(o, v):
    """Lemma A10's hypotheses without ξ ∈ S_m (what the derivation assumes)."""
    return BP.a12_hypotheses(o, v) if symbolic(v) else a10_hypotheses(o, v)[:4]


def _a12_display():
    """The display namespace with the fixed point reached from m_x shown as x* (not xᵢ*)."""
    return SimpleNamespace(**{**vars(display()), "star": VectorSymbol("x^*", real=True)})


def a12_statement(o, v):
    """(A10) ⇒ the fixed point reached from m_x (the claim's defined ``star``, a certified
    enclosure in the search) lies in S_m (the bare relation where the checker compares the
    hypotheses on their own, ``assume_hypotheses``)."""
    if symbolic(v):
        return BP.a12(o, v)
    mx, mm, dm, M, k = _parts(o, v)
    rel = Rel(dist(o, v.star, mx), "<=", 1 / (v.beta * mm), "x* ∈ S_m")
    if is_display(v) or getattr(v, "assume_hypotheses", False):
        return [rel]
    return implies(o, hypothesis_a10(o, v), [rel])


@st.composite
def _clusters(draw):
    """Any patterns with a cluster size l ∈ [1, N − 1], a state and s ∈ [0, 1]."""
    inst = draw(D.hopfield(min_N=2, max_N=5, max_d=3))
    n = len(inst.patterns)
    l = draw(st.integers(1, n - 1))
    s = draw(st.sampled_from([0.0, 1.0]) | st.floats(0, 1))
    return Instance.make(inst.patterns, inst.x, regime=inst.regime + f"/l={l}", **inst.p, l=l, s=s)


def _meta_any():
    """Lemmas A8–A9 need no separation: clusters of any (moderate) patterns, and metastable
    ones with ρ ≥ 0.05 (a tighter cluster means β up to 10⁶/R², where these bounds are tight
    up to e^{−βc} and no precision decides them)."""
    return st.one_of(_clusters(), D.metastable(rhos=(0.05, 0.1)).map(_add_s))


def _add_s(inst):
    return Instance.make(inst.patterns, inst.x, regime=inst.regime, **inst.p, s=0.5)


def meta_domain(pair: bool = False):
    """A state ξ (with ``pair`` also y) in S_m under (A10): tight clusters far from the
    others, and wide clusters about the origin (small β, where ε̄ may exceed 1)."""
    return st.one_of(
        D.metastable(pair=pair, rhos=_RHOS), D.metastable(pair=pair, about_origin=True)
    )


#: Cluster radii ρR for Lemmas A10–A12: ρ = 10⁻³ (β up to 10⁶/R²) leaves the exact fallback
#: of the search with exponentials of size e^{10⁶} on some instances (tens of seconds each).
_RHOS = (0.01, 0.05, 0.1)


def claims() -> list[Claim]:
    ineq = "inequality"
    meta = "a cluster of the first l patterns, βm_max² ≤ 1 and the separation condition (A10)"
    _ = np
    return [
        Claim(
            "lemma-a8",
            "App. A.1.4, Lemma A8",
            "‖J‖₂ ≤ β((1−γ)m_max² + 2γ(2−γ)M²) ≤ β(m_max² + 2ε(2−ε)M²) for γ ≤ ε ≤ 1",
            ineq,
            "patterns, a cluster size l, ξ, β",
            a8_statement,
            _meta_any,
            display,
            A8.a8_derivation,
            A8.sizes,
            hypotheses=a8_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", v.beta * o.hf_spread(v.P, v.l) ** 2)
                ]
            ),
        ),
        Claim(
            "lemma-a9",
            "App. A.1.4, Lemma A9",
            "‖m_x − f(ξ)‖ ≤ m_max + 2εM, ε = (N − l)e^{−βc}",
            ineq,
            "patterns, a cluster size l, ξ, β (derivation: for every cluster size l ≥ 1, "
            "K = N − l ≥ 1 other patterns and dimension d)",
            a9_statement,
            _meta_any,
            display,
            MP.a9_derivation,
            MP.sizes,
            wrong=dict(
                statement=lambda o, v: [Rel(a9_statement(o, v)[0].lhs, "<=", o.hf_spread(v.P, v.l))]
            ),
        ),
        Claim(
            "lemma-a10",
            "App. A.1.4, Lemma A10",
            "(A10) and ξ ∈ S_m ⇒ f(ξ) ∈ S_m",
            ineq,
            meta + ", ξ ∈ S_m (derivation: for every cluster size l ≥ 2, K = N − l ≥ 1 other "
            "patterns and dimension d, from Lemma A9)",
            a10_statement,
            meta_domain,
            display,
            MP.a10_derivation,
            MP.a10_sizes,
            hypotheses=a10_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a10_statement(o, v)[0].lhs, "<=", o.hf_spread(v.P, v.l) / 100)
                ]
            ),
        ),
        Claim(
            "lemma-a11",
            "App. A.1.4, Lemma A11",
            "(A10) ⇒ f is a contraction on S_m with q = β(m_max² + 2ε̄(2 − ε̄)M²) < 1",
            ineq,
            meta + ", ξ, y ∈ S_m",
            a11_statement,
            lambda: meta_domain(pair=True),
            display,
            hypotheses=a11_hypotheses,
            wrong=dict(statement=shrunk(a11_statement, 100)),
        ),
        Claim(
            "lemma-a11/eps-capped",
            "App. A.1.4, Lemma A11",
            "reading: the proof's factor with ε̄ capped at 1, as Lemma A8's second bound needs "
            "ε ≤ 1: q′ = β(m_max² + 2ε′(2 − ε′)M²) < 1, ε′ = min{ε̄, 1}, and f contracts on S_m "
            "with it",
            ineq,
            meta + ", ξ, y ∈ S_m (derivation: for every cluster size l ≥ 2, K = N − l ≥ 1 "
            "other patterns and dimension d, from Lemmas A8 and A9's steps)",
            a11_statement_of(True),
            lambda: meta_domain(pair=True),
            display,
            A11.derivation,
            A11.sizes,
            hypotheses=a11_hypotheses,
            wrong=dict(statement=shrunk(a11_statement_of(True), 100)),
        ),
        Claim(
            "lemma-a12",
            "App. A.1.4, Lemma A12",
            "(A10) ⇒ f has a fixed point in S_m (the "
            "one reached from m_x, enclosed with certainty)",
            ineq,
            meta + " (derivation: for every cluster size l ≥ 2, K = N − l ≥ 1 other patterns "
            "and dimension d, from Lemmas A10 and A11 (ε̄ capped))",
            a12_statement,
            meta_domain,
            _a12_display,
            BP.a12_derivation,
            BP.a12_sizes,
            hypotheses=a12_hypotheses,
            defined=BP.A12_STAR,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(a12_statement(o, v)[0].lhs, ">", a12_statement(o, v)[0].rhs)
                ]
            ),
        ),
    ]
