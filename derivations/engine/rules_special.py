"""The rule kernel's classical inequalities of special functions (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): the exponential above its tangent, the
logarithm below its tangents, and Wendel's bounds on a ratio of Gamma functions.

Notation: t real; x > 0; 0 ≤ s ≤ 1; Γ the Gamma function (``sp.gamma``).

Why they are sound.

* ``exp_tangent``: e^t ≥ 1 + t for every real t — e^t is convex and 1 + t its tangent at
  t = 0 (equivalently, g(t) = e^t − 1 − t has g(0) = 0, g′ = e^t − 1 of the sign of t).
* ``log_tangent``: ln t ≤ ln a + (t − a)/a for t > 0 and a > 0 — ln is concave and the right
  side its tangent at a (equivalently, ln(t/a) ≤ t/a − 1, e^u ≥ 1 + u at u = ln(t/a)).
* ``wendel``: for x > 0 and 0 ≤ s ≤ 1,
  (x/(x+s))^{1−s} ≤ Γ(x+s)/(x^s Γ(x)) ≤ 1 (J. G. Wendel, "Note on the gamma function",
  Amer. Math. Monthly 55 (1948) 563–564): Hölder's inequality with exponents 1/(1−s) and
  1/s on Γ(x+s) = ∫ (t^{x−1}e^{−t})^{1−s} (t^x e^{−t})^s dt gives
  Γ(x+s) ≤ Γ(x)^{1−s} Γ(x+1)^s = x^s Γ(x); the same bound at x+s with 1−s gives
  xΓ(x) = Γ(x+1) ≤ (x+s)^{1−s} Γ(x+s), the lower bound. At s = 0 both are equalities, at
  s = 1 the functional equation Γ(x+1) = xΓ(x). The rule needs x > 0 and 0 ≤ s ≤ 1
  established (sign rules or earlier checked steps); the step is one of the two bounds,
  written with Γ(x) > 0 multiplied out, Γ(x+s) ≤ x^s Γ(x) or
  x^s (x/(x+s))^{1−s} Γ(x) ≤ Γ(x+s), or a relation it implies.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.model import Rel
from derivations.engine.normal import is_real
from derivations.engine.rules import NotLicensed, _nonneg, _positive, _rule, _show, implies

__all__ = ["exp_tangent", "log_tangent", "wendel"]


def _atoms(rel: Rel, kind) -> list:
    """The subexpressions of type ``kind`` in the step, in order, each once."""
    seen = []
    for side in (rel.lhs, rel.rhs):
        for e in sp.preorder_traversal(sp.sympify(side)):
            if isinstance(e, kind) and e not in seen:
                seen.append(e)
    return seen


@_rule
def exp_tangent(ctx, rel, prem):
    """The exponential lies above its tangent at 0: 1 + t ≤ e^t for every real t (the step
    is this relation for an e^t it contains, or a relation it implies)."""
    seen = _atoms(rel, sp.exp)
    for e in seen:
        t = e.args[0]
        if is_real(t) and implies(Rel(1 + t, "<=", e), rel):
            return f"e^t ≥ 1 + t at t = {_show(t)}"
    if not seen:
        raise NotLicensed("the step has no e^t")
    raise NotLicensed("the step is not 1 + t ≤ e^t for a real t of an e^t it contains")


@_rule(build=lambda a: ((), {"a": a}))
def log_tangent(ctx, rel, prem, a):
    """The logarithm lies below its tangent at a > 0 (established): ln t ≤ ln a + (t − a)/a
    for every t > 0 (established; the step is this relation for a ln t it contains, or a
    relation it implies)."""
    a = sp.sympify(a)
    if not _positive(a, ctx):
        raise NotLicensed(f"cannot show the tangent point a = {_show(a)} > 0")
    seen = _atoms(rel, sp.log)
    for e in seen:
        t = e.args[0]
        if _positive(t, ctx) and implies(Rel(e, "<=", sp.log(a) + (t - a) / a), rel):
            return f"ln t ≤ ln a + (t − a)/a at t = {_show(t)}, a = {_show(a)}"
    if not seen:
        raise NotLicensed("the step has no ln t")
    raise NotLicensed(f"the step is not ln t ≤ ln a + (t − a)/a (t > 0) at a = {_show(a)}")


@_rule(build=lambda x, s: ((), {"x": x, "s": s}))
def wendel(ctx, rel, prem, x, s):
    """Wendel's inequality: for x > 0 and 0 ≤ s ≤ 1 (established),
    x^s (x/(x+s))^{1−s} Γ(x) ≤ Γ(x+s) ≤ x^s Γ(x) (the step is one of the two bounds or a
    relation it implies)."""
    x, s = sp.sympify(x), sp.sympify(s)
    if not _positive(x, ctx):
        raise NotLicensed(f"cannot show x = {_show(x)} > 0")
    if not (_nonneg(s, ctx) and _nonneg(1 - s, ctx)):
        raise NotLicensed(f"cannot show 0 ≤ s = {_show(s)} ≤ 1")
    upper = Rel(sp.gamma(x + s), "<=", x**s * sp.gamma(x))
    lower = Rel(x**s * (x / (x + s)) ** (1 - s) * sp.gamma(x), "<=", sp.gamma(x + s))
    if implies(upper, rel):
        return "Wendel's upper bound Γ(x+s) ≤ x^s Γ(x)"
    if implies(lower, rel):
        return "Wendel's lower bound x^s (x/(x+s))^{1−s} Γ(x) ≤ Γ(x+s)"
    raise NotLicensed(
        f"the step is neither of Wendel's bounds at x = {_show(x)}, s = {_show(s)}: "
        f"{upper.text()} or {lower.text()}"
    )
