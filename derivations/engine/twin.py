"""The torch twin: the same statement evaluated by torch, compared with the certified balls.

The twin checks the project's *implementation* (numerics/), not the paper: a disagreement
is an implementation finding, reported beside the verdict (never changing it).

Tolerance, per side value m (the ball's midpoint) and torch value t, in dtype with unit
roundoff u:

    |t − m| ≤ rtol(dtype) · (|m| + scale) + COND_FACTOR · ρ

* ``rtol(dtype)·(|m| + scale)`` is the per-dtype rule of :mod:`numerics.tolerances` (the
  kernels' own rounding, scale = the size of the terms that cancel, ``Instance.scale``);
* ρ is the side's *conditioning*: the radius of the same side evaluated in ball arithmetic
  with every input entry widened to a ball of relative radius u (what rounding the inputs to
  the dtype alone can do to the value). A side that is ill-conditioned at the instance (e.g.
  log γ(s, x) for huge s, a difference of nearly equal energies) gets a tolerance that
  follows it; a well-conditioned one keeps the tight table rule.

A side whose true value lies outside the dtype's range (|m| beyond its largest finite
number) is not compared (counted as out of range).
"""

from __future__ import annotations

import math

import flint
import torch

from derivations.engine.arb_backend import ArbOps, _arb
from derivations.engine.instance import Instance
from derivations.engine.model import Claim
from derivations.engine.torch_backend import TorchOps
from numerics.tolerances import rtol

__all__ = ["twin_compare", "COND_FACTOR", "unit_roundoff"]

#: Allowance on the conditioning radius (first-order propagation plus a few roundings).
COND_FACTOR = 4.0


def unit_roundoff(dtype: torch.dtype) -> float:
    """u = 2^(−p) for a p-bit significand (float64: 2⁻⁵³)."""
    return float(torch.finfo(dtype).eps) / 2


def _conditioning(claim: Claim, inst: Instance, u: float) -> list[tuple[float, float]]:
    """(ρ_lhs, ρ_rhs) per relation: radii of the sides from inputs widened by u."""
    old = flint.ctx.prec
    flint.ctx.prec = 64
    try:
        ops = ArbOps(widen=u)
        rels = claim.statement(ops, ops.load(inst))
        out = []
        for r in rels:
            out.append(tuple(_radius(_arb(s)) for s in (r.lhs, r.rhs)))
        return out
    except (AttributeError, ValueError, TypeError):  # no arb word: the table rule alone
        return []
    finally:
        flint.ctx.prec = old


def _radius(b) -> float:
    if not b.is_finite():
        return math.inf
    return float(b.rad().upper()) if hasattr(b.rad(), "upper") else float(b.rad())


def twin_compare(claim: Claim, inst: Instance, sides, dtype: torch.dtype) -> tuple[bool, float]:
    """Compare the torch twin's sides with the certified balls ``sides`` ([(rel, lhs, rhs)]
    from :func:`~derivations.engine.search.judge`); returns (agree, the largest error as a
    fraction of its tolerance: ≤ 1 agrees)."""
    ops = TorchOps(dtype)
    rels = claim.statement(ops, ops.load(inst))
    cond = _conditioning(claim, inst, unit_roundoff(dtype))
    scale = inst.scale()
    big = float(torch.finfo(dtype).max)
    worst = 0.0
    ok = True
    for k, (r, (_, a, b)) in enumerate(zip(rels, sides, strict=True)):
        rho = cond[k] if k < len(cond) else (0.0, 0.0)
        for t, m, c in ((r.lhs, a, rho[0]), (r.rhs, b, rho[1])):
            m = float(_arb(m).mid())
            if not math.isfinite(m) or abs(m) > big:
                continue  # the true value is outside the dtype's range
            t = float(t)
            tol = rtol(dtype) * (abs(m) + scale) + COND_FACTOR * c
            if not math.isfinite(t):
                ok = False
                worst = math.inf
                continue
            frac = abs(t - m) / tol if tol > 0 else (0.0 if t == m else math.inf)
            worst = max(worst, frac)
            if frac > 1:
                ok = False
    return ok, worst
