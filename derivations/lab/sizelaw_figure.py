"""The size-law figure, one row per dataset: the error at the end of training against D (one
line per width, seeds averaged, σ² dashed), and D* against N with its grid interval per
seed (arrows: censored), the censored fit, and the slopes 1/2 (Prop. 5) and 1 (capacity)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from derivations.lab import common


def sizelaw_figure(out: Path, analyses: dict, s: dict) -> list[str]:
    plt = common.pyplot()
    rows = len(analyses)
    fig, axes = plt.subplots(rows, 2, figsize=(11, 3.9 * rows), squeeze=False)
    for (name, a), (ax, bx) in zip(analyses.items(), axes):
        grid = np.asarray(a["grid"], float)
        for j, (w, N) in enumerate(zip(a["widths"], a["N"])):
            errs = np.asarray([o["errors"] for o in a["observations"] if o["width"] == w])
            ax.loglog(
                grid,
                np.maximum(errs.mean(0), 1e-6),
                "o-",
                ms=3,
                color=f"C{j}",
                label=f"d={w} (N={N:,})",
            )
        s2 = s["datasets"][name]["sigma2"]
        ax.axhline(s2, color="k", ls="--", lw=1, label=f"σ² = {s2}")
        ax.set(
            xlabel=f"D ({a['unit']})",
            ylabel="(final train − min val)²",
            title=f"{name}: error at the end of training",
        )
        ax.legend(fontsize=7)
        for j, w in enumerate(a["widths"]):
            for o in (o for o in a["observations"] if o["width"] == w):
                lo = o["lo"] if o["lo"] > 0 else grid[0] / 2
                hi = o["hi"] if np.isfinite(o["hi"]) else grid[-1] * 2
                jit = 1 + 0.03 * (o["seed"] - 1)
                bx.plot([o["N"] * jit] * 2, [lo, hi], color=f"C{j}", lw=2, alpha=0.7)
                if o["censored"] in ("right", "both"):
                    bx.annotate(
                        "",
                        (o["N"] * jit, hi),
                        (o["N"] * jit, lo),
                        arrowprops={"arrowstyle": "->", "color": f"C{j}"},
                    )
                if o["censored"] in ("left", "both"):
                    bx.annotate(
                        "",
                        (o["N"] * jit, lo),
                        (o["N"] * jit, hi),
                        arrowprops={"arrowstyle": "->", "color": f"C{j}"},
                    )
        f = a["fit"]
        Ns = np.geomspace(min(a["N"]), max(a["N"]), 20)
        if f["slope"] is not None:
            c = f["intercept"]
            bx.loglog(
                Ns,
                np.exp(c + f["slope"] * np.log(Ns)),
                "k-",
                lw=1.2,
                label=f"fit: s = {f['slope']:.2f}, 95 % {_ci(a['interval']['ci'])}",
            )
            mid = np.exp(c + f["slope"] * np.log(np.sqrt(Ns[0] * Ns[-1])))
            for slope, ls, lab in (
                (0.5, "--", "s = 1/2 (Prop. 5)"),
                (1.0, ":", "s = 1 (capacity)"),
            ):
                bx.loglog(
                    Ns,
                    mid * (Ns / np.sqrt(Ns[0] * Ns[-1])) ** slope,
                    ls,
                    color="0.4",
                    lw=1,
                    label=lab,
                )
        bx.set_xscale("log")
        bx.set_yscale("log")
        bx.set(
            xlabel=f"N ({s['n_kind']} parameters)",
            ylabel=f"D* ({a['unit']})",
            title=f"{name}: D* intervals per seed ({a['reading']})",
        )
        bx.legend(fontsize=7)
    fig.tight_layout()
    return common.savefig(fig, out, "sizelaw")


def _ci(ci) -> str:
    return "undefined" if not ci else f"[{ci[0]:.2f}, {ci[1]:.2f}]"
