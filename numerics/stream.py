"""Section 4's kernels streamed over the patterns, for d far beyond what fits as a (B, d) block.

Notation (arXiv:2405.08707v2; same as :mod:`numerics.energies`):

=============  ============================================================================
code           paper
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n); the paper's M is ``patterns.T``
``x``          queries, shape (B, n) (a single query (n,) is accepted and gives scalars)
``beta``       inverse temperature β > 0
``chunk``      c, how many patterns one step reads; every temporary is (B, c) or (c, n)
``m``, ``s``   running max and rescaled running sum of the online LogSumExp:
               after the chunks so far, LSE(z) = m + log s
``pp``, ``xx`` ‖ρⁱ‖² per chunk (c,) and ‖x‖² per query (B, 1)
``d2``         dist(x, ρⁱ) = ‖x − ρⁱ‖² via ‖x‖² − 2xᵀρ + ‖ρ‖² clamped at 0 (never a (B, d, n)
               broadcast)
``acc``        running Σᵢ exp(uᵢ − m) ρⁱ of the CCCP step, shape (B, n)
=============  ============================================================================

Argument order everywhere: ``(patterns, x)``. Results equal the direct forms of
:mod:`numerics.energies` to round-off (float64), but the extra memory is O(B × c), not
O(B × d): the online LogSumExp keeps, per query, the largest score seen so far ``m`` and the
sum ``s`` of exp(score − m); when a chunk raises the max, ``s`` is rescaled by exp(m_old − m_new).

Precision: float64 and float32 accumulate in their own dtype; bfloat16 and float16 inputs
are upcast chunk by chunk and accumulate in float32, and the result is rounded back to the
input dtype. Per-dtype accuracy against float64 is documented in :mod:`numerics.tolerances`.

Device: every tensor is created on the device of the inputs, so the same call runs on CPU
and CUDA.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from numerics.energies import _FLOATS, check_patterns, check_queries

__all__ = [
    "default_chunk",
    "stream_lse",
    "nearest_neighbour",
    "distance_energy",
    "mchn_energy",
    "cccp_step",
    "knn_distances",
]

# Elements of one (B, c) score block. On CPU a cache-sized block (4 MiB in float32) was the
# fastest on an idle 2-core machine: the CCCP step at B=512, d=32768, n=64 took 0.082 s at
# c=2048 against 0.118 s in one pass (c=d) and 0.150 s for torch SDPA. That machine under
# load (~7 runnable processes) reversed it, 0.34 s against 0.27 s on one thread: each chunk
# costs a few OpenMP hand-offs, so pass a larger ``chunk`` on a crowded machine. On CUDA
# bigger blocks amortise kernel launches.
BUDGET_CPU = 2**20
BUDGET_CUDA = 2**24
# Elements of one (query tile, c) block for the k-NN search, which tiles queries too.
KNN_BUDGET_CPU = 2**22
KNN_BUDGET_CUDA = 2**25
# Default pattern chunk of the k-NN search (the query tile is then budget // chunk).
KNN_CHUNK_CPU = 2048
KNN_CHUNK_CUDA = 8192


def _budget(device: torch.device, knn: bool = False) -> int:
    if device.type == "cuda":
        return KNN_BUDGET_CUDA if knn else BUDGET_CUDA
    return KNN_BUDGET_CPU if knn else BUDGET_CPU


def default_chunk(B: int, d: int, device: torch.device | str = "cpu") -> int:
    """The chunk c used when none is given: the largest with B × c ≤ the device's budget.

    Budget: 2**20 elements on CPU (a cache-sized block), 2**24 on CUDA; c is clipped to
    [1, d], so c = d (a single pass) whenever the whole (B, d) block fits the budget.
    """
    budget = _budget(torch.device(device))
    return max(1, min(int(d), budget // max(int(B), 1)))


def _check_chunk(chunk, B: int, d: int, device: torch.device) -> int:
    if chunk is None:
        return default_chunk(B, d, device)
    if isinstance(chunk, bool) or not isinstance(chunk, int):
        raise ValueError(f"chunk must be a positive int (patterns per step) or None; got {chunk!r}")
    if chunk <= 0:
        raise ValueError(f"chunk must be a positive int (patterns per step) or None; got {chunk}")
    return min(chunk, d)


def _patterns(patterns) -> torch.Tensor:
    """check_patterns without its d × n boolean temporary on the happy path.

    ``torch.aminmax`` propagates NaN and reads the tensor once without allocating; only when
    it finds a non-finite value (or the type/shape is wrong) is the full
    :func:`numerics.energies.check_patterns` run, so the error messages are the same.
    """
    if (
        isinstance(patterns, torch.Tensor)
        and patterns.dim() == 2
        and patterns.numel() > 0
        and patterns.dtype in _FLOATS
    ):
        lo, hi = torch.aminmax(patterns)
        if bool(torch.isfinite(lo)) and bool(torch.isfinite(hi)):
            return patterns
    return check_patterns(patterns)


def _acc_dtype(dtype: torch.dtype) -> torch.dtype:
    """Accumulation dtype: float64 and float32 keep theirs; 16-bit floats accumulate in float32."""
    return dtype if dtype in (torch.float64, torch.float32) else torch.float32


def _check_beta(beta) -> float:
    try:
        b = float(beta)
    except (TypeError, ValueError):
        raise ValueError(f"inverse temperature beta must be a number > 0; got {beta!r}") from None
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"inverse temperature beta must be a finite number > 0; got {beta!r}")
    return b


def stream_lse(
    score: Callable[[int, int], torch.Tensor], d: int, chunk: int, owned: bool = False
) -> torch.Tensor:
    """LSE over d columns, read c = ``chunk`` columns at a time: log Σᵢ exp(zᵢ), shape (B,).

    ``score(a, b)`` returns the (B, b − a) block z[:, a:b] (any float dtype; the accumulation
    uses that dtype); with ``owned=True`` the block is a fresh tensor this function may
    overwrite. Online form (App. A, Lemma 2's max shift, applied chunk by chunk):
    m ← max(m, max z_block); s ← s·exp(m_old − m) + Σ exp(z_block − m); LSE = m + log s.

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
        z = score(a, min(a + chunk, d))  # (B, c)
        if m is None:
            m = torch.full((z.shape[0], 1), -math.inf, dtype=z.dtype, device=z.device)  # (B, 1)
            s = torch.zeros_like(m)  # (B, 1)
        new_m = torch.maximum(m, z.amax(-1, keepdim=True))  # (B, 1)
        shift = torch.where(torch.isfinite(new_m), new_m, torch.zeros_like(new_m))  # (B, 1)
        z = z.sub_(shift) if owned else z - shift  # (B, c)
        s = s * torch.exp(m - shift) + torch.exp_(z).sum(-1, keepdim=True)  # (B, 1)
        m = new_m
    out = (shift + torch.log(s)).squeeze(-1)  # (B,)
    if torch.isnan(out).any():
        raise ValueError(
            "LSE got a NaN score (a NaN input, or an overflow such as inf − inf in a "
            "distance; the inputs are too large for this dtype)"
        )
    return out


def _prepared(patterns, x, chunk):
    """Validate; return (patterns, x as (B, n) in the accumulation dtype, single, chunk)."""
    patterns = _patterns(patterns)
    xb, single = check_queries(x, patterns)
    c = _check_chunk(chunk, xb.shape[0], patterns.shape[0], patterns.device)
    return patterns, xb.to(_acc_dtype(xb.dtype)), single, c


def _block(patterns: torch.Tensor, a: int, b: int, acc: torch.dtype):
    """Patterns a..b in the accumulation dtype and their squared norms: (c, n), (c,)."""
    pc = patterns[a:b].to(acc)  # (c, n); a view when the dtype already matches
    return pc, (pc * pc).sum(-1)  # (c,)


def _finish(out: torch.Tensor, dtype: torch.dtype, single: bool) -> torch.Tensor:
    out = out.to(dtype)
    return out[0] if single else out


def distance_energy(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²) (Eq. 4), streamed: shape (B,) or a scalar.

    Same value as :func:`numerics.energies.distance_energy`; extra memory O(B × chunk).
    The online LSE of −d2 written as a running minimum (Lemma 3's soft minimum): with
    vᵢ = ‖ρⁱ‖² − 2xᵀρⁱ = d2ᵢ − ‖x‖² clamped at −‖x‖² (d2 ≥ 0) and μ = minᵢ vᵢ so far,
    s = Σ exp(μ − vᵢ) and E = ‖x‖² + μ − log s. Five passes over each (B, c) block, ‖x‖²
    added once per query instead of once per pair.
    """
    patterns, xb, single, c = _prepared(patterns, x, chunk)
    acc = xb.dtype
    d = patterns.shape[0]
    xx = (xb * xb).sum(-1, keepdim=True)  # (B, 1)
    neg_xx = -xx  # (B, 1)
    mu = torch.full_like(xx, math.inf)  # (B, 1) running min of v
    s = torch.zeros_like(xx)  # (B, 1) Σ exp(μ − v)
    for a in range(0, d, c):
        pc, pp = _block(patterns, a, min(a + c, d), acc)
        v = torch.addmm(pp.unsqueeze(0), xb, pc.T, alpha=-2.0)  # (B, c) = ‖ρ‖² − 2xᵀρ
        torch.maximum(v, neg_xx, out=v)  # d2 = v + ‖x‖² ≥ 0
        new_mu = torch.minimum(mu, v.amin(-1, keepdim=True))  # (B, 1)
        s = s * torch.exp(new_mu - mu)  # rescale; 0 on the first chunk (μ = +inf)
        s = s + torch.sub(new_mu, v, out=v).exp_().sum(-1, keepdim=True)  # (B, 1)
        mu = new_mu
    e = (xx + mu - torch.log(s)).squeeze(-1)  # (B,)
    if torch.isnan(e).any():
        raise ValueError(
            "distance energy overflowed (inf − inf): the inputs are too large for "
            f"{patterns.dtype}; use float64"
        )
    return _finish(e, patterns.dtype, single)


def mchn_energy(
    patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0, chunk: int | None = None
):
    """E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer et al. 2020), streamed.

    The MCHN energy the paper compares Eq. (4) with in Propositions 2 and 3. Shape (B,) or a
    scalar; LSE(β, z) = β⁻¹ LSE(β z).
    """
    b = _check_beta(beta)
    patterns, xb, single, c = _prepared(patterns, x, chunk)
    acc = xb.dtype
    d = patterns.shape[0]
    pp_max = torch.full((), -math.inf, dtype=acc, device=xb.device)

    def scaled_dot(a: int, e: int) -> torch.Tensor:
        nonlocal pp_max
        pc, pp = _block(patterns, a, e, acc)
        pp_max = torch.maximum(pp_max, pp.amax())
        return torch.mm(xb, pc.T).mul_(b)  # (B, c) = β xᵀρ

    lse_b = stream_lse(scaled_dot, d, c, owned=True) / b  # (B,)
    out = -lse_b + 0.5 * (xb * xb).sum(-1) + math.log(d) / b + 0.5 * pp_max
    return _finish(out, patterns.dtype, single)


def cccp_step(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """One CCCP/MM step of Eq. (4), streamed: x⁺ = M softmax(2Mᵀx − ‖ρ‖²), shape (B, n) or (n,).

    Softmax attention with keys = values = patterns, scale 2 and additive bias −‖ρⁱ‖², as an
    online softmax-weighted sum: per chunk, u = 2xᵀρ − ‖ρ‖² (B, c); m ← max(m, max u);
    acc ← acc·exp(m_old − m) + exp(u − m) ρ; s likewise; x⁺ = acc / s. When c ≥ d this is one
    pass with no rescaling (the default picks c = d when B × d fits the budget).
    """
    patterns, xb, single, c = _prepared(patterns, x, chunk)
    acc_t = xb.dtype
    d = patterns.shape[0]
    if c >= d:  # single pass: the (B, d) block fits the budget
        pc, pp = _block(patterns, 0, d, acc_t)
        u = torch.addmm(pp.neg().unsqueeze(0), xb, pc.T, alpha=2.0)  # (B, d)
        out = torch.softmax(u, dim=-1) @ pc  # (B, n)
        return _finish(out, patterns.dtype, single)
    B = xb.shape[0]
    m = torch.full((B, 1), -math.inf, dtype=acc_t, device=xb.device)  # (B, 1)
    s = torch.zeros_like(m)  # (B, 1)
    acc = torch.zeros_like(xb)  # (B, n)
    for a in range(0, d, c):
        pc, pp = _block(patterns, a, min(a + c, d), acc_t)
        u = torch.addmm(pp.neg_().unsqueeze(0), xb, pc.T, alpha=2.0)  # (B, c)
        new_m = torch.maximum(m, u.amax(-1, keepdim=True))  # (B, 1)
        safe = torch.where(torch.isfinite(new_m), new_m, torch.zeros_like(new_m))  # (B, 1)
        scale = torch.exp(m - safe)  # (B, 1); 0 on the first chunk (m = -inf)
        p = u.sub_(safe).exp_()  # (B, c)
        s.mul_(scale).add_(p.sum(-1, keepdim=True))
        acc.mul_(scale).addmm_(p, pc)  # (B, n)
        m = new_m
    return _finish(acc / s, patterns.dtype, single)


def _argmin_on_improved_rows(device: torch.device) -> bool:
    """k = 1 strategy: on CPU, amin then argmin on the improved rows only (needs a host
    sync per chunk, cheap there); elsewhere one min-with-index per chunk, no sync."""
    return device.type == "cpu"


def _knn_scan(patterns, q, k, c, qb, self_offset):
    """Exact k smallest ‖q − ρ‖² for q (Bq, n) over all patterns; self excluded when
    ``self_offset`` is not None (query j is pattern self_offset + j). Returns (d2, idx)."""
    acc = q.dtype
    d = patterns.shape[0]
    Bq = q.shape[0]
    dist = torch.empty((Bq, k), dtype=acc, device=q.device)  # (B, k)
    idx = torch.empty((Bq, k), dtype=torch.long, device=q.device)  # (B, k)
    for q0 in range(0, Bq, qb):
        qt = q[q0 : q0 + qb]  # (qb, n)
        nq = qt.shape[0]
        best_v = torch.full((nq, k), math.inf, dtype=acc, device=q.device)  # (qb, k)
        best_i = torch.full((nq, k), -1, dtype=torch.long, device=q.device)  # (qb, k)
        for a in range(0, d, c):
            pc, pp = _block(patterns, a, min(a + c, d), acc)
            v = torch.addmm(pp.unsqueeze(0), qt, pc.T, alpha=-2.0)  # (qb, c) = ‖ρ‖² − 2qᵀρ
            if self_offset is not None:
                g0 = self_offset + q0  # global index of this tile's first query
                if g0 < a + pc.shape[0] and a < g0 + nq:  # the tile meets its own rows here
                    v.diagonal(offset=g0 - a).fill_(math.inf)  # exclude by index, not by value
            if k == 1 and _argmin_on_improved_rows(v.device):
                # amin is ~10x cheaper than min-with-index on CPU; take the index only for
                # the rows this chunk improves (for random order, ~1/j of them at chunk j)
                cv = v.amin(-1, keepdim=True)  # (qb, 1)
                rows = (cv < best_v).squeeze(1).nonzero().squeeze(1)  # (r,)
                if rows.numel():
                    best_v[rows] = cv[rows]
                    best_i[rows] = v.index_select(0, rows).argmin(-1, keepdim=True) + a
            elif k == 1:
                cv, ci = v.min(-1, keepdim=True)  # (qb, 1)
                better = cv < best_v
                best_v = torch.where(better, cv, best_v)
                best_i = torch.where(better, ci + a, best_i)
            else:
                kk = min(k, v.shape[1])
                cv, ci = torch.topk(v, kk, dim=-1, largest=False, sorted=False)  # (qb, kk)
                allv = torch.cat([best_v, cv], dim=-1)  # (qb, k + kk)
                alli = torch.cat([best_i, ci + a], dim=-1)
                best_v, sel = torch.topk(allv, k, dim=-1, largest=False, sorted=True)
                best_i = alli.gather(-1, sel)
        xx = (qt * qt).sum(-1, keepdim=True)  # (qb, 1)
        dist[q0 : q0 + nq] = (best_v + xx).clamp_min_(0.0)
        idx[q0 : q0 + nq] = best_i
    return dist, idx


def knn_distances(
    patterns: torch.Tensor,
    queries: torch.Tensor | None = None,
    k: int = 1,
    chunk: int | None = None,
    exclude_self: bool = True,
    squared: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact k-nearest-neighbour distances and indices, streamed: ((B, k), (B, k)).

    ``queries=None`` searches the pattern set against itself (the Appendix F.1 radius
    measurement: B = d); then ``exclude_self`` drops each point's own index — by index, not
    by zero distance, so an exact duplicate of ρʲ still counts as its neighbour at distance
    0. With explicit ``queries`` nothing is excluded. Distances are dist = ‖q − ρ‖² (the
    paper's squared Euclidean), ascending along the last axis, or the plain Euclidean
    ‖q − ρ‖ when ``squared=False``. Ties are broken arbitrarily. k = 1 on queries gives
    g(x) of Eq. (3). Both queries and patterns are tiled: extra memory O(tile × chunk).
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int; got {k!r}")
    patterns = _patterns(patterns)
    d = patterns.shape[0]
    within = queries is None
    if within:
        q, single = patterns, False
        excl = bool(exclude_self)
    else:
        q, single = check_queries(queries, patterns)
        excl = False
    available = d - 1 if excl else d
    if k > available:
        raise ValueError(
            f"k = {k} neighbours requested but only {available} candidate patterns exist "
            f"(d = {d}{', own index excluded' if excl else ''})"
        )
    B = q.shape[0]
    if chunk is None:
        c = min(d, KNN_CHUNK_CUDA if patterns.device.type == "cuda" else KNN_CHUNK_CPU)
    else:
        c = _check_chunk(chunk, B, d, patterns.device)
    qb = max(1, min(B, _budget(patterns.device, knn=True) // c))
    qa = q.to(_acc_dtype(q.dtype))  # (B, n); bf16/fp16 queries upcast once
    dist, idx = _knn_scan(patterns, qa, k, c, qb, 0 if excl else None)
    if not squared:
        dist = dist.sqrt()
    dist = dist.to(patterns.dtype)
    return (dist[0], idx[0]) if single else (dist, idx)


def nearest_neighbour(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3), streamed: shape (B,) or a scalar.

    Same value as :func:`numerics.energies.nearest_neighbour` (an exact running minimum).
    """
    dist, _ = knn_distances(patterns, x, k=1, chunk=chunk, exclude_self=False)
    return dist[..., 0]
