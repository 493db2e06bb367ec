"""Section 4's kernels streamed over the patterns, for d far beyond what fits as a (B, d) block.

Notation (arXiv:2405.08707v2; same as :mod:`numerics.energies`):

=============  ============================================================================
code           paper
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n); the paper's M is ``patterns.T``
``x``          queries, shape (B, n) (a single query (n,) is accepted and gives scalars)
``beta``       inverse temperature β > 0
``chunk``      c, how many patterns one step reads; every temporary is (B, c) or (c, n)
``ctr``        the patterns' mean c̄; blocks and queries are read centred, x̃ = x − c̄,
               ρ̃ = ρ − c̄ (distances are translation-invariant)
``m``, ``s``   running max and rescaled running sum of the online LogSumExp:
               after the chunks so far, LSE(z) = m + log s
``pp``, ``xx`` ‖ρ̃ⁱ‖² per chunk (c,) and ‖x̃‖² per query (B, 1)
``d2``         dist(x, ρⁱ) = ‖x − ρⁱ‖² via ‖x̃‖² − 2x̃ᵀρ̃ + ‖ρ̃‖² clamped at 0 (never a (B, d, n)
               broadcast)
``acc``        running Σᵢ exp(uᵢ − m) ρ̃ⁱ of the CCCP step, shape (B, n)
=============  ============================================================================

Argument order everywhere: ``(patterns, x)``. Results equal the direct forms of
:mod:`numerics.energies` to round-off (float64), but the extra memory is O(B × c), not
O(B × d): the online LogSumExp keeps, per query, the largest score seen so far ``m`` and the
sum ``s`` of exp(score − m); when a chunk raises the max, ``s`` is rescaled by exp(m_old − m_new).

Precision: float64 and float32 accumulate in their own dtype; bfloat16 and float16 inputs
are upcast chunk by chunk and accumulate in float32, and the result is rounded back to the
input dtype. Centring removes any offset the data share; what remains is an absolute error
of about (n + 2)·u·(‖x̃‖² + maxᵢ‖ρ̃ⁱ‖²) in each distance (the patterns' spread, not their
offset). Where that bound exceeds 5 % of 1 + g (g the nearest distance) the kernel emits a
:class:`numerics.tolerances.PrecisionWarning`. Per-dtype accuracy against float64 is
documented in :mod:`numerics.tolerances`.

Autograd: when an input requires grad, every kernel runs out of place (the running shifts
are detached: they cancel), so ``backward`` works; the saved blocks then cost O(B × d)
memory, as the direct forms do. The k-NN kernels (:mod:`numerics.knn`, re-exported here)
differentiate through the exact distances of the neighbours they return.

Device: every tensor is created on the device of the inputs, so the same call runs on CPU
and CUDA.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from numerics.chunks import (
    BUDGET_CPU,
    BUDGET_CUDA,
    KNN_BUDGET_CPU,
    KNN_BUDGET_CUDA,
    KNN_CHUNK_CPU,
    KNN_CHUNK_CUDA,
    block,
    check_chunk,
    default_chunk,
    fast_patterns,
    needs_grad,
)
from numerics.energies import centre
from numerics.knn import knn_distances, nearest_neighbour
from numerics.logmeanexp import NegLogMeanExp
from numerics.tolerances import distance_error_bound, warn_if_cancelled
from numerics.validate import check_beta, check_queries, work_dtype

__all__ = [
    "default_chunk",
    "stream_lse",
    "nearest_neighbour",
    "distance_energy",
    "mchn_energy",
    "cccp_step",
    "knn_distances",
    "BUDGET_CPU",
    "BUDGET_CUDA",
    "KNN_BUDGET_CPU",
    "KNN_BUDGET_CUDA",
    "KNN_CHUNK_CPU",
    "KNN_CHUNK_CUDA",
]


def stream_lse(
    score: Callable[[int, int], torch.Tensor], d: int, chunk: int, owned: bool = False
) -> torch.Tensor:
    """LSE over d columns, read c = ``chunk`` columns at a time: log Σᵢ exp(zᵢ), shape (B,).

    ``score(a, b)`` returns the (B, b − a) block z[:, a:b] (any float dtype; the accumulation
    uses that dtype); with ``owned=True`` the block is a fresh tensor this function may
    overwrite (ignored when it requires grad). Online form (App. A, Lemma 2's max shift,
    applied chunk by chunk): m ← max(m, max z_block); s ← s·exp(m_old − m) + Σ exp(z_block − m);
    LSE = m + log s.

    ``-inf`` scores contribute nothing and an all ``-inf`` row gives ``-inf``: the running
    max m starts at -inf, and the shift subtracted from the scores is m where m is finite and
    0 otherwise, so no inf − inf appears (exp(-inf − shift) = 0 rescales an empty sum).
    A ``+inf`` score gives ``+inf``, as :func:`numerics.energies.lse` does. A NaN score
    (or a NaN produced by overflow) raises ``ValueError``.
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise ValueError(f"LSE needs d ≥ 1 columns (log 0 is undefined); got d = {d!r}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk <= 0:
        raise ValueError(f"chunk must be a positive int; got {chunk!r}")
    m = s = shift = None
    for a in range(0, d, chunk):
        b = min(a + chunk, d)
        z = score(a, b)  # (B, c)
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or z.shape[1] != b - a:
            raise ValueError(
                f"score({a}, {b}) must return a (B, {b - a}) tensor; got "
                f"{getattr(z, 'shape', type(z))}"
            )
        if m is None:
            m = torch.full((z.shape[0], 1), -math.inf, dtype=z.dtype, device=z.device)  # (B, 1)
            s = torch.zeros_like(m)  # (B, 1)
        new_m = torch.maximum(m, z.detach().amax(-1, keepdim=True))  # (B, 1)
        shift = torch.where(torch.isfinite(new_m), new_m, torch.zeros_like(new_m))  # (B, 1)
        if owned and not needs_grad(z):
            p = torch.exp_(z.sub_(shift))  # (B, c), in place
        else:
            p = torch.exp(z - shift)  # (B, c)
        s = s * torch.exp(m - shift) + p.sum(-1, keepdim=True)  # (B, 1)
        m = new_m
    out = (shift + torch.log(s)).squeeze(-1)  # (B,)
    if bool(torch.isnan(out).any()):
        raise ValueError(
            "LSE got a NaN score (a NaN input, or an overflow such as inf − inf in a "
            "distance; the inputs are too large for this dtype)"
        )
    return out


def _prepared(patterns, x, chunk, centred: bool = True):
    """Validate; return (patterns, x (B, n) at work dtype, single, chunk, centre or None)."""
    patterns = fast_patterns(patterns)
    xb, single = check_queries(x, patterns)
    c = check_chunk(chunk, xb.shape[0], patterns.shape[0], patterns.device)
    wd = work_dtype(xb.dtype)
    ctr = centre(patterns, wd) if centred else None
    return patterns, xb.to(wd), single, c, ctr


def _finish(out: torch.Tensor, dtype: torch.dtype, single: bool, what: str) -> torch.Tensor:
    if bool(torch.isnan(out).any()):
        raise ValueError(
            f"{what} overflowed (inf − inf): the inputs are too large for "
            f"{work_dtype(dtype)}; use float64"
        )
    out = out.to(dtype)
    return out[0] if single else out


def _warn(acc, n, xx, pp_max, g, what):
    """PrecisionWarning where the distance error bound exceeds 5 % of 1 + g (per query)."""
    bound = distance_error_bound(acc, n, xx.detach().squeeze(-1) + pp_max)  # (B,)
    warn_if_cancelled(bound, g.detach(), what, stacklevel=4)


def distance_energy(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²) (Eq. 4), streamed: shape (B,) or a scalar.

    Same value as :func:`numerics.energies.distance_energy`; extra memory O(B × chunk).
    The online LSE of −d2 written as a running minimum (Lemma 3's soft minimum): with
    vᵢ = ‖ρ̃ⁱ‖² − 2x̃ᵀρ̃ⁱ = d2ᵢ − ‖x̃‖² clamped at −‖x̃‖² (d2 ≥ 0) and μ = minᵢ vᵢ so far,
    s = Σ exp(μ − vᵢ) and E = ‖x̃‖² + μ − log s. Five passes over each (B, c) block, ‖x̃‖²
    added once per query instead of once per pair.
    """
    patterns, xb, single, c, ctr = _prepared(patterns, x, chunk)
    acc, (d, n) = xb.dtype, patterns.shape
    grad = needs_grad(patterns, xb)
    xc = xb - ctr  # (B, n)
    xx = (xc * xc).sum(-1, keepdim=True)  # (B, 1)
    neg_xx = -xx  # (B, 1)
    mu = torch.full_like(xx, math.inf).detach()  # (B, 1) running min of v
    s = torch.zeros_like(mu)  # (B, 1) Σ exp(μ − v)
    pp_max = torch.full((), -math.inf, dtype=acc, device=xb.device)
    for a in range(0, d, c):
        pc, pp = block(patterns, a, min(a + c, d), acc, ctr)
        v = torch.addmm(pp.unsqueeze(0), xc, pc.T, alpha=-2.0)  # (B, c) = ‖ρ̃‖² − 2x̃ᵀρ̃
        if grad:
            v = torch.maximum(v, neg_xx)  # d2 = v + ‖x̃‖² ≥ 0
            new_mu = torch.minimum(mu, v.detach().amin(-1, keepdim=True))  # (B, 1)
            s = s * torch.exp(new_mu - mu) + torch.exp(new_mu - v).sum(-1, keepdim=True)
        else:
            torch.maximum(v, neg_xx, out=v)
            new_mu = torch.minimum(mu, v.amin(-1, keepdim=True))  # (B, 1)
            s = s * torch.exp(new_mu - mu)  # rescale; 0 on the first chunk (μ = +inf)
            s = s + torch.sub(new_mu, v, out=v).exp_().sum(-1, keepdim=True)  # (B, 1)
        mu = new_mu
        pp_max = torch.maximum(pp_max, pp.detach().amax())
    e = (xx + mu - torch.log(s)).squeeze(-1)  # (B,)
    out = _finish(e, patterns.dtype, single, "stream.distance_energy")
    _warn(acc, n, xx, pp_max, (xx + mu).squeeze(-1), "stream.distance_energy")
    return out


def mchn_energy(
    patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0, chunk: int | None = None
):
    """E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer et al. 2020), streamed.

    The MCHN energy the paper compares Eq. (4) with in Propositions 2 and 3. Shape (B,) or a
    scalar. The β-dependent part β⁻¹(log d − LSE(β Mᵀx)) is accumulated by
    :class:`numerics.logmeanexp.NegLogMeanExp`, accurate for every β > 0 (β → 0 gives
    −mean(Mᵀx)). Not translation-invariant, so not centred.
    """
    b = check_beta(beta)
    patterns, xb, single, c, _ = _prepared(patterns, x, chunk, centred=False)
    wd, d = xb.dtype, patterns.shape[0]
    nlme = NegLogMeanExp(b, wd)
    pp_max = torch.full((), -math.inf, dtype=wd, device=xb.device)
    for a in range(0, d, c):
        pc = patterns[a : a + c].to(wd)  # (c, n)
        pp_max = torch.maximum(pp_max, (pc * pc).sum(-1).amax())
        nlme.add(xb @ pc.T)  # (B, c) = Mᵀx block
    out = nlme.result().to(wd) + 0.5 * (xb * xb).sum(-1) + 0.5 * pp_max  # (B,)
    return _finish(out, patterns.dtype, single, "stream.mchn_energy")


def cccp_step(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """One CCCP/MM step of Eq. (4), streamed: x⁺ = M softmax(2Mᵀx − ‖ρ‖²), shape (B, n) or (n,).

    Softmax attention with keys = values = patterns, scale 2 and additive bias −‖ρⁱ‖², as an
    online softmax-weighted sum over centred blocks: per chunk, u = 2x̃ᵀρ̃ − ‖ρ̃‖² (B, c)
    (= ‖x̃‖² − d2, the same weights); m ← max(m, max u); acc ← acc·exp(m_old − m) +
    exp(u − m) ρ̃; s likewise; x⁺ = c̄ + acc / s. When c ≥ d this is one pass with no
    rescaling (the default picks c = d when B × d fits the budget).
    """
    patterns, xb, single, c, ctr = _prepared(patterns, x, chunk)
    acc_t, (d, n) = xb.dtype, patterns.shape
    grad = needs_grad(patterns, xb)
    xc = xb - ctr  # (B, n)
    if c >= d:  # single pass: the (B, d) block fits the budget
        pc, pp = block(patterns, 0, d, acc_t, ctr)
        u = torch.addmm(pp.neg().unsqueeze(0), xc, pc.T, alpha=2.0)  # (B, d)
        out = ctr + torch.softmax(u, dim=-1) @ pc  # (B, n)
        m, pp_max = u.detach().amax(-1, keepdim=True), pp.detach().amax()
    else:
        B = xb.shape[0]
        m = torch.full((B, 1), -math.inf, dtype=acc_t, device=xb.device)  # (B, 1)
        s = torch.zeros_like(m)  # (B, 1)
        acc = torch.zeros_like(xc)  # (B, n)
        pp_max = torch.full((), -math.inf, dtype=acc_t, device=xb.device)
        for a in range(0, d, c):
            pc, pp = block(patterns, a, min(a + c, d), acc_t, ctr)
            pp_max = torch.maximum(pp_max, pp.detach().amax())
            u = torch.addmm(pp.neg().unsqueeze(0), xc, pc.T, alpha=2.0)  # (B, c)
            new_m = torch.maximum(m, u.detach().amax(-1, keepdim=True))  # (B, 1)
            safe = torch.where(torch.isfinite(new_m), new_m, torch.zeros_like(new_m))  # (B, 1)
            scale = torch.exp(m - safe)  # (B, 1); 0 on the first chunk (m = -inf)
            if grad:
                p = torch.exp(u - safe)  # (B, c)
                s = s * scale + p.sum(-1, keepdim=True)
                acc = acc * scale + p @ pc  # (B, n)
            else:
                p = u.sub_(safe).exp_()  # (B, c)
                s.mul_(scale).add_(p.sum(-1, keepdim=True))
                acc.mul_(scale).addmm_(p, pc)  # (B, n)
            m = new_m
        out = ctr + acc / s
    res = _finish(out, patterns.dtype, single, "stream.cccp_step")
    xx = (xc * xc).sum(-1, keepdim=True).detach()  # (B, 1)
    _warn(acc_t, n, xx, pp_max, (xx - m).squeeze(-1), "stream.cccp_step")
    return res
