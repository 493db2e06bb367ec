"""The timed tasks of ``beyond-scaling bench`` and the timing/memory tools they share.

Notation: as in :mod:`numerics.bench`, which documents the three tasks, the JSON they fill
and how peak memory is measured; this module only runs them. Each ``*_task`` function
returns one task's JSON dict (keys ``numerics.bench.TASK_KEYS``); its variants carry the
keys ``numerics.bench.VARIANT_KEYS``.
"""

from __future__ import annotations

import math
import resource
import time
from collections.abc import Callable

import torch

from numerics import energies, stream

__all__ = ["MIB", "peak_method", "cccp_task", "knn_task", "energy_task"]

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


def peak_method(device: torch.device) -> str:
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


def cccp_task(device: torch.device, shape: dict, runs: int, gen: torch.Generator) -> dict:
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


def knn_task(device: torch.device, shape: dict, runs: int, gen: torch.Generator) -> dict:
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


def energy_task(device: torch.device, shape: dict, gen: torch.Generator) -> dict:
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
