"""Derivations for Section 5 / Appendix D claims of Niu et al. (arXiv:2405.08707v2) whose
statements live in :mod:`derivations.niu2024.special` (owned with the certified search):
Lemma 5 for every n ≥ 1 and r > 0.

Notation: n ≥ 1 a dimension (a size symbol), r > 0 a radius, t ∈ [0, r] the integration
variable, γ(n, r) = ∫₀^r t^{n−1} e^{−t} dt the lower incomplete gamma function.

The claim ``lemma5`` takes them as ``derivation=lemma5_derivation,
derivation_sizes=lemma5_sizes``.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine.kernel import (
    algebra,
    combine,
    in_range,
    integral_bound,
    integrate,
    monotone,
)
from theory.indexed import Size

__all__ = ["lemma5_derivation", "lemma5_sizes", "lemma5_space"]

_T = sp.Dummy("t", real=True)
_TP = sp.Dummy("t", positive=True)
EXP = sp.Lambda(_T, sp.exp(_T))
LOG = sp.Lambda(_TP, sp.log(_TP))


def lemma5_space():
    """n ≥ 1 (every dimension at once) and r > 0."""
    return SimpleNamespace(n=Size("n"), r=sp.Symbol("r", positive=True))


def lemma5_sizes():
    return [lemma5_space()]


def lemma5_derivation(ops, v):
    """e^{−r} ≤ e^{−t} ≤ 1 on [0, r]; multiply by t^{n−1} ≥ 0 and integrate:
    (rⁿ/n) e^{−r} ≤ γ(n, r) ≤ rⁿ/n; then take logs (the statement is in logs)."""
    n, r = v.n, v.r
    t = sp.Symbol("t", nonnegative=True)
    rng = (t, 0, r)
    f = t ** (n - 1)
    gam = sp.lowergamma(n, r)
    upper = r**n / n
    lower = upper * sp.exp(-r)

    def integral(g):
        return sp.Integral(g, (t, 0, r))

    return [
        Step(Rel(t, "<=", r, over=rng), "t ≤ r on [0, r]", in_range()),
        Step(Rel(0, "<=", t, over=rng), "t ≥ 0 on [0, r]", in_range()),
        Step(Rel(-r, "<=", -t, over=rng), "negate", combine((0, 1))),
        Step(Rel(sp.exp(-r), "<=", sp.exp(-t), over=rng), "exp is increasing", monotone(2, EXP)),
        Step(
            Rel(f * sp.exp(-r), "<=", f * sp.exp(-t), over=rng),
            "multiply by t^{n−1} ≥ 0",
            combine((3, f)),
        ),
        Step(
            Rel(integral(f * sp.exp(-r)), "<=", integral(f * sp.exp(-t))),
            "integrate over [0, r]",
            integral_bound(4),
        ),
        Step(
            Rel(integral(f * sp.exp(-r)), "==", sp.exp(-r) * integral(f)),
            "e^{−r} is constant in t",
            algebra(),
        ),
        Step(Rel(integral(f), "==", upper), "∫₀^r t^{n−1} dt = rⁿ/n", integrate()),
        Step(
            Rel(integral(f * sp.exp(-t)), "==", gam),
            "the definition of γ(n, r)",
            integrate(),
        ),
        Step(
            Rel(lower, "<=", gam),
            "the lower bound",
            combine((5, 1), (6, -1), (7, -sp.exp(-r)), (8, 1)),
        ),
        Step(Rel(-t, "<=", 0, over=rng), "negate", combine((1, 1))),
        Step(Rel(sp.exp(-t), "<=", 1, over=rng), "exp is increasing", monotone(10, EXP)),
        Step(Rel(f * sp.exp(-t), "<=", f, over=rng), "multiply by t^{n−1} ≥ 0", combine((11, f))),
        Step(
            Rel(integral(f * sp.exp(-t)), "<=", integral(f)),
            "integrate over [0, r]",
            integral_bound(12),
        ),
        Step(Rel(gam, "<=", upper), "the upper bound", combine((13, 1), (8, -1), (7, 1))),
        Step(Rel(0, "<", lower), "(rⁿ/n) e^{−r} > 0", algebra()),
        Step(Rel(0, "<", gam), "γ(n, r) ≥ (rⁿ/n) e^{−r} > 0", combine((9, 1), (15, 1))),
        Step(
            Rel(sp.log(lower), "<=", sp.log(gam)), "log is increasing", monotone(9, LOG, "positive")
        ),
        Step(
            Rel(sp.log(gam), "<=", sp.log(upper)),
            "log is increasing",
            monotone(14, LOG, "positive"),
        ),
    ]
