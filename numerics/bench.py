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
import math
import os
import resource
import sys
import time
from collections.abc import Callable

import torch

from numerics import energies, stream

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
MIB = 2.0**20


# ---------------------------------------------------------------- memory and timing


def _read_status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _malloc_trim() -> None:
    """Hand freed heap pages back to the OS (glibc), so that reused memory is counted again."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # Linux ≥ 4.0: reset the peak RSS (VmHWM) to the current RSS
        return True
    except OSError:
        return False


def _peak_method(device: torch.device) -> str:
    if device.type == "cuda":
        return "torch.cuda.max_memory_allocated above the allocation before the call"
    if _reset_hwm() and _read_status_kib("VmHWM") is not None:
        return (
            "VmHWM above VmRSS before the call (glibc malloc_trim, then /proc/self/clear_refs "
            "reset)"
        )
    return "resource.getrusage ru_maxrss increase (lifetime high-water mark: a lower bound)"


class _Peak:
    """Peak extra memory of one call, in bytes."""

    def __init__(self, device: torch.device):
        self.device = device

    def __enter__(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.base = torch.cuda.memory_allocated(self.device)
            return self
        _malloc_trim()
        if _reset_hwm() and (rss := _read_status_kib("VmRSS")) is not None:
            self.mode, self.base = "hwm", rss * 1024
        else:
            self.mode = "rusage"
            self.base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return self

    def __exit__(self, *exc):
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            self.extra = torch.cuda.max_memory_allocated(self.device) - self.base
        elif self.mode == "hwm":
            self.extra = (_read_status_kib("VmHWM") or 0) * 1024 - self.base
        else:
            self.extra = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self.base
        self.extra = max(0, int(self.extra))
        return False


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _interleaved(
    fns: dict[str, Callable[[], object]], device: torch.device, runs: int
) -> dict[str, dict]:
    """Run each function ``runs`` times, round robin; best time, peak extra bytes, last output."""
    res = {k: {"times": [], "peak": 0, "out": None} for k in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            res[name]["out"] = None  # free the previous output before measuring
            with _Peak(device) as pk:
                _sync(device)
                t0 = time.perf_counter()
                out = fn()
                _sync(device)
                dt = time.perf_counter() - t0
            res[name]["times"].append(dt)
            res[name]["peak"] = max(res[name]["peak"], pk.extra)
            res[name]["out"] = out
    return res


def _variant(name, role, r=None, *, work=None, unit="", err=None, note="", available=True):
    if r is None:
        return {
            "name": name,
            "role": role,
            "available": False,
            "seconds": None,
            "runs": 0,
            "peak_extra_mib": None,
            "throughput": None,
            "throughput_unit": unit,
            "max_rel_err": None,
            "note": note,
        }
    best = min(r["times"])
    return {
        "name": name,
        "role": role,
        "available": available,
        "seconds": best,
        "runs": len(r["times"]),
        "peak_extra_mib": r["peak"] / MIB,
        "throughput": (work / best) if work is not None else None,
        "throughput_unit": unit,
        "max_rel_err": err,
        "note": note,
    }


def _rel_err(t: torch.Tensor, m: torch.Tensor, scale) -> float:
    t, m = t.double(), m.double()
    return float(((t - m).abs() / (m.abs() + scale)).max())


def _task(task, shape, dtype, target, variants, kernel, reference, target_met):
    by = {v["name"]: v for v in variants}
    k, r = by[kernel], by.get(reference)
    speedup = None
    if r is not None and r["available"] and k["seconds"] and r["seconds"]:
        speedup = r["seconds"] / k["seconds"]
    return {
        "task": task,
        "shape": shape,
        "dtype": str(dtype).replace("torch.", ""),
        "target": target,
        "target_met": target_met,
        "kernel": kernel,
        "reference": reference,
        "speedup": speedup,
        "max_rel_err": k["max_rel_err"],
        "variants": variants,
    }


# ---------------------------------------------------------------- tasks


def _bench_cccp(device: torch.device, shape: dict, runs: int, gen: torch.Generator) -> dict:
    import torch.nn.functional as F

    B, d, n = shape["B"], shape["d"], shape["n"]
    P = torch.randn(d, n, generator=gen).to(device)  # (d, n)
    x = torch.randn(B, n, generator=gen).to(device)  # (B, n)
    auto = stream.default_chunk(B, d, device)

    def sdpa():
        pp = (P * P).sum(-1)  # (d,)
        out = F.scaled_dot_product_attention(x[None], P[None], P[None], attn_mask=-pp, scale=2.0)
        return out[0]  # (B, n)

    fns = {
        f"stream.cccp_step (auto chunk={auto})": lambda: stream.cccp_step(P, x),
        "stream.cccp_step (single pass, chunk=d)": lambda: stream.cccp_step(P, x, chunk=d),
        "torch SDPA (scale=2, mask=-|rho|^2)": sdpa,
        "energies.cccp_step (direct)": lambda: energies.cccp_step(P, x),
    }
    res = _interleaved(fns, device, runs)
    ref64 = energies.cccp_step(P.double(), x.double())  # (B, n)
    xx = (x.double() ** 2).sum(-1, keepdim=True)
    scale = (xx + (P.double() ** 2).sum(-1).max() + math.log(d) + 1) * P.abs().max().double()
    work = 4.0 * B * d * n / 1e9  # two (B, d, n) matmuls
    roles = ["kernel", "kernel", "reference", "reference"]
    variants = [
        _variant(
            name,
            role,
            res[name],
            work=work,
            unit="GFLOP/s",
            err=_rel_err(res[name]["out"], ref64, scale),
            note="err vs float64 direct; scale (|x|^2+max|rho|^2+log d+1)*max|rho_ij|",
        )
        for name, role in zip(fns, roles)
    ]
    kernel = next(iter(fns))
    sdpa_name = "torch SDPA (scale=2, mask=-|rho|^2)"
    met = res[sdpa_name]["times"] and min(res[kernel]["times"]) <= min(res[sdpa_name]["times"])
    return _task(
        "cccp_step",
        shape,
        torch.float32,
        "stream.cccp_step at least as fast as SDPA computing the same step",
        variants,
        kernel,
        sdpa_name,
        bool(met),
    )


def _faiss_1nn(X: torch.Tensor):
    """faiss flat L2 search with k = 2, own index dropped; None when faiss is unavailable."""
    try:
        import faiss
    except ImportError:
        return None, "faiss not importable (pip install faiss-cpu)"
    import numpy as np

    Xn = np.ascontiguousarray(X.detach().cpu().numpy(), dtype=np.float32)
    N, n = Xn.shape
    if X.device.type == "cuda":
        if not (hasattr(faiss, "StandardGpuResources") and faiss.get_num_gpus() > 0):
            return None, "faiss has no GPU support here (faiss-gpu not installed)"
        res = faiss.StandardGpuResources()

        def run():
            index = faiss.GpuIndexFlatL2(res, n)
            index.add(Xn)
            return index.search(Xn, 2)

        note = "faiss.GpuIndexFlatL2, k=2, own index dropped (host arrays in and out)"
    else:
        faiss.omp_set_num_threads(torch.get_num_threads())

        def run():
            index = faiss.IndexFlatL2(n)
            index.add(Xn)
            return index.search(Xn, 2)

        note = "faiss.IndexFlatL2, k=2, own index dropped"

    def search():
        D, I = run()  # (N, 2) each
        own = I[:, 0] == np.arange(N)
        return np.where(own, D[:, 1], D[:, 0]), np.where(own, I[:, 1], I[:, 0])

    return search, note


def _bench_knn(device: torch.device, shape: dict, runs: int, gen: torch.Generator) -> dict:
    import numpy as np

    N, n = shape["N"], shape["n"]
    X = torch.randn(N, n, generator=gen).to(device)  # (N, n)
    ref_fn, ref_note = _faiss_1nn(X)
    kname = "stream.knn_distances (k=1, own index excluded)"
    fns = {kname: lambda: stream.knn_distances(X, k=1)}
    rname = "faiss flat L2"
    if ref_fn is not None:
        fns[rname] = ref_fn
    res = _interleaved(fns, device, runs)
    work = 2.0 * N * N * n / 1e9
    dist, idx = res[kname]["out"]
    dist = dist[:, 0].double().cpu()
    err = None
    note = "err: max |ours - faiss| / faiss distance"
    variants = []
    if ref_fn is not None:
        D, I = res[rname]["out"]
        Dt = torch.from_numpy(np.asarray(D, dtype=np.float64))
        err = float(((dist - Dt).abs() / Dt.clamp_min(1e-30)).max())
        agree = float((idx[:, 0].cpu().numpy() == I).mean())
        note += f"; index agreement {agree:.6f} (ties may differ)"
        variants.append(
            _variant(kname, "kernel", res[kname], work=work, unit="GFLOP/s", err=err, note=note)
        )
        variants.append(
            _variant(
                rname, "reference", res[rname], work=work, unit="GFLOP/s", err=0.0, note=ref_note
            )
        )
        met = err <= 1e-4
    else:
        variants.append(
            _variant(
                kname,
                "kernel",
                res[kname],
                work=work,
                unit="GFLOP/s",
                note="no reference to compare with",
            )
        )
        variants.append(_variant(rname, "reference", None, unit="GFLOP/s", note=ref_note))
        met = None
    return _task(
        "knn1_within_set",
        shape,
        torch.float32,
        "exact 1-NN distances equal to faiss.IndexFlatL2 to 1e-4 relative (speed reported)",
        variants,
        kname,
        rname,
        met,
    )


def _energy_reference64(P: torch.Tensor, x: torch.Tensor, piece: int = 1 << 16) -> torch.Tensor:
    """E(x) in float64 without the online accumulation: per piece the direct Eq. (4) energy,
    then E = −LSE(−E_1, …, −E_k) (the Eq. (7) identity), all by numerics.energies."""
    x64 = x.double()
    parts = [
        energies.distance_energy(P[a : a + piece].double(), x64)  # (B,)
        for a in range(0, P.shape[0], piece)
    ]
    return energies.global_energy(torch.stack(parts, dim=-1))  # (B,)


def _bench_energy(device: torch.device, shape: dict, gen: torch.Generator) -> dict:
    B, d, n = shape["B"], shape["d"], shape["n"]
    P = torch.empty(d, n, device=device)  # (d, n), filled piecewise to cap the host copy
    step = 1 << 20
    for a in range(0, d, step):
        P[a : a + step] = torch.randn(min(step, d - a), n, generator=gen).to(device)
    x = torch.randn(B, n, generator=gen).to(device)  # (B, n)
    chunk = stream.default_chunk(B, d, device)
    kname = f"stream.distance_energy (auto chunk={chunk})"
    res = _interleaved({kname: lambda: stream.distance_energy(P, x)}, device, 1)
    e = res[kname]["out"]  # (B,)
    nq = min(4, B)
    ref = _energy_reference64(P, x[:nq])  # (nq,)
    pp_max = max(float((P[a : a + step].double() ** 2).sum(-1).max()) for a in range(0, d, step))
    scale = (x[:nq].double() ** 2).sum(-1) + pp_max + math.log(d) + 1
    err = _rel_err(e[:nq], ref, scale)
    pattern_bytes = P.numel() * P.element_size()
    direct_bytes = B * d * P.element_size()
    variants = [
        _variant(
            kname,
            "kernel",
            res[kname],
            work=B * d / 1e9,
            unit="G pairs/s",
            err=err,
            note=f"err vs float64 reference (Eq. 7 identity) on {nq} queries; "
            f"patterns occupy {pattern_bytes / MIB:.0f} MiB",
        ),
        _variant(
            "energies.distance_energy (direct)",
            "reference",
            None,
            unit="G pairs/s",
            note=f"not run: its (B, d) block alone needs {direct_bytes / 2**30:.1f} GiB",
        ),
    ]
    peak = res[kname]["peak"]
    return _task(
        "distance_energy",
        shape,
        torch.float32,
        "peak memory beyond the patterns < 4 GiB",
        variants,
        kname,
        "energies.distance_energy (direct)",
        bool(peak < 4 * 2**30),
    )


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
    dev = torch.device(device)
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda'; got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but torch.cuda.is_available() is False")
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise ValueError(f"threads must be a positive int or None; got {threads!r}")
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
        tasks.append(_bench_cccp(dev, shapes["cccp"], runs, gen))
        say(f"(b) knn1_within_set {shapes['knn']} ...")
        tasks.append(_bench_knn(dev, shapes["knn"], 1 if quick else 2, gen))
        say(f"(c) distance_energy {shapes['energy']} ...")
        tasks.append(_bench_energy(dev, shapes["energy"], gen))
        name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else _cpu_name()
        return {
            "schema": SCHEMA,
            "device": dev.type,
            "device_name": name,
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "quick": bool(quick),
            "faiss": faiss_version,
            "peak_memory_method": _peak_method(dev),
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
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
