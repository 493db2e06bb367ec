"""Tests for theory/balls.py and numerics/balls.py (Section 5, Eq. 12–14, Lemma 5, Thm D.1).

Reference values come from independent routes: SymPy's own integrals (with a Jacobian that
SymPy computes from the coordinate map), mpmath.quad of the radial integrals at 50 digits,
mpmath's gammainc, exact recurrences, closed forms in erf, and Monte Carlo with a fixed seed.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from theory import balls as tb
from theory.energies import (
    mp_distance_energy,
    mp_global_energy,
    mp_layer_energy,
    mp_nearest_neighbour,
)

R = sp.Symbol("r", positive=True)
NS = sp.Symbol("n", positive=True)


def _close(a, b, rel="1e-40", abs_="1e-40"):
    """|a − b| ≤ abs_ + rel · |b| at the current precision."""
    a, b, rel, abs_ = (mpmath.mpf(v) for v in (a, b, rel, abs_))
    return abs(a - b) <= abs_ + rel * abs(b)


def _radial(n, r, power, dps=50):
    """log of S_{n−1} ∫₀^r t^{n−1} e^{−t^power} dt by mpmath.quad (independent twin).

    With t = r v the integral is rⁿ ∫₀¹ v^{n−1} e^{−(rv)^power} dv, an O(1) integrand.
    """
    with mpmath.workdps(dps + 8):
        n, r = mpmath.mpf(n), mpmath.mpf(r)
        area = 2 * mpmath.pi ** (n / 2) / mpmath.gamma(n / 2)
        val = mpmath.quad(lambda v: v ** (n - 1) * mpmath.exp(-((r * v) ** power)), [0, 1])
        return mpmath.log(area) + n * mpmath.log(r) + mpmath.log(val)


# --------------------------------------------------------------------------- symbolic identities


def test_eq12_printed_is_the_plain_distance_integral():
    # Identity for symbolic n, r: the printed end of Eq. (12) equals I_plain.
    assert sp.simplify(tb.eq12_printed(NS, R) - tb.ball_integral_plain(NS, R)) == 0


def test_eq12_printed_is_not_the_squared_distance_integral():
    # n = 2, r = 1: I_sq = π(1 − e^{−1}) while the printed form gives 2π(1 − 2e^{−1}).
    diff = sp.simplify(tb.eq12_printed(2, 1) - tb.ball_integral_sq(2, 1))
    assert diff != 0
    assert abs(sp.N(diff, 50)) > sp.Rational(1, 10)


@pytest.mark.parametrize("k", range(1, 7))
def test_radial_form_of_eq12_matches_closed_forms(k):
    # SymPy does the radial integral of Eq. (12)'s middle term itself.
    assert sp.simplify(tb.eq12_radial(k, R, power=2).doit() - tb.ball_integral_sq(k, R)) == 0
    assert sp.simplify(tb.eq12_radial(k, R, power=1).doit() - tb.ball_integral_plain(k, R)) == 0


def test_substitution_u_equals_t_squared_symbolic_n():
    # F(r) = ½ γ(n/2, r²) has F(0) = 0 and F'(r) = r^{n−1} e^{−r²} for symbolic n, so
    # ∫₀^r t^{n−1} e^{−t²} dt = ½ γ(n/2, r²) and I_sq = S_{n−1} · F(r).
    F = sp.lowergamma(NS / 2, R**2) / 2
    assert sp.simplify(sp.diff(F, R) - R ** (NS - 1) * sp.exp(-(R**2))) == 0
    assert sp.limit(F, R, 0, "+") == 0
    assert sp.simplify(tb.sphere_area(NS) * F - tb.ball_integral_sq(NS, R)) == 0
    # and the printed form is S_{n−1} · G(r) with G' = r^{n−1} e^{−r} (plain distance)
    G = sp.lowergamma(NS, R)
    assert sp.simplify(sp.diff(G, R) - R ** (NS - 1) * sp.exp(-R)) == 0


def _polar_map(k):
    """The spherical-coordinate map of ℝᵏ, its variables and their ranges (k ≤ 3)."""
    t = sp.Symbol("t", positive=True)
    if k == 1:
        y = sp.Symbol("y", real=True)
        return [y], [y], [(y, -R, R)]
    if k == 2:
        p = sp.Symbol("phi", real=True)
        return [t * sp.cos(p), t * sp.sin(p)], [t, p], [(t, 0, R), (p, 0, 2 * sp.pi)]
    th, p = sp.Symbol("theta", real=True), sp.Symbol("phi", real=True)
    return (
        [t * sp.sin(th) * sp.cos(p), t * sp.sin(th) * sp.sin(p), t * sp.cos(th)],
        [t, th, p],
        [(t, 0, R), (th, 0, sp.pi), (p, 0, 2 * sp.pi)],
    )


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("power", [1, 2])
def test_ball_integrals_by_sympy_in_low_dimension(k, power):
    # Cartesian coordinates mapped to polar/spherical ones; |det J| computed by SymPy.
    ys, vs, ranges = _polar_map(k)
    J = sp.Abs(sp.simplify(sp.Matrix(ys).jacobian(vs).det()))
    if k == 3:  # |t² sin θ| = t² sin θ on θ ∈ [0, π]
        J = J.subs(sp.Abs(sp.sin(vs[1])), sp.sin(vs[1]))
    assert not J.has(sp.Abs)
    norm2 = sp.simplify(sum(y**2 for y in ys))
    integrand = sp.exp(-norm2) if power == 2 else sp.exp(-sp.sqrt(norm2))
    if power == 1 and k == 1:
        val = 2 * sp.integrate(sp.exp(-vs[0]), (vs[0], 0, R))
    else:
        val = sp.integrate(integrand * J, *ranges)
    ref = tb.ball_integral_sq(k, R) if power == 2 else tb.ball_integral_plain(k, R)
    assert sp.simplify(val - ref) == 0
    vol = sp.integrate(J, *ranges) if k > 1 else 2 * R
    assert sp.simplify(vol - tb.ball_volume(k, R)) == 0


def test_ball_volume_low_dimensions_and_recurrence():
    assert tb.ball_volume(1, R) == 2 * R
    assert sp.simplify(tb.ball_volume(2, R) - sp.pi * R**2) == 0
    assert sp.simplify(tb.ball_volume(3, R) - sp.Rational(4, 3) * sp.pi * R**3) == 0
    # V_{n+2}(r) = 2π r²/(n+2) V_n(r)
    assert (
        sp.gammasimp(
            tb.ball_volume(NS + 2, R) - 2 * sp.pi * R**2 / (NS + 2) * tb.ball_volume(NS, R)
        )
        == 0
    )


def test_lemma5_times_sphere_area_is_ball_volume():
    # S_{n−1} · rⁿ/n = V_n(r), so Lemma 5 turns into e^{−r}V_n(r) ≤ Eq.12-printed ≤ V_n(r).
    lo, hi = tb.lemma5_bounds(NS, R)
    elo, ehi = tb.eq12_lemma5_bounds(NS, R)
    assert sp.simplify(tb.sphere_area(NS) * hi - ehi) == 0
    assert sp.simplify(tb.sphere_area(NS) * lo - elo) == 0


def test_stirling_forms_of_the_ball_volume():
    v1 = tb.ball_volume(NS, 1).subs(sp.gamma(1 + NS / 2), tb.stirling_gamma(NS / 2))
    assert sp.simplify(tb.ball_volume_unit_stirling(NS) - v1) == 0
    lhs = tb.r_star(NS) ** NS * tb.ball_volume_unit_stirling(NS)
    assert sp.simplify(lhs - tb.ball_volume_at_r_star_stirling(NS)) == 0


def test_partition_function_and_eq14_symbolic():
    d = sp.Symbol("d", positive=True)
    assert tb.partition_function(2, R, d, "sq") == d * tb.ball_integral_sq(2, R)
    lo, hi = tb.eq14_bounds(NS, d)
    assert sp.simplify(hi / lo - sp.exp(tb.r_star(NS))) == 0


@pytest.mark.parametrize(
    "bad",
    [
        lambda: tb.ball_volume(0, 1),
        lambda: tb.ball_volume(2, -1),
        lambda: tb.lower_gamma(-1, 1),
        lambda: tb.partition_function(2, 1, 3, "euclid"),
        lambda: tb.eq12_radial(2, 1, power=3),
        lambda: tb.lemma5_bounds(3, 0),
    ],
)
def test_sympy_validation(bad):
    with pytest.raises(ValueError):
        bad()


# --------------------------------------------------------------------------- log-space evaluators


@settings(deadline=None, max_examples=20)
@given(s=st.floats(0.3, 40), x=st.floats(1e-3, 80))
def test_log_lowergamma_against_quadrature_and_gammainc(s, x):
    with mpmath.workdps(50):
        got = tb.mp_log_lowergamma(s, x)
        with mpmath.workdps(70):
            ss, xx = mpmath.mpf(s), mpmath.mpf(x)
            # t = x v: γ(s, x) = x^s ∫₀¹ v^{s−1} e^{−xv} dv; for s < 1 also v = w^{1/s}
            if ss < 1:
                q = mpmath.quad(lambda w: mpmath.exp(-xx * w ** (1 / ss)), [0, 1]) / ss
            else:
                q = mpmath.quad(lambda v: v ** (ss - 1) * mpmath.exp(-xx * v), [0, 1])
            ref_q = ss * mpmath.log(xx) + mpmath.log(q)
            ref_g = mpmath.log(mpmath.gammainc(s, 0, x))
        assert abs(got - ref_q) < mpmath.mpf(10) ** -35  # relative 1e-35 on γ itself
        assert abs(got - ref_g) < mpmath.mpf(10) ** -40


@settings(deadline=None, max_examples=20)
@given(s=st.floats(1, 2e6), frac=st.floats(1e-4, 3))
def test_log_lowergamma_recurrence_for_huge_order(s, frac):
    # γ(s+1, x) = s γ(s, x) − x^s e^{−x} (integration by parts), checked in log space.
    with mpmath.workdps(40):
        s_ = mpmath.mpf(s)
        x_ = s_ * mpmath.mpf(frac)
        a = tb.mp_log_lowergamma(s_ + 1, x_)
        b = tb.mp_log_lowergamma(s_, x_)
        rhs = s_ - mpmath.exp(s_ * mpmath.log(x_) - x_ - b)
        assert mpmath.isfinite(a) and mpmath.isfinite(b)
        assert _close(
            mpmath.exp(a - b), rhs, rel=mpmath.mpf(10) ** -25, abs_=mpmath.mpf(10) ** -25 * s_
        )


def test_log_lowergamma_against_mpmath_for_huge_order():
    # mpmath's own gammainc at these points (it can represent the tiny values).
    for s, x in [(5e5, 58550), (1e6, 242), (1e6, 1e6), (1e6, 1.01e6), (3e6, 2.9e6)]:
        with mpmath.workdps(40):
            with mpmath.workdps(60):
                ref = (
                    mpmath.log(mpmath.gammainc(s, 0, x))
                    if x <= s
                    else (
                        mpmath.loggamma(s)
                        + mpmath.log1p(-mpmath.gammainc(s, x, mpmath.inf, regularized=True))
                    )
                )
            assert _close(tb.mp_log_lowergamma(s, x), ref, rel=mpmath.mpf(10) ** -33)


@settings(deadline=None, max_examples=30)
@given(n=st.floats(0.5, 300), r=st.floats(1e-3, 30))
def test_log_ball_volume_against_sympy(n, r):
    with mpmath.workdps(50):
        ref = mpmath.log(mpmath.mpf(sp.N(tb.ball_volume(sp.Float(n, 60), sp.Float(r, 60)), 60)))
        assert _close(tb.mp_log_ball_volume(n, r), ref, rel=mpmath.mpf(10) ** -45)


@settings(deadline=None, max_examples=15)
@given(n=st.integers(1, 40), r=st.floats(0.05, 8))
def test_log_ball_integrals_against_radial_quadrature(n, r):
    with mpmath.workdps(50):
        for distance, power in (("sq", 2), ("plain", 1)):
            # |Δ log| < 1e-35: relative 1e-35 on the integral
            assert (
                abs(tb.mp_log_ball_integral(n, r, distance) - _radial(n, r, power))
                < mpmath.mpf(10) ** -35
            )
        assert tb.mp_log_eq12_printed(n, r) == pytest.approx(
            tb.mp_log_ball_integral_plain(n, r), rel=1e-45
        )


@settings(deadline=None, max_examples=20)
@given(n=st.integers(1, 12), r=st.floats(0.05, 5))
@example(n=12, r=0.0625)  # regression: the Float-built reference lost digits here
def test_log_ball_integrals_against_sympy_evalf(n, r):
    # r as the exact binary rational it is: SymPy then evaluates the closed form to the full
    # 60 digits (built from a 60-digit Float, lowergamma(12, 1/16) kept only ~33 digits)
    rr = sp.Rational(r)
    with mpmath.workdps(50):
        ref_sq = mpmath.log(mpmath.mpf(sp.N(tb.ball_integral_sq(n, rr), 60)))
        ref_pl = mpmath.log(mpmath.mpf(sp.N(tb.ball_integral_plain(n, rr), 60)))
        assert _close(tb.mp_log_ball_integral_sq(n, r), ref_sq, rel=mpmath.mpf(10) ** -40)
        assert _close(tb.mp_log_ball_integral_plain(n, r), ref_pl, rel=mpmath.mpf(10) ** -40)


@settings(deadline=None, max_examples=40)
@given(n=st.one_of(st.floats(0.5, 100), st.floats(100, 5e6)), r=st.floats(1e-3, 3e3))
def test_lemma5_and_elementary_bounds_hold(n, r):
    with mpmath.workdps(30):
        g = tb.mp_log_lowergamma(n, r)
        lo, hi = tb.mp_log_lemma5_bounds(n, r)
        assert lo <= g <= hi
        e = tb.mp_log_eq12_printed(n, r)
        elo, ehi = tb.mp_log_eq12_lemma5_bounds(n, r)
        assert elo - mpmath.mpf(10) ** -20 * abs(elo) <= e <= ehi + mpmath.mpf(10) ** -20 * abs(ehi)
        s = tb.mp_log_ball_integral_sq(n, r)
        slo, shi = tb.mp_log_ball_integral_sq_bounds(n, r)
        assert slo - mpmath.mpf(10) ** -20 * abs(slo) <= s <= shi + mpmath.mpf(10) ** -20 * abs(shi)


def test_eq14_lower_side_fails_for_the_squared_distance():
    # Eq. (14)'s lower bound d V_n(r*) e^{−r*} is Lemma 5 for the plain distance; the
    # paper's squared-distance Z_t drops below it once r*² − r* is large enough.
    with mpmath.workdps(30):
        for n in (1, 2, 10, 20):
            assert tb.mp_eq14_margins(n, 1, "sq")[0] > 0
        for n in (30, 100, 1024, 10**6):
            assert tb.mp_eq14_margins(n, 7, "sq")[0] < 0
        for n in (1, 30, 1024, 10**6):
            lo, hi = tb.mp_eq14_margins(n, 3, "plain")
            assert lo > 0 and hi > 0


@settings(deadline=None, max_examples=30)
@given(z=st.floats(0.5, 150))
def test_stirling_relative_error_against_direct(z):
    with mpmath.workdps(50):
        with mpmath.workdps(70):
            zz = mpmath.mpf(z)
            s = mpmath.sqrt(2 * mpmath.pi * zz) * (zz / mpmath.e) ** zz
            ref = (s - mpmath.gamma(zz + 1)) / mpmath.gamma(zz + 1)
        assert _close(tb.mp_stirling_relative_error(z), ref, rel=mpmath.mpf(10) ** -40)


def test_stirling_relative_error_asymptotics_at_huge_z():
    # S/Γ − 1 = −1/(12z) + 1/(288z²) + O(z⁻³) from the Stirling series.
    with mpmath.workdps(50):
        for z in (10**4, 10**6, 10**9):
            zz = mpmath.mpf(z)
            assert (
                abs(tb.mp_stirling_relative_error(z) - (-1 / (12 * zz) + 1 / (288 * zz**2)))
                < 1 / zz**3
            )


def test_volume_at_r_star_identity_and_monotone_ratio():
    # V_n(r*) √(πn) = S(n/2)/Γ(n/2 + 1) = 1 + (Stirling relative error at z = n/2).
    with mpmath.workdps(40):
        ratios = []
        for n in [1, 2, 3, 5, 10, 50, 100, 1024, 10**4, 10**5, 10**6]:
            v = tb.mp_ball_volume_at_r_star(n)
            assert _close(
                v.ratio,
                1 + tb.mp_stirling_relative_error(mpmath.mpf(n) / 2),
                rel=mpmath.mpf(10) ** -35,
            )
            assert _close(v.log_paper, -mpmath.log(mpmath.pi * n) / 2)
            with mpmath.workdps(60):
                direct = (
                    mpmath.log(mpmath.mpf(sp.N(tb.ball_volume(n, tb.r_star(n)), 60)))
                    if n <= 1024
                    else None
                )
            if direct is not None:
                assert _close(v.log_exact, direct, rel=mpmath.mpf(10) ** -35)
            ratios.append(v.ratio)
        assert all(a < b < 1 for a, b in zip(ratios, ratios[1:]))


def test_unit_stirling_volume_log_form():
    with mpmath.workdps(50):
        for n in (1, 7, 100):
            ref = mpmath.log(mpmath.mpf(sp.N(tb.ball_volume_unit_stirling(n), 60)))
            assert _close(tb.mp_log_ball_volume_unit_stirling(n), ref, rel=mpmath.mpf(10) ** -45)


# --------------------------------------------------------------------------- partition function


@settings(deadline=None, max_examples=20)
@given(n=st.integers(1, 30), dist=st.sampled_from(["sq", "plain"]))
def test_unit_partition_against_quadrature(n, dist):
    # d from the solver times the quadrature integral must be 1.
    with mpmath.workdps(40):
        ud = tb.solve_d_for_unit_partition(n, None, dist)
        q = _radial(n, tb.mp_r_star(n), 2 if dist == "sq" else 1)
        assert abs(ud.log_d + q) < mpmath.mpf(10) ** -33
        assert _close(mpmath.log(ud.d), ud.log_d)
        assert (
            abs(tb.mp_log_partition_function(n, tb.mp_r_star(n), ud.d, dist))
            < mpmath.mpf(10) ** -33
        )


def test_unit_partition_orderings_and_huge_n():
    grid = [1, 2, 3, 5, 10, 30, 100, 1024, 10**4, 10**5, 10**6, 10**7]
    prev = {k: None for k in tb.UNIT_PARTITION_RULES}
    with mpmath.workdps(30):
        for n in grid:
            ld = {
                k: tb.solve_d_for_unit_partition(n, None, k).log_d for k in tb.UNIT_PARTITION_RULES
            }
            assert all(mpmath.isfinite(v) for v in ld.values())
            # I ≤ V_n(r) ⇒ d(V) ≤ d(I); Lemma 5 ⇒ d(plain) ≤ d(V e^{−r}).
            assert ld["paper_bound"] < ld["sq"] and ld["paper_bound"] < ld["plain"]
            assert ld["plain"] <= ld["paper_bound_lower"]
            for k in ("sq", "plain", "paper_stirling", "paper_bound"):
                if prev[k] is not None:
                    assert ld[k] > prev[k]
                prev[k] = ld[k]
        # n = 10^6: log d(sq) = n/(2πe) + O(log n), log d(plain) = r* + O(log n)
        n = mpmath.mpf(10**6)
        ld_sq = tb.solve_d_for_unit_partition(n, None, "sq").log_d
        ld_pl = tb.solve_d_for_unit_partition(n, None, "plain").log_d
        assert abs(ld_sq - n / (2 * mpmath.pi * mpmath.e)) < 2 * mpmath.log(n)
        assert abs(ld_pl - tb.mp_r_star(n)) < 2 * mpmath.log(n)


def test_paper_stirling_rule_needs_r_star_and_validation():
    with pytest.raises(ValueError, match="r\\* "):
        tb.solve_d_for_unit_partition(100, 3, "paper_stirling")
    with pytest.raises(ValueError):
        tb.solve_d_for_unit_partition(100, None, "gauss")
    with pytest.raises(ValueError):
        tb.mp_log_ball_integral(-1, 2)
    with pytest.raises(ValueError):
        tb.mp_log_lowergamma(2, -1)
    with pytest.raises(ValueError):
        tb.mp_log_ball_integral(3, 1, "l1")
    assert tb.mp_log_lowergamma(2, 0) == mpmath.ninf


@settings(deadline=None, max_examples=20)
@given(n=st.floats(1, 1e6), d=st.floats(1, 1e30))
def test_log_partition_and_eq14_bounds_consistent(n, d):
    with mpmath.workdps(30):
        lz = tb.mp_log_partition_function(n, tb.mp_r_star(n), d, "plain")
        lo, hi = tb.mp_log_eq14_bounds(n, d)
        assert lo <= lz <= hi
        assert _close(hi - lo, tb.mp_r_star(n), rel=mpmath.mpf(10) ** -25)


# --------------------------------------------------------------------------- densities, n = 1, 2


PATTERNS_1D = [-2, 0, 1]
PATTERNS_2D = [(-2, -0.5), (0.2, -0.3), (1.5, 1.5)]


@settings(deadline=None, max_examples=10)
@given(r=st.floats(0.05, 0.49))
def test_1d_partition_nearest_energy_closed_form(r):
    # E = g and disjoint equal balls: Z = d · I_sq(1, r) = d √π erf(r).
    with mpmath.workdps(20):
        Z = tb.mp_partition_function(PATTERNS_1D, r, tb.nearest_energy(PATTERNS_1D))
        ref = 3 * mpmath.sqrt(mpmath.pi) * mpmath.erf(r)
        assert _close(Z, ref, rel=mpmath.mpf(10) ** -17)


@settings(deadline=None, max_examples=10)
@given(r=st.floats(0.05, 0.49))
def test_1d_partition_distance_energy_closed_form(r):
    # exp(−E(x)) = Σⱼ exp(−(x − ρʲ)²) for Eq. (4), so each ball gives a sum of erf differences.
    with mpmath.workdps(20):
        Z = tb.mp_partition_function(PATTERNS_1D, r, tb.distance_energy(PATTERNS_1D))
        rr = mpmath.mpf(r)
        ref = mpmath.fsum(
            mpmath.sqrt(mpmath.pi) / 2 * (mpmath.erf(c + rr - p) - mpmath.erf(c - rr - p))
            for c in PATTERNS_1D
            for p in PATTERNS_1D
        )
        assert _close(Z, ref, rel=mpmath.mpf(10) ** -17)
        ce = tb.mp_cross_entropy(PATTERNS_1D, r, tb.distance_energy(PATTERNS_1D))
        mean_e = (
            -mpmath.fsum(
                mpmath.log(mpmath.fsum(mpmath.exp(-((c - p) ** 2)) for p in PATTERNS_1D))
                for c in PATTERNS_1D
            )
            / 3
        )
        assert _close(ce.L, mpmath.log(ref) + mean_e, rel=mpmath.mpf(10) ** -16)


def test_2d_partition_nearest_energy_closed_form():
    with mpmath.workdps(20):
        for r in ("0.3", "0.6", "0.9"):
            E = tb.nearest_energy(PATTERNS_2D)
            Z = tb.mp_partition_function(PATTERNS_2D, r, E)
            ref = 3 * mpmath.pi * (1 - mpmath.exp(-(mpmath.mpf(r) ** 2)))
            assert _close(Z, ref, rel=mpmath.mpf(10) ** -17)
            ce = tb.mp_cross_entropy(PATTERNS_2D, r, E, test_indices=[0, 2])
            assert ce.mean_energy == 0 and _close(ce.L, mpmath.log(ref), rel=mpmath.mpf(10) ** -17)


def test_2d_partition_distance_energy_polar_vs_erf_route():
    # Independent route: exp(−E) = Σⱼ exp(−‖x − ρʲ‖²); integrate y exactly (erf), x by tanh-sinh.
    r = mpmath.mpf("0.6")
    with mpmath.workdps(20):
        Z = tb.mp_partition_function(PATTERNS_2D, r, tb.distance_energy(PATTERNS_2D))
        Zc = tb.mp_partition_function(
            PATTERNS_2D, r, tb.distance_energy(PATTERNS_2D), method="cartesian"
        )
        total = 0
        for c0, c1 in PATTERNS_2D:
            for p0, p1 in PATTERNS_2D:

                def f(x, c0=c0, c1=c1, p0=p0, p1=p1):
                    h = mpmath.sqrt(max(r * r - (x - c0) ** 2, 0))
                    return (
                        mpmath.exp(-((x - p0) ** 2))
                        * mpmath.sqrt(mpmath.pi)
                        / 2
                        * (mpmath.erf(c1 + h - p1) - mpmath.erf(c1 - h - p1))
                    )

                total += mpmath.quad(f, [c0 - r, c0, c0 + r])
        assert _close(Z, total, rel=mpmath.mpf(10) ** -15)
        assert _close(Zc, total, rel=mpmath.mpf(10) ** -15)


def test_density_and_global_energy():
    with mpmath.workdps(20):
        E = tb.distance_energy(PATTERNS_2D)
        G = tb.global_energy([PATTERNS_2D])  # one layer: E_global = E_1
        x = [mpmath.mpf("0.1"), mpmath.mpf("-0.2")]
        assert _close(E(x), G(x), rel=mpmath.mpf(10) ** -18)
        Z = tb.mp_partition_function(PATTERNS_2D, "0.5", E)
        assert _close(tb.mp_density(PATTERNS_2D, "0.5", E, x, Z=Z), mpmath.exp(-E(x)) / Z)
        assert tb.mp_density(PATTERNS_2D, "0.5", E, [5, 5], Z=Z) == 0
        P = tb.printed_layer_energy(PATTERNS_2D, 2)
        assert _close(P([mpmath.mpf(-2), mpmath.mpf("-0.5")]), mpmath.mpf(1) / 2)


@settings(deadline=None, max_examples=25)
@given(
    x=st.tuples(st.floats(-4, 4), st.floats(-4, 4)),
    reading=st.sampled_from(["distance", "nearest", "printed"]),
)
def test_energy_factories_against_theory_energies(x, reading):
    # The inlined energies used inside quadrature equal theory.energies' mpmath twins.
    layers = [PATTERNS_2D[:2], PATTERNS_2D[2:]]
    Zs = [mpmath.mpf("1.5"), mpmath.mpf("0.7")]
    with mpmath.workdps(30):
        xv = [mpmath.mpf(v) for v in x]
        assert _close(tb.nearest_energy(PATTERNS_2D)(xv), mp_nearest_neighbour(PATTERNS_2D, xv))
        assert _close(
            tb.distance_energy(PATTERNS_2D)(xv),
            mp_distance_energy(PATTERNS_2D, xv),
            rel="1e-27",
            abs_="1e-27",
        )
        Z = Zs if reading == "printed" else [None, None]
        ref = mp_global_energy(
            [mp_layer_energy(p, xv, reading=reading, Z=z) for p, z in zip(layers, Z)]
        )
        got = tb.global_energy(layers, reading, Zs if reading == "printed" else None)(xv)
        assert _close(got, ref, rel="1e-27", abs_="1e-27")


def test_density_validation():
    E = tb.nearest_energy(PATTERNS_1D)
    with pytest.raises(ValueError, match="overlap"):
        tb.mp_partition_function(PATTERNS_1D, 0.6, E)
    with pytest.raises(ValueError, match="n = 1 or n = 2"):
        tb.mp_partition_function([(0, 0, 0)], 0.6, E)
    with pytest.raises(ValueError):
        tb.mp_cross_entropy(PATTERNS_1D, 0.3, E, test_indices=[])
    with pytest.raises(ValueError):
        tb.mp_partition_function(PATTERNS_1D, [0.1, 0.2], E)
    with pytest.raises(ValueError):
        tb.global_energy([PATTERNS_1D], reading="printed")
    with pytest.raises(ValueError):
        tb.global_energy([PATTERNS_1D], reading="softmax")
