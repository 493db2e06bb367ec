"""Certified decisions of the pack: printed-number intervals, interval bounds, the binomial
and Hoeffding tests (against scipy and exact enumeration), and the sphere sampler's exact
re-check of borderline trials."""

from __future__ import annotations

import math

import flint
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations.ramsauer2020.certified import (
    binomial_test,
    mean_test,
    nonneg_on,
    printed_interval,
    q,
    rounds_to,
    truncates_to,
)
from derivations.ramsauer2020.sphere import (
    cos_error,
    decide_above,
    directions,
    exact_max_cos,
    max_cos,
)


def test_printed_digits_define_intervals():
    assert printed_interval("3.1546") == (q("3.15455"), q("3.15465"))
    assert printed_interval("1.3718", truncated=True) == (q("1.3718"), q("1.3719"))
    c = lambda prec: flint.arb("1.371877769")  # noqa: E731
    assert rounds_to(c, "1.3718")[0] is False and rounds_to(c, "1.3719")[0] is True
    assert truncates_to(c, "1.3718")[0] is True


def test_nonneg_on_proves_and_refutes():
    assert nonneg_on(lambda x: x * x - x + flint.fmpq(3, 10), -1, 1)[0] is True  # min 0.05
    assert nonneg_on(lambda x: x * x, -1, 1, max_pieces=64)[0] is None  # a tie at 0: undecided
    ok, info = nonneg_on(lambda x: x - flint.fmpq(1, 3), 0, 1)
    assert ok is False and info["x"] < flint.fmpq(1, 3)


def test_nonneg_on_uses_each_piece_not_a_ball_around_zero():
    """Regression: flint.arb(mid, rad) with fmpq arguments dropped the midpoint, so every
    piece was a ball around 0; g(x) = x − 2 on [3, 4] must be certified positive."""
    ok, info = nonneg_on(lambda x: x - 2, 3, 4)
    assert ok is True and info["pieces"] == 1


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 400), st.integers(0, 60), st.sampled_from(["0.001", "0.01", "0.1", "0.3"]))
def test_binomial_test_agrees_with_scipy_tails(n, k, p):
    k = min(k, n)
    res = binomial_test(k, n, q(p))
    sf = scipy.stats.binom.sf(k - 1, n, float(p))  # P(X ≥ k)
    cdf = scipy.stats.binom.cdf(k, n, float(p))  # P(X ≤ k)
    if res.holds is False:
        assert sf < 1e-3 * (1 + 1e-9)
    elif res.holds is True:
        assert cdf < 1e-3 * (1 + 1e-9)
    else:
        assert sf >= 1e-3 * (1 - 1e-9) and cdf >= 1e-3 * (1 - 1e-9)
    lo, hi = res.values["clopper_pearson_lower"], res.values["clopper_pearson_upper"]
    assert 0 <= lo <= k / n <= hi <= 1


def test_binomial_test_zero_failures_needs_enough_trials():
    assert binomial_test(0, 8000, q("0.001")).holds is True
    assert binomial_test(0, 500, q("0.001")).holds is None
    assert binomial_test(50, 8000, q("0.001")).holds is False


def test_mean_test_hoeffding_both_ways():
    assert mean_test(flint.arb(3000), 2000, flint.arb(3), 1.0).holds is True
    assert mean_test(flint.arb(1000), 2000, flint.arb(3), 1.0).holds is False
    assert mean_test(flint.arb(105), 100, flint.arb(3), 1.0).holds is None


def test_max_cos_against_brute_force():
    rng = np.random.default_rng(3)
    U = directions(rng, 5, 6, 4)
    got = max_cos(U)
    for t in range(5):
        brute = max(float(U[t, i] @ U[t, j]) for i in range(6) for j in range(i + 1, 6))
        assert got[t] == pytest.approx(brute, abs=cos_error(4))
        assert exact_max_cos(U[t]).contains(flint.arb(got[t])) or abs(
            float(exact_max_cos(U[t]).mid()) - got[t]
        ) <= cos_error(4)


def test_borderline_trials_are_decided_exactly():
    rng = np.random.default_rng(5)
    U = directions(rng, 4, 3, 3)
    cm = max_cos(U)
    thr = float(cm[0])  # exactly at one trial's float value: that trial is re-checked
    dec = decide_above(U, cm, thr, lambda prec: flint.arb(thr))
    assert dec["rechecked"] >= 1
    exact = exact_max_cos(U[0]) - flint.arb(thr)
    assert dec["above"][0] == bool(exact > 0) or dec["undecided"] >= 1
    assert math.isfinite(cos_error(100))
