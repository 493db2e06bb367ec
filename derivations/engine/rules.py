"""The rule kernel's rules: one function per mathematical fact (see each docstring).

A rule is called by :func:`derivations.engine.kernel.check_step` as
``rule(ctx, rel, premises, **args)`` with the step's relation, the relations of the earlier
steps it names, and its arguments; it returns a short description of how the step follows,
or raises :class:`NotLicensed`. A rule never marks anything checked itself.

Build a step's justification by calling the rule: ``termwise(3)``, ``combine((2, 1), (4,
-1))``, ``monotone(5, sp.Lambda(t, sp.log(t)), "positive")``, ``cites("lemma4", v)``.
Conventions: the *slack* of a ≤ b is b − a; a step's ``over = (i, lo, hi)`` says it holds
for every integer i in [lo, hi], ``over = ((i, lo, hi), (j, lo2, hi2))`` for every i and j
of the two ranges; a step without ``over`` holds for every value of its free symbols.
Premises quantified over the same ranges as the step are read with its indices (a premise's
range matched to a step's range with the same bounds, the same index name first). Only a
rule declared with ``multi=True`` sees a relation over several ranges; the kernel refuses
the others such a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sympy as sp

from derivations.engine import normal as N
from derivations.engine.facts import (  # noqa: F401 - NotLicensed, implies re-exported
    _IMPLIES,
    NotLicensed,
    _align,
    _establish,
    _nonneg,
    _positive,
    _show,
    _signs_with_steps,
    _slack,
    implies,
)
from derivations.engine.model import Claim, Rel
from derivations.engine.normal import is_nonneg, is_pos, is_real, normal_form, same, unfold
from theory.indexed import MaxOver, MinOver, Named, Vec, _Over, subst

__all__ = ["RULES", "Rule", "Use", "Context", "NotLicensed", "implies"]


@dataclass(frozen=True)
class Use:
    """A step's justification by a kernel rule: its name, premises and arguments."""

    rule: str
    premises: tuple = ()
    args: tuple = ()  # ((name, value), …)

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}; the kernel's rules: {sorted(RULES)}")


@dataclass
class Context:
    """What a rule may consult: the claim, the registry of citable claims, the back end and
    instance of the derivation, its steps and the outcomes of the earlier ones."""

    claim: Claim | None
    registry: dict
    ops: Any
    ns: SimpleNamespace
    steps: list
    outcomes: list = field(default_factory=list)


class Rule:
    """A kernel rule: ``rule(*premises, **args)`` builds a justification (:class:`Use`);
    ``build`` maps other call signatures to (premises, args)."""

    def __init__(self, fn, build=None, multi=False):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__
        self._build = build
        self.multi = multi  # reads relations quantified over several ranges soundly

    def __call__(self, *a, **kw) -> Use:
        premises, args = self._build(*a, **kw) if self._build else (a, kw)
        for p in premises:
            if not isinstance(p, int) or isinstance(p, bool):
                raise TypeError(f"{self.name}: premises are step indices (int); got {p!r}")
        return Use(self.name, tuple(premises), tuple(sorted(args.items())))

    def __repr__(self) -> str:
        return f"<kernel rule {self.name}>"


RULES: dict[str, Rule] = {}


def _rule(fn=None, *, build=None, multi=False):
    def make(f):
        r = Rule(f, build, multi)
        RULES[r.name] = r
        return r

    return make(fn) if fn is not None else make


# ------------------------------------------------------------------------------- helpers


def _guard(rel: Rel, keys, ctx: Context) -> None:
    """Every denominator and log argument in the step (definitions unfolded) is > 0: by the
    sign rules or by earlier checked steps (:func:`_positive`)."""
    for side in (rel.lhs, rel.rhs):
        e = unfold(sp.sympify(side), keys)
        for t in sp.preorder_traversal(e):
            if isinstance(t, sp.Pow) and t.exp.is_negative and not _positive(t.base, ctx):
                raise NotLicensed(f"cannot show the denominator {_show(t.base)} > 0")
            if isinstance(t, sp.log) and not _positive(t.args[0], ctx):
                raise NotLicensed(f"cannot show the log argument {_show(t.args[0])} > 0")


def _no_binders(e) -> bool:
    return not sp.sympify(e).has(sp.Sum, _Over, Named)


#: SymPy's ``simplify`` (fixed sizes only) gets expressions of at most this many operations;
#: it is charged this much work per call (its own effort is not counted call by call).
SIMPLIFY_OPS = 150


def _simplify_zero(e) -> bool:
    """SymPy ``simplify`` (and Max/Min as Piecewise) gives exactly 0: fixed sizes only."""
    if not _no_binders(e) or sp.count_ops(e) > SIMPLIFY_OPS:
        return False
    N.tick(SIMPLIFY_OPS * 20)
    cands = [e]
    if e.has(sp.Max, sp.Min) and sp.count_ops(e) <= 40:
        cands.append(sp.piecewise_fold(e.rewrite(sp.Piecewise)))
    for c in cands:
        try:
            if sp.simplify(c) == 0:
                return True
        except Exception:  # noqa: BLE001 - SymPy may fail on exotic forms
            continue
    return False


# --------------------------------------------------------------------------------- rules


@_rule(multi=True)
def algebra(ctx, rel, prem, unfold=()):
    """An identity or a sign fact. lhs = rhs when both sides have the same normal form
    (:mod:`derivations.engine.normal`: ring laws, exp/log on positive arguments, linearity of
    finite sums, max/min of shifted terms; at fixed sizes also SymPy ``simplify`` giving 0);
    lhs ≤ rhs (<) when the sign rules prove rhs − lhs ≥ 0 (> 0), a quantity an earlier checked
    step proves > 0 (0 < e, no ranges) read as a positive atom. Every denominator and log
    argument must be provably > 0 (by the sign rules or earlier checked steps). ``unfold``
    names quantities replaced by their definitions."""
    _guard(rel, unfold, ctx)
    n = rel.normal()
    if n.op == "==":
        diff = normal_form(n.lhs - n.rhs, unfold)
        if diff == 0:
            return "identity (the two sides have the same normal form)"
        if _simplify_zero(N.unfold(sp.sympify(n.lhs - n.rhs), "*")):
            return "identity (SymPy simplify gives 0)"
        raise NotLicensed(f"the two sides differ by {_show(diff)} in normal form")
    prove = is_pos if n.op == "<" else is_nonneg
    s = _slack(n)
    for cand in (s, normal_form(s, unfold)):
        if prove(cand):
            return "the sign rules prove rhs − lhs " + ("> 0" if n.op == "<" else "≥ 0")
    if not n.ranges and _signs_with_steps(s, ctx, n.op == "<"):
        return (
            "the sign rules prove rhs − lhs "
            + ("> 0" if n.op == "<" else "≥ 0")
            + ", with quantities earlier steps prove > 0 as positive atoms"
        )
    if _no_binders(s) and sp.count_ops(s) <= SIMPLIFY_OPS:
        N.tick(SIMPLIFY_OPS * 20)
        simp = sp.simplify(N.unfold(sp.sympify(s), "*"))
        if (simp.is_positive if n.op == "<" else simp.is_nonnegative) is True:
            return "SymPy simplify proves rhs − lhs " + ("> 0" if n.op == "<" else "≥ 0")
    raise NotLicensed("the sign rules do not prove rhs − lhs " + ("> 0" if n.op == "<" else "≥ 0"))


@_rule(build=lambda reason: ((), {"reason": reason}), multi=True)
def unchecked(ctx, rel, prem, reason):
    """A step no rule covers, said so: never checked. The derivation stays incomplete, the
    claim at most *supported*, and its evidence quotes ``reason`` (e.g. a symmetry argument
    the kernel cannot state)."""
    raise NotLicensed(f"no kernel rule checks this: {reason}")


@_rule(multi=True)
def assumption(ctx, rel, prem):
    """A hypothesis of the claim itself (its ``hypotheses``, e.g. 0 ≤ λ ≤ 1), at the
    derivation's instance."""
    c = ctx.claim
    hyps = list(c.hypotheses(ctx.ops, ctx.ns)) if c is not None and c.hypotheses else []
    if any(implies(h, rel) for h in hyps):
        return "a hypothesis of the claim"
    raise NotLicensed("not among the claim's hypotheses")


@_rule(build=lambda claim_id, v: ((), {"claim_id": claim_id, "v": v}), multi=True)
def cites(ctx, rel, prem, claim_id, v):
    """An instance of another claim: one relation of its statement at the instance ``v``,
    where ``v``'s sizes meet the cited claim's size bounds (e.g. m ≥ 2) and its hypotheses
    hold (by the sign rules or an earlier checked step). A step over ranges (e.g. every point
    y + t(ξ − y), t ∈ [0, 1], of a segment) cites the claim at an instance that depends on
    their indices: a hypothesis that mentions an index must then hold over that index's
    range of the step (and the step concludes only over its ranges)."""
    from derivations.engine.indexed_ops import ops_for

    key = ctx.claim.resolve(claim_id, ctx.registry) if ctx.claim else claim_id
    cited = ctx.registry.get(key)
    if cited is None or cited.statement is None:
        raise NotLicensed(f"cites unknown claim {claim_id!r}")
    _size_bounds_met(cited, v)
    ops = ops_for(v)
    for h in cited.hypotheses(ops, v) if cited.hypotheses else []:
        if not _establish(_over_step(h, rel), ctx):
            raise NotLicensed(f"the hypothesis {h.text()} of {claim_id} is not established")
    if any(implies(r, rel) for r in cited.statement(ops, v)):
        return f"an instance of {claim_id}"
    raise NotLicensed(f"does not match the statement of {claim_id} at this instance")


def _over_step(h: Rel, step: Rel) -> Rel:
    """``h`` quantified over the step's ranges whose indices it mentions (``h`` itself when
    it has ranges of its own or mentions none)."""
    if h.ranges or not step.ranges:
        return h
    free = sp.sympify(h.lhs).free_symbols | sp.sympify(h.rhs).free_symbols
    rngs = tuple(r for r in step.ranges if r[0] in free)
    return Rel(h.lhs, h.op, h.rhs, h.label, over=rngs) if rngs else h


def _size_bounds_met(cited: Claim, v) -> None:
    from theory.indexed import sizes_in

    sizes = list(cited.derivation_sizes()) if cited.derivation_sizes else []
    sizes += [cited.display()] if cited.display else []
    for ns in sizes:
        if not sizes_in(ns):
            continue
        here = {t.name: t for t in sizes_in(v)}
        for t in sizes_in(ns):  # a size of the same name (e.g. N ≥ 2) at least as large
            if t.name in here and not is_nonneg(here[t.name] - t.at_least):
                raise NotLicensed(f"{cited.id} needs {t.name} ≥ {t.at_least}")
        for name, val in vars(ns).items():
            if isinstance(val, Vec) and getattr(val.length, "at_least", 1) > 1:
                mine = getattr(v, name, None)
                length = mine.length if isinstance(mine, Vec) else len(mine or [])
                if not is_nonneg(length - val.length.at_least):
                    raise NotLicensed(
                        f"{cited.id} needs length({name}) ≥ {val.length.at_least}; "
                        f"cannot show {length} ≥ {val.length.at_least}"
                    )


@_rule(
    build=lambda *pairs: (tuple(k for k, _ in pairs), {"coeffs": tuple(c for _, c in pairs)}),
    multi=True,
)
def combine(ctx, rel, prem, coeffs):
    """A linear combination: slack(step) = Σₖ cₖ·slack(premise k) + r, with r = 0 or r ≥ 0
    by the sign rules (quantities earlier checked steps prove > 0 read as positive atoms);
    cₖ ≥ 0 for inequality premises, by the sign rules or an earlier checked step 0 ≤ cₖ, over
    the step's ranges (any sign for equalities; the cₖ may be expressions, e.g.
    t^{n−1} ≥ 0). The step may be strict when a strict premise has cₖ > 0 (by the sign
    rules, or for a step without ranges by earlier checked steps) or r > 0 is proved."""
    if len(coeffs) != len(prem):
        raise NotLicensed("one coefficient per premise")
    n = rel.normal()
    total, strict = 0, False
    for r, c in zip(prem, coeffs, strict=True):
        a = _align(r, rel)
        c = sp.sympify(c)
        if a.op != "==":
            if is_pos(c) or not rel.over and _positive(c, ctx):
                strict = strict or a.op == "<"
            elif not _nonneg(c, ctx, rel.over):
                raise NotLicensed(
                    f"coefficient {_show(c)} of an inequality premise is not provably ≥ 0"
                )
        total += sp.Add(*(c * t for t in sp.Add.make_args(a.rhs - a.lhs)))  # c distributed
    rest = normal_form(_slack(n) - total)
    if n.op == "==":
        if rest == 0 and all(_align(r, rel).op == "==" for r in prem):
            return "a combination of equalities"
        raise NotLicensed(f"the combination leaves {_show(rest)}, not 0")
    if rest == 0 and (n.op == "<=" or strict):
        return "a positive combination of the premises"
    if (n.op == "<=" or strict) and is_nonneg(rest) or n.op == "<" and is_pos(rest):
        return "a positive combination of the premises plus a term the sign rules prove ≥ 0"
    if not n.ranges and _signs_with_steps(rest, ctx, n.op == "<" and not strict):
        return (
            "a positive combination of the premises plus a term the sign rules prove "
            + ("> 0" if n.op == "<" and not strict else "≥ 0")
            + " (quantities earlier steps prove > 0 read as positive atoms)"
        )
    raise NotLicensed(
        f"the combination leaves {_show(rest)}, not proved "
        + ("> 0" if n.op == "<" and not strict else "≥ 0")
    )


@_rule(build=lambda k, f, domain="real": ((k,), {"f": f, "domain": domain}), multi=True)
def monotone(ctx, rel, prem, f, domain="real"):
    """An increasing map applied to both sides: from a ⋈ b conclude f(a) ⋈ f(b) when f′ > 0
    on the domain ("real"; "positive" with a, b > 0 proved; "nonnegative" with a, b ≥ 0
    proved, f′ > 0 on t > 0 and f continuous on t ≥ 0 by construction, e.g. √t); ⋈ ∈
    {=, ≤, <}. From a = b, f(a) = f(b) for any f real on the domain (e.g. t²)."""
    (a,) = [_align(p, rel) for p in prem]
    if domain not in ("real", "positive", "nonnegative"):
        raise NotLicensed(f"unknown domain {domain!r}")
    t = sp.Dummy("t", real=True) if domain == "real" else sp.Dummy("t", positive=True)
    if a.op == "==" and rel.op == "==":
        if not is_real(f(t)):
            raise NotLicensed(f"cannot show {f} is real on the {domain} numbers")
    elif not is_pos(normal_form(sp.diff(f(t), t))):
        raise NotLicensed(f"cannot show {f} is increasing on the {domain} numbers")
    if domain == "positive" and not all(_positive(side, ctx) for side in (a.lhs, a.rhs)):
        raise NotLicensed("cannot show both sides of the premise are > 0")
    if domain == "nonnegative":
        # f′ > 0 on (0, ∞) and f continuous on [0, ∞): f is increasing on [0, ∞) (MVT)
        from derivations.engine.rules_classic import _continuous

        t0 = sp.Dummy("t", nonnegative=True)
        _continuous(f(t0), t0)
        if not all(_nonneg(side, ctx) for side in (a.lhs, a.rhs)):
            raise NotLicensed("cannot show both sides of the premise are ≥ 0")
    n = rel.normal()
    if (a.op, n.op) in _IMPLIES and same(n.lhs, f(a.lhs)) and same(n.rhs, f(a.rhs)):
        return f"{_show(f(sp.Symbol('t')))} is increasing"
    raise NotLicensed("the step is not the map applied to both sides of the premise")


_REDUCE = {
    "Σ": lambda b, i, lo, hi: sp.Sum(b, (i, lo, hi)),
    "LSE": lambda b, i, lo, hi: sp.log(sp.Sum(sp.exp(b), (i, lo, hi))),
    "max": MaxOver,
    "min": MinOver,
}


@_rule(multi=True)
def termwise(ctx, rel, prem):
    """Reductions are monotone in each term: if f(i) ⋈ h(i) for every i in [lo, hi] then
    Σᵢ f ⋈ Σᵢ h, LSEᵢ f ⋈ LSEᵢ h, maxᵢ f ⋈ maxᵢ h and minᵢ f ⋈ minᵢ h (⋈ ∈ {=, ≤, <});
    max, min, LSE and < need a non-empty range (hi ≥ lo), Σ with ≤ needs hi ≥ lo − 1. A
    premise over further ranges (for every j of [lo₂, hi₂] too) gives the step over those
    ranges: for every such j, the reduction over i."""
    (p,) = prem
    p = p.normal()
    if not p.over:
        raise NotLicensed("needs a premise for every index of a range")
    n = rel.normal()
    if (p.op, n.op) not in _IMPLIES:
        raise NotLicensed(f"a premise with {p.op} does not give {n.op}")
    for r in p.ranges:
        i, lo, hi = r
        rest = tuple(x for x in p.ranges if x is not r)
        if not i.is_integer or len(rest) != len(n.ranges):
            continue
        # the reduced index, renamed only when the step uses its name for one of its ranges
        d = _fresh_index(i, p, n) if i in {x[0] for x in n.ranges} else i
        q = Rel(subst(p.lhs, {i: d}), p.op, subst(p.rhs, {i: d}), over=rest)
        try:
            q = _align(q, n)
        except NotLicensed:
            continue
        for name, red in _REDUCE.items():
            if same(n.lhs, red(q.lhs, d, lo, hi)) and same(n.rhs, red(q.rhs, d, lo, hi)):
                need = hi - lo if (name != "Σ" or n.op == "<") else hi - lo + 1
                if not is_nonneg(need):
                    raise NotLicensed(f"cannot show the range {lo}…{hi} is non-empty")
                return f"{name} of the premise, term by term"
    raise NotLicensed(
        "the step is not Σ, LSE, max or min over an integer range of the premise's two sides "
        "(over the premise's other ranges)"
    )


def _fresh_index(i, *rels) -> sp.Symbol:
    """An integer index named after ``i`` (primes added) free in none of ``rels``."""
    used = set()
    for r in rels:
        for side in (r.lhs, r.rhs):
            used |= {s.name for s in sp.sympify(side).free_symbols}
        used |= {x[0].name for x in r.ranges}
    name = i.name + "'"
    while name in used:
        name += "'"
    return sp.Symbol(name, integer=True)


@_rule
def term_bound(ctx, rel, prem):
    """Each term lies between the minimum and the maximum: f(i) ≤ max_{lo≤j≤hi} f(j) and
    min_{lo≤j≤hi} f(j) ≤ f(i), for every i in [lo, hi]."""
    n = rel.normal()
    if not n.over or n.op != "<=":
        raise NotLicensed("states f(i) ≤ max f or min f ≤ f(i) for every i of a range")
    i, lo, hi = n.over
    for side, other, cls in ((n.rhs, n.lhs, MaxOver), (n.lhs, n.rhs, MinOver)):
        e = unfold(side)
        if isinstance(e, cls) and same(e.args[2], lo) and same(e.args[3], hi):
            if same(other, subst(e.body, {e.var: i})):
                return (
                    f"a term is at {'most the maximum' if cls is MaxOver else 'least the minimum'}"
                )
    raise NotLicensed("the step is not a term against the max/min over the same range")


@_rule
def in_range(ctx, rel, prem):
    """A variable of a range lies in it: lo ≤ t and t ≤ hi for every t of [lo, hi] (an
    integer index or a real variable)."""
    n = rel.normal()
    if not n.over or n.op != "<=":
        raise NotLicensed("states lo ≤ t or t ≤ hi for every t of a range")
    t, lo, hi = n.over
    if (same(n.lhs, lo) and same(n.rhs, t)) or (same(n.lhs, t) and same(n.rhs, hi)):
        return "the variable lies in its range"
    raise NotLicensed("not a bound of the range")


def _sum_sides(rel: Rel):
    """(f, (i, lo, hi), other side) for each side of the equality ``rel`` that is a sum
    Σ_{i=lo}^{hi} f(i) over one range (the sum-splitting rules)."""
    n = rel.normal()
    if n.op != "==":
        raise NotLicensed("an equality")
    for s, rest in ((n.lhs, n.rhs), (n.rhs, n.lhs)):
        e = unfold(s)
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            yield e.function, e.limits[0], rest


@_rule(multi=True)
def split_first(ctx, rel, prem):
    """Σ_{i=lo}^{hi} f(i) = f(lo) + Σ_{i=lo+1}^{hi} f(i) (every range, Karr's convention)."""
    for f, (i, lo, hi), rest in _sum_sides(rel):
        if same(rest, subst(f, {i: lo}) + sp.Sum(f, (i, lo + 1, hi))):
            return "the first term split off the sum"
    raise NotLicensed("not a sum split into its first term and the rest")


@_rule(multi=True)
def abs_bound(ctx, rel, prem):
    """|a| ≤ c from a ≤ c and −a ≤ c (both premises; < when both are strict)."""
    n = rel.normal()
    p = [_align(r, rel) for r in prem]
    if len(p) != 2 or not isinstance(unfold(n.lhs), sp.Abs):
        raise NotLicensed("needs |a| ≤ c and the premises a ≤ c, −a ≤ c")
    a, c = unfold(n.lhs).args[0], n.rhs
    ok = {s: any(q.op != "==" and same(_slack(q), c - s * a) for q in p) for s in (1, -1)}
    strict = all(q.op == "<" for q in p)
    if all(ok.values()) and (n.op == "<=" or strict):
        return "both a ≤ c and −a ≤ c"
    raise NotLicensed("the premises are not a ≤ c and −a ≤ c")


@_rule(multi=True)
def abs_sign(ctx, rel, prem):
    """|t| = t when t ≥ 0 and |t| = −t when t ≤ 0 (the premise gives the sign of t)."""
    n = rel.normal()
    (p,) = [_align(r, rel) for r in prem]
    e = unfold(n.lhs)
    if n.op != "==" or not isinstance(e, sp.Abs):
        raise NotLicensed("states |t| = ±t")
    t = e.args[0]
    s = _slack(p)  # ≥ 0
    if same(s, t) and same(n.rhs, t) or same(s, -t) and same(n.rhs, -t):
        return "the sign of t is known"
    raise NotLicensed("the premise does not give the sign of t")


# The named inequalities (Hölder, Gibbs, Cauchy–Schwarz, max difference) and differentiation
# live in rules_classic.py; importing it registers them here.
from derivations.engine import rules_classic as _classic  # noqa: E402

holder, gibbs, cauchy_schwarz = _classic.holder, _classic.gibbs, _classic.cauchy_schwarz
minkowski, split_at, cases_first = _classic.minkowski, _classic.split_at, _classic.cases_first
max_difference, differentiate = _classic.max_difference, _classic.differentiate
delta_sum, sum_bound, instance = _classic.delta_sum, _classic.sum_bound, _classic.instance
delta_cases, antisymmetry = _classic.delta_cases, _classic.antisymmetry
integral_bound, integrate = _classic.integral_bound, _classic.integrate
baillon_haddad = _classic.baillon_haddad

# The symmetry arguments (relabelling the patterns, WLOG on a vector) live in
# rules_relabel.py; importing it registers them here.
from derivations.engine import rules_relabel as _relabel  # noqa: E402

relabel, wlog = _relabel.relabel, _relabel.wlog

# The spectral-norm facts live in rules_matrix.py; importing it registers them here.
from derivations.engine import rules_matrix as _matrix  # noqa: E402

spectral_bound, spectral_congruence = _matrix.spectral_bound, _matrix.spectral_congruence
gram_trace, spectral_entries = _matrix.gram_trace, _matrix.spectral_entries
mean_value, mean_value_matrix = _matrix.mean_value, _matrix.mean_value_matrix
integral_norm = _matrix.integral_norm

# Banach's fixed point theorem (for a quantity defined as an iteration's limit) lives in
# rules_limit.py; importing it registers it here.
from derivations.engine import rules_limit as _limit  # noqa: E402

banach = _limit.banach

# Classical inequalities of special functions (e^t ≥ 1 + t, ln's tangents, Wendel) live
# in rules_special.py; importing it registers them here.
from derivations.engine import rules_special as _special  # noqa: E402

exp_tangent, log_tangent, wendel = _special.exp_tangent, _special.log_tangent, _special.wendel
