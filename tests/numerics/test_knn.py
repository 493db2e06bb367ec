"""numerics.knn (re-exported by numerics.stream): exact k-NN against brute force and mpmath.

The brute-force reference is the direct, translation-invariant numerics.energies.sq_dists;
small instances are also checked against mpmath distances. The distances returned are exact
direct differences (so equal to ‖q − ρ‖² to rounding at any offset), differentiable in
both arguments (gradcheck). A CUDA test (marker ``gpu``) compares with the CPU.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import theory.energies as te
from numerics import energies, knn, stream
from numerics.tolerances import rtol

F64 = torch.float64


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@st.composite
def problems(draw, max_d: int = 30, max_n: int = 6, max_B: int = 5):
    """(patterns (d, n), queries (B, n)) in float64, some with duplicates and exact hits."""
    d = draw(st.integers(1, max_d))
    n = draw(st.integers(1, max_n))
    B = draw(st.integers(1, max_B))
    mag = draw(st.sampled_from([1e-3, 1.0, 30.0, 1e4]))
    off = draw(st.sampled_from([0.0, 0.0, 1e6]))
    unit = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
    P = draw(arrays(np.float64, (d, n), elements=unit)) * mag + off
    X = draw(arrays(np.float64, (B, n), elements=unit)) * mag + off
    if d > 1 and draw(st.booleans()):  # a duplicate pattern
        P[draw(st.integers(0, d - 1))] = P[draw(st.integers(0, d - 1))]
    if draw(st.booleans()):  # a query exactly on a pattern
        X[draw(st.integers(0, B - 1))] = P[draw(st.integers(0, d - 1))]
    return torch.from_numpy(P), torch.from_numpy(X)


chunks = st.one_of(st.none(), st.just(1), st.integers(1, 60))


def energy_scale(P: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """‖x − c‖² + maxᵢ‖ρⁱ − c‖² + log d + 1, c the patterns' mean (numerics.tolerances)."""
    P, X = P.double(), X.double()
    c = P.mean(0)
    P, X = P - c, X - c
    return (X * X).sum(-1) + (P * P).sum(-1).max() + math.log(P.shape[0]) + 1.0


def assert_close(t, m, dtype, scale, what=""):
    t, m = t.double(), m.double()
    bound = rtol(dtype) * (m.abs() + scale)
    bad = (t - m).abs() > bound
    assert not bad.any(), f"{what}: t={t[bad][:3].tolist()} m={m[bad][:3].tolist()}"


def brute_knn(P, Q, k, exclude_self):
    D = energies.sq_dists(P, Q if Q is not None else P)  # (B, d)
    if exclude_self:
        D = D.clone()
        D.fill_diagonal_(math.inf)
    return D, D.sort(-1).values[:, :k]


@settings(deadline=None)
@given(problems(max_d=30), st.integers(1, 4), chunks, st.booleans())
def test_knn_within_set_matches_brute_force(pd, k, chunk, squared):
    P, _ = pd
    d = P.shape[0]
    if k > d - 1:
        with pytest.raises(ValueError, match="neighbours requested"):
            stream.knn_distances(P, k=k, chunk=chunk)
        return
    dist, idx = stream.knn_distances(P, k=k, chunk=chunk, squared=squared)
    D, want = brute_knn(P, None, k, exclude_self=True)
    assert dist.shape == idx.shape == (d, k)
    sc = energy_scale(P, P)[:, None]
    got2 = dist**2 if not squared else dist
    assert_close(got2, want, F64, sc, "k-NN squared distances")
    assert (idx != torch.arange(d)[:, None]).all(), "own index must be excluded"
    assert all(len(set(row)) == k for row in idx.tolist()), "neighbour indices must differ"
    assert_close(D.gather(1, idx), want, F64, sc, "distances at the returned indices")


@settings(deadline=None)
@given(problems(max_d=30), st.integers(1, 3), chunks)
def test_knn_with_queries_excludes_nothing(pd, k, chunk):
    P, X = pd
    k = min(k, P.shape[0])
    dist, idx = stream.knn_distances(P, X, k=k, chunk=chunk)
    _, want = brute_knn(P, X, k, exclude_self=False)
    assert_close(dist, want, F64, energy_scale(P, X)[:, None], "k-NN with queries")
    assert_close(stream.nearest_neighbour(P, X, chunk), want[:, 0], F64, energy_scale(P, X), "g")


def test_knn_k1_both_strategies_agree(monkeypatch):
    """The CPU k = 1 path (argmin on improved rows) and the CUDA one (min with index)."""
    gen = torch.Generator().manual_seed(6)
    P = torch.randn(300, 5, dtype=F64, generator=gen)
    P[200] = P[7]
    X = torch.randn(40, 5, dtype=F64, generator=gen)
    D, want = brute_knn(P, None, 1, exclude_self=True)
    results = []
    for flag in (True, False):
        monkeypatch.setattr(knn, "_argmin_on_improved_rows", lambda _dev, f=flag: f)
        for chunk in (1, 17, 300):
            dist, idx = stream.knn_distances(P, k=1, chunk=chunk)
            assert_close(dist, want, F64, energy_scale(P, P)[:, None], f"flag={flag}")
            assert_close(D.gather(1, idx), want, F64, energy_scale(P, P)[:, None], "indices")
            assert idx[7, 0] == 200 and idx[200, 0] == 7
            results.append(stream.nearest_neighbour(P, X, chunk))
    for r in results[1:]:
        assert torch.allclose(r, results[0], rtol=1e-12, atol=1e-12)


def test_knn_duplicates_count_as_neighbours():
    """Self-exclusion is by index: an exact duplicate is a neighbour at distance 0."""
    P = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0], [3.0, 4.0], [9.0, 9.0]], dtype=F64)
    for chunk in (None, 1, 2, 3):
        dist, idx = stream.knn_distances(P, k=1, chunk=chunk)
        assert dist[:4, 0].tolist() == [0.0, 0.0, 0.0, 0.0]
        assert idx[:4, 0].tolist() == [2, 3, 0, 1]
        assert dist[4, 0].item() == pytest.approx(25.0 + 36.0)
    plain, _ = stream.knn_distances(P, k=2, squared=False)
    assert plain[0].tolist() == pytest.approx([0.0, 5.0])


def test_knn_large_tiles_with_query_tiling():
    """More queries than one tile: the self-exclusion diagonal must follow the tile offsets."""
    gen = torch.Generator().manual_seed(4)
    P = torch.randn(700, 8, dtype=F64, generator=gen)
    P[500] = P[10]
    D, want = brute_knn(P, None, 3, exclude_self=True)
    for chunk in (64, 100, 699, 5000):
        dist, idx = stream.knn_distances(P, k=3, chunk=chunk)
        assert_close(dist, want, F64, energy_scale(P, P)[:, None], f"chunk={chunk}")
        assert (idx != torch.arange(700)[:, None]).all()
    assert stream.knn_distances(P, k=1)[0][10, 0] == 0.0


@settings(deadline=None, max_examples=25)
@given(problems(max_d=6, max_n=3, max_B=2), st.integers(1, 3), chunks)
def test_knn_matches_mpmath(pd, k, chunk):
    P, X = pd
    k = min(k, P.shape[0])
    dist, idx = stream.knn_distances(P, X, k=k, chunk=chunk)
    for b, x in enumerate(X.tolist()):
        with mpmath.workdps(40):
            ref = sorted(float(te.mp_dist(x, r)) for r in P.tolist())[:k]
        for j in range(k):
            bound = 1e-14 * ref[j] + rtol(F64) * energy_scale(P, X)[b].item()
            assert abs(dist[b, j].item() - ref[j]) <= bound, (b, j, dist[b, j].item(), ref[j])


@settings(deadline=None, max_examples=25)
@given(problems(max_d=20), st.integers(1, 3), chunks)
def test_returned_distances_are_the_exact_distances_of_the_returned_neighbours(pd, k, chunk):
    P, X = pd
    k = min(k, P.shape[0])
    dist, idx = stream.knn_distances(P, X, k=k, chunk=chunk)
    direct = ((X[:, None, :] - P[idx]) ** 2).sum(-1)  # (B, k)
    assert torch.allclose(dist, direct, rtol=1e-15, atol=0)
    assert (dist[:, 1:] >= dist[:, :-1]).all(), "ascending"


def test_offset_far_from_the_origin_float32():
    """Regression (issue 13): float32 entries ~1e4 gave g = 16 where it is 0.25."""
    P = torch.tensor([[1e4, 1e4], [1e4 + 3.0, 1e4]], dtype=torch.float32)
    x = torch.tensor([[1e4 + 0.5, 1e4]], dtype=torch.float32)
    assert stream.knn_distances(P, x)[0].item() == 0.25
    assert stream.nearest_neighbour(P, x).item() == 0.25


@pytest.mark.parametrize("chunk", [None, 2])
def test_gradcheck_knn(chunk):
    gen = torch.Generator().manual_seed(8)
    P = torch.randn(6, 3, dtype=F64, generator=gen).requires_grad_(True)
    X = torch.randn(3, 3, dtype=F64, generator=gen).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda P, X: stream.knn_distances(P, X, 2, chunk)[0], (P, X))
    assert torch.autograd.gradcheck(lambda P: stream.knn_distances(P, k=2, chunk=chunk)[0], (P,))
    assert torch.autograd.gradcheck(lambda P, X: stream.nearest_neighbour(P, X, chunk), (P, X))
    gs = torch.autograd.grad(stream.nearest_neighbour(P, X, chunk).sum(), (P, X))
    gd = torch.autograd.grad(energies.nearest_neighbour(P, X).sum(), (P, X))
    for a, b in zip(gs, gd):
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16, torch.float16])
def test_cuda_knn_matches_cpu(dtype):
    gen = torch.Generator().manual_seed(5)
    P = torch.randn(5000, 32, dtype=F64, generator=gen).to(dtype)
    P64 = P.double()
    for chunk in (None, 333):
        dist, idx = stream.knn_distances(P.cuda(), k=2, chunk=chunk)
        assert dist.device.type == "cuda" and dist.dtype == dtype
        _, want = brute_knn(P64, None, 2, exclude_self=True)
        assert_close(dist.cpu(), want, dtype, energy_scale(P64, P64)[:, None], "cuda knn")
        assert (idx.cpu() != torch.arange(5000)[:, None]).all()
