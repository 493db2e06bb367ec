"""The counterexample search: Hypothesis over a claim's domain, every instance judged with
certified ball arithmetic.

:func:`judge` evaluates the claim's statement in the arb back end
(:class:`~derivations.engine.arb_backend.ArbOps`: every side a ball guaranteed to contain
its true value) and decides each relation from the ball of rhs − lhs, raising the precision
64 → 128 → … → 4096 bits until the ball excludes the boundary. A ball that keeps 0 inside
is an equality case (or a slack below the precision): it is decided *exactly* on the
rational instance (floats are exact binary rationals) by the exact back end
(:mod:`derivations.engine.exact_backend`; after 64 bits for ``==``, 256 for inequalities)
or, for words it lacks, the SymPy statement's exact normal form
(:mod:`derivations.engine.exact`; after 512 bits) — an
equality holds ``==`` and ``≤`` and fails ``<``. What none decides is *undecided*:
counted, reported, never guessed. No tolerance constant is involved.

The search steers toward the largest violation with ``hypothesis.target`` and shrinks what
it finds; every instance it counts is judged (``trials == judged`` is checked). The torch
twin (:mod:`derivations.engine.twin`) runs on the same instances when asked.
"""

from __future__ import annotations

import contextlib
import math

import flint
import hypothesis
import sympy as sp
from hypothesis import HealthCheck, Phase, given, settings

from derivations.engine.arb_backend import ARB, _arb
from derivations.engine.arb_sympy import NotCertifiable, arb_eval
from derivations.engine.backends import SYM
from derivations.engine.certify import PRECISIONS, Certified, enclosure_strings, sign
from derivations.engine.exact import NotDecidable, exact_sign
from derivations.engine.exact_backend import EXACT, exact_sign_any
from derivations.engine.instance import Instance
from derivations.engine.model import Claim, EngineError, Rel

__all__ = ["judge", "search", "PRECISIONS", "EXACT_AFTER", "SYMPY_AFTER"]

_FLIP = {">=": "<=", ">": "<"}
#: After this precision (bits) an equality whose ball still contains 0 is tried exactly by
#: the exact back end (an inequality after EXACT_AFTER_INEQ: usually more bits decide it);
#: after SYMPY_AFTER by the SymPy statement (slower, for words without an exact version).
EXACT_AFTER = 64
EXACT_AFTER_INEQ = 256
SYMPY_AFTER = 512
#: The SymPy route's deterministic work budget: Python function calls counted while the
#: exact SymPy statement is built and its signs decided (SymPy's cache emptied first, so the
#: count is the same in any process, at any load). Past it the instance stays undecided.
SYMPY_CALLS = 2_000_000
#: ... and its largest working precision (bits) for an exponential: SymPy evaluates e^y at
#: a precision that grows with |log2 y|, so e^(e^x) for a large x would take hours.
SYMPY_PREC = 16_384


class SympyBudgetSpent(BaseException):  # noqa: N818 - SymPy code catches Exception
    """The SymPy route spent :data:`SYMPY_CALLS`."""


def _counted(fn, *args):
    """``fn(*args)`` with every Python call counted; :class:`SympyBudgetSpent` past
    :data:`SYMPY_CALLS` calls or for an exponential SymPy evaluates beyond
    :data:`SYMPY_PREC` bits (deterministic bounds: the same on any machine, at any load)."""
    import sys

    from sympy.core.cache import clear_cache

    clear_cache()
    left = [SYMPY_CALLS]

    def tracer(frame, event, arg):
        left[0] -= 1
        if left[0] < 0:
            raise SympyBudgetSpent
        return None

    from mpmath.libmp import libelefun

    series = libelefun.exponential_series  # every mpmath exponential at high precision

    def bounded_series(x, prec, *rest):  # SymPy raises the precision by |log2 y| for e^y
        if prec > SYMPY_PREC:
            raise SympyBudgetSpent
        return series(x, prec, *rest)

    old = sys.gettrace()
    sys.settrace(tracer)
    libelefun.exponential_series = bounded_series
    try:
        return fn(*args)
    finally:
        sys.settrace(old)
        libelefun.exponential_series = series


class _Violation(Exception):
    pass


def _sides_arb(claim: Claim, inst: Instance, prec: int, sym_cache: dict) -> list:
    """[(relation as written, lhs ball, rhs ball)] at ``prec`` bits.

    Words without an arb implementation: the SymPy statement on the exact instance,
    enclosed by :func:`~derivations.engine.arb_sympy.arb_eval`.
    """
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        if not sym_cache.get("no_arb"):
            try:
                rels = claim.statement(ARB, ARB.load(inst))
                return [(r, _arb(r.lhs), _arb(r.rhs)) for r in rels]
            except AttributeError as exc:
                if "has no arb implementation" not in str(exc):
                    raise
                sym_cache["no_arb"] = str(exc)
        try:
            rels = _counted(_exact, claim, inst, sym_cache)
        except SympyBudgetSpent:
            raise NotCertifiable(
                f"the exact SymPy statement spent its budget ({SYMPY_CALLS:,} calls, "
                f"{SYMPY_PREC:,}-bit exponentials) (words without an arb implementation)"
            ) from None
        return [(r, arb_eval(r.lhs), arb_eval(r.rhs)) for r in rels]
    finally:
        flint.ctx.prec = old


def _signs_exact_backend(claim: Claim, inst: Instance, idx: list) -> dict | None:
    """{i: exact sign of relation i's slack} by the exact back end; {} when a value is
    outside its class (the SymPy statement would be too); None when a word has no exact
    implementation (then the SymPy statement is worth a try)."""
    try:
        rels = claim.statement(EXACT, EXACT.load(inst))
        return {i: exact_sign_any(_diff(rels[i], rels[i].lhs, rels[i].rhs)[1]) for i in idx}
    except AttributeError as exc:
        return None if "has no exact implementation" in str(exc) else {}
    except (NotDecidable, TypeError, ZeroDivisionError, IndexError):
        return {}


def _signs_sympy(claim: Claim, inst: Instance, idx: list, cache: dict) -> dict:
    """{i: exact sign or None} from the SymPy statement on the rational instance."""
    rels = _exact(claim, inst, cache)
    out = {}
    for i in idx:
        n = rels[i].normal()
        out[i] = _exact_sign(n.rhs - n.lhs)
    return out


def _exact(claim: Claim, inst: Instance, sym_cache: dict) -> list[Rel]:
    if "rels" not in sym_cache:
        sym_cache["rels"] = claim.statement(SYM, SYM.load(inst))
    return sym_cache["rels"]


def _diff(r: Rel, a, b):
    """(op of the normalised relation, its rhs − lhs) for r: a op b as written."""
    if r.op in _FLIP:
        return _FLIP[r.op], a - b
    return r.op, b - a


def _decided(op: str, s: int | None) -> bool | None:
    if s is None:
        return None
    return {"<=": s >= 0, "<": s > 0, "==": s == 0}[op]


def _violation(op: str, d) -> flint.arb:
    """How much a normalised relation with slack d = rhs − lhs fails (> 0 when it fails)."""
    return abs(d) if op == "==" else -d


def _exact_sign(e) -> int | None:
    """The sign of the exact SymPy number e (None: not decided;
    :mod:`derivations.engine.exact`, then SymPy's own assumptions for a zero)."""
    s = exact_sign(e)
    if s is not None:
        return s
    e = sp.sympify(e)
    return 0 if not e.free_symbols and e.is_zero else None


def _fail(sides, i, prec, exact: int | None = None) -> dict:
    """The failure record of relation i; ``exact``: the exact sign of its slack when SymPy
    decided it (0: an equality, so a strict relation fails)."""
    r, a, b = sides[i]
    op, d = _diff(r, a, b)
    equality = exact == 0 or sign(d) == 0  # an exact 0 ball is certain too
    viol = flint.arb(0) if equality else _violation(op, d)
    return {
        "holds": False,
        "sides": sides,
        "rel": r,
        "index": i,
        "lhs": a,
        "rhs": b,
        "violation": viol,
        "enclosure": Certified(False, *_ball_strings(viol), prec),
        "prec": prec,
        "exact": exact is not None,
        "equality": equality,
    }


def _ball_strings(ball) -> tuple[str, str]:
    """(midpoint with 30 significant digits, radius rounded up) of a ball, as decimals."""
    return enclosure_strings(ball)


def judge(claim: Claim, inst: Instance) -> dict:
    """Decide one instance: {'holds': True / False / None, 'sides': [(rel, lhs, rhs)], …}.

    On a failure: ``rel`` (as written), ``lhs``/``rhs`` (balls), ``violation`` (a ball > 0),
    ``enclosure`` (its midpoint, radius and precision), ``exact`` (decided exactly, by the
    normal form of :mod:`derivations.engine.exact`) and ``equality`` (the relation holds
    with equality and is strict). Undecided: ``reason``.
    """
    cache: dict = {}
    signs: dict[int, int | None] = {}
    tried: set = set()
    reason_sympy = "its exact normal form could not decide it"
    sides: list = []
    open_: list = []
    for prec in PRECISIONS:
        try:
            sides = _sides_arb(claim, inst, prec, cache)
        except NotCertifiable as exc:
            return {"holds": None, "sides": sides, "reason": str(exc), "prec": prec}
        open_ = []
        for i, (r, a, b) in enumerate(sides):
            op, d = _diff(r, a, b)
            st = _decided(op, sign(d))
            if st is None and signs.get(i) is not None:
                st = _decided(op, signs[i])
                if st is False:
                    return _fail(sides, i, prec, exact=signs[i])
            if st is False:
                return _fail(sides, i, prec)
            if st is None:
                open_.append(i)
        if not open_:
            return {"holds": True, "sides": sides, "prec": prec, "exact": bool(signs)}
        route = None
        eq = any(_diff(*sides[i])[0] == "==" for i in open_)
        if prec >= (EXACT_AFTER if eq else EXACT_AFTER_INEQ) and "exact" not in tried:
            tried.add("exact")
            route = _signs_exact_backend(claim, inst, open_)
            if route is not None:
                tried.add("sympy")  # the SymPy statement has the same numbers: no retry
        if route is None and prec >= SYMPY_AFTER and "sympy" not in tried and "exact" in tried:
            tried.add("sympy")
            try:
                route = _counted(_signs_sympy, claim, inst, open_, cache)
            except SympyBudgetSpent:
                route = None
                reason_sympy = (
                    f"the SymPy route spent its budget ({SYMPY_CALLS:,} calls, "
                    f"{SYMPY_PREC:,}-bit exponentials)"
                )
        if route:
            signs.update({i: v for i, v in route.items() if v is not None})
            if all(signs.get(i) is not None for i in open_):
                for i in open_:
                    if _decided(_diff(*sides[i])[0], signs[i]) is False:
                        return _fail(sides, i, prec, exact=signs[i])
                return {"holds": True, "sides": sides, "prec": prec, "exact": True}
    reason = (
        f"relation {open_[0] + 1}: its ball contains 0 at {PRECISIONS[-1]} bits and {reason_sympy}"
    )
    return {"holds": None, "sides": sides, "reason": reason, "prec": PRECISIONS[-1]}


def _target(sides) -> float | None:
    """The largest scaled violation (a − b)/(1 + |a| + |b|) of the inequalities, as a float."""
    best = None
    for r, a, b in sides:
        if r.op == "==":
            continue
        lo, hi = (b, a) if r.op in _FLIP else (a, b)
        try:
            x, y = float(lo.mid()), float(hi.mid())
        except (ValueError, OverflowError):
            continue
        v = (x - y) / (1 + abs(x) + abs(y))
        if math.isfinite(v):
            best = v if best is None else max(best, v)
    return best


#: Bits at which an instance's hypotheses are decided for the count of instances meeting them.
HYPOTHESES_PREC = 128


def hypotheses_met(claim: Claim, inst: Instance, undecided: list | None = None) -> bool | None:
    """Whether the instance meets every hypothesis of the claim (``Claim.hypotheses``,
    certified in ball arithmetic at :data:`HYPOTHESES_PREC` bits): True, False, or None when
    one cannot be decided there (or has no ball-arithmetic form; then the labels of those
    not decided are added to ``undecided``, each once). Only counted: the search judges the
    claim's statement, which applies its own guard."""
    if claim.hypotheses is None:
        return None
    old = flint.ctx.prec
    flint.ctx.prec = HYPOTHESES_PREC
    labels = []
    try:
        for r in claim.hypotheses(ARB, ARB.load(inst)):
            op, d = _diff(r, _arb(r.lhs), _arb(r.rhs))
            st = _decided(op, sign(d))
            if st is False:
                return False
            if not st:
                labels.append(r.label or "a relation")
    except (AttributeError, TypeError, ValueError, ZeroDivisionError, NotCertifiable):
        labels.append("a hypothesis without a ball-arithmetic form")
    finally:
        flint.ctx.prec = old
    if undecided is not None:
        undecided.extend(t for t in dict.fromkeys(labels) if t not in undecided)
    return None if labels else True


def search(claim: Claim, examples: int, seed: int, twin: bool = True) -> dict:
    """Hypothesis search for a counterexample; returns counts and the shrunk counterexample.

    ``trials``: instances tried, every one judged (``judged`` counts the judgements on their
    own; a mismatch raises :class:`EngineError`); ``undecided``: instances no precision
    decided (``undecided_reasons``: the first few reasons); ``met`` (for a claim with
    ``hypotheses``): [instances meeting them, instances where that was not decided];
    ``met_undecided``: the labels of the hypotheses not decided.
    """
    stats = {
        "trials": 0,
        "judged": 0,
        "undecided": 0,
        "undecided_reasons": [],
        "twin64": [0, 0, 0.0],
        "twin32": [0, 0, 0.0],
        "failure": None,
        "twin_failure": None,
        "met": [0, 0] if claim.hypotheses else None,
        "met_undecided": [],
    }

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.seed(seed)
    @given(claim.domain())
    def probe(inst: Instance):
        stats["trials"] += 1
        res = judge(claim, inst)
        stats["judged"] += 1
        if stats["met"] is not None:
            met = hypotheses_met(claim, inst, stats["met_undecided"])
            if met is not False:  # True: met; None: not decided
                stats["met"][0 if met else 1] += 1
        t = _target(res["sides"])
        if t is not None:
            hypothesis.target(t, label="violation")
        if res["holds"] is None:
            stats["undecided"] += 1
            if len(stats["undecided_reasons"]) < 3:
                stats["undecided_reasons"].append(res.get("reason", ""))
            return
        if not res["holds"]:
            stats["failure"] = (inst, res)
            raise _Violation
        if twin and claim.twin:
            _twin(claim, inst, res["sides"], stats)

    with no_local_constants():
        try:
            probe()
        except _Violation:
            pass
    if stats["judged"] != stats["trials"]:
        raise EngineError(
            f"claim {claim.qid}: {stats['trials']} instances counted but {stats['judged']} judged"
        )
    return stats


@contextlib.contextmanager
def no_local_constants():
    """Draw without the constants Hypothesis collects from the source of every local module
    imported so far (it mixes them into about 5 % of its draws): with them the instances,
    and so a verdict, would depend on what the process happened to import before (the claims
    checked earlier in the same worker, ``--jobs``). Its built-in constants stay; the search
    is then a function of the claim and the seed alone."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the feature
        yield
        return
    saved = getattr(providers, "_get_local_constants", None)
    if saved is None:  # pragma: no cover
        yield
        return
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        providers.CONSTANTS_CACHE.cache.clear()


def _twin(claim: Claim, inst: Instance, sides, stats: dict) -> None:
    import torch

    from derivations.engine.twin import twin_compare

    for key, dt in (("twin64", torch.float64), ("twin32", torch.float32)):
        try:
            agree, err = twin_compare(claim, inst, sides, dt)
        except ValueError as exc:  # torch refused an input the ball arithmetic accepts
            agree, err = False, float("inf")
            stats["twin_error"] = str(exc)
        rec = stats[key]
        rec[0] += 1
        rec[1] += int(agree)
        rec[2] = max(rec[2], err)
        if not agree and key == "twin64" and stats["twin_failure"] is None:
            stats["twin_failure"] = inst.to_json()
