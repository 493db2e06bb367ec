"""Appendix A of Niu et al. (arXiv:2405.08707v2): the LogSumExp lemmas as claims.

Notation: z, y ∈ ℝᵐ, λ ∈ [0, 1]; LSE(z) = log Σᵢ exp(zᵢ); m the length of z.

Each claim states the paper's text **as printed** under its label (``lemma2``…); where a
printed statement may fail, the strongest corrected statement we can prove is a separate
reading ``<label>/<reading>``. Each claim carries its wrong variant (``wrong=``): the broken
statement the mutation test must see refuted. Verdicts are not written here.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations import strategies as S
from derivations.engine import (
    Algebra,
    Cites,
    Claim,
    Combine,
    Monotone,
    Rel,
    Step,
    Wlog,
)
from derivations.niu2024.common import (
    wlog_vec,
    zsizes,
    zsym,
    zvec,
)

SECTION = "A"


def lemma1_statement(ops, v):
    mix = ops.vadd(ops.vscale(v.lam, v.z), ops.vscale(1 - v.lam, v.y))
    return [
        Rel(ops.lse(mix), "<=", v.lam * ops.lse(v.z) + (1 - v.lam) * ops.lse(v.y), "LSE(λz+(1−λ)y)")
    ]


def tangent_statement(ops, v):
    m = len(v.z) if not isinstance(v.z, sp.Symbol) else None
    if m is None:
        p = sp.Function(r"\operatorname{softmax}")(v.z)
        return [
            Rel(
                ops.lse(v.z) + sp.Function(r"\langle")(p, v.y - v.z),
                "<=",
                ops.lse(v.y),
                "tangent plane",
            )
        ]
    lin = sum((ops.softmax(v.z, k) * (v.y[k] - v.z[k]) for k in range(m)), ops.num(0))
    return [Rel(ops.lse(v.z) + lin, "<=", ops.lse(v.y), "tangent plane")]


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
    """max z (<)≤ LSE(z) ≤ max z + log m, on z = (a, a − u₂, …) with u ≥ 0 (WLOG)."""

    def derivation(ops, v):
        a, us, z = v.a, v.us, v.z
        m = len(z)
        tail = sp.Add(*[sp.exp(-u) for u in us])
        steps = [
            Step(
                Rel(ops.max(z), "==", a),
                "WLOG the maximum is the first entry",
                Wlog(SimpleNamespace(z=zvec(m)), "z"),
            ),
            Step(
                Rel(ops.lse(z), "==", a + sp.log(1 + tail)),
                "factor exp(a) out of the sum",
                Algebra(),
            ),
            Step(
                Rel(ops.max(z), "<" if strict else "<=", ops.lse(z)),
                "log(1 + Σ exp(−uᵢ)) " + ("> 0 (m ≥ 2)" if strict else "≥ 0"),
                Algebra(),
            ),
        ]
        first = len(steps)
        for u in us:
            steps.append(Step(Rel(-u, "<=", sp.Integer(0)), "uᵢ ≥ 0", Algebra()))
            t = sp.Dummy("t")
            steps.append(
                Step(
                    Rel(sp.exp(-u), "<=", sp.Integer(1)),
                    "exp is increasing",
                    Monotone(len(steps) - 1, sp.Lambda(t, sp.exp(t))),
                )
            )
        bound_idx = [first + 2 * j + 1 for j in range(len(us))]
        steps.append(
            Step(
                Rel(1 + tail, "<=", sp.Integer(m)),
                "sum of the m bounds",
                Combine(tuple((i, 1) for i in bound_idx)),
            )
        )
        t = sp.Dummy("t", positive=True)
        steps.append(
            Step(
                Rel(sp.log(1 + tail), "<=", sp.log(m)),
                "log is increasing on (0, ∞)",
                Monotone(len(steps) - 1, sp.Lambda(t, sp.log(t)), "positive"),
            )
        )
        k = len(steps) - 1
        steps.append(
            Step(
                Rel(ops.lse(z), "<=", a + sp.log(m)),
                "add a to both sides",
                Combine(((k, 1), (1, 1))),
            )
        )
        steps.append(
            Step(
                Rel(ops.lse(z), "<=", ops.max(z) + sp.log(m)),
                "max z = a",
                Combine(((k + 1, 1), (0, -1))),
            )
        )
        return steps

    return derivation


def _lemma2_sizes(ms):
    def make():
        out = []
        for m in ms:
            a, us, z = wlog_vec(m)
            out.append(SimpleNamespace(a=a, us=us, z=z))
        return out

    return make


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
        neg = [-t for t in v.z]
        m = len(v.z)
        w = SimpleNamespace(z=neg)
        soft = -ops.lse(neg)
        return [
            Step(lemma2_for(cite)(ops, w)[0], "Lemma 2 at −z (lower bound)", Cites(cite, w)),
            Step(lemma2_for(cite)(ops, w)[1], "Lemma 2 at −z (upper bound)", Cites(cite, w)),
            Step(Rel(ops.max(neg), "==", -ops.min(v.z)), "max(−z) = −min z", Algebra()),
            Step(
                Rel(soft, lemma2_for(cite)(ops, w)[0].op, ops.min(v.z)),
                "negate step 1",
                Combine(((0, 1), (2, -1))),
            ),
            Step(
                Rel(ops.min(v.z) - sp.log(m), "<=", soft),
                "negate step 2",
                Combine(((1, 1), (2, 1))),
            ),
        ]

    return derivation


def lemma2_for(cid: str):
    return {
        "lemma2": lemma2_statement(True),
        "lemma2/nonstrict": lemma2_statement(False),
        "lemma2/m>=2": lemma2_statement(True),
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


def softmax_statement(ops, v):
    if isinstance(v.z, sp.Symbol):
        k = sp.Symbol("k", integer=True)
        return [
            Rel(
                sp.Derivative(sp.Function(r"\operatorname{LSE}")(v.z), sp.Indexed("z", k)),
                "==",
                sp.Function(r"\operatorname{softmax}")(v.z),
                "∂LSE/∂z_k",
            )
        ]
    return [
        Rel(ops.grad_lse(v.z, k), "==", ops.softmax(v.z, k), f"∂LSE/∂z_{k + 1}")
        for k in range(len(v.z))
    ]


def softmax_derivation(ops, v):
    return [
        Step(r, "SymPy differentiates LogSumExp (fdiff)", Algebra())
        for r in softmax_statement(ops, v)
    ]


_LSE = S.lse_instances


def _log_m(ops, v):
    """log m for the wrong variants."""
    return ops.log(ops.length(v.z))


def claims() -> list[Claim]:
    """Appendix A claims, in dependency order."""
    zdisp = zsym
    return [
        Claim(
            "lemma1",
            "App. A, Lemma 1",
            "as printed (convexity of LSE)",
            "inequality",
            "z, y ∈ ℝᵐ, λ ∈ [0, 1]",
            lemma1_statement,
            lambda: _LSE(pair=True),
            zdisp,
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
            zdisp,
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
            zdisp,
            lemma2_derivation(True),
            _lemma2_sizes((1, 2, 3)),
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
            zdisp,
            lemma2_derivation(False),
            _lemma2_sizes((1, 2, 3, 4)),
            wrong=dict(statement=lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z))]),
        ),
        Claim(
            "lemma2/m>=2",
            "App. A, Lemma 2",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma2_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            zdisp,
            lemma2_derivation(True),
            _lemma2_sizes((2, 3, 4)),
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
            zdisp,
            lemma3_derivation("lemma2"),
            zsizes((1, 2, 3)),
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
            zdisp,
            lemma3_derivation("lemma2/nonstrict"),
            zsizes((1, 2, 3)),
            wrong=dict(statement=lambda o, v: [Rel(o.min(v.z), "<=", -o.lse(o.vscale(-1, v.z)))]),
        ),
        Claim(
            "lemma3/m>=2",
            "App. A, Lemma 3",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma3_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            zdisp,
            lemma3_derivation("lemma2/m>=2"),
            zsizes((2, 3, 4)),
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
            zdisp,
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
            zdisp,
            softmax_derivation,
            zsizes((1, 2, 3)),
            wrong=dict(statement=lambda o, v: [Rel(o.grad_lse(v.z, 0), "==", o.exp(v.z[0]))]),
        ),
    ]
