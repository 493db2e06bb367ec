"""Section 5 of Niu et al. (arXiv:2405.08707v2): the ball integrals of Eq. (12) and the
partition function of Eq. (13) as computed claims.

Notation: n dimension, r radius, B_i = {x : ‖x − ρⁱ‖ ≤ r_i}, Z_t = ∫_Ω e^{−g_t} (Eq. 5),
γ(s, x) the lower incomplete gamma function.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import mpmath
import numpy as np
import sympy as sp

import theory.balls as B
from derivations.engine import (
    Claim,
    Computed,
)
from derivations.niu2024.common import (
    counterexample,
    dstr,
    mpf_of,
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


@functools.lru_cache(maxsize=16)
def _quad_ball(n: int, r: str, power: int) -> mpmath.mpf:
    """Direct mpmath quadrature (15 digits) of ∫_{‖y‖<r} e^{−‖y‖^power} dy, n = 1, 2.

    n = 1: tanh-sinh on [−r, 0] ∪ [0, r]. n = 2, Cartesian: y₁ = r sin θ, y₂ = r cos θ · s
    (θ ∈ [−π/2, π/2], s ∈ [−1, 1], dy = r² cos² θ dθ ds), Gauss–Legendre of degree ≤ 4
    (relative error ≲ 4e−8 for the plain distance, whose kink sits at a corner).
    """
    with mpmath.workdps(15):
        rr = mpmath.mpf(r)

        def h(s2):
            return mpmath.exp(-(s2 if power == 2 else mpmath.sqrt(s2)))

        if n == 1:
            return mpmath.quad(lambda y: h(y * y), [-rr, 0, rr])

        def g(th, s):
            ct = mpmath.cos(th)
            y1, y2 = rr * mpmath.sin(th), rr * ct * s
            return rr * rr * ct * ct * h(y1 * y1 + y2 * y2)

        return mpmath.quad(
            g, [-mpmath.pi / 2, 0, mpmath.pi / 2], [-1, 0, 1], method="gauss-legendre", maxdegree=4
        )


@functools.lru_cache(maxsize=64)
def _mc(n: int, r: float, distance: str, samples: int, seed: int) -> tuple[float, float]:
    from numerics.balls import mc_ball_integral  # torch, only when the claim runs

    return mc_ball_integral(n, r, distance, samples=samples, seed=seed)


_EQ12_QUAD = ((1, "0.5"), (1, "1"), (1, "2"), (2, "0.5"), (2, "2"))


_EQ12_QUAD_RTOL = {1: "1e-12", 2: "1e-6"}


def eq12_compute(
    closed: Callable,
    power: int,
    name: str,
    mc_samples: int = 40_000,
    z_max: float = 5.0,
    mc_r: float = 1.0,
):
    """Does ``closed(n, r)`` (a SymPy expression) equal ∫_{‖y‖<r} e^{−‖y‖^power} dy?

    Three independent checks: SymPy's own integral at n = 1, 2, 3 for symbolic r (exact);
    mpmath quadrature in Cartesian coordinates at n = 1 (r = 0.5, 1, 2; relative 1e−12) and
    n = 2 (r = 0.5, 2; relative 1e−6); Monte Carlo (``numerics.balls``) at n = 1…10, r = 1,
    seed fixed, within 5 standard errors.
    """
    distance = "sq" if power == 2 else "plain"

    def compute(examples: int, seed: int) -> Computed:
        vals: dict = {"sympy": [], "quadrature": [], "monte_carlo": []}
        cx = None
        fails = []
        for n in (1, 2, 3):
            r, integral = _sympy_ball_integral(n, power)
            form = closed(n, r)
            diff = sp.simplify(form - integral)
            with mpmath.workdps(50):
                at1 = mpf_of(diff.subs(r, 1))
            same = diff == 0 or abs(at1) < mpmath.mpf(10) ** -45
            vals["sympy"].append(
                {
                    "n": n,
                    "integral": str(sp.simplify(integral)),
                    "closed_form": str(sp.simplify(form)),
                    "difference_at_r=1": dstr(at1, 20),
                    "equal": bool(same),
                }
            )
            if not same:
                fails.append(f"SymPy n = {n}")
                if cx is None:
                    with mpmath.workdps(50):
                        cx = counterexample(
                            {
                                "n": n,
                                "r": 1,
                                "closed_form": str(sp.simplify(form)),
                                "sympy_integral": str(sp.simplify(integral)),
                            },
                            mpf_of(form.subs(r, 1)),
                            mpf_of(integral.subs(r, 1)),
                            f"{name} == SymPy integral",
                            abs(at1),
                        )
        with mpmath.workdps(30):
            for n, rv in _EQ12_QUAD:
                q = _quad_ball(n, rv, power)
                c = mpf_of(closed(n, sp.Rational(rv)))
                rel = abs(c - q) / abs(q)
                ok = rel < mpmath.mpf(_EQ12_QUAD_RTOL[n])
                vals["quadrature"].append(
                    {
                        "n": n,
                        "r": rv,
                        "quadrature": dstr(q, 15),
                        "closed_form": dstr(c, 20),
                        "relative_difference": dstr(rel, 5),
                        "tolerance": _EQ12_QUAD_RTOL[n],
                        "equal": ok,
                    }
                )
                if not ok:
                    fails.append(f"quadrature n = {n}, r = {rv}")
                    if cx is None:
                        cx = counterexample({"n": n, "r": rv}, c, q, f"{name} == quadrature", rel)
        worst_z = 0.0
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
                fails.append(f"Monte Carlo n = {n} (z = {zsc:.1f})")
        vals["monte_carlo_samples"] = mc_samples
        vals["monte_carlo_seeds"] = f"seed + n (seed = {seed})"
        total = 3 + len(_EQ12_QUAD) + 10
        holds = not fails
        ev = (
            "equal to SymPy's integral at n = 1, 2, 3 (all r), to quadrature at n = 1, 2 and "
            f"to Monte Carlo at n ≤ 10 (max |z| = {worst_z:.2f})"
            if holds
            else f"differs: {', '.join(fails[:3])}{' …' if len(fails) > 3 else ''} "
            f"({len(fails)} of {total} checks; max Monte Carlo |z| = {worst_z:.0f})"
        )
        return Computed(holds, ev, vals, cx, False, total)

    return compute


def _eq12_printed(n, r):
    return B.eq12_printed(n, r)


def _eq12_sq(n, r):
    return B.ball_integral_sq(n, r)


def _z_exact_1d(centres, radii):
    """∫_Ω exp(−g(x)) dx in 1-D exactly: Ω ∩ each nearest-centre cell, Gaussian pieces (erf)."""
    cs = [mpmath.mpf(c) for c in centres]
    rs = [mpmath.mpf(r) for r in radii]
    order = sorted(range(len(cs)), key=lambda i: cs[i])
    cuts = [(cs[order[k]] + cs[order[k + 1]]) / 2 for k in range(len(cs) - 1)]
    total = mpmath.mpf(0)
    for c, r in zip(cs, rs):
        # ball [c − r, c + r] split at every Voronoi boundary inside it
        pts = sorted({c - r, c + r} | {u for u in cuts if c - r < u < c + r})
        for a, b in zip(pts[:-1], pts[1:]):
            m = (a + b) / 2
            j = min(range(len(cs)), key=lambda k: abs(m - cs[k]))
            total += mpmath.sqrt(mpmath.pi) / 2 * (mpmath.erf(b - cs[j]) - mpmath.erf(a - cs[j]))
    return total


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
    """‖ρⁱ − ρʲ‖ ≥ 2 max(r_i, r_j) for all i ≠ j (then every point of B_i is nearest ρⁱ)."""
    for i in range(len(centres)):
        for j in range(i + 1, len(centres)):
            gap = math.dist(centres[i], centres[j])
            if gap < 2 * max(radii[i], radii[j]) - 1e-12:
                return False
    return True


def eq13_compute(ball: Callable = _eq12_sq, condition: Callable | None = None, rtol: str = "1e-15"):
    """Z_t = ∫_Ω e^{−g} against Σᵢ ball(n, rᵢ) (Eq. 13 with E = g) on disjoint balls.

    1-D: Z_t exactly (Gaussian pieces on each nearest-centre cell, erf at 50 digits); 2-D:
    ``theory.balls.mp_partition_function`` (Gauss–Legendre in polar coordinates, 30 digits).
    ``condition(centres, radii)`` restricts the instances (default: all disjoint ones).
    """

    def compute(examples: int, seed: int) -> Computed:
        rows, cx = [], None
        insts = list(_EQ13_FIXED) + _eq13_random(examples, seed)
        if condition is not None:
            insts = [i for i in insts if condition(i[0], i[1])]
        tol = mpmath.mpf(rtol)
        for centres, radii, label in insts:
            n = len(centres[0])
            with mpmath.workdps(50 if n == 1 else 30):
                if n == 1:
                    zt = _z_exact_1d([c[0] for c in centres], radii)
                    how = "exact (erf)"
                else:
                    zt = B.mp_partition_function(
                        [list(c) for c in centres],
                        list(radii),
                        B.nearest_energy([list(c) for c in centres]),
                    )
                    how = "quadrature"
                    tol = max(tol, mpmath.mpf("1e-12"))
                ssum = mpmath.fsum(mpf_of(ball(n, sp.Rational(str(r)))) for r in radii)
                rel = abs(zt - ssum) / zt
                ok = rel <= tol
            rows.append(
                {
                    "centres": [list(c) for c in centres],
                    "radii": list(radii),
                    "case": label,
                    "Z_t": dstr(zt, 20),
                    "sum_of_ball_integrals": dstr(ssum, 20),
                    "relative_difference": dstr(rel, 6),
                    "method": how,
                    "separated": separated(centres, radii),
                    "equal": ok,
                }
            )
            if not ok and cx is None:
                cx = counterexample(
                    {"radii": list(radii), "case": label, "method": how},
                    zt,
                    ssum,
                    "Z_t == Σᵢ ∫_{B_i} exp(−‖x − ρⁱ‖²) dx",
                    zt - ssum,
                    patterns=[list(c) for c in centres],
                )
        holds = cx is None
        nsep = sum(r["separated"] for r in rows)
        ev = (
            f"Z_t equals the sum of ball integrals on all {len(rows)} instances "
            f"({nsep} separated by ≥ 2 max r)"
            if holds
            else f"Z_t = {short(cx['lhs'], 9)} ≠ Σ = {short(cx['rhs'], 9)} at centres "
            f"{cx['patterns']}, radii {cx['params']['radii']} ({cx['params']['case']}): "
            "part of a larger ball is nearer another centre"
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
