"""LogSumExp / softmax: the SymPy Function, its mpmath evaluation and the torch kernel."""

import math

import mpmath
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from numerics import energies as ne
from numerics.tolerances import rtol
from theory.lse import LogSumExp, lse, mp_lse, mp_softmax, mpmath_namespace, soft_min, softmax

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


@given(vectors, st.sampled_from([0.01, 0.5, 1.0, 2.0, 10.0]))
def test_torch_lse_matches_mpmath_float64(z, beta):
    t = ne.lse(torch.tensor(z, dtype=torch.float64), beta).item()
    m = float(ref_lse(z, beta))
    scale = max(abs(v) for v in z) + 1
    assert abs(t - m) <= rtol(torch.float64) * (abs(m) + scale)


@given(vectors)
def test_torch_lse_float32_within_table(z):
    t = ne.lse(torch.tensor(z, dtype=torch.float32)).item()
    m = float(ref_lse([float(torch.tensor(v, dtype=torch.float32)) for v in z]))
    scale = max(abs(v) for v in z) + 1
    assert abs(t - m) <= rtol(torch.float32) * (abs(m) + scale)


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=8))
def test_sympy_evalf_matches_mpmath(z):
    expr = LogSumExp(*[sp.Rational(v) for v in z])
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(str(expr.evalf(40))) - ref_lse(z)) < mpmath.mpf(10) ** -35 * (
            1 + abs(ref_lse(z))
        )


@given(st.lists(st.floats(-30, 30), min_size=1, max_size=6), st.data())
def test_fdiff_is_softmax_and_matches_autograd(z, data):
    k = data.draw(st.integers(0, len(z) - 1))
    syms = sp.symbols(f"t0:{len(z)}", real=True)
    d = LogSumExp(*syms).diff(syms[k]).subs(dict(zip(syms, map(sp.Rational, z))))
    w = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(ne.lse(w), w)
    with mpmath.workdps(30):
        ref = mp_softmax(z)[k]
    assert abs(float(d.evalf(30)) - float(ref)) <= 1e-15
    assert abs(g[k].item() - float(ref)) <= 1e-14


def test_huge_equal_arguments_do_not_overflow():
    # scipy's classic: LSE([1000, 1000]) = 1000 + log 2
    assert ne.lse(torch.tensor([1000.0, 1000.0], dtype=torch.float64)).item() == pytest.approx(
        1000 + math.log(2), rel=1e-15
    )
    assert float(LogSumExp(1000, 1000).evalf(30)) == pytest.approx(1000 + math.log(2))
    assert ne.lse(torch.tensor([-1e4, -1e4 - 1.0], dtype=torch.float32)).item() == pytest.approx(
        -1e4 + math.log1p(math.exp(-1.0)), rel=1e-6
    )


def test_special_values():
    assert LogSumExp(5) == 5
    x = sp.Symbol("x")
    assert LogSumExp(x, -sp.oo) == x
    assert LogSumExp(x, sp.oo) == sp.oo
    t = ne.lse(torch.tensor([-math.inf, 0.0], dtype=torch.float64))
    assert t.item() == 0.0
    assert ne.lse(torch.tensor([-math.inf, -math.inf])).item() == -math.inf
    with pytest.raises(ValueError, match="empty"):
        ne.lse(torch.tensor([], dtype=torch.float64))
    with pytest.raises(ValueError, match="NaN"):
        ne.lse(torch.tensor([0.0, math.nan]))
    with pytest.raises(ValueError, match="beta"):
        ne.lse(torch.tensor([0.0]), beta=0.0)
    with pytest.raises(ValueError):
        LogSumExp()
    with pytest.raises(ValueError, match="empty"):
        mp_lse()


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


def test_lambdify_to_torch_matches_mpmath():
    """Trap from STYLE.md: check a lambdified torch function against mpmath's lambdification."""
    a, b, c = sp.symbols("a b c", real=True)
    expr = -LogSumExp(-a, -b, -c) + sp.Max(a, b)
    ns_torch = {
        "LogSumExp": lambda *z: ne.lse(
            torch.stack(
                torch.broadcast_tensors(*[torch.as_tensor(v, dtype=torch.float64) for v in z]), -1
            )
        ),
        "Max": lambda *z: torch.stack(
            torch.broadcast_tensors(*[torch.as_tensor(v, dtype=torch.float64) for v in z]), -1
        ).amax(-1),
    }
    f_t = sp.lambdify((a, b, c), expr, modules=[ns_torch, "math"])
    f_m = sp.lambdify((a, b, c), expr, modules=[mpmath_namespace(), "mpmath"])
    vals = (1.5, -2.0, 40.0)
    assert abs(float(f_t(*vals)) - float(f_m(*vals))) < 1e-12
