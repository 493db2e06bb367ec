"""Three back ends for one statement: SymPy (exact/symbolic), mpmath (high precision), torch.

A claim's statement is written once, as a function ``statement(ops, v)`` of a back end ``ops``
and an instance ``v`` already loaded into that back end (:meth:`Ops.load`). Running it with

* :class:`SymOps` on symbolic entries gives the SymPy statement that is shown and whose
  derivation is checked; on an exact (rational) instance it gives exact SymPy numbers;
* :class:`MpOps` gives the high-precision values the counterexample search compares;
* :class:`TorchOps` gives the numeric twin that must agree with mpmath.

So the formula rendered in the report is the formula evaluated. Vocabulary (paper symbols):
``lse`` LSE(β, z), ``nn`` g (Eq. 3), ``energy`` E (Eq. 4), ``mchn`` E^MCHN_β,
``layer_energy`` E_t, ``global_energy`` E_global (Eq. 7), ``cccp_step`` the attention step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import mpmath
import sympy as sp
import torch

import numerics.energies as ne
import theory.energies as te
from theory.lse import LogSumExp, mp_lse
from theory.lse import lse as sym_lse

__all__ = ["Instance", "SymOps", "MpOps", "TorchOps", "VectorSymbol"]


@dataclass(frozen=True)
class Instance:
    """One concrete instance of a claim: patterns ρⁱ as rows, a query x, named parameters.

    ``params`` holds floats, ints, strings, float vectors (lists) and, for layered claims,
    ``layers``: a list of pattern matrices. Everything is plain JSON-able Python so that a
    counterexample can be written out and recomputed by anyone.
    """

    patterns: tuple | None = None
    x: tuple | None = None
    params: tuple = ()
    regime: str = ""

    @staticmethod
    def make(patterns=None, x=None, regime: str = "", **params) -> Instance:
        P = None if patterns is None else tuple(tuple(float(v) for v in r) for r in patterns)
        xv = None if x is None else tuple(float(v) for v in x)
        return Instance(P, xv, tuple(sorted((k, _freeze(v)) for k, v in params.items())), regime)

    @property
    def p(self) -> dict:
        return dict(self.params)

    def to_json(self) -> dict:
        return {
            "patterns": None if self.patterns is None else [list(r) for r in self.patterns],
            "x": None if self.x is None else list(self.x),
            "params": {k: _thaw(v) for k, v in self.params},
            "regime": self.regime,
        }

    def scale(self) -> float:
        """Magnitude of the terms that cancel in the energies (for twin tolerances)."""
        s = 1.0
        if self.x is not None:
            s += sum(v * v for v in self.x)
        mats = [self.patterns] if self.patterns is not None else []
        mats += [m for k, m in self.params if k == "layers" for m in m]
        for m in mats:
            s += max(sum(v * v for v in r) for r in m) + math.log(len(m) + 1)
        for k, v in self.params:
            if k == "layers":
                continue
            flat = _flatten(v)
            if flat:
                s += max(abs(t) for t in flat)
        return s


def _freeze(v):
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(t) for t in v)
    return v


def _thaw(v):
    if isinstance(v, tuple):
        return [_thaw(t) for t in v]
    return v


def _flatten(v) -> list:
    if isinstance(v, (list, tuple)):
        return [t for s in v for t in _flatten(s)]
    return [v] if isinstance(v, (int, float)) and not isinstance(v, bool) else []


class VectorSymbol(sp.Symbol):
    """A symbol standing for a whole vector z ∈ ℝᵐ in displayed statements."""


def _symvec(z) -> bool:
    """A SymPy expression standing for a whole vector (built from :class:`VectorSymbol` s)."""
    return isinstance(z, sp.Basic) and not isinstance(z, sp.MatrixBase)


def _vec_fn(name: str):
    return sp.Function(name)


class SymOps:
    """SymPy back end: exact numbers (floats become rationals) or symbols."""

    name = "sympy"

    def load(self, inst: Instance) -> SimpleNamespace:
        p = inst.p
        ns = SimpleNamespace(inst=inst)
        ns.P = None if inst.patterns is None else te.as_patterns(inst.patterns)
        ns.x = None if inst.x is None else te.as_vector(inst.x)
        for k, v in p.items():
            if k == "layers":
                ns.layers = [te.as_patterns(m) for m in v]
            elif isinstance(v, tuple):
                setattr(ns, k, te.as_vector(v))
            elif isinstance(v, float):
                setattr(ns, k, sp.Rational(v))
            else:
                setattr(ns, k, sp.sympify(v) if not isinstance(v, str) else v)
        return ns

    # scalars
    def num(self, v):
        return sp.Rational(v) if isinstance(v, float) else sp.sympify(v)

    def log(self, a):
        return sp.log(a)

    def exp(self, a):
        return sp.exp(a)

    def abs(self, a):
        return sp.Abs(a)

    def max(self, z):
        if _symvec(z):
            return _vec_fn(r"\max")(z)
        return sp.Max(*z)

    def min(self, z):
        if _symvec(z):
            return _vec_fn(r"\min")(z)
        return sp.Min(*z)

    def length(self, z):
        if _symvec(z):
            return sp.Symbol("m", integer=True, positive=True)
        return sp.Integer(len(z))

    # vectors (lists)
    def vadd(self, a, b):
        if _symvec(a) or _symvec(b):
            return a + b
        return [s + t for s, t in zip(a, b, strict=True)]

    def vscale(self, c, a):
        if _symvec(a):
            return c * a
        return [c * t for t in a]

    def inf_norm(self, z):
        if _symvec(z):
            return _vec_fn(r"\left\|\cdot\right\|_\infty")(z)
        return sp.Max(*[sp.Abs(t) for t in z])

    def dot(self, a, b):
        return sp.Add(*[s * t for s, t in zip(a, b, strict=True)])

    def sqnorm(self, a):
        return sp.Add(*[t**2 for t in a])

    def lse(self, z, beta=1):
        if _symvec(z):
            f = _vec_fn(r"\operatorname{LSE}")
            return f(z) if beta == 1 else f(beta * z) / beta
        return sym_lse(z, beta)

    def softmax(self, z, k):
        z = list(z)
        return sp.exp(z[k]) / sp.Add(*[sp.exp(t) for t in z])

    def grad_lse(self, z, k):
        """∂LSE(z)/∂z_k, by SymPy differentiation (``fdiff``) at the point z."""
        syms = sp.symbols(f"t0:{len(z)}", real=True)
        expr = LogSumExp(*syms).diff(syms[k])
        return expr.subs(dict(zip(syms, z, strict=True)), simultaneous=True)

    # patterns
    def count(self, P):
        if isinstance(P, te.SymbolicPatterns):
            return P.d
        return sp.Integer(P.shape[0])

    def sqnorms(self, P):
        return [self.sqnorm(list(P.row(i))) for i in range(P.shape[0])]

    def max_sqnorm(self, P):
        if isinstance(P, te.SymbolicPatterns):
            return _vec_fn(r"\max_i")(P.norm2_i())
        return sp.Max(*self.sqnorms(P))

    def min_sqnorm(self, P):
        if isinstance(P, te.SymbolicPatterns):
            return _vec_fn(r"\min_i")(P.norm2_i())
        return sp.Min(*self.sqnorms(P))

    def dists(self, P, x):
        return [te.dist(x, list(P.row(i))) for i in range(P.shape[0])]

    def nn(self, P, x):
        return te.nearest_neighbour(P, x)

    def energy(self, P, x):
        return te.distance_energy(P, x)

    def mchn(self, P, x, beta):
        return te.mchn_energy(P, x, beta)

    def layer_energy(self, P, x, reading, Z=None):
        return te.layer_energy(P, x, reading, Z)

    def global_energy(self, values):
        return te.global_energy(values)

    def dc_argument(self, P, x):
        return te.dc_concave_argument(P, x)

    def cccp_step(self, P, x):
        return te.cccp_step(P, x)

    def to_float(self, a) -> float:
        return float(sp.N(a, 30))


class MpOps:
    """mpmath back end at the current ``mpmath.mp`` precision (set by the engine)."""

    name = "mpmath"

    def load(self, inst: Instance) -> SimpleNamespace:
        ns = SimpleNamespace(inst=inst)
        P = inst.patterns
        ns.P = None if P is None else [[mpmath.mpf(v) for v in r] for r in P]
        ns.x = None if inst.x is None else [mpmath.mpf(v) for v in inst.x]
        for k, v in inst.p.items():
            if k == "layers":
                ns.layers = [[[mpmath.mpf(t) for t in r] for r in m] for m in v]
            elif isinstance(v, tuple):
                setattr(ns, k, [mpmath.mpf(t) for t in v])
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                setattr(ns, k, mpmath.mpf(v))
            else:
                setattr(ns, k, v)
        return ns

    def num(self, v):
        return mpmath.mpf(v)

    def log(self, a):
        return mpmath.log(a)

    def exp(self, a):
        return mpmath.exp(a)

    def abs(self, a):
        return abs(a)

    def max(self, z):
        return max(z)

    def min(self, z):
        return min(z)

    def length(self, z):
        return mpmath.mpf(len(z))

    def vadd(self, a, b):
        return [s + t for s, t in zip(a, b, strict=True)]

    def vscale(self, c, a):
        return [c * t for t in a]

    def inf_norm(self, z):
        return max(abs(t) for t in z)

    def dot(self, a, b):
        return mpmath.fsum(s * t for s, t in zip(a, b, strict=True))

    def sqnorm(self, a):
        return mpmath.fsum(t * t for t in a)

    def lse(self, z, beta=1):
        beta = mpmath.mpf(beta)
        return mp_lse(*[beta * t for t in z]) / beta

    def softmax(self, z, k):
        return mpmath.exp(z[k] - mp_lse(*z))

    def grad_lse(self, z, k):
        """∂LSE(z)/∂z_k by mpmath numerical differentiation (independent of the formula)."""
        z = list(z)

        def f(t):
            w = list(z)
            w[k] = t
            return mp_lse(*w)

        return mpmath.diff(f, z[k])

    def count(self, P):
        return mpmath.mpf(len(P))

    def sqnorms(self, P):
        return [self.sqnorm(r) for r in P]

    def max_sqnorm(self, P):
        return max(self.sqnorms(P))

    def min_sqnorm(self, P):
        return min(self.sqnorms(P))

    def dists(self, P, x):
        return [te.mp_dist(x, r) for r in P]

    def nn(self, P, x):
        return te.mp_nearest_neighbour(P, x)

    def energy(self, P, x):
        return te.mp_distance_energy(P, x)

    def mchn(self, P, x, beta):
        return te.mp_mchn_energy(P, x, beta)

    def layer_energy(self, P, x, reading, Z=None):
        return te.mp_layer_energy(P, x, reading, Z)

    def global_energy(self, values):
        return te.mp_global_energy(values)

    def dc_argument(self, P, x):
        return [2 * self.dot(x, r) - self.sqnorm(r) for r in P]

    def cccp_step(self, P, x):
        return te.mp_cccp_step(P, x)

    def to_float(self, a) -> float:
        return float(a)


class TorchOps:
    """torch back end (the numeric twin), float64 by default; scalars are 0-d tensors."""

    name = "torch"

    def __init__(self, dtype: torch.dtype = torch.float64, device: str = "cpu"):
        self.dtype = dtype
        self.device = device

    def _t(self, v) -> torch.Tensor:
        return torch.tensor(v, dtype=self.dtype, device=self.device)

    def load(self, inst: Instance) -> SimpleNamespace:
        ns = SimpleNamespace(inst=inst)
        ns.P = None if inst.patterns is None else self._t(inst.patterns)
        ns.x = None if inst.x is None else self._t(inst.x)
        for k, v in inst.p.items():
            if k == "layers":
                ns.layers = [self._t(m) for m in v]
            elif isinstance(v, tuple):
                setattr(ns, k, self._t(v))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                setattr(ns, k, self._t(v))
            else:
                setattr(ns, k, v)
        return ns

    def num(self, v):
        return self._t(v)

    def log(self, a):
        return torch.log(torch.as_tensor(a, dtype=self.dtype))

    def exp(self, a):
        return torch.exp(torch.as_tensor(a, dtype=self.dtype))

    def abs(self, a):
        return torch.abs(a)

    def max(self, z):
        return z.amax() if isinstance(z, torch.Tensor) else torch.stack(list(z)).amax()

    def min(self, z):
        return z.amin() if isinstance(z, torch.Tensor) else torch.stack(list(z)).amin()

    def length(self, z):
        return self._t(float(len(z)))

    def vadd(self, a, b):
        return a + b

    def vscale(self, c, a):
        return c * a

    def inf_norm(self, z):
        return z.abs().amax()

    def dot(self, a, b):
        return (a * b).sum()

    def sqnorm(self, a):
        return (a * a).sum()

    def lse(self, z, beta=1):
        z = z if isinstance(z, torch.Tensor) else torch.stack(list(z))
        return ne.lse(z, float(beta))

    def softmax(self, z, k):
        return ne.softmax(z)[k]

    def grad_lse(self, z, k):
        """∂LSE(z)/∂z_k by autograd."""
        w = z.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(ne.lse(w), w)
        return g[k]

    def count(self, P):
        return self._t(float(P.shape[0]))

    def sqnorms(self, P):
        return (P * P).sum(-1)

    def max_sqnorm(self, P):
        return self.sqnorms(P).amax()

    def min_sqnorm(self, P):
        return self.sqnorms(P).amin()

    def dists(self, P, x):
        return ne.sq_dists(P, x)

    def nn(self, P, x):
        return ne.nearest_neighbour(P, x)

    def energy(self, P, x):
        return ne.distance_energy(P, x)

    def mchn(self, P, x, beta):
        return ne.mchn_energy(P, x, float(beta))

    def layer_energy(self, P, x, reading, Z=None):
        if reading == "distance":
            return ne.distance_energy(P, x)
        if reading == "nearest":
            return ne.nearest_neighbour(P, x)
        if reading == "printed":
            return torch.exp(-ne.nearest_neighbour(P, x)) / Z
        raise ValueError(f"unknown layer-energy reading {reading!r}")

    def global_energy(self, values):
        return ne.global_energy(torch.stack(list(values)))

    def dc_argument(self, P, x):
        return 2.0 * (P @ x) - (P * P).sum(-1)

    def cccp_step(self, P, x):
        return ne.cccp_step(P, x)

    def to_float(self, a) -> float:
        return float(a)
