"""Lemma 5 derived for every n ≥ 1 and r > 0 by the rule kernel (the derivation lives in
derivations.niu2024.sec5_derivations; the claim ``lemma5`` in special.py uses it)."""

import dataclasses

from derivations.engine import check_derivation, load_registry
from derivations.niu2024.sec5_derivations import lemma5_derivation, lemma5_sizes

REG = load_registry(["niu2024"])


def _lemma5():
    c = REG["niu2024:lemma5"]
    if c.derivation is None:  # until special.py passes derivation=lemma5_derivation
        c = dataclasses.replace(c, derivation=lemma5_derivation, derivation_sizes=lemma5_sizes)
    return c


def test_lemma5_derivation_holds_for_every_n():
    c = _lemma5()
    out = check_derivation(c, {**REG, c.qid: c})
    assert out["complete"] and out["scope"] == "all sizes", [
        (s["text"], s["how"]) for s in out["steps"] if not s["checked"]
    ]
    assert out["sizes_text"] == "every n ≥ 1"
    assert "agrees" in out["agreement"]
    rules = {s["rule"] for s in out["steps"]}
    assert {"integral_bound", "integrate", "in_range"} <= rules


def test_a_wrong_lemma5_bound_is_not_derived():
    """The same steps cannot conclude rⁿ/(n+1) as the upper bound (the wrong variant)."""
    c = _lemma5()
    wrong = dataclasses.replace(c, id="lemma5-wrong-upper", statement=c.wrong["statement"])
    out = check_derivation(wrong, {**REG, wrong.qid: wrong})
    assert not out["complete"]
    assert any(s["why"] == "conclusion" and not s["checked"] for s in out["steps"])


def test_the_registered_lemma5_is_proven_for_every_size():
    from derivations.engine import load_registry, verify_claim

    reg = load_registry(["niu2024"])
    rec = verify_claim(reg["niu2024:lemma5"], reg, {}, 10, seed=0)
    assert rec["status"] == "proven", rec["evidence"]
    assert "for every size" in rec["evidence"]
