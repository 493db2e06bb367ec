"""The one table of per-dtype tolerances used to compare torch results with mpmath.

A torch value ``t`` matches a high-precision reference ``m`` when

    |t − m| ≤ rtol · (|m| + scale)

where ``scale`` is the magnitude of the terms that cancel inside the computation. For the
distance kernels (E of Eq. 4, g of Eq. 3, the CCCP step, k-NN) that is the *centred* scale
‖x − c‖² + maxᵢ ‖ρⁱ − c‖² + log d + 1 with c the patterns' mean: distances are
translation-invariant and every kernel computes them about c, so an offset the data share
costs nothing (issue 13: entries ~1e8 in float64, ~1e4 in float32, gave g = 0 for 1 and
g = 16 for 0.25, inside the old uncentred scale). For E^MCHN_β, which is not
translation-invariant, it is the uncentred ‖x‖² + maxᵢ ‖ρⁱ‖² + log d + 1 (its terms
−xᵀρ + ½‖x‖² + ½‖ρ‖² cancel). For the CCCP step x⁺ = M softmax(2Mᵀx − ‖ρ‖²), compared entry
by entry, the scale is the centred energy scale times maxᵢⱼ |ρⁱⱼ − cⱼ| (a score error δ moves
the softmax weights by about δ, and the output by δ times the patterns' spread). A scale
≥ 1 is why no kernel can be asked for a relative accuracy of a value near 0 beyond rtol.

Measured worst |t − m| / (|m| + scale), t computed in the low dtype, m in float64 from the
same (already rounded) inputs; 40 random draws with d ≤ 3000, n ≤ 80, pattern and query
norms up to ~40, two queries within 1e-3 of a pattern (measured by
``python -m numerics.tolerance_survey 40 0``; ``tests/numerics/test_tolerances.py`` reruns a
smaller survey against ``RTOL``, the stream and direct tests recheck the rule on random
draws):

==================  =========  =========  =========  =========  =========  =========
kernel              float32    float32    bfloat16   bfloat16   float16    float16
                    direct     stream     direct     stream     direct     stream
==================  =========  =========  =========  =========  =========  =========
E, Eq. (4)          5.7e-8     1.7e-7     1.1e-3     1.1e-3     1.3e-4     1.3e-4
g, Eq. (3)          5.7e-8     4.9e-8     8.8e-4     8.8e-4     1.1e-4     1.1e-4
E^MCHN_β=1          1.2e-7     1.2e-7     1.2e-3     1.2e-3     1.3e-4     1.3e-4
CCCP step           4.8e-9     8.7e-9     3.0e-5     3.0e-5     4.1e-6     4.1e-6
==================  =========  =========  =========  =========  =========  =========

The same draws shifted by 1000 in every entry (``... 40 1000``) stay below 2e-7 (float32),
1.5e-3 (bfloat16) and 2.3e-4 (float16). bfloat16 and float16 are computed at float32 in
every kernel, direct and streamed, and the result is rounded to the input dtype, so their
error is the final rounding (2⁻⁹ and 2⁻¹² relative) — no 16-bit overflow inside (2xᵀρ
for ρ = x = 200 is beyond float16's 65504) — but a *result* beyond the dtype's range
(float16: 65504) rounds to inf, as IEEE arithmetic does. All measured values sit well
inside ``RTOL``; the table is not tightened to them because larger n and d add round-off
roughly in proportion to n and log d.

Range (what centring cannot remove). Each distance computed by the expanded form
‖x̃‖² − 2x̃ᵀρ̃ + ‖ρ̃‖² (x̃ = x − c, ρ̃ = ρ − c) carries an absolute error of at most
(n + 2)·u·(‖x̃‖² + ‖ρ̃‖²) (:func:`distance_error_bound`; u the unit roundoff of the
computing dtype: 2⁻⁵³ float64, 2⁻²⁴ float32 and the 16-bit types). The direct kernels of
:mod:`numerics.energies` recompute every pair where that could matter (distance below a
quarter of ‖x̃‖² + ‖ρ̃‖²) as ‖x − ρ‖² directly, so their distances are accurate to a few
(n + 2)·u *relative*, at any offset and spread; :mod:`numerics.knn` returns exact direct
distances of the neighbours it finds. The streaming E and CCCP step (and the k-NN ranking)
keep the bound: they are within this table while (n + 2)·u·(‖x̃‖² + maxᵢ‖ρ̃ⁱ‖²) ≤
WARN_FRACTION·(1 + g) for each query, g its nearest distance — e.g. float32, n = 64 and a
query on a pattern: spread ‖x̃‖² + maxᵢ‖ρ̃ⁱ‖² ≤ 1.2e4; float64: ≤ 6.8e12 — and outside it
they emit a :class:`PrecisionWarning` (the result may have no correct digit near that
query; use float64 or the direct kernels).
"""

from __future__ import annotations

import warnings

import torch

__all__ = [
    "RTOL",
    "rtol",
    "close",
    "unit_roundoff",
    "PrecisionWarning",
    "WARN_FRACTION",
    "distance_error_bound",
    "warn_if_cancelled",
]

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
    """Whether torch value ``t`` matches reference ``m`` within ``dtype``'s tolerance.

    ``scale`` ≥ 0 (the size of the terms that cancel); a NaN ``t`` or ``m`` is never close.
    """
    scale = float(scale)
    if not scale >= 0:
        raise ValueError(f"scale must be a number ≥ 0 (a magnitude); got {scale!r}")
    return abs(t - m) <= rtol(dtype) * (abs(m) + scale)


UNIT_ROUNDOFF: dict[torch.dtype, float] = {
    torch.float64: 2.0**-53,
    torch.float32: 2.0**-24,
    torch.bfloat16: 2.0**-8,
    torch.float16: 2.0**-11,
}

# The streaming kernels warn when the error bound of a distance exceeds this fraction of
# 1 + g (g the nearest distance found): beyond it the weights exp(−dist) near the query are
# off by more than e^{0.05}, i.e. the result has no reliable leading digit.
WARN_FRACTION = 0.05


class PrecisionWarning(UserWarning):
    """A kernel's result is outside the accuracy range documented in this module."""


def unit_roundoff(dtype: torch.dtype) -> float:
    """u = 2^(−p) for a p-bit significand; ``ValueError`` for a dtype not in the table."""
    try:
        return UNIT_ROUNDOFF[dtype]
    except KeyError:
        raise ValueError(
            f"no unit roundoff for dtype {dtype}; expected one of {sorted(map(str, UNIT_ROUNDOFF))}"
        ) from None


def distance_error_bound(dtype: torch.dtype, n: int, scale):
    """(n + 2)·u·scale: the rounding-error bound of ‖x̃‖² − 2x̃ᵀρ̃ + ‖ρ̃‖² computed in ``dtype``,
    where ``scale`` = ‖x̃‖² + ‖ρ̃‖² (centred norms). Works on floats and tensors."""
    return (int(n) + 2) * unit_roundoff(dtype) * scale


def warn_if_cancelled(
    bound: torch.Tensor,
    g: torch.Tensor,
    what: str,
    stacklevel: int = 3,
    consequence: str = "the result may have no correct digits there",
) -> bool:
    """Warn (:class:`PrecisionWarning`) where ``bound`` > WARN_FRACTION·(1 + g), elementwise.

    ``bound``: the distance error bound per query; ``g``: the nearest distance found;
    ``consequence``: what the user should expect. Returns whether it warned. One host
    synchronisation on CUDA.
    """
    bad = bound > WARN_FRACTION * (1.0 + g.clamp_min(0.0))
    found = bool(bad.any())
    if found:
        i = int(bad.nonzero()[0, 0])
        b_i, g_i = float(bound.flatten()[i]), float(g.flatten()[i])
        warnings.warn(
            f"{what}: the data's spread about the patterns' mean is too large for "
            f"{bound.dtype} to resolve the distances near query {i} (error bound {b_i:.3g} "
            f"against a nearest distance {g_i:.3g}); {consequence}. Use float64 (the range "
            "of each dtype is in numerics.tolerances).",
            PrecisionWarning,
            stacklevel=stacklevel,
        )
    return found
