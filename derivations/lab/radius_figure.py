"""The radius figure: scale-free κ = NN / RMS pairwise distance at the largest sample (left)
and the mean κ against the sample size (right), both against 2r*/√(2n) = 1/√(πe)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from derivations.lab import common
from derivations.lab.radius import KAPPA_STAR, NORMALISATIONS


def radius_figure(out: Path, table, hist, sizes, r, model, pooling, n, bins) -> list[str]:
    plt = common.pyplot()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.2))
    m = sizes[-1]
    for j, h in enumerate(NORMALISATIONS):
        kappa = np.asarray(hist[h]) / table[h][m]["rms_pairwise"]
        ax.hist(
            kappa,
            bins=bins,
            histtype="step",
            density=True,
            color=f"C{j}",
            label=f"{h}: {table[h][m]['kappa_overlap_fraction']:.1%} ≤ 1/√(πe)",
        )
    ax.axvline(KAPPA_STAR, color="k", ls="--", lw=1.2, label="1/√(πe) (NN = 2r* at unit variance)")
    ax.set(
        xlabel="κ = NN distance / RMS pairwise distance",
        ylabel="density",
        title=f"{model}, {pooling} pooling, n = {n}, m = {m}",
    )
    ax.legend(fontsize=7)
    for j, h in enumerate(NORMALISATIONS):
        bx.semilogx(
            sizes,
            [table[h][k]["kappa_mean"] for k in sizes],
            "o-",
            color=f"C{j}",
            label=f"{h}: mean κ",
        )
        bx.semilogx(
            sizes,
            [table[h][k]["mean_over_2r"] * KAPPA_STAR for k in sizes],
            "x:",
            color=f"C{j}",
            label=f"{h}: (mean NN / 2r*) · 1/√(πe)",
        )
    bx.axhline(KAPPA_STAR, color="k", ls="--", lw=1.2)
    bx.set(xlabel="patterns m", ylabel="κ", title="against the sample size")
    bx.legend(fontsize=7)
    fig.tight_layout()
    return common.savefig(fig, out, "radius")
