"""Special functions in torch that ``torch.special`` lacks in log space.

Notation: γ(s, x) = ∫₀ˣ t^{s−1} e^{−t} dt, the lower incomplete gamma function
(arXiv:2405.08707v2, App. D.2, Lemma 5; Eq. 12 uses γ(n, r)); P(s, x) = γ(s, x)/Γ(s).
"""

from __future__ import annotations

import math

import torch

__all__ = ["log_lowergamma"]


def log_lowergamma(s, x) -> torch.Tensor:
    """log γ(s, x) for scalar s > 0, x > 0, in log space (no underflow for large s).

    x ≥ s + 1: log P(s, x) + log Γ(s) with torch's regularized ``gammainc`` (then P ≥ ~1/2,
    so nothing underflows). x < s + 1: Kummer's series x^s e^{−x} Σ_k x^k/(s(s+1)…(s+k))
    with the terms summed by logsumexp; the terms fall like exp(−k²/2s) at worst, so
    12√s + 60 of them reach far below the working epsilon.
    """
    s = torch.as_tensor(s)
    x = torch.as_tensor(x, dtype=s.dtype)
    if not (float(s) > 0 and float(x) > 0):
        raise ValueError(
            f"log_lowergamma needs s > 0 and x > 0; got s = {float(s)}, x = {float(x)}"
        )
    if float(x) >= float(s) + 1:
        return torch.log(torch.special.gammainc(s, x)) + torch.lgamma(s)
    K = int(12 * math.sqrt(float(s)) + 60)
    k = torch.arange(1, K + 1, dtype=s.dtype)  # (K,)
    steps = torch.log(x) - torch.log(s + k)  # (K,) log of the term ratios
    logs = torch.cat([torch.zeros(1, dtype=s.dtype), torch.cumsum(steps, 0)]) - torch.log(s)
    return s * torch.log(x) - x + torch.logsumexp(logs, 0)
