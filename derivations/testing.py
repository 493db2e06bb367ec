"""Property-test anyone's energy, attention or Hopfield update against the paper's theory.

Give :func:`check` a callable and the kind of object it computes; it draws instances with
Hypothesis (:mod:`derivations.strategies`), calls the function in the convention its author
chose (:mod:`derivations.conventions`), and compares the output with the specification in
:mod:`theory.energies`, evaluated with mpmath at 30 digits (gradients: SymPy ``diff`` of the
same expressions, lambdified to mpmath). The first failing instance is shrunk and reported
with the regime it came from, the observed error against the dtype's tolerance
(:mod:`numerics.tolerances`) and a copy-paste reproduction snippet.

========================  ==========================================================================
kind                      properties (what must hold on every drawn instance)
========================  ==========================================================================
``distance-energy``       ``value`` = E of Eq. (4); ``gradient`` = ∂E/∂x by SymPy
``mchn-energy``           ``value`` = E^MCHN_β; ``gradient`` = ∂E^MCHN_β/∂x by SymPy
``global-energy``         ``value`` = E_global of Eq. (7) (E_t: Eq. 4 per layer, or g_t with
                          ``reading='nearest'``); ``gradient`` (distance reading)
``cccp-step``             ``one-step`` = M softmax(2Mᵀx − ‖ρ‖²); ``fixed-point``: iterating from x,
                          every step matches the spec and E never rises; ``retrieval``: a query
                          within Δ/4 of a pattern of a Δ-separated set (Δ ≥ 8) ends within ε of
                          it; ``values-distinct`` (attention signature): keys ≠ values
``mchn-step``             ``one-step`` = M softmax(β Mᵀx); ``fixed-point`` (on E^MCHN_β);
                          ``values-distinct`` (attention signature)
``retrieval``             the ``retrieval`` property of a CCCP step alone
``gradient``              ``gradient`` of the Eq. (4) energy (also ``distance-gradient``,
                          ``mchn-gradient``, ``global-gradient``)
========================  ==========================================================================

Comparison rule (one table, :mod:`numerics.tolerances`): an output t matches the reference m
when |t − m| ≤ rtol(dtype)·(|m| + scale). The reported *error* is |t − m| / (|m| + scale).
``scale`` is the size of the terms that cancel: for the energies ‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1
(E^MCHN: log d/β in place of log d); for a step the size of the softmax scores
(‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1; MCHN: β(‖x‖² + maxᵢ‖ρⁱ‖²) + log d + 1) times maxᵢⱼ|ρⁱⱼ|
(|values| for ``values-distinct``), as in :mod:`numerics.tolerances`; for a gradient
2‖x‖_∞ + 2·(step scale) (Eq. 4) or ‖x‖_∞ + (step scale) (MCHN); steps and gradients add
√(smallest normal) of the dtype (below it squared distances underflow); for retrieval
8(1 + ‖ρ‖_∞) beyond the proven distance bound. A non-finite output, an exception, a wrong
shape or dtype, or a modified input is a failure of the instance.

Public API: :func:`check` → :class:`CheckResult`; ``assert_*`` functions for test suites;
:func:`reference` (the specification as tensors); :func:`load_callable`; :func:`check_main`
(the ``beyond-scaling check`` command); :data:`KINDS`; :data:`DEFAULT_EXAMPLES`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import importlib.util
import math
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import mpmath
import sympy as sp
import torch
from hypothesis import HealthCheck, Phase, given, settings

import theory.energies as te
from derivations import strategies as S
from derivations.conventions import (
    PRESETS,
    Convention,
    OutputError,
    convention_table,
    get_convention,
)
from derivations.ops import Instance
from numerics.tolerances import rtol
from theory.lse import mp_softmax, mpmath_namespace

__all__ = [
    "DEFAULT_EXAMPLES",
    "KINDS",
    "PROPERTIES",
    "CheckResult",
    "PropertyResult",
    "Counterexample",
    "TheoryMismatch",
    "check",
    "reference",
    "load_callable",
    "describe_regime",
    "assert_passes",
    "assert_distance_energy",
    "assert_mchn_energy",
    "assert_global_energy",
    "assert_cccp_step",
    "assert_mchn_step",
    "assert_retrieval",
    "assert_gradient",
    "check_main",
    "add_check_arguments",
    "run_check_command",
]

#: Hypothesis examples per property (each shrinks its first failure for ≤ ``shrink_seconds``).
DEFAULT_EXAMPLES = 100
DPS = 30  # mpmath digits of the reference

#: kind → (quantity the function computes, its properties). ``values-distinct`` only runs for
#: the attention signature; ``gradient`` of ``global-energy`` only for the distance reading.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "distance-energy": ("distance-energy", ("value", "gradient")),
    "mchn-energy": ("mchn-energy", ("value", "gradient")),
    "global-energy": ("global-energy", ("value", "gradient")),
    "cccp-step": ("cccp-step", ("one-step", "fixed-point", "retrieval", "values-distinct")),
    "mchn-step": ("mchn-step", ("one-step", "fixed-point", "values-distinct")),
    "retrieval": ("cccp-step", ("retrieval",)),
    "gradient": ("distance-energy", ("gradient",)),
    "distance-gradient": ("distance-energy", ("gradient",)),
    "mchn-gradient": ("mchn-energy", ("gradient",)),
    "global-gradient": ("global-energy", ("gradient",)),
}

#: property → one-line statement (shown by ``--list`` and in the docs).
PROPERTIES = {
    "value": "the energy equals the specification (theory.energies, mpmath 30 digits)",
    "gradient": "the autograd gradient in x equals SymPy's diff of the specification",
    "one-step": "one update equals the specification's update",
    "fixed-point": "iterating the update: each step equals the spec's, the energy never rises",
    "retrieval": "a query within Δ/4 of a pattern (Δ-separated, Δ ≥ 8) ends within ε of it",
    "values-distinct": "attention with keys ≠ values equals softmax(scores)·values",
}


class TheoryMismatch(AssertionError):
    """Raised by the ``assert_*`` functions; ``.result`` holds the :class:`CheckResult`."""

    def __init__(self, result: CheckResult):
        super().__init__(str(result))
        self.result = result


# ============================================================================ results


@dataclass
class Counterexample:
    """One (shrunk) failing instance, with everything needed to reproduce it."""

    property: str
    regime: str
    message: str
    observed: str
    expected: str
    error: float
    tolerance: float
    scale: float
    snippet: str
    instance: dict
    shrink_calls: int = 0

    def __str__(self) -> str:
        lines = [f"  regime:    {self.regime}"]
        if self.message:
            lines.append(f"  problem:   {self.message}")
        if self.observed != "-":
            lines += [
                f"  observed:  {self.observed}",
                f"  expected:  {self.expected}",
                f"  error:     {_fmt_err(self.error)} (tolerance {self.tolerance:g}; error = "
                f"|observed − expected| / (|expected| + scale), scale = {self.scale:.6g})",
            ]
        lines.append("  reproduce:")
        lines += ["    " + s for s in self.snippet.splitlines()]
        return "\n".join(lines)


@dataclass
class PropertyResult:
    """The outcome of one property: ``status`` is ``passed``, ``failed`` or ``error``."""

    name: str
    status: str
    trials: int = 0
    max_error: float = 0.0
    tolerance: float = 0.0
    counterexample: Counterexample | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def snippet(self) -> str | None:
        return self.counterexample.snippet if self.counterexample else None


@dataclass
class CheckResult:
    """All properties of one check; ``str()`` gives the table and the counterexamples."""

    function: str
    kind: str
    convention: Convention
    dtype: torch.dtype
    seed: int
    examples: int
    beta: float | None
    properties: list[PropertyResult] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and all(p.passed for p in self.properties)

    @property
    def counterexample(self) -> Counterexample | None:
        """The first failing property's counterexample (None if all passed)."""
        for p in self.properties:
            if p.counterexample is not None:
                return p.counterexample
        return None

    def __getitem__(self, name: str) -> PropertyResult:
        for p in self.properties:
            if p.name == name:
                return p
        raise KeyError(f"no property {name!r}; have {[p.name for p in self.properties]}")

    def __str__(self) -> str:
        beta = "" if self.beta is None else f", β = {self.beta:g}"
        head = (
            f"check {self.function}: kind {self.kind}, convention {self.convention.spec()}"
            f", {str(self.dtype).replace('torch.', '')}{beta}, seed {self.seed}, "
            f"{self.examples} examples per property"
        )
        out = [head]
        if self.error:
            out.append(f"ERROR: {self.error}")
        rows = [("property", "status", "trials", "max error", "tolerance", "note")]
        for p in self.properties:
            rows.append(
                (
                    p.name,
                    p.status.upper() if p.status != "passed" else "passed",
                    str(p.trials),
                    _fmt_err(p.max_error) if p.trials else "-",
                    f"{p.tolerance:g}" if p.tolerance else "-",
                    p.note,
                )
            )
        w = [max(len(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            out.append(
                "  ".join(
                    [
                        r[0].ljust(w[0]),
                        r[1].ljust(w[1]),
                        r[2].rjust(w[2]),
                        r[3].rjust(w[3]),
                        r[4].rjust(w[4]),
                        r[5],
                    ]
                ).rstrip()
            )
        n_ok = sum(p.passed for p in self.properties)
        verdict = "PASSED" if self.passed else "FAILED"
        out.append(
            f"{verdict}: {n_ok}/{len(self.properties)} properties passed ({self.seconds:.1f} s)"
        )
        for p in self.properties:
            if p.counterexample is not None:
                out.append("")
                out.append(
                    f"{p.name}: counterexample (shrunk with "
                    f"{p.counterexample.shrink_calls} extra calls)"
                )
                out.append(str(p.counterexample))
        return "\n".join(out)


def _fmt_err(e: float) -> str:
    if e != e:
        return "nan"
    if math.isinf(e):
        return "inf"
    return f"{e:.2g}" if e else "0"


# ============================================================================ reference


def _rows(t) -> list:
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().double().tolist()
    return [list(map(float, r)) for r in t]


def _batch(x) -> tuple[list, bool]:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().tolist()
    single = not isinstance(x[0], (list, tuple))
    return ([list(map(float, x))] if single else [list(map(float, r)) for r in x]), single


def _mp_mchn_step(P, x, beta) -> list:
    """x⁺ = M softmax(β Mᵀx) at the current mpmath precision (Ramsauer et al.'s update)."""
    rows = [[mpmath.mpf(v) for v in r] for r in P]
    xv = [mpmath.mpf(v) for v in x]
    b = mpmath.mpf(beta)
    w = mp_softmax([b * mpmath.fsum(a * c for a, c in zip(xv, r)) for r in rows])
    return [mpmath.fsum(w[i] * rows[i][k] for i in range(len(rows))) for k in range(len(xv))]


def _mp_attention(K, V, x, scale, bias) -> list:
    """softmax(scale·Kx + bias)·V: attention with keys K (d, n) and values V (d, m)."""
    u = [
        mpmath.mpf(scale) * mpmath.fsum(mpmath.mpf(a) * mpmath.mpf(c) for a, c in zip(x, r))
        + (mpmath.mpf(bi) if bias is not None else 0)
        for r, bi in zip(K, bias if bias is not None else [0] * len(K))
    ]
    w = mp_softmax(u)
    return [
        mpmath.fsum(w[i] * mpmath.mpf(V[i][k]) for i in range(len(V))) for k in range(len(V[0]))
    ]


@functools.cache
def _grad_program(which: str, key: tuple) -> Callable:
    """SymPy's derivative of the specification along one coordinate, lambdified to mpmath.

    The energies depend on x_k only through x_k, the k-th pattern entries a_i = ρⁱ_k and one
    number per pattern s_i: the rest of the squared distance (Eq. 4), or the rest of the dot
    product ρⁱᵀx (MCHN). So E restricted to coordinate k is the specification itself on the
    two-column instance rows (a_i, s_i), query (t, 0) (Eq. 4; s_i = √rest) or (t, 1) (MCHN),
    and ``diff`` in t is ∂E/∂x_k. Cached per pattern count, so it costs O(d), not O(d·n).
    """
    t = sp.Symbol("t", real=True)
    beta = sp.Symbol("beta", positive=True)
    if which == "global":
        groups = []
        for li, d in enumerate(key):
            a = sp.symbols(f"a{li}_0:{d}", real=True)
            s = sp.symbols(f"s{li}_0:{d}", real=True)
            groups.append((a, s))
        expr = te.global_energy(
            [
                te.distance_energy(sp.Matrix([[a[i], s[i]] for i in range(len(a))]), [t, 0])
                for a, s in groups
            ]
        )
        args = [sym for a, s in groups for sym in (*a, *s)] + [t]
    else:
        (d,) = key
        a = sp.symbols(f"a0:{d}", real=True)
        s = sp.symbols(f"s0:{d}", real=True)
        P2 = sp.Matrix([[a[i], s[i]] for i in range(d)])
        if which == "distance":
            expr = te.distance_energy(P2, [t, 0])
            args = [*a, *s, t]
        else:
            expr = te.mchn_energy(P2, [t, 1], beta)
            args = [*a, *s, t, beta]
    return sp.lambdify(args, sp.diff(expr, t), modules=[mpmath_namespace(), "mpmath"], cse=True)


def _mp_grad_distance(P, x) -> list:
    f = _grad_program("distance", (len(P),))
    out = []
    for k in range(len(x)):
        a = [mpmath.mpf(r[k]) for r in P]
        s = [
            mpmath.sqrt(
                mpmath.fsum(
                    (mpmath.mpf(x[j]) - mpmath.mpf(r[j])) ** 2 for j in range(len(x)) if j != k
                )
            )
            for r in P
        ]
        out.append(f(*a, *s, mpmath.mpf(x[k])))
    return out


def _mp_grad_mchn(P, x, beta) -> list:
    f = _grad_program("mchn", (len(P),))
    out = []
    for k in range(len(x)):
        a = [mpmath.mpf(r[k]) for r in P]
        c = [
            mpmath.fsum(mpmath.mpf(x[j]) * mpmath.mpf(r[j]) for j in range(len(x)) if j != k)
            for r in P
        ]
        out.append(f(*a, *c, mpmath.mpf(x[k]), mpmath.mpf(beta)))
    return out


def _mp_grad_global(layers, x) -> list:
    f = _grad_program("global", tuple(len(L) for L in layers))
    out = []
    for k in range(len(x)):
        vals = []
        for L in layers:
            vals += [mpmath.mpf(r[k]) for r in L]
            vals += [
                mpmath.sqrt(
                    mpmath.fsum(
                        (mpmath.mpf(x[j]) - mpmath.mpf(r[j])) ** 2 for j in range(len(x)) if j != k
                    )
                )
                for r in L
            ]
        out.append(f(*vals, mpmath.mpf(x[k])))
    return out


def _mp_reference(kind, P, xs, beta=None, layers=None, values=None, reading="distance"):
    """The specification per query (lists of mpf), at the current mpmath precision."""
    out = []
    for x in xs:
        if kind == "distance-energy":
            out.append(te.mp_distance_energy(P, x))
        elif kind == "mchn-energy":
            out.append(te.mp_mchn_energy(P, x, beta))
        elif kind == "global-energy":
            out.append(te.mp_global_energy([te.mp_layer_energy(L, x, reading) for L in layers]))
        elif kind == "cccp-step":
            if values is None:
                out.append(te.mp_cccp_step(P, x))
            else:
                bias = [-sum(v * v for v in r) for r in P]
                out.append(_mp_attention(P, values, x, 2, bias))
        elif kind == "mchn-step":
            out.append(
                _mp_mchn_step(P, x, beta)
                if values is None
                else _mp_attention(P, values, x, beta, None)
            )
        elif kind == "distance-gradient":
            out.append(_mp_grad_distance(P, x))
        elif kind == "mchn-gradient":
            out.append(_mp_grad_mchn(P, x, beta))
        elif kind == "global-gradient":
            if reading != "distance":
                raise ValueError(
                    "the global-energy gradient is only specified for the "
                    "distance reading (E_t = Eq. 4); g_t is not differentiable"
                )
            out.append(_mp_grad_global(layers, x))
        else:
            raise ValueError(f"unknown reference kind {kind!r}")
    return out


_REF_KINDS = (
    "distance-energy",
    "mchn-energy",
    "global-energy",
    "cccp-step",
    "mchn-step",
    "distance-gradient",
    "mchn-gradient",
    "global-gradient",
)


def reference(
    kind: str,
    patterns=None,
    x=None,
    *,
    beta=None,
    layers=None,
    values=None,
    reading: str = "distance",
    dps: int = DPS,
) -> torch.Tensor:
    """The paper's value as a float64 tensor, computed with mpmath at ``dps`` digits.

    ``kind``: one of ``distance-energy``, ``mchn-energy``, ``global-energy`` (shape (B,)),
    ``cccp-step``, ``mchn-step`` (shape (B, n); with ``values`` the attention output
    softmax(scores)·values), ``distance-gradient``, ``mchn-gradient``, ``global-gradient``
    (∂E/∂x by SymPy, shape (B, n)). ``patterns`` are rows (d, n); ``x`` is (B, n) or (n,)
    (then the batch axis is dropped); ``layers`` is a list of (d_t, n) pattern matrices.
    """
    if kind not in _REF_KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; expected one of {_REF_KINDS}")
    xs, single = _batch(x)
    P = None if patterns is None else _rows(patterns)
    L = None if layers is None else [_rows(m) for m in layers]
    V = None if values is None else _rows(values)
    if kind.startswith("mchn") and beta is None:
        raise ValueError(f"{kind} needs beta")
    if kind.startswith("global") and not L:
        raise ValueError(f"{kind} needs layers=[(d_t, n) patterns, …]")
    with mpmath.workdps(dps):
        vals = _mp_reference(kind, P, xs, beta, L, V, reading)
        t = torch.tensor(
            [[float(v) for v in r] if isinstance(r, list) else float(r) for r in vals],
            dtype=torch.float64,
        )
    return t[0] if single else t


# ============================================================================ regimes


def describe_regime(patterns, x, regime: str = "", beta: float | None = None, layers=None) -> str:
    """A readable description of an instance: its strategy regime plus what stands out
    (d = 1, n = 1, large or tiny norms, (near-)duplicate patterns, far queries, extreme β)."""
    P = _rows(patterns) if patterns is not None else [r for m in layers for r in _rows(m)]
    xs, _ = _batch(x)
    d, n, b = len(P), len(P[0]), len(xs)
    bits = []
    if regime:
        fam, _, qr = regime.partition("/")
        bits.append(f"patterns {fam}, queries {qr}" if qr else regime)
    shape = f"d = {d}, n = {n}, B = {b}"
    if layers is not None:
        shape = f"l = {len(layers)}, d_t = {[len(m) for m in layers]}, n = {n}, B = {b}"
    bits.append(shape)
    p2 = max(sum(v * v for v in r) for r in P)
    x2 = max(sum(v * v for v in r) for r in xs)
    if max(p2, x2) >= 100:
        bits.append(f"large norms (max ‖ρ‖² = {p2:.3g}, max ‖x‖² = {x2:.3g})")
    elif 0 < max(p2, x2) <= 1e-4:
        bits.append(f"tiny norms (max ‖ρ‖² = {p2:.3g})")
    if d > 1:
        pair = min(math.dist(P[i], P[j]) for i in range(d) for j in range(i))
        top = max(max(abs(v) for v in r) for r in P)
        if pair == 0:
            bits.append("duplicate patterns")
        elif pair <= 1e-6 * (1 + top):
            bits.append(f"near-duplicate patterns (min ‖ρⁱ − ρʲ‖ = {pair:.2g})")
    g = min(min(sum((a - c) ** 2 for a, c in zip(xx, r)) for r in P) for xx in xs)
    if g >= 100:
        bits.append(f"queries far from every pattern (min ‖x − ρ‖² = {g:.3g})")
    elif g == 0:
        bits.append("a query at a pattern")
    if beta is not None and (beta >= 10 or beta <= 0.1):
        bits.append(f"{'large' if beta >= 10 else 'small'} β = {beta:.3g}")
    return "; ".join(bits)


# ============================================================================ the checker


class _Fail(Exception):
    pass


@dataclass
class _Case:
    inst: Instance
    P: torch.Tensor | None
    X: torch.Tensor
    beta: float | None
    layers: list | None
    values: torch.Tensor | None
    targets: tuple | None = None
    separation: float | None = None
    radius: float | None = None

    def regime(self) -> str:
        return describe_regime(self.P, self.X, self.inst.regime, self.beta, self.layers)


@dataclass
class _Outcome:
    error: float  # scaled error, compared with rtol
    ok: bool
    message: str = ""
    observed: str = ""
    expected: str = ""
    scale: float = 0.0
    snippet_kw: dict = field(default_factory=dict)
    settled: bool | None = None


@dataclass
class _Ctx:
    fn: Callable
    fn_import: str
    kind: str
    quantity: str
    conv: Convention
    dtype: torch.dtype
    beta: float | None
    n: int | None
    reading: str
    max_iter: int
    retrieval_steps: int

    @property
    def tol(self) -> float:
        return rtol(self.dtype)

    @property
    def floor(self) -> float:
        """√(smallest normal number): entries below it have squares that underflow."""
        return math.sqrt(torch.finfo(self.dtype).tiny)


def _user_error(exc: BaseException) -> str:
    """A one-line account of an exception raised by the user's code (type, message, where)."""
    if isinstance(exc, OutputError):
        return str(exc)
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    here = os.path.dirname(os.path.abspath(__file__))
    for fr in reversed(frames):
        if not os.path.abspath(fr.filename).startswith(here):
            where = f" (at {fr.filename}:{fr.lineno} in {fr.name})"
            break
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"raised {type(exc).__name__}: {msg}{where}"


def _tensor(v, dtype) -> torch.Tensor:
    return torch.tensor(v, dtype=dtype)


def _case(ctx: _Ctx, inst: Instance) -> _Case:
    p = inst.p
    P = None if inst.patterns is None else _tensor(inst.patterns, ctx.dtype)
    X = _tensor(p["queries"], ctx.dtype)
    layers = [_tensor(m, ctx.dtype) for m in p["layers"]] if "layers" in p else None
    values = _tensor(p["values"], ctx.dtype) if "values" in p else None
    beta = p.get("beta", ctx.beta)
    return _Case(
        inst, P, X, beta, layers, values, p.get("targets"), p.get("separation"), p.get("radius")
    )


def _energy_scale(P, x, quantity, beta) -> float:
    """Size of the terms that cancel in the energy value at x (see the module docstring)."""
    p2 = max(sum(v * v for v in r) for r in P)
    x2 = sum(v * v for v in x)
    if quantity.startswith("mchn"):
        return x2 + p2 + math.log(len(P)) / beta + 1.0
    return x2 + p2 + math.log(len(P)) + 1.0


def _score_scale(P, x, quantity, beta) -> float:
    """Size of the softmax scores (β Mᵀx, or 2Mᵀx − ‖ρ‖²) whose rounding moves the weights."""
    p2 = max(sum(v * v for v in r) for r in P)
    x2 = sum(v * v for v in x)
    if quantity.startswith("mchn"):
        return beta * (x2 + p2) + math.log(len(P)) + 1.0
    return x2 + p2 + math.log(len(P)) + 1.0


def _step_scale(P, x, quantity, beta, values=None) -> float:
    """Score scale times the largest entry of what the weights average (patterns/values)."""
    top = max(max(abs(v) for v in r) for r in (values if values is not None else P))
    return _score_scale(P, x, quantity, beta) * top


def _invoke(ctx: _Ctx, case: _Case, X: torch.Tensor, values=None, grad: bool = False):
    """Call the user's function on (patterns, X) and convert to the paper; raises _CallError."""
    guards = [t for t in (case.P, X, values) if t is not None] + list(case.layers or [])
    saved = [t.detach().clone() for t in guards]
    try:
        raw = ctx.conv.call(
            ctx.fn, ctx.quantity, case.P, X, beta=case.beta, layers=case.layers, values=values
        )
        out = ctx.conv.to_paper(ctx.quantity, raw, case.P, X, beta=case.beta, layers=case.layers)
    except Exception as exc:  # noqa: BLE001 - anything the user's code raises is reported
        raise _CallError(_user_error(exc)) from None
    for t, s in zip(guards, saved):
        if not torch.equal(t.detach().nan_to_num(), s.nan_to_num()):
            raise _CallError("modified its input tensors in place")
    if not grad:
        out = out.detach()
    return out


class _CallError(Exception):
    pass


def _scaled(t: float, m: float, scale: float) -> float:
    """|t − m| / (|m| + scale); inf for a non-finite t, 0 for an exact match."""
    if not math.isfinite(t):
        return math.inf
    if t == m:
        return 0.0
    denom = abs(m) + scale
    return abs(t - m) / denom if denom > 0 else math.inf


def _compare(observed: torch.Tensor, expected: list, scales: list, tol: float) -> _Outcome:
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
    return _Outcome(worst, worst <= tol, msg, f"{t!r} at {idx or 'the scalar'}", f"{mf!r}", sc)


# -------------------------------------------------------------------- the properties


def _prop_value(ctx: _Ctx, case: _Case, grad: bool = False) -> _Outcome:
    q = ctx.quantity
    P = _rows(case.P) if case.P is not None else None
    L = [_rows(m) for m in case.layers] if case.layers else None
    xs = _rows(case.X)
    allP = P if P is not None else [r for m in L for r in m]
    X = case.X.detach().clone().requires_grad_(grad)
    try:
        out = _invoke(ctx, case, X, grad=grad)
    except _CallError as exc:
        return _Outcome(math.inf, False, str(exc), "-", "-")
    if grad:
        if not out.requires_grad:
            return _Outcome(
                math.inf,
                False,
                "the output does not depend on x through "
                "autograd (detached, or computed outside torch?)",
                "-",
                "-",
            )
        try:
            (obs,) = torch.autograd.grad(out.sum(), X, allow_unused=True)
        except Exception as exc:  # noqa: BLE001 - the user's backward, reported
            return _Outcome(math.inf, False, f"autograd through it {_user_error(exc)}", "-", "-")
        if obs is None:
            return _Outcome(
                math.inf, False, "autograd found no path from x to the output", "-", "-"
            )
    with mpmath.workdps(DPS):
        if grad:
            rk = {
                "distance-energy": "distance-gradient",
                "mchn-energy": "mchn-gradient",
                "global-energy": "global-gradient",
            }[q]
            ref = _mp_reference(rk, P, xs, case.beta, L, reading=ctx.reading)
            base = [_step_scale(allP, x, q, case.beta) for x in xs]
            xinf = [max(abs(v) for v in x) for x in xs]
            c = 2.0 if q != "mchn-energy" else 1.0
            scales = [c * (xi + s) + ctx.floor for xi, s in zip(xinf, base)]
        else:
            ref = _mp_reference(q, P, xs, case.beta, L, reading=ctx.reading)
            scales = [_energy_scale(allP, x, q, case.beta) for x in xs]
    if not grad and ctx.conv.reduction != "none":
        ref = [mpmath.fsum(ref)]
        scales = [sum(scales)]
        out = out.reshape(1)
        res = _compare(out, ref, scales, ctx.tol)
        res.observed = res.observed.replace(" at [0]", " (your value, converted to the sum)")
        return res
    return _compare(obs if grad else out, ref, scales, ctx.tol)


def _prop_gradient(ctx, case):
    return _prop_value(ctx, case, grad=True)


def _prop_one_step(ctx: _Ctx, case: _Case, values: bool = False) -> _Outcome:
    P = _rows(case.P)
    V = _rows(case.values) if values else None
    xs = _rows(case.X)
    try:
        out = _invoke(ctx, case, case.X, values=case.values if values else None)
    except _CallError as exc:
        return _Outcome(math.inf, False, str(exc), "-", "-")
    with mpmath.workdps(DPS):
        ref = _mp_reference(ctx.quantity, P, xs, case.beta, values=V)
    scales = [_step_scale(P, x, ctx.quantity, case.beta or 2.0, V) + ctx.floor for x in xs]
    return _compare(out, ref, scales, ctx.tol)


def _prop_values_distinct(ctx, case):
    return _prop_one_step(ctx, case, values=True)


def _energy_q(ctx: _Ctx) -> str:
    return "mchn-energy" if ctx.quantity == "mchn-step" else "distance-energy"


def _prop_fixed_point(ctx: _Ctx, case: _Case) -> _Outcome:
    P = _rows(case.P)
    beta = case.beta if ctx.quantity == "mchn-step" else 2.0
    x = case.X
    eq = _energy_q(ctx)
    with mpmath.workdps(DPS):
        e0 = _mp_reference(eq, P, _rows(x), case.beta)
    settled = False
    t = 0
    step_worst = 0.0
    for t in range(ctx.max_iter):
        xs = _rows(x)
        try:
            out = _invoke(ctx, case, x)
        except _CallError as exc:
            return _Outcome(
                math.inf, False, f"at step {t + 1}: {exc}", "-", "-", snippet_kw={"steps": t}
            )
        with mpmath.workdps(DPS):
            ref = _mp_reference(ctx.quantity, P, xs, case.beta)
        scales = [_step_scale(P, xx, ctx.quantity, beta) + ctx.floor for xx in xs]
        res = _compare(out, ref, scales, ctx.tol)
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
        e1 = _mp_reference(eq, P, _rows(x), case.beta)
    worst = 0.0
    obs = exp = scb = 0.0
    for b, (a, c) in enumerate(zip(e0, e1)):
        sc = _energy_scale(P, _rows(case.X)[b], eq, beta) * (steps + 1)
        rise = float(c - a)
        err = max(rise, 0.0) / (abs(float(a)) + sc)
        if err > worst:
            worst = err
            obs, exp, scb = float(c), float(a), sc
    if worst > ctx.tol:
        return _Outcome(
            worst,
            False,
            f"the energy rose over {steps} steps (MM descent, Eq. 6)",
            f"E after {steps} steps = {obs!r}",
            f"≤ E at the start = {exp!r}",
            scb,
            snippet_kw={"steps": steps, "energy": True},
            settled=settled,
        )
    return _Outcome(max(step_worst, worst), True, settled=settled)


def _prop_retrieval(ctx: _Ctx, case: _Case) -> _Outcome:
    P = _rows(case.P)
    x = case.X
    r = case.radius
    bounds, scales = [], []
    for tgt in case.targets:
        # ‖T(x) − ρⁱ‖ ≤ Σⱼ Dⱼ exp(r² − (Dⱼ − r)²), Dⱼ = ‖ρʲ − ρⁱ‖ ≥ Δ, for ‖x − ρⁱ‖ ≤ r
        bnd = 0.0
        for j, row in enumerate(P):
            if j != tgt:
                D = math.dist(row, P[tgt])
                bnd += D * math.exp(r * r - (D - r) ** 2)
        bounds.append(bnd)
        scales.append(8.0 * (1.0 + max(abs(v) for v in P[tgt])))
    worst, info = 0.0, None
    for t in range(ctx.retrieval_steps):
        try:
            out = _invoke(ctx, case, x)
        except _CallError as exc:
            return _Outcome(
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
    return _Outcome(
        worst,
        ok,
        msg,
        f"x[{b}] after {t} step(s) = {row}",
        f"patterns[{tgt}] = {P[tgt]} (within {bnd:.3g})",
        sc,
        snippet_kw={"steps": ctx.retrieval_steps, "retrieval": True},
    )


_PROP_FUNCS = {
    "value": _prop_value,
    "gradient": _prop_gradient,
    "one-step": _prop_one_step,
    "values-distinct": _prop_values_distinct,
    "fixed-point": _prop_fixed_point,
    "retrieval": _prop_retrieval,
}


def _strategy(ctx: _Ctx, prop: str):
    n = ctx.n
    beta = None
    if ctx.quantity.startswith("mchn"):
        beta = S.nontrivial_betas() if ctx.beta is None else ctx.beta
    if ctx.quantity == "global-energy":
        if prop == "gradient":
            return S.layered_batches(max_layers=3, max_d=3, max_n=3, max_b=2, n=n)
        return S.layered_batches(max_layers=3, max_d=4, max_n=4, max_b=3, n=n)
    if prop == "retrieval":
        return S.separated_instances(max_d=8, max_n=4, max_b=2, n=n)
    if prop == "gradient":
        return S.batched_instances(max_d=6, max_n=4, max_b=2, n=n, beta=beta)
    if prop == "fixed-point":
        return S.batched_instances(max_d=8, max_n=4, max_b=2, n=n, beta=beta)
    return S.batched_instances(
        max_d=12, max_n=6, max_b=3, n=n, beta=beta, values=prop == "values-distinct"
    )


# -------------------------------------------------------------------- snippets


def _tsrc(t: torch.Tensor) -> str:
    return f"torch.tensor({t.detach().cpu().tolist()!r}, dtype={t.dtype})"


def _snippet(ctx: _Ctx, prop: str, case: _Case, kw: dict) -> str:
    q = ctx.quantity
    imp = ctx.fn_import
    head = "from derivations.testing import reference"
    if imp.startswith("from derivations.testing import load_callable\n"):
        head += ", load_callable"
        imp = imp.split("\n", 1)[1]
    lines = [
        "import torch",
        head,
        "from derivations.conventions import get_convention",
        imp,
        f"conv = get_convention({ctx.conv.spec()!r})",
    ]
    if case.layers is not None:
        lines.append("layers = [" + ", ".join(_tsrc(m) for m in case.layers) + "]")
    if case.P is not None:
        lines.append(f"patterns = {_tsrc(case.P)}  # rows: (d, n) = {tuple(case.P.shape)}")
    grad = prop == "gradient"
    xs = _tsrc(case.X)
    if grad:
        xs = xs[:-1] + ", requires_grad=True)"
    lines.append(f"x = {xs}  # (B, n) = {tuple(case.X.shape)}")
    if case.beta is not None and q.startswith("mchn"):
        lines.append(f"beta = {case.beta!r}")
    if prop == "values-distinct":
        lines.append(f"values = {_tsrc(case.values)}  # (d, n), keys = patterns ≠ values")
    call = ctx.conv.call_source(q, "fn", values_given=prop == "values-distinct")
    conv_args = "patterns, x"
    extra = ""
    if q.startswith("mchn"):
        extra += ", beta=beta"
    if q == "global-energy":
        conv_args = "None, x"
        extra += ", layers=layers"
    ref_args = ("patterns, " if case.P is not None else "None, ") + "x"
    ref_extra = extra + ("" if ctx.reading == "distance" else f", reading={ctx.reading!r}")
    convert = f"conv.to_paper({q!r}, {call}, {conv_args}{extra})"
    steps = kw.get("steps", 0)
    eq = _energy_q(ctx)
    if kw.get("energy"):
        lines.append(f"e0 = reference({eq!r}, {ref_args}{ref_extra})  # energy at the start")
    if prop in ("fixed-point", "retrieval") and steps:
        lines.append(f"for _ in range({steps}):  # iterate your update")
        lines.append(f"    x = {convert}.to(x.dtype)")
    if prop == "retrieval":
        tg = list(case.targets)
        lines.append("print(x)  # yours after the iteration")
        lines.append(
            f"print(patterns[{tg}])  # the patterns the queries started within "
            f"r = {case.radius:.6g} of"
        )
        return "\n".join(lines)
    if kw.get("energy"):
        lines.append(
            f"print(e0, reference({eq!r}, {ref_args}{ref_extra}))  # the energy must not rise"
        )
        return "\n".join(lines)
    if grad:
        rk = q.replace("energy", "gradient")
        gref = ("patterns, " if case.P is not None else "None, ") + "x.detach()"
        lines.append(f"(grad,) = torch.autograd.grad({convert}.sum(), x)")
        lines.append("print(grad)  # yours: autograd of your energy, paper's convention")
        lines.append(
            f"print(reference({rk!r}, {gref}{ref_extra}))"
            f"  # the paper: SymPy diff, mpmath {DPS} digits"
        )
        return "\n".join(lines)
    lines.append(f"out = {call}")
    lines.append(
        f"print(conv.to_paper({q!r}, out, {conv_args}{extra}))  # yours, in the paper's convention"
    )
    ref = f"reference({q!r}, {ref_args}{ref_extra}"
    ref += ", values=values)" if prop == "values-distinct" else ")"
    if q not in ("cccp-step", "mchn-step") and ctx.conv.reduction != "none":
        ref += ".sum()"
    lines.append(f"print({ref})  # the paper (mpmath, {DPS} digits)")
    return "\n".join(lines)


# -------------------------------------------------------------------- running


@contextlib.contextmanager
def _one_thread():
    """Tiny tensors: on a loaded 2-core machine thread start-up costs more than the work."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _run_property(
    ctx: _Ctx, prop: str, examples: int, seed: int, shrink_seconds: float
) -> PropertyResult:
    t0 = time.perf_counter()
    st = {"trials": 0, "shrinks": 0, "max": 0.0, "fail": None, "t_fail": None, "settled": 0}
    func = _PROP_FUNCS[prop]

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
        case = _case(ctx, inst)
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

    note = ""
    try:
        probe()
    except _Fail:
        pass
    except Exception:
        # after a failure: the replay of the smallest failure passed because the shrinking
        # budget ran out (Hypothesis calls that flaky); the recorded failure stands
        if st["fail"] is None:
            raise  # a bug of the checker itself, not of the function under test
    if prop == "fixed-point" and st["fail"] is None:
        note = f"{st['settled']}/{st['trials']} settled within {ctx.max_iter} steps"
    if st["fail"] is None:
        return PropertyResult(
            prop,
            "passed",
            st["trials"],
            st["max"],
            ctx.tol,
            note=note,
            seconds=time.perf_counter() - t0,
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
        snippet=_snippet(ctx, prop, case, res.snippet_kw),
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
        seconds=time.perf_counter() - t0,
    )


def _describe_fn(fn, name: str | None) -> tuple[str, str]:
    """(display name, the import line of the reproduction snippet)."""
    if name:
        mod, _, attr = name.rpartition(":")
        if mod.endswith(".py") or os.sep in mod or "/" in mod:
            return name, (
                f"from derivations.testing import load_callable\nfn = load_callable({name!r})"
            )
        if "." not in attr:
            return name, f"from {mod} import {attr} as fn"
        return name, f"import {mod}\nfn = {mod}.{attr}"
    mod = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", None)
    if mod and qual and "<" not in qual and mod != "__main__":
        public = {"torch._C._nn": "torch.nn.functional"}.get(mod, mod)
        if "." not in qual:
            return f"{public}:{qual}", f"from {public} import {qual} as fn"
        return f"{public}:{qual}", f"import {public}\nfn = {public}.{qual}"
    label = qual or type(fn).__name__
    return label, f"fn = ...  # your function ({label}; not importable by name)"


def _smoke_case(ctx: _Ctx, beta: float | None) -> _Case:
    """A fixed small instance (d = 3, B = 2) to check the call itself before searching."""
    n = ctx.n or 2
    P = [[float(((i + 1) * (k + 2)) % 5 - 2) for k in range(n)] for i in range(3)]
    X = [[float(((b + 2) * (k + 1)) % 3 - 1) / 2 for k in range(n)] for b in range(2)]
    params = {"queries": X}
    if ctx.quantity == "global-energy":
        params["layers"] = [P[:2], P[2:]]
        inst = Instance.make(None, None, regime="smoke", **params)
    else:
        if beta is not None:
            params["beta"] = beta
        inst = Instance.make(P, None, regime="smoke", **params)
    return _case(ctx, inst)


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
    name: str | None = None,
) -> CheckResult:
    """Property-test ``fn`` as ``kind`` against the specification; returns a CheckResult.

    ``convention``: a preset name, a spec string (``"paper,reduction=sum"``) or a
    :class:`~derivations.conventions.Convention`. ``beta``: the β of the MCHN kinds;
    ``None`` draws it (:func:`derivations.strategies.nontrivial_betas`) when the convention
    passes β to ``fn``.
    ``dtype``: the dtype of the inputs (the output must have it too). ``n`` fixes the
    dimension (a module with a fixed width). ``reading``: E_t for ``global-energy``
    (``distance`` = Eq. 4 per layer, ``nearest`` = g_t). ``properties``: a subset to run.
    ``name``: ``MODULE:FUNCTION`` used in reports and snippets. Runs on one torch thread.
    """
    t0 = time.perf_counter()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    quantity, props = KINDS[kind]
    conv = get_convention(convention)
    conv.check_applicable(quantity)
    if not callable(fn):
        raise ValueError(f"fn must be callable; got {type(fn).__name__}")
    rtol(dtype)  # ValueError for a dtype without a tolerance
    if examples < 1:
        raise ValueError(f"examples must be ≥ 1; got {examples}")
    if reading not in ("distance", "nearest"):
        raise ValueError(f"reading must be 'distance' or 'nearest'; got {reading!r}")
    if n is not None and n < 1:
        raise ValueError(f"n must be ≥ 1; got {n}")
    if quantity.startswith("mchn"):
        if beta is None and conv.beta == "fixed":
            raise ValueError(
                f"convention {conv.spec()!r} passes no β to the function "
                "(beta='fixed'): give the function's β with beta=…"
            )
        if beta is not None and not (float(beta) > 0 and math.isfinite(float(beta))):
            raise ValueError(f"beta must be a finite number > 0; got {beta!r}")
    elif beta is not None:
        raise ValueError(
            f"{kind} has no free β (Eq. 4 has no temperature; its step is "
            "attention with β = 2 and bias −‖ρ‖²); beta applies to the mchn kinds"
        )
    if conv.signature != "attention":
        props = tuple(p for p in props if p != "values-distinct")
    if quantity == "global-energy" and reading != "distance":
        props = tuple(p for p in props if p != "gradient")
    if properties is not None:
        unknown = [p for p in properties if p not in props]
        if unknown:
            raise ValueError(
                f"properties {unknown} do not apply to kind {kind!r} in this "
                f"convention; available: {list(props)}"
            )
        props = tuple(p for p in props if p in properties)
    label, imp = _describe_fn(fn, name)
    ctx = _Ctx(
        fn,
        imp,
        kind,
        quantity,
        conv,
        dtype,
        None if beta is None else float(beta),
        n,
        reading,
        max_iter,
        retrieval_steps,
    )
    result = CheckResult(label, kind, conv, dtype, seed, examples, ctx.beta)
    with _one_thread():
        smoke = _smoke_case(
            ctx,
            ctx.beta if ctx.beta is not None else (1.5 if quantity.startswith("mchn") else None),
        )
        try:
            _invoke(ctx, smoke, smoke.X)
        except _CallError as exc:
            how = (
                f"as {conv.signature_text(quantity)} (convention {conv.spec()!r}, "
                f"{str(dtype).replace('torch.', '')} inputs)"
            )
            result.error = f"called {how}, the function {exc}"
            hint = any(w in str(exc).lower() for w in ("dimension", "size", "shape"))
            if str(exc).startswith("raised") and ctx.n is None and hint:
                result.error += "; a function of a fixed width n needs n=… (--n)"
            result.properties = [
                PropertyResult(p, "error", note="not run: the call failed") for p in props
            ]
            result.seconds = time.perf_counter() - t0
            return result
        for p in props:
            result.properties.append(_run_property(ctx, p, examples, seed, shrink_seconds))
    result.seconds = time.perf_counter() - t0
    return result


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


# ============================================================================ loading, CLI


def load_callable(spec: str):
    """``MODULE:ATTR`` (dotted module, attribute path) or ``path/to/file.py:ATTR``.

    The current directory is importable, as with ``python -m``. Raises ``ValueError`` with
    what went wrong (no colon, module not found, attribute missing, not callable).
    """
    if ":" not in spec:
        raise ValueError(f"expected MODULE:FUNCTION or path/to/file.py:FUNCTION; got {spec!r}")
    mod_name, _, attr = spec.rpartition(":")
    if not mod_name or not attr:
        raise ValueError(f"expected MODULE:FUNCTION; got {spec!r}")
    if mod_name.endswith(".py") or "/" in mod_name or os.sep in mod_name:
        path = Path(mod_name)
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        uniq = f"_beyond_scaling_user_{abs(hash(str(path.resolve())))}"
        loader_spec = importlib.util.spec_from_file_location(uniq, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[uniq] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001 - report the user's import error plainly
            raise ValueError(f"importing {path} {_user_error(exc)}") from None
    else:
        cwd = os.getcwd()
        if cwd not in sys.path and "" not in sys.path:
            sys.path.insert(0, cwd)
        try:
            module = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            raise ValueError(f"cannot import module {mod_name!r}: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"importing {mod_name!r} {_user_error(exc)}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"{mod_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{spec} is a {type(obj).__name__}, not a callable")
    return obj


_DTYPES = {
    "float64": torch.float64,
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}


def add_check_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``check`` options, for a parser of its own or a subcommand of ``beyond-scaling``."""
    p.add_argument(
        "target",
        nargs="?",
        metavar="MODULE:FUNCTION",
        help="the callable to test: a dotted module or a path to a .py file, a "
        "colon, and the attribute (e.g. examples/user_attention.py:cccp_step)",
    )
    p.add_argument("--kind", choices=list(KINDS), help="what the function computes")
    p.add_argument(
        "--beta",
        type=float,
        default=None,
        help="β of the mchn kinds (default: drawn, when the convention passes β)",
    )
    p.add_argument(
        "--convention",
        default="paper",
        metavar="C",
        help="a preset, optionally with field=value overrides, e.g. "
        "'paper,reduction=sum' or 'sdpa' (see --list-conventions)",
    )
    p.add_argument(
        "--examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        help=f"Hypothesis examples per property (default {DEFAULT_EXAMPLES})",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--dtype",
        choices=list(_DTYPES),
        default="float64",
        help="dtype of the inputs (default float64)",
    )
    p.add_argument(
        "--n", type=int, default=None, help="fix the dimension n (a module with a fixed width)"
    )
    p.add_argument(
        "--reading",
        choices=("distance", "nearest"),
        default="distance",
        help="E_t of global-energy: Eq. 4 per layer, or g_t",
    )
    p.add_argument(
        "--properties",
        default=None,
        metavar="P[,P…]",
        help="only these properties, e.g. one-step,retrieval",
    )
    p.add_argument(
        "--list-conventions", action="store_true", help="print the convention presets and exit"
    )
    return p


def run_check_command(args) -> int:
    """Run parsed ``check`` arguments: 0 passed, 1 a property failed, 2 bad usage/function."""
    if args.list_conventions:
        print(convention_table())
        return 0
    if not args.target or not args.kind:
        print(
            "beyond-scaling check: error: need MODULE:FUNCTION and --kind KIND "
            f"(kinds: {', '.join(KINDS)})",
            file=sys.stderr,
        )
        return 2
    try:
        fn = load_callable(args.target)
        props = (
            None
            if args.properties is None
            else [s.strip() for s in args.properties.split(",") if s.strip()]
        )
        result = check(
            fn,
            args.kind,
            convention=args.convention,
            beta=args.beta,
            dtype=_DTYPES[args.dtype],
            examples=args.examples,
            seed=args.seed,
            n=args.n,
            reading=args.reading,
            properties=props,
            name=args.target,
        )
    except ValueError as exc:
        print(f"beyond-scaling check: error: {exc}", file=sys.stderr)
        return 2
    print(result)
    if result.error is not None or any(p.status == "error" for p in result.properties):
        return 2
    return 0 if result.passed else 1


def check_main(argv=None) -> int:
    """``beyond-scaling check MODULE:FUNCTION --kind KIND [--beta B] [--convention C]
    [--examples K] [--seed S] …``; prints the table; exit 0 pass, 1 fail, 2 error."""
    p = argparse.ArgumentParser(
        prog="beyond-scaling check",
        description="Property-test an energy, attention or Hopfield update implementation "
        "against the specification of arXiv:2405.08707v2 (Eq. 4, E^MCHN, Eq. 7 "
        "and their CCCP steps).",
        epilog="presets: "
        + ", ".join(PRESETS)
        + ". Properties: "
        + "; ".join(f"{k}: {v}" for k, v in PROPERTIES.items()),
    )
    add_check_arguments(p)
    return run_check_command(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(check_main())
