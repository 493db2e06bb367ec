"""The rule kernel's named inequalities and its calculus (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): Hölder, Gibbs, Cauchy–Schwarz, the max
difference bound, differentiation, Kronecker delta sums, a term against a sum of
nonnegative terms, a quantified step at one point of its range, integrals bounded
termwise, and the fundamental theorem of calculus.

Notation: sums Σᵢ over one index range; λ ∈ [0, 1]; p, q positive vectors summing to 1;
δⱼₖ Kronecker's delta.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import normal as N
from derivations.engine.model import Rel
from derivations.engine.normal import is_nonneg, is_pos, is_real, normal_form, same, unfold
from derivations.engine.rules import (
    NotLicensed,
    _guard,
    _rule,
    _show,
    _slack,
    _sum_sides,
    implies,
)
from theory.indexed import MaxOver, _rename_binders, subst

__all__ = [
    "holder",
    "gibbs",
    "cauchy_schwarz",
    "minkowski",
    "split_at",
    "cases_first",
    "max_difference",
    "differentiate",
    "delta_sum",
    "delta_cases",
    "antisymmetry",
    "sum_bound",
    "instance",
    "integral_bound",
    "integrate",
]


def _sum_parts(e):
    e = unfold(e)
    if isinstance(e, sp.Sum) and len(e.limits) == 1:
        return e.function, e.limits[0]
    raise NotLicensed(f"{_show(e)} is not a sum over one index")


@_rule
def holder(ctx, rel, prem):
    """Hölder's inequality: Σᵢ aᵢ^λ bᵢ^{1−λ} ≤ (Σᵢ aᵢ)^λ (Σᵢ bᵢ)^{1−λ} for aᵢ, bᵢ ≥ 0 and
    0 ≤ λ ≤ 1 (premises: 0 ≤ λ and λ ≤ 1)."""
    n = rel.normal()
    rhs = unfold(n.rhs)
    pows = [f for f in sp.Mul.make_args(rhs) if isinstance(f, sp.Pow)]
    if n.op != "<=" or len(pows) != 2 or len(sp.Mul.make_args(rhs)) != 2:
        raise NotLicensed("states Σ aᵢ^λ bᵢ^{1−λ} ≤ (Σ aᵢ)^λ (Σ bᵢ)^{1−λ}")
    for pa, pb in (pows, pows[::-1]):
        lam = pa.exp
        if not same(pa.exp + pb.exp, 1):
            continue
        ps = [r.normal() for r in prem]
        lo_ok = any(same(q.lhs, 0) and same(q.rhs, lam) and q.op != "==" for q in ps)
        hi_ok = any(same(q.lhs, lam) and same(q.rhs, 1) and q.op != "==" for q in ps)
        (fa, (i, lo, hi)), (fb, (j, lo2, hi2)) = _sum_parts(pa.base), _sum_parts(pb.base)
        fb = subst(fb, {j: i})
        if not (lo_ok and hi_ok and same(lo, lo2) and same(hi, hi2)):
            continue
        if not (is_nonneg(unfold(fa, "*")) and is_nonneg(unfold(fb, "*"))):
            raise NotLicensed("cannot show aᵢ ≥ 0 and bᵢ ≥ 0")
        if same(n.lhs, sp.Sum(fa**lam * fb ** (1 - lam), (i, lo, hi))):
            return "Hölder with exponents λ, 1 − λ"
    raise NotLicensed("not Hölder's inequality with premises 0 ≤ λ ≤ 1")


@_rule
def gibbs(ctx, rel, prem):
    """Gibbs' inequality (KL ≥ 0): Σᵢ pᵢ log(pᵢ/qᵢ) ≥ 0 for pᵢ, qᵢ > 0 with Σᵢ pᵢ = 1 and
    Σᵢ qᵢ = 1 (the two premises)."""
    parts = []
    for r in prem:
        r = r.normal()
        side = r.lhs if same(r.rhs, 1) else r.rhs if same(r.lhs, 1) else None
        if r.op != "==" or side is None:
            raise NotLicensed("premises: Σ pᵢ = 1 and Σ qᵢ = 1")
        parts.append(_sum_parts(side))
    if len(parts) != 2:
        raise NotLicensed("premises: Σ pᵢ = 1 and Σ qᵢ = 1")
    (p, (i, lo, hi)), (q, (j, lo2, hi2)) = parts
    q = subst(q, {j: i})
    if not (same(lo, lo2) and same(hi, hi2)):
        raise NotLicensed("the two sums run over different ranges")
    if not (is_pos(unfold(p, "*")) and is_pos(unfold(q, "*"))):
        raise NotLicensed("cannot show pᵢ > 0 and qᵢ > 0")
    n = rel.normal()
    kl = sp.Sum(p * sp.log(p / q), (i, lo, hi))
    if n.op == "<=" and same(_slack(n), kl):
        return "Gibbs' inequality: KL(p‖q) ≥ 0"
    raise NotLicensed("the slack of the step is not Σ pᵢ log(pᵢ/qᵢ)")


@_rule
def cauchy_schwarz(ctx, rel, prem):
    """Cauchy–Schwarz: (Σᵢ aᵢbᵢ)² ≤ (Σᵢ aᵢ²)(Σᵢ bᵢ²) for real aᵢ, bᵢ; in root form
    Σᵢ aᵢbᵢ ≤ √(Σᵢ aᵢ²)·√(Σᵢ bᵢ²) (as Σ aᵢbᵢ ≤ |Σ aᵢbᵢ|)."""
    n = rel.normal()
    fs = sp.Mul.make_args(unfold(n.rhs))
    if n.op != "<=" or len(fs) != 2:
        raise NotLicensed("states (Σ aᵢbᵢ)² ≤ (Σ aᵢ²)(Σ bᵢ²) or Σ aᵢbᵢ ≤ √(Σ aᵢ²)√(Σ bᵢ²)")
    root = all(isinstance(f, sp.Pow) and f.exp == sp.S.Half for f in fs)
    if root:
        fs = [f.base for f in fs]
    (fa, (i, lo, hi)), (fb, (j, lo2, hi2)) = _sum_parts(fs[0]), _sum_parts(fs[1])
    fb = subst(fb, {j: i})
    sq = [f.base for f in (fa, fb) if isinstance(f, sp.Pow) and f.exp == 2]
    if len(sq) != 2 or not (same(lo, lo2) and same(hi, hi2)):
        raise NotLicensed("the right side is not (Σ aᵢ²)(Σ bᵢ²) over one range")
    if not all(is_real(unfold(t, "*")) for t in sq):
        raise NotLicensed("cannot show aᵢ and bᵢ are real")
    inner = sp.Sum(sq[0] * sq[1], (i, lo, hi))
    if same(n.lhs, inner if root else inner**2):
        return "Cauchy–Schwarz" + (" (root form)" if root else "")
    raise NotLicensed("the left side is not (Σ aᵢbᵢ)²")


@_rule(build=lambda weight: ((), {"weight": weight}))
def minkowski(ctx, rel, prem, weight):
    """The triangle inequality for a weighted sum of vectors (Minkowski):
    √(Σ_k (Σᵢ wᵢ aᵢₖ)²) ≤ Σᵢ wᵢ √(Σ_k aᵢₖ²) when the sign rules prove wᵢ > 0 for every i,
    and √(Σ_k (Σᵢ wᵢ aᵢₖ)²) ≤ Σᵢ |wᵢ| √(Σ_k aᵢₖ²) when they prove wᵢ real (weights of either
    sign; ``weight`` = wᵢ, a term of the step's inner sum being wᵢaᵢₖ; aᵢₖ is that term over
    wᵢ), the two ranges do not depend on each other's index and neither is reversed
    (hi ≥ lo − 1; Karr's convention makes a sum over a reversed range negative)."""
    n = rel.normal()
    lhs = unfold(n.lhs)
    if n.op != "<=" or not (isinstance(lhs, sp.Pow) and lhs.exp == sp.S.Half):
        raise NotLicensed("states √(Σ_k (Σᵢ wᵢaᵢₖ)²) ≤ Σᵢ wᵢ √(Σ_k aᵢₖ²)")
    sq, (k, klo, khi) = _sum_parts(lhs.base)
    if not (isinstance(sq, sp.Pow) and sq.exp == 2):
        raise NotLicensed("the left side is not the norm of a vector √(Σ_k v_k²)")
    body, (i, lo, hi) = _sum_parts(sq.base)
    if k in (lo - hi).free_symbols or i in (klo - khi).free_symbols:
        raise NotLicensed("the two ranges depend on each other's index")
    for a, b in ((lo, hi), (klo, khi)):
        if not is_nonneg(b - a + 1):
            raise NotLicensed(f"cannot show the range {_show(a)}…{_show(b)} is not reversed")
    w = sp.sympify(weight)
    if k in w.free_symbols:
        raise NotLicensed("the weight depends on the coordinate index")
    a = sp.cancel(body / w)
    norm = sp.sqrt(sp.Sum(a**2, (k, klo, khi)))
    signed = same(n.rhs, sp.Sum(sp.Abs(w) * norm, (i, lo, hi)))
    if signed and not is_real(unfold(w, "*")):
        raise NotLicensed(f"cannot show the weight {_show(w)} is real")
    if not signed and not is_pos(unfold(w, "*")):
        raise NotLicensed(f"cannot show the weight {_show(w)} > 0 (with |wᵢ|: real)")
    if not is_real(unfold(a, "*")):
        raise NotLicensed("cannot show the vectors aᵢ are real")
    if signed:
        return "Minkowski: ‖Σᵢ wᵢaᵢ‖ ≤ Σᵢ |wᵢ|‖aᵢ‖ for real wᵢ"
    want = sp.Sum(w * norm, (i, lo, hi))
    if not same(n.rhs, want):
        raise NotLicensed(f"the right side is not {_show(want)} (nor with |wᵢ|)")
    return "Minkowski: ‖Σᵢ wᵢaᵢ‖ ≤ Σᵢ wᵢ‖aᵢ‖ for wᵢ ≥ 0"


@_rule(build=lambda at: ((), {"at": at}), multi=True)
def split_at(ctx, rel, prem, at):
    """Σ_{i=lo}^{hi} f(i) = Σ_{i=lo}^{at} f(i) + Σ_{i=at+1}^{hi} f(i) (every integer
    ``at``, Karr's convention)."""
    for f, (i, lo, hi), rest in _sum_sides(rel):
        if same(rest, sp.Sum(f, (i, lo, at)) + sp.Sum(f, (i, at + 1, hi))):
            return f"the sum split after i = {_show(at)}"
    raise NotLicensed(f"not a sum split after i = {_show(at)}")


@_rule(multi=True)
def cases_first(ctx, rel, prem):
    """R(i) for every i of [lo, hi] from the case i = lo (the first premise, R(lo)) and the
    case i of [lo + 1, hi] (the second, R over that range; its other ranges, if any, those
    of the step)."""
    n = rel.normal()
    if not n.over or len(prem) != 2:
        raise NotLicensed("states R(i) for every i of a range, from R(lo) and R over lo + 1 … hi")
    first, rest = (p.normal() for p in prem)
    for r in n.ranges:
        i, lo, hi = r
        others = tuple(x for x in n.ranges if x is not r)
        at_lo = Rel(subst(n.lhs, {i: lo}), n.op, subst(n.rhs, {i: lo}), over=others)
        later = Rel(n.lhs, n.op, n.rhs, over=(*others, (i, lo + 1, hi)))
        if implies(first, at_lo) and implies(rest, later):
            return f"the case {_show(i)} = {_show(lo)} and the cases {_show(lo + 1)} … {_show(hi)}"
    raise NotLicensed("the premises are not the step at its first index and over the rest")


@_rule
def max_difference(ctx, rel, prem):
    """|maxᵢ aᵢ − maxᵢ bᵢ| ≤ maxᵢ |aᵢ − bᵢ| over one non-empty range."""
    n = rel.normal()
    e = unfold(n.lhs)
    terms = sp.Add.make_args(e.args[0]) if isinstance(e, sp.Abs) else ()
    if n.op != "<=" or len(terms) != 2:
        raise NotLicensed("states |max a − max b| ≤ max |a − b|")
    for s, t in (terms, terms[::-1]):
        if isinstance(s, MaxOver) and isinstance(-t, MaxOver):
            a, b = s, -t
            if same(a.args[2], b.args[2]) and same(a.args[3], b.args[3]):
                i = a.var
                want = MaxOver(
                    sp.Abs(a.body - subst(b.body, {b.var: i}), evaluate=False), i, *a.args[2:]
                )
                if same(n.rhs, want):
                    return "|max a − max b| ≤ max |a − b|"
    raise NotLicensed("not |max a − max b| ≤ max |a − b| over one range")


@_rule(multi=True)
def differentiate(ctx, rel, prem):
    """The derivative by SymPy's rules of differentiation (named quantities replaced by
    their definitions; ∂z_i/∂z_j = δ_ij for symbolic i, j, the case i = j included); Σ_j
    δ_{jk} f(j) over a range containing k (the step holds for every k of that range; with
    several ranges, for every index of each) is f(k)."""
    n = rel.normal()
    d = n.lhs if isinstance(n.lhs, sp.Derivative) else n.rhs
    other = n.rhs if d is n.lhs else n.lhs
    if n.op != "==" or not isinstance(d, sp.Derivative) or len(d.variables) != 1:
        raise NotLicensed("states ∂F/∂v = F′ for one variable v")
    v = d.variables[0]
    avoid = sp.sympify(v).free_symbols | {r[0] for r in n.ranges}
    f = _rename_binders(_explicit(d.expr), avoid)
    N.tick(sp.count_ops(f))
    val = sp.diff(f, v)
    val = _collapse_deltas(val, n.ranges)
    if same(val, unfold(other, "*")):
        return "differentiation"
    raise NotLicensed("the derivative differs from the stated one")


def _explicit(e):
    """``e`` with every named quantity unfolded and LSE written as log Σ exp."""
    from theory.indexed import LseOver

    e = unfold(sp.sympify(e), "*")
    return e.replace(lambda t: isinstance(t, LseOver), lambda t: t.unfolded())


def _collapse_deltas(e, ranges):
    """Σ_{j=lo}^{hi} δ_{jk} f(j) → f(k) when k is the index of one of the step's integer
    ranges, [lo, hi] (so k lies in the sum's range at every point of the step). Binders
    named like a range index must have been renamed first."""
    ranges = [r for r in ranges if r[0].is_integer]
    if not ranges:
        return e

    def rep(s):
        if not isinstance(s, sp.Sum) or len(s.limits) != 1:
            return s
        j, a, b = s.limits[0]
        fs = sp.Mul.make_args(sp.expand_mul(s.function))
        for k, lo, hi in ranges:
            if k == j or not (same(a, lo) and same(b, hi)):
                continue
            delta = [f for f in fs if isinstance(f, sp.KroneckerDelta) and set(f.args) == {j, k}]
            if len(delta) == 1:
                rest = sp.Mul(*[f for f in fs if f is not delta[0]])
                return subst(rest, {j: k})
        return s

    e = sp.expand_mul(e)
    return e.replace(lambda s: isinstance(s, sp.Sum), rep)


@_rule(multi=True)
def delta_sum(ctx, rel, prem):
    """Kronecker's delta sums out: Σ_{j=lo}^{hi} δ_{jk} f(j) = f(k) for every k of [lo, hi]
    (the step is quantified over k ∈ [lo, hi], possibly among other ranges; the sum runs over
    exactly that range); one side, with such sums collapsed (and named quantities unfolded),
    has the other's normal form. Every denominator and log argument must be provably > 0."""
    n = rel.normal()
    if n.op != "==" or not any(r[0].is_integer for r in n.ranges):
        raise NotLicensed("states Σ_j δ_{jk} f(j) = f(k) for every integer k of a range")
    _guard(n, "*", ctx)
    idx = {r[0] for r in n.ranges}
    for a, b in ((n.lhs, n.rhs), (n.rhs, n.lhs)):
        e = _split_sums(sp.expand_mul(_rename_binders(unfold(sp.sympify(a), "*"), idx)))
        N.tick(sp.count_ops(e))
        val = _collapse_deltas(e, n.ranges)
        if val != e and same(val, unfold(sp.sympify(b), "*")):
            return "Σ_j δ_{jk} f(j) = f(k) for k in the sum's range"
    raise NotLicensed("no side is the other with Σ_j δ_{jk} f(j) replaced by f(k)")


@_rule(multi=True)
def delta_cases(ctx, rel, prem):
    """The case split i = j / i ≠ j: R(i, j) for every i and j (two ranges of the step)
    follows from R(i, i) with δᵢᵢ = 1 for every i of i's range (the first premise) and from
    R with δᵢⱼ = 0 for every i and j (the second; at i ≠ j, δᵢⱼ = 0, so there it is R
    itself — it may hold for every pair), δᵢⱼ Kronecker's delta. Exact: at i ≠ j, R(i, j)
    is R with δᵢⱼ replaced by 0, at i = j it is R with δᵢⱼ replaced by 1 and j by i."""
    n = rel.normal()
    if len(prem) != 2 or len(n.ranges) < 2 or not all(r[0].is_integer for r in n.ranges[:2]):
        raise NotLicensed("states R(i, j) for every integer i and j, from two premises")
    (i, lo, hi), (j, _, _) = n.ranges[:2]
    delta = sp.KroneckerDelta(i, j)
    if not (n.lhs.has(delta) or n.rhs.has(delta)):
        raise NotLicensed(f"the step does not depend on whether {i} = {j} through δ")
    rest = n.ranges[2:]

    def case(d, ranges, at=None):
        sides = [_rename_binders(sp.sympify(t), {i, j}) for t in (n.lhs, n.rhs)]
        sides = [t.xreplace({delta: d, sp.KroneckerDelta(j, i): d}) for t in sides]
        if at is not None:
            sides = [subst(t, {j: at}) for t in sides]
        return Rel(sides[0], n.op, sides[1], n.label, ranges)

    same_i = case(sp.Integer(1), ((i, lo, hi), *rest), at=i)
    apart = case(sp.Integer(0), n.ranges)
    if not implies(prem[0], same_i, "*"):
        raise NotLicensed(f"the first premise is not the step at {j} = {i} (δ = 1)")
    if not implies(prem[1], apart, "*"):
        raise NotLicensed("the second premise is not the step with δ = 0")
    return f"the cases {i} = {j} (δ = 1) and {i} ≠ {j} (δ = 0)"


@_rule(multi=True)
def antisymmetry(ctx, rel, prem):
    """a = b from a ≤ b and b ≤ a (both premises, over the step's ranges)."""
    n = rel.normal()
    if n.op != "==" or len(prem) != 2:
        raise NotLicensed("states a = b from a ≤ b and b ≤ a")
    ok = (Rel(n.lhs, "<=", n.rhs, over=n.over), Rel(n.rhs, "<=", n.lhs, over=n.over))
    if all(any(implies(p, want) for p in prem) for want in ok):
        return "a ≤ b and b ≤ a"
    raise NotLicensed("the premises are not a ≤ b and b ≤ a")


def _split_sums(e):
    """Σ(a + b) = Σa + Σb for every sum over one index (Karr's convention: every range)."""

    def split(s):
        terms = sp.Add.make_args(sp.expand_mul(s.function))
        return sp.Add(*[sp.Sum(t, s.limits[0]) for t in terms])

    return e.replace(lambda s: isinstance(s, sp.Sum) and len(s.limits) == 1, split)


@_rule
def sum_bound(ctx, rel, prem):
    """A term of a sum of nonnegative terms is at most the sum: f(i) ≤ Σ_{j=lo}^{hi} f(j)
    for every integer i in [lo, hi] (the step is quantified over exactly the sum's range),
    when the sign rules prove f(j) ≥ 0 for every j."""
    n = rel.normal()
    if not n.over or n.op != "<=" or not n.over[0].is_integer:
        raise NotLicensed("states f(i) ≤ Σ_j f(j) for every integer i of a range")
    i, lo, hi = n.over
    f, (j, a, b) = _sum_parts(n.rhs)
    if not (same(a, lo) and same(b, hi)):
        raise NotLicensed("the step's range is not the sum's range")
    if not is_nonneg(unfold(f, "*")):
        raise NotLicensed(f"cannot show every term {_show(f)} ≥ 0")
    if same(n.lhs, subst(f, {j: i})):
        return "a nonnegative term is at most the sum"
    raise NotLicensed("the left side is not the sum's term at i")


@_rule(build=lambda k, at, index=None: ((k,), {"at": at, "index": index}), multi=True)
def instance(ctx, rel, prem, at, index=None):
    """A quantified step at one point of its range: from R(i) for every i of [lo, hi]
    conclude R(at) when the sign rules prove lo ≤ at ≤ hi for every value of at's free
    symbols (at an integer when i runs over integers), or when at is an index of the step
    running over [lo′, hi′] with lo ≤ lo′ and hi′ ≤ hi (a sub-range). The premise's other
    ranges stay ranges of the step; ``index`` names the one instantiated when it has
    several."""
    (p,) = prem
    p = p.normal()
    if not p.over:
        raise NotLicensed("needs a premise for every index of a range")
    hits = [r for r in p.ranges if index is None or r[0] == index]
    if len(hits) != 1:
        raise NotLicensed("name the premise's index to instantiate (index=…)")
    i, lo, hi = hits[0]
    rest = tuple(r for r in p.ranges if r is not hits[0])
    at = sp.sympify(at)
    if at.free_symbols & {r[0] for r in rest}:
        raise NotLicensed(f"{_show(at)} mentions another index of the premise")
    n = rel.normal()
    own = [r for r in n.ranges if r[0] == at]
    if i.is_integer and at.is_integer is not True:
        raise NotLicensed(f"{_show(at)} is not an integer; the premise's {i} is")
    if not i.is_integer and not is_real(at):
        raise NotLicensed(f"cannot show {_show(at)} is real")
    if own:  # at runs over [lo′, hi′] in the step: that range must lie in [lo, hi]
        _, lo2, hi2 = own[0]
        ok = is_nonneg(normal_form(lo2 - lo)) and is_nonneg(normal_form(hi - hi2))
        where = f"{_show(lo2)}…{_show(hi2)} lies in {_show(lo)}…{_show(hi)}"
        rest = (*rest, own[0])
    else:
        ok = is_nonneg(normal_form(at - lo)) and is_nonneg(normal_form(hi - at))
        where = f"{_show(lo)} ≤ {_show(at)} ≤ {_show(hi)}"
    if not ok:
        raise NotLicensed(f"cannot show {where}")
    got = Rel(subst(p.lhs, {i: at}), p.op, subst(p.rhs, {i: at}), p.label, rest)
    if implies(got, rel):
        return f"the premise at {i} = {_show(at)} ({where})"
    raise NotLicensed(f"the step is not the premise at {i} = {_show(at)}")


@_rule
def integral_bound(ctx, rel, prem):
    """Integrals are monotone: if f(t) ≤ g(t) for every real t in [a, b] (a ≤ b) then
    ∫_a^b f dt ≤ ∫_a^b g dt (f and g continuous there, see :func:`integrate`)."""
    (p,) = prem
    p = p.normal()
    if not p.over or p.over[0].is_integer or p.op == "==" or rel.over:
        raise NotLicensed("needs f(t) ≤ g(t) for every real t of [a, b], and an unquantified step")
    t, a, b = p.over
    if not is_nonneg(N.normal_form(b - a)):
        raise NotLicensed(f"cannot show {_show(a)} ≤ {_show(b)}")
    for f in (p.lhs, p.rhs):
        _continuous(unfold(f, "*"), t)
    n = rel.normal()
    lhs, rhs = sp.Integral(p.lhs, (t, a, b)), sp.Integral(p.rhs, (t, a, b))
    if n.op == "<=" and same(n.lhs, lhs) and same(n.rhs, rhs):
        return "the integral of the premise, over [a, b]"
    raise NotLicensed("the step is not ∫ f ≤ ∫ g over the premise's range")


def _continuous(f, t) -> None:
    """Refuse unless f is continuous in t for t ≥ 0 by construction: sums, products and exp
    of such, constants, and powers with a base ≥ 0 (or an integer exponent ≥ 0) and an
    exponent ≥ 0 free of t."""
    if not f.has(t):
        return
    if f == t or isinstance(f, (sp.Add, sp.Mul, sp.exp)):
        for a in f.args:
            _continuous(a, t)
        return
    if isinstance(f, sp.Pow) and not f.exp.has(t) and is_nonneg(f.exp):
        if f.exp.is_Integer or is_nonneg(f.base):
            _continuous(f.base, t)
            return
    raise NotLicensed(f"cannot show {_show(f)} is continuous in {t}")


@_rule
def integrate(ctx, rel, prem):
    """The fundamental theorem of calculus: ∫_a^b f(t) dt = H(b) when dH/db = f(b) and
    H(a) = 0, for f continuous on [a, b] (sums, products, exp and powers ≥ 0 of t ≥ 0) and
    free of b; b a symbol, a free of it."""
    n = rel.normal()
    side, other = (n.lhs, n.rhs) if isinstance(n.lhs, sp.Integral) else (n.rhs, n.lhs)
    if n.op != "==" or not isinstance(side, sp.Integral) or len(side.limits) != 1:
        raise NotLicensed("states ∫_a^b f(t) dt = H")
    t, a, b = side.limits[0]
    f = unfold(side.function, "*")
    if not isinstance(b, sp.Symbol) or f.has(b) or a.has(b):
        raise NotLicensed("the upper limit must be a symbol the integrand does not contain")
    _continuous(f, t)
    h = unfold(sp.sympify(other), "*")
    N.tick(sp.count_ops(h))
    if not same(sp.diff(h, b), f.subs(t, b)):
        raise NotLicensed(f"d/d{b} of the right side is not the integrand at {b}")
    if not same(h.subs(b, a), 0):
        raise NotLicensed(f"the right side is not 0 at {b} = {_show(a)}")
    return "the fundamental theorem of calculus"


def _vector_variable(x) -> sp.IndexedBase:
    """The base of a vector variable (a :class:`~theory.indexed.Vec` whose entries are
    base[i]), or refused."""
    base = x.base() if hasattr(x, "base") else None
    if base is None or not same(x.body, base[x.var]):
        raise NotLicensed(f"{_show(getattr(x, 'body', x))} is not a vector variable")
    return base


@_rule(
    build=lambda k1, k2, F, G, u, v, a, b: (
        (k1, k2),
        {"F": F, "G": G, "u": u, "v": v, "a": a, "b": b},
    )
)
def baillon_haddad(ctx, rel, prem, F, G, u, v, a, b):
    """Baillon–Haddad: a convex F: ℝⁿ → ℝ, continuously differentiable (by construction,
    :func:`derivations.engine.rules_matrix._smooth`), whose gradient G is L-Lipschitz, has a
    (1/L)-cocoercive gradient: (G(a) − G(b))ᵀ(a − b) ≥ (1/L)‖G(a) − G(b)‖². The first
    premise is the tangent-plane inequality F(v) ≥ F(u) + Σᵢ Gᵢ(u)(vᵢ − uᵢ) (so F is convex
    and G its gradient), the second ‖G(u) − G(v)‖ ≤ L‖u − v‖ with L > 0 free of u and v; both
    at vector variables u, v (rule args) of the length of a and b that the claim's hypotheses
    do not mention, so they hold for every u and v. ``F`` is F(u); ``G`` is Lambda(i, Gᵢ(u));
    a and b are vector variables too."""
    from derivations.engine.rules_matrix import _smooth

    tan, lip = (p.normal() for p in prem)
    U, V, A, B = (_vector_variable(x) for x in (u, v, a, b))
    if U == V or not all(same(x.length, u.length) for x in (v, a, b)):
        raise NotLicensed("u, v, a and b must be vectors of one length, u and v distinct")
    hyps = ctx.claim.hypotheses(ctx.ops, ctx.ns) if ctx.claim and ctx.claim.hypotheses else []
    if any(sp.sympify(s).has(W) for h in hyps for s in (h.lhs, h.rhs) for W in (U, V)):
        raise NotLicensed("the claim's hypotheses mention u or v: the premises are not general")
    if tan.ranges or lip.ranges:
        raise NotLicensed("the premises hold for all u and v, not over index ranges")
    F = sp.sympify(F)
    _smooth(unfold(F, "*"), U)
    k = sp.Dummy("k", integer=True)
    n = u.length

    def g(i, W):  # Gᵢ at the vector variable W (its base replaced, in Named arguments too)
        return G(i).xreplace({U: W})

    def f(W):
        return F.xreplace({U: W})

    tangent = Rel(f(V), ">=", f(U) + sp.Sum(g(k, U) * (V[k] - U[k]), (k, 1, n)))
    if not implies(tan, tangent):
        raise NotLicensed("the first premise is not F(v) ≥ F(u) + G(u)ᵀ(v − u)")
    gap = sp.sqrt(sp.Sum((g(k, U) - g(k, V)) ** 2, (k, 1, n)))
    dist = sp.sqrt(sp.Sum((U[k] - V[k]) ** 2, (k, 1, n)))
    if lip.op != "<=" or not same(lip.lhs, gap):
        raise NotLicensed("the second premise is not ‖G(u) − G(v)‖ ≤ L‖u − v‖")
    factors = sp.Mul.make_args(lip.rhs)
    hit = [x for x in factors if same(x, dist)]
    if len(hit) != 1:
        raise NotLicensed("the second premise's right side is not L‖u − v‖")
    L = sp.Mul(*(x for x in factors if x is not hit[0]))
    if L.has(U) or L.has(V) or not is_pos(normal_form(L)):
        raise NotLicensed("the Lipschitz constant L must be > 0 and free of u and v")
    d = lambda j: g(j, A) - g(j, B)  # noqa: E731
    want = Rel(sp.Sum(d(k) * (A[k] - B[k]), (k, 1, n)), ">=", sp.Sum(d(k) ** 2, (k, 1, n)) / L)
    if not implies(want, rel.normal()):
        raise NotLicensed("the step is not (G(a) − G(b))ᵀ(a − b) ≥ (1/L)‖G(a) − G(b)‖²")
    return "Baillon–Haddad: a convex F with an L-Lipschitz gradient has a (1/L)-cocoercive one"
