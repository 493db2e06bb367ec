"""The limit statements of Ramsauer et al. (arXiv:2008.02217v3) — Theorem 1's limit and
Theorem 2 (§3, A.1.3) — and the cited Theorem A10 (Demircigil et al. 2017), with the label
they deserve: a limit is not decided by a finite computation, so these claims are
*inconclusive*, each with the finite evidence that was computed and said as such.

Notation: ξ^{t+1} = f(ξ^t) (Eq. 3), E (Eq. 2); I(a) = ½((1+a)ln(1+a) + (1−a)ln(1−a)).
Instances: seeded Gaussian patterns (N ≤ 8, d ≤ 4), β ∈ [0.2, 5], float64 iteration.
"""

from __future__ import annotations

import flint
import numpy as np

from derivations.engine import Claim, Computed
from derivations.ramsauer2020.common import counterexample, dstr

SECTION = "energy"
A = flint.arb
STEPS = 400


def _energy(P, x, beta):
    s = beta * (P @ x)
    m = s.max()
    lse = (m + np.log(np.exp(s - m).sum())) / beta
    return -lse + 0.5 * x @ x + np.log(len(P)) / beta + 0.5 * (P * P).sum(1).max()


def _update(P, x, beta):
    s = beta * (P @ x)
    w = np.exp(s - s.max())
    return (w / w.sum()) @ P


def _runs(examples: int, seed: int):
    rng = np.random.default_rng(seed)
    for k in range(max(1, min(examples, 30))):
        n, d = int(rng.integers(2, 9)), int(rng.integers(1, 5))
        P = rng.standard_normal((n, d)) * rng.uniform(0.3, 3)
        beta = float(rng.uniform(0.2, 5))
        x = rng.standard_normal(d) * 3
        E, steps = [_energy(P, x, beta)], []
        for _ in range(STEPS):
            nx = _update(P, x, beta)
            steps.append(float(np.linalg.norm(nx - x)))
            x = nx
            E.append(_energy(P, x, beta))
        yield k, P, beta, np.array(E), np.array(steps)


def limit_compute(part: str):
    """Finite evidence for Theorem 1's limit (``"thm1"``) or Theorem 2 (``"thm2"``)."""

    def compute(examples: int, seed: int) -> Computed:
        rises, last_steps, drops = 0, [], []
        runs = 0
        for _k, _P, _beta, E, steps in _runs(examples, seed):
            runs += 1
            rises += int((np.diff(E) > 1e-12 * (1 + np.abs(E[:-1]))).sum())
            last_steps.append(steps[-1])
            drops.append(E[0] - E[-1])
        vals = {
            "runs": runs,
            "steps_each": STEPS,
            "energy_rises_beyond_1e-12_relative": rises,
            "largest_final_step": max(last_steps),
            "median_final_step": float(np.median(last_steps)),
        }
        what = (
            "E(ξ^t) → E(ξ*) for a fixed point ξ*"
            if part == "thm1"
            else "‖ξ^{t+1} − ξ^t‖ → 0, the limit points form a connected compact set of stationary "
            "points, convergence when that set is finite"
        )
        ev = (
            f"inconclusive: an asymptotic statement ({what}) is not decided by a finite "
            f"computation. Finite evidence (float64, {runs} seeded runs of {STEPS} steps): the "
            f"energy never rose by more than 1e-12 relative ({rises} rises); final step lengths "
            f"≤ {max(last_steps):.1e} (median {np.median(last_steps):.1e}). The per-step "
            "descent is claim thm1, the sufficient decrease thm2/decrease, the lower bound "
            "E ≥ 0 lemma-a1: together they show E(ξ^t) converges, not that the limit is a "
            "fixed point's energy"
        )
        return Computed(None, ev, vals, None, False, runs * STEPS)

    return compute


def one_step_compute(examples: int, seed: int) -> Computed:
    """Wrong variant: one update reaches a fixed point, f(f(ξ)) = f(ξ) (certified ≠)."""
    P = [[A(1), A(0)], [A(0), A(1)]]
    x, beta = [A(0.5), A(0)], A(1)

    def f(z):
        s = [beta * (r[0] * z[0] + r[1] * z[1]) for r in P]
        e = [t.exp() for t in s]
        tot = e[0] + e[1]
        return [(e[0] * P[0][k] + e[1] * P[1][k]) / tot for k in range(2)]

    y = f(x)
    gap = abs(f(y)[0] - y[0]) + abs(f(y)[1] - y[1])
    ok = not (gap > 0)
    cx = (
        None
        if ok
        else counterexample(
            {"beta": 1},
            gap,
            0,
            "‖f(f(ξ)) − f(ξ)‖₁ = 0",
            gap,
            patterns=[[1.0, 0.0], [0.0, 1.0]],
            x=[0.5, 0.0],
        )
    )
    return Computed(ok, f"‖f(f(ξ)) − f(ξ)‖₁ = {dstr(gap, 6)} [certified]", {}, cx, True, 1)


def I(a):  # noqa: E743,N802 - the paper's I
    a = A(a)
    return ((1 + a) * (1 + a).log() + (1 - a) * (1 - a).log()) / 2


def a10_compute(rhos=("0.1", "0.2", "0.3"), claim_above: str | None = None):
    """Theorem A10 (cited): the thresholds I(1 − 2ϱ)/2 on α are computed; the limit statement
    itself is not checked. ``claim_above``: a wrong variant's claim that the threshold at
    ϱ = 0.1 exceeds that value."""

    def compute(examples: int, seed: int) -> Computed:
        rows = [{"rho": r, "alpha_threshold": dstr(I(1 - 2 * A(r)) / 2, 10)} for r in rhos]
        if claim_above is not None:
            v = I(1 - 2 * A(rhos[0])) / 2
            bad = not (v > A(claim_above))
            cx = (
                None
                if not bad
                else counterexample(
                    {"rho": rhos[0]},
                    v,
                    A(claim_above),
                    f"I(1 − 2ϱ)/2 > {claim_above}",
                    A(claim_above) - v,
                )
            )
            return Computed(
                not bad,
                f"I(1 − 2ϱ)/2 = {rows[0]['alpha_threshold'][:8]} at ϱ = {rhos[0]} [certified]",
                {"rows": rows},
                cx,
                True,
                1,
            )
        ev = (
            "inconclusive: cited (Demircigil et al. 2017) and asymptotic (a probability tending to "
            "1 "
            "as d → ∞), not checked by finite computation. Computed: the admissible α < I(1 − "
            "2ϱ)/2 = "
            + ", ".join(f"{r['alpha_threshold'][:7]} (ϱ = {r['rho']})" for r in rows)
            + ", i.e. N = e^{αd} + 1 patterns"
        )
        return Computed(None, ev, {"rows": rows}, None, False, len(rows))

    return compute


def claims() -> list[Claim]:
    comp = "computation"
    return [
        Claim(
            "thm1/limit",
            "§3, Theorem 1; App. A.1.3, Theorem A1",
            "E(ξ^t) → E(ξ*) as t → ∞ for a fixed point ξ* (the limit statement)",
            comp,
            "patterns, any start, β > 0",
            compute=limit_compute("thm1"),
            uses=("thm1", "lemma-a1", "thm2/decrease"),
            aliases=("thm-a1/limit",),
            wrong=dict(compute=one_step_compute),
        ),
        Claim(
            "thm2",
            "§3, Theorem 2; App. A.1.3, Theorem A2",
            "‖ξ^{t+1} − ξ^t‖ → 0; the limit "
            "points of (ξ^t) form a connected compact set of stationary points with E = E*; "
            "convergence when that set is finite",
            comp,
            "patterns, any start, β > 0",
            compute=limit_compute("thm2"),
            uses=("thm2/decrease", "eq3/bound", "eq2/gradient"),
            aliases=("thm-a2",),
            wrong=dict(compute=one_step_compute),
        ),
        Claim(
            "thm-a10",
            "App. A.1.5, Theorem A10 (Demircigil et al. 2017; cited)",
            "binary modern "
            "Hopfield nets with F(x) = eˣ correct ϱd random bit errors in one sweep with "
            "probability → 1 for N = e^{αd} + 1 random patterns, α < I(1 − 2ϱ)/2",
            comp,
            "d → ∞",
            compute=a10_compute(),
            wrong=dict(compute=a10_compute(claim_above="0.2")),
        ),
    ]
