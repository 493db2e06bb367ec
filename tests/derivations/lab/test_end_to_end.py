"""Each experiment end to end with its tiny preset (slow: trainings and a pretrained model),
and scripts/lab_gpu.sh run with --preset tiny on CPU (the GPU script's logic)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _check_result(res, out: Path, exp_id: str):
    c = res["claim"]
    assert c["id"] == exp_id and c["kind"] == "empirical" and c["ref"].startswith("v2 ")
    assert c["status"] in ("supported", "refuted", "inconclusive")
    assert c["evidence"] and c["rule"] and c["values"] and c["statement"]
    for f in res["files"]:
        assert (out / f).is_file(), f
    assert {"result.json", "summary.json"} <= set(res["files"])
    assert any(f.endswith(".png") for f in res["files"])
    prov = res["provenance"]
    assert prov["preset"] == "tiny" and "torch" in prov["versions"] and "seeds" in prov
    on_disk = json.loads((out / "result.json").read_text())
    assert on_disk["claim"]["id"] == exp_id
    assert json.loads((out / "summary.json").read_text())["claim"]["status"] == c["status"]
    assert not list(out.parent.glob(f".{out.name}.*")), "a temporary folder was left behind"


@pytest.mark.slow
def test_plateau_end_to_end(tmp_path, qf_dir):
    from derivations.lab.plateau import run_plateau

    res = run_plateau("tiny", tmp_path / "p", qf_dir, progress=False)
    _check_result(res, tmp_path / "p", "lab/plateau")
    names = {c["name"] for c in res["conditions"]}
    assert names == {"grammar", "grammar-echo", "mccoy"}
    assert all(len(c["runs"]) == 2 for c in res["conditions"])
    again = run_plateau("tiny", tmp_path / "p", qf_dir, progress=False)
    assert all(r["cached"] for r in again["runs"].values())
    assert again["claim"]["values"] == res["claim"]["values"]
    fresh = run_plateau("tiny", tmp_path / "q", qf_dir, progress=False)
    assert fresh["claim"]["values"] == res["claim"]["values"]  # deterministic


@pytest.mark.slow
def test_radius_end_to_end(tmp_path, qf_dir):
    from derivations.lab.hf import ModelUnavailableError
    from derivations.lab.radius import run_radius

    try:
        res = run_radius("tiny", tmp_path / "r", qf_dir, progress=False)
    except ModelUnavailableError as e:
        pytest.skip(f"radius model unavailable: {e}")
    _check_result(res, tmp_path / "r", "lab/radius")
    v = res["claim"]["values"]
    assert v["n"] == 384 and v["sizes"] == [40, 80]


@pytest.mark.slow
def test_sizelaw_end_to_end(tmp_path, qf_dir):
    from derivations.lab.sizelaw import run_sizelaw

    res = run_sizelaw("tiny", tmp_path / "s", qf_dir, progress=False, max_workers=2)
    _check_result(res, tmp_path / "s", "lab/sizelaw")
    a = res["analyses"]
    assert set(a) == {"facts", "qf"}
    assert len(a["facts"]["observations"]) == 2 * 3  # widths × seeds, nothing dropped
    again = run_sizelaw("tiny", tmp_path / "s", qf_dir, progress=False)
    assert all(r["cached"] for r in again["runs"].values())
    assert again["claim"]["values"] == res["claim"]["values"]


def test_sizelaw_refuses_an_unknown_stacking(tmp_path):
    from derivations.lab.sizelaw import run_sizelaw

    with pytest.raises(ValueError, match="stack must be one of none, width, width"):
        run_sizelaw("tiny", tmp_path / "s", progress=False, overrides={"stack": "rows"})
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
@pytest.mark.parametrize("stack, size", [("none", None), ("width+seed", 3)])
def test_sizelaw_stacks_as_asked(tmp_path, qf_dir, stack, size):
    """Plain runs, or stacks of one width and seed (the facts grid's 3 sizes; a continued
    run in a stack of the runs continued with it)."""
    from derivations.lab.sizelaw import run_sizelaw

    res = run_sizelaw(
        "tiny", tmp_path / "s", qf_dir, progress=False, max_workers=2, overrides={"stack": stack}
    )
    _check_result(res, tmp_path / "s", "lab/sizelaw")
    cache = tmp_path / "cache"
    for label, rec in res["runs"].items():
        if label.startswith("facts"):
            run = json.loads((cache / f"{rec['hash']}.json").read_text())
            if "-x" not in label or size is None:
                assert run.get("stacked") == size, label
            else:
                assert 1 <= run["stacked"] <= size, label


@pytest.mark.slow
def test_gpu_script_logic_with_the_tiny_preset(tmp_path, qf_dir):
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    out = tmp_path / "gpu"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run(
        [
            "bash",
            "scripts/lab_gpu.sh",
            "--preset",
            "tiny",
            "--out",
            str(out),
            "--data",
            str(qf_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    for name in ("plateau", "radius", "sizelaw"):
        assert (out / name / "result.json").is_file()
        assert (out / "docs" / f"{name}.json").is_file() and (
            out / "docs" / f"{name}.png"
        ).is_file()
    findings = (out / "findings.md").read_text()
    assert "**plateau**" in findings and "**sizelaw**" in findings
    assert len((out / "times.txt").read_text().splitlines()) == 3


def test_gpu_script_rejects_bad_arguments():
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    p = subprocess.run(
        ["bash", "scripts/lab_gpu.sh", "--preset", "huge"], cwd=ROOT, capture_output=True, text=True
    )
    assert p.returncode == 2 and "--preset must be gpu or tiny" in p.stderr
