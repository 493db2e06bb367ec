"""Our extension on Niu et al.'s Eq. (4): the energy as a difference of convex functions
and its CCCP step (attention), as claims.

Notation: patterns ρⁱ (rows of P; M = Pᵀ), query x, u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ,
x⁺ = M softmax(u(x)), Q(y; x) the CCCP surrogate.
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
    Rel,
    Step,
)
from derivations.niu2024.common import (
    pattern_sizes,
    patterns_display,
)
from derivations.niu2024.lemmas import tangent_statement
from theory.energies import SymbolicPatterns

SECTION = "ext"


def dc_statement(ops, v):
    """E(x) = ‖x‖² − LSE(2Mᵀx − (‖ρⁱ‖²)ᵢ): convex minus convex (Lemma 1)."""
    if isinstance(v.P, SymbolicPatterns):
        u = sp.Function("u")(v.x)
        return [
            Rel(
                ops.energy(v.P, v.x),
                "==",
                sp.Sum(v.x[v.P.k] ** 2, (v.P.k, 1, v.P.n)) - sp.Function(r"\operatorname{LSE}")(u),
                "DC split",
            )
        ]
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
    if isinstance(v.P, SymbolicPatterns):
        half_grad = sp.Function(r"\frac{1}{2}\nabla_x \operatorname{LSE}")
        return [Rel(sp.Symbol("x^{+}"), "==", half_grad(sp.Function("u")(v.x)), "CCCP step")]
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
    if isinstance(v.P, SymbolicPatterns):
        xp = sp.IndexedBase("x^{+}")
        return [Rel(ops.energy(v.P, xp), "<=", ops.energy(v.P, v.x), "E(x⁺) ≤ E(x)")]
    return [
        Rel(ops.energy(v.P, ops.cccp_step(v.P, v.x)), "<=", ops.energy(v.P, v.x), "E(x⁺) ≤ E(x)")
    ]


def _surrogate(ops, v, y):
    """Q(y; x) = ‖y‖² − LSE(u(x)) − Σᵢ pᵢ (uᵢ(y) − uᵢ(x)), p = softmax(u(x))."""
    ux = ops.dc_argument(v.P, v.x)
    uy = ops.dc_argument(v.P, y)
    lin = sp.Add(*[ops.softmax(ux, i) * (uy[i] - ux[i]) for i in range(len(ux))])
    return ops.sqnorm(y) - ops.lse(ux) - lin


def cccp_descent_derivation(ops, v):
    x = v.x
    xp = ops.cccp_step(v.P, x)
    ux = ops.dc_argument(v.P, x)
    uy = ops.dc_argument(v.P, xp)
    tan = SimpleNamespace(z=ux, y=uy)
    Qx = _surrogate(ops, v, x)
    Qp = _surrogate(ops, v, xp)
    diff2 = ops.sqnorm([a - b for a, b in zip(x, xp, strict=True)])
    return [
        Step(
            tangent_statement(ops, tan)[0],
            "LSE lies above its tangent plane at u(x)",
            Cites("lemma1/tangent", tan),
        ),
        Step(
            Rel(ops.energy(v.P, xp), "==", ops.sqnorm(xp) - ops.lse(uy)),
            "DC split at x⁺",
            Cites("ext/cccp-dc", SimpleNamespace(P=v.P, x=xp)),
        ),
        Step(
            Rel(ops.energy(v.P, xp), "<=", Qp),
            "E ≤ Q(·; x) (majorization)",
            Combine(((0, 1), (1, 1))),
        ),
        Step(Rel(Qx, "==", ops.energy(v.P, x)), "Q touches E at x", Algebra()),
        Step(
            Rel(Qx - Qp, "==", diff2),
            "Q(·; x) is ‖y − x⁺‖² + const: x⁺ is its minimizer",
            Algebra(),
        ),
        Step(Rel(Qp, "<=", Qx), "‖x − x⁺‖² ≥ 0", Combine(((4, -1),))),
        Step(
            Rel(ops.energy(v.P, xp), "<=", ops.energy(v.P, x)),
            "chain",
            Combine(((2, 1), (5, 1), (3, 1))),
        ),
    ]


def _dc_derivation(ops, v):
    return [
        Step(
            dc_statement(ops, v)[0],
            "expand −‖x − ρⁱ‖² = −‖x‖² + 2xᵀρⁱ − ‖ρⁱ‖², pull −‖x‖² out of the LSE",
            Algebra(),
        )
    ]


def _cccp_step_derivation(ops, v):
    return [
        Step(r, "differentiate and compare (SymPy)", Algebra()) for r in cccp_step_statement(ops, v)
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
            patterns_display,
            _dc_derivation,
            pattern_sizes(((1, 1), (2, 1), (2, 2))),
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
            patterns_display,
            _cccp_step_derivation,
            pattern_sizes(((1, 1), (2, 1), (2, 2))),
            extension=True,
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
            patterns_display,
            cccp_descent_derivation,
            pattern_sizes(((1, 1), (2, 1))),
            extension=True,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.energy(v.P, v.x), "<=", o.energy(v.P, o.cccp_step(v.P, v.x)))
                ]
            ),
        ),
    ]
