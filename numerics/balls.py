"""Monte Carlo estimates of Section 5's ball integrals, in PyTorch (float64).

Notation (arXiv:2405.08707v2, Sec. 5; same as ``theory.balls``):

===============  ========================================================================
code             paper
===============  ========================================================================
``n``            dimension, 1 ≤ n ≤ 10 here (Monte Carlo in the ball degrades with n)
``r``            Euclidean ball radius, B = {y : ‖y‖ ≤ r}
``V_n(r)``       π^{n/2} rⁿ / Γ(1 + n/2) (``ball_volume``)
``I_sq``         ∫_B e^{−‖y‖²} dy (the paper's squared distance, Eq. 12's left side)
``I_plain``      ∫_B e^{−‖y‖} dy (plain distance; equals Eq. 12's printed closed form)
===============  ========================================================================

Uniform points in the ball: a direction g/‖g‖ with g ~ N(0, I_n), times the radius
r · U^{1/n} with U ~ U(0, 1). The estimate of ∫_B f is V_n(r) · mean f(y) with standard
error V_n(r) · std f(y) / √m. All randomness goes through a ``torch.Generator``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import torch

__all__ = [
    "MAX_DIM",
    "ball_volume",
    "sample_uniform_ball",
    "mc_ball_integral",
    "mc_ball_integral_fn",
]

MAX_DIM = 10
_DISTANCES = ("sq", "plain")


def _check_nr(n, r) -> tuple[int, float]:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= MAX_DIM:
        raise ValueError(f"dimension n must be an integer in [1, {MAX_DIM}]; got {n!r}")
    if isinstance(r, bool) or not isinstance(r, numbers.Real):
        raise ValueError(f"radius r must be a real number, finite and > 0; got {r!r}")
    r = float(r)
    if not math.isfinite(r) or r <= 0:
        raise ValueError(f"radius r must be finite and > 0; got {r!r}")
    return int(n), r


def ball_volume(n: int, r: float) -> float:
    """V_n(r) = π^{n/2} rⁿ / Γ(1 + n/2), computed through lgamma in float64."""
    n, r = _check_nr(n, r)
    return math.exp(n / 2 * math.log(math.pi) + n * math.log(r) - math.lgamma(1 + n / 2))


def _generator(generator: torch.Generator | None, seed: int | None) -> torch.Generator:
    if generator is not None and seed is not None:
        raise ValueError("pass either a torch.Generator or a seed, not both")
    if generator is not None:
        if not isinstance(generator, torch.Generator):
            raise ValueError(f"generator must be a torch.Generator; got {type(generator)}")
        return generator
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**63
    ):
        raise ValueError(f"seed must be an int in [0, 2**63) or None; got {seed!r}")
    g = torch.Generator()
    g.manual_seed(0 if seed is None else int(seed))
    return g


def sample_uniform_ball(
    n: int, r: float, m: int, generator: torch.Generator | None = None, seed: int | None = None
) -> torch.Tensor:
    """m points uniform in the n-ball of radius r, shape (m, n), float64, CPU."""
    n, r = _check_nr(n, r)
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 2:
        raise ValueError(f"number of samples m must be an integer ≥ 2; got {m!r}")
    g = _generator(generator, seed)
    z = torch.randn(m, n, generator=g, dtype=torch.float64)  # (m, n)
    z = z / z.norm(dim=1, keepdim=True)  # directions, (m, n)
    u = torch.rand(m, 1, generator=g, dtype=torch.float64)  # (m, 1)
    return z * (r * u.pow(1.0 / n))


def mc_ball_integral_fn(
    f: Callable[[torch.Tensor], torch.Tensor],
    n: int,
    r: float,
    samples: int = 200_000,
    generator: torch.Generator | None = None,
    seed: int | None = None,
) -> tuple[float, float]:
    """(estimate, standard error) of ∫_{‖y‖≤r} f(y) dy; ``f`` maps (m, n) to (m,)."""
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 2:
        raise ValueError(f"samples must be an integer ≥ 2; got {samples!r}")
    if not callable(f):
        raise ValueError(f"f must be a callable mapping (m, n) points to (m,) values; got {f!r}")
    y = sample_uniform_ball(n, r, samples, generator, seed)  # (m, n)
    vals = f(y)
    if not isinstance(vals, torch.Tensor) or vals.shape != (samples,):
        raise ValueError(
            f"f must return a tensor of shape ({samples},); got "
            f"{getattr(vals, 'shape', type(vals))}"
        )
    vals = vals.to(torch.float64)
    if not torch.isfinite(vals).all():
        raise ValueError("f returned non-finite values inside the ball")
    vol = ball_volume(n, r)
    # correctly rounded sums (math.fsum): the same digits whatever torch's thread count, so a
    # recomputation (``beyond-scaling recheck``) reproduces the estimate bit for bit
    v = vals.tolist()
    mean = math.fsum(v) / samples
    var = math.fsum((t - mean) ** 2 for t in v) / (samples - 1)
    return vol * mean, vol * math.sqrt(var) / math.sqrt(samples)


def mc_ball_integral(
    n: int,
    r: float,
    distance: str = "sq",
    samples: int = 200_000,
    generator: torch.Generator | None = None,
    seed: int | None = None,
) -> tuple[float, float]:
    """(estimate, standard error) of I_sq(n, r) (``"sq"``) or I_plain(n, r) (``"plain"``)."""
    if not isinstance(distance, str) or distance not in _DISTANCES:
        raise ValueError(f"unknown distance {distance!r}; expected one of {_DISTANCES}")
    if distance == "sq":

        def f(y):
            return torch.exp(-(y * y).sum(dim=1))
    else:

        def f(y):
            return torch.exp(-y.norm(dim=1))

    return mc_ball_integral_fn(f, n, r, samples, generator, seed)
