"""The arb and exact columns of the default vocabulary (:mod:`derivations.vocab`).

arb: balls certain to contain the value at the working precision ``flint.ctx.prec`` (the
counterexample search decides on them). exact: values of the exact back end
(:mod:`derivations.engine.exact_backend`: rationals, e^q, logs), written with that back end's
own words, for the search's equality cases.

Notation (Niu et al., arXiv:2405.08707v2; Ramsauer et al. 2020): patterns ρⁱ are the rows of
``P``, x the query, dist(x, y) = ‖x − y‖², g(x) = minᵢ dist(x, ρⁱ) (Eq. 3),
E(x) = −LSE(−dist(x, ρ¹), …) (Eq. 4), E^MCHN_β, u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ, V_n(r), γ(s, x).
"""

from __future__ import annotations

import flint

import theory.balls as B
import theory.energies as te
from derivations.engine.arb_backend import _arb, _lse_parts, log_lowergamma

__all__ = [
    "arb_dists",
    "arb_mchn",
    "arb_mchn_update",
    "arb_cccp_step",
    "arb_layer_energy",
    "arb_log_ball_volume",
    "arb_log_ball_integral",
    "EXACT_IMPLS",
]


def _check_distance(distance: str) -> None:
    if distance not in B.DISTANCES:
        raise ValueError(f"unknown distance {distance!r}; expected one of {B.DISTANCES}")


# -------------------------------------------------------------------- arb implementations
# (balls certain to contain the value, at the working precision flint.ctx.prec)


def _sub(a, b):
    return [s - t for s, t in zip(a, b, strict=True)]


def arb_dists(o, P, x):
    return [o.sqnorm(_sub(x, r)) for r in P]


def arb_mchn(o, P, x, beta):
    """E^MCHN_β with the β-dependent part −β⁻¹ log((1/d) Σ exp(β zᵢ)), zᵢ = ρⁱ·x, written as
    −m − β⁻¹ log1p(mean expm1(β(z − m))) (m = max z) so a tiny β keeps its digits."""
    beta = _arb(beta)
    z = [o.dot(x, r) for r in P]
    m = max((t.mid() for t in z), key=float)  # any exact shift is exact; this one is ≈ max
    mean = sum(((beta * (t - m)).expm1() for t in z), flint.arb(0)) / len(z)
    nu = -m - mean.log1p() / beta
    return nu + o.sqnorm(x) / 2 + o.max_sqnorm(P) / 2


def _weights(o, u):
    """softmax(u) as balls (one shared normaliser e^m · s)."""
    m, s = _lse_parts(u, flint.arb(1))
    return [(_arb(t) - m).exp() / s for t in u]


def _combine(w, P):
    n = len(P[0])
    return [sum((w[i] * P[i][k] for i in range(len(P))), flint.arb(0)) for k in range(n)]


def arb_mchn_update(o, P, x, beta):
    beta = _arb(beta)
    return _combine(_weights(o, [beta * o.dot(x, r) for r in P]), P)


def arb_cccp_step(o, P, x):
    return _combine(_weights(o, o.dc_argument(P, x)), P)


def arb_layer_energy(o, P, x, reading, Z=None):
    if reading == "distance":
        return o.energy(P, x)
    if reading == "nearest":
        return o.nn(P, x)
    if reading == "printed":
        if Z is None:
            raise ValueError("the printed reading E_t = exp(-g_t)/Z_t needs Z_t")
        return (-o.nn(P, x)).exp() / _arb(Z)
    raise ValueError(
        f"unknown layer-energy reading {reading!r}; expected one of {te.LAYER_READINGS}"
    )


def arb_log_ball_volume(o, n, r):
    n, r = _arb(n), _arb(r)
    return n / 2 * flint.arb.pi().log() + n * r.log() - (1 + n / 2).lgamma()


def arb_log_ball_integral(o, n, r, distance):
    n, r = _arb(n), _arb(r)
    half_log_pi = n / 2 * flint.arb.pi().log()
    if distance == "sq":
        return half_log_pi + log_lowergamma(n / 2, r * r) - (n / 2).lgamma()
    _check_distance(distance)
    return flint.arb(2).log() + half_log_pi + log_lowergamma(n, r) - (n / 2).lgamma()


# --------------------------------------------------------------- exact implementations
# (the exact back end: rationals, e^q, logs; written with the back end's own words)


def ex_dists(o, P, x):
    return [o.sqnorm(_sub(x, r)) for r in P]


def ex_mchn(o, P, x, beta):
    d = o.num(len(P))
    return (
        -o.lse([o.dot(x, r) for r in P], beta)
        + o.sqnorm(x) / 2
        + o.log(d) / beta
        + o.max([o.sqnorm(r) for r in P]) / 2
    )


def _ex_combine(o, u, P):
    w = [o.softmax(u, i) for i in range(len(u))]
    return [sum((w[i] * P[i][k] for i in range(len(P))), o.num(0)) for k in range(len(P[0]))]


def ex_layer_energy(o, P, x, reading, Z=None):
    if reading == "printed":
        if Z is None:
            raise ValueError("the printed reading E_t = exp(-g_t)/Z_t needs Z_t")
        return o.exp(-o.nn(P, x)) / Z
    return arb_layer_energy(o, P, x, reading, Z)


EXACT_IMPLS = {
    "count": lambda o, P: o.num(len(P)),
    "sqnorms": lambda o, P: [o.sqnorm(r) for r in P],
    "max_sqnorm": lambda o, P: o.max([o.sqnorm(r) for r in P]),
    "min_sqnorm": lambda o, P: o.min([o.sqnorm(r) for r in P]),
    "dists": ex_dists,
    "nn": lambda o, P, x: o.min(ex_dists(o, P, x)),
    "energy": lambda o, P, x: -o.lse([-t for t in ex_dists(o, P, x)]),
    "mchn": ex_mchn,
    "mchn_update": lambda o, P, x, beta: _ex_combine(o, [beta * o.dot(x, r) for r in P], P),
    "layer_energy": ex_layer_energy,
    "global_energy": lambda o, values: -o.lse([-e for e in values]),
    "dc_argument": lambda o, P, x: [2 * o.dot(x, r) - o.sqnorm(r) for r in P],
    "cccp_step": lambda o, P, x: _ex_combine(o, [2 * o.dot(x, r) - o.sqnorm(r) for r in P], P),
}
