"""Section 4 claims: the engine's verdicts, and a deliberately wrong variant of each claim
that the same engine must refute (a verifier that cannot say "false" is worthless)."""

import dataclasses
import json
import subprocess
import sys

import mpmath
import pytest

import derivations.claims_sec4 as C
from derivations.engine import Rel, verify, verify_claim
from derivations.ops import Instance
from derivations.registry import all_claims

REG = all_claims()
EXAMPLES = 40


def _log(ops, v):
    return ops.log(ops.length(v.z))


# id -> a wrong statement over the same back ends (what was broken, in the name)
WRONG = {
    "lemma1": lambda o, v: [
        Rel(C.lemma1_statement(o, v)[0].rhs, "<=", C.lemma1_statement(o, v)[0].lhs)
    ],  # concave, not convex
    "lemma1/tangent": lambda o, v: [
        Rel(C.tangent_statement(o, v)[0].rhs, "<=", C.tangent_statement(o, v)[0].lhs)
    ],  # below the tangent
    "lemma2": lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z))],  # log m dropped
    "lemma2/nonstrict": lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z))],  # log m dropped
    "lemma2/m>=2": lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z) + _log(o, v) / 2)],
    "lemma3": lambda o, v: [Rel(o.min(v.z), "<=", -o.lse(o.vscale(-1, v.z)))],  # log dropped
    "lemma3/nonstrict": lambda o, v: [Rel(o.min(v.z), "<=", -o.lse(o.vscale(-1, v.z)))],
    "lemma3/m>=2": lambda o, v: [
        Rel(o.min(v.z) - _log(o, v) / 2, "<=", -o.lse(o.vscale(-1, v.z)))
    ],  # constant changed
    "lemma4": lambda o, v: [
        Rel(o.abs(o.lse(v.z) - o.lse(v.y)), "<=", o.inf_norm(o.vadd(v.z, o.vscale(-1, v.y))) / 2)
    ],
    "softmax-grad": lambda o, v: [Rel(o.grad_lse(v.z, 0), "==", o.exp(v.z[0]))],  # unnormalised
    "prop1": lambda o, v: [
        Rel(o.nn(v.P, v.x) + o.log(o.count(v.P)), "<=", o.energy(v.P, v.x))
    ],  # sign of log d flipped
    "prop2": lambda o, v: [
        Rel(o.abs(o.energy(v.P, v.x) - 2 * o.mchn(v.P, v.x, 2)), "<=", C._delta(o, v))
    ],  # log d dropped
    "prop2/one-sided": lambda o, v: [Rel(o.num(0), "<=", C._prop2_gap(o, v))],  # sign flipped
    "prop3": lambda o, v: [Rel(C._prop3_mid(o, v), "<=", -C._delta(o, v))],  # sign flipped
    "prop3/corrected": C.prop3_statement,  # the printed form: log d dropped from the lower bound
    "prop3/sharp": lambda o, v: [
        Rel(C._prop3_mid(o, v), "<=", -C._delta(o, v) - o.log(o.count(v.P)))
    ],  # upper bound set to the lower
    "eq8": lambda o, v: [
        Rel(o.min(C._layer_values(o, v)), "<=", o.global_energy(C._layer_values(o, v)))
    ],  # log l dropped
    "eq8/printed-Et": lambda o, v: [
        Rel(o.min(C._layer_values(o, v)), "<=", o.global_energy(C._layer_values(o, v)))
    ],
    "eq8/nonstrict": lambda o, v: [
        Rel(o.min(C._layer_values(o, v)), "<=", o.global_energy(C._layer_values(o, v)))
    ],
    "eq8/majorizes": lambda o, v: [
        Rel(e, "<=", o.global_energy(C._layer_values(o, v))) for e in C._layer_values(o, v)
    ],  # direction reversed
    "ext/cccp-dc": lambda o, v: [
        Rel(
            o.energy(v.P, v.x),
            "==",
            o.sqnorm(v.x) - o.lse([t / 2 for t in o.dc_argument(v.P, v.x)]),
        )
    ],  # missing factor 2 (a ½ too many)
    "ext/cccp-step": lambda o, v: [
        Rel(
            o.cccp_step(v.P, v.x)[0],
            "==",
            o.cccp_step(v.P, [2 * t for t in v.x] if isinstance(v.x, list) else 2 * v.x)[0],
        )
    ],  # β twice
    "ext/cccp-descent": lambda o, v: [
        Rel(o.energy(v.P, v.x), "<=", o.energy(v.P, o.cccp_step(v.P, v.x)))
    ],  # ascent
}


def test_every_claim_has_a_wrong_variant():
    assert set(WRONG) == {c.id for c in C.claims()}


@pytest.mark.parametrize("cid", list(WRONG))
def test_wrong_variant_is_refuted(cid):
    wrong = dataclasses.replace(
        REG[cid],
        id=cid + "/wrong",
        statement=WRONG[cid],
        derivation=None,
        derivation_sizes=None,
        display=None,
    )
    rec = verify_claim(wrong, REG, {}, EXAMPLES, seed=1)
    assert rec["status"] == "refuted", rec["evidence"]
    ce = rec["counterexample"]
    assert ce is not None and set(ce) >= {"patterns", "x", "params", "lhs", "rhs", "violation"}


def _recompute(cid, ce):
    """Re-evaluate a written-out counterexample from its JSON alone, at 60 digits."""
    params = ce["params"]
    inst = Instance.make(ce["patterns"], ce["x"], **params)
    from derivations.engine import MP

    with mpmath.workdps(60):
        return [
            (r.normal(), r.normal().lhs, r.normal().rhs)
            for r in REG[cid].statement(MP, MP.load(inst))
        ]


def test_verify_sec4_verdicts_are_computed():
    recs = {r["id"]: r for r in verify(REG, ["prop3", "lemma2", "prop1", "eq8"], examples=EXAMPLES)}
    # printed Prop. 3 fails; the counterexample in the JSON reproduces independently
    p3 = recs["prop3"]
    assert p3["status"] == "refuted"
    sides = _recompute("prop3", p3["counterexample"])
    assert any(r.op == "<=" and a > b for r, a, b in sides)
    # Lemma 2's strict bound fails with equality at m = 1, exactly
    assert recs["lemma2"]["status"] == "refuted"
    assert len(recs["lemma2"]["counterexample"]["params"]["z"]) == 1
    assert recs["prop1"]["status"] == "proven"
    assert all(s["checked"] for s in recs["prop1"]["steps"])
    assert recs["eq8"]["status"] == "refuted"


def test_derivation_of_printed_prop3_fails_exactly_at_the_lower_bound():
    from derivations.engine import _check_derivation

    out = _check_derivation(REG["prop3"], REG)
    bad = [s for s in out["steps"] if not s["checked"]]
    assert len(bad) == 1 and "lower bound" in bad[0]["why"]
    ok = _check_derivation(REG["prop3/corrected"], REG)
    assert ok["complete"]


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
        C._zsym,
        bogus_derivation,
        lambda: [SimpleNamespace(z=C._zvec(2))],
    )
    rec = verify_claim(c, {**REG, "bogus": c}, {}, EXAMPLES, 0)
    # the derivation does not conclude the statement, so it is incomplete -> refuted, not proven
    assert rec["status"] == "refuted"
    assert any(not s["checked"] for s in rec["steps"])
    # a derivation that concludes it anyway (through a lying 'Algebra' check) must raise
    import derivations.engine as E

    orig = E._check_derivation
    E._check_derivation = lambda claim, reg: {
        "steps": [],
        "complete": True,
        "cites": [],
        "sizes": 1,
    }
    try:
        with pytest.raises(EngineError):
            verify_claim(c, {**REG, "bogus": c}, {}, EXAMPLES, 0, recheck=True)
    finally:
        E._check_derivation = orig


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
    assert doc["paper"] == "arXiv:2405.08707v2"
    (c,) = [c for c in doc["claims"] if c["id"] == "prop3"]
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
