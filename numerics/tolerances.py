"""The one table of per-dtype tolerances used to compare torch results with mpmath.

A torch value ``t`` matches a high-precision reference ``m`` when

    |t − m| ≤ rtol · (|m| + scale)

where ``scale`` is the magnitude of the terms that cancel inside the computation (for the
energies: ‖x‖² + maxᵢ ‖ρⁱ‖² + log d + 1). The distance form ‖x‖² − 2xᵀρ + ‖ρ‖² loses
absolute accuracy proportional to that scale, so a purely relative test would be wrong for
energies near zero at large norms.

The same table covers the streaming kernels of :mod:`numerics.stream` (chunked, online
LogSumExp). For the CCCP step x⁺ = M softmax(2Mᵀx − ‖ρ‖²), compared entry by entry, the
scale is the energy scale times maxᵢⱼ |ρⁱⱼ| (a score error δ moves the softmax weights by
about δ, and the output by δ times the size of the patterns).

Measured worst |t − m| / (|m| + scale), t computed in the low dtype, m in float64 from the
same (already rounded) inputs; 40 random draws with d ≤ 3000, n ≤ 80, pattern and query
norms up to ~40, two queries within 1e-3 of a pattern (``tests/test_stream.py`` rechecks
this rule on random draws):

======================  ===========  ============  ===========  ============
kernel                  float32      float32       bfloat16     bfloat16
                        (direct)     (stream)      (direct)     (stream)
======================  ===========  ============  ===========  ============
E, Eq. (4)              2.5e-7       2.5e-7        4.1e-3       1.5e-3
g, Eq. (3)              2.5e-7       2.5e-7        3.7e-3       1.7e-3
E^MCHN_β=1              1.2e-7       1.2e-7        4.4e-3       1.2e-3
CCCP step (entries)     1.7e-8       2.7e-8        1.9e-4       1.7e-4
======================  ===========  ============  ===========  ============

The direct bfloat16 forms compute in bfloat16 throughout; the streaming kernels upcast each
chunk and accumulate in float32, then round the result to bfloat16, so their error is about
the final rounding (2⁻⁹ relative). Float16 inputs are streamed the same way (not measured
here). All measured values sit well inside ``RTOL``; the table is not tightened to them
because larger n and d add round-off roughly in proportion to n and log d.
"""

from __future__ import annotations

import torch

RTOL: dict[torch.dtype, float] = {
    torch.float64: 1e-12,
    torch.float32: 2e-5,
    torch.bfloat16: 4e-2,
    torch.float16: 4e-3,
}


def rtol(dtype: torch.dtype) -> float:
    """The relative tolerance for ``dtype``; ``ValueError`` for a dtype not in the table."""
    try:
        return RTOL[dtype]
    except KeyError:
        raise ValueError(
            f"no tolerance for dtype {dtype}; expected one of {sorted(map(str, RTOL))}"
        ) from None


def close(t: float, m: float, dtype: torch.dtype, scale: float = 0.0) -> bool:
    """Whether torch value ``t`` matches reference ``m`` within ``dtype``'s tolerance."""
    return abs(t - m) <= rtol(dtype) * (abs(m) + scale)
