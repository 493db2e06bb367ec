"""The real pipeline: the engine's verdicts for a few claims, through the report writer."""

import json

from derivations.cli import main, run_verify
from derivations.report import write_report


def test_engine_verdicts_all_appear_in_the_report(tmp_path):
    doc = run_verify(
        ["prop3", "eq8/nonstrict", "table3/ratios", "eq12"],
        examples=15,
        progress=lambda m: None,
        jobs=1,
    )
    out = tmp_path / "r"
    res = write_report(doc, [], out)
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    saved = json.loads((out / "verdicts.json").read_text())
    assert res["claims"] == len(doc["claims"]) == len(saved["claims"])
    for c in doc["claims"]:
        assert c["id"] in md and c["id"] in html
        assert c["status"] in md
    # provenance: the releases of the libraries the verdicts depend on
    assert saved["libraries"]["hypothesis"] and saved["libraries"]["sympy"]
    assert set(saved["libraries"]) >= {"hypothesis", "sympy", "mpmath", "python-flint"}
    prop3 = next(c for c in saved["claims"] if c["id"] == "prop3")
    assert prop3["status"] == "refuted"
    # the counterexample's sides are in the report as the engine wrote them
    assert prop3["counterexample"]["rhs"][:12] in md


def test_plots_only_one_figure(tmp_path, capsys):
    assert main(["plots", "--out", str(tmp_path), "--only", "fig1_energy_landscapes"]) == 0
    figs = tmp_path / "figures"
    assert (figs / "fig1_energy_landscapes.png").stat().st_size > 10_000
    assert (figs / "fig1_energy_landscapes.svg").exists()
    assert not (figs / "prop123_bands.png").exists()


def test_lab_results_enter_the_report_with_their_figure(tmp_path):
    """A (synthetic) lab result under OUT/lab becomes an empirical claim with its figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from derivations.cli import _lab_claims

    d = tmp_path / "lab" / "radius"
    d.mkdir(parents=True)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    fig.savefig(d / "radius.png")
    plt.close(fig)
    claim = {
        "id": "lab/radius",
        "kind": "empirical",
        "ref": "v2 App. F.1",
        "status": "refuted",
        "statement": "NN distances exceed 2r*",
        "evidence": "synthetic",
        "values": {},
    }
    (d / "result.json").write_text(json.dumps({"claim": claim, "files": ["radius.png"]}))
    staging = tmp_path / "staging"
    claims, figs = _lab_claims(tmp_path, staging)
    assert [c["id"] for c in claims] == ["lab/radius"]
    assert figs[0]["claims"] == ["lab/radius"]
    assert (staging / "figures" / "lab_radius.png").exists()
    # a result whose status is not one of the four verdicts is left out, not shown as one
    claim["status"] = "great"
    (d / "result.json").write_text(json.dumps({"claim": claim, "files": ["radius.png"]}))
    assert _lab_claims(tmp_path, staging)[0] == []
