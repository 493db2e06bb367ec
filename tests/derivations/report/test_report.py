"""Tests of derivations.report: ordering, Markdown, self-contained HTML, headless Chromium.

The verdicts dict below is a FIXTURE written by hand in the schema of ``verify --json``;
its verdicts are made up and say nothing about the paper. The report must not depend on
the engine, only on that schema.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derivations.report import latex_to_mathml, write_report
from derivations.report.structure import layout

CX = {
    "patterns": [[0.5, -1.25], [2.0, 0.0]],
    "x": [0.5, -1.25],
    "params": {"beta": 2},
    "regime": "near-pattern",
    "relation": "lower <= r3",
    "lhs": "-0.22750000000000000000000000000",
    "rhs": "-0.69314718055994530941723212146",
    "violation": "0.46564718055994530941723212146",
}


SECTION = {
    "ext/cccp-descent": "ext",
    "prop5": "5",
    "eq12": "5",
    "prop3": "4",
    "prop1": "4",
    "prop3/corrected": "4",
    "eq8/majorizes": "4",
    "lemma2": "A",
    "softmax-grad": "A",
    "lemma1": "A",
    "tableE": "numbers",
    "eq4": "4",
}
PAPER = {
    "id": "paperx",
    "title": "A paper of fixtures",
    "authors": "A. Author",
    "ref": "arXiv:0000.00000v1",
    "summary": "What the fixture paper claims.",
    "sections": [
        {"key": "A", "title": "Appendix A"},
        {"key": "4", "title": "Section 4"},
        {"key": "5", "title": "Section 5"},
        {"key": "numbers", "title": "Printed numbers"},
        {"key": "ext", "title": "Extensions"},
    ],
}


def _claim(cid, ref, status, latex, **kw):
    base = {
        "paper": "paperx" if cid in SECTION else "",
        "section": SECTION.get(cid, ""),
        "id": cid,
        "ref": ref,
        "reading": "as printed",
        "kind": "inequality",
        "status": status,
        "evidence": f"fixture evidence for {cid} <b>not bold</b> | a_b*c",
        "trials": 123,
        "seconds": 0.25,
        "statement_latex": latex,
        "assumptions": "patterns ρ ∈ ℝ^{d×n}, x ∈ ℝⁿ",
        "extension": False,
        "steps": [],
        "values": {},
        "counterexample": None,
    }
    base.update(kw)
    return base


def synthetic_verdicts() -> dict:
    """A synthetic verdicts dict (fixture), claims deliberately out of the paper's order."""
    return {
        "papers": [PAPER],
        "tool_version": "0.0-fixture",
        "seed": 0,
        "examples": 50,
        "claims": [
            _claim(
                "ext/cccp-descent",
                "extension (ours), on Eq. (4)",
                "proven",
                r"E{\left(x^{+} \right)} \leq E{\left(x \right)}",
                extension=True,
            ),
            _claim(
                "prop5",
                "arXiv:2405.08707v2 §5, Proposition 5",
                "inconclusive",
                r"N = O{\left(D^{2} \right)}",
            ),
            _claim(
                "eq12",
                "arXiv:2405.08707v2 §5, Eq. (12)",
                "refuted",
                r"\int_{0}^{r} t^{n - 1} e^{- t^{2}}\, dt = \frac{\gamma{\left(n,r \right)}}"
                r"{2}",
                counterexample={
                    "patterns": None,
                    "x": None,
                    "params": {"n": 2, "r": 1},
                    "relation": "lhs == rhs",
                    "lhs": "0.316",
                    "rhs": "0.132",
                    "violation": "0.184",
                },
            ),
            _claim(
                "prop3",
                "arXiv:2405.08707v2 §4, Proposition 3",
                "refuted",
                r"- \Delta \leq g{\left(x \right)} - 2 E^{MCHN}_{2}{\left(x \right)} \;\wedge\;"
                r" g{\left(x \right)} - 2 E^{MCHN}_{2}{\left(x \right)} \leq \Delta + "
                r"\log{\left(d \right)}",
                counterexample=copy.deepcopy(CX),
                steps=[
                    {
                        "latex": r"E \leq g",
                        "why": "Proposition 1",
                        "checked": True,
                        "how": "instance of prop1",
                    },
                    {
                        "latex": r"\frac{a}{b} \leq \Delta",
                        "why": "Lemma 4",
                        "checked": False,
                        "how": "SymPy could not confirm",
                    },
                ],
                values={"max_violation": 1.61, "sizes": [[2, 1], [3, 2]]},
            ),
            _claim(
                "prop1",
                "arXiv:2405.08707v2 §4, Proposition 1",
                "proven",
                r"g{\left(x \right)} - \log{\left(d \right)} \leq E{\left(x \right)}",
                steps=[
                    {
                        "latex": r"\max_{i} z_{i} \leq \operatorname{LSE}{\left(z \right)}",
                        "why": "Lemma 2",
                        "checked": True,
                        "how": "cites lemma2",
                    }
                ],
            ),
            _claim(
                "prop3/corrected",
                "arXiv:2405.08707v2 §4, Proposition 3",
                "supported",
                r"- \Delta - \log{\left(d \right)} \leq r_{3} \leq 0",
                reading="corrected",
            ),
            _claim(
                "eq8/majorizes",
                "arXiv:2405.08707v2 §4, after Eq. (8)",
                "refuted",
                r"E_{global} \leq E_{t}",
                counterexample=copy.deepcopy(CX),
            ),
            _claim(
                "lemma2",
                "arXiv:2405.08707v2 App. A, Lemma 2",
                "refuted",
                r"\max{\left(z \right)} < \operatorname{LSE}{\left(z \right)}",
                counterexample={
                    "patterns": None,
                    "x": None,
                    "params": {"z": ["-inf", 0.0]},
                    "relation": "max z < LSE",
                    "lhs": "0",
                    "rhs": "0",
                    "violation": "0",
                },
            ),
            _claim(
                "softmax-grad",
                "arXiv:2405.08707v2 §2 (background)",
                "proven",
                r"\frac{d}{d {z}_{k}} \operatorname{LSE}{\left(z \right)} = "
                r"\operatorname{softmax}{\left(z \right)}",
                kind="identity",
            ),
            _claim(
                "lemma1",
                "arXiv:2405.08707v2 App. A, Lemma 1",
                "supported",
                r"\operatorname{LSE}{\left(\lambda z + (1-\lambda) y \right)} \leq "
                r"\lambda \operatorname{LSE}{\left(z \right)}",
            ),
            _claim(
                "tableE",
                "arXiv:2405.08707v2 App. E, GPT-2 medium count",
                "refuted",
                r"A \approx 10",
            ),
            _claim(
                "eq4",
                "arXiv:2405.08707v2 §4, Eq. (4)",
                "supported",
                r"E{\left(x \right)} = - \log{\left(\sum_{i=1}^{d} e^{- \left\|x - \rho^{i}"
                r"\right\|^{2}} \right)}",
                kind="definition",
            ),
            _claim("weird", "somewhere unusual", "unknown-status", r"\text{a & b < c}"),
        ],
    }


@pytest.fixture
def verdicts() -> dict:
    return synthetic_verdicts()


@pytest.fixture
def figure_records(tmp_path) -> list[dict]:
    """Figure records like render_figures returns (tiny real PNGs; fixture)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    recs = []
    fdir = tmp_path / "render" / "figures"
    fdir.mkdir(parents=True)
    for name, claims in (
        ("bands_fixture", ["prop1", "prop2", "prop3"]),
        ("orphan_fixture", ["no-such-claim"]),
    ):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1, 2], [1, 0, 2])
        png = fdir / f"{name}.png"
        fig.savefig(png)
        plt.close(fig)
        csv = fdir / f"{name}.csv"
        csv.write_text("table,x\nt,1\n")
        recs.append(
            {
                "name": name,
                "paper": "paperx",
                "title": f"Title of {name}",
                "claims": claims,
                "caption": f"Caption of {name}: 3/5 points outside <band>.",
                "png": str(png),
                "csv": str(csv),
                "summary": {},
            }
        )
    return recs


@pytest.fixture
def report(tmp_path, verdicts, figure_records):
    out = tmp_path / "out"
    paths = write_report(verdicts, figure_records, out)
    return {
        "paths": paths,
        "md": Path(paths["markdown"]).read_text(encoding="utf-8"),
        "html": Path(paths["html"]).read_text(encoding="utf-8"),
        "dir": out,
    }


def _qid(c):
    return f"{c['paper']}:{c['id']}" if c.get("paper") else c["id"]


def test_order_follows_the_papers_section_map(verdicts):
    lay = layout(verdicts, [])
    got = [c["id"] for c in lay.ordered]
    assert got == [
        "lemma2",
        "softmax-grad",
        "lemma1",
        "prop3",
        "prop1",
        "prop3/corrected",
        "eq8/majorizes",
        "eq4",
        "prop5",
        "eq12",
        "tableE",
        "ext/cccp-descent",
        "weird",
    ]
    assert [p.title for p in lay.parts][-1] == "Other claims"
    assert [ch.title for ch in lay.parts[0].chapters] == [
        "Appendix A",
        "Section 4",
        "Section 5",
        "Printed numbers",
        "Extensions",
    ]


def test_citations_are_linked_both_ways(tmp_path, verdicts):
    verdicts["claims"][4]["cites"] = ["paperx:lemma2", "other:thm1"]
    out = write_report(verdicts, [], tmp_path / "r")
    md = Path(out["markdown"]).read_text(encoding="utf-8")
    assert "Cites: [paperx:lemma2](#claim-paperx-lemma2), other:thm1" in md
    assert "Cited by: [paperx:prop1](#claim-paperx-prop1)" in md


def test_files_written(report, verdicts):
    p = report["paths"]
    assert json.loads(Path(p["verdicts"]).read_text(encoding="utf-8")) == verdicts
    assert p["claims"] == len(verdicts["claims"])


def test_every_claim_in_markdown_and_html(report, verdicts):
    import html as html_mod

    for c in verdicts["claims"]:
        q = _qid(c)
        assert f"claim-{re.sub(r'[^A-Za-z0-9_-]+', '-', q).strip('-')}" in report["md"]
        assert f"{html_mod.escape(q)}</a>" in report["html"]
        assert f'id="claim-{re.sub(r"[^A-Za-z0-9_-]+", "-", q).strip("-")}"' in report["html"]
    # sections appear in the paper's order: App. A lemmas first, extensions last
    md = report["md"]
    pos = [md.index(f"#### {k}. ") for k in range(1, len(verdicts["claims"]) + 1)]
    assert pos == sorted(pos)
    assert (
        md.index("lemma2: ")
        < md.index("softmax-grad: ")
        < md.index("lemma1: ")
        < md.index("prop3: ")
        < md.index("prop1: ")
        < md.index("eq8/majorizes: ")
        < md.index("prop5: ")
        < md.index("eq12: ")
        < md.index("tableE: ")
        < md.index("ext/cccp-descent: ")
        < md.index("weird: ")
    )


def test_counterexample_shown_with_both_sides(report):
    md, h = report["md"], report["html"]
    for doc in (md, h):
        assert CX["lhs"] in doc and CX["rhs"] in doc and CX["violation"] in doc
        assert "Counterexample" in doc
    # patterns rendered as a matrix table in HTML
    assert '<td class="num">-1.25</td>' in h


def test_steps_and_verdicts(report):
    h = report["html"]
    assert "✔ checked" in h and "✘ not confirmed" in h
    assert "SymPy could not confirm" in h
    for st in ("proven", "supported", "refuted", "inconclusive"):
        assert f"badge st-{st}" in h


def test_html_self_contained_and_escaped(report):
    h = report["html"]
    assert not re.search(r"https?://", h), "the HTML must not reference any URL"
    assert "<script" not in h.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", h)
    assert "<b>not bold</b>" not in h and "&lt;b&gt;not bold&lt;/b&gt;" in h
    assert "&lt;band&gt;" in h
    # every formula is MathML, except the one whose LaTeX cannot be XML (shown as code)
    assert h.count("<math ") >= 12
    assert '<code class="latex"' in h and r"\text{a &amp; b &lt; c}" in h
    # figures embedded once; the other matching claims link to it
    assert h.count("data:image/png;base64,") == 2
    assert 'href="#fig-bands_fixture"' in h
    assert "Figures not attached to a claim" in h


def test_markdown_figures_and_escaping(report):
    md = report["md"]
    assert "](figures/bands_fixture.png)" in md
    assert "\\<b\\>not bold\\</b\\>" in md and "\\| a\\_b\\*c" in md
    assert "$$\n- \\Delta \\leq" in md  # conjunction split into display parts
    assert "| patterns (one per row) | `[[0.5, -1.25], [2.0, 0.0]]` |" in md
    assert "| relation | `lower <= r3` |" in md


def test_mathml_sanitised():
    m = latex_to_mathml(r"\frac{a}{b} \leq \operatorname{LSE}{\left(z \right)}", display=True)
    assert m.startswith('<math display="block">') and "<mfrac>" in m and "xmlns" not in m
    assert latex_to_mathml(r"\text{a & b}") is None


def test_bad_input():
    with pytest.raises(ValueError, match="claims"):
        write_report({"papers": []}, [], "/tmp/unused-report-dir")


# ------------------------------------------------------------------- headless Chromium

_PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(String(e.message || ((e.target && e.target.tagName) + ' failed')));
}, true);
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var maths = Array.prototype.slice.call(document.getElementsByTagName('math'));
  var fracs = Array.prototype.slice.call(document.getElementsByTagName('mfrac'));
  var stacked = fracs.filter(function (f) {
    var a = f.children[0].getBoundingClientRect(), b = f.children[1].getBoundingClientRect();
    return a.height > 0 && b.height > 0 && a.bottom <= b.top + 1;
  });
  var res = {
    images: imgs.length,
    images_loaded: imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
    math: maths.length,
    mathml_elements: maths.filter(function (m) {
      return typeof MathMLElement !== 'undefined' && m instanceof MathMLElement; }).length,
    math_laid_out: maths.filter(function (m) {
      var r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length,
    fractions: fracs.length,
    fractions_stacked: stacked.length,
    errors: window.__errors
  };
  var pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify(res);
  document.body.appendChild(pre);
});
</script>"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run_chromium(exe: str, args: list[str], timeout: int = 90) -> subprocess.CompletedProcess:
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def test_html_in_headless_chromium(report):
    exe = _chromium()
    if exe is None:
        pytest.skip("headless browser check needs Chromium: apt-get install chromium")
    h = report["html"]
    probe = report["dir"] / "probe.html"
    probe.write_text(h.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    proc = _run_chromium(exe, ["--virtual-time-budget=10000", "--dump-dom", probe.as_uri()])
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"Chromium gave no probe result; rc={proc.returncode} stderr={proc.stderr[-2000:]}"
    import html as html_mod

    res = json.loads(html_mod.unescape(m.group(1)))
    assert res["errors"] == []
    assert res["images"] == 2 and res["images_loaded"] == 2
    assert res["math"] == h.count("<math ") and res["math"] >= 12
    assert res["mathml_elements"] == res["math"], "Chromium did not parse <math> as MathML"
    assert res["math_laid_out"] == res["math"]
    assert res["fractions"] >= 2 and res["fractions_stacked"] == res["fractions"], (
        "fractions are not laid out as MathML (numerator above denominator)"
    )


def test_chromium_probe_detects_failures(tmp_path):
    """Negative control: the probe must report a broken image and non-MathML markup."""
    exe = _chromium()
    if exe is None:
        pytest.skip("headless browser check needs Chromium: apt-get install chromium")
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head>" + _PROBE + "</head><body>"
        '<img src="data:image/png;base64,AAAA" alt="broken">'
        "<math><mfrac><mi>a</mi><mi>b</mi></mfrac></math>"
        "<p>x</p></body></html>",
        encoding="utf-8",
    )
    proc = _run_chromium(exe, ["--virtual-time-budget=5000", "--dump-dom", page.as_uri()])
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"Chromium gave no probe result; rc={proc.returncode}"
    import html as html_mod

    res = json.loads(html_mod.unescape(m.group(1)))
    assert res["images"] == 1 and res["images_loaded"] == 0
    assert res["errors"], "the failed image load should be recorded"
    assert res["fractions"] == 1 and res["fractions_stacked"] == 1


# ------------------------------------------------ proofs a referee can read (issue 12)


def test_steps_show_rule_premises_citations_and_where_checked(tmp_path, verdicts):
    prop1 = next(c for c in verdicts["claims"] if c["id"] == "prop1")
    prop1["steps"] = [
        {
            "latex": r"\max_{i} z_{i} \le \operatorname{LSE}\left(z\right)",
            "why": "Lemma 2 at zᵢ = ‖x − ρⁱ‖²",
            "checked": True,
            "status": "checked",
            "how": "cites: an instance of lemma2",
            "rule": "cites",
            "premises": [],
            "cites": "paperx:lemma2",
            "where": "every d ≥ 1, n ≥ 1",
        },
        {
            "latex": r"g \le E",
            "why": "combine with e^{−r}",
            "checked": False,
            "status": "not decided within budget",
            "how": "not decided within budget (20,000 units of kernel work)",
            "rule": "combine",
            "premises": [1, 3],
            "cites": None,
            "where": "every d ≥ 1, n ≥ 1",
        },
    ]
    verdicts["notation"] = {"g": {"latex": "g", "text": "g", "meaning": "g(x) = minᵢ ‖x − ρⁱ‖²"}}
    out = write_report(verdicts, [], tmp_path / "r")
    md = Path(out["markdown"]).read_text(encoding="utf-8")
    h = Path(out["html"]).read_text(encoding="utf-8")
    assert "cites [paperx:lemma2](#claim-paperx-lemma2)" in md
    assert "checked for every d ≥ 1, n ≥ 1" in md
    assert "✘ not decided within budget" in md and "rule combine from steps 1, 3" in md
    assert "tried for every d ≥ 1, n ≥ 1" in md  # a step not checked was only tried
    assert 'href="#claim-paperx-lemma2"' in h and "✘ not decided within budget" in h
    # a formula inside the reason is MathML, not raw TeX
    assert "e^{−r}" not in h and "$e^{-r}$" in md
    assert "g(x) = minᵢ ‖x − ρⁱ‖²" in md and "Notation" in h


def test_readings_and_evidence_render_their_formulas(tmp_path, verdicts):
    c = verdicts["claims"][0]
    c["reading"] = "as printed, E_{t} = e^{−g_{t}}/Z_{t} (literal reading)"
    c["evidence"] = "equal to 2π^{n/2}γ(n, r)/Γ(n/2) at n = 1"
    out = write_report(verdicts, [], tmp_path / "r")
    h = Path(out["html"]).read_text(encoding="utf-8")
    md = Path(out["markdown"]).read_text(encoding="utf-8")
    assert "e^{−g_{t}}" not in h and "2π^{n/2}" not in h
    assert "<msup>" in h and "$2π^{n/2}γ(n, r)/Γ(n/2)$" in md
