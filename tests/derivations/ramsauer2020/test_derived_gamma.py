"""Lemmas A14 and A17 and Theorem A7's step C_{d−1} ≥ 1 − ln(d−1)/(d−1) for every dimension
(:mod:`derivations.ramsauer2020.gamma_proofs`): proven through Wendel's inequality and
e^t ≥ 1 + t; Lemma A14's case d = 1 is needed (Wendel's lower bound fails there) and
checked; a weakened step or a statement the search does not evaluate is caught."""

from __future__ import annotations

import dataclasses

import mpmath
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.kernel import algebra
from derivations.ramsauer2020 import eq387_proofs as EQ
from derivations.ramsauer2020 import gamma_proofs as GP

REG = load_registry(["ramsauer2020"])
A14, A17, STEP = (f"ramsauer2020:{c}" for c in ("lemma-a14", "lemma-a17", "thm-a7/step"))


def test_proven_for_every_dimension_with_a14_cited_by_a17():
    recs = {r["qid"]: r for r in verify(REG, [A14, A17, STEP], examples=12)}
    for cid in (A14, A17, STEP):
        assert recs[cid]["status"] == "proven", recs[cid]["evidence"]
        assert "for every size" in recs[cid]["evidence"]
    assert recs[A17]["cites"] == [A14]
    assert recs[STEP]["cites"] == []  # Wendel directly, at k = d − 1


def test_a14_without_its_d_equals_1_case_is_not_for_every_d():
    """Wendel's lower bound gives κ_d ≥ 1/√(2π(d+1)), which is below the paper's bound at
    d = 1 (0.2821 < 0.2897 ≤ κ₁ = 1/π); so d = 1 is its own case, and the derivation's
    step (e^{4/3} − 2)d ≥ 2 indeed fails there."""
    with mpmath.workdps(30):
        wendel_lo = 1 / mpmath.sqrt(4 * mpmath.pi)
        paper_lo = 1 / (mpmath.exp(mpmath.mpf(1) / 6) * mpmath.sqrt(mpmath.e * mpmath.pi))
        assert wendel_lo < paper_lo < 1 / mpmath.pi
    claim = dataclasses.replace(REG[A14], derivation_sizes=lambda: [GP.space(1)])
    out = check_derivation(claim, REG)
    assert not out["complete"]
    bad = [s for s in out["steps"] if not s["checked"]]
    assert bad and "rhs − lhs" in bad[0]["how"]


def test_a_weakened_step_or_another_statement_is_caught():
    # κ_d ≤ e^{1/12}/√(2πd) stated as κ_d ≤ 1/(2√(2πd)): not licensed by the combination
    def halve(s: Step) -> Step:
        return Step(Rel(s.rel.lhs, "<=", s.rel.rhs / 2), s.why, s.by)

    assert not check_derivation(with_step(REG[A14], 1, halve), REG)["complete"]

    # Lemma A17's e^{1/d} ≥ 1 + 1/d claimed by algebra: the sign rules do not know it
    def by_algebra(s: Step) -> Step:
        return Step(s.rel, s.why, algebra())

    out = check_derivation(with_step(REG[A17], 7, by_algebra), REG)
    assert not out["complete"]

    # a statement other than the searched one (ln(d+1) proven, ln d searched): not proven
    def other(o, v):
        shift = 1 if isinstance(v.n, sp.Basic) and v.n.free_symbols else 0
        return [Rel(GP.c_const(o, v.n), ">=", 1 - o.log(v.n + shift) / v.n)]

    out = check_derivation(dataclasses.replace(REG[A17], statement=other), REG)
    assert not out["complete"] and "differs" in out["agreement"]


def test_the_wrong_variants_are_refuted_with_a_dimension():
    for cid in (A14, A17, STEP):
        wrong = REG[cid].wrong_variant()
        (rec,) = verify({**REG, wrong.qid: wrong}, [wrong.qid], examples=20)
        assert rec["status"] == "refuted", rec["evidence"]
        assert "n" in rec["counterexample"]["params"]  # the dimension (the paper's d)


def test_eq387_first_d_is_proven_from_21_and_fails_at_20():
    """Theorem A7's printed example: Eq. 387 (β = 1, K = 3, c = 2) for every d ≥ 21 — the
    tail k = d − 1 ≥ 100 symbolically, each d = 21…101 by certified constants; from d = 20
    the derivation fails at d = 20 and the search (the wrong variant) finds it."""
    first = "ramsauer2020:thm-a7/example/first-d"
    rec = {r["qid"]: r for r in verify(REG, [first], examples=12)}[first]
    assert rec["status"] == "proven", rec["evidence"]
    out = check_derivation(dataclasses.replace(REG[first], derivation_sizes=EQ.eq387_sizes(20)), {})
    bad = [s for s in out["steps"] if not s["checked"]]
    assert not out["complete"] and bad and all(s["where"].startswith("d = 20") for s in bad)
    assert not any("; at d =" in s["how"] for s in bad)  # d = 20 alone fails
    wrong = REG[first].wrong_variant()
    (rec,) = verify({**REG, wrong.qid: wrong}, [wrong.qid], examples=20)
    assert rec["status"] == "refuted" and rec["counterexample"]["params"]["n"] == 20


def test_eq387_with_c_is_proven_from_17_citing_the_step_and_the_printed_form():
    with_c = "ramsauer2020:thm-a7/example/with-C"
    rec = {r["qid"]: r for r in verify(REG, [with_c], examples=12)}[with_c]
    assert rec["status"] == "proven", rec["evidence"]
    assert set(rec["cites"]) == {STEP, "ramsauer2020:thm-a7/example/first-d"}
    out = check_derivation(REG[with_c], REG)
    assert out["sizes_text"] == "every k ≥ 100 (d = k + 1); d = 17…101"
    wrong = REG[with_c].wrong_variant()  # from d = 10: fails below 17
    (rec,) = verify({**REG, wrong.qid: wrong}, [wrong.qid], examples=30)
    assert rec["status"] == "refuted" and rec["counterexample"]["params"]["n"] < 17
