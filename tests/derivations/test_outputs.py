"""Outputs are never half-written, mixed or silently overwritten (issue 13): bad output
paths are refused before any work, a report folder is replaced as a whole, an interrupted
report leaves the old one intact, and a user's folder is never overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derivations.report import MARKER, write_report

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, timeout=120, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "derivations.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def _doc():
    return {
        "papers": [],
        "tool_version": "t",
        "seed": 0,
        "examples": 1,
        "claims": [{"id": "c", "status": "proven", "evidence": "e", "steps": []}],
    }


def test_report_refuses_a_users_folder(tmp_path):
    user = tmp_path / "mine"
    user.mkdir()
    (user / "report.md").write_text("my notes")
    t0 = time.perf_counter()
    r = _cli("report", "--out", str(user), "--claims", "lemma1")
    assert r.returncode == 2
    assert "did not write" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert (user / "report.md").read_text() == "my notes"
    assert time.perf_counter() - t0 < 60  # refused before any verification


@pytest.mark.parametrize("what", ["file", "under-a-file"])
def test_bad_out_and_json_paths_fail_fast_with_one_line(tmp_path, what):
    f = tmp_path / "plain.txt"
    f.write_text("x")
    path = f if what == "file" else f / "sub"
    for args in (("report", "--out", str(path)), ("verify", "--json", str(path / "v.json"))):
        r = _cli(*args, "--claims", "lemma1")
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _cli("verify", "--json", str(tmp_path), "--claims", "lemma1")  # a folder
    assert r.returncode == 2 and "is a folder" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_read_only_parent_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        r = _cli("report", "--out", str(ro / "rep"), "--claims", "lemma1")
        assert r.returncode == 2 and "permission denied" in r.stderr
    finally:
        ro.chmod(0o755)


def test_a_tool_written_report_is_replaced_as_a_whole(tmp_path):
    out = tmp_path / "rep"
    write_report(_doc(), [], out)
    assert (out / MARKER).exists()
    (out / "figures").mkdir()
    (out / "figures" / "old.png").write_bytes(b"stale")
    (out / "report.md").write_text("edited by hand")
    write_report(_doc(), [], out)
    assert not (out / "figures" / "old.png").exists()  # stale file of an earlier report
    assert "edited by hand" not in (out / "report.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rep.")]


def test_a_failing_report_leaves_the_old_one_and_no_staging(tmp_path):
    out = tmp_path / "rep"
    write_report(_doc(), [], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(ValueError):
        write_report({"papers": []}, [], out)  # no claims: refused while rendering
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_sigint_during_report_leaves_the_old_report_intact(tmp_path):
    out = tmp_path / "rep"
    write_report(_doc(), [], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "derivations.cli",
            "report",
            "--out",
            str(out),
            "--claims",
            "lemma1",
            "--examples",
            "5",
            "--jobs",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    t0 = time.perf_counter()
    seen = ""
    while time.perf_counter() - t0 < 240:
        line = proc.stderr.readline()
        seen += line
        if "rendering figures" in line or "computing" in line or not line:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, seen + err
    assert "interrupted" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
