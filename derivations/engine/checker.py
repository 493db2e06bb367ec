"""The derivation checker: every step of a derivation re-checked mechanically by SymPy.

A step (:class:`~derivations.engine.model.Step`) is a relation between SymPy expressions
with a justification (:mod:`derivations.engine.model`: Algebra, Cites, Chain, Combine,
Monotone, Wlog) that :func:`check_step` re-checks on symbolic entries. A step SymPy cannot
confirm is reported as unconfirmed, never assumed. :func:`check_derivation` checks every
step at every size the claim lists and requires the steps to conclude the claim's statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import sympy as sp

from derivations.engine.backends import SYM
from derivations.engine.model import (
    Algebra,
    Chain,
    Cites,
    Claim,
    Combine,
    Monotone,
    Rel,
    Step,
    Wlog,
)

__all__ = ["check_step", "check_derivation", "STEP_SECONDS"]

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
    k: int, step: Step, steps: Sequence[Step], registry: dict, claim: Claim | None = None
) -> tuple[bool, str]:
    """Mechanically check step ``k`` of ``claim``'s derivation; returns (confirmed, how).

    ``registry`` maps qualified ids (``paper:id``) to claims; a citation inside ``claim`` is
    resolved relative to its paper.
    """
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
        cited = registry.get(claim.resolve(by.claim_id, registry) if claim else by.claim_id)
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
        if claim is None:
            return False, "a WLOG step needs the claim it belongs to"
        base = claim.statement(SYM, by.general)
        vec = list(getattr(by.general, by.key))
        for perm in (vec[1:] + vec[:1], [vec[1], vec[0]] + vec[2:] if len(vec) > 1 else vec):
            g2 = SimpleNamespace(**{**vars(by.general), by.key: perm})
            for r1, r2 in zip(base, claim.statement(SYM, g2), strict=True):
                a, b = r1.normal(), r2.normal()
                if not (a.op == b.op and _same(a.lhs, b.lhs) and _same(a.rhs, b.rhs)):
                    return False, f"statement is not symmetric in {by.key}"
        ok, how = check_step(k, Step(step.rel, step.why, Algebra()), steps, registry, claim)
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


def _timed_check(k, s, steps, registry, claim) -> tuple[bool, str]:
    try:
        return _timed(check_step, k, s, steps, registry, claim)
    except _StepTimeout:
        return False, f"SymPy did not confirm it within {STEP_SECONDS:.0f} s"


def _concluded(steps, r) -> bool:
    try:
        return _timed(lambda: any(_match(s.rel, r) for s in reversed(steps)))
    except _StepTimeout:
        return False


def check_derivation(claim: Claim, registry: dict) -> dict:
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
            ok, how = _timed_check(k, s, steps, registry, claim)
            if isinstance(s.by, Cites):
                cites.add(claim.resolve(s.by.claim_id, registry))
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
    out.update(
        steps=shown,
        complete=all_ok,
        cites=sorted(cites),
        sizes=len(sizes),
        scope="fixed sizes",
        sizes_text=", ".join(_size_text(v) for v in sizes),
    )
    return out


def _size_text(v: SimpleNamespace) -> str:
    """A derivation size in words: m = len(z), (d, n) of the patterns, l layers."""
    ns = vars(v)
    if "P" in ns and hasattr(ns["P"], "shape"):
        return f"(d, n) = ({ns['P'].shape[0]}, {ns['P'].shape[1]})"
    for key, name in (("z", "m"), ("E", "l")):
        if isinstance(ns.get(key), (list, tuple)):
            return f"{name} = {len(ns[key])}"
    return "one fixed size"
