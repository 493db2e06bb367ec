"""The probabilistic statements of Ramsauer et al. (arXiv:2008.02217v3, App. A.1.5) tested by
seeded Monte Carlo on i.i.d. uniform patterns on the sphere (the model of the cited Brauchart
et al. 2018): Theorem 3 = A5, Lemma A13, Lemma A16 and Theorem A7's expected separation.

Notation as in :mod:`derivations.ramsauer2020.constants` and
:mod:`derivations.ramsauer2020.sphere`. A probability bound "≥ 1 − p" is decided by the exact
binomial test of :func:`~derivations.ramsauer2020.certified.binomial_test` at 99.9 %
confidence (refuted only if the failure rate is above p with that confidence, supported only
if it is below p with that confidence, else inconclusive); an expectation bound by Hoeffding's
inequality (:func:`~derivations.ramsauer2020.certified.mean_test`). Every constant is a ball;
every per-trial decision is certain (:func:`~derivations.ramsauer2020.sphere.decide_above`).
"""

from __future__ import annotations

import math

import numpy as np

from derivations.engine import Claim, Computed
from derivations.ramsauer2020 import constants as K
from derivations.ramsauer2020.certified import ALPHA, binomial_test, mean_test, q
from derivations.ramsauer2020.common import dstr
from derivations.ramsauer2020.sphere import cos_ball, decide_above, directions, max_cos

SECTION = "capacity"
A = K.A
#: Trials per setting for a claimed failure rate p: zero failures then certify rate < p.
TRIALS_PER_INV_P = 8.0


def _trials(p: float) -> int:
    return int(math.ceil(TRIALS_PER_INV_P / p))


def _thm3_settings(examples: int, seed: int) -> list[dict]:
    """The paper's two settings, then up to min(examples, 60)//15 seeded ones with the side
    condition met and 2 ≤ N ≤ 40 (p ∈ [0.01, 0.2], so the test needs ≤ 800 trials)."""
    out = [
        {"beta": "1", "K": "3", "d": 20, "p": "0.001"},
        {"beta": "1", "K": "1", "d": 75, "p": "0.001"},
    ]
    rng = np.random.default_rng(seed)
    want = min(examples, 60) // 15
    for _ in range(2000):
        if len(out) >= 2 + want:
            break
        s = {
            "beta": f"{rng.uniform(0.5, 2):.2f}",
            "K": f"{rng.uniform(0.5, 3):.2f}",
            "d": int(rng.integers(5, 41)),
            "p": f"{rng.uniform(0.01, 0.2):.3f}",
        }
        t = K.thm_a5(s["beta"], s["K"], s["d"], s["p"])
        n = float(t["N"].mid())
        if t["c"] >= t["side"] and 2 <= n <= 40:
            out.append(s)
    return out


def thm3_compute(radius_factor: str = "1", round_up: bool = True, random_settings: bool = True):
    """Theorem 3 / A5: with probability ≥ 1 − p, N = ⌈√p c^{(d−1)/4}⌉ random patterns on the
    sphere of radius K√(d−1) all meet Eq. 311 (``radius_factor``: a wrong variant puts the
    patterns on a smaller sphere than the constants assume)."""

    def compute(examples: int, seed: int) -> Computed:
        rows, worst, total = [], None, 0
        settings = _thm3_settings(examples if random_settings else 0, seed)
        for k, s in enumerate(settings):
            t = K.thm_a5(s["beta"], s["K"], s["d"], s["p"])
            nb = t["N"]
            n = int(math.ceil(float(nb.mid()))) if round_up else int(math.floor(float(nb.mid())))
            d, beta = s["d"], K.Q(s["beta"])
            m2 = (K.Q(s["K"]) * K.Q(radius_factor)) ** 2 * (d - 1)
            tau = 1 - K.eq311_rhs(n, beta, m2) / m2  # failure: cos_max > τ
            trials = _trials(float(s["p"]))
            U = directions(np.random.default_rng([seed, k]), trials, n, d)
            dec = decide_above(U, max_cos(U), float(tau.mid()), lambda prec, tau=tau: tau)
            fails = int(dec["above"].sum())
            res = binomial_test(fails, trials, q(s["p"]))
            total += trials
            rows.append(
                {
                    **s,
                    "N": n,
                    "c": dstr(t["c"]),
                    "trials": trials,
                    "failures": fails,
                    "rechecked_exactly": dec["rechecked"],
                    "holds": res.holds,
                    "decision": res.text,
                    **res.values,
                }
            )
            if res.holds is False or (res.holds is None and worst is None):
                worst = (s, n, res)
        refuted = [r for r in rows if r["holds"] is False]
        holds = False if refuted else (None if worst else True)
        head = "; ".join(
            f"(K={r['K']}, d={r['d']}, p={r['p']}): N={r['N']}, {r['failures']}/{r['trials']} fail"
            for r in rows
        )
        cx = None
        if refuted:
            r = refuted[0]
            cx = {
                "patterns": None,
                "x": None,
                "params": {k: r[k] for k in ("beta", "K", "d", "p", "N")},
                "lhs": str(r["failures"] / r["trials"]),
                "rhs": r["p"],
                "relation": "failure rate ≤ p (binomial test, 99.9 %)",
                "violation": r["decision"],
            }
        ev = f"{head}. " + (
            "Every failure rate is below its p with 99.9 % confidence (exact binomial test)"
            if holds
            else (rows[0]["decision"] if not refuted else refuted[0]["decision"])
        )
        return Computed(
            holds,
            ev,
            {
                "settings": rows,
                "trials_total": total,
                "model": "i.i.d. uniform on the sphere of radius K√(d−1)",
            },
            cx,
            False,
            total,
        )

    return compute


def _outcome(rows, oks, head: str, counterexample, ok_text: str, open_text: str):
    """(holds, evidence, counterexample) of seeded Monte Carlo settings whose tests gave
    ``oks`` (True / False / None): refuted by the first setting whose test rejects (its
    ``counterexample(row)`` fields, its decision as the violation), undecided while any test
    is open, else holds."""
    bad = next((r for r, ok in zip(rows, oks) if ok is False), None)
    holds = False if bad else (None if any(ok is None for ok in oks) else True)
    cx = None
    if bad is not None:
        cx = {"patterns": None, "x": None, **counterexample(bad), "violation": bad["decision"]}
    ev = head + ". " + (ok_text if holds else (bad["decision"] if bad else open_text))
    return holds, ev, cx


def lemma_a13_compute(
    settings=((2, 3, "0.3"), (10, 5, "0.3"), (50, 10, "0.2"), (20, 3, "0.5")),
    scale: int = 1,
    trials: int = 3000,
):
    """Lemma A13: Pr(N^{2/(d−1)} α_min < δ) ≤ (κ_{d−1}/2) δ^{d−1} =: q, at δ chosen for q."""

    def compute(examples: int, seed: int) -> Computed:
        rows, oks = [], []
        for k, (n, d, qs) in enumerate(settings):
            qq = K.Q(qs)
            delta = (2 * qq / K.kappa(d - 1)) ** (A(1) / (d - 1))
            theta = delta * A(n) ** (A(-2) / (d - 1))
            cos_t = theta.cos()
            U = directions(np.random.default_rng([seed, 13, k]), trials, n, d)
            dec = decide_above(U, max_cos(U), float(cos_t.mid()), lambda prec, c=cos_t: c)
            fails = int(dec["above"].sum())
            res = binomial_test(fails, trials, q(qs) / scale)
            rows.append(
                {
                    "N": n,
                    "d": d,
                    "claimed_rate": qs,
                    "delta": dstr(delta),
                    "failures": fails,
                    "trials": trials,
                    "decision": res.text,
                }
            )
            oks.append(res.holds)
        holds, ev, cx = _outcome(
            rows,
            oks,
            "; ".join(
                f"(N={r['N']}, d={r['d']}): {r['failures']}/{r['trials']} below δ, bound "
                f"{r['claimed_rate']}"
                for r in rows
            ),
            lambda bad: {
                "params": {k: bad[k] for k in ("N", "d", "delta")},
                "lhs": str(bad["failures"] / bad["trials"]),
                "rhs": bad["claimed_rate"],
                "relation": "Pr(N^{2/(d−1)}α_min < δ) ≤ (κ/2)δ^{d−1}",
            },
            "Each rate is below its bound with 99.9 % confidence",
            "some rates not decided at 99.9 %",
        )
        return Computed(holds, ev, {"settings": rows}, cx, False, trials * len(rows))

    return compute


def lemma_a16_compute(
    settings=((2, 3), (10, 5), (50, 10), (30, 20)), trials: int = 6000, factor: int = 1
):
    """Lemma A16: E[N^{2/(d−1)} α_min] ≥ C_{d−1}, by Hoeffding on the sample mean (each sample
    enclosed in a ball from the float cosine's rounding bound)."""

    def compute(examples: int, seed: int) -> Computed:
        rows, oks = [], []
        for k, (n, d) in enumerate(settings):
            U = directions(np.random.default_rng([seed, 16, k]), trials, n, d)
            cm = max_cos(U)
            scale = A(n) ** (A(2) / (d - 1))
            total = sum((cos_ball(c, d).acos() for c in cm), A(0)) * scale
            res = mean_test(total, trials, A.pi() * scale, K.C(d - 1) * factor, ALPHA)
            rows.append({"N": n, "d": d, "C": dstr(K.C(d - 1)), **res.values, "decision": res.text})
            oks.append(res.holds)
        holds, ev, cx = _outcome(
            rows,
            oks,
            "; ".join(
                f"(N={r['N']}, d={r['d']}): mean {r['sample_mean'][:6]} ± "
                f"{r['hoeffding_halfwidth'][:5]} vs C = {r['C'][:6]}"
                for r in rows
            ),
            lambda bad: {
                "params": {"N": bad["N"], "d": bad["d"]},
                "lhs": bad["sample_mean"],
                "rhs": bad["C"],
                "relation": "E[N^{2/(d−1)}α_min] ≥ C_{d−1} (Hoeffding, 99.9 %)",
            },
            "Each mean is above C_{d−1} with 99.9 % confidence (Hoeffding)",
            "not decided",
        )
        return Computed(holds, ev, {"settings": rows}, cx, False, trials * len(rows))

    return compute


def thm_a7_compute(dims=(17, 21), beta="1", Ks="3", c=2, trials: int = 4000, shift: float = 0.0):
    """Theorem A7: with N = c^{(d−1)/4} random patterns on the sphere of radius K√(d−1),
    E[Δ_min] = M²(1 − E[cos α_min]) ≥ 2/(βN) + β⁻¹ ln(2N²βM²) (Hoeffding, 99.9 %)."""

    def compute(examples: int, seed: int) -> Computed:
        rows, oks = [], []
        for k, d in enumerate(dims):
            n = int(round(c ** ((d - 1) / 4)))
            m2 = K.Q(Ks) ** 2 * (d - 1)
            U = directions(np.random.default_rng([seed, 7, k]), trials, n, d)
            total = sum((1 - cos_ball(cv, d) for cv in max_cos(U)), A(0)) * m2
            rhs = K.eq311_rhs(n, K.Q(beta), m2) + shift
            res = mean_test(total, trials, 2 * m2, rhs, ALPHA)
            rows.append({"d": d, "N": n, "rhs": dstr(rhs), **res.values, "decision": res.text})
            oks.append(res.holds)
        holds, ev, cx = _outcome(
            rows,
            oks,
            "; ".join(
                f"d={r['d']}, N={r['N']}: E[Δ_min] ≈ {r['sample_mean'][:6]} ± "
                f"{r['hoeffding_halfwidth'][:5]} vs {r['rhs'][:6]}"
                for r in rows
            ),
            lambda bad: {
                "params": {"d": bad["d"], "N": bad["N"]},
                "lhs": bad["sample_mean"],
                "rhs": bad["rhs"],
                "relation": "E[Δ_min] ≥ 2/(βN) + β⁻¹ln(2N²βM²)",
            },
            "The expected minimal separation meets the master inequality with 99.9 % confidence",
            "not decided",
        )
        return Computed(
            holds,
            ev,
            {"settings": rows, "beta": beta, "K": Ks, "c": c},
            cx,
            False,
            trials * len(rows),
        )

    return compute


def claims() -> list[Claim]:
    emp = "empirical"
    model = "N i.i.d. uniform points on the sphere (Brauchart et al.'s model)"
    return [
        Claim(
            "thm3",
            "§3, Theorem 3 (Eq. 4); App. A.1.5, Theorem A5 (Eqs. 334–335)",
            "with probability ≥ 1 − p, N = ⌈√p c^{(d−1)/4}⌉ random patterns on the sphere of "
            "radius "
            "K√(d−1) are all stored (meet Eq. 311)",
            emp,
            model + "; the paper's two settings and seeded ones",
            compute=thm3_compute(),
            aliases=("thm-a5",),
            wrong=dict(compute=thm3_compute(radius_factor="0.25", random_settings=False)),
        ),
        Claim(
            "lemma-a13",
            "App. A.1.5, Lemma A13 (Brauchart et al. 2018, Prop. 3.5; cited)",
            "Pr(N^{2/(d−1)} α_min ≥ δ) ≥ 1 − (κ_{d−1}/2) δ^{d−1}",
            emp,
            model,
            compute=lemma_a13_compute(),
            wrong=dict(compute=lemma_a13_compute(scale=20)),
        ),
        Claim(
            "lemma-a16",
            "App. A.1.5, Lemma A16 (Brauchart et al. 2018, Prop. 3.6; cited)",
            "E[N^{2/(d−1)} α_min] ≥ C_{d−1}",
            emp,
            model,
            compute=lemma_a16_compute(),
            wrong=dict(compute=lemma_a16_compute(factor=3)),
        ),
        Claim(
            "thm-a7",
            "App. A.1.5, Theorem A7",
            "at β = 1, K = 3, c = 2: N = c^{(d−1)/4} random "
            "patterns' expected minimal separation meets the master inequality (d = 17, 21)",
            emp,
            model,
            compute=thm_a7_compute(),
            wrong=dict(compute=thm_a7_compute(shift=200.0)),
        ),
    ]
