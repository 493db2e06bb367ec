"""Shared pieces of the figures: the paper's Figure 1 patterns, grids, minima, and formulas.

Notation as in :mod:`theory.energies`: patterns are the rows of a (d, n) array (the paper's
M is its transpose), queries ``x`` are (B, n); argument order ``(patterns, x)``.

Formulas shown on figures are printed by ``sympy.latex`` from the objects in
:mod:`theory.energies` (with SymbolicPatterns), with only the inner sums over the
coordinate k replaced by their norm / inner-product names, so a printed formula cannot
drift from the one the code evaluates.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp
import torch

from numerics.energies import cccp_step, mchn_update

__all__ = [
    "FIG1_PATTERNS_2D",
    "FIG1_PATTERNS_1D",
    "DTYPE",
    "tensor",
    "grid_2d",
    "local_minima_1d",
    "local_minima_2d",
    "descend",
    "dedupe",
    "formulas",
    "fmt_point",
]

#: Figure 1 (left) of the paper: 2-D stored patterns ρ¹, ρ², ρ³.
FIG1_PATTERNS_2D: tuple[tuple[float, float], ...] = ((-2.0, -0.5), (0.2, -0.3), (1.5, 1.5))
#: Figure 1 (right) of the paper: 1-D stored patterns.
FIG1_PATTERNS_1D: tuple[tuple[float], ...] = ((-2.0,), (0.0,), (1.0,))

DTYPE = torch.float64


def tensor(rows) -> torch.Tensor:
    """Float64 tensor from nested sequences (patterns (d, n) or queries (B, n))."""
    return torch.tensor(rows, dtype=DTYPE)


def grid_2d(lo: float, hi: float, num: int) -> tuple[np.ndarray, np.ndarray]:
    """Flattened ``num × num`` grid on [lo, hi]², row-major with x2 the slow index.

    Returns (x1, x2), each of length num²; ``v.reshape(num, num)[j, i]`` is the value at
    (x1 = axis[i], x2 = axis[j]) (what ``contourf(axis, axis, Z)`` expects).
    """
    axis = np.linspace(lo, hi, num)
    x1, x2 = np.meshgrid(axis, axis, indexing="xy")
    return x1.ravel(), x2.ravel()


def local_minima_1d(values: np.ndarray) -> np.ndarray:
    """Indices of interior grid points strictly below both neighbours."""
    v = np.asarray(values)
    inner = (v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])
    return np.nonzero(inner)[0] + 1


def local_minima_2d(grid: np.ndarray) -> list[tuple[int, int]]:
    """(row, col) of interior grid points strictly below all eight neighbours."""
    z = np.asarray(grid)
    core = z[1:-1, 1:-1]
    is_min = np.ones_like(core, dtype=bool)
    rows, cols = z.shape
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == 0 and dc == 0:
                continue
            is_min &= core < z[1 + dr : rows - 1 + dr, 1 + dc : cols - 1 + dc]
    return [(int(r) + 1, int(c) + 1) for r, c in zip(*np.nonzero(is_min))]


def descend(
    patterns: torch.Tensor, x: torch.Tensor, energy: str, steps: int = 2000, beta: float = 1.0
) -> torch.Tensor:
    """Run a descent update from ``x``: ``energy="eq4"`` uses the CCCP step of Eq. (4),
    ``energy="mchn"`` the MCHN update at ``beta``. Stops once no query moves by > 1e-15."""
    for _ in range(steps):
        nxt = cccp_step(patterns, x) if energy == "eq4" else mchn_update(patterns, x, beta)
        moved = (nxt - x).norm(dim=-1).max().item() if x.numel() else 0.0
        x = nxt
        if moved <= 1e-15:
            break
    return x


def dedupe(points: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Drop rows within ``tol`` of an earlier row; keeps order."""
    kept: list[np.ndarray] = []
    for p in np.atleast_2d(points):
        if all(np.linalg.norm(p - q) > tol for q in kept):
            kept.append(p)
    return np.array(kept).reshape(-1, np.atleast_2d(points).shape[1])


def fmt_point(p, digits: int = 2) -> str:
    """``(−2.00, −0.50)`` or ``−2.00`` for a 1-D point, with a true minus sign."""
    vals = [f"{float(v):.{digits}f}".replace("-", "\u2212") for v in np.atleast_1d(p)]
    return vals[0] if len(vals) == 1 else "(" + ", ".join(vals) + ")"


@cache
def formulas() -> dict[str, str]:
    """Display LaTeX (matplotlib mathtext-compatible) of the Section 4 objects.

    Keys: ``eq4`` (E, Eq. 4), ``g`` (Eq. 3), ``mchn`` (E^MCHN_β), ``neg_lse`` and
    ``regularisers`` (the two parts of E^MCHN_β: Figure 1 panels (a) and (b)).
    """
    from theory.energies import (
        SymbolicPatterns,
        distance_energy,
        mchn_energy,
        nearest_neighbour,
    )

    P = SymbolicPatterns()
    beta = sp.Symbol("beta", positive=True)
    names = {
        P.dist_i(): sp.Symbol(r"\Vert x-\rho^{i}\Vert^{2}"),
        sp.Sum(P.x[P.k] ** 2, (P.k, 1, P.n)): sp.Symbol(r"\Vert x\Vert^{2}"),
        sp.Sum(P.rho[P.i, P.k] ** 2, (P.k, 1, P.n)): sp.Symbol(r"\Vert\rho^{i}\Vert^{2}"),
        sp.Sum(P.rho[P.i, P.k] * P.x[P.k], (P.k, 1, P.n)): sp.Symbol(r"x^{T}\rho^{i}"),
    }
    mchn = mchn_energy(P, beta=beta)
    lse_terms = [t for t in sp.Add.make_args(mchn) if t.has(sp.exp)]
    if len(lse_terms) != 1:
        raise RuntimeError(f"expected one LSE term in E^MCHN; got {lse_terms}")
    neg_lse = lse_terms[0]
    regs = mchn - neg_lse
    out = {
        "eq4": distance_energy(P),
        "g": nearest_neighbour(P),
        "mchn": mchn,
        "neg_lse": neg_lse,
        "regularisers": regs,
    }
    return {k: sp.latex(v.xreplace(names)) for k, v in out.items()}
