"""The derivation checker: every step re-checked by the rule kernel, at every listed size.

:func:`check_derivation` runs a claim's derivation on each of its ``derivation_sizes()``:
a namespace of **symbolic size** (:mod:`theory.indexed`: vectors of length m, patterns of
symbolic d and n) is checked once for every size; a namespace of fixed size (lists of
symbols) only at that size. The steps are listed once with every size they were checked at;
a size whose steps give other reasons than every size before (a separate case, e.g. d = 1
beside every d ≥ 2) has its steps listed after them, numbered on, and later sizes with the
same reasons are merged into those. The sizes must reach every value of a plain size the
claim's displayed namespace states (:func:`~derivations.engine.size_words.uncovered`).
Each step goes through :func:`derivations.engine.kernel.check_step` (the only place a step
becomes *checked*, under a deterministic work budget); the checked steps must conclude every
relation of the claim's statement.

At symbolic size the statement is written through :class:`~derivations.engine.indexed_ops.
IndexedOps`; before the result may say "all sizes", that statement is written out at two
numeric sizes and compared, at random rational points (30 digits), with the statement the
counterexample search evaluates — so the formula proven is the formula tested. A
derivation concluded by the kernel's ``relabel`` rule (a statement about the first pattern,
for every pattern by relabelling) must conclude every relation of the statement that way,
and the comparison is made for every pattern i: the statement written out on the patterns
with rows 1 and i swapped against the searched statement for pattern i. A derivation whose
instance singles out the first pattern (``i`` = 0 beside a pattern set) without a relabel
step is derived for that pattern only: never complete.

The result (cached by :mod:`derivations.engine.cache`): ``steps`` (each with ``latex``,
``text``, ``lhs_latex``, ``rhs_latex``, ``op``, ``why``, ``rule``, ``premises``,
``cites``, ``checked``, ``status``, ``how``, ``where``, ``identity``, ``work``),
``complete``, ``cites``, ``sizes``, ``scope`` ("all sizes" or "fixed sizes"),
``sizes_text``, ``agreement``, ``finished`` (False when some step ran out of budget).
"""

from __future__ import annotations

import dataclasses
import random
from types import SimpleNamespace

import sympy as sp

from derivations.engine.indexed_ops import INDEXED, ops_for, symbolic
from derivations.engine.kernel import WORK_BUDGET, check_step, run_budgeted, run_steps
from derivations.engine.model import Claim, IterationLimit, Rel, _cited_ids
from derivations.engine.render import latex, rel_latex, rel_text
from derivations.engine.rules import implies
from derivations.engine.size_words import compact_sizes, size_text, uncovered
from theory.indexed import PatternSet, Size, Vec, expand_sizes, sizes_in, subst

__all__ = [
    "check_derivation",
    "check_step",
    "size_text",
    "compact_sizes",
    "uncovered",
    "statement_agreement",
    "WORK_BUDGET",
]

_ = check_step  # re-exported


def _step_record(k: int, step, outcome, claim: Claim | None, registry, where: str) -> dict:
    r = step.rel
    lhs, rhs = latex(r.lhs), latex(r.rhs)
    cids = [claim.resolve(c, registry) if claim else c for c in _cited_ids(step.by)]
    identity = lhs == rhs
    how = outcome.how + ("; both sides print alike: an identity" if identity else "")
    return {
        "latex": rel_latex(r),
        "text": rel_text(r),
        "lhs_latex": lhs,
        "rhs_latex": rhs,
        "op": r.op,
        "why": step.why,
        "rule": outcome.rule,
        "premises": [p + 1 for p in outcome.premises],
        "cites": ", ".join(cids) or None,
        "checked": outcome.checked,
        "status": outcome.status,
        "how": how,
        "where": where,
        "identity": identity,
        "work": outcome.work,
    }


def _conclusion_record(r: Rel, where: str, how: str) -> dict:
    return {
        "latex": rel_latex(r),
        "text": rel_text(r),
        "lhs_latex": latex(r.lhs),
        "rhs_latex": latex(r.rhs),
        "op": r.op,
        "why": "conclusion",
        "rule": "conclusion",
        "premises": [],
        "cites": None,
        "checked": False,
        "status": "not confirmed",
        "how": how,
        "where": where,
        "identity": False,
        "work": 0,
    }


def with_step(claim: Claim, k: int, change) -> Claim:
    """``claim`` with step ``k`` of its derivation replaced by ``change(step)``, at every
    size: for tests that a derivation with a wrong step is not checked."""

    def derivation(o, v):
        steps = list(claim.derivation(o, v))
        steps[k] = change(steps[k])
        return steps

    return dataclasses.replace(claim, derivation=derivation)


def check_derivation(claim: Claim, registry: dict, budget: int | None = None) -> dict:
    """Check every step on every derivation size; the steps must conclude the claim."""
    out = {
        "steps": [],
        "complete": False,
        "cites": [],
        "sizes": 0,
        "scope": "fixed sizes",
        "sizes_text": "",
        "agreement": "",
        "finished": True,
        "work": 0,
    }
    if claim.derivation is None or claim.derivation_sizes is None:
        return out
    sizes = list(claim.derivation_sizes())
    all_ok, finished, any_symbolic = bool(sizes), True, False
    shown: list[dict] = []
    groups: dict[tuple, int] = {}  # the steps' reasons → where that derivation is listed
    cites: set[str] = set()
    agreement, work = [], 0
    for v in sizes:
        ops = ops_for(v)
        where = size_text(v)
        steps = list(claim.derivation(ops, v))
        ctx = run_steps(claim, registry, ops, v, steps, budget)
        whys = tuple(s.why for s in steps)
        own = whys not in groups  # other reasons than every size before: listed on its own
        base = groups.setdefault(whys, len(shown))  # where its steps are (numbered on)
        for k, (s, o) in enumerate(zip(steps, ctx.outcomes)):
            work += o.work
            finished = finished and o.status != "not decided within budget"
            all_ok = all_ok and o.checked
            cites |= {claim.resolve(c, registry) for c in _cited_ids(s.by)}
            if own:
                rec = _step_record(k, s, o, claim, registry, where)
                rec["premises"] = [p + base for p in rec["premises"]]
                shown.append(rec)
            elif base + k < len(shown):
                if o.checked:
                    shown[base + k]["where"] += f"; {where}"
                else:
                    shown[base + k]["checked"] = False
                    shown[base + k]["status"] = o.status
                    shown[base + k]["how"] += f"; at {where}: {o.how}"
        for r in claim.statement(ops, v):
            res = run_budgeted(lambda r=r, s=steps, c=ctx: _concluded(r, s, c.outcomes), budget)
            if res is None or not res[0]:
                all_ok = False
                finished = finished and res is not None
                shown.append(
                    _conclusion_record(
                        r,
                        where,
                        (
                            "not decided within budget"
                            if res is None
                            else "not confirmed: no checked step derives this part of the statement"
                        ),
                    )
                )
        if symbolic(v):
            key, missing = _relabelling(claim, ops, v, steps, ctx.outcomes, budget)
            if key is None and _names_first_pattern(v):
                why = (
                    "the derivation is for the first pattern (its instance's i = 0) and no "
                    "relabel step carries it to every pattern: derived for the first pattern only"
                )
                missing = [(r, why) for r in claim.statement(ops, v)]
            for r, why in missing:
                all_ok = False
                shown.append(_conclusion_record(r, where, f"not confirmed: {why}"))
            msg = statement_agreement(claim, v, relabel=key)
            if msg.startswith("differs"):
                all_ok = False
                for r in claim.statement(ops, v):
                    rec = _conclusion_record(r, where, f"not confirmed: {msg}")
                    rec["why"] = "the statement at symbolic size is the one searched"
                    shown.append(rec)
            agreement.append(msg)
            any_symbolic = True
    gap = uncovered(claim, sizes) if any_symbolic else ""
    if gap:
        all_ok = False
        for r in claim.display_relations() or [Rel(0, "<=", 0)]:
            rec = _conclusion_record(r, "the claim's sizes", f"not confirmed: {gap}")
            rec["why"] = "the derivation's sizes must cover the sizes the claim states"
            shown.append(rec)
    for rec in shown:
        rec["where"] = compact_sizes(rec["where"].split("; "))
    out.update(
        steps=shown,
        complete=all_ok,
        cites=sorted(cites),
        sizes=len(sizes),
        scope="all sizes" if all_ok and any_symbolic else "fixed sizes",
        sizes_text=compact_sizes([size_text(v) for v in sizes]),
        agreement="; ".join(agreement),
        finished=finished,
        work=work,
    )
    return out


def _relabelling(claim: Claim, ops, v, steps, outcomes, budget) -> tuple:
    """((patterns, which), missing) when checked steps of the kernel's ``relabel`` rule
    conclude the statement for every pattern: the instance's pattern set and the attribute
    naming the pattern, and the parts of the statement no relabel step concludes (with why);
    (None, []) when the derivation has no checked relabel step."""
    from derivations.engine.kernel import as_use

    done = [
        (dict(as_use(s.by).args), s)
        for s, o in zip(steps, outcomes)
        if o.checked and o.rule == "relabel"
    ]
    if not done:
        return None, []
    keys = sorted({(a["patterns"], a["which"]) for a, _ in done})
    rels = list(claim.statement(ops, v))
    if len(keys) > 1:
        return keys[0], [(r, f"relabel steps name different patterns: {keys}") for r in rels]
    missing = []
    for r in rels:
        res = run_budgeted(
            lambda r=r: _concluded(r, [s for _, s in done], [_CHECKED] * len(done)), budget
        )
        if res is None:
            missing.append((r, "not decided within budget (which relabel step concludes this)"))
        elif not res[0]:
            missing.append(
                (
                    r,
                    "the derivation relabels the patterns, but no relabel step concludes this "
                    "part of the statement: it is derived for the first pattern only",
                )
            )
    return keys[0], missing


_CHECKED = SimpleNamespace(checked=True)


def _names_first_pattern(v) -> bool:
    """Whether the instance singles out the first pattern of a pattern set (an attribute
    ``i`` = 0 beside a :class:`~theory.indexed.PatternSet`, as the kernel's ``relabel`` rule
    reads it): its statement is then about that pattern only."""
    i = getattr(v, "i", None)
    named = isinstance(i, (int, sp.Integer)) and not isinstance(i, bool) and i == 0
    return named and any(isinstance(x, PatternSet) for x in vars(v).values())


def _concluded(r: Rel, steps, outcomes) -> bool:
    """Some checked step implies ``r`` (the same relation written alike is tried first)."""
    done = [s.rel for s, o in zip(steps, outcomes) if o.checked]
    n = r.normal()
    key = (n.lhs, n.op, n.rhs, n.over)
    if any((d.lhs, d.op, d.rhs, d.over) == key for d in (x.normal() for x in done)):
        return True
    return any(implies(d, r) for d in reversed(done))


# --------------------------------------------------------- statement at symbolic size


class _Entries:
    """Values for the entries of every IndexedBase (z[3], ρ[2, 1], …): fixed random
    rationals, as SymPy Floats (``numeric``) or as fresh symbols bound to those values."""

    def __init__(self, rng: random.Random, numeric: bool):
        self._rng, self.numeric = rng, numeric
        self.values: dict = {}
        self._cache: dict = {}

    def __contains__(self, base) -> bool:
        return isinstance(base, sp.IndexedBase)

    def value(self, key):
        if key not in self.values:
            self.values[key] = sp.Rational(self._rng.randint(-40, 40), 20)
        return self.values[key]

    def __getitem__(self, base):
        def entry(*idx):
            key = (base, idx)
            val = self.value(key)
            if self.numeric:
                return sp.Float(val, 30)
            if key not in self._cache:
                name = f"{base.label}_" + "_".join(str(j) for j in idx)
                self._cache[key] = sp.Symbol(name, real=True)
            return self._cache[key]

        return entry

    def point(self) -> dict:
        """{symbol: value} for the symbolic entries handed out."""
        return {sym: self.values[key] for key, sym in self._cache.items()}


def _mp_instance(v, values: dict, entries: _Entries):
    """A namespace field at numeric sizes, as mpmath numbers (what the search evaluates)."""

    def num(e):
        return _mp(sp.sympify(e).xreplace(entries.point()))

    if isinstance(v, Vec):
        m = int(expand_sizes(v.length, values, entries))
        return [num(expand_sizes(v[sp.Integer(j)], values, entries)) for j in range(1, m + 1)]
    if isinstance(v, PatternSet):
        d, n = (int(expand_sizes(s, values, entries)) for s in (v.d, v.n))
        return [[num(entries[v.rho](i, k)) for k in range(1, n + 1)] for i in range(1, d + 1)]
    if isinstance(v, sp.Basic):
        return num(expand_sizes(v, values, entries))
    return v


def _mp(e):
    import mpmath

    e = sp.sympify(e)
    if e.has(sp.Integral):  # definite integrals by mpmath's quadrature (SymPy's is slow)
        e = e.replace(lambda x: isinstance(x, sp.Integral), _quad)
    return mpmath.mpf(sp.Float(sp.N(e, 30), 30))


def _quad(integral: sp.Integral):
    """A definite integral over one variable with numeric limits, by mpmath.quad at 30
    digits (the integrand evaluated through lambdify)."""
    import mpmath

    (t, a, b) = integral.limits[0]
    f = sp.lambdify(t, integral.function.doit(), "mpmath")
    with mpmath.workdps(30):
        return sp.Float(mpmath.quad(f, [mpmath.mpf(sp.N(a, 30)), mpmath.mpf(sp.N(b, 30))]), 30)


def _written_out(rels, values, entries) -> list[Rel]:
    """The relations at numeric sizes, a quantified one once per index value (several
    ranges: the first outermost, as the fixed-size statements list them)."""
    out = []
    for r in rels:
        r = r.normal()
        points = [{}]
        for i, lo, hi in r.ranges:
            lo, hi = (int(expand_sizes(b, values, entries)) for b in (lo, hi))
            points = [{**pt, i: sp.Integer(j)} for pt in points for j in range(lo, hi + 1)]
        for rep in points:
            out.append(
                Rel(
                    expand_sizes(subst(r.lhs, rep), values, entries),
                    r.op,
                    expand_sizes(subst(r.rhs, rep), values, entries),
                )
            )
    return out


class _Relabelled:
    """The entries of ``entries`` with the patterns a and b of the pattern base swapped: the
    pattern set X relabelled (its rows a and b exchanged), every other base unchanged."""

    def __init__(self, entries: _Entries, base, a: int, b: int):
        self._entries, self._base, self._swap = entries, base, {a: b, b: a}

    def __contains__(self, base) -> bool:
        return base in self._entries

    def __getitem__(self, base):
        get = self._entries[base]
        if base != self._base:
            return get
        return lambda j, *rest: get(self._swap.get(j, j), *rest)


def statement_agreement(
    claim: Claim, ns: SimpleNamespace, relabel: tuple | None = None, same_for_all: bool = False
) -> str:
    """Whether the statement at symbolic size, written out at two numeric sizes, equals the
    statement the search evaluates there (mpmath, 30 digits, both sides, at random rational
    entries): "agrees … at …" or "differs at …".

    A quantity the claim defines as an iteration's limit (an
    :class:`~derivations.engine.model.IterationLimit` in ``claim.defined``) has its start x₀
    and its map F (at the instance's state ``x``) compared the same way ("differs in the
    definition …"): the F a derivation reads is the one the search iterates.

    A claim's ``hypotheses`` (what its derivation may assume) are compared the same way with
    their numeric form on the written-out instance ("differs in the hypotheses …"); the
    statement is then evaluated on that instance with the attribute ``assume_hypotheses`` =
    True, on which a statement that applies its hypotheses itself (a vacuous relation where
    they fail) states the bare relation.

    ``relabel = (patterns, which)`` (a derivation concluded by the kernel's ``relabel``
    rule: the statement names the first pattern of the pattern set ``ns.<patterns>``): at
    each size and for every pattern i, the statement written out on the patterns with rows 1
    and i swapped is compared with the searched statement for pattern i (the instance's
    attribute ``which`` = i − 1, 0-based), on the same random entries. For a claim about
    every pattern at once (:attr:`Claim.over_patterns`): with ``"all"``, the written-out
    statements for patterns 1, 2, … in turn are compared, as one list, with the searched
    statement (its hypotheses likewise); with ``"min"``, each searched relation with the
    minima over the patterns of the written-out sides (its hypotheses with those for every
    pattern i, one by one: ``same_for_all``, the searched hypotheses evaluated once, on the
    instance's own pattern, so they must not depend on i)."""
    import mpmath

    P, which = (getattr(ns, relabel[0]), relabel[1]) if relabel else (None, None)
    sizes = sizes_in(ns)
    trials = [{s: s.at_least for s in sizes}, {s: s.at_least + 1 for s in sizes}]
    rng = random.Random(12345)
    shown = []
    sym_rels = claim.statement(INDEXED, ns)
    if claim.hypotheses and claim.hypotheses(INDEXED, ns):  # the derivation may assume them
        as_statement = dataclasses.replace(  # already filled: ``defined`` checked below
            claim, statement=claim.hypotheses, hypotheses=None, defined=None
        )
        same = claim.over_patterns == "min"  # the same for every pattern: one by one
        if same:
            as_statement = dataclasses.replace(as_statement, over_patterns=None)
        msg = statement_agreement(as_statement, ns, relabel, same_for_all=same)
        if msg.startswith("differs"):
            return msg.replace("differs", "differs in the hypotheses", 1)
    for name, lim in (claim.defined or {}).items():  # an iteration's map and start, as read
        if isinstance(lim, IterationLimit):  # by the kernel's banach rule
            as_def = dataclasses.replace(
                claim, statement=lim.relations, hypotheses=None, defined=None
            )
            msg = statement_agreement(as_def, ns, relabel)
            if msg.startswith("differs"):
                return msg.replace("differs", f"differs in the definition of {name} (x₀, F)", 1)
    numeric = not any(sp.sympify(x).has(sp.Derivative) for r in sym_rels for x in (r.lhs, r.rhs))
    scalars = [x for x in vars(ns).values() if isinstance(x, sp.Symbol) and not isinstance(x, Size)]
    for values in trials:
        entries = _Entries(rng, numeric)
        point = {s: sp.Rational(rng.randint(1, 19), 20) for s in scalars}
        at = ", ".join(f"{s} = {values[s]}" for s in sizes)
        with mpmath.workdps(30):
            try:
                conc = SimpleNamespace(
                    **{
                        k: _mp_instance(v, {**values, **point}, entries)
                        for k, v in vars(ns).items()
                    }
                )
            except Exception as exc:  # noqa: BLE001 - reported, never assumed
                return f"differs: cannot write the statement out ({type(exc).__name__}: {exc})"
            patterns = range(int(values[P.d])) if P is not None else [None]
            if P is not None and claim.over_patterns:  # every pattern at once
                patterns = [tuple(patterns)]
            for i in patterns:
                where = at if i is None or isinstance(i, tuple) else f"{at}, pattern i = {i + 1}"
                pick = None if same_for_all else which  # else: the instance's own pattern
                msg = _agree_at(claim, conc, sym_rels, {**values, **point}, entries, pick, i, P)
                if msg:
                    return f"differs at {where}: {msg}"
        shown.append(at)
    every = " for every pattern i (the patterns relabelled)" if P is not None else ""
    if P is not None and claim.over_patterns:
        every = {
            "all": ", the conjunction of the statements for every pattern i",
            "min": ", the minima over every pattern i of the sides of the statement for i",
        }[claim.over_patterns] + " (the patterns relabelled)"
    return f"agrees with the searched statement (mpmath, random entries){every} at " + "; ".join(
        shown
    )


def _agree_at(claim, conc, sym_rels, values, entries, which, i, P) -> str:
    """What differs between the searched statement on ``conc`` (for pattern i + 1 when i is
    an int) and the symbolic one written out (on the patterns with rows 1 and i + 1
    swapped; for a tuple of patterns, a claim about every pattern at once,
    :attr:`Claim.over_patterns`: the written-out statements for each pattern of the tuple
    in turn, or the minima over them of each relation's sides, compared with the searched
    statement once); the empty string when they agree."""
    import mpmath

    from derivations.engine.backends import MP

    js = i if isinstance(i, tuple) else (i,)
    try:
        each = isinstance(i, int) and not isinstance(i, bool) and which is not None
        here = SimpleNamespace(**{**vars(conc), which: i}) if each else conc
        if claim.hypotheses:  # the statement under hypotheses compared on their own
            here = SimpleNamespace(**vars(here), assume_hypotheses=True)
        on = lambda j: entries if not j else _Relabelled(entries, P.rho, 1, j + 1)  # noqa: E731
        want = [r.normal() for r in claim.statement(MP, here)]
        per = [_written_out(sym_rels, values, on(j)) for j in js]
    except Exception as exc:  # noqa: BLE001 - reported, never assumed
        return f"cannot write the statement out ({type(exc).__name__}: {exc})"
    pt = entries.point()
    try:
        want = [(a.op, mpmath.mpf(a.lhs), mpmath.mpf(a.rhs)) for a in want]
        per = [[(g.op, _value(g.lhs, pt), _value(g.rhs, pt)) for g in rels] for rels in per]
    except (TypeError, ValueError) as exc:
        return f"cannot evaluate both sides ({exc})"
    if isinstance(i, tuple) and claim.over_patterns == "min":  # sides' minima over patterns
        got = [(rs[0][0], min(r[1] for r in rs), min(r[2] for r in rs)) for rs in zip(*per)]
    else:
        got = [g for rels in per for g in rels]
    if len(want) != len(got) or any(a[0] != b[0] for a, b in zip(want, got)):
        return "other relations"
    for a, b in zip(want, got):
        for vx, vy in zip(a[1:], b[1:]):
            if abs(vx - vy) > mpmath.mpf(10) ** -20 * (1 + abs(vx) + abs(vy)):
                return f"{mpmath.nstr(vx, 12)} vs {mpmath.nstr(vy, 12)}"
    return ""


def _value(e, pt):
    """A written-out side at the random point, as an mpmath number."""
    return _mp(sp.sympify(e).xreplace(pt).doit() if pt else e)


# ------------------------------------------------ exact zero test used by the search
# (derivations.engine.search imports it for exact SymPy *numbers*; not part of the rule
# kernel, which never calls it: it is the previous checker's test, kept unchanged so that
# the search's exact-equality decisions do not move)

_PIECEWISE_MAX_OPS = 40  # rewriting Max/Min as Piecewise explodes beyond this size


def _piecewise(t):
    if t.has(sp.Max, sp.Min) and sp.count_ops(t) <= _PIECEWISE_MAX_OPS:
        return sp.piecewise_fold(t.rewrite(sp.Piecewise))
    return t


def _exp_ratio(t):
    """exp(t) − 1: zero iff t is (t real); turns log-of-sum identities into polynomial ones."""
    if not t.is_extended_real:
        return t
    return sp.simplify(sp.expand(sp.exp(sp.expand_log(t.rewrite(sp.log), force=True)))) - 1


def _is_zero(e) -> bool | None:
    """Whether the exact number ``e`` is 0 (True/False), or None when SymPy cannot tell."""
    e = sp.sympify(e)
    if e == 0:
        return True
    try:
        if sp.expand(e) == 0:
            return True
    except Exception:  # noqa: BLE001
        pass
    for f in (
        lambda t: t,
        lambda t: t.rewrite(sp.log),
        lambda t: sp.expand_log(t.rewrite(sp.log), force=True),
        _piecewise,
        _exp_ratio,
    ):
        try:
            s = sp.simplify(f(e))
        except Exception:  # noqa: BLE001 - SymPy may fail on exotic forms; try the next
            continue
        if s == 0:
            return True
        if s.is_nonzero:
            return False
    return None
