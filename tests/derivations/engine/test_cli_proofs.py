"""The command line: `show` prints proofs in the paper's notation, `list` shell-safe ids
with their aliases, `recheck` is passed through, old ids still work, evidence wraps."""

from __future__ import annotations

import io
import sys
import types

import pytest

from derivations import cli
from derivations.engine import Claim, Computed


def test_show_prints_the_proof_in_unicode(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BEYOND_SCALING_CACHE", str(tmp_path))
    assert cli.main(["show", "prop1", "lemma2"]) == 0
    out = capsys.readouterr().out
    assert "statement: g(x) − log d ≤ E(x)  ∧  E(x) ≤ g(x)" in out
    assert "derivation (complete, checked for every d ≥ 1, n ≥ 1)" in out
    assert "cites niu2024:lemma3/nonstrict" in out
    # the printed Lemma 2 stops at the step that needs m ≥ 2, and says why
    assert "✘ 0 < Σᵢ₌₂ᵐ exp(zᵢ)" in out and "not proved" not in out.split("✘ 0 <")[0]
    assert "incomplete, tried for every m ≥ 1" in out


def test_old_ids_are_aliases(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BEYOND_SCALING_CACHE", str(tmp_path))
    assert cli.main(["show", "lemma2/m>=2"]) == 0
    assert "niu2024:lemma2/m-ge-2" in capsys.readouterr().out
    assert cli.main(["list", "--paper", "niu2024"]) == 0
    out = capsys.readouterr().out
    assert "lemma2/m-ge-2" in out and "(also lemma2/m>=2)" in out


def test_claim_ids_must_be_shell_safe():
    with pytest.raises(ValueError, match="shell-safe"):
        Claim("lemma2/m>=2", "r", "r", "computation", "", compute=lambda e, s: Computed(True, ""))
    Claim(
        "lemma2/m-ge-2",
        "r",
        "r",
        "computation",
        "",
        compute=lambda e, s: Computed(True, ""),
        aliases=("lemma2/m>=2",),
    )


def test_recheck_is_passed_through(monkeypatch):
    seen = []
    fake = types.ModuleType("derivations.recheck")
    fake.main = lambda argv: seen.append(list(argv)) or 7
    monkeypatch.setitem(sys.modules, "derivations.recheck", fake)
    assert cli.main(["recheck", "verdicts.json", "--help"]) == 7
    assert seen == [["verdicts.json", "--help"]]


def test_terminal_evidence_wraps_and_shows_formulas():
    doc = {
        "claims": [
            {
                "qid": "p:c",
                "status": "supported",
                "seconds": 1.0,
                "ref": "r",
                "evidence": "no counterexample; " + "word " * 40 + "e^{−r} ≤ γ(n, r) end",
            }
        ],
        "seconds": 1.0,
        "examples": 1,
        "seed": 0,
    }
    buf = io.StringIO()
    cli.print_table(doc, out=buf, width=60)
    text = buf.getvalue()
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "e⁻ʳ ≤ γ(n, r) end" in text  # nothing cut, formula in Unicode
