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
    if isinstance(e, sp.gamma):
        return is_pos(e.args[0])
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
    return _constant_sign(e) is not None


#: Arb working precisions (bits) tried in turn to certify a constant's sign.
CONSTANT_PRECISIONS = (128, 1024)


@_memo("constsign")
def _constant_sign(e) -> int | None:
    """The sign (1, 0 or −1) of the closed-form real constant ``e`` (no free symbols):
    1 or −1 when an Arb ball enclosing it excludes 0, 0 when SymPy's structure says e = 0;
    None when it is not a closed-form constant or the ball does not decide."""
    if not _is_constant(e):
        return None
    if e.is_zero is True:
        return 0
    import flint

    from derivations.engine.arb_sympy import NotCertifiable, arb_eval
    from derivations.engine.certify import sign

    old = flint.ctx.prec
    try:
        for prec in CONSTANT_PRECISIONS:
            flint.ctx.prec = prec
            try:
                b = arb_eval(e)
            except (NotCertifiable, ValueError, ZeroDivisionError, TypeError):
                return None
            if not b.is_finite():
                return None
            if (s := sign(b)) is not None:
                return s
        return None
    finally:
        flint.ctx.prec = old


def _is_constant(e) -> bool:
    """A SymPy number without binders or named quantities (what :func:`_constant_sign` reads)."""
    return (
        isinstance(e, sp.Expr)
        and not e.is_Number
        and not e.free_symbols
        and not e.has(sp.Sum, MaxOver, MinOver, LseOver, Named, sp.Integral)
    )


def _const_at_least(c, zero_ok: bool) -> bool:
    """The constant coefficient ``c`` is provably > 0 (≥ 0 when ``zero_ok``)."""
    c = sp.sympify(c)
    if c.is_Number:
        return bool(c.is_nonnegative if zero_ok else c.is_positive)
    s = _constant_sign(c)
    return s == 1 or zero_ok and s == 0


def _monomials(e) -> dict:
    """``e`` (a sum) as {m_g: k_g}: Σ_g k_g·m_g, the k_g constants (no free symbols), the
    m_g distinct products of the non-constant factors (1 for the constant term)."""
    out: dict = {}
    for t in sp.Add.make_args(e):
        consts, rest = [], []
        for f in sp.Mul.make_args(t):
            (consts if f.is_Number or _is_constant(f) else rest).append(f)
        m = sp.Mul(*rest)
        out[m] = out.get(m, sp.Integer(0)) + sp.Mul(*consts)
    return out


def _size_linear(e):
    """A lower bound of c₀ + Σⱼ cⱼ sⱼ + Σ_g k_g m_g over sizes sⱼ ≥ at_leastⱼ: c₀ + Σⱼ cⱼ
    at_leastⱼ, when every cⱼ ≥ 0 and k_g ≥ 0 (numbers, or constants whose sign an Arb ball
    certifies) and the other monomials m_g are ≥ 0 by the sign rules; else None."""
    total = sp.Integer(0)
    for m, c in _monomials(sp.expand(e)).items():
        if m == 1:
            total += c
        elif isinstance(m, Size) and _const_at_least(c, True):
            total += c * m.at_least
        elif not (_const_at_least(c, True) and is_nonneg(m)):  # a term ≥ 0 only adds
            return None
    return total


def _grouped(e, strict: bool, depth: int) -> bool:
    """Σ_g k_g·m_g ≥ 0 (> 0 when ``strict``): every constant k_g ≥ 0 with m_g ≥ 0, and, for
    > 0, one k_g > 0 with m_g > 0 (:func:`_monomials`)."""
    groups = _monomials(e)
    if len(groups) == len(sp.Add.make_args(e)):  # nothing collected: the plain rule decides
        return False
    some = False
    for m, c in groups.items():
        if _const_at_least(c, False):
            if not is_nonneg(m, depth):
                return False
            some = some or is_pos(m, depth)
        elif not _const_at_least(c, True):
            return False
    return some or not strict


@_memo("pos")
def is_pos(e, depth: int = 0) -> bool:
    """True only if ``e`` > 0 is proved by the sign rules."""
    e = sp.sympify(e)
    if e.is_Number:
        return bool(e.is_positive)
    if _is_constant(e):
        return _constant_sign(e) == 1
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
        if lo is not None and _const_at_least(lo, False):
            return True
        if all(is_nonneg(a, depth) for a in e.args) and any(is_pos(a, depth) for a in e.args):
            return True
        return _grouped(e, True, depth)
    if isinstance(e, sp.Pow):
        return is_pos(e.base, depth) and is_real(e.exp)
    if isinstance(e, sp.gamma):
        return is_pos(e.args[0], depth)
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
    if _is_constant(e):
        return _constant_sign(e) in (0, 1)
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
        if lo is not None and _const_at_least(lo, True):
            return True
        if all(is_nonneg(a, depth) for a in e.args):
            return True
        return depth < 2 and _abs_pair(e, depth) or _grouped(e, False, depth)
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
