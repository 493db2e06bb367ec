"""The streaming kernels (numerics.stream) against the direct forms (numerics.energies).

Float64 property tests: equal to round-off for every chunk size (1, ≥ d, not dividing d),
with huge (|values| ~ 1e4) and tiny inputs, single patterns, duplicate patterns and queries
sitting on a pattern. Float32/bfloat16 against float64 with the tolerance table of
numerics.tolerances. k-NN against a brute-force sort. Validation errors. A CUDA-vs-CPU test
(marker ``gpu``, skipped without CUDA) and a smoke test of ``run_bench(quick=True)``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numerics import energies, stream
from numerics.tolerances import rtol

F64 = torch.float64


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """These tensors are tiny: one intra-op thread avoids OpenMP hand-off costs, which on a
    busy 2-core machine reach milliseconds per call. Restored afterwards."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


# ---------------------------------------------------------------- strategies and helpers


@st.composite
def problems(draw, max_d: int = 40, max_n: int = 6, max_B: int = 5):
    """(patterns (d, n), queries (B, n)) in float64, some with duplicates and exact hits."""
    d = draw(st.integers(1, max_d))
    n = draw(st.integers(1, max_n))
    B = draw(st.integers(1, max_B))
    mag = draw(st.sampled_from([1e-3, 1.0, 30.0, 1e4]))
    unit = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
    P = draw(arrays(np.float64, (d, n), elements=unit)) * mag
    X = draw(arrays(np.float64, (B, n), elements=unit)) * mag
    if d > 1 and draw(st.booleans()):  # a duplicate pattern
        P[draw(st.integers(0, d - 1))] = P[draw(st.integers(0, d - 1))]
    if draw(st.booleans()):  # a query exactly on a pattern
        X[draw(st.integers(0, B - 1))] = P[draw(st.integers(0, d - 1))]
    return torch.from_numpy(P), torch.from_numpy(X)


chunks = st.one_of(st.none(), st.just(1), st.integers(1, 60))


def energy_scale(P: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1 per query: the cancellation scale of numerics.tolerances."""
    P, X = P.double(), X.double()
    return (X * X).sum(-1) + (P * P).sum(-1).max() + math.log(P.shape[0]) + 1.0


def assert_close(t, m, dtype, scale, what=""):
    """|t − m| ≤ rtol(dtype)·(|m| + scale), elementwise, with a reproducible message."""
    t, m = t.double(), m.double()
    bound = rtol(dtype) * (m.abs() + scale)
    bad = (t - m).abs() > bound
    assert not bad.any(), (
        f"{what}: |t − m| exceeds rtol({dtype})·(|m| + scale) at {bad.nonzero()[:3].tolist()}; "
        f"t={t[bad][:3].tolist()} m={m[bad][:3].tolist()} bound={bound[bad][:3].tolist()}"
    )


# ---------------------------------------------------------------- float64: stream == direct


@settings(deadline=None)
@given(problems(), chunks)
def test_distance_energy_matches_direct(pd, chunk):
    P, X = pd
    assert_close(
        stream.distance_energy(P, X, chunk),
        energies.distance_energy(P, X),
        F64,
        energy_scale(P, X),
        f"E (Eq. 4), chunk={chunk}",
    )


@settings(deadline=None)
@given(problems(), chunks)
def test_nearest_neighbour_matches_direct(pd, chunk):
    P, X = pd
    g = stream.nearest_neighbour(P, X, chunk)
    assert (g >= 0).all()
    assert_close(g, energies.nearest_neighbour(P, X), F64, energy_scale(P, X), f"g, chunk={chunk}")


@settings(deadline=None)
@given(problems(), chunks, st.sampled_from([0.25, 1.0, 2.0, 7.5]))
def test_mchn_energy_matches_direct(pd, chunk, beta):
    P, X = pd
    scale = energy_scale(P, X) * max(1.0, beta)
    assert_close(
        stream.mchn_energy(P, X, beta, chunk),
        energies.mchn_energy(P, X, beta),
        F64,
        scale,
        f"E^MCHN beta={beta}, chunk={chunk}",
    )


@settings(deadline=None)
@given(problems(), chunks)
def test_cccp_step_matches_direct(pd, chunk):
    P, X = pd
    out = stream.cccp_step(P, X, chunk)
    assert out.shape == X.shape
    scale = energy_scale(P, X)[:, None] * P.abs().max()
    assert_close(out, energies.cccp_step(P, X), F64, scale, f"CCCP step, chunk={chunk}")


def test_single_query_gives_scalars_and_vectors():
    P = torch.randn(13, 4, dtype=F64, generator=torch.Generator().manual_seed(1))
    x = torch.randn(4, dtype=F64, generator=torch.Generator().manual_seed(2))
    for fs, fd in [
        (stream.distance_energy, energies.distance_energy),
        (stream.nearest_neighbour, energies.nearest_neighbour),
        (stream.mchn_energy, energies.mchn_energy),
        (stream.cccp_step, energies.cccp_step),
    ]:
        a, b = fs(P, x, chunk=5), fd(P, x)
        assert a.shape == b.shape
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-12)


def test_single_pattern():
    """d = 1: E = g = ‖x − ρ‖², and the CCCP step lands on the pattern."""
    P = torch.tensor([[1.5, -2.0, 0.25]], dtype=F64)
    X = torch.tensor([[0.0, 0.0, 0.0], [1.5, -2.0, 0.25], [10.0, 3.0, -1.0]], dtype=F64)
    d2 = ((X - P) ** 2).sum(-1)
    for chunk in (None, 1, 5):
        assert torch.allclose(stream.distance_energy(P, X, chunk), d2, rtol=1e-14, atol=1e-13)
        assert torch.allclose(stream.nearest_neighbour(P, X, chunk), d2, rtol=1e-14, atol=1e-13)
        assert torch.equal(stream.cccp_step(P, X, chunk), P.expand(3, 3))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_distances_clamped_at_zero_on_a_pattern(dtype):
    """d = 1 and x = ρ: ‖x‖² − 2xᵀρ + ‖ρ‖² rounds to ±ulp; the clamp keeps E = g = 0 ≥ 0
    (Prop. 1 with d = 1), as the direct forms do."""
    gen = torch.Generator().manual_seed(7)
    for _ in range(20):
        P = (torch.randn(1, 37, dtype=F64, generator=gen) * 1e3).to(dtype)
        X = P.expand(4, 37).clone()
        for chunk in (None, 1):
            assert (stream.distance_energy(P, X, chunk) >= 0).all()
            assert (stream.nearest_neighbour(P, X, chunk) >= 0).all()


def test_larger_random_sets_chunk_not_dividing_d():
    gen = torch.Generator().manual_seed(3)
    P = torch.randn(1000, 16, dtype=F64, generator=gen) * 3
    X = torch.randn(32, 16, dtype=F64, generator=gen) * 3
    X[:4] = P[:4] + 1e-6
    sc = energy_scale(P, X)
    for chunk in (1, 7, 333, 999, 1000, 4096):
        assert_close(
            stream.distance_energy(P, X, chunk), energies.distance_energy(P, X), F64, sc, "E"
        )
        assert_close(
            stream.cccp_step(P, X, chunk),
            energies.cccp_step(P, X),
            F64,
            sc[:, None] * P.abs().max(),
            "CCCP",
        )


def test_huge_inputs_underflow_all_but_the_nearest():
    """|values| ~ 1e4: exp(−d2) underflows to 0 for every pattern; the max shift must cope."""
    P = torch.tensor([[1e4, -1e4], [-1e4, 1e4], [1e4, 1e4]], dtype=F64)
    X = torch.tensor([[1e4 + 1.0, -1e4], [0.0, 0.0]], dtype=F64)
    for chunk in (1, 2, 3):
        e = stream.distance_energy(P, X, chunk)
        assert torch.isfinite(e).all()
        assert_close(e, energies.distance_energy(P, X), F64, energy_scale(P, X), "huge E")
        assert torch.isfinite(stream.cccp_step(P, X, chunk)).all()
    # the first query's energy is its distance to ρ¹ (1.0), up to the others' e^{−4e8}
    assert stream.distance_energy(P, X, 1)[0].item() == pytest.approx(1.0, abs=1e-6)


# ---------------------------------------------------------------- the online LSE itself


@settings(deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 30)),
        elements=st.one_of(
            st.floats(-1e4, 1e4, allow_nan=False), st.just(-math.inf), st.just(-1e300)
        ),
    ),
    st.integers(1, 35),
)
def test_stream_lse_with_minus_inf_and_huge_scores(z, chunk):
    zt = torch.from_numpy(z)
    got = stream.stream_lse(lambda a, b: zt[:, a:b], zt.shape[1], chunk)
    want = energies.lse(zt)
    assert torch.equal(torch.isneginf(got), torch.isneginf(want))
    fin = torch.isfinite(want)
    scale = zt.where(torch.isfinite(zt), torch.zeros_like(zt)).abs().amax(-1) + 1.0
    assert ((got[fin] - want[fin]).abs() <= 1e-12 * scale[fin]).all(), (got, want)
    assert torch.equal(zt, torch.from_numpy(z)), "stream_lse must not modify a borrowed block"


def test_stream_lse_plus_inf_and_all_minus_inf_rows():
    z = torch.tensor(
        [[-math.inf, -math.inf, -math.inf], [math.inf, 0.0, -math.inf], [0.0, 0.0, 0.0]],
        dtype=F64,
    )
    for chunk in (1, 2, 3):
        got = stream.stream_lse(lambda a, b: z[:, a:b], 3, chunk)
        assert got[0] == -math.inf and got[1] == math.inf
        assert got[2].item() == pytest.approx(math.log(3), rel=1e-15)


def test_stream_lse_reads_at_most_chunk_columns():
    seen = []
    z = torch.randn(3, 50, dtype=F64)

    def score(a, b):
        seen.append(b - a)
        return z[:, a:b]

    stream.stream_lse(score, 50, 7)
    assert seen == [7] * 7 + [1]


def test_stream_lse_rejects_nan():
    z = torch.tensor([[0.0, math.nan, 1.0]], dtype=F64)
    with pytest.raises(ValueError, match="NaN"):
        stream.stream_lse(lambda a, b: z[:, a:b], 3, 2)


# ---------------------------------------------------------------- k-NN


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
        monkeypatch.setattr(stream, "_argmin_on_improved_rows", lambda _dev, f=flag: f)
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


# ---------------------------------------------------------------- validation


P0 = torch.zeros(4, 3, dtype=F64)
X0 = torch.zeros(2, 3, dtype=F64)


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "8"])
@pytest.mark.parametrize(
    "fn",
    [
        lambda c: stream.distance_energy(P0, X0, c),
        lambda c: stream.nearest_neighbour(P0, X0, c),
        lambda c: stream.mchn_energy(P0, X0, 1.0, c),
        lambda c: stream.cccp_step(P0, X0, c),
        lambda c: stream.knn_distances(P0, k=1, chunk=c),
    ],
)
def test_bad_chunk_raises(fn, bad):
    with pytest.raises(ValueError, match="chunk must be a positive int"):
        fn(bad)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stream.distance_energy(torch.zeros(4, dtype=F64), X0), "shape"),
        (lambda: stream.distance_energy(torch.zeros(0, 3, dtype=F64), X0), "at least one"),
        (lambda: stream.distance_energy(torch.zeros(4, 3, dtype=torch.int64), X0), "floating"),
        (lambda: stream.distance_energy([[0.0]], X0), "torch.Tensor"),
        (lambda: stream.distance_energy(P0.clone().fill_(math.nan), X0), "finite"),
        (lambda: stream.cccp_step(torch.full((4, 3), math.inf, dtype=F64), X0), "finite"),
        (lambda: stream.knn_distances(torch.tensor([[math.nan]], dtype=F64)), "finite"),
        (lambda: stream.distance_energy(P0, torch.zeros(2, 5, dtype=F64)), "dimension"),
        (lambda: stream.distance_energy(P0, X0.float()), "convert"),
        (lambda: stream.cccp_step(P0, X0.clone().fill_(math.inf)), "finite"),
        (lambda: stream.mchn_energy(P0, X0, beta=0.0), "beta"),
        (lambda: stream.mchn_energy(P0, X0, beta=math.inf), "beta"),
        (lambda: stream.knn_distances(P0, k=0), "k must be"),
        (lambda: stream.knn_distances(P0, k=4), "only 3 candidate"),
        (lambda: stream.knn_distances(P0, X0, k=5), "only 4 candidate"),
        (lambda: stream.knn_distances(P0[:1]), "only 0 candidate"),
        (lambda: stream.stream_lse(lambda a, b: None, 0, 1), "d ≥ 1"),
    ],
)
def test_validation_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_default_chunk_respects_the_budget():
    for B, d in [(1, 10), (512, 32768), (1024, 10**7), (10**7, 5), (3, 1)]:
        c = stream.default_chunk(B, d)
        assert 1 <= c <= d
        assert B * c <= max(stream.BUDGET_CPU, B)
    assert stream.default_chunk(512, 32768) == 2048
    assert stream.default_chunk(4, 100) == 100  # fits: a single pass


# ---------------------------------------------------------------- float32 and bfloat16


@st.composite
def low_precision_problems(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    d = draw(st.integers(1, 200))
    n = draw(st.integers(1, 40))
    sp = draw(st.sampled_from([0.1, 1.0, 5.0]))
    gen = torch.Generator().manual_seed(seed)
    P = torch.randn(d, n, dtype=F64, generator=gen) * sp
    X = torch.randn(6, n, dtype=F64, generator=gen) * sp
    X[:2] = P[torch.randint(0, d, (2,), generator=gen)] + 1e-3 * sp  # queries near patterns
    return P, X, draw(st.sampled_from([None, 7, 64]))


@settings(deadline=None, max_examples=25)
@given(low_precision_problems(), st.sampled_from([torch.float32, torch.bfloat16]))
def test_low_precision_within_the_tolerance_table(prob, dtype):
    P, X, chunk = prob
    Pl, Xl = P.to(dtype), X.to(dtype)
    P64, X64 = Pl.double(), Xl.double()  # the same rounded inputs, exactly
    sc = energy_scale(P64, X64)
    checks = [
        ("E", stream.distance_energy(Pl, Xl, chunk), energies.distance_energy(P64, X64), sc),
        ("g", stream.nearest_neighbour(Pl, Xl, chunk), energies.nearest_neighbour(P64, X64), sc),
        ("MCHN", stream.mchn_energy(Pl, Xl, 1.0, chunk), energies.mchn_energy(P64, X64), sc),
        (
            "CCCP",
            stream.cccp_step(Pl, Xl, chunk),
            energies.cccp_step(P64, X64),
            sc[:, None] * P64.abs().max(),
        ),
    ]
    for name, t, m, s in checks:
        assert t.dtype == dtype
        assert_close(t, m, dtype, s, f"{name} {dtype}")
        if dtype == torch.bfloat16:
            # float32 accumulation: the error is the final rounding (≤ 2⁻⁹|m|) plus float32
            # round-off; bfloat16 accumulation would leave errors of order 2⁻⁸·scale.
            err = (t.double() - m).abs()
            bound = 2.0**-8 * m.abs() + rtol(torch.float32) * (m.abs() + s)
            assert (err <= bound).all(), f"{name}: bf16 not accumulated in float32: {err.max()}"


# ---------------------------------------------------------------- CUDA


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16])
def test_cuda_matches_cpu(dtype):
    gen = torch.Generator().manual_seed(5)
    P = torch.randn(5000, 32, dtype=F64, generator=gen).to(dtype)
    X = torch.randn(300, 32, dtype=F64, generator=gen).to(dtype)
    X[:3] = P[:3]
    Pc, Xc = P.cuda(), X.cuda()
    P64, X64 = P.double(), X.double()
    sc = energy_scale(P64, X64)
    for chunk in (None, 333):
        pairs = [
            (stream.distance_energy(Pc, Xc, chunk), energies.distance_energy(P64, X64), sc),
            (stream.nearest_neighbour(Pc, Xc, chunk), energies.nearest_neighbour(P64, X64), sc),
            (stream.mchn_energy(Pc, Xc, 2.0, chunk), energies.mchn_energy(P64, X64, 2.0), 2 * sc),
            (
                stream.cccp_step(Pc, Xc, chunk),
                energies.cccp_step(P64, X64),
                sc[:, None] * P64.abs().max(),
            ),
        ]
        for t, m, s in pairs:
            assert t.device.type == "cuda" and t.dtype == dtype
            assert_close(t.cpu(), m, dtype, s, f"cuda {dtype} chunk={chunk}")
        dist, idx = stream.knn_distances(Pc, k=2, chunk=chunk)
        assert dist.device.type == "cuda"
        _, want = brute_knn(P64, None, 2, exclude_self=True)
        assert_close(dist.cpu(), want, dtype, energy_scale(P64, P64)[:, None], "cuda knn")
        assert (idx.cpu() != torch.arange(5000)[:, None]).all()


# ---------------------------------------------------------------- the bench, quick


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory):
    from numerics import bench

    path = tmp_path_factory.mktemp("bench") / "bench.json"
    code = bench.main(["--quick", "--json", str(path)])
    return code, json.loads(path.read_text())


def test_quick_bench_json_keys(quick_bench):
    from numerics import bench

    code, result = quick_bench
    assert code == 0
    assert set(bench.TOP_KEYS) <= set(result)
    assert result["quick"] is True and result["device"] == "cpu"
    assert [t["task"] for t in result["tasks"]] == [
        "cccp_step",
        "knn1_within_set",
        "distance_energy",
    ]
    for task in result["tasks"]:
        assert set(bench.TASK_KEYS) <= set(task)
        names = [v["name"] for v in task["variants"]]
        assert task["kernel"] in names and task["reference"] in names
        for v in task["variants"]:
            assert set(bench.VARIANT_KEYS) <= set(v)
            assert (v["seconds"] is not None) == v["available"]
        kernel = next(v for v in task["variants"] if v["name"] == task["kernel"])
        assert kernel["available"] and kernel["seconds"] > 0
        ref = next(v for v in task["variants"] if v["name"] == task["reference"])
        if task["task"] == "knn1_within_set" and not ref["available"]:
            # without faiss there is no reference to measure the kNN error against
            assert kernel["max_rel_err"] is None
            continue
        assert kernel["max_rel_err"] is not None and kernel["max_rel_err"] <= rtol(torch.float32)
    knn = result["tasks"][1]
    ref = next(v for v in knn["variants"] if v["name"] == knn["reference"])
    assert ref["available"] == (result["faiss"] is not None)
    assert (knn["speedup"] is None) == (not ref["available"])


def test_bench_rejects_missing_cuda():
    from numerics import bench

    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    assert bench.main(["--device", "cuda", "--quick"]) == 2
