"""App. A.1.4 of Ramsauer et al. through the rule kernel for every N ≥ 2 and d
(:mod:`derivations.ramsauer2020.a1_proofs`): Eq. 5 = Eq. 140 and Lemma A4's softmax bounds
are derived for the first pattern with every step checked, and stay *supported* because the
relabelling to other patterns is a step no rule confirms; a derivation with a wrong step (a
wrong expansion, a map used outside the domain where it increases, an inequality turned
around) is not checked."""

from __future__ import annotations

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine import kernel as K
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED
from derivations.ramsauer2020 import a1_proofs as AP

REG = load_registry(["ramsauer2020"])
DERIVED = ("eq5", "lemma-a4/softmax")


def _claim(cid):
    return REG[f"ramsauer2020:{cid}"]


def _with_step(cid, k, change):
    """The claim with step ``k`` of its derivation replaced by ``change(step)``."""
    return with_step(_claim(cid), k, change)


def test_the_a1_claims_are_supported_naming_the_relabelling():
    recs = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{c}" for c in DERIVED], examples=8)}
    for cid in DERIVED:
        rec = recs[f"ramsauer2020:{cid}"]
        assert rec["status"] == "supported", (cid, rec["evidence"])
        assert "relabel" in rec["evidence"], (cid, rec["evidence"])


@pytest.mark.parametrize("cid", DERIVED)
def test_every_step_but_the_relabelling_is_checked_for_every_size(cid):
    out = check_derivation(_claim(cid), REG)
    assert not out["complete"] and out["sizes_text"] == "every N ≥ 2, d ≥ 1", cid
    *before, last = out["steps"]
    assert before and all(s["checked"] and s["where"] == out["sizes_text"] for s in before)
    assert "relabel" in last["why"] and not last["checked"]
    assert out["agreement"].startswith("agrees"), out["agreement"]


@pytest.mark.parametrize("cid", DERIVED)
def test_a_wrong_last_step_is_rejected(cid):
    """The conclusion made stronger by ⅓ does not follow (the last step before the
    relabelling)."""
    c = _claim(cid)
    n = len(c.derivation(INDEXED, c.derivation_sizes()[0])) - 1

    def stronger(s):
        r = s.rel
        d = -sp.Rational(1, 3) if r.op in ("<=", "<") else sp.Rational(1, 3)
        return Step(Rel(r.lhs, r.op, r.rhs + d, r.label, r.over), s.why, s.by)

    out = check_derivation(_with_step(cid, n - 1, stronger), REG)
    assert not out["complete"] and not out["steps"][n - 1]["checked"], cid


def test_eq5_a_wrong_expansion_is_rejected():
    """½(‖x₁‖² − ‖xⱼ‖² + ‖x₁ − xⱼ‖²) is not ‖x₁‖² − 2x₁ᵀxⱼ."""
    v = AP.space()
    one = sp.Integer(1)
    wrong = AP._sq(v.P, one) - 2 * AP._dot(v.P, one, AP._J)

    out = check_derivation(
        _with_step(
            "eq5", 0, lambda s: Step(Rel(s.rel.lhs, "==", wrong, over=s.rel.over), "", s.by)
        ),
        REG,
    )
    assert not out["complete"] and not out["steps"][0]["checked"]


def test_a4_the_reciprocal_needs_the_positive_domain():
    """t ↦ −1/t increases on t > 0 only: applied on "real" it is refused."""
    steps = AP.a4_derivation(INDEXED, AP.space())
    k = next(n for n, s in enumerate(steps) if s.by.rule == "monotone" and n > 3)
    t = sp.Dummy("t")
    f = sp.Lambda(t, -1 / t)
    out = check_derivation(
        _with_step("lemma-a4/softmax", k, lambda s: Step(s.rel, s.why, K.monotone(k - 1, f))), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])


def test_a4_dividing_by_the_larger_sum_is_not_an_upper_bound():
    """T/e^{βz₁} ≤ T/S (the inequality turned around) does not follow from 1/S ≤ e^{−βz₁}."""
    steps = AP.a4_derivation(INDEXED, AP.space())
    k = next(n for n, s in enumerate(steps) if s.why == "T ≥ 0 times step 9")
    r = steps[k].rel
    out = check_derivation(
        _with_step("lemma-a4/softmax", k, lambda s: Step(Rel(r.rhs, "<=", r.lhs), s.why, s.by)),
        REG,
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
