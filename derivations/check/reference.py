"""The specification each ``check`` kind is compared with: mpmath values and SymPy gradients.

Notation (arXiv:2405.08707v2, Sections 2 and 4; Ramsauer et al. 2020, Eqs. 2–3):

==========  ===============================================================================
code        paper
==========  ===============================================================================
``P``       the patterns ρ¹ … ρ^d as the **rows** of a d × n list (the paper's M = Pᵀ)
``x``       one query / state x ∈ ℝⁿ (a list of floats)
``beta``    β > 0, the inverse temperature of E^MCHN_β and of its update
``layers``  the pattern lists of the l layers of Eq. (7)
``values``  attention values V (d × n) when keys (= P) and values differ
==========  ===============================================================================

Every function here returns, **per query**, the specification at the current mpmath
precision (``mpmath.workdps``): an ``mpf`` for an energy, a list of ``mpf`` for a state or a
gradient. The values come from :mod:`theory.energies` (``mp_distance_energy``, Eq. 4;
``mp_mchn_energy``; ``mp_global_energy``, Eq. 7; ``mp_cccp_step``; ``mp_mchn_update``,
Ramsauer et al.'s Eq. 3). The gradients are SymPy's ``diff`` of the same SymPy expressions
(:func:`theory.energies.distance_energy`, …), lambdified to mpmath. Nothing here is written
twice: a kind's row in :mod:`derivations.check.kinds` names one of these functions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import mpmath
import sympy as sp

import theory.energies as te
from theory.lse import mp_softmax, mpmath_namespace

__all__ = [
    "DPS",
    "reference",
    "mp_attention",
    "distance_energy",
    "mchn_energy",
    "global_energy",
    "cccp_step",
    "mchn_step",
    "distance_gradient",
    "mchn_gradient",
    "global_gradient",
]

DPS = 30  #: mpmath digits of the reference


def mp_attention(K, V, x, scale, bias: bool) -> list:
    """softmax(scale·Kx + b)·V with b = −‖ρⁱ‖² (``bias``) or 0: keys K (d, n), values V.

    The update of a step kind with keys ≠ values (property ``values-distinct``); with V = K
    it is the step itself (``cccp-step``: scale 2 and the bias; ``mchn-step``: scale β).
    """
    xv = [mpmath.mpf(v) for v in x]
    s = mpmath.mpf(scale)
    u = []
    for r in K:
        row = [mpmath.mpf(v) for v in r]
        ui = s * mpmath.fsum(a * c for a, c in zip(xv, row))
        if bias:
            ui -= mpmath.fsum(c * c for c in row)
        u.append(ui)
    w = mp_softmax(u)
    return [
        mpmath.fsum(w[i] * mpmath.mpf(V[i][k]) for i in range(len(V))) for k in range(len(V[0]))
    ]


# ------------------------------------------------------------------------ values


def distance_energy(P, x, **_) -> mpmath.mpf:
    """E(x) of Eq. (4)."""
    return te.mp_distance_energy(P, x)


def mchn_energy(P, x, beta=None, **_) -> mpmath.mpf:
    """E^MCHN_β(x) = −lse(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer Eq. 2)."""
    return te.mp_mchn_energy(P, x, beta)


def global_energy(P, x, layers=None, reading: str = "distance", **_) -> mpmath.mpf:
    """E_global(x) = −LSE(−E_1(x), …, −E_l(x)) of Eq. (7), E_t in the given reading."""
    return te.mp_global_energy([te.mp_layer_energy(L, x, reading) for L in layers])


def cccp_step(P, x, values=None, **_) -> list:
    """x⁺ = M softmax(2Mᵀx − ‖ρ‖²), the CCCP step of Eq. (4); with ``values``: the attention
    softmax(2Mᵀx − ‖ρ‖²)·V."""
    if values is None:
        return te.mp_cccp_step(P, x)
    return mp_attention(P, values, x, 2, True)


def mchn_step(P, x, beta=None, values=None, **_) -> list:
    """x⁺ = M softmax(β Mᵀx) (Ramsauer et al. Eq. 3); with ``values``: softmax(β Mᵀx)·V."""
    if values is None:
        return te.mp_mchn_update(P, x, beta)
    return mp_attention(P, values, x, beta, False)


# ------------------------------------------------------------------------ gradients


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


def _rest_distance(P, x, k) -> list:
    """√(Σ_{j≠k} (x_j − ρⁱ_j)²) per pattern: the part of the squared distance without x_k."""
    return [
        mpmath.sqrt(
            mpmath.fsum((mpmath.mpf(x[j]) - mpmath.mpf(r[j])) ** 2 for j in range(len(x)) if j != k)
        )
        for r in P
    ]


def distance_gradient(P, x, **_) -> list:
    """∂E/∂x of Eq. (4), by SymPy ``diff``."""
    f = _grad_program("distance", (len(P),))
    out = []
    for k in range(len(x)):
        a = [mpmath.mpf(r[k]) for r in P]
        out.append(f(*a, *_rest_distance(P, x, k), mpmath.mpf(x[k])))
    return out


def mchn_gradient(P, x, beta=None, **_) -> list:
    """∂E^MCHN_β/∂x, by SymPy ``diff`` (equals x − x⁺ of the MCHN update)."""
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


def global_gradient(P, x, layers=None, reading: str = "distance", **_) -> list:
    """∂E_global/∂x of Eq. (7) with E_t = Eq. (4) per layer, by SymPy ``diff``."""
    if reading != "distance":
        raise ValueError(
            "the global-energy gradient is only specified for the distance reading "
            "(E_t = Eq. 4); g_t is not differentiable"
        )
    f = _grad_program("global", tuple(len(L) for L in layers))
    out = []
    for k in range(len(x)):
        vals = []
        for L in layers:
            vals += [mpmath.mpf(r[k]) for r in L]
            vals += _rest_distance(L, x, k)
        out.append(f(*vals, mpmath.mpf(x[k])))
    return out


# ------------------------------------------------------------------------ public


def reference(
    kind: str,
    patterns=None,
    x=None,
    *,
    beta=None,
    layers=None,
    values=None,
    reading: str = "distance",
    gradient: bool = False,
    dps: int = DPS,
):
    """The paper's value as a float64 tensor, computed with mpmath at ``dps`` digits.

    ``kind``: a row of :data:`derivations.check.kinds.KINDS` — an energy (shape (B,)), a
    step (shape (B, n); with ``values`` the attention output softmax(scores)·values), or a
    gradient row (``distance-gradient``, ``mchn-gradient``, ``global-gradient``: ∂E/∂x by
    SymPy, shape (B, n)); ``gradient=True`` gives ∂E/∂x of any energy row. ``patterns``
    are rows (d, n); ``x`` is (B, n) or (n,) (then the batch axis is dropped); ``layers``
    is a list of (d_t, n) pattern matrices (Eq. 7).
    """
    import torch

    from derivations.check.cases import batch, rows
    from derivations.check.kinds import KINDS

    if kind not in KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; expected one of {', '.join(KINDS)}")
    row = KINDS[kind]
    want_grad = gradient or row.reference_of == "gradient"
    if want_grad and row.gradient is None:
        raise ValueError(f"{kind} has no gradient reference")
    if row.beta and beta is None:
        raise ValueError(f"{kind} needs beta")
    if row.layers and not layers:
        raise ValueError(f"{kind} needs layers=[(d_t, n) patterns, …]")
    if x is None:
        raise ValueError("reference needs the queries x, shape (B, n) or (n,)")
    if not isinstance(dps, int) or dps < 15:
        raise ValueError(f"dps must be an int ≥ 15; got {dps!r}")
    xs, single = batch(x)
    P = None if patterns is None else rows(patterns)
    L = None if layers is None else [rows(m) for m in layers]
    V = None if values is None else rows(values)
    f = row.gradient if want_grad else row.reference
    extra = {"values": V} if V is not None else {}
    with mpmath.workdps(dps):
        vals = [f(P, xx, beta=beta, layers=L, reading=reading, **extra) for xx in xs]
        t = torch.tensor(
            [[float(v) for v in r] if isinstance(r, list) else float(r) for r in vals],
            dtype=torch.float64,
        )
    return t[0] if single else t
