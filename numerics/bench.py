"""``beyond-scaling bench``: time the streaming kernels of :mod:`numerics.stream` at scale.

Three fixed tasks, each timed against references run in the same process, on the same
inputs, interleaved (kernel, reference, kernel, ...) and reported as the best of the runs:

(a) ``cccp_step``: one CCCP/MM step of Eq. (4), x⁺ = M softmax(2Mᵀx − ‖ρ‖²), float32,
    B = 512 queries, d = 32768 patterns, n = 64; references
    ``torch.nn.functional.scaled_dot_product_attention`` (q = x, keys = values = patterns,
    scale = 2, additive mask −‖ρ‖²) and the direct :func:`numerics.energies.cccp_step`.
    The stream kernel runs twice: automatic chunk, and forced single pass (chunk = d).
(b) ``knn1_within_set``: exact 1-NN squared distance of each of 40,000 vectors (n = 256,
    float32) to the rest of the set (own index excluded); reference ``faiss.IndexFlatL2``
    (k = 2 search, own index dropped) or the GPU flat index on CUDA — reported as
    unavailable when faiss is not importable, never replaced by a stand-in. Target:
    distances equal to 1e-4 relative.
(c) ``distance_energy``: Eq. (4) for B = 1024 queries over d = 10⁷ patterns, n = 64,
    float32 (2.56 GB of patterns). The direct form would need a (B, d) block of 41 GB
    (38 GiB) and is not run; accuracy is checked against a float64 reference for 4 queries
    built without the online accumulation (Eq. (7) identity: E = −LSE(−E_chunk₁, …), every piece by
    :mod:`numerics.energies`). Target: peak memory beyond the patterns < 4 GiB.

Threads: ``--threads N``, or by default :func:`auto_threads` (every core, less those the
1-minute load average says other processes use); the JSON records the count and the load.

The tasks and the timing/memory tools live in :mod:`numerics.bench_tasks`; this module is
the runner, the table and the command line.

``--quick`` shrinks every shape (for tests and smoke runs). Peak memory: on CPU the peak
resident set size above the level just before the call (Linux: glibc ``malloc_trim`` first
returns freed heap pages, so reused memory counts again; /proc/self/clear_refs resets the
high-water mark, VmHWM reads it; elsewhere ``resource.getrusage`` ru_maxrss, a lifetime
high-water mark, so only a lower bound); on CUDA ``torch.cuda.max_memory_allocated`` above
the allocation before the call.

JSON written by ``--json PATH`` (and returned by :func:`run_bench`)::

    schema, device, device_name, torch, threads, quick, faiss, peak_memory_method,
    loadavg (1-minute load before and after; other processes on the machine skew timings),
    tasks: [ {task, shape, dtype, target, target_met, kernel, reference, speedup,
              max_rel_err, variants: [ {name, role, available, seconds, runs, peak_extra_mib,
                                        throughput, throughput_unit, max_rel_err, note} ]} ]

``speedup`` = reference seconds / kernel seconds (> 1: the kernel is faster), ``None`` when
the reference is unavailable. ``max_rel_err`` is max |t − m| / (|m| + scale) against float64
values (tasks a, c; scale as in :mod:`numerics.tolerances`), and max |t − m| / m against the
faiss distances (task b). ``target_met``: (a) the auto-chunk kernel's best time ≤ SDPA's;
(b) max_rel_err ≤ 1e-4 (``None`` without faiss); (c) peak extra memory < 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

import torch

from numerics.bench_tasks import cccp_task, energy_task, knn_task, peak_method

__all__ = [
    "run_bench",
    "format_table",
    "main",
    "TASK_KEYS",
    "VARIANT_KEYS",
    "TOP_KEYS",
    "auto_threads",
]

SCHEMA = "beyond-scaling-bench/1"
TOP_KEYS = (
    "schema",
    "device",
    "device_name",
    "torch",
    "threads",
    "quick",
    "faiss",
    "peak_memory_method",
    "loadavg",
    "tasks",
)
TASK_KEYS = (
    "task",
    "shape",
    "dtype",
    "target",
    "target_met",
    "kernel",
    "reference",
    "speedup",
    "max_rel_err",
    "variants",
)
VARIANT_KEYS = (
    "name",
    "role",
    "available",
    "seconds",
    "runs",
    "peak_extra_mib",
    "throughput",
    "throughput_unit",
    "max_rel_err",
    "note",
)

FULL = {
    "cccp": {"B": 512, "d": 32768, "n": 64},
    "knn": {"N": 40_000, "n": 256},
    "energy": {"B": 1024, "d": 10_000_000, "n": 64},
}
QUICK = {
    "cccp": {"B": 32, "d": 1024, "n": 32},
    "knn": {"N": 1000, "n": 32},
    "energy": {"B": 16, "d": 50_000, "n": 32},
}


# ---------------------------------------------------------------- driver


def run_bench(
    device: str = "cpu",
    quick: bool = False,
    seed: int = 0,
    threads: int | None = None,
    progress: Callable[[str], object] | None = None,
) -> dict:
    """Run the three tasks on ``device`` ("cpu" or "cuda"); return the JSON-ready dict.

    ``threads``: torch intra-op threads (and faiss OpenMP threads) for the run, default every
    core this process may use; restored afterwards. ``progress`` gets one line per task.
    """
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'cpu' or 'cuda'; got {device!r}") from None
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda'; got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but torch.cuda.is_available() is False")
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise ValueError(f"threads must be a positive int or None; got {threads!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an int in [0, 2**63); got {seed!r}")
    say = progress or (lambda _msg: None)
    old_threads = torch.get_num_threads()
    load0 = _loadavg()
    torch.set_num_threads(threads or auto_threads(load0))
    try:
        faiss_version = None
        try:
            import faiss

            faiss_version = getattr(faiss, "__version__", "unknown")
        except ImportError:
            pass
        shapes = QUICK if quick else FULL
        gen = torch.Generator().manual_seed(seed)
        runs = 1 if quick else 5
        tasks = []
        say(f"(a) cccp_step {shapes['cccp']} ...")
        tasks.append(cccp_task(dev, shapes["cccp"], runs, gen))
        say(f"(b) knn1_within_set {shapes['knn']} ...")
        tasks.append(knn_task(dev, shapes["knn"], 1 if quick else 2, gen))
        say(f"(c) distance_energy {shapes['energy']} ...")
        tasks.append(energy_task(dev, shapes["energy"], gen))
        name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else _cpu_name()
        return {
            "schema": SCHEMA,
            "device": dev.type,
            "device_name": name,
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "quick": bool(quick),
            "faiss": faiss_version,
            "peak_memory_method": peak_method(dev),
            "loadavg": {"before": load0, "after": _loadavg()},
            "tasks": tasks,
        }
    finally:
        torch.set_num_threads(old_threads)


def auto_threads(load: float | None) -> int:
    """Default thread count: the cores this process may use, less those other processes keep
    busy (1-minute load average, rounded), at least 1.

    OpenMP parallel regions wait for every thread of the team; on an oversubscribed machine a
    descheduled thread costs a scheduler time slice per region, and the chunked kernels run
    many regions. Measured on the 2-core development machine at load ~7: the streamed Eq. (4)
    energy (B = 1024, d = 2·10⁵, chunk 1024) took 3.9 s on 1 thread and 20.9 s on 2.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = max(1, cores or 1)
    if load is None:
        return cores
    return max(1, min(cores, round(cores - load)))


def _loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() + f" ({os.cpu_count()} cpus)"
    except OSError:
        pass
    return f"cpu ({os.cpu_count()} cpus)"


def _fmt(v, spec: str, none: str = "-") -> str:
    return none if v is None else format(v, spec)


def format_table(result: dict) -> str:
    """The printed table: one line per variant, speed relative to the task's reference."""
    lines = [
        f"beyond-scaling bench: {result['device_name']} [{result['device']}], torch "
        f"{result['torch']}, {result['threads']} threads, faiss {result['faiss'] or 'absent'}"
        f"{', QUICK shapes' if result['quick'] else ''}",
        f"peak memory: {result['peak_memory_method']}",
        f"1-min load average before/after: {_fmt(result['loadavg']['before'], '.2f')} / "
        f"{_fmt(result['loadavg']['after'], '.2f')} (> threads means other processes "
        "competed for the cores: timings are then pessimistic and noisy)",
        "",
    ]
    head = (
        f"{'variant':<48} {'role':<9} {'best s':>9} {'x ref':>7} {'throughput':>18} "
        f"{'peak MiB':>9} {'max rel err':>11}"
    )
    for t in result["tasks"]:
        shape = ", ".join(f"{k}={v}" for k, v in t["shape"].items())
        lines.append(f"[{t['task']}] {t['dtype']}, {shape}")
        lines.append(head)
        ref = next((v for v in t["variants"] if v["name"] == t["reference"]), None)
        for v in t["variants"]:
            if not v["available"]:
                lines.append(f"{v['name']:<48} {v['role']:<9} {'unavailable':>9}  {v['note']}")
                continue
            ratio = None
            if ref is not None and ref["available"] and v["seconds"]:
                ratio = ref["seconds"] / v["seconds"]
            tp = f"{v['throughput']:.3g} {v['throughput_unit']}" if v["throughput"] else "-"
            lines.append(
                f"{v['name']:<48} {v['role']:<9} {v['seconds']:>9.4f} {_fmt(ratio, '.2f'):>7} "
                f"{tp:>18} {_fmt(v['peak_extra_mib'], '.1f'):>9} "
                f"{_fmt(v['max_rel_err'], '.2e'):>11}"
            )
        notes = {v["note"] for v in t["variants"] if v["available"] and v["note"]}
        for note in sorted(notes):
            lines.append(f"  note: {note}")
        met = {True: "MET", False: "NOT MET", None: "not checked (no reference)"}[t["target_met"]]
        lines.append(f"  target: {t['target']} -> {met}")
        lines.append("")
    lines.append("x ref = reference seconds / variant seconds (> 1: faster than the reference)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``beyond-scaling bench [--device cpu|cuda] [--json PATH] [--quick]``; the exit code."""
    p = argparse.ArgumentParser(prog="beyond-scaling bench", description=__doc__.splitlines()[0])
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--json", metavar="PATH", help="write the results as JSON to PATH")
    p.add_argument("--quick", action="store_true", help="small shapes (seconds, not minutes)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help="torch/faiss threads (default: all)")
    args = p.parse_args(argv)
    if args.json and (problem := _unwritable(args.json)):
        print(f"beyond-scaling bench: --json {args.json}: {problem}", file=sys.stderr)
        return 2
    try:
        result = run_bench(
            args.device,
            quick=args.quick,
            seed=args.seed,
            threads=args.threads,
            progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        )
    except ValueError as exc:
        print(f"beyond-scaling bench: {exc}", file=sys.stderr)
        return 2
    print(format_table(result))
    if args.json:
        tmp = f"{args.json}.tmp{os.getpid()}"
        try:
            with open(tmp, "w") as fh:
                json.dump(result, fh, indent=2)
            os.replace(tmp, args.json)  # all or nothing: no half-written JSON
        except OSError as exc:
            print(f"beyond-scaling bench: cannot write --json {args.json}: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {args.json}")
    return 0


def _unwritable(path: str) -> str | None:
    """Why ``path`` cannot be written as a file (checked before the minutes of timing), or None."""
    if os.path.isdir(path):
        return "is a directory; expected a file path"
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        return f"its folder {parent} does not exist"
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return "is not writable"
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
