"""The two convergence rules: distance to an exact floor and the long-window trend. A shelf
must not pass either rule as a plateau."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derivations.lab.convergence import floor_gap, trend_bound


def _shelf_curve(steps, shelf=(2500, 3500), level=1.21, floor=0.98):
    """A loss that falls to a shelf, sits on it, then falls to the floor."""
    s = np.asarray(steps, float)
    y = np.where(s < shelf[0], level + 1.5 * np.exp(-s / 500), level)
    return np.where(s > shelf[1], floor + (level - floor) * np.exp(-(s - shelf[1]) / 200), y)


def test_a_shelf_is_not_a_plateau_for_the_trend_rule():
    """The issue's case: a shelf at 1.21 between steps 2,500 and 3,500. Stopped at 3,500, the
    old 'two last tenths' rule would call it converged; the last half still holds the descent."""
    steps = np.arange(100, 3501, 100)
    y = _shelf_curve(steps)
    tenth = len(y) // 10
    assert abs(y[-2 * tenth : -tenth].mean() - y[-tenth:].mean()) < 0.01  # old rule: "flat"
    assert trend_bound(steps, y, 0.5)["descent_bound"] > 0.05


def test_a_shelf_is_not_at_the_floor():
    rng = np.random.default_rng(0)
    tokens = rng.integers(15, 30, size=500)
    floor = rng.gamma(20, 1, size=500)
    shelf = floor + 0.23 * tokens + rng.normal(0, 0.5, 500)  # the shelf: 0.23 nats/token above
    g = floor_gap(shelf, floor, tokens)
    assert g["gap"] == pytest.approx(0.23, abs=0.01) and g["upper"] > 0.02


def test_a_flat_run_passes_and_a_falling_one_does_not():
    steps = np.arange(0, 3001, 50)
    rng = np.random.default_rng(1)
    flat = 1.0 + rng.normal(0, 0.002, len(steps))
    assert trend_bound(steps, flat)["descent_bound"] < 0.02
    falling = 1.0 + 0.2 * np.exp(-steps / 3000) + rng.normal(0, 0.002, len(steps))
    assert trend_bound(steps, falling)["descent_bound"] > 0.02


@given(st.floats(-0.5, 0.5), st.floats(0.1, 3.0), st.integers(5, 60))
def test_trend_slope_of_a_line_is_exact(slope_per_kstep, c, n):
    steps = np.linspace(0, 1000, n)
    y = c + slope_per_kstep * steps / 1000
    tb = trend_bound(steps, y, window_frac=1.0)
    assert tb["slope"] == pytest.approx(slope_per_kstep / 1000, abs=1e-12)
    assert tb["se"] == pytest.approx(0, abs=1e-9)
    assert tb["descent_bound"] == pytest.approx(max(0, -slope_per_kstep), abs=1e-6)


@given(
    st.lists(st.floats(0.5, 50), min_size=2, max_size=40),
    st.floats(0, 2),
    st.integers(1, 40),
)
def test_gap_of_a_uniform_shift_is_the_shift(floors, shift, tok):
    tokens = [tok] * len(floors)
    model = [f + shift * tok for f in floors]
    g = floor_gap(model, floors, tokens)
    assert g["gap"] == pytest.approx(shift, abs=1e-9)
    assert g["se"] == pytest.approx(0, abs=1e-7)


def test_gap_standard_error_matches_resampling():
    rng = np.random.default_rng(2)
    tokens = rng.integers(10, 30, size=400)
    floor = rng.gamma(10, 1, size=400)
    model = floor + 0.01 * tokens + rng.normal(0, 1.0, size=400)
    g = floor_gap(model, floor, tokens)
    boot = []
    for _ in range(2000):
        i = rng.integers(0, 400, size=400)
        boot.append((model[i] - floor[i]).sum() / tokens[i].sum())
    assert g["se"] == pytest.approx(np.std(boot), rel=0.1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="one length"):
        floor_gap([1.0, 2.0], [1.0], [1, 1])
    with pytest.raises(ValueError, match="window_frac"):
        trend_bound([1, 2, 3], [1, 1, 1], 0)
    assert math.isinf(trend_bound([1, 2], [1, 1])["descent_bound"])
