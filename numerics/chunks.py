"""Chunking shared by the streaming kernels (:mod:`numerics.stream`, :mod:`numerics.knn`).

Notation (as in :mod:`numerics.stream`):

=============  ============================================================================
code           meaning
=============  ============================================================================
``chunk``      c, how many patterns one step reads; every temporary is (B, c) or (c, n)
``budget``     elements of one (B, c) score block the default chunk aims for
``centre``     c̄, the patterns' mean: blocks are read as ρ − c̄ (distances are
               translation-invariant, and the expanded form ‖x̃‖² − 2x̃ᵀρ̃ + ‖ρ̃‖² loses
               accuracy in proportion to ‖x̃‖² + ‖ρ̃‖²)
=============  ============================================================================
"""

from __future__ import annotations

import torch

from numerics.validate import FLOATS, check_int, check_patterns

__all__ = [
    "BUDGET_CPU",
    "BUDGET_CUDA",
    "KNN_BUDGET_CPU",
    "KNN_BUDGET_CUDA",
    "KNN_CHUNK_CPU",
    "KNN_CHUNK_CUDA",
    "budget",
    "default_chunk",
    "check_chunk",
    "fast_patterns",
    "block",
    "needs_grad",
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


def budget(device: torch.device, knn: bool = False) -> int:
    if device.type == "cuda":
        return KNN_BUDGET_CUDA if knn else BUDGET_CUDA
    return KNN_BUDGET_CPU if knn else BUDGET_CPU


def default_chunk(B: int, d: int, device: torch.device | str = "cpu") -> int:
    """The chunk c used when none is given: the largest with B × c ≤ the device's budget.

    Budget: 2**20 elements on CPU (a cache-sized block), 2**24 on CUDA; c is clipped to
    [1, d], so c = d (a single pass) whenever the whole (B, d) block fits the budget.
    """
    B = check_int(B, "B (number of queries)", 0)
    d = check_int(d, "d (number of patterns)", 1)
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device must be a torch.device or a name like 'cpu'; got {device!r}"
        ) from None
    return max(1, min(d, budget(device) // max(B, 1)))


def check_chunk(chunk, B: int, d: int, device: torch.device) -> int:
    if chunk is None:
        return default_chunk(B, d, device)
    if isinstance(chunk, bool) or not isinstance(chunk, int):
        raise ValueError(f"chunk must be a positive int (patterns per step) or None; got {chunk!r}")
    if chunk <= 0:
        raise ValueError(f"chunk must be a positive int (patterns per step) or None; got {chunk}")
    return min(chunk, d)


def fast_patterns(patterns) -> torch.Tensor:
    """check_patterns without its d × n boolean temporary on the happy path.

    ``torch.aminmax`` propagates NaN and reads the tensor once without allocating; only when
    it finds a non-finite value (or the type/shape/device is wrong) is the full
    :func:`numerics.validate.check_patterns` run, so the error messages are the same.
    """
    if (
        isinstance(patterns, torch.Tensor)
        and patterns.dim() == 2
        and patterns.numel() > 0
        and patterns.dtype in FLOATS
        and patterns.layout == torch.strided
        and patterns.device.type != "meta"
    ):
        lo, hi = torch.aminmax(patterns.detach())
        if bool(torch.isfinite(lo)) and bool(torch.isfinite(hi)):
            return patterns
    return check_patterns(patterns)


def block(patterns: torch.Tensor, a: int, b: int, dtype: torch.dtype, c: torch.Tensor):
    """Patterns a..b in ``dtype``, centred at ``c``, and their squared norms: (k, n), (k,)."""
    pc = patterns[a:b].to(dtype) - c  # (k, n)
    return pc, (pc * pc).sum(-1)  # (k,)


def needs_grad(*tensors: torch.Tensor) -> bool:
    """Whether autograd will record: then the kernels use out-of-place operations only."""
    return torch.is_grad_enabled() and any(t.requires_grad for t in tensors)
