"""Compatibility: the back ends moved to :mod:`derivations.engine` (``backends``,
``instance``, ``torch_backend``). Import from there; these names keep old code working."""

from derivations.engine.backends import MP, SYM, MpOps, SymOps, VectorSymbol
from derivations.engine.instance import Instance

__all__ = ["Instance", "SymOps", "MpOps", "VectorSymbol", "SYM", "MP"]  # and TorchOps, lazily


def __getattr__(name):
    if name == "TorchOps":
        from derivations.engine.torch_backend import TorchOps

        return TorchOps
    raise AttributeError(f"module 'derivations.ops' has no attribute {name!r}")
