"""Propositions 1–3 of Sec. 4: the quantities against their printed and corrected bands.

Quantities (float64 torch, :mod:`numerics.energies`), with Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖²:

* Prop. 1: E(x) against [g(x) − log d, g(x)] (printed; no correction needed to draw).
* Prop. 2: r₂(x) = E(x) − (2E^MCHN_{β=2}(x) − log d) against the printed band [−Δ, Δ] and
  the sharper band [−Δ, 0].
* Prop. 3: r₃(x) = g(x) − 2E^MCHN_{β=2}(x) against the printed band [−Δ, Δ + log d] and the
  corrected band [−Δ − log d, 0].

Where the points fall is computed, not assumed: the summary counts points outside each band
(beyond a float64 tolerance) and the caption is worded from those counts.

Two point sets: a path through the three Figure 1 patterns (extended past both ends) and
seeded random instances (d = 5 patterns in n = 3 dimensions; half with equal-norm patterns,
half with queries near a stored pattern).
"""

from __future__ import annotations

import json
import math

import numpy as np
import torch

from derivations.figures.spec import Figure
from derivations.niu2024.figures.common import FIG1_PATTERNS_2D, tensor
from numerics.energies import distance_energy, mchn_energy, nearest_neighbour
from numerics.tolerances import rtol

NAME = "prop123_bands"
PATH_POINTS = 401
PATH_EXTEND = 1.0
RANDOM = {
    "instances": 400,
    "d": 5,
    "n": 3,
    "scale_lo": 0.1,
    "scale_hi": 1.5,
    "near_noise": 0.05,
    "far_scale": 1.5,
}
TOL_FACTOR = 100.0  # outside a band means beyond TOL_FACTOR · rtol(float64) · (1 + scale)

CONSTANTS = {
    "path_patterns": FIG1_PATTERNS_2D,
    "path_points": PATH_POINTS,
    "path_extension": PATH_EXTEND,
    "random_instances": RANDOM,
    "tolerance": f"{TOL_FACTOR} * rtol(float64) * (1 + |x|^2 + max|rho|^2 + log d)",
    "dtype": "float64",
}

#: (prop, band name, lower, upper) as functions of (g, log d, Δ) — the bands drawn.
BANDS = {
    "prop1": {"printed": (lambda g, ld, dl: -ld, lambda g, ld, dl: 0.0 * dl)},
    "prop2": {
        "printed": (lambda g, ld, dl: -dl, lambda g, ld, dl: dl),
        "corrected": (lambda g, ld, dl: -dl, lambda g, ld, dl: 0.0 * dl),
    },
    "prop3": {
        "printed": (lambda g, ld, dl: -dl, lambda g, ld, dl: dl + ld),
        "corrected": (lambda g, ld, dl: -dl - ld, lambda g, ld, dl: 0.0 * dl),
    },
}
#: What each band bounds: prop1 is drawn as E − g (band [−log d, 0] ⇔ g − log d ≤ E ≤ g).
QUANTITY = {"prop1": "E_minus_g", "prop2": "r2", "prop3": "r3"}


def _quantities(patterns: torch.Tensor, x: torch.Tensor) -> dict[str, np.ndarray]:
    """g, E, E^MCHN_2, the Prop residuals, Δ, log d and the tolerance scale for queries x."""
    d = patterns.shape[0]
    g = nearest_neighbour(patterns, x)
    E = distance_energy(patterns, x)
    m2 = mchn_energy(patterns, x, 2.0)
    norms = (patterns * patterns).sum(-1)
    delta = float(norms.max() - norms.min())
    ld = math.log(d)
    scale = 1.0 + (x * x).sum(-1) + float(norms.max()) + ld
    out = {
        "g": g.numpy(),
        "E": E.numpy(),
        "mchn_beta2": m2.numpy(),
        "E_minus_g": (E - g).numpy(),
        "r2": (E - (2.0 * m2 - ld)).numpy(),
        "r3": (g - 2.0 * m2).numpy(),
        "delta": np.full(len(g), delta),
        "log_d": np.full(len(g), ld),
        "tol": (TOL_FACTOR * rtol(torch.float64) * scale).numpy(),
    }
    for prop, bands in BANDS.items():
        for band, (lo, hi) in bands.items():
            out[f"{prop}_{band}_lo"] = np.asarray(lo(out["g"], out["log_d"], out["delta"]))
            out[f"{prop}_{band}_hi"] = np.asarray(hi(out["g"], out["log_d"], out["delta"]))
    return out


def _path() -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Points on the polyline ρ¹ → ρ² → ρ³ extended by PATH_EXTEND at both ends.

    Returns (s, points (N, 2), s of each pattern); the patterns themselves are sampled.
    """
    P = np.array(FIG1_PATTERNS_2D)
    head = P[0] - PATH_EXTEND * (P[1] - P[0]) / np.linalg.norm(P[1] - P[0])
    tail = P[-1] + PATH_EXTEND * (P[-1] - P[-2]) / np.linalg.norm(P[-1] - P[-2])
    way = np.vstack([head, P, tail])
    cum = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(way, axis=0), axis=1))])
    s = np.union1d(np.linspace(0.0, cum[-1], PATH_POINTS), cum[1:-1])
    pts = np.stack([np.interp(s, cum, way[:, 0]), np.interp(s, cum, way[:, 1])], axis=1)
    return s, pts, [float(c) for c in cum[1:-1]]


def _random_instances(seed: int) -> dict[str, np.ndarray]:
    """Seeded instances; ``kind``: 0 generic, 1 query near a pattern, 2 equal norms + near,
    3 equal norms + generic query."""
    R, d, n = RANDOM["instances"], RANDOM["d"], RANDOM["n"]
    gen = torch.Generator().manual_seed(int(seed))
    scales = RANDOM["scale_lo"] + (RANDOM["scale_hi"] - RANDOM["scale_lo"]) * torch.rand(
        R, generator=gen, dtype=torch.float64
    )
    raw = torch.randn(R, d, n, generator=gen, dtype=torch.float64)
    noise = torch.randn(R, n, generator=gen, dtype=torch.float64)
    which = torch.randint(0, d, (R,), generator=gen)
    cols: dict[str, list] = {}
    for k in range(R):
        kind = k % 4
        s = float(scales[k])
        P = s * raw[k]
        if kind in (2, 3):
            P = s * math.sqrt(n) * P / P.norm(dim=1, keepdim=True)
        if kind in (1, 2):
            x = P[int(which[k])] + RANDOM["near_noise"] * s * noise[k]
        else:
            x = RANDOM["far_scale"] * s * noise[k]
        q = _quantities(P, x.unsqueeze(0))
        q["instance"] = np.array([k])
        q["kind"] = np.array([kind])
        # The instance itself (exact floats as JSON), so any row can be recomputed.
        q["patterns_json"] = [json.dumps(P.tolist())]
        q["x_json"] = [json.dumps(x.tolist())]
        for key, v in q.items():
            cols.setdefault(key, []).append(v[0])
    out = {k: np.array(v, dtype=object if k.endswith("_json") else None) for k, v in cols.items()}
    out["instance"] = out["instance"].astype(np.int64)
    out["kind"] = out["kind"].astype(np.int64)
    return out


def _count(table: dict, prop: str, band: str) -> dict:
    v = table[QUANTITY[prop]]
    lo, hi, tol = table[f"{prop}_{band}_lo"], table[f"{prop}_{band}_hi"], table["tol"]
    excess = np.maximum(lo - v, v - hi)  # > 0 outside
    outside = excess > tol
    worst = int(np.argmax(excess))
    return {
        "points": int(len(v)),
        "outside": int(outside.sum()),
        "below": int(((lo - v) > tol).sum()),
        "above": int(((v - hi) > tol).sum()),
        "largest_excess": float(excess[worst]),
        "largest_excess_index": worst,
    }


def compute(seed: int = 0) -> dict:
    P = tensor(FIG1_PATTERNS_2D)
    s, pts, s_patterns = _path()
    path = {"s": s, "x1": pts[:, 0], "x2": pts[:, 1], **_quantities(P, tensor(pts))}
    rand = _random_instances(seed)
    counts = {
        where: {prop: {band: _count(table, prop, band) for band in BANDS[prop]} for prop in BANDS}
        for where, table in (("path", path), ("random", rand))
    }
    # Where the worst violations are, for the caption.
    worst_path = {
        prop: {
            band: {
                "s": float(s[c["largest_excess_index"]]),
                "x": pts[c["largest_excess_index"]].tolist(),
            }
            for band, c in bands.items()
        }
        for prop, bands in counts["path"].items()
    }
    summary = {
        "path": {
            "points": len(s),
            "pattern_s": s_patterns,
            "delta": float(path["delta"][0]),
            "log_d": float(path["log_d"][0]),
            "d": int(P.shape[0]),
        },
        "random": {
            "instances": RANDOM["instances"],
            "d": RANDOM["d"],
            "n": RANDOM["n"],
            "seed": int(seed),
        },
        "counts": counts,
        "worst_on_path": worst_path,
    }
    return {"tables": {"path": path, "random": rand}, "summary": summary}


_BAND_TEXT = {
    ("prop1", "printed"): "g − log d ≤ E ≤ g",
    ("prop2", "printed"): "|r₂| ≤ Δ",
    ("prop2", "corrected"): "−Δ ≤ r₂ ≤ 0",
    ("prop3", "printed"): "−Δ ≤ r₃ ≤ Δ + log d",
    ("prop3", "corrected"): "−Δ − log d ≤ r₃ ≤ 0",
}


def caption(data: dict) -> str:
    s = data["summary"]
    c = s["counts"]
    parts = [
        f"Path through the three Figure 1 patterns ({s['path']['points']} points, "
        f"Δ = {s['path']['delta']:.3g}, log d = {s['path']['log_d']:.3g}) and "
        f"{s['random']['instances']} random instances (d = {s['random']['d']}, "
        f"n = {s['random']['n']}, seed {s['random']['seed']}); r₂ = E − (2E^MCHN_β=2 − log d), "
        "r₃ = g − 2E^MCHN_β=2, Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖²."
    ]
    for prop in BANDS:
        for band in BANDS[prop]:
            cp, cr = c["path"][prop][band], c["random"][prop][band]
            label = "printed" if band == "printed" else "corrected"
            text = (
                f"{prop.replace('prop', 'Prop. ')} {label} band {_BAND_TEXT[(prop, band)]}: "
                f"{cp['outside']}/{cp['points']} path points and "
                f"{cr['outside']}/{cr['points']} instances outside"
            )
            total = cp["outside"] + cr["outside"]
            if total:
                side = (
                    "below the lower"
                    if cp["below"] + cr["below"] >= cp["above"] + cr["above"]
                    else "above the upper"
                )
                text += (
                    f" (mostly {side} edge; largest excess "
                    f"{max(cp['largest_excess'], cr['largest_excess']):.3g}): "
                    "counterexamples to this band."
                )
            else:
                text += ": consistent with this band."
            parts.append(text)
    return " ".join(parts)


def draw(data: dict):
    from derivations.figures.style import COLORS, label_panel, new_figure

    path, rand = data["tables"]["path"], data["tables"]["random"]
    s = data["summary"]
    fig = new_figure(12.5, 7.0)
    axes = fig.subplots(2, 3)
    band_style = {
        "printed": {"color": COLORS[4], "alpha": 0.22, "ls": "--"},
        "corrected": {"color": COLORS[0], "alpha": 0.18, "ls": "-"},
    }
    ylabels = {
        "prop1": r"$E(x) - g(x)$",
        "prop2": r"$r_2 = E - (2E^{\mathrm{MCHN}}_2 - \log d)$",
        "prop3": r"$r_3 = g - 2E^{\mathrm{MCHN}}_2$",
    }
    titles = {
        "prop1": r"Prop. 1: $g - \log d \leq E \leq g$, i.e. $E - g \in [-\log d, 0]$",
        "prop2": r"Prop. 2: $|r_2| \leq \Delta$",
        "prop3": r"Prop. 3",
    }
    band_labels = {
        ("prop1", "printed"): r"printed $[-\log d,\ 0]$",
        ("prop2", "printed"): r"printed $[-\Delta,\ \Delta]$",
        ("prop2", "corrected"): r"sharper $[-\Delta,\ 0]$",
        ("prop3", "printed"): r"printed $[-\Delta,\ \Delta + \log d]$",
        ("prop3", "corrected"): r"corrected $[-\Delta - \log d,\ 0]$",
    }

    def bands(ax, xs, table, prop, order):
        for band in BANDS[prop]:
            st = band_style[band]
            lo, hi = table[f"{prop}_{band}_lo"][order], table[f"{prop}_{band}_hi"][order]
            c = s["counts"]["path" if table is path else "random"][prop][band]
            ax.fill_between(
                xs,
                lo,
                hi,
                color=st["color"],
                alpha=st["alpha"],
                lw=0,
                label=f"{band_labels[(prop, band)]}: {c['outside']} outside",
            )
            ax.plot(xs, lo, st["ls"], color=st["color"], lw=1.0)
            ax.plot(xs, hi, st["ls"], color=st["color"], lw=1.0)

    def outside_printed(table, prop):
        v = table[QUANTITY[prop]]
        ex = np.maximum(table[f"{prop}_printed_lo"] - v, v - table[f"{prop}_printed_hi"])
        return ex > table["tol"]

    for col, prop in enumerate(BANDS):
        ax = axes[0, col]
        order = np.arange(len(path["s"]))
        bands(ax, path["s"], path, prop, order)
        v = path[QUANTITY[prop]]
        ax.plot(path["s"], v, color="black", lw=1.3, label=ylabels[prop])
        bad = outside_printed(path, prop)
        if bad.any():
            ax.plot(
                path["s"][bad], v[bad], ".", color=COLORS[1], ms=3, label="outside printed band"
            )
        pattern_s = s["path"]["pattern_s"]
        for sp_ in pattern_s:
            ax.axvline(sp_, color="grey", ls=":", lw=0.9)
        top = ax.secondary_xaxis("top")
        top.set_xticks(pattern_s, [rf"$\rho^{k + 1}$" for k in range(len(pattern_s))])
        top.tick_params(length=0, pad=1)
        ax.set_xlabel(r"arc length $s$ along $\rho^1\to\rho^2\to\rho^3$ (extended)")
        ax.set_ylabel(ylabels[prop])
        ax.legend(
            loc="upper right" if prop != "prop1" else "lower right", fontsize=7, framealpha=0.85
        )
        label_panel(ax, "abc"[col], f"{titles[prop]}, along the path", fontsize=8.5)

        ax = axes[1, col]
        xkey = "g" if prop == "prop1" else "delta"
        order = np.argsort(rand[xkey], kind="stable")
        xs = rand[xkey][order]
        bands(ax, xs, rand, prop, order)
        v = rand[QUANTITY[prop]]
        bad = outside_printed(rand, prop)
        ax.scatter(
            rand[xkey][~bad], v[~bad], s=7, color="black", alpha=0.6, lw=0, label="instances"
        )
        if bad.any():
            ax.scatter(
                rand[xkey][bad],
                v[bad],
                s=9,
                color=COLORS[1],
                lw=0,
                label=f"outside printed band ({int(bad.sum())})",
            )
        # symlog: half of the instances have Δ = 0 (equal norms), many have g ≈ 0.
        ax.set_xscale("symlog", linthresh=0.1 if prop != "prop1" else 0.01)
        ax.set_xlabel(
            (
                r"$g(x)$"
                if prop == "prop1"
                else r"$\Delta = \max_i\Vert\rho^i\Vert^2 - \min_i\Vert\rho^i\Vert^2$"
            )
            + " (symlog scale)"
        )
        ax.set_ylabel(ylabels[prop])
        ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
        label_panel(
            ax,
            "def"[col],
            f"{titles[prop].split(':')[0]}, "
            f"{s['random']['instances']} random instances, d = {s['random']['d']}, "
            f"n = {s['random']['n']}",
            fontsize=8.5,
        )
    return fig


FIGURE = Figure(
    name=NAME,
    title="Propositions 1–3: the quantities against the printed and corrected bands",
    claims=("prop1", "prop2", "prop3"),
    compute=compute,
    draw=draw,
    caption=caption,
    constants=CONSTANTS,
    description=(
        "Top: along a path through the Figure 1 patterns; bottom: seeded random instances. "
        "Shaded: the printed band (dashed edges) and, where it differs, the corrected band "
        "(solid edges); points outside the printed band are marked."
    ),
)
