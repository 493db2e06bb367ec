"""The default vocabulary of statements: associative-memory objects and special functions.

One row (:class:`~derivations.engine.backends.Word`) per word, with its SymPy, mpmath and
torch implementation (torch ones as import strings, loaded only when the twin runs). Every
pack may use these words; a pack registers its own with
:func:`derivations.engine.register`.

Notation (Niu et al., arXiv:2405.08707v2, and Ramsauer et al. 2020): patterns ρ¹…ρ^d are
the rows of ``P`` (the paper's M = Pᵀ), x the query, dist(x, y) = ‖x − y‖²,
g(x) = minᵢ dist(x, ρⁱ) (Eq. 3), E(x) = −LSE(−dist(x, ρ¹), …) (Eq. 4),
E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖², E_global = −LSE(−E_1, …, −E_l)
(Eq. 7); γ(s, x) the lower incomplete gamma function; V_n(r) the n-ball volume;
I_sq(n, r) = ∫_{‖y‖<r} e^{−‖y‖²} dy, I_plain(n, r) = ∫_{‖y‖<r} e^{−‖y‖} dy; r* = √(n/2πe).
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp

import theory.balls as B
import theory.energies as te
from derivations.engine.backends import Word, register

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


def torch_log_ball_volume(o, n, r):
    import torch

    return n / 2 * math.log(math.pi) + n * torch.log(r) - torch.lgamma(1 + n / 2)


def torch_log_ball_integral(o, n, r, distance):
    import torch

    from numerics.special import log_lowergamma

    if distance == "sq":
        return n / 2 * math.log(math.pi) + log_lowergamma(n / 2, r * r) - torch.lgamma(n / 2)
    return math.log(2) + n / 2 * math.log(math.pi) + log_lowergamma(n, r) - torch.lgamma(n / 2)


def torch_log_lowergamma(o, s, x):
    from numerics.special import log_lowergamma

    return log_lowergamma(s, x)


def torch_r_star(o, n):
    import torch

    return torch.sqrt(n / (2 * math.pi * math.e))


def _ne(name: str) -> str:
    return f"numerics.energies:{name}"


def _torch_call(name: str):
    """A torch word that forwards (ops, *args) to ``numerics.energies.<name>(*args)``."""

    def call(o, *args):
        import numerics.energies as ne

        return getattr(ne, name)(*args)

    call.__name__ = f"torch_{name}"
    return call


def _sym_ball_integral_log(o, n, r, distance):
    f = B.ball_integral_sq if distance == "sq" else B.ball_integral_plain
    return sp.log(f(n, r))


WORDS = (
    # --- pattern sets -------------------------------------------------------------------
    Word(
        "count",
        "d, the number of patterns (rows of P)",
        _sym_count,
        lambda o, P: mpmath.mpf(len(P)),
        torch_count,
    ),
    Word(
        "sqnorms",
        "(‖ρ¹‖², …, ‖ρ^d‖²)",
        _sym_sqnorms,
        lambda o, P: [o.sqnorm(r) for r in P],
        torch_sqnorms,
    ),
    Word(
        "max_sqnorm",
        "maxᵢ ‖ρⁱ‖²",
        _sym_max_sqnorm,
        lambda o, P: max(o.sqnorm(r) for r in P),
        lambda o, P: (P * P).sum(-1).amax(),
    ),
    Word(
        "min_sqnorm",
        "minᵢ ‖ρⁱ‖²",
        _sym_min_sqnorm,
        lambda o, P: min(o.sqnorm(r) for r in P),
        lambda o, P: (P * P).sum(-1).amin(),
    ),
    Word(
        "dists",
        "(dist(x, ρ¹), …, dist(x, ρ^d)), dist = squared Euclidean distance",
        _sym_dists,
        lambda o, P, x: [te.mp_dist(x, r) for r in P],
        _torch_call("sq_dists"),
    ),
    # --- energies (Niu et al. Sec. 4; Ramsauer et al. Eq. 2) ----------------------------
    Word(
        "nn",
        "g(x) = minᵢ ‖x − ρⁱ‖² (Niu Eq. 3)",
        lambda o, P, x: te.nearest_neighbour(P, x),
        lambda o, P, x: te.mp_nearest_neighbour(P, x),
        _torch_call("nearest_neighbour"),
    ),
    Word(
        "energy",
        "E(x) = −LSE(−‖x − ρ¹‖², …) (Niu Eq. 4)",
        lambda o, P, x: te.distance_energy(P, x),
        lambda o, P, x: te.mp_distance_energy(P, x),
        _torch_call("distance_energy"),
    ),
    Word(
        "mchn",
        "E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²",
        lambda o, P, x, beta: te.mchn_energy(P, x, beta),
        lambda o, P, x, beta: te.mp_mchn_energy(P, x, beta),
        lambda o, P, x, beta: _torch_call("mchn_energy")(o, P, x, float(beta)),
    ),
    Word(
        "mchn_update",
        "x⁺ = M softmax(β Mᵀx) (Ramsauer Eq. 3)",
        lambda o, P, x, beta: te.mchn_update(P, x, beta),
        lambda o, P, x, beta: te.mp_mchn_update(P, x, beta),
        lambda o, P, x, beta: _torch_call("mchn_update")(o, P, x, float(beta)),
    ),
    Word(
        "layer_energy",
        "E_t(x) under a reading ('printed', 'distance', 'nearest')",
        lambda o, P, x, reading, Z=None: te.layer_energy(P, x, reading, Z),
        lambda o, P, x, reading, Z=None: te.mp_layer_energy(P, x, reading, Z),
        f"{__name__}:torch_layer_energy",
    ),
    Word(
        "global_energy",
        "E_global = −LSE(−E_1, …, −E_l) (Niu Eq. 7)",
        lambda o, values: te.global_energy(values),
        lambda o, values: te.mp_global_energy(values),
        f"{__name__}:torch_global_energy",
    ),
    Word(
        "dc_argument",
        "u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ, the concave part's argument",
        lambda o, P, x: te.dc_concave_argument(P, x),
        lambda o, P, x: [2 * o.dot(x, r) - o.sqnorm(r) for r in P],
        f"{__name__}:torch_dc_argument",
    ),
    Word(
        "cccp_step",
        "x⁺ = M softmax(2Mᵀx − ‖ρ‖²), the CCCP step of Eq. (4)",
        lambda o, P, x: te.cccp_step(P, x),
        lambda o, P, x: te.mp_cccp_step(P, x),
        _torch_call("cccp_step"),
    ),
    # --- special functions (Niu Sec. 5, App. D) -----------------------------------------
    Word(
        "log_lowergamma",
        "log γ(s, x), the lower incomplete gamma function",
        lambda o, s, x: sp.log(sp.lowergamma(s, x)),
        lambda o, s, x: B.mp_log_lowergamma(s, x),
        f"{__name__}:torch_log_lowergamma",
    ),
    Word(
        "log_ball_volume",
        "log V_n(r), V_n(r) = π^{n/2} rⁿ / Γ(1 + n/2)",
        lambda o, n, r: sp.log(B.ball_volume(n, r)),
        lambda o, n, r: B.mp_log_ball_volume(n, r),
        f"{__name__}:torch_log_ball_volume",
    ),
    Word(
        "log_ball_integral",
        "log I(n, r) for distance 'sq' (e^{−‖y‖²}) or 'plain' (e^{−‖y‖})",
        _sym_ball_integral_log,
        lambda o, n, r, distance: B.mp_log_ball_integral(n, r, distance),
        f"{__name__}:torch_log_ball_integral",
    ),
    Word(
        "r_star",
        "r* = √(n/2πe)",
        lambda o, n: B.r_star(n),
        lambda o, n: B.mp_r_star(n),
        f"{__name__}:torch_r_star",
    ),
)

register(*WORDS)
