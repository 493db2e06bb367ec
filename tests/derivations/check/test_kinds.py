"""The kinds table (derivations.check.kinds): its rows are consistent, and a new kind is ONE
row — added here as a test, then checked, reproduced, listed and run from the command line
without any other edit."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

import theory.energies as te
from derivations.check import KINDS, PROPERTIES, Kind, add_kind, check, check_main, reference
from derivations.check.kinds import energy_scale
from derivations.check.presets import PRESETS


def test_every_row_is_consistent():
    for name, k in KINDS.items():
        assert k.name == name
        assert k.base in KINDS and not KINDS[k.base].quantity, name
        assert all(p in PROPERTIES for p in k.properties), name
        if k.energy is not None:
            assert KINDS[k.energy].is_energy and KINDS[k.energy].beta == k.beta, name
        # some preset can call it
        assert any(_applies(c, k) for c in PRESETS.values()), name


def _applies(conv, kind) -> bool:
    try:
        conv.check_applicable(kind)
    except ValueError:
        return False
    return True


def test_a_row_that_cannot_be_checked_is_refused():
    with pytest.raises(ValueError, match="energy"):
        Kind("bad-step", "step", te.mp_cccp_step, energy_scale, ("fixed-point",))
    with pytest.raises(ValueError, match="computes"):
        Kind("bad", "tensor", te.mp_cccp_step, energy_scale, ("value",))
    with pytest.raises(ValueError, match="exists already"):
        add_kind(KINDS["cccp-step"])


# The new kind: the nearest-neighbour function g(x) = minᵢ ‖x − ρⁱ‖² of Eq. (3).
NEAREST = Kind(
    "nearest-neighbour",
    "energy",
    lambda P, x, **_: te.mp_nearest_neighbour(P, x),
    energy_scale,
    ("value",),
    "g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3)",
)


def _g(patterns, x):
    return ((x[:, None, :] - patterns[None]) ** 2).sum(-1).amin(-1)


def _g_unsquared(patterns, x):  # BUG: the distance where Eq. (3) squares it
    return ((x[:, None, :] - patterns[None]) ** 2).sum(-1).sqrt().amin(-1)


def test_a_new_kind_is_one_row(monkeypatch, capsys):
    monkeypatch.setitem(KINDS, NEAREST.name, NEAREST)  # the one row
    assert check(_g, "nearest-neighbour", examples=20).passed
    res = check(_g_unsquared, "nearest-neighbour", examples=20)
    assert res["value"].status == "failed"
    # its reproduction runs, using reference() of the new row
    ns: dict = {"_g_unsquared": _g_unsquared}
    snippet = res.counterexample.snippet.replace("fn = ...", "fn = _g_unsquared  #")
    with contextlib.redirect_stdout(io.StringIO()):
        exec(snippet, ns)  # noqa: S102
    ref = reference("nearest-neighbour", ns["patterns"], ns["x"])
    assert not torch.allclose(ns["out"], ref, rtol=1e-9, atol=0)
    # the command line knows it
    rc = check_main(["--list-kinds"])
    assert rc == 0 and "nearest-neighbour" in capsys.readouterr().out
    argv = ["examples.user_attention:distance_energy", "--kind", "nearest-neighbour"]
    rc = check_main([*argv, "--examples", "10"])
    assert rc == 1 and "value" in capsys.readouterr().out  # E of Eq. 4 is not g
