"""The verdict rules of plateau and sizelaw: each can come out every way, from the numbers."""

from __future__ import annotations

from derivations.lab.plateau import plateau_verdict
from derivations.lab.sizelaw import sizelaw_verdict


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


def test_sizelaw_unconverged_control_is_not_trusted():
    ctrl = {**_analysis("facts", [0.9, 1.1], "not converged"), "not_converged": 30, "runs": 90}
    qf = _analysis("qf", [0.4, 0.6], "holds known only")
    st, why = sizelaw_verdict({"facts": ctrl, "qf": qf})
    assert st == "inconclusive" and "did not converge" in why
    good = _analysis("facts", [0.9, 1.1], "holds known only")
    qf_nc = {**_analysis("qf", [0.4, 0.6], "not converged"), "not_converged": 20, "runs": 105}
    assert sizelaw_verdict({"facts": good, "qf": qf_nc})[0] == "inconclusive"
