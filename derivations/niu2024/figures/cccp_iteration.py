"""The CCCP / attention iteration of Eq. (4): x⁺ = M softmax(2Mᵀx − ‖ρ‖²).

For the Figure 1 patterns, from seeded random starts and two fixed ones (the origin and the
midpoint of ρ¹ and ρ³): the trajectories on the Eq. (4) landscape, the energy E(x_k) per
step, and the step length ‖x_k − x_{k−1}‖. Iterates come from
:func:`numerics.energies.cccp_iterate`; the first step from each start is re-evaluated with
:func:`theory.energies.mp_cccp_step` (mpmath) and the deviation recorded.
"""

from __future__ import annotations

import mpmath
import numpy as np
import torch

from derivations.figures.spec import Figure
from derivations.niu2024.figures.common import FIG1_PATTERNS_2D, fmt_point, grid_2d, tensor
from numerics.energies import cccp_iterate, cccp_step, distance_energy
from numerics.tolerances import rtol
from theory.energies import mp_cccp_step

NAME = "cccp_iteration"
STEPS = 30
RANDOM_STARTS = 8
BOX = (-3.0, 3.0)
FIXED_STARTS = ((0.0, 0.0), (-0.25, 0.5))  # origin; midpoint of ρ¹ and ρ³
GRID = {"lo": -3.0, "hi": 3.0, "num": 101}
NEAR = 0.05
TOL_FACTOR = 100.0  # an energy "increase" counts only beyond TOL_FACTOR · rtol · (1 + |E|)

CONSTANTS = {
    "patterns": FIG1_PATTERNS_2D,
    "steps": STEPS,
    "random_starts": RANDOM_STARTS,
    "random_start_box": BOX,
    "fixed_starts": FIXED_STARTS,
    "grid": GRID,
    "near_pattern_radius": NEAR,
    "increase_tolerance": f"{TOL_FACTOR} * rtol(float64) * (1 + |E|)",
    "dtype": "float64",
}


def starts(seed: int) -> torch.Tensor:
    """(B, 2) starting points: RANDOM_STARTS uniform in BOX² from ``seed``, then FIXED_STARTS."""
    gen = torch.Generator().manual_seed(int(seed))
    lo, hi = BOX
    rnd = lo + (hi - lo) * torch.rand(RANDOM_STARTS, 2, generator=gen, dtype=torch.float64)
    return torch.cat([rnd, tensor(FIXED_STARTS)])


def compute(seed: int = 0) -> dict:
    P = tensor(FIG1_PATTERNS_2D)
    x0 = starts(seed)
    B = x0.shape[0]
    # The states: STEPS applications of cccp_step. cccp_iterate (which keeps only the
    # energies, and stops once no state moves at all) must agree on its prefix.
    xs = [x0]
    for _ in range(STEPS):
        xs.append(cccp_step(P, xs[-1]))
    path = torch.stack(xs)  # (STEPS+1, B, 2)
    energies = torch.stack([distance_energy(P, xk) for xk in xs])  # (STEPS+1, B)
    _, e_iter = cccp_iterate(P, x0, steps=STEPS)
    if not torch.equal(e_iter, energies[: len(e_iter)]):
        raise RuntimeError("cccp_iterate and repeated cccp_step disagree on the energies")
    E = energies.numpy()
    X = path.numpy()
    gap = E - E[-1]  # E(x_k) − E(x_K) ≥ 0 on a descent path
    incr = np.diff(E, axis=0)  # (STEPS, B), ≤ 0 when non-increasing
    tol = TOL_FACTOR * rtol(torch.float64) * (1.0 + np.abs(E[:-1]))
    residual = (cccp_step(P, path[-1]) - path[-1]).norm(dim=-1).numpy()

    dev = 0.0
    rows = [list(r) for r in FIG1_PATTERNS_2D]
    with mpmath.workdps(30):
        for b in range(B):
            ref = mp_cccp_step(rows, [float(v) for v in X[0, b]])
            dev = max(dev, max(abs(float(r) - float(v)) for r, v in zip(ref, X[1, b])))

    pats = np.array(FIG1_PATTERNS_2D)
    final = X[-1]
    dist = np.linalg.norm(final[:, None, :] - pats[None, :, :], axis=2)  # (B, d)
    nearest = dist.argmin(1)

    ks, bs = np.meshgrid(np.arange(STEPS + 1), np.arange(B), indexing="ij")
    traj = {
        "start": bs.ravel().astype(np.int64),
        "step": ks.ravel().astype(np.int64),
        "x1": X[:, :, 0].ravel(),
        "x2": X[:, :, 1].ravel(),
        "energy": E.ravel(),
        "energy_gap": gap.ravel(),
    }
    g1, g2 = grid_2d(GRID["lo"], GRID["hi"], GRID["num"])
    grid = {"x1": g1, "x2": g2, "eq4": distance_energy(P, tensor(np.stack([g1, g2], 1))).numpy()}
    summary = {
        "starts": B,
        "random_starts": RANDOM_STARTS,
        "steps": STEPS,
        "grid_shape": [GRID["num"], GRID["num"]],
        "largest_step_increase": float(incr.max()),
        "increases_beyond_tolerance": int((incr > tol).sum()),
        "non_increasing_trajectories": int(((incr <= tol).all(axis=0)).sum()),
        "final_fixed_point_residual_max": float(residual.max()),
        "mpmath_first_step_max_abs_deviation": dev,
        "per_start": [
            {
                "start": X[0, b].tolist(),
                "final": final[b].tolist(),
                "E0": float(E[0, b]),
                "E_final": float(E[-1, b]),
                "nearest_pattern": int(nearest[b]) + 1,
                "distance_to_nearest_pattern": float(dist[b, nearest[b]]),
                "residual": float(residual[b]),
            }
            for b in range(B)
        ],
    }
    return {
        "tables": {
            "trajectories": traj,
            "grid": grid,
            "patterns": {"x1": pats[:, 0], "x2": pats[:, 1]},
        },
        "summary": summary,
    }


def caption(data: dict) -> str:
    s = data["summary"]
    ends = {}
    for r in s["per_start"]:
        key = fmt_point(r["final"], 3)
        ends.setdefault(key, []).append(r)
    end_text = "; ".join(
        f"{len(v)} end{'s' if len(v) == 1 else ''} at {k} (ρ{v[0]['nearest_pattern']} at distance "
        f"{v[0]['distance_to_nearest_pattern']:.3g})"
        for k, v in ends.items()
    )
    mono = s["non_increasing_trajectories"]
    verdict = (
        "consistent with a descent method"
        if mono == s["starts"]
        else f"the energy rises on {s['starts'] - mono} trajectories"
    )
    return (
        f"CCCP iteration x⁺ = M softmax(2Mᵀx − ‖ρ‖²) from {s['starts']} starts "
        f"({s['random_starts']} seeded uniform in [−3, 3]², the origin, the midpoint of ρ¹ "
        f"and ρ³), {s['steps']} steps each. E(x_k) (Eq. 4) is non-increasing on {mono}/"
        f"{s['starts']} trajectories (largest single-step change "
        f"{s['largest_step_increase']:+.2e}): {verdict}. After {s['steps']} steps: {end_text}; "
        f"largest fixed-point residual ‖x⁺ − x‖ = {s['final_fixed_point_residual_max']:.1e}. "
        f"First steps match mpmath (30 digits) to "
        f"{s['mpmath_first_step_max_abs_deviation']:.1e}."
    )


def draw(data: dict):
    from derivations.figures.style import (
        CMAP,
        PATTERN_MARKER,
        colorbar,
        label_panel,
        new_figure,
        nice_levels,
        plt,
    )

    t, s = data["tables"], data["summary"]
    shape = tuple(s["grid_shape"])
    axis = t["grid"]["x1"].reshape(shape)[0]
    tr = t["trajectories"]
    B, K = s["starts"], s["steps"] + 1
    x1 = tr["x1"].reshape(K, B)
    x2 = tr["x2"].reshape(K, B)
    E = tr["energy"].reshape(K, B)
    G = tr["energy_gap"].reshape(K, B)
    colors = [plt.get_cmap("tab10")(b % 10) for b in range(B)]
    fig = new_figure(12.5, 4.2)
    gs = fig.add_gridspec(1, 3, width_ratios=[1.15, 1, 1])

    ax = fig.add_subplot(gs[0])
    z = t["grid"]["eq4"].reshape(shape)
    levels = nice_levels(z)
    cs = ax.contourf(axis, axis, z, levels=levels, cmap=CMAP, extend="max")
    colorbar(fig, cs, ax, r"$E(x)$ (Eq. 4)")
    for b in range(B):
        ax.plot(x1[:, b], x2[:, b], "-", color=colors[b], lw=1.1, marker=".", ms=4)
        ax.plot(x1[0, b], x2[0, b], "s", color=colors[b], ms=5, mec="white", mew=0.6)
    ax.scatter(
        t["patterns"]["x1"], t["patterns"]["x2"], label=r"patterns $\rho^i$", **PATTERN_MARKER
    )
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.legend(loc="lower right", fontsize=7, framealpha=0.7)
    label_panel(ax, "a", "trajectories on Eq. (4) (squares: starts)", fontsize=8.5)

    kmax = min(K - 1, 10)
    ax = fig.add_subplot(gs[1])
    for b in range(B):
        ax.plot(
            np.arange(kmax + 1), E[: kmax + 1, b], "-", color=colors[b], lw=1.1, marker=".", ms=4
        )
    ax.set_xlabel(r"step $k$")
    ax.set_ylabel(r"$E(x_k)$ (Eq. 4)")
    label_panel(
        ax,
        "b",
        f"energy, steps 0–{kmax} ({s['non_increasing_trajectories']}/{B} "
        "trajectories non-increasing)",
        fontsize=8.5,
    )

    ax = fig.add_subplot(gs[2])
    for b in range(B):
        ok = G[:, b] > 0
        ax.semilogy(np.arange(K)[ok], G[ok, b], "-", color=colors[b], lw=1.1, marker=".", ms=4)
    ax.set_xlabel(r"step $k$")
    ax.set_ylabel(rf"$E(x_k) - E(x_{{{K - 1}}})$")
    label_panel(ax, "c", "gap to the final energy (log scale; zeros omitted)", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="CCCP / attention iteration of Eq. (4) on the Figure 1 patterns",
    claims=("ext/cccp-descent", "ext/cccp-step", "eq6"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "x⁺ = M softmax(2Mᵀx − ‖ρ‖²) (attention with keys = values = patterns, β = 2, bias "
        "−‖ρⁱ‖²): (a) trajectories on the Eq. (4) landscape, (b) E(x_k), (c) step lengths."
    ),
)
