"""Section 5 and Appendix D–G claims: the engine's verdicts, a deliberately wrong variant of
every claim that the same engine must refute, and for the refuted claims a corrected variant
that the same code must let pass (so every verdict comes from a comparison that can go
either way).

Reference values are computed with mpmath at 50 digits; the snippet that produced each sits
next to it.
"""

import dataclasses
import math

import mpmath
import pytest
import sympy as sp

import derivations.claims_sec5 as C
import theory.balls as B
from derivations import strategies as S
from derivations.engine import Rel, verify, verify_claim
from derivations.registry import all_claims

REG = all_claims()
SEC5 = {c.id: c for c in C.claims()}
EXAMPLES = 30

# Reference values (held as 50-digit mpf: created inside workdps(50), not at the default 15).
with mpmath.workdps(50):
    # mpmath.mp.dps = 50; n = mpf(21); r = sqrt(n/(2*pi*e))
    # log(pi**(n/2)*gammainc(n/2, 0, r*r)/gamma(n/2)) − (log(pi**(n/2)*r**n/gamma(1+n/2)) − r)
    EQ14_SQ_LOWER_MARGIN_N21 = mpmath.mpf("-0.0087267996430120695348578422067472756013037948856731")
    # the same at n = 20
    EQ14_SQ_LOWER_MARGIN_N20 = mpmath.mpf("0.022548132218618702111171715120105848332307087138973")
    # mpmath.mp.dps = 50; s = sqrt(pi)/2
    # s*(erf(-1) - erf(-2)) - s*(erf(3) - erf(2))   (= quad(exp(-(x-4)**2) - exp(-x**2), [2, 3]))
    EQ13_EXCESS = mpmath.mpf("0.13113130045289510064101005778440948952396192017922")
    # mpmath.mp.dps = 50; 2*(1 - exp(-1)), sqrt(pi)*erf(1)
    EQ12_PRINTED_N1_R1 = mpmath.mpf("1.2642411176571153568089524596770782651083777379365")
    EQ12_SQ_N1_R1 = mpmath.mpf("1.4936482656248540507989348722637060107089993736252")
    # mpmath.mp.dps = 50; log(sqrt(pi)*erf(mpf(1)/2))   (l = 1, E_t = g_t, r = 1/2: L = log Z_t)
    PROP4_L_ENERGY_R05 = mpmath.mpf("-0.080600682751631073577914877814728233058989765588993")
    # mpmath.mp.dps = 50; u = [log(mpf(x)*10**6) for x in ('214.18','261.78','309.37')];
    # w = [log(mpf(x)*10**6) for x in ('39.95','60.26','80.20')]; OLS slope of w on u
    TABLE3_SLOPE = mpmath.mpf("1.9002519077946386180270637914607896685547081916266")
    # mpmath.mp.dps = 50; 20/(2*sqrt(1024/(2*pi*e)))
    F1_RATIO_TWO_R_STAR = mpmath.mpf("1.2914785481632790432716849638437039529517255990598")
    # mpmath.mp.dps = 50; mpf(302161920)/25165824   (App. E sums with d_ff = 4096, / (l d_emb²))
    APPE_A_PUBLISHED = mpmath.mpf("12.0068359375")
    # mpmath.mp.dps = 50; expm1(log(sqrt(2*pi*512)) + 512*(log(512) - 1) - loggamma(513))
    STIRLING_ERR_N1024 = mpmath.mpf("-0.00016274715121596733546798810651378532932244381346048")


def _one(n):
    return mpmath.mpf(1)


_LO6, _HI6 = (lambda n: mpmath.exp(-1 / (6 * n))), (lambda n: mpmath.exp(1 / (6 * n)))


def _rstar_no_e(n):
    """V_n(√(n/2π))·√(πn): r* with the e dropped."""
    return mpmath.exp(
        B.mp_log_ball_volume(n, mpmath.sqrt(n / (2 * mpmath.pi))) + mpmath.log(mpmath.pi * n) / 2
    )


def _touch_off_by_log_l(o, v):
    Es = C._layer_vals(o, v, v.x)
    return [Rel(e - o.log(o.length(Es)), "==", o.global_energy(Es)) for e in Es]


def _majorize_flipped(o, v):
    return [Rel(r.rhs, "<=", r.lhs) for r in C.mm_majorize_statement(o, v)]


def _rational_table3():
    """Table 3 with row 1's third cell 0.03 (so the stated rule picks the printed D*)."""
    from theory.sizes import TABLE3

    r0 = dataclasses.replace(
        TABLE3[0], mse=TABLE3[0].mse[:2] + (sp.Rational("0.03"),) + TABLE3[0].mse[3:]
    )
    return (r0,) + TABLE3[1:]


# id -> the wrong variant's replaced fields (what was broken, in the comment)
WRONG = {
    "lemma5": {
        "statement": C.lemma5_statement(  # rⁿ/(n+1): a constant changed
            upper_log=lambda o, n, r: n * o.log(r) - o.log(n + 1)
        )
    },
    "thmd1": {"compute": C.stirling_compute(bound=lambda z: 1 / (24 * z))},  # half the bound
    "vn1-stirling": {
        "compute": C.ratio_compute(  # √(2nπ) for √(nπ)
            lambda n: C._vn1_ratio(n) / mpmath.sqrt(2), _one, _HI6, "wrong"
        )
    },
    "rstar": {"compute": C.ratio_compute(_rstar_no_e, _LO6, _one, "wrong")},  # e dropped
    "eq12": {
        "compute": C.eq12_compute(  # square dropped from γ(n/2, r²)
            lambda n, r: (
                sp.pi ** sp.Rational(n, 2)
                * sp.lowergamma(sp.Rational(n, 2), r)
                / sp.gamma(sp.Rational(n, 2))
            ),
            2,
            "wrong",
        )
    },
    "eq12/plain": {
        "compute": C.eq12_compute(  # r² for r
            lambda n, r: (
                2
                * sp.pi ** sp.Rational(n, 2)
                * sp.lowergamma(n, r**2)
                / sp.gamma(sp.Rational(n, 2))
            ),
            1,
            "wrong",
        )
    },
    "eq12/sq-corrected": {
        "compute": C.eq12_compute(  # r for r²
            lambda n, r: (
                sp.pi ** sp.Rational(n, 2)
                * sp.lowergamma(sp.Rational(n, 2), r)
                / sp.gamma(sp.Rational(n, 2))
            ),
            2,
            "wrong",
        )
    },
    "eq13": {"compute": C.eq13_compute(ball=B.ball_integral_plain)},  # plain distance
    "eq13/separated": {
        "compute": C.eq13_compute(ball=B.ball_integral_plain, condition=C.separated)
    },
    "eq14/sq": {"statement": C.eq14_statement("sq", upper_exp=1)},  # e^{−r*} on the upper side
    "eq14/sq-lower": {
        "statement": C.eq14_statement(  # e^{−r*} dropped
            "sq", upper=False, lower_log_factor=lambda rs: 0 * rs
        )
    },
    "eq14/sq-upper": {"statement": C.eq14_statement("sq", lower=False, upper_exp=1)},
    "eq14/plain": {"statement": C.eq14_statement("plain", upper_exp=1)},
    "eq6/mm-touch": {"statement": _touch_off_by_log_l},  # E_t − log l for E_t
    "eq6/mm-majorize": {"statement": _majorize_flipped},  # direction reversed
    "eq6/descent": {"compute": C.eq6_descent_compute("nearest")},  # E_t = g_t
    "eq6/descent-printed-Et": {"compute": C.eq6_descent_compute("printed", deltas=(1.0,))},
    "prop4/printed-Et": {
        "compute": C.prop4_compute(  # sign of 1/Z_t flipped
            "printed", formula=lambda row: mpmath.log(row["Z_t_mean"]) - 1 / row["Z_t_mean"]
        )
    },
    "prop4/energy-Et": {
        "compute": C.prop4_compute(
            "energy", formula=lambda row: mpmath.log(row["Z_t_mean"]) - 1 / row["Z_t_mean"]
        )
    },
    "prop4/floor": {"compute": C.prop4_floor_compute("100")},  # floor raised
    "eq15": {
        "compute": C.prop4_compute(
            "energy",
            steps=("b",),  # factor 2
            eq15_rhs=lambda row: 2 * row["eq15_rhs"],
        )
    },
    "eq15/printed-Et": {
        "compute": C.prop4_compute(
            "printed", steps=("b",), eq15_rhs=lambda row: 2 * row["eq15_rhs"]
        )
    },
    "prop5/paper-chain": {"compute": C.prop5_compute(C.Z.prop5_paper_chain, law_exponent=3)},
    "prop5/width": {"compute": C.prop5_compute(C.Z.prop5_width_at_fixed_depth, law_exponent=3)},
    "prop5/depth": {
        "compute": C.prop5_compute(lambda: C.Z.prop5_depth_at_fixed_width(True), law_exponent=3)
    },
    "prop5/const-kappa-depth": {
        "compute": C.prop5_compute(
            lambda: C.Z.prop5_constant_eq2_coefficient("depth"), law_exponent=3
        )
    },
    "prop5/const-kappa-context": {
        "compute": C.prop5_compute(
            lambda: C.Z.prop5_constant_eq2_coefficient("context"), law_exponent=3
        )
    },
    "prop5/exact-z": {"compute": C.prop5_exact_compute("paper_bound", law_exponent=3)},
    "appE": {"compute": C.appe_compute(4096)},  # the published d_ff against the printed sums
    "appE/published-config": {"compute": C.appe_compute(4096, A_target=11, printed_sums=False)},
    "table3/ratios": {"compute": C.table3_ratios_compute(power=1)},  # N/D*, not N/D*²
    "table3/rule": {"compute": C.table3_rule_compute(sigma2="0.03")},
    "table3/slope": {"compute": C.table3_slope_compute(target=5)},
    "eq1": {"compute": C.eq1_compute("besiroglu2024")},
    "table2": {"compute": C.table2_compute("2.3")},
    "f1-radius": {"compute": C.f1_compute("1.01")},
    "f1-radius/printed-values": {
        "compute": C.f1_printed_compute((sp.Rational("7.84"), sp.Rational("15.49")))
    },
}

#: For claims whose real verdict is "refuted": a corrected variant the same code must pass.
CORRECTED = {
    "eq14/sq-lower": {
        "statement": C.eq14_statement(  # e^{−r*²}: the elementary bound on I_sq
            "sq", upper=False, lower_log_factor=lambda rs: rs * rs
        )
    },
    "eq6/mm-touch": {"domain": lambda: S.layered_instances("distance", max_layers=1)},
    "eq6/mm-majorize": {"domain": lambda: C.trust_pairs(max_layers=1)},  # l = 1: E_t = E_global
    "eq6/descent": {"compute": C.eq6_descent_compute("distance", surrogate="global")},
    "prop4/printed-Et": {"compute": C.prop4_compute("printed", steps=("a",))},
    "prop4/energy-Et": {
        "compute": C.prop4_compute(  # L ≈ log Z over all patterns
            "energy", steps=("final",), formula=lambda row: mpmath.log(row["Z_all"])
        )
    },
    "prop4/floor": {"compute": C.prop4_floor_compute("-10")},
    "eq15": {
        "compute": C.prop4_compute(
            "energy", steps=("b",), sweep=tuple(s for s in C.PROP4_SWEEP if s[1] == 1)
        )
    },
    "prop5/width": {"compute": C.prop5_compute(C.Z.prop5_width_at_fixed_depth, law_exponent=4)},
    "prop5/exact-z": {"compute": C.prop5_exact_compute("paper_bound")},
    "appE/published-config": {"compute": C.appe_compute(4096, A_target=12, printed_sums=False)},
    "table3/rule": {"compute": C.table3_rule_compute(table=_rational_table3())},
    "eq1": {"compute": C.eq1_compute("paper")},
    "f1-radius": {"compute": C.f1_compute("1.3")},
}


def _variant(cid: str, fields: dict, suffix: str):
    return dataclasses.replace(SEC5[cid], id=f"{cid}/{suffix}", display=None, **fields)


def test_every_claim_has_a_wrong_variant():
    assert set(WRONG) == set(SEC5)
    assert set(CORRECTED) <= set(SEC5)


def test_sec5_claims_follow_sec4_in_the_registry():
    ids = list(REG)
    assert ids[-len(SEC5) :] == list(SEC5)
    assert all(not c.cited() for c in SEC5.values())


@pytest.mark.parametrize("cid", list(WRONG))
def test_wrong_variant_is_refuted(cid):
    wrong = _variant(cid, WRONG[cid], "wrong")
    rec = verify_claim(wrong, REG, {}, EXAMPLES, seed=1)
    assert rec["status"] == "refuted", rec["evidence"]
    ce = rec["counterexample"]
    assert ce is not None and set(ce) >= {
        "patterns",
        "x",
        "params",
        "lhs",
        "rhs",
        "relation",
        "violation",
    }


@pytest.mark.parametrize("cid", list(CORRECTED))
def test_corrected_variant_passes(cid):
    fixed = _variant(cid, CORRECTED[cid], "corrected")
    rec = verify_claim(fixed, REG, {}, EXAMPLES, seed=1)
    assert rec["status"] in ("proven", "supported"), rec["evidence"]
    assert rec["counterexample"] is None


def test_verdicts_of_the_cheap_claims_are_computed():
    ids = [
        "lemma5",
        "eq14/sq-lower",
        "eq14/plain",
        "eq13",
        "appE",
        "appE/published-config",
        "table3/ratios",
        "table3/rule",
        "table3/slope",
        "eq1",
        "table2",
        "prop5/paper-chain",
        "prop5/width",
        "prop5/exact-z",
        "f1-radius",
        "thmd1",
    ]
    recs = {r["id"]: r for r in verify(REG, ids, examples=EXAMPLES, jobs=1)}
    want = {
        "lemma5": "supported",
        "eq14/sq-lower": "refuted",
        "eq14/plain": "supported",
        "eq13": "refuted",
        "appE": "proven",
        "appE/published-config": "refuted",
        "table3/ratios": "proven",
        "table3/rule": "refuted",
        "table3/slope": "supported",
        "eq1": "refuted",
        "table2": "proven",
        "prop5/paper-chain": "proven",
        "prop5/width": "refuted",
        "prop5/exact-z": "refuted",
        "f1-radius": "refuted",
        "thmd1": "supported",
    }
    assert {k: recs[k]["status"] for k in want} == want
    for k in ("lemma5", "eq14/sq-lower", "eq14/plain"):
        assert recs[k]["twin_ok"], recs[k]["values"]

    # Eq. (14)'s lower side with the squared distance: the counterexample's n is past the
    # threshold n = 21, and its sides recompute from the JSON with mpmath's own gammainc
    ce = recs["eq14/sq-lower"]["counterexample"]
    n = ce["params"]["n"]
    assert n >= 21
    with mpmath.workdps(50):
        nn = mpmath.mpf(n)
        r = mpmath.sqrt(nn / (2 * mpmath.pi * mpmath.e))
        logI = mpmath.log(
            mpmath.pi ** (nn / 2) * mpmath.gammainc(nn / 2, 0, r * r) / mpmath.gamma(nn / 2)
        )
        lower = (
            nn / 2 * mpmath.log(mpmath.pi) + nn * mpmath.log(r) - mpmath.loggamma(1 + nn / 2) - r
        )
        assert lower > logI
        assert abs(lower - logI - mpmath.mpf(ce["violation"])) < 1e-9 * (1 + abs(lower))

    # Eq. (13) with unequal touching radii: Z_t exceeds the sum by the reference amount
    ce13 = recs["eq13"]["counterexample"]
    assert ce13["patterns"] == [[0.0], [4.0]] and ce13["params"]["radii"] == [3.0, 1.0]
    assert abs(mpmath.mpf(ce13["violation"]) - EQ13_EXCESS) < 1e-10

    v = recs["table3/slope"]["values"]
    assert abs(mpmath.mpf(v["slope"]) - TABLE3_SLOPE) < 1e-8
    with mpmath.workdps(50):
        assert (
            abs(
                mpmath.mpf(recs["appE/published-config"]["counterexample"]["lhs"])
                - APPE_A_PUBLISHED
            )
            < mpmath.mpf(10) ** -25
        )
    assert (
        abs(
            mpmath.mpf(recs["f1-radius"]["values"]["ratio_observed_over_two_r_star"])
            - F1_RATIO_TWO_R_STAR
        )
        < 1e-7
    )
    rows = {r["n"]: r for r in recs["thmd1"]["values"]["rows"]}
    assert abs(mpmath.mpf(rows[1024]["rel_error"]) - STIRLING_ERR_N1024) < 1e-15
    ex = recs["prop5/exact-z"]["values"]
    assert float(ex["sq"][-1]["exponent_k"]) < 1e-3  # N grows like a power of log D
    assert abs(float(ex["paper_bound"][-1]["exponent_k"]) - 2) < 1e-5


def test_eq14_squared_lower_side_fails_first_at_n_21():
    st_ = C.eq14_statement("sq", upper=False)
    from derivations.engine import MP
    from derivations.ops import Instance

    with mpmath.workdps(50):
        for n, ref in ((20, EQ14_SQ_LOWER_MARGIN_N20), (21, EQ14_SQ_LOWER_MARGIN_N21)):
            (rel,) = st_(MP, MP.load(Instance.make(n=float(n), d=1.0)))
            assert abs((rel.rhs - rel.lhs) - ref) < mpmath.mpf(10) ** -40


def test_eq12_counterexample_is_sympys_own_integral_at_n1():
    out = SEC5["eq12"].compute(examples=EXAMPLES, seed=0)
    assert out.holds is False
    ce = out.counterexample
    assert ce["params"]["n"] == 1 and ce["params"]["r"] == 1
    with mpmath.workdps(50):  # the JSON holds 30 significant digits
        assert abs(mpmath.mpf(ce["lhs"]) - EQ12_PRINTED_N1_R1) < mpmath.mpf(10) ** -28
        assert abs(mpmath.mpf(ce["rhs"]) - EQ12_SQ_N1_R1) < mpmath.mpf(10) ** -28
    # the same numbers are what the plain-distance reading integrates to: it passes
    assert SEC5["eq12/plain"].compute(examples=EXAMPLES, seed=0).holds is True


def test_prop4_energy_reading_gives_log_z_and_the_floor_fails():
    out = SEC5["prop4/energy-Et"].compute(examples=EXAMPLES, seed=0)
    row = next(
        r
        for r in out.values["rows"]
        if r["l"] == 1 and r["r"] == "0.5" and r["n"] == 1 and r["per_layer"] == 1
    )
    assert abs(mpmath.mpf(row["L"]) - PROP4_L_ENERGY_R05) < 1e-10
    assert mpmath.mpf(row["L"]) < 1  # below the claimed floor, though Z_t ≈ 0.92 ≈ 1
    floor = SEC5["prop4/floor"].compute(examples=EXAMPLES, seed=0)
    assert floor.holds is False and mpmath.mpf(floor.counterexample["lhs"]) < 1


def test_torch_log_lowergamma_matches_mpmath_at_huge_order():
    import torch

    for s, x in ((1e6, 1e6), (5e5, 5e5 / (2 * math.pi * math.e)), (3.5, 40.0), (0.5, 1e-4)):
        with mpmath.workdps(30):
            ref = float(B.mp_log_lowergamma(s, x))
        got = float(
            C._torch_log_lowergamma(
                torch.tensor(s, dtype=torch.float64), torch.tensor(x, dtype=torch.float64)
            )
        )
        assert abs(got - ref) <= 1e-12 * (abs(ref) + s + x)


@pytest.mark.slow
def test_cli_verify_all_sec5_claims_within_a_minute(tmp_path):
    import json
    import subprocess
    import sys
    import time

    out = tmp_path / "sec5.json"
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "verify", "--claims", *SEC5, "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert {c["id"] for c in doc["claims"]} == set(SEC5)
    assert time.perf_counter() - t0 < 120
    for c in doc["claims"]:
        json.dumps(c)
        if c["status"] == "refuted":
            assert c["counterexample"] is not None
