"""Z_t = 1: how many patterns d each reading needs at dimension n (radius r*).

Z_t = d · (mass of one ball of radius r* = √(n/(2πe))) is linear in d, so Z_t = 1 gives
log d = −log(mass). :func:`theory.balls.solve_d_for_unit_partition` under five rules:

* ``sq``: exact squared-distance ball integral (the paper's distance, Eq. 12–13);
* ``plain``: exact plain-distance integral (= Eq. 12's printed closed form);
* ``paper_bound``: d V_n(r*) = 1 (Eq. 14's upper side, exact V_n);
* ``paper_bound_lower``: d V_n(r*) e^{−r*} = 1 (Eq. 14's lower side);
* ``paper_stirling``: d/√(πn) = 1 (the paper's chain, giving n = πd², hence N ∝ D²).

Panel (a): log d against n on log–log axes; panel (b): log d_rule − log d_Stirling, how many
nats more the rule needs than the paper's chain; panel (c): the local growth exponent
d log(log d) / d log n (1 for log d ∝ n, ½ for log d ∝ √n, → 0 for log d ∝ log n).
"""

from __future__ import annotations

import mpmath
import numpy as np

from derivations.figures.spec import Figure
from theory.balls import solve_d_for_unit_partition
from theory.sizes import F1_N

NAME = "unit_partition"
DPS = 30
N_GRID = {"lo_exp": 0, "hi_exp": 6, "per_decade": 10}
RULES = ("sq", "plain", "paper_bound", "paper_bound_lower", "paper_stirling")
LABELS = {
    "sq": "exact, squared distance",
    "plain": "exact, plain distance (= Eq. 12 printed)",
    "paper_bound": "Eq. (14) upper: d V_n(r*) = 1",
    "paper_bound_lower": "Eq. (14) lower: d V_n(r*) e^(−r*) = 1",
    "paper_stirling": "paper's chain: d/√(πn) = 1",
}
REPORT_NS = (int(F1_N), 10**6)  # n = 1024 (App. F.1's n) and the end of the grid

CONSTANTS = {
    "n_grid_logspaced": N_GRID,
    "rules": RULES,
    "mpmath_dps": DPS,
    "radius": "r* = sqrt(n / (2 pi e))",
    "reported_n": REPORT_NS,
}


def dimensions() -> np.ndarray:
    k = (N_GRID["hi_exp"] - N_GRID["lo_exp"]) * N_GRID["per_decade"] + 1
    ns = np.logspace(N_GRID["lo_exp"], N_GRID["hi_exp"], k)
    return np.union1d(ns, np.array(REPORT_NS, dtype=float))


def _local_power(n: float, rule: str) -> float:
    """d log d / d log n at n (mpmath.diff in log n): the power of n that d grows like there."""
    with mpmath.workdps(DPS):

        def log_d(u):
            return solve_d_for_unit_partition(mpmath.exp(u), distance=rule).log_d

        return float(mpmath.diff(log_d, mpmath.log(n)))


def compute(seed: int = 0) -> dict:
    ns = dimensions()
    t: dict[str, np.ndarray] = {"n": ns}
    with mpmath.workdps(DPS):
        for rule in RULES:
            t[f"log_d_{rule}"] = np.array(
                [
                    float(solve_d_for_unit_partition(mpmath.mpf(float(n)), distance=rule).log_d)
                    for n in ns
                ]
            )
    for rule in RULES:
        t[f"excess_{rule}"] = t[f"log_d_{rule}"] - t["log_d_paper_stirling"]
        # local exponent d log(log d)/d log n, central differences on the log grid
        t[f"growth_{rule}"] = np.gradient(np.log(t[f"log_d_{rule}"]), np.log(ns))
    at = {}
    for nv in REPORT_NS:
        i = int(np.argmin(np.abs(ns - nv)))
        at[str(nv)] = {
            rule: {
                "log_d": float(t[f"log_d_{rule}"][i]),
                "log10_d": float(t[f"log_d_{rule}"][i] / np.log(10)),
            }
            for rule in RULES
        }
    last = ns >= 10 ** (N_GRID["hi_exp"] - 1)  # last decade
    growth = {
        rule: float(np.polyfit(np.log(ns[last]), np.log(t[f"log_d_{rule}"][last]), 1)[0])
        for rule in RULES
    }
    order_at_max = sorted(RULES, key=lambda r: -t[f"log_d_{r}"][-1])
    summary = {
        "points": int(len(ns)),
        "n_min": float(ns[0]),
        "n_max": float(ns[-1]),
        "at": at,
        "growth_exponent_last_decade": growth,
        "order_at_max_n": order_at_max,
        "min_excess_over_stirling": {r: float(t[f"excess_{r}"].min()) for r in RULES},
        "dlogd_dlogn_at_max_n": {r: _local_power(ns[-1], r) for r in RULES},
    }
    return {"tables": {"unit_partition": t}, "summary": summary}


def caption(data: dict) -> str:
    s = data["summary"]
    a, b = (s["at"][str(n)] for n in REPORT_NS)
    g = s["growth_exponent_last_decade"]

    def d_text(row):
        return ", ".join(f"{r} 10^{row[r]['log10_d']:.4g}" for r in RULES)

    return (
        f"Number of patterns d with Z_t = 1 at r* = √(n/(2πe)), n = {s['n_min']:g} … "
        f"{s['n_max']:.0e} (mpmath, {DPS} digits). At n = {REPORT_NS[0]}: d = {d_text(a)}. "
        f"At n = {REPORT_NS[1]:.0e}: d = {d_text(b)}. Over the last decade log d grows like "
        f"n^k with k = "
        + ", ".join(f"{g[r]:.3f} ({r})" for r in RULES)
        + " (k = 1: log d ∝ n; k = ½: log d ∝ √n; k → 0: log d ∝ log n). Local power "
        f"d log d/d log n at n = {s['n_max']:.0e}: "
        + ", ".join(f"{p:.4g} ({r})" for r, p in s["dlogd_dlogn_at_max_n"].items())
        + " (the paper's chain needs d ∝ n^(1/2) for n = πd²)."
    )


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    t = data["tables"]["unit_partition"]
    n = t["n"]
    styles = {
        "sq": (COLORS[0], "-"),
        "plain": (COLORS[1], "-"),
        "paper_bound": (COLORS[2], "--"),
        "paper_bound_lower": (COLORS[3], "--"),
        "paper_stirling": ("black", ":"),
    }
    fig = new_figure(13.0, 4.3)
    axes = fig.subplots(1, 3)

    ax = axes[0]
    for rule in RULES:
        c, ls = styles[rule]
        ax.plot(n, t[f"log_d_{rule}"], ls, color=c, label=LABELS[rule])
    ax.axvline(REPORT_NS[0], color="grey", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $n$ (log scale)")
    ax.set_ylabel(r"$\log d$ with $Z_t=1$  [nats, log scale]")
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    label_panel(ax, "a", r"patterns needed for $Z_t = 1$ (grey: n = 1024)", fontsize=8.5)

    ax = axes[1]
    for rule in RULES[:-1]:
        c, ls = styles[rule]
        ax.plot(n, t[f"excess_{rule}"], ls, color=c, label=LABELS[rule])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $n$ (log scale)")
    ax.set_ylabel(r"$\log d - \log\sqrt{\pi n}$  [nats, log scale]")
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    label_panel(ax, "b", "excess over the paper's chain d = √(πn)", fontsize=8.5)

    ax = axes[2]
    for rule in RULES:
        c, ls = styles[rule]
        ax.plot(n, t[f"growth_{rule}"], ls, color=c, label=LABELS[rule])
    for ref in (1.0, 0.5):
        ax.axhline(ref, color="grey", lw=0.7)
    ax.set_xscale("log")
    ax.set_xlabel(r"dimension $n$ (log scale)")
    ax.set_ylabel(r"$d\,\log(\log d)\,/\,d\,\log n$")
    ax.legend(fontsize=7, loc="center right", framealpha=0.85)
    label_panel(ax, "c", "growth exponent of log d in n (1: ∝ n, ½: ∝ √n)", fontsize=8.5)
    return fig


FIGURE = Figure(
    name=NAME,
    title="Z_t = 1: patterns needed at r* under each reading (exact sq, plain, Eq. 14, Stirling)",
    claims=("prop5/exact-z", "prop5/paper-chain", "rstar", "eq14"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "(a) log d solving Z_t = 1 against n; (b) its excess over the paper's d = √(πn); "
        "(c) the local exponent of log d in n."
    ),
)
