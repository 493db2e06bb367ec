"""theory.lse: the LogSumExp SymPy Function and its mpmath evaluation against references."""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.lse import (
    LogSumExp,
    lse,
    mp_lse,
    mp_softmax,
    mpmath_namespace,
    soft_min,
    softmax,
    softmin,
)

finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
vectors = st.lists(finite, min_size=1, max_size=64)


def ref_lse(z, beta=1.0):
    """Reference: mpmath at 50 digits, no shift trick (mpmath has no overflow)."""
    with mpmath.workdps(50):
        b = mpmath.mpf(beta)
        return mpmath.log(mpmath.fsum(mpmath.exp(b * mpmath.mpf(v)) for v in z)) / b


@given(vectors)
def test_mp_lse_matches_unshifted_reference(z):
    with mpmath.workdps(40):
        assert abs(mp_lse(*z) - ref_lse(z)) <= mpmath.mpf(10) ** -30 * (1 + abs(ref_lse(z)))


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=8))
def test_sympy_evalf_matches_mpmath(z):
    expr = LogSumExp(*[sp.Rational(v) for v in z])
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(str(expr.evalf(40))) - ref_lse(z)) < mpmath.mpf(10) ** -35 * (
            1 + abs(ref_lse(z))
        )


@settings(max_examples=20)
@given(st.lists(st.floats(-30, 30), min_size=1, max_size=6), st.data())
def test_fdiff_is_softmax(z, data):
    k = data.draw(st.integers(0, len(z) - 1))
    syms = sp.symbols(f"t0:{len(z)}", real=True)
    d = LogSumExp(*syms).diff(syms[k]).subs(dict(zip(syms, map(sp.Rational, z))))
    with mpmath.workdps(30):
        ref = mp_softmax(z)[k]
        assert abs(mpmath.mpf(str(d.evalf(30))) - ref) <= mpmath.mpf(10) ** -25


@settings(max_examples=10)
@given(st.lists(st.floats(-30, 30), min_size=1, max_size=6))
def test_softmax_and_softmin_sum_to_one_and_match_mpmath(z):
    w = softmax(z)
    v = softmin(z)
    with mpmath.workdps(30):
        ref = mp_softmax(z)
        ref_min = mp_softmax([-t for t in z])
        for a, b in zip(w, ref):
            assert abs(mpmath.mpf(str(a.evalf(30))) - b) <= mpmath.mpf(10) ** -25
        for a, b in zip(v, ref_min):
            assert abs(mpmath.mpf(str(a.evalf(30))) - b) <= mpmath.mpf(10) ** -25


def test_huge_equal_arguments_do_not_overflow():
    # scipy's classic: LSE([1000, 1000]) = 1000 + log 2
    assert float(LogSumExp(1000, 1000).evalf(30)) == pytest.approx(1000 + float(mpmath.log(2)))
    assert abs(mp_lse(1000, 1000) - 1000 - mpmath.log(2)) < 1e-12


def test_special_values():
    assert LogSumExp(5) == 5
    x = sp.Symbol("x")
    assert LogSumExp(x, -sp.oo) == x
    assert LogSumExp(x, sp.oo) == sp.oo
    assert LogSumExp(-sp.oo, -sp.oo) == -sp.oo
    assert LogSumExp(x, sp.nan) is sp.nan
    assert mp_lse(mpmath.ninf, 0) == 0
    assert mp_lse(mpmath.inf, 0) == mpmath.inf
    assert mp_lse(mpmath.ninf, mpmath.ninf) == mpmath.ninf
    with pytest.raises(ValueError):
        LogSumExp()
    with pytest.raises(ValueError, match="empty"):
        mp_lse()
    with pytest.raises(ValueError, match="NaN"):
        mp_lse(0, mpmath.nan)
    with pytest.raises(ValueError, match="beta"):
        lse([1, 2], -1)
    with pytest.raises(ValueError, match="non-empty"):
        lse([])


def test_rewrite_latex_lambdify():
    a, b = sp.symbols("a b", real=True)
    e = LogSumExp(a, b)
    assert e.rewrite(sp.log) == sp.log(sp.exp(a) + sp.exp(b))
    assert sp.latex(e) == r"\operatorname{LSE}\left(a, b\right)"
    f = sp.lambdify((a, b), e, modules=[mpmath_namespace(), "mpmath"])
    assert abs(f(1000, 1000) - (1000 + mpmath.log(2))) < 1e-12
    # β form: LSE(β, z) = β⁻¹ LSE(β z); softmax sums to one; soft minimum below the minimum
    beta = sp.Rational(2)
    z = [sp.Rational(1), sp.Rational(-3, 2)]
    assert sp.simplify(lse(z, beta) - LogSumExp(2, -3) / 2) == 0
    assert abs(float(sp.Add(*softmax(z, beta)).evalf(30)) - 1) < 1e-25
    assert float(soft_min(z).evalf(30)) < -1.5
