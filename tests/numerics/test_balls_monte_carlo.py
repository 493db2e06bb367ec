"""numerics.balls: Monte Carlo ball integrals against the closed forms of theory.balls."""

from __future__ import annotations

import mpmath
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import balls as nb
from theory import balls as tb


@settings(deadline=None, max_examples=12, derandomize=True)
@given(n=st.integers(1, 10), r=st.floats(0.2, 3.0), dist=st.sampled_from(["sq", "plain"]))
def test_monte_carlo_within_four_standard_errors(n, r, dist):
    est, se = nb.mc_ball_integral(n, r, dist, samples=100_000, seed=1234)
    with mpmath.workdps(30):
        ref = float(mpmath.exp(tb.mp_log_ball_integral(n, r, dist)))
    assert se > 0
    assert abs(est - ref) < 4 * se


def test_monte_carlo_separates_printed_eq12_from_squared_integral():
    # At n = 3, r = 1.5 the MC estimate of I_sq is many standard errors from Eq. 12-printed.
    est, se = nb.mc_ball_integral(3, 1.5, "sq", samples=200_000, seed=7)
    with mpmath.workdps(30):
        printed = float(mpmath.exp(tb.mp_log_eq12_printed(3, 1.5)))
        sq = float(mpmath.exp(tb.mp_log_ball_integral_sq(3, 1.5)))
    assert abs(est - sq) < 4 * se
    assert abs(est - printed) > 40 * se


def test_monte_carlo_reproducible_and_uniform():
    a = nb.mc_ball_integral(4, 1.0, seed=3, samples=1000)
    b = nb.mc_ball_integral(4, 1.0, seed=3, samples=1000)
    assert a == b
    g = torch.Generator().manual_seed(3)
    assert nb.mc_ball_integral(4, 1.0, generator=g, samples=1000) == a
    y = nb.sample_uniform_ball(3, 2.0, 50_000, seed=0)
    assert y.dtype == torch.float64 and y.shape == (50_000, 3)
    assert (y.norm(dim=1) <= 2.0).all()
    # P(‖y‖ ≤ r/2) = 2⁻ⁿ for uniform points: 1/8 ± 4 binomial standard errors
    frac = (y.norm(dim=1) <= 1.0).double().mean().item()
    assert abs(frac - 0.125) < 4 * (0.125 * 0.875 / 50_000) ** 0.5
    with mpmath.workdps(30):
        assert nb.ball_volume(5, 1.3) == pytest.approx(
            float(mpmath.exp(tb.mp_log_ball_volume(5, 1.3))), rel=1e-14
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 0, "r": 1.0},
        {"n": 11, "r": 1.0},
        {"n": 2, "r": -1.0},
        {"n": 2, "r": float("nan")},
        {"n": 2, "r": 1.0, "distance": "l1"},
        {"n": 2, "r": 1.0, "samples": 1},
        {"n": 2, "r": 1.0, "seed": 1, "generator": torch.Generator()},
    ],
)
def test_monte_carlo_validation(kwargs):
    with pytest.raises(ValueError):
        nb.mc_ball_integral(**kwargs)
