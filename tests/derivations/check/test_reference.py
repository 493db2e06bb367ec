"""Tests of the reference ``check`` compares with (derivations.check.reference): the mpmath
values against the torch twins of numerics.energies, the SymPy gradients against autograd, the
MCHN update in its three homes (theory SymPy, theory mpmath, numerics torch), the regime
description, and the strategies the kinds draw from."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp
import torch
from hypothesis import given, settings

import numerics.energies as ne
import theory.energies as te
from derivations import strategies as S
from derivations.check import describe_regime, reference

F64 = torch.float64
P0 = torch.tensor([[0.0, 1.0], [2.0, -1.0], [-1.5, 0.5]], dtype=F64)  # (d, n) = (3, 2)
X0 = torch.tensor([[0.5, 0.5], [3.0, -2.0]], dtype=F64)  # (B, n) = (2, 2)


def test_reference_agrees_with_the_torch_twins():
    layers = [P0[:2], P0[2:]]
    assert torch.allclose(reference("distance-energy", P0, X0), ne.distance_energy(P0, X0))
    assert torch.allclose(reference("mchn-energy", P0, X0, beta=0.3), ne.mchn_energy(P0, X0, 0.3))
    assert torch.allclose(reference("cccp-step", P0, X0), ne.cccp_step(P0, X0))
    e = torch.stack([ne.distance_energy(p, X0) for p in layers], -1)
    assert torch.allclose(reference("global-energy", None, X0, layers=layers), ne.global_energy(e))
    assert reference("distance-energy", P0, X0[0]).shape == ()
    assert torch.allclose(reference("mchn-step", P0, X0, beta=0.7), ne.mchn_update(P0, X0, 0.7))


def test_the_mchn_update_agrees_in_its_three_homes():
    """theory.energies.mchn_update (SymPy), mp_mchn_update (mpmath, what check uses) and
    numerics.energies.mchn_update (torch) are one update, x⁺ = M softmax(β Mᵀx)."""
    beta = sp.Rational(3, 4)  # exact in binary, as are P0 and X0
    P = [[sp.Rational(int(2 * v)) / 2 for v in r] for r in P0.tolist()]
    for x, xt in zip(X0.tolist(), X0):
        sym = [sp.N(e, 30) for e in te.mchn_update(P, [sp.nsimplify(v) for v in x], beta)]
        with mpmath.workdps(30):
            mp = te.mp_mchn_update(P0.tolist(), x, 0.75)
            assert all(abs(mpmath.mpf(str(a)) - b) < mpmath.mpf(10) ** -25 for a, b in zip(sym, mp))
        ref = reference("mchn-step", P0, xt, beta=0.75)
        assert torch.allclose(ref, ne.mchn_update(P0, xt, 0.75), rtol=1e-14, atol=1e-15)
        assert torch.allclose(ref, torch.tensor([float(v) for v in mp], dtype=F64), rtol=0)


def test_reference_validates_its_arguments():
    for call, msg in [
        (lambda: reference("nope", P0, X0), "unknown reference kind"),
        (lambda: reference("mchn-energy", P0, X0), "needs beta"),
        (lambda: reference("global-energy", None, X0), "needs layers"),
        (lambda: reference("distance-energy", P0), "needs the queries"),
        (lambda: reference("cccp-step", P0, X0, gradient=True), "no gradient"),
        (lambda: reference("distance-energy", P0, X0, dps=5), "dps"),
    ]:
        with pytest.raises(ValueError, match=msg):
            call()


@pytest.mark.parametrize(
    "kind, energy",
    [
        ("distance-gradient", lambda x: ne.distance_energy(P0, x)),
        ("mchn-gradient", lambda x: ne.mchn_energy(P0, x, 1.7)),
        (
            "global-gradient",
            lambda x: ne.global_energy(
                torch.stack([ne.distance_energy(p, x) for p in (P0[:2], P0[2:])], -1)
            ),
        ),
    ],
)
def test_symbolic_gradient_matches_autograd_of_the_twin(kind, energy):
    x = X0.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(energy(x).sum(), x)
    ref = reference(kind, P0, X0, beta=1.7, layers=[P0[:2], P0[2:]])
    assert torch.allclose(ref, g, rtol=1e-12, atol=1e-12)
    energy_row = {"distance-gradient": "distance-energy", "mchn-gradient": "mchn-energy"}
    if kind in energy_row:  # gradient=True of the energy row is the same reference
        ref2 = reference(energy_row[kind], P0, X0, beta=1.7, gradient=True)
        assert torch.equal(ref, ref2)


def test_describe_regime_names_what_stands_out():
    text = describe_regime([[0.0], [1e-9]], [[40.0]], "near_duplicate/far", beta=50.0)
    for bit in (
        "d = 2, n = 1, B = 1",
        "large norms",
        "near-duplicate",
        "far from every",
        "large β",
        "patterns near_duplicate, queries far",
    ):
        assert bit in text, bit


# --------------------------------------------------------------------------- strategies


@settings(max_examples=30, deadline=None)
@given(S.separated_instances())
def test_separated_instances_put_queries_inside_well_separated_balls(inst):
    p = inst.p
    P = inst.patterns
    assert p["separation"] >= 8.0 * (1 - 1e-12)
    for i in range(len(P)):
        for j in range(i):
            assert math.dist(P[i], P[j]) >= p["separation"] * (1 - 1e-12)
    for x, t in zip(p["queries"], p["targets"]):
        assert math.dist(x, P[t]) <= p["radius"] * (1 + 1e-9)


@settings(max_examples=30, deadline=None)
@given(
    S.batched_instances(max_d=5, max_n=3, max_b=3, beta=S.nontrivial_betas(), values=True),
    S.dtypes(low_precision=True),
)
def test_batched_instances_have_consistent_shapes(inst, dtype):
    p = inst.p
    d, n = len(inst.patterns), len(inst.patterns[0])
    assert 1 <= len(p["queries"]) <= 3 and all(len(x) == n for x in p["queries"])
    assert len(p["values"]) == d and len(p["values"][0]) == n
    assert p["beta"] > 0
    assert dtype in (torch.float64, torch.float32, torch.bfloat16, torch.float16)


@settings(max_examples=20, deadline=None)
@given(S.layered_batches(n=2))
def test_layered_batches_share_the_dimension(inst):
    assert all(len(r) == 2 for m in inst.p["layers"] for r in m)
    assert all(len(x) == 2 for x in inst.p["queries"])
