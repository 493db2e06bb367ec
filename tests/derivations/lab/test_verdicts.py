"""The verdict rules of plateau and sizelaw: each can come out every way, from the numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivations.lab.plateau import plateau_verdict
from derivations.lab.sizefit import d_star_bounds
from derivations.lab.sizelaw import err_range, sizelaw_verdict


def _cond(name, floor, vals, gap=0.005, descent=0.001, kind="exact"):
    runs = [{"val": v, "gap_upper": gap, "descent_bound": descent} for v in vals]
    return {"name": name, "kind": kind, "floor": floor, "runs": runs}


def test_plateau_refuted_when_a_converged_loss_sits_below_one():
    st, why = plateau_verdict(
        [_cond("grammar", 0.98, [0.985] * 3), _cond("grammar-double", 0.67, [0.676] * 3)],
        0.02,
        0.05,
    )
    assert st == "refuted" and "grammar-double" in why and "grammar," not in why


def test_plateau_not_converged_is_inconclusive_even_when_low():
    """A shelf (gap above tolerance) cannot count, however low or flat it is."""
    st, why = plateau_verdict(
        [_cond("grammar-double", 0.67, [0.80, 0.81], gap=0.13, descent=0.0)], 0.02, 0.05
    )
    assert st == "inconclusive" and "not at its floor" in why


def test_plateau_supported_when_flat_at_one_above_a_low_floor():
    st, _ = plateau_verdict(
        [_cond("grammar-double", 0.67, [1.01, 0.99, 1.0], gap=0.33, descent=0.001)], 0.02, 0.05
    )
    assert st == "supported"
    # still falling: not supported
    st, _ = plateau_verdict(
        [_cond("grammar-double", 0.67, [1.01, 0.99, 1.0], gap=0.33, descent=0.2)], 0.02, 0.05
    )
    assert st == "inconclusive"


def test_plateau_at_a_floor_near_one_decides_nothing():
    st, _ = plateau_verdict([_cond("grammar", 0.98, [0.985] * 3)], 0.02, 0.05)
    assert st == "inconclusive"


def test_plateau_upper_estimates_do_not_enter_the_rule():
    st, why = plateau_verdict([_cond("mccoy", 1.01, [0.5], kind="upper")], 0.02, 0.05)
    assert st == "inconclusive" and "exact" in why


def _analysis(kind, ci, reading):
    return {"kind": kind, "interval": {"ci": ci}, "reading": reading}


def test_sizelaw_needs_the_control_first():
    qf = _analysis("qf", [0.4, 0.6], "holds known only")
    st, why = sizelaw_verdict({"facts": _analysis("facts", [0.3, 1.2], "holds both"), "qf": qf})
    assert st == "inconclusive" and "control" in why
    good = _analysis("facts", [0.9, 1.1], "holds known only")
    assert sizelaw_verdict({"facts": good, "qf": qf})[0] == "supported"
    bad = _analysis("qf", [0.9, 1.2], "holds alternative only")
    assert sizelaw_verdict({"facts": good, "qf": bad})[0] == "refuted"
    both = _analysis("qf", [0.3, 1.2], "holds both")
    assert sizelaw_verdict({"facts": good, "qf": both})[0] == "inconclusive"
    none = _analysis("qf", None, "undefined")
    assert sizelaw_verdict({"facts": good, "qf": none})[0] == "inconclusive"


def test_plateau_references_are_exact_for_sampled_lines_and_upper_for_mccoy(mini_qf):
    """Before any training: the grammar conditions carry the exact Bayes loss of their own
    validation lines, McCoy's condition its upper estimate."""
    from derivations.lab.common import preset
    from derivations.lab.plateau import PLATEAU_PRESETS, _prepare
    from derivations.lab.sampled import sample_examples, sample_floor

    s = preset(PLATEAU_PRESETS, "tiny", None)
    data, refs, info = _prepare(s, mini_qf)
    assert [c["name"] for c, _, _ in data] == [c["name"] for c in s["conditions"]]
    assert refs["mccoy"]["kind"] == "upper" and refs["grammar"]["kind"] == "exact"
    from derivations.lab.floors import load_grammar

    g = load_grammar(mini_qf)
    va = sample_examples(g, s["grammar_val_lines"], s["data_seed"] + 1)
    assert refs["grammar-echo"]["floor"] == sample_floor(g, va, "echo")["floor"]
    assert refs["grammar-echo"]["floor"] < refs["grammar"]["floor"]
    for c, _tr, va_data in data:
        assert len(va_data) == (s["grammar_val_lines"] if c["source"] == "grammar" else 400)


def test_an_unsettled_run_widens_its_rows_d_star_interval():
    """A run whose error could still cross σ² is not read as passing or failing: D* spans
    what the low and the high errors allow (an honest interval, not a dropped run)."""
    s = {"trend_window": 0.5}
    flat = _run(train=[2.2] * 100, final=2.2, val=[2.77] * 6)
    e = err_range(flat, s, 0.25)
    assert e["low"] == pytest.approx((2.2 - 2.77) ** 2) == e["high"] and e["settled"]
    falling = _run(train=list(np.linspace(2.77, 2.6, 100)), final=2.6, val=[2.77] * 6)
    f = err_range(falling, s, 0.1)  # err 0.03 now, could reach ≈ 0.12 ≥ 0.1: unsettled
    assert f["err"] == f["low"] < 0.1 <= f["high"] and not f["settled"]
    assert err_range(falling, s, 1.0)["settled"]  # far from σ²: more training changes nothing
    grid = [100, 200, 400]
    fixed = d_star_bounds([2.0, 0.05, 0.01], [2.0, 0.05, 0.01], grid, 0.1)
    assert (fixed["lo"], fixed["hi"], fixed["censored"]) == (100, 200, None)
    wide = d_star_bounds([2.0, 0.05, 0.01], [2.0, 0.3, 0.01], grid, 0.1)
    assert (wide["lo"], wide["hi"]) == (100, 400)
    open_ = d_star_bounds([0.01, 0.01, 0.01], [2.0, 2.0, 2.0], grid, 0.1)
    assert open_["censored"] == "both" and open_["lo"] == 0 and math.isinf(open_["hi"])
    with pytest.raises(ValueError):
        d_star_bounds([0.5], [0.1], [100], 0.1)


def _run(train, final, val):
    return {
        "train_loss": [float(x) for x in train],
        "final": {"train": {"loss": final}},
        "val_steps": [float(x) for x in np.linspace(0, len(train), len(val))],
        "val_loss": val,
    }
