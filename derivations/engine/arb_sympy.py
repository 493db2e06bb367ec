"""Exact SymPy numbers to Arb balls: :func:`arb_eval` encloses a closed-form SymPy number
(rationals, π, e, exp, log, powers, Γ, log Γ, γ(s, x), Γ(s, x), erf, W, LSE, max, min, …)
in a ball guaranteed to contain it, at the working precision ``flint.ctx.prec``.

Used where a value is known as an exact expression: the computed claims' certified
comparisons (e.g. a closed form against SymPy's own integral), the counterexample search for
vocabulary words that have a SymPy but no arb implementation, and ``recheck`` (which
re-evaluates a claim's SymPy statement on the written-out instance, a path independent of
the search's arb words). A node it does not know raises :class:`NotCertifiable`.

>>> import flint, sympy as sp
>>> flint.ctx.prec = 64
>>> arb_eval(sp.sqrt(2) * sp.pi).contains(flint.arb("4.44288293815836624701588"))
True
>>> arb_eval(sp.lowergamma(sp.Rational(1, 2), 1)) > 1.49
True
"""

from __future__ import annotations

import flint
import sympy as sp

from derivations.engine.arb_backend import ArbOps, log_lowergamma

__all__ = ["arb_eval", "NotCertifiable", "to_arb_rational"]

arb = flint.arb
_OPS = ArbOps()


class NotCertifiable(ValueError):
    """A SymPy expression with a node that has no certified (ball) evaluation."""


def to_arb_rational(q: sp.Rational) -> flint.arb:
    """A ball for an exact rational (exact when it is a dyadic fraction that fits)."""
    return arb(flint.fmpq(int(q.p), int(q.q)))


def _pow(b, e, be: sp.Basic):
    if be.is_Integer:
        k = int(be)
        if k >= 0:
            return b**k
        return 1 / (b ** (-k))
    if be == sp.Rational(1, 2):
        return b.sqrt()
    return b**e


_UNARY = {
    sp.exp: lambda a: a.exp(),
    sp.log: lambda a: a.log(),
    sp.Abs: abs,
    sp.gamma: lambda a: a.gamma(),
    sp.loggamma: lambda a: a.lgamma(),
    sp.erf: lambda a: a.erf(),
    sp.erfc: lambda a: a.erfc(),
    sp.sin: lambda a: a.sin(),
    sp.cos: lambda a: a.cos(),
    sp.tan: lambda a: a.tan(),
    sp.atan: lambda a: a.atan(),
    sp.sinh: lambda a: a.sinh(),
    sp.cosh: lambda a: a.cosh(),
    sp.tanh: lambda a: a.tanh(),
    sp.factorial: lambda a: (a + 1).gamma(),
    sp.sign: lambda a: a.sgn(),
}


def arb_eval(e) -> flint.arb:
    """A ball containing the value of the closed-form SymPy number ``e``."""
    e = sp.sympify(e)
    if e.is_Rational:
        return to_arb_rational(e)
    if e.is_Float:
        return to_arb_rational(sp.Rational(e))
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb(1).exp()
    if e is sp.EulerGamma:
        return arb.const_euler()
    if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise NotCertifiable(f"{e} is not a finite number")
    if isinstance(e, sp.Add):
        return sum((arb_eval(a) for a in e.args), arb(0))
    if isinstance(e, sp.Mul):
        out = arb(1)
        for a in e.args:
            out = out * arb_eval(a)
        return out
    if isinstance(e, sp.Pow):
        return _pow(arb_eval(e.base), arb_eval(e.exp), e.exp)
    f = e.func
    if f in _UNARY:
        return _UNARY[f](arb_eval(e.args[0]))
    if f is sp.lowergamma:
        return log_lowergamma(arb_eval(e.args[0]), arb_eval(e.args[1])).exp()
    if f is sp.uppergamma:
        return arb_eval(e.args[1]).gamma_upper(arb_eval(e.args[0]))
    if f is sp.LambertW:
        if len(e.args) > 1 and e.args[1] != 0:
            raise NotCertifiable("only the principal branch W₀ of Lambert W is evaluated")
        return arb_eval(e.args[0]).lambertw()
    if f is sp.Max:
        return _OPS.max([arb_eval(a) for a in e.args])
    if f is sp.Min:
        return _OPS.min([arb_eval(a) for a in e.args])
    if getattr(f, "__name__", "") == "LogSumExp":  # theory.lse.LogSumExp
        return _OPS.lse([arb_eval(a) for a in e.args])
    if e.is_number and e.is_real is not False:
        raise NotCertifiable(f"no certified evaluation for {f.__name__} in {e}")
    raise NotCertifiable(f"not a closed-form real number: {e}")
