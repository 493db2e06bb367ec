"""Section 4 objects: torch kernels against their mpmath twins, SymPy against mpmath."""

import math

import mpmath
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

import theory.energies as te
from derivations import strategies as S
from numerics import energies as ne
from numerics.tolerances import rtol

F64 = torch.float64


def _scale(P, x):
    return 1 + sum(v * v for v in x) + max(sum(v * v for v in r) for r in P) + math.log(len(P) + 1)


def _close(t, m, P, x, dtype=F64):
    return abs(float(t) - float(m)) <= rtol(dtype) * (abs(float(m)) + _scale(P, x))


@given(S.pattern_instances())
def test_energies_match_mpmath(inst):
    P, x = inst.patterns, inst.x
    Pt, xt = torch.tensor(P, dtype=F64), torch.tensor(x, dtype=F64)
    with mpmath.workdps(30):
        assert _close(ne.distance_energy(Pt, xt), te.mp_distance_energy(P, x), P, x)
        assert _close(ne.nearest_neighbour(Pt, xt), te.mp_nearest_neighbour(P, x), P, x)
        for beta in (1.0, 2.0, 0.1):
            assert _close(ne.mchn_energy(Pt, xt, beta), te.mp_mchn_energy(P, x, beta), P, x)
        step = ne.cccp_step(Pt, xt)
        ref = te.mp_cccp_step(P, x)
        pmax = max(abs(v) for r in P for v in r) + 1
        for k in range(len(x)):
            assert abs(step[k].item() - float(ref[k])) <= 1e-9 * pmax


@given(S.pattern_instances(max_d=16, max_n=8))
def test_float32_within_table(inst):
    P, x = inst.patterns, inst.x
    Pt, xt = torch.tensor(P, dtype=torch.float32), torch.tensor(x, dtype=torch.float32)
    with mpmath.workdps(30):
        assert _close(ne.distance_energy(Pt, xt), te.mp_distance_energy(P, x), P, x, torch.float32)


@given(S.pattern_instances(max_d=8, max_n=4, families=("small", "duplicate", "well_separated")))
def test_batched_equals_single(inst):
    Pt = torch.tensor(inst.patterns, dtype=F64)
    xt = torch.tensor(inst.x, dtype=F64)
    xb = torch.stack([xt, xt * 0.5, xt + 1])
    eb = ne.distance_energy(Pt, xb)
    for i in range(3):
        one = ne.distance_energy(Pt, xb[i]).item()
        scale = _scale(inst.patterns, xb[i].tolist())
        assert abs(eb[i].item() - one) <= rtol(F64) * (abs(one) + scale)


def test_sympy_energies_match_mpmath_exactly_built():
    P = [[-2.0, -0.5], [0.2, -0.3], [1.5, 1.5]]
    x = [0.1, 0.7]
    with mpmath.workdps(40):
        for sym, mp in [
            (te.distance_energy(P, x), te.mp_distance_energy(P, x)),
            (te.nearest_neighbour(P, x), te.mp_nearest_neighbour(P, x)),
            (te.mchn_energy(P, x, 2), te.mp_mchn_energy(P, x, 2)),
        ]:
            assert abs(mpmath.mpf(str(sym.evalf(40))) - mp) < mpmath.mpf(10) ** -35


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
    assert math.isfinite(e.item())
    assert e.item() == pytest.approx(1.0, abs=1e-6)


def test_distances_are_clamped_not_negative():
    # regression: the matrix-product form can round below zero for x == ρ at large norms
    P = torch.tensor([[1e8 + 1.0, 3.0]], dtype=F64)
    assert ne.sq_dists(P, P[0]).item() >= 0.0


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
    with pytest.raises(ValueError, match="same dimension"):
        te.as_patterns([[1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match="reading"):
        te.layer_energy([[0.0]], [0.0], "bogus")


def test_symbolic_forms_render():
    Sy = te.SymbolicPatterns()
    assert r"\log" in sp.latex(te.distance_energy(Sy))
    assert r"\min_{i=1}^{d}" in sp.latex(te.nearest_neighbour(Sy))


@given(S.pattern_instances(max_d=12, max_n=4), st.integers(1, 20))
def test_cccp_iteration_never_increases_energy(inst, steps):
    Pt = torch.tensor(inst.patterns, dtype=F64)
    _, energies = ne.cccp_iterate(Pt, torch.tensor(inst.x, dtype=F64), steps=steps)
    scale = _scale(inst.patterns, inst.x)
    assert (energies[1:] <= energies[:-1] + 1e-12 * scale).all()
