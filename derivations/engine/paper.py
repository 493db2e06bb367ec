"""Papers and claim packs: a paper is an object; packs are found through entry points.

A :class:`Paper` names a paper (id, arXiv id and version, title, authors), its section map
(the report's chapters, in the paper's order), the modules holding its claims (each defines
``SECTION`` and ``claims() -> list[Claim]``) and the modules holding its figures (each
defines ``FIGURE``). Packs are discovered through the entry-point group
``beyond_scaling.papers`` (:data:`GROUP`): a distribution that declares::

    [project.entry-points."beyond_scaling.papers"]
    mypaper = "mypack:PAPER"

appears in ``beyond-scaling list``, ``verify`` and ``report`` without any edit here. The
packs shipped with beyond-scaling are also found when it runs from a checkout that was
never installed (:data:`BUILTIN`).
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from derivations.engine.model import Claim

__all__ = [
    "GROUP",
    "BUILTIN",
    "Section",
    "Paper",
    "installed_papers",
    "load_registry",
    "resolve_ids",
]

GROUP = "beyond_scaling.papers"
#: The packs this distribution ships (also declared as entry points in pyproject.toml).
BUILTIN = ("derivations.niu2024:PAPER", "derivations.ramsauer2020:PAPER")


@dataclass(frozen=True)
class Section:
    """A chapter of the report: ``key`` (what a claim module's ``SECTION`` names) and title."""

    key: str
    title: str


@dataclass(eq=False)
class Paper:
    """One paper and its claim pack.

    ``claim_modules`` are imported in order; each must define ``SECTION`` (a key of
    ``sections``) and ``claims()``. Claims cite each other by local id within the paper and
    by ``paper:id`` across papers. Figures: every module of ``figure_package`` that defines
    ``FIGURE`` (:class:`derivations.figures.Figure`; found automatically, in name order, so
    a new figure is one new module), then the modules listed in ``figure_modules``; a
    figure's ``claims`` name local claim ids. ``size_names`` are the paper's letters for an
    instance's number of stored patterns and their dimension, used in evidence lines (Niu
    et al.: d patterns in ℝⁿ, the default; Ramsauer et al.: N patterns in ℝᵈ).
    """

    id: str
    title: str
    authors: str
    arxiv: str
    version: str
    year: int
    sections: tuple[Section, ...]
    claim_modules: tuple[str, ...]
    figure_modules: tuple[str, ...] = ()
    summary: str = ""
    figure_package: str = ""
    size_names: tuple[str, str] = ("d", "n")
    _claims: list | None = field(default=None, repr=False)

    def __post_init__(self):
        if not self.id.isidentifier() or self.id != self.id.lower():
            raise ValueError(f"paper id must be a lower-case identifier; got {self.id!r}")
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(f"paper {self.id}: section keys repeat: {keys}")
        names = self.size_names
        if len(names) != 2 or not all(isinstance(n, str) and n.isidentifier() for n in names):
            raise ValueError(
                f"paper {self.id}: size_names must be two letters (number of patterns, "
                f"dimension), e.g. ('N', 'd'); got {names!r}"
            )

    @property
    def ref(self) -> str:
        """``arXiv:<id><version>``, the prefix of every claim's reference."""
        return f"arXiv:{self.arxiv}{self.version}"

    def claims(self) -> list[Claim]:
        """The pack's claims in the paper's order, each with ``paper``, ``section`` and
        ``size_names`` set."""
        if self._claims is None:
            keys = {s.key for s in self.sections}
            out: list[Claim] = []
            seen: set[str] = set()
            for name in self.claim_modules:
                mod = importlib.import_module(name)
                section = getattr(mod, "SECTION", None)
                for c in mod.claims():
                    c.paper = self.id
                    c.size_names = tuple(self.size_names)
                    c.section = c.section or section or ""
                    if c.section not in keys:
                        raise ValueError(
                            f"paper {self.id}: claim {c.id} is in section {c.section!r}, "
                            f"which is not one of {sorted(keys)}"
                        )
                    for name_ in (c.id, *c.aliases):
                        if name_ in seen:
                            raise ValueError(f"paper {self.id}: duplicate claim id {name_!r}")
                        seen.add(name_)
                    out.append(c)
            self._claims = out
        return list(self._claims)

    def figures(self) -> list:
        """The pack's figures (``FIGURE`` of each figure module), in drawing order."""
        from derivations.figures.spec import Figure

        out = []
        for name in self._figure_module_names():
            spec = getattr(importlib.import_module(name), "FIGURE", None)
            if not isinstance(spec, Figure):
                raise TypeError(f"module {name} must define FIGURE = Figure(...)")
            if spec.name != name.rsplit(".", 1)[-1]:
                raise ValueError(
                    f"module {name} defines a figure named {spec.name!r}; the two must agree"
                )
            out.append(spec)
        return out

    def _figure_module_names(self) -> list[str]:
        names: list[str] = []
        if self.figure_package:
            import pkgutil

            pkg = importlib.import_module(self.figure_package)
            for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
                full = f"{self.figure_package}.{info.name}"
                if not info.ispkg and hasattr(importlib.import_module(full), "FIGURE"):
                    names.append(full)
        return names + [m for m in self.figure_modules if m not in names]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "authors": self.authors,
            "arxiv": self.arxiv,
            "version": self.version,
            "year": self.year,
            "ref": self.ref,
            "summary": self.summary,
            "sections": [{"key": s.key, "title": s.title} for s in self.sections],
        }


def _load(spec: str, origin: str) -> Paper | None:
    try:
        mod, attr = spec.split(":")
        paper = getattr(importlib.import_module(mod), attr)
    except Exception as exc:  # noqa: BLE001 - a broken third-party pack must not stop the rest
        print(
            f"beyond-scaling: warning: paper pack {spec} ({origin}) failed to load: {exc}",
            file=sys.stderr,
        )
        return None
    if not isinstance(paper, Paper):
        print(
            f"beyond-scaling: warning: {spec} ({origin}) is not a Paper; ignored", file=sys.stderr
        )
        return None
    return paper


@functools.lru_cache(maxsize=1)
def installed_papers() -> dict[str, Paper]:
    """id → Paper for every pack found (built-in packs first, then entry points by name)."""
    from importlib.metadata import entry_points

    specs = [(s, "built in") for s in BUILTIN]
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        if ep.value not in BUILTIN:
            specs.append((ep.value, f"entry point {ep.name!r}"))
    out: dict[str, Paper] = {}
    for spec, origin in specs:
        p = _load(spec, origin)
        if p is None:
            continue
        if p.id in out and out[p.id] is not p:
            print(
                f"beyond-scaling: warning: two packs define paper {p.id!r}; keeping the "
                f"first, ignoring {spec}",
                file=sys.stderr,
            )
            continue
        out[p.id] = p
    return out


def _papers(ids: Sequence[str] | None) -> list[Paper]:
    papers = installed_papers()
    if not ids:
        return list(papers.values())
    bad = [i for i in ids if i not in papers]
    if bad:
        raise ValueError(
            f"unknown paper {', '.join(map(repr, bad))}; installed papers: "
            f"{', '.join(papers) or 'none'}"
        )
    return [papers[i] for i in dict.fromkeys(ids)]


def load_registry(paper_ids: Sequence[str] | None = None) -> dict[str, Claim]:
    """Qualified id (``paper:id``) → claim for the given papers (all installed by default)
    plus any claims of other papers theirs cite; papers in installation order."""
    papers = installed_papers()
    chosen = _papers(paper_ids)
    reg: dict[str, Claim] = {}
    for p in chosen:
        for c in p.claims():
            reg[c.qid] = c
    # claims of other papers that the chosen ones cite (cross-paper citations)
    pending = [q for c in list(reg.values()) for q in c.cited(None) if q not in reg]
    while pending:
        q = pending.pop()
        pid = q.split(":", 1)[0]
        if q in reg or pid not in papers:
            continue
        for c in papers[pid].claims():
            if c.qid == q:
                reg[q] = c
                pending += [d for d in c.cited(None) if d not in reg]
    return reg


def resolve_ids(ids: Sequence[str], registry: dict[str, Claim]) -> list[str]:
    """Qualified ids for what a user typed: ``paper:id``, a local id (unique across the
    papers), or an alias; ``ValueError`` naming the candidates otherwise."""
    out = []
    for raw in ids:
        if raw in registry:
            out.append(raw)
            continue
        paper, _, local = raw.rpartition(":")
        hits = [
            q
            for q, c in registry.items()
            if (local == c.id or local in c.aliases) and (not paper or c.paper == paper)
        ]
        if len(hits) == 1:
            out.append(hits[0])
        elif hits:
            raise ValueError(
                f"claim id {raw!r} is in several papers: {', '.join(hits)}; qualify it"
            )
        else:
            raise ValueError(f"unknown claim id {raw!r}; `beyond-scaling list` shows every id")
    return out
