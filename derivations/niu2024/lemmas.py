"""Appendix A of Niu et al. (arXiv:2405.08707v2): the LogSumExp lemmas as claims.

Notation: z, y ∈ ℝᵐ, λ ∈ [0, 1]; LSE(z) = log Σᵢ exp(zᵢ); m the length of z;
softmax(z)ᵢ = exp zᵢ / Σⱼ exp zⱼ.

Each claim states the paper's text **as printed** under its label (``lemma2``…); where a
printed statement may fail, the strongest corrected statement we can prove is a separate
reading ``<label>/<reading>``. Each claim carries its wrong variant (``wrong=``): the broken
statement the mutation test must see refuted. Verdicts are not written here.

The derivations are written at **symbolic size** (z ∈ ℝᵐ for every m, :func:`zspace`) and
checked by the rule kernel (:mod:`derivations.engine.kernel`) once for every m.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations import strategies as S
from derivations.engine import Claim, Rel, Step
from derivations.engine.kernel import (
    abs_bound,
    algebra,
    assumption,
    cites,
    combine,
    differentiate,
    gibbs,
    holder,
    monotone,
    split_first,
    term_bound,
    termwise,
    wlog,
)
from derivations.niu2024.common import zsym, zvec  # noqa: F401 - used by tests and users
from theory.indexed import Size, Vec, index

SECTION = "A"

_t = sp.Dummy("t", real=True)
_tp = sp.Dummy("t", positive=True)
EXP = sp.Lambda(_t, sp.exp(_t))
LOG = sp.Lambda(_tp, sp.log(_tp))


def zspace(at_least: int = 1, pair: bool = False, lam: bool = False):
    """z ∈ ℝᵐ (and y ∈ ℝᵐ, λ) of symbolic length m ≥ ``at_least``: one instance standing
    for every size."""

    def make():
        m = Size("m", at_least)
        ns = SimpleNamespace(z=Vec.symbol("z", m))
        if pair:
            ns.y = Vec.symbol("y", m)
        if lam:
            ns.lam = sp.Symbol(r"\lambda", real=True)
        return ns

    return make


def _every(ns_make):
    return lambda: [ns_make()]


def lemma1_statement(ops, v):
    mix = ops.vadd(ops.vscale(v.lam, v.z), ops.vscale(1 - v.lam, v.y))
    return [
        Rel(ops.lse(mix), "<=", v.lam * ops.lse(v.z) + (1 - v.lam) * ops.lse(v.y), "LSE(λz+(1−λ)y)")
    ]


def lemma1_hypotheses(ops, v):
    return [Rel(0, "<=", v.lam, "λ ≥ 0"), Rel(v.lam, "<=", 1, "λ ≤ 1")]


def lemma1_derivation(ops, v):
    """Hölder's inequality with exponents λ, 1 − λ, then log (increasing)."""
    z, y, lam = v.z, v.y, v.lam
    i, m = z.var, z.length
    mix = ops.vadd(ops.vscale(lam, z), ops.vscale(1 - lam, y))
    sz, sy = sp.Sum(sp.exp(z.body), (i, 1, m)), sp.Sum(sp.exp(y[i]), (i, 1, m))
    return [
        Step(Rel(0, "<=", lam), "λ ≥ 0 (hypothesis)", assumption()),
        Step(Rel(lam, "<=", 1), "λ ≤ 1 (hypothesis)", assumption()),
        Step(
            Rel(sp.Sum(sp.exp(mix.body), (i, 1, m)), "<=", sz**lam * sy ** (1 - lam)),
            "Hölder: Σᵢ (e^{zᵢ})^λ (e^{yᵢ})^{1−λ} ≤ (Σᵢ e^{zᵢ})^λ (Σᵢ e^{yᵢ})^{1−λ}",
            holder(0, 1),
        ),
        Step(
            lemma1_statement(ops, v)[0],
            "log is increasing; log(a^λ b^{1−λ}) = λ log a + (1 − λ) log b",
            monotone(2, LOG, "positive"),
        ),
    ]


def tangent_statement(ops, v):
    if isinstance(v.z, Vec):
        i = v.z.var
        terms = ops.softmax(v.z, i) * (v.y[i] - v.z[i])
        lin = sp.Sum(terms, (i, 1, ops.length(v.z)))
    else:
        m = len(v.z)
        lin = sum((ops.softmax(v.z, k) * (v.y[k] - v.z[k]) for k in range(m)), ops.num(0))
    return [Rel(ops.lse(v.z) + lin, "<=", ops.lse(v.y), "tangent plane")]


def tangent_derivation(ops, v):
    """LSE(y) − LSE(z) − Σ pᵢ(yᵢ − zᵢ) = KL(p ‖ q) ≥ 0, p = softmax(z), q = softmax(y)."""
    z, y = v.z, v.y
    i, m = z.var, z.length
    p, q = ops.softmax(z, i), ops.softmax(y, i)
    kl = sp.Sum(p * sp.log(p / q), (i, 1, m))
    lin = sp.Sum(p * (y[i] - z[i]), (i, 1, m))
    soft = ("softmax",)
    return [
        Step(Rel(sp.Sum(p, (i, 1, m)), "==", 1), "softmax(z) sums to one", algebra(unfold=soft)),
        Step(Rel(sp.Sum(q, (i, 1, m)), "==", 1), "softmax(y) sums to one", algebra(unfold=soft)),
        Step(Rel(0, "<=", kl), "Gibbs' inequality: KL(softmax(z) ‖ softmax(y)) ≥ 0", gibbs(0, 1)),
        Step(
            Rel(kl, "==", ops.lse(y) - ops.lse(z) - lin),
            "log(pᵢ/qᵢ) = zᵢ − LSE(z) − yᵢ + LSE(y), and Σᵢ pᵢ = 1",
            algebra(unfold=soft),
        ),
        Step(tangent_statement(ops, v)[0], "KL ≥ 0, rewritten", combine((2, 1), (3, 1))),
    ]


def lemma2_statement(strict: bool):
    def statement(ops, v):
        return [
            Rel(ops.max(v.z), "<" if strict else "<=", ops.lse(v.z), "max z < LSE(z)"),
            Rel(
                ops.lse(v.z),
                "<=",
                ops.max(v.z) + ops.log(ops.length(v.z)),
                "LSE(z) ≤ max z + log m",
            ),
        ]

    return statement


def lemma2_derivation(strict: bool):
    """max z (<)≤ LSE(z) ≤ max z + log m, WLOG max z = z₁; the strict bound needs m ≥ 2."""
    op = "<" if strict else "<="

    def derivation(ops, v):
        z = v.z
        i, m = z.var, ops.length(z)
        top, z1 = ops.max(z), z[sp.Integer(1)]
        total = sp.Sum(sp.exp(z.body), (i, 1, m))
        rest = sp.Sum(sp.exp(z.body), (i, 2, m))
        every = (i, 1, m)
        return [
            Step(Rel(top, "==", z1), "WLOG the maximum is the first entry", wlog("z")),
            Step(
                Rel(z.body, "<=", top, over=every),
                "each entry is at most the maximum",
                term_bound(),
            ),
            Step(
                Rel(sp.exp(z.body), "<=", sp.exp(top), over=every),
                "exp is increasing",
                monotone(1, EXP),
            ),
            Step(Rel(total, "<=", m * sp.exp(top)), "sum the m bounds", termwise(2)),
            Step(
                Rel(ops.lse(z), "<=", top + ops.log(m)),
                "log is increasing on (0, ∞); log(m e^{max z}) = max z + log m",
                monotone(3, LOG, "positive"),
            ),
            Step(Rel(total, "==", sp.exp(z1) + rest), "split off the first term", split_first()),
            Step(
                Rel(0, op, rest),
                "a sum of positive terms over i = 2 … m"
                + (", non-empty when m ≥ 2" if strict else ""),
                algebra(),
            ),
            Step(
                Rel(sp.exp(z1), op, total),
                "the rest of the sum is " + ("> 0" if strict else "≥ 0"),
                combine((5, -1), (6, 1)),
            ),
            Step(
                Rel(z1, op, ops.lse(z)), "log is increasing on (0, ∞)", monotone(7, LOG, "positive")
            ),
            Step(Rel(top, op, ops.lse(z)), "max z = z₁", combine((8, 1), (0, 1))),
        ]

    return derivation


def lemma3_statement(strict: bool):
    def statement(ops, v):
        neg = ops.vscale(-1, v.z)
        soft = -ops.lse(neg)
        return [
            Rel(ops.min(v.z) - ops.log(ops.length(v.z)), "<=", soft, "min z − log m ≤ −LSE(−z)"),
            Rel(soft, "<" if strict else "<=", ops.min(v.z), "−LSE(−z) < min z"),
        ]

    return statement


def lemma3_derivation(cite: str):
    """Lemma 2 (reading ``cite``) applied to −z, and max(−z) = −min z."""

    def derivation(ops, v):
        neg = ops.vscale(-1, v.z)
        m = ops.length(v.z)
        w = SimpleNamespace(z=neg)
        soft = -ops.lse(neg)
        lem = lemma2_for(cite)(ops, w)
        return [
            Step(lem[0], "Lemma 2 at −z (lower bound)", cites(cite, w)),
            Step(lem[1], "Lemma 2 at −z (upper bound)", cites(cite, w)),
            Step(Rel(ops.max(neg), "==", -ops.min(v.z)), "max(−z) = −min z", algebra()),
            Step(
                Rel(soft, lem[0].op, ops.min(v.z)),
                "negate the lower bound at −z",
                combine((0, 1), (2, -1)),
            ),
            Step(
                Rel(ops.min(v.z) - ops.log(m), "<=", soft),
                "negate the upper bound at −z",
                combine((1, 1), (2, 1)),
            ),
        ]

    return derivation


def lemma2_for(cid: str):
    return {
        "lemma2": lemma2_statement(True),
        "lemma2/nonstrict": lemma2_statement(False),
        "lemma2/m-ge-2": lemma2_statement(True),
    }[cid]


def lemma4_statement(ops, v):
    diff = ops.vadd(v.z, ops.vscale(-1, v.y))
    return [
        Rel(
            ops.abs(ops.lse(v.z) - ops.lse(v.y)),
            "<=",
            ops.inf_norm(diff),
            "|LSE(z) − LSE(y)| ≤ ‖z − y‖∞",
        )
    ]


def _lse_shift_bound(ops, a, b, c, dist, first: int) -> list[Step]:
    """From |zᵢ − yᵢ| ≤ c (the first step, every i): LSE(a) ≤ LSE(b) + c for (a, b) = (z, y) or
    (y, z), as seven steps numbered from ``first``."""
    i, m = a.var, a.length
    ai, bi = a.body, b[i]
    every = (i, 1, m)
    k = first
    sa, sb = sp.Sum(sp.exp(ai), (i, 1, m)), sp.Sum(sp.exp(bi), (i, 1, m))
    shifted = sp.Sum(sp.exp(bi + c), (i, 1, m))
    return [
        Step(Rel(ai - bi, "<=", dist, over=every), "t ≤ |t|", algebra()),
        Step(
            Rel(ai, "<=", bi + c, over=every),
            "aᵢ − bᵢ ≤ |zᵢ − yᵢ| ≤ ‖z − y‖∞",
            combine((0, 1), (k, 1)),
        ),
        Step(
            Rel(sp.exp(ai), "<=", sp.exp(bi + c), over=every),
            "exp is increasing",
            monotone(k + 1, EXP),
        ),
        Step(Rel(sa, "<=", shifted), "sum over i", termwise(k + 2)),
        Step(Rel(shifted, "==", sp.exp(c) * sb), "factor e^{‖z − y‖∞} out of the sum", algebra()),
        Step(Rel(sa, "<=", sp.exp(c) * sb), "substitute", combine((k + 3, 1), (k + 4, 1))),
        Step(
            Rel(ops.lse(a), "<=", ops.lse(b) + c),
            "log is increasing; log(e^c S) = c + log S",
            monotone(k + 5, LOG, "positive"),
        ),
    ]


def lemma4_derivation(ops, v):
    """Each zᵢ ≤ yᵢ + ‖z − y‖∞, so LSE(z) ≤ LSE(y) + ‖z − y‖∞; the same with z, y swapped."""
    z, y = v.z, v.y
    i, m = z.var, z.length
    c = lemma4_statement(ops, v)[0].rhs
    dist = ops.abs(z.body - y[i])
    steps = [
        Step(
            Rel(dist, "<=", c, over=(i, 1, m)),
            "each |zᵢ − yᵢ| is at most the maximum",
            term_bound(),
        ),
    ]
    steps += _lse_shift_bound(ops, z, y, c, dist, len(steps))
    up = len(steps) - 1
    steps += _lse_shift_bound(ops, y, z, c, dist, len(steps))
    down = len(steps) - 1
    steps.append(Step(lemma4_statement(ops, v)[0], "both one-sided bounds", abs_bound(up, down)))
    return steps


def softmax_statement(ops, v):
    if isinstance(v.z, Vec):
        k = index("k")
        return [
            Rel(
                ops.grad_lse(v.z, k),
                "==",
                ops.softmax(v.z, k),
                "∂LSE/∂z_k",
                over=(k, 1, ops.length(v.z)),
            )
        ]
    return [
        Rel(ops.grad_lse(v.z, k), "==", ops.softmax(v.z, k), f"∂LSE/∂z_{k + 1}")
        for k in range(len(v.z))
    ]


def softmax_derivation(ops, v):
    return [
        Step(r, "differentiate log Σᵢ exp zᵢ with respect to z_k", differentiate())
        for r in softmax_statement(ops, v)
    ]


_LSE = S.lse_instances


def _log_m(ops, v):
    """log m for the wrong variants."""
    return ops.log(ops.length(v.z))


def claims() -> list[Claim]:
    """Appendix A claims, in dependency order."""
    one, two = zspace(1), zspace(2)
    pair, mix = zspace(1, pair=True), zspace(1, pair=True, lam=True)
    return [
        Claim(
            "lemma1",
            "App. A, Lemma 1",
            "as printed (convexity of LSE)",
            "inequality",
            "z, y ∈ ℝᵐ, λ ∈ [0, 1]",
            lemma1_statement,
            lambda: _LSE(pair=True),
            mix,
            lemma1_derivation,
            _every(mix),
            hypotheses=lemma1_hypotheses,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(lemma1_statement(o, v)[0].rhs, "<=", lemma1_statement(o, v)[0].lhs)
                ]
            ),
        ),
        Claim(
            "lemma1/tangent",
            "App. A, Lemma 1",
            "first-order form: LSE lies above its tangent planes (what CCCP uses)",
            "inequality",
            "z, y ∈ ℝᵐ",
            tangent_statement,
            lambda: _LSE(pair=True),
            pair,
            tangent_derivation,
            _every(pair),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(tangent_statement(o, v)[0].rhs, "<=", tangent_statement(o, v)[0].lhs)
                ]
            ),
        ),
        Claim(
            "lemma2",
            "App. A, Lemma 2",
            "as printed (strict lower bound)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma2_statement(True),
            lambda: _LSE(),
            one,
            lemma2_derivation(True),
            _every(one),
            wrong=dict(statement=lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z))]),
        ),
        Claim(
            "lemma2/nonstrict",
            "App. A, Lemma 2",
            "corrected: max z ≤ LSE(z) (equality iff m = 1)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma2_statement(False),
            lambda: _LSE(),
            one,
            lemma2_derivation(False),
            _every(one),
            wrong=dict(statement=lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z))]),
        ),
        Claim(
            "lemma2/m-ge-2",
            "App. A, Lemma 2",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma2_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            two,
            lemma2_derivation(True),
            _every(two),
            aliases=("lemma2/m>=2",),
            wrong=dict(
                statement=lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z) + _log_m(o, v) / 2)]
            ),
        ),
        Claim(
            "lemma3",
            "App. A, Lemma 3",
            "as printed (strict upper bound)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma3_statement(True),
            lambda: _LSE(),
            one,
            lemma3_derivation("lemma2"),
            _every(one),
            wrong=dict(statement=lambda o, v: [Rel(o.min(v.z), "<=", -o.lse(o.vscale(-1, v.z)))]),
        ),
        Claim(
            "lemma3/nonstrict",
            "App. A, Lemma 3",
            "corrected: −LSE(−z) ≤ min z",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma3_statement(False),
            lambda: _LSE(),
            one,
            lemma3_derivation("lemma2/nonstrict"),
            _every(one),
            wrong=dict(statement=lambda o, v: [Rel(o.min(v.z), "<=", -o.lse(o.vscale(-1, v.z)))]),
        ),
        Claim(
            "lemma3/m-ge-2",
            "App. A, Lemma 3",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma3_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            two,
            lemma3_derivation("lemma2/m-ge-2"),
            _every(two),
            aliases=("lemma3/m>=2",),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.min(v.z) - _log_m(o, v) / 2, "<=", -o.lse(o.vscale(-1, v.z)))
                ]
            ),
        ),
        Claim(
            "lemma4",
            "App. A, Lemma 4",
            "as printed (LSE is 1-Lipschitz in ‖·‖∞)",
            "inequality",
            "z, y ∈ ℝᵐ",
            lemma4_statement,
            lambda: _LSE(pair=True),
            pair,
            lemma4_derivation,
            _every(pair),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        o.abs(o.lse(v.z) - o.lse(v.y)),
                        "<=",
                        o.inf_norm(o.vadd(v.z, o.vscale(-1, v.y))) / 2,
                    )
                ]
            ),
        ),
        Claim(
            "softmax-grad",
            "§2 (background)",
            "softmax is the gradient of LSE",
            "identity",
            "z ∈ ℝᵐ",
            softmax_statement,
            lambda: _LSE(max_m=16),
            one,
            softmax_derivation,
            _every(one),
            uses=("ramsauer2020:lemma-a18",),
            wrong=dict(statement=lambda o, v: [Rel(o.grad_lse(v.z, 0), "==", o.exp(v.z[0]))]),
        ),
    ]
