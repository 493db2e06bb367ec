"""Lemmas A7 and A12 of Ramsauer et al. (arXiv:2008.02217v3) through the rule kernel: the
fixed point of the update f reached by iterating from xᵢ (A7) or from m_x (A12) exists and
lies in the ball Sᵢ (S_m), by Banach's fixed point theorem (the kernel's ``banach`` rule),
for every N ≥ 2 and d (A7; then every pattern i by relabelling) and for every cluster size
l ≥ 2, K = N − l ≥ 1 other patterns and d (A12).

The route (the paper's). A7: Sᵢ = {ξ : ‖ξ − xᵢ‖ ≤ 1/(βNM)} is closed and contains xᵢ; f maps
it into itself (Lemma A5) and contracts on it: with NβM² ≥ 1 by the factor
q = 1 − 2(N − 1)²βNM²e^{−2β(Δᵢ + 2/(βN))} < 1 of Lemma A6's proof
(``lemma-a6/contraction/side``), with NβM² < 1 by βNM²/2 < ½ everywhere
(``lemma-a6/small-beta``) — the two cases cover every instance, and the proof's q alone does
not (``lemma-a6/contraction`` is refuted). A12: S_m = {ξ : ‖ξ − m_x‖ ≤ 1/(βm_max)} contains
m_x; under (A10) f maps it into itself (Lemma A10) and contracts on it by
q′ = β(m_max² + 2ε′(2 − ε′)M²) < 1, ε′ = min{ε̄, 1} (``lemma-a11/eps-capped``; the paper's
uncapped q is refuted).

The fixed point is the claims' defined quantity x* (an
:class:`~derivations.engine.model.IterationLimit`: the search computes a certified enclosure
of the point the iteration reaches, the kernel reads f and the start).

Notation as in :mod:`derivations.ramsauer2020.fixed_point_proofs` and
:mod:`derivations.ramsauer2020.metastable_proofs`: patterns x[j, k], ξ, y ∈ ℝᵈ, β > 0,
Q = M² = maxᵢ‖xᵢ‖², Δ₁ (Eq. 5), L = ln(2(N − 1)NβQ), m_x, m_max, r = 1/(βm_max).
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import IterationLimit, Rel, Step
from derivations.engine.kernel import algebra, assumption, banach, relabel
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import a6_proofs as A6
from derivations.ramsauer2020 import a11_proofs as A11
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import fixed_point_proofs as FP
from derivations.ramsauer2020 import lipschitz_proofs as LP
from derivations.ramsauer2020 import metastable_proofs as MP
from derivations.ramsauer2020.common import is_display, row
from theory.indexed import Vec

__all__ = [
    "a7_sizes",
    "a7_hypotheses",
    "a7",
    "a7_derivation",
    "a12_sizes",
    "a12_hypotheses",
    "a12",
    "a12_derivation",
    "update_at",
    "first_pattern",
    "centre",
    "A7_STAR",
    "A12_STAR",
]


def _with_star(v):
    v.star = v.P.query("x^*", latex=r"x^{*}")
    return v


def a7_sizes():
    """N ≥ 2 patterns in ℝᵈ (symbolic), the first singled out, states ξ, y, β > 0 and the
    fixed point x* reached from x₁."""
    return [_with_star(A6.contraction_sizes()[0])]


def a12_sizes():
    """A cluster of l ≥ 2 patterns and K ≥ 1 others (symbolic), states ξ, y, β > 0 and the
    fixed point x* reached from m_x."""
    return [_with_star(A11.space())]


def update_at(o, v, x) -> Vec:
    """f at the state x (Eq. 3): the map both iterations run."""
    return LP._update_at(o, v, x)


def first_pattern(o, v) -> Vec:
    """x₁, the start of A7's iteration."""
    return v.P.row(sp.Integer(1))


def centre(o, v) -> Vec:
    """m_x = (1/l)Σ_{i≤l} xᵢ, the start of A12's iteration."""
    return MP._parts(o, v)[0]


# ------------------------------------------------------------------------------- Lemma A7


def _r7(o, v):
    """r = 1/(βNM), the radius of S₁."""
    return 1 / (v.beta * v.P.d * sp.sqrt(o.max_sqnorm(v.P)))


def a7_hypotheses(o, v):
    """M² > 0 and Eq. 142 for pattern 1 (Lemma A5's without ξ ∈ S₁)."""
    return FP.a5_hypotheses(o, v)[:2]


def a7(o, v):
    """‖x* − x₁‖ ≤ 1/(βNM): x* ∈ S₁."""
    dist = sp.sqrt(EP._sqdist(v.star, first_pattern(o, v)))
    return [Rel(dist, "<=", _r7(o, v), "xᵢ* ∈ Sᵢ")]


def a7_derivation(o, v):
    """x* ∈ S₁ by Banach (the module notes), then every pattern by relabelling."""
    N, beta, Q = v.P.d, v.beta, o.max_sqnorm(v.P)
    delta = AP._sep(v)
    q = 1 - 2 * (N - 1) ** 2 * beta * N * Q * sp.exp(-2 * beta * (delta + 2 / (beta * N)))
    (goal,) = a7(o, v)
    m2, eq142 = a7_hypotheses(o, v)
    return [
        Step(m2, "M² > 0 (hypothesis)", assumption()),
        Step(eq142, "Eq. 142 (hypothesis)", assumption()),
        Step(Rel(q, "<", 1), "q < 1: 2(N − 1)²βNM²e^{…} > 0", algebra()),
        Step(
            goal,
            "Banach: S₁ ∋ x₁ is closed, f maps it into itself (Lemma A5) and contracts on it "
            "(Lemma A6: q < 1 when NβM² ≥ 1, βNM²/2 < ½ when NβM² < 1)",
            banach(
                "star",
                "lemma-a5",
                (
                    ("lemma-a6/contraction/side", q),
                    ("lemma-a6/small-beta", beta * N * Q / 2),
                ),
                _r7(o, v),
            ),
        ),
        Step(goal, "for every pattern i: relabel the patterns so that i comes first", relabel(3)),
    ]


# ------------------------------------------------------------------------------ Lemma A12


def a12_hypotheses(o, v):
    """βm_max² < 1, m_max > 0, M² > 0 and (A10) (Lemma A10's without ξ ∈ S_m)."""
    return MP.a10_hypotheses(o, v)[:4]


def a12(o, v):
    """‖x* − m_x‖ ≤ 1/(βm_max): x* ∈ S_m."""
    r = MP._a10_parts(o, v)[0]
    return [Rel(sp.sqrt(EP._sqdist(v.star, centre(o, v))), "<=", r, "x* ∈ S_m")]


def a12_derivation(o, v):
    """x* ∈ S_m by Banach (the module notes)."""
    q = A11._parts(o, v)[-1]
    (goal,) = a12(o, v)
    hyps = a12_hypotheses(o, v)
    return [
        *[Step(h, f"{h.label} (hypothesis)", assumption()) for h in hyps],  # 0 … 3
        Step(
            goal,
            "Banach: S_m ∋ m_x is closed, f maps it into itself (Lemma A10) and contracts on "
            "it with q′ < 1 (Lemma A11, ε̄ capped at 1)",
            banach(
                "star",
                "lemma-a10",
                (("lemma-a11/eps-capped", q),),
                MP._a10_parts(o, v)[0],
            ),
        ),
    ]


# ------------------------------------------- the fixed points, as the claims define them


def _update(o, v, x):
    """f at the state x on every back end."""
    return update_at(o, v, x) if AP.symbolic(v) else o.hf_update(v.P, x, v.beta)


def _from_pattern(o, v):
    """xᵢ (x₁ at symbolic size; its display symbol when rendering)."""
    if AP.symbolic(v):
        return first_pattern(o, v)
    return v.pat if is_display(v) else row(v.P, v.i)


def _from_centre(o, v):
    """m_x."""
    return centre(o, v) if AP.symbolic(v) else o.hf_centre(v.P, v.l)


def _limit(start) -> IterationLimit:
    """The fixed point of f reached by iterating from ``start``: the search's certified
    enclosure (the vocabulary's ``hf_fixed``), f and the start as the kernel reads them."""
    return IterationLimit(lambda o, v: o.hf_fixed(v.P, start(o, v), v.beta), _update, start)


#: xᵢ*, the fixed point reached from xᵢ (Lemma A7; Claim.defined).
A7_STAR = {"star": _limit(_from_pattern)}
#: The fixed point reached from m_x (Lemma A12; Claim.defined).
A12_STAR = {"star": _limit(_from_centre)}
