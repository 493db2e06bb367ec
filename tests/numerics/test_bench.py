"""numerics.bench (runner, table, CLI) and numerics.bench_tasks, on the quick shapes."""

from __future__ import annotations

import json
import os

import pytest
import torch

from numerics import bench
from numerics.tolerances import rtol


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    code = bench.main(["--quick", "--json", str(path)])
    return code, json.loads(path.read_text())


def test_quick_bench_json_keys(quick_bench):
    code, result = quick_bench
    assert code == 0
    assert set(bench.TOP_KEYS) <= set(result)
    assert result["quick"] is True and result["device"] == "cpu"
    assert [t["task"] for t in result["tasks"]] == [
        "cccp_step",
        "knn1_within_set",
        "distance_energy",
    ]
    for task in result["tasks"]:
        assert set(bench.TASK_KEYS) <= set(task)
        names = [v["name"] for v in task["variants"]]
        assert task["kernel"] in names and task["reference"] in names
        for v in task["variants"]:
            assert set(bench.VARIANT_KEYS) <= set(v)
            assert (v["seconds"] is not None) == v["available"]
        kernel = next(v for v in task["variants"] if v["name"] == task["kernel"])
        assert kernel["available"] and kernel["seconds"] > 0
        ref = next(v for v in task["variants"] if v["name"] == task["reference"])
        if task["task"] == "knn1_within_set" and not ref["available"]:
            # without faiss there is no reference to measure the kNN error against
            assert kernel["max_rel_err"] is None
            continue
        assert kernel["max_rel_err"] is not None and kernel["max_rel_err"] <= rtol(torch.float32)
    knn = result["tasks"][1]
    ref = next(v for v in knn["variants"] if v["name"] == knn["reference"])
    assert ref["available"] == (result["faiss"] is not None)
    assert (knn["speedup"] is None) == (not ref["available"])


def test_bench_rejects_missing_cuda():
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    assert bench.main(["--device", "cuda", "--quick"]) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--threads", "0"], "threads must be"),
        (["--json", "{tmp}"], "is a directory"),
        (["--json", "{tmp}/missing/out.json"], "does not exist"),
    ],
)
def test_bench_bad_arguments_exit_2_before_any_work(argv, message, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--quick"]
    assert bench.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1, "one line"


def test_run_bench_validates_its_arguments():
    for kwargs, message in [
        ({"device": "tpu"}, "device must be"),
        ({"device": "not a device"}, "device must be"),
        ({"seed": -1}, "seed must be"),
        ({"seed": 1.5}, "seed must be"),
        ({"threads": True}, "threads must be"),
    ]:
        with pytest.raises(ValueError, match=message):
            bench.run_bench(quick=True, **kwargs)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_bench_unwritable_json_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert bench.main(["--quick", "--json", str(ro / "out.json")]) == 2
    finally:
        ro.chmod(0o700)
