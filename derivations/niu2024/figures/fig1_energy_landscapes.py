"""Figure 1 of the paper, recomputed: MCHN energy parts and the layer energy Eq. (4).

Left (2-D patterns ρ = (−2, −0.5), (0.2, −0.3), (1.5, 1.5)):
(a) −LSE(β = 1, Mᵀx); (b) ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²; (c) E^MCHN_{β=1} = (a) + (b);
(d) E(x) = −LSE(−‖x − ρ¹‖², …) (Eq. 4).
Right (1-D patterns −2, 0, 1): E^MCHN at β = 1 and β = 2 beside Eq. (4).

Values come from :mod:`numerics.energies` (torch, float64); a few grid points are
re-evaluated with :mod:`theory.energies` (mpmath, 30 digits) and the largest deviation is
recorded. Local minima are found on the grid, then refined by each energy's own descent
update (CCCP of Eq. 4; the MCHN update for E^MCHN), and compared with the stored patterns.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import torch

from derivations.figures.spec import Figure
from derivations.niu2024.figures.common import (
    FIG1_PATTERNS_1D,
    FIG1_PATTERNS_2D,
    dedupe,
    descend,
    fmt_point,
    formulas,
    grid_2d,
    local_minima_1d,
    local_minima_2d,
    tensor,
)
from numerics.energies import distance_energy, lse, mchn_energy
from theory.energies import mp_distance_energy, mp_mchn_energy
from theory.lse import mp_lse

NAME = "fig1_energy_landscapes"
GRID = {"lo": -3.0, "hi": 3.0, "num": 121}
LINE = {"lo": -3.5, "hi": 2.5, "num": 601}
BETAS_1D = (1.0, 2.0)
NEAR = 0.05  # a minimum "sits at" a pattern when closer than this (Euclidean)
CHECK_POINTS = 5  # grid points re-evaluated with mpmath, spread evenly over the grid

CONSTANTS = {
    "patterns_2d": FIG1_PATTERNS_2D,
    "patterns_1d": FIG1_PATTERNS_1D,
    "beta_2d": 1.0,
    "betas_1d": BETAS_1D,
    "grid_2d": GRID,
    "line_1d": LINE,
    "near_pattern_radius": NEAR,
    "mpmath_check_points": CHECK_POINTS,
    "mpmath_dps": 30,
    "dtype": "float64",
}


def _minima(patterns, values, coords, shape, energy, beta=1.0):
    """Grid minima of ``values`` refined by the energy's descent update; sorted by x1."""
    if shape is None:
        idx = local_minima_1d(values)
    else:
        idx = [r * shape[1] + c for r, c in local_minima_2d(values.reshape(shape))]
    if len(idx) == 0:
        return np.zeros((0, patterns.shape[1]))
    start = torch.as_tensor(coords[np.asarray(idx)], dtype=torch.float64)
    refined = descend(patterns, start, energy, beta=beta).numpy()
    pts = dedupe(refined)
    return pts[np.argsort(pts[:, 0])]


def _nearest_pattern_distance(points: np.ndarray, patterns: np.ndarray) -> list[float]:
    return [float(np.min(np.linalg.norm(patterns - p, axis=1))) for p in points]


def compute(seed: int = 0) -> dict:
    """The plotted grids and curves; ``seed`` is unused (nothing here is random)."""
    del seed
    P2 = tensor(FIG1_PATTERNS_2D)  # (d, n) = (3, 2)
    d = P2.shape[0]
    x1, x2 = grid_2d(GRID["lo"], GRID["hi"], GRID["num"])
    pts = tensor(np.stack([x1, x2], axis=1))  # (B, 2)
    neg_lse = -lse(pts @ P2.T, 1.0)  # (B,)
    regs = 0.5 * (pts * pts).sum(-1) + math.log(d) + 0.5 * (P2 * P2).sum(-1).max()
    mchn1 = mchn_energy(P2, pts, 1.0)
    eq4 = distance_energy(P2, pts)
    grid = {
        "x1": x1,
        "x2": x2,
        "neg_lse_beta1": neg_lse.numpy(),
        "regularisers_beta1": regs.numpy(),
        "mchn_beta1": mchn1.numpy(),
        "eq4": eq4.numpy(),
    }

    # Independent mpmath evaluation at a few grid points.
    dev = 0.0
    rows = [list(r) for r in FIG1_PATTERNS_2D]
    with mpmath.workdps(30):
        for i in np.linspace(0, len(x1) - 1, CHECK_POINTS).astype(int):
            x = [mpmath.mpf(float(x1[i])), mpmath.mpf(float(x2[i]))]
            ref_a = -mp_lse(*[sum(a * b for a, b in zip(x, r)) for r in rows])
            dev = max(
                dev,
                abs(float(ref_a) - grid["neg_lse_beta1"][i]),
                abs(float(mp_mchn_energy(rows, x, 1)) - grid["mchn_beta1"][i]),
                abs(float(mp_distance_energy(rows, x)) - grid["eq4"][i]),
            )
    parts_gap = float(
        np.max(np.abs(grid["neg_lse_beta1"] + grid["regularisers_beta1"] - grid["mchn_beta1"]))
    )

    shape = (GRID["num"], GRID["num"])
    coords2 = np.stack([x1, x2], axis=1)
    min_eq4 = _minima(P2, grid["eq4"], coords2, shape, "eq4")
    min_mchn = _minima(P2, grid["mchn_beta1"], coords2, shape, "mchn", 1.0)

    P1 = tensor(FIG1_PATTERNS_1D)  # (3, 1)
    xs = np.linspace(LINE["lo"], LINE["hi"], LINE["num"])
    q = tensor(xs[:, None])
    line = {"x": xs, "eq4": distance_energy(P1, q).numpy()}
    for b in BETAS_1D:
        line[f"mchn_beta{b:g}"] = mchn_energy(P1, q, b).numpy()
    minima_1d = {"eq4": _minima(P1, line["eq4"], xs[:, None], None, "eq4")}
    for b in BETAS_1D:
        minima_1d[f"mchn_beta{b:g}"] = _minima(
            P1, line[f"mchn_beta{b:g}"], xs[:, None], None, "mchn", b
        )

    pat2 = np.array(FIG1_PATTERNS_2D)
    pat1 = np.array(FIG1_PATTERNS_1D)

    def near_count(points, pats):
        return sum(
            1 for p in pats if len(points) and np.min(np.linalg.norm(points - p, axis=1)) < NEAR
        )

    tables = {
        "grid": grid,
        "line": line,
        "patterns_2d": {"x1": pat2[:, 0], "x2": pat2[:, 1]},
        "patterns_1d": {"x": pat1[:, 0]},
        "minima_2d_eq4": {"x1": min_eq4[:, 0], "x2": min_eq4[:, 1]},
        "minima_2d_mchn_beta1": {"x1": min_mchn[:, 0], "x2": min_mchn[:, 1]},
    }
    for key, pts_ in minima_1d.items():
        tables[f"minima_1d_{key}"] = {"x": pts_[:, 0]}
    summary = {
        "grid_shape": list(shape),
        "d": d,
        "mpmath_max_abs_deviation": dev,
        "parts_sum_max_abs_gap": parts_gap,
        "minima_2d": {
            "eq4": {
                "points": min_eq4.tolist(),
                "distance_to_nearest_pattern": _nearest_pattern_distance(min_eq4, pat2),
                "patterns_with_minimum_nearby": near_count(min_eq4, pat2),
            },
            "mchn_beta1": {
                "points": min_mchn.tolist(),
                "distance_to_nearest_pattern": _nearest_pattern_distance(min_mchn, pat2),
                "patterns_with_minimum_nearby": near_count(min_mchn, pat2),
            },
        },
        "minima_1d": {
            k: {
                "points": v[:, 0].tolist(),
                "distance_to_nearest_pattern": _nearest_pattern_distance(v, pat1),
                "patterns_with_minimum_nearby": near_count(v, pat1),
            }
            for k, v in minima_1d.items()
        },
    }
    return {"tables": tables, "summary": summary}


def caption(data: dict) -> str:
    s = data["summary"]
    m2, m1 = s["minima_2d"], s["minima_1d"]

    def pts(points):
        return ", ".join(fmt_point(p) for p in points) or "none"

    def worst(dists):
        return f"{max(dists):.2g}" if dists else "n/a"

    lines = [
        f"2-D (patterns {pts(FIG1_PATTERNS_2D)}): Eq. (4) [panel d] has "
        f"{len(m2['eq4']['points'])} local minima, at {pts(m2['eq4']['points'])}; "
        f"{m2['eq4']['patterns_with_minimum_nearby']}/{s['d']} patterns have one within {NEAR} "
        f"(largest minimum–pattern distance {worst(m2['eq4']['distance_to_nearest_pattern'])}). "
        f"E^MCHN_β=1 [panel c] has {len(m2['mchn_beta1']['points'])}, at "
        f"{pts(m2['mchn_beta1']['points'])}; "
        f"{m2['mchn_beta1']['patterns_with_minimum_nearby']}/{s['d']} patterns have one "
        f"within {NEAR}.",
        "1-D (patterns −2, 0, 1): minima of Eq. (4) at "
        + pts(m1["eq4"]["points"])
        + "; of E^MCHN_β=1 at "
        + pts(m1["mchn_beta1"]["points"])
        + "; of E^MCHN_β=2 at "
        + pts(m1["mchn_beta2"]["points"])
        + ".",
        f"Checks: (a) + (b) − (c) ≤ {s['parts_sum_max_abs_gap']:.1e} on the grid; torch "
        f"values match mpmath (30 digits) to {s['mpmath_max_abs_deviation']:.1e} at "
        f"{CHECK_POINTS} grid points.",
    ]
    return " ".join(lines)


def draw(data: dict):
    from derivations.figures.style import (
        CMAP,
        PATTERN_MARKER,
        colorbar,
        label_panel,
        new_figure,
        nice_levels,
    )

    t, s = data["tables"], data["summary"]
    g = t["grid"]
    shape = tuple(s["grid_shape"])
    axis = g["x1"].reshape(shape)[0]
    f = formulas()
    fig = new_figure(11.0, 6.6)
    gs = fig.add_gridspec(2, 3, width_ratios=[1, 1, 1.15])
    panels = [
        ("a", gs[0, 0], "neg_lse_beta1", r"$" + f["neg_lse"] + r"$,  $\beta=1$", None),
        ("b", gs[0, 1], "regularisers_beta1", r"$" + f["regularisers"] + r"$,  $\beta=1$", None),
        ("c", gs[1, 0], "mchn_beta1", r"$E^{\mathrm{MCHN}}_{\beta=1}(x)$", "minima_2d_mchn_beta1"),
        ("d", gs[1, 1], "eq4", r"Eq. (4): $E(x) = " + f["eq4"] + r"$", "minima_2d_eq4"),
    ]
    for letter, cell, key, title, minima in panels:
        ax = fig.add_subplot(cell)
        z = g[key].reshape(shape)
        levels = nice_levels(z)
        cs = ax.contourf(axis, axis, z, levels=levels, cmap=CMAP, extend="max")
        ax.contour(axis, axis, z, levels=levels[::2], colors="white", linewidths=0.4, alpha=0.6)
        colorbar(fig, cs, ax)
        ax.scatter(
            t["patterns_2d"]["x1"],
            t["patterns_2d"]["x2"],
            label=r"patterns $\rho^i$",
            **PATTERN_MARKER,
        )
        if minima is not None and len(t[minima]["x1"]):
            ax.scatter(
                t[minima]["x1"],
                t[minima]["x2"],
                marker="o",
                s=110,
                facecolors="none",
                edgecolors="white",
                linewidths=1.4,
                zorder=6,
                label="local minima",
            )
        ax.set_aspect("equal")
        ax.set_xlabel(r"$x_1$")
        ax.set_ylabel(r"$x_2$")
        ax.grid(False)
        label_panel(ax, letter, title, fontsize=8.5)
        if letter == "c":
            ax.legend(loc="lower right", fontsize=7, framealpha=0.7)

    ax = fig.add_subplot(gs[:, 2])
    line = t["line"]
    curves = [
        ("mchn_beta1", r"$E^{\mathrm{MCHN}}_{\beta=1}$", "-"),
        ("mchn_beta2", r"$E^{\mathrm{MCHN}}_{\beta=2}$", "--"),
        ("eq4", r"Eq. (4) $E(x)$", "-"),
    ]
    for key, label, ls in curves:
        (h,) = ax.plot(line["x"], line[key], ls, label=label)
        mins = t[f"minima_1d_{key}"]["x"]
        if len(mins):
            yv = np.interp(mins, line["x"], line[key])
            ax.plot(mins, yv, "o", color=h.get_color(), ms=5, mfc="none")
    for k, p in enumerate(t["patterns_1d"]["x"]):
        ax.axvline(
            p, color="#D55E00", ls=":", lw=1.0, label=r"patterns $\rho^i$" if k == 0 else None
        )
    ax.set_xlabel(r"$x$")
    ax.set_ylabel("energy")
    ax.legend(loc="upper center", fontsize=8)
    label_panel(ax, "e", "1-D patterns −2, 0, 1 (circles: minima)")
    return fig


FIGURE = Figure(
    name=NAME,
    title="Figure 1 recomputed: MCHN energy and the layer energy Eq. (4)",
    claims=("fig1", "eq4"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "The paper's Figure 1 recomputed from the energies' definitions: (a) −LSE(β, Mᵀx), "
        "(b) the MCHN regularisers, (c) E^MCHN_β=1 = (a) + (b), (d) Eq. (4) for three 2-D "
        "patterns; (e) E^MCHN at β = 1, 2 and Eq. (4) for 1-D patterns −2, 0, 1."
    ),
)
