"""The plateau figure: validation curves against each condition's reference, and the final
validation loss by segment (declarative / marker / question / copy / EOS) against the
reference of each segment."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from derivations.lab import common


def plateau_figure(out: Path, conds: list[dict], runs: list[dict], keys: list) -> list[str]:
    plt = common.pyplot()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    by_key = dict(zip(keys, runs))
    shown = []
    for j, c in enumerate(conds):
        col = f"C{j}"
        for r in c["runs"]:
            res = by_key[(c["name"], c["model"], r["seed"])]
            ax.plot(res["val_steps"][1:], res["val_loss"][1:], color=col, lw=0.9, alpha=0.8)
            shown += res["val_loss"][max(1, len(res["val_loss"]) // 10) :]
        ref = "exact floor" if c["kind"] == "exact" else "upper estimate"
        ax.axhline(
            c["floor"], color=col, ls=":", lw=1.2, label=f"{c['name']}: {ref} {c['floor']:.3f}"
        )
        ax.plot([], [], color=col, label=f"{c['name']} ({c['model']}), {len(c['runs'])} seeds")
    ax.axhline(1.0, color="k", ls="--", lw=1.2, label="Prop. 4: 1 nat")
    ax.set(
        xlabel="step",
        ylabel="validation loss (nats/token)",
        title="Question Formation: validation loss against the data's entropy",
        ylim=(
            min([c["floor"] for c in conds] + shown) - 0.05,
            min(2.5, max([1.05, *shown]) + 0.05),
        ),
    )
    ax.legend(fontsize=7, ncol=2)
    segs = list(conds[0]["runs"][0]["segments"])
    x = np.arange(len(segs))
    w = 0.8 / max(1, len(conds))
    for j, c in enumerate(conds):
        vals = [
            np.mean([r["segments"][s] for r in c["runs"] if r["segments"][s] is not None] or [0.0])
            for s in segs
        ]
        bx.bar(x + j * w, vals, w, color=f"C{j}", label=c["name"])
        ref = [c["floor_segments"].get(s) for s in segs]
        bx.scatter(
            x + j * w,
            [np.nan if v is None else v for v in ref],
            marker="_",
            s=220,
            color="k",
            label="reference" if j == 0 else None,
        )
    bx.set_xticks(x + 0.4 - w / 2, segs)
    bx.set(ylabel="nats/token", title="final validation loss by segment (—: reference)")
    bx.legend(fontsize=7)
    fig.tight_layout()
    return common.savefig(fig, out, "plateau")
