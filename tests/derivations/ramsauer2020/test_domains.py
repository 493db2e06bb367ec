"""The Eq. 142 domains: β on both branches of Eq. 142's solution set, every drawn instance
meeting Eq. 142 (recomputed with mpmath, not the domain's float64 formula).

Regression: the domains once drew β only at or above the upper root of
g(β) = βΔ − 2/N − ln(2(N − 1)NβM²), missing the lower branch (small β, 2(N − 1)NβM² < 1),
where the bound of Lemma A6's proof fails (tests/derivations/ramsauer2020/test_findings.py)."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import find, given, settings

from derivations.ramsauer2020 import domains as D


def _slack(patterns, beta, i):
    """Δᵢ − 2/(βN) − β⁻¹ ln(2(N − 1)NβM²) at 40 digits."""
    with mpmath.workdps(40):
        P = [[mpmath.mpf(t) for t in r] for r in patterns]
        N = len(P)
        dot = lambda a, b: mpmath.fsum(s * t for s, t in zip(a, b))  # noqa: E731
        delta = min(dot(P[i], P[i]) - dot(P[i], P[j]) for j in range(N) if j != i)
        M2 = max(dot(r, r) for r in P)
        b = mpmath.mpf(beta)
        return delta - 2 / (b * N) - mpmath.log(2 * (N - 1) * N * b * M2) / b


@pytest.mark.parametrize("delta, n, m2", [(0.5, 3, 1.0), (1.9, 2, 1.0), (3.0, 5, 100.0)])
def test_both_roots_bound_the_solution_set(delta, n, m2):
    lo, hi = D.eq142_beta_low(delta, n, m2), D.eq142_beta(delta, n, m2)
    assert lo < 1 / delta < hi
    g = lambda b: b * delta - 2 / n - math.log(2 * (n - 1) * n * m2 * b)  # noqa: E731
    for b in (lo, lo / 2, lo / 1000, hi, 2 * hi):
        assert g(b) >= -1e-12
    assert g(lo * 1.001) < 0 and g(hi / 1.001) < 0


@pytest.mark.parametrize("delta", [0.0, -0.2])
def test_a_nonpositive_gap_has_only_the_lower_branch(delta):
    assert D.eq142_beta(delta, 3, 1.0) is None
    lo = D.eq142_beta_low(delta, 3, 1.0)
    assert lo is not None and lo > 0
    assert D.eq142_beta_low(0.5, 3, 0.0) is None  # M = 0: no ball


@settings(max_examples=60, deadline=None)
@given(D.separated(max_N=6, max_d=2))
def test_separated_instances_meet_eq142(inst):
    assert _slack(inst.patterns, inst.p["beta"], inst.p["i"]) >= 0
    assert "upper" in inst.regime or "lower" in inst.regime


@settings(max_examples=30, deadline=None)
@given(D.all_separated(max_N=4, max_d=2))
def test_all_separated_instances_meet_eq142_for_every_pattern(inst):
    if inst.regime.endswith("/not all"):
        return
    for k in range(len(inst.patterns)):
        assert _slack(inst.patterns, inst.p["beta"], k) >= 0


@pytest.mark.parametrize("branch", ["upper", "lower"])
def test_both_branches_are_drawn(branch):
    inst = find(D.separated(max_N=4, max_d=2), lambda i: f"Eq.142 {branch}" in i.regime)
    assert _slack(inst.patterns, inst.p["beta"], inst.p["i"]) >= 0


def test_all_separated_reaches_the_disjointness_hypotheses():
    """Regression: eq302/disjoint's trials met Eq. 142 for every i and 1 < 2(N − 1)NβM² in 3
    of 60 trials (β from the lower branch, or a pattern with Δᵢ ≤ 0); equal-norm draws at the
    upper branch meet both."""

    def meets(inst):
        n, b = len(inst.patterns), inst.p["beta"]
        m2 = max(sum(t * t for t in r) for r in inst.patterns)
        side = 2 * (n - 1) * n * b * m2 > 1
        return side and all(_slack(inst.patterns, b, k) >= 0 for k in range(n))

    inst = find(D.all_separated(max_N=4, max_d=2), meets)
    assert "upper" in inst.regime
