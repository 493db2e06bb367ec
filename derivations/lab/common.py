"""What the three experiments share: presets, provenance, tables, figures, and an output folder
that appears whole or not at all.

Output: an experiment writes into a temporary folder beside its target (``.NAME.partial-…``)
and :func:`staged_output` moves it into place at the end, replacing the previous result; on any
error the temporary folder is removed, so a failed run leaves no folder behind and an old
result is never mixed with a new one. Finished trainings are cached apart from the results, in
``cache_dir`` (default ``<out_dir>/../cache``), keyed by their hash (``train.run_hash``).
"""

from __future__ import annotations

import contextlib
import csv
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from derivations.jsonio import write_json
from derivations.lab import LabUnavailableError


def merge(preset: dict, overrides: dict | None) -> dict:
    """``preset`` with ``overrides`` applied (unknown keys are an error)."""
    cfg = dict(preset)
    for k, v in (overrides or {}).items():
        if k not in cfg:
            raise ValueError(f"overrides: unknown setting {k!r}; known: {sorted(cfg)}")
        cfg[k] = v
    return cfg


def preset(table: dict, name: str, overrides: dict | None) -> dict:
    if name not in table:
        raise ValueError(f"preset must be one of {sorted(table)}, got {name!r}")
    return merge(table[name], overrides)


def check_device(device: str) -> None:
    import torch

    if device.startswith("cuda") and not torch.cuda.is_available():
        raise LabUnavailableError(
            f"this preset runs on {device}, but torch sees no CUDA device: use --preset cpu"
        )


def default_cache_dir(out_dir: str | os.PathLike) -> Path:
    return Path(out_dir).resolve().parent / "cache"


def check_writable(*paths: str | os.PathLike) -> None:
    """Before any work: each path is a folder or can become one (its nearest existing ancestor
    is a writable folder). ``NotADirectoryError`` / ``PermissionError`` naming it otherwise."""
    for path in paths:
        p = Path(path).resolve()
        if p.exists() and not p.is_dir():
            raise NotADirectoryError(f"{p}: not a folder; expected a folder for the results")
        anc = p if p.exists() else p.parent
        while not anc.exists():
            anc = anc.parent
        if not anc.is_dir():
            raise NotADirectoryError(f"{anc}: not a folder; expected a folder to write {p} in")
        if not os.access(anc, os.W_OK | os.X_OK):
            raise PermissionError(f"{anc}: not writable; expected a folder to write {p} in")


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder beside ``out_dir``; moved to ``out_dir`` when the block ends
    normally (replacing what was there), removed when it raises."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _default_modes(tmp)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _default_modes(root: Path) -> None:
    """Temporary folders and files are private (0700/0600); give the result the modes a plain
    mkdir or open would have (0777/0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(root, 0o777 & ~mask)
    for p in root.rglob("*"):
        os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~mask)


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def provenance(name: str, preset: str, settings: dict, device: str, t0: float, **extra) -> dict:
    from derivations.lab.train import versions

    return {
        "experiment": name,
        "preset": preset,
        "settings": settings,
        "device": device,
        "versions": versions(),
        "git_commit": git_commit(),
        "host_cpus": os.cpu_count(),
        "machine": platform.machine(),
        "finished_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "wall_s": time.perf_counter() - t0,
        **extra,
    }


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def savefig(fig, out_dir: Path, stem: str) -> list[str]:
    """PNG and SVG of ``fig`` in ``out_dir``; their file names."""
    plt = pyplot()
    files = []
    for ext in ("png", "svg"):
        p = out_dir / f"{stem}.{ext}"
        fig.savefig(p, dpi=110, bbox_inches="tight", metadata=_FIG_METADATA[ext])
        files.append(p.name)
    plt.close(fig)
    return files


#: no dates or versions inside the figures, so a rerun gives the same bytes
_FIG_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def smooth(y: np.ndarray, k: int) -> np.ndarray:
    """Moving average over ``k`` points (length len(y) − k + 1)."""
    k = max(1, min(k, len(y)))
    c = np.cumsum(np.insert(np.asarray(y, float), 0, 0.0))
    return (c[k:] - c[:-k]) / k


def finish(name: str, out: Path, result: dict, summary: dict) -> dict:
    """Write ``result.json`` and ``summary.json`` (the small file the README's findings are
    rendered from) into ``out``; return the result."""
    result["experiment"] = name
    summary = {"experiment": name, **summary}
    result["summary"] = summary
    write_json(out / "result.json", result)
    write_json(out / "summary.json", summary)
    return result


def publish(out_dir: str | os.PathLike, name: str, docs_dir: str | os.PathLike) -> list[Path]:
    """Copy ``summary.json`` and the PNG figure of a finished experiment to
    ``docs_dir/NAME.json`` and ``docs_dir/NAME.png`` (the committed summaries)."""
    src, dst = Path(out_dir), Path(docs_dir)
    dst.mkdir(parents=True, exist_ok=True)
    done = []
    for s, d in (
        (src / "summary.json", dst / f"{name}.json"),
        (src / f"{name}.png", dst / f"{name}.png"),
    ):
        if not s.is_file():
            raise FileNotFoundError(f"{s} is missing: run `beyond-scaling lab {name}` first")
        tmp = d.with_name(f".{d.name}.tmp{os.getpid()}")
        shutil.copyfile(s, tmp)
        os.replace(tmp, d)
        done.append(d)
    return done


def fmt(x, nd: int = 3) -> str:
    """A float with ``nd`` decimals, or "n/a"."""
    return "n/a" if x is None else f"{x:.{nd}f}"


def run_records(jobs, runs) -> dict:
    """{job label: its training's hash, wall time and whether it came from the cache}."""
    return {
        j.label: {"hash": r["hash"], "wall_s": r["wall_s"], "cached": r.get("cached", False)}
        for j, r in zip(jobs, runs)
    }
