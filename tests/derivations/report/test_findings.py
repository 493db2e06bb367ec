"""The README's "what the tool finds" block is the rendering of the committed verdicts, and
the verdicts hold: every counterexample and computed value in ``docs/verdicts.json`` is
re-verified from scratch (``recheck``), every installed claim is in it, and (slow) a fresh
``verify`` gives the same verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derivations.engine import load_registry
from derivations.report.blocks import extract_block, markers, write_block
from derivations.report.findings import (
    BLOCK,
    KERNEL_BLOCK,
    VOCAB_BLOCK,
    load_verdicts,
    render_findings,
    render_kernel_rules,
    render_vocabulary,
)

ROOT = Path(__file__).resolve().parents[3]
VERDICTS = ROOT / "docs" / "verdicts.json"
README = ROOT / "README.md"


def test_readme_block_is_the_rendering_of_the_committed_verdicts():
    block = extract_block(README.read_text(encoding="utf-8"), BLOCK)
    assert block is not None, "README.md lacks the verdict-findings markers"
    want = render_findings(load_verdicts(VERDICTS))
    assert block == want, (
        "README.md's findings differ from docs/verdicts.json: run `beyond-scaling findings "
        "--write README.md`"
    )


def test_readme_lists_the_rule_kernel_as_the_code_defines_it():
    block = extract_block(README.read_text(encoding="utf-8"), KERNEL_BLOCK)
    assert block == render_kernel_rules(), "run `beyond-scaling findings --write README.md`"
    from derivations.engine.rules import RULES

    assert all(f"`{name}`" in block for name in RULES)


def test_readme_lists_the_vocabulary_as_the_code_defines_it():
    block = extract_block(README.read_text(encoding="utf-8"), VOCAB_BLOCK)
    assert block == render_vocabulary(), "run `beyond-scaling findings --write README.md`"
    for word in ("vadd", "vscale", "inf_norm", "dot", "num", "length", "lowergamma"):
        assert f"`{word}`" in block


def test_every_installed_claim_has_a_committed_verdict():
    doc = load_verdicts(VERDICTS)
    have = {c["qid"] for c in doc["claims"]}
    missing = sorted(set(load_registry()) - have)
    assert not missing, (
        f"no verdict in docs/verdicts.json for {missing}: rerun `beyond-scaling verify --json "
        "docs/verdicts.json`"
    )


def test_recheck_confirms_every_committed_counterexample_and_computation(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "recheck", str(VERDICTS)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "all hold" in out.stdout + out.stderr


def test_the_block_is_written_between_its_markers_and_bad_markers_are_refused(tmp_path):
    begin, end = markers(BLOCK)
    p = tmp_path / "R.md"
    p.write_text(f"# t\n{begin}\nold\n{end}\ntail\n", encoding="utf-8")
    write_block(p, BLOCK, "new\n")
    assert p.read_text(encoding="utf-8") == f"# t\n{begin}\nnew\n{end}\ntail\n"
    p.write_text(f"{end}\n{begin}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected one"):
        write_block(p, BLOCK, "x")
    p.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no <!-- verdict-findings:begin -->"):
        write_block(p, BLOCK, "x")


def test_a_file_that_is_not_a_verdicts_file_is_refused_by_name(tmp_path):
    p = tmp_path / "v.json"
    p.write_text(json.dumps({"a": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="v.json: not a verdicts file"):
        load_verdicts(p)
    p.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: not JSON"):
        load_verdicts(p)


@pytest.mark.slow
def test_a_fresh_verify_gives_the_committed_verdicts(tmp_path):
    doc = load_verdicts(VERDICTS)
    out = tmp_path / "v.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "derivations.cli",
            "verify",
            "--seed",
            str(doc["seed"]),
            "--examples",
            str(doc["examples"]),
            "--json",
            str(out),
        ],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    fresh = {c["qid"]: c["status"] for c in json.loads(out.read_text())["claims"]}
    assert fresh == {c["qid"]: c["status"] for c in doc["claims"]}
