"""The verification report: ``verdicts.json``, ``report.md`` and a self-contained
``report.html``, one part per paper.

Modules: ``structure`` (papers, chapters, figure placement, citation links: from the
verdicts alone), ``mathml`` (LaTeX → MathML, whitelisted), ``markdown``, ``html``.
Nothing here imports torch or recomputes anything.

Writing is atomic (:func:`write_report`): the report is built in a temporary folder beside
the target and moved into place at the end, so an interrupted run never leaves a folder that
mixes two runs; a folder is only replaced if the tool wrote it (it holds the marker file
:data:`MARKER`), never a user's folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from derivations.interrupt import checkpoint
from derivations.jsonio import dumps
from derivations.report.html import render_html
from derivations.report.markdown import render_markdown
from derivations.report.mathml import latex_to_mathml
from derivations.report.structure import layout

__all__ = [
    "write_report",
    "render",
    "new_staging",
    "latex_to_mathml",
    "MARKER",
    "check_output_dir",
]

#: A file in every report folder the tool writes; only such folders are ever replaced.
MARKER = ".beyond-scaling-report"


def check_output_dir(out_dir) -> Path:
    """Raise ``ValueError`` (what is wrong, what to do) unless ``out_dir`` can receive a
    report: absent (its parent writable), or a folder the tool wrote (holds :data:`MARKER`).

    Called before any work, so a bad ``--out`` is found in a second, not after the checks.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder; choose a folder path")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ValueError(
            f"--out {out} is a non-empty folder that beyond-scaling did not write; "
            "refusing to overwrite it (choose an empty or new folder, or remove it)"
        )
    parent = out.resolve().parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"--out {out}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out}: cannot write in {probe} (permission denied)")
    return out


def render(verdicts: dict, figures: list[dict], out_dir) -> dict[str, str]:
    """The three files' text: {"verdicts.json", "report.md", "report.html"}."""
    if not isinstance(verdicts, dict) or "claims" not in verdicts:
        raise ValueError("verdicts must be the dict of `verify --json` with a 'claims' list")
    lay = layout(verdicts, figures)
    return {
        "verdicts.json": dumps(verdicts, exact=True) + "\n",
        "report.md": render_markdown(verdicts, lay, list(figures or []), Path(out_dir)),
        "report.html": render_html(verdicts, lay, list(figures or [])),
    }


def new_staging(out_dir) -> Path:
    """A fresh hidden folder beside ``out_dir`` to build a report in (see :func:`write_report`)."""
    out = check_output_dir(out_dir)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))


def write_report(verdicts: dict, figures: list[dict], out_dir, staging=None) -> dict:
    """Write ``out_dir/verdicts.json``, ``report.md``, ``report.html`` and the figure files
    of ``figures`` (under ``out_dir/figures``), atomically.

    Everything is built in ``staging`` (a folder from :func:`new_staging`, where the caller
    may already have drawn the figures; a new one by default) and moved into place at the
    end; on any error, or an interrupt, the staging folder is removed and ``out_dir`` is left
    as it was. A previous report there (and any stale file in it) is replaced as a whole.
    ``figures``: records from :func:`derivations.figures.render_figures`. Returns
    ``{"verdicts", "markdown", "html", "claims", "figures"}``.
    """
    out = check_output_dir(out_dir)
    tmp = Path(staging) if staging is not None else new_staging(out)
    try:
        figs = []
        for f in figures or []:
            rec = dict(f)
            for k in ("png", "svg", "csv", "json"):
                p = rec.get(k)
                if not p:
                    continue
                dest = tmp / "figures" / Path(p).name
                if Path(p).is_file() and Path(p).resolve() != dest.resolve():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(p, dest)
                rec[k] = str(dest)
            figs.append(rec)
        texts = render(verdicts, figs, tmp)
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / MARKER).write_text("written by beyond-scaling report\n", encoding="utf-8")
        checkpoint()  # a Ctrl-C that something swallowed: do not replace the old report
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {
        "verdicts": str(out / "verdicts.json"),
        "markdown": str(out / "report.md"),
        "html": str(out / "report.html"),
        "claims": len(verdicts["claims"]),
        "figures": len(figs),
    }
