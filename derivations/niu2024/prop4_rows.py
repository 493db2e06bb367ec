"""Rows of Proposition 4's table (Niu et al., arXiv:2405.08707v2, §5): every quantity of the
printed proof on one sweep instance, in ball arithmetic (1-D, certified) or by quadrature
(2-D, shown only). Used by :mod:`derivations.niu2024.prop4`.

Notation: layers t = 1…l, g_t (Eq. 3), E_t (printed: e^{−g_t}/Z_t; or an energy: g_t),
E_global (Eq. 7), Z_t = ∫_Ω e^{−g_t}, Z_θ = ∫_Ω e^{−E_global} = ∫_Ω Σ_t e^{−E_t},
c the constant of Eq. (10), L = log Z_θ + mean E_global(ρ) the cross-entropy (Eq. 11).
"""

from __future__ import annotations

import functools
from fractions import Fraction

import flint
import mpmath

import theory.balls as B
from derivations.niu2024.common import arb_prec

__all__ = ["prop4_layers", "row_arb_1d", "row_mp"]


def prop4_layers(n: int, l: int, per_layer: int, r: str):
    """Centres on a line, spacing 2r + 6 (gaps ≥ 6: cross terms ≤ e^{−36}), layers
    interleaved."""
    s = 2 * float(r) + 6
    cs = [k * s for k in range(l * per_layer)]
    return [[[cs[j * l + t]] + [0.0] * (n - 1) for j in range(per_layer)] for t in range(l)]


_PROP4_DPS = 15


def _fr(v) -> flint.arb:
    return flint.arb(flint.fmpq(v.numerator, v.denominator))


def _pieces_1d(centres: list, R: Fraction) -> list[tuple[Fraction, Fraction]]:
    """Ω = ∪ [c − R, c + R] split at every midpoint between two centres (any layer's
    Voronoi boundary lies among them): on each piece every layer's nearest centre is fixed."""
    cs = sorted(centres)
    mids = [(a + b) / 2 for a, b in zip(cs[:-1], cs[1:])]
    out = []
    for c in cs:
        pts = sorted({c - R, c + R} | {m for m in mids if c - R < m < c + R})
        out.extend(zip(pts[:-1], pts[1:]))
    return out


def _nearest(q: Fraction, layer: list) -> Fraction:
    return min(layer, key=lambda c: abs(q - c))


def _gauss(a: Fraction, b: Fraction, c: Fraction) -> flint.arb:
    """∫_a^b e^{−(x − c)²} dx = (√π/2)(erf(b − c) − erf(a − c)), a ball."""
    return flint.arb.pi().sqrt() / 2 * (_fr(b - c).erf() - _fr(a - c).erf())


@functools.lru_cache(maxsize=64)
def row_arb_1d(reading: str, l: int, per: int, r: str, prec: int) -> dict:
    """The 1-D row of :func:`prop4_table` in ball arithmetic at ``prec`` bits (see the
    module notes); exact centres and radius (decimal r as a rational)."""
    with arb_prec(prec):
        step = 2 * Fraction(r) + 6  # as _prop4_layers, exactly: spacing 2r + 6, interleaved
        cs = [k * step for k in range(l * per)]
        layers = [[cs[j * l + t] for j in range(per)] for t in range(l)]
        allc = [c for L in layers for c in L]
        R = Fraction(r)
        pieces = _pieces_1d(allc, R)
        near = [[_nearest((a + b) / 2, L) for L in layers] for a, b in pieces]
        Zs = [
            sum((_gauss(a, b, nb[t]) for (a, b), nb in zip(pieces, near)), flint.arb(0))
            for t in range(l)
        ]
        z_all = sum((_gauss(a, b, _nearest((a + b) / 2, allc)) for a, b in pieces), flint.arb(0))

        def e_t(t, g):  # g = g_t(x) as a ball
            return (-g).exp() / Zs[t] if reading == "printed" else g

        if reading == "energy":
            Z_theta = sum(Zs, flint.arb(0))  # ∫ Σ_t e^{−g_t} = Σ_t Z_t
        else:
            acb = flint.acb
            Z_theta = flint.arb(0)
            for (a, b), nb in zip(pieces, near):

                def f(x, analytic, nb=nb):
                    return sum(
                        (
                            acb(-(((-((x - _fr(nb[t])) ** 2)).exp()) / Zs[t])).exp()
                            for t in range(l)
                        ),
                        acb(0),
                    )

                Z_theta += acb.integral(f, _fr(a), _fr(b)).real
        logl = flint.arb(l).log()
        tests, slack_a = [], flint.arb(0)
        for t, L in enumerate(layers):
            for p in L:
                gs = [_fr((p - _nearest(p, Lk)) ** 2) for Lk in layers]
                Et = [e_t(k, g) for k, g in enumerate(gs)]
                Eg = -sum(((-e).exp() for e in Et), flint.arb(0)).log()
                # step (a)'s slack, E_t(ρ) − 1/Z_t: (e^{−g} − 1)/Z_t is an exact 0 at g = 0
                slack_a += (
                    ((-gs[t]).exp() - 1) / Zs[t] if reading == "printed" else gs[t] - 1 / Zs[t]
                )
                tests.append(
                    {"E_t": Et[t], "E_global": Eg, "c": Eg - Et[t] + logl, "inv": 1 / Zs[t]}
                )
        k = len(tests)

        def mean(key):
            return sum((q[key] for q in tests), flint.arb(0)) / k

        zbar = sum(Zs, flint.arb(0)) / l
        mean_eg = mean("E_global")
        return {
            "Z_t": Zs,
            "Z_t_mean": zbar,
            "Z_theta": Z_theta,
            "L": Z_theta.log() + mean_eg,
            "mean_E_global": mean_eg,
            "mean_E_t": mean("E_t"),
            "mean_c": mean("c"),
            "c_values": [q["c"] for q in tests],
            "mean_inv_Z_t": mean("inv"),
            "slack_a": slack_a / k,
            "log_l": logl,
            "paper_L": zbar.log() + 1 / zbar,
            "eq15_rhs": l * (-mean("c")).exp() * zbar,
            "c_eff": logl + zbar.log() - Z_theta.log(),
            "Z_all": z_all,
        }


def row_mp(reading: str, n: int, l: int, per: int, r: str) -> dict:
    """A row by quadrature (mpmath, 15 digits): the 2-D instances, not certified."""
    with mpmath.workdps(_PROP4_DPS):
        layers = prop4_layers(n, l, per, r)
        allp = [p for L in layers for p in L]
        rad = mpmath.mpf(r)
        Zs = [B.mp_partition_function(allp, rad, B.nearest_energy(L)) for L in layers]
        if reading == "printed":
            Et = [B.printed_layer_energy(L, z) for L, z in zip(layers, Zs)]
            Eg = B.global_energy(layers, "printed", Zs)
        else:
            Et = [B.nearest_energy(L) for L in layers]
            Eg = B.global_energy(layers, "nearest")
        ce = B.mp_cross_entropy(allp, rad, Eg)
        L_density = -mpmath.fsum(
            mpmath.log(B.mp_density(allp, rad, Eg, p, Z=ce.Z)) for p in allp
        ) / len(allp)
        logl = mpmath.log(l)
        tests = []
        for t, L in enumerate(layers):
            for p in L:
                e_t, e_g = Et[t](p), Eg(p)
                tests.append(
                    {
                        "t": t,
                        "E_t": e_t,
                        "E_global": e_g,
                        "c": e_g - e_t + logl,
                        "inv_Z_t": 1 / Zs[t],
                    }
                )

        def mean(key, tests=tests):
            return mpmath.fsum(q[key] for q in tests) / len(tests)

        zbar = mpmath.fsum(Zs) / l
        return {
            "n": n,
            "l": l,
            "per_layer": per,
            "r": r,
            "layers": layers,
            "Z_t": Zs,
            "Z_t_mean": zbar,
            "Z_theta": ce.Z,
            "L": ce.L,
            "L_density": L_density,
            "mean_E_global": ce.mean_energy,
            "mean_E_t": mean("E_t"),
            "mean_c": mean("c"),
            "c_min": min(q["c"] for q in tests),
            "c_max": max(q["c"] for q in tests),
            "mean_inv_Z_t": mean("inv_Z_t"),
            "log_l": logl,
            "paper_L": mpmath.log(zbar) + 1 / zbar,
            "eq15_rhs": l * mpmath.exp(-mean("c")) * zbar,
            "c_eff": logl + mpmath.log(zbar) - mpmath.log(ce.Z),
            "Z_all": B.mp_partition_function(allp, rad, B.nearest_energy(allp)),
            "slack_a": mean("E_t") - mean("inv_Z_t"),
            "certified": False,
        }
