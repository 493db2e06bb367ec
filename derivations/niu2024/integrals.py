"""Section 5 of Niu et al. (arXiv:2405.08707v2): the ball integrals of Eq. (12) and the
partition function of Eq. (13) as computed claims.

Notation: n dimension, r radius, B_i = {x : ‖x − ρⁱ‖ ≤ r_i}, Z_t = ∫_Ω e^{−g_t} (Eq. 5),
γ(s, x) the lower incomplete gamma function.

Every comparison on the verdict path is exact (SymPy) or certified (Arb balls, rigorous
integration with ``acb.integral``); what cannot be certified is shown and labelled, and does
not decide the verdict: Eq. (12)'s Monte Carlo check is a *statistical* test (5 standard
errors, stated with its false-alarm probability), Eq. (13)'s 2-D rows are quadrature.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction

import flint
import mpmath
import numpy as np
import sympy as sp

import theory.balls as B
from derivations.engine import (
    Claim,
    Computed,
    arb_eval,
    certify,
)
from derivations.niu2024.common import (
    arb_prec,
    counterexample,
    dstr,
    short,
)

SECTION = "5-balls"


@functools.lru_cache(maxsize=8)
def _sympy_ball_integral(n: int, power: int):
    """∫_{‖y‖<r} e^{−‖y‖^power} dy by SymPy's own integrate, r symbolic: Cartesian (n = 1),
    polar (n = 2) or spherical (n = 3) coordinates with their Jacobians written out.
    Returns (r, integral)."""
    r = sp.Symbol("r", positive=True)
    t = sp.Symbol("t", nonnegative=True)
    f = sp.exp(-(t**power))
    phi, th = sp.symbols("phi theta", real=True)
    if n == 1:
        y = sp.Symbol("y", real=True)
        if power == 1:  # e^{−|y|}: SymPy's Abs with symbolic limits, split at 0
            return r, sp.integrate(sp.exp(y), (y, -r, 0)) + sp.integrate(sp.exp(-y), (y, 0, r))
        return r, sp.integrate(sp.exp(-(y**2)), (y, -r, r))
    if n == 2:
        return r, sp.integrate(t * f, (t, 0, r), (phi, 0, 2 * sp.pi))
    if n == 3:
        return r, sp.integrate(
            t**2 * sp.sin(th) * f, (t, 0, r), (th, 0, sp.pi), (phi, 0, 2 * sp.pi)
        )
    raise ValueError(f"SymPy integrals are written for n ≤ 3; got {n}")


def _arb_ball_integral(n: int, r: sp.Rational, power: int) -> flint.arb:
    """∫_{‖y‖<r} e^{−‖y‖^power} dy as a ball, by Arb's rigorous integration (``acb.integral``).

    n = 1, Cartesian: ∫_{−r}^{r} (split at 0 for the plain distance's kink). n = 2: squared
    distance in Cartesian coordinates (Fubini, y₁ = r sin θ, the inner integral
    ∫ e^{−y₂²} = √π erf(r cos θ)): ∫_{−π/2}^{π/2} r cos θ e^{−r² sin² θ} √π erf(r cos θ) dθ,
    an entire integrand; plain distance in polar coordinates, 2π ∫₀^r t e^{−t} dt.
    """
    acb, arb = flint.acb, flint.arb
    rr = arb(flint.fmpq(int(r.p), int(r.q)))
    if n == 1:
        if power == 2:
            out = acb.integral(lambda y, a: (-(y * y)).exp(), -rr, rr)
        else:
            out = acb.integral(lambda y, a: y.exp(), -rr, 0) + acb.integral(
                lambda y, a: (-y).exp(), 0, rr
            )
    elif n == 2 and power == 2:
        sq_pi = arb.pi().sqrt()
        out = acb.integral(
            lambda th, a: (
                rr * th.cos() * (-((rr * th.sin()) ** 2)).exp() * sq_pi * (rr * th.cos()).erf()
            ),
            -arb.pi() / 2,
            arb.pi() / 2,
        )
    elif n == 2:
        out = 2 * arb.pi() * acb.integral(lambda t, a: t * (-t).exp(), 0, rr)
    else:
        raise ValueError(f"rigorous ball integrals are written for n ≤ 2; got {n}")
    if not out.imag.contains(0):
        raise ValueError("a real integrand integrated to a non-real ball")
    return out.real


_INT_METHOD = {
    (1, 1): "Cartesian, rigorous (acb.integral)",
    (1, 2): "Cartesian, rigorous (acb.integral)",
    (2, 2): "Cartesian (Fubini, y₁ = r sin θ), rigorous (acb.integral)",
    (2, 1): "polar, rigorous (acb.integral)",
}

#: Precisions (bits) tried to tell a closed form from a rigorous integral (a difference
#: below 2^−256 relative is not looked for: the rows then say 'agree to the ball').
_INT_PRECISIONS = (64, 128, 256)


@functools.lru_cache(maxsize=64)
def _mc(n: int, r: float, distance: str, samples: int, seed: int) -> tuple[float, float]:
    from numerics.balls import mc_ball_integral  # torch, only when the claim runs

    return mc_ball_integral(n, r, distance, samples=samples, seed=seed)


_EQ12_QUAD = ((1, "0.5"), (1, "1"), (1, "2"), (2, "0.5"), (2, "2"))

#: Eq. (12)'s Monte Carlo check flags |z| > 5: under the closed form, each of the 10 checks
#: is a false alarm with probability P(|Z| > 5) ≈ 5.7e−7 (normal approximation), all 10
#: together ≤ 5.7e−6 (union bound).
MC_Z = 5.0


def eq12_compute(
    closed: Callable,
    power: int,
    name: str,
    mc_samples: int = 40_000,
    z_max: float = MC_Z,
    mc_r: float = 1.0,
):
    """Does ``closed(n, r)`` (a SymPy expression) equal ∫_{‖y‖<r} e^{−‖y‖^power} dy?

    Certified checks (they decide the verdict): SymPy's own integral at n = 1, 2, 3 for
    symbolic r (exactly equal when SymPy simplifies the difference to 0; certainly different
    when the difference at r = 1 is a ball excluding 0); Arb's rigorous integration at n = 1
    (r = 0.5, 1, 2) and n = 2 (r = 0.5, 2) against the closed form's ball (certainly
    different when the balls are disjoint). Statistical check (reported, never a verdict by
    itself): Monte Carlo (``numerics.balls``) at n = 1…10, r = 1, seed fixed, flagged beyond
    ``z_max`` standard errors; a flag while every certified check agrees makes the claim
    inconclusive (a conflict for a human to look at).
    """
    distance = "sq" if power == 2 else "plain"

    def compute(examples: int, seed: int) -> Computed:
        vals: dict = {"sympy": [], "rigorous_integral": [], "monte_carlo": []}
        cx = None
        fails, open_ = [], []
        for n in (1, 2, 3):
            r, integral = _sympy_ball_integral(n, power)
            form = closed(n, r)
            diff = sp.simplify(form - integral)
            same = diff == 0
            rv, differ = 1, None
            if not same:  # the difference as a function: certified ≠ 0 at r = 1, 1/2 or 2
                for rv in (1, sp.Rational(1, 2), 2):
                    at = diff.subs(r, rv)
                    differ = certify(lambda p, e=at: arb_eval(e), "!=")
                    if differ.holds:
                        break
            at1 = diff.subs(r, rv)
            with arb_prec(128):
                at1_ball = arb_eval(at1)
            vals["sympy"].append(
                {
                    "n": n,
                    "integral": str(sp.simplify(integral)),
                    "closed_form": str(sp.simplify(form)),
                    "difference_at_r": [str(rv), dstr(at1_ball, 20)],
                    "equal": bool(same),
                    "how": "exact (SymPy simplifies the difference to 0)"
                    if same
                    else (f"difference at r = {rv} certified ≠ 0" if differ.holds else "undecided"),
                }
            )
            if same:
                continue
            if not differ.holds:
                open_.append(f"SymPy n = {n}")
                continue
            fails.append(f"SymPy n = {n}")
            if cx is None:
                with arb_prec(128):
                    cx = counterexample(
                        {
                            "n": n,
                            "r": int(rv) if rv in (1, 2) else str(rv),
                            "closed_form": str(sp.simplify(form)),
                            "sympy_integral": str(sp.simplify(integral)),
                        },
                        arb_eval(form.subs(r, rv)),
                        arb_eval(integral.subs(r, rv)),
                        f"{name} == SymPy integral",
                        abs(at1_ball),
                    )
        for n, rv in _EQ12_QUAD:
            q = sp.Rational(rv)
            c = certify(
                lambda p, n=n, q=q: arb_eval(closed(n, q)) - _arb_ball_integral(n, q, power),
                "!=",
                _INT_PRECISIONS,
            )
            with arb_prec(128):
                I, cf = _arb_ball_integral(n, q, power), arb_eval(closed(n, q))
            vals["rigorous_integral"].append(
                {
                    "n": n,
                    "r": rv,
                    "integral": dstr(I, 20),
                    "closed_form": dstr(cf, 20),
                    "difference": dstr(cf - I, 5),
                    "method": _INT_METHOD[(n, power)],
                    "equal": not c.holds,
                    "how": f"certainly different ({c.prec} bits)"
                    if c.holds
                    else f"balls overlap at {c.prec} bits (agree to within {c.rad})",
                }
            )
            if c.holds:
                fails.append(f"integral n = {n}, r = {rv}")
                if cx is None:
                    cx = counterexample(
                        {"n": n, "r": rv}, cf, I, f"{name} == rigorous integral", abs(cf - I)
                    )
        worst_z, flags = 0.0, []
        for n in range(1, 11):
            est, se = _mc(n, mc_r, distance, mc_samples, seed + n)
            c = float(sp.N(closed(n, sp.Rational(str(mc_r))), 20))
            zsc = (c - est) / se
            worst_z = max(worst_z, abs(zsc))
            ok = abs(zsc) <= z_max
            vals["monte_carlo"].append(
                {
                    "n": n,
                    "r": mc_r,
                    "estimate": est,
                    "stderr": se,
                    "closed_form": c,
                    "z": zsc,
                    "within": ok,
                }
            )
            if not ok:
                flags.append(f"Monte Carlo n = {n} (z = {zsc:.1f})")
        vals["monte_carlo_samples"] = mc_samples
        vals["monte_carlo_seeds"] = f"seed + n (seed = {seed})"
        vals["monte_carlo_test"] = (
            f"statistical: |z| > {z_max} flags a check; false-alarm probability ≈ 5.7e−7 per "
            "check, ≤ 5.7e−6 for the 10 (normal approximation, union bound); not a verdict"
        )
        total = 3 + len(_EQ12_QUAD)
        mc_txt = f"Monte Carlo (statistical, n ≤ 10): max |z| = {worst_z:.2f}" + (
            f", flags {', '.join(flags[:3])}" if flags else ""
        )
        if fails:
            holds = False
            ev = (
                f"differs (certified): {', '.join(fails[:3])}{' …' if len(fails) > 3 else ''} "
                f"({len(fails)} of {total} certified checks); {mc_txt}"
            )
        elif open_:
            holds, ev = None, f"not decided: {', '.join(open_)}; {mc_txt}"
        elif flags:
            holds = None
            ev = (
                "every certified check agrees, but the statistical Monte Carlo check flags "
                f"a difference: {mc_txt}"
            )
        else:
            holds = True
            ev = (
                "equal to SymPy's integral at n = 1, 2, 3 (all r, exact) and to Arb's rigorous "
                f"integrals at n = 1, 2 (balls overlap); {mc_txt}"
            )
        return Computed(holds, ev, vals, cx, False, total + 10)

    return compute


def _eq12_printed(n, r):
    return B.eq12_printed(n, r)


def _eq12_sq(n, r):
    return B.ball_integral_sq(n, r)


def _z_exact_1d(centres, radii) -> sp.Expr:
    """∫_Ω exp(−g(x)) dx in 1-D exactly, as a SymPy expression in the exact (binary) centres
    and radii: Ω ∩ each nearest-centre cell, Gaussian pieces (√π/2)(erf(b − c) − erf(a − c))."""
    cs = [sp.Rational(c) for c in centres]
    rs = [sp.Rational(r) for r in radii]
    order = sorted(range(len(cs)), key=lambda i: cs[i])
    cuts = [(cs[order[k]] + cs[order[k + 1]]) / 2 for k in range(len(cs) - 1)]
    total = sp.Integer(0)
    half = sp.sqrt(sp.pi) / 2
    for c, r in zip(cs, rs):
        # ball [c − r, c + r] split at every Voronoi boundary inside it
        pts = sorted({c - r, c + r} | {u for u in cuts if c - r < u < c + r})
        for a, b in zip(pts[:-1], pts[1:]):
            m = (a + b) / 2
            j = min(range(len(cs)), key=lambda k: abs(m - cs[k]))
            total += half * (sp.erf(b - cs[j]) - sp.erf(a - cs[j]))
    return total


def _compare_exact(e: sp.Expr) -> tuple[bool | None, str]:
    """(whether the exact number e is 0: True / False / None, how it was decided): SymPy's
    expansion to 0, a ball excluding 0 (certainly ≠), then SymPy's simplification."""
    if sp.expand(e) == 0:
        return True, "exact (SymPy: the difference is 0)"
    c = certify(lambda p: arb_eval(e), "!=")
    if c.holds:
        return False, f"certified ≠ ({c.prec} bits)"
    if sp.simplify(e) == 0:
        return True, "exact (SymPy: the difference simplifies to 0)"
    return None, "undecided"


_EQ13_FIXED = (  # (centres, radii, label); n = 1 unless centres are pairs
    (((0.0,), (2.0,)), (1.0, 1.0), "equal radii, touching"),
    (((0.0,), (4.0,)), (3.0, 1.0), "unequal radii, touching (disjoint)"),
    (((0.0,), (10.0,)), (2.0, 0.5), "unequal radii, gap ≥ 2 max r"),
    (((0.0, 0.0), (3.0, 0.0), (0.0, 3.0)), (1.0, 1.0, 1.0), "2-D equal radii"),
    (((0.0, 0.0), (5.0, 0.0)), (1.0, 0.3), "2-D unequal radii, gap ≥ 2 max r"),
)


def _eq13_random(examples: int, seed: int):
    """Random 1-D disjoint balls (Assumption 3): unequal radii, gaps from 0 to 2."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(max(4, min(examples // 3, 20))):
        d = int(rng.integers(2, 5))
        radii = [float(v) for v in np.round(rng.uniform(0.2, 3.0, d), 3)]
        cs, pos = [], 0.0
        for k, r in enumerate(radii):
            if k:
                pos += radii[k - 1] + r + float(np.round(rng.uniform(0, 2), 3))
            cs.append((pos,))
        out.append((tuple(cs), tuple(radii), "random disjoint"))
    return out


def separated(centres, radii) -> bool:
    """‖ρⁱ − ρʲ‖ ≥ 2 max(r_i, r_j) for all i ≠ j (then every point of B_i is nearest ρⁱ);
    decided exactly on the binary values (squares compared as rationals)."""
    F = Fraction
    for i in range(len(centres)):
        for j in range(i + 1, len(centres)):
            gap2 = sum((F(a) - F(b)) ** 2 for a, b in zip(centres[i], centres[j]))
            if gap2 < (2 * max(F(radii[i]), F(radii[j]))) ** 2:
                return False
    return True


def eq13_compute(ball: Callable = _eq12_sq, condition: Callable | None = None):
    """Z_t = ∫_Ω e^{−g} against Σᵢ ball(n, rᵢ) (Eq. 13 with E = g) on disjoint balls.

    1-D (these decide the verdict): Z_t exactly (Gaussian pieces on each nearest-centre cell)
    against the sum, both SymPy expressions in the exact binary centres and radii: equal when
    SymPy reduces the difference to 0, certainly different when its ball excludes 0. 2-D:
    ``theory.balls.mp_partition_function`` (Gauss–Legendre in polar coordinates, 30 digits),
    *not certified*: shown with the relative difference, never deciding the verdict.
    ``condition(centres, radii)`` restricts the instances (default: all disjoint ones).
    """

    def compute(examples: int, seed: int) -> Computed:
        rows, cx, open_, quad_far = [], None, [], []
        insts = list(_EQ13_FIXED) + _eq13_random(examples, seed)
        if condition is not None:
            insts = [i for i in insts if condition(i[0], i[1])]
        for centres, radii, label in insts:
            n = len(centres[0])
            ssum_sym = sp.Add(*[ball(n, sp.Rational(r)) for r in radii])
            row = {"centres": [list(c) for c in centres], "radii": list(radii), "case": label}
            if n == 1:
                zt_sym = _z_exact_1d([c[0] for c in centres], radii)
                zero, how = _compare_exact(zt_sym - ssum_sym)
                ok = None if zero is None else zero
                with arb_prec(128):
                    zt, ssum = arb_eval(zt_sym), arb_eval(ssum_sym)
            else:
                with mpmath.workdps(30):
                    zt = B.mp_partition_function(
                        [list(c) for c in centres],
                        list(radii),
                        B.nearest_energy([list(c) for c in centres]),
                    )
                with arb_prec(128):
                    ssum = arb_eval(ssum_sym)
                ok, how = None, "quadrature, 30 digits: not certified, shown only"
            rel = abs(float(zt) - float(ssum)) / float(zt)
            row.update(
                {
                    "Z_t": dstr(zt, 20),
                    "sum_of_ball_integrals": dstr(ssum, 20),
                    "relative_difference": dstr(rel, 6),
                    "method": how,
                    "separated": separated(centres, radii),
                    "equal": ok,
                    "decides_verdict": n == 1,
                }
            )
            rows.append(row)
            if n == 1 and ok is None:
                open_.append(label)
            if n > 1 and rel > 1e-12:  # shown in the evidence; never decides the verdict
                quad_far.append(f"{label} ({rel:.2g})")
            if ok is False and cx is None:
                cx = counterexample(
                    {"radii": list(radii), "case": label, "method": how},
                    zt,
                    ssum,
                    "Z_t == Σᵢ ∫_{B_i} exp(−‖x − ρⁱ‖²) dx",
                    zt - ssum,
                    patterns=[list(c) for c in centres],
                )
        holds = False if cx is not None else (None if open_ else True)
        nsep = sum(r["separated"] for r in rows)
        n1 = sum(r["decides_verdict"] for r in rows)
        quad = f"; {len(rows) - n1} 2-D rows by quadrature (not certified) " + (
            f"differ by {', '.join(quad_far)}" if quad_far else "agree to 1e−12"
        )
        if holds:
            ev = (
                f"Z_t equals the sum of ball integrals exactly on all {n1} 1-D instances "
                f"({nsep} of {len(rows)} instances separated by ≥ 2 max r)" + quad
            )
        elif holds is None:
            ev = f"not decided on {', '.join(open_)}" + quad
        else:
            ev = (
                f"Z_t = {short(cx['lhs'], 9)} ≠ Σ = {short(cx['rhs'], 9)} at centres "
                f"{cx['patterns']}, radii {cx['params']['radii']} ({cx['params']['case']}; "
                "certified): part of a larger ball is nearer another centre"
            )
        return Computed(holds, ev, {"rows": rows}, cx, False, len(rows))

    return compute


def claims() -> list[Claim]:
    """Eq. (12) and Eq. (13)."""
    comp = "computation"
    return [
        Claim(
            "eq12",
            "§5, Eq. (12)",
            "as printed: 2π^{n/2}γ(n, r)/Γ(n/2) equals the "
            "squared-distance ball integral ∫_{‖y‖<r} e^{−‖y‖²} dy",
            comp,
            "n ≥ 1, r > 0",
            compute=eq12_compute(_eq12_printed, 2, "2π^{n/2}γ(n, r)/Γ(n/2)"),
            wrong={
                "compute": eq12_compute(  # square dropped from γ(n/2, r²)
                    lambda n, r: (
                        sp.pi ** sp.Rational(n, 2)
                        * sp.lowergamma(sp.Rational(n, 2), r)
                        / sp.gamma(sp.Rational(n, 2))
                    ),
                    2,
                    "wrong",
                )
            },
        ),
        Claim(
            "eq12/plain",
            "§5, Eq. (12)",
            "the printed closed form equals the plain-distance integral ∫_{‖y‖<r} e^{−‖y‖} dy",
            comp,
            "n ≥ 1, r > 0",
            compute=eq12_compute(_eq12_printed, 1, "2π^{n/2}γ(n, r)/Γ(n/2)"),
            wrong={
                "compute": eq12_compute(  # r² for r
                    lambda n, r: (
                        2
                        * sp.pi ** sp.Rational(n, 2)
                        * sp.lowergamma(n, r**2)
                        / sp.gamma(sp.Rational(n, 2))
                    ),
                    1,
                    "wrong",
                )
            },
        ),
        Claim(
            "eq12/sq-corrected",
            "§5, Eq. (12)",
            "corrected: ∫_{‖y‖<r} e^{−‖y‖²} dy = π^{n/2}γ(n/2, r²)/Γ(n/2)",
            comp,
            "n ≥ 1, r > 0",
            compute=eq12_compute(_eq12_sq, 2, "π^{n/2}γ(n/2, r²)/Γ(n/2)"),
            wrong={
                "compute": eq12_compute(  # r for r²
                    lambda n, r: (
                        sp.pi ** sp.Rational(n, 2)
                        * sp.lowergamma(sp.Rational(n, 2), r)
                        / sp.gamma(sp.Rational(n, 2))
                    ),
                    2,
                    "wrong",
                )
            },
        ),
        Claim(
            "eq13",
            "§5, Eq. (13)",
            "as printed: Z_t = Σᵢ ∫_{B_i} exp(−‖x − ρⁱ‖²) dx for "
            "disjoint balls B_i of radii r_i (Assumption 3), E = g_t",
            comp,
            "disjoint balls, radii may differ",
            compute=eq13_compute(),
            wrong={"compute": eq13_compute(ball=B.ball_integral_plain)},
        ),
        Claim(
            "eq13/separated",
            "§5, Eq. (13)",
            "corrected: holds when ‖ρⁱ − ρʲ‖ ≥ "
            "2 max(r_i, r_j) (e.g. equal radii and disjoint balls)",
            comp,
            "centres ≥ 2 max r apart",
            compute=eq13_compute(condition=separated),
            wrong={"compute": eq13_compute(ball=B.ball_integral_plain, condition=separated)},
        ),
    ]
