"""Section 5 and Appendix D of Niu et al. (arXiv:2405.08707v2): Lemma 5, Stirling, V_n and
Eq. (14) as claims.

Notation: n dimension, r radius, γ(s, x) the lower incomplete gamma function, V_n(r) the
n-ball volume, r* = √(n/2πe), I_sq(n, r) = ∫_{‖y‖<r} e^{−‖y‖²} dy (the paper's squared
distance), I_plain(n, r) = ∫_{‖y‖<r} e^{−‖y‖} dy, d the number of patterns.
The special functions are vocabulary words (``ops.log_lowergamma``, ``ops.log_ball_volume``,
``ops.log_ball_integral``, ``ops.r_star``) with SymPy, mpmath, torch and arb implementations.
The computed claims decide every comparison with ball arithmetic (:func:`certify`: Arb balls
at rising precision until the boundary is excluded); mpmath only supplies displayed values.
"""

from __future__ import annotations

from collections.abc import Callable

import flint
import mpmath

import theory.balls as B
from derivations.engine import (
    Claim,
    Computed,
    Rel,
    certify,
)
from derivations.niu2024.common import (
    arb_prec,
    counterexample,
    dstr,
    n_d,
    n_r,
    random_dims,
    sym_nd,
    sym_nr,
)
from derivations.niu2024.sec5_derivations import lemma5_derivation, lemma5_sizes

SECTION = "5-balls"


def lemma5_statement(lower_log=None, upper_log=None):
    """(rⁿ/n) e^{−r} ≤ γ(n, r) ≤ rⁿ/n, in logs; the bounds' logs can be replaced (tests)."""

    def hi_default(ops, n, r):
        return n * ops.log(r) - ops.log(n)

    def lo_default(ops, n, r):
        return hi_default(ops, n, r) - r

    lo_f = lower_log or lo_default
    hi_f = upper_log or hi_default

    def statement(ops, v):
        lg = ops.log_lowergamma(v.n, v.r)
        return [
            Rel(lo_f(ops, v.n, v.r), "<=", lg, "log((rⁿ/n) e^{−r}) ≤ log γ(n, r)"),
            Rel(lg, "<=", hi_f(ops, v.n, v.r), "log γ(n, r) ≤ log(rⁿ/n)"),
        ]

    return statement


_STIRLING_GRID = (1, 2, 3, 5, 10, 17, 20, 50, 100, 1024, 10**4, 10**5, 10**6)

arb = flint.arb


def _pi():
    return arb.pi()


def arb_stirling_relative_error(z) -> flint.arb:
    """ε(z) = (√(2πz)(z/e)^z − Γ(z + 1))/Γ(z + 1) as a ball (Theorem D.1)."""
    z = arb(z) if not isinstance(z, flint.arb) else z
    log_st = (2 * _pi() * z).log() / 2 + z * (z.log() - 1)
    return (log_st - (z + 1).lgamma()).expm1()


def _both(conds) -> bool | None:
    """All certainly true → True; one certainly false → False; else None (undecided)."""
    vals = [c.holds for c in conds]
    if any(v is False for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def stirling_compute(bound: Callable = lambda z: 1 / (12 * z), grid=_STIRLING_GRID):
    """Theorem D.1's relative error ε(z) = (√(2πz)(z/e)^z − Γ(z+1))/Γ(z+1), z = n/2 (the
    argument Sec. 5 uses), against the claim −bound(z) < ε(z) < 0 on a grid and random n;
    both inequalities certified with ball arithmetic (``bound`` is evaluated on balls)."""

    def compute(examples: int, seed: int) -> Computed:
        ns = sorted(set(grid) | set(random_dims(examples, seed)))
        rows, bad, open_ = [], None, []
        for n in ns:
            z = arb(n) / 2
            above = certify(lambda p, z=z: arb_stirling_relative_error(z) + bound(z), ">")
            below = certify(lambda p, z=z: arb_stirling_relative_error(z), "<")
            ok = _both([above, below])
            with arb_prec(128):
                err, b = arb_stirling_relative_error(z), bound(z)
            rows.append(
                {
                    "n": n,
                    "z": dstr(z, 8),
                    "rel_error": dstr(err, 12),
                    "12z_times_error": dstr(12 * z * err, 12),
                    "bound": dstr(b, 12),
                    "holds": ok,
                    "certified_at_bits": max(above.prec, below.prec),
                }
            )
            if ok is None:
                open_.append(n)
            if ok is False and bad is None:
                bad = counterexample(
                    {"n": n, "z": dstr(z, 12)},
                    abs(err),
                    b,
                    "|relative error| < bound(z) and error < 0",
                    abs(err) - b,
                )
        first = {
            thr: next((r["n"] for r in rows if abs(float(r["rel_error"])) < thr), None)
            for thr in (1e-2, 1e-3, 1e-6)
        }
        holds = False if bad is not None else (None if open_ else True)
        big = rows[-1]
        if holds:
            ev = (
                f"relative error of √(2πz)(z/e)^z vs Γ(z+1) lies in (−bound(z), 0) at all "
                f"{len(rows)} dimensions (z = n/2; certified, ball arithmetic); at n = "
                f"{big['n']} it is {big['rel_error']}"
            )
        elif holds is None:
            ev = f"not decided at n = {open_[:5]} (balls contain the boundary at 4096 bits)"
        else:
            ev = (
                f"bound fails at n = {bad['params']['n']}: |ε| = {bad['lhs']} ≥ {bad['rhs']} "
                "(certified)"
            )
        return Computed(
            holds,
            ev,
            {"rows": rows, "first_grid_n_below": first, "bound": "1/(12z) (Robbins/Binet)"},
            bad,
            False,
            len(rows),
        )

    return compute


def _log_vn(n, r) -> flint.arb:
    """log V_n(r) = (n/2) log π + n log r − log Γ(1 + n/2), as a ball."""
    return n / 2 * _pi().log() + n * r.log() - (1 + n / 2).lgamma()


def _vn1_ratio(n) -> flint.arb:
    """(Stirling form of V_n(1)) / V_n(1), a ball: (1/√(nπ))(2πe/n)^{n/2} over V_n(1)."""
    e = arb(1).exp()
    log_stirling = n / 2 * (2 * _pi() * e / n).log() - (n * _pi()).log() / 2
    return (log_stirling - _log_vn(n, arb(1))).exp()


def _rstar_ratio(n) -> flint.arb:
    """V_n(r*) · √(πn) (the paper's V_n(r*) ≈ 1/√(πn) as a ratio), a ball."""
    rs = (n / (2 * _pi() * arb(1).exp())).sqrt()
    return (_log_vn(n, rs) + (_pi() * n).log() / 2).exp()


def ratio_compute(
    ratio: Callable, lo: Callable, hi: Callable, what: str, extra=None, grid=_STIRLING_GRID
):
    """Check lo(n) < ratio(n) < hi(n) on a grid of n and random n up to 10⁶, each side of
    the comparison certified with ball arithmetic (``ratio``, ``lo``, ``hi`` map a ball n to
    balls)."""

    def compute(examples: int, seed: int) -> Computed:
        ns = sorted(set(grid) | set(random_dims(examples, seed)))
        rows, bad, open_ = [], None, []
        for n in ns:
            nn = arb(n)
            c_lo = certify(lambda p, nn=nn: ratio(nn) - lo(nn), ">")
            c_hi = certify(lambda p, nn=nn: hi(nn) - ratio(nn), ">")
            ok = _both([c_lo, c_hi])
            with arb_prec(128):
                q, a, b = ratio(nn), lo(nn), hi(nn)
            row = {
                "n": n,
                "ratio": dstr(q, 15),
                "ratio_minus_1": dstr(q - 1, 8),
                "bounds": [dstr(a, 12), dstr(b, 12)],
                "holds": ok,
                "certified_at_bits": max(c_lo.prec, c_hi.prec),
            }
            if extra:
                with mpmath.workdps(50):
                    row.update(extra(mpmath.mpf(n)))
            rows.append(row)
            if ok is None:
                open_.append(n)
            if ok is False and bad is None:
                above = c_hi.holds is False
                bad = counterexample(
                    {"n": n},
                    q,
                    b if above else a,
                    f"{dstr(a, 8)} < {what} < {dstr(b, 8)}",
                    (q - b) if above else (a - q),
                )
        holds = False if bad is not None else (None if open_ else True)
        if holds:
            ev = (
                f"{what} lies within its Stirling bounds at all {len(rows)} n ≤ 10⁶ (certified, "
                f"ball arithmetic); ratio − 1 = {rows[0]['ratio_minus_1']} at n = 1, "
                f"{rows[-1]['ratio_minus_1']} at n = {rows[-1]['n']}"
            )
        elif holds is None:
            ev = f"{what}: not decided at n = {open_[:5]} (balls contain a bound at 4096 bits)"
        else:
            ev = f"{what} = {bad['lhs']} outside the bounds at n = {bad['params']['n']} (certified)"
        return Computed(holds, ev, {"rows": rows}, bad, False, len(rows))

    return compute


def _rstar_extra(n):
    return {
        "log10_V_n_r_star": dstr(B.mp_ball_volume_at_r_star(n).log_exact / mpmath.log(10), 8),
        "log10_V_n_1": dstr(B.mp_log_ball_volume(n, 1) / mpmath.log(10), 8),
    }


def eq14_statement(
    distance: str,
    lower: bool = True,
    upper: bool = True,
    upper_exp: int = 0,
    lower_log_factor: Callable | None = None,
):
    """d V_n(r*) e^{−r*} ≤ Z_t ≤ d V_n(r*) in logs; Z_t = d I(n, r*).

    ``lower_log_factor(r*)`` replaces the −r* of the lower bound's log factor (default
    ``r* ↦ r*``); ``upper_exp`` puts e^{−upper_exp · r*} on the upper bound (tests).
    """
    low = lower_log_factor or (lambda rs: rs)

    def statement(ops, v):
        rs = getattr(v, "rstar", None)  # a symbol r* in the displayed statement
        rs = ops.r_star(v.n) if rs is None else rs
        logd = ops.log(v.d)
        lz = logd + ops.log_ball_integral(v.n, rs, distance)
        lv = logd + ops.log_ball_volume(v.n, rs)
        out = []
        if lower:
            out.append(Rel(lv - low(rs), "<=", lz, "log(d V_n(r*) e^{−r*}) ≤ log Z_t"))
        if upper:
            out.append(Rel(lz, "<=", lv - upper_exp * rs, "log Z_t ≤ log(d V_n(r*))"))
        return out

    return statement


def _log_ratio_bounds(scale: int):
    """(e^{−1/(scale·n)}, 1) and (1, e^{1/(scale·n)}) as callables of a ball n."""
    return lambda n: (-1 / (scale * n)).exp(), lambda n: (1 / (scale * n)).exp()


def _one(n):
    return arb(1)


def _rstar_no_e(n):
    """Wrong variant: V_n(√(n/2π))·√(πn), r* with the e dropped."""
    return (_log_vn(n, (n / (2 * _pi())).sqrt()) + (_pi() * n).log() / 2).exp()


_LO6, _HI6 = _log_ratio_bounds(6)


def claims() -> list[Claim]:
    """Lemma 5, Theorem D.1, V_n and Eq. (14)."""
    lo6, hi6 = _LO6, _HI6
    one = _one
    comp = "computation"
    return [
        Claim(
            "lemma5",
            "App. D.2, Lemma 5",
            "as printed: (rⁿ/n)e^{−r} ≤ γ(n, r) ≤ rⁿ/n, compared in logs (n up to 10⁶)",
            "inequality",
            "n ≥ 1, r > 0",
            lemma5_statement(),
            lambda: n_r(),
            sym_nr,
            derivation=lemma5_derivation,
            derivation_sizes=lemma5_sizes,
            wrong={
                "statement": lemma5_statement(  # rⁿ/(n+1): a constant changed
                    upper_log=lambda o, n, r: n * o.log(r) - o.log(n + 1)
                )
            },
        ),
        Claim(
            "thmd1",
            "App. D, Theorem D.1",
            "Stirling's relative error ε(z) at z = n/2 "
            "lies in (−1/(12z), 0), so → 0 like 1/(6n); reported as a function of n",
            comp,
            "z = n/2, 1 ≤ n ≤ 10⁶",
            compute=stirling_compute(),
            wrong={"compute": stirling_compute(bound=lambda z: 1 / (24 * z))},
        ),
        Claim(
            "vn1-stirling",
            "§5 (after Eq. 13)",
            "V_n(1) ≈ (1/√(nπ))(2πe/n)^{n/2}: the "
            "ratio to the exact V_n(1) lies in (1, e^{1/(6n)}), so → 1",
            comp,
            "1 ≤ n ≤ 10⁶",
            compute=ratio_compute(_vn1_ratio, one, hi6, "Stirling V_n(1) / V_n(1)"),
            wrong={
                "compute": ratio_compute(  # √(2nπ) for √(nπ)
                    lambda n: _vn1_ratio(n) / arb(2).sqrt(), _one, _HI6, "wrong"
                )
            },
        ),
        Claim(
            "rstar",
            "§5 (after Eq. 13)",
            "V_n(r*) ≈ 1/√(πn) at r* = √(n/2πe): the "
            "ratio V_n(r*)√(πn) lies in (e^{−1/(6n)}, 1), so → 1 (V_n(r*) itself → 0)",
            comp,
            "1 ≤ n ≤ 10⁶",
            compute=ratio_compute(_rstar_ratio, lo6, one, "V_n(r*)·√(πn)", extra=_rstar_extra),
            wrong={"compute": ratio_compute(_rstar_no_e, _LO6, _one, "wrong")},
        ),
        Claim(
            "eq14/sq",
            "§5, Eq. (14)",
            "as printed with the paper's squared distance: "
            "d V_n(r*)e^{−r*} ≤ Z_t = d I_sq(n, r*) ≤ d V_n(r*), n up to 10⁶",
            "inequality",
            "1 ≤ n ≤ 10⁶, d ≥ 1",
            eq14_statement("sq"),
            lambda: n_d(),
            sym_nd,
            wrong={"statement": eq14_statement("sq", upper_exp=1)},
        ),
        Claim(
            "eq14/sq-lower",
            "§5, Eq. (14)",
            "lower side only, squared distance: d V_n(r*)e^{−r*} ≤ d I_sq(n, r*)",
            "inequality",
            "1 ≤ n ≤ 10⁶, d ≥ 1",
            eq14_statement("sq", upper=False),
            lambda: n_d(),
            sym_nd,
            wrong={
                "statement": eq14_statement(  # e^{−r*} dropped
                    "sq", upper=False, lower_log_factor=lambda rs: 0 * rs
                )
            },
        ),
        Claim(
            "eq14/sq-upper",
            "§5, Eq. (14)",
            "upper side only, squared distance: d I_sq(n, r*) ≤ d V_n(r*)",
            "inequality",
            "1 ≤ n ≤ 10⁶, d ≥ 1",
            eq14_statement("sq", lower=False),
            lambda: n_d(),
            sym_nd,
            wrong={"statement": eq14_statement("sq", lower=False, upper_exp=1)},
        ),
        Claim(
            "eq14/plain",
            "§5, Eq. (14)",
            "with Eq. (12)'s printed closed form (plain "
            "distance): d V_n(r*)e^{−r*} ≤ d I_plain(n, r*) ≤ d V_n(r*)",
            "inequality",
            "1 ≤ n ≤ 10⁶, d ≥ 1",
            eq14_statement("plain"),
            lambda: n_d(),
            sym_nd,
            wrong={"statement": eq14_statement("plain", upper_exp=1)},
        ),
    ]
