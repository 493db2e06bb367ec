"""Shared pieces of the Ramsauer et al. pack: displayed symbols, hypotheses as implications,
derivation sizes, and the counterexample / decimal-string helpers of computed claims.

Notation (arXiv:2008.02217v3): patterns x_1…x_N ∈ ℝ^d are the rows of ``P`` (X = Pᵀ);
ξ the state (``x`` in an instance); β > 0; M = maxᵢ‖xᵢ‖; f the update (Eq. 3); E the energy
(Eq. 2); Δᵢ the separation (Eq. 5); r = 1/(βNM) the radius of Sᵢ (Definition 3).
"""

from __future__ import annotations

from types import SimpleNamespace

import mpmath
import sympy as sp

import derivations.ramsauer2020.words  # noqa: F401 - registers the pack's vocabulary
from derivations.engine import Rel, VectorSymbol
from derivations.engine.records import counterexample_record as counterexample  # noqa: F401
from derivations.engine.records import number_string
from derivations.jsonio import jsonable
from derivations.ramsauer2020.words import is_torch, rows, vec

__all__ = [
    "display",
    "dshow",
    "implies",
    "sub",
    "dist",
    "count",
    "truth",
    "holds",
    "counterexample",
    "dstr",
    "exact_json",
    "rows",
    "vec",
    "is_torch",
]


def display(**extra) -> SimpleNamespace:
    """The displayed instance: X, ξ (and y) as vector symbols, β, i, l and N as symbols."""
    ns = SimpleNamespace(
        P=VectorSymbol("X", real=True),
        x=VectorSymbol(r"\xi", real=True),
        y=VectorSymbol("y", real=True),
        z=VectorSymbol("z", real=True),
        w=VectorSymbol("z'", real=True),
        beta=sp.Symbol(r"\beta", positive=True),
        i=sp.Symbol("i", integer=True, positive=True),
        l=sp.Symbol("l", integer=True, positive=True),
        eps=sp.Symbol(r"\epsilon", positive=True),
        pat=VectorSymbol("x_i", real=True),
        star=VectorSymbol("x_i^*", real=True),
        q=VectorSymbol("q", real=True),
        v=VectorSymbol("v", real=True),
    )
    for k, v in extra.items():
        setattr(ns, k, v)
    return ns


def dshow(name: str, template: str, *args):
    """A displayed quantity: ``template`` with @k replaced by the k-th argument's LaTeX."""
    from derivations.ramsauer2020.words import display_fn

    return display_fn(name, template)(*args)


def is_display(v) -> bool:
    return isinstance(getattr(v, "P", None), VectorSymbol) or isinstance(
        getattr(v, "z", None), VectorSymbol
    )


def truth(ops, value) -> bool:
    """A back-end boolean (SymPy relational, mpmath/torch comparison) as a Python bool."""
    if isinstance(value, sp.Basic):
        return bool(value == sp.true)
    return bool(value)


_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}


def holds(ops, rel: Rel) -> bool:
    """Whether the relation holds, evaluated by the back end at its precision (a claim's
    hypothesis on a searched instance)."""
    n = rel.normal()
    return truth(ops, _OPS[n.op](n.lhs, n.rhs))


def implies(ops, hypothesis, rels: list[Rel]) -> list[Rel]:
    """The relations of "hypothesis ⇒ rels": the relations themselves where the hypothesis
    holds (evaluated by the back end at its precision), a true 0 ≤ 0 in each place otherwise,
    so the number of relations never changes."""
    if hypothesis is None or truth(ops, hypothesis):
        return rels
    z = ops.num(0)
    return [Rel(z, "<=", z, "hypothesis fails: vacuous") for _ in rels]


def under(ops, v, hypotheses, rels: list[Rel]) -> list[Rel]:
    """``hypotheses(ops, v)`` ⇒ ``rels`` in the search; the bare relations on display and
    where the checker compares the hypotheses on their own (``assume_hypotheses``), so a
    claim's searched guard and its declared hypotheses are one list."""
    if is_display(v) or getattr(v, "assume_hypotheses", False):
        return rels
    return implies(ops, all(holds(ops, h) for h in hypotheses(ops, v)), rels)


def sub(ops, a, b):
    """a − b for vectors of any back end."""
    return ops.vadd(a, ops.vscale(-1, b))


def dist(ops, a, b):
    """‖a − b‖."""
    return ops.hf_norm(sub(ops, a, b))


def count(ops, P):
    """N, the number of patterns, as a back-end number."""
    if isinstance(P, VectorSymbol):
        return sp.Symbol("N", integer=True, positive=True)
    return ops.num(len(rows(P)))


def row(P, i):
    """xᵢ (0-based i) as a vector of the back end."""
    R = rows(P)
    return R[int(float(i))]


def dstr(v, digits: int = 20) -> str:
    """A decimal string for a number of any back end (flint arb: its midpoint)."""
    return number_string(v, digits)


def exact_json(v):
    return jsonable(v, exact=True)


def mp(v) -> mpmath.mpf:
    return mpmath.mpf(v)


def softmax_vec(o, z, beta):
    """p = softmax(βz) as a back-end vector (its display symbol, p or p′, when rendering)."""
    if isinstance(z, sp.Basic):  # displayed: p = softmax(βz), p′ = softmax(βz′)
        return VectorSymbol("p'" if str(z) == "z'" else "p", real=True)
    return vec(o, [o.softmax(z, k, beta) for k in range(len(z))])


def pattern_softmax(o, v, x=None):
    """p = softmax(βXᵀx) for the instance's patterns, x = ξ unless given (a list)."""
    x = v.x if x is None else x
    z = [o.dot(r, x) for r in rows(v.P)]
    return [o.softmax(z, k, v.beta) for k in range(len(z))]


def shrunk(statement, factor):
    """A wrong variant: the statement's first relation read as lhs ≤ rhs/``factor``."""

    def wrong(o, v):
        r = statement(o, v)[0]
        return [Rel(r.lhs, "<=", r.rhs / factor)]

    return wrong
