"""The verdict: computed from the checks' outcomes, never written by hand.

* **proven**: every derivation step justified **for every size** (the derivation result's
  ``scope`` is ``"all sizes"``), every cited claim proven, no counterexample (for a
  computation: an exact computation that came out true);
* **supported**: no counterexample in K trials, the derivation incomplete, absent, or
  checked only at fixed sizes (then the evidence says "derivation checked at sizes …"); for a
  computation: a numerical one that came out true;
* **refuted**: a concrete counterexample, written out so anyone can recompute both sides,
  with the certified enclosure of its violation (``recheck`` re-verifies it);
* **inconclusive**: the checks could not decide (the reason is given).

The torch twin's disagreements are an *implementation finding* (``implementation_finding``,
``twin_ok``, a line in the evidence), never part of the verdict.

A derivation that checks while a counterexample exists raises :class:`EngineError`.
"""

from __future__ import annotations

import mpmath

from derivations.engine.certify import enclosure_strings
from derivations.engine.model import Claim, EngineError

__all__ = ["decide", "VIOLATION_OF"]

#: What a counterexample's ``violation`` measures, by the relation's operator as written
#: (positive: the relation fails by that much).
VIOLATION_OF = {
    "<=": "lhs − rhs",
    "<": "lhs − rhs",
    ">=": "rhs − lhs",
    ">": "rhs − lhs",
    "==": "|lhs − rhs|",
}


def _fmt(v, digits: int = 30) -> str:
    if type(v).__name__ == "arb":
        return enclosure_strings(v, digits)[0]
    with mpmath.workdps(digits):
        return mpmath.nstr(v, digits) if isinstance(v, mpmath.mpf) else str(v)


def _ball(v, prec: int) -> dict:
    mid, rad = enclosure_strings(v)
    return {"midpoint": mid, "radius": rad, "precision_bits": prec}


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
        "twin_float64": _twin_json(t64),
        "twin_float32": _twin_json(t32),
        "derivation_sizes": deriv["sizes"],
    }
    if stats.get("met") is not None:
        rec["values"]["hypotheses_met"] = {
            "met": stats["met"][0],
            "not_decided": stats["met"][1],
            "not_decided_hypotheses": list(stats.get("met_undecided") or ()),
        }
    finding = _implementation_finding(claim, stats)
    rec["implementation_finding"] = finding
    rec["twin_ok"] = finding is None
    if stats["twin_failure"] is not None:
        rec["values"]["twin_failure"] = stats["twin_failure"]
    rec["values"]["judged_instances"] = stats.get("judged", stats["trials"])
    if stats.get("undecided_reasons"):
        rec["values"]["undecided_reasons"] = list(stats["undecided_reasons"])
    twin_txt = (
        f"twin float64 {t64[1]}/{t64[0]} agree, float32 {t32[1]}/{t32[0]}"
        if claim.twin
        else "no torch twin"
    )
    if finding:
        twin_txt += f"; IMPLEMENTATION FINDING (the code, not the paper): {finding}"
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
        prec = res["prec"]
        how = "decided exactly (exact normal form)" if res["exact"] else f"certified at {prec} bits"
        rec["counterexample"] = {
            **inst.to_json(),
            "relation": r.label or f"lhs {r.op} rhs",
            "index": res["index"],
            "op": r.op,
            "lhs": _fmt(res["lhs"]),
            "rhs": _fmt(res["rhs"]),
            "violation": res["enclosure"].mid,
            "violation_of": VIOLATION_OF[r.op],
            "enclosure": res["enclosure"].to_json(),
            "lhs_enclosure": _ball(res["lhs"], prec),
            "rhs_enclosure": _ball(res["rhs"], prec),
            "exact": bool(res["exact"]),
            "equality": bool(res.get("equality")),
        }
        status = "refuted"
        size = inst.size_text(claim.size_names)
        fail = (
            f"holds with equality, so the strict '{r.op}' fails"
            if res.get("equality")
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
            "by ball arithmetic up to 4096 bits or exactly by SymPy"
            + (f" ({stats['undecided_reasons'][0]})" if stats.get("undecided_reasons") else "")
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
                why = f"derivation checked at sizes {_sizes_text(deriv)} only, not for every size"
            elif not deriv["complete"]:
                bad = [(k, s) for k, s in enumerate(deriv["steps"], 1) if not s["checked"]]
                k, first = bad[0]
                why = (
                    f"{len(bad)} derivation step(s) not confirmed by the rule kernel, the first "
                    f"step {k} ({first.get('why') or first.get('text', '')}: "
                    f"{first.get('how') or first.get('status', 'not confirmed')})"
                )
            else:
                why = "cites claim(s) not proven: " + ", ".join(
                    c for c in deriv["cites"] if statuses.get(c) != "proven"
                )
            evidence = f"no counterexample in {stats['trials']} trials; {why}"
        if stats["undecided"]:
            evidence += f"; {stats['undecided']} instance(s) undecided"
        evidence += _met_text(stats)
    rec.update(status=status, evidence=evidence + f"; {twin_txt}")
    return rec


def _met_text(stats: dict) -> str:
    """How many trials met the claim's hypotheses (the others hold vacuously)."""
    met = stats.get("met")
    if not met:
        return ""
    yes, unknown = met
    which = ", ".join(stats.get("met_undecided") or ())
    more = f", {unknown} not decided" + (f" ({which})" if which else "") if unknown else ""
    return f"; {yes} of {stats['trials']} trials met the claim's hypotheses{more}"


def _twin_json(t: list) -> dict:
    """compared, agree, and the largest |torch − certified| as a fraction of its tolerance
    (≤ 1 agrees; see :mod:`derivations.engine.twin`)."""
    return {"compared": t[0], "agree": t[1], "max_error_over_tolerance": t[2]}


def _implementation_finding(claim: Claim, stats: dict) -> str | None:
    """The torch twin's float64 disagreements in words (None: no finding)."""
    t64 = stats["twin64"]
    if not claim.twin or t64[0] == t64[1]:
        return None
    bad = t64[0] - t64[1]
    why = (
        f"torch refused an input: {stats['twin_error']}"
        if stats.get("twin_error")
        else f"worst error {t64[2]:.3g}× its conditioning-aware tolerance"
    )
    return (
        f"the torch twin (float64) disagreed with the certified values on {bad} of {t64[0]} "
        f"instances ({why}); first at {stats['twin_failure']}"
    )


def _all_sizes(deriv: dict) -> bool:
    """Whether the derivation was checked for every size (symbolic m, d, n)."""
    return deriv.get("scope") == "all sizes"


def _sizes_text(deriv: dict) -> str:
    return str(deriv.get("sizes_text") or f"{deriv['sizes']} fixed sizes")
