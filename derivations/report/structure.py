"""The report's structure, from the verdicts document alone: papers, chapters, links.

Input: the verdicts dict of ``beyond-scaling verify --json`` (schema below) and the figure
records of :func:`derivations.figures.render_figures`. Nothing is recomputed; no torch.

Verdicts schema (fields read here; others are kept in ``verdicts.json``)::

    {"tool_version", "libraries", "seed", "examples",
     "papers": [{"id", "title", "authors", "ref", "sections": [{"key", "title"}], ...}],
     "claims": [{"paper", "id", "qid", "section", "ref", "reading", "kind", "status",
                 "evidence", "trials", "seconds", "statement_latex", "assumptions",
                 "extension", "summary"?, "cites"?, "uses"?,
                 "steps": [{"latex", "why", "checked", "how"}], "values": {...},
                 "counterexample": null | {"patterns", "x", "params", "lhs", "rhs", ...}}]}

The report has one part per paper (the order of ``papers``), one chapter per section of
the paper's section map (its order), claims in the order of ``claims`` within a chapter;
claims of no known paper or section come last under "Other claims". A figure is shown once,
under its *home* (the first claim of its paper matching the first id in the figure's
``claims`` that matches anything) and linked from the other matching claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from derivations.engine.model import STATUSES

__all__ = ["Part", "Chapter", "Layout", "layout", "anchor", "fig_anchor", "status", "counts"]


def status(c: dict) -> str:
    return str(c.get("status", "unknown"))


def qid(c: dict) -> str:
    """The claim's qualified id (``paper:id``, or its id when it has no paper)."""
    if c.get("qid"):
        return str(c["qid"])
    return f"{c['paper']}:{c['id']}" if c.get("paper") else str(c["id"])


def anchor(cid: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(cid)).strip("-")


def fig_anchor(name: str) -> str:
    return "fig-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(name))


def counts(claims: list[dict]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for c in claims:
        out[status(c)] = out.get(status(c), 0) + 1
    return out


@dataclass
class Chapter:
    title: str
    claims: list[dict] = field(default_factory=list)


@dataclass
class Part:
    paper: dict  # the paper's JSON (id, title, authors, ref, ...); {} for "other claims"
    chapters: list[Chapter] = field(default_factory=list)

    @property
    def claims(self) -> list[dict]:
        return [c for ch in self.chapters for c in ch.claims]

    @property
    def title(self) -> str:
        p = self.paper
        if not p:
            return "Other claims"
        return f"{p.get('authors', '')}, “{p.get('title', p.get('id', ''))}” ({p.get('ref', '')})"


@dataclass
class Layout:
    parts: list[Part]
    ordered: list[dict]  # every claim, in report order
    homes: dict  # qid -> figures shown in full under that claim
    refs: dict  # qid -> figures referred to
    orphans: list  # figures matching no claim
    fig_numbers: dict  # figure name -> number
    cited_by: dict  # qid -> qids of the claims citing / resting on it
    known: set  # every qid in the report


def _as_list(claims) -> list[dict]:
    if not isinstance(claims, list) or not all(isinstance(c, dict) and "id" in c for c in claims):
        raise ValueError("verdicts['claims'] must be a list of claim dicts, each with an 'id'")
    return claims


def _matches(claim: dict, fig: dict, fc: str) -> bool:
    if fig.get("paper") and claim.get("paper") and fig["paper"] != claim["paper"]:
        return False
    cid = str(claim["id"])
    return cid == fc or cid.startswith(fc + "/")


def _figure_homes(ordered: list[dict], figures: list[dict]) -> tuple[dict, dict, list]:
    homes: dict[str, list] = {}
    refs: dict[str, list] = {}
    orphans = []
    for fig in figures:
        home = None
        for fc in fig.get("claims", []):
            hits = [qid(c) for c in ordered if _matches(c, fig, fc)]
            if hits:
                home = hits[0]
                break
        if home is None:
            orphans.append(fig)
            continue
        homes.setdefault(home, []).append(fig)
        for c in ordered:
            q = qid(c)
            if q != home and any(_matches(c, fig, fc) for fc in fig.get("claims", [])):
                refs.setdefault(q, []).append(fig)
    return homes, refs, orphans


def layout(verdicts: dict, figures: list[dict]) -> Layout:
    """Parts, chapters, figure placement and citation links of a verdicts document."""
    claims = _as_list(verdicts["claims"])
    papers = [p for p in verdicts.get("papers") or [] if isinstance(p, dict) and p.get("id")]
    parts: list[Part] = []
    placed: set[int] = set()
    for p in papers:
        part = Part(p)
        for sec in p.get("sections") or []:
            ch = Chapter(str(sec.get("title", sec.get("key", ""))))
            for k, c in enumerate(claims):
                if (
                    k not in placed
                    and c.get("paper") == p["id"]
                    and c.get("section") == sec.get("key")
                ):
                    ch.claims.append(c)
                    placed.add(k)
            if ch.claims:
                part.chapters.append(ch)
        rest = [c for k, c in enumerate(claims) if k not in placed and c.get("paper") == p["id"]]
        for c in rest:
            placed.add(claims.index(c))
        if rest:
            part.chapters.append(Chapter("Other claims of this paper", rest))
        if part.chapters:
            parts.append(part)
    other = [c for k, c in enumerate(claims) if k not in placed]
    if other:
        parts.append(Part({}, [Chapter("Other claims", other)]))
    ordered = [c for part in parts for c in part.claims]
    homes, refs, orphans = _figure_homes(ordered, list(figures or []))
    fig_numbers: dict[str, int] = {}
    for c in ordered:
        for f in homes.get(qid(c), []):
            fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)
    for f in orphans:
        fig_numbers.setdefault(f["name"], len(fig_numbers) + 1)
    cited_by: dict[str, list[str]] = {}
    for c in ordered:
        for q in list(c.get("cites") or []) + list(c.get("uses") or []):
            lst = cited_by.setdefault(str(q), [])
            if qid(c) not in lst:
                lst.append(qid(c))
    return Layout(
        parts, ordered, homes, refs, orphans, fig_numbers, cited_by, {qid(c) for c in ordered}
    )
