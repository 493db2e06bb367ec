"""`beyond-scaling recheck verdicts.json` (issue 11): an untampered verdicts file rechecks
clean (exit 0); a tampered counterexample instance, a tampered recorded value or a tampered
computed value is named (exit 1); a file that cannot be read is a one-line error (exit 2)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from derivations.engine import load_registry, verify
from derivations.jsonio import write_json
from derivations.recheck import load_verdicts, main, recheck

IDS = ["lemma2", "eq14/sq-lower", "lemma5", "appE", "table3/rule"]


@pytest.fixture(scope="module")
def reg():
    return load_registry(["niu2024"])


@pytest.fixture(scope="module")
def doc(reg):
    claims = verify(reg, [f"niu2024:{i}" for i in IDS], examples=20, seed=0, jobs=1)
    d = {
        "tool_version": "t",
        "seed": 0,
        "examples": 20,
        "seconds": 0,
        "papers": [],
        "claims": claims,
    }
    return _roundtrip(d)


def _roundtrip(d):
    from derivations.jsonio import dumps

    return json.loads(dumps(d, exact=True))


def _write(tmp_path, d, name="verdicts.json"):
    p = tmp_path / name
    write_json(p, d, exact=True)
    return str(p)


def _rec(d, cid):
    return next(c for c in d["claims"] if c["qid"] == f"niu2024:{cid}")


def test_the_fixture_has_refutations_and_computations(doc):
    assert _rec(doc, "lemma2")["status"] == "refuted"
    assert _rec(doc, "lemma2")["counterexample"]["equality"] is True
    assert _rec(doc, "eq14/sq-lower")["status"] == "refuted"
    assert _rec(doc, "appE")["status"] == "proven"
    assert _rec(doc, "table3/rule")["status"] == "refuted"
    enc = _rec(doc, "eq14/sq-lower")["counterexample"]["enclosure"]
    assert set(enc) == {"midpoint", "radius", "precision_bits"}


def test_untampered_file_rechecks_clean(tmp_path, doc, capsys):
    assert main([_write(tmp_path, doc)]) == 0
    out = capsys.readouterr().out
    assert "all hold" in out and "rechecked 2 counterexample(s) and 2 computation(s)" in out


def test_tampered_instance_is_named(tmp_path, doc, capsys):
    bad = copy.deepcopy(doc)
    _rec(bad, "eq14/sq-lower")["counterexample"]["params"]["n"] = 20.0  # Eq. (14) holds at 20
    assert main([_write(tmp_path, bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "FAIL niu2024:eq14/sq-lower" in out and "niu2024:lemma2" not in out.split("FAIL")[1:]


def test_tampered_violation_is_named(tmp_path, doc, capsys):
    bad = copy.deepcopy(doc)
    ce = _rec(bad, "eq14/sq-lower")["counterexample"]
    ce["enclosure"]["midpoint"] = "0.009"  # beyond the recorded radius
    assert main([_write(tmp_path, bad), "--quiet"]) == 1
    assert "FAIL niu2024:eq14/sq-lower" in capsys.readouterr().out


def test_tampered_equality_case_is_named(tmp_path, doc, capsys):
    bad = copy.deepcopy(doc)
    _rec(bad, "lemma2")["counterexample"]["params"]["z"] = [0.0, 1.0]  # now LSE > max: holds
    assert main([_write(tmp_path, bad), "--quiet"]) == 1
    assert "FAIL niu2024:lemma2" in capsys.readouterr().out


def test_tampered_computed_value_is_named(tmp_path, doc, capsys):
    bad = copy.deepcopy(doc)
    _rec(bad, "appE")["values"]["A"] = "9.9"
    assert main([_write(tmp_path, bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "FAIL niu2024:appE" in out and "values.A" in out


def test_a_counterexample_on_a_supported_claim_or_an_unknown_claim_fails(reg, doc):
    bad = copy.deepcopy(doc)
    _rec(bad, "lemma5")["counterexample"] = copy.deepcopy(
        _rec(doc, "eq14/sq-lower")["counterexample"]
    )
    bad["claims"].append({**_rec(doc, "lemma5"), "qid": "niu2024:no-such-claim"})
    res = {r.qid: r for r in recheck(bad, reg)}
    assert not res["niu2024:lemma5"].ok and not res["niu2024:no-such-claim"].ok
    assert res["niu2024:appE"].ok


def test_unreadable_files_exit_2_with_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "missing.json")]) == 2
    (tmp_path / "x.json").write_text("not json")
    assert main([str(tmp_path / "x.json")]) == 2
    (tmp_path / "y.json").write_text(json.dumps({"claims": [{"qid": "a", "status": "odd"}]}))
    assert main([str(tmp_path / "y.json")]) == 2
    (tmp_path / "z.json").write_text(
        json.dumps({"seed": 0, "examples": 1, "claims": [{"qid": "a", "status": "odd"}]})
    )
    assert main([str(tmp_path / "z.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(e.startswith("beyond-scaling recheck: error: ") for e in err)
    assert "status 'odd'" in err[-1]
    with pytest.raises(ValueError):
        load_verdicts(tmp_path)


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "derivations.recheck", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
