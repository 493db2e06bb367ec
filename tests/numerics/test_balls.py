"""numerics.balls (Monte Carlo ball integrals) against mpmath: volume, integrals, inputs.

theory/balls.py and the Section 5 claims are tested in tests/theory/test_balls.py; here the
torch estimates are held to their mpmath twins (closed-form volume, radial quadrature).
"""

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import balls as nb

radii = st.floats(0.05, 20.0, allow_nan=False)
dims = st.integers(1, nb.MAX_DIM)


@given(dims, radii)
def test_ball_volume_matches_mpmath(n, r):
    with mpmath.workdps(30):
        ref = (
            mpmath.pi ** (mpmath.mpf(n) / 2)
            * mpmath.mpf(r) ** n
            / mpmath.gamma(1 + mpmath.mpf(n) / 2)
        )
    assert abs(nb.ball_volume(n, r) - float(ref)) <= 1e-13 * float(ref)


def radial(n, r, dist):
    """∫_{‖y‖≤r} f(‖y‖) dy = S_{n−1} ∫₀ʳ f(t) t^{n−1} dt, S_{n−1} = 2π^{n/2}/Γ(n/2)."""
    with mpmath.workdps(30):
        f = (lambda t: mpmath.exp(-t * t)) if dist == "sq" else (lambda t: mpmath.exp(-t))
        area = 2 * mpmath.pi ** (mpmath.mpf(n) / 2) / mpmath.gamma(mpmath.mpf(n) / 2)
        return float(area * mpmath.quad(lambda t: f(t) * t ** (n - 1), [0, r]))


@settings(max_examples=15)
@given(dims, st.floats(0.2, 4.0), st.sampled_from(["sq", "plain"]), st.integers(0, 2**31))
def test_monte_carlo_within_five_standard_errors_of_quadrature(n, r, dist, seed):
    est, se = nb.mc_ball_integral(n, r, dist, samples=20_000, seed=seed)
    ref = radial(n, r, dist)
    assert se > 0
    assert abs(est - ref) <= 5 * se + 1e-12 * ref, (est, ref, se)


@given(dims, radii, st.integers(2, 200), st.integers(0, 2**31))
def test_samples_lie_in_the_ball(n, r, m, seed):
    y = nb.sample_uniform_ball(n, r, m, seed=seed)
    assert y.shape == (m, n) and y.dtype == torch.float64
    assert (y.norm(dim=1) <= r * (1 + 1e-12)).all()


def test_generator_and_seed_reproducible_and_exclusive():
    a = nb.sample_uniform_ball(3, 1.0, 50, seed=4)
    assert torch.equal(
        a, nb.sample_uniform_ball(3, 1.0, 50, generator=torch.Generator().manual_seed(4))
    )
    with pytest.raises(ValueError, match="not both"):
        nb.sample_uniform_ball(3, 1.0, 50, generator=torch.Generator(), seed=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "dimension n"),
        ({"n": 2.0}, "dimension n"),
        ({"n": True}, "dimension n"),
        ({"n": 11}, "dimension n"),
        ({"r": 0.0}, "radius r"),
        ({"r": math.inf}, "radius r"),
        ({"r": None}, "radius r"),
        ({"r": "1"}, "radius r"),
        ({"r": 1j}, "radius r"),
        ({"samples": 1}, "samples"),
        ({"samples": 3.5}, "samples"),
        ({"seed": -1}, "seed"),
        ({"seed": "x"}, "seed"),
        ({"distance": "cube"}, "distance"),
        ({"generator": 3}, "generator"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, message):
    args = {"n": 2, "r": 1.0, "samples": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        nb.mc_ball_integral(**args)


def test_user_function_shape_and_values_checked():
    with pytest.raises(ValueError, match="shape"):
        nb.mc_ball_integral_fn(lambda y: y, 2, 1.0, samples=10)
    with pytest.raises(ValueError, match="non-finite"):
        nb.mc_ball_integral_fn(lambda y: y[:, 0] / 0.0, 2, 1.0, samples=10)
