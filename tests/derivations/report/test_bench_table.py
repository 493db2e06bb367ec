"""The README's benchmark table is the rendering of the published bench results, and the
reader of a printed bench table reads what ``numerics.bench`` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivations.cli import BENCH_FILES
from derivations.report.bench_table import (
    BENCH_BLOCK,
    load_bench,
    parse_bench_text,
    render_bench,
)
from derivations.report.blocks import extract_block
from numerics.bench import format_table

ROOT = Path(__file__).resolve().parents[3]


def test_readme_bench_table_is_the_rendering_of_the_published_results():
    block = extract_block((ROOT / "README.md").read_text(encoding="utf-8"), BENCH_BLOCK)
    assert block is not None, "README.md lacks the bench-table markers"
    files = [f for f in BENCH_FILES if (ROOT / f).is_file()]
    assert files == list(BENCH_FILES), "a published bench result is missing"
    want = render_bench({f: load_bench(ROOT / f) for f in files})
    assert block == want, "run `beyond-scaling findings --write README.md`"


def test_the_printed_table_reads_back_as_its_json():
    """format_table(result) parsed gives the JSON's values (to the printed digits)."""
    result = json.loads((ROOT / "docs" / "bench_cpu.json").read_text(encoding="utf-8"))
    tmp = ROOT / "docs" / "bench_cpu.json"
    want = load_bench(tmp)
    got = parse_bench_text(format_table(result))
    assert got["device_name"] == want["device_name"] and got["threads"] == want["threads"]
    assert got["loadavg"] == pytest.approx(want["loadavg"], abs=0.005)
    assert set(got["tasks"]) == set(want["tasks"])
    for task, w in want["tasks"].items():
        g = got["tasks"][task]
        assert g["shape"] == w["shape"] and g["met"] == w["met"], task
        assert g["reference"] == w["reference"], task
        if w["speedup"] is None:
            assert g["speedup"] is None, task
        else:
            assert g["speedup"] == pytest.approx(w["speedup"], abs=0.006), task
        assert g["peak_mib"] == pytest.approx(w["peak_mib"], abs=0.06), task


def test_the_table_says_met_not_met_and_absent_faiss():
    cpu = load_bench(ROOT / "docs" / "bench_cpu.json")
    fast = {**cpu, "tasks": {**cpu["tasks"]}}
    fast["tasks"]["cccp_step"] = {**cpu["tasks"]["cccp_step"], "speedup": 0.5, "met": False}
    fast["tasks"]["knn1_within_set"] = {**cpu["tasks"]["knn1_within_set"], "reference": False}
    table = render_bench({"a.json": fast})
    assert "| 0.50 (not met) |" in table and "faiss not installed there" in table
    assert "(`a.json`)" in table.splitlines()[1]


def test_a_file_that_is_not_a_bench_table_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no task found"):
        parse_bench_text("hello\nworld\n")
