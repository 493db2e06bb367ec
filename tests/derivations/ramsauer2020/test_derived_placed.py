"""The evaluations of Eq. 311 in the proofs of Theorems A3 and A4 for every dimension from the
printed one (:mod:`derivations.ramsauer2020.placed_proofs`): proven, each case (K, d₀) a
tail k ≥ 100 with ln below its tangent plus every d up to 101 by certified constants; a
case started below its printed d₀ fails there, in the derivation and in the search."""

from __future__ import annotations

import mpmath
import pytest

from derivations.engine import load_registry, verify
from derivations.engine.checker import check_derivation
from derivations.ramsauer2020 import placed_proofs as PP

REG = load_registry(["ramsauer2020"])


@pytest.mark.parametrize("name", ["thm-a3", "thm-a4"])
def test_evaluations_are_proven_for_every_d_from_the_printed_one(name):
    qid = f"ramsauer2020:{name}/evaluations"
    (rec,) = verify(REG, [qid], examples=12)
    assert rec["status"] == "proven", rec["evidence"]
    out = check_derivation(REG[qid], REG)
    (k1, d1), (k2, d2) = PP.CASES[name][2]
    assert out["sizes_text"] == (
        f"K = {k1}: every k ≥ 100 (d = k + 1); K = {k1}, d = {d1}…101; "
        f"K = {k2}: every k ≥ 100 (d = k + 1); K = {k2}, d = {d2}…101"
    )


def _gap(name, K, d):
    """LHS − RHS of Eq. 311 at (K, d), β = 1, recomputed in mpmath (30 digits)."""
    e, a, _ = PP.CASES[name]
    with mpmath.workdps(30):
        t, K = mpmath.mpf(d - 1), mpmath.mpf(K)
        m2 = K * K * t
        n = mpmath.mpf(2) ** (e * t)
        return m2 * (1 - mpmath.cos(mpmath.pi * int(a.p) / int(a.q))) - (
            2 / n + mpmath.log(2 * n * n * m2)
        )


@pytest.mark.parametrize("name", ["thm-a3", "thm-a4"])
def test_below_the_printed_d0_the_derivation_and_the_search_fail(name, monkeypatch):
    e, a, ((K, d0), _) = PP.CASES[name]
    low = max(2, d0 - 2)  # d = 2 at the first case of both
    assert _gap(name, K, d0) > 0 and _gap(name, K, low) < 0  # independently recomputed
    monkeypatch.setitem(PP.CASES, name, (e, a, ((K, low),)))
    out = check_derivation(REG[f"ramsauer2020:{name}/evaluations"], REG)
    bad = [s for s in out["steps"] if not s["checked"]]
    assert not out["complete"] and bad
    assert bad[0]["where"].startswith(f"K = {K}, d = {low}")
    monkeypatch.undo()
    wrong = REG[f"ramsauer2020:{name}/evaluations"].wrong_variant()  # d₀ moved down by 2
    (rec,) = verify({**REG, wrong.qid: wrong}, [wrong.qid], examples=30)
    assert rec["status"] == "refuted" and rec["counterexample"]["params"]["n"] < d0
