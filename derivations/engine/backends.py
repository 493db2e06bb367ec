"""Back ends for one statement: SymPy (exact/symbolic), mpmath (high precision), arb (balls)
and torch (the numeric twin).

A claim's statement is written once, as ``statement(ops, v)`` of a back end ``ops`` and an
instance ``v`` already loaded into that back end (``ops.load(instance)``):

* :class:`SymOps` on symbolic entries gives the SymPy statement that is shown and whose
  derivation is checked; on an exact (rational) instance it gives exact SymPy numbers;
* :class:`MpOps` gives high-precision values (figures, values shown in reports);
* ``ArbOps`` (:mod:`derivations.engine.arb_backend`) gives balls certain to contain the true
  values: the counterexample search decides every relation on them;
* ``TorchOps`` (:mod:`derivations.engine.torch_backend`, loaded only when needed) gives the
  numeric twin.

Instance entries load per back end: floats as exact numbers (SymPy rationals, mpf, exact
balls, torch tensors of the dtype), **integers** as integers that index lists and divide
exactly (SymPy ``Integer``, :data:`MpInt`, ``ArbInt``; plain ``int`` in torch), vectors as
lists (torch: 1-D tensors), **matrices** (tuples of tuples) as lists of rows (SymPy
``Matrix``, torch 2-D tensors), strings and booleans as they are.

So the formula rendered in the report is the formula evaluated.

**Core words** (every back end, defined here): ``num``, ``log``, ``exp``, ``abs``, ``max``,
``min``, ``length``, ``vadd``, ``vscale``, ``inf_norm``, ``dot``, ``sqnorm``, ``lse``
(LSE(β, z) = β⁻¹ log Σ exp(β z)), ``softmax``, ``grad_lse``, ``to_float``; the attribute
``name`` says which back end it is.

**Vocabulary words** (:class:`Word`): further functions registered with one implementation
per back end, e.g. the associative-memory objects of :mod:`derivations.vocab` (g, E,
E^MCHN, …) or a pack's own. ``ops.<word>(...)`` calls the implementation for ``ops``'s back
end; :func:`vocabulary` lists them. A pack adds words with :func:`register` (see README,
"Add a paper pack").
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import mpmath
import sympy as sp

from derivations.engine.instance import Instance
from theory.lse import LogSumExp, mp_lse
from theory.lse import lse as sym_lse

__all__ = [
    "BACKENDS",
    "exact_int_type",
    "MpInt",
    "VectorSymbol",
    "Word",
    "register",
    "vocabulary",
    "Ops",
    "SymOps",
    "MpOps",
    "SYM",
    "MP",
]

#: The back ends a :class:`Word` may implement, by ``Ops.name``.
BACKENDS = ("sympy", "mpmath", "torch", "arb", "exact")
#: Modules whose import registers the default vocabulary (loaded on first use).
DEFAULT_VOCABULARY = ("derivations.vocab",)


class VectorSymbol(sp.Symbol):
    """A symbol standing for a whole vector z ∈ ℝᵐ in displayed statements."""


def _symvec(z) -> bool:
    """A SymPy expression standing for a whole vector (built from :class:`VectorSymbol` s)."""
    return isinstance(z, sp.Basic) and not isinstance(z, sp.MatrixBase)


def exact_int_type(name: str, conv: Callable) -> type:
    """An ``int`` subclass for a back end's integer parameters: an index, exact in ``+ − ×``
    with integers, and converted by ``conv`` (e.g. ``mpmath.mpf``) when divided, raised to a
    negative or non-integer power, or mixed with a float (so ``n / 2`` is not a rounded
    Python float)."""

    def _a(self):
        return conv(int(self))

    def truediv(self, o):
        return _a(self) / o

    def rtruediv(self, o):
        return o / _a(self)

    def pow_(self, o, mod=None):
        if isinstance(o, int) and not isinstance(o, bool) and o >= 0 and mod is None:
            return int(self) ** int(o)
        return _a(self) ** o

    def rpow(self, o):
        if isinstance(o, int) and not isinstance(o, bool) and self >= 0:
            return int(o) ** int(self)
        return o ** _a(self)

    def mixed(op: str):
        def f(self, o):
            if isinstance(o, float):
                return getattr(_a(self), op)(conv(o))
            return getattr(int, op)(self, o)

        return f

    ns = {
        "__doc__": f"An integer parameter of a back end (converted by {conv!r} when needed).",
        "__truediv__": truediv,
        "__rtruediv__": rtruediv,
        "__pow__": pow_,
        "__rpow__": rpow,
        "exact": _a,
    }
    for op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__"):
        ns[op] = mixed(op)
    return type(name, (int,), ns)


MpInt = exact_int_type("MpInt", mpmath.mpf)

# -------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Word:
    """One vocabulary word: its meaning and an implementation per back end.

    Each implementation is called as ``impl(ops, *args)`` (``ops`` gives access to the other
    words and, for torch, to the dtype); an implementation may be given as a string
    ``"module:function"``, imported on first use (so the torch side costs nothing until the
    twin runs). ``exact`` (optional) is the exact back end's
    (:mod:`derivations.engine.exact_backend`): the search's fast route for equality cases;
    without it the SymPy statement is used there.
    """

    name: str
    meaning: str
    sympy: Callable | str | None = None
    mpmath: Callable | str | None = None
    torch: Callable | str | None = None
    arb: Callable | str | None = None
    exact: Callable | str | None = None

    def impl(self, backend: str) -> Callable | None:
        f = getattr(self, backend, None)
        if isinstance(f, str):
            mod, name = f.split(":")
            f = getattr(importlib.import_module(mod), name)
        return f


_VOCABULARY: dict[str, Word] = {}
_DEFAULT_LOADED = False
#: The module that registered each word (to tell the default vocabulary from packs' words).
_ORIGIN: dict[str, str] = {}


def register(*words: Word) -> None:
    """Add words to the vocabulary of every back end (a word's name may not be redefined
    with different implementations, nor shadow a core word)."""
    for w in words:
        if not w.name.isidentifier() or w.name.startswith("_"):
            raise ValueError(f"a word's name must be a public identifier; got {w.name!r}")
        if w.name in _CORE:
            raise ValueError(f"{w.name!r} is a core word of every back end; choose another name")
        old = _VOCABULARY.get(w.name)
        if old is not None and old != w:
            raise ValueError(f"vocabulary word {w.name!r} is already defined ({old.meaning})")
        _VOCABULARY[w.name] = w
        _ORIGIN.setdefault(w.name, sys._getframe(1).f_globals.get("__name__", ""))


def _load_default() -> None:
    global _DEFAULT_LOADED
    if not _DEFAULT_LOADED:
        _DEFAULT_LOADED = True
        try:
            for m in DEFAULT_VOCABULARY:
                importlib.import_module(m)
        except BaseException:  # a broken vocabulary module must not leave it half-loaded
            _DEFAULT_LOADED = False
            raise


def vocabulary() -> dict[str, Word]:
    """Every registered word (the default vocabulary included), by name."""
    _load_default()
    return dict(_VOCABULARY)


def default_vocabulary() -> dict[str, Word]:
    """The words of the default vocabulary alone (not those a pack or a user registered)."""
    _load_default()
    return {k: w for k, w in _VOCABULARY.items() if _ORIGIN.get(k) in DEFAULT_VOCABULARY}


class Ops:
    """Base of the back ends: core words are methods; vocabulary words are looked up."""

    name = ""

    def __getattr__(self, attr: str):
        if attr.startswith("_"):
            raise AttributeError(attr)
        _load_default()
        w = _VOCABULARY.get(attr)
        if w is None:
            raise AttributeError(
                f"the {self.name} back end has no word {attr!r}; core words: "
                f"{', '.join(sorted(_CORE))}; vocabulary: {', '.join(sorted(_VOCABULARY))}"
            )
        f = w.impl(self.name)
        if f is None:
            raise AttributeError(f"the word {attr!r} has no {self.name} implementation")
        return functools.partial(f, self)


# ----------------------------------------------------------------------------- SymPy


def _vec_fn(name: str):
    return sp.Function(name)


@functools.lru_cache(maxsize=512)
def _grad_lse_expr(m: int, k: int):
    """(t₀…t_{m−1}, β, ∂LSE(β, t)/∂t_k) with symbols, by SymPy differentiation."""
    syms = sp.symbols(f"t0:{m}", real=True)
    b = sp.Symbol("beta_", positive=True)
    return syms, b, LogSumExp(*[b * s for s in syms]).diff(syms[k]) / b


def _hard_numbers(z) -> bool:
    """Numbers (no symbols) that are not all rational: SymPy would compare them by numerical
    evaluation, slowly; they are left unevaluated (the exact test and arb decide them)."""
    z = [sp.sympify(t) for t in z]
    return all(t.is_number for t in z) and not all(t.is_Rational for t in z)


class SymOps(Ops):
    """SymPy back end: exact numbers (floats become rationals) or symbols."""

    name = "sympy"

    def load(self, inst: Instance) -> SimpleNamespace:
        from theory.energies import as_patterns, as_vector

        ns = SimpleNamespace(inst=inst)
        ns.P = None if inst.patterns is None else as_patterns(inst.patterns)
        ns.x = None if inst.x is None else as_vector(inst.x)
        for k, v in inst.p.items():
            if k == "layers":
                ns.layers = [as_patterns(m) for m in v]
            elif isinstance(v, tuple) and v and isinstance(v[0], tuple):
                setattr(ns, k, sp.Matrix([[self.num(t) for t in r] for r in v]))
            elif isinstance(v, tuple):
                setattr(ns, k, as_vector(v))
            else:
                setattr(ns, k, self.num(v) if not isinstance(v, str) else v)
        return ns

    def num(self, v):
        if isinstance(v, bool):
            return sp.true if v else sp.false
        return sp.Rational(v) if isinstance(v, float) else sp.sympify(v)

    def log(self, a):
        return sp.log(a)

    def exp(self, a):
        return sp.exp(a)

    def abs(self, a):
        return sp.Abs(a, evaluate=not _hard_numbers([a]))

    def max(self, z):
        if _symvec(z):
            return _vec_fn(r"\max")(z)
        return sp.Max(*z, evaluate=not _hard_numbers(z))

    def min(self, z):
        if _symvec(z):
            return _vec_fn(r"\min")(z)
        return sp.Min(*z, evaluate=not _hard_numbers(z))

    def length(self, z):
        if _symvec(z):
            return sp.Symbol("m", integer=True, positive=True)
        return sp.Integer(len(z))

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

    def softmax(self, z, k, beta=1):
        z = list(z)
        return sp.exp(beta * z[k]) / sp.Add(*[sp.exp(beta * t) for t in z])

    def grad_lse(self, z, k, beta=1):
        """∂LSE(β, z)/∂z_k, by SymPy differentiation (``fdiff``) at the point z (the
        symbolic derivative is computed once per length and k, then evaluated)."""
        syms, b, expr = _grad_lse_expr(len(z), int(k))
        return expr.xreplace({**dict(zip(syms, z, strict=True)), b: sp.sympify(beta)})

    def to_float(self, a) -> float:
        return float(sp.N(a, 30))


# ---------------------------------------------------------------------------- mpmath


class MpOps(Ops):
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
            elif isinstance(v, tuple) and v and isinstance(v[0], tuple):
                setattr(ns, k, [[mpmath.mpf(t) for t in r] for r in v])
            elif isinstance(v, tuple):
                setattr(ns, k, [mpmath.mpf(t) for t in v])
            elif isinstance(v, int) and not isinstance(v, bool):
                setattr(ns, k, MpInt(v))
            elif isinstance(v, float):
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

    def softmax(self, z, k, beta=1):
        beta = mpmath.mpf(beta)
        return mpmath.exp(beta * z[k] - mp_lse(*[beta * t for t in z]))

    def grad_lse(self, z, k, beta=1):
        """∂LSE(β, z)/∂z_k by mpmath numerical differentiation (independent of the formula)."""
        z = list(z)
        beta = mpmath.mpf(beta)

        def f(t):
            w = list(z)
            w[k] = t
            return mp_lse(*[beta * s for s in w]) / beta

        return mpmath.diff(f, z[k])

    def to_float(self, a) -> float:
        return float(a)


_CORE = frozenset(n for n in dir(SymOps) if not n.startswith("_") and n not in ("name", "load")) | {
    "load"
}

SYM = SymOps()
MP = MpOps()
