"""The verdict: computed from the checks' outcomes, never written by hand.

* **proven**: every derivation step justified **for every size** (the derivation result's
  ``scope`` is ``"all sizes"``), every cited claim proven, no counterexample (for a
  computation: an exact computation that came out true);
* **supported**: no counterexample in K trials, the derivation incomplete, absent, or
  checked only at fixed sizes (then the evidence says "derivation checked at sizes …"); for a
  computation: a numerical one that came out true;
* **refuted**: a concrete counterexample, written out so anyone can recompute both sides;
* **inconclusive**: the checks could not decide (the reason is given).

A derivation that checks while a counterexample exists raises :class:`EngineError`.
"""

from __future__ import annotations

import mpmath

from derivations.engine.model import Claim, EngineError

__all__ = ["decide"]


def _fmt(v, digits: int = 30) -> str:
    with mpmath.workdps(digits):
        return mpmath.nstr(v, digits) if isinstance(v, mpmath.mpf) else str(v)


def decide(claim: Claim, checks: dict, statuses: dict) -> dict:
    """The verdict from the checks' outcomes and the statuses of the claims it cites."""
    rec = {
        "paper": claim.paper,
        "id": claim.id,
        "qid": claim.qid,
        "ref": claim.ref,
        "reading": claim.reading,
        "kind": claim.kind,
        "assumptions": claim.assumptions,
        "extension": claim.extension,
        "summary": claim.summary,
        "section": claim.section,
        "aliases": list(claim.aliases),
        "uses": [claim.resolve(u) for u in claim.uses],
        "statement_latex": claim.statement_latex(),
        "steps": [],
        "values": {},
        "counterexample": None,
        "trials": 0,
        "seconds": round(checks["seconds"], 3),
    }
    if "computed" in checks:
        out = checks["computed"]
        rec.update(values=out.values, counterexample=out.counterexample, trials=out.trials)
        if out.holds is None:
            status = "inconclusive"
        elif out.holds:
            status = "proven" if out.exact else "supported"
        else:
            status = "refuted"
        rec.update(status=status, evidence=out.evidence)
        return rec

    deriv, stats = checks["deriv"], checks["stats"]
    rec["steps"] = deriv["steps"]
    rec["cites"] = list(deriv["cites"])
    rec["derivation_cached"] = bool(deriv.get("cached"))
    rec["trials"] = stats["trials"]
    t64, t32 = stats["twin64"], stats["twin32"]
    rec["values"] = {
        "undecided_instances": stats["undecided"],
        "twin_float64": {"compared": t64[0], "agree": t64[1], "max_scaled_error": t64[2]},
        "twin_float32": {"compared": t32[0], "agree": t32[1], "max_scaled_error": t32[2]},
        "derivation_sizes": deriv["sizes"],
    }
    rec["twin_ok"] = t64[0] == t64[1]
    if stats["twin_failure"] is not None:
        rec["values"]["twin_failure"] = stats["twin_failure"]
    twin_txt = (
        f"twin float64 {t64[1]}/{t64[0]} agree, float32 {t32[1]}/{t32[0]}"
        if claim.twin
        else "no torch twin"
    )
    if stats["failure"] is not None:
        inst, res = stats["failure"]
        if (
            deriv["complete"]
            and _all_sizes(deriv)
            and all(statuses.get(c) == "proven" for c in deriv["cites"])
        ):
            raise EngineError(
                f"claim {claim.qid}: the derivation checks but a counterexample exists: "
                f"{inst.to_json()}"
            )
        r = res["rel"]
        how = "exact equality (SymPy)" if res["exact"] else f"{res['dps']} digits"
        rec["counterexample"] = {
            **inst.to_json(),
            "relation": r.label or f"lhs {r.op} rhs",
            "op": r.op,
            "lhs": _fmt(res["lhs"]),
            "rhs": _fmt(res["rhs"]),
            "violation": _fmt(res["violation"]),
        }
        status = "refuted"
        size = inst.size_text()
        fail = (
            "holds with equality, so the strict '<' fails"
            if res["exact"]
            else f"fails by {_fmt(res['violation'], 6)}"
        )
        evidence = (
            f"counterexample ({size}, regime {inst.regime or '-'}): "
            f"{r.label or 'relation'}: {fail} [{how}]; found after {stats['trials']} "
            "trials"
        )
    elif stats["trials"] == 0 or stats["undecided"] > stats["trials"] // 2:
        status = "inconclusive"
        evidence = (
            f"{stats['undecided']} of {stats['trials']} instances could not be decided "
            "at 200 digits or exactly"
        )
    else:
        cites_ok = all(statuses.get(c) == "proven" for c in deriv["cites"])
        if deriv["complete"] and cites_ok and _all_sizes(deriv):
            status = "proven"
            evidence = (
                f"all {len(deriv['steps'])} derivation steps justified for every size; "
                f"no counterexample in {stats['trials']} trials"
            )
        else:
            status = "supported"
            if claim.derivation is None:
                why = "no mechanical derivation"
            elif deriv["complete"] and not _all_sizes(deriv):
                why = (
                    f"derivation checked at sizes {_sizes_text(deriv)} only, not for every size"
                )
            elif not deriv["complete"]:
                bad = sum(1 for s in deriv["steps"] if not s["checked"])
                why = f"{bad} derivation step(s) not confirmed by SymPy"
            else:
                why = "cites claim(s) not proven: " + ", ".join(
                    c for c in deriv["cites"] if statuses.get(c) != "proven"
                )
            evidence = f"no counterexample in {stats['trials']} trials; {why}"
        if stats["undecided"]:
            evidence += f"; {stats['undecided']} instance(s) undecided"
    rec.update(status=status, evidence=evidence + f"; {twin_txt}")
    return rec


def _all_sizes(deriv: dict) -> bool:
    """Whether the derivation was checked for every size (symbolic m, d, n)."""
    return deriv.get("scope") == "all sizes"


def _sizes_text(deriv: dict) -> str:
    return str(deriv.get("sizes_text") or f"{deriv['sizes']} fixed sizes")
