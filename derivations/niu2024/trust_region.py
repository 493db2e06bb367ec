"""Eq. (6)'s trust-region step, numerically: the one minimiser used by the claims and the
figure of Niu et al.'s layer iteration.

Notation: E_t the energy of layer t at the rows of X (readings 'printed' e^{−g_t}/Z_t,
'distance' Eq. (4), 'nearest' g_t), the trust region ‖y − a‖ ≤ rad (dist(y, a) ≤ δ with
rad = √δ, dist the squared distance).
"""

from __future__ import annotations

import numpy as np


def np_layer_energy(P, X, reading, Zt):
    """E_t at the rows of X (m, n) for patterns P (d, n); numpy float64, shape (m,)."""
    D = ((X[:, None, :] - P[None, :, :]) ** 2).sum(-1)  # (m, d)
    g = D.min(1)
    if reading == "nearest":
        return g
    if reading == "distance":
        return g - np.log(np.exp(-(D - g[:, None])).sum(1))
    return np.exp(-g) / Zt


def argmin_ball(f, a: np.ndarray, rad: float) -> np.ndarray:
    """Global minimiser of f over the ball ‖y − a‖ ≤ rad (n = 1, 2): dense grid, then five
    local refinements (each a finer grid around the best point, projected onto the ball)."""
    n = a.shape[0]
    if n == 1:
        pts = a + rad * np.linspace(-1, 1, 4001)[:, None]
        h = 2 * rad / 4000
    else:
        rr = rad * np.sqrt(np.linspace(0, 1, 61))
        th = np.linspace(0, 2 * np.pi, 180, endpoint=False)
        pts = np.concatenate(
            [
                a[None],
                (
                    a
                    + np.stack(
                        [np.outer(rr, np.cos(th)).ravel(), np.outer(rr, np.sin(th)).ravel()], 1
                    )
                ),
            ]
        )
        h = rad * 2 * np.pi / 180
    best = pts[np.argmin(f(pts))]
    for _ in range(5):
        k = np.linspace(-2 * h, 2 * h, 41)
        loc = best + (k[:, None] if n == 1 else np.stack(np.meshgrid(k, k), -1).reshape(-1, 2))
        off = loc - a
        nrm = np.linalg.norm(off, axis=1, keepdims=True)
        loc = a + off * np.minimum(1.0, rad / np.maximum(nrm, 1e-300))
        cand = np.concatenate([best[None], loc])
        best = cand[np.argmin(f(cand))]
        h /= 10
    return best


def descent_instances(count: int, seed: int):
    """A readable instance first (layer 1 = {0}, layer 2 = {10}, x⁰ = 0, n = 1), then random
    ones: n = 1, 2 alternating, l = 2, 3 layers of 1–3 Gaussian patterns (σ = 3)."""
    yield 1, [np.array([[0.0]]), np.array([[10.0]])], np.array([0.0])
    rng = np.random.default_rng(seed)
    for k in range(count - 1):
        n = 1 + k % 2
        l = int(rng.integers(2, 4))
        layers = [
            np.round(rng.normal(0, 3, size=(int(rng.integers(1, 4)), n)), 3) for _ in range(l)
        ]
        x0 = np.round(rng.normal(0, 3, size=n), 3)
        yield n, layers, x0
