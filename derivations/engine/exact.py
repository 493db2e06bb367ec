"""Exact zero test for the numbers a statement gives on a rational instance.

A relation whose ball keeps 0 inside at every precision is an *equality case*; it is decided
here, exactly. The numbers the vocabulary builds from a rational instance — rationals,
e^q (q rational), sums, products, quotients, integer powers, log of a positive such number
(LSE, softmax, energies, their derivatives) — live in the field of fractions of the
*exponential polynomials* Σₖ cₖ e^{qₖ} (cₖ, qₖ ∈ ℚ), plus ℚ-linear combinations of logs.

The decision rests on the Lindemann–Weierstrass theorem: e^{q₁}, …, e^{q_K} for distinct
algebraic q are linearly independent over the algebraic numbers, so Σₖ cₖ e^{qₖ} = 0 (terms
with equal exponents collected) exactly when every cₖ = 0. A value with logs,
q₀ + Σⱼ cⱼ log Aⱼ (Aⱼ > 0, certified by ball arithmetic), is 0 exactly when
e^{k q₀} ∏ⱼ Aⱼ^{k cⱼ} = 1 (k clears the denominators of the cⱼ), again an identity of
exponential polynomials. max/min/|·| are resolved by certified ball comparisons.

Anything outside this class (π, √2, e^{e^q}, logs of logs, …) gives ``None``: not decided,
never guessed.

>>> import sympy as sp
>>> a, b = sp.Rational(1, 3), sp.Rational(-2, 7)
>>> exact_zero(sp.log(sp.exp(a) + sp.exp(b)) - b - sp.log(1 + sp.exp(a - b)))
True
>>> exact_zero(sp.exp(a) + sp.exp(b) - sp.exp(a + b))
False
>>> print(exact_zero(sp.pi - 3))
None
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import flint
import sympy as sp

__all__ = [
    "exact_zero",
    "exact_sign",
    "Exact",
    "exact_exp",
    "exact_log",
    "exact_sign_of",
    "NotDecidable",
]

#: Largest power an exponential polynomial is raised to (keeps the test cheap).
MAX_POWER = 8


class _Fail(Exception):
    """Outside the decidable class."""


def _fr(q: sp.Rational) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# exponential polynomials: {exponent: coefficient}, no zero coefficients


def _p_add(a: dict, b: dict, sign: int = 1) -> dict:
    out = dict(a)
    for q, c in b.items():
        v = out.get(q, 0) + sign * c
        if v:
            out[q] = v
        else:
            out.pop(q, None)
    return out


def _p_mul(a: dict, b: dict) -> dict:
    out: dict = {}
    for q1, c1 in a.items():
        for q2, c2 in b.items():
            q = q1 + q2
            v = out.get(q, 0) + c1 * c2
            if v:
                out[q] = v
            else:
                out.pop(q, None)
    return out


def _p_pow(a: dict, k: int) -> dict:
    out = {Fraction(0): Fraction(1)}
    for _ in range(k):
        out = _p_mul(out, a)
    return out


def _monomial_ratio(a: dict, b: dict) -> dict | None:
    """{δ: c} with a = c e^δ · b when one exists (same number of terms, shifted), else None."""
    if len(a) != len(b) or not a:
        return None
    qa, qb = max(a), max(b)
    delta, c = qa - qb, a[qa] / b[qb]
    for q, v in b.items():
        if a.get(q + delta) != c * v:
            return None
    return {delta: c}


def _p_const(c: Fraction) -> dict:
    return {Fraction(0): c} if c else {}


def _p_arb(a: dict) -> flint.arb:
    return sum(
        (
            flint.arb(flint.fmpq(c.numerator, c.denominator))
            * flint.arb(flint.fmpq(q.numerator, q.denominator)).exp()
            for q, c in a.items()
        ),
        flint.arb(0),
    )


def _coerce(o):
    if isinstance(o, _V):
        return o
    if isinstance(o, bool):
        return NotImplemented
    if isinstance(o, (int, Fraction)):
        return _V.const(Fraction(o))
    if isinstance(o, float):
        return _V.const(Fraction(o))
    if isinstance(o, sp.Rational):
        return _V.const(_fr(o))
    return NotImplemented


# log atoms: a positive exponential polynomial A normalised to leading term ±e^0 (its largest
# exponent shifted to 0, its coefficient to ±1), or a positive rational {0: c}; the key is
# the sorted tuple of its terms. A coefficient is a Fraction or an exact value without logs.


def _key(p: dict) -> tuple:
    return tuple(sorted(p.items()))


def _reduce(c):
    """A coefficient as a Fraction when it is one (an exact value otherwise)."""
    if isinstance(c, Fraction):
        return c
    q = c.constant()
    return c if q is None else q


def _c_add(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    return _reduce(_coerce(a)._add(_coerce(b)))


def _c_mul(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    return _reduce(_coerce(a)._mul(_coerce(b)))


def _c_zero(c) -> bool:
    return c == 0 if isinstance(c, Fraction) else not c.n


def _merge(a: tuple, b: tuple) -> tuple:
    """Σ c·log(A) lists added: equal atoms collected, zero coefficients dropped."""
    out: dict = {}
    for c, atom in a + b:
        out[atom] = _c_add(out[atom], c) if atom in out else c
    return tuple((c, atom) for atom, c in out.items() if not _c_zero(c))


class _V:
    """N/D + Σ c·log(A): N, D exponential polynomials, A positive log atoms (see above)."""

    __slots__ = ("n", "d", "logs")

    def __init__(self, n: dict, d: dict, logs: tuple = ()):
        if not d:
            raise _Fail("division by zero")
        self.n, self.d, self.logs = n, d, logs

    @staticmethod
    def const(c: Fraction) -> _V:
        return _V(_p_const(c), _p_const(Fraction(1)))

    def constant(self) -> Fraction | None:
        """The value when it is a rational number (no e^q with q ≠ 0, no logs)."""
        if self.logs or set(self.n) - {0} or set(self.d) != {0}:
            return None
        return self.n.get(Fraction(0), Fraction(0)) / self.d[Fraction(0)]

    def _add(self, o: _V) -> _V:
        logs = _merge(self.logs, o.logs) if (self.logs or o.logs) else ()
        if self.d == o.d:
            return _V(_p_add(self.n, o.n), self.d, logs)
        if not o.n:
            return _V(self.n, self.d, logs)
        if not self.n:
            return _V(o.n, o.d, logs)
        m = _monomial_ratio(o.d, self.d)  # o.d = m · self.d: no cross-multiplication
        if m is not None:
            return _V(_p_add(_p_mul(self.n, m), o.n), o.d, logs)
        m = _monomial_ratio(self.d, o.d)
        if m is not None:
            return _V(_p_add(self.n, _p_mul(o.n, m)), self.d, logs)
        n = _p_add(_p_mul(self.n, o.d), _p_mul(o.n, self.d))
        return _V(n, _p_mul(self.d, o.d), logs)

    def __add__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else self._add(o)

    __radd__ = __add__

    def __sub__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else self._add(o.scale(Fraction(-1)))

    def __rsub__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else o._add(self.scale(Fraction(-1)))

    def __neg__(self) -> _V:
        return self.scale(Fraction(-1))

    def __mul__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else self._mul(o)

    __rmul__ = __mul__

    def inv(self) -> _V:
        v = self.pure()
        if not v.n:
            raise _Fail("division by zero")
        return _V(v.d, v.n)

    def __truediv__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else self._mul(o.inv())

    def __rtruediv__(self, o):
        o = _coerce(o)
        return NotImplemented if o is NotImplemented else o._mul(self.inv())

    def __pow__(self, k):
        if isinstance(k, _V):
            k = k.constant()
        if k is None or Fraction(k).denominator != 1 or abs(int(k)) > MAX_POWER:
            raise _Fail(f"power {k}")
        k = int(k)
        b = self.pure()
        return (
            _V(_p_pow(b.n, k), _p_pow(b.d, k)) if k >= 0 else _V(_p_pow(b.d, -k), _p_pow(b.n, -k))
        )

    def __lt__(self, o):
        return _sign(self - o) < 0

    def __le__(self, o):
        return _sign(self - o) <= 0

    def __gt__(self, o):
        return _sign(self - o) > 0

    def __ge__(self, o):
        return _sign(self - o) >= 0

    def __float__(self) -> float:
        old = flint.ctx.prec
        try:
            flint.ctx.prec = 64
            return float(self.ball().mid())
        finally:
            flint.ctx.prec = old

    def __repr__(self) -> str:
        return f"Exact(≈{float(self)!r})"

    def scale(self, c: Fraction) -> _V:
        logs = tuple((_c_mul(k, c), a) for k, a in self.logs) if c else ()
        return _V(_p_mul(self.n, _p_const(c)), self.d, logs)

    def _mul(self, o: _V) -> _V:
        if self.logs and o.logs:
            raise _Fail("a product of two logs")
        if self.logs or o.logs:
            lg, p = (self, o) if self.logs else (o, self)
            c = p.constant()
            if c is not None:
                return lg.scale(c)
            pure = _V(p.n, p.d)
            logs = tuple((_c_mul(k, pure), a) for k, a in lg.logs)
            logs = tuple((k, a) for k, a in logs if not _c_zero(k))
            return _V(_p_mul(lg.n, p.n), _p_mul(lg.d, p.d), logs)
        return _V(_p_mul(self.n, o.n), _p_mul(self.d, o.d))

    def pure(self) -> _V:
        if self.logs:
            raise _Fail("a log where only exponential polynomials are allowed")
        return self

    def ball(self) -> flint.arb:
        v = _p_arb(self.n) / _p_arb(self.d)
        for c, atom in self.logs:
            cb = _p_arb({Fraction(0): c}) if isinstance(c, Fraction) else c.ball()
            v += cb * _p_arb(dict(atom)).log()
        return v


def _sign(v: _V) -> int:
    """The certain sign of v: a ball at 64 bits when it excludes 0, else exactly."""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 64
        b = v.ball()
    finally:
        flint.ctx.prec = old
    if b > 0:
        return 1
    if b < 0:
        return -1
    return _exact_sign(v)


def _exp(v: _V) -> _V:
    q = _V(v.n, v.d).constant()
    if q is None:
        raise _Fail("exp of a non-rational exponential polynomial")
    out = _V({q: Fraction(1)}, _p_const(Fraction(1)))
    for c, atom in v.logs:
        c = _reduce(c)
        if not isinstance(c, Fraction) or c.denominator != 1 or abs(c) > MAX_POWER:
            raise _Fail("exp of a non-integer multiple of a log")
        a, k = dict(atom), int(c)
        one = _p_const(Fraction(1))
        out = out * (_V(_p_pow(a, k), one) if k >= 0 else _V(one, _p_pow(a, -k)))
    return out


def _log_atom(p: dict) -> tuple:
    """(coefficient 1, the atom) for log of a positive exponential polynomial p (no
    normalisation: p must already be normalised or a rational constant ≠ 1)."""
    return (Fraction(1), _key(p))


def _log_poly(p: dict) -> _V:
    """log p for a positive exponential polynomial: q + log|c| + log(p / (|c| e^q)), q its
    largest exponent and c that term's coefficient (the last log an atom, leading term ±1)."""
    q = max(p)
    c = abs(p[q])
    out = _V.const(q)
    logs = []
    if c != 1:
        logs.append(_log_atom({Fraction(0): c}))
    if len(p) > 1:
        logs.append(_log_atom({e - q: k / c for e, k in p.items()}))
    return _V(out.n, out.d, _merge(tuple(logs), ()))


def _log(v: _V) -> _V:
    v = v.pure()
    sn, sd = _poly_sign(v.n), _poly_sign(v.d)
    if sn * sd <= 0:
        raise _Fail("log of a number that is not certainly positive")
    n, d = v.n, v.d
    if sn < 0:
        n, d = _p_mul(n, _p_const(Fraction(-1))), _p_mul(d, _p_const(Fraction(-1)))
    return _log_poly(n) - _log_poly(d)


def _lse(vals: list) -> _V:
    """log Σ e^{vᵢ}; when the vᵢ differ by rationals rᵢ = vᵢ − v₀ only (e.g. equal layer
    energies), v₀ + log Σ e^{rᵢ}, which needs no exp of v₀ itself."""
    diffs = [(v - vals[0]).constant() for v in vals]
    if all(r is not None for r in diffs):
        poly: dict = {}
        for r in diffs:
            poly = _p_add(poly, {r: Fraction(1)})
        return vals[0] + _log(_V(poly, _p_const(Fraction(1))))
    s = _V.const(Fraction(0))
    for v in vals:
        s = s + _exp(v)
    return _log(s)


def _pick(args: list, sign: int) -> _V:
    vals = [_val(a) for a in args]
    best = vals[0]
    for v in vals[1:]:
        s = _sign(v + best.scale(Fraction(-1)))
        if s * sign > 0:
            best = v
    return best


def _val(e) -> _V:
    if e.is_Rational:
        return _V.const(_fr(e))
    if e.is_Float:
        return _V.const(_fr(sp.Rational(e)))
    if e is sp.E:
        return _V({Fraction(1): Fraction(1)}, _p_const(Fraction(1)))
    if isinstance(e, sp.Add):
        out = _V.const(Fraction(0))
        for a in e.args:
            out = out + _val(a)
        return out
    if isinstance(e, sp.Mul):
        out = _V.const(Fraction(1))
        for a in e.args:
            out = out * _val(a)
        return out
    if isinstance(e, sp.Pow):
        if not e.exp.is_Integer:
            raise _Fail(f"power {e.exp}")
        return _val(e.base) ** int(e.exp)
    f = e.func
    if f is sp.exp:
        return _exp(_val(e.args[0]))
    if f is sp.log:
        return _log(_val(e.args[0]))
    if getattr(f, "__name__", "") == "LogSumExp":
        return _lse([_val(a) for a in e.args])
    if f is sp.Abs:
        v = _val(e.args[0])
        return v if _sign(v) >= 0 else v.scale(Fraction(-1))
    if f is sp.Max:
        return _pick(list(e.args), 1)
    if f is sp.Min:
        return _pick(list(e.args), -1)
    raise _Fail(f"{f} is outside the decidable class")


def _poly_sign(p: dict) -> int:
    """The sign of an exponential polynomial (terms already collected): all coefficients of
    one sign decide it; otherwise ball arithmetic on the terms, each to relative accuracy."""
    if not p:
        return 0
    signs = {c > 0 for c in p.values()}
    if len(signs) == 1:
        return 1 if signs.pop() else -1
    old = flint.ctx.prec
    try:
        for prec in (64, 256, 1024, 4096):
            flint.ctx.prec = prec
            b = _p_arb(p)
            if b > 0:
                return 1
            if b < 0:
                return -1
    finally:
        flint.ctx.prec = old
    raise _Fail("the sign of an exponential polynomial is not decided")


def _exact_sign(v: _V) -> int:
    """sign(v), exactly: N/D without logs by the signs of N and D; q₀ + Σ cⱼ log Aⱼ (cⱼ
    rational, Aⱼ > 0) by the sign of e^{k q₀} ∏ Aⱼ^{k cⱼ} − 1 (k > 0 clears the
    denominators), cross-multiplied into P − Q with P, Q > 0."""
    if not v.logs:
        return _poly_sign(v.n) * _poly_sign(v.d)
    q0 = _V(v.n, v.d).constant()
    if q0 is None:
        raise _Fail("a log plus a non-rational part")
    cs = [_reduce(c) for c, _ in v.logs]
    if not all(isinstance(c, Fraction) for c in cs):
        raise _Fail("a log with a non-rational coefficient")
    k = lcm(*(c.denominator for c in cs))
    lhs = {k * q0: Fraction(1)}  # e^{k q0} ∏ Aⱼ^{k cⱼ} = lhs / rhs
    rhs = _p_const(Fraction(1))
    for c, (_, atom) in zip(cs, v.logs):
        p = int(c * k)
        if abs(p) > MAX_POWER:
            raise _Fail("a log with a large multiple")
        if p > 0:
            lhs = _p_mul(lhs, _p_pow(dict(atom), p))
        else:
            rhs = _p_mul(rhs, _p_pow(dict(atom), -p))
    return _poly_sign(_p_add(lhs, rhs, -1))


def _zero(v: _V) -> bool:
    return _exact_sign(v) == 0


def exact_sign(e) -> int | None:
    """The sign (−1, 0, +1) of the exact number ``e`` (a SymPy expression without free
    symbols); None when it is outside the decidable class described in the module notes."""
    e = sp.sympify(e)
    if e == 0:
        return 0
    if e.free_symbols:
        return None
    try:
        return _exact_sign(_val(e))
    except (_Fail, ZeroDivisionError, RecursionError):
        return None


def exact_zero(e) -> bool | None:
    """Whether the exact number ``e`` (a SymPy expression without free symbols) is 0;
    None when it is outside the decidable class described in the module notes."""
    s = exact_sign(e)
    return None if s is None else s == 0


Exact = _V
"""An exact number of the decidable class (rationals, e^q, +, −, ×, ÷, integer powers, log
of positive values): the values of :class:`~derivations.engine.exact_backend.ExactOps`."""
NotDecidable = _Fail


def exact_exp(v) -> Exact:
    return _exp(_coerce(v))


def exact_log(v) -> Exact:
    return _log(_coerce(v))


def exact_lse(vals: list) -> Exact:
    return _lse([_coerce(v) for v in vals])


def exact_sign_of(v) -> int:
    """The sign of an :class:`Exact` value (raises :class:`NotDecidable`)."""
    return _exact_sign(_coerce(v))
