"""Random patterns on the sphere (the probability model of Theorem 3 / A5–A7): i.i.d. uniform
points, their smallest pairwise angle α_min, and per-trial decisions that no rounding can flip.

Notation: N points on the sphere S^{d−1} of radius M in ℝ^d; cos_max = max_{i<j} cos∠(xᵢ, xⱼ),
so α_min = arccos(cos_max) and Δ_min = M²(1 − cos_max) (all norms equal, §1 of the spec).

The bulk work is float64 (numpy, seeded ``numpy.random.default_rng``). A computed cos_max
is within :func:`cos_error` (a bound on float64 rounding for d-dimensional dot products of
normalised vectors) of the exact cosine of the sampled float vectors; any trial whose
decision lies within that bound of its threshold is recomputed exactly in ball arithmetic
(python-flint) from the float coordinates, so every decision is certain.
"""

from __future__ import annotations

import flint
import numpy as np

__all__ = ["directions", "max_cos", "cos_error", "decide_above", "cos_ball", "exact_max_cos"]

_U = 2.0**-53


def directions(rng: np.random.Generator, trials: int, n: int, d: int) -> np.ndarray:
    """(trials, n, d) i.i.d. uniform unit vectors (normalised Gaussians)."""
    g = rng.standard_normal((trials, n, d))
    return g / np.linalg.norm(g, axis=-1, keepdims=True)


def max_cos(U: np.ndarray) -> np.ndarray:
    """(trials,) the largest off-diagonal cosine of each trial's n ≥ 2 unit vectors."""
    G = U @ np.swapaxes(U, -1, -2)
    n = U.shape[-2]
    G[..., np.arange(n), np.arange(n)] = -np.inf
    return G.reshape(G.shape[0], -1).max(-1)


def cos_error(d: int) -> float:
    """A bound on |computed cos − exact cos| for float64 unit vectors in ℝ^d: the dot product
    of d terms (≤ (d + 1)u), the norms' deviation from 1 (≤ (d + 2)u each), doubled."""
    return 4.0 * (d + 4) * _U


def exact_max_cos(X: np.ndarray) -> flint.arb:
    """The largest pairwise cosine of the float vectors ``X`` (n, d), as a ball (exact
    inputs, 128-bit arithmetic)."""
    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        V = [[flint.arb(float(t)) for t in r] for r in X]
        norms = [sum((t * t for t in r), flint.arb(0)).sqrt() for r in V]
        best = None
        for i in range(len(V)):
            for j in range(i + 1, len(V)):
                c = sum((a * b for a, b in zip(V[i], V[j], strict=True)), flint.arb(0))
                c = c / (norms[i] * norms[j])
                best = c if best is None else best.max(c)
        return best
    finally:
        flint.ctx.prec = old


def decide_above(U: np.ndarray, cmax: np.ndarray, threshold: float, threshold_ball) -> dict:
    """Per trial: is cos_max > threshold?  Decided in float64 where the margin exceeds the
    rounding bound, otherwise exactly (``threshold_ball(prec)`` encloses the threshold).

    Returns {"above": bool array, "rechecked": count, "undecided": count}.
    """
    err = cos_error(U.shape[-1])
    above = cmax > threshold
    near = np.nonzero(np.abs(cmax - threshold) <= 2 * err)[0]
    undecided = 0
    for t in near:
        ball = exact_max_cos(U[t]) - threshold_ball(128)
        if ball > 0:
            above[t] = True
        elif ball <= 0:
            above[t] = False
        else:
            undecided += 1
            above[t] = True  # counted as a failure of the claim: the cautious side
    return {"above": above, "rechecked": int(len(near)), "undecided": undecided}


def cos_ball(c: float, d: int) -> flint.arb:
    """The ball of exact cosines a computed float cosine ``c`` can stand for."""
    return flint.arb(float(c), cos_error(d))
