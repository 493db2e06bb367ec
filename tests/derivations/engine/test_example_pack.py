"""The example pack under examples/minimal_pack, installed with pip into a private folder,
is discovered through its entry point and runs through `list`, `verify` and `report` —
without any edit to the engine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACK = ROOT / "examples" / "minimal_pack"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    src = tmp_path_factory.mktemp("src") / "minimal_pack"  # a copy: pip builds in place
    shutil.copytree(PACK, src, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(PACK),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        pytest.fail(f"pip could not install the example pack:\n{r.stdout}\n{r.stderr}")
    assert list(target.glob("*.dist-info/entry_points.txt"))
    return target


def _cli(site, *args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-m", "derivations.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=cwd,
    )


def test_example_pack_is_listed(site):
    r = _cli(site, "list", "--paper", "softmaxnote")
    assert r.returncode == 0, r.stderr
    assert "A short note on softmax" in r.stdout
    for cid in ("lse-mean", "softmax-sum", "lse-max"):
        assert cid in r.stdout


def test_example_pack_verify_and_report(site, tmp_path):
    out = tmp_path / "v.json"
    r = _cli(
        site,
        "verify",
        "--paper",
        "softmaxnote",
        "--examples",
        "25",
        "--jobs",
        "1",
        "--json",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert [p["id"] for p in doc["papers"]] == ["softmaxnote"]
    got = {c["id"]: c["status"] for c in doc["claims"]}
    assert got["lse-max"] == "refuted"  # the note's false statement
    assert got["lse-mean"] in ("proven", "supported")
    assert got["softmax-sum"] in ("proven", "supported")
    assert all(c["paper"] == "softmaxnote" for c in doc["claims"])
    rep = tmp_path / "rep"
    r = _cli(
        site,
        "report",
        "--paper",
        "softmaxnote",
        "--examples",
        "10",
        "--jobs",
        "1",
        "--out",
        str(rep),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    md = (rep / "report.md").read_text()
    assert "A short note on softmax" in md and "softmaxnote:lse-max" in md
    assert "niu2024" not in md  # only the paper asked for


def test_every_example_claim_has_a_refuted_wrong_variant(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    from softmaxnote import PAPER

    from derivations.engine import verify_claim

    for c in PAPER.claims():
        rec = verify_claim(c.wrong_variant(), {}, {}, 25, seed=0)
        assert rec["status"] == "refuted", (c.id, rec["evidence"])
