"""Lemma A6 with the hypothesis its proof needs (NβM² ≥ 1 beside Eq. 142), through the rule
kernel for every size (:mod:`derivations.ramsauer2020.a6_proofs`): the pointwise bound
‖J(ξ)‖₂ ≤ q and the contraction ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖ on Sᵢ are proven; without
NβM² ≥ 1 the kernel refuses the proof's step ε ≤ ½ (as it must: ``lemma-a6`` is refuted
on Eq. 142's lower branch), and without y ∈ Sᵢ the segment leaves the ball. The case
NβM² < 1 is covered apart: there f is a (βNM²/2)-contraction on all of ℝᵈ. The separation
behind the disjointness of the balls Sᵢ, per pattern (:mod:`derivations.ramsauer2020.
disjoint_proofs`), is proven, and refused without 1 < 2(N − 1)NβM²; with it, for every pattern
at once (``eq302/disjoint``, a conjunction over the patterns)."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED

REG = load_registry(["ramsauer2020"])
SIDE = ("lemma-a6/side", "lemma-a6/contraction/side")
DERIVED = (*SIDE, "lemma-a6/small-beta", "eq302/disjoint/each", "eq302/disjoint")


def _claim(cid):
    return REG[f"ramsauer2020:{cid}"]


def test_lemma_a6_with_its_side_condition_is_proven_for_every_size():
    recs = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{c}" for c in DERIVED], examples=8)}
    for cid in DERIVED:
        rec = recs[f"ramsauer2020:{cid}"]
        assert rec["status"] == "proven", (cid, rec["evidence"])
        assert "for every size" in rec["evidence"], cid


@pytest.mark.parametrize("cid", DERIVED)
def test_a_wrong_last_step_is_rejected(cid):
    c = _claim(cid)
    n = len(c.derivation(INDEXED, c.derivation_sizes()[0]))

    def weaker_q(s: Step) -> Step:  # q − ⅓: false where the bound is tight
        r = s.rel
        return Step(Rel(r.lhs, r.op, r.rhs - sp.Rational(1, 3), r.label, r.over), s.why, s.by)

    out = check_derivation(with_step(c, n - 1, weaker_q), REG)
    assert not out["complete"] and not out["steps"][n - 1]["checked"], cid


@pytest.mark.parametrize("cid", SIDE)
def test_without_n_beta_m2_at_least_one_the_proof_fails_at_eps_le_half(cid):
    """NβM² ≥ 1 dropped from the hypotheses (and its assumption step made a true 0 ≤ 0, so
    the step indices stay): the step ε ≤ ½ is refused, so the citation of Lemma A2's second
    part is too."""
    c = _claim(cid)

    def without(o, v):
        return [h for h in c.hypotheses(o, v) if h.label != "NβM² ≥ 1"]

    def derivation(o, v):
        steps = c.derivation(o, v)
        return [Step(Rel(0, "<=", 0), "", s.by) if s.rel.label == "NβM² ≥ 1" else s for s in steps]

    out = check_derivation(dataclasses.replace(c, hypotheses=without, derivation=derivation), REG)
    assert not out["complete"]
    refused = [s for s in out["steps"] if not s["checked"]]
    assert any("½" in s["why"] for s in refused), [s["why"] for s in refused]
    assert any(s["cites"] and s["cites"].endswith("lemma-a2/eps-half") for s in refused)


def test_the_contraction_needs_y_in_the_ball():
    c = _claim("lemma-a6/contraction/side")

    def without(o, v):
        return [h for h in c.hypotheses(o, v) if h.label != "y ∈ Sᵢ"]

    out = check_derivation(dataclasses.replace(c, hypotheses=without), REG)
    assert not out["complete"]
    assert any("y ∈ Sᵢ" in s["why"] and not s["checked"] for s in out["steps"])


def test_the_small_beta_factor_needs_n_beta_m2_below_one():
    c = _claim("lemma-a6/small-beta")
    out = check_derivation(dataclasses.replace(c, hypotheses=None), REG)
    assert not out["complete"]
    by_why = {s["why"]: s for s in out["steps"]}
    assert not by_why["NβM² < 1"]["checked"]  # βNM²/2 < ½
    assert by_why["the mean value inequality"]["checked"]  # the Lipschitz bound needs none


def test_the_separation_needs_the_side_condition():
    """Without 1 < 2(N − 1)NβM², L = ln(2(N − 1)NβM²) may be ≤ 0 and Eq. 142 no longer
    gives Δᵢ > 2/(βN)."""
    c = _claim("eq302/disjoint/each")

    def without(o, v):
        return c.hypotheses(o, v)[:2]

    out = check_derivation(dataclasses.replace(c, hypotheses=without), REG)
    assert not out["complete"]
    assert not out["steps"][2]["checked"]  # the side condition is no hypothesis now
