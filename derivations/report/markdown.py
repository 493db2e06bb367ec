"""``report.md``: the verification report as Markdown (formulas as ``$…$`` LaTeX)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from derivations.report.mathml import split_conjunction
from derivations.report.mathtext import to_markdown
from derivations.report.structure import (
    Layout,
    anchor,
    counts,
    fig_anchor,
    qid,
    status,
)

__all__ = [
    "render_markdown",
    "counterexample_rows",
    "step_facts",
    "VERDICT_LEGEND",
    "STATUS_MARK",
]

STATUS_MARK = {"proven": "✔", "supported": "●", "refuted": "✘", "inconclusive": "?"}
VERDICT_LEGEND = (
    (
        "proven",
        "every derivation step checked by the rule kernel for every size (m, d, n symbolic), "
        "every cited claim proven, and no counterexample found",
    ),
    (
        "supported",
        "no counterexample found; derivation incomplete, absent or checked only at fixed sizes",
    ),
    ("refuted", "a concrete counterexample, both sides shown below"),
    ("inconclusive", "undecided, with the reason"),
)
_CX_KEYS = (
    ("patterns", "patterns (one per row)"),
    ("x", "query (state)"),
    ("params", "parameters"),
    ("regime", "regime"),
    ("relation", "relation"),
    ("lhs", "left-hand side"),
    ("rhs", "right-hand side"),
    ("violation", "violation"),
)


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def fmt_seconds(v) -> str:
    try:
        return f"{float(v):.1f}"
    except (TypeError, ValueError):
        return ""


def counterexample_rows(cx: dict) -> list[tuple[str, Any]]:
    """The counterexample's fields in reading order, both sides included."""
    rows = [(label, cx[k]) for k, label in _CX_KEYS if cx.get(k) not in (None, {}, [], "")]
    known = {k for k, _ in _CX_KEYS}
    rows += [(k, v) for k, v in cx.items() if k not in known and v not in (None, {}, [], "")]
    return rows


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text) -> str:
    """Escape Markdown specials in free text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _md_code(v) -> str:
    """A value as an inline code span that is safe inside a table cell."""
    text = (v if isinstance(v, str) else _json(v)).replace("\n", " ").replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _mdt(text) -> str:
    """Free text with its formulas as ``$…$`` (the rest escaped)."""
    return to_markdown(text, _md)


def _mdt_cell(text) -> str:
    """Free text with formulas, safe inside a table cell (a | of a formula escaped)."""
    return re.sub(r"(?<!\\)\|", r"\\|", _mdt(text))


def step_facts(s: dict) -> list[tuple[str, str]]:
    """A derivation step's facts in reading order: (label, text) pairs — its rule and
    premises, what it cites, where it was checked."""
    out = []
    if s.get("rule") and s.get("rule") != "conclusion":
        prem = s.get("premises") or []
        out.append(
            (
                "rule",
                s["rule"]
                + (
                    f" from step{'s' if len(prem) > 1 else ''} " + ", ".join(map(str, prem))
                    if prem
                    else ""
                ),
            )
        )
    if s.get("cites"):
        out.append(("cites", str(s["cites"])))
    if s.get("where"):
        place = ("for " if s["where"].startswith("every") else "at ") + s["where"]
        out.append(("checked" if s.get("checked") else "tried", place))
    return out


def _mark(s: dict) -> str:
    if s.get("checked"):
        return "✔ checked"
    st = s.get("status") or "not confirmed"
    return "✘ " + ("not confirmed" if st == "checked" else st)


def _md_math(latex: str, display: bool) -> str:
    latex = latex.strip()
    if not latex:
        return ""
    return f"$$\n{latex}\n$$" if display else f"${latex}$"


def _md_figure(fig: dict, number: int, out_dir: Path) -> list[str]:
    lines = [f'<a id="{fig_anchor(fig["name"])}"></a>', ""]
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


def _link(q: str, lay: Layout) -> str:
    return f"[{_md(q)}](#{anchor(q)})" if q in lay.known else _md(q)


def _links(qs: str, lay: Layout) -> str:
    """A step's cited claims ("a, b": ids never contain ", "), each linked."""
    return ", ".join(_link(q, lay) for q in qs.split(", "))


def _claim(c: dict, k: int, lay: Layout, out_dir: Path) -> list[str]:
    q = qid(c)
    L = [f'<a id="{anchor(q)}"></a>', "", f"### {k}. {_md(q)}: {_md(c.get('ref', ''))}", ""]
    L.append(f"**Verdict: {_md(status(c))}** {STATUS_MARK.get(status(c), '')}  ")
    L.append(
        f"Reading: {_mdt(c.get('reading', ''))} · kind: {_md(c.get('kind', ''))}"
        + (" · extension (ours)" if c.get("extension") else "")
        + "  "
    )
    for key, label in (("summary", "Summary"), ("assumptions", "Assumptions")):
        if c.get(key):
            L.append(f"{label}: {_mdt(c[key])}  ")
    if c.get("aliases"):
        L.append("Also answers to: " + ", ".join(f"`{a}`" for a in c["aliases"]) + "  ")
    links = [(lab, c.get(key) or []) for key, lab in (("cites", "Cites"), ("uses", "Rests on"))]
    links.append(("Cited by", lay.cited_by.get(q, [])))
    for label, ids in links:
        if ids:
            L.append(f"{label}: " + ", ".join(_link(str(i), lay) for i in ids) + "  ")
    L.append("")
    if c.get("statement_latex"):
        L += ["**Statement** (printed by SymPy from the encoded claim):", ""]
        for part in split_conjunction(c["statement_latex"]):
            L += [_md_math(part, True), ""]
    L += [
        f"**Evidence:** {_mdt(c.get('evidence', ''))} "
        f"({_md(c.get('trials', 0))} trials, {fmt_seconds(c.get('seconds'))} s)",
        "",
    ]
    steps = c.get("steps") or []
    if steps:
        L += ["**Derivation** (each step re-checked by the rule kernel):", ""]
        for j, s in enumerate(steps, 1):
            facts = "; ".join(
                f"{k} {_links(v, lay) if k == 'cites' else _md(v)}" for k, v in step_facts(s)
            )
            L.append(
                f"{j}. {_md_math(str(s.get('latex', '')), False)} — "
                f"{_mdt(s.get('why', ''))}. **{_mark(s)}**"
                + (f" ({facts})" if facts else "")
                + f": {_mdt(s.get('how', ''))}"
            )
        L.append("")
    cx = c.get("counterexample")
    if cx:
        L += ["**Counterexample** (re-evaluate both sides to check):", "", "| | |", "|---|---|"]
        L += [f"| {_md(label)} | {_md_code(v)} |" for label, v in counterexample_rows(cx)]
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
    for f in lay.homes.get(q, []):
        L += _md_figure(f, lay.fig_numbers[f["name"]], out_dir)
    for f in lay.refs.get(q, []):
        L += [
            f"See [Figure {lay.fig_numbers[f['name']]}](#{fig_anchor(f['name'])}) "
            f"({_md(f['name'])}).",
            "",
        ]
    return L


def render_markdown(verdicts: dict, lay: Layout, figures: list[dict], out_dir: Path) -> str:
    """The whole ``report.md``."""
    titles = "; ".join(p.title for p in lay.parts if p.paper)
    L = [f"# Verification report: {_md(titles)}", ""]
    L += [
        f"beyond-scaling {_md(verdicts.get('tool_version', 'unknown'))} · seed "
        f"{_md(verdicts.get('seed', ''))} · {_md(verdicts.get('examples', ''))} examples per "
        f"claim · {len(lay.ordered)} claims · {len(figures)} figures",
        "",
    ]
    L += ["Verdicts: " + "; ".join(f"**{s}** ({t})" for s, t in VERDICT_LEGEND) + ".", ""]
    notation = verdicts.get("notation") or {}
    if notation:
        L += ["Notation (named quantities in statements and derivations):", ""]
        L += [f"- {_mdt(n.get('meaning', ''))}" for n in notation.values()]
        L.append("")
    L += ["## Summary", "", "| verdict | claims |", "|---|---|"]
    L += [f"| {s} | {n} |" for s, n in counts(lay.ordered).items()]
    L += [
        "",
        "| # | claim | reference | reading | verdict | trials | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, c in enumerate(lay.ordered, 1):
        L.append(
            f"| {k} | [{_md(qid(c))}](#{anchor(qid(c))}) | {_md(c.get('ref', ''))} | "
            f"{_mdt_cell(c.get('reading', ''))} | **{_md(status(c))}** | "
            f"{_md(c.get('trials', ''))} | {fmt_seconds(c.get('seconds'))} |"
        )
    L.append("")
    k = 0
    for part in lay.parts:
        L += [f"## {_md(part.title)}", ""]
        if part.paper.get("summary"):
            L += [_md(part.paper["summary"]), ""]
        for ch in part.chapters:
            L += [f"### {_md(ch.title)}", ""]
            for c in ch.claims:
                k += 1
                L += [
                    line.replace("### ", "#### ", 1) if line.startswith("### ") else line
                    for line in _claim(c, k, lay, out_dir)
                ]
    if lay.orphans:
        L += ["## Figures not attached to a claim in this run", ""]
        for f in lay.orphans:
            L += [f"Claim ids: {_md(', '.join(f.get('claims', [])))}", ""]
            L += _md_figure(f, lay.fig_numbers[f["name"]], out_dir)
    return "\n".join(L).rstrip() + "\n"
