"""Certified comparisons: decide the sign of a quantity with ball arithmetic (Arb/FLINT).

A quantity is given as a function ``f(prec) -> flint.arb`` computing a ball that is
guaranteed to contain the true value at ``prec`` bits of working precision. :func:`certify`
raises the precision (64 → 4096 bits by default) until the ball excludes the boundary of
the relation, so the answer is certain; what no precision decides is *undecided*
(``holds is None``), never guessed. No tolerance constant is involved.

>>> import flint
>>> certify(lambda prec: flint.arb(2).sqrt() - flint.arb("1.41421356"), ">").holds
True
>>> certify(lambda prec: flint.arb(0), "<").holds  # an exact 0: certainly not < 0
False
>>> print(certify(lambda prec: flint.arb(1) / 3 * 3 - 1, "<").holds)  # a ball around 0
None
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flint

__all__ = ["Certified", "certify", "PRECISIONS", "sign", "enclosure_strings", "enclosure_ball"]

#: Working precisions tried, in bits.
PRECISIONS = (64, 128, 256, 512, 1024, 2048, 4096)


@dataclass(frozen=True)
class Certified:
    """The outcome of a certified comparison of ``value`` (e.g. rhs − lhs) with 0.

    ``holds``: True/False when certain, None when no precision decided; ``mid``/``rad``:
    the enclosing ball (decimal strings) at the precision ``prec`` (bits) that decided it.
    """

    holds: bool | None
    mid: str
    rad: str
    prec: int

    def to_json(self) -> dict:
        return {"midpoint": self.mid, "radius": self.rad, "precision_bits": self.prec}


def sign(ball: flint.arb) -> int | None:
    """+1 / −1 when the ball excludes 0 on that side, 0 when it is exactly 0, else None."""
    if ball > 0:
        return 1
    if ball < 0:
        return -1
    if ball.is_exact() and ball.mid() == 0:
        return 0
    return None


def enclosure_strings(ball: flint.arb, digits: int = 30) -> tuple[str, str]:
    """(midpoint, radius) as decimal strings whose ball [mid ± rad] contains ``ball``.

    The midpoint has ``digits`` significant digits; the radius (5 digits) is rounded *up*
    and includes the midpoint's decimal rounding, so the written enclosure is still
    certain.
    """
    if not ball.is_finite():
        return "nan" if ball.is_nan() else "0", "inf"
    old = flint.ctx.prec
    flint.ctx.prec = max(old, 256)  # read the printed decimal back tightly
    try:
        mid = ball.mid().str(digits, radius=False)
        written = flint.arb(mid)  # a ball containing the decimal number printed
        bound = ((ball.mid() - written).abs_upper() + ball.rad()) * flint.arb("1.001")
        r = bound.upper()
    finally:
        flint.ctx.prec = old
    return mid, ("0" if r.is_zero() else r.str(5, radius=False))


def enclosure_ball(mid: str, rad: str) -> flint.arb:
    """The ball written by :func:`enclosure_strings` (at the current precision)."""
    r = flint.arb(rad)
    return flint.arb(mid) + flint.arb(0, r.upper())


_strings = enclosure_strings


def certify(
    f: Callable[[int], flint.arb], op: str, precisions: tuple[int, ...] = PRECISIONS
) -> Certified:
    """Decide ``f() op 0`` for op in >, >=, <, <=, ==, != with rising precision.

    ``f(prec)`` is evaluated with ``flint.ctx.prec = prec`` set (and restored). A ball that
    straddles 0 at every precision gives ``holds=None``; an exact zero decides the
    non-strict relations and ``==`` (a ball that is exactly 0 is certain).
    """
    if op not in (">", ">=", "<", "<=", "==", "!="):
        raise ValueError(f"op must be one of > >= < <= == !=; got {op!r}")
    old = flint.ctx.prec
    ball = flint.arb(0)
    prec = precisions[0]
    try:
        for prec in precisions:
            flint.ctx.prec = prec
            ball = f(prec)
            if not isinstance(ball, flint.arb):
                ball = flint.arb(ball)
            s = sign(ball)
            if s is None:
                continue
            holds = {
                ">": s > 0,
                ">=": s >= 0,
                "<": s < 0,
                "<=": s <= 0,
                "==": s == 0,
                "!=": s != 0,
            }[op]
            return Certified(holds, *_strings(ball), prec)
    finally:
        flint.ctx.prec = old
    return Certified(None, *_strings(ball), prec)
