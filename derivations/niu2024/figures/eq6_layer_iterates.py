"""Eq. (6)–(8): E_global along the layer iterates of Eq. (6), for several trust radii δ_t.

A layered 2-D instance: l layers, each with its own d_t stored patterns (seeded, uniform in a
box), and E_t = the Eq. (4) energy of layer t's patterns (the "distance" reading of
:data:`theory.energies.LAYER_READINGS`). Eq. (6): from a seeded start x⁽⁰⁾, layer t sets

    x⁽ᵗ⁾ = argmin { E_t(x) : dist(x, x⁽ᵗ⁻¹⁾) = ‖x − x⁽ᵗ⁻¹⁾‖² ≤ δ_t },

(the paper's squared distance, so a disc of Euclidean radius √δ_t), found by a polar grid
over the disc plus two finer local grids projected onto it (x⁽ᵗ⁻¹⁾ itself is a candidate,
so E_t(x⁽ᵗ⁾) ≤ E_t(x⁽ᵗ⁻¹⁾)). Along the iterates we record E_global = −LSE(−E_1, …, −E_l)
(Eq. 7, :func:`numerics.energies.global_energy`) and the Eq. (8) band
[min_t E_t − log l, min_t E_t]. The paper calls Eq. (6) a majorization-minimization
scheme for E_global; whether E_global goes down along it is counted, over one displayed
instance and over seeded random instances, for each δ.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from derivations.figures.spec import Figure
from derivations.niu2024.figures.common import grid_2d
from derivations.niu2024.trust_region import argmin_ball
from numerics.energies import distance_energy, global_energy
from numerics.tolerances import rtol

NAME = "eq6_layer_iterates"
LAYERS = 4
PER_LAYER = 2
BOX = 3.0  # patterns and starts uniform in [−BOX, BOX]²
DELTAS = (0.05, 0.25, 1.0, 4.0, 16.0)  # trust radii δ_t (squared distance), same for all t
INSTANCES = 100
GRID = {"lo": -4.0, "hi": 4.0, "num": 101}
TOL_FACTOR = 100.0

CONSTANTS = {
    "layers": LAYERS,
    "patterns_per_layer": PER_LAYER,
    "box": BOX,
    "deltas_squared_distance": DELTAS,
    "random_instances": INSTANCES,
    "minimiser": "derivations.niu2024.trust_region.argmin_ball (polar grid + 5 refinements)",
    "landscape_grid": GRID,
    "layer_energy": "E_t = Eq. (4) over layer t's patterns ('distance' reading)",
    "rise_tolerance": f"{TOL_FACTOR} * rtol(float64) * (1 + |E|)",
    "dtype": "float64",
}

_DT = torch.float64


def _instance(gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(layer patterns (l, d_t, 2), start (2,)), uniform in [−BOX, BOX]²."""
    pats = BOX * (2 * torch.rand(LAYERS, PER_LAYER, 2, generator=gen, dtype=_DT) - 1)
    x0 = BOX * (2 * torch.rand(2, generator=gen, dtype=_DT) - 1)
    return pats, x0


def _layer_energies(pats: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """(B, l): E_t(x_b) for every layer t."""
    return torch.stack([distance_energy(pats[t], x) for t in range(pats.shape[0])], dim=-1)


def minimise_in_disc(P: torch.Tensor, c: torch.Tensor, rho: float) -> torch.Tensor:
    """argmin of the Eq. (4) energy of patterns P over {‖x − c‖ ≤ rho}: the claims' own
    trust-region minimiser (:func:`derivations.niu2024.trust_region.argmin_ball`)."""

    def energy(X):
        return distance_energy(P, torch.from_numpy(X)).numpy()

    return torch.from_numpy(argmin_ball(energy, c.numpy(), rho))


def run_layers(pats: torch.Tensor, x0: torch.Tensor, delta: float) -> torch.Tensor:
    """Eq. (6): iterates x⁽⁰⁾ … x⁽ˡ⁾, shape (l + 1, 2)."""
    xs = [x0]
    for t in range(pats.shape[0]):
        xs.append(minimise_in_disc(pats[t], xs[-1], math.sqrt(delta)))
    return torch.stack(xs)


def _evaluate(pats, xs):
    E = _layer_energies(pats, xs)  # (l+1, l)
    Eg = global_energy(E)  # (l+1,)
    return E, Eg


def compute(seed: int = 0) -> dict:
    gen = torch.Generator().manual_seed(int(seed))
    l, logl = LAYERS, math.log(LAYERS)
    shown_pats, shown_x0 = _instance(gen)
    paths = {
        k: []
        for k in ("delta", "t", "x1", "x2", "E_global", "E_own", "E_own_prev", "min_E", "eq8_lo")
    }
    per_delta = {}
    for delta in DELTAS:
        xs = run_layers(shown_pats, shown_x0, delta)
        E, Eg = _evaluate(shown_pats, xs)
        mn = E.min(-1).values
        for t in range(l + 1):
            paths["delta"].append(delta)
            paths["t"].append(t)
            paths["x1"].append(float(xs[t, 0]))
            paths["x2"].append(float(xs[t, 1]))
            paths["E_global"].append(float(Eg[t]))
            paths["E_own"].append(float(E[t, t - 1]) if t else float("nan"))
            paths["E_own_prev"].append(float(E[t - 1, t - 1]) if t else float("nan"))
            paths["min_E"].append(float(mn[t]))
            paths["eq8_lo"].append(float(mn[t] - logl))
    paths = {k: np.array(v, dtype=np.int64 if k == "t" else float) for k, v in paths.items()}

    # Random instances: counts per δ.
    stats = {
        d: {
            "steps": 0,
            "rises": 0,
            "own_rises": 0,
            "eq8_outside": 0,
            "iterates": 0,
            "final_above_start": 0,
            "largest_rise": -math.inf,
        }
        for d in DELTAS
    }
    inst_rows = {k: [] for k in ("instance", "delta", "rises", "E_global_start", "E_global_final")}
    for k in range(INSTANCES):
        pats, x0 = (shown_pats, shown_x0) if k == 0 else _instance(gen)
        for delta in DELTAS:
            xs = run_layers(pats, x0, delta)
            E, Eg = _evaluate(pats, xs)
            tol = TOL_FACTOR * rtol(_DT) * (1 + Eg.abs())
            inc = Eg[1:] - Eg[:-1]
            rises = inc > tol[:-1]
            own = torch.stack([E[t + 1, t] - E[t, t] for t in range(l)])
            mn = E.min(-1).values
            outside = (Eg < mn - logl - tol) | (Eg >= mn + tol)
            st = stats[delta]
            st["steps"] += l
            st["rises"] += int(rises.sum())
            st["own_rises"] += int((own > tol[:-1]).sum())
            st["eq8_outside"] += int(outside.sum())
            st["iterates"] += l + 1
            st["final_above_start"] += int(bool(Eg[-1] > Eg[0] + tol[0]))
            st["largest_rise"] = max(st["largest_rise"], float(inc.max()))
            inst_rows["instance"].append(k)
            inst_rows["delta"].append(delta)
            inst_rows["rises"].append(int(rises.sum()))
            inst_rows["E_global_start"].append(float(Eg[0]))
            inst_rows["E_global_final"].append(float(Eg[-1]))
    for d in DELTAS:
        per_delta[str(d)] = stats[d]
    instances = {
        k: np.array(v, dtype=np.int64 if k in ("instance", "rises") else float)
        for k, v in inst_rows.items()
    }

    g1, g2 = grid_2d(GRID["lo"], GRID["hi"], GRID["num"])
    X = torch.tensor(np.stack([g1, g2], 1), dtype=_DT)
    landscape = {
        "x1": g1,
        "x2": g2,
        "E_global": global_energy(_layer_energies(shown_pats, X)).numpy(),
    }
    P = shown_pats.numpy()
    pattern_table = {
        "layer": np.repeat(np.arange(1, l + 1), PER_LAYER).astype(np.int64),
        "x1": P[:, :, 0].ravel(),
        "x2": P[:, :, 1].ravel(),
    }
    shown = {}
    for d in DELTAS:
        m = paths["delta"] == d
        eg = paths["E_global"][m]
        shown[str(d)] = {
            "E_global": eg.tolist(),
            "rises": int((np.diff(eg) > TOL_FACTOR * rtol(_DT) * (1 + np.abs(eg[:-1]))).sum()),
        }
    summary = {
        "layers": l,
        "patterns_per_layer": PER_LAYER,
        "instances": INSTANCES,
        "seed": int(seed),
        "deltas": list(DELTAS),
        "grid_shape": [GRID["num"], GRID["num"]],
        "shown_instance": shown,
        "random": per_delta,
        "total_steps": int(sum(s["steps"] for s in stats.values())),
        "total_rises": int(sum(s["rises"] for s in stats.values())),
        "total_own_rises": int(sum(s["own_rises"] for s in stats.values())),
        "total_eq8_outside": int(sum(s["eq8_outside"] for s in stats.values())),
        "total_iterates": int(sum(s["iterates"] for s in stats.values())),
    }
    return {
        "tables": {
            "paths": paths,
            "instances": instances,
            "landscape": landscape,
            "patterns": pattern_table,
        },
        "summary": summary,
    }


def caption(data: dict) -> str:
    s = data["summary"]
    rnd = s["random"]
    per = "; ".join(
        f"δ = {d:g}: {rnd[str(d)]['rises']}/{rnd[str(d)]['steps']} steps raise E_global "
        f"(largest rise {rnd[str(d)]['largest_rise']:+.3g}), E_global(x⁽ˡ⁾) > E_global(x⁽⁰⁾) "
        f"in {rnd[str(d)]['final_above_start']}/{s['instances']}"
        for d in s["deltas"]
    )
    shown = ", ".join(f"{v['rises']} (δ = {float(d):g})" for d, v in s["shown_instance"].items())
    return (
        f"Eq. (6) on {s['instances']} seeded 2-D instances (seed {s['seed']}; l = {s['layers']} "
        f"layers × {s['patterns_per_layer']} patterns, E_t = Eq. (4) of layer t), trust region "
        f"‖x − x⁽ᵗ⁻¹⁾‖² ≤ δ for δ ∈ {{{', '.join(f'{d:g}' for d in s['deltas'])}}}: {per}. "
        f"Overall E_global rises at {s['total_rises']}/{s['total_steps']} layer steps, while "
        f"each layer's own E_t rises at {s['total_own_rises']}; the Eq. (8) band "
        f"min_t E_t − log l ≤ E_global < min_t E_t fails at {s['total_eq8_outside']}/"
        f"{s['total_iterates']} iterates. Displayed instance (instance 0): rises per δ {shown}."
    )


def draw(data: dict):
    from derivations.figures.style import (
        CMAP,
        COLORS,
        colorbar,
        label_panel,
        new_figure,
        nice_levels,
    )

    t, s = data["tables"], data["summary"]
    shape = tuple(s["grid_shape"])
    axis = t["landscape"]["x1"].reshape(shape)[0]
    z = t["landscape"]["E_global"].reshape(shape)
    fig = new_figure(13.5, 4.5)
    gs = fig.add_gridspec(1, 3, width_ratios=[1.2, 1, 1])
    deltas = s["deltas"]
    dcol = {d: COLORS[i % len(COLORS)] for i, d in enumerate(deltas)}

    ax = fig.add_subplot(gs[0])
    cs = ax.contourf(axis, axis, z, levels=nice_levels(z), cmap=CMAP, extend="max")
    colorbar(fig, cs, ax, r"$E_{\mathrm{global}}(x)$ (Eq. 7)")
    pt = t["patterns"]
    markers = ("o", "s", "^", "D", "v", "P")
    for layer in range(1, s["layers"] + 1):
        m = pt["layer"] == layer
        ax.scatter(
            pt["x1"][m],
            pt["x2"][m],
            marker=markers[(layer - 1) % len(markers)],
            s=46,
            c="white",
            edgecolors="black",
            linewidths=0.8,
            zorder=6,
            label=f"layer {layer} patterns",
        )
    p = t["paths"]
    for d in deltas:
        m = p["delta"] == d
        ax.plot(
            p["x1"][m], p["x2"][m], "-", color=dcol[d], lw=1.3, marker=".", ms=6, label=f"δ = {d:g}"
        )
    m0 = p["t"] == 0
    ax.plot(
        p["x1"][m0][:1],
        p["x2"][m0][:1],
        "*",
        color="white",
        mec="black",
        ms=11,
        zorder=7,
        label=r"start $x^{(0)}$",
    )
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlim(axis[0], axis[-1])
    ax.set_ylim(axis[0], axis[-1])
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.legend(fontsize=6, loc="lower left", framealpha=0.8, ncol=2)
    label_panel(ax, "a", "instance 0: E_global and the iterates of Eq. (6)", fontsize=8.5)

    ax = fig.add_subplot(gs[1])
    for d in deltas:
        m = p["delta"] == d
        ax.plot(
            p["t"][m],
            p["E_global"][m],
            "-o",
            color=dcol[d],
            ms=4,
            label=f"δ = {d:g}: {s['shown_instance'][str(d)]['rises']} rises",
        )
    ax.set_xticks(range(s["layers"] + 1))
    ax.set_xlabel(r"layer step $t$ (layer $t$ minimises its own $E_t$)")
    ax.set_ylabel(r"$E_{\mathrm{global}}(x^{(t)})$ (Eq. 7)")
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    label_panel(ax, "b", "instance 0: energies along the iterates", fontsize=8.5)

    ax = fig.add_subplot(gs[2])
    rnd = s["random"]
    x = np.arange(len(deltas))
    steps = np.array([rnd[str(d)]["steps"] for d in deltas], dtype=float)
    rises = np.array([rnd[str(d)]["rises"] for d in deltas], dtype=float)
    finals = np.array([rnd[str(d)]["final_above_start"] for d in deltas], dtype=float)
    own = np.array([rnd[str(d)]["own_rises"] for d in deltas], dtype=float)
    ax.bar(
        x - 0.27,
        100 * rises / steps,
        width=0.27,
        color=COLORS[1],
        label=r"layer steps where $E_{\mathrm{global}}$ rises",
    )
    ax.bar(
        x,
        100 * finals / s["instances"],
        width=0.27,
        color=COLORS[0],
        label=r"instances with $E_{\mathrm{global}}(x^{(l)}) > E_{\mathrm{global}}(x^{(0)})$",
    )
    ax.bar(
        x + 0.27,
        100 * own / steps,
        width=0.27,
        color=COLORS[2],
        label=r"layer steps where own $E_t$ rises",
    )
    for xs_, vals in (
        (x - 0.27, 100 * rises / steps),
        (x, 100 * finals / s["instances"]),
        (x + 0.27, 100 * own / steps),
    ):
        for xv, v in zip(xs_, vals):
            ax.annotate(
                f"{v:.0f}",
                (xv, v),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=6.5,
            )
    ax.set_xticks(x, [f"{d:g}" for d in deltas])
    ax.set_xlabel(r"trust radius $\delta$ (squared distance)")
    ax.set_ylabel("percent")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    label_panel(ax, "c", f"{s['instances']} random instances (seed {s['seed']})", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Eq. (6)–(8): E_global along the layer iterates for several trust radii",
    claims=("eq6/descent", "eq8", "eq6"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "(a) E_global on one layered 2-D instance with the Eq. (6) iterates for each δ; "
        "(b) E_global(x⁽ᵗ⁾) and E_t(x⁽ᵗ⁾) per layer step; (c) over random instances, how often "
        "E_global rises."
    ),
)
