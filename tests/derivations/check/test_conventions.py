"""Tests of the conventions and presets of ``check`` (derivations.check.conventions/presets):
parsing, what each can express, the conversion back to the paper, and that the source shown
in a reproduction is the call the checker makes."""

from __future__ import annotations

import math

import pytest
import torch

import numerics.energies as ne
from derivations.check import (
    KINDS,
    PRESETS,
    Convention,
    OutputError,
    convention_table,
    get_convention,
)
from derivations.conventions import QUANTITIES

F64 = torch.float64
P0 = torch.tensor([[0.0, 1.0], [2.0, -1.0], [-1.5, 0.5]], dtype=F64)  # (d, n) = (3, 2)
X0 = torch.tensor([[0.5, 0.5], [3.0, -2.0]], dtype=F64)  # (B, n) = (2, 2)


def test_presets_parse_and_round_trip():
    for name, conv in PRESETS.items():
        assert get_convention(name) == conv
        assert get_convention(conv.spec()) == conv
    c = get_convention("paper,reduction=sum,sign=-1")
    assert (c.reduction, c.sign, c.name) == ("sum", -1, "paper")
    assert get_convention(c.spec()) == c
    assert get_convention("sdpa", beta="inv_sqrt_dk").beta == "inv_sqrt_dk"
    assert get_convention(None) == PRESETS["paper"]
    table = convention_table()
    assert all(name in table for name in PRESETS)


@pytest.mark.parametrize(
    "spec, msg",
    [
        ("nonsense", "unknown convention"),
        ("paper,colour=red", "unknown convention field"),
        ("paper,reduction", "field=value"),
        ("paper,reduction=median", "reduction"),
        ("paper,sign=2", "sign"),
        ("ramsauer,reduction=sum", "single"),
        ("hflayers,queries=single", "queries='batch'"),
        ("paper,attention_layout=diagonal", "attention_layout"),
        ("paper,constants=maybe", "true or false"),
        ("paper,output_index=first", "output_index"),
        (42, "preset name"),
    ],
)
def test_bad_convention_specs_raise_value_error(spec, msg):
    with pytest.raises(ValueError, match=msg):
        get_convention(spec)


def test_conventions_that_cannot_express_a_quantity_say_so():
    with pytest.raises(ValueError, match="attention signature"):
        PRESETS["sdpa"].check_applicable("distance-energy")
    with pytest.raises(ValueError, match="reduction"):
        PRESETS["sum-over-queries"].check_applicable("cccp-step")
    with pytest.raises(ValueError, match="bias"):
        Convention(beta="inv_sqrt_dk").check_applicable("cccp-step")
    with pytest.raises(ValueError, match="hopfield signature"):
        PRESETS["hflayers"].check_applicable("mchn-energy")
    with pytest.raises(ValueError, match="no constant terms"):
        PRESETS["no-constants"].check_applicable("distance-energy")
    with pytest.raises(ValueError, match="no β"):
        get_convention("paper,beta_scaled=true").check_applicable("global-energy")


def test_to_paper_converts_each_convention_back_to_the_paper():
    beta = 0.7
    e = ne.mchn_energy(P0, X0, beta)  # (B,), the paper's convention
    const = math.log(3) / beta + 0.5 * float((P0 * P0).sum(-1).max())
    cases = {
        "paper": e,
        "no-constants": e - const,
        "beta-scaled": beta * (e - const),
        "paper,sign=-1": -e,
        "sum-over-queries": e.sum(),
        "mean-over-queries": e.mean(),
        "beta-scaled,reduction=mean,sign=-1": -(beta * (e - const)).mean(),
    }
    for spec, user_value in cases.items():
        got = get_convention(spec).to_paper("mchn-energy", user_value, P0, X0, beta=beta)
        want = e if get_convention(spec).reduction == "none" else e.sum()
        assert torch.allclose(got, want, rtol=1e-14, atol=1e-14), spec
    # Eq. (4) with ½‖x − ρ‖²: E_half(√2ρ, √2x) = E(ρ, x); its step is rescaled by 1/√2
    half = PRESETS["half-distance"]
    e_half = -torch.logsumexp(-0.5 * torch.cdist(X0 * 2**0.5, P0 * 2**0.5) ** 2, -1)
    assert torch.allclose(
        half.to_paper("distance-energy", e_half, P0, X0), ne.distance_energy(P0, X0), rtol=1e-13
    )
    step_half = half.call(
        lambda P, x: torch.softmax(x @ P.T - 0.5 * (P * P).sum(-1), -1) @ P, "cccp-step", P0, X0
    )
    assert torch.allclose(
        half.to_paper("cccp-step", step_half, P0, X0), ne.cccp_step(P0, X0), rtol=1e-13
    )


def test_to_paper_rejects_wrong_type_shape_and_dtype():
    conv = PRESETS["paper"]
    with pytest.raises(OutputError, match="shape"):
        conv.to_paper("distance-energy", torch.zeros(2, 1, dtype=F64), P0, X0)
    with pytest.raises(OutputError, match="dtype"):
        conv.to_paper("distance-energy", torch.zeros(2), P0, X0)
    with pytest.raises(OutputError, match="Tensor"):
        conv.to_paper("distance-energy", [0.0, 0.0], P0, X0)
    with pytest.raises(OutputError, match="tuple"):
        PRESETS["mha"].to_paper("cccp-step", torch.zeros(2, 1, 2, dtype=F64), P0, X0)


def _recorder(*args, **kwargs):
    return args, kwargs


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and torch.equal(a, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(s, t) for s, t in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_call_source_is_the_call_the_checker_makes():
    """The snippet's call line, evaluated, passes the very tensors the checker passed."""
    layers = [P0[:2], P0[2:]]
    values = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=F64)
    for name, conv in PRESETS.items():
        for q in QUANTITIES + ("retrieval", "mchn-gradient"):
            try:
                conv.check_applicable(q)
            except ValueError:
                continue
            for vals in [None, values] if conv.signature == "attention" else [None]:
                ns = {
                    "torch": torch,
                    "fn": _recorder,
                    "patterns": P0,
                    "x": X0,
                    "beta": 0.7,
                    "layers": layers,
                    "values": vals,
                }
                if conv.queries == "single":
                    continue  # the recorder's output cannot be stacked; covered below
                made = conv.call(_recorder, q, P0, X0, beta=0.7, layers=layers, values=vals)
                src = conv.call_source(q, values_given=vals is not None)
                assert _same(eval(src, ns), made), (name, q, src)  # noqa: S307


def test_single_query_convention_calls_once_per_query():
    calls = []

    def energy(M, xi, beta):  # Ramsauer: X columns (n, d), one state ξ (n,)
        calls.append(xi.shape)
        return ne.mchn_energy(M.T, xi, beta)

    out = PRESETS["ramsauer"].call(energy, "mchn-energy", P0, X0, beta=2.0)
    assert calls == [(2,), (2,)]
    assert torch.allclose(out, ne.mchn_energy(P0, X0, 2.0))


def test_every_preset_expresses_some_kind_and_the_table_lists_it():
    table = convention_table()
    for name, conv in PRESETS.items():
        assert name in table
        ok = []
        for k in KINDS:
            try:
                conv.check_applicable(k)
                ok.append(k)
            except ValueError:
                pass
        assert ok, name
    for name in ("ramsauer", "ramsauer-batch", "hflayers", "hflayers-fn"):
        assert name in table


def test_columns_queries_pass_the_states_as_columns_and_transpose_back():
    conv = PRESETS["ramsauer-batch"]
    seen = []

    def update(X, Xi, beta):  # X (n, d), Ξ (n, B)
        seen.append((tuple(X.shape), tuple(Xi.shape)))
        return X @ torch.softmax(beta * X.T @ Xi, 0)

    out = conv.to_paper("mchn-step", conv.call(update, "mchn-step", P0, X0, beta=0.7), P0, X0)
    assert seen == [((2, 3), (2, 2))]
    assert torch.allclose(out, ne.mchn_update(P0, X0, 0.7), rtol=1e-14, atol=1e-14)
    with pytest.raises(OutputError, match=r"columns \(n, B\)"):
        conv.to_paper("mchn-step", torch.zeros(2, 3, dtype=F64), P0, X0)


def test_hopfield_signature_passes_stored_state_projection_as_one_tuple():
    conv = PRESETS["hflayers"]
    got = {}

    def layer(data, association_mask=None):
        got["data"], got["mask"] = data, association_mask
        stored, state, proj = data
        return torch.softmax(state / math.sqrt(state.shape[-1]) @ stored.transpose(1, 2), -1) @ proj

    beta = 0.7
    out = conv.to_paper("mchn-step", conv.call(layer, "mchn-step", P0, X0, beta=beta), P0, X0)
    stored, state, proj = got["data"]
    assert stored.shape == (1, 3, 2) and state.shape == (1, 2, 2) and proj is stored
    assert got["mask"] is None  # the MCHN update has no bias
    assert torch.allclose(out, ne.mchn_update(P0, X0, beta), rtol=1e-13, atol=1e-13)
    conv.call(layer, "cccp-step", P0, X0)  # Eq. (4)'s step: the bias −‖ρ‖² as the mask
    assert torch.equal(got["mask"], (-(P0 * P0).sum(-1)).repeat(2, 1))
    text = conv.signature_text("mchn-step")
    assert text.startswith("fn((stored (1, d, n), state (1, B, n), projection (1, d, n)))")
