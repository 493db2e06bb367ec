"""Shared fixtures of the engine tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from derivations.engine.model import Claim
from derivations.strategies import lse_instances


@pytest.fixture
def assuming():
    """A factory: the claim with nothing to state but ``hypotheses(ops, v)`` (what the rule
    ``assumption`` reads)."""

    def claim(hypotheses) -> Claim:
        return Claim(
            "h",
            "r",
            "r",
            "inequality",
            "",
            lambda o, v: [],
            lse_instances,
            SimpleNamespace,
            hypotheses=hypotheses,
        )

    return claim
