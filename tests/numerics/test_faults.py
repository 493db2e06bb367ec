"""Issue 13, "Numeric kernels": every bad input and fault found, as a regression test.

Each case must give the right answer (checked against mpmath on the same, already rounded
inputs) or a ``ValueError`` naming the argument. Tests are named after the bug. The last
section sweeps every public function of ``numerics`` with the same kinds of bad input.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch

import theory.energies as te
from numerics import balls, energies, logmeanexp, stream, tolerances
from numerics.tolerances import PrecisionWarning, rtol

F64, F32, F16, BF16 = torch.float64, torch.float32, torch.float16, torch.bfloat16


def mp_ref(f, P, x, *args, dps=50):
    """f(P, x) by the mpmath twin, on the tensors' exact (rounded) values."""
    with mpmath.workdps(dps):
        return f(P.double().tolist(), x.double().tolist(), *args)


# ---------------------------------------------------------------- float16 / bfloat16


@pytest.mark.parametrize("dtype", [F16, BF16])
def test_float16_cccp_step_nan_and_nearest_neighbour_zero(dtype):
    """float16 patterns [[200.]], query [[200.5]]: cccp_step returned NaN (2xᵀρ overflowed
    65504) and nearest_neighbour 0 (true 0.25). Computed at float32 inside now."""
    P = torch.tensor([[200.0]], dtype=dtype)
    x = torch.tensor([[200.5]], dtype=dtype)  # bfloat16 rounds 200.5 to 200: g = 0 there
    g_true = float(mp_ref(te.mp_nearest_neighbour, P, x[0]))
    assert dtype != F16 or g_true == 0.25
    for mod in (energies, stream):
        g = mod.nearest_neighbour(P, x)
        step = mod.cccp_step(P, x)
        assert g.dtype == step.dtype == dtype
        assert g.item() == g_true
        assert step.item() == 200.0  # d = 1: the step lands on the pattern
        assert mod.distance_energy(P, x).item() == g_true
        assert mod.mchn_energy(P, x).item() == pytest.approx(g_true / 2, abs=1e-3)


@pytest.mark.parametrize("dtype", [F16, BF16])
def test_float16_direct_kernels_match_mpmath_near_the_range_limit(dtype):
    """Scores 2xᵀρ ≈ 2·10⁵ and norms ≈ 10⁵ are beyond float16; the results are not."""
    P = torch.tensor([[180.0, 150.0], [181.0, 149.0], [-20.0, 3.0]], dtype=dtype)
    x = torch.tensor([[180.5, 149.5], [0.0, 1.0]], dtype=dtype)
    xs = x.double()
    for name, f, ref, scale in [
        ("g", energies.nearest_neighbour, te.mp_nearest_neighbour, 1.0),
        ("E", energies.distance_energy, te.mp_distance_energy, 1.0),
    ]:
        got = f(P, x)
        for b in range(2):
            m = float(mp_ref(ref, P, xs[b]))
            assert abs(got[b].item() - m) <= rtol(dtype) * (abs(m) + scale), (name, b)
    step = energies.cccp_step(P, x)
    upd = energies.mchn_update(P, x, 0.01)
    for b in range(2):
        for k, m in enumerate(mp_ref(te.mp_cccp_step, P, xs[b])):
            assert abs(step[b, k].item() - float(m)) <= rtol(dtype) * (abs(float(m)) + 1)
        for k, m in enumerate(mp_ref(te.mp_mchn_update, P, xs[b], 0.01)):
            assert abs(upd[b, k].item() - float(m)) <= rtol(dtype) * (abs(float(m)) + 1)
    z = torch.tensor([60000.0, 60000.0], dtype=dtype)
    assert energies.lse(z).item() == pytest.approx(60000.0, rel=rtol(dtype))
    assert energies.softmax(z).tolist() == [0.5, 0.5]


# ---------------------------------------------------------------- autograd


def test_stream_distance_energy_autograd_out_argument():
    """stream.distance_energy with a query that requires grad raised "maximum(): functions
    with out=... arguments don't support automatic differentiation"."""
    P = torch.randn(5, 3, dtype=F64, generator=torch.Generator().manual_seed(0))
    x = torch.randn(2, 3, dtype=F64, generator=torch.Generator().manual_seed(1))
    x.requires_grad_(True)
    (g,) = torch.autograd.grad(stream.distance_energy(P, x, chunk=2).sum(), x)
    want = 2 * (x.detach() - energies.cccp_step(P, x.detach()))  # ∇E = 2(x − x⁺)
    assert torch.allclose(g, want, rtol=1e-12, atol=1e-12)


def test_stream_mchn_energy_backward_inplace_modified():
    """stream.mchn_energy(...).sum().backward() raised "modified by an inplace operation"."""
    P = torch.randn(5, 3, dtype=F64, generator=torch.Generator().manual_seed(2))
    x = torch.randn(2, 3, dtype=F64, generator=torch.Generator().manual_seed(3))
    x.requires_grad_(True)
    stream.mchn_energy(P, x, 1.0, chunk=2).sum().backward()
    # ∇E^MCHN(x) = x − M softmax(β Mᵀx) = x − (MCHN update)
    want = x.detach() - energies.mchn_update(P, x.detach(), 1.0)
    assert torch.allclose(x.grad, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- small β


def _issue_instance():
    torch.manual_seed(0)
    P = torch.randn(4, 3, dtype=F64)
    x = torch.randn(3, dtype=F64)
    return P, x


def _mchn_700_digits(P, x, beta):
    """E^MCHN_β by its definition at 700 digits (the (log d)/β terms cancel exactly)."""
    with mpmath.workdps(700):
        b = mpmath.mpf(beta)
        xs = [mpmath.mpf(v) for v in x.tolist()]
        rows = [[mpmath.mpf(v) for v in r] for r in P.tolist()]
        dots = [mpmath.fsum(a * c for a, c in zip(xs, r)) for r in rows]
        return float(
            -mpmath.log(mpmath.fsum(mpmath.exp(b * t) for t in dots)) / b
            + mpmath.fsum(a * a for a in xs) / 2
            + mpmath.log(len(rows)) / b
            + max(mpmath.fsum(c * c for c in r) for r in rows) / 2
        )


@pytest.mark.parametrize("beta", [1e-15, 1e-300, 5e-324, 1e-8, 1.0, 1e12])
def test_mchn_energy_small_beta_cancellation(beta):
    """E^MCHN at β = 1e-15 gave 4.604 and at β = 1e-300 gave 3.604; the truth is 4.8129
    (700-digit reference). Every β > 0, direct and streamed, float64 and float32."""
    P, x = _issue_instance()
    ref = _mchn_700_digits(P, x, beta)
    if beta in (1e-15, 1e-300):
        assert ref == pytest.approx(4.8129, abs=1e-4)
    for dtype in (F64, F32):
        Pd, xd = P.to(dtype), x.to(dtype)
        r = ref if dtype == F64 else _mchn_700_digits(Pd.double(), xd.double(), beta)
        for got in (
            energies.mchn_energy(Pd, xd, beta),
            stream.mchn_energy(Pd, xd, beta, chunk=1),
            stream.mchn_energy(Pd, xd, beta),
        ):
            assert abs(got.item() - r) <= rtol(dtype) * (abs(r) + 1), (dtype, got.item(), r)
    with mpmath.workdps(15):
        assert abs(float(te.mp_mchn_energy(P.tolist(), x.tolist(), beta)) - ref) < 1e-12


# ---------------------------------------------------------------- far from the origin


@pytest.mark.parametrize(
    ("P", "x", "dtype", "what"),
    [
        ([[1e8]], [1e8 + 1], F64, "g = 0 where the truth is 1"),
        ([[1e8, 1e8]], [1e8 + 0.2, 1e8], F64, "E wrong where the truth is 0.04"),
        ([[1e8, -1e8], [1e8 + 3.0, -1e8]], [1e8 + 1, -1e8], F64, "two patterns"),
        ([[1e4, 1e4]], [1e4 + 0.5, 1e4], F32, "g = 16 where the truth is 0.25"),
        ([[1e4, 1e4], [1e4 - 2, 1e4 + 1]], [1e4 + 0.5, 1e4], F32, "two patterns"),
    ],
)
def test_cancellation_far_from_the_origin(P, x, dtype, what):
    """A shared offset far from the origin destroyed ‖x‖² − 2xᵀρ + ‖ρ‖² (inside the old
    scale-relative tolerance, so nothing warned). Distances are translation-invariant now:
    every kernel agrees with mpmath to the dtype's relative tolerance, with no warning."""
    P, x = torch.tensor(P, dtype=dtype), torch.tensor(x, dtype=dtype)
    g = float(mp_ref(te.mp_nearest_neighbour, P, x))
    E = float(mp_ref(te.mp_distance_energy, P, x))
    step = [float(v) for v in mp_ref(te.mp_cccp_step, P, x)]
    tol = rtol(dtype)
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error", PrecisionWarning)
        for mod in (energies, stream):
            assert abs(mod.nearest_neighbour(P, x).item() - g) <= tol * g, (what, mod.__name__)
            assert abs(mod.distance_energy(P, x).item() - E) <= tol * (abs(E) + 1), what
            got = mod.cccp_step(P, x).double()
            for k, m in enumerate(step):
                assert abs(got[k].item() - m) <= tol * (abs(m) + 1), (what, k)
        assert abs(stream.distance_energy(P, x, chunk=1).item() - E) <= tol * (abs(E) + 1)


def test_spread_beyond_the_range_warns_and_stays_within_the_table():
    """What centring cannot fix (patterns far apart, a query very near one of them) is the
    documented range of numerics.tolerances: the streaming kernels say so."""
    P = torch.tensor([[1e4, 0.0], [-1e4, 0.0]], dtype=F32)
    x = torch.tensor([[1e4 + 0.5, 0.0]], dtype=F32)
    with pytest.warns(PrecisionWarning, match="stream.distance_energy"):
        stream.distance_energy(P, x)
    with pytest.warns(PrecisionWarning, match="stream.cccp_step"):
        stream.cccp_step(P, x, chunk=1)
    with pytest.warns(PrecisionWarning, match="ranked wrongly"):
        g = stream.nearest_neighbour(P, x)
    assert g.item() == 0.25  # the distance returned is exact even so
    assert energies.nearest_neighbour(P, x).item() == 0.25  # the direct form recomputes


# ---------------------------------------------------------------- ±inf


def test_softmax_plus_inf_returned_nan():
    """softmax([inf, 0]) returned [nan, nan]; the limit is [1, 0] (and LSE = +inf, as
    scipy.special.logsumexp gives)."""
    z = torch.tensor([math.inf, 0.0])
    assert energies.softmax(z).tolist() == [1.0, 0.0]
    assert energies.lse(z).item() == math.inf
    z2 = torch.tensor([[math.inf, math.inf, 1.0], [0.0, -math.inf, math.log(3.0)]], dtype=F64)
    w = energies.softmax(z2)
    assert w[0].tolist() == [0.5, 0.5, 0.0]
    assert w[1].tolist() == pytest.approx([0.25, 0.0, 0.75], rel=1e-15)


# ---------------------------------------------------------------- raw errors


P0 = torch.zeros(3, 2, dtype=F64)
X0 = torch.zeros(2, 2, dtype=F64)
META_P = torch.empty(3, 2, dtype=F64, device="meta")
META_X = torch.empty(2, 2, dtype=F64, device="meta")

ISSUE_CASES = [
    ("cccp_iterate empty batch", lambda: energies.cccp_iterate(P0, X0[:0]), "x \\(queries\\)"),
    ("cccp_iterate steps=2.5", lambda: energies.cccp_iterate(P0, X0, steps=2.5), "steps"),
    ("cccp_iterate steps=True", lambda: energies.cccp_iterate(P0, X0, steps=True), "steps"),
    ("cccp_iterate tol=nan", lambda: energies.cccp_iterate(P0, X0, tol=math.nan), "tol"),
    ("meta patterns", lambda: energies.distance_energy(META_P, X0), "patterns.*meta"),
    ("meta queries", lambda: energies.cccp_step(P0, META_X), "x \\(queries\\).*meta"),
    ("meta stream", lambda: stream.distance_energy(META_P, X0), "patterns.*meta"),
    ("meta lse", lambda: energies.lse(torch.empty(3, device="meta")), "z.*meta"),
    ("beta None", lambda: energies.mchn_energy(P0, X0, None), "beta"),
    ("beta complex", lambda: energies.mchn_energy(P0, X0, 1j), "beta"),
    ("beta None stream", lambda: stream.mchn_energy(P0, X0, None), "beta"),
    ("beta complex lse", lambda: energies.lse(X0, 1 + 0j), "beta"),
    ("beta str", lambda: energies.mchn_update(P0, X0, "1"), "beta"),
    ("lse 0-D", lambda: energies.lse(torch.tensor(1.0)), "z must have at least one"),
    ("softmax 0-D", lambda: energies.softmax(torch.tensor(1.0)), "z must have at least one"),
]


@pytest.mark.parametrize(("case", "call", "names"), ISSUE_CASES, ids=[c[0] for c in ISSUE_CASES])
def test_raw_errors_are_value_errors_naming_the_argument(case, call, names):
    """cccp_iterate on an empty batch, meta-device tensors, β = None or complex, lse on a
    0-D tensor, steps=2.5: raw RuntimeError / TypeError / IndexError before."""
    with pytest.raises(ValueError, match=names):
        call()


# ---------------------------------------------------------------- every public function

I64 = torch.zeros(3, 2, dtype=torch.int64)
CPLX = torch.zeros(3, 2, dtype=torch.complex128)
SPARSE = P0.to_sparse()
KERNELS = {
    "energies.sq_dists": energies.sq_dists,
    "energies.nearest_neighbour": energies.nearest_neighbour,
    "energies.distance_energy": energies.distance_energy,
    "energies.mchn_energy": energies.mchn_energy,
    "energies.cccp_step": energies.cccp_step,
    "energies.mchn_update": energies.mchn_update,
    "energies.cccp_iterate": energies.cccp_iterate,
    "stream.nearest_neighbour": stream.nearest_neighbour,
    "stream.distance_energy": stream.distance_energy,
    "stream.mchn_energy": stream.mchn_energy,
    "stream.cccp_step": stream.cccp_step,
    "stream.knn_distances": stream.knn_distances,
}
BAD_PAIRS = [
    ("patterns None", None, X0, "patterns"),
    ("patterns list", [[0.0, 0.0]], X0, "patterns"),
    ("patterns int", I64, X0, "patterns"),
    ("patterns complex", CPLX, X0, "patterns"),
    ("patterns sparse", SPARSE, X0, "patterns"),
    ("patterns meta", META_P, X0, "patterns"),
    ("patterns 1-D", P0[0], X0, "patterns"),
    ("patterns empty", P0[:0], X0, "patterns"),
    ("patterns inf", P0.clone().fill_(math.inf), X0, "patterns"),
    ("x None", P0, None, "x|queries"),
    ("x meta", P0, META_X, "x|queries"),
    ("x 3-D", P0, X0[None], "x|queries"),
    ("x empty batch", P0, X0[:0], "x|queries"),
    ("x wrong n", P0, torch.zeros(2, 5, dtype=F64), "x|queries"),
    ("x float32", P0, X0.float(), "x|queries"),
    ("x nan", P0, X0.clone().fill_(math.nan), "x|queries"),
]


@pytest.mark.parametrize("kernel", sorted(KERNELS))
@pytest.mark.parametrize(("case", "P", "x", "names"), BAD_PAIRS, ids=[c[0] for c in BAD_PAIRS])
def test_every_kernel_rejects_bad_patterns_and_queries(kernel, case, P, x, names):
    f = KERNELS[kernel]
    if kernel == "stream.knn_distances" and x is None:
        pytest.skip("queries=None is valid there: the within-set search")
    with pytest.raises(ValueError, match=names):
        f(P, x)


OTHER_CASES = [
    ("lse dim", lambda: energies.lse(X0, dim=2), "dim"),
    ("lse dim float", lambda: energies.lse(X0, dim=1.0), "dim"),
    ("lse int tensor", lambda: energies.lse(torch.tensor([1, 2])), "z"),
    ("lse list", lambda: energies.lse([1.0, 2.0]), "z"),
    ("softmax all -inf", lambda: energies.softmax(torch.full((2,), -math.inf)), "z|-inf"),
    ("softmax nan", lambda: energies.softmax(torch.tensor([math.nan])), "NaN"),
    ("global 0-D", lambda: energies.global_energy(torch.tensor(1.0)), "layer_energies"),
    ("global empty", lambda: energies.global_energy(torch.zeros(0)), "layer_energies"),
    ("global nan", lambda: energies.global_energy(torch.tensor([math.nan])), "layer_energies"),
    ("global list", lambda: energies.global_energy([1.0]), "layer_energies"),
    ("centre None", lambda: energies.centre(None), "patterns"),
    ("centre dtype", lambda: energies.centre(P0, torch.int32), "dtype"),
    ("stream_lse d", lambda: stream.stream_lse(lambda a, b: X0, 0, 1), "d ≥ 1"),
    ("stream_lse score", lambda: stream.stream_lse(lambda a, b: None, 2, 1), "score"),
    ("default_chunk B", lambda: stream.default_chunk("4", 10), "B"),
    ("default_chunk d", lambda: stream.default_chunk(4, 0), "d"),
    ("default_chunk device", lambda: stream.default_chunk(4, 10, "nowhere"), "device"),
    ("knn k float", lambda: stream.knn_distances(P0, k=1.0), "k"),
    ("knn exclude_self", lambda: stream.knn_distances(P0, exclude_self="no"), "exclude_self"),
    ("mchn beta inf", lambda: stream.mchn_energy(P0, X0, math.inf), "beta"),
    ("mchn beta bool", lambda: energies.mchn_energy(P0, X0, True), "beta"),
    ("mchn beta tensor", lambda: energies.mchn_energy(P0, X0, torch.ones(2)), "beta"),
    ("nlme beta", lambda: logmeanexp.neg_log_mean_exp(X0, 0.0), "beta"),
    ("nlme inf", lambda: logmeanexp.neg_log_mean_exp(X0 + math.inf, 1.0), "z"),
    ("nlme 1-D", lambda: logmeanexp.neg_log_mean_exp(X0[0], 1.0), "z"),
    ("rtol dtype", lambda: tolerances.rtol(torch.int32), "dtype"),
    ("unit roundoff", lambda: tolerances.unit_roundoff("float32"), "dtype"),
    ("close scale", lambda: tolerances.close(1.0, 1.0, F64, scale=-1.0), "scale"),
    ("ball n", lambda: balls.ball_volume(None, 1.0), "dimension n"),
    ("ball r None", lambda: balls.ball_volume(2, None), "radius r"),
    ("ball r complex", lambda: balls.ball_volume(2, 1j), "radius r"),
    ("ball seed", lambda: balls.sample_uniform_ball(2, 1.0, 10, seed=1.5), "seed"),
    ("ball samples", lambda: balls.mc_ball_integral(2, 1.0, samples=2.5), "samples"),
    ("ball f", lambda: balls.mc_ball_integral_fn(None, 2, 1.0, samples=10), "f must"),
    ("ball distance", lambda: balls.mc_ball_integral(2, 1.0, distance=["sq"]), "distance"),
]


@pytest.mark.parametrize(("case", "call", "names"), OTHER_CASES, ids=[c[0] for c in OTHER_CASES])
def test_other_public_functions_reject_bad_arguments(case, call, names):
    with pytest.raises(ValueError, match=names):
        call()


def test_overflow_is_a_value_error_not_nan():
    """Inputs beyond float32's range give a ValueError saying so, never a silent NaN."""
    P = torch.tensor([[3e19, 0.0], [-3e19, 0.0]], dtype=F32)
    x = torch.tensor([[3e19, 0.0]], dtype=F32)
    for call in (
        lambda: energies.distance_energy(P, x),
        lambda: energies.mchn_energy(P, x),
        lambda: stream.mchn_energy(P, x),
    ):
        with pytest.raises(ValueError, match="overflow|too large|beyond"):
            call()
