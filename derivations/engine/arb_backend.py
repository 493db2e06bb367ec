"""The arb back end: every value a ball (Arb/FLINT, ``python-flint``) that is guaranteed to
contain the true value, so a comparison decided on it is certain.

:class:`ArbOps` has the core words of every back end (``num``, ``log``, ``exp``, ``abs``,
``max``, ``min``, ``length``, ``vadd``, ``vscale``, ``inf_norm``, ``dot``, ``sqnorm``,
``lse``, ``softmax``, ``grad_lse``, ``to_float``) on balls at the working precision
``flint.ctx.prec`` (set by the engine, 64 → 4096 bits); vocabulary words use their ``arb=``
implementation. Instance entries (binary floats) load exactly; with ``widen=u`` every input
entry becomes a ball of relative radius u instead (the twin's conditioning bound: how far a
side can move when its inputs are rounded to a dtype with unit roundoff u).

Notation: z ∈ ℝᵐ, β > 0, LSE(β, z) = β⁻¹ log Σᵢ exp(β zᵢ), γ(s, x) = ∫₀ˣ t^{s−1}e^{−t} dt.
"""

from __future__ import annotations

import copyreg
import math
from types import SimpleNamespace

import flint

from derivations.engine.backends import Ops, exact_int_type
from derivations.engine.instance import Instance

__all__ = ["ArbOps", "ArbInt", "ARB", "arb", "log_lowergamma"]

arb = flint.arb


def _exact_part(x: flint.arb) -> tuple[int, int]:
    m, e = x.man_exp()
    return int(m), int(e)


def _rebuild(mid: tuple | str, rad: tuple | str) -> flint.arb:
    """The ball pickled by :func:`_reduce`: exact midpoint and radius, at any precision."""
    if isinstance(mid, str):
        return arb(mid)
    old = flint.ctx.prec
    flint.ctx.prec = max(old, abs(mid[0]).bit_length() + 64, abs(rad[0]).bit_length() + 64)
    try:
        m = arb(mid[0]) * arb(2) ** mid[1]
        r = arb(rad[0]) * arb(2) ** rad[1]
        return arb(m, r)
    finally:
        flint.ctx.prec = old


def _reduce(x: flint.arb):
    """Balls travel between processes (the engine's process pool) exactly: midpoint and
    radius as integer mantissa and binary exponent."""
    if not x.is_finite():
        return _rebuild, ("nan" if x.is_nan() else "[+/- inf]", "")
    return _rebuild, (_exact_part(x.mid()), _exact_part(x.rad()))


copyreg.pickle(flint.arb, _reduce)


def _arb(v) -> flint.arb:
    """An exact ball for a Python number (float, int, bool), a decimal string, or a ball."""
    if isinstance(v, flint.arb):
        return v
    if isinstance(v, bool):
        return arb(int(v))
    if isinstance(v, (int, float, str)):
        return arb(v)
    if isinstance(v, flint.fmpq):
        return arb(v)
    raise TypeError(f"the arb back end cannot use {type(v).__name__} {v!r} as a number")


ArbInt = exact_int_type("ArbInt", lambda v: arb(v))
"""An integer parameter in the arb back end: usable as an index, and exact in arithmetic
(``n / 2`` is a ball, not a rounded Python float)."""


def _hull(lo: flint.arb, hi: flint.arb) -> flint.arb:
    """The smallest ball containing the interval [lo, hi] (both balls)."""
    return lo.union(hi)


def _lse_parts(z: list, beta) -> tuple[flint.arb, flint.arb]:
    """(m, s) with Σ exp(β zᵢ) = e^m · s, m an exact shift (the largest midpoint of β zᵢ),
    so no exponential overflows at any magnitude."""
    bz = [beta * _arb(t) for t in z]
    if not bz:
        raise ValueError("LSE needs at least one argument; got an empty vector")
    m = max((t.mid() for t in bz), key=lambda a: float(a) if a.is_finite() else -math.inf)
    s = sum(((t - m).exp() for t in bz), arb(0))
    return m, s


def log_lowergamma(s, x) -> flint.arb:
    """A ball containing log γ(s, x) for s > 0, x > 0, at the current precision.

    x < s + 1: Kummer's series γ(s, x) = x^s e^{−x} Σ_k x^k/(s(s+1)…(s+k)) summed in balls,
    its tail after K terms bounded by t_K q/(1 − q), q = x/(s + K + 1) < 1 (a rigorous
    remainder, added as radius). x ≥ s + 1: log Γ(s) + log1p(−Q(s, x)) with Arb's
    regularized upper gamma Q (there Q < 1/2). Arb's own lower gamma is far slower (seconds,
    and wide balls) for s ≳ 10⁵ near x ≈ s, which this avoids.
    """
    s, x = _arb(s), _arb(x)
    if not (s > 0 and x > 0):
        if s.is_finite() and x.is_finite() and (s < 0 or x < 0 or (s.is_zero() or x.is_zero())):
            raise ValueError(f"log_lowergamma needs s > 0 and x > 0; got s = {s}, x = {x}")
        return arb.nan()
    if x.mid() >= (s + 1).mid():
        q = x.gamma_upper(s, regularized=1)
        return s.lgamma() + (-q).log1p()
    eps = arb(2) ** (-flint.ctx.prec - 8)
    term = 1 / s
    total = term
    k = 0
    while True:
        k += 1
        term = term * x / (s + k)
        total += term
        q = x / (s + k + 1)
        if q < 1 and term < eps * total:
            tail = term * q / (1 - q)
            total += arb(0, tail.upper())
            break
        if k > 10**7:  # pragma: no cover - x < s + 1 keeps k ≲ 40 √s · (bits/64)
            return arb.nan()
    return s * x.log() - x + total.log()


class ArbOps(Ops):
    """Ball arithmetic back end (python-flint ``arb``) at the precision ``flint.ctx.prec``.

    ``widen``: a relative radius given to every input entry on :meth:`load` (None: inputs
    are exact, as the counterexample search needs).
    """

    name = "arb"

    def __init__(self, widen: float | None = None):
        self.widen = widen

    def _in(self, v) -> flint.arb:
        a = _arb(v)
        if self.widen:
            return arb(a.mid(), abs(a.mid()) * arb(self.widen))
        return a

    def load(self, inst: Instance) -> SimpleNamespace:
        ns = SimpleNamespace(inst=inst)
        ns.P = None if inst.patterns is None else [[self._in(t) for t in r] for r in inst.patterns]
        ns.x = None if inst.x is None else [self._in(t) for t in inst.x]
        for k, v in inst.p.items():
            if k == "layers":
                ns.layers = [[[self._in(t) for t in r] for r in m] for m in v]
            elif isinstance(v, tuple) and v and isinstance(v[0], tuple):
                setattr(ns, k, [[self._in(t) for t in r] for r in v])
            elif isinstance(v, tuple):
                setattr(ns, k, [self._in(t) for t in v])
            elif isinstance(v, bool) or isinstance(v, str) or v is None:
                setattr(ns, k, v)
            elif isinstance(v, int):
                setattr(ns, k, ArbInt(v))
            else:
                setattr(ns, k, self._in(v))
        return ns

    def num(self, v):
        if isinstance(v, bool):
            return v
        return _arb(v)

    def log(self, a):
        return _arb(a).log()

    def exp(self, a):
        return _arb(a).exp()

    def abs(self, a):
        return abs(_arb(a))

    def max(self, z):
        return _extreme([_arb(t) for t in z], 1)

    def min(self, z):
        return _extreme([_arb(t) for t in z], -1)

    def length(self, z):
        return arb(len(z))

    def vadd(self, a, b):
        return [s + t for s, t in zip(a, b, strict=True)]

    def vscale(self, c, a):
        return [c * t for t in a]

    def inf_norm(self, z):
        return self.max([abs(_arb(t)) for t in z])

    def dot(self, a, b):
        return sum((_arb(s) * t for s, t in zip(a, b, strict=True)), arb(0))

    def sqnorm(self, a):
        return sum((_arb(t) * t for t in a), arb(0))

    def lse(self, z, beta=1):
        beta = _arb(beta)
        m, s = _lse_parts(z, beta)
        return (m + s.log()) / beta

    def softmax(self, z, k, beta=1):
        beta = _arb(beta)
        m, s = _lse_parts(z, beta)
        return (beta * _arb(z[k]) - m).exp() / s

    def grad_lse(self, z, k, beta=1):
        """∂LSE(β, z)/∂z_k by automatic differentiation in Arb power series (z_k + ε),
        independent of the softmax formula."""
        beta = _arb(beta)
        z = [_arb(t) for t in z]
        m, _ = _lse_parts(z, beta)
        total = flint.arb_series([0], prec=2)
        for i, t in enumerate(z):
            u = beta * t - m
            e = flint.arb_series([u, beta], prec=2) if i == k else flint.arb_series([u], prec=2)
            total = total + e.exp()
        d = (total.log() / beta).coeffs()
        return d[1] if len(d) > 1 else arb(0)

    def to_float(self, a) -> float:
        return float(_arb(a).mid())


def _extreme(z: list, sign: int) -> flint.arb:
    """max (sign +1) or min (sign −1) of balls: the entry certainly beyond all the others
    when there is one (so exact values stay exact), else the hull of the endpoints' extremes.
    A NaN entry gives NaN."""
    if not z:
        raise ValueError("max/min of an empty vector")
    if any(t.is_nan() for t in z):
        return arb.nan()
    key = [sign * float(t.mid()) for t in z]
    best = z[key.index(max(key))]
    if all((best >= t) if sign > 0 else (best <= t) for t in z):
        return best
    los, his = [t.lower() for t in z], [t.upper() for t in z]
    pick = _pick_max if sign > 0 else _pick_min
    return _hull(pick(los), pick(his))


def _pick_max(xs: list) -> flint.arb:
    """The largest of exact numbers (as exact balls)."""
    out = xs[0]
    for t in xs[1:]:
        if t > out:
            out = t
    return out


def _pick_min(xs: list) -> flint.arb:
    out = xs[0]
    for t in xs[1:]:
        if t < out:
            out = t
    return out


ARB = ArbOps()
