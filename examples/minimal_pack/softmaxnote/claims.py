"""The note's statements as claims (z ∈ ℝᵐ; LSE(z) = log Σ exp zᵢ; softmax(z) = ∇LSE(z)).

Each claim is written once over the engine's back ends (``ops``) and gets its wrong variant
(``wrong=``), which the mutation test must see refuted.
"""

import mpmath
import sympy as sp

from derivations import strategies as S
from derivations.engine import Claim, Rel, Word, register

SECTION = "main"

# A word of this pack's own vocabulary, on every back end (ops.mean(z)).
register(
    Word(
        "mean",
        "the arithmetic mean of a vector",
        sympy=lambda o, z: sp.Add(*z) / len(z),
        mpmath=lambda o, z: mpmath.fsum(z) / len(z),
        torch=lambda o, z: z.mean(),
        arb=lambda o, z: sum(z[1:], z[0]) / len(z),  # balls (python-flint): the certified search
    )
)


def lse_above_mean(ops, v):
    """Statement 1: LSE(z) ≥ mean(z) + log m (Jensen)."""
    return [Rel(ops.lse(v.z), ">=", ops.mean(v.z) + ops.log(ops.length(v.z)), "Jensen")]


def softmax_sums_to_one(ops, v):
    """Statement 2: Σₖ softmax(z)ₖ = 1."""
    total = sum(ops.softmax(v.z, k) for k in range(len(v.z)))
    return [Rel(total, "==", ops.num(1), "Σ softmax = 1")]


def lse_below_max(ops, v):
    """Statement 3, as the note prints it: LSE(z) ≤ max z (false for m ≥ 2)."""
    return [Rel(ops.lse(v.z), "<=", ops.max(v.z), "LSE ≤ max")]


def claims():
    z = S.lse_instances
    return [
        Claim(
            "lse-mean",
            "Statement 1",
            "as printed",
            "inequality",
            "z ∈ ℝᵐ",
            lse_above_mean,
            lambda: z(),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.lse(v.z), ">=", o.mean(v.z) + 2 * o.log(o.length(v.z)))
                ]
            ),
        ),
        Claim(
            "softmax-sum",
            "Statement 2",
            "as printed",
            "identity",
            "z ∈ ℝᵐ",
            softmax_sums_to_one,
            lambda: z(),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(sum(o.exp(v.z[k]) for k in range(len(v.z))), "==", o.num(1))
                ]
            ),
        ),
        Claim(
            "lse-max",
            "Statement 3",
            "as printed",
            "inequality",
            "z ∈ ℝᵐ",
            lse_below_max,
            lambda: z(),
            wrong=dict(statement=lambda o, v: [Rel(o.lse(v.z), "<=", o.max(v.z) - 1)]),
        ),
    ]
