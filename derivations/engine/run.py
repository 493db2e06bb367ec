"""Running the checks: one claim (:func:`verify_claim`) or many, in order or in parallel.

The expensive part of a verdict (:func:`run_checks`: the derivation check, cached on disk,
and the counterexample search, or the claim's computation) is independent per claim and may
run in a process pool; verdicts are then decided in dependency order
(:func:`dependency_order`), since a claim can only be proven once the claims it cites are.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Sequence

from derivations.engine import cache
from derivations.engine.checker import WORK_BUDGET, check_derivation
from derivations.engine.model import Claim
from derivations.engine.search import search
from derivations.engine.verdict import decide

__all__ = ["run_checks", "verify_claim", "verify", "dependency_order", "cached_derivation"]


def cached_derivation(claim: Claim, registry: dict, use_cache: bool = True) -> dict:
    """:func:`~derivations.engine.checker.check_derivation`, cached on disk under a hash of
    every project module the claim reaches (:mod:`derivations.engine.cache`). Only a
    finished result is stored: one with a step "not decided within budget" is recomputed
    next time (the budget is work, so it would come out the same — but a larger budget in
    a later version must not meet a stale entry)."""
    if claim.derivation is None or not use_cache:
        return check_derivation(claim, registry)
    key = cache.source_key(claim, registry, extra=f"work budget {WORK_BUDGET}")
    hit = cache.load(key, claim.qid)
    if hit is not None:
        return {**hit, "cached": True}
    out = check_derivation(claim, registry)
    if out.get("finished", True):
        cache.store(key, claim.qid, out)
    return out


def run_checks(
    claim: Claim, registry: dict, examples: int, seed: int, recheck: bool = False
) -> dict:
    """The expensive part of a verdict: derivation check and search (or the computation)."""
    t0 = time.perf_counter()
    if claim.compute is not None:
        return {
            "computed": claim.compute(examples=examples, seed=seed),
            "seconds": time.perf_counter() - t0,
        }
    deriv = cached_derivation(claim, registry, use_cache=not recheck)
    stats = search(claim, examples, seed)
    return {"deriv": deriv, "stats": stats, "seconds": time.perf_counter() - t0}


def verify_claim(
    claim: Claim, registry: dict, statuses: dict, examples: int, seed: int, recheck: bool = False
) -> dict:
    """Run the checks for one claim and compute its verdict (a JSON-able dict).

    ``registry`` maps qualified ids to the claims a derivation may cite; ``statuses`` holds
    the verdicts already decided for them (a claim citing one that is not proven is at most
    supported).
    """
    return decide(claim, run_checks(claim, registry, examples, seed, recheck), statuses)


def dependency_order(ids: Sequence[str] | None, registry: dict) -> list[str]:
    """``ids`` (all by default) plus every claim their derivations cite, each after the
    claims it cites, otherwise in registry order."""
    want: set[str] = set()
    stack = list(registry if ids is None else ids)
    deps: dict[str, list[str]] = {}
    while stack:
        c = stack.pop()
        if c in want:
            continue
        if c not in registry:
            raise ValueError(f"unknown claim id {c!r}; run `beyond-scaling list` for the ids")
        want.add(c)
        deps[c] = registry[c].cited(registry)
        stack.extend(deps[c])
    out: list[str] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(c: str) -> None:
        if c in placed:
            return
        if c in visiting:
            raise ValueError(f"claims cite each other in a cycle through {c!r}")
        visiting.add(c)
        for d in deps[c]:
            place(d)
        visiting.discard(c)
        placed.add(c)
        out.append(c)

    for c in registry:
        if c in want:
            place(c)
    return out


def _worker(factory: tuple, cid: str, examples: int, seed: int, recheck: bool) -> dict:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    registry = _registry(factory)
    return run_checks(registry[cid], registry, examples, seed, recheck)


_REGISTRIES: dict = {}


def _registry(factory: tuple) -> dict:
    """The registry a worker process rebuilds from ``(\"module:function\", *args)``."""
    if factory not in _REGISTRIES:
        path, *args = factory
        mod, fn = path.split(":")
        _REGISTRIES[factory] = getattr(importlib.import_module(mod), fn)(*args)
    return _REGISTRIES[factory]


def verify(
    registry: dict,
    ids: Sequence[str] | None = None,
    examples: int = 100,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    recheck: bool = False,
    jobs: int = 1,
    factory: tuple | str | None = None,
) -> list[dict]:
    """Verify the claims ``ids`` (qualified ids; all by default, with the claims they cite).

    With ``jobs > 1`` and ``factory`` (``"module:function"`` or a tuple of it and its
    arguments, rebuilding ``registry`` in a worker process), the independent checks run in
    that many processes; verdicts are then decided in dependency order.
    """
    if examples < 1:
        raise ValueError(f"examples must be ≥ 1; got {examples}")
    if jobs < 1:
        raise ValueError(f"jobs must be ≥ 1; got {jobs}")
    order = dependency_order(ids or None, registry)
    if isinstance(factory, str):
        factory = (factory,)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: thread start-up dominates otherwise
    checks: dict[str, dict] = {}
    seed_env = os.environ.get("PYTHONHASHSEED")
    try:
        if jobs > 1 and factory and len(order) > 1:
            import concurrent.futures as cf
            import multiprocessing as mp

            # the kernel's work counts are deterministic; fixing the workers' string hashing
            # makes them identical from run to run as well (SymPy iterates over sets)
            os.environ["PYTHONHASHSEED"] = seed_env or "0"
            with cf.ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
                futs = {
                    pool.submit(_worker, factory, cid, examples, seed, recheck): cid
                    for cid in order
                }
                for k, fut in enumerate(cf.as_completed(futs), 1):
                    cid = futs[fut]
                    checks[cid] = fut.result()
                    if progress:
                        progress(
                            f"[{k}/{len(order)}] {cid} checked ({checks[cid]['seconds']:.1f} s)"
                        )
        else:
            for k, cid in enumerate(order, 1):
                if progress:
                    progress(f"[{k}/{len(order)}] {cid} ...")
                checks[cid] = run_checks(registry[cid], registry, examples, seed, recheck)
    finally:
        torch.set_num_threads(threads)
        if jobs > 1 and factory and len(order) > 1 and seed_env is None:
            os.environ.pop("PYTHONHASHSEED", None)
    statuses: dict[str, str] = {}
    out = []
    for cid in order:
        rec = decide(registry[cid], checks[cid], statuses)
        statuses[cid] = rec["status"]
        out.append(rec)
        if progress:
            progress(f"{cid}: {rec['status']}")
    return out
