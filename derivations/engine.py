"""The claim engine: a claim, three independent checks, and a verdict computed from them.

A :class:`Claim` is a statement of the paper (or one reading of it, or our corrected form)
written once as ``statement(ops, v) -> [Rel, ...]`` over the back ends of
:mod:`derivations.ops`. The engine

1. **checks the derivation** (if the paper gives one, or we do): every :class:`Step` is a
   relation between SymPy expressions with a justification that the engine re-checks
   mechanically on symbolic entries (algebra by ``simplify``, an instance of an earlier claim by
   matching its statement, chaining, positive combinations, monotone maps). A step SymPy cannot
   confirm is reported as unconfirmed, never assumed;
2. **searches for a counterexample** with Hypothesis over the claim's domain, evaluating both
   sides with mpmath at ≥ 30 digits (escalating to 80 and 200 digits, then exact SymPy, when a
   relation is within rounding of equality), steering toward the largest violation with
   ``hypothesis.target`` and shrinking what it finds;
3. **runs the numeric twin**: the torch implementation of every side, on the same instances,
   must agree with mpmath within :mod:`numerics.tolerances`.

Verdicts (the only four): ``proven`` (every derivation step confirmed, every cited claim
proven, and no counterexample in K trials), ``supported`` (no counterexample in K trials, the
derivation incomplete or absent), ``refuted`` (a concrete counterexample re-evaluated at high
precision; it is written out so anyone can recompute both sides), ``inconclusive`` (with the
reason). A derivation that checks while a counterexample exists raises :class:`EngineError`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import hypothesis
import mpmath
import sympy as sp
import torch
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from derivations.ops import Instance, MpOps, SymOps, TorchOps
from numerics.tolerances import rtol

__all__ = [
    "Rel",
    "Step",
    "Algebra",
    "Cites",
    "Chain",
    "Combine",
    "Monotone",
    "Wlog",
    "Claim",
    "Computed",
    "EngineError",
    "verify_claim",
    "verify",
    "STATUSES",
]

STATUSES = ("proven", "supported", "refuted", "inconclusive")
_OPS = {"<=", "<", "==", ">=", ">"}
_FLIP = {">=": "<=", ">": "<"}
_SYM_REL = {"<=": sp.Le, "<": sp.Lt, "==": sp.Eq, ">=": sp.Ge, ">": sp.Gt}

MP = MpOps()
SYM = SymOps()


class EngineError(RuntimeError):
    """The engine contradicted itself (e.g. a checked derivation and a counterexample)."""


class _Violation(Exception):
    pass


@dataclass(frozen=True)
class Rel:
    """``lhs op rhs`` with op one of <=, <, ==, >=, >; ``label`` names it in reports."""

    lhs: Any
    op: str
    rhs: Any
    label: str = ""

    def __post_init__(self):
        if self.op not in _OPS:
            raise ValueError(f"relation operator must be one of {sorted(_OPS)}; got {self.op!r}")

    def normal(self) -> Rel:
        """The same relation written with <=, < or ==."""
        if self.op in _FLIP:
            return Rel(self.rhs, _FLIP[self.op], self.lhs, self.label)
        return self

    def sympy(self):
        return _SYM_REL[self.op](self.lhs, self.rhs, evaluate=False)

    def latex(self) -> str:
        return sp.latex(self.sympy())


# ----------------------------------------------------------------- derivation justifications


@dataclass(frozen=True)
class Algebra:
    """An equality SymPy simplifies to 0 = 0, or an inequality whose slack SymPy proves ≥ 0."""

    hint: str = ""


@dataclass(frozen=True)
class Cites:
    """An instance of an earlier claim: its statement on the substituted instance ``v``."""

    claim_id: str
    v: SimpleNamespace


@dataclass(frozen=True)
class Chain:
    """From steps i: a ⋈ b and j: b ⋈ c conclude a ⋈ c (b matched by SymPy)."""

    i: int
    j: int


@dataclass(frozen=True)
class Combine:
    """slack(step) = Σ cₖ · slack(step k) (+ a part SymPy proves ≥ 0).

    The slack of ``a ≤ b`` is b − a. Coefficients of inequality steps must be provably > 0;
    equality steps may enter with any sign.
    """

    coeffs: tuple  # ((step index, coefficient), ...)


@dataclass(frozen=True)
class Wlog:
    """Without loss of generality: the claim's statement is invariant under permuting the
    vector ``key`` of the general instance ``general`` (checked by SymPy for a transposition
    and a cycle, which generate all permutations), and the step itself is checked as algebra
    (e.g. max(z) = z₁ for the instance z = (a, a − u₂, …) with uᵢ ≥ 0)."""

    general: SimpleNamespace
    key: str


@dataclass(frozen=True)
class Monotone:
    """From step i: a ⋈ b conclude f(a) ⋈ f(b) for f increasing (SymPy: f' > 0) on ``domain``."""

    i: int
    f: sp.Lambda
    domain: str = "real"  # or "positive"


@dataclass
class Step:
    rel: Rel
    why: str
    by: Any


@dataclass
class Computed:
    """Outcome of a ``computation``-kind claim: whether the statement held, and why.

    ``holds`` is True/False from a comparison that could have gone either way, or None when
    the computation could not decide (then ``evidence`` says why). ``exact`` says whether the
    computation is exact (then a holding claim is ``proven``, else ``supported``).
    """

    holds: bool | None
    evidence: str
    values: dict = field(default_factory=dict)
    counterexample: dict | None = None
    exact: bool = False
    trials: int = 1


@dataclass
class Claim:
    """One formal statement of the paper (or one reading of it) and how to check it.

    ``statement(ops, v)`` returns the relations (a conjunction) on an instance ``v`` loaded
    into ``ops``; ``domain()`` is a Hypothesis strategy of :class:`Instance`; ``display()``
    returns a symbolic namespace for :class:`SymOps` (for the rendered statement);
    ``derivation(ops, v)`` returns :class:`Step` s, checked on each of ``derivation_sizes()``.
    A ``computation``/``empirical`` claim instead sets ``compute(examples, seed) -> Computed``.
    """

    id: str
    ref: str
    reading: str
    kind: str
    assumptions: str
    statement: Callable | None = None
    domain: Callable[[], st.SearchStrategy] | None = None
    display: Callable[[], SimpleNamespace] | None = None
    derivation: Callable | None = None
    derivation_sizes: Callable[[], Sequence[SimpleNamespace]] | None = None
    compute: Callable[..., Computed] | None = None
    extension: bool = False
    twin: bool = True
    summary: str = ""

    def __post_init__(self):
        if self.compute is None and (self.statement is None or self.domain is None):
            raise ValueError(f"claim {self.id}: needs statement and domain, or compute")

    def cited(self) -> list[str]:
        """Ids of the claims this claim's derivation cites (on its first size)."""
        if self.derivation is None or self.derivation_sizes is None:
            return []
        sizes = list(self.derivation_sizes())
        if not sizes:
            return []
        steps = self.derivation(SYM, sizes[0])
        return sorted({s.by.claim_id for s in steps if isinstance(s.by, Cites)})

    def statement_latex(self) -> str:
        if self.statement is None or self.display is None:
            return ""
        rels = self.statement(SYM, self.display())
        return r" \;\wedge\; ".join(r.latex() for r in rels)


# --------------------------------------------------------------------------- SymPy checks


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


def _is_nonneg(e) -> bool:
    """True only if SymPy proves e ≥ 0 (Add/Mul decomposed; simplification tried)."""
    e = sp.sympify(e)
    if e.is_nonnegative or _abs_pair(e):
        return True
    if e.is_Add and all(_is_nonneg_atom(a) for a in e.args):
        return True
    cands = [e]
    try:
        cands.append(sp.simplify(e))
        cands.append(sp.simplify(sp.expand_log(e.rewrite(sp.log), force=True)))
    except Exception:  # noqa: BLE001
        pass
    for c in cands:
        if c.is_nonnegative:
            return True
        if c.is_Add and all(_is_nonneg_atom(a) for a in c.args):
            return True
        if _abs_pair(c):
            return True
    return False


def _abs_pair(e) -> bool:
    """|t| − t ≥ 0 and |t| + t ≥ 0: an Add holding Abs(t) and ±t, the rest provably ≥ 0."""
    if not e.is_Add:
        return False
    args = list(e.args)
    for a in args:
        if isinstance(a, sp.Abs):
            t = a.args[0]
            if not t.is_extended_real:
                continue
            rest = sp.Add(*[b for b in args if b is not a])
            for sign in (1, -1):
                r = sp.expand(rest - sign * t)
                if (
                    r == 0
                    or r.is_nonnegative
                    or (r.is_Add and all(_is_nonneg_atom(c) for c in r.args))
                ):
                    return True
    return False


def _is_nonneg_atom(a) -> bool:
    if a.is_nonnegative:
        return True
    if a.is_Mul:
        return all(t.is_nonnegative for t in a.args)
    return False


def _is_pos(e) -> bool:
    """True only if SymPy proves e > 0 (after simplification / rewriting LSE as a log)."""
    e = sp.sympify(e)
    if e.is_positive:
        return True
    for f in (sp.simplify, lambda t: sp.simplify(sp.expand_log(t.rewrite(sp.log), force=True))):
        try:
            if f(e).is_positive:
                return True
        except Exception:  # noqa: BLE001
            continue
    return False


def _same(a, b) -> bool:
    a, b = sp.sympify(a), sp.sympify(b)
    return a == b or _is_zero(a - b) is True


def _slack(rel: Rel):
    n = rel.normal()
    return n.rhs - n.lhs


def _op_implies(have: str, want: str) -> bool:
    return have == want or (have in ("<", "==") and want == "<=")


def _match(step_rel: Rel, cited: Rel) -> bool:
    s, c = step_rel.normal(), cited.normal()
    if not _op_implies(c.op, s.op):
        return False
    return _same(s.lhs, c.lhs) and _same(s.rhs, c.rhs)


def _compose(o1: str, o2: str) -> str:
    if o1 == "==" and o2 == "==":
        return "=="
    return "<" if "<" in (o1, o2) else "<="


def check_step(
    k: int, step: Step, steps: Sequence[Step], registry: dict, step_claim_id: str = ""
) -> tuple[bool, str]:
    """Mechanically check step ``k``; returns (confirmed, how)."""
    by = step.by
    rel = step.rel.normal()
    if isinstance(by, Algebra):
        if rel.op == "==":
            z = _is_zero(rel.lhs - rel.rhs)
            return (z is True, "SymPy simplify: lhs − rhs = 0" if z else "SymPy could not confirm")
        ok = _is_pos(rel.rhs - rel.lhs) if rel.op == "<" else _is_nonneg(rel.rhs - rel.lhs)
        return ok, ("SymPy proves the slack " + ("> 0" if rel.op == "<" else "≥ 0")) if ok else (
            "SymPy could not prove the slack sign"
        )
    if isinstance(by, Cites):
        cited = registry.get(by.claim_id)
        if cited is None or cited.statement is None:
            return False, f"cites unknown claim {by.claim_id!r}"
        for r in cited.statement(SYM, by.v):
            if _match(step.rel, r):
                return True, f"instance of {by.claim_id} (matched by SymPy)"
        return False, f"does not match the statement of {by.claim_id}"
    if isinstance(by, Chain):
        if not (by.i < k and by.j < k):
            return False, "chain cites a later step"
        a, b = steps[by.i].rel.normal(), steps[by.j].rel.normal()
        ok = (
            _same(a.rhs, b.lhs)
            and _same(rel.lhs, a.lhs)
            and _same(rel.rhs, b.rhs)
            and _op_implies(_compose(a.op, b.op), rel.op)
        )
        return ok, f"chain of steps {by.i + 1} and {by.j + 1}" if ok else "chain does not match"
    if isinstance(by, Combine):
        total = 0
        strict = False
        for i, c in by.coeffs:
            if not i < k:
                return False, "combination cites a later step"
            c = sp.sympify(c)
            r = steps[i].rel.normal()
            if r.op != "==" and not c.is_positive:
                return False, f"coefficient {c} of inequality step {i + 1} not provably > 0"
            total += c * (r.rhs - r.lhs)
            strict = strict or r.op == "<"
        rest = _slack(step.rel) - total
        if _is_zero(rest) is True:
            ok = rel.op == "<=" or (rel.op == "<" and strict) or rel.op == "=="
        else:
            ok = rel.op != "==" and _is_nonneg(rest) and (rel.op == "<=" or strict)
        return ok, "positive combination of steps " + ", ".join(
            str(i + 1) for i, _ in by.coeffs
        ) if ok else "combination does not give this step"
    if isinstance(by, Wlog):
        claim = registry.get(step_claim_id)
        base = claim.statement(SYM, by.general)
        vec = list(getattr(by.general, by.key))
        for perm in (vec[1:] + vec[:1], [vec[1], vec[0]] + vec[2:] if len(vec) > 1 else vec):
            g2 = SimpleNamespace(**{**vars(by.general), by.key: perm})
            for r1, r2 in zip(base, claim.statement(SYM, g2), strict=True):
                a, b = r1.normal(), r2.normal()
                if not (a.op == b.op and _same(a.lhs, b.lhs) and _same(a.rhs, b.rhs)):
                    return False, f"statement is not symmetric in {by.key}"
        ok, how = check_step(k, Step(step.rel, step.why, Algebra()), steps, registry, step_claim_id)
        return ok, f"statement symmetric in {by.key} (SymPy); " + how
    if isinstance(by, Monotone):
        if not by.i < k:
            return False, "monotone map of a later step"
        a = steps[by.i].rel.normal()
        t = sp.Dummy("t", positive=True) if by.domain == "positive" else sp.Dummy("t", real=True)
        deriv = sp.diff(by.f(t), t)
        if not _is_pos(deriv):
            return False, f"SymPy could not prove {by.f} increasing"
        ok = (
            _same(rel.lhs, by.f(a.lhs))
            and _same(rel.rhs, by.f(a.rhs))
            and _op_implies(a.op, rel.op)
        )
        if ok and by.domain == "positive":
            ok = _is_pos(a.lhs) and _is_pos(a.rhs)
            if not ok:
                return False, "SymPy could not prove both sides > 0 (the map's domain)"
        return ok, f"increasing map of step {by.i + 1}" if ok else "monotone step does not match"
    return False, f"unknown justification {type(by).__name__}"


STEP_SECONDS = 30.0  # SymPy gets this long per step; past it the step is "not confirmed"


class _StepTimeout(BaseException):  # noqa: N818 - not an Exception: SymPy code catches those
    """Raised by the alarm; a BaseException so ``except Exception`` inside SymPy can't eat it."""


def _timed(fn, *args):
    """fn(*args) with a wall-clock cap (SIGALRM on POSIX main thread; else uncapped).

    Raises :class:`_StepTimeout` past :data:`STEP_SECONDS`.
    """
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    if not hasattr(signal, "setitimer") or not main:
        return fn(*args)

    def _alarm(signum, frame):
        raise _StepTimeout

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, STEP_SECONDS)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _timed_check(k, s, steps, registry, cid) -> tuple[bool, str]:
    try:
        return _timed(check_step, k, s, steps, registry, cid)
    except _StepTimeout:
        return False, f"SymPy did not confirm it within {STEP_SECONDS:.0f} s"


def _concluded(steps, r) -> bool:
    try:
        return _timed(lambda: any(_match(s.rel, r) for s in reversed(steps)))
    except _StepTimeout:
        return False


def _source_key(claim: Claim) -> str:
    """A hash of everything a derivation check depends on: the code and the SymPy version."""
    import hashlib
    import inspect

    import derivations.engine as eng
    import derivations.ops as ops_mod
    import theory.energies as ten
    import theory.lse as tl

    h = hashlib.sha256()
    h.update(sp.__version__.encode())
    h.update(str(STEP_SECONDS).encode())
    mods = {eng, ops_mod, ten, tl, inspect.getmodule(claim.statement)}
    for m in sorted(mods, key=lambda m: m.__name__):
        h.update(inspect.getsource(m).encode())
    h.update(claim.id.encode())
    return h.hexdigest()


def _cache_dir():
    from pathlib import Path

    root = os.environ.get("BEYOND_SCALING_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "beyond-scaling"
    )
    return Path(root) / "derivations"


def check_derivation(claim: Claim, registry: dict, use_cache: bool = True) -> dict:
    """:func:`_check_derivation`, cached on disk under a hash of the code it depends on.

    The cache only skips re-running SymPy on identical code; ``use_cache=False`` (the
    ``--recheck`` flag) always recomputes. Set ``BEYOND_SCALING_CACHE`` to move it.
    """
    import json

    if claim.derivation is None or not use_cache:
        return _check_derivation(claim, registry)
    key = _source_key(claim)
    path = _cache_dir() / (key + ".json")
    try:
        hit = json.loads(path.read_text())
        if hit.get("id") == claim.id:
            return {**hit["result"], "cached": True}
    except (OSError, ValueError):
        pass
    out = _check_derivation(claim, registry)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"id": claim.id, "result": out}))
        tmp.replace(path)
    except OSError:
        pass
    return out


def _check_derivation(claim: Claim, registry: dict) -> dict:
    """Check every step on every derivation size; the steps' conclusion must be the claim."""
    out = {"steps": [], "complete": False, "cites": [], "sizes": 0}
    if claim.derivation is None or claim.derivation_sizes is None:
        return out
    sizes = list(claim.derivation_sizes())
    all_ok = bool(sizes)
    shown: list[dict] = []
    cites: set[str] = set()
    for si, v in enumerate(sizes):
        steps = claim.derivation(SYM, v)
        for k, s in enumerate(steps):
            ok, how = _timed_check(k, s, steps, registry, claim.id)
            if isinstance(s.by, Cites):
                cites.add(s.by.claim_id)
            if si == 0:
                shown.append({"latex": s.rel.latex(), "why": s.why, "checked": ok, "how": how})
            elif not ok and k < len(shown):
                shown[k]["checked"] = False
                shown[k]["how"] += f"; fails at size #{si + 1}"
            all_ok = all_ok and ok
        concl = claim.statement(SYM, v)
        for r in concl:
            if not _concluded(steps, r):
                all_ok = False
                shown.append(
                    {
                        "latex": r.latex(),
                        "why": "conclusion",
                        "checked": False,
                        "how": "no step derives this part of the statement",
                    }
                )
    out.update(steps=shown, complete=all_ok, cites=sorted(cites), sizes=len(sizes))
    return out


# ------------------------------------------------------------------ high-precision judging

_LEVELS = (30, 80, 200)


def _sides_mp(claim: Claim, inst: Instance, dps: int) -> list[tuple[Rel, Any, Any]]:
    with mpmath.workdps(dps):
        rels = claim.statement(MP, MP.load(inst))
        return [(r.normal(), +r.normal().lhs, +r.normal().rhs) for r in rels]


def _classify(op: str, lhs, rhs, dps: int) -> str:
    """'ok', 'bad' or 'near' for one relation at ``dps`` digits."""
    tol = mpmath.mpf(10) ** (-(dps - 10)) * (1 + abs(lhs) + abs(rhs))
    s = rhs - lhs
    if op == "==":
        return "ok" if abs(s) <= tol else "bad"
    if s > tol:
        return "ok"
    if s < -tol:
        return "bad"
    return "ok" if op == "<=" else "near"


def judge(claim: Claim, inst: Instance) -> dict:
    """Decide one instance: {'holds': True/False/None, 'sides': the 30-digit sides, ...}.

    A relation violated at 30 digits is confirmed at 80; one within rounding of equality is
    re-evaluated at 80 and 200 digits; a strict relation still within rounding of equality is
    decided exactly by SymPy on the rational instance (floats are exact binary rationals).
    """
    first = None
    for dps in _LEVELS:
        sides = _sides_mp(claim, inst, dps)
        if first is None:
            first = sides
        verdicts = [_classify(r.op, a, b, dps) for r, a, b in sides]
        if all(v == "ok" for v in verdicts):
            return {"holds": True, "sides": first}
        if "bad" in verdicts and dps > _LEVELS[0]:
            i = verdicts.index("bad")
            r, a, b = sides[i]
            with mpmath.workdps(dps):
                viol = (a - b) if r.op != "==" else abs(a - b)
            return {
                "holds": False,
                "sides": first,
                "rel": r,
                "lhs": a,
                "rhs": b,
                "violation": viol,
                "dps": dps,
                "exact": False,
            }
    exact = claim.statement(SYM, SYM.load(inst))
    for i, v in enumerate(verdicts):
        if v != "near":
            continue
        r = exact[i].normal()
        if _is_zero(r.rhs - r.lhs) is True:
            rr, a, b = sides[i]
            return {
                "holds": False,
                "sides": first,
                "rel": rr,
                "lhs": a,
                "rhs": b,
                "violation": mpmath.mpf(0),
                "dps": dps,
                "exact": True,
            }
        if not _is_pos(r.rhs - r.lhs):
            return {"holds": None, "sides": first}
    return {"holds": True, "sides": first}


def _twin(claim: Claim, inst: Instance, mp_sides, dtype: torch.dtype) -> tuple[bool, float]:
    """Compare the torch twin's sides with mpmath; returns (agree, max scaled error)."""
    ops = TorchOps(dtype)
    rels = claim.statement(ops, ops.load(inst))
    scale = inst.scale()
    worst = 0.0
    ok = True
    for r, (_, a, b) in zip(rels, mp_sides, strict=True):
        n = r.normal()
        for t, m in ((n.lhs, a), (n.rhs, b)):
            t = float(t)
            m = float(m)
            err = abs(t - m) / (abs(m) + scale)
            worst = max(worst, err)
            if not (math.isfinite(t) and err <= rtol(dtype)):
                ok = False
    return ok, worst


# ------------------------------------------------------------------------ the search


def search(claim: Claim, examples: int, seed: int, twin: bool = True) -> dict:
    """Hypothesis search for a counterexample; returns counts, the shrunk counterexample."""
    stats = {
        "trials": 0,
        "undecided": 0,
        "twin64": [0, 0, 0.0],
        "twin32": [0, 0, 0.0],
        "failure": None,
        "twin_failure": None,
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
        ineq = [float((a - b) / (1 + abs(a) + abs(b))) for r, a, b in res["sides"] if r.op != "=="]
        if ineq:
            hypothesis.target(max(ineq), label="violation")
        if res["holds"] is None:
            stats["undecided"] += 1
            return
        if not res["holds"]:
            stats["failure"] = (inst, res)
            raise _Violation
        if twin and claim.twin:
            for key, dt in (("twin64", torch.float64), ("twin32", torch.float32)):
                try:
                    agree, err = _twin(claim, inst, res["sides"], dt)
                except ValueError as exc:  # torch refused an input mpmath accepts
                    agree, err = False, float("inf")
                    stats["twin_error"] = str(exc)
                rec = stats[key]
                rec[0] += 1
                rec[1] += int(agree)
                rec[2] = max(rec[2], err)
                if not agree and key == "twin64" and stats["twin_failure"] is None:
                    stats["twin_failure"] = inst.to_json()

    try:
        probe()
    except _Violation:
        pass
    return stats


# ------------------------------------------------------------------------- verdicts


def _fmt(v, digits: int = 30) -> str:
    with mpmath.workdps(digits):
        return mpmath.nstr(v, digits) if isinstance(v, mpmath.mpf) else str(v)


def run_checks(
    claim: Claim, registry: dict, examples: int, seed: int, recheck: bool = False
) -> dict:
    """The expensive part of a verdict: derivation check and search (or the computation)."""
    t0 = time.perf_counter()
    if claim.compute is not None:
        return {
            "computed": claim.compute(examples=examples, seed=seed),
            "seconds": time.perf_counter() - t0,
        }
    deriv = check_derivation(claim, registry, use_cache=not recheck)
    stats = search(claim, examples, seed)
    return {"deriv": deriv, "stats": stats, "seconds": time.perf_counter() - t0}


def verify_claim(
    claim: Claim, registry: dict, statuses: dict, examples: int, seed: int, recheck: bool = False
) -> dict:
    """Run the checks for one claim and compute its verdict (a JSON-able dict)."""
    return decide(claim, run_checks(claim, registry, examples, seed, recheck), statuses)


def decide(claim: Claim, checks: dict, statuses: dict) -> dict:
    """The verdict from the checks' outcomes and the statuses of the claims it cites."""
    rec = {
        "id": claim.id,
        "ref": claim.ref,
        "reading": claim.reading,
        "kind": claim.kind,
        "assumptions": claim.assumptions,
        "extension": claim.extension,
        "summary": claim.summary,
        "statement_latex": claim.statement_latex(),
        "steps": [],
        "values": {},
        "counterexample": None,
        "trials": 0,
        "seconds": round(checks["seconds"], 3),
    }
    if "computed" in checks:
        out = checks["computed"]
        rec.update(values=out.values, counterexample=out.counterexample, trials=out.trials)
        if out.holds is None:
            status = "inconclusive"
        elif out.holds:
            status = "proven" if out.exact else "supported"
        else:
            status = "refuted"
        rec.update(status=status, evidence=out.evidence)
        return rec

    deriv, stats = checks["deriv"], checks["stats"]
    rec["steps"] = deriv["steps"]
    rec["derivation_cached"] = bool(deriv.get("cached"))
    rec["trials"] = stats["trials"]
    t64, t32 = stats["twin64"], stats["twin32"]
    rec["values"] = {
        "undecided_instances": stats["undecided"],
        "twin_float64": {"compared": t64[0], "agree": t64[1], "max_scaled_error": t64[2]},
        "twin_float32": {"compared": t32[0], "agree": t32[1], "max_scaled_error": t32[2]},
        "derivation_sizes": deriv["sizes"],
    }
    rec["twin_ok"] = t64[0] == t64[1]
    if stats["twin_failure"] is not None:
        rec["values"]["twin_failure"] = stats["twin_failure"]
    twin_txt = (
        f"twin float64 {t64[1]}/{t64[0]} agree, float32 {t32[1]}/{t32[0]}"
        if claim.twin
        else "no torch twin"
    )
    if stats["failure"] is not None:
        inst, res = stats["failure"]
        if deriv["complete"] and all(statuses.get(c) == "proven" for c in deriv["cites"]):
            raise EngineError(
                f"claim {claim.id}: the derivation checks but a counterexample exists: "
                f"{inst.to_json()}"
            )
        r = res["rel"]
        how = "exact equality (SymPy)" if res["exact"] else f"{res['dps']} digits"
        rec["counterexample"] = {
            **inst.to_json(),
            "relation": r.label or f"lhs {r.op} rhs",
            "op": r.op,
            "lhs": _fmt(res["lhs"]),
            "rhs": _fmt(res["rhs"]),
            "violation": _fmt(res["violation"]),
        }
        status = "refuted"
        size = f"m={len(inst.p['z'])}" if "z" in inst.p else f"d={_d(inst)}, n={_n(inst)}"
        fail = (
            "holds with equality, so the strict '<' fails"
            if res["exact"]
            else f"fails by {_fmt(res['violation'], 6)}"
        )
        evidence = (
            f"counterexample ({size}, regime {inst.regime or '-'}): "
            f"{r.label or 'relation'}: {fail} [{how}]; found after {stats['trials']} "
            "trials"
        )
    elif stats["trials"] == 0 or stats["undecided"] > stats["trials"] // 2:
        status = "inconclusive"
        evidence = (
            f"{stats['undecided']} of {stats['trials']} instances could not be decided "
            "at 200 digits or exactly"
        )
    else:
        cites_ok = all(statuses.get(c) == "proven" for c in deriv["cites"])
        if deriv["complete"] and cites_ok:
            status = "proven"
            evidence = (
                f"all {len(deriv['steps'])} derivation steps checked by SymPy at "
                f"{deriv['sizes']} sizes; no counterexample in {stats['trials']} trials"
            )
        else:
            status = "supported"
            if claim.derivation is None:
                why = "no mechanical derivation"
            elif not deriv["complete"]:
                bad = sum(1 for s in deriv["steps"] if not s["checked"])
                why = f"{bad} derivation step(s) not confirmed by SymPy"
            else:
                why = "cites claim(s) not proven: " + ", ".join(
                    c for c in deriv["cites"] if statuses.get(c) != "proven"
                )
            evidence = f"no counterexample in {stats['trials']} trials; {why}"
        if stats["undecided"]:
            evidence += f"; {stats['undecided']} instance(s) undecided"
    rec.update(status=status, evidence=evidence + f"; {twin_txt}")
    return rec


def _d(inst: Instance):
    if inst.patterns is not None:
        return len(inst.patterns)
    p = inst.p
    if "z" in p:
        return len(p["z"])
    if "layers" in p:
        return sum(len(m) for m in p["layers"])
    return p.get("d", "-")


def _n(inst: Instance):
    if inst.x is not None:
        return len(inst.x)
    return inst.p.get("n", "-")


def dependency_closure(ids: Sequence[str], registry: dict) -> list[str]:
    """``ids`` plus every claim their derivations cite, in registry order."""
    want = set()
    stack = list(ids)
    while stack:
        c = stack.pop()
        if c in want:
            continue
        if c not in registry:
            raise ValueError(f"unknown claim id {c!r}; known ids: {', '.join(registry)}")
        want.add(c)
        stack.extend(registry[c].cited())
    return [c for c in registry if c in want]


def _worker(factory: str, cid: str, examples: int, seed: int, recheck: bool) -> dict:
    import importlib

    mod, fn = factory.split(":")
    torch.set_num_threads(1)
    registry = getattr(importlib.import_module(mod), fn)()
    return run_checks(registry[cid], registry, examples, seed, recheck)


def verify(
    registry: dict,
    ids: Sequence[str] | None = None,
    examples: int = 100,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    recheck: bool = False,
    jobs: int = 1,
    factory: str | None = None,
) -> list[dict]:
    """Verify the claims ``ids`` (all by default, with the claims they cite), in order.

    With ``jobs > 1`` and ``factory`` ("module:function" returning the registry), the
    independent checks run in that many processes; verdicts are then decided in order,
    since a claim can only be proven once the claims it cites are.
    """
    if examples < 1:
        raise ValueError(f"examples must be ≥ 1; got {examples}")
    if jobs < 1:
        raise ValueError(f"jobs must be ≥ 1; got {jobs}")
    order = dependency_closure(ids, registry) if ids else list(registry)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: thread start-up dominates otherwise
    checks: dict[str, dict] = {}
    try:
        if jobs > 1 and factory and len(order) > 1:
            import concurrent.futures as cf
            import multiprocessing as mp

            with cf.ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
                futs = {
                    pool.submit(_worker, factory, cid, examples, seed, recheck): cid
                    for cid in order
                }
                for k, fut in enumerate(cf.as_completed(futs), 1):
                    cid = futs[fut]
                    checks[cid] = fut.result()
                    if progress:
                        progress(
                            f"[{k}/{len(order)}] {cid} checked ({checks[cid]['seconds']:.1f} s)"
                        )
        else:
            for k, cid in enumerate(order, 1):
                if progress:
                    progress(f"[{k}/{len(order)}] {cid} ...")
                checks[cid] = run_checks(registry[cid], registry, examples, seed, recheck)
    finally:
        torch.set_num_threads(threads)
    statuses: dict[str, str] = {}
    out = []
    for cid in order:
        rec = decide(registry[cid], checks[cid], statuses)
        statuses[cid] = rec["status"]
        out.append(rec)
        if progress:
            progress(f"{cid}: {rec['status']}")
    return out
