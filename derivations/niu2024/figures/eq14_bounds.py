"""Eq. (14) per pattern: the exact ball mass at r* against the printed bounds, n = 1 … 10⁶.

At r* = √(n/(2πe)) Eq. (14) reads, per pattern (Z_t/d, the bounds do not depend on d),

    V_n(r*) e^{−r*} ≤ I(n, r*) ≤ V_n(r*).

The exact I(n, r*) is evaluated in log space with :mod:`theory.balls` (mpmath, 30 digits) for
both distances: the paper's squared distance I_sq = π^{n/2} γ(n/2, r*²)/Γ(n/2) and the plain
distance I_plain = 2π^{n/2} γ(n, r*)/Γ(n/2) (which is Eq. 12's printed form, the one Lemma 5
bounds). The margins log I − log(lower) and log(upper) − log I are ≥ 0 exactly where a side
holds; where the squared-distance lower side first fails is located by root finding in n.
Also drawn: V_n(r*) e^{−r*²}, the elementary lower bound that does hold for I_sq.
"""

from __future__ import annotations

import mpmath
import numpy as np

from derivations.figures.spec import Figure
from theory.balls import (
    mp_log_ball_integral_plain,
    mp_log_ball_integral_sq,
    mp_log_eq14_bounds,
    mp_r_star,
)

NAME = "eq14_bounds"
DPS = 30
N_GRID = {"lo_exp": 0, "hi_exp": 6, "per_decade": 10}
CONSTANTS = {
    "n_grid_logspaced": N_GRID,
    "mpmath_dps": DPS,
    "d": 1,
    "radius": "r* = sqrt(n / (2 pi e))",
}


def dimensions() -> np.ndarray:
    k = (N_GRID["hi_exp"] - N_GRID["lo_exp"]) * N_GRID["per_decade"] + 1
    return np.logspace(N_GRID["lo_exp"], N_GRID["hi_exp"], k)


def _row(n) -> dict:
    rs = mp_r_star(n)
    lo, hi = mp_log_eq14_bounds(n, 1, rs)
    a = mp_log_ball_integral_sq(n, rs)
    b = mp_log_ball_integral_plain(n, rs)
    return {
        "r_star": rs,
        "log_upper": hi,
        "log_lower": lo,
        "log_sq_lower_elementary": hi - rs * rs,
        "log_I_sq": a,
        "log_I_plain": b,
    }


def _lower_gap_sq(n):
    r = _row(n)
    return r["log_I_sq"] - r["log_lower"]


def compute(seed: int = 0) -> dict:
    ns = dimensions()
    cols: dict[str, list] = {}
    with mpmath.workdps(DPS):
        for n in ns:
            for k, v in _row(mpmath.mpf(float(n))).items():
                cols.setdefault(k, []).append(float(v))
        t = {"n": ns, **{k: np.array(v) for k, v in cols.items()}}
        for dist in ("sq", "plain"):
            t[f"margin_lower_{dist}"] = t[f"log_I_{dist}"] - t["log_lower"]
            t[f"margin_upper_{dist}"] = t["log_upper"] - t[f"log_I_{dist}"]
        # where the squared-distance lower side changes sign (first sign change on the grid)
        m = t["margin_lower_sq"]
        flips = np.nonzero(np.sign(m[1:]) != np.sign(m[:-1]))[0]
        crossings = [
            float(
                mpmath.findroot(
                    _lower_gap_sq, (mpmath.mpf(ns[i]), mpmath.mpf(ns[i + 1])), solver="anderson"
                )
            )
            for i in flips
        ]
    per = {}
    for dist in ("sq", "plain"):
        lo, hi = t[f"margin_lower_{dist}"], t[f"margin_upper_{dist}"]
        fails = ns[lo < 0]
        per[dist] = {
            "lower_holds": int((lo >= 0).sum()),
            "upper_holds": int((hi >= 0).sum()),
            "both_hold": int(((lo >= 0) & (hi >= 0)).sum()),
            "min_lower_margin": float(lo.min()),
            "min_upper_margin": float(hi.min()),
            "smallest_n_lower_fails": float(fails.min()) if len(fails) else None,
            "at_max_n": {
                "n": float(ns[-1]),
                "log_I": float(t[f"log_I_{dist}"][-1]),
                "log_lower": float(t["log_lower"][-1]),
                "log_upper": float(t["log_upper"][-1]),
            },
        }
    summary = {
        "points": int(len(ns)),
        "n_min": float(ns[0]),
        "n_max": float(ns[-1]),
        "per_distance": per,
        "sq_lower_crossings_n": crossings,
        "r_star_at_max_n": float(t["r_star"][-1]),
        "sq_elementary_lower_holds": int((t["log_I_sq"] >= t["log_sq_lower_elementary"]).sum()),
    }
    return {"tables": {"bounds": t}, "summary": summary}


def _side_text(p: dict, pts: int) -> str:
    return (
        f"lower side holds at {p['lower_holds']}/{pts} n (smallest margin "
        f"{p['min_lower_margin']:+.3g} nats), upper side at {p['upper_holds']}/{pts} "
        f"(smallest margin {p['min_upper_margin']:+.3g})"
    )


def caption(data: dict) -> str:
    s = data["summary"]
    pts = s["points"]
    sq, pl = s["per_distance"]["sq"], s["per_distance"]["plain"]
    cross = ", ".join(f"{c:.4g}" for c in s["sq_lower_crossings_n"]) or "none on the grid"
    big = sq["at_max_n"]
    return (
        f"Eq. (14) per pattern at r* = √(n/(2πe)), n = {s['n_min']:g} … {s['n_max']:.0e} "
        f"({pts} log-spaced n; mpmath, {DPS} digits). Plain distance ∫ e^(−‖y‖) (Eq. 12's "
        f"printed form, the quantity Lemma 5 bounds): {_side_text(pl, pts)}. Squared distance "
        f"∫ e^(−‖y‖²) (the paper's distance): {_side_text(sq, pts)}; the lower side "
        f"V_n(r*)e^(−r*) changes sign at n = {cross}, and at n = {big['n']:.0e} "
        f"log I_sq = {big['log_I']:.6g} against log V_n(r*)e^(−r*) = {big['log_lower']:.6g}. "
        f"The elementary bound V_n(r*)e^(−r*²) ≤ I_sq (dotted) holds at "
        f"{s['sq_elementary_lower_holds']}/{pts} n."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    t, s = data["tables"]["bounds"], data["summary"]
    n = t["n"]
    fig = new_figure(12.0, 4.4)
    axes = fig.subplots(1, 2)

    ax = axes[0]
    ax.fill_between(
        n,
        -t["log_upper"],
        -t["log_lower"],
        color=COLORS[4],
        alpha=0.25,
        lw=0,
        label=r"printed Eq. (14) band $[V_n(r^*)e^{-r^*},\ V_n(r^*)]$",
    )
    ax.plot(n, -t["log_upper"], "--", color=COLORS[4], lw=1.0)
    ax.plot(n, -t["log_lower"], "--", color=COLORS[4], lw=1.0)
    ax.plot(n, -t["log_I_plain"], "-", color=COLORS[1], label=r"exact $\int e^{-\Vert y\Vert}$")
    ax.plot(n, -t["log_I_sq"], "-", color=COLORS[0], label=r"exact $\int e^{-\Vert y\Vert^2}$")
    ax.plot(
        n,
        -t["log_sq_lower_elementary"],
        ":",
        color=COLORS[0],
        lw=1.2,
        label=r"$V_n(r^*)e^{-r^{*2}}$ (bound for $\int e^{-\Vert y\Vert^2}$)",
    )
    for c in s["sq_lower_crossings_n"]:
        ax.axvline(c, color="grey", ls=":", lw=0.9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $n$ (log scale)")
    ax.set_ylabel(r"$-\log$ (mass of one ball of radius $r^*$)  [nats, log scale]")
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    label_panel(
        ax,
        "a",
        r"per-pattern mass $Z_t/d$ at $r^*=\sqrt{n/2\pi e}$ "
        "(higher = smaller mass)",
        fontsize=8.5,
    )

    ax = axes[1]
    sty = {
        "sq": (COLORS[0], r"$\int e^{-\Vert y\Vert^2}$"),
        "plain": (COLORS[1], r"$\int e^{-\Vert y\Vert}$"),
    }
    for dist, (c, lab) in sty.items():
        p = s["per_distance"][dist]
        ax.plot(
            n,
            t[f"margin_lower_{dist}"],
            "-",
            color=c,
            label=f"{lab}: log I − log lower ({p['lower_holds']}/{s['points']} ≥ 0)",
        )
        ax.plot(
            n,
            t[f"margin_upper_{dist}"],
            "--",
            color=c,
            label=f"{lab}: log upper − log I ({p['upper_holds']}/{s['points']} ≥ 0)",
        )
    ax.axhline(0.0, color="black", lw=0.8)
    for c in s["sq_lower_crossings_n"]:
        ax.axvline(c, color="grey", ls=":", lw=0.9)
        ax.annotate(
            f"n = {c:.3g}",
            (c, 0.0),
            xytext=(4, 6),
            textcoords="offset points",
            fontsize=7,
            color="grey",
        )
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_xlabel(r"dimension $n$ (log scale)")
    ax.set_ylabel("margin in nats (symlog; < 0: the side fails)")
    ax.legend(fontsize=7, loc="lower left", framealpha=0.85)
    label_panel(ax, "b", "margins to the printed lower and upper sides", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Eq. (14): exact per-pattern mass at r* against the printed bounds, n = 1 … 10⁶",
    claims=("eq14", "rstar"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "(a) −log of the exact ball mass at r* (squared and plain distance) inside the printed "
        "band [V_n(r*)e^(−r*), V_n(r*)]; (b) the margins to each side (negative = fails)."
    ),
)
