"""numerics.energies.lse / softmax / global_energy against their mpmath twins (theory.lse).

References: mpmath at 50 digits without the shift trick (mpmath cannot overflow); ±inf
behaviour against scipy.special.logsumexp when scipy is installed (a test-only reference).
"""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numerics import energies as ne
from numerics.tolerances import rtol
from theory.energies import mp_global_energy
from theory.lse import LogSumExp, mp_softmax, mpmath_namespace

F64 = torch.float64
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
vectors = arrays(np.float64, st.integers(1, 64), elements=finite)
LOW = [torch.float32, torch.bfloat16, torch.float16]


def ref_lse(z, beta=1.0):
    """Reference: mpmath at 50 digits, no shift trick (mpmath has no overflow)."""
    with mpmath.workdps(50):
        b = mpmath.mpf(beta)
        return mpmath.log(mpmath.fsum(mpmath.exp(b * mpmath.mpf(float(v))) for v in z)) / b


def _scale(z):
    return float(np.abs(z).max()) + 1.0


@given(vectors, st.sampled_from([1e-3, 0.5, 1.0, 2.0, 10.0, 1e6]))
def test_torch_lse_matches_mpmath_float64(z, beta):
    t = ne.lse(torch.from_numpy(z), beta).item()
    m = float(ref_lse(z, beta))
    assert abs(t - m) <= rtol(F64) * (abs(m) + _scale(z))


@settings(max_examples=25)
@given(arrays(np.float64, st.integers(1, 32), elements=st.floats(-100, 100)), st.sampled_from(LOW))
def test_torch_lse_low_precision_within_table(z, dtype):
    zt = torch.from_numpy(z).to(dtype)
    t = ne.lse(zt)
    assert t.dtype == dtype
    m = float(ref_lse(zt.double().numpy()))  # the same rounded inputs
    assert abs(t.item() - m) <= rtol(dtype) * (abs(m) + _scale(z))


@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-30, 30)), st.data())
def test_autograd_of_lse_is_mp_softmax(z, data):
    beta = data.draw(st.sampled_from([0.5, 1.0, 3.0]))
    w = torch.tensor(z, dtype=F64, requires_grad=True)
    (g,) = torch.autograd.grad(ne.lse(w, beta), w)
    with mpmath.workdps(30):
        ref = mp_softmax([beta * v for v in z.tolist()])
    for k in range(len(z)):
        assert abs(g[k].item() - float(ref[k])) <= 1e-14
        assert abs(ne.softmax(w.detach(), beta)[k].item() - float(ref[k])) <= 1e-14


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 8)), elements=finite))
def test_batched_along_either_axis(z):
    zt = torch.from_numpy(z)
    for dim in (0, 1, -1):
        got = ne.lse(zt, dim=dim)
        for i in range(got.shape[0]):
            row = z[:, i] if dim == 0 else z[i]
            m = float(ref_lse(row))
            assert abs(got[i].item() - m) <= rtol(F64) * (abs(m) + _scale(row))


@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50)))
def test_global_energy_matches_mpmath(E):
    got = ne.global_energy(torch.from_numpy(E)).item()
    with mpmath.workdps(30):
        ref = float(mp_global_energy(E.tolist()))
    assert abs(got - ref) <= rtol(F64) * (abs(ref) + _scale(E))


def test_huge_equal_arguments_do_not_overflow():
    # scipy's classic: LSE([1000, 1000]) = 1000 + log 2
    assert ne.lse(torch.tensor([1000.0, 1000.0], dtype=F64)).item() == pytest.approx(
        1000 + math.log(2), rel=1e-15
    )
    assert ne.lse(torch.tensor([-1e4, -1e4 - 1.0], dtype=torch.float32)).item() == pytest.approx(
        -1e4 + math.log1p(math.exp(-1.0)), rel=1e-6
    )
    # a large β on large scores: β z overflows, β (z − max z) does not
    z = torch.tensor([1e300, 1e300], dtype=F64)
    assert ne.lse(z, beta=1e10).item() == pytest.approx(1e300, rel=1e-15)


def test_special_values():
    t = ne.lse(torch.tensor([-math.inf, 0.0], dtype=F64))
    assert t.item() == 0.0
    assert ne.lse(torch.tensor([-math.inf, -math.inf])).item() == -math.inf
    assert ne.lse(torch.tensor([math.inf, 0.0])).item() == math.inf
    assert ne.softmax(torch.tensor([-math.inf, 0.0])).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="empty"):
        ne.lse(torch.tensor([], dtype=F64))
    with pytest.raises(ValueError, match="NaN"):
        ne.lse(torch.tensor([0.0, math.nan]))
    with pytest.raises(ValueError, match="beta"):
        ne.lse(torch.tensor([0.0]), beta=0.0)


INF_CASES = [
    [math.inf, 0.0],
    [math.inf, math.inf],
    [math.inf, -math.inf],
    [-math.inf, 0.0],
    [-math.inf, -math.inf],
    [math.inf, math.inf, 0.0, -math.inf],
    [1000.0, 1000.0],
]


@pytest.mark.parametrize("z", INF_CASES)
def test_lse_infinities_as_scipy(z):
    special = pytest.importorskip("scipy.special")
    for dtype in (F64, torch.float32, torch.float16):
        got = ne.lse(torch.tensor(z, dtype=dtype)).item()
        want = float(special.logsumexp(np.array(z)))
        assert got == want or got == pytest.approx(want, rel=1e-3)


@pytest.mark.parametrize(
    ("z", "want"),
    [
        ([math.inf, 0.0], [1.0, 0.0]),
        ([math.inf, math.inf, 0.0], [0.5, 0.5, 0.0]),
        ([math.inf, -math.inf, 3.0], [1.0, 0.0, 0.0]),
        ([-math.inf, 0.0, 0.0], [0.0, 0.5, 0.5]),
    ],
)
def test_softmax_infinities_are_the_limits(z, want):
    """The limit of softmax(β z) as the +inf entries grow together; where scipy.special.softmax
    returns NaN (it only shifts by the max), the limit is also the gradient of scipy's
    logsumexp (+inf) taken along the diagonal."""
    for dtype in (F64, torch.float16):
        assert ne.softmax(torch.tensor(z, dtype=dtype)).tolist() == want
    big = torch.tensor([1e300 if v == math.inf else v for v in z], dtype=F64)
    assert ne.softmax(big).tolist() == pytest.approx(want)


def test_softmax_all_minus_inf_and_batches():
    with pytest.raises(ValueError, match="all -inf"):
        ne.softmax(torch.tensor([[0.0, 1.0], [-math.inf, -math.inf]]))
    w = ne.softmax(torch.tensor([[0.0, math.log(3.0)], [math.inf, 5.0]], dtype=F64))
    assert w.tolist() == [pytest.approx([0.25, 0.75]), [1.0, 0.0]]


def test_lambdify_to_torch_matches_mpmath():
    """Trap from STYLE.md: check a lambdified torch function against mpmath's lambdification."""
    a, b, c = sp.symbols("a b c", real=True)
    expr = -LogSumExp(-a, -b, -c) + sp.Max(a, b)

    def stack(*z):
        return torch.stack(torch.broadcast_tensors(*[torch.as_tensor(v, dtype=F64) for v in z]), -1)

    ns_torch = {"LogSumExp": lambda *z: ne.lse(stack(*z)), "Max": lambda *z: stack(*z).amax(-1)}
    f_t = sp.lambdify((a, b, c), expr, modules=[ns_torch, "math"])
    f_m = sp.lambdify((a, b, c), expr, modules=[mpmath_namespace(), "mpmath"])
    vals = (1.5, -2.0, 40.0)
    assert abs(float(f_t(*vals)) - float(f_m(*vals))) < 1e-12
