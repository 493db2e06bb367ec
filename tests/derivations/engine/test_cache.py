"""The derivation cache: its key covers every project module a claim's code reaches, and
entries are validated (schema and content hash) before they are believed."""

from __future__ import annotations

import json
import textwrap

import pytest

from derivations.engine import cache, load_registry
from derivations.engine.run import cached_derivation

REG = load_registry(["niu2024"])


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BEYOND_SCALING_CACHE", str(tmp_path / "c"))
    return tmp_path / "c" / "derivations"


def test_key_reaches_the_claims_modules_and_their_imports():
    mods = cache.reached_modules(REG["niu2024:prop3/corrected"], REG)
    for m in (
        "derivations.niu2024.energies",  # the claim
        "derivations.niu2024.lemmas",  # imported by it
        "derivations.engine.checker",  # the checker
        "theory.energies",  # the objects, through the vocabulary
        "theory.lse",
        "derivations.strategies",
    ):
        assert m in mods, m


def test_key_follows_a_helper_module_outside_any_list(tmp_path, monkeypatch):
    """A derivation that uses a module no list names still has it in its key."""
    pkg = tmp_path / "helperpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "deep.py").write_text("def two():\n    return 2\n")
    (pkg / "claimmod.py").write_text(
        textwrap.dedent(
            """
            from derivations.engine import Claim, Rel
            from derivations.strategies import lse_instances
            from helperpkg.deep import two

            def statement(ops, v):
                return [Rel(ops.max(v.z), "<=", ops.lse(v.z) * two() / 2)]

            CLAIM = Claim("h", "r", "r", "inequality", "", statement, lambda: lse_instances())
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from helperpkg.claimmod import CLAIM

    assert "helperpkg.deep" in cache.reached_modules(CLAIM)
    k1 = cache.source_key(CLAIM)
    (pkg / "deep.py").write_text("def two():\n    return 2  # changed\n")
    cache._module_file.cache_clear()
    cache._imports.cache_clear()
    assert cache.source_key(CLAIM) != k1


def test_wrong_shaped_or_edited_entries_are_recomputed_and_replaced(cache_dir):
    claim = REG["niu2024:lemma3/nonstrict"]
    first = cached_derivation(claim, REG)
    assert not first.get("cached") and first["complete"]
    assert cached_derivation(claim, REG).get("cached") is True
    (path,) = list(cache_dir.glob("*.json"))
    # well-formed JSON of the wrong shape (crashed every later verify before)
    path.write_text(json.dumps({"id": claim.qid, "result": {"steps": "no"}}))
    again = cached_derivation(claim, REG)
    assert not again.get("cached") and again["steps"] == first["steps"]
    # a hand-edited entry (a step flipped to checked, hash not updated) is not believed
    doc = json.loads(path.read_text())
    doc["result"]["complete"] = False
    doc["result"]["steps"][0]["checked"] = False
    path.write_text(json.dumps(doc))
    again = cached_derivation(claim, REG)
    assert not again.get("cached") and again["complete"] is True
    assert json.loads(path.read_text())["result"]["complete"] is True  # replaced
    # garbage bytes
    path.write_bytes(b"\xff\xfe not json")
    assert not cached_derivation(claim, REG).get("cached")


def test_an_entry_for_another_claim_is_not_used(cache_dir):
    a, b = REG["niu2024:lemma3/nonstrict"], REG["niu2024:lemma2/nonstrict"]
    res = cached_derivation(a, REG)
    key_b = cache.source_key(b, REG, extra=f"step cap {30.0}")
    cache.store(key_b, a.qid, res)  # a valid entry, but under b's key with a's id
    assert cache.load(key_b, b.qid) is None
