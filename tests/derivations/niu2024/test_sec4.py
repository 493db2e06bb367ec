"""Appendix A and Section 4 claims of Niu et al.: the engine's verdicts, the written-out
counterexamples recomputed independently, and the derivation checker on the printed
Proposition 3. (Every claim's wrong variant is tested for all packs in
tests/derivations/engine/test_packs.py.)"""

import json
import subprocess
import sys

import mpmath
import pytest

from derivations.engine import Instance, Rel, load_registry, verify, verify_claim
from derivations.niu2024 import lemmas

REG = load_registry(["niu2024"])
EXAMPLES = 40


def _q(*ids):
    return [f"niu2024:{i}" for i in ids]


def _recompute(cid, ce):
    """Re-evaluate a written-out counterexample from its JSON alone, at 60 digits."""
    params = ce["params"]
    inst = Instance.make(ce["patterns"], ce["x"], **params)
    from derivations.engine import MP

    with mpmath.workdps(60):
        return [
            (r.normal(), r.normal().lhs, r.normal().rhs)
            for r in REG["niu2024:" + cid].statement(MP, MP.load(inst))
        ]


def test_verify_sec4_verdicts_are_computed():
    recs = {
        r["id"]: r for r in verify(REG, _q("prop3", "lemma2", "prop1", "eq8"), examples=EXAMPLES)
    }
    # printed Prop. 3 fails; the counterexample in the JSON reproduces independently
    p3 = recs["prop3"]
    assert p3["status"] == "refuted"
    sides = _recompute("prop3", p3["counterexample"])
    assert any(r.op == "<=" and a > b for r, a, b in sides)
    # Lemma 2's strict bound fails with equality at m = 1, exactly
    assert recs["lemma2"]["status"] == "refuted"
    assert len(recs["lemma2"]["counterexample"]["params"]["z"]) == 1
    # every step is checked by the rule kernel for symbolic d and n: proven for every size
    assert recs["prop1"]["status"] == "proven", recs["prop1"]["evidence"]
    assert "for every size" in recs["prop1"]["evidence"]
    assert all(s["checked"] for s in recs["prop1"]["steps"])
    assert {s["where"] for s in recs["prop1"]["steps"]} == {"every d ≥ 1, n ≥ 1"}
    assert recs["eq8"]["status"] == "refuted"


def test_derivation_of_printed_prop3_fails_exactly_at_the_lower_bound():
    from derivations.engine import check_derivation

    out = check_derivation(REG["niu2024:prop3"], REG)
    bad = [s for s in out["steps"] if not s["checked"] and s["why"] != "conclusion"]
    assert len(bad) == 1 and "lower bound" in bad[0]["why"]
    assert bad[0]["status"] == "not confirmed" and "not proved ≥ 0" in bad[0]["how"]
    assert out["scope"] == "fixed sizes" and not out["complete"]
    ok = check_derivation(REG["niu2024:prop3/corrected"], REG)
    assert ok["complete"] and ok["scope"] == "all sizes"


def test_engine_fails_loudly_if_a_checked_derivation_meets_a_counterexample():
    """A false claim with a 'derivation' whose steps all check would be an engine bug."""
    from types import SimpleNamespace

    from derivations.engine import Algebra, Claim, EngineError, Step
    from derivations.strategies import lse_instances

    def wrong(o, v):
        return [Rel(o.lse(v.z), "<=", o.max(v.z))]

    def bogus_derivation(o, v):
        return [Step(Rel(o.lse(v.z), "<=", o.lse(v.z)), "x ≤ x", Algebra())]

    c = Claim(
        "bogus",
        "test",
        "test",
        "inequality",
        "",
        wrong,
        lambda: lse_instances(),
        lemmas.zsym,
        bogus_derivation,
        lambda: [SimpleNamespace(z=lemmas.zvec(2))],
    )
    rec = verify_claim(c, {**REG, "bogus": c}, {}, EXAMPLES, 0)
    # the derivation does not conclude the statement, so it is incomplete -> refuted, not proven
    assert rec["status"] == "refuted"
    assert any(not s["checked"] for s in rec["steps"])
    # a derivation that concludes it anyway (through a lying 'Algebra' check) must raise
    import derivations.engine.run as R

    orig = R.check_derivation
    R.check_derivation = lambda claim, reg: {
        "steps": [],
        "complete": True,
        "cites": [],
        "sizes": 1,
        "scope": "all sizes",
    }
    try:
        with pytest.raises(EngineError):
            verify_claim(c, {**REG, "bogus": c}, {}, EXAMPLES, 0, recheck=True)
    finally:
        R.check_derivation = orig


def test_cli_verify_json_schema(tmp_path):
    out = tmp_path / "v.json"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "derivations.cli",
            "verify",
            "--claims",
            "prop3",
            "--examples",
            "20",
            "--jobs",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert [p["ref"] for p in doc["papers"]] == ["arXiv:2405.08707v2"]
    (c,) = [c for c in doc["claims"] if c["id"] == "prop3"]
    assert c["paper"] == "niu2024" and c["qid"] == "niu2024:prop3"
    assert {
        "id",
        "ref",
        "reading",
        "kind",
        "status",
        "evidence",
        "trials",
        "seconds",
        "counterexample",
    } <= set(c)
    assert "prop3" in r.stdout and "refuted" in r.stdout


def test_cli_rejects_bad_input():
    r = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "verify", "--claims", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "unknown claim id 'nope'" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "verify", "--examples", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "positive integer" in r.stderr
