"""Claim packs: discovery, the Paper object, and the mutation test for every installed paper —
each claim's wrong variant (written beside it in its pack) must be refuted by the engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from derivations.engine import (
    Claim,
    Computed,
    Instance,
    Paper,
    Section,
    installed_papers,
    load_registry,
    resolve_ids,
    verify_claim,
)

REG = load_registry()
WRONG_EXAMPLES = 30


def test_builtin_pack_is_found_with_its_metadata():
    papers = installed_papers()
    niu = papers["niu2024"]
    assert niu.ref == "arXiv:2405.08707v2"
    assert niu.claims() and niu.figures()
    keys = {s.key for s in niu.sections}
    assert all(c.section in keys and c.paper == "niu2024" for c in niu.claims())


def test_every_claim_has_a_wrong_variant():
    missing = [q for q, c in REG.items() if c.wrong_variant() is None]
    assert not missing, f"claims without a wrong variant beside them: {missing}"


@pytest.mark.parametrize("qid", list(REG))
def test_wrong_variant_is_refuted(qid):
    """The statement the mutation test must refute: same engine, same code path."""
    wrong = REG[qid].wrong_variant()
    rec = verify_claim(wrong, REG, {}, WRONG_EXAMPLES, seed=1)
    assert rec["status"] == "refuted", rec["evidence"]
    ce = rec["counterexample"]
    assert ce is not None and {"lhs", "rhs", "violation"} <= set(ce)


def test_ids_resolve_local_qualified_and_reject_unknown():
    assert resolve_ids(["prop1"], REG) == ["niu2024:prop1"]
    assert resolve_ids(["niu2024:prop1"], REG) == ["niu2024:prop1"]
    with pytest.raises(ValueError, match="unknown claim id 'nope'"):
        resolve_ids(["nope"], REG)
    with pytest.raises(ValueError, match="unknown paper"):
        load_registry(["no-such-paper"])


def test_paper_rejects_bad_packs():
    with pytest.raises(ValueError, match="lower-case identifier"):
        Paper("Bad Id", "t", "a", "1", "v1", 2020, (), ())
    with pytest.raises(ValueError, match="repeat"):
        Paper("p", "t", "a", "1", "v1", 2020, (Section("A", "x"), Section("A", "y")), ())
    with pytest.raises(ValueError, match="size_names must be two letters"):
        Paper("p", "t", "a", "1", "v1", 2020, (), (), size_names=("N",))


def test_evidence_names_sizes_in_the_papers_letters():
    inst = Instance.make(((1.0, 0.0), (0.0, 1.0), (1.0, 1.0)), (0.5, 0.5), beta=1.0)
    assert inst.size_text() == "d=3, n=2"
    assert inst.size_text(("N", "d")) == "N=3, d=2"
    assert all(c.size_names == ("d", "n") for c in installed_papers()["niu2024"].claims())


def test_a_claim_in_an_unknown_section_is_refused(tmp_path, monkeypatch):
    mod = tmp_path / "bad_section_pack.py"
    mod.write_text(
        "from derivations.engine import Claim, Computed\n"
        "SECTION = 'nowhere'\n"
        "def claims():\n"
        "    return [Claim('c', 'ref', 'r', 'computation', '', "
        "compute=lambda examples, seed: Computed(True, 'ok'))]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    p = Paper("badsec", "t", "a", "1", "v1", 2020, (Section("A", "x"),), ("bad_section_pack",))
    with pytest.raises(ValueError, match="not one of"):
        p.claims()


def test_claim_ids_are_validated():
    def ok(examples, seed):
        return Computed(True, "")

    with pytest.raises(ValueError, match="shell-safe"):
        Claim("a b", "r", "r", "computation", "", compute=ok)
    with pytest.raises(ValueError, match="kind must be"):
        Claim("ab", "r", "r", "opinion", "", compute=ok)


def test_engine_and_report_import_without_torch():
    code = (
        "import sys\n"
        "import derivations.engine, derivations.report, derivations.cli\n"
        "from derivations.engine import load_registry\n"
        "load_registry()\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_defined_quantity_is_computed_for_the_statement_and_the_hypotheses():
    """``Claim.defined``: the engine computes v.<name> where the instance lacks it (for the
    statement, the hypotheses and the wrong variant), keeps a value the instance carries,
    leaves the instance unchanged, and the cache key reaches the defining function's module."""
    from types import SimpleNamespace

    from derivations.engine import Rel
    from derivations.engine.backends import MP
    from derivations.engine.cache import reached_modules

    seen = []

    def twice(ops, v):
        seen.append(v.x)
        return 2 * v.x

    c = Claim(
        "defined-demo",
        "test",
        "t = 2x ≥ x for x ≥ 0",
        "inequality",
        "x ≥ 0",
        lambda o, v: [Rel(v.x, "<=", v.t)],
        lambda: None,
        hypotheses=lambda o, v: [Rel(o.num(0), "<=", v.t)],
        defined={"t": twice},
        wrong=dict(statement=lambda o, v: [Rel(v.t, "<=", v.x)]),
    )
    v = SimpleNamespace(x=MP.num(3))
    assert c.statement(MP, v)[0].rhs == 6 and not hasattr(v, "t")
    assert c.hypotheses(MP, v)[0].rhs == 6
    assert c.statement(MP, SimpleNamespace(x=MP.num(3), t=MP.num(1)))[0].rhs == 1
    assert c.wrong_variant().statement(MP, v)[0].lhs == 6
    assert seen == [3, 3, 3]
    from derivations.ramsauer2020.banach_proofs import A7_STAR

    elsewhere = Claim(  # an IterationLimit's functions are reached through its fields
        "defined-demo2",
        "test",
        "",
        "inequality",
        "",
        c.statement,
        lambda: None,
        defined=A7_STAR,
    )
    assert "derivations.ramsauer2020.banach_proofs" in reached_modules(elsewhere)
    from derivations.engine.cache import _callables_modules

    assert "derivations.ramsauer2020.banach_proofs" in _callables_modules(A7_STAR.values())
