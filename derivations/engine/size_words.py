"""Derivation sizes in words, for the checker's records and the report: "every d ≥ 2" at
symbolic size, "d = 1" or "(d, n) = (2, 1)" at a fixed size, and runs of consecutive fixed
sizes as ranges ("d = 17…101"); and what a derivation's sizes leave out of the sizes a claim
states (:func:`uncovered`)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import sympy as sp

from theory.indexed import Size, sizes_in

__all__ = ["size_text", "compact_sizes", "uncovered"]


def size_text(v: SimpleNamespace) -> str:
    """A derivation size in words: "every m ≥ 2" at symbolic size; "m = 3", "(d, n) =
    (2, 1)", "l = 2" or an integer parameter ("d = 1") at a fixed size; a namespace's own
    ``size_text`` (a string, e.g. "every k ≥ 2 (d = k + 1)", or "d = 1" for a parameter
    n = 1 the paper calls d) first."""
    sizes = sizes_in(v)
    ns = vars(v)
    if isinstance(ns.get("size_text"), str):  # the namespace says it in the paper's letters
        return ns["size_text"]
    if sizes:
        return "every " + ", ".join(f"{s} ≥ {s.at_least}" for s in sizes)
    if "P" in ns and hasattr(ns["P"], "shape"):
        return f"(d, n) = ({ns['P'].shape[0]}, {ns['P'].shape[1]})"
    for key, name in (("z", "m"), ("E", "l")):
        if isinstance(ns.get(key), (list, tuple)):
            return f"{name} = {len(ns[key])}"
    numbers = [f"{k} = {e}" for k, e in ns.items() if isinstance(e, (int, sp.Integer))]
    return ", ".join(numbers) if numbers else "one fixed size"


def compact_sizes(parts: list[str]) -> str:
    """Sizes in words joined by "; ", a run of three or more consecutive fixed sizes of one
    parameter written as its range ("d = 17; d = 18; d = 19" → "d = 17…19"; likewise after
    a common prefix, "K = 2, d = 4…101")."""
    out: list[list] = []  # [prefix and name, first, last] for a run, [text] otherwise
    for p in parts:
        m = re.fullmatch(r"((?:.*, )?\w+) = (\d+)", p)  # e.g. "d = 4" or "K = 2, d = 4"
        if m and out and len(out[-1]) == 3 and out[-1][0] == m[1] and out[-1][2] + 1 == int(m[2]):
            out[-1][2] += 1
        elif m:
            out.append([m[1], int(m[2]), int(m[2])])
        else:
            out.append([p])
    said = []
    for r in out:
        if len(r) == 1:
            said.append(r[0])
        elif r[2] - r[1] >= 2:  # three or more
            said.append(f"{r[0]} = {r[1]}…{r[2]}")
        else:
            said += [f"{r[0]} = {j}" for j in range(r[1], r[2] + 1)]
    return "; ".join(said)


def uncovered(claim, sizes: list) -> str:
    """What the derivation's sizes leave out of the claim's (empty when nothing): for each
    attribute of the claim's displayed namespace that is a plain size (e.g. ``n`` = d ≥ 1),
    the values from its least one that no derivation size reaches — a symbolic size s + c
    (s ≥ S) reaches every value from S + c, a fixed size its number. An attribute of another
    form (vectors, pattern sets, an expression in several sizes) is not judged here."""
    if claim.display is None:
        return ""
    for name, want in vars(claim.display()).items():
        if not isinstance(want, Size):
            continue
        points, start = set(), None
        for v in sizes:
            x = getattr(v, name, None)
            if not isinstance(x, (int, sp.Expr)):
                return ""  # not judged
            x = sp.sympify(x)
            if x.is_Integer:
                points.add(int(x))
                continue
            ss = [t for t in x.free_symbols if isinstance(t, Size)]
            if len(ss) != 1 or len(x.free_symbols) != 1 or not (x - ss[0]).is_Integer:
                return ""  # another form: not judged
            low = int(ss[0].at_least + (x - ss[0]))
            start = low if start is None else min(start, low)
        if start is None:
            continue
        missing = [j for j in range(int(want.at_least), start) if j not in points]
        if missing:
            shown = ", ".join(map(str, missing[:5])) + (", …" if len(missing) > 5 else "")
            return (
                f"the derivation's sizes leave {want} = {shown} out "
                f"(the claim is stated for {want} ≥ {want.at_least})"
            )
    return ""
