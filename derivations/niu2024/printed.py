"""The numbers Niu et al. (arXiv:2405.08707v2) print, recomputed: Eq. (1), Table 2,
Table 3, Appendix E and Appendix F.1 as computed claims.

Notation: N parameters, D* the data size App. G picks per N, σ² its MSE threshold,
d_emb, l, d_FF (App. E), A the Eq. (2) constant, r* = √(n/2πe). The transcribed inputs
live in :mod:`theory.printed`.

Comparisons of exact numbers (the printed integers and decimals, as rationals) are exact
SymPy comparisons; those involving irrational numbers (logs, square roots, the t quantile)
are certified with ball arithmetic (:func:`certify`); mpmath only supplies displayed values.
"""

from __future__ import annotations

import mpmath
import sympy as sp

import theory.sizes as Z
from derivations.engine import (
    Claim,
    Computed,
    arb_eval,
    certify,
)
from derivations.niu2024.common import (
    arb_loglog_fit,
    arb_prec,
    arb_t_quantile,
    counterexample,
    decimals,
    dstr,
    short,
)

SECTION = "numbers"


def appe_compute(d_ff: int, A_target=10, printed_sums: bool = True):
    """Appendix E's three sums at d_FF = ``d_ff`` (exact) and A = total/(l d_emb²) against
    the printed 'A ≈ 10' (|A − 10| < 1/2: the printed integer's rounding interval)."""

    def compute(examples: int, seed: int) -> Computed:
        p = Z.APPENDIX_E_PRINTED
        c = Z.appendix_e_counts(p.d_model, p.n_layer, d_ff)
        checks = []
        if printed_sums:
            for k in ("attention", "output_projection_layernorm", "feed_forward"):
                pr = Z.APPENDIX_E_PRINTED_SUMS[k]
                checks.append((k, c[k], pr, c[k] == pr))
        A = c["A"]
        okA = bool(abs(A - A_target) < sp.Rational(1, 2))
        checks.append(("A", A, A_target, okA))
        arch = Z.gpt2_parameter_count(Z.GPT2_MEDIUM_PUBLISHED)
        vals = {
            "d_ff": d_ff,
            "sums": {
                k: int(c[k])
                for k in ("attention", "output_projection_layernorm", "feed_forward", "total")
            },
            "printed": {k: int(v) for k, v in Z.APPENDIX_E_PRINTED_SUMS.items()},
            "A_exact": str(A),
            "A": dstr(A, 10),
            "checks": [
                {"quantity": k, "computed": dstr(a, 12), "printed": dstr(b, 12), "holds": bool(ok)}
                for k, a, b, ok in checks
            ],
            "gpt2_medium_architecture": {
                "A_blocks": dstr(arch["A_blocks"], 8),
                "A_total_with_embeddings": dstr(arch["A_total"], 8),
                "non_embedding": arch["non_embedding"],
                "total": arch["total"],
            },
        }
        bad = next((q for q in checks if not q[3]), None)
        cx = None
        if bad is not None:
            rel = "|A − 10| < 1/2" if bad[0] == "A" else f"{bad[0]} sum == printed"
            cx = counterexample(
                {"d_ff": d_ff, "quantity": bad[0]}, bad[1], bad[2], rel, abs(bad[1] - bad[2])
            )
        ev = (
            f"d_FF = {d_ff}: "
            + ("the three printed sums are exact and " if printed_sums else "")
            + f"A = {dstr(A, 6)}"
            + (" ≈ 10" if cx is None else f" — not ≈ {A_target} ({bad[0]} fails)")
            + f"; GPT-2 medium's full block count gives A = {dstr(arch['A_blocks'], 6)}"
        )
        return Computed(cx is None, ev, vals, cx, True, len(checks))

    return compute


def table3_ratios_compute(printed=Z.TABLE3_PRINTED_RATIOS, power: int = 2):
    """N/D*^power from the printed N and D* (exact), with the inputs' rounding (±0.005M)
    propagated, against the printed ratios (±0.005 × 10⁻¹⁰)."""

    def compute(examples: int, seed: int) -> Computed:
        half_in = sp.Rational(5, 1000) * 10**6
        half_out = sp.Rational(5, 1000) / 10**10
        rows, cx = [], None
        for row, pr in zip(Z.TABLE3, printed):
            ratio = row.N / row.D_star_printed**power
            lo = (row.N - half_in) / (row.D_star_printed + half_in) ** power
            hi = (row.N + half_in) / (row.D_star_printed - half_in) ** power
            ok = bool(lo <= pr + half_out and hi >= pr - half_out)
            rows.append(
                {
                    "N": dstr(row.N),
                    "D_star": dstr(row.D_star_printed),
                    "ratio_e10": dstr(ratio * 10**10, 8),
                    "interval_e10": [dstr(lo * 10**10, 8), dstr(hi * 10**10, 8)],
                    "printed_e10": dstr(pr * 10**10, 4),
                    "holds": ok,
                }
            )
            if not ok and cx is None:
                cx = counterexample(
                    {"N": dstr(row.N), "D_star": dstr(row.D_star_printed), "power": power},
                    ratio,
                    pr,
                    "N/D*² == printed (rounding-aware)",
                    abs(ratio - pr),
                )
        ev = (
            "N/D*² = "
            + ", ".join(short(r["ratio_e10"], 5) for r in rows)
            + " × 10⁻¹⁰: "
            + (
                "the printed 8.71, 8.79, 8.38 within rounding"
                if cx is None
                else "does not reproduce the printed column"
            )
        )
        return Computed(cx is None, ev, {"rows": rows, "power": power}, cx, True, len(rows))

    return compute


def _rule_candidates(table) -> list:
    """Every σ² at which a threshold rule can change: the MSE cells and the midpoints."""
    cells = sorted({m for r in table for m in r.mse})
    mids = [(a + b) / 2 for a, b in zip(cells[:-1], cells[1:])]
    return sorted(set(cells) | set(mids) | {cells[0] / 2, cells[-1] * 2})


def table3_rule_compute(table=Z.TABLE3, sigma2=Z.TABLE3_SIGMA2):
    """App. G's rule 'first D with MSE < σ² = 0.04' applied to the printed cells: does it
    give the printed D*? Also: does any threshold σ², with < or ≤, give them?"""

    def compute(examples: int, seed: int) -> Computed:
        printed = [r.D_star_printed for r in table]
        stated = Z.table3_d_stars(sigma2, True, table)
        sweep = []
        for s2 in _rule_candidates(table):
            for strict in (True, False):
                got = Z.table3_d_stars(s2, strict, table)
                sweep.append(
                    {
                        "sigma2": dstr(s2, 6),
                        "rule": "<" if strict else "≤",
                        "D_stars": [None if g is None else dstr(g) for g in got],
                        "reproduces": got == printed,
                    }
                )
        any_rule = [q for q in sweep if q["reproduces"]]
        holds = stated == printed
        cx = None
        if not holds:
            i = next(k for k, (a, b) in enumerate(zip(stated, printed)) if a != b)
            cx = counterexample(
                {
                    "row": i,
                    "N": dstr(table[i].N),
                    "mse_cells": [dstr(m) for m in table[i].mse],
                    "D_grid": [dstr(D) for D in table[i].D_grid],
                    "sigma2": dstr(sigma2),
                    "rule": "first D with MSE < σ²",
                },
                "none" if stated[i] is None else stated[i],
                printed[i],
                "rule's D* == printed D*",
                "no cell passes" if stated[i] is None else abs(stated[i] - printed[i]),
            )
        ev = (
            "the rule reproduces the printed D*"
            if holds
            else f"MSE < {dstr(sigma2)} gives D* = "
            f"{[None if g is None else dstr(g / 10**6) + 'M' for g in stated]} vs printed "
            f"{[dstr(g / 10**6) + 'M' for g in printed]}; "
            f"{len(any_rule)} of {len(sweep)} thresholds (< or ≤, any σ²) reproduce the "
            "printed column"
        )
        return Computed(
            holds,
            ev,
            {
                "stated_rule": [None if g is None else dstr(g) for g in stated],
                "printed": [dstr(g) for g in printed],
                "threshold_sweep": sweep,
                "note": "cells are printed to 2 decimals; a 0.04 cell may "
                "be anywhere in [0.035, 0.045)",
            },
            cx,
            True,
            len(sweep) + 1,
        )

    return compute


def _t_quantile(p, df: int) -> mpmath.mpf:
    """Student-t quantile by inverting the regularized incomplete beta (mpmath)."""
    p = mpmath.mpf(p)

    def cdf(t):
        x = df / (df + t * t)
        tail = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2
        return 1 - tail if t > 0 else tail

    return mpmath.findroot(lambda t: cdf(t) - p, mpmath.mpf(2))


def table3_slope_compute(target=2, level="0.95"):
    """OLS slope of log N on log D* (printed D*), its stderr and the t-interval at ``level``
    (m − 2 degrees of freedom): is ``target`` inside? Plus the slope's sensitivity. The
    inside/outside decision is certified with ball arithmetic; the values shown are mpmath."""

    def compute(examples: int, seed: int) -> Computed:
        ds, Ns = [r.D_star_printed for r in Z.TABLE3], [r.N for r in Z.TABLE3]
        lv = sp.Rational(level)

        def interval():
            b, se, m = arb_loglog_fit(ds, Ns)
            tq = arb_t_quantile(arb_eval((1 + lv) / 2), m - 2)
            return b - tq * se, b + tq * se

        above = certify(lambda p: arb_eval(sp.sympify(target)) - interval()[0], ">=")
        below = certify(lambda p: interval()[1] - arb_eval(sp.sympify(target)), ">=")
        inside = (
            False
            if False in (above.holds, below.holds)
            else (None if None in (above.holds, below.holds) else True)
        )
        with mpmath.workdps(30):
            f = Z.table3_fit()
            df = f.m - 2
            tq = _t_quantile((1 + mpmath.mpf(level)) / 2, df)
            lo, hi = f.slope - tq * f.stderr, f.slope + tq * f.stderr
            also = [k for k in ("0.5", "1", "1.5", "2", "3", "4") if lo <= mpmath.mpf(k) <= hi]
            shifts = [
                {
                    "row": q["row"],
                    "shift": q["shift"],
                    "slope": None if q["slope"] is None else dstr(q["slope"], 6),
                }
                for q in Z.slope_under_shifts()
            ]
            rng_ = Z.slope_range_under_shifts()
            sig = [
                {
                    "sigma2": dstr(q["sigma2"], 4),
                    "D_stars": [None if v is None else dstr(v) for v in q["D_stars"]],
                    "slope": None if q["slope"] is None else dstr(q["slope"], 6),
                }
                for s in (True, False)
                for q in Z.slope_vs_sigma2(["0.03", "0.035", "0.04", "0.045", "0.05", "0.06"], s)
            ]
        with arb_prec(128):
            ilo, ihi = interval()
        vals = {
            "slope": dstr(f.slope, 10),
            "stderr": dstr(f.stderr, 10),
            "df": df,
            "t_quantile": dstr(tq, 10),
            "interval": [dstr(lo, 8), dstr(hi, 8)],
            "interval_certified": [ilo.str(10), ihi.str(10)],
            "level": level,
            "exponents_inside_interval": also,
            "one_step_shifts": shifts,
            "joint_shift_range": {
                "min": dstr(rng_["min"], 6),
                "max": dstr(rng_["max"], 6),
                "count": rng_["count"],
            },
            "sigma2_sweep": sig,
        }
        cx = (
            None
            if inside is not False
            else counterexample(
                {"target": target, "level": level},
                f.slope,
                target,
                "target inside slope ± t·stderr",
                min(abs(target - lo), abs(target - hi)),
            )
        )
        word = {True: "contains", False: "excludes", None: "(undecided) vs"}[inside]
        ev = (
            f"slope {dstr(f.slope, 4)} ± {dstr(f.stderr, 3)} (3 points, 1 df); {level} interval "
            f"[{dstr(lo, 3)}, {dstr(hi, 3)}] {word} {target} (certified; "
            f"also contains {', '.join(also)}); one-grid-step shifts of D* move the "
            f"slope over [{dstr(rng_['min'], 3)}, {dstr(rng_['max'], 3)}]"
        )
        return Computed(inside, ev, vals, cx, False, 1)

    return compute


def eq1_compute(source: str = "hoffmann2022"):
    """Eq. (1)'s printed constants against ``source``: equal within the rounding of the less
    precise printing (half a unit in its last place) for each of E, A, B, α, β?"""

    def compute(examples: int, seed: int) -> Computed:
        ours, theirs = Z.EQ1_FITS["paper"], Z.EQ1_FITS[source]
        rows, cx = [], None
        for k in ("E", "A", "B", "alpha", "beta"):
            a, b = getattr(ours, k), getattr(theirs, k)
            half = sp.Rational(1, 2) / 10 ** min(decimals(a), decimals(b))
            ok = bool(abs(a - b) <= half)
            rows.append(
                {
                    "constant": k,
                    "paper": dstr(a),
                    source: dstr(b),
                    "tolerance": dstr(half),
                    "match": ok,
                }
            )
            if not ok and cx is None:
                cx = counterexample(
                    {"constant": k, "source": theirs.source},
                    a,
                    b,
                    f"paper's {k} == source's {k} (± {dstr(half)})",
                    abs(a - b),
                )
        preds = [
            {
                "model": q["model"],
                "reported": dstr(q["reported"]),
                "L_hat_paper": dstr(q["predicted"], 6),
                f"L_hat_{source}": dstr(p["predicted"], 6),
            }
            for q, p in zip(Z.table2_predictions("paper"), Z.table2_predictions(source))
        ]
        bad = [r["constant"] for r in rows if not r["match"]]
        ev = (
            f"all five constants match {theirs.source}"
            if not bad
            else f"{', '.join(bad)} {'differs' if len(bad) == 1 else 'differ'} "
            f"from {theirs.source}: "
            + ", ".join(
                f"{r['constant']} {r['paper']} vs {r[source]}" for r in rows if not r["match"]
            )
        )
        return Computed(
            not bad,
            ev,
            {"constants": rows, "source": theirs.source, "table2_predictions": preds},
            cx,
            True,
            len(rows),
        )

    return compute


def table2_compute(floor="1"):
    """Each reported large-model loss in Table 2 against Proposition 4's floor (exact)."""

    def compute(examples: int, seed: int) -> Computed:
        fl = sp.Rational(floor)
        rows = [
            {
                "model": r.model,
                "N": dstr(r.N),
                "D": dstr(r.D),
                "loss": dstr(r.loss),
                "margin": dstr(r.loss - fl),
                "at_or_above_floor": bool(r.loss >= fl),
            }
            for r in Z.TABLE2
        ]
        bad = next((r for r in Z.TABLE2 if r.loss < fl), None)
        cx = (
            None
            if bad is None
            else counterexample(
                {"model": bad.model}, bad.loss, fl, f"loss ≥ {floor}", fl - bad.loss
            )
        )
        lo = min(Z.TABLE2, key=lambda r: r.loss)
        ev = (
            f"all {len(rows)} reported losses ≥ {floor} (lowest {lo.model} {dstr(lo.loss)}); "
            "consistent with the floor, not evidence for it: these are token-level losses, "
            "Prop. 4 bounds a latent-space density"
            if bad is None
            else f"{bad.model} reports {dstr(bad.loss)} < {floor}"
        )
        return Computed(bad is None, ev, {"floor": floor, "rows": rows}, cx, True, len(rows))

    return compute


def f1_compute(factor="1.1"):
    """F.1: is the observed radius ≈ 20 within a factor ``factor`` of √(n/2πe) or of
    2√(n/2πe) at n = 1024? (Ratios both ways; the closer prediction decides.)"""

    def compute(examples: int, seed: int) -> Computed:
        p = Z.radius_predictions()
        obs = Z.F1_OBSERVED_RADIUS
        fac = sp.Rational(factor)
        preds = {"r_star": p["r_star"], "two_r_star": p["two_r_star"]}
        ratios = {k: sp.Max(obs / v, v / obs, evaluate=False) for k, v in preds.items()}
        best = min(ratios, key=lambda k: float(sp.N(ratios[k], 30)))
        within = {
            k: certify(lambda p, e=e: arb_eval(fac - e), ">=").holds for k, e in ratios.items()
        }
        ok = True if True in within.values() else (None if None in within.values() else False)
        n_eq2 = Z.F1_CHUNK_TOKENS * Z.F1_N
        r_eq2 = Z.radius_predictions(n_eq2)
        vals = {
            "n": int(Z.F1_N),
            "observed": dstr(obs),
            "factor": factor,
            "r_star": dstr(p["r_star"], 10),
            "two_r_star": dstr(p["two_r_star"], 10),
            "ratio_observed_over_r_star": dstr(obs / p["r_star"], 8),
            "ratio_observed_over_two_r_star": dstr(obs / p["two_r_star"], 8),
            "n_for_r_star_eq_observed": dstr(p["n_for_r_star"], 8),
            "within_factor_certified": within,
            "n_for_two_r_star_eq_observed": dstr(p["n_for_two_r_star"], 8),
            "with_n_eq_T_max_d_emb": {
                "n": int(n_eq2),
                "r_star": dstr(r_eq2["r_star"], 8),
                "two_r_star": dstr(r_eq2["two_r_star"], 8),
            },
        }
        cx = (
            None
            if ok is not False
            else counterexample(
                {"n": int(Z.F1_N), "prediction": best, "factor": factor},
                obs,
                preds[best],
                f"max(obs/pred, pred/obs) ≤ {factor}",
                ratios[best] - fac,
            )
        )
        ev = (
            f"observed 20 vs r* = {dstr(p['r_star'], 4)} (×{dstr(obs / p['r_star'], 3)}) and 2r* "
            f"= {dstr(p['two_r_star'], 4)} (×{dstr(obs / p['two_r_star'], 3)}): "
            + {True: "within", False: "outside", None: "undecided against"}[ok]
            + f" a factor {factor} (certified); r* = 20 needs n ≈ "
            f"{dstr(p['n_for_r_star'], 4)}"
        )
        return Computed(ok, ev, vals, cx, ok is not None, 2)

    return compute


def f1_printed_compute(printed=Z.F1_PRINTED_PREDICTIONS):
    """The printed 7.74 and 15.49 recomputed: r* and 2r* at n = 1024, rounded to 2 places."""

    def compute(examples: int, seed: int) -> Computed:
        p = Z.radius_predictions()
        rows, cx = [], None
        for name, v, pr in (
            ("r_star", p["r_star"], printed[0]),
            ("two_r_star", p["two_r_star"], printed[1]),
        ):
            slack = sp.Rational(5, 1000) - abs(v - pr)
            ok = certify(lambda p, e=slack: arb_eval(e), ">=").holds
            rows.append(
                {"quantity": name, "computed": dstr(v, 12), "printed": dstr(pr), "holds": ok}
            )
            if ok is False and cx is None:
                cx = counterexample(
                    {"quantity": name, "n": 1024},
                    v,
                    pr,
                    "|computed − printed| ≤ 0.005",
                    abs(v - pr),
                )
        undecided = any(r["holds"] is None for r in rows)
        ev = (
            "√(1024/2πe) = "
            + short(rows[0]["computed"], 7)
            + ", twice that = "
            + short(rows[1]["computed"], 7)
            + (
                ": not the printed values (certified)"
                if cx is not None
                else (
                    ": undecided"
                    if undecided
                    else ": the printed values within rounding (certified)"
                )
            )
        )
        holds = False if cx is not None else (None if undecided else True)
        return Computed(holds, ev, {"rows": rows}, cx, holds is not None, 2)

    return compute


def claims() -> list[Claim]:
    """The printed numbers, recomputed."""
    comp = "computation"
    emp = "empirical"
    return [
        Claim(
            "appE",
            "App. E",
            "the printed sums with the printed d_FF = 3072, and A ≈ 10 (|A − 10| < 1/2)",
            comp,
            "d_emb = 1024, l = 24",
            compute=appe_compute(3072),
            wrong={"compute": appe_compute(4096)},
        ),
        Claim(
            "appE/published-config",
            "App. E",
            "A ≈ 10 with GPT-2 medium's published d_ff = 4096",
            comp,
            "d_emb = 1024, l = 24, d_ff = 4096",
            compute=appe_compute(4096, printed_sums=False),
            wrong={"compute": appe_compute(4096, A_target=11, printed_sums=False)},
        ),
        Claim(
            "table3/ratios",
            "App. G, Table 3",
            "the printed N/D*² = 8.71, 8.79, 8.38 "
            "(× 10⁻¹⁰) from the printed N and D* (rounding-aware)",
            emp,
            "transcribed inputs",
            compute=table3_ratios_compute(),
            wrong={"compute": table3_ratios_compute(power=1)},
        ),
        Claim(
            "table3/rule",
            "App. G, Table 3",
            "the rule 'first D with MSE < σ² = 0.04' "
            "reproduces the printed D* column from the printed MSE cells",
            emp,
            "transcribed inputs",
            compute=table3_rule_compute(),
            wrong={"compute": table3_rule_compute(sigma2="0.03")},
        ),
        Claim(
            "table3/slope",
            "App. G, Table 3",
            "the log–log slope of N against D* is consistent with 2 (2 inside the 95 % t-interval)",
            emp,
            "OLS on 3 points",
            compute=table3_slope_compute(),
            wrong={"compute": table3_slope_compute(target=5)},
        ),
        Claim(
            "eq1",
            "§1, Eq. (1)",
            "the printed constants equal those of the cited source, "
            "Hoffmann et al. 2022 (rounding-aware)",
            emp,
            "transcribed inputs",
            compute=eq1_compute(),
            wrong={"compute": eq1_compute("besiroglu2024")},
        ),
        Claim(
            "table2",
            "Table 2 (against §5, Proposition 4)",
            "every reported large-model loss is ≥ Proposition 4's floor of 1",
            emp,
            "transcribed inputs",
            compute=table2_compute(),
            wrong={"compute": table2_compute("2.3")},
        ),
        Claim(
            "f1-radius",
            "App. F.1",
            "the observed radius ≈ 20 is within a factor 1.1 of √(n/2πe) or 2√(n/2πe) at n = 1024",
            emp,
            "transcribed inputs",
            compute=f1_compute(),
            wrong={"compute": f1_compute("1.01")},
        ),
        Claim(
            "f1-radius/printed-values",
            "App. F.1",
            "the printed 7.74 and 15.49 are √(1024/2πe) and twice it, to 2 decimals",
            comp,
            "n = 1024",
            compute=f1_printed_compute(),
            wrong={"compute": f1_printed_compute((sp.Rational("7.84"), sp.Rational("15.49")))},
        ),
    ]
