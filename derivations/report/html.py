"""``report.html``: the verification report, self-contained (MathML, embedded figures).

The page contains no external URL and no script; formulas are MathML made on this machine
(:mod:`derivations.report.mathml`), figures are base64 PNG.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from derivations.report.markdown import (
    STATUS_MARK,
    VERDICT_LEGEND,
    counterexample_rows,
    fmt_seconds,
    step_facts,
)
from derivations.report.mathml import latex_to_mathml, split_conjunction
from derivations.report.mathtext import to_html
from derivations.report.structure import Layout, anchor, counts, fig_anchor, qid, status

__all__ = ["render_html"]

_CSS = """
:root { --fg:#1d1f23; --muted:#5b616b; --line:#d9dce1; --bg:#ffffff; --soft:#f5f6f8;
  --proven:#1b7a3a; --supported:#1f5fa8; --refuted:#b3261e; --inconclusive:#8a6100; }
* { box-sizing: border-box; }
body { margin:0; color:var(--fg); background:var(--bg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.55rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 40px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 28px 0 6px; }
h4 { font-size: 1.02rem; margin: 0 0 6px; }
h2.paper { font-size: 1.35rem; }
.meta, .muted { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display:inline-block; padding: 1px 9px; border-radius: 10px; color: #fff;
  font-weight: 600; font-size: .85rem; background: #6b7280; }
.st-proven { background: var(--proven); } .st-supported { background: var(--supported); }
.st-refuted { background: var(--refuted); } .st-inconclusive { background: var(--inconclusive); }
section.claim { border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px;
  margin: 16px 0; }
section.claim.refuted { border-left: 6px solid var(--refuted); }
section.claim.proven { border-left: 6px solid var(--proven); }
section.claim.supported { border-left: 6px solid var(--supported); }
section.claim.inconclusive { border-left: 6px solid var(--inconclusive); }
.statement { background: var(--soft); border-radius: 6px; padding: 6px 12px; margin: 8px 0;
  overflow-x: auto; }
.statement .and { color: var(--muted); font-size: .85rem; }
math { font-size: 1.05em; }
math[display="block"] { margin: 6px 0; }
ol.steps li { margin: 6px 0; }
ol.steps .math { overflow-x: auto; }
.ok { color: var(--proven); font-weight: 600; } .no { color: var(--refuted); font-weight: 600; }
.cx { border: 1px solid #f0b8b3; background: #fff6f5; border-radius: 6px; padding: 8px 12px; }
.cx table { background: #fff; }
.cx th, details th { width: 14em; }
table.matrix { width: auto; margin: 0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .85rem; }
pre { background: var(--soft); padding: 8px; border-radius: 6px; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; margin: 0; }
code.latex { color: #6b2c91; }
figure { margin: 14px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { font-size: .88rem; color: var(--fg); margin-top: 4px; }
details summary { cursor: pointer; color: var(--muted); }
"""


def _h(text) -> str:
    return html.escape(str(text), quote=True)


def _html_math(latex: str, display: bool) -> str:
    latex = str(latex).strip()
    if not latex:
        return ""
    mml = latex_to_mathml(latex, display)
    if mml is None:
        return f'<code class="latex" title="LaTeX source (not converted)">{_h(latex)}</code>'
    return mml


def _html_value(v) -> str:
    if isinstance(v, str):
        return f"<code>{_h(v)}</code>"
    if isinstance(v, list) and v and all(isinstance(r, list) for r in v):
        rows = "".join(
            "<tr>" + "".join(f'<td class="num">{_h(x)}</td>' for x in r) + "</tr>" for r in v
        )
        return f'<table class="matrix">{rows}</table>'
    compact = json.dumps(v, ensure_ascii=False, default=str)
    if len(compact) <= 100:
        return f"<code>{_h(compact)}</code>"
    return f"<pre>{_h(json.dumps(v, indent=1, ensure_ascii=False, default=str))}</pre>"


def _html_figure(fig: dict, number: int) -> str:
    png = fig.get("png")
    title = fig.get("title", fig["name"])
    if png and Path(png).exists():
        data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
        img = (
            f'<img src="data:image/png;base64,{data}" alt="Figure {number}: {_h(title)}" '
            f'loading="eager">'
        )
    else:
        img = f'<p class="no">figure file missing: {_h(png)}</p>'
    files = ", ".join(
        f"<code>{_h(Path(fig[k]).name)}</code>" for k in ("svg", "csv", "json") if fig.get(k)
    )
    return (
        f'<figure id="{fig_anchor(fig["name"])}">{img}<figcaption><b>Figure {number} '
        f"({_h(fig['name'])}). {_h(title)}.</b> {_h(fig.get('caption', ''))}"
        + (f' <span class="muted">Data: {files} in figures/.</span>' if files else "")
        + "</figcaption></figure>"
    )


def _link(q: str, lay: Layout) -> str:
    return f'<a href="#{anchor(q)}">{_h(q)}</a>' if q in lay.known else _h(q)


def _links(qs: str, lay: Layout) -> str:
    """A step's cited claims ("a, b": ids never contain ", "), each linked."""
    return ", ".join(_link(q, lay) for q in qs.split(", "))


def _claim(c: dict, k: int, lay: Layout) -> list[str]:
    q, st = qid(c), status(c)
    out = [f'<section class="claim {_h(st)}" id="{anchor(q)}">']
    out.append(
        f"<h4>{k}. {_h(q)}: {_h(c.get('ref', ''))} "
        f'<span class="badge st-{_h(st)}">{_h(st)} {STATUS_MARK.get(st, "")}</span></h4>'
    )
    meta = [f"reading: {to_html(c.get('reading', ''))}", f"kind: {_h(c.get('kind', ''))}"]
    if c.get("extension"):
        meta.append("extension (ours)")
    if c.get("aliases"):
        meta.append("also answers to " + ", ".join(f"<code>{_h(a)}</code>" for a in c["aliases"]))
    out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if c.get("summary"):
        out.append(f"<p>{_h(c['summary'])}</p>")
    if c.get("assumptions"):
        out.append(f'<p class="meta">Assumptions: {to_html(c["assumptions"])}</p>')
    links = [(lab, c.get(key) or []) for key, lab in (("cites", "Cites"), ("uses", "Rests on"))]
    links.append(("Cited by", lay.cited_by.get(q, [])))
    for label, ids in links:
        if ids:
            out.append(
                f'<p class="meta">{label}: ' + ", ".join(_link(str(i), lay) for i in ids) + "</p>"
            )
    if c.get("statement_latex"):
        parts = split_conjunction(c["statement_latex"])
        body = '<div class="and">and</div>'.join(_html_math(p, True) for p in parts)
        out.append(
            f'<div class="statement" title="printed by SymPy from the encoded claim">{body}</div>'
        )
    out.append(
        f"<p><b>Evidence:</b> {to_html(c.get('evidence', ''))} "
        f'<span class="muted">({_h(c.get("trials", 0))} trials, '
        f"{fmt_seconds(c.get('seconds'))} s)</span></p>"
    )
    steps = c.get("steps") or []
    if steps:
        out.append(
            '<p><b>Derivation</b> <span class="muted">(each step re-checked by the rule '
            'kernel)</span></p><ol class="steps">'
        )
        for s in steps:
            ok = bool(s.get("checked"))
            st = s.get("status") or ("checked" if ok else "not confirmed")
            mark = "✔ checked" if ok else "✘ " + ("not confirmed" if st == "checked" else st)
            facts = " · ".join(
                f"{k} " + (_links(v, lay) if k == "cites" else _h(v)) for k, v in step_facts(s)
            )
            out.append(
                f'<li><div class="math">{_html_math(s.get("latex", ""), False)}</div>'
                f"<div>{to_html(s.get('why', ''))} · "
                f'<span class="{"ok" if ok else "no"}">{mark}</span>'
                + (f' <span class="muted">({facts})</span>' if facts else "")
                + f": {to_html(s.get('how', ''))}</div></li>"
            )
        out.append("</ol>")
    cx = c.get("counterexample")
    if cx:
        rows = "".join(
            f"<tr><th>{_h(label)}</th><td>{_html_value(v)}</td></tr>"
            for label, v in counterexample_rows(cx)
        )
        out.append(
            '<div class="cx"><p><b>Counterexample</b> (re-evaluate both sides to '
            f"check)</p><table>{rows}</table></div>"
        )
    values = c.get("values") or {}
    if values:
        rows = "".join(
            f"<tr><th>{_h(k_)}</th><td>{_html_value(v)}</td></tr>" for k_, v in values.items()
        )
        out.append(f"<details><summary>Computed values</summary><table>{rows}</table></details>")
    for f in lay.homes.get(q, []):
        out.append(_html_figure(f, lay.fig_numbers[f["name"]]))
    for f in lay.refs.get(q, []):
        out.append(
            f'<p class="muted">See <a href="#{fig_anchor(f["name"])}">Figure '
            f"{lay.fig_numbers[f['name']]}</a> ({_h(f['name'])}).</p>"
        )
    out.append("</section>")
    return out


def _notation(verdicts: dict) -> str:
    """The named quantities the statements use, each with its definition."""
    items = (verdicts.get("notation") or {}).values()
    rows = "".join(f"<li>{to_html(n.get('meaning', ''))}</li>" for n in items)
    if not rows:
        return ""
    return (
        '<details class="meta"><summary>Notation (named quantities in statements and '
        f"derivations)</summary><ul>{rows}</ul></details>"
    )


def render_html(verdicts: dict, lay: Layout, figures: list[dict]) -> str:
    """The whole ``report.html``."""
    titles = [p.title for p in lay.parts if p.paper]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Verification report: {_h('; '.join(titles))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    legend = "; ".join(f"<b>{_h(s)}</b> ({_h(t)})" for s, t in VERDICT_LEGEND)
    out.append(
        "<header><h1>Verification report</h1>"
        + "".join(f"<p>{_h(t)}</p>" for t in titles)
        + f'<p class="meta">beyond-scaling {_h(verdicts.get("tool_version", "unknown"))} · '
        f"seed {_h(verdicts.get('seed', ''))} · {_h(verdicts.get('examples', ''))} "
        f"examples per claim · {len(lay.ordered)} claims · {len(figures)} figures</p>"
        f'<p class="meta">Verdicts: {legend}.</p>' + _notation(verdicts) + "</header>"
    )
    out.append('<section id="summary"><h2>Summary</h2><p>')
    out.append(
        " ".join(
            f'<span class="badge st-{_h(s)}">{_h(s)}: {n}</span>'
            for s, n in counts(lay.ordered).items()
        )
    )
    out.append(
        "</p><table><thead><tr><th>#</th><th>claim</th><th>reference</th>"
        "<th>reading</th><th>verdict</th><th>trials</th><th>seconds</th></tr></thead>"
        "<tbody>"
    )
    for k, c in enumerate(lay.ordered, 1):
        st = status(c)
        out.append(
            f'<tr><td class="num">{k}</td><td><a href="#{anchor(qid(c))}">'
            f"{_h(qid(c))}</a></td><td>{_h(c.get('ref', ''))}</td>"
            f"<td>{to_html(c.get('reading', ''))}</td>"
            f'<td><span class="badge st-{_h(st)}">{_h(st)}</span></td>'
            f'<td class="num">{_h(c.get("trials", ""))}</td>'
            f'<td class="num">{fmt_seconds(c.get("seconds"))}</td></tr>'
        )
    out.append("</tbody></table></section>")
    k = 0
    for part in lay.parts:
        out.append(f'<h2 class="paper">{_h(part.title)}</h2>')
        if part.paper.get("summary"):
            out.append(f"<p>{_h(part.paper['summary'])}</p>")
        for ch in part.chapters:
            out.append(f"<h3>{_h(ch.title)}</h3>")
            for c in ch.claims:
                k += 1
                out += _claim(c, k, lay)
    if lay.orphans:
        out.append("<h2>Figures not attached to a claim in this run</h2>")
        for f in lay.orphans:
            out.append(f'<p class="muted">Claim ids: {_h(", ".join(f.get("claims", [])))}</p>')
            out.append(_html_figure(f, lay.fig_numbers[f["name"]]))
    out.append(
        f'<footer class="meta"><p>Generated by beyond-scaling '
        f"{_h(verdicts.get('tool_version', 'unknown'))}. Self-contained: formulas as MathML, "
        "figures embedded; no network resources.</p></footer>"
    )
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
