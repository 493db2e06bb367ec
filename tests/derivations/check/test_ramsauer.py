"""``check`` against Ramsauer et al. 2020 directly, in their layout: patterns as the columns
of X, a state ξ, ξ_new = X softmax(β Xᵀξ) (Eq. 3) and E = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M²
(Eq. 2) — presets ``ramsauer`` and ``ramsauer-batch``; and in ml-jku/hopfield-layers' layout
(rows K = Xᵀ, β as the ``scaling`` of the query, softmax over the last axis, one softmax) —
presets ``hflayers`` (the layer's call) and ``hflayers-fn`` (a function). Correct
implementations pass; classic slips (β outside the softmax, the missing ½, the scaling applied
twice, the softmax over the wrong axis, the default 1/√n forgotten) fail."""

from __future__ import annotations

import math

import pytest
import torch

import examples.user_attention as U
from derivations.check import check, check_main


@pytest.mark.parametrize(
    "fn, kind, conv, kw",
    [
        (U.ramsauer_update, "mchn-step", "ramsauer", {}),
        (U.ramsauer_energy, "mchn-energy", "ramsauer", {}),
        (U.ramsauer_update_states, "mchn-step", "ramsauer-batch", {}),
        (U.hflayers_update, "mchn-step", "hflayers-fn", {}),
        (U.hopfield_retrieval, "mchn-step", "hflayers", {"n": 4}),
        (
            U.HopfieldRetrieval(3, scaling=0.25),
            "mchn-step",
            "hflayers,beta=fixed",
            {"n": 3, "beta": 0.25},
        ),
        (U.hopfield_retrieval, "cccp-step", "hflayers", {"n": 4, "properties": "one-step"}),
    ],
    ids=["eq3", "eq2", "eq3-batch", "hflayers-fn", "hflayers", "hflayers-beta", "hflayers-cccp"],
)
def test_ramsauer_and_hflayers_layouts_pass(fn, kind, conv, kw):
    res = check(fn, kind, convention=conv, examples=8, **kw)
    assert res.passed, str(res)


def _energy_states(X, Xi, beta):  # Eq. 2 for each column of Ξ -> (B,)
    lse = torch.logsumexp(beta * (X.T @ Xi), dim=0) / beta
    return -lse + 0.5 * (Xi * Xi).sum(0) + math.log(X.shape[1]) / beta + 0.5 * (X * X).sum(0).max()


def _energy_log_n_in_float32(X, Xi, beta):  # ln N computed in float32: off by ~1e-9
    lse = torch.logsumexp(beta * (X.T @ Xi), dim=0) / beta
    log_n = torch.log(torch.tensor(float(X.shape[1]))).to(X)  # torch.tensor(2.0) is float32
    return -lse + 0.5 * (Xi * Xi).sum(0) + log_n / beta + 0.5 * (X * X).sum(0).max()


def _softmax_wrong_axis(query, key, value, scaling):  # normalised over the queries
    return torch.softmax((query * scaling) @ key.T, dim=0) @ value


def _forgets_default_scaling(data):  # a layer that never applies 1/√head_dim
    stored, state, projection = data
    return torch.softmax(state @ stored.transpose(-2, -1), dim=-1) @ projection


@pytest.mark.parametrize(
    "fn, kind, conv, kw, prop",
    [
        (U.ramsauer_update_beta_outside, "mchn-step", "ramsauer", {}, "one-step"),
        (U.ramsauer_energy_missing_half, "mchn-energy", "ramsauer", {}, "value"),
        (U.hflayers_update_scaling_twice, "mchn-step", "hflayers-fn", {}, "one-step"),
        (_softmax_wrong_axis, "mchn-step", "hflayers-fn", {}, "one-step"),
        (_forgets_default_scaling, "mchn-step", "hflayers", {}, "one-step"),
        (_energy_log_n_in_float32, "mchn-energy", "ramsauer-batch", {}, "value"),
        (U.ramsauer_energy, "mchn-energy", "ramsauer-batch", {}, None),  # scalar, not (B,)
    ],
    ids=[
        "beta-outside",
        "missing-half",
        "scaling-twice",
        "wrong-axis",
        "no-1/sqrt-n",
        "float32-log",
        "preset",
    ],
)
def test_ramsauer_slips_fail(fn, kind, conv, kw, prop):
    only = {} if prop is None else {"properties": [prop]}
    res = check(fn, kind, convention=conv, examples=12, shrink_seconds=0.3, **only, **kw)
    assert not res.passed
    if prop is None:
        assert res.error is not None
    else:
        assert res[prop].status == "failed" and res[prop].counterexample.error > 1e-10


def test_energy_of_all_states_in_columns():
    assert check(_energy_states, "mchn-energy", convention="ramsauer-batch", examples=10).passed


def test_a_hopfield_layer_author_checks_eq3_from_the_command_line(capsys):
    rc = check_main(
        [
            "examples/user_attention.py:ramsauer_update",
            "--kind",
            "mchn-step",
            "--convention",
            "ramsauer",
            "--examples",
            "10",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "convention ramsauer" in out and "PASSED" in out
    rc = check_main(
        [
            "examples/user_attention.py:ramsauer_update_beta_outside",
            "--kind",
            "mchn-step",
            "--convention",
            "ramsauer",
            "--examples",
            "10",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 1 and "fn(patterns.T, xb, beta=beta) for xb in x" in out
