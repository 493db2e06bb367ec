"""Section 4 of Niu et al. (arXiv:2405.08707v2): Propositions 1–3 as claims.

Notation: patterns ρ¹…ρ^d (rows of P), query x, d patterns, n dimensions;
Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖², ξ² = maxᵢ‖ρⁱ‖²; g (Eq. 3), E (Eq. 4), E^MCHN_β (Ramsauer et al.).

The derivations are written for patterns of **symbolic** d and n (:func:`pattern_space`) and
checked by the rule kernel once for every size.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations import strategies as S
from derivations.engine import Claim, Rel, Step
from derivations.engine.indexed_ops import name_as
from derivations.engine.kernel import (
    abs_sign,
    algebra,
    cites,
    combine,
    term_bound,
    termwise,
)
from derivations.niu2024.lemmas import lemma3_statement, lemma4_statement
from theory.indexed import PatternSet, Vec, named, notation

SECTION = "4"

notation("w", "w$_0", "w$_0", False, "wᵢ = ‖ρⁱ‖² − maxⱼ‖ρʲ‖² − ‖x − ρⁱ‖² (proof of Prop. 2)")
notation("v", "v$_0", "v$_0", False, "vᵢ = −‖x − ρⁱ‖² (proof of Prop. 2)")
notation("xi2", r"\xi^{2}", "ξ²", True, "ξ² = maxᵢ‖ρⁱ‖² (the printed proof of Prop. 2)")


def pattern_space():
    """Patterns ρ¹…ρ^d ∈ ℝⁿ and a query x ∈ ℝⁿ, d and n symbolic: every size at once."""
    P = PatternSet()
    return SimpleNamespace(P=P, x=P.query())


def every_size():
    return [pattern_space()]


def prop1_statement(ops, v):
    g = ops.nn(v.P, v.x)
    E = ops.energy(v.P, v.x)
    return [Rel(g - ops.log(ops.count(v.P)), "<=", E, "g − log d ≤ E"), Rel(E, "<=", g, "E ≤ g")]


def prop1_derivation(ops, v):
    """Lemma 3 at zᵢ = ‖x − ρⁱ‖², with g (Eq. 3) and E (Eq. 4) written out."""
    w = SimpleNamespace(z=ops.dists(v.P, v.x))
    rels = lemma3_statement(False)(ops, w)
    g, E = ops.nn(v.P, v.x), ops.energy(v.P, v.x)
    target = prop1_statement(ops, v)
    return [
        Step(rels[0], "Lemma 3 (non-strict) at zᵢ = ‖x − ρⁱ‖²", cites("lemma3/nonstrict", w)),
        Step(rels[1], "Lemma 3 (non-strict) at zᵢ = ‖x − ρⁱ‖²", cites("lemma3/nonstrict", w)),
        Step(Rel(g, "==", ops.min(w.z)), "Eq. (3): g(x) = minᵢ ‖x − ρⁱ‖²", algebra(unfold=("g",))),
        Step(Rel(E, "==", -ops.lse(ops.vscale(-1, w.z))), "Eq. (4)", algebra(unfold=("E",))),
        Step(
            target[0], "Lemma 3's lower bound in terms of g and E", combine((0, 1), (2, 1), (3, -1))
        ),
        Step(
            target[1], "Lemma 3's upper bound in terms of g and E", combine((1, 1), (2, -1), (3, 1))
        ),
    ]


def _delta(ops, v):
    """Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖² (named Δ in the report)."""
    return name_as(ops, "Delta", ops.max_sqnorm(v.P) - ops.min_sqnorm(v.P))


def _prop2_gap(ops, v):
    """E(x) − (2E^MCHN_{β=2}(x) − log d)."""
    return ops.energy(v.P, v.x) - (2 * ops.mchn(v.P, v.x, 2) - ops.log(ops.count(v.P)))


def prop2_statement(ops, v):
    return [
        Rel(ops.abs(_prop2_gap(ops, v)), "<=", _delta(ops, v), "|E − (2E^{MCHN}_{2} − log d)| ≤ Δ")
    ]


def prop2_onesided_statement(ops, v):
    gap = _prop2_gap(ops, v)
    return [
        Rel(-_delta(ops, v), "<=", gap, "−Δ ≤ E − (2E^{MCHN}_{2} − log d)"),
        Rel(gap, "<=", ops.num(0), "E − (2E^{MCHN}_{2} − log d) ≤ 0"),
    ]


def _prop2_parts(ops, v):
    """The printed proof's vectors: wᵢ = ‖ρⁱ‖² − ξ² − ‖x − ρⁱ‖² (ξ² = maxⱼ‖ρʲ‖²) and
    vᵢ = −‖x − ρⁱ‖², so that 2E^MCHN_2 − log d = −LSE(w) and E = −LSE(v)."""
    P = v.P
    i = P.i
    dist = ops.dists(P, v.x).body
    norm = ops.sqnorms(P).body
    xi2 = name_as(ops, "xi2", ops.max_sqnorm(P))
    w = Vec(named("w", norm - xi2 - dist, i), i, P.d, sp.Symbol("w"))
    u = Vec(named("v", -dist, i), i, P.d, sp.Symbol("v"))
    return SimpleNamespace(w=w, u=u, norm=norm, xi2=xi2, i=i, d=P.d)


def _prop2_common(ops, v, q) -> list[Step]:
    """Steps 1–2 of both Prop. 2 derivations: the printed proof's rewriting."""
    d = ops.count(v.P)
    return [
        Step(
            Rel(2 * ops.mchn(v.P, v.x, 2) - ops.log(d), "==", -ops.lse(q.w)),
            "expand 2E^{MCHN}_{2}(x) − log d (the printed proof)",
            algebra(unfold=("EMCHN", "w")),
        ),
        Step(Rel(ops.energy(v.P, v.x), "==", -ops.lse(q.u)), "Eq. (4)", algebra(unfold=("E", "v"))),
    ]


def prop2_derivation(ops, v):
    """The printed proof: 2E^MCHN_2 − log d = −LSE(w), E = −LSE(v); Lemma 4; ‖w − v‖∞ = Δ."""
    q = _prop2_parts(ops, v)
    w, u, i = q.w, q.u, q.i
    every = (i, 1, q.d)
    lem = SimpleNamespace(z=w, y=u)
    lem4 = lemma4_statement(ops, lem)[0]
    dnorm = lem4.rhs
    diff = w.body - u.body
    gap = _prop2_gap(ops, v)
    top = q.xi2 - q.norm
    return _prop2_common(ops, v, q) + [
        Step(lem4, "Lemma 4 with z = w, y = v", cites("lemma4", lem)),
        Step(
            Rel(diff, "==", q.norm - q.xi2, over=every),
            "the definitions of w and v",
            algebra(unfold=("w", "v")),
        ),
        Step(
            Rel(q.norm, "<=", q.xi2, over=every),
            "each ‖ρⁱ‖² is at most ξ² = maxⱼ‖ρʲ‖²",
            term_bound(),
        ),
        Step(Rel(diff, "<=", 0, over=every), "wᵢ − vᵢ = ‖ρⁱ‖² − ξ² ≤ 0", combine((3, 1), (4, 1))),
        Step(Rel(ops.abs(diff), "==", -diff, over=every), "|t| = −t for t ≤ 0", abs_sign(5)),
        Step(
            Rel(ops.abs(diff), "==", top, over=every),
            "vᵢ − wᵢ = ξ² − ‖ρⁱ‖²",
            combine((6, 1), (3, -1)),
        ),
        Step(
            Rel(dnorm, "==", ops.max(Vec(top, i, q.d))),
            "the maximum over i of both sides",
            termwise(7),
        ),
        Step(
            Rel(ops.max(Vec(top, i, q.d)), "==", q.xi2 - ops.min_sqnorm(v.P)),
            "maxᵢ(ξ² − ‖ρⁱ‖²) = ξ² − minᵢ‖ρⁱ‖²",
            algebra(),
        ),
        Step(
            Rel(_delta(ops, v), "==", q.xi2 - ops.min_sqnorm(v.P)),
            "the definition of Δ",
            algebra(unfold=("Delta",)),
        ),
        Step(
            Rel(dnorm, "==", _delta(ops, v)),
            "the Max/Min step: ‖w − v‖∞ = Δ",
            combine((8, 1), (9, 1), (10, -1)),
        ),
        Step(
            Rel(ops.abs(gap), "==", lem4.lhs),
            "substitute 2E^{MCHN}_{2} − log d = −LSE(w) and E = −LSE(v)",
            algebra(unfold=("E", "EMCHN", "w", "v")),
        ),
        Step(prop2_statement(ops, v)[0], "Lemma 4, rewritten", combine((2, 1), (12, 1), (11, 1))),
    ]


def prop2_onesided_derivation(ops, v):
    """wᵢ ≤ vᵢ ≤ wᵢ + Δ termwise, so LSE(v) − Δ ≤ LSE(w) ≤ LSE(v) (LSE is monotone)."""
    q = _prop2_parts(ops, v)
    w, u, i = q.w, q.u, q.i
    every = (i, 1, q.d)
    dl = _delta(ops, v)
    target = prop2_onesided_statement(ops, v)
    shifted = ops.lse(Vec(u.body - dl, i, q.d))
    return _prop2_common(ops, v, q) + [
        Step(
            Rel(w.body - u.body, "==", q.norm - q.xi2, over=every),
            "the definitions of w and v",
            algebra(unfold=("w", "v")),
        ),
        Step(
            Rel(q.norm, "<=", q.xi2, over=every), "each ‖ρⁱ‖² is at most the maximum", term_bound()
        ),
        Step(
            Rel(ops.min_sqnorm(v.P), "<=", q.norm, over=every),
            "each ‖ρⁱ‖² is at least the minimum",
            term_bound(),
        ),
        Step(
            Rel(w.body, "<=", u.body, over=every),
            "wᵢ − vᵢ = ‖ρⁱ‖² − ξ² ≤ 0",
            combine((2, 1), (3, 1)),
        ),
        Step(
            Rel(dl, "==", q.xi2 - ops.min_sqnorm(v.P)),
            "the definition of Δ",
            algebra(unfold=("Delta",)),
        ),
        Step(
            Rel(u.body - dl, "<=", w.body, over=every),
            "wᵢ − vᵢ = ‖ρⁱ‖² − ξ² ≥ minⱼ‖ρʲ‖² − ξ² = −Δ",
            combine((2, -1), (4, 1), (6, -1)),
        ),
        Step(Rel(ops.lse(w), "<=", ops.lse(u)), "LSE is monotone in each entry", termwise(5)),
        Step(Rel(shifted, "<=", ops.lse(w)), "LSE is monotone in each entry", termwise(7)),
        Step(Rel(shifted, "==", ops.lse(u) - dl), "LSE(v − Δ) = LSE(v) − Δ", algebra()),
        Step(
            target[1],
            "E − (2E^{MCHN}_{2} − log d) = LSE(w) − LSE(v) ≤ 0",
            combine((1, 1), (0, -1), (8, 1)),
        ),
        Step(
            target[0],
            "E − (2E^{MCHN}_{2} − log d) = LSE(w) − LSE(v) ≥ −Δ",
            combine((0, 1), (1, -1), (9, 1), (10, -1)),
        ),
    ]


def _prop3_mid(ops, v):
    return ops.nn(v.P, v.x) - 2 * ops.mchn(v.P, v.x, 2)


def prop3_statement(ops, v):
    """As reconstructed from the PDF: −Δ ≤ g − 2E^MCHN_2 ≤ Δ + log d."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl, "<=", mid, "−Δ ≤ g − 2E^{MCHN}_{2}"),
        Rel(mid, "<=", dl + ops.log(ops.count(v.P)), "g − 2E^{MCHN}_{2} ≤ Δ + log d"),
    ]


def prop3_corrected_statement(ops, v):
    """What Propositions 1 and 2 as printed do give: −Δ − log d ≤ g − 2E^MCHN_2 ≤ Δ."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^{MCHN}_{2}"),
        Rel(mid, "<=", dl, "g − 2E^{MCHN}_{2} ≤ Δ"),
    ]


def prop3_sharp_statement(ops, v):
    """With the one-sided Proposition 2: −Δ − log d ≤ g − 2E^MCHN_2 ≤ 0."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^{MCHN}_{2}"),
        Rel(mid, "<=", ops.num(0), "g − 2E^{MCHN}_{2} ≤ 0"),
    ]


def prop3_derivation(target):
    """'Follows directly from Propositions 1 and 2': sum their bounds."""

    def derivation(ops, v):
        p1 = prop1_statement(ops, v)
        p2 = prop2_statement(ops, v)[0]
        gap = _prop2_gap(ops, v)
        dl = _delta(ops, v)
        want = target(ops, v)
        return [
            Step(p1[0], "Proposition 1, lower", cites("prop1", v)),
            Step(p1[1], "Proposition 1, upper", cites("prop1", v)),
            Step(p2, "Proposition 2", cites("prop2", v)),
            Step(Rel(-dl, "<=", gap), "|a| ≤ Δ ⇒ −Δ ≤ a", combine((2, 1))),
            Step(Rel(gap, "<=", dl), "|a| ≤ Δ ⇒ a ≤ Δ", combine((2, 1))),
            Step(
                want[0],
                "lower bound: g ≥ E (Prop. 1) and E − (2E^{MCHN}_{2} − log d) ≥ −Δ",
                combine((1, 1), (3, 1)),
            ),
            Step(
                want[1],
                "upper bound: g ≤ E + log d (Prop. 1) and E − (2E^{MCHN}_{2} − log d) ≤ Δ",
                combine((0, 1), (4, 1)),
            ),
        ]

    return derivation


def prop3_sharp_derivation(ops, v):
    """Proposition 1 and the one-sided Proposition 2."""
    p1 = prop1_statement(ops, v)
    p2 = prop2_onesided_statement(ops, v)
    want = prop3_sharp_statement(ops, v)
    return [
        Step(p1[0], "Proposition 1, lower", cites("prop1", v)),
        Step(p1[1], "Proposition 1, upper", cites("prop1", v)),
        Step(p2[0], "Proposition 2 (one-sided), lower", cites("prop2/one-sided", v)),
        Step(p2[1], "Proposition 2 (one-sided), upper", cites("prop2/one-sided", v)),
        Step(
            want[0], "g ≥ E (Prop. 1) and E − (2E^{MCHN}_{2} − log d) ≥ −Δ", combine((1, 1), (2, 1))
        ),
        Step(
            want[1],
            "g ≤ E + log d (Prop. 1) and E − (2E^{MCHN}_{2} − log d) ≤ 0",
            combine((0, 1), (3, 1)),
        ),
    ]


_PAT = S.pattern_instances


def claims() -> list[Claim]:
    """Propositions 1–3 and their readings."""
    return [
        Claim(
            "prop1",
            "§4, Proposition 1",
            "as printed",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop1_statement,
            lambda: _PAT(),
            pattern_space,
            prop1_derivation,
            every_size,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.nn(v.P, v.x) + o.log(o.count(v.P)), "<=", o.energy(v.P, v.x))
                ]
            ),
        ),
        Claim(
            "prop2",
            "§4, Proposition 2",
            "as printed",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ, β = 2",
            prop2_statement,
            lambda: _PAT(),
            pattern_space,
            prop2_derivation,
            every_size,
            uses=("ramsauer2020:eq2",),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.abs(o.energy(v.P, v.x) - 2 * o.mchn(v.P, v.x, 2)), "<=", _delta(o, v))
                ]
            ),
        ),
        Claim(
            "prop2/one-sided",
            "§4, Proposition 2",
            "sharper: −Δ ≤ E − (2E^{MCHN}_{2} − log d) ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop2_onesided_statement,
            lambda: _PAT(),
            pattern_space,
            prop2_onesided_derivation,
            every_size,
            wrong=dict(statement=lambda o, v: [Rel(o.num(0), "<=", _prop2_gap(o, v))]),
        ),
        Claim(
            "prop3",
            "§4, Proposition 3",
            "as reconstructed from the PDF: −Δ ≤ g − 2E^{MCHN}_{2} ≤ Δ + log d",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_statement,
            lambda: _PAT(),
            pattern_space,
            prop3_derivation(prop3_statement),
            every_size,
            wrong=dict(statement=lambda o, v: [Rel(_prop3_mid(o, v), "<=", -_delta(o, v))]),
        ),
        Claim(
            "prop3/corrected",
            "§4, Proposition 3",
            "what Props. 1 and 2 give: −Δ − log d ≤ g − 2E^{MCHN}_{2} ≤ Δ",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_corrected_statement,
            lambda: _PAT(),
            pattern_space,
            prop3_derivation(prop3_corrected_statement),
            every_size,
            wrong=dict(statement=prop3_statement),
        ),
        Claim(
            "prop3/sharp",
            "§4, Proposition 3",
            "sharper: −Δ − log d ≤ g − 2E^{MCHN}_{2} ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_sharp_statement,
            lambda: _PAT(),
            pattern_space,
            prop3_sharp_derivation,
            every_size,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(_prop3_mid(o, v), "<=", -_delta(o, v) - o.log(o.count(v.P)))
                ]
            ),
        ),
    ]
