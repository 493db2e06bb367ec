"""The contract every figure module fulfils.

A figure is split in two so that what is drawn is exactly what is written to disk:

* ``compute(seed) -> data``: the numbers. ``data`` is a dict with

  - ``"tables"``: ``{table name: {column name: 1-D array}}``, every plotted number; all
    columns of one table have the same length. :mod:`derivations.figures.io` writes all
    tables to ``NAME.csv`` (one row per entry, first column ``table``).
  - ``"summary"``: JSON-able facts computed from the tables (counts, extrema, checks),
    written to ``NAME.json`` and used by ``caption``.

* ``draw(data) -> matplotlib Figure``: reads only ``data`` (never recomputes).
* ``caption(data) -> str``: what the figure confirms or refutes, worded from ``summary``
  (counts, margins), never a verdict written in advance.

Adding a figure: write ``<pack>/figures/<name>.py`` (e.g. ``derivations/niu2024/figures``)
defining ``FIGURE = Figure(...)`` and add its module to the pack's ``Paper.figure_modules``::

    def compute(seed: int = 0) -> dict:       # torch / mpmath only; seeded generators
        ...
        return {"tables": {"curve": {"n": ns, "Z": zs}}, "summary": {"crossing_n": n1}}

    def caption(data: dict) -> str:           # worded from data["summary"]
        return f"Z_t reaches 1 at n = {data['summary']['crossing_n']:.3g} ..."

    def draw(data: dict):                     # import pyplot helpers from .style here
        from derivations.figures.style import new_figure, label_panel
        fig = new_figure(6, 4)
        ...
        return fig

    FIGURE = Figure(name="<name>", title="...", claims=("eq14",), compute=compute,  # local ids
                    draw=draw, caption=caption, constants={...})

``render_figures`` runs ``compute`` with torch on one thread, draws inside
:func:`derivations.figures.style.styled`, and writes the files; keep a figure's compute and
draw to a few seconds on 2 cores (the tests render every registered figure twice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Figure", "check_data"]


@dataclass(frozen=True)
class Figure:
    """A registered figure.

    ``claims`` are claim ids (as in ``verify --json``) the figure belongs to; a claim id
    ``c`` also matches every claim ``c/...`` (readings, steps). The report shows the figure
    once, under the first claim matching the first id that matches anything, and links to it
    from the other matching claims; a figure matching no claim goes to a closing section.
    ``constants`` are the fixed inputs (patterns, grids, β values, sample sizes), recorded
    as provenance next to the seed.
    """

    name: str
    title: str
    claims: tuple[str, ...]
    compute: Callable[[int], dict]
    draw: Callable[[dict], Any]
    caption: Callable[[dict], str]
    constants: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"figure name must be a Python identifier; got {self.name!r}")
        if not self.claims:
            raise ValueError(f"figure {self.name!r} must name at least one claim id")


def check_data(name: str, data: dict) -> None:
    """Raise ``ValueError`` unless ``data`` follows the contract above."""
    if not isinstance(data, dict) or "tables" not in data or "summary" not in data:
        raise ValueError(
            f"figure {name!r}: compute() must return a dict with 'tables' and "
            f"'summary'; got keys {sorted(data) if isinstance(data, dict) else data}"
        )
    for tname, cols in data["tables"].items():
        lengths = {c: len(v) for c, v in cols.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"figure {name!r}, table {tname!r}: columns differ in length {lengths}"
            )
