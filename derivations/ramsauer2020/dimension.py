"""App. A.1.5 of Ramsauer et al. (arXiv:2008.02217v3): Corollary A1's Lambert-W bounds, Theorem
A6 (the dimension as a function of c) and Corollary A2 with its printed example "d < 24".

Notation as in :mod:`derivations.ramsauer2020.constants`: a = ln(c)/2 − K²β/(5c),
b = 1 + ln(2pβK²), g(t) = ln t + a t + b (Theorem A6's condition is g(d − 1) ≤ 0, t = d − 1),
u + 1 = −ln(−a) + b (Corollary A2); Ω = W₀(1). Random parameter sets come from a seeded
numpy generator: β ∈ [½, 2], K ∈ [½, 4], c ∈ [1.05, 4], p ∈ [10⁻⁴, ½].
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from derivations.engine import Claim, Computed, Instance, Rel
from derivations.ramsauer2020 import constants as K
from derivations.ramsauer2020.certified import compare
from derivations.ramsauer2020.common import counterexample, dstr, implies

SECTION = "capacity"
A = K.A
E_FACTOR = math.e / (math.e - 1)


def _u_display():
    return SimpleNamespace(u=sp.Symbol("u", real=True))


def _away(u: float) -> float:
    """u moved out of the 10⁻³-neighbourhoods of 0 and 1, where the bounds are tight to
    second order (a gap of order (u − u₀)², beyond any precision the search tries near
    u₀, and an equality of Lambert-W expressions SymPy does not decide at u₀ itself)."""
    for u0 in (0.0, 1.0):
        if abs(u - u0) < 1e-3:
            return u0 + (1e-3 if u >= u0 else -1e-3)
    return u


def _us():
    """u ∈ [−30, 60] (floats) away from the tight points u = 0 and u = 1 (see :func:`_away`)."""
    near = st.sampled_from([1e-3, -1e-3, 1 + 1e-3, 1 - 1e-3])
    return st.one_of(near, st.floats(-30, 60).map(_away)).map(
        lambda u: Instance.make(regime="u<=0" if u <= 0 else "u>0", u=u)
    )


def cor_a1_bounds_statement(o, v):
    """Hoorfar–Hassani as Corollary A1 uses them: W₀(e^u) ≤ ln((Ωe^u + 1)/(Ω(1 + Ω))) for all
    u, and W₀(e^u) ≤ u^{u/(1+u)} for u > 0."""
    w = o.hf_lambertw(o.exp(v.u), 0)
    om = o.hf_lambertw(o.num(1), 0)
    first = Rel(
        w, "<=", o.log((om * o.exp(v.u) + 1) / (om * (1 + om))), "W₀(eᵘ) ≤ ln((Ωeᵘ+1)/(Ω(1+Ω)))"
    )
    if isinstance(v.u, sp.Symbol):
        return [first, Rel(w, "<=", v.u ** (v.u / (1 + v.u)))]
    second = implies(o, v.u > 0, [Rel(w, "<=", v.u ** (v.u / (1 + v.u)), "W₀(eᵘ) ≤ u^{u/(1+u)}")])
    return [first, *second]


def cor_a2_w_statement(o, v):
    """The cited bound −(e/(e−1))(u+1) < W₋₁(−e^{−u−1}) < −(u+1) for u > 0."""
    w = o.hf_lambertw(-o.exp(-v.u - 1), -1)
    e = o.exp(o.num(1))
    rels = [
        Rel(-e / (e - 1) * (v.u + 1), "<", w, "−(e/(e−1))(u+1) < W₋₁"),
        Rel(w, "<", -(v.u + 1), "W₋₁ < −(u+1)"),
    ]
    if isinstance(v.u, sp.Symbol):
        return rels
    return implies(o, v.u > 0, rels)


# ------------------------------------------------------------------ random parameter sets


def _params(examples: int, seed: int, want) -> list[dict]:
    """Up to min(examples, 12) seeded parameter sets (β, K, c, p) accepted by ``want(a, b)``
    (a float pre-filter; every use re-checks with balls)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(4000):
        if len(out) >= max(1, min(examples, 12)):
            break
        beta, Kk = round(rng.uniform(0.5, 2), 3), round(rng.uniform(0.5, 4), 3)
        c, p = (
            round(rng.uniform(1.05, 4), 3),
            float(f"{10 ** rng.uniform(-4, math.log10(0.5)):.3g}"),
        )
        a = math.log(c) / 2 - Kk * Kk * beta / (5 * c)
        b = 1 + math.log(2 * p * beta * Kk * Kk)
        if want(a, b):
            out.append({"beta": str(beta), "K": str(Kk), "c": str(c), "p": repr(p)})
    return out


def _ab(ps):
    return K.a6_ab(ps["beta"], ps["K"], ps["c"], ps["p"])


def _valid(a, b) -> bool:
    return a < 0 and a * math.exp(-b) >= -1 / math.e


def cor_a2_compute(formula: str = "printed"):
    """Corollary A2's d under its hypotheses (a < 0, −1/e ≤ ae^{−b}): every dimension
    d ≥ max(2, d₀) must meet Theorem A6's condition g(d − 1) ≤ 0 (checked, certified, at every
    integer up to g's larger root, past which g < 0); ``"printed"``
    d₀ = 1 + (1/a)(−ln(−a) + b), ``"corrected"`` (ours) d₀ = 1 + (e/(e−1))(−ln(−a) + b)/(−a)."""

    def dim(a, b):
        if formula == "printed":
            return 1 + (-(-a).log() + b) / a
        return 1 + A(1).exp() / (A(1).exp() - 1) * (-(-a).log() + b) / (-a)

    def compute(examples: int, seed: int) -> Computed:
        rows, cx = [], None
        for ps in _params(examples, seed, _valid):
            a, b = _ab(ps)
            d0 = dim(a, b)
            t2 = (a * (-b).exp()).lambertw(-1) / a  # g > 0 exactly between its two roots
            start = max(2, math.ceil(float(d0.mid())))
            bad = None
            for d in range(start, math.ceil(float(t2.upper())) + 2):
                r = compare(
                    lambda prec, d=d, a=a, b=b: K.a6_g(a, b, d - 1), "<=", lambda prec: A(0)
                )
                if r.holds is not True:
                    bad = d
                    break
            rows.append(
                {
                    **ps,
                    "a": dstr(a, 8),
                    "b": dstr(b, 8),
                    "d": dstr(d0, 8),
                    "first_failing_d": bad,
                    "holds": bad is None,
                }
            )
            if bad is not None and cx is None:
                g = K.a6_g(a, b, bad - 1)
                cx = counterexample(
                    {**ps, "d": bad},
                    g,
                    0,
                    f"ln(d−1) + a(d−1) + b ≤ 0 at d = {bad} ≥ the corollary's d",
                    g,
                )
        if not rows:
            return Computed(None, "no parameter set met the hypotheses", {}, None, False, 0)
        ds = ", ".join(r["d"][:7] for r in rows[:4])
        head = f"d = {ds}, … in {len(rows)} seeded settings meeting the hypotheses"
        if formula == "printed":
            head += " — always < 1 (−1/e ≤ ae^{−b} ⇔ −ln(−a) + b ≥ 1, so 1 + (−ln(−a) + b)/a < 1)"
        if cx is None:
            ev = head + "; every dimension from there on meets Theorem A6's condition [certified]"
        else:
            ev = (
                head
                + f"; the condition fails at d = {cx['params']['d']} ({cx['params']}) [certified]"
            )
        return Computed(cx is None, ev, {"rows": rows, "formula": formula}, cx, False, len(rows))

    return compute


def thm_a6_compute(delta: int = 20):
    """Theorem A6's d = 1 + W(ae^{−b})/a (W₀ for a > 0, W₋₁ for a < 0) is the threshold of
    g(d − 1) ≤ 0: certified sign change of g across t* (1 ± 2^{−delta}), on the side the
    theorem needs (g ≤ 0 beyond t* for a < 0, below t* for a > 0)."""

    def compute(examples: int, seed: int) -> Computed:
        rows, cx = [], None
        sets = _params(examples, seed, lambda a, b: a != 0 and a * math.exp(-b) >= -1 / math.e)
        eps = A(2) ** (-delta)
        for ps in sets:
            a, b = _ab(ps)
            branch = 0 if a > 0 else -1
            t = (a * (-b).exp()).lambertw(branch) / a
            lo, hi = K.a6_g(a, b, t * (1 - eps)), K.a6_g(a, b, t * (1 + eps))
            want = (">", "<") if branch == -1 else ("<", ">")
            ok = (
                compare(lambda prec, lo=lo: lo, want[0], lambda prec: A(0)).holds
                and compare(lambda prec, hi=hi: hi, want[1], lambda prec: A(0)).holds
            )
            rows.append({**ps, "branch": branch, "d": dstr(1 + t, 10), "holds": bool(ok)})
            if not ok and cx is None:
                cx = counterexample(
                    ps, lo, hi, f"g changes sign {want} across t(1 ± 2^-{delta})", 0
                )
        ev = (
            f"{len(rows)} seeded settings ({sum(r['branch'] == -1 for r in rows)} with W₋₁): g(d − "
            "1) "
            f"changes sign within a relative 2^-{delta} of the formula's d, on the side the "
            "theorem uses" + ("" if cx is None else " — fails") + " [certified]"
        )
        return Computed(cx is None if rows else None, ev, {"rows": rows}, cx, False, len(rows))

    return compute


EX = {"beta": "1", "K": "3", "c": "2", "p": "0.001"}


def example_compute(part: str, threshold: int = 24):
    """Corollary A2's printed example β = 1, K = 3, c = 2, p = 0.001, "yields d < 24"."""

    def compute(examples: int, seed: int) -> Computed:
        a, b = _ab(EX)
        arg = a * (-b).exp()
        d_formula = 1 + (-(-a).log() + b) / a
        side_t = 4 * (2 / K.Q(EX["p"]).sqrt()).log() / K.Q(EX["c"]).log()  # d − 1 needed
        gmax = K.a6_g(a, b, -1 / a)
        vals = {
            "a": dstr(a, 10),
            "b": dstr(b, 10),
            "a_exp_minus_b": dstr(arg, 10),
            "minus_1_over_e": dstr(-1 / A(1).exp(), 10),
            "d_formula": dstr(d_formula, 10),
            "side_condition_needs_d_at_least": dstr(side_t + 1, 10),
            "max_g": dstr(gmax, 10),
        }
        if part == "as-printed":
            ok = compare(lambda prec: arg, ">=", lambda prec: -1 / A(1).exp()).holds
            cx = (
                None
                if ok
                else counterexample(
                    EX,
                    arg,
                    -1 / A(1).exp(),
                    "−1/e ≤ ae^{−b} (the corollary's hypothesis)",
                    -1 / A(1).exp() - arg,
                )
            )
            ev = (
                f"the corollary's hypothesis −1/e ≤ ae^{{−b}} fails (ae^{{−b}} = {dstr(arg, 6)}), "
                "so it yields no d; "
                f"its formula gives d = {dstr(d_formula, 5)}"
                if cx
                else "the hypotheses hold"
            )
            return Computed(bool(ok), ev, vals, cx, True, 1)
        if part == "formula":
            ok = compare(lambda prec: d_formula, "<", lambda prec: A(threshold)).holds
            cx = (
                None
                if ok
                else counterexample(
                    EX, d_formula, threshold, f"d < {threshold}", d_formula - threshold
                )
            )
            return Computed(
                bool(ok),
                f"the formula's value d = {dstr(d_formula, 6)} (< {threshold}: {bool(ok)})",
                vals,
                cx,
                True,
                1,
            )
        # what holds: g < 0 everywhere (max at t = −1/a) and the side condition from d = 25 on
        lo_ok = compare(lambda prec: side_t, ">", lambda prec: A(threshold - 1)).holds
        hi_ok = compare(lambda prec: side_t, "<=", lambda prec: A(threshold)).holds
        g_ok = compare(lambda prec: gmax, "<", lambda prec: A(0)).holds
        ok = bool(lo_ok and hi_ok and g_ok)
        cx = (
            None
            if ok
            else counterexample(
                EX,
                side_t + 1,
                threshold + 1,
                f"side condition first holds at d = {threshold + 1}",
                0,
            )
        )
        ev = (
            f"Theorem A6's condition holds for every d (max g = {dstr(gmax, 5)} < 0) and the side "
            "condition "
            f"c ≥ (2/√p)^{{4/(d−1)}} needs d ≥ {dstr(side_t + 1, 6)}: the result applies exactly "
            f"for d ≥ {threshold + 1}, "
            f"fails for d ≤ {threshold}"
            if ok
            else "not as stated"
        )
        return Computed(ok, ev + " [certified]", vals, cx, True, 3)

    return compute


def claims() -> list[Claim]:
    comp, ineq = "computation", "inequality"
    return [
        Claim(
            "cor-a1",
            "App. A.1.5, Corollary A1 (its proof)",
            "the Hoorfar–Hassani bounds as used: "
            "W₀(eᵘ) ≤ ln((Ωeᵘ + 1)/(Ω(1+Ω))) for all u, W₀(eᵘ) ≤ u^{u/(1+u)} for u > 0 (so "
            "Corollary A1's c ≤ Theorem A5's c)",
            ineq,
            "u ∈ [−30, 60]",
            cor_a1_bounds_statement,
            _us,
            _u_display,
            twin=False,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_lambertw(o.exp(v.u), 0), ">=", cor_a1_bounds_statement(o, v)[0].rhs)
                ]
            ),
        ),
        Claim(
            "cor-a2/w-bound",
            "App. A.1.5, proof of Corollary A2 (cited bound on W₋₁)",
            "−(e/(e−1))(u+1) < W₋₁(−e^{−u−1}) < −(u+1) for u > 0",
            ineq,
            "u > 0",
            cor_a2_w_statement,
            lambda: st.floats(1e-3, 50).map(lambda u: Instance.make(u=u)),
            _u_display,
            twin=False,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_lambertw(-o.exp(-v.u - 1), -1), "<", -2 * (v.u + 1))
                ]
            ),
        ),
        Claim(
            "thm-a6",
            "App. A.1.5, Theorem A6",
            "d = 1 + W(ae^{−b})/a is the dimension where "
            "ln(d−1) + a(d−1) + b ≤ 0 starts (a < 0, W₋₁) or stops (a > 0, W₀) holding",
            comp,
            "seeded (β, K, c, p) with −1/e ≤ ae^{−b}",
            compute=thm_a6_compute(),
            wrong=dict(compute=cor_a2_compute("printed")),
        ),
        Claim(
            "cor-a2",
            "App. A.1.5, Corollary A2",
            "as printed: under its hypotheses, "
            "every dimension d ≥ 1 + (1/a)(−ln(−a) + b) meets Theorem A6's condition",
            comp,
            "seeded (β, K, c, p) with a < 0, −1/e ≤ ae^{−b}",
            compute=cor_a2_compute("printed"),
            wrong=dict(compute=example_compute("as-printed")),
        ),
        Claim(
            "cor-a2/corrected",
            "App. A.1.5, Corollary A2 (ours: from its cited W₋₁ bound)",
            "every dimension d ≥ 1 + (e/(e−1))(−ln(−a) + b)/(−a) meets it",
            comp,
            "seeded (β, K, c, p) with a < 0, −1/e ≤ ae^{−b}",
            compute=cor_a2_compute("corrected"),
            extension=True,
            wrong=dict(compute=cor_a2_compute("printed")),
        ),
        Claim(
            "cor-a2/example",
            "App. A.1.5, after Corollary A2",
            "as printed: 'β = 1, K = 3, "
            "c = 2 and p = 0.001 yields d < 24' — the corollary applies there",
            comp,
            "β = 1, K = 3, c = 2, p = 0.001",
            compute=example_compute("as-printed"),
            wrong=dict(compute=example_compute("formula", 5)),
        ),
        Claim(
            "cor-a2/example/formula",
            "App. A.1.5, after Corollary A2",
            "reading: the corollary's "
            "formula evaluated there (ignoring its hypotheses) gives d < 24",
            comp,
            "β = 1, K = 3, c = 2, p = 0.001",
            compute=example_compute("formula"),
            wrong=dict(compute=example_compute("formula", 5)),
        ),
        Claim(
            "cor-a2/example/what-holds",
            "App. A.1.5, after Corollary A2",
            "reading: at these "
            "settings Theorem A6's conditions hold exactly for d ≥ 25 (the side condition "
            "c ≥ (2/√p)^{4/(d−1)} fails for d ≤ 24)",
            comp,
            "β = 1, K = 3, c = 2, p = 0.001",
            compute=example_compute("what-holds"),
            wrong=dict(compute=example_compute("what-holds", 20)),
        ),
    ]
