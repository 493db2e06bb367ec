"""The README's benchmark table, rendered from the published results of ``beyond-scaling
bench`` (:mod:`numerics.bench`): its JSON (``--json``, e.g. ``docs/bench_cpu.json``) or its
printed table (e.g. ``docs/bench_h200.txt``, from a machine where only the text was kept).

One column per result file, one row per task: (a) the CCCP step against SDPA (the ratio
reference time / ours, and whether the target "at least as fast" is met), (b) exact 1-NN
against faiss (the ratio and the distance agreement, or that faiss was not installed), (c)
the distance energy's peak memory beyond the patterns (and the target < 4 GiB).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["BENCH_BLOCK", "load_bench", "parse_bench_text", "render_bench"]

BENCH_BLOCK = "bench-table"

_ORDER = ("cccp_step", "knn1_within_set", "distance_energy")


def load_bench(path: str | Path) -> dict:
    """A bench result as {device_name, threads, loadavg, tasks: {task: row}} from its JSON
    or its printed table (by the file's suffix)."""
    p = Path(path)
    if p.suffix == ".json":
        doc = json.loads(p.read_text(encoding="utf-8"))
        tasks = {}
        for t in doc["tasks"]:
            kern = next(v for v in t["variants"] if v["role"] == "kernel")
            ref = [v for v in t["variants"] if v["role"] == "reference"]
            tasks[t["task"]] = {
                "shape": t["shape"],
                "speedup": t["speedup"],
                "met": t["target_met"],
                "peak_mib": kern["peak_extra_mib"],
                "seconds": kern["seconds"],
                "reference": bool(ref) and ref[0]["available"],
            }
        return {
            "device_name": doc["device_name"],
            "threads": doc["threads"],
            "loadavg": doc.get("loadavg"),
            "tasks": tasks,
        }
    return parse_bench_text(p.read_text(encoding="utf-8"))


_HEAD = re.compile(r"^beyond-scaling bench: (?P<name>.+?) \[\w+\], .*?, (?P<threads>\d+) threads")
_LOAD = re.compile(r"^1-min load average before/after: (?P<a>[\d.]+) / (?P<b>[\d.]+)")
_TASK = re.compile(r"^\[(?P<task>\w+)\] \w+, (?P<shape>.+)$")
_ROW = re.compile(
    r"^(?P<name>.+?)\s+(?P<role>kernel|reference)\s+(?P<s>[\d.]+|unavailable)\s*(?P<rest>.*)$"
)
_TARGET = re.compile(r"^\s*target: .* -> (?P<met>MET|NOT MET|not checked)")


def parse_bench_text(text: str) -> dict:
    """The printed table of ``beyond-scaling bench`` as :func:`load_bench` returns it."""
    out: dict = {"device_name": None, "threads": None, "loadavg": None, "tasks": {}}
    task = None
    for line in text.splitlines():
        if m := _HEAD.match(line):
            out["device_name"], out["threads"] = m["name"], int(m["threads"])
        elif m := _LOAD.match(line):
            out["loadavg"] = {"before": float(m["a"]), "after": float(m["b"])}
        elif m := _TASK.match(line):
            shape = dict(kv.split("=") for kv in m["shape"].split(", "))
            task = out["tasks"][m["task"]] = {
                "shape": {k: int(v) for k, v in shape.items()},
                "speedup": None,
                "met": None,
                "peak_mib": None,
                "seconds": None,
                "reference": False,
            }
        elif task is not None and (m := _ROW.match(line)):
            if m["role"] == "kernel" and task["seconds"] is None:  # the first: auto chunk
                cols = m["rest"].split()
                task["seconds"] = float(m["s"])
                task["speedup"] = None if cols[0] == "-" else float(cols[0])
                task["peak_mib"] = float(cols[-2])
            elif m["role"] == "reference" and not task["reference"]:
                task["reference"] = m["s"] != "unavailable"
        elif task is not None and (m := _TARGET.match(line)):
            task["met"] = {"MET": True, "NOT MET": False}.get(m["met"])
    if not out["tasks"]:
        raise ValueError("not the printed table of `beyond-scaling bench`: no task found")
    return out


def _met(v) -> str:
    return "met" if v else "not met"


def _cell(task: str, r: dict | None) -> str:
    if r is None:
        return "not run"
    if task == "cccp_step":
        return f"{r['speedup']:.2f} ({_met(r['met'])})"
    if task == "knn1_within_set":
        if not r["reference"] or r["speedup"] is None:
            return "faiss not installed there"
        agree = "distances equal to 1e-4" if r["met"] else "distances differ beyond 1e-4"
        return f"{r['speedup']:.2f} ({agree})"
    return f"{r['peak_mib']:.0f} MiB ({_met(r['met'])}, {r['seconds']:.2f} s)"


def _label(task: str, shape: dict) -> str:
    n = f"{shape.get('n', '?')}"
    if task == "cccp_step":
        return f"CCCP step fp32, B={shape['B']:,}, d={shape['d']:,}, n={n}, vs SDPA"
    if task == "knn1_within_set":
        return f"exact 1-NN within {shape['N']:,} × {n}, vs faiss flat L2"
    d = shape["d"]
    dd = f"10^{len(str(d)) - 1}" if str(d).strip("0") == "1" else f"{d:,}"
    return f"distance energy, B={shape['B']:,}, d={dd}, n={n}: peak memory beyond the patterns"


def render_bench(results: dict[str, dict]) -> str:
    """The Markdown table: ``results`` maps a column's file name to :func:`load_bench`'s
    dict, in column order."""
    heads = []
    for name, r in results.items():
        load = r.get("loadavg") or {}
        extra = ""
        if load:
            extra = (
                f"; 1-min load {load.get('before', 0):.2f} before, {load.get('after', 0):.2f} after"
            )
        heads.append(f"{r['device_name']}, {r['threads']} thread(s){extra} (`{name}`)")
    lines = [
        "<!-- generated by `beyond-scaling findings --write README.md` from the files named "
        "in the header: do not edit -->",
        "| target | " + " | ".join(heads) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for task in _ORDER:
        shape = next(r["tasks"][task]["shape"] for r in results.values() if task in r["tasks"])
        cells = [_cell(task, r["tasks"].get(task)) for r in results.values()]
        lines.append(f"| {_label(task, shape)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
