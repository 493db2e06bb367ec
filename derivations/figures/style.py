"""One plotting style for every figure; forces the headless Agg backend before pyplot loads.

``plt.show()`` is never called anywhere: figures are drawn on Agg and written by
:mod:`derivations.figures.io` (``show`` before ``savefig`` writes blank files headless).
"""

from __future__ import annotations

import contextlib

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = [
    "RC",
    "COLORS",
    "CMAP",
    "PATTERN_MARKER",
    "plt",
    "styled",
    "new_figure",
    "label_panel",
    "colorbar",
    "nice_levels",
]

#: Okabe–Ito colour-blind-safe palette, in the order lines are drawn.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: Colour map for every 2-D energy landscape (low energy dark).
CMAP = "viridis"

#: How stored patterns ρⁱ are marked in every figure.
PATTERN_MARKER = {
    "marker": "X",
    "s": 60,
    "c": "#D55E00",
    "edgecolors": "white",
    "linewidths": 0.8,
    "zorder": 5,
}

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.4,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
    "mathtext.fontset": "dejavusans",
    # Deterministic SVG: fixed hash salt for clip-path ids, text drawn as paths.
    "svg.hashsalt": "beyond-scaling",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextlib.contextmanager
def styled():
    """Context in which figures are drawn with :data:`RC` (restores the caller's rcParams)."""
    with plt.rc_context(RC):
        yield


def new_figure(width: float, height: float):
    """A new figure of ``width`` × ``height`` inches with constrained layout."""
    fig = plt.figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.08, h_pad=0.06)
    return fig


def nice_levels(z, quantile: float = 0.9, bins: int = 20):
    """Round contour levels from min(z) to the ``quantile`` of z (above it: ``extend="max"``).

    The corners of a plotting box would otherwise take most of the colour range.
    """
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=bins).tick_values(float(np.min(z)), float(np.quantile(z, quantile)))


def colorbar(fig, mappable, ax, label: str | None = None):
    """A colour bar with a tick on every fourth contour level (not one per level)."""
    return fig.colorbar(mappable, ax=ax, shrink=0.9, ticks=mappable.levels[::4], label=label)


def label_panel(ax, letter: str, text: str | None = None, fontsize: float | None = None) -> None:
    """Title the axes ``(letter) text``, left-aligned (one title line per panel)."""
    ax.set_title(f"({letter}) {text}" if text else f"({letter})", loc="left", fontsize=fontsize)
