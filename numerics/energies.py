"""Section 4's objects in PyTorch, batched over queries.

Notation (arXiv:2405.08707v2; same as ``theory.energies``):

=============  ============================================================================
code           paper
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n); the paper's M is ``patterns.T``
``x``          queries, shape (B, n) (a single query (n,) is accepted and gives scalars)
``beta``       inverse temperature β > 0
``lse``        LSE(β, z) = β⁻¹ log Σ exp(β z) over the last axis, max-shifted
``c``          the patterns' centre (their mean); distances are translation-invariant
``sq_dists``   dist(x, ρⁱ) = ‖x − ρⁱ‖², shape (B, d): ‖x̃‖² − 2x̃ᵀρ̃ + ‖ρ̃‖² with x̃ = x − c,
               ρ̃ = ρ − c, clamped at 0; pairs where that form may have cancelled
               (dist < ¼(‖x̃‖² + ‖ρ̃ⁱ‖²)) are recomputed as ‖x − ρⁱ‖² directly
``g``          nearest-neighbour function (Eq. 3)
``E``          distance energy (Eq. 4); ``mchn_energy`` E^MCHN_β; ``global_energy`` Eq. (7)
=============  ============================================================================

Argument order everywhere (theory and numerics): ``(patterns, x)``.
Every function validates its input and raises ``ValueError`` naming the argument, saying what
was wrong and what was expected. No function builds a (B, d, n) broadcast: the direct
recomputation of at-risk pairs runs in pieces of at most 2²⁰ elements.

Precision: float64 and float32 compute in their own dtype; bfloat16 and float16 are computed
at float32 and the result is rounded to the input dtype (so no 16-bit overflow or
cancellation inside: ‖ρ‖² = 40000 is beyond float16's 65504 once doubled). Distances are
accurate to a few units of (n + 2)·u relative, whatever the offset of the data from the
origin; see :mod:`numerics.tolerances` for the table. ±inf in ``lse``/``softmax`` follow
the limits (scipy's ``logsumexp`` convention); a NaN is a ``ValueError``.
"""

from __future__ import annotations

import torch

from numerics.logmeanexp import neg_log_mean_exp
from numerics.validate import (
    FLOATS,
    check_beta,
    check_int,
    check_nonnegative,
    check_patterns,
    check_queries,
    check_scores,
    check_tensor,
    work_dtype,
)

__all__ = [
    "check_patterns",
    "check_queries",
    "lse",
    "softmax",
    "sq_dists",
    "nearest_neighbour",
    "distance_energy",
    "mchn_energy",
    "global_energy",
    "cccp_step",
    "cccp_iterate",
    "mchn_update",
    "centre",
]

_FLOATS = FLOATS
# A pair is recomputed directly when its expanded distance is below this fraction of
# ‖x̃‖² + ‖ρ̃‖² (the size of the terms that cancel); the others keep ≤ 4(n + 2)u relative error.
REFINE_FRACTION = 0.25
# Elements per piece of the direct recomputation (bounds its temporaries).
_REFINE_BUDGET = 2**20


def _scores(z, name: str, dim):
    z, dim = check_scores(z, name, dim)
    return z, dim, z.to(work_dtype(z.dtype))


def lse(z: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """LSE(β, z) = β⁻¹ log Σ exp(β z) along ``dim`` = m + β⁻¹ log Σ exp(β(z − m)), m = max z.

    App. A, Lemma 2's max shift, taken on z itself so that β z cannot overflow for large β.
    ``-inf`` entries contribute nothing and an all ``-inf`` slice gives ``-inf``; a ``+inf``
    entry gives ``+inf`` (scipy.special.logsumexp's convention). NaN, a 0-D ``z`` or an
    empty axis raise ``ValueError``.
    """
    b = check_beta(beta)
    z, dim, zw = _scores(z, "z", dim)
    m = zw.detach().amax(dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))  # shift only; ±inf rows keep 0
    s = torch.exp((zw - m) * b).sum(dim, keepdim=True)
    return (m + torch.log(s) / b).squeeze(dim).to(z.dtype)


def softmax(z: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """softmax(β z) = ∇_z LSE(β, z), along ``dim``.

    ``-inf`` entries get weight 0. A slice with ``+inf`` entries gets the limit: equal
    weights on its ``+inf`` entries, 0 elsewhere (scipy's ``softmax`` returns NaN there; its
    ``logsumexp`` gives +inf, whose gradient this is). An all ``-inf`` slice (0/0) and NaN
    raise ``ValueError``.
    """
    b = check_beta(beta)
    z, dim, zw = _scores(z, "z", dim)
    if bool(torch.isneginf(zw).all(dim).any()):
        raise ValueError(f"softmax of z: a slice along dim {dim} is all -inf (0/0, undefined)")
    pinf = torch.isposinf(zw)
    m = zw.detach().amax(dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    w = torch.softmax((torch.where(pinf, torch.zeros_like(zw), zw) - m) * b, dim=dim)
    if bool(pinf.any()):
        hot = pinf.to(zw.dtype)
        limit = hot / hot.sum(dim, keepdim=True).clamp_min(1.0)
        w = torch.where(pinf.any(dim, keepdim=True), limit, w)
    return w.to(z.dtype)


def centre(patterns: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """The patterns' mean c (n,), detached, in ``dtype`` (default: the work dtype).

    Any fixed c gives the same distances in exact arithmetic; the mean makes ‖ρ − c‖ small
    for patterns far from the origin, which is what the expanded distance form needs.
    Computed 2¹⁶ rows at a time so that 16-bit patterns are never copied whole to float32.
    """
    check_tensor(patterns, "patterns", "(d, n)")
    if patterns.dim() != 2 or patterns.shape[0] == 0:
        raise ValueError(f"patterns must have shape (d, n), d ≥ 1; got {tuple(patterns.shape)}")
    if dtype is not None and dtype not in FLOATS:
        raise ValueError(f"dtype must be one of {FLOATS} or None; got {dtype!r}")
    dtype = dtype or work_dtype(patterns.dtype)
    P = patterns.detach()
    d = P.shape[0]
    if P.dtype == dtype:
        return P.mean(0)
    total = torch.zeros(P.shape[1], dtype=dtype, device=P.device)
    for a in range(0, d, 1 << 16):
        total = total + P[a : a + (1 << 16)].to(dtype).sum(0)
    return total / d


def _refine(d2, xw, Pw, xx, pp):
    """Recompute, as ‖x − ρ‖² directly, the pairs where the expanded form may have cancelled."""
    risky = d2 < REFINE_FRACTION * (xx + pp)  # (B, d)
    if not bool(risky.any()):
        return d2
    bi, ii = risky.nonzero(as_tuple=True)  # (k,), (k,)
    piece = max(1, _REFINE_BUDGET // xw.shape[1])
    vals = [
        ((xw[bi[a : a + piece]] - Pw[ii[a : a + piece]]) ** 2).sum(-1)  # (piece,)
        for a in range(0, bi.shape[0], piece)
    ]
    return d2.index_put((bi, ii), torch.cat(vals))


def _geometry(patterns, x):
    """Validate; return (c, ρ̃ = P − c, distances (B, d), single, input dtype) at work dtype."""
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    wd = work_dtype(patterns.dtype)
    Pw, xw = patterns.to(wd), xb.to(wd)
    c = centre(patterns, wd)  # (n,)
    Pc, xc = Pw - c, xw - c  # (d, n), (B, n)
    pp = (Pc * Pc).sum(-1)  # (d,)
    xx = (xc * xc).sum(-1, keepdim=True)  # (B, 1)
    d2 = (xx - 2.0 * (xc @ Pc.T) + pp).clamp_min(0.0)  # (B, d)
    if bool(torch.isnan(d2).any()):
        raise ValueError(
            f"distances overflowed {wd} (inf − inf): the spread of patterns and x (queries) is "
            "too large for this dtype; use float64"
        )
    d2 = _refine(d2, xw, Pw, xx, pp)
    return c, Pc, d2, single, patterns.dtype


def _out(t: torch.Tensor, dtype: torch.dtype, single: bool) -> torch.Tensor:
    if bool(torch.isnan(t).any()):
        raise ValueError(
            f"the inputs overflowed {work_dtype(dtype)} (inf − inf inside the computation); "
            "they are too large for this dtype: use float64"
        )
    t = t.to(dtype)
    return t[0] if single else t


def sq_dists(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """‖x_b − ρⁱ‖² for all b, i: shape (B, d) or (d,), translation-invariant (see the legend)."""
    _, _, d2, single, dtype = _geometry(patterns, x)
    return _out(d2, dtype, single)


def nearest_neighbour(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3): shape (B,) or a scalar."""
    _, _, d2, single, dtype = _geometry(patterns, x)
    return _out(d2.amin(-1), dtype, single)


def distance_energy(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²) (Eq. 4): shape (B,) or a scalar."""
    _, _, d2, single, dtype = _geometry(patterns, x)
    return _out(-lse(-d2), dtype, single)


def mchn_energy(patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer et al. 2020).

    The β-dependent part β⁻¹(log d − LSE(β Mᵀx)) comes from :mod:`numerics.logmeanexp`,
    accurate for every β > 0 (its β → 0 limit is −mean(Mᵀx)). Not translation-invariant:
    its absolute error is a few u·(‖x‖² + maxᵢ‖ρⁱ‖²). Shape (B,) or a scalar.
    """
    b = check_beta(beta)
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    wd = work_dtype(patterns.dtype)
    Pw, xw = patterns.to(wd), xb.to(wd)
    z = xw @ Pw.T  # (B, d)
    if bool(torch.isinf(z).any()):
        raise ValueError(
            f"E^MCHN overflowed {wd}: the scores xᵀρ of patterns and x (queries) are beyond "
            "its range; use float64"
        )
    nu = neg_log_mean_exp(z, b)  # (B,)
    e = nu + 0.5 * (xw * xw).sum(-1) + 0.5 * (Pw * Pw).sum(-1).max()
    return _out(e, patterns.dtype, single)


def global_energy(layer_energies: torch.Tensor) -> torch.Tensor:
    """E_global = −LSE(−E_1, …, −E_l) (Eq. 7); ``layer_energies`` has shape (..., l), l ≥ 1.

    A layer energy of +inf (a layer that cannot be reached) drops out; all +inf gives +inf.
    """
    check_tensor(layer_energies, "layer_energies", "(..., l)")
    if layer_energies.dim() == 0:
        raise ValueError("layer_energies must have shape (..., l) with l ≥ 1; got a 0-D tensor")
    check_scores(layer_energies, "layer_energies", -1)
    return -lse(-layer_energies)


def cccp_step(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """One CCCP/MM step of Eq. (4): x⁺ = M softmax(2Mᵀx − ‖ρ‖²) = M softmax(−dist(x, ρ)).

    Softmax attention with keys = values = patterns, β = 2 and the per-pattern additive bias
    −‖ρⁱ‖²; the scores 2xᵀρⁱ − ‖ρⁱ‖² = ‖x‖² − ‖x − ρⁱ‖² differ from −dist by a per-query
    constant, so the weights are taken from the translation-invariant distances and
    x⁺ = c + Σᵢ wᵢ (ρⁱ − c). Shape (B, n) or (n,).
    """
    c, Pc, d2, single, dtype = _geometry(patterns, x)
    w = torch.softmax(-d2, dim=-1)  # (B, d)
    return _out(c + w @ Pc, dtype, single)


def mchn_update(patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """The MCHN update x⁺ = M softmax(β Mᵀx) (Ramsauer et al. 2020, Eq. 3).

    Softmax attention with keys = values = patterns, scale β and no bias; the twin of
    ``theory.energies.mchn_update``. The scores are shifted by their maximum before the
    scale, so a large β cannot overflow. Shape (B, n) or (n,).
    """
    b = check_beta(beta)
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    wd = work_dtype(patterns.dtype)
    Pw, xw = patterns.to(wd), xb.to(wd)
    z = xw @ Pw.T  # (B, d)
    z = z - z.detach().amax(-1, keepdim=True)
    return _out(torch.softmax(z * b, dim=-1) @ Pw, patterns.dtype, single)  # (B, n)


def cccp_iterate(
    patterns: torch.Tensor, x: torch.Tensor, steps: int = 100, tol: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Iterate :func:`cccp_step`; returns (final state, energies along the path (k+1, B)).

    k ≤ ``steps`` (an int ≥ 0): it stops early once every query moves at most ``tol``
    (Euclidean, a finite number ≥ 0) in one step.
    """
    steps = check_int(steps, "steps", 0)
    tol = check_nonnegative(tol, "tol")
    energies = [distance_energy(patterns, x)]
    for _ in range(steps):
        nxt = cccp_step(patterns, x)
        moved = (nxt - x).double().norm(dim=-1).max()
        x = nxt
        energies.append(distance_energy(patterns, x))
        if moved <= tol:
            break
    return x, torch.stack(energies)
