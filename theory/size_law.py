"""Proposition 5 (N = O(D²)) under each reading: SymPy solves the model's equations.

Notation (arXiv:2405.08707v2, Section 5, Eq. 2): N parameters, D tokens, d patterns,
n = T_max · d_emb, l layers, A the Eq. (2) constant, κ with N = κ n, Z_t the partition function
(Eq. 13–14), r* = √(n/2πe). Each ``prop5_*`` function returns a :class:`Prop5Reading` with the
N–D relation and its log–log exponent d log N / d log D (``None`` where no relation follows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from theory.balls import mp_log_ball_integral, mp_log_ball_volume, mp_r_star
from theory.sizes import SYMBOLS, eq2_dataset_size, eq2_input_dimension, eq2_parameter_count

__all__ = [
    "Prop5Reading",
    "loglog_exponent",
    "prop5_paper_chain",
    "prop5_width_at_fixed_depth",
    "prop5_depth_at_fixed_width",
    "prop5_constant_eq2_coefficient",
    "prop5_bound_asymptotics",
    "ExponentRow",
    "prop5_exact_partition",
]


@dataclass(frozen=True)
class Prop5Reading:
    """One reading of Proposition 5: assumptions, SymPy steps, N(D) and its exponent."""

    name: str
    assumptions: tuple
    steps: tuple  # (description, SymPy object) pairs, in order
    relation: sp.Basic | None  # sp.Eq(N, f(D)), or None when N and D are unrelated
    exponent: sp.Basic | None  # d log N / d log D, or None when undefined
    note: str = ""
    extra: dict = field(default_factory=dict)


def _exponent(N_of_D, D):
    return sp.simplify(D * sp.diff(N_of_D, D) / N_of_D)


def loglog_exponent(F, n=None, d=None):
    """d log n / d log d along the curve F(n, d) = 0, by implicit differentiation.

    With u = log n, v = log d: dv/du = −F_u/F_v, so d log n/d log d = −(d F_d)/(n F_n).
    """
    n = SYMBOLS["n"] if n is None else n
    d = SYMBOLS["d"] if d is None else d
    Fn, Fd = sp.diff(F, n), sp.diff(F, d)
    if Fn == 0:
        raise ValueError("F does not depend on n: n is not a function of d along F = 0")
    return sp.simplify(-(d * Fd) / (n * Fn))


def _paper_unit_partition():
    """Z_t ≈ d/√(πn) = 1 solved by SymPy for n: n = d²/π."""
    n, d = SYMBOLS["n"], SYMBOLS["d"]
    Z = d / sp.sqrt(sp.pi * n)
    sol = sp.solve(sp.Eq(Z, 1), n)
    if len(sol) != 1:  # pragma: no cover
        raise ValueError(f"expected one solution of Z_t = 1, SymPy gave {sol}")
    return Z, sol[0]


def _d_of_D():
    D, d, T = SYMBOLS["D"], SYMBOLS["d"], SYMBOLS["T_max"]
    (sol,) = sp.solve(sp.Eq(D, eq2_dataset_size(T, d)), d)
    return sol


def prop5_paper_chain() -> Prop5Reading:
    """(i) The printed chain: Z_t ≈ d/√(πn) = 1 ⇒ n = d²/π; N = κ n, D = T_max d ⇒ N ∝ D².

    >>> prop5_paper_chain().exponent  # d log N / d log D along the printed chain
    2
    """
    s = SYMBOLS
    Z, n_of_d = _paper_unit_partition()
    N_of_D = (s["kappa"] * n_of_d).subs(s["d"], _d_of_D())
    return Prop5Reading(
        name="paper_chain",
        assumptions=(
            "Z_t ≈ d V_n(r*) ≈ d/√(πn) (Eq. 14 upper side + Stirling)",
            "N = κ n with κ constant (Eq. 2 read as N ∝ n)",
            "D = T_max d, T_max fixed",
        ),
        steps=(("Z_t", Z), ("n solving Z_t = 1", n_of_d), ("N(D)", N_of_D)),
        relation=sp.Eq(s["N"], N_of_D),
        exponent=_exponent(N_of_D, s["D"]),
        extra={"loglog_exponent_n_vs_d": loglog_exponent(sp.log(Z))},
    )


def prop5_width_at_fixed_depth() -> Prop5Reading:
    """(ii) N = A l d_emb², n = T_max d_emb, width grows at fixed l, T_max ⇒ N ∝ n² ∝ D⁴."""
    s = SYMBOLS
    Z, n_of_d = _paper_unit_partition()
    (d_emb_of_n,) = sp.solve(sp.Eq(s["n"], eq2_input_dimension()), s["d_emb"])
    N_of_n = eq2_parameter_count().subs(s["d_emb"], d_emb_of_n)
    N_of_D = N_of_n.subs(s["n"], n_of_d).subs(s["d"], _d_of_D())
    return Prop5Reading(
        name="width_at_fixed_depth",
        assumptions=(
            "Z_t ≈ d/√(πn) = 1",
            "N = A l d_emb², n = T_max d_emb (Eq. 2)",
            "l, T_max fixed; d_emb grows",
            "D = T_max d",
        ),
        steps=(("d_emb(n)", d_emb_of_n), ("N(n)", N_of_n), ("n(d)", n_of_d), ("N(D)", N_of_D)),
        relation=sp.Eq(s["N"], N_of_D),
        exponent=_exponent(N_of_D, s["D"]),
        extra={"exponent_N_vs_n": sp.simplify(s["n"] * sp.diff(N_of_n, s["n"]) / N_of_n)},
    )


def prop5_depth_at_fixed_width(per_layer: bool = False) -> Prop5Reading:
    """(iii) Depth l grows at fixed d_emb, T_max (so n is fixed, N = A l d_emb² ∝ l).

    ``per_layer=False``: one partition function over all d patterns, Z_t = d/√(πn) = 1 fixes
    d = √(πn) whatever l is, so D does not move with N: no relation, exponent ``None``.
    ``per_layer=True``: each of the l layers stores its own d_t patterns with
    Z_t = d_t/√(πn) = 1 (patterns split over layers, D = ∪ D_t), so D = T_max l d_t ∝ l ∝ N.
    """
    s = SYMBOLS
    n, d, l, T = s["n"], s["d"], s["l"], s["T_max"]
    Z = d / sp.sqrt(sp.pi * n)
    (d_sol,) = sp.solve(sp.Eq(Z, 1), d)
    N_of_l = eq2_parameter_count()
    D_of_l = T * d_sol * (l if per_layer else 1)
    dlogD_dl = sp.simplify(sp.diff(sp.log(D_of_l), l))
    dlogN_dl = sp.simplify(sp.diff(sp.log(N_of_l), l))
    steps = (
        ("d (per layer)" if per_layer else "d", d_sol),
        ("D(l)", D_of_l),
        ("N(l)", N_of_l),
        ("d log D / d l", dlogD_dl),
        ("d log N / d l", dlogN_dl),
    )
    if dlogD_dl == 0:
        return Prop5Reading(
            name="depth_at_fixed_width",
            assumptions=(
                "n = T_max d_emb fixed",
                "N = A l d_emb² grows with l",
                "one Z_t = d/√(πn) over all patterns",
            ),
            steps=steps,
            relation=None,
            exponent=None,
            note="D = T_max √(πn) does not depend on l: N grows while D stays fixed; "
            "d log N / d log D is undefined (d log D / d log N = 0).",
            extra={"dlogD_dlogN": sp.simplify(dlogD_dl / dlogN_dl)},
        )
    exponent = sp.simplify(dlogN_dl / dlogD_dl)
    (l_of_D,) = sp.solve(sp.Eq(s["D"], D_of_l), l)
    return Prop5Reading(
        name="depth_at_fixed_width_per_layer",
        assumptions=(
            "n = T_max d_emb fixed",
            "N = A l d_emb² grows with l",
            "each layer stores d_t patterns with Z_t = d_t/√(πn) = 1; D = T_max l d_t",
        ),
        steps=steps + (("l(D)", l_of_D),),
        relation=sp.Eq(s["N"], N_of_l.subs(l, l_of_D)),
        exponent=exponent,
    )


def prop5_constant_eq2_coefficient(vary: str = "context") -> Prop5Reading:
    """(v) Make Eq. (2)'s N = (A l d_emb/T_max) n hold with a constant coefficient κ.

    SymPy solves A l d_emb / T_max = κ for the quantity that must move with d_emb:

    * ``vary="depth"`` (T_max fixed): l = κ T_max/(A d_emb), depth shrinks as width grows;
      then N = κ n and D = T_max d give the paper's N ∝ D²;
    * ``vary="context"`` (l fixed): T_max = A l d_emb/κ grows with width, so D = T_max d
      picks up a factor too; SymPy gives the resulting exponent.
    """
    s = SYMBOLS
    A, l, T, d_emb, kappa, n, d = (s[k] for k in ("A", "l", "T_max", "d_emb", "kappa", "n", "d"))
    coeff = A * l * d_emb / T
    Z, n_of_d = _paper_unit_partition()
    if vary == "depth":
        (l_sol,) = sp.solve(sp.Eq(coeff, kappa), l)
        N_of_D = (kappa * n_of_d).subs(d, _d_of_D())
        return Prop5Reading(
            name="constant_coefficient_depth",
            steps=(("l(d_emb)", l_sol), ("N(D)", N_of_D)),
            assumptions=("A l d_emb / T_max = κ constant", "T_max fixed", "Z_t ≈ d/√(πn) = 1"),
            relation=sp.Eq(s["N"], N_of_D),
            exponent=_exponent(N_of_D, s["D"]),
            note="requires depth ∝ 1/width",
        )
    if vary != "context":
        raise ValueError(f"vary must be 'depth' or 'context'; got {vary!r}")
    (T_sol,) = sp.solve(sp.Eq(coeff, kappa), T)
    n_of_demb = eq2_input_dimension(T_sol, d_emb)
    (demb_of_n,) = sp.solve(sp.Eq(n, n_of_demb), d_emb)
    T_of_n = T_sol.subs(d_emb, demb_of_n)
    D_of_n = eq2_dataset_size(T_of_n, sp.solve(sp.Eq(n, n_of_d), d)[0])
    (n_of_D,) = sp.solve(sp.Eq(s["D"], D_of_n), n)
    N_of_D = sp.simplify(kappa * n_of_D)
    return Prop5Reading(
        name="constant_coefficient_context",
        assumptions=(
            "A l d_emb / T_max = κ constant",
            "l fixed; T_max ∝ d_emb",
            "Z_t ≈ d/√(πn) = 1",
            "D = T_max d",
        ),
        steps=(
            ("T_max(d_emb)", T_sol),
            ("T_max(n)", T_of_n),
            ("D(n)", sp.simplify(D_of_n)),
            ("N(D)", N_of_D),
        ),
        relation=sp.Eq(s["N"], N_of_D),
        exponent=_exponent(N_of_D, s["D"]),
    )


def prop5_bound_asymptotics(distance: str = "plain") -> dict:
    """Closed-form exponent d log n / d log d from the near-tight lower bounds, via SymPy.

    ``"plain"``: log Z_t ≈ log d − ½ log(πn) − r* (Eq. 14's lower side, Stirling V_n(r*));
    ``"sq"``: log Z_t ≈ log d − ½ log(πn) − r*² (the bound e^{−r²} V_n(r) ≤ I_sq);
    ``"paper"``: log Z_t ≈ log d − ½ log(πn) (the printed chain).
    Returns ``{"log_Z": F, "exponent": d log n/d log d as a function of n,
    "exponent_in_r_star": the same with n = 2πe ρ², ρ = r*}``; under N ∝ n that is also
    d log N/d log D.
    """
    n, d = SYMBOLS["n"], SYMBOLS["d"]
    rs = sp.sqrt(n / (2 * sp.pi * sp.E))
    base = sp.log(d) - sp.log(sp.pi * n) / 2
    forms = {"plain": base - rs, "sq": base - rs**2, "paper": base}
    if distance not in forms:
        raise ValueError(f"distance must be one of {sorted(forms)}; got {distance!r}")
    F = forms[distance]
    k = loglog_exponent(F, n, d)
    rho = sp.Symbol("rho", positive=True)
    return {
        "log_Z": F,
        "exponent": k,
        "exponent_in_r_star": sp.simplify(k.subs(n, 2 * sp.pi * sp.E * rho**2)),
    }


@dataclass(frozen=True)
class ExponentRow:
    """Exact Z_t(d) = 1 at dimension n: log d, d log d/d log n and k = d log n/d log d."""

    n: mpmath.mpf
    log_d: mpmath.mpf
    dlogd_dlogn: mpmath.mpf
    exponent: mpmath.mpf | None  # k: N ∝ n gives d log N/d log D = k; N ∝ n² gives 2k
    secant_exponent: mpmath.mpf | None  # Δ log n / Δ log d to the previous grid point


def _log_d_exact(n, distance, r):
    if distance in ("sq", "plain"):
        rr = mp_r_star(n) if r is None else r
        return -mp_log_ball_integral(n, rr, distance)
    if distance == "paper_bound":
        rr = mp_r_star(n) if r is None else r
        return -mp_log_ball_volume(n, rr)
    raise ValueError(f"distance must be 'sq', 'plain' or 'paper_bound'; got {distance!r}")


def prop5_exact_partition(ns: Sequence, distance: str = "sq", r=None) -> list[ExponentRow]:
    """(iv) Solve the exact d · I(n, r*(n)) = 1 for log d at each n; local log–log exponents.

    ``distance`` is ``"sq"`` (the paper's squared distance), ``"plain"`` or ``"paper_bound"``
    (d V_n(r*) = 1 with the exact V_n). ``r`` fixes the radius (default r* = √(n/2πe), which
    moves with n). The local exponent k = d log n / d log d = 1/(d log d/d log n) is taken by
    mpmath.diff in log n; with N ∝ n and D ∝ d it is d log N/d log D.
    """
    rows: list[ExponentRow] = []
    prev = None
    with mpmath.extradps(10):
        for nv in ns:
            n = mpmath.mpf(nv)
            if not n > 0:
                raise ValueError(f"dimensions must be > 0; got {nv!r}")
            log_d = _log_d_exact(n, distance, r)
            slope = mpmath.diff(lambda u: _log_d_exact(mpmath.exp(u), distance, r), mpmath.log(n))
            k = 1 / slope if slope != 0 else None
            sec = None
            if prev is not None and log_d != prev[1]:
                sec = (mpmath.log(n) - mpmath.log(prev[0])) / (log_d - prev[1])
            rows.append(ExponentRow(n, log_d, slope, k, sec))
            prev = (n, log_d)
    return rows
