"""Section 5 of Niu et al. (arXiv:2405.08707v2): Proposition 5 (N = O(D²)) under each
reading, as computed claims.

Notation: N parameters, D tokens, n = T_max · d_emb, d patterns, l layers, A the Eq. (2)
constant, Z_t the partition function (Eq. 14), r* = √(n/2πe).
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy as sp

import theory.sizes as Z
from derivations.engine import (
    Claim,
    Computed,
)
from derivations.niu2024.common import (
    counterexample,
    dstr,
    short,
)

SECTION = "5-prop5"


def prop5_compute(reading_fn: Callable, law_exponent=2, note: str = ""):
    """A reading of Prop. 5 solved by SymPy (``theory.sizes``): does it give the law
    N ∝ D^law_exponent (exponent exactly equal)? Also reports the O(D²) upper-bound form."""

    def compute(examples: int, seed: int) -> Computed:
        rd = reading_fn()
        rds = rd if isinstance(rd, (list, tuple)) else [rd]
        vals, bad = {"readings": []}, None
        for r in rds:
            k = r.exponent
            law = k is not None and sp.simplify(k - law_exponent) == 0
            ub = None if k is None else bool(sp.simplify(k - 2) <= 0)
            vals["readings"].append(
                {
                    "name": r.name,
                    "assumptions": list(r.assumptions),
                    "steps": [[a, str(b)] for a, b in r.steps],
                    "relation": None if r.relation is None else str(r.relation),
                    "exponent_dlogN_dlogD": None if k is None else str(k),
                    "law_N_propto_D^2": bool(law),
                    "upper_bound_O(D^2)": ub,
                    "note": r.note,
                    "extra": {a: str(b) for a, b in r.extra.items()},
                }
            )
            if not law and bad is None:
                bad = counterexample(
                    {
                        "reading": r.name,
                        "relation": None if r.relation is None else str(r.relation),
                    },
                    "undefined" if k is None else k,
                    law_exponent,
                    "d log N / d log D == " + str(law_exponent),
                    "no N–D relation" if k is None else abs(k - law_exponent),
                )
        holds = bad is None
        ks = ", ".join(f"{q['name']}: {q['exponent_dlogN_dlogD']}" for q in vals["readings"])
        ev = (
            f"SymPy: d log N/d log D = {law_exponent} ({ks})"
            if holds
            else f"SymPy: exponent {ks}, not {law_exponent}"
        ) + (f"; {note}" if note else "")
        return Computed(holds, ev, vals, bad, True, len(rds))

    return compute


_EXACT_NS = (10, 100, 10**3, 10**4, 10**5, 10**6)


def prop5_exact_compute(
    distance: str = "sq", law_exponent=2, from_n=10**4, tol: str = "0.1", ns=_EXACT_NS
):
    """(iv) exact Z_t = d · I(n, r*(n)) = 1 solved for log d in log space (n ≤ 10⁶); the
    local exponent k = d log n/d log d (= d log N/d log D under N ∝ n, D ∝ d) must be within
    ``tol`` of ``law_exponent`` at every n ≥ from_n for the law to hold."""

    def compute(examples: int, seed: int) -> Computed:
        vals, bad = {}, None
        with mpmath.workdps(30):
            for dist in ("sq", "plain", "paper_bound"):
                rows = Z.prop5_exact_partition(ns, dist)
                vals[dist] = [
                    {
                        "n": int(r.n),
                        "log_d": dstr(r.log_d, 12),
                        "exponent_k": dstr(r.exponent, 8),
                        "secant_exponent": None
                        if r.secant_exponent is None
                        else dstr(r.secant_exponent, 8),
                    }
                    for r in rows
                ]
                if dist != distance:
                    continue
                for r in rows:
                    if r.n >= from_n and abs(r.exponent - law_exponent) > mpmath.mpf(tol):
                        if bad is None or r.n > bad[0]:
                            bad = (
                                r.n,
                                counterexample(
                                    {"distance": dist, "n": int(r.n), "log_d": dstr(r.log_d, 15)},
                                    r.exponent,
                                    law_exponent,
                                    f"|k − {law_exponent}| ≤ {tol}",
                                    abs(r.exponent - law_exponent),
                                ),
                            )
        vals["upper_bound_O(D^2)_at_large_n"] = bool(
            all(float(q["exponent_k"]) <= 2 for q in vals[distance] if q["n"] >= from_n)
        )
        vals["asymptotics"] = {
            k: str(Z.prop5_bound_asymptotics(k)["exponent"]) for k in ("sq", "plain", "paper")
        }
        holds = bad is None
        last = vals[distance][-1]
        ev = (
            f"exact Z_t = 1 ({distance}): local exponent k = {last['exponent_k']} at n = "
            f"{last['n']} (log d = {short(last['log_d'], 7)})"
            + (
                ""
                if holds
                else f", not {law_exponent}: N grows like a power of log D; "
                f"d V_n(r*) = 1 (paper's bound, exact V_n) gives k = "
                f"{vals['paper_bound'][-1]['exponent_k']}"
            )
        )
        return Computed(holds, ev, vals, None if holds else bad[1], False, len(ns))

    return compute


def claims() -> list[Claim]:
    """The readings of Proposition 5."""
    comp = "computation"
    return [
        Claim(
            "prop5/paper-chain",
            "§5, Proposition 5",
            "law reading N ∝ D² (exponent "
            "exactly 2) along the printed chain Z_t ≈ d/√(πn) = 1, N = κn, D = T_max d",
            comp,
            "the chain's approximations taken as exact",
            compute=prop5_compute(
                Z.prop5_paper_chain, note="the chain's own algebra, given its approximations"
            ),
            wrong={"compute": prop5_compute(Z.prop5_paper_chain, law_exponent=3)},
        ),
        Claim(
            "prop5/width",
            "§5, Proposition 5",
            "law reading N ∝ D² with Eq. (2) taken "
            "literally: N = A l d_emb², n = T_max d_emb, width grows at fixed l, T_max",
            comp,
            "Z_t ≈ d/√(πn) = 1",
            compute=prop5_compute(Z.prop5_width_at_fixed_depth),
            wrong={"compute": prop5_compute(Z.prop5_width_at_fixed_depth, law_exponent=3)},
        ),
        Claim(
            "prop5/depth",
            "§5, Proposition 5",
            "law reading N ∝ D² with depth l "
            "growing at fixed width (one Z_t over all patterns, or one per layer)",
            comp,
            "Z_t ≈ d/√(πn) = 1",
            compute=prop5_compute(
                lambda: (Z.prop5_depth_at_fixed_width(False), Z.prop5_depth_at_fixed_width(True))
            ),
            wrong={
                "compute": prop5_compute(lambda: Z.prop5_depth_at_fixed_width(True), law_exponent=3)
            },
        ),
        Claim(
            "prop5/const-kappa-depth",
            "§5, Proposition 5",
            "law reading N ∝ D² with "
            "Eq. (2)'s coefficient A l d_emb/T_max held constant by shrinking depth",
            comp,
            "Z_t ≈ d/√(πn) = 1; l ∝ 1/d_emb",
            compute=prop5_compute(lambda: Z.prop5_constant_eq2_coefficient("depth")),
            wrong={
                "compute": prop5_compute(
                    lambda: Z.prop5_constant_eq2_coefficient("depth"), law_exponent=3
                )
            },
        ),
        Claim(
            "prop5/const-kappa-context",
            "§5, Proposition 5",
            "law reading N ∝ D² with the coefficient held constant by growing T_max ∝ d_emb",
            comp,
            "Z_t ≈ d/√(πn) = 1; l fixed",
            compute=prop5_compute(lambda: Z.prop5_constant_eq2_coefficient("context")),
            wrong={
                "compute": prop5_compute(
                    lambda: Z.prop5_constant_eq2_coefficient("context"), law_exponent=3
                )
            },
        ),
        Claim(
            "prop5/exact-z",
            "§5, Proposition 5",
            "law reading N ∝ D² (local exponent "
            "within 0.1 of 2 for n ≥ 10⁴) with the exact Z_t = d I_sq(n, r*) = 1, N ∝ n, D ∝ d",
            comp,
            "10 ≤ n ≤ 10⁶, log space",
            compute=prop5_exact_compute("sq"),
            wrong={"compute": prop5_exact_compute("paper_bound", law_exponent=3)},
        ),
    ]
