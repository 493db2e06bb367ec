"""The streaming kernels (numerics.stream) against the direct forms and against mpmath.

Float64 property tests: equal to round-off for every chunk size (1, ≥ d, not dividing d),
with huge (|values| ~ 1e4) and tiny inputs, a shared offset far from the origin, single
patterns, duplicate patterns and queries sitting on a pattern; against the mpmath twins of
theory.energies on small instances. Autograd: torch.autograd.gradcheck through every
streaming kernel, and gradients equal to the direct kernels'. Float32/bfloat16/float16
against float64 with the tolerance table of numerics.tolerances. Validation errors. A
CUDA-vs-CPU test (marker ``gpu``, skipped without CUDA). The k-NN kernel: test_knn.py.
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
    off = draw(st.sampled_from([0.0, 0.0, 1e6]))  # a shared offset far from the origin
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
    """‖x − c‖² + maxᵢ‖ρⁱ − c‖² + log d + 1 per query, c the patterns' mean: the (centred,
    translation-invariant) cancellation scale of numerics.tolerances for distance kernels."""
    P, X = P.double(), X.double()
    c = P.mean(0)
    P, X = P - c, X - c
    return (X * X).sum(-1) + (P * P).sum(-1).max() + math.log(P.shape[0]) + 1.0


def plain_scale(P: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1: the scale of E^MCHN, which is not translation-invariant."""
    P, X = P.double(), X.double()
    return (X * X).sum(-1) + (P * P).sum(-1).max() + math.log(P.shape[0]) + 1.0


def spread(P: torch.Tensor) -> torch.Tensor:
    """maxᵢⱼ |ρⁱⱼ − cⱼ| + 1: how far the CCCP step's output can move with its weights."""
    P = P.double()
    return (P - P.mean(0)).abs().max() + 1.0


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
    scale = plain_scale(P, X) * max(1.0, beta)
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
    scale = energy_scale(P, X)[:, None] * spread(P)
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
            sc[:, None] * spread(P),
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


@settings(deadline=None, max_examples=25)
@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 3), st.integers(1, 20)), elements=st.floats(-1e3, 1e3)
    ),
    st.integers(1, 25),
)
def test_stream_lse_matches_mpmath(z, chunk):
    got = stream.stream_lse(lambda a, b: torch.from_numpy(z[:, a:b]), z.shape[1], chunk)
    for b, row in enumerate(z.tolist()):
        with mpmath.workdps(40):
            ref = float(mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in row)))
        assert abs(got[b].item() - ref) <= rtol(F64) * (abs(ref) + max(map(abs, row)) + 1)


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


# ---------------------------------------------------------------- float32, bfloat16, float16

LOW = [torch.float32, torch.bfloat16, torch.float16]


@st.composite
def low_precision_problems(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    d = draw(st.integers(1, 200))
    n = draw(st.integers(1, 40))
    sp = draw(st.sampled_from([0.1, 1.0, 5.0]))
    off = draw(st.sampled_from([0.0, 100.0]))
    gen = torch.Generator().manual_seed(seed)
    P = torch.randn(d, n, dtype=F64, generator=gen) * sp + off
    X = torch.randn(6, n, dtype=F64, generator=gen) * sp + off
    X[:2] = P[torch.randint(0, d, (2,), generator=gen)] + 1e-3 * sp  # queries near patterns
    return P, X, draw(st.sampled_from([None, 7, 64]))


@settings(deadline=None, max_examples=25)
@given(low_precision_problems(), st.sampled_from(LOW))
def test_low_precision_within_the_tolerance_table(prob, dtype):
    P, X, chunk = prob
    Pl, Xl = P.to(dtype), X.to(dtype)
    P64, X64 = Pl.double(), Xl.double()  # the same rounded inputs, exactly
    sc, plain = energy_scale(P64, X64), plain_scale(P64, X64)
    checks = [
        ("E", stream.distance_energy(Pl, Xl, chunk), energies.distance_energy(P64, X64), sc),
        ("g", stream.nearest_neighbour(Pl, Xl, chunk), energies.nearest_neighbour(P64, X64), sc),
        ("MCHN", stream.mchn_energy(Pl, Xl, 1.0, chunk), energies.mchn_energy(P64, X64), plain),
        (
            "CCCP",
            stream.cccp_step(Pl, Xl, chunk),
            energies.cccp_step(P64, X64),
            sc[:, None] * spread(P64),
        ),
    ]
    for name, t, m, s in checks:
        assert t.dtype == dtype
        assert_close(t, m, dtype, s, f"{name} {dtype}")
        if dtype in (torch.bfloat16, torch.float16):
            # float32 accumulation: the error is the final rounding (≤ u|m|) plus float32
            # round-off; 16-bit accumulation would leave errors of order u·scale.
            u = 2.0**-8 if dtype == torch.bfloat16 else 2.0**-11
            err = (t.double() - m).abs()
            bound = u * m.abs() + rtol(torch.float32) * (m.abs() + s)
            assert (err <= bound).all(), f"{name}: {dtype} not accumulated in float32: {err.max()}"


# ---------------------------------------------------------------- against mpmath


@settings(deadline=None, max_examples=25)
@given(problems(max_d=6, max_n=3, max_B=2), chunks, st.sampled_from([1e-300, 0.5, 1.0, 20.0]))
def test_stream_kernels_match_mpmath(pd, chunk, beta):
    """Every streaming kernel against its mpmath twin in theory.energies (40 digits)."""
    P, X = pd
    Pl = P.tolist()
    sc, plain = energy_scale(P, X), plain_scale(P, X)
    E = stream.distance_energy(P, X, chunk)
    g = stream.nearest_neighbour(P, X, chunk)
    M = stream.mchn_energy(P, X, beta, chunk)
    C = stream.cccp_step(P, X, chunk)
    for b, x in enumerate(X.tolist()):
        with mpmath.workdps(40):
            refs = [
                ("E", E[b], te.mp_distance_energy(Pl, x), sc[b]),
                ("g", g[b], te.mp_nearest_neighbour(Pl, x), sc[b]),
                ("MCHN", M[b], te.mp_mchn_energy(Pl, x, beta), plain[b]),
            ]
            refs += [
                ("CCCP", C[b, k], r, sc[b] * spread(P))
                for k, r in enumerate(te.mp_cccp_step(Pl, x))
            ]
        for name, t, m, s in refs:
            m = float(m)
            assert abs(float(t) - m) <= rtol(F64) * (abs(m) + float(s)), (name, b, float(t), m)


# ---------------------------------------------------------------- autograd


def _grad_inputs(seed, d=7, B=3, n=3):
    gen = torch.Generator().manual_seed(seed)
    P = torch.randn(d, n, dtype=F64, generator=gen).requires_grad_(True)
    X = torch.randn(B, n, dtype=F64, generator=gen).requires_grad_(True)
    return P, X


STREAM_VS_DIRECT = {
    "distance_energy": (
        lambda P, X, c: stream.distance_energy(P, X, c),
        energies.distance_energy,
    ),
    "nearest_neighbour": (
        lambda P, X, c: stream.nearest_neighbour(P, X, c),
        energies.nearest_neighbour,
    ),
    "mchn_energy": (
        lambda P, X, c: stream.mchn_energy(P, X, 0.7, c),
        lambda P, X: energies.mchn_energy(P, X, 0.7),
    ),
    "mchn_energy tiny beta": (
        lambda P, X, c: stream.mchn_energy(P, X, 1e-300, c),
        lambda P, X: energies.mchn_energy(P, X, 1e-300),
    ),
    "cccp_step": (lambda P, X, c: stream.cccp_step(P, X, c), energies.cccp_step),
    "stream_lse": (
        lambda P, X, c: stream.stream_lse(lambda a, b: X @ P[a:b].T, P.shape[0], c or 7),
        lambda P, X: energies.lse(X @ P.T),
    ),
}


@pytest.mark.parametrize("chunk", [None, 1, 3])
@pytest.mark.parametrize("name", sorted(STREAM_VS_DIRECT))
def test_gradcheck_every_streaming_kernel(name, chunk):
    """Regression (issue 13): autograd through the streaming kernels raised "functions with
    out=... arguments don't support automatic differentiation" / "modified by an inplace
    operation". Finite differences agree with the analytic gradient, wrt both inputs."""
    fs, _ = STREAM_VS_DIRECT[name]
    P, X = _grad_inputs(1)
    assert torch.autograd.gradcheck(lambda P, X: fs(P, X, chunk), (P, X))


@pytest.mark.parametrize("chunk", [None, 2])
@pytest.mark.parametrize("name", sorted(STREAM_VS_DIRECT))
def test_streaming_gradients_equal_direct_gradients(name, chunk):
    fs, fd = STREAM_VS_DIRECT[name]
    P, X = _grad_inputs(2)
    w = torch.randn(fd(P, X).shape, dtype=F64, generator=torch.Generator().manual_seed(3))
    gs = torch.autograd.grad((fs(P, X, chunk) * w).sum(), (P, X))
    gd = torch.autograd.grad((fd(P, X) * w).sum(), (P, X))
    for a, b in zip(gs, gd):
        assert torch.allclose(a, b, rtol=1e-10, atol=1e-12), (name, (a - b).abs().max())


def test_no_grad_path_is_unchanged_by_autograd():
    """The in-place (no-grad) path and the out-of-place (grad) path give the same values."""
    P, X = _grad_inputs(4, d=50, B=5, n=4)
    for name, (fs, _) in STREAM_VS_DIRECT.items():
        with torch.no_grad():
            a = fs(P, X, 7)
        b = fs(P, X, 7)
        assert torch.allclose(a, b.detach(), rtol=1e-14, atol=1e-14), name


# ---------------------------------------------------------------- CUDA


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16, torch.float16])
def test_cuda_matches_cpu(dtype):
    gen = torch.Generator().manual_seed(5)
    P = torch.randn(5000, 32, dtype=F64, generator=gen).to(dtype)
    X = torch.randn(300, 32, dtype=F64, generator=gen).to(dtype)
    X[:3] = P[:3]
    Pc, Xc = P.cuda(), X.cuda()
    P64, X64 = P.double(), X.double()
    sc, plain = energy_scale(P64, X64), plain_scale(P64, X64)
    for chunk in (None, 333):
        pairs = [
            (stream.distance_energy(Pc, Xc, chunk), energies.distance_energy(P64, X64), sc),
            (stream.nearest_neighbour(Pc, Xc, chunk), energies.nearest_neighbour(P64, X64), sc),
            (
                stream.mchn_energy(Pc, Xc, 2.0, chunk),
                energies.mchn_energy(P64, X64, 2.0),
                2 * plain,
            ),
            (
                stream.cccp_step(Pc, Xc, chunk),
                energies.cccp_step(P64, X64),
                sc[:, None] * spread(P64),
            ),
        ]
        for t, m, s in pairs:
            assert t.device.type == "cuda" and t.dtype == dtype
            assert_close(t.cpu(), m, dtype, s, f"cuda {dtype} chunk={chunk}")
    Pg, Xg = P64.cuda().requires_grad_(True), X64.cuda().requires_grad_(True)
    (gx,) = torch.autograd.grad(stream.distance_energy(Pg, Xg, 333).sum(), Xg)
    want = 2 * (X64 - energies.cccp_step(P64, X64))
    assert torch.allclose(gx.cpu(), want, rtol=1e-9, atol=1e-9)
