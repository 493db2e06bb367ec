"""The counterexample search: Hypothesis over a claim's domain, judged at high precision.

Both sides of every relation are evaluated with mpmath at ≥ 30 digits (escalating to 80 and
200 digits, then exact SymPy, when a relation is within rounding of equality); the search
steers toward the largest violation with ``hypothesis.target`` and shrinks what it finds.
The torch twin (:mod:`derivations.engine.twin`) runs on the same instances when asked.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import mpmath
from hypothesis import HealthCheck, Phase, given, settings

from derivations.engine.backends import MP, SYM
from derivations.engine.checker import _is_pos, _is_zero
from derivations.engine.instance import Instance
from derivations.engine.model import Claim, Rel

__all__ = ["judge", "search"]


class _Violation(Exception):
    pass


_LEVELS = (30, 80, 200)


def _sides_mp(claim: Claim, inst: Instance, dps: int) -> list[tuple[Rel, Any, Any]]:
    with mpmath.workdps(dps):
        rels = claim.statement(MP, MP.load(inst))
        return [(r.normal(), +r.normal().lhs, +r.normal().rhs) for r in rels]


def _classify(op: str, lhs, rhs, dps: int) -> str:
    """'ok', 'bad' or 'near' for one relation at ``dps`` digits."""
    tol = mpmath.mpf(10) ** (-(dps - 10)) * (1 + abs(lhs) + abs(rhs))
    s = rhs - lhs
    if op == "==":
        return "ok" if abs(s) <= tol else "bad"
    if s > tol:
        return "ok"
    if s < -tol:
        return "bad"
    return "ok" if op == "<=" else "near"


def judge(claim: Claim, inst: Instance) -> dict:
    """Decide one instance: {'holds': True/False/None, 'sides': the 30-digit sides, ...}.

    A relation violated at 30 digits is confirmed at 80; one within rounding of equality is
    re-evaluated at 80 and 200 digits; a strict relation still within rounding of equality is
    decided exactly by SymPy on the rational instance (floats are exact binary rationals).
    """
    first = None
    for dps in _LEVELS:
        sides = _sides_mp(claim, inst, dps)
        if first is None:
            first = sides
        verdicts = [_classify(r.op, a, b, dps) for r, a, b in sides]
        if all(v == "ok" for v in verdicts):
            return {"holds": True, "sides": first}
        if "bad" in verdicts and dps > _LEVELS[0]:
            i = verdicts.index("bad")
            r, a, b = sides[i]
            with mpmath.workdps(dps):
                viol = (a - b) if r.op != "==" else abs(a - b)
            return {
                "holds": False,
                "sides": first,
                "rel": r,
                "lhs": a,
                "rhs": b,
                "violation": viol,
                "dps": dps,
                "exact": False,
            }
    exact = claim.statement(SYM, SYM.load(inst))
    for i, v in enumerate(verdicts):
        if v != "near":
            continue
        r = exact[i].normal()
        if _is_zero(r.rhs - r.lhs) is True:
            rr, a, b = sides[i]
            return {
                "holds": False,
                "sides": first,
                "rel": rr,
                "lhs": a,
                "rhs": b,
                "violation": mpmath.mpf(0),
                "dps": dps,
                "exact": True,
            }
        if not _is_pos(r.rhs - r.lhs):
            return {"holds": None, "sides": first}
    return {"holds": True, "sides": first}


def search(claim: Claim, examples: int, seed: int, twin: bool = True) -> dict:
    """Hypothesis search for a counterexample; returns counts, the shrunk counterexample."""
    stats = {
        "trials": 0,
        "undecided": 0,
        "twin64": [0, 0, 0.0],
        "twin32": [0, 0, 0.0],
        "failure": None,
        "twin_failure": None,
    }

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.seed(seed)
    @given(claim.domain())
    def probe(inst: Instance):
        stats["trials"] += 1
        res = judge(claim, inst)
        ineq = [float((a - b) / (1 + abs(a) + abs(b))) for r, a, b in res["sides"] if r.op != "=="]
        if ineq:
            hypothesis.target(max(ineq), label="violation")
        if res["holds"] is None:
            stats["undecided"] += 1
            return
        if not res["holds"]:
            stats["failure"] = (inst, res)
            raise _Violation
        if twin and claim.twin:
            import torch

            from derivations.engine.twin import twin_compare

            for key, dt in (("twin64", torch.float64), ("twin32", torch.float32)):
                try:
                    agree, err = twin_compare(claim, inst, res["sides"], dt)
                except ValueError as exc:  # torch refused an input mpmath accepts
                    agree, err = False, float("inf")
                    stats["twin_error"] = str(exc)
                rec = stats[key]
                rec[0] += 1
                rec[1] += int(agree)
                rec[2] = max(rec[2], err)
                if not agree and key == "twin64" and stats["twin_failure"] is None:
                    stats["twin_failure"] = inst.to_json()

    try:
        probe()
    except _Violation:
        pass
    return stats


# ------------------------------------------------------------------------- verdicts
