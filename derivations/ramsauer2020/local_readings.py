"""App. A.1.4–A.1.5 of Ramsauer et al. (arXiv:2008.02217v3), readings proven through the
rule kernel: Lemma A6 with the hypothesis its proof needs, NβM² ≥ 1 beside Eq. 142 (so that
ε ≤ ½, Lemma A24's hypothesis for Lemma A2's second part), and the case NβM² < 1 it misses;
the separation behind the disjointness of the balls Sᵢ, per pattern. Lemma A6 as the proof
states it is ``lemma-a6``, the disjointness as stated ``eq302/disjoint`` (:mod:`local`).

Notation as in :mod:`derivations.ramsauer2020.local`: patterns xᵢ (rows of P), ξ, β, N,
M = maxᵢ‖xᵢ‖, J the Jacobian of f (Eq. 59), Δᵢ (Eq. 5), r = 1/(βNM) the radius of Sᵢ,
q = 1 − 2(N − 1)²βNM²e^{−2β(Δᵢ + 2/(βN))}.
"""

from __future__ import annotations

from types import SimpleNamespace

from derivations.engine import Claim, Rel
from derivations.ramsauer2020 import a6_proofs as A6
from derivations.ramsauer2020 import disjoint_proofs as DP
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020.common import (
    count,
    display,
    dist,
    dshow,
    is_display,
    row,
    rows,
    under,
)
from derivations.ramsauer2020.local import _M, _pattern, a6_bound, eq142_hypotheses, radius

SECTION = "local"

#: How the derivations of the readings below reach every pattern.
_RELABELLED = (
    " (derivation: for every N ≥ 2 and d, for the first pattern, and for every pattern i, its "
    "hypotheses with it, by the kernel's relabel rule)"
)


def _update_gap(o, v):
    """‖f(ξ) − f(y)‖."""
    return dist(o, o.hf_update(v.P, v.x, v.beta), o.hf_update(v.P, v.y, v.beta))


def side_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern i, ξ ∈ Sᵢ and NβM² ≥ 1 (what the derivation assumes)."""
    if EP.symbolic(v):
        return A6.side_hypotheses(o, v)
    return [
        *eq142_hypotheses(o, v),
        Rel(dist(o, v.x, _pattern(v)), "<=", radius(o, v), "ξ ∈ Sᵢ"),
        Rel(o.num(1), "<=", count(o, v.P) * v.beta * _M(o, v) ** 2, "NβM² ≥ 1"),
    ]


def side_statement(o, v):
    """Eq. 142, NβM² ≥ 1 and ξ ∈ Sᵢ ⇒ ‖J(ξ)‖₂ ≤ q < 1."""
    if EP.symbolic(v):
        return A6.side(o, v)
    q = a6_bound(o, v)
    rels = [
        Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", q, "‖J(ξ)‖₂ ≤ q"),
        Rel(q, "<", o.num(1), "q < 1"),
    ]
    return under(o, v, side_hypotheses, rels)


def contraction_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern i, ξ, y ∈ Sᵢ and NβM² ≥ 1."""
    if EP.symbolic(v):
        return A6.contraction_hypotheses(o, v)
    m2, eq142, near, side_ = side_hypotheses(o, v)
    far = Rel(dist(o, v.y, _pattern(v)), "<=", radius(o, v), "y ∈ Sᵢ")
    return [m2, eq142, near, far, side_]


def contraction_statement(o, v):
    """Eq. 142, NβM² ≥ 1 and ξ, y ∈ Sᵢ ⇒ ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖."""
    if EP.symbolic(v):
        return A6.contraction(o, v)
    lhs = _update_gap(o, v)
    rels = [Rel(lhs, "<=", a6_bound(o, v) * dist(o, v.x, v.y), "f contracts on Sᵢ")]
    return under(o, v, contraction_hypotheses, rels)


def small_beta_hypotheses(o, v):
    """NβM² < 1."""
    if EP.symbolic(v):
        return A6.small_beta_hypotheses(o, v)
    return [Rel(count(o, v.P) * v.beta * _M(o, v) ** 2, "<", o.num(1), "NβM² < 1")]


def small_beta_statement(o, v):
    """‖f(ξ) − f(y)‖ ≤ (βNM²/2)‖ξ − y‖, and NβM² < 1 ⇒ βNM²/2 < ½."""
    if EP.symbolic(v):
        return A6.small_beta(o, v)
    c = v.beta * count(o, v.P) * _M(o, v) ** 2 / 2
    lhs = _update_gap(o, v)
    rels = [
        Rel(lhs, "<=", c * dist(o, v.x, v.y), "(βNM²/2)-Lipschitz"),
        Rel(c, "<", o.num(0.5), "βNM²/2 < ½"),
    ]
    return under(o, v, small_beta_hypotheses, rels)


def each_hypotheses(o, v):
    """M² > 0, Eq. 142 for pattern i and 1 < 2(N − 1)NβM²."""
    if EP.symbolic(v):
        return DP.each_hypotheses(o, v)
    N = count(o, v.P)
    side = Rel(o.num(1), "<", 2 * (N - 1) * N * v.beta * _M(o, v) ** 2, "1 < 2(N − 1)NβM²")
    return [*eq142_hypotheses(o, v), side]


def each_statement(o, v):
    """Eq. 142 for pattern i and 1 < 2(N − 1)NβM² ⇒ min_{j≠i} βNM‖xᵢ − xⱼ‖ > 2, i.e.
    ‖xᵢ − xⱼ‖ > 2/(βNM) = 2r for every j ≠ i."""
    if EP.symbolic(v):
        return DP.each(o, v)
    if is_display(v):
        gap = dshow("MinGapIScaled", r"\min_{j \ne i} \beta N M\left\|x_i - x_j\right\|")
        return [Rel(gap, ">", o.num(2))]
    R = rows(v.P)
    c = v.beta * count(o, v.P) * _M(o, v)
    gap = o.min([c * dist(o, row(v.P, v.i), R[j]) for j in range(len(R)) if j != v.i])
    rels = [Rel(gap, ">", o.num(2), "Sᵢ ∩ Sⱼ = ∅")]
    return under(o, v, each_hypotheses, rels)


def _per_pattern(v, **extra) -> list:
    """The instance once per pattern i = 0, 1, … (0-based), with ``extra`` attributes."""
    return [SimpleNamespace(**{**vars(v), "i": i, **extra}) for i in range(len(rows(v.P)))]


def every_hypotheses(o, v):
    """M² > 0, Eq. 142 and 1 < 2(N − 1)NβM² for pattern 1, then for pattern 2, … (those of
    ``eq302/disjoint/each`` for every pattern)."""
    if EP.symbolic(v):
        return DP.each_hypotheses(o, v)
    return [h for w in _per_pattern(v) for h in each_hypotheses(o, w)]


def disjoint_statement(o, v):
    """Eq. 142 for every i and 1 < 2(N − 1)NβM² ⇒ the balls Sᵢ are pairwise disjoint:
    min_{j≠i} βNM‖xᵢ − xⱼ‖ > 2 for every i (``eq302/disjoint/each`` for every pattern, in
    turn), shown as min_{i<j}‖xᵢ − xⱼ‖ > 2/(βNM) — the same."""
    if EP.symbolic(v):
        return DP.each(o, v)
    if is_display(v):
        gap = dshow("MinGap", r"\min_{i<j}\left\|x_i - x_j\right\|")
        return [Rel(gap, ">", 2 * radius(o, v))]
    rels = [r for w in _per_pattern(v, assume_hypotheses=True) for r in each_statement(o, w)]
    return under(o, v, every_hypotheses, rels)


def _unconditional_gap(o, v):
    """The wrong variant: minᵢ<ⱼ ‖xᵢ − xⱼ‖ > 2/(βNM) with no hypothesis."""
    R = rows(v.P)
    gap = o.min([dist(o, R[i], R[j]) for i in range(len(R)) for j in range(i + 1, len(R))])
    return [Rel(gap, ">", 2 * radius(o, v), "Sᵢ ∩ Sⱼ = ∅")]


def claims() -> list[Claim]:
    return [
        Claim(
            "lemma-a6/side",
            "App. A.1.4, Lemma A6 (its proof's bound, with NβM² ≥ 1)",
            "Eq. 142, NβM² ≥ 1 and ξ ∈ Sᵢ ⇒ ‖J(ξ)‖₂ ≤ 1 − 2(N−1)²βNM²e^{−2β(Δᵢ + 2/(βN))} < 1 "
            "(NβM² ≥ 1 gives the ε ≤ ½ the proof's use of Lemma A2 needs)",
            "inequality",
            "patterns with Eq. 142 for pattern i and NβM² ≥ 1; ξ ∈ Sᵢ" + _RELABELLED,
            side_statement,
            lambda: D.separated(max_N=8),
            display,
            A6.side_derivation,
            A6.sizes,
            hypotheses=side_hypotheses,
            wrong=dict(
                statement=lambda o, v: [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", 1 - a6_bound(o, v))]
            ),
        ),
        Claim(
            "lemma-a6/contraction/side",
            "App. A.1.4, Lemma A6 (with NβM² ≥ 1)",
            "Eq. 142, NβM² ≥ 1 and ξ, y ∈ Sᵢ ⇒ ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖ with the proof's q < 1: "
            "f is a contraction on Sᵢ",
            "inequality",
            "patterns with Eq. 142 for pattern i and NβM² ≥ 1; ξ, y ∈ Sᵢ" + _RELABELLED,
            contraction_statement,
            lambda: D.separated_pair(max_N=8),
            display,
            A6.contraction_derivation,
            A6.contraction_sizes,
            hypotheses=contraction_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        _update_gap(o, v),
                        "<=",
                        (1 - a6_bound(o, v)) * dist(o, v.x, v.y),
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a6/small-beta",
            "App. A.1.4, Lemma A6 (the case NβM² < 1)",
            "NβM² < 1 (where the proof's q fails) ⇒ ‖f(ξ) − f(y)‖ ≤ (βNM²/2)‖ξ − y‖ for all ξ, "
            "y, with βNM²/2 < ½: f is a contraction on ℝᵈ, so on Sᵢ, also there",
            "inequality",
            "patterns, ξ, y, β with NβM² < 1 (searched on Eq. 142 instances; derivation: for "
            "every N and d)",
            small_beta_statement,
            lambda: D.separated_pair(max_N=8),
            display,
            A6.small_beta_derivation,
            LP.a3_sizes,
            hypotheses=small_beta_hypotheses,
            wrong=dict(  # the factor below ½ without NβM² < 1
                statement=lambda o, v: [
                    Rel(v.beta * count(o, v.P) * _M(o, v) ** 2 / 2, "<", o.num(0.5))
                ]
            ),
        ),
        Claim(
            "eq302/disjoint/each",
            "App. A.1.5, before Eq. (307), per pattern",
            "Eq. 142 for pattern i and 1 < 2(N − 1)NβM² ⇒ ‖xᵢ − xⱼ‖ > 2/(βNM) for every j ≠ i "
            "(written min_{j≠i} βNM‖xᵢ − xⱼ‖ > 2): Sᵢ is disjoint from every other Sⱼ (with "
            "Eq. 142 for every i, the balls are pairwise disjoint)",
            "inequality",
            "patterns with Eq. 142 for pattern i and 1 < 2(N − 1)NβM²" + _RELABELLED,
            each_statement,
            lambda: D.separated(max_N=6),
            display,
            DP.each_derivation,
            DP.sizes,
            hypotheses=each_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        o.min(
                            [dist(o, row(v.P, v.i), r) for j, r in enumerate(rows(v.P)) if j != v.i]
                        ),
                        ">",
                        8 * radius(o, v),
                    )
                ]
            ),
        ),
        Claim(
            "eq302/disjoint",
            "App. A.1.5, before Eq. (307)",
            "Eq. 142 for every i and 1 < 2(N − 1)NβM² ⇒ the balls Sᵢ are pairwise disjoint "
            "(searched as ‖xᵢ − xⱼ‖ > 2/(βNM) for every i and every j ≠ i, i.e. "
            "eq302/disjoint/each for every pattern in turn)",
            "inequality",
            "patterns with Eq. 142 for every i, β (derivation: for every N ≥ 2 and d, "
            "eq302/disjoint/each for the first pattern, carried to every pattern by the "
            "kernel's relabel rule: the conjunction over the patterns)",
            disjoint_statement,
            lambda: D.all_separated(),
            display,
            DP.every_derivation,
            DP.sizes,
            hypotheses=every_hypotheses,
            over_patterns="all",
            wrong=dict(
                statement=_unconditional_gap, domain=lambda: D.hopfield(min_N=2, max_N=5, max_d=3)
            ),
        ),
    ]
