"""Section 4's objects in PyTorch, batched over queries.

Notation (arXiv:2405.08707v2; same as ``theory.energies``):

=============  ============================================================================
code           paper
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n); the paper's M is ``patterns.T``
``x``          queries, shape (B, n) (a single query (n,) is accepted and gives scalars)
``beta``       inverse temperature β > 0
``lse``        LSE(β, z) = β⁻¹ log Σ exp(β z) over the last axis, max-shifted
``sq_dists``   dist(x, ρⁱ) = ‖x − ρⁱ‖², shape (B, d), via ‖x‖² − 2xᵀρ + ‖ρ‖² clamped at 0
``g``          nearest-neighbour function (Eq. 3)
``E``          distance energy (Eq. 4); ``mchn_energy`` E^MCHN_β; ``global_energy`` Eq. (7)
=============  ============================================================================

Argument order everywhere (theory and numerics): ``(patterns, x)``.
Every function validates its input and raises ``ValueError`` saying what was wrong and what
was expected. No function builds a (B, d, n) broadcast.
"""

from __future__ import annotations

import math

import torch

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
]

_FLOATS = (torch.float64, torch.float32, torch.bfloat16, torch.float16)


def _check_finite(t: torch.Tensor, what: str) -> None:
    if not torch.isfinite(t).all():
        bad = (~torch.isfinite(t)).nonzero()[0].tolist()
        raise ValueError(f"{what} must be finite; found {t[tuple(bad)].item()} at index {bad}")


def check_patterns(patterns) -> torch.Tensor:
    """Validate stored patterns: a finite floating tensor of shape (d, n), d ≥ 1, n ≥ 1."""
    if not isinstance(patterns, torch.Tensor):
        raise ValueError(f"patterns must be a torch.Tensor of shape (d, n); got {type(patterns)}")
    if patterns.dim() != 2:
        raise ValueError(f"patterns must have shape (d, n); got shape {tuple(patterns.shape)}")
    if patterns.shape[0] == 0 or patterns.shape[1] == 0:
        raise ValueError(
            f"patterns must hold at least one pattern of dimension ≥ 1; got shape "
            f"{tuple(patterns.shape)} (an empty pattern set has no energy)"
        )
    if patterns.dtype not in _FLOATS:
        raise ValueError(f"patterns must be a floating dtype {_FLOATS}; got {patterns.dtype}")
    _check_finite(patterns, "patterns")
    return patterns


def check_queries(x, patterns: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """Validate queries against patterns; returns (x as (B, n), whether x was a single vector)."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"queries must be a torch.Tensor of shape (B, n) or (n,); got {type(x)}")
    single = x.dim() == 1
    xb = x.unsqueeze(0) if single else x
    if xb.dim() != 2:
        raise ValueError(f"queries must have shape (B, n) or (n,); got {tuple(x.shape)}")
    if xb.shape[1] != patterns.shape[1]:
        raise ValueError(
            f"queries have dimension n = {xb.shape[1]} but patterns have n = {patterns.shape[1]}"
        )
    if xb.dtype != patterns.dtype:
        raise ValueError(
            f"queries are {xb.dtype} but patterns are {patterns.dtype}; convert one explicitly"
        )
    if xb.device != patterns.device:
        raise ValueError(f"queries are on {xb.device} but patterns are on {patterns.device}")
    _check_finite(xb, "queries")
    return xb, single


def _check_beta(beta) -> float:
    b = float(beta)
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"inverse temperature beta must be a finite number > 0; got {beta!r}")
    return b


def lse(z: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """LSE(β, z) = β⁻¹ log Σ exp(β z) along ``dim``, shifted by the max (App. A, Lemma 2).

    ``-inf`` entries are allowed (they contribute nothing); an all ``-inf`` slice gives ``-inf``.
    NaN or an empty axis raises ``ValueError``.
    """
    if not isinstance(z, torch.Tensor):
        raise ValueError(f"z must be a torch.Tensor; got {type(z)}")
    if z.shape[dim] == 0:
        raise ValueError("LSE over an empty axis is undefined (log 0); got an empty vector")
    if torch.isnan(z).any():
        raise ValueError("LSE got a NaN argument")
    b = _check_beta(beta)
    bz = z * b
    m = bz.amax(dim=dim, keepdim=True)
    m_safe = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    s = torch.exp(bz - m_safe).sum(dim=dim, keepdim=True)
    out = (m_safe + torch.log(s)).squeeze(dim)
    return out / b


def softmax(z: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """softmax(β z) = ∇_z LSE(β, z), along ``dim``."""
    b = _check_beta(beta)
    if torch.isnan(z).any():
        raise ValueError("softmax got a NaN argument")
    return torch.softmax(z * b, dim=dim)


def sq_dists(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """‖x_b − ρⁱ‖² for all b, i: shape (B, d), by ‖x‖² − 2xᵀρ + ‖ρ‖² clamped at zero."""
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    xx = (xb * xb).sum(-1, keepdim=True)  # (B, 1)
    pp = (patterns * patterns).sum(-1)  # (d,)
    d2 = (xx - 2.0 * (xb @ patterns.T) + pp).clamp_min(0.0)  # (B, d)
    return d2[0] if single else d2


def nearest_neighbour(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3): shape (B,) or a scalar."""
    return sq_dists(patterns, x).amin(-1)


def distance_energy(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²) (Eq. 4): shape (B,) or a scalar."""
    return -lse(-sq_dists(patterns, x))


def mchn_energy(patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer et al. 2020)."""
    b = _check_beta(beta)
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    d = patterns.shape[0]
    e = (
        -lse(xb @ patterns.T, b)  # (B,)
        + 0.5 * (xb * xb).sum(-1)
        + math.log(d) / b
        + 0.5 * (patterns * patterns).sum(-1).max()
    )
    return e[0] if single else e


def global_energy(layer_energies: torch.Tensor) -> torch.Tensor:
    """E_global = −LSE(−E_1, …, −E_l) (Eq. 7); ``layer_energies`` has shape (..., l)."""
    if not isinstance(layer_energies, torch.Tensor) or layer_energies.dim() == 0:
        raise ValueError("layer_energies must be a tensor of shape (..., l) with l ≥ 1")
    return -lse(-layer_energies)


def cccp_step(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """One CCCP/MM step of Eq. (4): x⁺ = M softmax(2Mᵀx − ‖ρ‖²).

    This is softmax attention with keys = values = patterns, β = 2 and the per-pattern
    additive bias −‖ρⁱ‖². Shape (B, n) or (n,).
    """
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    u = 2.0 * (xb @ patterns.T) - (patterns * patterns).sum(-1)  # (B, d)
    out = torch.softmax(u, dim=-1) @ patterns  # (B, n)
    return out[0] if single else out


def mchn_update(patterns: torch.Tensor, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """The MCHN update x⁺ = M softmax(β Mᵀx) (Ramsauer et al. 2020, Eq. 3).

    Softmax attention with keys = values = patterns, scale β and no bias; the twin of
    ``theory.energies.mchn_update``. Shape (B, n) or (n,).
    """
    b = _check_beta(beta)
    patterns = check_patterns(patterns)
    xb, single = check_queries(x, patterns)
    out = torch.softmax(b * (xb @ patterns.T), dim=-1) @ patterns  # (B, d) @ (d, n)
    return out[0] if single else out


def cccp_iterate(
    patterns: torch.Tensor, x: torch.Tensor, steps: int = 100, tol: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Iterate :func:`cccp_step`; returns (final state, energies along the path (steps+1, B)).

    Stops early once every query moves less than ``tol`` (Euclidean) in one step.
    """
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0; got {steps}")
    energies = [distance_energy(patterns, x)]
    for _ in range(steps):
        nxt = cccp_step(patterns, x)
        moved = (nxt - x).norm(dim=-1).max()
        x = nxt
        energies.append(distance_energy(patterns, x))
        if moved <= tol:
            break
    return x, torch.stack(energies)
