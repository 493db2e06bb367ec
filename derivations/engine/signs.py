"""Part of the rule kernel: sign rules — when e > 0, e ≥ 0 or e real is proved.

They prove signs from structure only: numbers, sizes (m ≥ at_least), symbols' assumptions,
exp of a real, squares and even powers, sums and products of signed terms, sums over a
non-empty range, |t| ± t ≥ 0, log t with t ≥ 1; a named quantity by its definition. Each
answer is True only when proved (False means "not proved"). (The rules consult them also
with the quantities earlier checked steps prove > 0 read as positive atoms:
:func:`derivations.engine.facts._signs_with_steps`.)
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.work import _memo
from theory.indexed import LseOver, MaxOver, MinOver, Named, Size
from theory.matrix_norm import Norm2, SpectralNorm

__all__ = ["is_real", "is_pos", "is_nonneg"]


@_memo("real")
def is_real(e) -> bool:
    """True only if ``e`` is provably real (from structure and the symbols' assumptions)."""
    e = sp.sympify(e)
    if e.is_Number:
        return bool(e.is_real)
    if isinstance(e, (sp.Symbol, sp.Indexed)) or e in (sp.pi, sp.E):
        return e.is_extended_real is True and e.is_finite is not False
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(is_real(a) for a in e.args)
    if isinstance(e, sp.Pow):
        return is_real(e.base) and (
            e.exp.is_Integer
            and (e.exp >= 0 or is_pos(e.base) or is_pos(-e.base))
            or is_pos(e.base)
            and is_real(e.exp)
            or e.exp.is_positive is True  # t^a, a > 0, is real for t ≥ 0 (√t among them)
            and is_nonneg(e.base)
        )
    if isinstance(e, sp.exp):
        return is_real(e.args[0])
    if isinstance(e, sp.log):
        return is_pos(e.args[0])
    if isinstance(e, (sp.Abs, sp.Max, sp.Min)):
        return all(is_real(a) for a in e.args)
    if isinstance(e, (sp.Sum, MaxOver, MinOver)):
        return is_real(e.args[0])
    if isinstance(e, LseOver):
        return is_real(e.body) and is_pos(e.args[3] - e.args[2] + 1)
    if isinstance(e, Named):
        return is_real(e.definition)
    return False


def _size_linear(e):
    """min of c₀ + Σ cⱼ sⱼ over sizes sⱼ ≥ at_leastⱼ when every cⱼ ≥ 0, else None."""
    total = sp.Integer(0)
    for t in sp.Add.make_args(sp.expand(e)):
        c, rest = t.as_coeff_Mul()
        if rest == 1:
            total += c
        elif isinstance(rest, Size) and c.is_nonnegative:
            total += c * rest.at_least
        else:
            return None
    return total


@_memo("pos")
def is_pos(e, depth: int = 0) -> bool:
    """True only if ``e`` > 0 is proved by the sign rules."""
    e = sp.sympify(e)
    if e.is_Number:
        return bool(e.is_positive)
    if isinstance(e, Size):
        return True
    if isinstance(e, (sp.Symbol, sp.Indexed)) or e in (sp.pi, sp.E):
        return e.is_positive is True
    if isinstance(e, sp.exp):
        return is_real(e.args[0])
    if isinstance(e, sp.Mul):
        c, rest = e.as_coeff_Mul()
        if c.is_negative:
            return False
        return c.is_positive and all(is_pos(f, depth) for f in sp.Mul.make_args(rest))
    if isinstance(e, sp.Add):
        lo = _size_linear(e)
        if lo is not None and lo > 0:
            return True
        return all(is_nonneg(a, depth) for a in e.args) and any(is_pos(a, depth) for a in e.args)
    if isinstance(e, sp.Pow):
        return is_pos(e.base, depth) and is_real(e.exp)
    if isinstance(e, sp.Sum):
        return is_pos(e.function, depth) and all(
            is_nonneg(hi - lo, depth) for _, lo, hi in e.limits
        )
    if isinstance(e, (MaxOver, MinOver)):
        return is_pos(e.body, depth)
    if isinstance(e, sp.log):
        return is_pos(e.args[0] - 1, depth)
    if isinstance(e, sp.Abs):
        return is_pos(e.args[0], depth) or is_pos(-e.args[0], depth)
    if isinstance(e, Named):
        return is_pos(e.definition, depth)
    if isinstance(e, LseOver):
        return is_pos(e.unfolded(), depth)
    return False


@_memo("nonneg")
def is_nonneg(e, depth: int = 0) -> bool:
    """True only if ``e`` ≥ 0 is proved by the sign rules."""
    e = sp.sympify(e)
    if e.is_Number:
        return bool(e.is_nonnegative)
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return e.is_nonnegative is True
    if isinstance(e, (sp.Abs, SpectralNorm, Norm2)):
        return True
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp.is_even and is_real(e.base):
        return True
    if isinstance(e, sp.Pow) and is_nonneg(e.base, depth) and is_real(e.exp):
        return bool(e.exp.is_nonnegative) or is_pos(e.base, depth)
    if isinstance(e, sp.Mul):
        c, rest = e.as_coeff_Mul()
        if c.is_negative:
            return False
        return all(is_nonneg(f, depth) for f in sp.Mul.make_args(rest))
    if isinstance(e, sp.Add):
        lo = _size_linear(e)
        if lo is not None and lo >= 0:
            return True
        if all(is_nonneg(a, depth) for a in e.args):
            return True
        return depth < 2 and _abs_pair(e, depth)
    if isinstance(e, sp.Sum):
        return is_nonneg(e.function, depth) and all(
            is_nonneg(hi - lo + 1, depth) for _, lo, hi in e.limits
        )
    if isinstance(e, (MaxOver, MinOver)):
        return is_nonneg(e.body, depth)
    if isinstance(e, sp.log):
        return is_nonneg(e.args[0] - 1, depth)
    if isinstance(e, Named):
        return is_nonneg(e.definition, depth)
    return is_pos(e, depth)


def _abs_pair(e, depth: int) -> bool:
    """c|t| ± c·t ≥ 0 (c > 0): an Add holding c·|t| and ±c·t, the rest provably ≥ 0."""
    for a in e.args:
        c, rest = a.as_coeff_Mul()
        if isinstance(rest, sp.Abs) and c.is_positive and is_real(rest.args[0]):
            t = rest.args[0]
            for s in (1, -1):
                from derivations.engine.normal import normal_form

                r = normal_form(e - c * rest - s * c * t)
                if is_nonneg(r, depth + 1):
                    return True
    return False
