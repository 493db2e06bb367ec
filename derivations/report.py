"""The verification report: ``verdicts.json``, ``report.md`` and a self-contained ``report.html``.

Input: the verdicts dict of ``beyond-scaling verify --json`` (schema below) and the figure
records of :func:`derivations.figures.render_figures`. Nothing is recomputed here.

Verdicts schema (fields this module reads; others are kept in ``verdicts.json``)::

    {"paper", "tool_version", "seed", "examples",
     "claims": [{"id", "ref", "reading", "kind", "status", "evidence", "trials", "seconds",
                 "statement_latex", "assumptions", "extension", "summary"?,
                 "steps": [{"latex", "why", "checked", "how"}],
                 "values": {...},
                 "counterexample": null | {"patterns", "x", "params", "regime"?, "lhs", "rhs",
                                           "relation", "violation"}}]}

Claims are listed in the paper's order, read from each claim's ``ref``: Appendix A (lemmas),
Sections 1–3, Section 4, Section 5, Appendices B–G, then claims with an unrecognised
reference, then extensions (``extension: true``). Within a part, by the item's position in
the paper (Eq. (n), Proposition n, Lemma n, …), ties kept in the engine's order.

The HTML needs no network: formulas are converted to MathML on this machine with
``latex2mathml`` (Chromium and Firefox render MathML Core) after a whitelist check; any
formula that does not convert is shown as its LaTeX source in ``<code>``. Figures are
embedded as base64 PNG. The page contains no external URL and no script.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

__all__ = ["write_report", "order_claims", "latex_to_mathml", "figure_homes"]

PAPER_TITLE = (
    "Niu et al., “Beyond Scaling Laws: Understanding Transformer Performance with "
    "Associative Memory”"
)
STATUSES = ("proven", "supported", "refuted", "inconclusive")
_STATUS_MARK = {"proven": "✔", "supported": "●", "refuted": "✘", "inconclusive": "?"}

# ------------------------------------------------------------------------------ ordering

_APPENDIX_RE = re.compile(r"\b(?:App\.?|Appendix)\s*([A-Z])\b")
_SECTION_RE = re.compile(r"§\s*(\d+)|\bSec(?:tion|\.)?\s*(\d+)")
_ITEM_RE = re.compile(
    r"\b(Lemma|Proposition|Prop\.|Theorem|Eq\.|Eqs\.|Equation|Table|Figure|Fig\.|Assumption|"
    r"Definition)\s*\(?\s*([A-Z]\.)?(\d+)",
)
# Where each proposition sits among the numbered equations of the paper (v2): Props 1–3 follow
# Eq. (4); Prop 4 follows Eq. (11) (its proof uses Eq. 15); Prop 5 follows Eq. (14).
_PROP_AFTER = {1: 4.1, 2: 4.2, 3: 4.3, 4: 11.5, 5: 14.5}
_EQ_POSITION = {15: 11.6}
# Section 3 order: Assumption 1, Definition 1, Assumptions 2, 3.
_DEF_POSITION = {1: 1.5}

_GROUPS = {
    "A": "Appendix A — lemmas",
    "main13": "Sections 1–3 — background and assumptions",
    4: "Section 4 — energies",
    5: "Section 5 — cross-entropy and sizes",
    "other": "Other claims",
    "ext": "Extensions (ours, beyond the paper)",
}


def _group(claim: dict) -> tuple[int, Any, str]:
    """(rank, sub-rank, heading) of the part of the paper a claim belongs to."""
    ref = str(claim.get("ref", ""))
    if claim.get("extension") or re.search(r"\bextension\b", ref, re.I):
        return (9, 0, _GROUPS["ext"])
    m = _APPENDIX_RE.search(ref)
    if m:
        letter = m.group(1)
        if letter == "A":
            return (0, 0, _GROUPS["A"])
        return (4, letter, f"Appendix {letter}")
    m = _SECTION_RE.search(ref)
    if m:
        n = int(m.group(1) or m.group(2))
        if n <= 3:
            return (1, n, _GROUPS["main13"])
        if n == 4:
            return (2, 0, _GROUPS[4])
        if n == 5:
            return (3, 0, _GROUPS[5])
        return (3, n, f"Section {n}")
    return (8, 0, _GROUPS["other"])


def _position(ref: str) -> float:
    """Position of the referenced item inside its part (inf when none is recognised)."""
    m = _ITEM_RE.search(ref)
    if not m:
        return math.inf
    kind, num = m.group(1), int(m.group(3))
    if kind in ("Proposition", "Prop."):
        pos = _PROP_AFTER.get(num, float(num))
    elif kind in ("Eq.", "Eqs.", "Equation"):
        pos = _EQ_POSITION.get(num, float(num))
    elif kind == "Definition":
        pos = _DEF_POSITION.get(num, float(num))
    else:
        pos = float(num)
    if re.search(r"\bafter\b", ref[: m.start()], re.I):
        pos += 0.05
    return pos


def order_claims(claims: list[dict]) -> list[dict]:
    """The claims in the paper's order (see module notes); a stable sort of ``claims``."""
    keyed = []
    for k, c in enumerate(claims):
        rank, sub, _ = _group(c)
        keyed.append(((rank, str(sub), _position(str(c.get("ref", ""))), k), c))
    return [c for _, c in sorted(keyed, key=lambda t: t[0])]


def _id_matches(claim_id: str, fig_claim: str) -> bool:
    return claim_id == fig_claim or claim_id.startswith(fig_claim + "/")


def figure_homes(ordered: list[dict], figures: list[dict]) -> tuple[dict, dict, list]:
    """Which claim shows each figure in full, and which claims refer to it.

    A figure is shown once, under its *home*: the first claim (report order) matching the
    first id in the figure's ``claims`` that matches anything. Every other matching claim
    links to it. Returns (home claim id -> [figures], claim id -> [figures referred to],
    figures matching no claim).
    """
    homes: dict[str, list] = {}
    refs: dict[str, list] = {}
    orphans = []
    for fig in figures:
        home = None
        for fc in fig.get("claims", []):
            hits = [c["id"] for c in ordered if _id_matches(str(c["id"]), fc)]
            if hits:
                home = hits[0]
                break
        if home is None:
            orphans.append(fig)
            continue
        homes.setdefault(home, []).append(fig)
        for c in ordered:
            cid = str(c["id"])
            if cid != home and any(_id_matches(cid, fc) for fc in fig.get("claims", [])):
                refs.setdefault(cid, []).append(fig)
    return homes, refs, orphans


# ------------------------------------------------------------------------------- MathML

_MATHML_TAGS = {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mtable",
    "mtr",
    "mtd",
    "mpadded",
    "mphantom",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
    "semantics",
    "annotation",
    "menclose",
}
_MATHML_ATTRS = {
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "form",
    "separator",
    "lspace",
    "rspace",
    "width",
    "height",
    "depth",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "displaystyle",
    "scriptlevel",
    "accent",
    "accentunder",
    "movablelimits",
    "symmetric",
    "largeop",
    "notation",
    "minsize",
    "maxsize",
    "columnlines",
    "rowlines",
    "frame",
    "encoding",
}


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(elem: ET.Element) -> ET.Element:
    tag = _strip_ns(elem.tag)
    if tag not in _MATHML_TAGS:
        raise ValueError(f"unexpected element {tag!r} in MathML")
    out = ET.Element(tag)
    for k, v in elem.attrib.items():
        name = _strip_ns(k)
        if name in _MATHML_ATTRS and "url(" not in v and ":" not in v:
            out.set(name, v)
    out.text = elem.text
    out.tail = elem.tail
    for child in elem:
        out.append(_clean(child))
    return out


def latex_to_mathml(latex: str, display: bool = False) -> str | None:
    """MathML for ``latex`` (no namespace URL, whitelisted elements/attributes), or ``None``
    when ``latex2mathml`` is missing or the conversion fails or yields unexpected markup."""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    try:
        raw = convert(latex, display="block" if display else "inline")
        root = _clean(ET.fromstring(raw))
    except Exception:  # any failure: show the LaTeX source instead
        return None
    root.set("display", "block" if display else "inline")
    return ET.tostring(root, encoding="unicode", method="xml", short_empty_elements=False)


def _split_conjunction(latex: str) -> list[str]:
    """A statement ``A ∧ B`` (the engine joins parts with ``\\;\\wedge\\;``) as its parts."""
    parts = [p.strip() for p in re.split(r"\\;\\wedge\\;", latex)]
    return [p for p in parts if p]


# ---------------------------------------------------------------------------- utilities


def _as_list(claims) -> list[dict]:
    if not isinstance(claims, list) or not all(isinstance(c, dict) and "id" in c for c in claims):
        raise ValueError("verdicts['claims'] must be a list of claim dicts, each with an 'id'")
    return claims


def _status(c: dict) -> str:
    return str(c.get("status", "unknown"))


def _anchor(cid: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(cid)).strip("-")


def _fig_anchor(name: str) -> str:
    return "fig-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(name))


def _fmt_seconds(v) -> str:
    try:
        return f"{float(v):.1f}"
    except (TypeError, ValueError):
        return ""


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def _counts(claims: list[dict]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for c in claims:
        counts[_status(c)] = counts.get(_status(c), 0) + 1
    return counts


def _cx_rows(cx: dict) -> list[tuple[str, Any]]:
    """The counterexample's fields in reading order, both sides included."""
    rows = []
    for key, label in (
        ("patterns", "patterns ρⁱ (rows)"),
        ("x", "query x"),
        ("params", "parameters"),
        ("regime", "regime"),
        ("relation", "relation"),
        ("lhs", "left-hand side"),
        ("rhs", "right-hand side"),
        ("violation", "violation"),
    ):
        if key in cx and cx[key] not in (None, {}, [], ""):
            rows.append((label, cx[key]))
    for key, v in cx.items():  # anything else the engine adds
        if key not in {
            "patterns",
            "x",
            "params",
            "regime",
            "relation",
            "lhs",
            "rhs",
            "violation",
        } and v not in (None, {}, [], ""):
            rows.append((key, v))
    return rows


# ----------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text) -> str:
    """Escape Markdown specials in free text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _md_code(v) -> str:
    """A value as an inline code span that is safe inside a table cell."""
    text = (v if isinstance(v, str) else _json(v)).replace("\n", " ").replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _md_math(latex: str, display: bool) -> str:
    latex = latex.strip()
    if not latex:
        return ""
    return f"$$\n{latex}\n$$" if display else f"${latex}$"


def _md_figure(fig: dict, number: int, out_dir: Path) -> list[str]:
    lines = [f'<a id="{_fig_anchor(fig["name"])}"></a>', ""]
    png = fig.get("png")
    if png and Path(png).exists():
        rel = os.path.relpath(png, out_dir).replace(os.sep, "/")
        lines.append(f"![Figure {number}: {_md(fig.get('title', fig['name']))}]({rel})")
    else:
        lines.append(f"*(figure file missing: {_md(png)})*")
    lines += [
        "",
        f"**Figure {number} ({_md(fig['name'])}). {_md(fig.get('title', ''))}** "
        f"{_md(fig.get('caption', ''))}",
        "",
    ]
    files = [
        os.path.relpath(fig[k], out_dir).replace(os.sep, "/")
        for k in ("svg", "csv", "json")
        if fig.get(k)
    ]
    if files:
        lines += ["Data and vector versions: " + ", ".join(f"`{f}`" for f in files), ""]
    return lines


def _markdown(verdicts: dict, ordered: list[dict], figures: list[dict], out_dir: Path) -> str:
    homes, refs, orphans = figure_homes(ordered, figures)
    fig_numbers = {}
    for c in ordered:
        for f in homes.get(str(c["id"]), []):
            fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)
    for f in orphans:
        fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)

    L = [f"# Verification report: {_md(PAPER_TITLE)} ({_md(verdicts.get('paper', ''))})", ""]
    L += [
        f"beyond-scaling {_md(verdicts.get('tool_version', 'unknown'))} · seed "
        f"{_md(verdicts.get('seed', ''))} · {_md(verdicts.get('examples', ''))} examples per "
        f"claim · {len(ordered)} claims · {len(figures)} figures",
        "",
    ]
    L += [
        "Verdicts: **proven** (every derivation step checked by SymPy and no counterexample "
        "found), **supported** (no counterexample found; derivation incomplete or absent), "
        "**refuted** (a concrete counterexample, both sides shown below), **inconclusive** "
        "(undecided, with the reason).",
        "",
    ]
    L += ["## Summary", ""]
    counts = _counts(ordered)
    L += ["| verdict | claims |", "|---|---|"]
    L += [f"| {s} | {n} |" for s, n in counts.items()]
    L += [
        "",
        "| # | claim | reference | reading | verdict | trials | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, c in enumerate(ordered, 1):
        L.append(
            f"| {k} | [{_md(c['id'])}](#{_anchor(c['id'])}) | {_md(c.get('ref', ''))} | "
            f"{_md(c.get('reading', ''))} | **{_md(_status(c))}** | "
            f"{_md(c.get('trials', ''))} | {_fmt_seconds(c.get('seconds'))} |"
        )
    L.append("")

    current = None
    for k, c in enumerate(ordered, 1):
        heading = _group(c)[2]
        if heading != current:
            L += [f"## {_md(heading)}", ""]
            current = heading
        cid = str(c["id"])
        L += [
            f'<a id="{_anchor(cid)}"></a>',
            "",
            f"### {k}. {_md(cid)}: {_md(c.get('ref', ''))}",
            "",
        ]
        L.append(f"**Verdict: {_md(_status(c))}** {_STATUS_MARK.get(_status(c), '')}  ")
        L.append(
            f"Reading: {_md(c.get('reading', ''))} · kind: {_md(c.get('kind', ''))}"
            + (" · extension (ours)" if c.get("extension") else "")
            + "  "
        )
        if c.get("summary"):
            L.append(f"Summary: {_md(c['summary'])}  ")
        if c.get("assumptions"):
            L.append(f"Assumptions: {_md(c['assumptions'])}  ")
        L.append("")
        if c.get("statement_latex"):
            L += ["**Statement** (printed by SymPy from the encoded claim):", ""]
            for part in _split_conjunction(c["statement_latex"]):
                L += [_md_math(part, True), ""]
        L += [
            f"**Evidence:** {_md(c.get('evidence', ''))} "
            f"({_md(c.get('trials', 0))} trials, {_fmt_seconds(c.get('seconds'))} s)",
            "",
        ]
        steps = c.get("steps") or []
        if steps:
            L += ["**Derivation steps:**", ""]
            for j, s in enumerate(steps, 1):
                mark = "✔ checked" if s.get("checked") else "✘ not confirmed"
                L.append(
                    f"{j}. {_md_math(str(s.get('latex', '')), False)}: "
                    f"{_md(s.get('why', ''))}. {mark}: {_md(s.get('how', ''))}"
                )
            L.append("")
        cx = c.get("counterexample")
        if cx:
            L += ["**Counterexample** (re-evaluate both sides to check):", "", "| | |", "|---|---|"]
            L += [f"| {_md(label)} | {_md_code(v)} |" for label, v in _cx_rows(cx)]
            L.append("")
        values = c.get("values") or {}
        if values:
            L += [
                "<details><summary>Computed values</summary>",
                "",
                "```json",
                json.dumps(values, indent=2, ensure_ascii=False, default=str),
                "```",
                "",
                "</details>",
                "",
            ]
        for f in homes.get(cid, []):
            L += _md_figure(f, fig_numbers[f["name"]], out_dir)
        for f in refs.get(cid, []):
            L += [
                f"See [Figure {fig_numbers[f['name']]}](#{_fig_anchor(f['name'])}) "
                f"({_md(f['name'])}).",
                "",
            ]
    if orphans:
        L += ["## Figures not attached to a claim in this run", ""]
        for f in orphans:
            L += [f"Claim ids: {_md(', '.join(f.get('claims', [])))}", ""]
            L += _md_figure(f, fig_numbers[f["name"]], out_dir)
    return "\n".join(L).rstrip() + "\n"


# --------------------------------------------------------------------------------- HTML

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
h3 { font-size: 1.05rem; margin: 0 0 6px; }
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
        f'<figure id="{_fig_anchor(fig["name"])}">{img}<figcaption><b>Figure {number} '
        f"({_h(fig['name'])}). {_h(title)}.</b> {_h(fig.get('caption', ''))}"
        + (f' <span class="muted">Data: {files} in figures/.</span>' if files else "")
        + "</figcaption></figure>"
    )


def _html(verdicts: dict, ordered: list[dict], figures: list[dict]) -> str:
    homes, refs, orphans = figure_homes(ordered, figures)
    fig_numbers = {}
    for c in ordered:
        for f in homes.get(str(c["id"]), []):
            fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)
    for f in orphans:
        fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)

    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Verification report: {_h(verdicts.get('paper', ''))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    out.append(
        f"<header><h1>Verification report</h1><p>{_h(PAPER_TITLE)}, "
        f"<b>{_h(verdicts.get('paper', ''))}</b></p>"
        f'<p class="meta">beyond-scaling {_h(verdicts.get("tool_version", "unknown"))} · '
        f"seed {_h(verdicts.get('seed', ''))} · {_h(verdicts.get('examples', ''))} "
        f"examples per claim · {len(ordered)} claims · {len(figures)} figures</p>"
        '<p class="meta">Verdicts: <b>proven</b> (every derivation step checked by SymPy '
        "and no counterexample found), <b>supported</b> (no counterexample found; "
        "derivation incomplete or absent), <b>refuted</b> (a concrete counterexample, both "
        "sides shown), <b>inconclusive</b> (undecided, with the reason).</p></header>"
    )

    counts = _counts(ordered)
    out.append('<section id="summary"><h2>Summary</h2><p>')
    out.append(
        " ".join(f'<span class="badge st-{_h(s)}">{_h(s)}: {n}</span>' for s, n in counts.items())
    )
    out.append(
        "</p><table><thead><tr><th>#</th><th>claim</th><th>reference</th>"
        "<th>reading</th><th>verdict</th><th>trials</th><th>seconds</th></tr></thead>"
        "<tbody>"
    )
    for k, c in enumerate(ordered, 1):
        st = _status(c)
        out.append(
            f'<tr><td class="num">{k}</td><td><a href="#{_anchor(c["id"])}">'
            f"{_h(c['id'])}</a></td><td>{_h(c.get('ref', ''))}</td>"
            f"<td>{_h(c.get('reading', ''))}</td>"
            f'<td><span class="badge st-{_h(st)}">{_h(st)}</span></td>'
            f'<td class="num">{_h(c.get("trials", ""))}</td>'
            f'<td class="num">{_fmt_seconds(c.get("seconds"))}</td></tr>'
        )
    out.append("</tbody></table></section>")

    current = None
    for k, c in enumerate(ordered, 1):
        heading = _group(c)[2]
        if heading != current:
            out.append(f"<h2>{_h(heading)}</h2>")
            current = heading
        cid, st = str(c["id"]), _status(c)
        out.append(f'<section class="claim {_h(st)}" id="{_anchor(cid)}">')
        out.append(
            f"<h3>{k}. {_h(cid)}: {_h(c.get('ref', ''))} "
            f'<span class="badge st-{_h(st)}">{_h(st)}</span></h3>'
        )
        meta = [f"reading: {_h(c.get('reading', ''))}", f"kind: {_h(c.get('kind', ''))}"]
        if c.get("extension"):
            meta.append("extension (ours)")
        out.append(f'<p class="meta">{" · ".join(meta)}</p>')
        if c.get("summary"):
            out.append(f"<p>{_h(c['summary'])}</p>")
        if c.get("assumptions"):
            out.append(f'<p class="meta">Assumptions: {_h(c["assumptions"])}</p>')
        if c.get("statement_latex"):
            parts = _split_conjunction(c["statement_latex"])
            body = '<div class="and">and</div>'.join(_html_math(p, True) for p in parts)
            out.append(
                f'<div class="statement" title="printed by SymPy from the encoded claim">'
                f"{body}</div>"
            )
        out.append(
            f"<p><b>Evidence:</b> {_h(c.get('evidence', ''))} "
            f'<span class="muted">({_h(c.get("trials", 0))} trials, '
            f"{_fmt_seconds(c.get('seconds'))} s)</span></p>"
        )
        steps = c.get("steps") or []
        if steps:
            out.append('<p><b>Derivation steps</b></p><ol class="steps">')
            for s in steps:
                ok = bool(s.get("checked"))
                out.append(
                    f'<li><div class="math">{_html_math(s.get("latex", ""), False)}</div>'
                    f"<div>{_h(s.get('why', ''))} · "
                    f'<span class="{"ok" if ok else "no"}">'
                    f"{'✔ checked' if ok else '✘ not confirmed'}</span>: "
                    f"{_h(s.get('how', ''))}</div></li>"
                )
            out.append("</ol>")
        cx = c.get("counterexample")
        if cx:
            rows = "".join(
                f"<tr><th>{_h(label)}</th><td>{_html_value(v)}</td></tr>"
                for label, v in _cx_rows(cx)
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
            out.append(
                f"<details><summary>Computed values</summary><table>{rows}</table></details>"
            )
        for f in homes.get(cid, []):
            out.append(_html_figure(f, fig_numbers[f["name"]]))
        for f in refs.get(cid, []):
            out.append(
                f'<p class="muted">See <a href="#{_fig_anchor(f["name"])}">Figure '
                f"{fig_numbers[f['name']]}</a> ({_h(f['name'])}).</p>"
            )
        out.append("</section>")
    if orphans:
        out.append("<h2>Figures not attached to a claim in this run</h2>")
        for f in orphans:
            out.append(f'<p class="muted">Claim ids: {_h(", ".join(f.get("claims", [])))}</p>')
            out.append(_html_figure(f, fig_numbers[f["name"]]))
    out.append(
        f'<footer class="meta"><p>Generated by beyond-scaling '
        f"{_h(verdicts.get('tool_version', 'unknown'))} for {_h(verdicts.get('paper', ''))}"
        ". Self-contained: formulas as MathML, figures embedded; no network resources."
        "</p></footer>"
    )
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------- API


def write_report(verdicts: dict, figures: list[dict], out_dir) -> dict:
    """Write ``out_dir/verdicts.json``, ``out_dir/report.md`` and ``out_dir/report.html``.

    ``verdicts``: the ``verify --json`` dict; ``figures``: records from
    :func:`derivations.figures.render_figures` (may be empty). Returns
    ``{"verdicts": path, "markdown": path, "html": path, "claims": n, "figures": m}``.
    Raises ``ValueError`` if ``verdicts`` lacks a ``claims`` list of dicts with ids.
    """
    if not isinstance(verdicts, dict) or "claims" not in verdicts:
        raise ValueError("verdicts must be the dict of `verify --json` with a 'claims' list")
    ordered = order_claims(_as_list(verdicts["claims"]))
    figures = list(figures or [])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "verdicts": out / "verdicts.json",
        "markdown": out / "report.md",
        "html": out / "report.html",
    }
    with open(paths["verdicts"], "w", encoding="utf-8") as fh:
        json.dump(verdicts, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    paths["markdown"].write_text(_markdown(verdicts, ordered, figures, out), encoding="utf-8")
    paths["html"].write_text(_html(verdicts, ordered, figures), encoding="utf-8")
    return {
        **{k: str(v) for k, v in paths.items()},
        "claims": len(ordered),
        "figures": len(figures),
    }
