"""Drawn instances as tensors (:class:`Case`), their readable regime, and the smoke instance.

A :class:`Case` is one Hypothesis draw (an ``Instance`` of :mod:`derivations.strategies`)
turned into tensors of the checked dtype: patterns P (d, n) as rows (or the layers of
Eq. 7), queries X (B, n), β, and for ``values-distinct`` attention values V (d, n); for
``retrieval`` also the target pattern of each query, the separation Δ and the radius r.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from derivations.engine.instance import Instance  # the one import of Instance in derivations.check

__all__ = ["Case", "Instance", "make_case", "smoke_case", "describe_regime", "rows", "batch"]


def rows(t) -> list:
    """A (d, n) tensor or nested list as a list of float rows."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().double().tolist()
    return [list(map(float, r)) for r in t]


def batch(x) -> tuple[list, bool]:
    """(list of query rows, whether ``x`` was a single vector)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().tolist()
    single = not isinstance(x[0], (list, tuple))
    return ([list(map(float, x))] if single else [list(map(float, r)) for r in x]), single


def describe_regime(patterns, x, regime: str = "", beta: float | None = None, layers=None) -> str:
    """A readable description of an instance: its strategy regime plus what stands out
    (d = 1, n = 1, large or tiny norms, (near-)duplicate patterns, far queries, extreme β)."""
    P = rows(patterns) if patterns is not None else [r for m in layers for r in rows(m)]
    xs, _ = batch(x)
    d, n, b = len(P), len(P[0]), len(xs)
    bits = []
    if regime:
        fam, _, qr = regime.partition("/")
        bits.append(f"patterns {fam}, queries {qr}" if qr else regime)
    shape = f"d = {d}, n = {n}, B = {b}"
    if layers is not None:
        shape = f"l = {len(layers)}, d_t = {[len(m) for m in layers]}, n = {n}, B = {b}"
    bits.append(shape)
    p2 = max(sum(v * v for v in r) for r in P)
    x2 = max(sum(v * v for v in r) for r in xs)
    if max(p2, x2) >= 100:
        bits.append(f"large norms (max ‖ρ‖² = {p2:.3g}, max ‖x‖² = {x2:.3g})")
    elif 0 < max(p2, x2) <= 1e-4:
        bits.append(f"tiny norms (max ‖ρ‖² = {p2:.3g})")
    if d > 1:
        pair = min(math.dist(P[i], P[j]) for i in range(d) for j in range(i))
        top = max(max(abs(v) for v in r) for r in P)
        if pair == 0:
            bits.append("duplicate patterns")
        elif pair <= 1e-6 * (1 + top):
            bits.append(f"near-duplicate patterns (min ‖ρⁱ − ρʲ‖ = {pair:.2g})")
    g = min(min(sum((a - c) ** 2 for a, c in zip(xx, r)) for r in P) for xx in xs)
    if g >= 100:
        bits.append(f"queries far from every pattern (min ‖x − ρ‖² = {g:.3g})")
    elif g == 0:
        bits.append("a query at a pattern")
    if beta is not None and (beta >= 10 or beta <= 0.1):
        bits.append(f"{'large' if beta >= 10 else 'small'} β = {beta:.3g}")
    return "; ".join(bits)


def _short(t: torch.Tensor, limit: int = 160) -> str:
    text = repr(t.detach().cpu().tolist())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class Case:
    """One drawn instance as tensors of the checked dtype."""

    inst: Instance
    P: torch.Tensor | None
    X: torch.Tensor
    beta: float | None
    layers: list | None
    values: torch.Tensor | None
    targets: tuple | None = None
    separation: float | None = None
    radius: float | None = None

    def regime(self) -> str:
        return describe_regime(self.P, self.X, self.inst.regime, self.beta, self.layers)

    @property
    def all_patterns(self) -> list:
        """All pattern rows (every layer's, for Eq. 7) as floats."""
        if self.P is not None:
            return rows(self.P)
        return [r for m in self.layers for r in rows(m)]

    def inputs(self, X: torch.Tensor | None = None, values: bool = False) -> str:
        """The inputs of a call in the paper's layout, shapes and values (shortened)."""
        X = self.X if X is None else X
        bits = []
        if self.P is not None:
            bits.append(f"patterns {tuple(self.P.shape)} = {_short(self.P)}")
        if self.layers is not None:
            bits.append(f"layers {[tuple(m.shape) for m in self.layers]}")
        bits.append(f"x {tuple(X.shape)} = {_short(X)}")
        if self.beta is not None:
            bits.append(f"β = {self.beta!r}")
        if values and self.values is not None:
            bits.append(f"values {tuple(self.values.shape)}")
        return "inputs " + ", ".join(bits) + f" [{self.inst.regime or 'smoke'}]"


def make_case(inst: Instance, dtype: torch.dtype, beta: float | None) -> Case:
    """The tensors of ``inst`` in ``dtype``; β from the instance (drawn) or ``beta``."""
    p = inst.p
    P = None if inst.patterns is None else torch.tensor(inst.patterns, dtype=dtype)
    X = torch.tensor(p["queries"], dtype=dtype)
    layers = [torch.tensor(m, dtype=dtype) for m in p["layers"]] if "layers" in p else None
    values = torch.tensor(p["values"], dtype=dtype) if "values" in p else None
    b = p.get("beta", beta)
    return Case(
        inst, P, X, b, layers, values, p.get("targets"), p.get("separation"), p.get("radius")
    )


def smoke_case(layered: bool, n: int | None, beta: float | None, dtype) -> Case:
    """A fixed small instance (d = 3, B = 2) to check the call itself before searching."""
    n = n or 2
    P = [[float(((i + 1) * (k + 2)) % 5 - 2) for k in range(n)] for i in range(3)]
    X = [[float(((b + 2) * (k + 1)) % 3 - 1) / 2 for k in range(n)] for b in range(2)]
    params = {"queries": X}
    if layered:
        params["layers"] = [P[:2], P[2:]]
        inst = Instance.make(None, None, regime="smoke", **params)
    else:
        if beta is not None:
            params["beta"] = beta
        inst = Instance.make(P, None, regime="smoke", **params)
    return make_case(inst, dtype, beta)
