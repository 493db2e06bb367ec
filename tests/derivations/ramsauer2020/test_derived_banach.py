"""Lemmas A7 and A12 through the kernel's ``banach`` rule
(:mod:`derivations.ramsauer2020.banach_proofs`): proven for every size; A7 needs both cases
of Lemma A6 (NβM² ≥ 1 and < 1), A12 the capped Lemma A11; a map or a start that differs
from the searched one is caught by the checker's comparison of the definition."""

from __future__ import annotations

import dataclasses

import pytest

from derivations.engine import IterationLimit, Step, load_registry, verify
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.kernel import banach
from derivations.ramsauer2020.a1_proofs import symbolic

REG = load_registry(["ramsauer2020"])
A7, A12 = "ramsauer2020:lemma-a7", "ramsauer2020:lemma-a12"


def test_a7_and_a12_are_proven_for_every_size():
    recs = {r["qid"]: r for r in verify(REG, [A7, A12], examples=8)}
    for cid in (A7, A12):
        assert recs[cid]["status"] == "proven", recs[cid]["evidence"]
        assert "for every size" in recs[cid]["evidence"]
    assert set(recs[A7]["cites"]) == {
        "ramsauer2020:lemma-a5",
        "ramsauer2020:lemma-a6/contraction/side",
        "ramsauer2020:lemma-a6/small-beta",
    }
    assert set(recs[A12]["cites"]) == {
        "ramsauer2020:lemma-a10",
        "ramsauer2020:lemma-a11/eps-capped",
    }


@pytest.mark.parametrize("keep", [0, 1])
def test_a7_needs_both_cases_of_lemma_a6(keep):
    """With only NβM² ≥ 1 (the proof's q) or only NβM² < 1 the Banach step is refused: the
    case's own hypothesis is not established."""

    def one_case(s: Step) -> Step:
        args = dict(s.by.args)
        only = (args["contracts"][keep],)
        return Step(s.rel, s.why, banach(args["limit"], args["into"], only, args["radius"]))

    out = check_derivation(with_step(REG[A7], 3, one_case), REG)
    assert not out["complete"]
    assert "NβM²" in out["steps"][3]["how"] or "is not established" in out["steps"][3]["how"]


@pytest.mark.parametrize("cid", [A7, A12])
@pytest.mark.parametrize("part", ["map", "start"])
def test_a_definition_unlike_the_searched_one_is_caught(cid, part):
    """F at β/2, or the start moved by one step of f, in the search only: the symbolic
    definition the kernel reads no longer agrees with the searched one."""
    c = REG[cid]
    lim = c.defined["star"]

    def searched_map(o, v, x):
        return lim.map(o, v, x) if symbolic(v) else o.hf_update(v.P, x, v.beta / 2)

    def searched_start(o, v):
        x0 = lim.start(o, v)
        return x0 if symbolic(v) else o.hf_update(v.P, x0, v.beta)

    bad = (
        IterationLimit(lim.compute, searched_map, lim.start)
        if part == "map"
        else IterationLimit(lim.compute, lim.map, searched_start)
    )
    out = check_derivation(dataclasses.replace(c, defined={"star": bad}), REG)
    assert not out["complete"]
    assert out["agreement"].startswith("differs in the definition of star"), out["agreement"]
