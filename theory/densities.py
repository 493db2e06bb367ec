"""Densities of Section 5 on a union of balls (n ≤ 2): partition functions by quadrature and
the cross-entropy of Proposition 4.

Notation (arXiv:2405.08707v2, Section 5): patterns ρⁱ (rows; scalars for n = 1) with balls
B_i = {x : ‖x − ρⁱ‖ ≤ r_i} (disjoint: Assumption 3), Ω = ∪ᵢ B_i, an energy E on Ω,
Z = ∫_Ω e^{−E} (Eq. 5 / Eq. 9), p(x) = e^{−E(x)}/Z, and L the cross-entropy of Eq. (11)'s test
distribution (mass 1/d′ on stored patterns) under p. Energies: g (``nearest_energy``, Eq. 3),
E (``distance_energy``, Eq. 4), e^{−g_t}/Z_t (``printed_layer_energy``), E_global
(``global_energy``, Eq. 7).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import mpmath

from theory.balls import _mp_positive
from theory.energies import LAYER_READINGS, mp_global_energy

__all__ = [
    "nearest_energy",
    "distance_energy",
    "printed_layer_energy",
    "global_energy",
    "mp_partition_function",
    "mp_density",
    "CrossEntropy",
    "mp_cross_entropy",
]


def _pattern_rows(patterns) -> list[list[mpmath.mpf]]:
    rows = []
    for p in patterns:
        if isinstance(p, (list, tuple)):
            rows.append([mpmath.mpf(v) for v in p])
        else:
            rows.append([mpmath.mpf(p)])
    if not rows:
        raise ValueError("patterns must be a non-empty list of vectors (or scalars for n = 1)")
    n = len(rows[0])
    if any(len(r) != n for r in rows):
        raise ValueError(
            f"all patterns must have the same dimension; got lengths "
            f"{sorted({len(r) for r in rows})}"
        )
    if n not in (1, 2):
        raise ValueError(f"the quadrature densities support n = 1 or n = 2; got n = {n}")
    for r in rows:
        if any(mpmath.isnan(v) or mpmath.isinf(v) for v in r):
            raise ValueError(f"pattern entries must be finite; got {r}")
    return rows


def _radii(radius, d: int) -> list[mpmath.mpf]:
    if isinstance(radius, (list, tuple)):
        if len(radius) != d:
            raise ValueError(f"got {len(radius)} radii for {d} patterns; expected one each")
        return [_mp_positive(r, "ball radius") for r in radius]
    r = _mp_positive(radius, "ball radius")
    return [r] * d


def _check_disjoint(rows, radii) -> None:
    """Assumption 3: ‖ρⁱ − ρʲ‖ ≥ r_i + r_j (touching balls overlap in a null set only)."""
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            gap = mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(rows[i], rows[j])))
            if gap < radii[i] + radii[j]:
                raise ValueError(
                    f"balls {i} and {j} overlap (‖ρ{i} − ρ{j}‖ = {mpmath.nstr(gap, 6)} < "
                    f"r{i} + r{j} = {mpmath.nstr(radii[i] + radii[j], 6)}); Assumption 3 "
                    "needs disjoint balls"
                )


def _sq_dists(rows, x):
    return [mpmath.fsum((a - b) ** 2 for a, b in zip(x, r)) for r in rows]


def _fast_nearest(rows, x):
    return min(_sq_dists(rows, x))


def _fast_distance_energy(rows, x):
    ds = _sq_dists(rows, x)
    m = min(ds)
    return m - mpmath.log(mpmath.fsum(mpmath.exp(m - t) for t in ds))


# The energy factories below inline Eq. (3)/(4) for speed inside quadrature loops (about
# twice as fast as going through theory.energies); the tests check them against
# theory.energies' mp_nearest_neighbour, mp_distance_energy, mp_layer_energy and
# mp_global_energy.


def nearest_energy(patterns) -> Callable:
    """x ↦ g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3) as a callable on a list of mpf (Eq. 5's energy)."""
    rows = _pattern_rows(patterns)
    return lambda x: _fast_nearest(rows, x)


def distance_energy(patterns) -> Callable:
    """x ↦ −LSE(−‖x − ρ¹‖², …) (Eq. 4) as a callable on a list of mpf."""
    rows = _pattern_rows(patterns)
    return lambda x: _fast_distance_energy(rows, x)


def printed_layer_energy(patterns, Z_t) -> Callable:
    """x ↦ exp(−g_t(x))/Z_t, the layer "energy" E_t as printed in Sec. 4."""
    rows = _pattern_rows(patterns)
    Z_t = _mp_positive(Z_t, "layer partition function Z_t")
    return lambda x: mpmath.exp(-_fast_nearest(rows, x)) / Z_t


def global_energy(layer_patterns: Sequence, reading: str = "distance", Z=None) -> Callable:
    """x ↦ E_global(x) = −LSE(−E_1(x), …, −E_l(x)) (Eq. 7), each E_t under ``reading``.

    ``layer_patterns[t]`` are layer t's patterns; ``reading`` is one of
    ``theory.energies.LAYER_READINGS``; the ``"printed"`` reading needs ``Z``, one Z_t per
    layer.
    """
    if not layer_patterns:
        raise ValueError("global_energy needs at least one layer of patterns")
    if reading == "printed":
        if Z is None or len(Z) != len(layer_patterns):
            raise ValueError(
                f"the printed reading needs one Z_t per layer ({len(layer_patterns)}); got {Z!r}"
            )
        layers = [printed_layer_energy(p, z) for p, z in zip(layer_patterns, Z)]
    elif reading == "distance":
        layers = [distance_energy(p) for p in layer_patterns]
    elif reading == "nearest":
        layers = [nearest_energy(p) for p in layer_patterns]
    else:
        raise ValueError(
            f"unknown layer-energy reading {reading!r}; expected one of {LAYER_READINGS}"
        )

    def energy(x):
        return mp_global_energy([e(x) for e in layers])

    return energy


def _ball_integral_1d(center, r, energy):
    c = center[0]
    return mpmath.quad(lambda t: mpmath.exp(-energy([t])), [c - r, c, c + r])


def _ball_integral_2d(center, r, energy, method):
    c0, c1 = center
    if method == "polar":

        def f(t, phi):
            return t * mpmath.exp(-energy([c0 + t * mpmath.cos(phi), c1 + t * mpmath.sin(phi)]))

        return mpmath.quad(f, [0, r], [0, 2 * mpmath.pi], method="gauss-legendre")

    # cartesian: x = c0 + r sin θ (θ ∈ [−π/2, π/2]) so the chord half-width r cos θ is smooth;
    # y = c1 + r cos θ · s, s ∈ [−1, 1]; dx dy = r² cos² θ dθ ds.
    def g(theta, s):
        ct = mpmath.cos(theta)
        return r * r * ct * ct * mpmath.exp(-energy([c0 + r * mpmath.sin(theta), c1 + r * ct * s]))

    return mpmath.quad(g, [-mpmath.pi / 2, 0, mpmath.pi / 2], [-1, 0, 1], method="gauss-legendre")


def mp_partition_function(patterns, radius, energy: Callable, method: str = "polar"):
    """Z = ∫_Ω exp(−E(x)) dx over Ω = ∪ᵢ {‖x − ρⁱ‖ ≤ rᵢ} (Eq. 5/9), n = 1 or 2, by quadrature.

    ``energy`` maps a list of n mpf to an mpf (see :func:`nearest_energy`,
    :func:`distance_energy`, :func:`global_energy`). ``radius`` is one Euclidean radius or
    one per pattern; the balls must be disjoint (Assumption 3). n = 1 integrates each
    interval with mpmath's tanh-sinh; n = 2 uses Gauss–Legendre over each disc in polar
    coordinates (``method="polar"``) or in cartesian coordinates (``"cartesian"``).

    >>> Z = mp_partition_function([0.0], 1, nearest_energy([0.0]))  # √π erf(1)
    >>> mpmath.nstr(Z, 12), mpmath.nstr(mpmath.sqrt(mpmath.pi) * mpmath.erf(1), 12)
    ('1.49364826562', '1.49364826562')
    """
    if method not in ("polar", "cartesian"):
        raise ValueError(f"unknown method {method!r}; expected 'polar' or 'cartesian'")
    rows = _pattern_rows(patterns)
    radii = _radii(radius, len(rows))
    _check_disjoint(rows, radii)
    if len(rows[0]) == 1:
        parts = [_ball_integral_1d(c, r, energy) for c, r in zip(rows, radii)]
    else:
        parts = [_ball_integral_2d(c, r, energy, method) for c, r in zip(rows, radii)]
    return mpmath.fsum(parts)


def mp_density(patterns, radius, energy: Callable, x, Z=None, method: str = "polar"):
    """p(x) = exp(−E(x))/Z on Ω and 0 off Ω (Eq. 5/9); Z is computed when not given."""
    rows = _pattern_rows(patterns)
    radii = _radii(radius, len(rows))
    xv = [mpmath.mpf(v) for v in (x if isinstance(x, (list, tuple)) else [x])]
    if len(xv) != len(rows[0]):
        raise ValueError(f"x has dimension {len(xv)} but patterns have {len(rows[0])}")
    if Z is None:
        Z = mp_partition_function(patterns, radius, energy, method)
    Z = _mp_positive(Z, "partition function Z")
    inside = any(
        mpmath.fsum((a - b) ** 2 for a, b in zip(xv, c)) <= r * r for c, r in zip(rows, radii)
    )
    return mpmath.exp(-energy(xv)) / Z if inside else mpmath.mpf(0)


class CrossEntropy(NamedTuple):
    """L = −(1/d′) Σ log p(ρ^{σ(i)}) = log Z + mean E(ρ^{σ(i)}) and its two parts."""

    L: mpmath.mpf
    log_Z: mpmath.mpf
    mean_energy: mpmath.mpf
    Z: mpmath.mpf


def mp_cross_entropy(
    patterns, radius, energy: Callable, test_indices=None, method: str = "polar"
) -> CrossEntropy:
    """Cross-entropy of Eq. (11)'s test distribution (mass 1/d′ on stored patterns) under p.

    p(x) = exp(−E(x))/Z on Ω (the union of the balls around ``patterns``); the test patterns
    are ``patterns[i]`` for i in ``test_indices`` (default: all), so d′ = len(test_indices).
    """
    rows = _pattern_rows(patterns)
    idx = list(range(len(rows))) if test_indices is None else list(test_indices)
    if not idx:
        raise ValueError("test_indices must name at least one stored pattern (d′ ≥ 1)")
    if any(not (0 <= i < len(rows)) for i in idx):
        raise ValueError(f"test_indices must lie in [0, {len(rows)}); got {idx}")
    Z = mp_partition_function(patterns, radius, energy, method)
    mean_e = mpmath.fsum(energy(list(rows[i])) for i in idx) / len(idx)
    log_z = mpmath.log(Z)
    return CrossEntropy(log_z + mean_e, log_z, mean_e, Z)
