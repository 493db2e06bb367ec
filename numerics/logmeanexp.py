"""The MCHN energy's LogSumExp term, stable for every β > 0 and streamable over the patterns.

Notation (arXiv:2405.08707v2, Sec. 2; Ramsauer et al. 2020):

=============  ============================================================================
code           paper
=============  ============================================================================
``z``          scores zᵢ = xᵀρⁱ (one row per query), d of them
``beta``       inverse temperature β > 0
``nu``         ν = β⁻¹ (log d − LSE(β z)) = −β⁻¹ log( (1/d) Σᵢ exp(β zᵢ) ), the part of
               E^MCHN_β = ν + ½xᵀx + ½ maxᵢ‖ρⁱ‖² that depends on β
``m``          maxᵢ zᵢ; ``w`` = z − m ≤ 0; ``spread`` = maxᵢ zᵢ − minᵢ zᵢ
=============  ============================================================================

Why: written as −LSE(β, z) + β⁻¹ log d, two terms of size log(d)/β cancel; at β = 1e-15 a
float64 evaluation loses every digit and at β = 1e-300 it returns the β → 0 limit's
constant part only (issue 13: 4.604 and 3.604 for a true 4.8129). Here
ν = −m − β⁻¹ L with L = log mean exp(β w), and L is taken from whichever form is accurate:

* β·spread·d < 1e-17: L/β = mean(w) (the first cumulant; the next term, β·var(w)/2, is below
  1e-17 relative to |ν| ≥ spread/d);
* else, if mean(expm1(β w)) > −½: L = log1p(mean(expm1(β w))) (no cancellation: every term
  has the same sign);
* else: L = log Σ exp(β w) − log d, where |L| > log 2 so the subtraction loses at most
  log(d)/log 2 in relative accuracy.

The running form (:class:`NegLogMeanExp`) keeps, per row, m, Σ exp(β w), Σ expm1(β w),
Σ w, minᵢ zᵢ and the count; a new maximum m' rescales them exactly:
Σ exp ← Σ exp · e^{β(m−m')}, Σ expm1 ← Σ expm1 · e^{β(m−m')} + k·expm1(β(m−m')),
Σ w ← Σ w + k (m − m'). m is a shift only, so it is detached from autograd; the gradient
of ν with respect to zᵢ is −softmax(β z)ᵢ (−1/d in the β → 0 limit). No operation is in
place, so autograd runs through every block.
"""

from __future__ import annotations

import math

import torch

from numerics.validate import FLOATS, check_beta, check_scores, check_tensor

__all__ = ["NegLogMeanExp", "neg_log_mean_exp", "TINY_BETA_SPREAD"]

# β·spread·d below this: ν = −mean(z) to better than 1e-17 relative.
TINY_BETA_SPREAD = 1e-17
# In float32, β below this is computed in float64 (β·w would underflow float32).
_F32_BETA_FLOOR = 1e-30
# β used in the non-limit branches is at least this (their values are unused when β is
# smaller, but 1/β must stay finite for autograd).
_BETA_FLOOR = 1e-290


class NegLogMeanExp:
    """ν = −β⁻¹ log mean exp(β z) over the columns of blocks z (B, c), block by block."""

    def __init__(self, beta: float, dtype: torch.dtype):
        self.beta = check_beta(beta)
        if dtype not in FLOATS:
            raise ValueError(f"dtype must be one of {FLOATS}; got {dtype!r}")
        low = dtype != torch.float64 and self.beta < _F32_BETA_FLOOR
        self.dtype = torch.float64 if low else dtype
        self.m = None

    def add(self, z: torch.Tensor) -> None:
        """Fold the block z (B, c) into the running sums (c ≥ 1; B fixed across blocks).

        No data-dependent check here (no host synchronisation per block): a +inf score
        (an overflow) makes the result NaN, which the callers turn into a ``ValueError``.
        """
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or z.shape[1] == 0:
            raise ValueError(f"z must be a (B, c) tensor with c ≥ 1; got {getattr(z, 'shape', z)}")
        if self.m is not None and z.shape[0] != self.m.shape[0]:
            raise ValueError(f"z must keep B = {self.m.shape[0]} rows; got {tuple(z.shape)}")
        z = z.to(self.dtype)
        b = max(self.beta, _BETA_FLOOR)
        bm = z.detach().amax(-1, keepdim=True)  # (B, 1)
        bl = z.detach().amin(-1, keepdim=True)  # (B, 1)
        if self.m is None:
            m = bm
            self.s = self.e = self.a = 0.0
            self.lo, self.k = bl, 0
        else:
            m = torch.maximum(self.m, bm)  # (B, 1)
            delta = self.m - m  # (B, 1), ≤ 0
            r = torch.exp(b * delta)
            self.s = self.s * r
            self.e = self.e * r + self.k * torch.expm1(b * delta)
            self.a = self.a + self.k * delta
            self.lo = torch.minimum(self.lo, bl)
        w = z - m  # (B, c), ≤ 0
        self.s = self.s + torch.exp(b * w).sum(-1, keepdim=True)
        self.e = self.e + torch.expm1(b * w).sum(-1, keepdim=True)
        self.a = self.a + w.sum(-1, keepdim=True)
        self.k += z.shape[-1]
        self.m = m

    def result(self) -> torch.Tensor:
        """ν per row, shape (B,), in the accumulation dtype."""
        if self.m is None:
            raise ValueError("NegLogMeanExp got no scores (d = 0): log of an empty mean")
        d, beta = self.k, self.beta
        b = max(beta, _BETA_FLOOR)
        spread = (self.m - self.lo).double()  # (B, 1)
        tiny = (spread * beta) * d < TINY_BETA_SPREAD
        mean_e = self.e / d
        nu_tiny = -self.m - self.a / d
        nu_log1p = -self.m - torch.log1p(mean_e) / b
        nu_lse = -self.m - (torch.log(self.s) - math.log(d)) / b
        nu = torch.where(tiny, nu_tiny, torch.where(mean_e > -0.5, nu_log1p, nu_lse))
        return nu.squeeze(-1)


def neg_log_mean_exp(z: torch.Tensor, beta: float) -> torch.Tensor:
    """ν = β⁻¹ (log d − LSE(β z)) along the last axis of z (B, d): shape (B,), z's dtype."""
    check_tensor(z, "z", "(B, d)")
    if z.dim() != 2:
        raise ValueError(f"z must have shape (B, d); got {tuple(z.shape)}")
    check_scores(z, "z", -1)
    if bool(torch.isinf(z).any()):
        raise ValueError("z must be finite; got ±inf (for E^MCHN: the inputs overflowed)")
    acc = NegLogMeanExp(beta, z.dtype)
    acc.add(z)
    return acc.result().to(z.dtype)
