"""The energies of Section 4 in SymPy, with mpmath twins.

Notation (arXiv:2405.08707v2, Sections 2 and 4):

==============  ==========================================================================
code            paper
==============  ==========================================================================
``P``           the stored patterns ρ¹ … ρ^d as the **rows** of a d × n matrix (so the
                paper's M = (ρ¹,…,ρ^d) is ``P.T``)
``x``           the query / state x ∈ ℝⁿ
``d``, ``n``    number of patterns, dimension
``dist``        dist(x, y) = ‖x − y‖₂², the **squared** Euclidean distance
``g``           g(x) = minᵢ dist(x, ρⁱ), the nearest-neighbour function (Eq. 3)
``E``           E(x) = −LSE(−dist(x, ρ¹), …, −dist(x, ρ^d)), the layer energy (Eq. 4)
``E_mchn``      E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²
                (Ramsauer et al. 2020, quoted in Sec. 2)
``E_t``         the energy of layer t (readings below); ``E_global`` = −LSE(−E_1, …, −E_l)
                (Eq. 7)
==============  ==========================================================================

Readings of the layer energy E_t (Sec. 4, the text is ambiguous):

* ``"printed"``: E_t(x) = exp(−g_t(x)) / Z_t, literally as printed (a density, not an energy);
* ``"distance"``: E_t(x) = the Eq. (4) energy over layer t's patterns;
* ``"nearest"``: E_t(x) = g_t(x), the nearest-neighbour function of layer t.

Every SymPy function accepts a concrete pattern matrix (entries may be numbers or symbols,
fixed d and n) or a :class:`SymbolicPatterns` (symbolic d and n, indexed entries), in which
case it returns the general form with ``Sum`` and :class:`MinOver`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from theory.indexed import power_latex
from theory.lse import LogSumExp, lse, mp_lse

__all__ = [
    "LAYER_READINGS",
    "MinOver",
    "SymbolicPatterns",
    "as_patterns",
    "as_vector",
    "symbolic_instance",
    "dist",
    "nearest_neighbour",
    "distance_energy",
    "mchn_energy",
    "layer_energy",
    "global_energy",
    "dc_concave_argument",
    "cccp_step",
    "mchn_update",
    "mp_dist",
    "mp_nearest_neighbour",
    "mp_distance_energy",
    "mp_mchn_energy",
    "mp_neg_log_mean_exp",
    "mp_layer_energy",
    "mp_global_energy",
    "mp_cccp_step",
    "mp_mchn_update",
]

LAYER_READINGS = ("printed", "distance", "nearest")


class MinOver(sp.Function):
    r"""``MinOver(expr, i, lo, hi)`` = min over integer i ∈ [lo, hi] of expr (display form)."""

    @classmethod
    def eval(cls, expr, i, lo, hi):
        if lo.is_Integer and hi.is_Integer:
            return sp.Min(*[expr.subs(i, j) for j in range(int(lo), int(hi) + 1)])
        return None

    def _latex(self, printer, exp=None):
        expr, i, lo, hi = self.args
        s = (
            r"\min_{"
            + printer._print(i)
            + "="
            + printer._print(lo)
            + "}^{"
            + printer._print(hi)
            + r"} "
            + printer._print(expr)
        )
        return power_latex(s, exp)


@dataclass(frozen=True)
class SymbolicPatterns:
    """d patterns of dimension n, both symbolic: entries ``rho[i, k]``, 1 ≤ i ≤ d, 1 ≤ k ≤ n."""

    d: sp.Symbol = field(default_factory=lambda: sp.Symbol("d", integer=True, positive=True))
    n: sp.Symbol = field(default_factory=lambda: sp.Symbol("n", integer=True, positive=True))
    rho: sp.IndexedBase = field(default_factory=lambda: sp.IndexedBase(r"\rho"))
    x: sp.IndexedBase = field(default_factory=lambda: sp.IndexedBase("x"))
    i: sp.Idx = field(default_factory=lambda: sp.Symbol("i", integer=True, positive=True))
    k: sp.Idx = field(default_factory=lambda: sp.Symbol("k", integer=True, positive=True))

    def dist_i(self, x=None):
        """dist(x, ρⁱ) with i left free."""
        x = self.x if x is None else x
        return sp.Sum((x[self.k] - self.rho[self.i, self.k]) ** 2, (self.k, 1, self.n))

    def norm2_i(self):
        return sp.Sum(self.rho[self.i, self.k] ** 2, (self.k, 1, self.n))


def as_patterns(P) -> sp.Matrix:
    """A d × n SymPy matrix from rows of numbers/expressions; floats are made exact rationals."""
    if isinstance(P, SymbolicPatterns):
        return P
    if isinstance(P, sp.MatrixBase):
        if P.shape[0] == 0 or P.shape[1] == 0:
            raise ValueError("patterns must be a non-empty d × n matrix")
        return P
    rows = [list(r) for r in P]
    if not rows or not rows[0]:
        raise ValueError("patterns must be a non-empty list of non-empty vectors (d × n)")
    n = len(rows[0])
    if any(len(r) != n for r in rows):
        raise ValueError(
            f"all patterns must have the same dimension; got lengths "
            f"{sorted({len(r) for r in rows})}"
        )
    return sp.Matrix([[_exact(v) for v in r] for r in rows])


def as_vector(x) -> list:
    return [_exact(v) for v in x]


def _exact(v):
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"pattern/query entries must be finite; got {v}")
        return sp.Rational(v)
    return sp.sympify(v)


def symbolic_instance(d: int, n: int, real: bool = True):
    """Patterns with symbolic entries ρ_{i,k} and a symbolic query x_k at a fixed size."""
    P = sp.Matrix(d, n, lambda i, k: sp.Symbol(f"rho_{i + 1}{k + 1}", real=real))
    x = [sp.Symbol(f"x_{k + 1}", real=real) for k in range(n)]
    return P, x


def _check_shapes(P, x):
    if len(x) != P.shape[1]:
        raise ValueError(f"query has dimension {len(x)} but patterns have dimension {P.shape[1]}")


def dist(x, y):
    """dist(x, y) = ‖x − y‖² (squared Euclidean, as in the paper).

    >>> dist([1, 2], [4, 6])
    25
    """
    if len(x) != len(y):
        raise ValueError(f"dist of vectors of lengths {len(x)} and {len(y)}")
    return sp.Add(*[(a - b) ** 2 for a, b in zip(x, y)])


def _dists(P, x):
    P = as_patterns(P)
    x = as_vector(x)
    _check_shapes(P, x)
    return [dist(x, list(P.row(i))) for i in range(P.shape[0])]


def nearest_neighbour(P, x=None):
    """g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3).

    >>> nearest_neighbour([[0, 0], [3, 4]], [1, 0])
    1
    >>> x1 = sp.Symbol("x1", real=True)
    >>> nearest_neighbour([[0], [1]], [x1])
    Min(x1**2, (x1 - 1)**2)
    """
    if isinstance(P, SymbolicPatterns):
        return MinOver(P.dist_i(x), P.i, 1, P.d)
    return sp.Min(*_dists(P, x))


def distance_energy(P, x=None):
    """E(x) = −log Σᵢ exp(−‖x − ρⁱ‖²) = −LSE(−dist(x, ρ¹), …) (Eq. 4).

    >>> distance_energy([[0], [1]], [0])
    -LSE(0, -1)
    >>> distance_energy([[0], [1]], [0]).rewrite(sp.log)  # below g = 0
    -log(exp(-1) + 1)
    >>> x1 = sp.Symbol("x1", real=True)
    >>> distance_energy([[0], [1]], [x1])
    -LSE(-x1**2, -(x1 - 1)**2)
    """
    if isinstance(P, SymbolicPatterns):
        return -sp.log(sp.Sum(sp.exp(-P.dist_i(x)), (P.i, 1, P.d)))
    return -LogSumExp(*[-t for t in _dists(P, x)])


def mchn_energy(P, x=None, beta=1):
    """E^MCHN_β(x) = −LSE(β, Mᵀx) + ½ xᵀx + β⁻¹ log d + ½ maxᵢ ‖ρⁱ‖² (Ramsauer et al.).

    >>> e = mchn_energy([[1], [-1]], [0], 1)
    >>> e
    -LSE(0, 0) + 1/2 + log(2)
    >>> sp.simplify(e.rewrite(sp.log))
    1/2
    >>> x1 = sp.Symbol("x1", real=True)
    >>> mchn_energy([[1], [-1]], [x1], 2)
    x1**2/2 - LSE(2*x1, -2*x1)/2 + log(2)/2 + 1/2
    """
    beta = sp.sympify(beta)
    if isinstance(P, SymbolicPatterns):
        xv = P.x if x is None else x
        dot = sp.Sum(xv[P.k] * P.rho[P.i, P.k], (P.k, 1, P.n))
        xx = sp.Sum(xv[P.k] ** 2, (P.k, 1, P.n))
        return (
            -sp.log(sp.Sum(sp.exp(beta * dot), (P.i, 1, P.d))) / beta
            + xx / 2
            + sp.log(P.d) / beta
            + sp.Function(r"\max_i")(P.norm2_i()) / 2
        )
    P = as_patterns(P)
    x = as_vector(x)
    _check_shapes(P, x)
    d = P.shape[0]
    dots = [sp.Add(*[a * b for a, b in zip(x, P.row(i))]) for i in range(d)]
    norms = [sp.Add(*[b**2 for b in P.row(i)]) for i in range(d)]
    return -lse(dots, beta) + sp.Add(*[a**2 for a in x]) / 2 + sp.log(d) / beta + sp.Max(*norms) / 2


def layer_energy(P, x, reading: str = "distance", Z=None):
    """E_t(x) over layer t's patterns ``P`` under one reading (see module notes)."""
    if reading == "distance":
        return distance_energy(P, x)
    if reading == "nearest":
        return nearest_neighbour(P, x)
    if reading == "printed":
        if Z is None:
            raise ValueError("the printed reading E_t = exp(-g_t)/Z_t needs Z_t")
        return sp.exp(-nearest_neighbour(P, x)) / Z
    raise ValueError(f"unknown layer-energy reading {reading!r}; expected one of {LAYER_READINGS}")


def global_energy(layer_values: Sequence):
    """E_global = −LSE(−E_1, …, −E_l) (Eq. 7), from the layer energies' values/expressions.

    >>> global_energy([1, 1])
    -LSE(-1, -1)
    >>> sp.simplify(global_energy([1, 1]).rewrite(sp.log))  # l equal layers: E − log l
    1 - log(2)
    """
    if not layer_values:
        raise ValueError("global_energy needs at least one layer energy")
    return -LogSumExp(*[-sp.sympify(e) for e in layer_values])


def dc_concave_argument(P, x):
    """u(x) = 2 Mᵀx − (‖ρ¹‖², …): E(x) = ‖x‖² − LSE(u(x)) (our DC split of Eq. 4)."""
    P = as_patterns(P)
    x = as_vector(x)
    _check_shapes(P, x)
    return [
        2 * sp.Add(*[a * b for a, b in zip(x, P.row(i))]) - sp.Add(*[b**2 for b in P.row(i)])
        for i in range(P.shape[0])
    ]


def cccp_step(P, x):
    """The CCCP step of Eq. (4): x⁺ = M softmax(2Mᵀx − ‖ρ‖²) (attention, keys = values = ρ).

    >>> cccp_step([[0], [2]], [1])  # the midpoint: equal weights
    [2*exp(-LSE(0, 0))]
    >>> [sp.simplify(t.rewrite(sp.log)) for t in cccp_step([[0], [2]], [1])]
    [1]
    """
    P = as_patterns(P)
    u = dc_concave_argument(P, x)
    s = LogSumExp(*u)
    w = [sp.exp(ui - s) for ui in u]
    return [sp.Add(*[w[i] * P[i, k] for i in range(P.shape[0])]) for k in range(P.shape[1])]


def mchn_update(P, x, beta=1):
    """The MCHN update x⁺ = M softmax(β Mᵀx) (Ramsauer et al. 2020, Eq. 3; quoted in Sec. 2).

    Attention with keys = values = the patterns and no bias; its fixed points are the
    stationary points of E^MCHN_β (∇E^MCHN_β(x) = x − x⁺).

    >>> [sp.simplify(t.rewrite(sp.log)) for t in mchn_update([[1], [-1]], [0])]
    [0]
    >>> x1 = sp.Symbol("x1", real=True)
    >>> u = mchn_update([[1], [-1]], [x1], 1)[0]
    >>> sp.simplify(u.rewrite(sp.log).rewrite(sp.exp) - sp.tanh(x1).rewrite(sp.exp))
    0
    """
    beta = sp.sympify(beta)
    if beta.is_number and not beta.is_positive:
        raise ValueError(f"inverse temperature beta must be > 0; got {beta}")
    P = as_patterns(P)
    x = as_vector(x)
    _check_shapes(P, x)
    u = [beta * sp.Add(*[a * b for a, b in zip(x, P.row(i))]) for i in range(P.shape[0])]
    s = LogSumExp(*u)
    w = [sp.exp(ui - s) for ui in u]
    return [sp.Add(*[w[i] * P[i, k] for i in range(P.shape[0])]) for k in range(P.shape[1])]


# --------------------------------------------------------------------------- mpmath twins


def _mp_rows(P):
    rows = [[mpmath.mpf(v) for v in r] for r in P]
    if not rows or not rows[0]:
        raise ValueError("patterns must be a non-empty list of non-empty vectors (d × n)")
    n = len(rows[0])
    if any(len(r) != n for r in rows):
        raise ValueError("all patterns must have the same dimension")
    return rows


def _mp_vec(x, n):
    v = [mpmath.mpf(a) for a in x]
    if len(v) != n:
        raise ValueError(f"query has dimension {len(v)} but patterns have dimension {n}")
    return v


def mp_dist(x, y) -> mpmath.mpf:
    return mpmath.fsum((mpmath.mpf(a) - mpmath.mpf(b)) ** 2 for a, b in zip(x, y, strict=True))


def _mp_dists(P, x):
    rows = _mp_rows(P)
    xv = _mp_vec(x, len(rows[0]))
    return [mp_dist(xv, r) for r in rows]


def mp_nearest_neighbour(P, x) -> mpmath.mpf:
    """g(x) (Eq. 3) at the current mpmath precision.

    >>> mp_nearest_neighbour([[0.0, 0.0], [3.0, 4.0]], [1.0, 0.0])
    mpf('1.0')
    """
    return min(_mp_dists(P, x))


def mp_distance_energy(P, x) -> mpmath.mpf:
    """E(x) (Eq. 4) at the current mpmath precision.

    >>> mpmath.nstr(mp_distance_energy([[0.0], [1.0]], [0.0]), 12)  # −log(1 + e⁻¹)
    '-0.313261687518'
    """
    return -mp_lse(*[-t for t in _mp_dists(P, x)])


def mp_neg_log_mean_exp(z, beta=1) -> mpmath.mpf:
    """ν = β⁻¹ (log d − LSE(β z)) = −β⁻¹ log((1/d) Σᵢ exp(β zᵢ)), accurate at any β > 0.

    Written as −LSE(β z)/β + (log d)/β, two terms of size (log d)/β cancel and a small β
    loses every digit at the working precision. Here, with m = max z and w = z − m ≤ 0,
    ν = −m − β⁻¹ L where L = log1p(mean(expm1(β w))) when mean(expm1(β w)) > −½ (all terms
    of one sign, no cancellation) and L = log Σ exp(β w) − log d otherwise (|L| > log 2).
    As β → 0, ν → −mean(z); mpmath has no underflow, so no separate limit form is needed.

    >>> mpmath.nstr(mp_neg_log_mean_exp([1, 2, 6], mpmath.mpf("1e-300")), 10)  # → −mean
    '-3.0'
    """
    beta = mpmath.mpf(beta)
    if not beta > 0:
        raise ValueError(f"inverse temperature beta must be > 0; got {beta}")
    z = [mpmath.mpf(t) for t in z]
    if not z:
        raise ValueError("mp_neg_log_mean_exp needs at least one score z; got none")
    m = max(z)
    d = len(z)
    mean_e = mpmath.fsum(mpmath.expm1(beta * (t - m)) for t in z) / d
    if mean_e > mpmath.mpf(-0.5):
        L = mpmath.log1p(mean_e)
    else:
        L = mpmath.log(mpmath.fsum(mpmath.exp(beta * (t - m)) for t in z)) - mpmath.log(d)
    return -m - L / beta


def mp_mchn_energy(P, x, beta=1) -> mpmath.mpf:
    """E^MCHN_β(x) at the current mpmath precision, for any β > 0.

    The β-dependent part β⁻¹(log d − LSE(β Mᵀx)) comes from :func:`mp_neg_log_mean_exp`,
    so a tiny β keeps its digits (β → 0: E → −mean(Mᵀx) + ½xᵀx + ½ maxᵢ‖ρⁱ‖²).

    >>> mpmath.nstr(mp_mchn_energy([[1.0], [-1.0]], [0.5], 1), 12)  # 1/8 + 1/2 − log cosh ½
    '0.504885493042'
    """
    rows = _mp_rows(P)
    xv = _mp_vec(x, len(rows[0]))
    dots = [mpmath.fsum(a * b for a, b in zip(xv, r)) for r in rows]
    norms = [mpmath.fsum(b * b for b in r) for r in rows]
    return mp_neg_log_mean_exp(dots, beta) + mpmath.fsum(a * a for a in xv) / 2 + max(norms) / 2


def mp_layer_energy(P, x, reading: str = "distance", Z=None) -> mpmath.mpf:
    if reading == "distance":
        return mp_distance_energy(P, x)
    if reading == "nearest":
        return mp_nearest_neighbour(P, x)
    if reading == "printed":
        if Z is None:
            raise ValueError("the printed reading E_t = exp(-g_t)/Z_t needs Z_t")
        return mpmath.exp(-mp_nearest_neighbour(P, x)) / mpmath.mpf(Z)
    raise ValueError(f"unknown layer-energy reading {reading!r}; expected one of {LAYER_READINGS}")


def mp_global_energy(layer_values) -> mpmath.mpf:
    """E_global (Eq. 7) from the layer energies' values.

    >>> mpmath.nstr(mp_global_energy([1, 1]), 12)  # 1 − log 2
    '0.30685281944'
    """
    return -mp_lse(*[-mpmath.mpf(e) for e in layer_values])


def mp_cccp_step(P, x) -> list:
    """x⁺ = M softmax(2Mᵀx − ‖ρ‖²) at the current mpmath precision.

    >>> [mpmath.nstr(t, 12) for t in mp_cccp_step([[0.0], [2.0]], [1.0])]
    ['1.0']
    """
    rows = _mp_rows(P)
    xv = _mp_vec(x, len(rows[0]))
    u = [
        2 * mpmath.fsum(a * b for a, b in zip(xv, r)) - mpmath.fsum(b * b for b in r) for r in rows
    ]
    s = mp_lse(*u)
    w = [mpmath.exp(ui - s) for ui in u]
    return [mpmath.fsum(w[i] * rows[i][k] for i in range(len(rows))) for k in range(len(xv))]


def mp_mchn_update(P, x, beta=1) -> list:
    """x⁺ = M softmax(β Mᵀx) at the current mpmath precision (the MCHN update).

    >>> mpmath.nstr(mp_mchn_update([[1.0], [-1.0]], [0.5], 2)[0], 12)  # tanh(1)
    '0.761594155956'
    """
    beta = mpmath.mpf(beta)
    if not beta > 0:
        raise ValueError(f"inverse temperature beta must be > 0; got {beta}")
    rows = _mp_rows(P)
    xv = _mp_vec(x, len(rows[0]))
    u = [beta * mpmath.fsum(a * b for a, b in zip(xv, r)) for r in rows]
    s = mp_lse(*u)
    w = [mpmath.exp(ui - s) for ui in u]
    return [mpmath.fsum(w[i] * rows[i][k] for i in range(len(rows))) for k in range(len(xv))]
