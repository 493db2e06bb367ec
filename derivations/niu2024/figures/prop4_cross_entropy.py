"""Proposition 4: the actual cross-entropy against Z_t, beside log Z_t + 1/Z_t and the line 1.

Instance (n = 1, one layer, l = 1 so c = 0 and log l = 0): d stored patterns ρⁱ = i·(2r + GAP)
on the line, balls B_i = [ρⁱ − r, ρⁱ + r] (disjoint, Assumption 3), Ω = ∪ B_i, test
distribution uniform on all d patterns (Eq. 11, d′ = d). Z_t = ∫_Ω exp(−g) = d √π erf(r) is
swept over several orders of magnitude by choosing d and r (the quadrature value is checked
against this closed form).

The cross-entropy L = log ∫_Ω e^{−E} + (1/d) Σ E(ρⁱ) is computed by quadrature
(:func:`theory.balls.mp_cross_entropy`, mpmath tanh-sinh on each ball) for three readings of
the layer energy (PAPER.md, Sec. 4):

* nearest: E = g (Eq. 5's energy), so L = log Z_t;
* printed: E_1 = exp(−g)/Z_t as printed, the reading under which E_1(ρ) = 1/Z_t (the step (a)
  of the printed proof);
* distance: E = Eq. (4) over the d patterns.

Beside them: the paper's f(Z) = log Z + 1/Z (its minimum 1 at Z = 1 is the claimed floor)
and the line 1.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from derivations.figures.spec import Figure
from theory.densities import distance_energy, global_energy, mp_cross_entropy, nearest_energy

NAME = "prop4_cross_entropy"
DPS = 15
GAP = 2.0  # distance between neighbouring balls
FILL = 0.9  # d = ceil(Z / (FILL √π)): each ball holds at most FILL of its full mass √π
Z_SWEEP = {"lo_exp": -3, "hi_exp": 1.25, "num": 22, "extra": (1.0, math.e)}
READINGS = ("nearest", "printed", "distance")
LABELS = {
    "nearest": "actual L, E = g (nearest)",
    "printed": "actual L, E₁ = e^(−g)/Z_t (printed)",
    "distance": "actual L, E = Eq. (4)",
}

CONSTANTS = {
    "n": 1,
    "layers": 1,
    "gap_between_balls": GAP,
    "fill": FILL,
    "Z_targets_logspaced": Z_SWEEP,
    "mpmath_dps": DPS,
    "readings": READINGS,
    "patterns": "rho_i = i * (2 r + gap), i = 0..d-1",
    "test_set": "all d patterns",
}


def targets() -> np.ndarray:
    z = np.logspace(Z_SWEEP["lo_exp"], Z_SWEEP["hi_exp"], Z_SWEEP["num"])
    return np.union1d(z, np.array(Z_SWEEP["extra"]))


def instance(Z: float) -> tuple[int, mpmath.mpf, list]:
    """(d, r, patterns) with d √π erf(r) = Z."""
    sq = mpmath.sqrt(mpmath.pi)
    d = max(1, math.ceil(Z / (FILL * float(sq))))
    r = mpmath.erfinv(mpmath.mpf(Z) / (d * sq))
    step = 2 * r + GAP
    return d, r, [[i * step] for i in range(d)]


def f_paper(Z):
    """log Z + 1/Z (Proposition 4's approximation of L)."""
    Z = np.asarray(Z, dtype=float)
    return np.log(Z) + 1.0 / Z


def compute(seed: int = 0) -> dict:
    zs = targets()
    cols: dict[str, list] = {
        k: []
        for k in (
            "Z_target",
            "d",
            "r",
            "Z_t",
            "Z_closed",
            *(f"L_{r}" for r in READINGS),
            "mean_E_printed",
            "log_Z_printed",
        )
    }
    quad_calls = 0
    with mpmath.workdps(DPS):
        for Z in zs:
            d, r, pats = instance(float(Z))
            near = mp_cross_entropy(pats, r, nearest_energy(pats))
            Zt = near.Z
            pr = mp_cross_entropy(pats, r, global_energy([pats], "printed", Z=[Zt]))
            di = mp_cross_entropy(pats, r, distance_energy(pats))
            quad_calls += 3 * d
            cols["Z_target"].append(float(Z))
            cols["d"].append(d)
            cols["r"].append(float(r))
            cols["Z_t"].append(float(Zt))
            cols["Z_closed"].append(float(d * mpmath.sqrt(mpmath.pi) * mpmath.erf(r)))
            cols["L_nearest"].append(float(near.L))
            cols["L_printed"].append(float(pr.L))
            cols["L_distance"].append(float(di.L))
            cols["mean_E_printed"].append(float(pr.mean_energy))
            cols["log_Z_printed"].append(float(pr.log_Z))
    sweep = {k: np.array(v, dtype=np.int64 if k == "d" else float) for k, v in cols.items()}
    sweep["f_paper"] = f_paper(sweep["Z_t"])
    zd = np.logspace(Z_SWEEP["lo_exp"] - 0.1, Z_SWEEP["hi_exp"] + 0.1, 301)
    analytic = {"Z": zd, "f_paper": f_paper(zd), "one": np.ones_like(zd)}

    per = {}
    for rd in READINGS:
        L = sweep[f"L_{rd}"]
        gap = L - sweep["f_paper"]
        i = int(np.argmin(L))
        per[rd] = {
            "min_L": float(L[i]),
            "Z_at_min": float(sweep["Z_t"][i]),
            "below_one": int((L < 1.0).sum()),
            "below_zero": int((L < 0.0).sum()),
            "L_minus_f_min": float(gap.min()),
            "L_minus_f_max": float(gap.max()),
            "L_minus_logZ_max_abs": float(np.abs(L - np.log(sweep["Z_t"])).max()),
        }
    summary = {
        "points": int(len(zs)),
        "Z_min": float(sweep["Z_t"].min()),
        "Z_max": float(sweep["Z_t"].max()),
        "d_max": int(sweep["d"].max()),
        "quadrature_ball_integrals": quad_calls,
        "Z_quadrature_vs_closed_max_rel": float(np.abs(sweep["Z_t"] / sweep["Z_closed"] - 1).max()),
        "f_min_on_sweep": float(sweep["f_paper"].min()),
        "f_below_one": int((sweep["f_paper"] < 1.0 - 1e-12).sum()),
        "readings": per,
    }
    return {"tables": {"sweep": sweep, "analytic": analytic}, "summary": summary}


def caption(data: dict) -> str:
    s = data["summary"]
    pts = s["points"]

    def rd_text(rd):
        p = s["readings"][rd]
        return (
            f"{rd}: L < 1 at {p['below_one']}/{pts} (L < 0 at {p['below_zero']}), smallest "
            f"L = {p['min_L']:.3g} at Z_t = {p['Z_at_min']:.3g}, L − (log Z_t + 1/Z_t) from "
            f"{p['L_minus_f_min']:.3g} to {p['L_minus_f_max']:.3g}, |L − log Z_t| ≤ "
            f"{p['L_minus_logZ_max_abs']:.2g}"
        )

    return (
        f"Proposition 4 on a 1-D instance with one layer: {pts} values of Z_t from "
        f"{s['Z_min']:.2g} to {s['Z_max']:.3g} (d ≤ {s['d_max']} patterns, balls of radius r, "
        f"gap {GAP:g}; {s['quadrature_ball_integrals']} ball quadratures, Z_t within "
        f"{s['Z_quadrature_vs_closed_max_rel']:.1e} of d√π erf(r)). The paper's "
        f"log Z_t + 1/Z_t has its minimum {s['f_min_on_sweep']:.4g} on the sweep. The actual "
        f"cross-entropy of the uniform test set on the stored patterns: "
        + "; ".join(rd_text(rd) for rd in READINGS)
        + "."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    sw, an, s = data["tables"]["sweep"], data["tables"]["analytic"], data["summary"]
    fig = new_figure(12.0, 4.4)
    axes = fig.subplots(1, 2)
    marks = {"nearest": ("o", COLORS[0]), "printed": ("s", COLORS[1]), "distance": ("^", COLORS[2])}
    for k, ax in enumerate(axes):
        ax.plot(
            an["Z"], an["f_paper"], "-", color="black", lw=1.3, label=r"paper: $\log Z_t + 1/Z_t$"
        )
        ax.plot(an["Z"], an["one"], "--", color="grey", lw=1.0, label="claimed floor 1")
        for rd in READINGS:
            m, c = marks[rd]
            p = s["readings"][rd]
            ax.plot(
                sw["Z_t"],
                sw[f"L_{rd}"],
                m,
                color=c,
                ms=5,
                mfc="none" if k else c,
                label=f"{LABELS[rd]} ({p['below_one']}/{s['points']} below 1)",
            )
        ax.set_xscale("log")
        ax.set_xlabel(r"$Z_t = \int_\Omega e^{-g}$  (log scale)")
    ax = axes[0]
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylabel("cross-entropy L (nats, symlog)")
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    label_panel(ax, "a", f"full sweep, Z_t = {s['Z_min']:.2g} … {s['Z_max']:.3g}", fontsize=8.5)
    ax = axes[1]
    ax.set_xlim(0.1, 12.0)
    ax.set_ylim(-2.5, 3.5)
    ax.set_ylabel("cross-entropy L (nats)")
    label_panel(ax, "b", "zoom near Z_t = 1 (linear L)", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Proposition 4: actual cross-entropy against Z_t, beside log Z_t + 1/Z_t and 1",
    claims=("prop4",),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "Cross-entropy of the uniform test distribution on the stored patterns under "
        "p = e^(−E)/∫_Ω e^(−E), by quadrature, for three readings of E, against "
        "Z_t = ∫_Ω e^(−g); (a) the whole sweep (symlog), (b) a zoom near Z_t = 1."
    ),
)
