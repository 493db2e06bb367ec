"""App. F.2 (Prop. 4): does the training loss on Question Formation plateau at 1 nat/token, or
at the data's entropy?

Conditions (each trained with several seeds, judged on validation loss):

* ``grammar``: lines sampled from ``question.gr`` (:mod:`derivations.lab.sampled`) in Murty's
  LM format; the exact entropy per token is the floor (≈ 0.98, close to 1 by coincidence);
* ``grammar-echo``: the same sentences with each word written three times — the echoes are
  predictable from the word before them, so the floor falls to ≈ 0.68 and a model that reaches
  it goes well below 1 without having to learn to copy a whole sentence (``grammar-double``,
  the target written twice, is the same test through copying; it is available as a condition);
* ``mccoy``: McCoy's training file; its reference is the upper estimate of
  :func:`derivations.lab.floors.qf_entropy_report` (a cross-entropy), reported beside the
  others and left out of the rule.

The rule (:func:`plateau_verdict`) uses the two convergence rules of
:mod:`derivations.lab.convergence`: distance to the exact floor, or the long-window trend.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from derivations.lab import common
from derivations.lab.convergence import floor_gap, trend_bound
from derivations.lab.plateau_figure import plateau_figure
from theory.printed import PROP4_FLOOR

_MODEL_CPU = {"n_layer": 2, "d_emb": 64, "n_head": 4}
_CONDITIONS = [
    {"name": "grammar", "source": "grammar", "format": "murty"},
    {"name": "grammar-echo", "source": "grammar", "format": "echo"},
    {"name": "mccoy", "source": "mccoy", "format": "murty"},
]
_COMMON = {
    "conditions": _CONDITIONS,
    "data_seed": 0,
    "grammar_val_lines": 1000,
    "batch_size": 32,
    "floor_tol": 0.02,
    "bound_tol": 0.05,
    "trend_window": 0.5,
}
PLATEAU_PRESETS = {
    "cpu": {
        **_COMMON,
        "models": [_MODEL_CPU],
        "seeds": [0, 1, 2],
        "grammar_train_lines": 64_000,
        "mccoy_train_lines": 20_000,
        "steps": 2000,
        "lr": 2e-3,
        "warmup": 200,
        "eval_every": 100,
        "train_eval_seqs": 1000,
        "device": "cpu",
    },
    "gpu": {
        **_COMMON,
        "models": [
            {"n_layer": 6, "d_emb": 512, "n_head": 8},
            {"n_layer": 10, "d_emb": 512, "n_head": 8},
        ],
        "seeds": [0, 1, 2],
        "grammar_train_lines": 200_000,
        "mccoy_train_lines": None,
        "batch_size": 64,
        "steps": 3000,
        "lr": 5e-4,
        "warmup": 300,
        "eval_every": 100,
        "train_eval_seqs": 2000,
        "device": "cuda",
    },
    "tiny": {
        **_COMMON,
        "models": [{"n_layer": 1, "d_emb": 16, "n_head": 2}],
        "seeds": [0, 1],
        "grammar_train_lines": 400,
        "grammar_val_lines": 60,
        "mccoy_train_lines": 300,
        "batch_size": 16,
        "steps": 30,
        "lr": 3e-3,
        "warmup": 5,
        "eval_every": 10,
        "train_eval_seqs": 60,
        "device": "cpu",
    },
}


def plateau_verdict(conds: list[dict], floor_tol: float, bound_tol: float) -> tuple[str, str]:
    """The rule of lab/plateau (:func:`rule_text`). ``conds``: dicts with name, kind ("exact"
    or "upper"), floor, and runs (dicts with val, descent_bound and, for exact floors,
    gap_upper). Returns (status, reason)."""
    bound = float(PROP4_FLOOR)
    exact = [c for c in conds if c["kind"] == "exact"]
    if not exact:
        return "inconclusive", "no condition with an exact floor"
    at_floor = {c["name"]: all(r["gap_upper"] <= floor_tol for r in c["runs"]) for c in exact}
    flat = {c["name"]: all(r["descent_bound"] <= floor_tol for r in c["runs"]) for c in exact}
    mean = {c["name"]: float(np.mean([r["val"] for r in c["runs"]])) for c in exact}
    below = [c for c in exact if at_floor[c["name"]] and mean[c["name"]] < bound - bound_tol]
    if below:
        return "refuted", "; ".join(
            f"{c['name']} converged to its exact floor {c['floor']:.3f} (validation "
            f"{mean[c['name']]:.3f}; every seed within {floor_tol} of the floor), below "
            f"1 − {bound_tol}"
            for c in below
        )
    low = [c for c in exact if c["floor"] < bound - bound_tol]
    if low and all(
        flat[c["name"]] and all(abs(r["val"] - bound) <= bound_tol for r in c["runs"]) for c in low
    ):
        return "supported", "; ".join(
            f"{c['name']} stays flat at {mean[c['name']]:.3f}, within {bound_tol} of 1, above "
            f"its exact floor {c['floor']:.3f}"
            for c in low
        )
    parts = []
    for c in exact:
        worst = max(r["gap_upper"] for r in c["runs"])
        state = (
            "at its floor"
            if at_floor[c["name"]]
            else f"not at its floor (gap bound up to {worst:.3f} > {floor_tol})"
        )
        parts.append(
            f"{c['name']}: validation {mean[c['name']]:.3f}, exact floor {c['floor']:.3f}, {state}"
        )
    return "inconclusive", "; ".join(parts)


def rule_text(s: dict) -> str:
    t, b = s["floor_tol"], s["bound_tol"]
    return (
        "Converged (grammar conditions, exact floor) = for every seed, the 95 % upper bound of "
        "validation loss minus the Bayes loss of the same lines is ≤ "
        f"{t} nats/token (a shelf sits above the floor and cannot pass). Refuted if a "
        f"converged condition's mean validation loss is < 1 − {b}. Supported if none is, and "
        f"every grammar condition whose floor is < 1 − {b} is flat (95 % bound on the descent "
        f"over as many steps again, trend over the last {s['trend_window']:.0%} of training, "
        f"≤ {t}) within {b} of 1 in every seed. Otherwise inconclusive. McCoy's file is "
        "reported against its upper estimate (a cross-entropy) and does not enter the rule."
    )


def _prepare(s: dict, data_path) -> tuple[list, dict, dict]:
    """Training/validation data and references of every condition (before any output)."""
    from derivations.lab.data import encode_qf, load_qf_lm, resolve_data_dir
    from derivations.lab.data import sequence_length as seqlen
    from derivations.lab.floors import load_grammar, qf_entropy_report
    from derivations.lab.sampled import exact_floor, grammar_vocab, sample_examples, sample_floor

    d = resolve_data_dir(data_path)
    g = load_grammar(d)
    tr_ex = va_ex = None
    data, refs, info = [], {}, {}
    # McCoy's files first: every file is read and checked before any sampling or training
    for c in sorted(s["conditions"], key=lambda c: c["source"] != "mccoy"):
        fmt, name = c["format"], c["name"]
        if c["source"] == "grammar":
            if tr_ex is None:
                tr_ex = sample_examples(g, s["grammar_train_lines"], s["data_seed"])
                va_ex = sample_examples(g, s["grammar_val_lines"], s["data_seed"] + 1)
            vocab = grammar_vocab(g)
            T = max(seqlen(tr_ex, fmt), seqlen(va_ex, fmt))
            tr = encode_qf(tr_ex, vocab, f"grammar-{s['data_seed']}-{fmt}", T, fmt)
            va = encode_qf(va_ex, vocab, f"grammar-val-{s['data_seed']}-{fmt}", T, fmt)
            sf = sample_floor(g, va_ex, fmt)
            refs[name] = {
                "kind": "exact",
                "floor": sf["floor"],
                "population_floor": exact_floor(g, fmt)["floor"],
                "segments": sf["segments"],
                "line_nats": sf["line_nats"],
            }
            info[name] = {"source": "grammar", "train_lines": len(tr_ex), "val_lines": len(va_ex)}
        elif c["source"] == "mccoy":
            tr, va, info[name] = load_qf_lm(d, s["mccoy_train_lines"], fmt=fmt)
            ent = qf_entropy_report(d, s["mccoy_train_lines"])
            dev = ent["empirical"]["dev"]
            refs[name] = {
                "kind": "upper",
                "floor": dev["floor_nats_per_token"],
                "segments": dev["segments"],
                "report": ent,
            }
        else:
            raise ValueError(f"condition {name}: source must be grammar or mccoy")
        data.append((c, tr, va))
    order = {c["name"]: i for i, c in enumerate(s["conditions"])}
    data.sort(key=lambda t: order[t[0]["name"]])
    return data, refs, info


def run_plateau(
    preset: str = "cpu",
    out_dir: str | os.PathLike = "lab-results/plateau",
    data_path=None,
    progress: bool = True,
    backend: str = "local",
    ray_address: str | None = None,
    overrides: dict | None = None,
    cache_dir: str | os.PathLike | None = None,
    max_workers: int | None = None,
) -> dict:
    """Train every condition × model × seed, apply :func:`plateau_verdict`, write the result
    folder (``result.json``, ``summary.json``, ``curves.csv``, ``plateau.png``/``.svg``)."""
    from derivations.lab.runner import Job, run_jobs
    from derivations.lab.train import TrainConfig

    t0 = time.perf_counter()
    s = common.preset(PLATEAU_PRESETS, preset, overrides)
    common.check_device(s["device"])
    common.check_writable(out_dir, cache_dir or common.default_cache_dir(out_dir))
    data, refs, info = _prepare(s, data_path)
    jobs, keys = [], []
    for c, tr, va in data:
        for m in s["models"]:
            for seed in s["seeds"]:
                cfg = TrainConfig(
                    **m,
                    steps=s["steps"],
                    batch_size=s["batch_size"],
                    lr=s["lr"],
                    warmup=s["warmup"],
                    eval_every=s["eval_every"],
                    seed=seed,
                    device=s["device"],
                    eval_max_seqs=len(va),
                    train_eval_seqs=s["train_eval_seqs"],
                )
                label = f"{c['name']}-l{m['n_layer']}-d{m['d_emb']}-s{seed}"
                jobs.append(Job(label, cfg, tr, va))
                keys.append((c["name"], f"l{m['n_layer']}-d{m['d_emb']}", seed))
    cache = Path(cache_dir) if cache_dir else common.default_cache_dir(out_dir)
    runs = run_jobs(jobs, cache, backend, max_workers, progress, ray_address)
    conds = _analyse(s, keys, runs, refs)
    status, why = plateau_verdict(
        [c for c in conds if c["model"] == conds[0]["model"]], s["floor_tol"], s["bound_tol"]
    )
    if len(s["models"]) > 1:  # every model size must agree
        for mk in sorted({c["model"] for c in conds})[1:]:
            st2, why2 = plateau_verdict(
                [c for c in conds if c["model"] == mk], s["floor_tol"], s["bound_tol"]
            )
            if st2 != status:
                status, why = "inconclusive", f"model sizes disagree: {why} | {mk}: {why2}"
    claim = _claim(s, conds, status, why)
    with common.staged_output(out_dir) as out:
        rows = [
            (lab, st, v)
            for (lab, r) in zip((j.label for j in jobs), runs)
            for st, v in zip(r["val_steps"], r["val_loss"])
        ]
        common.write_csv(out / "curves.csv", ["run", "step", "val_loss_nats"], rows)
        files = [
            "result.json",
            "summary.json",
            "curves.csv",
            *plateau_figure(out, conds, runs, keys),
        ]
        res = {
            "claim": claim,
            "conditions": conds,
            "references": {
                k: {kk: vv for kk, vv in v.items() if kk != "line_nats"} for k, v in refs.items()
            },
            "data": info,
            "files": files,
            "runs": common.run_records(jobs, runs),
            "provenance": common.provenance(
                "plateau", preset, s, s["device"], t0, seeds=s["seeds"], backend=backend
            ),
        }
        common.finish("plateau", out, res, _summary(s, claim, conds, preset, why))
    return res


def _analyse(s: dict, keys: list, runs: list, refs: dict) -> list[dict]:
    conds: dict[tuple, dict] = {}
    for (name, mk, seed), r in zip(keys, runs):
        ref = refs[name]
        c = conds.setdefault(
            (name, mk),
            {
                "name": name,
                "model": mk,
                "kind": ref["kind"],
                "floor": ref["floor"],
                "population_floor": ref.get("population_floor"),
                "floor_segments": ref["segments"],
                "runs": [],
            },
        )
        val = r["final"]["val"]
        tb = trend_bound(r["val_steps"], r["val_loss"], s["trend_window"])
        run = {
            "seed": seed,
            "hash": r["hash"],
            "val": val["loss"],
            "min_val": float(min(r["val_loss"])),
            "train": r["final"]["train"]["loss"],
            "segments": val["segments"],
            "descent_bound": tb["descent_bound"],
            "trend_slope": tb["slope"],
        }
        if ref["kind"] == "exact":
            fg = floor_gap(val["seq_nats"], ref["line_nats"], val["seq_tokens"])
            run.update(gap=fg["gap"], gap_se=fg["se"], gap_upper=fg["upper"])
        c["runs"].append(run)
    for c in conds.values():
        vals = [r["val"] for r in c["runs"]]
        c["mean_val"] = float(np.mean(vals))
        c["sd_val"] = float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0
        c["flat"] = all(r["descent_bound"] <= s["floor_tol"] for r in c["runs"])
        if c["kind"] == "exact":
            c["at_floor"] = all(r["gap_upper"] <= s["floor_tol"] for r in c["runs"])
    return list(conds.values())


def _claim(s: dict, conds: list[dict], status: str, why: str) -> dict:
    def one(c):
        ref = "exact floor" if c["kind"] == "exact" else "upper estimate"
        seg = ", ".join(f"{k} {v:.3f}" for k, v in _mean_segments(c).items() if v is not None)
        extra = (
            f", at floor: {'yes' if c['at_floor'] else 'no'}"
            if c["kind"] == "exact"
            else f", flat by the trend rule: {'yes' if c['flat'] else 'no'}"
        )
        return (
            f"{c['name']} ({c['model']}, {len(c['runs'])} seeds): validation "
            f"{c['mean_val']:.3f} ± {c['sd_val']:.3f} vs {ref} {c['floor']:.3f}{extra} "
            f"[by segment: {seg}]"
        )

    return {
        "id": "lab/plateau",
        "kind": "empirical",
        "ref": "v2 App. F.2 (Prop. 4)",
        "statement": "Transformers trained on Question Formation plateau near 1 nat/token, "
        "as Prop. 4's L ≥ 1 predicts.",
        "rule": rule_text(s),
        "status": status,
        "evidence": "; ".join(one(c) for c in conds) + ". " + why.rstrip(".") + ".",
        "values": {
            c["name"] + "/" + c["model"]: {
                "kind": c["kind"],
                "floor": c["floor"],
                "mean_val": c["mean_val"],
                "sd_val": c["sd_val"],
                "at_floor": c.get("at_floor"),
                "flat": c["flat"],
            }
            for c in conds
        },
    }


def _mean_segments(c: dict) -> dict:
    keys = c["runs"][0]["segments"].keys()
    out = {}
    for k in keys:
        v = [r["segments"][k] for r in c["runs"] if r["segments"][k] is not None]
        out[k] = float(np.mean(v)) if v else None
    return out


def _summary(s: dict, claim: dict, conds: list[dict], preset: str, why: str) -> dict:
    return {
        "claim": {k: claim[k] for k in ("id", "status", "statement", "rule", "ref")},
        "reason": why,
        "preset": preset,
        "steps": s["steps"],
        "seeds": s["seeds"],
        "models": s["models"],
        "floor_tol": s["floor_tol"],
        "bound_tol": s["bound_tol"],
        "conditions": [
            {
                "name": c["name"],
                "model": c["model"],
                "kind": c["kind"],
                "floor": c["floor"],
                "population_floor": c["population_floor"],
                "mean_val": c["mean_val"],
                "sd_val": c["sd_val"],
                "max_gap_upper": max((r["gap_upper"] for r in c["runs"]), default=None)
                if c["kind"] == "exact"
                else None,
                "at_floor": c.get("at_floor"),
                "flat": c["flat"],
                "segments": _mean_segments(c),
                "floor_segments": c["floor_segments"],
            }
            for c in conds
        ],
    }
