"""Section 4 of Niu et al. (arXiv:2405.08707v2): Propositions 1–3 as claims.

Notation: patterns ρ¹…ρ^d (rows of P), query x, d patterns, n dimensions;
Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖²; g (Eq. 3), E (Eq. 4), E^MCHN_β (Ramsauer et al.).
"""

from __future__ import annotations

from types import SimpleNamespace

from derivations import strategies as S
from derivations.engine import (
    Algebra,
    Cites,
    Claim,
    Combine,
    Rel,
    Step,
)
from derivations.niu2024.common import (
    pattern_sizes,
    patterns_display,
)
from derivations.niu2024.lemmas import lemma3_statement, lemma4_statement

SECTION = "4"


def prop1_statement(ops, v):
    g = ops.nn(v.P, v.x)
    E = ops.energy(v.P, v.x)
    return [Rel(g - ops.log(ops.count(v.P)), "<=", E, "g − log d ≤ E"), Rel(E, "<=", g, "E ≤ g")]


def prop1_derivation(ops, v):
    w = SimpleNamespace(z=ops.dists(v.P, v.x))
    rels = lemma3_statement(False)(ops, w)
    return [
        Step(rels[0], "Lemma 3 (non-strict) at z = (dist(x, ρⁱ))ᵢ", Cites("lemma3/nonstrict", w)),
        Step(rels[1], "Lemma 3 (non-strict) at z = (dist(x, ρⁱ))ᵢ", Cites("lemma3/nonstrict", w)),
    ]


def _delta(ops, v):
    return ops.max_sqnorm(v.P) - ops.min_sqnorm(v.P)


def _prop2_gap(ops, v):
    """E(x) − (2E^MCHN_{β=2}(x) − log d)."""
    return ops.energy(v.P, v.x) - (2 * ops.mchn(v.P, v.x, 2) - ops.log(ops.count(v.P)))


def prop2_statement(ops, v):
    return [Rel(ops.abs(_prop2_gap(ops, v)), "<=", _delta(ops, v), "|E − (2E^MCHN_2 − log d)| ≤ Δ")]


def prop2_onesided_statement(ops, v):
    gap = _prop2_gap(ops, v)
    return [
        Rel(-_delta(ops, v), "<=", gap, "−Δ ≤ E − (2E^MCHN_2 − log d)"),
        Rel(gap, "<=", ops.num(0), "E − (2E^MCHN_2 − log d) ≤ 0"),
    ]


def prop2_derivation(ops, v):
    """The printed proof: 2E^MCHN_2 − log d = −LSE(w), wᵢ = ‖ρⁱ‖² − ξ² − ‖x − ρⁱ‖²; Lemma 4."""
    dists = ops.dists(v.P, v.x)
    norms = ops.sqnorms(v.P)
    xi2 = ops.max_sqnorm(v.P)
    w = [nrm - xi2 - dd for nrm, dd in zip(norms, dists, strict=True)]
    u = [-dd for dd in dists]
    c = SimpleNamespace(z=w, y=u)
    lem4 = lemma4_statement(ops, c)[0]
    diff = ops.vadd(w, ops.vscale(-1, u))
    return [
        Step(
            Rel(2 * ops.mchn(v.P, v.x, 2) - ops.log(ops.count(v.P)), "==", -ops.lse(w)),
            "expand 2E^MCHN_2 − log d (the printed proof)",
            Algebra(),
        ),
        Step(Rel(ops.energy(v.P, v.x), "==", -ops.lse(u)), "Eq. (4)", Algebra()),
        Step(lem4, "Lemma 4 with z = w, y = (−dist(x, ρⁱ))ᵢ", Cites("lemma4", c)),
        Step(
            Rel(ops.inf_norm(diff), "==", _delta(ops, v)),
            "‖w + dist‖∞ = maxᵢ |‖ρⁱ‖² − ξ²| = Δ",
            Algebra(),
        ),
        Step(
            Rel(ops.abs(_prop2_gap(ops, v)), "==", lem4.lhs), "substitute steps 1 and 2", Algebra()
        ),
        Step(
            Rel(ops.abs(_prop2_gap(ops, v)), "<=", ops.inf_norm(diff)),
            "steps 5 and 3",
            Combine(((2, 1), (4, 1))),
        ),
        Step(prop2_statement(ops, v)[0], "step 6 and step 4", Combine(((5, 1), (3, 1)))),
    ]


def _prop3_mid(ops, v):
    return ops.nn(v.P, v.x) - 2 * ops.mchn(v.P, v.x, 2)


def prop3_statement(ops, v):
    """As reconstructed from the PDF: −Δ ≤ g − 2E^MCHN_2 ≤ Δ + log d."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl, "<=", mid, "−Δ ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", dl + ops.log(ops.count(v.P)), "g − 2E^MCHN_2 ≤ Δ + log d"),
    ]


def prop3_corrected_statement(ops, v):
    """What Propositions 1 and 2 as printed do give: −Δ − log d ≤ g − 2E^MCHN_2 ≤ Δ."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", dl, "g − 2E^MCHN_2 ≤ Δ"),
    ]


def prop3_sharp_statement(ops, v):
    """With the one-sided Proposition 2: −Δ − log d ≤ g − 2E^MCHN_2 ≤ 0."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", ops.num(0), "g − 2E^MCHN_2 ≤ 0"),
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
            Step(p1[0], "Proposition 1, lower", Cites("prop1", v)),
            Step(p1[1], "Proposition 1, upper", Cites("prop1", v)),
            Step(p2, "Proposition 2", Cites("prop2", v)),
            Step(Rel(-dl, "<=", gap), "|a| ≤ Δ ⇒ −Δ ≤ a", Combine(((2, 1),))),
            Step(Rel(gap, "<=", dl), "|a| ≤ Δ ⇒ a ≤ Δ", Combine(((2, 1),))),
            Step(want[0], "lower bound from Prop. 1 (g ≥ E) and step 4", Combine(((1, 1), (3, 1)))),
            Step(
                want[1],
                "upper bound from Prop. 1 (g ≤ E + log d) and step 5",
                Combine(((0, 1), (4, 1))),
            ),
        ]

    return derivation


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
            patterns_display,
            prop1_derivation,
            pattern_sizes(),
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
            patterns_display,
            prop2_derivation,
            pattern_sizes(((1, 1), (2, 1))),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.abs(o.energy(v.P, v.x) - 2 * o.mchn(v.P, v.x, 2)), "<=", _delta(o, v))
                ]
            ),
        ),
        Claim(
            "prop2/one-sided",
            "§4, Proposition 2",
            "sharper: −Δ ≤ E − (2E^MCHN_2 − log d) ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop2_onesided_statement,
            lambda: _PAT(),
            patterns_display,
            wrong=dict(statement=lambda o, v: [Rel(o.num(0), "<=", _prop2_gap(o, v))]),
        ),
        Claim(
            "prop3",
            "§4, Proposition 3",
            "as reconstructed from the PDF: −Δ ≤ g − 2E^MCHN_2 ≤ Δ + log d",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_statement,
            lambda: _PAT(),
            patterns_display,
            prop3_derivation(prop3_statement),
            pattern_sizes(((1, 1), (2, 1))),
            wrong=dict(statement=lambda o, v: [Rel(_prop3_mid(o, v), "<=", -_delta(o, v))]),
        ),
        Claim(
            "prop3/corrected",
            "§4, Proposition 3",
            "what Props. 1 and 2 give: −Δ − log d ≤ g − 2E^MCHN_2 ≤ Δ",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_corrected_statement,
            lambda: _PAT(),
            patterns_display,
            prop3_derivation(prop3_corrected_statement),
            pattern_sizes(((1, 1), (2, 1))),
            wrong=dict(statement=prop3_statement),
        ),
        Claim(
            "prop3/sharp",
            "§4, Proposition 3",
            "sharper: −Δ − log d ≤ g − 2E^MCHN_2 ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_sharp_statement,
            lambda: _PAT(),
            patterns_display,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(_prop3_mid(o, v), "<=", -_delta(o, v) - o.log(o.count(v.P)))
                ]
            ),
        ),
    ]
