"""``check``: property-test a function as a kind against the specification; the ``assert_*``
helpers for test suites.

:func:`check` validates every option (a ``ValueError`` naming the argument), calls the
function once on a fixed smoke instance (a failing call is reported without searching), then
runs each property of the kind's row (:mod:`derivations.check.kinds`) as a Hypothesis search
(:mod:`derivations.check.properties`), every call guarded by the per-call timeout
(:mod:`derivations.check.calls`). The first failure of each property is shrunk for at most
``shrink_seconds`` and reported with its regime and a reproduction.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import time
from dataclasses import dataclass

import hypothesis
import torch
from hypothesis import HealthCheck, Phase, given, settings

from derivations.check import watchdog
from derivations.check.calls import (
    DEFAULT_TIMEOUT,
    PROGRESS_EVERY,
    CallError,
    Guard,
    validate_timeout,
)
from derivations.check.cases import make_case, smoke_case
from derivations.check.conventions import Convention
from derivations.check.kinds import Kind, get_kind
from derivations.check.presets import get_convention
from derivations.check.properties import PROPERTIES, Ctx, invoke
from derivations.check.result import (
    CheckResult,
    Counterexample,
    PropertyResult,
    TheoryMismatch,
)
from derivations.check.snippet import describe_fn, snippet
from derivations.strategies import nontrivial_betas
from numerics.tolerances import rtol

__all__ = [
    "DEFAULT_EXAMPLES",
    "check",
    "assert_passes",
    "assert_distance_energy",
    "assert_mchn_energy",
    "assert_global_energy",
    "assert_cccp_step",
    "assert_mchn_step",
    "assert_retrieval",
    "assert_gradient",
]

#: Hypothesis examples per property (each shrinks its first failure for ≤ ``shrink_seconds``).
DEFAULT_EXAMPLES = 100


class _Fail(Exception):
    pass


def _int(name: str, v, low: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{name} must be an int ≥ {low}; got {v!r}")
    if v < low:
        what = {
            "max_iter": " (0 steps would test nothing)",
            "retrieval_steps": " (0 steps would test nothing)",
        }.get(name, "")
        raise ValueError(f"{name} must be ≥ {low}{what}; got {v}")
    return v


def _number(name: str, v, low: float, strict: bool) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{name} must be a number; got {v!r}")
    v = float(v)
    bad = not math.isfinite(v) or (v <= low if strict else v < low)
    if bad:
        raise ValueError(
            f"{name} must be a finite number {'>' if strict else '≥'} {low:g}; got {v!r}"
        )
    return v


def _progress(progress) -> float:
    if progress is True:
        return PROGRESS_EVERY
    if progress is False or progress is None:
        return 0.0
    return _number("progress", progress, 0.0, strict=False)


def _properties(props, kind, conv, reading) -> tuple:
    """The kind's properties that apply in this convention/reading, narrowed to ``props``."""
    have = tuple(p for p in kind.properties if PROPERTIES[p].applies(kind, conv, reading))
    if props is None:
        return have
    if isinstance(props, str):
        props = [s.strip() for s in props.split(",") if s.strip()]
    try:
        props = list(props)
    except TypeError:
        raise ValueError(f"properties must be a list of names; got {props!r}") from None
    if not props or not all(isinstance(p, str) for p in props):
        raise ValueError(f"properties must be a non-empty list of names; got {props!r}")
    unknown = [p for p in props if p not in have]
    if unknown:
        raise ValueError(
            f"properties {unknown} do not apply to kind {kind.name!r} in this "
            f"convention; available: {list(have)}"
        )
    return tuple(p for p in have if p in props)


def _beta(beta, kind, conv):
    if kind.beta:
        if beta is None and conv.beta == "fixed":
            raise ValueError(
                f"convention {conv.spec()!r} passes no β to the function "
                "(beta='fixed'): give the function's β with beta=…"
            )
        if beta is None:
            return None
        return _number("beta", beta, 0.0, strict=True)
    if beta is not None:
        raise ValueError(
            f"{kind.name} has no free β (Eq. 4 has no temperature; its step is attention "
            "with β = 2 and bias −‖ρ‖²); beta applies to the mchn kinds"
        )
    return None


def check(
    fn,
    kind: str,
    *,
    convention="paper",
    beta: float | None = None,
    dtype: torch.dtype = torch.float64,
    examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    n: int | None = None,
    reading: str = "distance",
    properties=None,
    max_iter: int = 50,
    retrieval_steps: int = 10,
    shrink_seconds: float = 2.0,
    timeout: float = DEFAULT_TIMEOUT,
    progress=True,
    isolate: bool = False,
    name: str | None = None,
) -> CheckResult:
    """Property-test ``fn`` as ``kind`` against the specification; returns a CheckResult.

    ``kind``: a row of :data:`derivations.check.kinds.KINDS`. ``convention``: a preset name,
    a spec string (``"paper,reduction=sum"``) or a Convention. ``beta``: the β of the β
    kinds; ``None`` draws it (:func:`derivations.strategies.nontrivial_betas`) when the
    convention passes β to ``fn``. ``dtype``: of the inputs (the output must have it too).
    ``n`` fixes the dimension (a module of a fixed width). ``reading``: E_t of
    ``global-energy`` (``distance`` = Eq. 4 per layer, ``nearest`` = g_t). ``properties``: a
    subset to run (names, or one comma-separated string). ``max_iter``: steps of
    ``fixed-point``; ``retrieval_steps``: steps of ``retrieval`` (both ≥ 1).
    ``timeout``: seconds one call may take (see :mod:`derivations.check.calls`);
    ``progress``: a line on stderr every 10 s (a number: every that many seconds; False:
    none); ``isolate``: run in a forked worker that a watchdog kills if a call ignores the
    timeout (what the command line does). ``name``: ``MODULE:FUNCTION`` for reports and
    snippets. Every bad option is a ``ValueError`` naming it. Runs on one torch thread.
    """
    options = {k: v for k, v in locals().items() if k not in ("fn", "kind", "isolate")}
    if not isinstance(isolate, bool):
        raise ValueError(f"isolate must be True or False; got {isolate!r}")
    plan = plan_check(fn, kind, **options)
    if isolate and watchdog.can_isolate():
        return watchdog.run_isolated(lambda hb: run_plan(plan, hb), plan.timeout)
    return run_plan(plan)


@dataclass(frozen=True)
class Plan:
    """A validated check, ready to run (in this process or in a watched worker)."""

    fn: object
    kind: Kind
    conv: Convention
    beta: float | None
    dtype: torch.dtype
    examples: int
    seed: int
    n: int | None
    reading: str
    properties: tuple
    max_iter: int
    retrieval_steps: int
    shrink_seconds: float
    timeout: float
    progress: float
    name: str | None


def plan_check(fn, kind, **options) -> Plan:
    """Validate :func:`check`'s arguments (same names and defaults, without ``isolate``);
    a ``ValueError`` names the first bad one."""
    defaults = {
        k: p.default
        for k, p in inspect.signature(check).parameters.items()
        if p.kind is p.KEYWORD_ONLY and k != "isolate"
    }
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown}; check takes {', '.join(defaults)}")
    o = {**defaults, **options}
    if not callable(fn):
        raise ValueError(f"fn must be callable; got {type(fn).__name__}")
    k = get_kind(kind)
    conv = get_convention(o["convention"])
    conv.check_applicable(k)
    dtype = o["dtype"]
    if not isinstance(dtype, torch.dtype):
        raise ValueError(f"dtype must be a torch dtype; got {dtype!r}")
    rtol(dtype)  # ValueError for a dtype without a tolerance
    n = None if o["n"] is None else _int("n", o["n"], 1)
    readings = k.readings or ("distance",)
    if o["reading"] not in readings:
        raise ValueError(
            f"reading must be one of {readings} for kind {k.name!r}; got {o['reading']!r}"
        )
    name = o["name"]
    if name is not None and not isinstance(name, str):
        raise ValueError(f"name must be a string MODULE:FUNCTION; got {name!r}")
    return Plan(
        fn,
        k,
        conv,
        _beta(o["beta"], k, conv),
        dtype,
        _int("examples", o["examples"], 1),
        _int("seed", o["seed"], 0),
        n,
        o["reading"],
        _properties(o["properties"], k, conv, o["reading"]),
        _int("max_iter", o["max_iter"], 1),
        _int("retrieval_steps", o["retrieval_steps"], 1),
        _number("shrink_seconds", o["shrink_seconds"], 0.0, strict=False),
        validate_timeout(o["timeout"]),
        _progress(o["progress"]),
        name,
    )


def run_plan(plan: Plan, heartbeat=None) -> CheckResult:
    """Run a validated check; ``heartbeat``: the watchdog's (see :mod:`~.watchdog`)."""
    t0 = time.perf_counter()
    k, conv, dtype, n, beta = plan.kind, plan.conv, plan.dtype, plan.n, plan.beta
    label, imp = describe_fn(plan.fn, plan.name)
    guard = Guard(label, plan.timeout, plan.progress, heartbeat)
    ctx = Ctx(
        plan.fn,
        imp,
        k,
        conv,
        dtype,
        beta,
        n,
        plan.reading,
        plan.max_iter,
        plan.retrieval_steps,
        guard,
    )
    result = CheckResult(label, k.name, conv, dtype, plan.seed, plan.examples, beta)
    props = plan.properties
    with _one_thread(), guard:
        smoke_beta = beta if beta is not None else (1.5 if k.beta else None)
        smoke = smoke_case(k.layers, n, smoke_beta, dtype)
        guard.phase = "smoke"
        try:
            invoke(ctx, smoke, smoke.X)
        except CallError as exc:  # the call itself fails
            how = (
                f"as {conv.signature_text(k)} (convention {conv.spec()!r}, "
                f"{str(dtype).replace('torch.', '')} inputs)"
            )
            result.error = f"called {how}, the function {exc}"
            hint = any(w in str(exc).lower() for w in ("dimension", "size", "shape"))
            if str(exc).startswith("raised") and n is None and hint:
                result.error += "; a function of a fixed width n needs n=… (--n)"
            result.properties = [
                PropertyResult(p, "error", note="not run: the call failed") for p in props
            ]
        else:
            for p in props:
                guard.phase = p
                calls0 = guard.calls
                pr = _run_property(ctx, p, plan.examples, plan.seed, plan.shrink_seconds)
                pr.calls = guard.calls - calls0
                result.properties.append(pr)
    result.calls = guard.calls
    result.seconds = time.perf_counter() - t0
    return result


@contextlib.contextmanager
def _one_thread():
    """Tiny tensors: on a loaded 2-core machine thread start-up costs more than the work."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _strategy(ctx: Ctx, prop: str):
    beta = None
    if ctx.kind.beta:
        beta = nontrivial_betas() if ctx.beta is None else ctx.beta
    return ctx.kind.strategy(prop, ctx.n, beta)


def _run_property(
    ctx: Ctx, prop: str, examples: int, seed: int, shrink_seconds: float
) -> PropertyResult:
    t0 = time.perf_counter()
    st = {"trials": 0, "shrinks": 0, "max": 0.0, "fail": None, "t_fail": None, "settled": 0}
    func = PROPERTIES[prop].run

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        print_blob=False,
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.seed(seed)
    @given(_strategy(ctx, prop))
    def probe(inst):
        if st["fail"] is not None:
            if time.perf_counter() - st["t_fail"] > shrink_seconds:
                return  # shrinking budget spent: keep the smallest failure so far
            st["shrinks"] += 1
        else:
            st["trials"] += 1
        case = make_case(inst, ctx.dtype, ctx.beta)
        res = func(ctx, case)
        if res.settled:
            st["settled"] += 1
        if st["fail"] is None:
            st["max"] = max(st["max"], res.error)
        if math.isfinite(res.error):
            hypothesis.target(min(res.error / ctx.tol, 1e12), label="error / tolerance")
        if not res.ok:
            st["fail"] = (case, res)
            if st["t_fail"] is None:
                st["t_fail"] = time.perf_counter()
            raise _Fail

    from derivations.engine.search import no_local_constants

    try:
        with no_local_constants():  # the same instances whatever the process imported
            probe()
    except _Fail:
        pass
    except Exception:
        # after a failure: the replay of the smallest failure passed because the shrinking
        # budget ran out (Hypothesis calls that flaky); the recorded failure stands
        if st["fail"] is None:
            raise  # a bug of the checker itself, not of the function under test
    secs = time.perf_counter() - t0
    if st["fail"] is None:
        if st["trials"] == 0:
            return PropertyResult(prop, "error", 0, note="no instance was tested", seconds=secs)
        note = ""
        if prop == "fixed-point":
            note = f"{st['settled']}/{st['trials']} settled within {ctx.max_iter} steps"
        return PropertyResult(
            prop, "passed", st["trials"], st["max"], ctx.tol, note=note, seconds=secs
        )
    case, res = st["fail"]
    cx = Counterexample(
        property=prop,
        regime=case.regime(),
        message=res.message,
        observed=res.observed,
        expected=res.expected,
        error=res.error,
        tolerance=ctx.tol,
        scale=res.scale,
        snippet=snippet(ctx, prop, case, res.snippet_kw),
        instance=case.inst.to_json(),
        shrink_calls=st["shrinks"],
    )
    short = res.message or f"{res.observed} vs {res.expected}"
    short = short if len(short) <= 70 else short[:67] + "..."
    return PropertyResult(
        prop,
        "failed",
        st["trials"],
        max(st["max"], res.error),
        ctx.tol,
        counterexample=cx,
        note=short,
        seconds=secs,
    )


# ============================================================================ assertions


def assert_passes(fn, kind: str, **kwargs) -> CheckResult:
    """:func:`check`, raising :class:`TheoryMismatch` (an AssertionError) unless all pass."""
    __tracebackhide__ = True
    result = check(fn, kind, **kwargs)
    if not result.passed:
        raise TheoryMismatch(result)
    return result


def assert_distance_energy(fn, **kwargs) -> CheckResult:
    """Assert ``fn`` computes the Eq. (4) energy (value and gradient); see :func:`check`."""
    __tracebackhide__ = True
    return assert_passes(fn, "distance-energy", **kwargs)


def assert_mchn_energy(fn, **kwargs) -> CheckResult:
    """Assert ``fn`` computes E^MCHN_β (value and gradient); see :func:`check`."""
    __tracebackhide__ = True
    return assert_passes(fn, "mchn-energy", **kwargs)


def assert_global_energy(fn, **kwargs) -> CheckResult:
    """Assert ``fn(layers, x)`` computes E_global of Eq. (7); see :func:`check`."""
    __tracebackhide__ = True
    return assert_passes(fn, "global-energy", **kwargs)


def assert_cccp_step(fn, **kwargs) -> CheckResult:
    """Assert ``fn`` is the CCCP step of Eq. (4) (one step, iteration, retrieval)."""
    __tracebackhide__ = True
    return assert_passes(fn, "cccp-step", **kwargs)


def assert_mchn_step(fn, **kwargs) -> CheckResult:
    """Assert ``fn`` is the MCHN update x⁺ = M softmax(β Mᵀx) (one step, iteration)."""
    __tracebackhide__ = True
    return assert_passes(fn, "mchn-step", **kwargs)


def assert_retrieval(fn, **kwargs) -> CheckResult:
    """Assert iterating ``fn`` (a CCCP step) retrieves well-separated patterns."""
    __tracebackhide__ = True
    return assert_passes(fn, "retrieval", **kwargs)


def assert_gradient(fn, energy: str = "distance", **kwargs) -> CheckResult:
    """Assert autograd through ``fn`` (an ``energy`` ∈ distance, mchn, global) matches SymPy."""
    __tracebackhide__ = True
    if energy not in ("distance", "mchn", "global"):
        raise ValueError(f"energy must be distance, mchn or global; got {energy!r}")
    return assert_passes(fn, f"{energy}-gradient", **kwargs)
