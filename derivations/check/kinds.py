"""THE table of ``check`` kinds: one row per kind, so a new kind is one row.

A row (:class:`Kind`) says what a user's function computes and how it is judged:

==================  ==========================================================================
field               meaning
==================  ==========================================================================
``computes``        ``"energy"`` (one number per query) or ``"step"`` (one state per query)
``reference``       the specification per query, at mpmath precision
                    (:mod:`derivations.check.reference`)
``scale``           the size of the terms that cancel: an output t matches the reference m
                    when |t − m| ≤ rtol(dtype)·(|m| + scale) (:mod:`numerics.tolerances`)
``properties``      what must hold on every drawn instance (:mod:`~.properties`)
``strategy``        the Hypothesis strategy of instances, per property
``beta``            the quantity has an inverse temperature β (passed per the convention)
``layers``          the function takes the l layers of Eq. (7) in place of one pattern set
``readings``        the ``reading`` values it accepts (first = default)
``gradient``        ∂E/∂x per query (SymPy), and ``gradient_scale``
``attention``       a step as attention softmax(s·Kx + b)·V: s (a number, or None for β) and
                    whether b = −‖ρⁱ‖² (Eq. 4's step) — used by ``values-distinct`` and by the
                    attention-style conventions
``energy``          the kind whose value the iterated step must not raise (``fixed-point``)
``retrieval_bound`` the proven distance after a step from within r of a pattern
``constants``       the x-independent terms a convention may drop (``constants=False``)
``half_distance``   the ½‖x − ρ‖² convention applies (Eq. 4-type energies and steps)
==================  ==========================================================================

Rows that only select properties of another (``retrieval``, ``*-gradient``) are made with
:func:`alias`. Add a kind with :func:`add_kind` (or ``KINDS[name] = Kind(...)``); ``check``,
``reference``, the CLI's ``--kind`` and the conventions read the table at call time.
Scales (see :mod:`numerics.tolerances`): energies ‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1 (E^MCHN: log d/β);
steps the score size (‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1; MCHN: β(‖x‖² + maxᵢ‖ρⁱ‖²) + log d + 1)
times maxᵢⱼ|ρⁱⱼ| (|values| for ``values-distinct``); gradients 2‖x‖_∞ + 2·(step scale) for
Eq. (4) and ‖x‖_∞ + (step scale) for MCHN. Steps and gradients add √(smallest normal) of the
dtype in the property (below it squared distances underflow). These are the *uncentred* scales
on purpose: the project's own kernels centre the patterns (numerics.tolerances), but a user's
implementation by the plain expanded form ‖x‖² − 2xᵀρ + ‖ρ‖² is a correct one and loses
accuracy in proportion to the uncentred norms.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from derivations import strategies as S
from derivations.check import reference as R

__all__ = ["Attention", "Kind", "KINDS", "alias", "add_kind", "get_kind", "quantities"]


# ------------------------------------------------------------------------ scales


def _p2(P) -> float:
    return max(sum(v * v for v in r) for r in P)


def energy_scale(P, x, beta=None, values=None) -> float:
    """‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1: the terms that cancel in Eq. (4) and Eq. (7)."""
    return sum(v * v for v in x) + _p2(P) + math.log(len(P)) + 1.0


def mchn_energy_scale(P, x, beta=None, values=None) -> float:
    """‖x‖² + maxᵢ‖ρⁱ‖² + log d/β + 1: the terms that cancel in E^MCHN_β."""
    return sum(v * v for v in x) + _p2(P) + math.log(len(P)) / beta + 1.0


def _top(P, values) -> float:
    return max(max(abs(v) for v in r) for r in (values if values is not None else P))


def cccp_step_scale(P, x, beta=None, values=None) -> float:
    """(‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1)·maxᵢⱼ|ρⁱⱼ|: score size times what the weights average."""
    return energy_scale(P, x) * _top(P, values)


def mchn_step_scale(P, x, beta=None, values=None) -> float:
    """(β(‖x‖² + maxᵢ‖ρⁱ‖²) + log d + 1)·maxᵢⱼ|ρⁱⱼ| (the scores are β Mᵀx)."""
    score = beta * (sum(v * v for v in x) + _p2(P)) + math.log(len(P)) + 1.0
    return score * _top(P, values)


def distance_gradient_scale(P, x, beta=None) -> float:
    """2‖x‖_∞ + 2·(CCCP step scale): ∇E = 2(x − x⁺) for Eq. (4)."""
    return 2.0 * (max(abs(v) for v in x) + cccp_step_scale(P, x))


def mchn_gradient_scale(P, x, beta=None) -> float:
    """‖x‖_∞ + (MCHN step scale): ∇E^MCHN = x − x⁺."""
    return max(abs(v) for v in x) + mchn_step_scale(P, x, beta)


def cccp_retrieval_bound(P, target: int, r: float) -> float:
    """Σ_{j≠i} Dⱼ exp(r² − (Dⱼ − r)²), Dⱼ = ‖ρʲ − ρⁱ‖: after one CCCP step from within r of
    ρⁱ the state is at most this far from ρⁱ (softmax weights of the other patterns are at
    most exp(r² − (Dⱼ − r)²), and each moves the average by at most Dⱼ)."""
    bnd = 0.0
    for j, row in enumerate(P):
        if j != target:
            D = math.dist(row, P[target])
            bnd += D * math.exp(r * r - (D - r) ** 2)
    return bnd


def mchn_constants(P, beta) -> float:
    """β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²: the terms of E^MCHN_β that do not depend on x."""
    return math.log(len(P)) / beta + 0.5 * _p2(P)


# ------------------------------------------------------------------------ strategies


def standard_strategy(prop: str, n: int | None, beta):
    """Instances with patterns and a batch of queries (:mod:`derivations.strategies`);
    smaller for the costlier properties; well-separated patterns for ``retrieval``."""
    if prop == "retrieval":
        return S.separated_instances(max_d=8, max_n=4, max_b=2, n=n)
    if prop == "gradient":
        return S.batched_instances(max_d=6, max_n=4, max_b=2, n=n, beta=beta)
    if prop == "fixed-point":
        return S.batched_instances(max_d=8, max_n=4, max_b=2, n=n, beta=beta)
    return S.batched_instances(
        max_d=12, max_n=6, max_b=3, n=n, beta=beta, values=prop == "values-distinct"
    )


def layered_strategy(prop: str, n: int | None, beta):
    """Patterns split over l ≤ 3 layers and a batch of queries (Eq. 7)."""
    if prop == "gradient":
        return S.layered_batches(max_layers=3, max_d=3, max_n=3, max_b=2, n=n)
    return S.layered_batches(max_layers=3, max_d=4, max_n=4, max_b=3, n=n)


# ------------------------------------------------------------------------ the row


@dataclass(frozen=True)
class Attention:
    """A step written as attention softmax(s·Kx + b)·V with keys K = values V = patterns."""

    scale: float | None  #: s: a number, or None for the kind's β
    bias: bool  #: b = −‖ρⁱ‖² (the Eq. 4 step) or no bias


@dataclass(frozen=True)
class Kind:
    """One row of the table (fields in the module docstring)."""

    name: str
    computes: str
    reference: Callable
    scale: Callable
    properties: tuple
    summary: str = ""
    strategy: Callable = standard_strategy
    beta: bool = False
    layers: bool = False
    readings: tuple = ()
    gradient: Callable | None = None
    gradient_scale: Callable | None = None
    attention: Attention | None = None
    energy: str | None = None
    retrieval_bound: Callable | None = None
    constants: Callable | None = None
    half_distance: bool = False
    quantity: str = ""  #: the row whose value the function computes ('' = this row)
    reference_of: str = "value"  #: what ``reference(name)`` returns: "value" or "gradient"

    def __post_init__(self):
        if self.computes not in ("energy", "step"):
            raise ValueError(f"kind {self.name!r}: computes must be 'energy' or 'step'")
        if not self.properties:
            raise ValueError(f"kind {self.name!r}: needs at least one property")
        if self.reference_of not in ("value", "gradient"):
            raise ValueError(f"kind {self.name!r}: reference_of must be value or gradient")
        if "gradient" in self.properties and self.gradient is None:
            raise ValueError(f"kind {self.name!r}: property gradient needs a gradient reference")
        if "fixed-point" in self.properties and self.energy is None:
            raise ValueError(f"kind {self.name!r}: property fixed-point needs an energy kind")
        if "retrieval" in self.properties and self.retrieval_bound is None:
            raise ValueError(f"kind {self.name!r}: property retrieval needs a retrieval_bound")
        if "values-distinct" in self.properties and self.attention is None:
            raise ValueError(f"kind {self.name!r}: property values-distinct needs attention")

    @property
    def base(self) -> str:
        """The name of the row whose value the function computes."""
        return self.quantity or self.name

    @property
    def is_energy(self) -> bool:
        return self.computes == "energy"

    @property
    def is_step(self) -> bool:
        return self.computes == "step"

    def gradient_applies(self, reading: str) -> bool:
        """Whether ∂E/∂x is specified (the global energy: only for the distance reading)."""
        return self.gradient is not None and (not self.readings or reading == self.readings[0])


def alias(base: Kind, name: str, properties: tuple, summary: str, **fields) -> Kind:
    """A row that checks the same function as ``base`` with a subset of its properties."""
    return dataclasses.replace(
        base, name=name, properties=properties, summary=summary, quantity=base.base, **fields
    )


# ------------------------------------------------------------------------ THE table

_DISTANCE = Kind(
    "distance-energy",
    "energy",
    R.distance_energy,
    energy_scale,
    ("value", "gradient"),
    "E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²) (Eq. 4): value and autograd gradient",
    gradient=R.distance_gradient,
    gradient_scale=distance_gradient_scale,
    half_distance=True,
)
_MCHN = Kind(
    "mchn-energy",
    "energy",
    R.mchn_energy,
    mchn_energy_scale,
    ("value", "gradient"),
    "E^MCHN_β = −lse(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² (Ramsauer Eq. 2)",
    beta=True,
    gradient=R.mchn_gradient,
    gradient_scale=mchn_gradient_scale,
    constants=mchn_constants,
)
_GLOBAL = Kind(
    "global-energy",
    "energy",
    R.global_energy,
    energy_scale,
    ("value", "gradient"),
    "E_global = −LSE(−E_1, …, −E_l) (Eq. 7); E_t = Eq. 4 per layer, or g_t (reading nearest)",
    strategy=layered_strategy,
    layers=True,
    readings=("distance", "nearest"),
    gradient=R.global_gradient,
    gradient_scale=distance_gradient_scale,
    half_distance=True,
)
_CCCP = Kind(
    "cccp-step",
    "step",
    R.cccp_step,
    cccp_step_scale,
    ("one-step", "fixed-point", "retrieval", "values-distinct"),
    "x⁺ = M softmax(2Mᵀx − ‖ρ‖²), the CCCP step of Eq. (4)",
    attention=Attention(2.0, True),
    energy="distance-energy",
    retrieval_bound=cccp_retrieval_bound,
    half_distance=True,
)
_MCHN_STEP = Kind(
    "mchn-step",
    "step",
    R.mchn_step,
    mchn_step_scale,
    ("one-step", "fixed-point", "values-distinct"),
    "ξ_new = X softmax(β Xᵀξ), the MCHN update (Ramsauer Eq. 3; Niu: M softmax(β Mᵀx))",
    beta=True,
    attention=Attention(None, False),
    energy="mchn-energy",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _DISTANCE,
        _MCHN,
        _GLOBAL,
        _CCCP,
        _MCHN_STEP,
        alias(_CCCP, "retrieval", ("retrieval",), "the retrieval property of a CCCP step"),
        alias(
            _DISTANCE,
            "gradient",
            ("gradient",),
            "∂E/∂x of Eq. (4) by autograd",
            reference_of="gradient",
        ),
        alias(
            _DISTANCE,
            "distance-gradient",
            ("gradient",),
            "∂E/∂x of Eq. (4) by autograd",
            reference_of="gradient",
        ),
        alias(_MCHN, "mchn-gradient", ("gradient",), "∂E^MCHN_β/∂x", reference_of="gradient"),
        alias(_GLOBAL, "global-gradient", ("gradient",), "∂E_global/∂x", reference_of="gradient"),
    )
}


def add_kind(kind: Kind) -> Kind:
    """Add a row to :data:`KINDS` (``ValueError`` if the name is taken); returns it."""
    if not isinstance(kind, Kind):
        raise ValueError(f"add_kind expects a Kind; got {type(kind).__name__}")
    if kind.name in KINDS:
        raise ValueError(f"kind {kind.name!r} exists already")
    if kind.energy is not None and kind.energy not in KINDS:
        raise ValueError(f"kind {kind.name!r}: energy kind {kind.energy!r} is not in the table")
    KINDS[kind.name] = kind
    return kind


def get_kind(kind) -> Kind:
    """The row of ``kind`` (a name or a :class:`Kind`); ``ValueError`` for an unknown name."""
    if isinstance(kind, Kind):
        return kind
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return KINDS[kind]


def quantities() -> tuple:
    """The names of the rows that are not aliases: what a function can compute."""
    return tuple(k.name for k in KINDS.values() if not k.quantity)
