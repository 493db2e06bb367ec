"""Part of the rule kernel: the normal form of an expression, and sign rules.

Two expressions with the same normal form are equal (the converse is not promised: a
difference the normal form does not remove is *not confirmed*, never assumed). The normal
form applies only identities, each valid for all values of the symbols:

* the commutative-ring laws (SymPy's automatic ordering and collection; products
  distributed; positive integer powers expanded);
* exp(a + b) = exp a · exp b;  log(a·b) = log a + log b and log(aᵗ) = t log a, **only when
  the sign rules prove a, b > 0** (and t real); log exp t = t for real t (SymPy);
* finite sums (SymPy ``Sum``, Karr's convention, so these hold for every range):
  Σ(a + b) = Σa + Σb; Σ c·f = c·Σ f for c free of the index; Σ_{i=lo}^{hi} c =
  (hi − lo + 1)·c; f(i)·Σ_k g(i, k) = Σ_k f(i) g(i, k) (nested sums become one multiple sum);
  bound indices renamed canonically (Σ_i fᵢ = Σ_j f_j), multiple sums in either order;
* integrals over one variable are linear alike (∫_a^b c dt = (b − a)·c);
* max/min over a non-empty range: max(c + f) = c + max f, max(−f) = −min f, max(a·f) =
  a·max f for a number a > 0 (min alike); |−t| = |t|; |t| = t when the sign rules prove
  t ≥ 0 (e.g. a maximum of norms), |t| = −t when they prove −t ≥ 0;
* LSE_{i}(f) = log Σᵢ exp f; transparent named quantities (notation such as LSE(z), ‖x‖²)
  replaced by their definitions; other named quantities only when a step says so.

The sign rules (:func:`is_pos`, :func:`is_nonneg`) prove signs from structure only: numbers,
sizes (m ≥ at_least), symbols' assumptions, exp of a real, squares, sums/products of signed
terms, sums over a non-empty range, |t| ± t ≥ 0, log t with t ≥ 1.
"""

from __future__ import annotations

import itertools

import sympy as sp

from derivations.engine.signs import is_nonneg, is_pos, is_real
from derivations.engine.work import _MEMO, OutOfWork, _memo, forget, tick, work
from theory.indexed import LseOver, MaxOver, MinOver, Named, Sup, _Over, rename, replace

__all__ = [
    "normal_form",
    "unfold",
    "is_pos",
    "is_nonneg",
    "is_real",
    "same",
    "binders",
    "forget",
    "replace",
    "free_symbols_of",
    "tick",
    "work",
    "OutOfWork",
    "MAX_TERMS",
]

#: The largest expansion the normal form does: a product of sums (or a power of a sum) with
#: more terms than this is not expanded (the step is then not decided within budget).
MAX_TERMS = 4096


def _fresh(v: sp.Symbol) -> sp.Symbol:
    """A new index symbol (numbered per step, so the same step does the same work)."""
    n = _MEMO.get("fresh", 0)
    _MEMO["fresh"] = n + 1
    return sp.Symbol(f"_f{n}_{v.name}", integer=True)


def unfold(e, keys=()):
    """``e`` with transparent named quantities, and those whose key is in ``keys``, replaced
    by their definitions (``keys == "*"``: every named quantity)."""
    e = sp.sympify(e)
    if not e.has(Named):
        return e
    return _unfold(e, keys if keys == "*" else tuple(keys), {})


def _unfold(e, keys, seen):
    """Named quantities outside other (opaque) named quantities: an opaque one is an atom,
    its definition untouched, unless it is unfolded itself."""
    tick()
    if isinstance(e, Named):
        if e.transparent or keys == "*" or e.key in keys:
            return _unfold(e.definition, keys, seen)
        return e
    if not e.args or (e.is_Atom and not isinstance(e, sp.Indexed)):
        return e
    hit = seen.get(e)
    if hit is None:
        args = tuple(_unfold(a, keys, seen) for a in e.args)
        if args == e.args:
            hit = e
        elif isinstance(e, (sp.log, sp.exp, sp.Abs)):
            hit = e.func(*args, evaluate=False)
        else:
            hit = e.func(*args)
        seen[e] = hit
    return hit


@_memo("free")
def free_symbols_of(e) -> frozenset:
    """The free symbols of ``e`` (bound indices of sums, LSE, max and min excluded)."""
    if isinstance(e, sp.Symbol):
        return frozenset([e])
    if isinstance(e, sp.Indexed):
        return frozenset().union(*[free_symbols_of(i) for i in e.indices])
    if e.is_Atom or not e.args:
        return frozenset()
    if isinstance(e, (sp.Sum, sp.Integral)) and all(len(lim) == 3 for lim in e.limits):
        out = free_symbols_of(e.function)
        for v, lo, hi in e.limits:
            out = (out - {v}) | free_symbols_of(lo) | free_symbols_of(hi)
        return out
    if isinstance(e, _Over):
        lo, hi = e.args[2:]
        return (free_symbols_of(e.body) - {e.var}) | free_symbols_of(lo) | free_symbols_of(hi)
    if isinstance(e, Named):
        return free_symbols_of(e.definition) | free_symbols_of(e.args[2])
    return frozenset().union(*[free_symbols_of(a) for a in e.args])


def normal_form(e, keys=()):
    """The normal form of ``e`` (named quantities in ``keys`` unfolded; see module notes)."""
    return _nf(unfold(sp.sympify(e), keys))


def same(a, b, keys=()) -> bool:
    """a = b is confirmed by normal forms (never True for a difference not removed)."""
    a, b = sp.sympify(a), sp.sympify(b)
    if a == b:
        return True
    return normal_form(a - b, keys) == 0


# ------------------------------------------------------------------------ the normal form


def _dist(e):
    """Products distributed over sums, at the top level of ``e`` (its atoms are kept)."""
    if isinstance(e, sp.Add):
        return sp.Add(*[_dist(t) for t in e.args])
    if isinstance(e, sp.Mul) and any(isinstance(f, sp.Add) for f in e.args):
        size = 1
        for f in e.args:
            size *= len(sp.Add.make_args(f))
        _expansion(size)
        return sp.Add(*[_dist(t) for t in sp.Add.make_args(sp.expand_mul(e, deep=False))])
    return e


def _expansion(terms: int) -> None:
    """Count an expansion into ``terms`` terms (refused past :data:`MAX_TERMS`)."""
    if terms > MAX_TERMS:
        raise OutOfWork
    tick(terms)


@_memo("nf")
def _nf(e):
    if not isinstance(e, sp.Expr):  # e.g. a Lambda's signature (a Tuple) and the Lambda
        return e.func(*[_nf(a) for a in e.args]) if e.args else e
    terms = sp.Add.make_args(_dist(_nf_raw(e)))
    return sp.Add(*[_merge_products(_merge_powers(t)) for t in terms])


def _merge_powers(term):
    """a^s · a^t = a^{s+t} for a base a > 0 and real exponents (one power per base)."""
    if not isinstance(term, sp.Mul):
        return term
    groups: dict = {}
    for f in term.args:
        b, x = (f, 1) if isinstance(f, sp.exp) else f.as_base_exp()  # exp stays split
        groups.setdefault(b, []).append((f, x))
    if all(len(g) == 1 for g in groups.values()):
        return term
    out = []
    for b, g in groups.items():
        if len(g) > 1 and is_pos(b) and all(is_real(x) for _, x in g):
            out.append(sp.Pow(b, sp.expand(sp.Add(*[x for _, x in g]))))
        else:
            out += [f for f, _ in g]
    return sp.Mul(*out)


def _merge_products(term):
    """A product of two or more sums (independent ranges) as one multiple sum."""
    sums, rest = [], []
    for f in sp.Mul.make_args(term):
        if isinstance(f, sp.Sum):
            sums.append(f)
        elif isinstance(f, sp.Pow) and isinstance(f.base, sp.Sum) and f.exp in (2, 3, 4):
            sums += [f.base] * int(f.exp)
        else:
            rest.append(f)
    if len(sums) < 2:
        return term
    bodies, limits = [], []
    for f in sums:
        fresh = {v: _fresh(v) for v in f.variables}
        bodies.append(rename(f.function, fresh))
        limits += [(fresh[lim[0]], lim[1], lim[2]) for lim in f.limits]
    return sp.Mul(*rest) * _canonical_sum(sp.Mul(*bodies), limits)


def _nf_raw(e):
    if e.is_Atom or isinstance(e, (sp.Indexed, sp.IndexedBase, Sup)):
        return e
    if isinstance(e, Named):  # opaque here (unfold() handled the others): an atom, compared
        return e  # structurally (the same code builds the same named quantity alike)
    if isinstance(e, sp.Add):
        return sp.Add(*[_nf(a) for a in e.args])
    if isinstance(e, sp.Mul):
        return sp.expand_mul(sp.Mul(*[_nf(a) for a in e.args]), deep=False)
    if isinstance(e, sp.Pow):
        return _nf_pow(_nf(e.base), _nf(e.exp))
    if isinstance(e, sp.exp):
        a = _nf(e.args[0])
        return sp.Mul(*[_exp(t) for t in sp.Add.make_args(a)])
    if isinstance(e, sp.log):
        return _nf_log(_nf(e.args[0]))
    if isinstance(e, LseOver):
        return _nf(e.unfolded())
    if isinstance(e, sp.Sum):
        return _nf_sum(e)
    if isinstance(e, sp.Integral) and all(len(lim) == 3 for lim in e.limits):
        return _nf_integral(e)
    if isinstance(e, (MaxOver, MinOver)):
        return _nf_extremum(type(e), _nf(e.body), e.var, _nf(e.args[2]), _nf(e.args[3]))
    if isinstance(e, sp.Abs):
        for t in (e.args[0], -e.args[0]):  # signs before normalising (expanded, lost)
            if is_nonneg(t):
                return _nf(t)
        return _nf_abs(_nf(e.args[0]))
    if isinstance(e, sp.Derivative):
        return sp.Derivative(_nf(e.expr), *e.variable_count, evaluate=False)
    if e.args:
        return e.func(*[_nf(a) for a in e.args])
    return e


def _nf_pow(b, x):
    if x.is_Integer and x > 0 and isinstance(b, sp.Add):
        _expansion(len(b.args) ** int(x) if x < 12 else MAX_TERMS + 1)
        return sp.expand_multinomial(sp.Pow(b, x), deep=False)
    if x.is_Integer and 1 < x <= 4 and isinstance(b, sp.Sum):  # Σ² = Σ_{i,j}, a product
        return _merge_products(sp.Pow(b, x))
    if isinstance(b, sp.Mul) and (x.is_Integer or all(is_pos(f) for f in b.args)):
        if x.is_Integer or is_real(x):
            return sp.expand_mul(sp.Mul(*[_nf_pow(f, x) for f in b.args]), deep=False)
    return sp.Pow(b, x)


def _nf_log(a):
    if isinstance(a, sp.Mul) and all(is_pos(f) for f in a.args):
        return sp.Add(*[_nf_log(f) for f in a.args])
    if isinstance(a, sp.Pow) and is_pos(a.base) and is_real(a.exp):
        return sp.expand_mul(a.exp * _nf_log(a.base), deep=False)
    if isinstance(a, sp.exp) and is_real(a.args[0]):
        return a.args[0]
    if a == 1:
        return sp.Integer(0)
    return sp.log(a, evaluate=False)


def _exp(t):
    """exp of one term, built without SymPy's automatic (assumption-hungry) evaluation:
    exp 0 = 1, exp(c·log a) = a^c for an integer c."""
    if t == 0:
        return sp.Integer(1)
    c, rest = t.as_coeff_Mul()
    if isinstance(rest, sp.log) and c.is_Integer:
        return rest.args[0] ** c
    return sp.exp(t, evaluate=False)


def _leading_negative(t) -> bool:
    """Whether the canonically first term of ``t`` has a negative numeric coefficient."""
    first = sorted(sp.Add.make_args(t), key=sp.default_sort_key)[0]
    c, _ = first.as_coeff_Mul()
    return c.is_negative is True


def _nf_abs(t):
    if t == 0:
        return sp.Integer(0)
    if _leading_negative(t):
        t = sp.expand_mul(-t, deep=False)
    if t.is_Number:
        return abs(t)
    return sp.Abs(t, evaluate=False)


@_memo("binders")
def binders(e) -> int:
    """The nesting height of the canonically named index binders in ``e`` (0: none; the
    definitions inside named quantities are never renamed, so not searched)."""
    if e.is_Atom or not e.args or isinstance(e, (Named, sp.Indexed)):
        return 0
    h = max((binders(a) for a in e.args), default=0)
    vs = e.variables if isinstance(e, sp.Sum) else [e.var] if isinstance(e, _Over) else []
    for v in vs:
        if _canon(v):
            h = max(h, int(v.name.split("_")[2][1:]))
    return h


def _canon(v) -> bool:
    return isinstance(v, sp.Symbol) and v.name.startswith("_b")


def _bound(level: int, j: int) -> sp.Symbol:
    return sp.Symbol(f"_b_h{level}_{j}", integer=True)


def _depends(f, vs) -> bool:
    return bool(free_symbols_of(f) & set(vs))


def _nf_sum(e: sp.Sum):
    """Σ over e.limits (innermost first) of e.function, in normal form."""
    body = _nf(e.function)
    for lim in e.limits:
        body = _sum_one(body, lim[0], _nf(lim[1]), _nf(lim[2]))
    return body


def _sum_one(body, i, lo, hi):
    out = []
    for term in sp.Add.make_args(body):
        dep, free = [], []
        for f in sp.Mul.make_args(term):
            (dep if _depends(f, [i]) else free).append(f)
        if not dep:
            out.append(sp.Mul(*free) * (hi - lo + 1))
            continue
        limits = [(i, lo, hi)]
        inner = []
        for f in dep:  # a plain nested sum whose range is free of i joins this sum
            if isinstance(f, sp.Sum) and not any(
                _depends(a, [i]) for lim in f.limits for a in lim[1:]
            ):
                fresh = {v: _fresh(v) for v in f.variables}
                inner.append(rename(f.function, fresh))
                limits += [(fresh[lim[0]], lim[1], lim[2]) for lim in f.limits]
            else:
                inner.append(f)
        out.append(sp.Mul(*free) * _canonical_sum(sp.Mul(*inner), limits))
    return sp.Add(*out)


def _nf_integral(e: sp.Integral):
    """∫ over one variable: linear (∫(f + g) = ∫f + ∫g, ∫ c·f = c·∫ f for c free of t,
    ∫_a^b c dt = (b − a)·c); the integrand in normal form."""
    body = _nf(e.function)
    for t, a, b in e.limits:
        a, b = _nf(a), _nf(b)
        out = []
        for term in sp.Add.make_args(body):
            dep = [f for f in sp.Mul.make_args(term) if _depends(f, [t])]
            free = [f for f in sp.Mul.make_args(term) if not _depends(f, [t])]
            if not dep:
                out.append(sp.Mul(*free) * (b - a))
            else:
                out.append(sp.Mul(*free) * sp.Integral(sp.Mul(*dep), (t, a, b)))
        body = _dist(sp.Add(*out))
    return body


def _canonical_sum(body, limits):
    """Σ over ``limits`` of ``body``: factors free of every index pulled out, indices
    renamed canonically (the order of the indices chosen to give the smallest form)."""
    body = sp.expand_mul(body, deep=False)
    if isinstance(body, sp.Add):  # distributing the merged factors may split it again
        return sp.Add(*[_canonical_sum(t, limits) for t in body.args])
    vs = [lim[0] for lim in limits]
    free = [f for f in sp.Mul.make_args(body) if not _depends(f, vs)]
    dep = [f for f in sp.Mul.make_args(body) if _depends(f, vs)]
    used = [lim for lim in limits if _depends(sp.Mul(*dep), [lim[0]])]
    unused = [lim for lim in limits if lim not in used]
    factor = sp.Mul(*free) * sp.Mul(*[lim[2] - lim[1] + 1 for lim in unused])
    if not used:
        return factor * sp.Mul(*dep)
    level = binders(sp.Mul(*dep)) + 1
    best = None
    perms = itertools.permutations(used) if len(used) <= 5 else [tuple(used)]
    for perm in perms:
        tick()
        ren = {lim[0]: _bound(level, j) for j, lim in enumerate(perm)}
        cand = sp.Sum(rename(sp.Mul(*dep), ren), *[(ren[lim[0]], lim[1], lim[2]) for lim in perm])
        key = _skey(cand)
        if best is None or key < best[0]:
            best = (key, cand)
    return factor * best[1]


@_memo("key")
def _skey(e) -> str:
    """A structural key for choosing a canonical index order (named quantities by key and
    shown arguments: their definitions are never renamed)."""
    if isinstance(e, Named):
        return f"N({e.key};{_skey(e.args[2])})"
    if isinstance(e, sp.Symbol):
        return e.name
    if not e.args or (e.is_Atom and not isinstance(e, sp.Indexed)):
        return sp.srepr(e)
    return f"{type(e).__name__}(" + ",".join(_skey(a) for a in e.args) + ")"


def _nf_extremum(cls, body, i, lo, hi):
    """max/min over i of an Add: the part free of i pulled out; canonical sign and index."""
    terms = sp.Add.make_args(body)
    free = sp.Add(*[t for t in terms if not _depends(t, [i])])
    dep = sp.Add(*[t for t in terms if _depends(t, [i])])
    if dep == 0:
        return free
    sign = 1
    if all(t.as_coeff_Mul()[0].is_negative for t in sp.Add.make_args(dep)):
        sign, dep = -1, sp.expand_mul(-dep, deep=False)
        cls = MinOver if cls is MaxOver else MaxOver
    if isinstance(dep, sp.Mul):
        c, rest = dep.as_coeff_Mul()
        if c.is_positive and c != 1:
            return free + sign * c * _nf_extremum(cls, rest, i, lo, hi)
    level = binders(dep) + 1
    b = _bound(level, 0)
    return free + sign * cls(rename(dep, {i: b}), b, lo, hi)
