"""Special functions in torch that ``torch.special`` lacks or computes too roughly.

Notation: γ(s, x) = ∫₀ˣ t^{s−1} e^{−t} dt, the lower incomplete gamma function
(arXiv:2405.08707v2, App. D.2, Lemma 5; Eq. 12 uses γ(n, r)); P(s, x) = γ(s, x)/Γ(s),
Q(s, x) = 1 − P(s, x); W the principal branch W₀ of Lambert's W (W e^W = x, x ≥ −1/e).
"""

from __future__ import annotations

import math

import torch

__all__ = ["log_lowergamma", "lambertw"]


def log_lowergamma(s, x) -> torch.Tensor:
    """log γ(s, x) for scalar s > 0, x > 0, in log space (no underflow for large s).

    x < s + 1 + 10√s: Kummer's series x^s e^{−x} Σ_k x^k/(s(s+1)…(s+k)) with every term
    positive (no cancellation), summed by logsumexp; the log term ratios are formed as
    log1p((x − s − k)/(s + k)), accurate where x ≈ s + k. The terms peak at k ≈ x − s and
    then fall like exp(−j²/2x), so ⌈x − s⌉ + 9√x + 60 of them reach below the float64
    epsilon. Beyond: log Γ(s) + log1p(−Q) with torch's ``gammaincc`` (there Q < e^{−40},
    so its relative error does not matter). torch's ``gammainc`` alone is off by ~5e−10
    relative for s ≳ 20 near x ≈ s (issue 11: log γ(25, 27.02)).
    """
    s = torch.as_tensor(s)
    if not s.dtype.is_floating_point:
        s = s.to(torch.get_default_dtype())
    x = torch.as_tensor(x, dtype=s.dtype)
    sv, xv = float(s), float(x)
    if not (sv > 0 and xv > 0):
        raise ValueError(f"log_lowergamma needs s > 0 and x > 0; got s = {sv}, x = {xv}")
    if xv >= sv + 1 + 10 * math.sqrt(sv):
        return torch.lgamma(s) + torch.log1p(-torch.special.gammaincc(s, x))
    K = int(math.ceil(max(0.0, xv - sv)) + 9 * math.sqrt(xv) + 60)
    k = torch.arange(1, K + 1, dtype=s.dtype)  # (K,)
    steps = torch.log1p((x - s - k) / (s + k))  # (K,) log of the term ratios x/(s+k)
    logs = torch.cat([torch.zeros(1, dtype=s.dtype), torch.cumsum(steps, 0)]) - torch.log(s)
    return s * torch.log(x) - x + torch.logsumexp(logs, 0)


def lambertw(x) -> torch.Tensor:
    """W₀(x) for x ≥ −1/e, elementwise (NaN below −1/e), by Halley's iteration.

    Start: the branch-point series −1 + p − p²/3 + 11p³/72, p = √(2(ex + 1)), near −1/e;
    log(1 + x) for moderate x; log x − log log x for x > e. Halley converges cubically, so
    a fixed 8 steps reach the working precision from these starts.
    """
    x = torch.as_tensor(x)
    if not x.dtype.is_floating_point:
        x = x.to(torch.get_default_dtype())
    p = torch.sqrt(torch.clamp(2 * (math.e * x + 1), min=0))
    near = -1 + p - p * p / 3 + 11 * p**3 / 72
    lx = torch.log(torch.clamp(x, min=math.e))
    big = lx - torch.log(lx)
    w = torch.where(
        x < -0.25, near, torch.where(x > math.e, big, torch.log1p(torch.clamp(x, min=-0.3)))
    )
    for _ in range(8):
        ew = torch.exp(w)
        f = w * ew - x
        wp1 = w + 1
        denom = ew * wp1 - (w + 2) * f / (2 * wp1)
        step = torch.where(denom != 0, f / denom, torch.zeros_like(f))
        w = torch.where(torch.isfinite(step), w - step, w)
    return torch.where(x < -1 / math.e, torch.full_like(x, math.nan), w)
