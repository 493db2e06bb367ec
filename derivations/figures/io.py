"""Writing a figure: ``DIR/figures/NAME.{png,svg,csv,json}``, deterministically.

* ``NAME.csv``: every plotted number (all of ``data["tables"]``, first column ``table``),
  floats written with ``repr`` (shortest exact round trip); no provenance inside, so the
  same seed gives a byte-identical file.
* ``NAME.json``: title, caption, claim ids, ``summary`` and the provenance (tool version,
  git revision, seed, constant sets, paper version, library versions). No dates.
* ``NAME.png`` / ``NAME.svg``: the drawing; SVG with a fixed ``svg.hashsalt`` and no
  ``Date`` metadata, both carrying the provenance line in their metadata.
"""

from __future__ import annotations

import csv
import json
import subprocess
from importlib import metadata
from pathlib import Path

from derivations.figures.spec import Figure
from derivations.figures.style import plt
from derivations.jsonio import jsonable
from derivations.versions import library_versions

__all__ = [
    "tool_version",
    "git_revision",
    "provenance",
    "write_csv",
    "write_figure",
]

_REPO_ROOT = Path(__file__).resolve().parents[2]
_FIGURE_LIBRARIES = ("torch", "sympy", "mpmath", "numpy", "matplotlib")


def tool_version() -> str:
    """The installed ``beyond-scaling`` version, or ``"unknown"`` when not installed."""
    try:
        return metadata.version("beyond-scaling")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_revision() -> str | None:
    """``git rev-parse HEAD`` of the checkout holding this file; ``None`` on any failure."""
    try:
        out = subprocess.run(
            ["git", "-C", str(_REPO_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    rev = out.stdout.strip()
    return rev if out.returncode == 0 and rev else None


def provenance(seed: int, constants: dict | None = None, paper: str = "") -> dict:
    """What produced a figure: paper, tool version, git revision, seed, constants, libraries."""
    return {
        "paper": paper,
        "tool": "beyond-scaling",
        "tool_version": tool_version(),
        "git_revision": git_revision(),
        "seed": int(seed),
        "constants": jsonable(constants or {}),
        "libraries": library_versions(_FIGURE_LIBRARIES, missing="unknown"),
    }


def _cells(column) -> list[str]:
    """One CSV cell per entry: ints as ints, strings as they are, floats by ``repr``."""
    kind = getattr(getattr(column, "dtype", None), "kind", "")
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, (bool, int)) or kind in ("i", "u", "b"):
            out.append(str(v))
        else:
            out.append(repr(float(v)))
    return out


def write_csv(tables: dict, path: Path) -> None:
    """All tables into one CSV: columns ``table`` + the union of column names (blank if absent)."""
    columns: list[str] = []
    for cols in tables.values():
        for c in cols:
            if c not in columns:
                columns.append(c)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", *columns])
        for tname, cols in tables.items():
            cells = {c: _cells(v) for c, v in cols.items()}
            n = len(next(iter(cells.values()))) if cells else 0
            for r in range(n):
                w.writerow([tname, *[cells[c][r] if c in cells else "" for c in columns]])


def _ascii(s: str) -> str:
    return s.encode("ascii", "replace").decode("ascii")


def write_figure(spec: Figure, data: dict, fig, out_dir, prov: dict, caption: str) -> dict:
    """Write ``fig`` and ``data`` under ``out_dir/figures``; returns the written paths."""
    fdir = Path(out_dir) / "figures"
    fdir.mkdir(parents=True, exist_ok=True)
    stem = fdir / spec.name
    source = (
        f"{prov['paper']}; beyond-scaling {prov['tool_version']}; git {prov['git_revision']}; "
        f"seed {prov['seed']}"
    )
    paths = {
        "png": str(stem.with_suffix(".png")),
        "svg": str(stem.with_suffix(".svg")),
        "csv": str(stem.with_suffix(".csv")),
        "json": str(stem.with_suffix(".json")),
    }
    fig.savefig(
        paths["png"],
        format="png",
        metadata={
            "Title": _ascii(spec.title),
            "Software": _ascii(f"beyond-scaling {prov['tool_version']}"),
            "Source": _ascii(source),
        },
    )
    fig.savefig(
        paths["svg"],
        format="svg",
        metadata={
            "Title": spec.title,
            "Date": None,
            "Creator": f"beyond-scaling {prov['tool_version']}",
            "Description": caption,
            "Source": source,
        },
    )
    plt.close(fig)
    write_csv(data["tables"], Path(paths["csv"]))
    record = {
        "name": spec.name,
        "title": spec.title,
        "claims": list(spec.claims),
        "caption": caption,
        "description": spec.description,
        "files": {k: Path(v).name for k, v in paths.items()},
        "provenance": prov,
        "summary": jsonable(data["summary"]),
    }
    with open(paths["json"], "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2, ensure_ascii=False, allow_nan=False)
        fh.write("\n")
    return paths
