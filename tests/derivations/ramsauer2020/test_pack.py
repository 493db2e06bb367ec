"""The ramsauer2020 pack: its claims cover the spec's labels, ids and aliases resolve, every
statement renders, and the claims Niu et al.'s pack cites exist with exactly these ids.
(Every claim's wrong variant is tested for all packs in tests/derivations/engine/test_packs.py.)"""

from __future__ import annotations

import re

import pytest

from derivations.engine import installed_papers, load_registry, resolve_ids

REG = load_registry(["ramsauer2020"])
PAPER = installed_papers()["ramsauer2020"]

#: Labels of the spec's DET / CONST / PROB / ASYMP / CITED statements (main text and appendix).
SPEC_LABELS = (
    "eq2",
    "eq3",
    "eq5",
    "eq10",
    "eq398",
    "thm1",
    "thm-a1",
    "thm2",
    "thm-a2",
    "thm3",
    "thm-a5",
    "thm4",
    "thm-a8",
    "thm5",
    "thm-a9",
    "thm-a3",
    "thm-a4",
    "thm-a6",
    "thm-a7",
    "thm-a10",
    "cor-a1",
    "cor-a2",
    "lemma-a1",
    "lemma-a2",
    "lemma-a3",
    "lemma-a4",
    "lemma-a5",
    "lemma-a6",
    "lemma-a7",
    "lemma-a8",
    "lemma-a9",
    "lemma-a10",
    "lemma-a11",
    "lemma-a12",
    "lemma-a13",
    "lemma-a14",
    "lemma-a15",
    "lemma-a16",
    "lemma-a17",
    "lemma-a18",
    "lemma-a19",
    "lemma-a20",
    "lemma-a21",
    "lemma-a22",
    "lemma-a23",
    "lemma-a24",
    "lemma-a25",
    "lemma-a26",
    "lemma-a27",
    "lemma-a28",
    "lemma-a29",
    "lemma-a30",
    "lemma-a31",
    "lemma-a32",
)
#: The ids Niu et al.'s pack cites (the lead wires ``uses=``): they must exist exactly.
CITED_BY_NIU = ("eq2", "eq3", "eq10", "thm1", "lemma-a18")


def test_the_pack_is_found_with_sections_and_figures():
    assert PAPER.ref == "arXiv:2008.02217v3"
    keys = {s.key for s in PAPER.sections}
    assert all(c.section in keys for c in PAPER.claims())
    assert len(PAPER.figures()) >= 3
    assert all(f.name.startswith("ramsauer_") for f in PAPER.figures())


@pytest.mark.parametrize("label", SPEC_LABELS)
def test_every_spec_label_is_findable(label):
    (qid,) = resolve_ids([f"ramsauer2020:{label}"], REG)
    assert qid.startswith("ramsauer2020:")


def test_niu_cites_exact_ids_and_thm1_answers_to_its_appendix_label():
    for cid in CITED_BY_NIU:
        assert f"ramsauer2020:{cid}" in REG, cid
    assert "thm-a1" in REG["ramsauer2020:thm1"].aliases
    assert resolve_ids(["ramsauer2020:thm-a8"], REG) == ["ramsauer2020:thm4"]


def test_ids_are_shell_safe_and_every_claim_has_a_wrong_variant():
    for c in REG.values():
        for name in (c.id, *c.aliases):
            assert re.fullmatch(r"[A-Za-z0-9/\-]+", name), name
        assert c.wrong_variant() is not None, c.id


@pytest.mark.parametrize("qid", [q for q, c in REG.items() if c.statement is not None])
def test_every_statement_renders(qid):
    latex = REG[qid].statement_latex()
    assert latex and "\\" in latex or "=" in latex or "<" in latex


def test_readings_sit_beside_the_printed_statements():
    for cid in (
        "eq2/bound/simplex",
        "eq2/bound/ball",
        "thm4/eq6/to-pattern",
        "thm5/to-fixed-point",
        "thm5/eq9/retrieval-error",
        "thm3/printed-c/lower-bound",
        "cor-a1/printed-c/lower-bound",
        "cor-a2/example/formula",
        "lemma-a2/eps-half",
        "lemma-a26/squared",
    ):
        c = REG[f"ramsauer2020:{cid}"]
        assert c.reading and c.ref


def test_lemma_a18_is_proven_for_every_m_through_the_kernel():
    """The paper's proof of Lemma A18 (differentiate lse) through the rule kernel, at
    symbolic length m and symbolic β."""
    from derivations.engine import load_registry, verify_claim

    reg = load_registry(["ramsauer2020"])
    rec = verify_claim(reg["ramsauer2020:lemma-a18"], reg, {}, 10, seed=0)
    assert rec["status"] == "proven", rec["evidence"]
    assert "for every size" in rec["evidence"]


def test_evidence_counts_patterns_as_n_and_dimension_as_d():
    assert PAPER.size_names == ("N", "d")
    assert all(c.size_names == ("N", "d") for c in PAPER.claims())
