"""The search counts the trials that meet a claim's hypotheses (the others hold vacuously),
decided in ball arithmetic, and the evidence says so."""

from __future__ import annotations

from hypothesis import strategies as st

from derivations.engine import Claim, Instance, Rel, verify_claim
from derivations.engine.search import hypotheses_met


def _claim(hyps, domain=None):
    def stmt(o, v):  # a² ≥ 0, true everywhere: only the count is under test
        return [Rel(v.a * v.a, ">=", o.num(0))]

    c = Claim(
        "guarded",
        "t",
        "t",
        "inequality",
        "",
        stmt,
        domain or (lambda: st.just(Instance.make(a=1.0))),
        hypotheses=hyps,
        wrong=dict(statement=lambda o, v: [Rel(v.a * v.a, "<", o.num(0))]),
    )
    c.paper = "t"
    return c


def test_each_instance_meets_fails_or_leaves_undecided_its_hypotheses():
    c = _claim(lambda o, v: [Rel(v.a, ">=", o.num(0), "a ≥ 0")])
    assert hypotheses_met(c, Instance.make(a=1.0)) is True
    assert hypotheses_met(c, Instance.make(a=-1.0)) is False
    eq = _claim(lambda o, v: [Rel(o.exp(o.log(v.a)), "==", v.a, "an equality of balls")])
    why = []
    assert hypotheses_met(eq, Instance.make(a=3.0), why) is None  # balls cannot certify ==
    assert why == ["an equality of balls"]
    both = _claim(
        lambda o, v: [
            Rel(o.exp(o.log(v.a)), "==", v.a, "an equality of balls"),
            Rel(v.a, ">=", o.num(0), "a ≥ 0"),
        ]
    )
    why = []
    assert hypotheses_met(both, Instance.make(a=-1.0), why) is False  # a ≥ 0 fails: not
    assert why == []  # "not decided", so its equality is not named
    assert hypotheses_met(_claim(None), Instance.make(a=1.0)) is None


def test_the_evidence_counts_the_trials_that_met_the_hypotheses():
    values = [-2.0, -1.0, 1.0, 2.0, 3.0]
    domain = lambda: st.sampled_from([Instance.make(a=x) for x in values])  # noqa: E731
    c = _claim(lambda o, v: [Rel(v.a, ">=", o.num(0), "a ≥ 0")], domain)
    rec = verify_claim(c, {"t:guarded": c}, {}, 40, seed=0)
    met = rec["values"]["hypotheses_met"]
    assert 0 < met["met"] < rec["trials"] and met["not_decided"] == 0
    assert f"{met['met']} of {rec['trials']} trials met the claim's hypotheses" in rec["evidence"]
    bare = _claim(None, domain)
    rec = verify_claim(bare, {"t:guarded": bare}, {}, 40, seed=0)
    assert "hypotheses_met" not in rec["values"] and "met the claim" not in rec["evidence"]


def test_the_evidence_names_the_hypotheses_not_decided():
    """An equality (f(xᵢ*) = xᵢ* in the packs) cannot be certified by balls: the trials
    where it decides the count are "not decided", and the evidence names it."""
    domain = lambda: st.sampled_from([Instance.make(a=x) for x in (2.0, 3.0, 5.0)])  # noqa: E731
    c = _claim(lambda o, v: [Rel(o.exp(o.log(v.a)), "==", v.a, "e^{ln a} = a")], domain)
    rec = verify_claim(c, {"t:guarded": c}, {}, 20, seed=0)
    met = rec["values"]["hypotheses_met"]
    assert met["met"] == 0 and met["not_decided"] == rec["trials"] > 0
    assert met["not_decided_hypotheses"] == ["e^{ln a} = a"]
    assert f"{rec['trials']} not decided (e^{{ln a}} = a)" in rec["evidence"], rec["evidence"]
