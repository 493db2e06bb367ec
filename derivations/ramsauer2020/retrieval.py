"""§3 and A.1.6 of Ramsauer et al. (arXiv:2008.02217v3): one-step retrieval (Theorems 4–5 =
A8–A9), the readings of "retrieval error" (to xᵢ* or to xᵢ), and the moments of the
separation of Gaussian patterns (Eqs. 398–399).

Notation: patterns xᵢ (rows of P) with Eq. 142 for pattern i, so f has the fixed point xᵢ*
in Sᵢ (Lemma A7; here the certified fixed point reached from xᵢ); ξ the query; β, N,
M = maxᵢ‖xᵢ‖, Δᵢ (Eq. 5); Jᵐ(ξ, y) = ∫₀¹ J(λξ + (1−λ)y) dλ;
μ = max{‖ξ − xᵢ‖, ‖xᵢ* − xᵢ‖}; ε(ξ) = (N − 1) exp(−β(Δᵢ − 2μM)) (Eq. 179).
"""

from __future__ import annotations

import sympy as sp
import sympy.stats as ss

from derivations.engine import Claim, Computed, Rel
from derivations.ramsauer2020 import banach_proofs as BP
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import retrieval_proofs as RP
from derivations.ramsauer2020 import to_fixed_point_proofs as TF
from derivations.ramsauer2020.a1_proofs import symbolic
from derivations.ramsauer2020.common import (
    count,
    display,
    dist,
    is_display,
    row,
    shrunk,
    under,
)
from derivations.ramsauer2020.local import eq142_hypotheses

SECTION = "retrieval"


#: The claims' quantity xᵢ*, the fixed point of f reached from xᵢ (Lemma A7's; certified
#: where the back end is): the search computes it, a derivation keeps it free (Claim.defined).
STAR = BP.A7_STAR


def _parts(o, v):
    """(xᵢ, xᵢ*, f(ξ), M, N, Δᵢ, μ) of an instance (display symbols for the rendering)."""
    xi, star = (v.pat if is_display(v) else row(v.P, v.i)), v.star
    f = o.hf_update(v.P, v.x, v.beta)
    M, N = o.hf_radius(v.P), count(o, v.P)
    delta = o.hf_sep(v.P, v.i)
    if is_display(v):
        mu = sp.Symbol(r"\mu")
    else:
        mu = o.max([dist(o, v.x, xi), dist(o, star, xi)])
    return xi, star, f, M, N, delta, mu


def _eps(o, v, M, N, delta, mu):
    """ε(ξ) = (N − 1) exp(−β(Δᵢ − 2μM)) (Eq. 179)."""
    return (N - 1) * o.exp(-v.beta * (delta - 2 * mu * M))


def eq6_hypotheses(o, v):
    """M² > 0, Eq. 142 and f(xᵢ*) = xᵢ* coordinate by coordinate (what the derivation of
    Eq. 6 assumes; the search applies Eq. 142, the fixed point equation holds by the
    definition of xᵢ*)."""
    if symbolic(v):
        return RP.eq6_hypotheses(o, v)
    return [*thm5_hypotheses(o, v), *_fixed_point_equations(o, v)]


def _fixed_point_equations(o, v):
    """f(xᵢ*) = xᵢ*, coordinate by coordinate (true by the definition of xᵢ*)."""
    fs = o.hf_update(v.P, v.star, v.beta)
    return [Rel(a, "==", b, "f(xᵢ*) = xᵢ*") for a, b in zip(fs, v.star, strict=True)]


def thm4_statement(o, v):
    """(7): ‖Jᵐ(ξ, xᵢ*)‖₂ ≤ 2βNM²(N − 1) exp(−β(Δᵢ − 2μM))."""
    if symbolic(v):
        return RP.eq7(o, v)
    xi, star, f, M, N, delta, mu = _parts(o, v)
    jm = o.hf_jmean_norm(v.P, v.x, star, v.beta)
    rhs = 2 * v.beta * N * M**2 * _eps(o, v, M, N, delta, mu)
    return under(
        o, v, eq142_hypotheses, [Rel(jm, "<=", rhs, "(7) ‖Jᵐ‖₂ ≤ 2βNM²(N − 1)e^{−β(Δᵢ − 2μM)}")]
    )


def thm4_eq6_statement(to_pattern: bool):
    """(6): ‖f(ξ) − y‖ ≤ ‖Jᵐ(ξ, y)‖₂ ‖ξ − y‖ with y = xᵢ* (as printed) or y = xᵢ."""

    def statement(o, v):
        if symbolic(v) and not to_pattern:
            return RP.eq6(o, v)
        xi, star, f, M, N, delta, mu = _parts(o, v)
        y = xi if to_pattern else star
        jm = o.hf_jmean_norm(v.P, v.x, y, v.beta)
        lab = "‖f(ξ) − xᵢ‖ ≤ ‖Jᵐ‖₂‖ξ − xᵢ‖" if to_pattern else "(6) ‖f(ξ) − xᵢ*‖ ≤ ‖Jᵐ‖₂‖ξ − xᵢ*‖"
        return under(o, v, eq142_hypotheses, [Rel(dist(o, f, y), "<=", jm * dist(o, v.x, y), lab)])

    return statement


def thm5_hypotheses(o, v):
    """M² > 0 and Eq. 142 for pattern i (what makes xᵢ* exist)."""
    if symbolic(v):
        return RP.thm5_hypotheses(o, v)
    return eq142_hypotheses(o, v)


def thm5_statement(to_fixed: bool):
    """(8): ‖f(ξ) − y‖ ≤ 2(N − 1) exp(−β(Δᵢ − 2μM)) M, y = xᵢ (as printed) or y = xᵢ*."""

    def statement(o, v):
        if symbolic(v):
            return TF.to_fixed_point(o, v) if to_fixed else RP.thm5(o, v)
        xi, star, f, M, N, delta, mu = _parts(o, v)
        y = star if to_fixed else xi
        rhs = 2 * _eps(o, v, M, N, delta, mu) * M
        lab = "‖f(ξ) − xᵢ*‖ ≤ 2εM" if to_fixed else "(8) ‖f(ξ) − xᵢ‖ ≤ 2εM"
        return under(o, v, thm5_hypotheses, [Rel(dist(o, f, y), "<=", rhs, lab)])

    return statement


def eq9_hypotheses(printed: bool):
    """M² > 0, Eq. 142, ‖xᵢ − xᵢ*‖ ≤ 1/(2βM), ‖xᵢ − ξ‖ ≤ 1/(2βM) and (``printed``, Eq. 9 as
    printed, which bounds ‖xᵢ − xᵢ*‖) f(xᵢ*) = xᵢ* coordinate by coordinate."""

    def hypotheses(o, v):
        if symbolic(v):
            return RP.eq9_hypotheses(printed)(o, v)
        xi, star, f, M, N, delta, mu = _parts(o, v)
        r = 1 / (2 * v.beta * M)
        hyps = [
            *thm5_hypotheses(o, v),
            Rel(dist(o, star, xi), "<=", r, "‖xᵢ − xᵢ*‖ ≤ 1/(2βM)"),
            Rel(dist(o, v.x, xi), "<=", r, "‖xᵢ − ξ‖ ≤ 1/(2βM)"),
        ]
        return [*hyps, *_fixed_point_equations(o, v)] if printed else hyps

    return hypotheses


def thm5_eq9_statement(of_update: bool):
    """(9): ‖xᵢ − xᵢ*‖ ≤ 1/(2βM) and ‖xᵢ − ξ‖ ≤ 1/(2βM) ⇒ ‖xᵢ − xᵢ*‖ ≤ 2e(N − 1)M e^{−βΔᵢ}
    (with ``of_update``: the same bound for ‖f(ξ) − xᵢ‖, the retrieval error). The search
    applies the first four hypotheses; f(xᵢ*) = xᵢ* holds by the definition of xᵢ*."""

    def statement(o, v):
        if symbolic(v):
            return RP.eq9(not of_update)(o, v)
        xi, star, f, M, N, delta, mu = _parts(o, v)
        lhs = dist(o, f if of_update else star, xi)
        rhs = 2 * o.exp(o.num(1)) * (N - 1) * M * o.exp(-v.beta * delta)
        rel = Rel(lhs, "<=", rhs, "(9) ≤ 2e(N − 1)M e^{−βΔᵢ}")
        return under(o, v, lambda o, v: eq9_hypotheses(False)(o, v), [rel])

    return statement


def moments_compute(var_factor: int = 3):
    """Eqs. 398–399: for x, y with i.i.d. N(0, 1) entries, E[xᵀx − xᵀy] = d and
    Var[xᵀx − xᵀy] = ``var_factor``·d, computed exactly (SymPy stats) for one coordinate:
    the d coordinates are i.i.d., so mean and variance add."""

    def compute(examples: int, seed: int) -> Computed:
        X, Y = ss.Normal("X", 0, 1), ss.Normal("Y", 0, 1)
        z = X**2 - X * Y
        mean = sp.simplify(ss.E(z))
        var = sp.simplify(ss.E(z**2) - mean**2)
        ok_mean, ok_var = mean == 1, var == var_factor
        vals = {"mean_per_coordinate": str(mean), "variance_per_coordinate": str(var)}
        ok = bool(ok_mean and ok_var)
        cx = None
        if not ok:
            cx = {
                "patterns": None,
                "x": None,
                "params": {"d": 1},
                "lhs": str(var if ok_mean else mean),
                "rhs": str(var_factor if ok_mean else 1),
                "relation": "variance per coordinate" if ok_mean else "mean per coordinate",
                "violation": str(abs((var - var_factor) if ok_mean else (mean - 1))),
            }
        ev = (
            f"exact (SymPy stats, one coordinate): E[x₁² − x₁y₁] = {mean}, "
            f"Var[x₁² − x₁y₁] = {var}; summed over d i.i.d. coordinates: mean {mean}·d, "
            f"variance {var}·d" + ("" if ok else f" — not {var_factor}·d")
        )
        return Computed(ok, ev, vals, cx, True, 1)

    return compute


def claims() -> list[Claim]:
    ineq = "inequality"
    sep = "patterns with Eq. 142 for pattern i (so xᵢ* ∈ Sᵢ exists), a query ξ, β"
    anyq = lambda: D.separated(where="any")  # noqa: E731
    any2 = lambda: D.separated(where="any", min_d=2, max_N=4, max_d=2)  # noqa: E731
    query2 = lambda: D.separated(where="query", min_d=2, max_N=4, max_d=2)  # noqa: E731
    near = lambda: D.separated(where="retrieval")  # noqa: E731
    return [
        Claim(
            "thm4",
            "§3, Theorem 4, Eq. (7); App. A.1.6, Theorem A8",
            "(7): the mean-value Jacobian on [ξ, xᵢ*] is bounded by 2βNM²(N − 1)e^{−β(Δᵢ − 2μM)}",
            ineq,
            sep,
            thm4_statement,
            query2,
            display,
            RP.eq7_derivation,
            RP.sizes,
            defined=STAR,
            hypotheses=thm5_hypotheses,
            aliases=("thm-a8",),
            wrong=dict(statement=shrunk(thm4_statement, 1e6)),
        ),
        Claim(
            "thm4/eq6",
            "§3, Theorem 4, Eq. (6)",
            "(6) as printed, error to the fixed point: ‖f(ξ) − xᵢ*‖ ≤ ‖Jᵐ‖₂‖ξ − xᵢ*‖",
            ineq,
            sep + " (d ≥ 2, ξ ≠ xᵢ)",
            thm4_eq6_statement(False),
            query2,
            display,
            RP.eq6_derivation,
            RP.sizes,
            defined=STAR,
            hypotheses=eq6_hypotheses,
            wrong=dict(statement=shrunk(thm4_eq6_statement(False), 2)),
        ),
        Claim(
            "thm4/eq6/to-pattern",
            "§3, Theorem 4, Eq. (6)",
            "reading: the error measured "
            "to the pattern xᵢ instead of xᵢ*: ‖f(ξ) − xᵢ‖ ≤ ‖Jᵐ(ξ, xᵢ)‖₂‖ξ − xᵢ‖",
            ineq,
            sep + " (d ≥ 2)",
            thm4_eq6_statement(True),
            any2,
            display,
            defined=STAR,
            wrong=dict(
                statement=lambda o, v: [Rel(thm4_eq6_statement(True)(o, v)[0].lhs, "<", o.num(0))]
            ),
        ),
        Claim(
            "thm5",
            "§3, Theorem 5, Eq. (8); App. A.1.6, Theorem A9, Eq. (401)",
            "(8): retrieval error to the pattern ‖f(ξ) − xᵢ‖ ≤ 2(N − 1)e^{−β(Δᵢ − 2μM)}M",
            ineq,
            sep,
            thm5_statement(False),
            anyq,
            display,
            RP.thm5_derivation,
            RP.sizes,
            defined=STAR,
            hypotheses=thm5_hypotheses,
            aliases=("thm-a9",),
            wrong=dict(statement=shrunk(thm5_statement(False), 1e6)),
        ),
        Claim(
            "thm5/to-fixed-point",
            "§3, Theorem 5, Eq. (8)",
            "reading: the same bound for "
            "the error to the fixed point, ‖f(ξ) − xᵢ*‖ ≤ 2(N − 1)e^{−β(Δᵢ − 2μM)}M",
            ineq,
            sep,
            thm5_statement(True),
            anyq,
            display,
            TF.to_fixed_point_derivation,
            RP.sizes,
            defined=STAR,
            hypotheses=eq6_hypotheses,
            wrong=dict(statement=shrunk(thm5_statement(True), 1e6)),
        ),
        Claim(
            "thm5/eq9",
            "§3, Theorem 5, Eq. (9); App. A.1.6, Eq. (402)",
            "(9) as printed: ‖xᵢ − xᵢ*‖, ‖xᵢ − ξ‖ ≤ 1/(2βM) ⇒ ‖xᵢ − xᵢ*‖ ≤ 2e(N − 1)M e^{−βΔᵢ}",
            ineq,
            sep + ", ‖xᵢ − ξ‖ ≤ 1/(2βM)",
            thm5_eq9_statement(False),
            near,
            display,
            RP.eq9_derivation(True),
            RP.sizes,
            defined=STAR,
            hypotheses=eq9_hypotheses(True),
            wrong=dict(statement=shrunk(thm5_eq9_statement(False), 1e6)),
        ),
        Claim(
            "thm5/eq9/retrieval-error",
            "§3, Theorem 5, Eq. (9)",
            "reading: the bound of (9) "
            "for the retrieval error ‖f(ξ) − xᵢ‖ under the same two conditions",
            ineq,
            sep + ", ‖xᵢ − ξ‖ ≤ 1/(2βM)",
            thm5_eq9_statement(True),
            near,
            display,
            RP.eq9_derivation(False),
            RP.sizes,
            defined=STAR,
            hypotheses=eq9_hypotheses(False),
            wrong=dict(statement=shrunk(thm5_eq9_statement(True), 1e6)),
        ),
        Claim(
            "eq398",
            "App. A.1.6, Eqs. (398)–(399)",
            "Gaussian patterns: E[xᵀx − xᵀy] = d and Var[xᵀx − xᵀy] = 3d",
            "computation",
            "x, y ∈ ℝ^d with i.i.d. N(0, 1) entries",
            compute=moments_compute(3),
            aliases=("eq399",),
            wrong=dict(compute=moments_compute(2)),
        ),
    ]
