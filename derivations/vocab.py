"""The default vocabulary of statements: associative-memory objects and special functions.

One row (:class:`~derivations.engine.backends.Word`) per word, with its SymPy, mpmath,
torch and arb implementation (torch ones as import strings, loaded only when the twin runs;
arb ones give balls certain to contain the value, which the counterexample search decides
on). Every pack may use these words; a pack registers its own with
:func:`derivations.engine.register`.

Notation (Niu et al., arXiv:2405.08707v2, and Ramsauer et al. 2020): patterns ρ¹…ρ^d are
the rows of ``P`` (the paper's M = Pᵀ), x the query, dist(x, y) = ‖x − y‖²,
g(x) = minᵢ dist(x, ρⁱ) (Eq. 3), E(x) = −LSE(−dist(x, ρ¹), …) (Eq. 4),
E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖², E_global = −LSE(−E_1, …, −E_l)
(Eq. 7); γ(s, x) the lower incomplete gamma function; V_n(r) the n-ball volume;
I_sq(n, r) = ∫_{‖y‖<r} e^{−‖y‖²} dy, I_plain(n, r) = ∫_{‖y‖<r} e^{−‖y‖} dy; r* = √(n/2πe);
Γ the gamma function, W₀ the principal branch of Lambert's W.
"""

from __future__ import annotations

import dataclasses
import math

import flint
import mpmath
import sympy as sp

import theory.balls as B
import theory.energies as te
from derivations.engine.arb_backend import _arb, log_lowergamma
from derivations.engine.backends import Word, register
from derivations.vocab_arb import (
    EXACT_IMPLS,
    arb_cccp_step,
    arb_dists,
    arb_layer_energy,
    arb_log_ball_integral,
    arb_log_ball_volume,
    arb_mchn,
    arb_mchn_update,
)

__all__ = ["WORDS"]


def _fn(name):
    return sp.Function(name)


def _symbolic(P) -> bool:
    return isinstance(P, te.SymbolicPatterns)


# ------------------------------------------------------------------ sympy implementations


def _sym_count(o, P):
    return P.d if _symbolic(P) else sp.Integer(P.shape[0])


def _sym_sqnorms(o, P):
    return [o.sqnorm(list(P.row(i))) for i in range(P.shape[0])]


def _sym_max_sqnorm(o, P):
    return _fn(r"\max_i")(P.norm2_i()) if _symbolic(P) else sp.Max(*_sym_sqnorms(o, P))


def _sym_min_sqnorm(o, P):
    return _fn(r"\min_i")(P.norm2_i()) if _symbolic(P) else sp.Min(*_sym_sqnorms(o, P))


def _sym_dists(o, P, x):
    return [te.dist(x, list(P.row(i))) for i in range(P.shape[0])]


# ------------------------------------------------------------------ torch implementations
# (module-level functions taking the TorchOps as first argument; imported lazily by name)


def torch_count(o, P):
    return o._t(float(P.shape[0]))


def torch_sqnorms(o, P):
    return (P * P).sum(-1)


def torch_layer_energy(o, P, x, reading, Z=None):
    import torch

    import numerics.energies as ne

    if reading == "distance":
        return ne.distance_energy(P, x)
    if reading == "nearest":
        return ne.nearest_neighbour(P, x)
    if reading == "printed":
        return torch.exp(-ne.nearest_neighbour(P, x)) / Z
    raise ValueError(
        f"unknown layer-energy reading {reading!r}; expected one of {te.LAYER_READINGS}"
    )


def torch_global_energy(o, values):
    import torch

    import numerics.energies as ne

    return ne.global_energy(torch.stack(list(values)))


def torch_dc_argument(o, P, x):
    return 2.0 * (P @ x) - (P * P).sum(-1)


def _tt(o, v):
    """v (a Python number or tensor) as a tensor of the twin's dtype."""
    import torch

    return torch.as_tensor(v, dtype=o.dtype)


def torch_log_ball_volume(o, n, r):
    import torch

    n, r = _tt(o, n), _tt(o, r)
    return n / 2 * math.log(math.pi) + n * torch.log(r) - torch.lgamma(1 + n / 2)


def torch_log_ball_integral(o, n, r, distance):
    import torch

    from numerics.special import log_lowergamma as lg

    n, r = _tt(o, n), _tt(o, r)
    if distance == "sq":
        return n / 2 * math.log(math.pi) + lg(n / 2, r * r) - torch.lgamma(n / 2)
    _check_distance(distance)
    return math.log(2) + n / 2 * math.log(math.pi) + lg(n, r) - torch.lgamma(n / 2)


def torch_log_lowergamma(o, s, x):
    from numerics.special import log_lowergamma as lg

    return lg(_tt(o, s), _tt(o, x))


def torch_r_star(o, n):
    import torch

    return torch.sqrt(_tt(o, n) / (2 * math.pi * math.e))


def torch_gamma(o, x):
    """Γ(x) = ±exp(log|Γ(x)|); the sign is (−1)^⌈−x⌉ for x < 0 (Γ alternates there)."""
    import torch

    x = _tt(o, x)
    sgn = torch.where(x > 0, torch.ones_like(x), (-1.0) ** torch.ceil(-x))
    return sgn * torch.exp(torch.lgamma(x))


def torch_loggamma(o, x):
    import torch

    return torch.lgamma(_tt(o, x))


def torch_erf(o, x):
    import torch

    return torch.erf(_tt(o, x))


def torch_lowergamma(o, s, x):
    import torch

    return torch.exp(torch_log_lowergamma(o, s, x))


def torch_ball_volume(o, n, r):
    import torch

    return torch.exp(torch_log_ball_volume(o, n, r))


def torch_ball_integral(o, n, r, distance):
    import torch

    return torch.exp(torch_log_ball_integral(o, n, r, distance))


def torch_lambertw(o, x):
    from numerics.special import lambertw

    return lambertw(_tt(o, x))


def _check_distance(distance: str) -> None:
    if distance not in B.DISTANCES:
        raise ValueError(f"unknown distance {distance!r}; expected one of {B.DISTANCES}")


def _mp_exp_log(f):
    """exp of an mpmath log-space function (0 where the log is −inf)."""

    def g(o, *args):
        v = f(*args)
        return mpmath.mpf(0) if v == mpmath.ninf else mpmath.exp(v)

    return g


def _ne(name: str) -> str:
    return f"numerics.energies:{name}"


def _torch_call(name: str):
    """A torch word that forwards (ops, *args) to ``numerics.energies.<name>(*args)``."""

    def call(o, *args):
        import numerics.energies as ne

        return getattr(ne, name)(*args)

    call.__name__ = f"torch_{name}"
    return call


def _sym_ball_integral(n, r, distance):
    _check_distance(distance)
    f = B.ball_integral_sq if distance == "sq" else B.ball_integral_plain
    return f(n, r)


def _sym_ball_integral_log(o, n, r, distance):
    return sp.log(_sym_ball_integral(n, r, distance))


WORDS = (
    # --- pattern sets -------------------------------------------------------------------
    Word(
        "count",
        "d, the number of patterns (rows of P)",
        _sym_count,
        lambda o, P: mpmath.mpf(len(P)),
        torch_count,
        lambda o, P: flint.arb(len(P)),
    ),
    Word(
        "sqnorms",
        "(‖ρ¹‖², …, ‖ρ^d‖²)",
        _sym_sqnorms,
        lambda o, P: [o.sqnorm(r) for r in P],
        torch_sqnorms,
        lambda o, P: [o.sqnorm(r) for r in P],
    ),
    Word(
        "max_sqnorm",
        "maxᵢ ‖ρⁱ‖²",
        _sym_max_sqnorm,
        lambda o, P: max(o.sqnorm(r) for r in P),
        lambda o, P: (P * P).sum(-1).amax(),
        lambda o, P: o.max([o.sqnorm(r) for r in P]),
    ),
    Word(
        "min_sqnorm",
        "minᵢ ‖ρⁱ‖²",
        _sym_min_sqnorm,
        lambda o, P: min(o.sqnorm(r) for r in P),
        lambda o, P: (P * P).sum(-1).amin(),
        lambda o, P: o.min([o.sqnorm(r) for r in P]),
    ),
    Word(
        "dists",
        "(dist(x, ρ¹), …, dist(x, ρ^d)), dist = squared Euclidean distance",
        _sym_dists,
        lambda o, P, x: [te.mp_dist(x, r) for r in P],
        _torch_call("sq_dists"),
        arb_dists,
    ),
    # --- energies (Niu et al. Sec. 4; Ramsauer et al. Eq. 2) ----------------------------
    Word(
        "nn",
        "g(x) = minᵢ ‖x − ρⁱ‖² (Niu Eq. 3)",
        lambda o, P, x: te.nearest_neighbour(P, x),
        lambda o, P, x: te.mp_nearest_neighbour(P, x),
        _torch_call("nearest_neighbour"),
        lambda o, P, x: o.min(arb_dists(o, P, x)),
    ),
    Word(
        "energy",
        "E(x) = −LSE(−‖x − ρ¹‖², …) (Niu Eq. 4)",
        lambda o, P, x: te.distance_energy(P, x),
        lambda o, P, x: te.mp_distance_energy(P, x),
        _torch_call("distance_energy"),
        lambda o, P, x: -o.lse([-t for t in arb_dists(o, P, x)]),
    ),
    Word(
        "mchn",
        "E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²",
        lambda o, P, x, beta: te.mchn_energy(P, x, beta),
        lambda o, P, x, beta: te.mp_mchn_energy(P, x, beta),
        lambda o, P, x, beta: _torch_call("mchn_energy")(o, P, x, float(beta)),
        arb_mchn,
    ),
    Word(
        "mchn_update",
        "x⁺ = M softmax(β Mᵀx) (Ramsauer Eq. 3)",
        lambda o, P, x, beta: te.mchn_update(P, x, beta),
        lambda o, P, x, beta: te.mp_mchn_update(P, x, beta),
        lambda o, P, x, beta: _torch_call("mchn_update")(o, P, x, float(beta)),
        arb_mchn_update,
    ),
    Word(
        "layer_energy",
        "E_t(x) under a reading ('printed', 'distance', 'nearest')",
        lambda o, P, x, reading, Z=None: te.layer_energy(P, x, reading, Z),
        lambda o, P, x, reading, Z=None: te.mp_layer_energy(P, x, reading, Z),
        f"{__name__}:torch_layer_energy",
        arb_layer_energy,
    ),
    Word(
        "global_energy",
        "E_global = −LSE(−E_1, …, −E_l) (Niu Eq. 7)",
        lambda o, values: te.global_energy(values),
        lambda o, values: te.mp_global_energy(values),
        f"{__name__}:torch_global_energy",
        lambda o, values: -o.lse([-_arb(e) for e in values]),
    ),
    Word(
        "dc_argument",
        "u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ, the concave part's argument",
        lambda o, P, x: te.dc_concave_argument(P, x),
        lambda o, P, x: [2 * o.dot(x, r) - o.sqnorm(r) for r in P],
        f"{__name__}:torch_dc_argument",
        lambda o, P, x: [2 * o.dot(x, r) - o.sqnorm(r) for r in P],
    ),
    Word(
        "cccp_step",
        "x⁺ = M softmax(2Mᵀx − ‖ρ‖²), the CCCP step of Eq. (4)",
        lambda o, P, x: te.cccp_step(P, x),
        lambda o, P, x: te.mp_cccp_step(P, x),
        _torch_call("cccp_step"),
        arb_cccp_step,
    ),
    # --- special functions (Niu Sec. 5, App. D) -----------------------------------------
    Word(
        "pi",
        "π (a word without arguments: ops.pi())",
        lambda o: sp.pi,
        lambda o: +mpmath.pi,
        lambda o: _tt(o, math.pi),
        lambda o: flint.arb.pi(),
    ),
    Word(
        "gamma",
        "Γ(x), the gamma function",
        lambda o, x: sp.gamma(x),
        lambda o, x: mpmath.gamma(x),
        f"{__name__}:torch_gamma",
        lambda o, x: _arb(x).gamma(),
    ),
    Word(
        "loggamma",
        "log Γ(x) for x > 0",
        lambda o, x: sp.loggamma(x),
        lambda o, x: mpmath.loggamma(x),
        f"{__name__}:torch_loggamma",
        lambda o, x: _arb(x).lgamma(),
    ),
    Word(
        "lowergamma",
        "γ(s, x) = ∫₀ˣ t^{s−1} e^{−t} dt, the lower incomplete gamma function (s, x > 0)",
        lambda o, s, x: sp.lowergamma(s, x),
        lambda o, s, x: mpmath.gammainc(s, 0, x),
        f"{__name__}:torch_lowergamma",
        lambda o, s, x: log_lowergamma(s, x).exp(),
    ),
    Word(
        "log_lowergamma",
        "log γ(s, x), the lower incomplete gamma function in log space (s, x > 0)",
        lambda o, s, x: sp.log(sp.lowergamma(s, x)),
        lambda o, s, x: B.mp_log_lowergamma(s, x),
        f"{__name__}:torch_log_lowergamma",
        lambda o, s, x: log_lowergamma(s, x),
    ),
    Word(
        "erf",
        "erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt",
        lambda o, x: sp.erf(x),
        lambda o, x: mpmath.erf(x),
        f"{__name__}:torch_erf",
        lambda o, x: _arb(x).erf(),
    ),
    Word(
        "lambertw",
        "W₀(x), the principal branch of Lambert's W (W e^W = x, x ≥ −1/e)",
        lambda o, x: sp.LambertW(x),
        lambda o, x: mpmath.lambertw(x).real,
        f"{__name__}:torch_lambertw",
        lambda o, x: _arb(x).lambertw(),
    ),
    Word(
        "ball_volume",
        "V_n(r) = π^{n/2} rⁿ / Γ(1 + n/2), the volume of the n-ball of radius r",
        lambda o, n, r: B.ball_volume(n, r),
        _mp_exp_log(B.mp_log_ball_volume),
        f"{__name__}:torch_ball_volume",
        lambda o, n, r: arb_log_ball_volume(o, n, r).exp(),
    ),
    Word(
        "log_ball_volume",
        "log V_n(r), V_n(r) = π^{n/2} rⁿ / Γ(1 + n/2)",
        lambda o, n, r: sp.log(B.ball_volume(n, r)),
        lambda o, n, r: B.mp_log_ball_volume(n, r),
        f"{__name__}:torch_log_ball_volume",
        arb_log_ball_volume,
    ),
    Word(
        "ball_integral",
        "I(n, r) = ∫_{‖y‖<r} e^{−‖y‖²} dy (distance 'sq') or ∫ e^{−‖y‖} dy ('plain')",
        lambda o, n, r, distance: _sym_ball_integral(n, r, distance),
        _mp_exp_log(B.mp_log_ball_integral),
        f"{__name__}:torch_ball_integral",
        lambda o, n, r, distance: arb_log_ball_integral(o, n, r, distance).exp(),
    ),
    Word(
        "log_ball_integral",
        "log I(n, r) for distance 'sq' (e^{−‖y‖²}) or 'plain' (e^{−‖y‖})",
        _sym_ball_integral_log,
        lambda o, n, r, distance: B.mp_log_ball_integral(n, r, distance),
        f"{__name__}:torch_log_ball_integral",
        arb_log_ball_integral,
    ),
    Word(
        "r_star",
        "r* = √(n/2πe)",
        lambda o, n: B.r_star(n),
        lambda o, n: B.mp_r_star(n),
        f"{__name__}:torch_r_star",
        lambda o, n: (_arb(n) / (2 * flint.arb.pi() * flint.arb(1).exp())).sqrt(),
    ),
)

WORDS = tuple(
    dataclasses.replace(w, exact=EXACT_IMPLS[w.name]) if w.name in EXACT_IMPLS else w for w in WORDS
)

register(*WORDS)
