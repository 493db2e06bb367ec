"""Certified decisions for the pack's computed claims: printed numbers, interval bounds and
Monte Carlo tests, all decided with ball arithmetic (:func:`derivations.engine.certify.certify`).

* **Printed numbers.** A printed decimal defines an interval: "3.1546" read as rounded is
  [3.15455, 3.15465]; read as truncated, [3.1546, 3.1547). :func:`rounds_to` and
  :func:`truncates_to` decide membership of a value given as ``f(prec) -> arb``.
* **Intervals.** :func:`nonneg_on` decides g ≥ 0 on [a, b] by bisection with balls (every
  piece certified, or a certified negative point returned as counterexample).
* **Monte Carlo.** For K failures in T independent trials and a claimed failure rate ≤ p,
  :func:`binomial_test` computes the exact binomial tails in arb: *refuted* if
  P(X ≥ K | p) < α (the observed failures are too many for rate p: the failure rate is above
  p with confidence 1 − α, the one-sided Clopper–Pearson test), *supported* if
  P(X ≤ K | p) < α (the rate is below p with confidence 1 − α), *undecided* otherwise.
  :func:`mean_test` does the same for a mean of bounded samples with Hoeffding's bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import flint

from derivations.engine.certify import certify

__all__ = [
    "ALPHA",
    "q",
    "printed_interval",
    "rounds_to",
    "truncates_to",
    "compare",
    "nonneg_on",
    "binomial_test",
    "mean_test",
    "MCResult",
]

#: The significance level of every Monte Carlo decision: 99.9 % confidence.
ALPHA = flint.fmpq(1, 1000)
ALPHA_TEXT = "99.9 %"


def q(text: str) -> flint.fmpq:
    """An exact rational from a decimal string ("0.001" → 1/1000)."""
    n, d = Decimal(text).as_integer_ratio()
    return flint.fmpq(n, d)


def printed_interval(text: str, truncated: bool = False) -> tuple[flint.fmpq, flint.fmpq]:
    """The values a printed decimal stands for: [x − u/2, x + u/2] rounded, [x, x + u)
    truncated, u one unit in the last printed place."""
    dec = Decimal(text)
    places = -dec.as_tuple().exponent if dec.as_tuple().exponent < 0 else 0
    unit = flint.fmpq(1, 10**places)
    x = q(text)
    return (x, x + unit) if truncated else (x - unit / 2, x + unit / 2)


def _both(f, lo, hi, strict_hi: bool):
    a = certify(lambda prec: f(prec) - flint.arb(lo), ">=")
    b = certify(lambda prec: flint.arb(hi) - f(prec), ">" if strict_hi else ">=")
    if a.holds is False or b.holds is False:
        return False, a, b
    if a.holds and b.holds:
        return True, a, b
    return None, a, b


def rounds_to(f: Callable[[int], flint.arb], text: str):
    """(holds, lower check, upper check): does the value round to the printed ``text``?"""
    lo, hi = printed_interval(text)
    return _both(f, lo, hi, strict_hi=False)


def truncates_to(f: Callable[[int], flint.arb], text: str):
    """(holds, lower, upper): does the value truncate to ``text`` (x ≤ v < x + u)?"""
    lo, hi = printed_interval(text, truncated=True)
    return _both(f, lo, hi, strict_hi=True)


def compare(f: Callable[[int], flint.arb], op: str, g: Callable[[int], flint.arb]):
    """Certified ``f op g`` (a :class:`~derivations.engine.certify.Certified`)."""
    return certify(lambda prec: f(prec) - g(prec), op)


def nonneg_on(
    g: Callable[[flint.arb], flint.arb], a, b, max_pieces: int = 4096
) -> tuple[bool | None, dict]:
    """Decide g(x) ≥ 0 for all x ∈ [a, b] (a, b exact rationals) by bisection with balls.

    Returns (True, info) when every piece's ball is ≥ 0; (False, info with a point whose
    certified value is < 0); (None, info) when ``max_pieces`` pieces did not decide.
    """
    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        todo = [(flint.fmpq(a), flint.fmpq(b))]
        done = 0
        while todo:
            lo, hi = todo.pop()
            mid = (lo + hi) / 2
            ball = g(flint.arb(lo).union(flint.arb(hi)))
            if ball >= 0:
                done += 1
                continue
            val = g(flint.arb(mid))
            if val < 0:
                return False, {"x": mid, "value": val, "pieces": done}
            if done + len(todo) >= max_pieces:
                return None, {"pieces": done, "open": [str(lo), str(hi)]}
            todo += [(lo, mid), (mid, hi)]
        return True, {"pieces": done}
    finally:
        flint.ctx.prec = old


# ------------------------------------------------------------------------ Monte Carlo


@dataclass
class MCResult:
    """A Monte Carlo decision: ``holds`` True (supported), False (refuted) or None."""

    holds: bool | None
    text: str
    values: dict


def _binom_cdf(k: int, n: int, p) -> flint.arb:
    """P(X ≤ k) for X ~ Binomial(n, p), as a ball: the regularised incomplete beta
    I_{1−p}(n − k, k + 1)."""
    if k < 0:
        return flint.arb(0)
    if k >= n:
        return flint.arb(1)
    return (1 - flint.arb(p)).beta_lower(n - k, k + 1, regularized=1)


def _binom_sf(k: int, n: int, p) -> flint.arb:
    """P(X ≥ k) for X ~ Binomial(n, p): the regularised incomplete beta I_p(k, n − k + 1)."""
    if k <= 0:
        return flint.arb(1)
    if k > n:
        return flint.arb(0)
    return flint.arb(p).beta_lower(k, n - k + 1, regularized=1)


def _cp_bounds(k: int, n: int, alpha: float) -> tuple[float, float]:
    """One-sided Clopper–Pearson bounds (lower, upper) at level 1 − α, by bisection on the
    binomial tails (for display; the decisions use :func:`binomial_test`'s certified tails)."""

    def solve(fn, target):  # fn decreasing in u on [0, 1]
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if float(fn(mid).mid()) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def cdf(j):
        return lambda u: _binom_cdf(j, n, flint.arb(u))

    def sf(j):
        return lambda u: 1 - _binom_sf(j, n, flint.arb(u))

    old = flint.ctx.prec
    flint.ctx.prec = 64
    try:
        upper = 1.0 if k >= n else solve(cdf(k), alpha)
        lower = 0.0 if k == 0 else solve(sf(k), 1 - alpha)
    finally:
        flint.ctx.prec = old
    return lower, upper


def _show(ball: flint.arb) -> str:
    return ball.mid().str(3, radius=False)


def binomial_test(failures: int, trials: int, p: flint.fmpq, alpha=ALPHA) -> MCResult:
    """Is the failure rate ≤ p?  Exact binomial tails, certified by arb (see module notes)."""
    if trials < 1:
        raise ValueError(f"trials must be ≥ 1; got {trials}")
    p = flint.fmpq(p)
    too_many = certify(lambda prec: _binom_sf(failures, trials, p) - alpha, "<")
    too_few = certify(lambda prec: _binom_cdf(failures, trials, p) - alpha, "<")
    lo, hi = _cp_bounds(failures, trials, float(alpha))
    vals = {
        "failures": failures,
        "trials": trials,
        "claimed_rate": str(p),
        "confidence": ALPHA_TEXT,
        "clopper_pearson_lower": lo,
        "clopper_pearson_upper": hi,
        "P(X >= failures) at the claimed rate": _show(_binom_sf(failures, trials, p)),
        "P(X <= failures) at the claimed rate": _show(_binom_cdf(failures, trials, p)),
    }
    rate = f"{failures}/{trials} failures"
    if too_many.holds:
        return MCResult(
            False,
            f"{rate}: the failure rate is above {float(p):g} with {ALPHA_TEXT} confidence "
            f"(P(X ≥ {failures}) at rate {float(p):g} is "
            f"{vals['P(X >= failures) at the claimed rate']}; Clopper–Pearson lower bound "
            f"{lo:.3g})",
            vals,
        )
    if too_few.holds:
        return MCResult(
            True,
            f"{rate}: the failure rate is below {float(p):g} with {ALPHA_TEXT} confidence "
            f"(Clopper–Pearson upper bound {hi:.3g})",
            vals,
        )
    return MCResult(
        None,
        f"{rate}: too few trials to place the failure rate on either side of {float(p):g} "
        f"with {ALPHA_TEXT} confidence (Clopper–Pearson [{lo:.3g}, {hi:.3g}])",
        vals,
    )


def mean_test(total: flint.arb, trials: int, width: flint.arb, bound, alpha=ALPHA) -> MCResult:
    """Is the mean of a variable with values in an interval of length ``width`` ≥ ``bound``?

    ``total`` encloses the sum of the samples. Hoeffding: with probability ≥ 1 − α the true
    mean lies within h = width·√(ln(1/α)/(2T)) of the sample mean. Refuted if
    mean + h < bound, supported if mean − h ≥ bound (both certified), else undecided.
    """
    a = flint.arb(alpha)

    def h():
        return flint.arb(width) * ((-a.log()) / (2 * trials)).sqrt()

    mean = lambda prec: flint.arb(total) / trials  # noqa: E731
    below = certify(lambda prec: mean(prec) + h() - flint.arb(bound), "<")
    above = certify(lambda prec: mean(prec) - h() - flint.arb(bound), ">=")
    m = mean(0)
    vals = {
        "trials": trials,
        "sample_mean": m.mid().str(12, radius=False),
        "hoeffding_halfwidth": h().mid().str(6, radius=False),
        "claimed_lower_bound": flint.arb(bound).mid().str(12, radius=False),
        "confidence": ALPHA_TEXT,
    }
    txt = (
        f"sample mean {m.mid().str(6, radius=False)} ± {h().mid().str(3, radius=False)} "
        f"(Hoeffding, {ALPHA_TEXT}) against the bound {flint.arb(bound).mid().str(6, radius=False)}"
    )
    if below.holds:
        return MCResult(False, txt + ": the mean is below the bound", vals)
    if above.holds:
        return MCResult(True, txt + ": the mean is above the bound", vals)
    return MCResult(None, txt + ": not decided at this sample size", vals)
