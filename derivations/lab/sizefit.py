"""App. G's D* rule on a grid, with censoring, and the size-law exponent with an interval.

Notation (the paper's): N parameters, D data size, σ² the MSE threshold, D* the data size the
rule picks for a model of size N; s = d log D* / d log N (Prop. 5's N ∝ D*² is s = 1/2, a
capacity law N ∝ D* is s = 1).

* :func:`d_star_interval`: D* of one run row by THE rule, :func:`theory.sizes.d_star`
  (smallest grid D whose error is < σ²), as the interval it is known to lie in: (D_prev, D*]
  inside the grid, (0, D_min] when already the smallest D passes (left-censored), and
  (D_max, ∞) when no D does (right-censored). Nothing is dropped.
* :func:`censored_fit`: log D* = c + s log N + ε, ε ~ N(0, τ²), fitted by maximum likelihood to
  the intervals of every seed and width (a Tobit model for interval-censored data; τ, at least
  the grid's resolution log step / √12, absorbs the scatter across seeds), with the 95 %
  profile-likelihood interval of s — the interval "across seeds and points".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from theory.sizes import d_star


def d_star_interval(errors: Sequence[float], grid: Sequence[float], sigma2: float) -> dict:
    """D* of one row (App. G's rule) and the interval (lo, hi] it lies in; ``censored`` is
    ``None``, ``"left"`` or ``"right"``. Also whether the row is monotone (errors never rise
    again above σ² after D*)."""
    g = sorted(float(x) for x in grid)
    pairs = sorted(zip((float(x) for x in grid), (float(e) for e in errors)))
    D = d_star([e for _, e in pairs], [x for x, _ in pairs], float(sigma2), strict=True)
    if D is None:
        return {"d_star": None, "lo": g[-1], "hi": math.inf, "censored": "right", "monotone": True}
    k = g.index(float(D))
    later = [e for x, e in pairs if x > D]
    mono = all(e < sigma2 for e in later)
    if k == 0:
        return {"d_star": D, "lo": 0.0, "hi": D, "censored": "left", "monotone": mono}
    return {"d_star": D, "lo": g[k - 1], "hi": D, "censored": None, "monotone": mono}


def _log_bounds(lo: np.ndarray, hi: np.ndarray):
    with np.errstate(divide="ignore"):
        return np.log(lo), np.log(hi)  # log 0 = −inf, log inf = inf


_FAR = 1e3  # a log-bound this far stands for ±∞ (finite, so no 0 · ∞ in the gradients)


CHI2_1_95 = 3.841458820694124  # 95 % quantile of χ² with one degree of freedom
SLOPES = np.round(np.arange(-0.5, 2.5001, 0.02), 2)  # the profile grid of s


def _log_interval_prob(za, zb):
    """log(Φ(zb) − Φ(za)) for za < zb, computed on the side away from the tail."""
    import torch

    la, lb = torch.special.log_ndtr(za), torch.special.log_ndtr(zb)
    lna, lnb = torch.special.log_ndtr(-za), torch.special.log_ndtr(-zb)
    upper = lb + torch.log1p(-torch.exp(la - lb).clamp(max=1 - 1e-16))
    lower = lna + torch.log1p(-torch.exp(lnb - lna).clamp(max=1 - 1e-16))
    return torch.where(za > 0, lower, upper)


def _interval_nll(ua, ub, alp, gam):
    """−Σ log P(D* ∈ (lo, hi]) per slope; z = γ u − α (u = log bound − s (log N − mean))."""
    return -_log_interval_prob(
        gam[:, None] * ua - alp[:, None], gam[:, None] * ub - alp[:, None]
    ).sum(1)


def _grad_hess(ua, ub, alp, gam):
    """Gradient (K, 2) and Hessian (K, 2, 2) of the nll in (α, γ)."""
    import torch

    za, zb = gam[:, None] * ua - alp[:, None], gam[:, None] * ub - alp[:, None]
    logd = _log_interval_prob(za, zb)
    c = 0.5 * math.log(2 * math.pi)
    ra = torch.exp(-0.5 * za**2 - c - logd)  # φ(za) / D
    rb = torch.exp(-0.5 * zb**2 - c - logd)
    one = -torch.ones_like(za)
    # ∂z/∂(α, γ) = (−1, u); ℓ = log D; ∂ℓ = rb ∂zb − ra ∂za;
    # ∂²ℓ = −zb rb ∂zb∂zbᵀ + za ra ∂za∂zaᵀ − ∂ℓ∂ℓᵀ
    dza, dzb = torch.stack([one, ua], -1), torch.stack([one, ub], -1)  # (K, n, 2)
    gl = rb[..., None] * dzb - ra[..., None] * dza  # (K, n, 2)
    Hl = (
        -(zb * rb)[..., None, None] * dzb[..., :, None] * dzb[..., None, :]
        + (za * ra)[..., None, None] * dza[..., :, None] * dza[..., None, :]
        - gl[..., :, None] * gl[..., None, :]
    )
    return -gl.sum(1), -Hl.sum(1)  # of the nll


def censored_fit(
    N: Sequence[float],
    lo: Sequence[float],
    hi: Sequence[float],
    tau_min: float,
    slopes: np.ndarray = SLOPES,
) -> dict:
    """Maximum likelihood of log D* = c + s log N + N(0, τ²) given D* ∈ (lo, hi] per
    observation (interval-censored Gaussian; τ ≥ ``tau_min``), profiled over ``slopes``: for
    each s the best (c, τ). Returns the slope s maximising the likelihood, its intercept and τ,
    and the 95 % profile-likelihood interval {s : 2 (nll(s) − nll(ŝ)) ≤ χ²₁(0.95)} (``ci``;
    ``None`` when it reaches the end of the grid: not bounded by the data). ``slope`` is
    ``None`` when fewer than two distinct N carry information. An interval (0, ∞) (a row that
    says nothing) adds nothing to the likelihood and is left out."""
    import torch

    x = np.log(np.asarray(N, float))
    a, b = _log_bounds(np.asarray(lo, float), np.asarray(hi, float))
    told = np.isfinite(a) | np.isfinite(b)  # (0, ∞) has probability 1 under every fit: no data
    x, a, b = x[told], a[told], b[told]
    if len(np.unique(x)) < 2 or not np.isfinite(np.concatenate([a, b])).any():
        return {"slope": None, "intercept": None, "tau": None, "nll": None, "ci": None}
    xm = x.mean()
    fin = np.isfinite(a) & np.isfinite(b)
    mids = np.where(fin, (a + b) / 2, np.where(np.isfinite(a), a, b))
    S = np.asarray(slopes, float)[:, None]  # (K, 1)
    ua = torch.tensor(np.clip(a, -_FAR, _FAR)[None, :] - S * (x - xm)[None, :])  # (K, n)
    ub = torch.tensor(np.clip(b, -_FAR, _FAR)[None, :] - S * (x - xm)[None, :])
    resid = mids[None, :] - S * (x - xm)[None, :]
    gam = torch.tensor(1 / np.maximum(resid.std(1), tau_min))  # γ = 1/τ ≤ 1/τ_min
    alp = torch.tensor(resid.mean(1)) * gam  # α = c/τ
    nll = _interval_nll(ua, ub, alp, gam)
    for _ in range(60):  # damped Newton in (α, γ), where the log-likelihood is concave
        g, H = _grad_hess(ua, ub, alp, gam)
        step = torch.linalg.solve(H - 1e-9 * torch.eye(2, dtype=H.dtype), g.unsqueeze(-1))[..., 0]
        t = torch.ones_like(alp)
        best_a, best_g, best = alp, gam, nll
        for _ in range(12):  # halve the step where the nll did not fall
            na = alp - t * step[:, 0]
            ng = (gam - t * step[:, 1]).clamp(1e-6, 1 / tau_min)
            new = _interval_nll(ua, ub, na, ng)
            better = new < best
            best_a = torch.where(better, na, best_a)
            best_g = torch.where(better, ng, best_g)
            best = torch.where(better, new, best)
            t = t / 2
            if bool((best < nll).all()):
                break
        gain = float((nll - best).max())
        alp, gam, nll = best_a, best_g, best
        if gain < 1e-9:
            break
    nll = nll.numpy()
    k = int(np.argmin(nll))
    inside = np.flatnonzero(2 * (nll - nll[k]) <= CHI2_1_95)
    bounded = inside.min() > 0 and inside.max() < len(slopes) - 1
    h = float(slopes[1] - slopes[0])
    tau = 1 / float(gam[k])
    c, s = float(alp[k]) * tau, float(slopes[k])
    return {
        "slope": s,
        "intercept": c - s * xm,
        "tau": tau,
        "nll": float(nll[k]),
        # widened by one grid step on each side: the profile is known on the grid only, and
        # each end of the continuous interval lies between its last grid point inside and the
        # first one outside
        "ci": [float(slopes[inside.min()] - h), float(slopes[inside.max()] + h)]
        if bounded
        else None,
    }


def classify(ci: Sequence[float] | None, known: float, alternative: float) -> str:
    """ "holds known only", "holds alternative only", "holds both", "holds neither" or
    "undefined"."""
    if ci is None:
        return "undefined"
    a, b = ci
    k, alt = a <= known <= b, a <= alternative <= b
    return {
        (True, False): "holds known only",
        (False, True): "holds alternative only",
        (True, True): "holds both",
        (False, False): "holds neither",
    }[(k, alt)]


def d_star_bounds(
    err_low: Sequence[float], err_high: Sequence[float], grid: Sequence[float], sigma2: float
) -> dict:
    """D*'s interval when each run's error is known only to lie in [err_low, err_high] (a run
    that may still change): the earliest D* the low errors allow, the latest the high ones do.
    Smaller errors can only move the rule's smallest passing D down, so D* lies in
    (lo of the low row, hi of the high row]. ``censored``: ``None``, ``"left"`` (D* ≤ the
    smallest D), ``"right"`` (D* > the largest D) or ``"both"`` (the row says nothing)."""
    if any(a > b for a, b in zip(err_low, err_high)):
        raise ValueError("every err_low must be ≤ its err_high")
    a = d_star_interval(err_low, grid, sigma2)
    b = d_star_interval(err_high, grid, sigma2)
    lo, hi = a["lo"], b["hi"]
    left, right = lo == 0.0, math.isinf(hi)
    censored = {(True, True): "both", (True, False): "left", (False, True): "right"}.get(
        (left, right)
    )
    return {"lo": lo, "hi": hi, "censored": censored, "monotone": a["monotone"] and b["monotone"]}
