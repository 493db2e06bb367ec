"""The README's lab findings are generated from the committed summaries in docs/lab/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivations.lab import findings
from derivations.lab.cli import latest_results, main

ROOT = Path(__file__).resolve().parents[3]


def test_readme_block_is_the_rendering_of_the_committed_summaries():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = findings.extract_block(readme)
    if block is None:
        pytest.skip(
            f"README.md has no {findings.BEGIN} … {findings.END} markers yet: add them, then run "
            "`beyond-scaling lab findings --write README.md`"
        )
    summaries = findings.load_summaries(ROOT / findings.DOCS_REL)
    assert block == findings.render_findings(summaries), (
        "README.md's lab findings differ from docs/lab/: run "
        "`beyond-scaling lab findings --write README.md`"
    )


def test_committed_summaries_are_small_and_have_their_figures():
    d = ROOT / findings.DOCS_REL
    if not d.is_dir():
        pytest.skip("docs/lab/ not published yet")
    for p in d.iterdir():
        assert p.suffix in (".json", ".png"), p
        assert p.stat().st_size < 300_000, p
    for name in findings.load_summaries(d):
        assert (d / f"{name}.png").is_file()


def _summaries():
    """Synthetic summaries of the three experiments (the shapes the experiments write)."""
    claim = {"id": "lab/x", "status": "refuted", "statement": "s", "rule": "r", "ref": "v2"}
    cond = {
        "name": "grammar-double",
        "model": "l2-d64",
        "kind": "exact",
        "floor": 0.6736,
        "population_floor": 0.67,
        "mean_val": 0.6771,
        "sd_val": 0.001,
        "max_gap_upper": 0.004,
        "at_floor": True,
        "flat": True,
        "segments": {"declarative": 2.12, "marker": 0.46, "question": 0.001},
        "floor_segments": {"declarative": 2.11, "marker": 0.46, "question": 0.0},
    }
    plateau = {
        "claim": claim,
        "reason": "grammar-double converged to its exact floor 0.674",
        "preset": "cpu",
        "steps": 3000,
        "seeds": [0, 1, 2],
        "models": [{"n_layer": 2, "d_emb": 64, "n_head": 4}],
        "floor_tol": 0.02,
        "bound_tol": 0.05,
        "conditions": [cond, {**cond, "name": "mccoy", "kind": "upper", "at_floor": None}],
    }
    row = {
        "mean": 2.3,
        "mean_over_2r": 0.24,
        "kappa_overlap_fraction": 0.3,
        "kappa_mean": 0.3,
    }
    radius = {
        "claim": {**claim, "status": "inconclusive"},
        "reason": "the two scale-free readings disagree",
        "preset": "cpu",
        "model": "m",
        "n": 384,
        "pooling": "mean",
        "r_star": 4.74,
        "sizes": [1000, 8000],
        "kappa_star": 0.342,
        "paper_ratio_raw": 1.29,
        "table": {h: {"1000": row, "8000": row} for h in ("raw", "rms", "z")},
        "trend": {h: {"exponent": -0.1} for h in ("raw", "rms", "z")},
    }
    ds = {
        "kind": "facts",
        "unit": "facts",
        "widths": [4, 8],
        "N": [900, 2300],
        "grid": [375, 6000],
        "slope": 1.02,
        "interval": [0.8, 1.2],
        "reading": "holds known only",
        "censored": {"left": 0, "right": 1, "of": 6},
        "not_converged": 2,
        "runs": 30,
        "capacity": {"exponent": 0.98},
        "steps": 1000,
        "sigma2": 0.25,
    }
    sizelaw = {
        "claim": {**claim, "status": "inconclusive"},
        "reason": "control passed; QF: holds both",
        "preset": "cpu",
        "seeds": [0, 1, 2],
        "n_kind": "all",
        "datasets": {"facts": ds, "qf": {**ds, "kind": "qf", "capacity": None}},
    }
    return {"plateau": plateau, "radius": radius, "sizelaw": sizelaw}


def test_rendering_reads_every_number_and_verdict_from_the_summaries():
    s = _summaries()
    text = findings.render_findings(s)
    assert "**plateau** (refuted)" in text and "0.677" in text and "0.674" in text
    assert "**radius** (inconclusive)" in text and "30.0%" in text
    assert "[0.80, 1.20]" in text and "stored bits ∝ N^0.98" in text
    s["plateau"]["claim"] = {**s["plateau"]["claim"], "status": "supported"}
    s["plateau"]["conditions"][0]["mean_val"] = 1.0123
    text2 = findings.render_findings(s)
    assert "**plateau** (supported)" in text2 and "1.012" in text2
    missing = findings.render_findings({})
    assert missing.count("no published result") == 3


def test_write_block_replaces_only_the_block(tmp_path):
    p = tmp_path / "README.md"
    p.write_text(f"# t\n\nbefore\n{findings.BEGIN}\nold\n{findings.END}\nafter\n")
    findings.write_block(p, "new text\n")
    assert p.read_text() == f"# t\n\nbefore\n{findings.BEGIN}\nnew text\n{findings.END}\nafter\n"
    assert findings.extract_block(p.read_text()) == "new text\n"
    q = tmp_path / "none.md"
    q.write_text("no markers\n")
    with pytest.raises(ValueError, match="markers"):
        findings.write_block(q, "x")


def test_findings_command(tmp_path, capsys):
    d = tmp_path / "docs"
    d.mkdir()
    for name, s in _summaries().items():
        (d / f"{name}.json").write_text(json.dumps(s))
    assert main(["findings", "--from", str(d)]) == 0
    assert capsys.readouterr().out == findings.render_findings(_summaries())
    readme = tmp_path / "README.md"
    readme.write_text(f"x\n{findings.BEGIN}\n{findings.END}\n")
    assert main(["findings", "--from", str(d), "--write", str(readme)]) == 0
    assert findings.extract_block(readme.read_text()) == findings.render_findings(_summaries())
    readme.write_text("no markers")
    assert main(["findings", "--from", str(d), "--write", str(readme)]) == 2
    assert "markers" in capsys.readouterr().err
    assert main(["findings", "--from", str(tmp_path / "nope")]) == 2


def test_latest_results_keeps_its_format(tmp_path):
    """The lead's report reads claim, path and files from each result."""
    assert latest_results(tmp_path) == []
    (tmp_path / "radius").mkdir()
    claim = {"id": "lab/radius", "status": "refuted", "statement": "s", "evidence": "e"}
    (tmp_path / "radius" / "result.json").write_text(
        json.dumps({"claim": claim, "files": ["radius.png"]})
    )
    (tmp_path / "plateau").mkdir()
    (tmp_path / "plateau" / "result.json").write_text("{broken")
    res = latest_results(tmp_path)
    assert len(res) == 1 and res[0]["claim"] == claim and res[0]["files"] == ["radius.png"]
    assert res[0]["path"].endswith("radius/result.json")
