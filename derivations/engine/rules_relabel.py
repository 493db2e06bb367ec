"""The rule kernel's symmetry arguments (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): relabelling the patterns — a statement
proved for the first pattern of an arbitrary pattern set holds for every pattern — and WLOG
on a vector's entries (its maximum or minimum taken as the first entry, ``wlog``).

Notation: the instance's :class:`~theory.indexed.PatternSet` X = (x₁, …, x_N), entries
x[j, k] (pattern j, coordinate k), N its number of patterns; π_i the transposition of
patterns 1 and i; "a reduction" is Σ, max, min or LSE (SymPy ``Sum``, :class:`~theory.
indexed.MaxOver`, :class:`~theory.indexed.MinOver`, :class:`~theory.indexed.LseOver`).

Why it is sound. Every checked step holds for every value of its free symbols (under the
claim's hypotheses), the entries x[j, k] included: the premise S(X) holds for every pattern
set X, so S(π_i X) holds for every X and every i = 1 … N. The rule checks, on the premise
(named quantities unfolded), that S(π_i X) *is* S for pattern i: x₁ occurs only as rows
x[1, ·], which π_i turns into x[i, ·]; every other pattern occurs only as x[j, ·] with j
bound by a reduction over j = 2 … N or j = 1 … N whose term depends on j only through x[j,
·] (so the reduction is a symmetric function of the rows it runs over, and π_i maps the rows
2 … N onto the rows j ≠ i and the rows 1 … N onto themselves); nothing else in S depends on
the patterns (no other vector of length N, no other indexed quantity read at a pattern
index, no unknown symbol). The claim's hypotheses H, under which the steps hold, are read
the same way: the derivation proves H(X) ⇒ S(X) for every X, so H(π_i X) ⇒ S(π_i X), i.e.
the hypotheses for pattern i imply the statement for pattern i (hypotheses about the
patterns only through reductions over j = 1 … N are invariant, H(π_i X) = H(X)); the
checker compares the hypotheses for every pattern i with their numeric form too. A quantity
the claim defines as an iteration's limit x* = lim Fᵗ(x₀) (an ``IterationLimit``, which the
``banach`` rule reads through its definition rather than as a free vector) has its start x₀
and map F read alike: then x*(π_i X) is the limit from π_i's x₀ under π_i's F, the quantity
for pattern i (the checker compares x₀ and F for every pattern i too). A WLOG
step elsewhere in the derivation (another symmetry argument) is refused with it. The step's
relation is the premise; the checker then compares the statement, written out on π_i X at
small sizes, with the searched statement for each pattern i
(:func:`derivations.engine.checker.statement_agreement`).
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import normal as N
from derivations.engine.model import IterationLimit, Wlog
from derivations.engine.normal import same, unfold
from derivations.engine.rules import NotLicensed, _rule, _show, algebra, implies
from theory.indexed import MaxOver, MinOver, PatternSet, Size, Vec, _Over
from theory.matrix_norm import SpectralNorm

__all__ = ["relabel", "wlog"]

#: What the rule reads besides numbers, symbols, indexed entries, reductions and the
#: functions built from them: binding constructs it does not know are refused.
_BINDING = (sp.Derivative, sp.Integral, sp.Product, sp.Lambda, sp.Subs)


@_rule(
    build=lambda k, patterns="P", which="i": ((k,), {"patterns": patterns, "which": which}),
)
def relabel(ctx, rel, prem, patterns="P", which="i"):
    """The statement for every pattern by relabelling: S proved for the first pattern x₁ of an
    arbitrary pattern set X = (x₁, …, x_N) (the instance's PatternSet ``patterns``, its
    attribute ``which`` = 0 naming the first) holds for every pattern i — S at X with x₁ and
    xᵢ swapped, which is S with x₁ replaced by xᵢ and each reduction over j = 2…N by one over
    j ≠ i — when S (the premise) mentions x₁ only as rows x[1, ·] and the other patterns only
    inside Σ, max, min or LSE over j = 2…N or 1…N whose terms depend on j only through x[j,
    ·], and no other quantity indexed by patterns (a spectral norm of a matrix indexed by
    coordinates and an integral over a real variable are read through their entries and
    integrand; Kronecker's δ of two pattern indices is kept); the claim's hypotheses
    likewise (so the hypotheses for pattern i imply the statement for pattern i). The step
    is the premise; the checker compares the statement and the hypotheses for every pattern
    i with the searched ones."""
    (p,) = prem
    P = getattr(ctx.ns, patterns, None)
    if not isinstance(P, PatternSet):
        raise NotLicensed(f"the instance's {patterns!r} is not a pattern set (a PatternSet)")
    first = getattr(ctx.ns, which, None)
    if isinstance(first, bool) or not isinstance(first, (int, sp.Integer)) or first != 0:
        raise NotLicensed(
            f"the instance's {which!r} is {first!r}, not 0: the statement must name the "
            "first pattern"
        )
    if any(
        isinstance(s.by, Wlog) or getattr(s.by, "rule", None) == "wlog"
        for s in ctx.steps[: len(ctx.outcomes)]
    ):
        raise NotLicensed("the derivation makes a WLOG assumption; relabel does not compose it")
    if not implies(p, rel):
        raise NotLicensed("the step is not the premise (the statement for the first pattern)")
    reader = _Reader(P, ctx.ns)
    for r in (p.normal(), rel.normal()):
        _read_rel(reader, r)
    c = ctx.claim
    for h in list(c.hypotheses(ctx.ops, ctx.ns)) if c is not None and c.hypotheses else []:
        try:
            _read_rel(reader, h.normal())
        except NotLicensed as exc:
            raise NotLicensed(f"the hypothesis {h.text()} does not relabel: {exc}") from exc
    limits = []
    for name, lim in (c.defined or {}).items() if c is not None else ():
        if isinstance(lim, IterationLimit):  # its start and map relabel with the statement
            limits.append(name)
            try:
                for rel_ in lim.relations(ctx.ops, ctx.ns):
                    _read_rel(reader, rel_.normal())
            except NotLicensed as exc:
                raise NotLicensed(f"the definition of {name} does not relabel: {exc}") from exc
    x = _show(P.rho)
    hyps = (
        "the claim's hypotheses read alike, relabelled with it"
        if c is not None and c.hypotheses
        else "no hypotheses"
    )
    hyps += "".join(f", the start and map of {n} read alike" for n in limits)
    return (
        f"for every pattern i by relabelling (checked: {x}₁ only as rows {x}[1, ·], the other "
        f"patterns only in Σ/max/min/LSE over j = 2…N or 1…N with terms depending on j only "
        f"through {x}[j, ·], nothing else indexed by patterns, {hyps}): the statement for "
        f"pattern i is this one with {x}₁ → {x}ᵢ and j = 2…N → j ≠ i"
    )


def _read_rel(reader, r) -> None:
    free = {i for i, _, _ in r.ranges}
    for side in (r.lhs, r.rhs, *[b for _, lo, hi in r.ranges for b in (lo, hi)]):
        reader.read(unfold(sp.sympify(side), "*"), free, frozenset())


class _Reader:
    """Reads an expression (named quantities unfolded) and refuses what relabelling the
    patterns would not map to the statement for another pattern (see the module notes)."""

    def __init__(self, P: PatternSet, ns):
        self.x, self.N = P.rho, P.d
        # the instance's other vectors, by base: those of length N belong to the patterns
        self.vectors = {}
        self.symbols = set()
        for v in vars(ns).values():
            if isinstance(v, Vec) and v.base() is not None:
                self.vectors[v.base()] = v
            elif isinstance(v, sp.Symbol):
                self.symbols.add(v)

    def read(self, e, free, scope):
        """Refuse ``e`` unless relabelling maps it as the module notes say; ``free`` are the
        relation's own indices, ``scope`` the pattern indices bound around ``e``."""
        N.tick()
        x = self.x
        if isinstance(e, sp.Indexed):
            if e.base == x:
                return self._entry(e, free, scope)
            vec = self.vectors.get(e.base)
            if vec is None:
                raise NotLicensed(f"{_show(e)}: {e.base} is not a vector of the instance")
            if self.N in sp.sympify(vec.length).free_symbols:
                raise NotLicensed(
                    f"{_show(e)}: a vector whose length depends on N is not relabelled"
                )
            for a in e.indices:
                if sp.sympify(a).free_symbols & scope:
                    raise NotLicensed(f"{_show(e)} is read at a pattern index")
                self.read(sp.sympify(a), free, scope)
            return
        if isinstance(e, sp.IndexedBase):
            raise NotLicensed(f"{e} used as a whole")
        if isinstance(e, sp.Symbol):
            if e in scope:
                raise NotLicensed(f"a term depends on {e} otherwise than through {x}[{e}, ·]")
            if not (isinstance(e, Size) or e in self.symbols or e in free):
                raise NotLicensed(
                    f"{e} is neither a size, a parameter of the instance nor an index"
                )
            return
        if isinstance(e, (sp.Sum, _Over)):
            return self._reduction(e, free, scope)
        if isinstance(e, sp.KroneckerDelta) and set(e.args) <= scope:
            return  # δ of two pattern indices: a relabelling of the patterns keeps it
        if isinstance(e, SpectralNorm):  # the norm of a matrix indexed by coordinates
            (r, c), entry = e.entry.variables, e.entry.expr
            for size in e.shape:
                if self.N in sp.sympify(size).free_symbols:
                    raise NotLicensed(f"{_show(e)}: a matrix indexed by the patterns")
                self.read(sp.sympify(size), free, scope)
            return self.read(entry, free | {r, c}, scope)
        if isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3:
            lam, lo, hi = e.limits[0]  # a real variable of integration
            for b in (lo, hi):
                self.read(b, free, scope)
            return self.read(e.function, free | {lam}, scope)
        if isinstance(e, _BINDING):
            raise NotLicensed(f"{type(e).__name__}: relabel reads Σ, max, min and LSE only")
        for a in e.args:
            self.read(a, free, scope)

    def _entry(self, e, free, scope):
        if len(e.indices) != 2:
            raise NotLicensed(f"{_show(e)} is not an entry x[j, k] of the patterns")
        j, k = (sp.sympify(a) for a in e.indices)
        if not (j in scope or j == 1):
            raise NotLicensed(
                f"{_show(e)}: a pattern other than the first outside a reduction over "
                "j = 2…N or 1…N"
            )
        if k.free_symbols & scope:
            raise NotLicensed(f"{_show(e)}: the coordinate depends on a pattern index")
        self.read(k, free, scope)

    def _reduction(self, e, free, scope):
        if isinstance(e, sp.Sum):
            (v, lo, hi), inner = e.limits[-1], e.limits[:-1]
            body = sp.Sum(e.function, *inner) if inner else e.function
        else:
            body, v, lo, hi = e.args
        for b in (lo, hi):
            self.read(b, free, scope)
        pattern = any(
            isinstance(t, sp.Indexed) and t.base == self.x and t.indices[0] == v
            for t in sp.preorder_traversal(body)
        )
        inside = scope - {v}
        if pattern:
            ok = [(1, self.N), (2, self.N)]
            if not any(lo == a and hi == b for a, b in ok):
                raise NotLicensed(
                    f"a reduction over the patterns {v} = {_show(lo)}…{_show(hi)}, not over "
                    + "2…N or 1…N"
                )
            inside = inside | {v}
        self.read(body, free - {v} if pattern else free | {v}, inside)


# ------------------------------------------------------------ WLOG on a vector's entries


@_rule(build=lambda key, general=None: ((), {"key": key, "general": general}))
def wlog(ctx, rel, prem, key, general=None):
    """Without loss of generality the maximum (or minimum) of the vector ``key`` is its first
    entry: the claim's statement and hypotheses are invariant under every permutation of
    ``key``'s entries. At symbolic size: the step is maxᵢ zᵢ = z₁ (or minᵢ zᵢ = z₁) and the
    statement depends on z only through reductions over its whole range whose terms depend
    on the index only through zᵢ, or through the spectral norm of an m × m matrix whose entry
    [r, c] depends on r and c only through z_r, z_c and δ_rc (permuting z maps the matrix A to
    PAPᵀ); once per vector. At fixed sizes: invariance under a
    transposition and a cycle, the step checked as algebra."""
    from derivations.engine.indexed_ops import ops_for

    c = ctx.claim
    if c is None:
        raise NotLicensed("a WLOG step needs the claim it belongs to")
    if any(
        getattr(s.by, "key", None) == key or dict(getattr(s.by, "args", ())).get("key") == key
        for s in ctx.steps[: len(ctx.outcomes)]
    ):
        raise NotLicensed(f"a second WLOG on {key}")
    if general is not None:
        return _wlog_fixed(ctx, rel, key, general)
    z = getattr(ctx.ns, key, None)
    if not isinstance(z, Vec) or z.base() is None:
        raise NotLicensed(f"{key} is not a named vector of the instance")
    rels = list(c.statement(ops_for(ctx.ns), ctx.ns))
    rels += list(c.hypotheses(ops_for(ctx.ns), ctx.ns)) if c.hypotheses else []
    for r in rels:
        for side in (r.lhs, r.rhs):
            _symmetric_in(unfold(sp.sympify(side), "*"), z)
    n = rel.normal()
    first = z[sp.Integer(1)]
    for cls in (MaxOver, MinOver):
        want = cls(z.body, z.var, 1, z.length)
        if n.op == "==" and (
            same(n.lhs, want) and same(n.rhs, first) or same(n.rhs, want) and same(n.lhs, first)
        ):
            return f"the statement is symmetric in {key}; permute its entries"
    raise NotLicensed(f"the step is not max {key} = {key}₁ or min {key} = {key}₁")


def _symmetric_in(e, z: Vec) -> None:
    """``e`` depends on z only through reductions over all of z whose terms depend on the
    index only through zᵢ (so permuting z's entries leaves ``e`` unchanged)."""
    base, m = z.base(), z.length
    if isinstance(e, sp.Indexed) and e.base == base:
        raise NotLicensed(f"{_show(e)} appears outside a reduction over all of {base}")
    if isinstance(e, SpectralNorm) and e.has(base):
        # A[r, c] = g(z_r, z_c, δ_rc, symmetric terms): permuting z permutes the rows and the
        # columns alike (A ↦ PAPᵀ, δ is invariant), which leaves the spectral norm unchanged
        (r, c), entry = e.entry.variables, e.entry.expr
        if not (same(e.shape[0], m) and same(e.shape[1], m)):
            raise NotLicensed(f"a {_show(e.shape[0])} × {_show(e.shape[1])} matrix, not m × m")
        t = [sp.Dummy("t") for _ in range(3)]
        entry = unfold(entry, "*").xreplace(
            {
                base[r]: t[0],
                base[c]: t[1],
                sp.KroneckerDelta(r, c): t[2],
                sp.KroneckerDelta(c, r): t[2],
            }
        )
        if {r, c} & entry.free_symbols:
            raise NotLicensed("an entry depends on its row or column otherwise than through z")
        _symmetric_in(entry, z)
        return
    if isinstance(e, (sp.Sum, _Over)) and e.has(base):
        body = e.function if isinstance(e, sp.Sum) else e.body
        lims = e.limits if isinstance(e, sp.Sum) else [(e.var, e.args[2], e.args[3])]
        for i, lo, hi in lims:
            if not body.has(base[i]):
                continue
            if not (same(lo, 1) and same(hi, m)):
                raise NotLicensed(f"a reduction over {lo}…{hi}, not all of {base}")
            body = body.xreplace({base[i]: sp.Dummy("t")})
            if i in body.free_symbols:
                raise NotLicensed(f"a term depends on {i} otherwise than through {base}ᵢ")
        _symmetric_in(body, z)
        return
    for a in e.args:
        _symmetric_in(a, z)


def _wlog_fixed(ctx, rel, key, general) -> str:
    base = ctx.claim.statement(ctx.ops, general)
    vec = list(getattr(general, key))
    for perm in (vec[1:] + vec[:1], [vec[1], vec[0]] + vec[2:] if len(vec) > 1 else vec):
        g2 = SimpleNamespace(**{**vars(general), key: perm})
        for r1, r2 in zip(base, ctx.claim.statement(ctx.ops, g2), strict=True):
            a, b = r1.normal(), r2.normal()
            if not (a.op == b.op and same(a.lhs, b.lhs) and same(a.rhs, b.rhs)):
                raise NotLicensed(f"statement is not symmetric in {key}")
    how = algebra.fn(ctx, rel, [])
    return f"statement symmetric in {key}; " + how
