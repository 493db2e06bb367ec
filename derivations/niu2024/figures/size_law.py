"""Proposition 5: N against D under each reading, beside Table 3 and its fitted slope.

Readings (exponents d log N / d log D computed, not typed in):

* paper chain: Z_t ≈ d/√(πn) = 1, N ∝ n, D ∝ d (:func:`theory.sizes.prop5_paper_chain`);
* width at fixed depth: N = A l d_emb², n = T_max d_emb (:func:`prop5_width_at_fixed_depth`);
* exact Z: solve the exact d · I(n, r*) = 1 (squared distance, plain distance, or d V_n(r*) = 1)
  and take the local exponent k(n) = d log n / d log d (:func:`prop5_exact_partition`), which
  is d log N / d log D under N ∝ n, D ∝ d.

Table 3 (transcribed in :data:`theory.sizes.TABLE3`): the printed (N, D*) points, the full
D grids with their MSE cells, the D* that App. G's rule "MSE < σ² = 0.04" picks (strict and
non-strict), and the least-squares slope of log N on log D* with its standard error and its
range when each D* moves by one grid step (:func:`slope_range_under_shifts`).

Panel (a): N against D on log–log axes, with lines of each reading's slope through the
centroid of the printed points (exact-Z lines at n = 1024, App. F.1's n). Panel (b): each
reading's exponent against n, with the Table 3 fit ± 2 standard errors.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from derivations.figures.spec import Figure
from theory.sizes import (
    F1_N,
    TABLE3,
    TABLE3_PRINTED_RATIOS,
    TABLE3_SIGMA2,
    prop5_exact_partition,
    prop5_paper_chain,
    prop5_width_at_fixed_depth,
    ratios_N_over_D2,
    slope_range_under_shifts,
    table3_d_stars,
    table3_fit,
)

NAME = "size_law"
DPS = 30
N_GRID = {"lo_exp": 0, "hi_exp": 6, "per_decade": 8}
EXACT = ("sq", "plain", "paper_bound")
EXACT_LABELS = {
    "sq": "exact Z, squared distance",
    "plain": "exact Z, plain distance",
    "paper_bound": "exact Z = d V_n(r*)",
}
N_LINES = int(F1_N)  # n at which the exact-Z exponents are drawn in panel (a)
D_RANGE = (1.4e8, 3.8e8)

CONSTANTS = {
    "n_grid_logspaced": N_GRID,
    "exact_readings": EXACT,
    "mpmath_dps": DPS,
    "n_for_exact_lines": N_LINES,
    "sigma2": f"{float(TABLE3_SIGMA2):g}",
    "D_range_panel_a": D_RANGE,
    "relation": "N ∝ n, D ∝ d for the exact-Z readings",
}


def _f(x) -> float:
    return float(x)


def compute(seed: int = 0) -> dict:
    N = np.array([_f(r.N) for r in TABLE3])
    Dp = np.array([_f(r.D_star_printed) for r in TABLE3])
    grid = {"N": [], "D": [], "mse": [], "passes_strict": [], "passes_nonstrict": []}
    for r in TABLE3:
        for D, m in zip(r.D_grid, r.mse):
            grid["N"].append(_f(r.N))
            grid["D"].append(_f(D))
            grid["mse"].append(_f(m))
            grid["passes_strict"].append(int(bool(m < TABLE3_SIGMA2)))
            grid["passes_nonstrict"].append(int(bool(m <= TABLE3_SIGMA2)))
    grid = {k: np.array(v) for k, v in grid.items()}
    strict = table3_d_stars(TABLE3_SIGMA2, strict=True)
    nonstrict = table3_d_stars(TABLE3_SIGMA2, strict=False)

    with mpmath.workdps(DPS):
        fit = table3_fit()
        shifts = slope_range_under_shifts()
        fit_ns = None
        if all(v is not None for v in nonstrict):
            fit_ns = table3_fit(nonstrict)
        ratios = ratios_N_over_D2([r.N for r in TABLE3], [r.D_star_printed for r in TABLE3])
        chain = prop5_paper_chain().exponent
        width = prop5_width_at_fixed_depth().exponent
        k = (N_GRID["hi_exp"] - N_GRID["lo_exp"]) * N_GRID["per_decade"] + 1
        ns = np.union1d(np.logspace(N_GRID["lo_exp"], N_GRID["hi_exp"], k), [float(N_LINES)])
        expo = {"n": ns}
        for dist in EXACT:
            rows = prop5_exact_partition([mpmath.mpf(float(v)) for v in ns], dist)
            expo[f"k_{dist}"] = np.array([_f(r.exponent) for r in rows])
    expo["paper_chain"] = np.full(len(ns), _f(chain))
    expo["width"] = np.full(len(ns), _f(width))

    slope, se = _f(fit.slope), _f(fit.stderr)
    lo2, hi2 = slope - 2 * se, slope + 2 * se
    # lines through the centroid of the printed points, in log space
    u0, w0 = float(np.mean(np.log(Dp))), float(np.mean(np.log(N)))
    Ds = np.logspace(math.log10(D_RANGE[0]), math.log10(D_RANGE[1]), 41)
    i_n = int(np.argmin(np.abs(ns - N_LINES)))
    line_slopes = {
        "fit": slope,
        "fit_minus_se": slope - se,
        "fit_plus_se": slope + se,
        "paper_chain": _f(chain),
        "width": _f(width),
        **{f"exact_{d}_n{N_LINES}": float(expo[f"k_{d}"][i_n]) for d in EXACT},
    }
    lines = {"D": Ds}
    for name, b in line_slopes.items():
        lines[f"N_{name}"] = np.exp(w0 + b * (np.log(Ds) - u0))

    def in_band(v):
        m = (v >= lo2) & (v <= hi2)
        return {
            "points": int(m.sum()),
            "n_lo": float(ns[m].min()) if m.any() else None,
            "n_hi": float(ns[m].max()) if m.any() else None,
        }

    summary = {
        "table3": {
            "N": N.tolist(),
            "D_star_printed": Dp.tolist(),
            "D_star_rule_strict": [None if v is None else _f(v) for v in strict],
            "D_star_rule_nonstrict": [None if v is None else _f(v) for v in nonstrict],
            "ratios_N_over_D2_computed": [_f(v) for v in ratios],
            "ratios_N_over_D2_printed": [_f(v) for v in TABLE3_PRINTED_RATIOS],
        },
        "fit": {
            "slope": slope,
            "stderr": se,
            "intercept": _f(fit.intercept),
            "points": fit.m,
            "two_se_band": [lo2, hi2],
            "shift_range": [_f(shifts["min"]), _f(shifts["max"])],
            "shift_count": shifts["count"],
            "nonstrict_rule_slope": None if fit_ns is None else _f(fit_ns.slope),
            "nonstrict_rule_stderr": None if fit_ns is None else _f(fit_ns.stderr),
        },
        "exponents": {
            "paper_chain": _f(chain),
            "width": _f(width),
            **{f"exact_{d}_at_n{N_LINES}": float(expo[f"k_{d}"][i_n]) for d in EXACT},
            **{f"exact_{d}_at_n_max": float(expo[f"k_{d}"][-1]) for d in EXACT},
        },
        "within_two_se": {
            "paper_chain": bool(lo2 <= _f(chain) <= hi2),
            "width": bool(lo2 <= _f(width) <= hi2),
            **{f"exact_{d}": in_band(expo[f"k_{d}"]) for d in EXACT},
        },
        "n_grid": {"points": int(len(ns)), "n_min": float(ns[0]), "n_max": float(ns[-1])},
        "line_slopes": line_slopes,
    }
    tables = {
        "table3_points": {
            "N": N,
            "D_star_printed": Dp,
            "width": np.array([r.width for r in TABLE3], dtype=np.int64),
        },
        "table3_grid": grid,
        "lines": lines,
        "exponents": expo,
    }
    return {"tables": tables, "summary": summary}


def _fmt_D(v) -> str:
    return "none" if v is None else f"{v / 1e6:.2f}M"


def caption(data: dict) -> str:
    s = data["summary"]
    t3, f, e, w = s["table3"], s["fit"], s["exponents"], s["within_two_se"]

    def band_text(d):
        b = w[f"exact_{d}"]
        if not b["points"]:
            return f"{EXACT_LABELS[d]}: at no n of the grid"
        return f"{EXACT_LABELS[d]}: for n ≈ {b['n_lo']:.3g} … {b['n_hi']:.3g}"

    ns_fit = (
        ""
        if f["nonstrict_rule_slope"] is None
        else f" (slope {f['nonstrict_rule_slope']:.3f} ± {f['nonstrict_rule_stderr']:.3f} with "
        "the non-strict D*)"
    )
    return (
        f"Table 3: log–log least squares of N on the printed D* ({f['points']} points) gives "
        f"slope {f['slope']:.3f} ± {f['stderr']:.3f} (1 s.e., {f['points'] - 2} degree(s) of "
        f"freedom; 2-s.e. band "
        f"[{f['two_se_band'][0]:.3f}, {f['two_se_band'][1]:.3f}]); moving each D* by one grid "
        f"step gives slopes {f['shift_range'][0]:.3f} … {f['shift_range'][1]:.3f} over "
        f"{f['shift_count']} choices. The rule MSE < σ² = {CONSTANTS['sigma2']} picks D* = "
        + ", ".join(map(_fmt_D, t3["D_star_rule_strict"]))
        + " (strict) and "
        + ", ".join(map(_fmt_D, t3["D_star_rule_nonstrict"]))
        + f" (MSE ≤ σ²){ns_fit}; printed D* = "
        + ", ".join(map(_fmt_D, t3["D_star_printed"]))
        + ". N/D*² = "
        + ", ".join(f"{v * 1e10:.3g}" for v in t3["ratios_N_over_D2_computed"])
        + " × 10⁻¹⁰ (printed "
        + ", ".join(f"{v * 1e10:.3g}" for v in t3["ratios_N_over_D2_printed"])
        + f"). Readings: paper chain exponent {e['paper_chain']:g} "
        f"({'inside' if w['paper_chain'] else 'outside'} the 2-s.e. band), width at fixed depth "
        f"{e['width']:g} ({'inside' if w['width'] else 'outside'}); exact-Z local exponents at "
        f"n = {N_LINES}: "
        + ", ".join(f"{e[f'exact_{d}_at_n{N_LINES}']:.3g} ({d})" for d in EXACT)
        + f", at n = {s['n_grid']['n_max']:.0e}: "
        + ", ".join(f"{e[f'exact_{d}_at_n_max']:.3g} ({d})" for d in EXACT)
        + ". Inside the 2-s.e. band: "
        + "; ".join(band_text(d) for d in EXACT)
        + "."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    t, s = data["tables"], data["summary"]
    pts, grid, lines, ex = t["table3_points"], t["table3_grid"], t["lines"], t["exponents"]
    f = s["fit"]
    fig = new_figure(12.5, 4.8)
    axes = fig.subplots(1, 2)

    ax = axes[0]
    D = lines["D"]
    ax.fill_between(
        D, lines["N_fit_minus_se"], lines["N_fit_plus_se"], color=COLORS[0], alpha=0.15, lw=0
    )
    ax.plot(
        D,
        lines["N_fit"],
        "-",
        color=COLORS[0],
        label=f"Table 3 fit: slope {f['slope']:.2f} ± {f['stderr']:.2f}",
    )
    ax.plot(
        D,
        lines["N_paper_chain"],
        "--",
        color="black",
        label=f"paper chain: slope {s['line_slopes']['paper_chain']:g}",
    )
    ax.plot(
        D,
        lines["N_width"],
        "-.",
        color=COLORS[1],
        label=f"width at fixed depth: slope {s['line_slopes']['width']:g}",
    )
    for k, d in enumerate(EXACT):
        b = s["line_slopes"][f"exact_{d}_n{N_LINES}"]
        ax.plot(
            D,
            lines[f"N_exact_{d}_n{N_LINES}"],
            ":",
            color=COLORS[2 + k],
            lw=1.5,
            label=f"{EXACT_LABELS[d]} (n = {N_LINES}): slope {b:.3g}",
        )
    ok = grid["passes_strict"] == 1
    ax.scatter(
        grid["D"][~ok],
        grid["N"][~ok],
        s=22,
        facecolors="none",
        edgecolors="grey",
        label="Table 3 grid cell, MSE ≥ σ²",
    )
    if ok.any():
        ax.scatter(grid["D"][ok], grid["N"][ok], s=22, color="grey", label="grid cell, MSE < σ²")
    for x, y, m in zip(grid["D"], grid["N"], grid["mse"]):
        ax.annotate(
            f"{m:.2f}",
            (x, y),
            xytext=(0, -10),
            textcoords="offset points",
            fontsize=6,
            ha="center",
            color="grey",
        )
    ax.scatter(
        pts["D_star_printed"],
        pts["N"],
        s=70,
        marker="*",
        color=COLORS[4],
        edgecolors="black",
        linewidths=0.5,
        zorder=5,
        label="printed (D*, N)",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*D_RANGE)
    ax.set_ylim(3.2e7, 1.0e8)
    ax.set_xlabel("D (tokens, log scale)")
    ax.set_ylabel("N (parameters, log scale)")
    ax.legend(fontsize=6.5, loc="upper left", framealpha=0.9)
    label_panel(
        ax,
        "a",
        "Table 3 and lines of each reading's slope through its centroid (MSE cells annotated)",
        fontsize=8.5,
    )

    ax = axes[1]
    lo2, hi2 = f["two_se_band"]
    ax.axhspan(
        lo2,
        hi2,
        color=COLORS[0],
        alpha=0.15,
        lw=0,
        label=f"Table 3 fit ± 2 s.e. [{lo2:.2f}, {hi2:.2f}]",
    )
    ax.axhspan(
        *f["shift_range"],
        color=COLORS[0],
        alpha=0.06,
        lw=0,
        label=f"fit under one-step D* shifts [{f['shift_range'][0]:.2f}, "
        f"{f['shift_range'][1]:.2f}]",
    )
    ax.plot(ex["n"], ex["paper_chain"], "--", color="black", label="paper chain")
    ax.plot(ex["n"], ex["width"], "-.", color=COLORS[1], label="width at fixed depth")
    for k, d in enumerate(EXACT):
        ax.plot(ex["n"], ex[f"k_{d}"], "-", color=COLORS[2 + k], label=EXACT_LABELS[d])
    ax.axvline(N_LINES, color="grey", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $n$ at which $Z_t = 1$ is solved (log scale)")
    ax.set_ylabel(r"$d\log N / d\log D$ (log scale)")
    ax.legend(fontsize=6.5, loc="lower left", framealpha=0.9)
    label_panel(ax, "b", "exponent of each reading against n (grey: n = 1024)", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Proposition 5: N against D under each reading, with Table 3 and its fitted slope",
    claims=("prop5", "table3"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "(a) Table 3's (D*, N) with the fitted log–log slope and lines of slope 2 (paper "
        "chain), 4 (width reading) and the exact-Z local exponents; (b) each reading's "
        "exponent against n beside the fitted slope ± 2 s.e."
    ),
)
