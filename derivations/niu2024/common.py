"""Shared pieces of the Niu et al. pack: displayed symbols, derivation sizes, domains,
and the counterexample / decimal-string helpers of its computed claims.

Notation as in the pack's modules: z, y ∈ ℝᵐ (LSE arguments); patterns ρⁱ as the rows of P,
query x; n a dimension, r a radius, d a number of patterns.
"""

from __future__ import annotations

import contextlib
import math
from types import SimpleNamespace

import flint
import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from derivations import strategies as S
from derivations.engine import (
    Instance,
    VectorSymbol,
    arb_eval,
)
from derivations.engine.records import (  # noqa: F401 - re-exported for the pack's modules
    counterexample_record as counterexample,
)
from derivations.jsonio import decimal_string, jsonable
from theory.energies import SymbolicPatterns, symbolic_instance

REF = "arXiv:2405.08707v2"


def zsym():
    return SimpleNamespace(
        z=VectorSymbol("z", real=True),
        y=VectorSymbol("y", real=True),
        lam=sp.Symbol(r"\lambda", real=True),
    )


def zvec(m: int, name: str = "z"):
    return list(sp.symbols(f"{name}1:{m + 1}", real=True))


def wlog_vec(m: int):
    """z = (a, a − u₂, …, a − u_m), uᵢ ≥ 0: every vector whose maximum is its first entry."""
    a = sp.Symbol("a", real=True)
    us = list(sp.symbols(f"u2:{m + 1}", nonnegative=True))
    return a, us, [a] + [a - u for u in us]


def patterns_display():
    P = SymbolicPatterns()
    return SimpleNamespace(P=P, x=P.x, beta=sp.Symbol(r"\beta", positive=True))


def pattern_sizes(sizes=((1, 1), (2, 1), (2, 2))):
    def make():
        out = []
        for d, n in sizes:
            P, x = symbolic_instance(d, n)
            out.append(SimpleNamespace(P=P, x=x))
        return out

    return make


def zsizes(ms):
    return lambda: [SimpleNamespace(z=zvec(m)) for m in ms]


def short(text: str, digits: int = 6) -> str:
    """A decimal string shortened to ``digits`` significant digits (exponent kept)."""
    try:
        return mpmath.nstr(mpmath.mpf(text), digits)
    except (TypeError, ValueError):
        return str(text)


def mpf_of(v) -> mpmath.mpf:
    """An mpf from an int, float, decimal string, mpf or exact SymPy number."""
    if isinstance(v, sp.Basic):
        return mpmath.mpf(sp.N(v, mpmath.mp.dps + 10))
    return mpmath.mpf(v)


def dims(lo: int = 1, hi: float = 1e6) -> st.SearchStrategy[float]:
    """Dimensions n: small integers, or integers log-uniform up to ``hi`` (shrinks to 1)."""
    return st.one_of(
        st.integers(lo, 64).map(float),
        S.scales(float(lo), hi).map(lambda v: float(max(lo, round(v)))),
    )


@st.composite
def n_r(draw):
    """(n, r) for Lemma 5: r absolute in [1e−4, 1e3] or relative r = f·n, f ∈ [1e−3, 10]."""
    n = draw(dims())
    if draw(st.booleans()):
        r, reg = draw(S.scales(1e-4, 1e3)), "absolute-r"
    else:
        r, reg = n * draw(S.scales(1e-3, 10.0)), "r~n"
    return Instance.make(regime=f"{'large' if n > 64 else 'small'}-n/{reg}", n=n, r=float(r))


@st.composite
def n_d(draw):
    n = draw(dims())
    d = draw(
        st.one_of(st.integers(1, 16).map(float), S.scales(1.0, 1e6).map(lambda v: float(round(v))))
    )
    return Instance.make(regime="large-n" if n > 64 else "small-n", n=n, d=d)


def sym_nr():
    return SimpleNamespace(n=sp.Symbol("n", positive=True), r=sp.Symbol("r", positive=True))


def sym_nd():
    return SimpleNamespace(
        n=sp.Symbol("n", positive=True),
        d=sp.Symbol("d", positive=True),
        rstar=sp.Symbol("r^{*}", positive=True),
    )


def random_dims(examples: int, seed: int, hi: float = 1e6) -> list[int]:
    rng = np.random.default_rng(seed)
    k = max(1, min(examples, 40))
    return sorted({int(round(10 ** rng.uniform(0, math.log10(hi)))) for _ in range(k)})


def dstr(v, digits: int = 20) -> str:
    """A decimal string for a number of any back end (exact SymPy numbers evaluated)."""
    return decimal_string(v, digits)


def exact_json(v):
    """A JSON-able copy of ``v`` with every number as an exact decimal string."""
    return jsonable(v, exact=True)


def decimals(q: sp.Rational) -> int:
    """Decimal places of a terminating decimal (as a Rational)."""
    k = 0
    while (q * 10**k).q != 1 and k < 40:
        k += 1
    return k


@contextlib.contextmanager
def arb_prec(bits: int):
    """Arb's working precision set to ``bits`` inside the block (restored after)."""
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old


def arb_loglog_fit(x, y) -> tuple[flint.arb, flint.arb, int]:
    """(slope, stderr, m) of the OLS fit of log y on log x, as balls (exact inputs)."""
    u = [arb_eval(sp.log(sp.sympify(v))) for v in x]
    w = [arb_eval(sp.log(sp.sympify(v))) for v in y]
    m = len(u)
    ub, wb = sum(u, flint.arb(0)) / m, sum(w, flint.arb(0)) / m
    sxx = sum(((a - ub) ** 2 for a in u), flint.arb(0))
    b = sum(((a - ub) * (c - wb) for a, c in zip(u, w)), flint.arb(0)) / sxx
    a0 = wb - b * ub
    ssr = sum(((c - (a0 + b * a)) ** 2 for a, c in zip(u, w)), flint.arb(0))
    return b, (ssr / (m - 2) / sxx).sqrt(), m


def arb_t_quantile(p, df: int) -> flint.arb:
    """The Student-t quantile t_p (df degrees of freedom) as a ball: tan(π(p − ½)) for
    df = 1; otherwise certified bisection on the CDF (regularized incomplete beta)."""
    p = flint.arb(p) if not isinstance(p, flint.arb) else p
    if df == 1:
        return (flint.arb.pi() * (p - flint.arb(1) / 2)).tan()

    def cdf(t):  # t > 0
        x = flint.arb(df) / (df + t * t)
        return 1 - x.beta_lower(flint.arb(df) / 2, flint.arb(1) / 2, regularized=1) / 2

    lo, hi = flint.arb(0), flint.arb(1)
    while not cdf(hi) > p:
        hi *= 2
    for _ in range(flint.ctx.prec):
        mid = (lo + hi) / 2
        c = cdf(mid)
        if c < p:
            lo = mid
        elif c > p:
            hi = mid
        else:
            break
    return lo.union(hi)
