"""Argument checks shared by every kernel of :mod:`numerics`: a ``ValueError`` naming the argument.

Notation (arXiv:2405.08707v2; same as :mod:`numerics.energies`):

=============  ============================================================================
code           paper
=============  ============================================================================
``patterns``   ρ¹ … ρ^d as rows, shape (d, n)
``x``          queries, shape (B, n) or a single query (n,)
``beta``       inverse temperature β > 0
``work``       the dtype a kernel computes in: float64 and float32 keep theirs, bfloat16 and
               float16 are computed at float32 and the result is rounded back
=============  ============================================================================

Every check raises ``ValueError`` saying which argument was wrong, what it was and what was
expected; nothing here lets a raw ``TypeError``/``IndexError``/``RuntimeError`` of torch
escape for a bad argument (a meta-device tensor, a complex β, a 0-D score vector, …).
"""

from __future__ import annotations

import math
import numbers

import torch

__all__ = [
    "FLOATS",
    "work_dtype",
    "check_tensor",
    "check_patterns",
    "check_queries",
    "check_scores",
    "check_beta",
    "check_int",
    "check_nonnegative",
]

FLOATS = (torch.float64, torch.float32, torch.bfloat16, torch.float16)


def work_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype a kernel computes in: float64/float32 keep theirs, 16-bit floats use float32."""
    return dtype if dtype in (torch.float64, torch.float32) else torch.float32


def check_tensor(t, name: str, shape_hint: str) -> torch.Tensor:
    """A dense floating tensor holding data (not on the meta device, not sparse)."""
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor of shape {shape_hint}; got {type(t)}")
    if t.layout != torch.strided:
        raise ValueError(f"{name} must be a dense (strided) tensor; got layout {t.layout}")
    if t.device.type == "meta":
        raise ValueError(
            f"{name} is on the meta device (a shape without data); expected a CPU or CUDA tensor"
        )
    if t.dtype not in FLOATS:
        raise ValueError(f"{name} must have a floating dtype {FLOATS}; got {t.dtype}")
    return t


def _check_finite(t: torch.Tensor, name: str) -> None:
    if not bool(torch.isfinite(t).all()):
        bad = (~torch.isfinite(t)).nonzero()[0].tolist()
        raise ValueError(f"{name} must be finite; found {t[tuple(bad)].item()} at index {bad}")


def check_patterns(patterns) -> torch.Tensor:
    """Validate stored patterns: a finite floating tensor of shape (d, n), d ≥ 1, n ≥ 1."""
    check_tensor(patterns, "patterns", "(d, n)")
    if patterns.dim() != 2:
        raise ValueError(f"patterns must have shape (d, n); got shape {tuple(patterns.shape)}")
    if patterns.shape[0] == 0 or patterns.shape[1] == 0:
        raise ValueError(
            f"patterns must hold at least one pattern of dimension ≥ 1; got shape "
            f"{tuple(patterns.shape)} (an empty pattern set has no energy)"
        )
    _check_finite(patterns, "patterns")
    return patterns


def check_queries(x, patterns: torch.Tensor, name: str = "x") -> tuple[torch.Tensor, bool]:
    """Validate queries against patterns; returns (x as (B, n), whether x was a single vector).

    B ≥ 1: an empty batch is rejected (no function here has a meaningful result for it).
    """
    check_tensor(x, f"{name} (queries)", "(B, n) or (n,)")
    single = x.dim() == 1
    xb = x.unsqueeze(0) if single else x
    if xb.dim() != 2:
        raise ValueError(f"{name} (queries) must have shape (B, n) or (n,); got {tuple(x.shape)}")
    if xb.shape[0] == 0:
        raise ValueError(
            f"{name} (queries) must hold at least one query (B ≥ 1); got shape {tuple(x.shape)}"
        )
    if xb.shape[1] != patterns.shape[1]:
        raise ValueError(
            f"{name} (queries) have dimension n = {xb.shape[1]} but patterns have "
            f"n = {patterns.shape[1]}"
        )
    if xb.dtype != patterns.dtype:
        raise ValueError(
            f"{name} (queries) are {xb.dtype} but patterns are {patterns.dtype}; "
            "convert one explicitly"
        )
    if xb.device != patterns.device:
        raise ValueError(
            f"{name} (queries) are on {xb.device} but patterns are on {patterns.device}"
        )
    _check_finite(xb, f"{name} (queries)")
    return xb, single


def check_scores(z, name: str, dim) -> tuple[torch.Tensor, int]:
    """A score tensor for LSE/softmax along ``dim``: ≥ 1-D, non-empty along ``dim``, no NaN.

    ``±inf`` entries are allowed (their meaning is the limit, as in scipy's ``logsumexp``).
    Returns (z, dim as a non-negative axis).
    """
    check_tensor(z, name, "(..., m)")
    if z.dim() == 0:
        raise ValueError(f"{name} must have at least one dimension (a vector of scores); got 0-D")
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise ValueError(f"dim must be an int; got {dim!r}")
    if not -z.dim() <= dim < z.dim():
        raise ValueError(f"dim = {dim} is out of range for {name} of shape {tuple(z.shape)}")
    dim = int(dim) % z.dim()
    if z.shape[dim] == 0:
        raise ValueError(
            f"{name} is empty along dim {dim} (shape {tuple(z.shape)}): LSE of no terms is "
            "log 0, undefined"
        )
    if bool(torch.isnan(z).any()):
        raise ValueError(f"{name} contains NaN; expected real scores (±inf allowed)")
    return z, dim


def _real(v, name: str, what: str) -> float:
    if isinstance(v, bool) or v is None or isinstance(v, (str, bytes, complex)):
        raise ValueError(f"{name} must be {what}; got {v!r}")
    if isinstance(v, torch.Tensor):
        if v.numel() != 1 or v.is_complex() or v.device.type == "meta":
            raise ValueError(f"{name} must be {what}; got a tensor of shape {tuple(v.shape)}")
        return float(v.detach())
    if not isinstance(v, numbers.Real):
        raise ValueError(f"{name} must be {what}; got {v!r} of type {type(v).__name__}")
    return float(v)


def check_beta(beta, name: str = "beta") -> float:
    """β as a float: a real number, finite and > 0 (not None, bool, complex or a string)."""
    what = "a finite real number > 0 (inverse temperature)"
    b = _real(beta, name, what)
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"{name} must be {what}; got {beta!r}")
    return b


def check_int(v, name: str, lo: int = 0) -> int:
    """An integer ≥ ``lo`` (bools and floats such as 2.5 or 3.0 are rejected)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise ValueError(f"{name} must be an int ≥ {lo}; got {v!r}")
    if v < lo:
        raise ValueError(f"{name} must be an int ≥ {lo}; got {v}")
    return int(v)


def check_nonnegative(v, name: str) -> float:
    """A finite real number ≥ 0."""
    what = "a finite real number ≥ 0"
    f = _real(v, name, what)
    if not (f >= 0 and math.isfinite(f)):
        raise ValueError(f"{name} must be {what}; got {v!r}")
    return f
