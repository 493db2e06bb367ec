"""numerics.logmeanexp (E^MCHN's β-part) against theory.energies.mp_neg_log_mean_exp."""

import math

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numerics.logmeanexp import NegLogMeanExp, neg_log_mean_exp
from numerics.tolerances import rtol
from theory.energies import mp_neg_log_mean_exp
from theory.lse import mp_softmax

BETAS = [5e-324, 1e-300, 1e-40, 1e-17, 1e-6, 0.3, 1.0, 40.0, 1e8]
scores = arrays(
    np.float64,
    st.tuples(st.integers(1, 3), st.integers(1, 12)),
    elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
)


def reference(z, beta):
    """ν per row at 60 digits (mpmath has no underflow: the log1p/LSE switch suffices)."""
    with mpmath.workdps(60):
        return [float(mp_neg_log_mean_exp(row, mpmath.mpf(beta))) for row in z.tolist()]


@given(scores, st.sampled_from(BETAS), st.sampled_from([torch.float64, torch.float32]))
def test_matches_mpmath_for_every_beta(z, beta, dtype):
    zt = torch.from_numpy(z).to(dtype)
    got = neg_log_mean_exp(zt, beta)
    ref = reference(zt.double().numpy(), beta)
    for b, m in enumerate(ref):
        scale = float(np.abs(z[b]).max()) + 1.0
        assert abs(got[b].item() - m) <= rtol(dtype) * (abs(m) + scale), (b, got[b].item(), m)


@given(scores, st.sampled_from(BETAS), st.data())
def test_blocks_in_any_split_give_the_same_value(z, beta, data):
    zt = torch.from_numpy(z)
    inner = st.integers(1, max(1, z.shape[1] - 1))
    cuts = sorted({c for c in data.draw(st.lists(inner, max_size=4)) if c < z.shape[1]})
    acc = NegLogMeanExp(beta, torch.float64)
    for a, b in zip([0, *cuts], [*cuts, z.shape[1]]):
        acc.add(zt[:, a:b])
    one = neg_log_mean_exp(zt, beta)
    scale = torch.from_numpy(np.abs(z).max(-1)) + 1.0
    assert ((acc.result() - one).abs() <= 1e-13 * scale).all()


@pytest.mark.parametrize("beta", [1e-300, 1e-9, 1.0, 30.0])
def test_gradient_is_minus_softmax(beta):
    z = torch.tensor([[0.5, -1.0, 2.0, 2.0]], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(neg_log_mean_exp(z, beta).sum(), z)
    with mpmath.workdps(30):
        want = [-float(w) for w in mp_softmax([beta * v for v in z[0].tolist()])]
    assert g[0].tolist() == pytest.approx(want, rel=1e-12, abs=1e-300)
    assert torch.autograd.gradcheck(lambda z: neg_log_mean_exp(z, beta), (z,))


def test_limits_and_the_three_branches():
    z = torch.tensor([[1.0, 2.0, 6.0]], dtype=torch.float64)
    assert neg_log_mean_exp(z, 5e-324).item() == -3.0  # β → 0: −mean z (tiny branch)
    assert neg_log_mean_exp(z, 1e-3).item() == pytest.approx(-3.0, rel=1e-2)  # log1p branch
    assert neg_log_mean_exp(z, 1e6).item() == pytest.approx(-6 + math.log(3) / 1e6)  # LSE
    assert neg_log_mean_exp(torch.tensor([[4.0, 4.0]]), 2.0).item() == -4.0  # equal scores
