"""Eq. (1) and Table 2: Chinchilla-type loss slices and the reported losses against the floor 1.

L̂(N, D) = E + A/N^α + B/D^β (Eq. 1) with each transcribed constant set of
:data:`theory.sizes.EQ1_FITS` (the paper's print, Hoffmann et al. 2022, Besiroglu et al.
2024), evaluated with :func:`theory.sizes.mp_chinchilla_loss`:

* panel (a): L̂ against N at D = 1.4·10¹² (Chinchilla's token count in Table 2);
* panel (b): L̂ against D at N = 7·10¹⁰ (Chinchilla's size);
* panel (c): the reported losses of :data:`theory.sizes.TABLE2` beside L̂ at each model's
  (N, D) under every constant set.

Every panel carries the line 1 (Proposition 4's floor, "≥ 1" in v2, "about 1" in v1) and
each fit's irreducible term E, so how far the reported losses and the fits' asymptotes sit
from the claimed floor is read off the numbers.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from derivations.figures.spec import Figure
from theory.sizes import EQ1_FITS, SYMBOLS, TABLE2, chinchilla_loss, mp_chinchilla_loss

NAME = "eq1_table2"
DPS = 30
FITS = tuple(EQ1_FITS)
FIT_LABELS = {
    "paper": "Eq. (1) as printed",
    "hoffmann2022": "Hoffmann et al. 2022",
    "besiroglu2024": "Besiroglu et al. 2024",
}
D_FIXED = 1.4e12
N_FIXED = 7.0e10
N_RANGE = (1e7, 1e14)
D_RANGE = (1e8, 1e15)
FLOOR = 1.0
CONSTANTS = {
    "fits": {
        k: {f: str(getattr(v, f)) for f in ("E", "A", "B", "alpha", "beta")}
        for k, v in EQ1_FITS.items()
    },
    "D_fixed_panel_a": D_FIXED,
    "N_fixed_panel_b": N_FIXED,
    "N_range": N_RANGE,
    "D_range": D_RANGE,
    "floor": FLOOR,
    "mpmath_dps": DPS,
}


def _loss(N, D, fit) -> float:
    return float(mp_chinchilla_loss(mpmath.mpf(N), mpmath.mpf(D), fit))


def _slice(fit, Ns, Ds) -> np.ndarray:
    """L̂ along a slice: the SymPy Eq. (1) of ``fit`` lambdified to mpmath (one conversion of
    the constants instead of one per point)."""
    f = sp.lambdify((SYMBOLS["N"], SYMBOLS["D"]), chinchilla_loss(fit=fit), "mpmath")
    return np.array([float(f(mpmath.mpf(float(n)), mpmath.mpf(float(d)))) for n, d in zip(Ns, Ds)])


def compute(seed: int = 0) -> dict:
    Ns = np.logspace(math.log10(N_RANGE[0]), math.log10(N_RANGE[1]), 43)
    Ds = np.logspace(math.log10(D_RANGE[0]), math.log10(D_RANGE[1]), 43)
    with mpmath.workdps(DPS):
        slice_N = {"N": Ns, **{f"L_{k}": _slice(k, Ns, np.full(len(Ns), D_FIXED)) for k in FITS}}
        slice_D = {"D": Ds, **{f"L_{k}": _slice(k, np.full(len(Ds), N_FIXED), Ds) for k in FITS}}
        t2 = {
            "model": [r.model for r in TABLE2],
            "N": np.array([float(r.N) for r in TABLE2]),
            "D": np.array([float(r.D) for r in TABLE2]),
            "reported": np.array([float(r.loss) for r in TABLE2]),
            **{f"predicted_{k}": np.array([_loss(r.N, r.D, k) for r in TABLE2]) for k in FITS},
        }
    fits = {
        k: {
            "E": float(v.E),
            "A": float(v.A),
            "B": float(v.B),
            "alpha": float(v.alpha),
            "beta": float(v.beta),
            "source": v.source,
        }
        for k, v in EQ1_FITS.items()
    }
    differ = {
        k: [
            f
            for f in ("E", "A", "B", "alpha", "beta")
            if getattr(EQ1_FITS[k], f) != getattr(EQ1_FITS["paper"], f)
        ]
        for k in FITS
        if k != "paper"
    }
    rep = t2["reported"]
    summary = {
        "fits": fits,
        "constants_differing_from_paper": differ,
        "reported": {
            "min": float(rep.min()),
            "max": float(rep.max()),
            "min_model": t2["model"][int(np.argmin(rep))],
            "below_floor": int((rep < FLOOR).sum()),
            "min_gap_to_floor": float(rep.min() - FLOOR),
            "models": len(rep),
        },
        "predicted": {
            k: {
                "min": float(t2[f"predicted_{k}"].min()),
                "max": float(t2[f"predicted_{k}"].max()),
                "mean_abs_error": float(np.abs(t2[f"predicted_{k}"] - rep).mean()),
                "max_abs_error": float(np.abs(t2[f"predicted_{k}"] - rep).max()),
            }
            for k in FITS
        },
        "fits_E_above_floor": int(sum(v["E"] > FLOOR for v in fits.values())),
        "slice_minimum": {
            k: float(min(slice_N[f"L_{k}"].min(), slice_D[f"L_{k}"].min())) for k in FITS
        },
        "floor": FLOOR,
    }
    return {"tables": {"slice_N": slice_N, "slice_D": slice_D, "table2": t2}, "summary": summary}


def caption(data: dict) -> str:
    s = data["summary"]
    r, p = s["reported"], s["predicted"]
    diffs = "; ".join(
        f"{FIT_LABELS[k]} differs from the print in {', '.join(v) or 'nothing'}"
        for k, v in s["constants_differing_from_paper"].items()
    )
    return (
        "Eq. (1) with three constant sets: E = "
        + ", ".join(f"{s['fits'][k]['E']:g} ({FIT_LABELS[k]})" for k in FITS)
        + f" ({diffs}); {s['fits_E_above_floor']}/{len(FITS)} irreducible terms E lie above "
        f"the floor {s['floor']:g}. Table 2's {r['models']} reported losses range "
        f"{r['min']:g}–{r['max']:g} ({r['below_floor']} below {s['floor']:g}; the smallest, "
        f"{r['min_model']}, is {r['min_gap_to_floor']:.2g} above it). L̂ at the reported "
        f"(N, D): "
        + "; ".join(
            f"{FIT_LABELS[k]} {p[k]['min']:.3g}–{p[k]['max']:.3g} (mean |L̂ − reported| "
            f"{p[k]['mean_abs_error']:.3g})"
            for k in FITS
        )
        + f". Slices at D = {D_FIXED:.2g} and N = {N_FIXED:.2g}: smallest L̂ "
        + ", ".join(f"{s['slice_minimum'][k]:.3g}" for k in FITS)
        + "."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    t, s = data["tables"], data["summary"]
    fig = new_figure(13.5, 4.4)
    axes = fig.subplots(1, 3)
    col = {k: COLORS[i] for i, k in enumerate(FITS)}

    def floors(ax, legend=True):
        ax.axhline(
            s["floor"],
            color="black",
            ls="--",
            lw=1.0,
            label="Prop. 4 floor 1 (v2 ≥ 1; v1 “about 1”)" if legend else None,
        )
        for k in FITS:
            ax.axhline(s["fits"][k]["E"], color=col[k], ls=":", lw=0.9)

    ax = axes[0]
    for k in FITS:
        ax.plot(
            t["slice_N"]["N"],
            t["slice_N"][f"L_{k}"],
            color=col[k],
            label=f"{FIT_LABELS[k]} (E = {s['fits'][k]['E']:g}, dotted)",
        )
    floors(ax)
    ax.set_xscale("log")
    ax.set_ylim(0.8, 4.0)
    ax.set_xlabel("N (parameters, log scale)")
    ax.set_ylabel(r"$\hat L(N, D)$ (nats)")
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    label_panel(ax, "a", f"slice at D = {D_FIXED:.2g} tokens", fontsize=8.5)

    ax = axes[1]
    for k in FITS:
        ax.plot(t["slice_D"]["D"], t["slice_D"][f"L_{k}"], color=col[k], label=FIT_LABELS[k])
    floors(ax)
    ax.set_xscale("log")
    ax.set_ylim(0.8, 4.0)
    ax.set_xlabel("D (tokens, log scale)")
    ax.set_ylabel(r"$\hat L(N, D)$ (nats)")
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    label_panel(ax, "b", f"slice at N = {N_FIXED:.2g} parameters", fontsize=8.5)

    ax = axes[2]
    tb = t["table2"]
    x = np.arange(len(tb["model"]))
    ax.plot(x, tb["reported"], "o", color="black", ms=7, label="reported (Table 2)", zorder=5)
    for i, k in enumerate(FITS):
        ax.plot(
            x + 0.12 * (i - 1),
            tb[f"predicted_{k}"],
            "_",
            color=col[k],
            ms=11,
            mew=2,
            label=rf"$\hat L$ at (N, D), {FIT_LABELS[k]}",
        )
    floors(ax)
    ax.set_xticks(
        x,
        [f"{m}\n{n / 1e9:.3g}B/{d / 1e9:.4g}B" for m, n, d in zip(tb["model"], tb["N"], tb["D"])],
        fontsize=6.5,
    )
    ax.set_ylim(0.8, 3.0)
    ax.set_ylabel("loss (nats)")
    ax.legend(fontsize=6.5, loc="lower left", framealpha=0.9)
    label_panel(ax, "c", "Table 2: reported losses (N/D in billions)", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Eq. (1) and Table 2: loss slices and reported losses against the claimed floor 1",
    claims=("eq1", "table2", "prop4/floor"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "L̂(N, D) = E + A/N^α + B/D^β for three constant sets along N and along D, and Table "
        "2's reported losses with L̂ at each model's (N, D); dashed: the floor 1, dotted: "
        "each fit's E."
    ),
)
