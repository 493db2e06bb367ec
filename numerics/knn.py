"""Exact k-nearest-neighbour distances streamed over patterns and queries (g of Eq. 3; App. F.1).

Notation (arXiv:2405.08707v2; as in :mod:`numerics.stream`):

=============  ============================================================================
code           meaning
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n)
``queries``    q, shape (B, n); ``None`` searches the pattern set against itself (B = d)
``k``          neighbours per query
``chunk``      c, patterns per step; ``qb`` queries per tile: temporaries are (qb, c)
``v``          ‖ρ̃‖² − 2q̃ᵀρ̃ = d2 − ‖q̃‖² for centred q̃ = q − c̄, ρ̃ = ρ − c̄ (c̄ the
               patterns' mean): ranks the candidates without the ‖q̃‖² term
=============  ============================================================================

Two stages. The scan (no autograd) ranks all patterns for each query tile with the expanded
form and keeps the indices of the k best. Then the k distances returned are recomputed
exactly, ‖q − ρ‖² as a direct difference of the neighbours found (O(B·k·n)), so a returned
distance is exact to rounding whatever the data's offset, differentiable in both ``queries``
and ``patterns``, and g(x) = 0 exactly for a query on a pattern. The ranking itself can be
wrong only between candidates whose distances differ by less than the expanded form's error,
(n + 2)·u·(‖q̃‖² + maxᵢ‖ρ̃ⁱ‖²); where that bound exceeds 5 % of 1 + g a
:class:`numerics.tolerances.PrecisionWarning` is emitted.
"""

from __future__ import annotations

import math

import torch

from numerics.chunks import KNN_CHUNK_CPU, KNN_CHUNK_CUDA, block, budget, check_chunk, fast_patterns
from numerics.energies import centre
from numerics.tolerances import distance_error_bound, warn_if_cancelled
from numerics.validate import check_queries, work_dtype

__all__ = ["knn_distances", "nearest_neighbour"]


def _argmin_on_improved_rows(device: torch.device) -> bool:
    """k = 1 strategy: on CPU, amin then argmin on the improved rows only (needs a host
    sync per chunk, cheap there); elsewhere one min-with-index per chunk, no sync."""
    return device.type == "cpu"


@torch.no_grad()
def _scan_tile(patterns, qt, k, c, ctr, g0):
    """Indices (nq, k) of the k smallest ‖qt − ρ‖² over all patterns (qt centred, (nq, n));
    the tile's own rows excluded when ``g0`` (the global index of its first query) is given."""
    acc = qt.dtype
    d, nq = patterns.shape[0], qt.shape[0]
    best_v = torch.full((nq, k), math.inf, dtype=acc, device=qt.device)  # (qb, k)
    best_i = torch.full((nq, k), -1, dtype=torch.long, device=qt.device)  # (qb, k)
    for a in range(0, d, c):
        pc, pp = block(patterns, a, min(a + c, d), acc, ctr)
        v = torch.addmm(pp.unsqueeze(0), qt, pc.T, alpha=-2.0)  # (qb, c) = ‖ρ̃‖² − 2q̃ᵀρ̃
        if g0 is not None and g0 < a + pc.shape[0] and a < g0 + nq:  # the tile meets itself
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
    return best_i


def _exact(patterns, q, idx, acc, piece):
    """‖q_b − ρ^{idx[b, j]}‖² by direct differences, (nq, k), in pieces of ``piece`` queries."""
    out = []
    for a in range(0, q.shape[0], piece):
        nb = patterns[idx[a : a + piece]].to(acc)  # (p, k, n)
        out.append(((q[a : a + piece, None, :] - nb) ** 2).sum(-1))  # (p, k)
    return torch.cat(out)


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
    ‖q − ρ‖ when ``squared=False`` (its gradient is infinite at distance 0). Ties are broken
    arbitrarily. k = 1 on queries gives g(x) of Eq. (3). Both queries and patterns are
    tiled: extra memory O(tile × chunk).
    """
    return _knn(patterns, queries, k, chunk, exclude_self, squared, stacklevel=4)


def _knn(patterns, queries, k, chunk, exclude_self, squared, stacklevel, name="queries"):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int; got {k!r}")
    if not isinstance(exclude_self, bool) or not isinstance(squared, bool):
        raise ValueError(
            f"exclude_self and squared must be bools; got {exclude_self!r}, {squared!r}"
        )
    patterns = fast_patterns(patterns)
    d, n = patterns.shape
    within = queries is None
    if within:
        q, single, excl = patterns, False, exclude_self
    else:
        q, single = check_queries(queries, patterns, name)
        excl = False
    available = d - 1 if excl else d
    if k > available:
        raise ValueError(
            f"k = {k} neighbours requested but only {available} candidate patterns exist "
            f"(d = {d}{', own index excluded' if excl else ''})"
        )
    B = q.shape[0]
    dev = patterns.device
    if chunk is None:
        c = min(d, KNN_CHUNK_CUDA if dev.type == "cuda" else KNN_CHUNK_CPU)
    else:
        c = check_chunk(chunk, B, d, dev)
    qb = max(1, min(B, budget(dev, knn=True) // c))
    acc = work_dtype(q.dtype)
    ctr = centre(patterns, acc)  # (n,)
    qa = q.to(acc)  # (B, n); bf16/fp16 queries upcast once
    piece = max(1, budget(dev, knn=True) // (k * n))
    dists, idxs = [], []
    for q0 in range(0, B, qb):
        qt = qa[q0 : q0 + qb]  # (qb, n)
        idx = _scan_tile(patterns, qt.detach() - ctr, k, c, ctr, q0 if excl else None)
        if bool((idx < 0).any()):
            raise ValueError(
                f"k-NN distances overflowed {acc} (inf or NaN scores): the inputs are too "
                "large for this dtype; use float64"
            )
        d2 = _exact(patterns, qt, idx, acc, piece)  # (qb, k), exact
        d2, order = d2.sort(-1)
        dists.append(d2)
        idxs.append(idx.gather(-1, order))
    dist, idx = torch.cat(dists), torch.cat(idxs)  # (B, k)
    qc = qa.detach() - ctr
    P = patterns.detach()
    pp_max = torch.stack([block(P, a, min(a + c, d), acc, ctr)[1].amax() for a in range(0, d, c)])
    pp_max = pp_max.amax()  # on the device: no host synchronisation per chunk
    bound = distance_error_bound(acc, n, (qc * qc).sum(-1) + pp_max)  # (B,)
    warn_if_cancelled(
        bound,
        dist[:, 0].detach(),
        "knn_distances",
        stacklevel=stacklevel,
        consequence="the distances returned are exact, but candidates closer together than "
        "the bound may be ranked wrongly (a returned neighbour may not be the nearest)",
    )
    if not squared:
        dist = dist.sqrt()
    dist = dist.to(patterns.dtype)
    return (dist[0], idx[0]) if single else (dist, idx)


def nearest_neighbour(patterns: torch.Tensor, x: torch.Tensor, chunk: int | None = None):
    """g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3), streamed: shape (B,) or a scalar.

    Same value as :func:`numerics.energies.nearest_neighbour` (an exact distance to the
    nearest pattern found); differentiable in x and the patterns.
    """
    if x is None:
        raise ValueError("x (queries) must be a torch.Tensor of shape (B, n) or (n,); got None")
    dist, _ = _knn(patterns, x, 1, chunk, False, True, stacklevel=4, name="x")
    return dist[..., 0]
