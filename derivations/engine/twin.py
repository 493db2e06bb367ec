"""The torch twin: the same statement evaluated by torch, compared with mpmath.

The twin checks the project's *implementation* (numerics/), not the paper; a disagreement
is reported as an implementation finding beside the verdict. Tolerances come from the one
per-dtype table, :mod:`numerics.tolerances`.
"""

from __future__ import annotations

import math

import torch

from derivations.engine.instance import Instance
from derivations.engine.model import Claim
from derivations.engine.torch_backend import TorchOps
from numerics.tolerances import rtol

__all__ = ["twin_compare"]


def twin_compare(claim: Claim, inst: Instance, mp_sides, dtype: torch.dtype) -> tuple[bool, float]:
    """Compare the torch twin's sides with mpmath; returns (agree, max scaled error)."""
    ops = TorchOps(dtype)
    rels = claim.statement(ops, ops.load(inst))
    scale = inst.scale()
    worst = 0.0
    ok = True
    for r, (_, a, b) in zip(rels, mp_sides, strict=True):
        n = r.normal()
        for t, m in ((n.lhs, a), (n.rhs, b)):
            t = float(t)
            m = float(m)
            err = abs(t - m) / (abs(m) + scale)
            worst = max(worst, err)
            if not (math.isfinite(t) and err <= rtol(dtype)):
                ok = False
    return ok, worst
