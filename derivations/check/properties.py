"""The properties ``check`` tests on every drawn instance, one function each, and their table.

Comparison rule (one table, :mod:`numerics.tolerances`): an output t matches the reference m
when |t − m| ≤ rtol(dtype)·(|m| + scale), the scale from the kind's row
(:mod:`derivations.check.kinds`); the reported *error* is |t − m| / (|m| + scale). A
non-finite output, an exception, a wrong shape or dtype, a call past the timeout, or a
modified input is a failure of the instance.

==================  ===========================================================================
property            what must hold
==================  ===========================================================================
``value``           the energy equals the specification (mpmath, 30 digits)
``gradient``        the autograd gradient in x equals SymPy's diff of the specification
``one-step``        one update equals the specification's update
``fixed-point``     iterating the update from x: every step equals the spec's, and the energy
                    of the kind's ``energy`` row never rises (MM descent, Eq. 6)
``retrieval``       a query within r = Δ/4 of a pattern of a Δ-separated set (Δ ≥ 8) stays
                    within the proven bound of it for ``retrieval_steps`` steps; the error is
                    the excess over the bound divided by 8(1 + ‖ρ‖_∞)
``values-distinct`` attention with keys ≠ values equals softmax(scores)·values
==================  ===========================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath
import torch

from derivations.check.calls import CallError, Guard
from derivations.check.cases import Case, rows
from derivations.check.conventions import Convention
from derivations.check.kinds import KINDS, Kind
from derivations.check.reference import DPS
from numerics.tolerances import rtol

__all__ = ["Ctx", "Outcome", "Property", "PROPERTIES", "invoke"]


@dataclass
class Ctx:
    """Everything a property needs about the function under test and the options."""

    fn: Callable
    fn_import: str
    kind: Kind
    conv: Convention
    dtype: torch.dtype
    beta: float | None
    n: int | None
    reading: str
    max_iter: int
    retrieval_steps: int
    guard: Guard

    @property
    def tol(self) -> float:
        """The dtype's tolerance, read from the one table at every use."""
        return rtol(self.dtype)

    @property
    def floor(self) -> float:
        """√(smallest normal number): entries below it have squares that underflow."""
        return math.sqrt(torch.finfo(self.dtype).tiny)


@dataclass
class Outcome:
    error: float  # scaled error, compared with rtol
    ok: bool
    message: str = ""
    observed: str = ""
    expected: str = ""
    scale: float = 0.0
    snippet_kw: dict = field(default_factory=dict)
    settled: bool | None = None


def invoke(ctx: Ctx, case: Case, X: torch.Tensor, values=None, grad: bool = False):
    """Call the user's function on (patterns, X) through the guard and convert its output
    to the paper's convention; raises :class:`CallError` (one line)."""
    guards = [t for t in (case.P, X, values) if t is not None] + list(case.layers or [])
    saved = [t.detach().clone() for t in guards]
    k = ctx.kind

    def thunk():
        raw = ctx.conv.call(ctx.fn, k, case.P, X, beta=case.beta, layers=case.layers, values=values)
        return ctx.conv.to_paper(k, raw, case.P, X, beta=case.beta, layers=case.layers)

    out = ctx.guard.run(
        lambda: f"{ctx.conv.signature_text(k)} on {case.inputs(X, values is not None)}", thunk
    )
    for t, s in zip(guards, saved):
        if not torch.equal(t.detach().nan_to_num(), s.nan_to_num()):
            raise CallError("modified its input tensors in place")
    return out if grad else out.detach()


def _scaled(t: float, m: float, scale: float) -> float:
    """|t − m| / (|m| + scale); inf for a non-finite t, 0 for an exact match."""
    if not math.isfinite(t):
        return math.inf
    if t == m:
        return 0.0
    denom = abs(m) + scale
    return abs(t - m) / denom if denom > 0 else math.inf


def compare(observed: torch.Tensor, expected: list, scales: list, tol: float) -> Outcome:
    """Entry-wise scaled error; ``expected``/``scales`` per query (vector or scalar refs)."""
    obs = observed.detach().double()
    worst, where = 0.0, None
    for b, (m, sc) in enumerate(zip(expected, scales)):
        ms = m if isinstance(m, list) else [m]
        ob = obs[b].reshape(-1).tolist() if obs.dim() else [float(obs)]
        for k, (t, mm) in enumerate(zip(ob, ms)):
            mf = float(mm)
            err = _scaled(t, mf, sc)
            if where is None or err > worst:
                worst, where = err, (b, k, t, mf, sc)
    b, k, t, mf, sc = where
    idx = f"[{b}, {k}]" if isinstance(expected[0], list) else f"[{b}]"
    if obs.dim() == 0:
        idx = ""
    msg = "" if math.isfinite(t) else f"returned a non-finite value ({t})"
    return Outcome(worst, worst <= tol, msg, f"{t!r} at {idx or 'the scalar'}", f"{mf!r}", sc)


def _refs(ctx: Ctx, case: Case, xs: list, which: str, values=None) -> list:
    k = ctx.kind
    f = k.gradient if which == "gradient" else k.reference
    P = rows(case.P) if case.P is not None else None
    L = [rows(m) for m in case.layers] if case.layers else None
    with mpmath.workdps(DPS):
        return [f(P, x, beta=case.beta, layers=L, reading=ctx.reading, values=values) for x in xs]


def _fail(exc: CallError, **kw) -> Outcome:
    return Outcome(math.inf, False, str(exc), "-", "-", **kw)


# ------------------------------------------------------------------------ the properties


def prop_value(ctx: Ctx, case: Case) -> Outcome:
    xs = rows(case.X)
    try:
        out = invoke(ctx, case, case.X)
    except CallError as exc:
        return _fail(exc)
    ref = _refs(ctx, case, xs, "value")
    allP = case.all_patterns
    scales = [ctx.kind.scale(allP, x, case.beta) for x in xs]
    if ctx.conv.reduction != "none":
        res = compare(out.reshape(1), [mpmath.fsum(ref)], [sum(scales)], ctx.tol)
        res.observed = res.observed.replace(" at [0]", " (your value, converted to the sum)")
        return res
    return compare(out, ref, scales, ctx.tol)


def prop_gradient(ctx: Ctx, case: Case) -> Outcome:
    xs = rows(case.X)
    X = case.X.detach().clone().requires_grad_(True)
    try:
        out = invoke(ctx, case, X, grad=True)
    except CallError as exc:
        return _fail(exc)
    if not out.requires_grad:
        msg = (
            "the output does not depend on x through autograd "
            "(detached, or computed outside torch?)"
        )
        return Outcome(math.inf, False, msg, "-", "-")
    try:
        (obs,) = ctx.guard.run(
            lambda: f"autograd backward of {case.inputs(X)}",
            lambda: torch.autograd.grad(out.sum(), X, allow_unused=True),
        )
    except CallError as exc:
        return Outcome(math.inf, False, f"autograd through it {exc}", "-", "-")
    if obs is None:
        return Outcome(math.inf, False, "autograd found no path from x to the output", "-", "-")
    ref = _refs(ctx, case, xs, "gradient")
    allP = case.all_patterns
    scales = [ctx.kind.gradient_scale(allP, x, case.beta) + ctx.floor for x in xs]
    return compare(obs, ref, scales, ctx.tol)


def prop_one_step(ctx: Ctx, case: Case, values: bool = False) -> Outcome:
    P = rows(case.P)
    V = rows(case.values) if values else None
    xs = rows(case.X)
    try:
        out = invoke(ctx, case, case.X, values=case.values if values else None)
    except CallError as exc:
        return _fail(exc)
    ref = _refs(ctx, case, xs, "value", values=V)
    scales = [ctx.kind.scale(P, x, case.beta, V) + ctx.floor for x in xs]
    return compare(out, ref, scales, ctx.tol)


def prop_values_distinct(ctx: Ctx, case: Case) -> Outcome:
    return prop_one_step(ctx, case, values=True)


def prop_fixed_point(ctx: Ctx, case: Case) -> Outcome:
    k, P, x = ctx.kind, rows(case.P), case.X
    ek = KINDS[k.energy]
    with mpmath.workdps(DPS):
        e0 = [ek.reference(P, xx, beta=case.beta) for xx in rows(x)]
    settled, t, step_worst = False, 0, 0.0
    for t in range(ctx.max_iter):
        xs = rows(x)
        try:
            out = invoke(ctx, case, x)
        except CallError as exc:
            return Outcome(
                math.inf, False, f"at step {t + 1}: {exc}", "-", "-", snippet_kw={"steps": t}
            )
        ref = _refs(ctx, case, xs, "value")
        scales = [k.scale(P, xx, case.beta) + ctx.floor for xx in xs]
        res = compare(out, ref, scales, ctx.tol)
        if not res.ok:
            res.message = f"step {t + 1} of the iteration differs from the spec's update" + (
                f"; {res.message}" if res.message else ""
            )
            res.snippet_kw = {"steps": t}
            return res
        step_worst = max(step_worst, res.error)
        nxt = out.to(ctx.dtype)
        moved = (nxt.double() - x.double()).abs().amax(-1).tolist()
        x = nxt
        if all(m <= ctx.tol * s for m, s in zip(moved, scales)):
            settled = True
            break
    steps = t + 1
    with mpmath.workdps(DPS):
        e1 = [ek.reference(P, xx, beta=case.beta) for xx in rows(x)]
    worst, obs, exp, scb = 0.0, 0.0, 0.0, 0.0
    for b, (a, c) in enumerate(zip(e0, e1)):
        sc = ek.scale(P, rows(case.X)[b], case.beta) * (steps + 1)
        err = max(float(c - a), 0.0) / (abs(float(a)) + sc)
        if err > worst:
            worst, obs, exp, scb = err, float(c), float(a), sc
    if worst > ctx.tol:
        return Outcome(
            worst,
            False,
            f"the energy rose over {steps} steps (MM descent, Eq. 6)",
            f"E after {steps} steps = {obs!r}",
            f"≤ E at the start = {exp!r}",
            scb,
            snippet_kw={"steps": steps, "energy": True},
            settled=settled,
        )
    return Outcome(max(step_worst, worst), True, settled=settled)


def prop_retrieval(ctx: Ctx, case: Case) -> Outcome:
    P, x, r = rows(case.P), case.X, case.radius
    bounds = [ctx.kind.retrieval_bound(P, tgt, r) for tgt in case.targets]
    scales = [8.0 * (1.0 + max(abs(v) for v in P[tgt])) for tgt in case.targets]
    worst, info = 0.0, None
    for t in range(ctx.retrieval_steps):
        try:
            out = invoke(ctx, case, x)
        except CallError as exc:
            return Outcome(
                math.inf, False, f"at step {t + 1}: {exc}", "-", "-", snippet_kw={"steps": t}
            )
        for b, tgt in enumerate(case.targets):
            row = out[b].tolist()
            dist = math.dist(row, P[tgt]) if all(math.isfinite(v) for v in row) else math.inf
            err = max(dist - bounds[b], 0.0) / scales[b]
            if info is None or err > worst:
                worst, info = err, (t + 1, b, tgt, dist, bounds[b], scales[b], row)
        x = out.to(ctx.dtype)
    t, b, tgt, dist, bnd, sc, row = info
    ok = worst <= ctx.tol
    msg = (
        ""
        if ok
        else (
            f"query {b} started within r = {r:.4g} of pattern {tgt} "
            f"(separation Δ = {case.separation:.4g}) but after {t} step(s) is "
            f"{dist:.6g} away; the exact iteration stays within {bnd:.3g}"
        )
    )
    return Outcome(
        worst,
        ok,
        msg,
        f"x[{b}] after {t} step(s) = {row}",
        f"patterns[{tgt}] = {P[tgt]} (within {bnd:.3g})",
        sc,
        snippet_kw={"steps": ctx.retrieval_steps, "retrieval": True},
    )


# ------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Property:
    """One property: its statement, its test of one case, and when it applies."""

    statement: str
    run: Callable[[Ctx, Case], Outcome]
    applies: Callable[[Kind, Convention, str], bool] = lambda kind, conv, reading: True


PROPERTIES: dict[str, Property] = {
    "value": Property(
        "the energy equals the specification (theory.energies, mpmath 30 digits)",
        prop_value,
        lambda k, c, r: k.is_energy,
    ),
    "gradient": Property(
        "the autograd gradient in x equals SymPy's diff of the specification",
        prop_gradient,
        lambda k, c, r: k.gradient_applies(r),
    ),
    "one-step": Property(
        "one update equals the specification's update", prop_one_step, lambda k, c, r: k.is_step
    ),
    "fixed-point": Property(
        "iterating the update: each step equals the spec's, the energy never rises",
        prop_fixed_point,
        lambda k, c, r: k.energy is not None,
    ),
    "retrieval": Property(
        "a query within Δ/4 of a pattern (Δ-separated, Δ ≥ 8) ends within ε of it",
        prop_retrieval,
        lambda k, c, r: k.retrieval_bound is not None,
    ),
    "values-distinct": Property(
        "attention with keys ≠ values equals softmax(scores)·values",
        prop_values_distinct,
        lambda k, c, r: k.attention is not None and c.signature in ("attention", "hopfield"),
    ),
}
