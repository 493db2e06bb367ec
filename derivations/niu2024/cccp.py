"""Our extension on Niu et al.'s Eq. (4): the energy as a difference of convex functions
and its CCCP step (attention), as claims.

Notation: patterns ρⁱ (rows of P; M = Pᵀ), query x, u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ,
x⁺ = M softmax(u(x)), Q(y; x) the CCCP surrogate.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations import strategies as S
from derivations.engine import Claim, Rel, Step
from derivations.engine.kernel import algebra, cites, combine, differentiate
from derivations.niu2024.energies import every_size, pattern_space
from derivations.niu2024.lemmas import tangent_statement
from theory.indexed import PatternSet, index, named, notation

SECTION = "ext"

notation(
    "Q",
    r"Q\left($0; $1\right)",
    "Q($0; $1)",
    False,
    "Q(y; x) = ‖y‖² − LSE(u(x)) − Σᵢ softmax(u(x))ᵢ (uᵢ(y) − uᵢ(x)), the CCCP surrogate",
)


def dc_statement(ops, v):
    """E(x) = ‖x‖² − LSE(2Mᵀx − (‖ρⁱ‖²)ᵢ): convex minus convex (Lemma 1)."""
    return [
        Rel(
            ops.energy(v.P, v.x),
            "==",
            ops.sqnorm(v.x) - ops.lse(ops.dc_argument(v.P, v.x)),
            "DC split",
        )
    ]


def cccp_step_statement(ops, v):
    """x⁺ = M softmax(u(x)) solves ∇‖·‖²(x⁺) = ∇ₓLSE(u(x)) (the CCCP/MM step)."""
    if isinstance(v.P, PatternSet):
        k = v.P.k
        half = sp.Derivative(ops.lse(ops.dc_argument(v.P, v.x)), v.x.base()[k]) / 2
        return [Rel(ops.cccp_step(v.P, v.x)[k], "==", half, "CCCP step", over=(k, 1, v.P.n))]
    u = ops.dc_argument(v.P, v.x)
    step = ops.cccp_step(v.P, v.x)
    d = len(u) if not hasattr(u, "shape") else u.shape[0]
    n = len(v.x) if not hasattr(v.x, "shape") else v.x.shape[0]
    grads = [ops.grad_lse(u, i) for i in range(d)]
    rows = v.P
    out = []
    for k in range(n):
        # ∂LSE(u(x))/∂x_k = Σᵢ ∂LSE/∂uᵢ · 2ρⁱ_k; half of it is the fixed point equation's rhs
        half = sum((grads[i] * _entry(rows, i, k) for i in range(d)), ops.num(0))
        out.append(Rel(step[k], "==", half, f"x⁺_{k + 1}"))
    return out


def _entry(P, i, k):
    """ρⁱ_k from a SymPy matrix or torch tensor (``P[i, k]``) or nested lists (mpmath)."""
    return P[i][k] if isinstance(P, list) else P[i, k]


def cccp_descent_statement(ops, v):
    """E(x⁺) ≤ E(x): the energy never increases along the CCCP iteration."""
    return [
        Rel(ops.energy(v.P, ops.cccp_step(v.P, v.x)), "<=", ops.energy(v.P, v.x), "E(x⁺) ≤ E(x)")
    ]


def _surrogate(ops, v, y):
    """Q(y; x) = ‖y‖² − LSE(u(x)) − Σᵢ pᵢ (uᵢ(y) − uᵢ(x)), p = softmax(u(x))."""
    ux = ops.dc_argument(v.P, v.x)
    uy = ops.dc_argument(v.P, y)
    i = ux.var
    lin = sp.Sum(ops.softmax(ux, i) * (uy[i] - ux[i]), (i, 1, ux.length))
    q = ops.sqnorm(y) - ops.lse(ux) - lin
    return named("Q", q, y.shown, v.x.shown)


def cccp_descent_derivation(ops, v):
    """E(x⁺) ≤ Q(x⁺; x) ≤ Q(x; x) = E(x): Q majorizes E (the tangent plane of LSE) and x⁺
    minimizes Q(·; x) (Q(x; x) − Q(x⁺; x) = ‖x − x⁺‖²)."""
    x = v.x
    xp = ops.cccp_step(v.P, x)
    ux, up = ops.dc_argument(v.P, x), ops.dc_argument(v.P, xp)
    tan = SimpleNamespace(z=ux, y=up)
    qx, qp = _surrogate(ops, v, x), _surrogate(ops, v, xp)
    k = v.P.k
    gap = sp.Sum((x[k] - xp[k]) ** 2, (k, 1, v.P.n))
    return [
        Step(
            tangent_statement(ops, tan)[0],
            "LSE lies above its tangent plane at u(x)",
            cites("lemma1/tangent", tan),
        ),
        Step(
            Rel(ops.energy(v.P, xp), "==", ops.sqnorm(xp) - ops.lse(up)),
            "DC split at x⁺",
            cites("ext/cccp-dc", SimpleNamespace(P=v.P, x=xp)),
        ),
        Step(Rel(qp, "==", qp.definition), "the surrogate Q at x⁺", algebra(unfold=("Q",))),
        Step(
            Rel(ops.energy(v.P, xp), "<=", qp),
            "E ≤ Q(·; x) (majorization)",
            combine((0, 1), (1, 1), (2, -1)),
        ),
        Step(Rel(qx, "==", ops.energy(v.P, x)), "Q touches E at x", algebra(unfold=("Q", "E"))),
        Step(
            Rel(qx - qp, "==", gap),
            "Q(·; x) is ‖y − x⁺‖² + const: x⁺ is its minimizer",
            algebra(unfold=("Q", "xplus")),
        ),
        Step(Rel(0, "<=", gap), "a sum of squares", algebra()),
        Step(Rel(qp, "<=", qx), "Q(x; x) − Q(x⁺; x) = ‖x − x⁺‖² ≥ 0", combine((5, -1), (6, 1))),
        Step(
            cccp_descent_statement(ops, v)[0],
            "E(x⁺) ≤ Q(x⁺; x) ≤ Q(x; x) = E(x)",
            combine((3, 1), (7, 1), (4, 1)),
        ),
    ]


def _dc_derivation(ops, v):
    return [
        Step(
            dc_statement(ops, v)[0],
            "expand −‖x − ρⁱ‖² = −‖x‖² + 2⟨x, ρⁱ⟩ − ‖ρⁱ‖², pull −‖x‖² out of the LSE",
            algebra(unfold=("E",)),
        )
    ]


def _cccp_step_derivation(ops, v):
    """The chain rule through LSE, then the definition of x⁺."""
    P, x = v.P, v.x
    k, i = P.k, index("i")
    u = ops.dc_argument(P, x)
    every = (k, 1, P.n)
    lhs = cccp_step_statement(ops, v)[0]
    grad = sp.Derivative(ops.lse(u), x.base()[k])
    weighted = sp.Sum(ops.softmax(u, i) * P.rho[i, k], (i, 1, P.d))
    return [
        Step(
            Rel(grad, "==", 2 * weighted, over=every),
            "∂LSE(u)/∂x_k = Σᵢ softmax(u)ᵢ ∂uᵢ/∂x_k with ∂uᵢ/∂x_k = 2ρⁱ_k",
            differentiate(),
        ),
        Step(
            Rel(ops.cccp_step(P, x)[k], "==", weighted, over=every),
            "the definition of x⁺",
            algebra(unfold=("xplus",)),
        ),
        Step(lhs, "half the gradient is x⁺", combine((0, -sp.Rational(1, 2)), (1, 1))),
    ]


_PAT = S.pattern_instances


def claims() -> list[Claim]:
    """The CCCP extension claims."""
    return [
        Claim(
            "ext/cccp-dc",
            "extension (ours), on Eq. (4)",
            "E is a difference of convex functions: ‖x‖² − LSE(2Mᵀx − ‖ρ‖²)",
            "identity",
            "patterns, x ∈ ℝⁿ",
            dc_statement,
            lambda: _PAT(),
            pattern_space,
            _dc_derivation,
            every_size,
            extension=True,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        o.energy(v.P, v.x),
                        "==",
                        o.sqnorm(v.x) - o.lse([t / 2 for t in o.dc_argument(v.P, v.x)]),
                    )
                ]
            ),
        ),
        Claim(
            "ext/cccp-step",
            "extension (ours), on Eq. (4)",
            "the CCCP step x⁺ = M softmax(2Mᵀx "
            "− ‖ρ‖²) (attention, keys = values = ρ, β = 2, bias −‖ρⁱ‖²) solves "
            "∇‖x⁺‖² = ∇LSE(u(x))",
            "identity",
            "patterns, x ∈ ℝⁿ",
            cccp_step_statement,
            lambda: _PAT(max_d=16, max_n=8),
            pattern_space,
            _cccp_step_derivation,
            every_size,
            extension=True,
            uses=("ramsauer2020:eq3", "ramsauer2020:eq10"),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        o.cccp_step(v.P, v.x)[0],
                        "==",
                        o.cccp_step(
                            v.P, [2 * t for t in v.x] if isinstance(v.x, list) else 2 * v.x
                        )[0],
                    )
                ]
            ),
        ),
        Claim(
            "ext/cccp-descent",
            "extension (ours), on Eq. (4)",
            "the energy never increases along the CCCP iteration",
            "inequality",
            "patterns, x ∈ ℝⁿ",
            cccp_descent_statement,
            lambda: _PAT(),
            pattern_space,
            cccp_descent_derivation,
            every_size,
            extension=True,
            uses=("ramsauer2020:thm1", "ramsauer2020:thm2/decrease"),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.energy(v.P, v.x), "<=", o.energy(v.P, o.cccp_step(v.P, v.x)))
                ]
            ),
        ),
    ]
