"""Run many independent trainings: a local process pool (default) or a Ray cluster.

Each run gets one torch thread, so its numbers do not depend on the backend, the pool size or
the order of completion. Finished runs are read from the cache (``train.run_hash``) and never
resubmitted; results are written to the cache by the parent, so a Ray cluster without a shared
filesystem still fills it. CUDA runs share the GPU, ``CUDA_WORKERS`` processes at a time.
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
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    cache_dir = str(cache_dir)
    results: list[dict | None] = [None] * len(jobs)
    pending = []
    for i, job in enumerate(jobs):
        hit = load_cached(cache_dir, run_hash(job.cfg, job.train, job.val))
        if hit is not None:
            hit["cached"] = True
            results[i] = hit
        else:
            pending.append(i)
    bar = Progress(len(jobs), "trainings", progress, initial=len(jobs) - len(pending))

    def done(i: int, res: dict) -> None:
        save_result(cache_dir, res)
        results[i] = res
        bar.update(1, last=jobs[i].label)

    if pending and backend == "ray":
        _run_ray([(i, jobs[i]) for i in pending], cache_dir, ray_address, done)
    elif pending and not _spawn_works():
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for i in pending:
                done(i, _run_job(jobs[i], cache_dir))
        finally:
            torch.set_num_threads(threads)
    elif pending:
        cuda = any(torch.device(jobs[i].cfg.device).type == "cuda" for i in pending)
        default = CUDA_WORKERS if cuda else (os.cpu_count() or 1)
        workers = min(len(pending), max_workers or default)
        with ProcessPoolExecutor(
            workers, mp_context=get_context("spawn"), initializer=_init_worker
        ) as ex:
            futs = {ex.submit(_run_job, jobs[i], cache_dir): i for i in pending}
            for f in as_completed(futs):
                done(futs[f], f.result())
    bar.close()
    return results  # type: ignore[return-value]


def _spawn_works() -> bool:
    """Spawned workers re-import ``__main__`` from its file: impossible when the program came
    from standard input (``python - <<EOF``); runs then go one after another in-process."""
    f = getattr(sys.modules.get("__main__"), "__file__", None)
    return f is None or os.path.isfile(f)


def _run_ray(items, cache_dir, address, done) -> None:
    try:
        import ray
    except ImportError:
        raise LabUnavailableError(
            "--backend ray needs Ray, which is not installed: pip install 'ray>=2.9' "
            "(or the project's 'ray' extra), or use --backend local"
        ) from None
    if not ray.is_initialized():
        ray.init(address=address or os.environ.get("RAY_ADDRESS"))
    gpus = 1 / CUDA_WORKERS if any(j.cfg.device.startswith("cuda") for _, j in items) else 0
    remote = ray.remote(num_cpus=1, num_gpus=gpus)(_run_job)
    refs = {remote.remote(job, cache_dir): i for i, job in items}
    while refs:
        ready, _ = ray.wait(list(refs), num_returns=1)
        for r in ready:
            done(refs.pop(r), ray.get(r))
