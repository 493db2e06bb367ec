"""Part of the rule kernel: what a rule may take as established — the sign rules
(:mod:`derivations.engine.signs`), earlier checked steps, and quantities those steps prove
> 0 read as positive atoms — and when one relation implies another (premises read at the
step's indices). Used by every rule module (:mod:`derivations.engine.rules` and its parts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derivations.engine.model import Rel
from derivations.engine.normal import is_nonneg, is_pos, is_real, normal_form, same, unfold
from theory.indexed import subst

if TYPE_CHECKING:
    from derivations.engine.rules import Context

__all__ = ["NotLicensed", "implies"]


class NotLicensed(Exception):
    """The rule does not license the step (the message says what is missing)."""


_IMPLIES = {("<", "<"), ("<", "<="), ("<=", "<="), ("==", "<="), ("==", "==")}


def _align(prem: Rel, concl: Rel) -> Rel:
    """``prem`` read at ``concl``'s indices: each range of the premise is matched to a
    distinct range of the step with the same bounds (the same index name first, else the
    first such range) and its index renamed to the step's. Sound: the premise then holds at
    every point of the step's ranges (its other free symbols hold for every value)."""
    prem = prem.normal()
    if not prem.over:
        return prem
    if not concl.over:
        raise NotLicensed("a premise holds for every index in a range; this step does not")
    ren, free = {}, list(concl.ranges)
    for i, lo, hi in prem.ranges:
        fits = [r for r in free if same(lo, r[1]) and same(hi, r[2])]
        if not fits:
            have = ", ".join(f"{_show(a)}…{_show(b)}" for _, a, b in concl.ranges)
            raise NotLicensed(f"premise over {_show(lo)}…{_show(hi)}, step over {have}")
        pick = next((r for r in fits if r[0] == i), fits[0])
        free.remove(pick)
        ren[i] = pick[0]
    return Rel(subst(prem.lhs, ren), prem.op, subst(prem.rhs, ren), prem.label, concl.over)


def implies(have: Rel, want: Rel, keys=()) -> bool:
    """``have`` implies ``want``: same sides (normal forms), an operator at least as strong,
    and a quantifier range that covers ``want``'s."""
    try:
        h = _align(have, want)
    except NotLicensed:
        return False
    w = want.normal()
    if (h.op, w.op) in _IMPLIES and same(h.lhs, w.lhs, keys) and same(h.rhs, w.rhs, keys):
        return True
    return h.op == w.op == "==" and same(h.lhs, w.rhs, keys) and same(h.rhs, w.lhs, keys)


def _show(e) -> str:
    from derivations.engine.render import text

    s = text(e)
    return s if len(s) <= 80 else s[:77] + "…"


def _slack(r: Rel):
    n = r.normal()
    return n.rhs - n.lhs


def _positive(e, ctx: Context) -> bool:
    """e > 0 by the sign rules or by an earlier checked step, or factor by factor: a product
    of such, a real power of such (e.g. 1/(βN√Q) once a step proves 0 < Q)."""
    if is_pos(unfold(e, "*")) or _establish(Rel(0, "<", e), ctx):
        return True
    e = sp.sympify(e)
    if isinstance(e, sp.Mul):
        return all(_positive(f, ctx) for f in e.args)
    if isinstance(e, sp.Pow) and is_real(e.exp):
        return _positive(e.base, ctx)
    return False


def _nonneg(e, ctx: Context, over: tuple = ()) -> bool:
    """e ≥ 0 by the sign rules or by an earlier checked step (or e > 0, :func:`_positive`);
    ``over``: for every index of the step's ranges (an earlier step over those ranges)."""
    return (
        is_nonneg(unfold(e, "*"))
        or _establish(Rel(0, "<=", e, over=over), ctx)
        or _positive(e, ctx)
    )


def _establish(r: Rel, ctx: Context) -> bool:
    """``r`` holds by the sign rules (with :func:`_signs_with_steps`) or is implied by an
    earlier checked step."""
    n = r.normal()
    if n.op != "==":
        strict = n.op == "<"
        if (is_pos if strict else is_nonneg)(normal_form(_slack(n))):
            return True
        if not n.ranges and _signs_with_steps(_slack(n), ctx, strict):
            return True
    return any(o.checked and implies(s.rel, r) for s, o in zip(ctx.steps, ctx.outcomes))


def _proved_positive(ctx: Context) -> list:
    """The quantities e that an earlier checked step without ranges proves > 0 (0 < e)."""
    out = []
    for s, o in zip(ctx.steps, ctx.outcomes):
        n = s.rel.normal()
        if o.checked and not n.ranges and n.op == "<" and sp.sympify(n.lhs) == 0:
            e = sp.sympify(n.rhs)
            if not e.is_Number and not isinstance(e, sp.Symbol):
                out.append(e)
    return out


def _signs_with_steps(e, ctx: Context, strict: bool) -> bool:
    """e > 0 (``strict``) or e ≥ 0 by the sign rules once every quantity an earlier checked
    step proves > 0 (:func:`_proved_positive`, e.g. m_max from 0 < m_max) is read as a
    positive atom: replaced by a fresh positive symbol. Sound: a sign proved for every
    positive value of the symbol holds at the quantity's value. (The sign rules alone are
    structural: 1/m_max is not even real to them, m_max being a maximum of norms.)"""
    atoms = _proved_positive(ctx)
    if not atoms:
        return False
    forms = (sp.sympify(e), normal_form(e))
    sub = {}
    for a in atoms:
        p = sp.Dummy("p", positive=True)
        for form in (a, normal_form(a)):
            if any(c.has(form) for c in forms):
                sub[form] = p
    if not sub:
        return False
    prove = is_pos if strict else is_nonneg
    return any(prove(c.xreplace(sub)) for c in forms)
