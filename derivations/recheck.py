"""``beyond-scaling recheck verdicts.json``: audit a verdicts file from scratch.

Anyone sent a report can re-verify what it asserts, without trusting the run that wrote it:

* **a counterexample** (a refuted claim with a statement) is recomputed from the instance
  written in the file, by a path that does not share the search's: the claim's *SymPy*
  statement on the exact instance, each side enclosed in a ball by
  :func:`~derivations.engine.arb_sympy.arb_eval` at rising precision (64 → 4096 bits). It
  must (a) violate its relation *certainly* (an equality case exactly, by the exact normal
  form of the SymPy difference), and (b) lie inside the enclosures the file records for its
  left side, right side and violation. A statement outside SymPy's closed forms is evaluated
  by the arb back end instead (said so in the output);
* **a computed claim** is re-run with the file's seed and number of examples; its verdict,
  evidence, every value and its counterexample must come out the same;
* **any other claim** (proven / supported / inconclusive statements) must carry no
  counterexample; there is nothing else in the file to recompute.

Exit status: 0 when everything holds, 1 naming each claim that does not (and why), 2 when
the file cannot be read (missing, not JSON, not a verdicts file): a one-line error.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import flint

__all__ = ["main", "recheck", "load_verdicts", "RecheckInputError", "Result"]

_STATUSES = ("proven", "supported", "refuted", "inconclusive")


class RecheckInputError(ValueError):
    """The verdicts file cannot be read or is not a verdicts file."""


@dataclass
class Result:
    """One claim's recheck: ``ok`` True/False, ``what`` was rechecked, ``why`` in words."""

    qid: str
    ok: bool
    what: str
    why: str


# ----------------------------------------------------------------------------- input


def load_verdicts(path) -> dict:
    """The verdicts document at ``path``; :class:`RecheckInputError` (one line) when it is
    missing, not JSON, or not of the verdicts schema."""
    p = Path(path)
    if not p.exists():
        raise RecheckInputError(f"{p}: no such file")
    if p.is_dir():
        raise RecheckInputError(f"{p} is a folder; give a verdicts.json file")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecheckInputError(f"{p} is not JSON ({exc.__class__.__name__}: {exc})") from None
    _check_schema(doc, p)
    return doc


def _check_schema(doc, p) -> None:
    want = "a verdicts file (as written by `beyond-scaling verify --json`)"
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
        raise RecheckInputError(f"{p} is not {want}: no 'claims' list")
    for key in ("seed", "examples"):
        if not isinstance(doc.get(key), int) or isinstance(doc.get(key), bool):
            raise RecheckInputError(f"{p} is not {want}: '{key}' must be an integer")
    for k, c in enumerate(doc["claims"]):
        if not isinstance(c, dict):
            raise RecheckInputError(f"{p}: claims[{k}] is not an object")
        if not isinstance(c.get("qid", c.get("id")), str):
            raise RecheckInputError(f"{p}: claims[{k}] has no 'qid' or 'id' string")
        if c.get("status") not in _STATUSES:
            raise RecheckInputError(
                f"{p}: claims[{k}] ({c.get('qid', c.get('id'))}) has status "
                f"{c.get('status')!r}; expected one of {', '.join(_STATUSES)}"
            )
        ce = c.get("counterexample")
        if ce is not None and not isinstance(ce, dict):
            raise RecheckInputError(f"{p}: claims[{k}] has a counterexample that is not an object")
        if "values" in c and not isinstance(c["values"], dict):
            raise RecheckInputError(f"{p}: claims[{k}] has 'values' that is not an object")


# ---------------------------------------------------------------- counterexamples


def _ball(enc) -> flint.arb | None:
    from derivations.engine.certify import enclosure_ball

    if not isinstance(enc, dict) or not {"midpoint", "radius"} <= set(enc):
        return None
    try:
        return enclosure_ball(str(enc["midpoint"]), str(enc["radius"]))
    except (ValueError, TypeError):
        return None


def _violation(op: str, lhs, rhs):
    """How much ``lhs op rhs`` fails (> 0: it fails), as written."""
    if op in ("<=", "<"):
        return lhs - rhs
    if op in (">=", ">"):
        return rhs - lhs
    return abs(lhs - rhs)


def _fails(op: str, v) -> bool | None:
    """Certainly fails (True), certainly holds (False), or not decided (None), from the
    violation ball v (lhs − rhs for ≤ and <, rhs − lhs for ≥ and >, |lhs − rhs| for ==)."""
    if op in ("<", ">"):  # fails when lhs − rhs ≥ 0 (an exact 0 included)
        return True if v >= 0 else (False if v < 0 else None)
    return True if v > 0 else (False if v <= 0 else None)


def _sides_sympy(claim, inst, i):
    from derivations.engine.arb_sympy import arb_eval
    from derivations.engine.backends import SYM

    rels = claim.statement(SYM, SYM.load(inst))
    r = rels[i]
    return r, (lambda: (arb_eval(r.lhs), arb_eval(r.rhs)))


def _sides_arb(claim, inst, i):
    from derivations.engine.arb_backend import ArbOps, _arb

    ops = ArbOps()

    def sides():
        r = claim.statement(ops, ops.load(inst))[i]
        return _arb(r.lhs), _arb(r.rhs)

    return claim.statement(ops, ops.load(inst))[i], sides


def _fails_exactly(r) -> bool | None:
    """Whether the SymPy relation r certainly fails, by the exact sign of its slack (a case
    the search decided exactly because no ball at 4096 bits could)."""
    import sympy as sp

    from derivations.engine.exact import exact_sign

    flip = r.op in (">=", ">")
    s = exact_sign(sp.sympify((r.lhs - r.rhs) if flip else (r.rhs - r.lhs)))
    if s is None:
        return None
    op = {">=": "<=", ">": "<"}.get(r.op, r.op)
    return {"<=": s < 0, "<": s <= 0, "==": s != 0}[op]


def _exactly_equal(r) -> bool | None:
    """Whether the SymPy relation's two sides are exactly equal (its exact normal form,
    then SymPy's own ``equals``)."""
    import sympy as sp

    from derivations.engine.exact import exact_sign

    d = sp.sympify(r.rhs - r.lhs)
    s = exact_sign(d)
    if s is not None:
        return s == 0
    try:
        return d.equals(0)
    except Exception:  # noqa: BLE001 - SymPy may fail on exotic forms: not decided
        return None


def recheck_counterexample(claim, ce: dict) -> tuple[bool, str]:
    """(holds, why) for a statement claim's recorded counterexample ``ce``."""
    from derivations.engine.arb_sympy import NotCertifiable
    from derivations.engine.certify import PRECISIONS
    from derivations.engine.instance import Instance

    try:
        inst = Instance.from_json({k: ce.get(k) for k in ("patterns", "x", "params", "regime")})
        i = int(ce.get("index", 0))
        op = ce["op"]
    except (KeyError, TypeError, ValueError) as exc:
        return False, f"the counterexample is not readable ({exc})"
    enc = {k: _ball(ce.get(k)) for k in ("lhs_enclosure", "rhs_enclosure", "enclosure")}
    missing = [k for k, b in enc.items() if b is None]
    if missing:
        return False, f"no certified enclosure recorded ({', '.join(missing)})"
    route = "SymPy statement, balls by arb_eval"
    try:
        r, sides = _sides_sympy(claim, inst, i)
        sides()
    except (NotCertifiable, AttributeError, TypeError, ValueError, IndexError):
        route = "arb back end (the statement is outside SymPy closed forms)"
        try:
            r, sides = _sides_arb(claim, inst, i)
        except (IndexError, ValueError, TypeError, AttributeError) as exc:
            return False, f"the statement cannot be evaluated at the recorded instance ({exc})"
    if r.op != op:
        return False, f"relation {i + 1} of the statement is '{r.op}', the file says '{op}'"
    equality = bool(ce.get("equality"))
    decided_exactly = False
    if ce.get("exact") and not equality and route.startswith("SymPy"):
        if _fails_exactly(r) is not True:
            return False, "recorded as failing exactly, which the exact sign does not confirm"
        decided_exactly = True
    if equality:
        if op not in ("<", ">"):
            return False, "an equality case recorded for a non-strict relation"
        if route.startswith("SymPy") and _exactly_equal(r) is not True:
            return False, "the sides are recorded as exactly equal, which SymPy does not confirm"
    old = flint.ctx.prec
    try:
        for prec in PRECISIONS:
            flint.ctx.prec = prec
            try:
                lhs, rhs = sides()
            except (NotCertifiable, ValueError, ZeroDivisionError) as exc:
                return False, f"the sides cannot be enclosed ({exc})"
            v = _violation(op, lhs, rhs)
            checks = {"lhs_enclosure": lhs, "rhs_enclosure": rhs}
            if not equality:
                checks["enclosure"] = v
            for k, b in checks.items():
                if not enc[k].overlaps(b):
                    what = {"enclosure": "violation"}.get(k, k.split("_")[0])
                    return False, (
                        f"the recorded {what} [{ce.get(k, {}).get('midpoint')} ± "
                        f"{ce.get(k, {}).get('radius')}] does not contain its value "
                        f"{b.mid().str(20, radius=False)} (± {b.rad().str(3, radius=False)})"
                    )
            fails = True if (equality or decided_exactly) else _fails(op, v)
            if fails is False:
                return False, (
                    f"the relation holds at the recorded instance ({r.label or op}: "
                    f"violation {v.str(10)}): not a counterexample"
                )
            inside = all(enc[k].contains(b) for k, b in checks.items())
            if fails and inside:
                how = (
                    "holds with equality (exactly)"
                    if equality or (v.is_exact() and v.is_zero())
                    else f"fails by {v.mid().str(10, radius=False)}"
                )
                return True, f"{r.label or op}: {how} [{route}, {prec} bits]"
    finally:
        flint.ctx.prec = old
    return False, f"could not confirm the violation or its enclosures at {PRECISIONS[-1]} bits"


# ------------------------------------------------------------------- computed claims


def _first_difference(a, b, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}.{k}" if path else str(k)
            d = _first_difference(a[k], b[k], f"{path}.{k}" if path else str(k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})"
        for k, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, f"{path}[{k}]")
            if d:
                return d
        return None
    return None if a == b else (path or "(value)")


def recheck_computed(claim, rec: dict, seed: int, examples: int) -> tuple[bool, str]:
    """(holds, why) for a computed claim: re-run and compare everything it recorded."""
    from derivations.jsonio import dumps

    out = claim.compute(examples=examples, seed=seed)
    if out.holds is None:
        status = "inconclusive"
    elif out.holds:
        status = "proven" if out.exact else "supported"
    else:
        status = "refuted"
    mine = json.loads(
        dumps(
            {
                "status": status,
                "evidence": out.evidence,
                "values": out.values,
                "counterexample": out.counterexample,
            },
            exact=True,
        )
    )
    theirs = {k: rec.get(k) for k in mine}
    d = _first_difference(mine, theirs)
    if d is None:
        return True, f"recomputed ({status}): verdict, evidence, values, counterexample equal"
    head = d.split(".")[0].split("[")[0].split(" ")[0]
    return False, f"recomputation differs at {d} (the file's {head} is not what the claim computes)"


# ------------------------------------------------------------------------- the run


def _registry():
    from derivations.engine import load_registry

    return load_registry()


def _claim_for(rec: dict, registry: dict):
    qid = rec.get("qid") or rec.get("id")
    if qid in registry:
        return registry[qid]
    if qid.endswith("/wrong") and qid[: -len("/wrong")] in registry:
        return registry[qid[: -len("/wrong")]].wrong_variant()
    hits = [c for q, c in registry.items() if c.id == qid]
    return hits[0] if len(hits) == 1 else None


def _is_lab(rec: dict) -> bool:
    return "beyond-scaling lab" in str(rec.get("evidence", ""))


def recheck(doc: dict, registry: dict | None = None, progress=None) -> list[Result]:
    """Recheck every claim of the verdicts document ``doc`` (see the module notes)."""
    registry = _registry() if registry is None else registry
    out: list[Result] = []
    for rec in doc["claims"]:
        qid = rec.get("qid") or rec.get("id")
        ce = rec.get("counterexample")
        claim = _claim_for(rec, registry)
        if claim is None:
            if _is_lab(rec) and ce is None:
                res = Result(
                    qid, True, "skipped", "a lab measurement: rerun it with `beyond-scaling lab`"
                )
            else:
                res = Result(qid, False, "claim", "no installed claim has this id: cannot recheck")
        elif claim.compute is not None:
            try:
                ok, why = recheck_computed(claim, rec, doc["seed"], doc["examples"])
            except Exception as exc:  # noqa: BLE001 - a failure to recompute is a finding
                ok, why = False, f"the computation failed: {exc.__class__.__name__}: {exc}"
            res = Result(qid, ok, "computation", why)
        elif rec["status"] == "refuted":
            if ce is None:
                res = Result(qid, False, "counterexample", "refuted without a counterexample")
            else:
                ok, why = recheck_counterexample(claim, ce)
                res = Result(qid, ok, "counterexample", why)
        elif ce is not None:
            res = Result(
                qid,
                False,
                "counterexample",
                f"a counterexample recorded for a {rec['status']} claim",
            )
        else:
            res = Result(
                qid, True, "nothing", f"{rec['status']}: no counterexample or computed value"
            )
        out.append(res)
        if progress:
            progress(_line(res))
    return out


def _line(r: Result) -> str:
    mark = "ok  " if r.ok else "FAIL"
    return f"{mark} {r.qid}  [{r.what}] {r.why}"


def main(argv=None) -> int:
    """``beyond-scaling recheck verdicts.json [--quiet]``; returns the exit status."""
    ap = argparse.ArgumentParser(
        prog="beyond-scaling recheck",
        description="Re-verify every counterexample and computed value of a verdicts file "
        "from scratch (exit 1 naming any that does not hold).",
    )
    ap.add_argument("verdicts", help="a verdicts.json written by `beyond-scaling verify --json`")
    ap.add_argument("--quiet", action="store_true", help="print only the failures and the summary")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        doc = load_verdicts(args.verdicts)
    except RecheckInputError as exc:
        print(f"beyond-scaling recheck: error: {exc}", file=sys.stderr)
        return 2

    def show(line: str) -> None:
        if not args.quiet or line.startswith("FAIL"):
            print(line, flush=True)

    results = recheck(doc, progress=show)
    bad = [r for r in results if not r.ok]
    counts = {w: sum(r.what == w for r in results) for w in ("counterexample", "computation")}
    print(
        f"rechecked {counts['counterexample']} counterexample(s) and {counts['computation']} "
        f"computation(s) of {len(results)} claims: "
        + ("all hold" if not bad else f"{len(bad)} do not hold: {', '.join(r.qid for r in bad)}")
    )
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
