"""LogSumExp, softmax and the soft minimum as SymPy functions with mpmath evaluation.

Notation (arXiv:2405.08707v2, Section 4 and Appendix A):

==========  =====================================================================
code        paper
==========  =====================================================================
``z``       z ∈ ℝᵐ, the arguments of LSE; ``m = len(z)``
``LSE``     LSE(z) = log Σᵢ exp(zᵢ)  (β = 1)
``beta``    β > 0, inverse temperature: LSE(β, z) = β⁻¹ LSE(β z)
softmax     softmax(z)ᵢ = exp(zᵢ − LSE(z)) = ∂LSE(z)/∂zᵢ
softmin     softmin(z)ᵢ = softmax(−z)ᵢ; the soft minimum value is −LSE(−z) (Lemma 3)
==========  =====================================================================

``LogSumExp`` is a real :class:`sympy.Function`: ``diff`` gives the softmax, ``evalf``
goes through mpmath with a max-shift (so ``[1000, 1000]`` does not overflow), ``latex``
prints ``\\operatorname{LSE}``, and :func:`mpmath_namespace` / :func:`torch_namespace`
make ``lambdify`` work for both back ends.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import sympy as sp
from sympy.core.function import ArgumentIndexError
from sympy.core.logic import fuzzy_and

from theory.indexed import power_latex

__all__ = [
    "LogSumExp",
    "lse",
    "softmax",
    "softmin",
    "soft_min",
    "mp_lse",
    "mp_softmax",
    "mpmath_namespace",
]


def mp_lse(*z) -> mpmath.mpf:
    """LSE(z) with mpmath at the current working precision, shifted by max z.

    Accepts mpmath numbers, floats, ints or strings; ``-inf`` entries contribute nothing.
    Raises ``ValueError`` for an empty argument list or a NaN.

    >>> mpmath.nstr(mp_lse(1000, 1000), 15)  # 1000 + log 2: the shift avoids overflow
    '1000.69314718056'
    >>> mp_lse(0, mpmath.ninf)
    mpf('0.0')
    """
    if len(z) == 1 and isinstance(z[0], (list, tuple)):
        z = tuple(z[0])
    if not z:
        raise ValueError("LSE needs at least one argument; got an empty vector")
    vals = [mpmath.mpf(v) for v in z]
    if any(mpmath.isnan(v) for v in vals):
        raise ValueError(f"LSE got a NaN argument: {z!r}")
    top = max(vals)
    if mpmath.isinf(top):
        return top  # +inf dominates; all -inf gives -inf
    return top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in vals))


def mp_softmax(z: Sequence) -> list:
    """softmax(z) with mpmath: exp(zᵢ − LSE(z)).

    >>> [mpmath.nstr(w, 6) for w in mp_softmax([0, mpmath.log(3)])]
    ['0.25', '0.75']
    """
    vals = [mpmath.mpf(v) for v in z]
    s = mp_lse(*vals)
    return [mpmath.exp(v - s) for v in vals]


class LogSumExp(sp.Function):
    r"""LSE(z₁, …, z_m) = log Σᵢ exp(zᵢ), the β = 1 LogSumExp of the paper (Sec. 4, App. A).

    * one argument: ``LogSumExp(z) == z``;
    * ``-oo`` arguments are dropped, an ``oo`` argument gives ``oo``;
    * ``diff`` wrt ``zₖ`` is ``exp(zₖ − LSE(z))``, the k-th softmax component;
    * ``rewrite(sp.log)`` gives ``log(exp(z₁) + … + exp(z_m))``.

    >>> a, b = sp.symbols("a b", real=True)
    >>> LogSumExp(a, b).diff(a)  # ∂LSE/∂a: the softmax component
    exp(a - LSE(a, b))
    >>> LogSumExp(a, b).diff(a) == softmax([a, b])[0]
    True
    >>> LogSumExp(a, -sp.oo), LogSumExp(a, sp.oo), LogSumExp(a)
    (a, oo, a)
    >>> LogSumExp(a, b).rewrite(sp.log)
    log(exp(a) + exp(b))
    >>> sp.latex(LogSumExp(a, b))
    '\\operatorname{LSE}\\left(a, b\\right)'
    >>> LogSumExp(1000, 1000).evalf(20)  # 1000 + log 2 through mpmath, no overflow
    1000.6931471805599453
    >>> LogSumExp(0, sp.log(3)).rewrite(sp.log)
    log(4)
    """

    @classmethod
    def eval(cls, *args):
        if len(args) == 0:
            raise ValueError("LogSumExp needs at least one argument; got none")
        if any(a is sp.S.NaN for a in args):
            return sp.S.NaN
        if any(a is sp.S.Infinity for a in args):
            return sp.S.Infinity
        kept = [a for a in args if a is not sp.S.NegativeInfinity]
        if not kept:
            return sp.S.NegativeInfinity
        if len(kept) == 1:
            return kept[0]
        if len(kept) != len(args):
            return cls(*kept)
        return None

    def _eval_is_extended_real(self):
        return fuzzy_and(a.is_extended_real for a in self.args)

    def _eval_is_finite(self):
        return fuzzy_and(a.is_finite for a in self.args)

    def fdiff(self, argindex=1):
        if not 1 <= argindex <= len(self.args):
            raise ArgumentIndexError(self, argindex)
        return sp.exp(self.args[argindex - 1] - self)

    def _eval_rewrite_as_log(self, *args, **kwargs):
        return sp.log(sp.Add(*[sp.exp(a) for a in args]))

    _eval_rewrite_as_exp = _eval_rewrite_as_log

    def _eval_evalf(self, prec):
        vals = [a.evalf(prec + 10) for a in self.args]
        if not all(v.is_Number for v in vals):
            return None
        with mpmath.workprec(prec + 10):
            res = mp_lse(*[v._to_mpmath(prec + 10) for v in vals])
        return sp.Float._new(res._mpf_, prec)

    def _latex(self, printer, exp=None):
        inner = ", ".join(printer._print(a) for a in self.args)
        s = r"\operatorname{LSE}\left(" + inner + r"\right)"
        return power_latex(s, exp)

    def _sympystr(self, printer):
        return "LSE(" + ", ".join(printer._print(a) for a in self.args) + ")"


def _sym(v):
    """A SymPy number/expression; a Python float becomes its exact binary rational.

    ``sympify(1.0)`` gives a 15-digit ``Float`` and ``exp(Float)`` is then evaluated at 15
    digits, so an ``evalf(30)`` of the result would be wrong after the 15th digit.
    """
    if isinstance(v, float):
        if v != v:
            return sp.S.NaN
        if v in (float("inf"), float("-inf")):
            return sp.oo if v > 0 else -sp.oo
        return sp.Rational(v)
    return sp.sympify(v)


def lse(z: Sequence, beta=1):
    """LSE(β, z) = β⁻¹ log Σᵢ exp(β zᵢ) as a SymPy expression (β = 1 gives ``LogSumExp``).

    >>> a, b = sp.symbols("a b", real=True)
    >>> lse([a, b], 2)
    LSE(2*a, 2*b)/2
    >>> lse([a, b])
    LSE(a, b)
    """
    z = [_sym(v) for v in z]
    if not z:
        raise ValueError("lse needs a non-empty vector z")
    beta = _sym(beta)
    if beta.is_number and not beta.is_positive:
        raise ValueError(f"inverse temperature beta must be > 0; got {beta}")
    if beta == 1:
        return LogSumExp(*z)
    return LogSumExp(*[beta * v for v in z]) / beta


def softmax(z: Sequence, beta=1) -> list:
    """softmax(β z) as a list of SymPy expressions; the gradient of :func:`lse` (β any).

    Floats are taken as exact rationals (as everywhere in ``theory``), so ``evalf(n)`` of the
    result is good to n digits.

    >>> [sp.simplify(w.rewrite(sp.log)) for w in softmax([0, sp.log(3)])]
    [1/4, 3/4]
    """
    z = [_sym(v) for v in z]
    beta = _sym(beta)
    s = LogSumExp(*[beta * v for v in z])
    return [sp.exp(beta * v - s) for v in z]


def softmin(z: Sequence, beta=1) -> list:
    """softmin(z) = softmax(−z), the weights of the soft minimum.

    >>> [sp.simplify(w.rewrite(sp.log)) for w in softmin([0, sp.log(3)])]
    [3/4, 1/4]
    """
    return softmax([-_sym(v) for v in z], beta)


def soft_min(z: Sequence, beta=1):
    """The soft-minimum value −LSE(β, −z) of Lemma 3 (β = 1 in the paper).

    >>> soft_min([0, sp.log(3)])
    -LSE(0, -log(3))
    >>> sp.simplify(soft_min([0, sp.log(3)]).rewrite(sp.log))  # below min z = 0
    -log(4/3)
    """
    return -lse([-_sym(v) for v in z], beta)


def mpmath_namespace() -> dict:
    """Names ``lambdify(..., modules=[mpmath_namespace(), 'mpmath'])`` needs for our functions.

    >>> a, b = sp.symbols("a b", real=True)
    >>> f = sp.lambdify((a, b), LogSumExp(a, b), modules=[mpmath_namespace(), "mpmath"])
    >>> mpmath.nstr(f(1000, 1000), 15)
    '1000.69314718056'
    """
    return {"LogSumExp": mp_lse}
