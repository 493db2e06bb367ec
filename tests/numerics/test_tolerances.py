"""numerics.tolerances: the table, its API, the range warning; numerics.tolerance_survey."""

import math
import warnings

import pytest
import torch

from numerics import energies, stream, tolerance_survey, tolerances
from numerics.tolerances import RTOL, PrecisionWarning, close, rtol, unit_roundoff

DTYPES = [torch.float64, torch.float32, torch.bfloat16, torch.float16]


def test_every_float_dtype_has_a_tolerance_ordered_by_precision():
    assert set(RTOL) == set(DTYPES)
    assert rtol(torch.float64) < rtol(torch.float32) < rtol(torch.float16) < rtol(torch.bfloat16)
    for dt in DTYPES:
        # a tolerance below the dtype's own rounding could never be met
        assert rtol(dt) >= unit_roundoff(dt)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unit_roundoff_is_half_the_machine_epsilon(dtype):
    assert unit_roundoff(dtype) == torch.finfo(dtype).eps / 2


def test_close_rule_and_its_arguments():
    assert close(1.0 + 1e-13, 1.0, torch.float64)
    assert not close(1.0 + 1e-11, 1.0, torch.float64)
    assert close(1e-5, 0.0, torch.float32, scale=1.0)
    assert not close(math.nan, 0.0, torch.float32, scale=1.0)
    with pytest.raises(ValueError, match="scale"):
        close(0.0, 0.0, torch.float32, scale=math.nan)
    with pytest.raises(ValueError, match="dtype"):
        rtol(torch.int64)


def test_warn_if_cancelled_fires_exactly_beyond_the_fraction():
    g = torch.tensor([0.0, 9.0])
    at = tolerances.WARN_FRACTION * (1 + g)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not tolerances.warn_if_cancelled(at, g, "x")  # at the limit: silent
    with pytest.warns(PrecisionWarning, match="near query 1"):
        assert tolerances.warn_if_cancelled(at * torch.tensor([1.0, 1.01]), g, "x")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_typical_data_do_not_warn(dtype):
    """Random patterns of norm ~10 in n = 64 with queries on patterns: inside the range."""
    gen = torch.Generator().manual_seed(0)
    P = (torch.randn(500, 64, generator=gen) * 1.2).to(dtype)
    X = torch.cat([P[:4], torch.randn(4, 64, generator=gen).to(dtype)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        stream.distance_energy(P, X, chunk=100)
        stream.cccp_step(P, X, chunk=100)
        stream.knn_distances(P, k=2)
        stream.nearest_neighbour(P, X)


def test_range_stated_in_the_table_matches_the_warning():
    """float32, n = 64, a query on a pattern: the spread where the warning starts (1.2e4)."""
    n = 64
    limit = tolerances.WARN_FRACTION / tolerances.distance_error_bound(torch.float32, n, 1.0)
    assert 1.2e4 <= limit < 1.3e4
    r = math.sqrt(1.1 * limit / 2)  # ‖x̃‖² + ‖ρ̃‖² = 1.1 limit for two opposite patterns
    P = torch.zeros(2, n)
    P[0, 0], P[1, 0] = r, -r
    with pytest.warns(PrecisionWarning):
        stream.distance_energy(P, P[:1])
    r = math.sqrt(0.9 * limit / 2)
    P[0, 0], P[1, 0] = r, -r
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        stream.distance_energy(P, P[:1])


def test_a_small_survey_stays_inside_the_table():
    worst = tolerance_survey.survey(draws=3, max_d=200)
    for (kernel, dtype, kind), err in worst.items():
        assert err <= rtol(dtype), (kernel, dtype, kind, err)


@pytest.mark.slow
@pytest.mark.parametrize("offset", [0.0, 1000.0])
def test_the_documented_survey_stays_inside_the_table(offset):
    worst = tolerance_survey.survey(draws=40, offset=offset)
    for (kernel, dtype, kind), err in worst.items():
        assert err <= rtol(dtype), (kernel, dtype, kind, err)


def test_direct_distances_relative_even_where_the_stream_warns():
    """The direct kernels recompute at-risk pairs: no range limit there (float32)."""
    P = torch.tensor([[1e4, 0.0], [-1e4, 0.0], [1e4 + 0.25, 0.5]], dtype=torch.float32)
    x = torch.tensor([[1e4 + 0.5, 0.0]], dtype=torch.float32)
    d2 = energies.sq_dists(P, x)[0].double()
    want = ((x.double() - P.double()) ** 2).sum(-1)
    assert torch.allclose(d2, want, rtol=8 * unit_roundoff(torch.float32), atol=0)
