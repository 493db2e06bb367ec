"""Ball volumes, ball integrals and the partition function of Section 5, in SymPy and mpmath.

Notation (arXiv:2405.08707v2, Section 5 and Appendix D):

=================  ======================================================================
code               paper
=================  ======================================================================
``n``              the dimension n (= T_max · d_emb in Eq. 2); any real n > 0 is accepted
                   so that log–log derivatives in n can be taken
``r``              a ball radius r_i, a Euclidean length: B = {y : ‖y‖ ≤ r}
``d``              the number of stored patterns (disjoint balls)
``V_n(r)``         π^{n/2} rⁿ / Γ(1 + n/2), volume of the n-ball (``ball_volume``)
``γ(s, x)``        ∫₀^x t^{s−1} e^{−t} dt, lower incomplete gamma (``sp.lowergamma``)
``P(s, x)``        γ(s, x)/Γ(s), its regularized form
``S_{n−1}``        2π^{n/2}/Γ(n/2), area of the unit sphere in ℝⁿ (``sphere_area``)
``I_sq(n, r)``     ∫_{‖y‖<r} e^{−‖y‖²} dy — the left side of Eq. (12), the paper's squared
                   distance (``ball_integral_sq``)
``I_plain(n, r)``  ∫_{‖y‖<r} e^{−‖y‖} dy — the same with the plain distance
                   (``ball_integral_plain``)
``eq12_printed``   2π^{n/2} γ(n, r)/Γ(n/2), the right end of Eq. (12) as printed
``r*``             √(n/(2πe)), the radius of Sec. 5 that "keeps V_n(r) of order one"
``Z_t``            Σᵢ ∫_{B_i} exp(−‖x − ρⁱ‖²) dx over d disjoint balls (Eq. 13)
=================  ======================================================================

Derivation of I_sq (what Eq. 12 should end in). In polar coordinates dy = S_{n−1} t^{n−1} dt,
so I_sq = S_{n−1} ∫₀^r t^{n−1} e^{−t²} dt (the middle of Eq. 12). Put u = t², dt = du/(2√u):
∫₀^r t^{n−1} e^{−t²} dt = ½ ∫₀^{r²} u^{n/2−1} e^{−u} du = ½ γ(n/2, r²), hence

    I_sq(n, r) = π^{n/2} γ(n/2, r²)/Γ(n/2) = π^{n/2} P(n/2, r²).

The printed end of Eq. (12), 2π^{n/2} γ(n, r)/Γ(n/2) = S_{n−1} ∫₀^r t^{n−1} e^{−t} dt, is
instead the plain-distance integral I_plain(n, r). The module keeps the three apart by name:
:func:`ball_integral_sq`, :func:`ball_integral_plain` and :func:`eq12_printed`.

Every ``mp_log_*`` function returns a natural logarithm at the current mpmath precision
(working internally with 10 guard digits) and stays finite for n up to 10⁶ and beyond.
"""

from __future__ import annotations

from typing import NamedTuple

import mpmath
import sympy as sp

__all__ = [
    "DISTANCES",
    "UNIT_PARTITION_RULES",
    "ball_volume",
    "sphere_area",
    "lower_gamma",
    "ball_integral_sq",
    "ball_integral_plain",
    "eq12_printed",
    "eq12_radial",
    "ball_integral_sq_bounds",
    "lemma5_bounds",
    "eq12_lemma5_bounds",
    "stirling_gamma",
    "ball_volume_unit_stirling",
    "r_star",
    "ball_volume_at_r_star_stirling",
    "partition_function",
    "eq14_bounds",
    "mp_log_ball_volume",
    "mp_log_sphere_area",
    "mp_log_lowergamma",
    "mp_log_ball_integral_sq",
    "mp_log_ball_integral_plain",
    "mp_log_eq12_printed",
    "mp_log_ball_integral",
    "mp_log_lemma5_bounds",
    "mp_log_eq12_lemma5_bounds",
    "mp_log_ball_integral_sq_bounds",
    "mp_log_stirling_gamma",
    "mp_stirling_relative_error",
    "mp_log_ball_volume_unit_stirling",
    "mp_r_star",
    "VolumeAtRStar",
    "mp_ball_volume_at_r_star",
    "mp_log_partition_function",
    "mp_log_eq14_bounds",
    "mp_eq14_margins",
    "UnitPartition",
    "solve_d_for_unit_partition",
]

DISTANCES = ("sq", "plain")
UNIT_PARTITION_RULES = ("sq", "plain", "paper_bound", "paper_bound_lower", "paper_stirling")
_GUARD = 10  # extra decimal digits used inside every mpmath evaluator


# --------------------------------------------------------------------------- validation


def _sym_positive(v, what: str, allow_zero: bool = False):
    v = sp.sympify(v)
    if v.is_number:
        if not v.is_real:
            raise ValueError(f"{what} must be a real number; got {v}")
        if v.is_negative or (v.is_zero and not allow_zero):
            raise ValueError(f"{what} must be {'≥' if allow_zero else '>'} 0; got {v}")
    return v


def _mp_positive(v, what: str, allow_zero: bool = False) -> mpmath.mpf:
    if isinstance(v, sp.Basic):
        v = sp.sympify(v).evalf(mpmath.mp.dps + _GUARD)
    try:
        x = mpmath.mpf(v)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a real number; got {v!r}") from None
    if mpmath.isnan(x) or mpmath.isinf(x):
        raise ValueError(f"{what} must be finite; got {v!r}")
    if x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{what} must be {'≥' if allow_zero else '>'} 0; got {v!r}")
    return x


def _check_distance(distance: str) -> None:
    if distance not in DISTANCES:
        raise ValueError(f"unknown distance {distance!r}; expected one of {DISTANCES}")


# --------------------------------------------------------------------------- SymPy objects


def ball_volume(n, r=1):
    """V_n(r) = π^{n/2} rⁿ / Γ(1 + n/2), the volume of the n-ball of radius r.

    >>> r = sp.Symbol("r", positive=True)
    >>> ball_volume(2, r), ball_volume(3, 1)
    (pi*r**2, 4*pi/3)
    """
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r", allow_zero=True)
    return sp.pi ** (n / 2) * r**n / sp.gamma(1 + n / 2)


def sphere_area(n):
    """S_{n−1} = 2π^{n/2}/Γ(n/2), the area of the unit sphere in ℝⁿ (the factor in Eq. 12)."""
    n = _sym_positive(n, "dimension n")
    return 2 * sp.pi ** (n / 2) / sp.gamma(n / 2)


def lower_gamma(s, x):
    """γ(s, x) = ∫₀^x t^{s−1} e^{−t} dt (``sp.lowergamma``; the paper's γ, App. D)."""
    s = _sym_positive(s, "gamma order s")
    x = _sym_positive(x, "gamma argument x", allow_zero=True)
    return sp.lowergamma(s, x)


def ball_integral_sq(n, r):
    """I_sq(n, r) = ∫_{‖y‖<r} e^{−‖y‖²} dy = π^{n/2} γ(n/2, r²)/Γ(n/2): Eq. (12)'s left side.

    This is the integral the paper's squared distance actually gives (see module notes).

    >>> r = sp.Symbol("r", positive=True)
    >>> ball_integral_sq(1, r)
    sqrt(pi)*erf(r)
    """
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r", allow_zero=True)
    return sp.pi ** (n / 2) * sp.lowergamma(n / 2, r**2) / sp.gamma(n / 2)


def ball_integral_plain(n, r):
    """I_plain(n, r) = ∫_{‖y‖<r} e^{−‖y‖} dy = 2π^{n/2} γ(n, r)/Γ(n/2) (plain distance)."""
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r", allow_zero=True)
    return sphere_area(n) * sp.lowergamma(n, r)


def eq12_printed(n, r):
    """The right end of Eq. (12) as printed: 2π^{n/2} γ(n, r)/Γ(n/2).

    Built independently of :func:`ball_integral_plain`; the two are the same expression,
    i.e. the printed closed form is the plain-distance integral, not :func:`ball_integral_sq`.

    >>> r = sp.Symbol("r", positive=True)
    >>> sp.simplify(eq12_printed(1, r) - ball_integral_plain(1, r))  # plain distance
    0
    """
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r", allow_zero=True)
    return 2 * sp.pi ** (n / 2) * sp.lowergamma(n, r) / sp.gamma(n / 2)


def eq12_radial(n, r, t=None, power: int = 2):
    """The middle of Eq. (12), unevaluated: (2π^{n/2}/Γ(n/2)) ∫₀^r t^{n−1} e^{−t^power} dt.

    ``power=2`` is the paper's squared distance, ``power=1`` the plain distance.
    ``.doit()`` lets SymPy do the radial integral itself.
    """
    if power not in (1, 2):
        raise ValueError(f"power must be 1 (plain distance) or 2 (squared); got {power!r}")
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r", allow_zero=True)
    t = sp.Symbol("t", positive=True) if t is None else t
    return sphere_area(n) * sp.Integral(t ** (n - 1) * sp.exp(-(t**power)), (t, 0, r))


def ball_integral_sq_bounds(n, r):
    """(e^{−r²} V_n(r), V_n(r)): I_sq lies between them because e^{−r²} ≤ e^{−‖y‖²} ≤ 1."""
    v = ball_volume(n, r)
    return sp.exp(-(sp.sympify(r) ** 2)) * v, v


def lemma5_bounds(n, r):
    """Lemma 5 (App. D.2): ((rⁿ/n) e^{−r}, rⁿ/n), claimed to bracket γ(n, r) for r > 0."""
    n = _sym_positive(n, "dimension n")
    r = _sym_positive(r, "radius r")
    return r**n / n * sp.exp(-r), r**n / n


def eq12_lemma5_bounds(n, r):
    """(e^{−r} V_n(r), V_n(r)): Lemma 5 times S_{n−1}, the bounds on 2π^{n/2}γ(n, r)/Γ(n/2).

    (S_{n−1} rⁿ/n = V_n(r) since (n/2)Γ(n/2) = Γ(1 + n/2).)
    """
    v = ball_volume(n, r)
    return sp.exp(-sp.sympify(r)) * v, v


def stirling_gamma(z):
    """Theorem D.1: √(2πz) (z/e)^z, the Stirling approximation of Γ(z + 1)."""
    z = _sym_positive(z, "Stirling argument z")
    return sp.sqrt(2 * sp.pi * z) * (z / sp.E) ** z


def ball_volume_unit_stirling(n):
    """V_n(1) ≈ (1/√(nπ)) (2πe/n)^{n/2}, the paper's Stirling form (Γ(1+n/2) → Thm D.1)."""
    n = _sym_positive(n, "dimension n")
    return (2 * sp.pi * sp.E / n) ** (n / 2) / sp.sqrt(n * sp.pi)


def r_star(n):
    """r* = √(n/(2πe)), the radius chosen in Sec. 5.

    >>> r_star(sp.Integer(1024))
    16*sqrt(2)*exp(-1/2)/sqrt(pi)
    """
    n = _sym_positive(n, "dimension n")
    return sp.sqrt(n / (2 * sp.pi * sp.E))


def ball_volume_at_r_star_stirling(n):
    """1/√(πn): the paper's value of V_n(r*) (Stirling form × r*ⁿ)."""
    n = _sym_positive(n, "dimension n")
    return 1 / sp.sqrt(sp.pi * n)


def partition_function(n, r, d, distance: str = "sq"):
    """Z_t = d · I(n, r) for d disjoint balls of radius r (Eq. 13), E = nearest distance."""
    _check_distance(distance)
    d = _sym_positive(d, "number of patterns d")
    integral = ball_integral_sq(n, r) if distance == "sq" else ball_integral_plain(n, r)
    return d * integral


def eq14_bounds(n, d, r=None):
    """Eq. (14): (d V_n(r) e^{−r}, d V_n(r)) with r = r* by default."""
    d = _sym_positive(d, "number of patterns d")
    r = r_star(n) if r is None else r
    lo, hi = eq12_lemma5_bounds(n, r)
    return d * lo, d * hi


# --------------------------------------------------------------------------- mpmath, log space


def mp_log_ball_volume(n, r=1) -> mpmath.mpf:
    """log V_n(r) = (n/2) log π + n log r − log Γ(1 + n/2) (−inf at r = 0)."""
    n = _mp_positive(n, "dimension n")
    r = _mp_positive(r, "radius r", allow_zero=True)
    if r == 0:
        return mpmath.ninf
    with mpmath.extradps(_GUARD):
        res = n / 2 * mpmath.log(mpmath.pi) + n * mpmath.log(r) - mpmath.loggamma(1 + n / 2)
    return +res


def mp_log_sphere_area(n) -> mpmath.mpf:
    """log S_{n−1} = log 2 + (n/2) log π − log Γ(n/2)."""
    n = _mp_positive(n, "dimension n")
    with mpmath.extradps(_GUARD):
        res = mpmath.log(2) + n / 2 * mpmath.log(mpmath.pi) - mpmath.loggamma(n / 2)
    return +res


def _log_lowergamma_series(s, x):
    """log γ(s, x) by Kummer's series x^s e^{−x} Σ_k x^k/(s(s+1)…(s+k)), for 0 < x < s + 1.

    Every term ratio x/(s+k), k ≥ 1, is < 1, so the sum is monotone and stops when a term
    falls below the working epsilon; about √s terms are needed when x ≈ s.
    """
    term = 1 / s
    total = term
    k = 0
    eps = mpmath.eps
    while True:
        k += 1
        term = term * x / (s + k)
        total += term
        if term < eps * total:
            break
        if k > 10**7:  # pragma: no cover - x < s + 1 keeps k ≲ 40 √s
            raise ValueError(f"lower-gamma series did not converge for s = {s}, x = {x}")
    return s * mpmath.log(x) - x + mpmath.log(total)


def _log_uppergamma_cf(s, x):
    """log Γ(s, x) by Legendre's continued fraction (modified Lentz), for x ≥ s + 1.

    Γ(s, x) = x^s e^{−x} / (x + 1 − s − 1(1 − s)/(x + 3 − s − 2(2 − s)/(x + 5 − s − …))).
    """
    tiny = mpmath.mpf(2) ** (-4 * mpmath.mp.prec)
    b = x + 1 - s
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - s)
        b += 2
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < mpmath.eps:
            break
        if i > 10**7:  # pragma: no cover - x ≥ s + 1 keeps i ≲ 40 √s
            raise ValueError(
                f"upper-gamma continued fraction did not converge for s = {s}, x = {x}"
            )
    return s * mpmath.log(x) - x + mpmath.log(h)


def mp_log_lowergamma(s, x) -> mpmath.mpf:
    """log γ(s, x) for s > 0, x ≥ 0, accurate in log space for huge s (10⁶ and beyond).

    x < s + 1: Kummer's series (all terms positive, no cancellation). x ≥ s + 1:
    log Γ(s) + log1p(−Q) with Q = Γ(s, x)/Γ(s) from Legendre's continued fraction (there
    Q < 1/2, the median of Gamma(s) being below s, so log1p is well conditioned). x = 0
    gives −inf. Both branches are our own code (mpmath's ``gammainc`` stops converging for
    s ≳ 10⁴ at x ≈ 2s).
    """
    s = _mp_positive(s, "gamma order s")
    x = _mp_positive(x, "gamma argument x", allow_zero=True)
    if x == 0:
        return mpmath.ninf
    with mpmath.extradps(_GUARD):
        if x < s + 1:
            res = _log_lowergamma_series(s, x)
        else:
            lg = mpmath.loggamma(s)
            q = mpmath.exp(_log_uppergamma_cf(s, x) - lg)
            res = lg + mpmath.log1p(-q)
    return +res


def mp_log_ball_integral_sq(n, r) -> mpmath.mpf:
    """log I_sq(n, r) = (n/2) log π + log γ(n/2, r²) − log Γ(n/2) (squared distance)."""
    n = _mp_positive(n, "dimension n")
    r = _mp_positive(r, "radius r", allow_zero=True)
    with mpmath.extradps(_GUARD):
        res = (
            n / 2 * mpmath.log(mpmath.pi) + mp_log_lowergamma(n / 2, r * r) - mpmath.loggamma(n / 2)
        )
    return +res


def mp_log_ball_integral_plain(n, r) -> mpmath.mpf:
    """log I_plain(n, r) = log S_{n−1} + log γ(n, r) (plain distance)."""
    n = _mp_positive(n, "dimension n")
    r = _mp_positive(r, "radius r", allow_zero=True)
    with mpmath.extradps(_GUARD):
        res = mp_log_sphere_area(n) + mp_log_lowergamma(n, r)
    return +res


def mp_log_eq12_printed(n, r) -> mpmath.mpf:
    """log of Eq. (12)'s printed closed form 2π^{n/2} γ(n, r)/Γ(n/2) (= log I_plain)."""
    n = _mp_positive(n, "dimension n")
    r = _mp_positive(r, "radius r", allow_zero=True)
    with mpmath.extradps(_GUARD):
        res = (
            mpmath.log(2)
            + n / 2 * mpmath.log(mpmath.pi)
            + mp_log_lowergamma(n, r)
            - mpmath.loggamma(n / 2)
        )
    return +res


def mp_log_ball_integral(n, r, distance: str = "sq") -> mpmath.mpf:
    """log I(n, r) for ``distance`` in {"sq", "plain"}."""
    _check_distance(distance)
    if distance == "sq":
        return mp_log_ball_integral_sq(n, r)
    return mp_log_ball_integral_plain(n, r)


def mp_log_lemma5_bounds(n, r) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(log((rⁿ/n) e^{−r}), log(rⁿ/n)), the two sides of Lemma 5, for r > 0."""
    n = _mp_positive(n, "dimension n")
    r = _mp_positive(r, "radius r")
    with mpmath.extradps(_GUARD):
        hi = n * mpmath.log(r) - mpmath.log(n)
        lo = hi - r
    return +lo, +hi


def mp_log_eq12_lemma5_bounds(n, r) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(log V_n(r) − r, log V_n(r)): the bounds on log of Eq. (12)'s printed form."""
    r = _mp_positive(r, "radius r")
    v = mp_log_ball_volume(n, r)
    return v - r, v


def mp_log_ball_integral_sq_bounds(n, r) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(log V_n(r) − r², log V_n(r)): the elementary bounds on log I_sq."""
    r = _mp_positive(r, "radius r")
    v = mp_log_ball_volume(n, r)
    return v - r * r, v


def mp_log_stirling_gamma(z) -> mpmath.mpf:
    """log of √(2πz)(z/e)^z (Theorem D.1's approximation of Γ(z + 1))."""
    z = _mp_positive(z, "Stirling argument z")
    with mpmath.extradps(_GUARD):
        res = mpmath.log(2 * mpmath.pi * z) / 2 + z * (mpmath.log(z) - 1)
    return +res


def mp_stirling_relative_error(z) -> mpmath.mpf:
    """(√(2πz)(z/e)^z − Γ(z + 1)) / Γ(z + 1), approximation relative to exact (≈ −1/(12z))."""
    z = _mp_positive(z, "Stirling argument z")
    with mpmath.extradps(_GUARD):
        res = mpmath.expm1(mp_log_stirling_gamma(z) - mpmath.loggamma(z + 1))
    return +res


def mp_log_ball_volume_unit_stirling(n) -> mpmath.mpf:
    """log of the Stirling form (1/√(nπ)) (2πe/n)^{n/2} of V_n(1)."""
    n = _mp_positive(n, "dimension n")
    with mpmath.extradps(_GUARD):
        res = n / 2 * mpmath.log(2 * mpmath.pi * mpmath.e / n) - mpmath.log(n * mpmath.pi) / 2
    return +res


def mp_r_star(n) -> mpmath.mpf:
    """r* = √(n/(2πe)).

    >>> mpmath.nstr(mp_r_star(1024), 6)  # App. F.1's 7.74
    '7.74306'
    """
    n = _mp_positive(n, "dimension n")
    with mpmath.extradps(_GUARD):
        res = mpmath.sqrt(n / (2 * mpmath.pi * mpmath.e))
    return +res


class VolumeAtRStar(NamedTuple):
    """V_n(r*) against the paper's 1/√(πn), in log space, and their ratio."""

    log_exact: mpmath.mpf  # log V_n(r*)
    log_paper: mpmath.mpf  # log(1/√(πn))
    ratio: mpmath.mpf  # V_n(r*) √(πn)


def mp_ball_volume_at_r_star(n) -> VolumeAtRStar:
    """V_n(r*) exactly and as the paper's 1/√(πn); ``ratio`` → 1 as n → ∞."""
    n = _mp_positive(n, "dimension n")
    with mpmath.extradps(_GUARD):
        exact = mp_log_ball_volume(n, mp_r_star(n))
        paper = -mpmath.log(mpmath.pi * n) / 2
        ratio = mpmath.exp(exact - paper)
    return VolumeAtRStar(+exact, +paper, +ratio)


def mp_log_partition_function(n, r, d, distance: str = "sq") -> mpmath.mpf:
    """log Z_t = log d + log I(n, r) (Eq. 13 over d disjoint balls, E = nearest distance)."""
    d = _mp_positive(d, "number of patterns d")
    with mpmath.extradps(_GUARD):
        res = mpmath.log(d) + mp_log_ball_integral(n, r, distance)
    return +res


def mp_log_eq14_bounds(n, d, r=None) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(log(d V_n(r) e^{−r}), log(d V_n(r))): Eq. (14), r = r* by default."""
    d = _mp_positive(d, "number of patterns d")
    r = mp_r_star(n) if r is None else r
    with mpmath.extradps(_GUARD):
        lo, hi = mp_log_eq12_lemma5_bounds(n, r)
        ld = mpmath.log(d)
        lo, hi = lo + ld, hi + ld
    return +lo, +hi


def mp_eq14_margins(n, d=1, distance: str = "sq", r=None) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(log Z_t − log lower, log upper − log Z_t) for Eq. (14) at r (default r*).

    Both are ≥ 0 exactly when Eq. (14) holds for the exact Z_t = d · I(n, r) of ``distance``.
    (They do not depend on d.)
    """
    r = mp_r_star(n) if r is None else r
    with mpmath.extradps(_GUARD):
        z = mp_log_partition_function(n, r, d, distance)
        lo, hi = mp_log_eq14_bounds(n, d, r)
        a, b = z - lo, hi - z
    return +a, +b


class UnitPartition(NamedTuple):
    """The number of patterns d at which a partition function equals 1."""

    log_d: mpmath.mpf
    d: mpmath.mpf


def solve_d_for_unit_partition(n, r=None, distance: str = "sq") -> UnitPartition:
    """Solve Z_t(d) = 1 for d at dimension n, radius r (default r*), in log space.

    ``distance`` picks the partition function:

    * ``"sq"``: d · I_sq(n, r) = 1 (the paper's squared distance, exact Eq. 12–13);
    * ``"plain"``: d · I_plain(n, r) = 1 (= Eq. 12's printed form);
    * ``"paper_bound"``: d · V_n(r) = 1, Eq. (14)'s upper bound;
    * ``"paper_bound_lower"``: d · V_n(r) e^{−r} = 1, Eq. (14)'s lower bound;
    * ``"paper_stirling"``: d/√(πn) = 1, the paper's chain (defined at r = r* only).

    Z_t is linear in d, so log d = −log(Z_t/d); ``d`` is returned as an mpf (whose exponent
    range is unbounded, so d stays representable for n = 10⁶).
    """
    if distance not in UNIT_PARTITION_RULES:
        raise ValueError(f"unknown rule {distance!r}; expected one of {UNIT_PARTITION_RULES}")
    n = _mp_positive(n, "dimension n")
    with mpmath.extradps(_GUARD):
        rs = mp_r_star(n)
        if r is None:
            r = rs
        r = _mp_positive(r, "radius r")
        if distance == "paper_stirling":
            if abs(r - rs) > 100 * mpmath.eps * rs:
                raise ValueError(
                    f"the paper_stirling rule d/√(πn) = 1 holds at r = r* = {mpmath.nstr(rs)}"
                    f" only; got r = {mpmath.nstr(r)}"
                )
            log_d = mpmath.log(mpmath.pi * n) / 2
        elif distance == "paper_bound":
            log_d = -mp_log_ball_volume(n, r)
        elif distance == "paper_bound_lower":
            log_d = r - mp_log_ball_volume(n, r)
        else:
            log_d = -mp_log_ball_integral(n, r, distance)
        d = mpmath.exp(log_d)
    return UnitPartition(+log_d, +d)


# The densities on a union of balls live in theory.densities; they stay reachable here.
_DENSITIES = (
    "nearest_energy",
    "distance_energy",
    "printed_layer_energy",
    "global_energy",
    "mp_partition_function",
    "mp_density",
    "CrossEntropy",
    "mp_cross_entropy",
)


def __getattr__(name):
    if name in _DENSITIES:
        import theory.densities

        return getattr(theory.densities, name)
    raise AttributeError(f"module 'theory.balls' has no attribute {name!r}")
