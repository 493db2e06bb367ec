"""numerics.energies (the direct kernels) against their mpmath twins in theory.energies.

Instances are drawn entry by entry (hypothesis.extra.numpy, so counterexamples shrink), with a
shared offset up to 1e8 from the origin and queries on, near or far from a pattern.
Distance kernels are held to the translation-invariant rule: the scale of
numerics.tolerances with centred norms (‖x − c‖², ‖ρ − c‖², c the patterns' mean), so an
offset that destroyed digits would fail; every distance is also checked to a relative
bound. E^MCHN is not translation-invariant and keeps the uncentred scale.
"""

import math

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import theory.energies as te
from numerics import energies as ne
from numerics.tolerances import rtol, unit_roundoff

F64 = torch.float64
LOW = [torch.float32, torch.bfloat16, torch.float16]
unit = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def instances(draw, max_d=6, max_n=4, offsets=(0.0, 1e3, 1e8), mags=(1e-2, 1.0, 30.0)):
    """(P (d, n), x (B, n)) float64 arrays: a shared offset, queries on/near/far from patterns."""
    d, n, B = draw(st.integers(1, max_d)), draw(st.integers(1, max_n)), draw(st.integers(1, 3))
    mag, off = draw(st.sampled_from(mags)), draw(st.sampled_from(offsets))
    P = draw(arrays(np.float64, (d, n), elements=unit)) * mag + off
    X = draw(arrays(np.float64, (B, n), elements=unit)) * mag + off
    where = draw(st.sampled_from(["free", "on", "near"]))
    if where != "free":
        j = draw(st.integers(0, d - 1))
        X[0] = P[j] + (0.0 if where == "on" else 1e-3 * mag)
    return P, X


def centred_scale(P, X):
    """‖x − c‖² + maxᵢ‖ρⁱ − c‖² + log d + 1 per query, c = mean of the patterns (float64)."""
    c = P.mean(0)
    return ((X - c) ** 2).sum(-1) + ((P - c) ** 2).sum(-1).max() + math.log(len(P)) + 1.0


def plain_scale(P, X):
    return (X**2).sum(-1) + (P**2).sum(-1).max() + math.log(len(P)) + 1.0


def check(t, refs, dtype, scale, what):
    t = np.asarray(t.double().detach(), dtype=float).reshape(len(refs), -1)
    for b, ref in enumerate(refs):
        ref = np.asarray([float(r) for r in np.atleast_1d(ref)])
        bound = rtol(dtype) * (np.abs(ref) + scale[b])
        err = np.abs(t[b] - ref)
        assert (err <= bound).all(), f"{what}[{b}]: got {t[b]} want {ref} bound {bound}"


def mp(f, P, X, *args):
    with mpmath.workdps(40):
        return [f(P.tolist(), x.tolist(), *args) for x in X]


@given(instances())
def test_distances_are_relatively_accurate_at_any_offset(inst):
    P, X = inst
    d2 = ne.sq_dists(torch.from_numpy(P), torch.from_numpy(X)).numpy()
    n = P.shape[1]
    for b, x in enumerate(X):
        with mpmath.workdps(40):
            ref = [float(te.mp_dist(x.tolist(), r.tolist())) for r in P]
        for i, r in enumerate(ref):
            assert abs(d2[b, i] - r) <= 16 * (n + 2) * unit_roundoff(F64) * r, (b, i, d2[b, i], r)


@settings(max_examples=30)
@given(instances())
def test_g_and_E_match_mpmath(inst):
    P, X = inst
    Pt, Xt = torch.from_numpy(P), torch.from_numpy(X)
    sc = centred_scale(P, X)
    check(ne.nearest_neighbour(Pt, Xt), mp(te.mp_nearest_neighbour, P, X), F64, sc, "g")
    check(ne.distance_energy(Pt, Xt), mp(te.mp_distance_energy, P, X), F64, sc, "E")


@given(instances(), st.sampled_from([1e-300, 1e-9, 0.1, 1.0, 2.0, 50.0]))
def test_mchn_energy_matches_mpmath(inst, beta):
    P, X = inst
    got = ne.mchn_energy(torch.from_numpy(P), torch.from_numpy(X), beta)
    check(got, mp(te.mp_mchn_energy, P, X, beta), F64, plain_scale(P, X), f"E^MCHN β={beta}")


@given(instances())
def test_cccp_step_matches_mpmath(inst):
    P, X = inst
    got = ne.cccp_step(torch.from_numpy(P), torch.from_numpy(X))
    spread = np.abs(P - P.mean(0)).max() + 1.0
    check(got, mp(te.mp_cccp_step, P, X), F64, centred_scale(P, X) * spread, "CCCP step")


@given(instances(offsets=(0.0, 10.0)), st.sampled_from([0.01, 1.0, 4.0]))
def test_mchn_update_matches_mpmath(inst, beta):
    P, X = inst
    got = ne.mchn_update(torch.from_numpy(P), torch.from_numpy(X), beta)
    scale = (1 + beta * plain_scale(P, X)) * (np.abs(P).max() + 1.0)
    check(got, mp(te.mp_mchn_update, P, X, beta), F64, scale, f"MCHN update β={beta}")


@settings(max_examples=30)
@given(instances(max_d=5, mags=(1e-2, 1.0, 10.0), offsets=(0.0, 100.0)), st.sampled_from(LOW))
def test_low_precision_within_the_tolerance_table(inst, dtype):
    """float32 / bfloat16 / float16 against float64 on the same rounded inputs (computed at
    float32 inside for the 16-bit types, then rounded)."""
    P, X = inst
    Pl, Xl = torch.from_numpy(P).to(dtype), torch.from_numpy(X).to(dtype)
    P64, X64 = Pl.double(), Xl.double()
    sc = centred_scale(P64.numpy(), X64.numpy())
    spread = float((P64 - P64.mean(0)).abs().max()) + 1.0
    for name, f, s in [
        ("g", ne.nearest_neighbour, sc),
        ("E", ne.distance_energy, sc),
        ("CCCP", ne.cccp_step, sc * spread),
    ]:
        t = f(Pl, Xl)
        assert t.dtype == dtype
        check(t, f(P64, X64).numpy(), dtype, s, f"{name} {dtype}")
    m = ne.mchn_energy(Pl, Xl)
    check(m, ne.mchn_energy(P64, X64).numpy(), dtype, plain_scale(P64.numpy(), X64.numpy()), "M")


@settings(max_examples=25)
@given(instances(max_d=8, max_n=4))
def test_batched_equals_single(inst):
    """A query's result does not depend on the rest of its batch (up to the table's rule)."""
    P, X = inst
    Pt, Xt = torch.from_numpy(P), torch.from_numpy(X)
    sc, plain = centred_scale(P, X), plain_scale(P, X)
    spread = np.abs(P - P.mean(0)).max() + 1.0
    for f, s in [
        (ne.distance_energy, sc),
        (ne.nearest_neighbour, sc),
        (ne.mchn_energy, plain),
        (ne.cccp_step, sc * spread),
    ]:
        batch = f(Pt, Xt)
        singles = torch.stack([f(Pt, Xt[b]) for b in range(Xt.shape[0])])
        check(batch, singles.numpy(), F64, s, f.__name__)


@given(instances(max_d=5, max_n=3, offsets=(0.0, 1e3)))
def test_gradient_of_E_is_twice_x_minus_cccp_step(inst):
    """∇E(x) = 2(x − x⁺) (the MM step is x⁺ = x − ½∇E), by autograd through the refined
    distances."""
    Pt = torch.from_numpy(inst[0])
    x = torch.from_numpy(inst[1]).requires_grad_(True)
    (g,) = torch.autograd.grad(ne.distance_energy(Pt, x).sum(), x)
    want = 2 * (x.detach() - ne.cccp_step(Pt, x.detach()))
    spread = float((Pt - Pt.mean(0)).abs().max()) + 1.0
    tol = 1e-9 * (centred_scale(inst[0], inst[1])[:, None] * spread)
    assert ((g - want).abs() <= torch.from_numpy(tol)).all()


def test_single_pattern_and_duplicates():
    P = torch.tensor([[1.0, 2.0]], dtype=F64)
    x = torch.tensor([0.0, 0.0], dtype=F64)
    # d = 1: E = g exactly (LSE of one number)
    assert ne.distance_energy(P, x).item() == ne.nearest_neighbour(P, x).item() == 5.0
    # d identical patterns: E = g − log d
    Pd = P.repeat(4, 1)
    assert ne.distance_energy(Pd, x).item() == pytest.approx(5.0 - math.log(4), abs=1e-14)


def test_huge_norms_stay_finite():
    P = torch.tensor([[1e4, 0.0], [0.0, -1e4]], dtype=F64)
    x = torch.tensor([1e4, 1.0], dtype=F64)
    e = ne.distance_energy(P, x)
    assert e.item() == pytest.approx(1.0, abs=1e-12)


def test_distances_are_clamped_not_negative():
    # regression: the matrix-product form can round below zero for x == ρ at large norms
    P = torch.tensor([[1e8 + 1.0, 3.0]], dtype=F64)
    assert ne.sq_dists(P, P[0]).item() == 0.0


def test_validation_messages():
    P = torch.zeros(3, 2, dtype=F64)
    with pytest.raises(ValueError, match="at least one pattern"):
        ne.distance_energy(torch.zeros(0, 2, dtype=F64), torch.zeros(2, dtype=F64))
    with pytest.raises(ValueError, match="dimension n = 3"):
        ne.distance_energy(P, torch.zeros(3, dtype=F64))
    with pytest.raises(ValueError, match="finite"):
        ne.distance_energy(P, torch.tensor([math.nan, 0.0], dtype=F64))
    with pytest.raises(ValueError, match="float32"):
        ne.distance_energy(P, torch.zeros(2, dtype=torch.float32))
    with pytest.raises(ValueError, match="beta"):
        ne.mchn_energy(P, torch.zeros(2, dtype=F64), beta=-1)
    with pytest.raises(ValueError, match="shape"):
        ne.distance_energy(torch.zeros(2, dtype=F64), torch.zeros(2, dtype=F64))


@settings(max_examples=30)
@given(instances(max_d=12, max_n=4, offsets=(0.0, 1e3)), st.integers(1, 20))
def test_cccp_iteration_never_increases_energy(inst, steps):
    Pt = torch.from_numpy(inst[0])
    _, energies = ne.cccp_iterate(Pt, torch.from_numpy(inst[1]), steps=steps)
    scale = torch.from_numpy(centred_scale(*inst))
    assert (energies[1:] <= energies[:-1] + 1e-12 * scale).all()


@settings(max_examples=20)
@given(instances(max_d=4, max_n=2, offsets=(0.0, 1e3)), st.integers(0, 4))
def test_cccp_iterate_matches_iterated_mpmath_steps(inst, steps):
    P, X = inst
    x, energies = ne.cccp_iterate(torch.from_numpy(P), torch.from_numpy(X), steps=steps)
    assert energies.shape[1] == X.shape[0] and 1 <= energies.shape[0] <= steps + 1
    spread = np.abs(P - P.mean(0)).max() + 1.0
    for b, xb in enumerate(X.tolist()):
        with mpmath.workdps(40):
            ref = xb
            for _ in range(energies.shape[0] - 1):
                ref = te.mp_cccp_step(P.tolist(), ref)
        for k, m in enumerate(ref):
            m = float(m)
            bound = 1e-10 * (abs(m) + centred_scale(P, X)[b] * spread)
            assert abs(x[b, k].item() - m) <= bound, (b, k, x[b, k].item(), m)
