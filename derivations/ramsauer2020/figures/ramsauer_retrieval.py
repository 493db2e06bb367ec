"""One-step retrieval error against the bounds of Theorems 4–5 as the separation Δᵢ grows.

Seeded patterns: N = 8 uniform points on the unit sphere of ℝ¹⁶, scaled by s (so Δᵢ grows
as s²), β = 1, i the best-separated pattern. For each s: the fixed point xᵢ* (f iterated
from xᵢ), a query ξ at distance 1/(4βM) from xᵢ (inside the condition of Eq. 9), one update
f(ξ), and
  * the error to the fixed point ‖f(ξ) − xᵢ*‖ with Theorem 4's bound (6)–(7):
    2βNM²(N − 1)e^{−β(Δᵢ − 2μM)}·‖ξ − xᵢ*‖, μ = max{‖ξ − xᵢ‖, ‖xᵢ* − xᵢ‖};
  * the error to the pattern ‖f(ξ) − xᵢ‖ with Theorem 5's bound (8), 2(N − 1)e^{−β(Δᵢ − 2μM)}M,
    and Eq. 9's 2e(N − 1)M e^{−βΔᵢ}.
Whether Eq. 142 (the hypothesis that places xᵢ* in Sᵢ) holds is recorded per s. Float64
(numpy); the Jacobian's mean value is not needed for these bounds.
"""

from __future__ import annotations

import math

import numpy as np

from derivations.figures.spec import Figure

NAME = "ramsauer_retrieval"
N, D, BETA = 8, 16, 1.0
SCALES = np.linspace(1.0, 6.0, 41)
CONSTANTS = {
    "N": N,
    "d": D,
    "beta": BETA,
    "scales": "41 values in [1, 6]",
    "query": "ξ = xᵢ + u/(4βM), u a seeded unit vector",
    "dtype": "float64",
}


def _update(P, x, beta):
    s = beta * (P @ x)
    w = np.exp(s - s.max())
    return (w / w.sum()) @ P


def compute(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((N, D))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    G = U @ U.T
    seps = [G[k, k] - np.max(np.delete(G[k], k)) for k in range(N)]
    i = int(np.argmax(seps))
    u = rng.standard_normal(D)
    u /= np.linalg.norm(u)
    cols = {
        k: []
        for k in (
            "scale",
            "delta",
            "eq142",
            "err_fixed",
            "bound_thm4",
            "err_pattern",
            "bound_thm5",
            "bound_eq9",
            "fixed_to_pattern",
        )
    }
    for s in SCALES:
        P = U * s
        M = s
        delta = s * s * seps[i]
        eq142 = delta >= 2 / (BETA * N) + math.log(2 * (N - 1) * N * BETA * M * M) / BETA
        star = P[i].copy()
        for _ in range(500):
            nxt = _update(P, star, BETA)
            if np.array_equal(nxt, star):
                break
            star = nxt
        xi = P[i] + u / (4 * BETA * M)
        f = _update(P, xi, BETA)
        mu = max(np.linalg.norm(xi - P[i]), np.linalg.norm(star - P[i]))
        eps = (N - 1) * math.exp(-BETA * (delta - 2 * mu * M))
        cols["scale"].append(s)
        cols["delta"].append(delta)
        cols["eq142"].append(int(eq142))
        cols["err_fixed"].append(np.linalg.norm(f - star))
        cols["bound_thm4"].append(2 * BETA * N * M * M * eps * np.linalg.norm(xi - star))
        cols["err_pattern"].append(np.linalg.norm(f - P[i]))
        cols["bound_thm5"].append(2 * eps * M)
        cols["bound_eq9"].append(2 * math.e * (N - 1) * M * math.exp(-BETA * delta))
        cols["fixed_to_pattern"].append(np.linalg.norm(star - P[i]))
    t = {k: np.array(v, dtype=float if k != "eq142" else np.int64) for k, v in cols.items()}
    ok = t["eq142"] == 1
    summary = {
        "i": i + 1,
        "delta_range": [float(t["delta"].min()), float(t["delta"].max())],
        "eq142_from_delta": float(t["delta"][ok].min()) if ok.any() else None,
        "points": len(SCALES),
        "thm4_violations": int((t["err_fixed"] > t["bound_thm4"]).sum()),
        "thm5_violations": int((t["err_pattern"] > t["bound_thm5"]).sum()),
        "eq9_violations_where_eq142": int(((t["err_pattern"] > t["bound_eq9"]) & ok).sum()),
        "error_to_pattern_floor": float(t["fixed_to_pattern"][-1]),
        "smallest_error_fixed": float(t["err_fixed"].min()),
    }
    return {"tables": {"retrieval": t}, "summary": summary}


def caption(data: dict) -> str:
    s = data["summary"]
    lo, hi = s["delta_range"]
    return (
        f"One update from a query at distance 1/(4βM) of pattern {s['i']} (N = {N}, d = {D}, β = "
        f"{BETA}), "
        f"Δᵢ from {lo:.2f} to {hi:.1f}; Eq. 142 holds from Δᵢ = {s['eq142_from_delta']:.2f}. "
        "The error to xᵢ* stays below Theorem 4's bound at "
        f"{s['points'] - s['thm4_violations']}/{s['points']} "
        "separations, the error to xᵢ below Theorem 5's (8) at "
        f"{s['points'] - s['thm5_violations']}/"
        f"{s['points']} and below Eq. 9 at every separation where Eq. 142 holds but "
        f"{s['eq9_violations_where_eq142']}. The error to the pattern cannot fall below ‖xᵢ* − xᵢ‖ "
        f"({s['error_to_pattern_floor']:.1e} at the largest Δᵢ), the error to xᵢ* does (to "
        f"{s['smallest_error_fixed']:.1e}): the two readings of 'retrieval error' differ."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    t = data["tables"]["retrieval"]
    fig = new_figure(11.5, 4.0)
    ax = fig.add_subplot(1, 2, 1)
    ax.semilogy(
        t["delta"], t["err_fixed"], "o-", ms=3, color=COLORS[0], label=r"$\|f(\xi)-x_i^*\|$"
    )
    ax.semilogy(t["delta"], t["bound_thm4"], "--", color=COLORS[0], label="Theorem 4 bound (6)–(7)")
    ax.semilogy(
        t["delta"], t["err_pattern"], "s-", ms=3, color=COLORS[1], label=r"$\|f(\xi)-x_i\|$"
    )
    ax.semilogy(t["delta"], t["bound_thm5"], "--", color=COLORS[1], label="Theorem 5 bound (8)")
    ax.semilogy(t["delta"], t["bound_eq9"], ":", color=COLORS[2], label="Eq. (9) bound")
    ok = t["eq142"] == 1
    if ok.any():
        ax.axvline(t["delta"][ok].min(), color="0.5", lw=0.8)
        ax.text(
            t["delta"][ok].min(), ax.get_ylim()[0] * 10, " Eq. 142 holds →", fontsize=7, color="0.3"
        )
    ax.set_xlabel(r"separation $\Delta_i$")
    ax.set_ylabel("error / bound")
    ax.legend(fontsize=7)
    label_panel(ax, "a", "one-step retrieval error and its bounds", fontsize=8.5)
    ax = fig.add_subplot(1, 2, 2)
    ax.semilogy(t["delta"], t["fixed_to_pattern"], "-", color=COLORS[3], label=r"$\|x_i^*-x_i\|$")
    ax.semilogy(
        t["delta"], t["err_fixed"], "o-", ms=3, color=COLORS[0], label=r"$\|f(\xi)-x_i^*\|$"
    )
    ax.semilogy(
        t["delta"], t["err_pattern"], "s-", ms=3, color=COLORS[1], label=r"$\|f(\xi)-x_i\|$"
    )
    ax.set_xlabel(r"separation $\Delta_i$")
    ax.legend(fontsize=7)
    label_panel(ax, "b", "error to xᵢ* vs error to xᵢ", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="One-step retrieval error against Theorems 4–5 as the separation grows",
    claims=("thm4", "thm5", "thm4/eq6", "thm5/eq9"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description="Errors of one update to the fixed point xᵢ* and to the pattern xᵢ, with the "
    "bounds of Theorems 4 and 5, against Δᵢ (patterns scaled on the sphere).",
)
