"""The torch back end: the numeric twin of a statement (float64 by default).

Imported only when the twin runs, so the rest of the engine (and the report) never pays for
torch. Scalars are 0-d tensors; the core words mirror :class:`derivations.engine.SymOps`.
Integer parameters stay Python ``int`` (indices; the words convert them where a tensor is
needed); float parameters and vectors are tensors of the dtype, matrices 2-D tensors.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch

import numerics.energies as ne
from derivations.engine.backends import Ops
from derivations.engine.instance import Instance

__all__ = ["TorchOps"]


class TorchOps(Ops):
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
            elif isinstance(v, float):
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
        return torch.abs(torch.as_tensor(a, dtype=self.dtype))

    def max(self, z):
        return self._vec(z).amax()

    def min(self, z):
        return self._vec(z).amin()

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

    def _vec(self, z):
        if isinstance(z, torch.Tensor):
            return z
        return torch.stack([torch.as_tensor(t, dtype=self.dtype) for t in z])

    def lse(self, z, beta=1):
        return ne.lse(self._vec(z), float(beta))

    def softmax(self, z, k, beta=1):
        return ne.softmax(self._vec(z), float(beta))[int(k)]

    def grad_lse(self, z, k, beta=1):
        """∂LSE(β, z)/∂z_k by autograd."""
        w = self._vec(z).detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(ne.lse(w, float(beta)), w)
        return g[int(k)]

    def to_float(self, a) -> float:
        return float(a)
