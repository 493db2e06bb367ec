"""Lemma A11 with ε̄ capped at 1 (``lemma-a11/eps-capped``), through the rule kernel for
every size (:mod:`derivations.ramsauer2020.a11_proofs`): proven; a wrong last step is
refused; with the paper's uncapped ε̄ the step min{ε̄, 1} ≤ 1 becomes ε̄ ≤ 1 and is refused
(as it must be: ``lemma-a11`` is refuted); without y ∈ S_m or m_max > 0 the proof stops."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED
from derivations.ramsauer2020 import a11_proofs as A11

REG = load_registry(["ramsauer2020"])
CID = "ramsauer2020:lemma-a11/eps-capped"
CLAIM = REG[CID]


def test_the_capped_reading_is_proven_for_every_size():
    rec = {r["qid"]: r for r in verify(REG, [CID], examples=8)}[CID]
    assert rec["status"] == "proven", rec["evidence"]
    assert "for every size" in rec["evidence"]


@pytest.mark.slow
def test_a_wrong_last_step_is_rejected():
    n = len(CLAIM.derivation(INDEXED, CLAIM.derivation_sizes()[0]))

    def tighter(s: Step) -> Step:  # q′ < 2/3: false for β m_max² near 1
        r = s.rel
        return Step(Rel(r.lhs, r.op, r.rhs - sp.Rational(1, 3), r.label, r.over), s.why, s.by)

    out = check_derivation(with_step(CLAIM, n - 1, tighter), REG)
    assert not out["complete"] and not out["steps"][n - 1]["checked"]


def test_without_the_cap_the_step_eps_bar_le_one_is_refused(monkeypatch):
    """ε′ replaced by the paper's ε̄ everywhere (statement and derivation): ε̄ ≤ 1 is not
    a consequence of (A10), and the kernel refuses it."""
    parts = A11._parts

    def uncapped(o, v):
        m, mmax, Q, M, r, top, A, dm, ebar, ecap, q = parts(o, v)
        return (
            m,
            mmax,
            Q,
            M,
            r,
            top,
            A,
            dm,
            ebar,
            ebar,
            v.beta * (mmax**2 + 2 * ebar * (2 - ebar) * Q),
        )

    monkeypatch.setattr(A11, "_parts", uncapped)
    out = check_derivation(CLAIM, REG)
    assert not out["complete"]
    refused = {s["why"] for s in out["steps"] if not s["checked"]}
    assert "min{ε̄, 1} ≤ 1" in refused
    assert "min{ε̄, 1} ≤ ε̄" not in refused  # ε̄ ≤ ε̄ still holds


def _without(label):
    def hyps(o, v):
        return [h for h in CLAIM.hypotheses(o, v) if h.label != label]

    return check_derivation(dataclasses.replace(CLAIM, hypotheses=hyps), REG)


def test_the_contraction_needs_y_in_s_m():
    out = _without("y ∈ S_m")
    assert not out["complete"]
    assert any("y ∈ S_m" in s["why"] and not s["checked"] for s in out["steps"])


def test_the_sign_facts_about_eps_bar_need_m_max_positive():
    """ε̄ = (N − l)e^{−β(Δ_m − 2M/(βm_max))}: without the checked step 0 < m_max the sign
    rules do not even know ε̄ is real."""
    out = _without("m_max > 0")
    by_why = {s["why"]: s for s in out["steps"]}
    assert not by_why["ε̄ > 0"]["checked"]
    assert not by_why["min{ε̄, 1} ≤ 1"]["checked"]
