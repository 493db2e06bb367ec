"""Run many independent trainings: a local process pool (default) or a Ray cluster.

Each run gets one torch thread, so its numbers do not depend on the backend, the pool size or
the order of completion. Finished runs are read from the cache (``train.run_hash``) and never
resubmitted; results are written to the cache by the parent, so a Ray cluster without a shared
filesystem still fills it. CUDA runs share the GPU, ``CUDA_WORKERS`` processes at a time.
:func:`run_stacks` distributes stacks of runs the same way, each stack trained as one stacked
model (:mod:`derivations.lab.stacked`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context

import torch

from derivations.lab import LabUnavailableError
from derivations.lab.data import LMData
from derivations.lab.train import Progress, TrainConfig, load_cached, run_hash, save_result, train

BACKENDS = ("local", "ray")
CUDA_WORKERS = 4  # small models leave a GPU mostly idle: several processes share it


@dataclass(frozen=True)
class Job:
    label: str
    cfg: TrainConfig
    train: LMData
    val: LMData
    keep_final: bool = False  # keep the finished state, so that a longer run can extend it
    extends: str | None = None  # the hash of a kept run this one continues (train.extension_of)


def _init_worker() -> None:
    torch.set_num_threads(1)


def _run_job(job: Job, cache_dir: str | None) -> dict:
    torch.set_num_threads(1)
    return train(
        job.cfg,
        job.train,
        job.val,
        cache_dir=cache_dir,
        label=job.label,
        keep_final=job.keep_final,
        extends=job.extends,
    )


def _run_unit(unit: tuple[Job, ...], cache_dir: str | None, stacked: bool) -> list[dict]:
    """One unit of work: a stack trained as one model, or a single plain run."""
    if not stacked:
        return [_run_job(unit[0], cache_dir)]
    from derivations.lab.stacked import train_stack

    torch.set_num_threads(1)
    return train_stack(list(unit), cache_dir)


def _cached_unit(unit: tuple[Job, ...], cache_dir: str, stacked: bool) -> list[dict] | None:
    if stacked:
        from derivations.lab.stacked import member_hashes

        hashes = member_hashes(unit)
    else:
        hashes = [run_hash(unit[0].cfg, unit[0].train, unit[0].val)]
    hits = [load_cached(cache_dir, h) for h in hashes]
    if any(h is None for h in hits):
        return None
    for h in hits:
        h["cached"] = True
    return hits


def run_jobs(
    jobs: Sequence[Job],
    cache_dir: str | os.PathLike,
    backend: str = "local",
    max_workers: int | None = None,
    progress: bool = True,
    ray_address: str | None = None,
) -> list[dict]:
    """Results of ``jobs``, in order. ``backend`` is ``local`` (process pool, one worker per
    core by default) or ``ray`` (``ray.init(address=ray_address)``; a local Ray instance when
    the address is None and ``RAY_ADDRESS`` is unset)."""
    units = [(j,) for j in jobs]
    out = _run_units(units, False, cache_dir, backend, max_workers, progress, ray_address)
    return [r[0] for r in out]


def run_stacks(
    stacks: Sequence[Sequence[Job]],
    cache_dir: str | os.PathLike,
    backend: str = "local",
    max_workers: int | None = None,
    progress: bool = True,
    ray_address: str | None = None,
) -> list[list[dict]]:
    """Results of each stack's jobs, in order: each stack trained as one stacked model
    (:func:`derivations.lab.stacked.train_stack`), the stacks distributed like
    :func:`run_jobs`' runs."""
    units = [tuple(st) for st in stacks]
    return _run_units(units, True, cache_dir, backend, max_workers, progress, ray_address)


def _run_units(units, stacked, cache_dir, backend, max_workers, progress, ray_address):
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    cache_dir = str(cache_dir)
    results: list[list[dict] | None] = [None] * len(units)
    pending = []
    for i, unit in enumerate(units):
        hit = _cached_unit(unit, cache_dir, stacked)
        if hit is not None:
            results[i] = hit
        else:
            pending.append(i)
    total = sum(len(u) for u in units)
    done_runs = total - sum(len(units[i]) for i in pending)
    bar = Progress(total, "trainings", progress, initial=done_runs)

    def done(i: int, res: list[dict]) -> None:
        for r in res:
            save_result(cache_dir, r)
        results[i] = res
        bar.update(len(res), last=units[i][0].label)

    if pending and backend == "ray":
        _run_ray([(i, units[i]) for i in pending], cache_dir, stacked, ray_address, done)
    elif pending and not _spawn_works():
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for i in pending:
                done(i, _run_unit(units[i], cache_dir, stacked))
        finally:
            torch.set_num_threads(threads)
    elif pending:
        cuda = any(torch.device(units[i][0].cfg.device).type == "cuda" for i in pending)
        default = CUDA_WORKERS if cuda else (os.cpu_count() or 1)
        workers = min(len(pending), max_workers or default)
        with ProcessPoolExecutor(
            workers, mp_context=get_context("spawn"), initializer=_init_worker
        ) as ex:
            futs = {ex.submit(_run_unit, units[i], cache_dir, stacked): i for i in pending}
            for f in as_completed(futs):
                done(futs[f], f.result())
    bar.close()
    return results  # type: ignore[return-value]


def _spawn_works() -> bool:
    """Spawned workers re-import ``__main__`` from its file: impossible when the program came
    from standard input (``python - <<EOF``); runs then go one after another in-process."""
    f = getattr(sys.modules.get("__main__"), "__file__", None)
    return f is None or os.path.isfile(f)


def _run_ray(items, cache_dir, stacked, address, done) -> None:
    try:
        import ray
    except ImportError:
        raise LabUnavailableError(
            "--backend ray needs Ray, which is not installed: pip install 'ray>=2.9' "
            "(or the project's 'ray' extra), or use --backend local"
        ) from None
    if not ray.is_initialized():
        ray.init(address=address or os.environ.get("RAY_ADDRESS"))
    cuda = any(u[0].cfg.device.startswith("cuda") for _, u in items)
    remote = ray.remote(num_cpus=1, num_gpus=1 / CUDA_WORKERS if cuda else 0)(_run_unit)
    refs = {remote.remote(unit, cache_dir, stacked): i for i, unit in items}
    while refs:
        ready, _ = ray.wait(list(refs), num_returns=1)
        for r in ready:
            done(refs.pop(r), ray.get(r))
