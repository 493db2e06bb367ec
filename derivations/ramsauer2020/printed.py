"""The numbers Ramsauer et al. (arXiv:2008.02217v3) print about storage capacity, recomputed
with certified ball arithmetic: Theorem 3/A5's c = 3.1546 and 1.3718 with a + ln b > 1.27 and
< −0.94, Corollary A1's c = 3.1444 and 1.2585, the introduction's c = 3.15 and 1.37, the
Lambert-W special values (Lemmas A30–A31), Theorem A7's "d ≥ 17" and Corollary A2's "d < 24".

A printed decimal is compared rounding-aware: read as rounded it stands for the interval of
half a unit in its last place around it; read as a lower bound ("proven for c ≥ 3.1546") it
must not exceed the computed value. Notation as in :mod:`derivations.ramsauer2020.constants`.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine import Claim, Computed
from derivations.ramsauer2020 import constants as K
from derivations.ramsauer2020.certified import compare, printed_interval, rounds_to
from derivations.ramsauer2020.common import counterexample, dstr

SECTION = "capacity"

#: The paper's two settings (β, K, d, p) of Theorem 3 / Corollary A1.
EXAMPLES = (
    {"beta": 1, "K": 3, "d": 20, "p": "0.001"},
    {"beta": 1, "K": 1, "d": 75, "p": "0.001"},
)
#: Theorem 3's printed c, Corollary A1's printed c, the printed bounds on u = a + ln b.
PRINTED_C = ("3.1546", "1.3718")
PRINTED_C_COR = ("3.1444", "1.2585")
PRINTED_U = ((">", "1.27"), ("<", "-0.94"))
PRINTED_C_INTRO = ("3.15", "1.37")


def _c(ex: dict, which: str):
    """f(prec) → the ball of Theorem A5's (``"thm"``) or Corollary A1's (``"cor"``) c."""

    def f(prec):
        t = K.thm_a5(ex["beta"], ex["K"], ex["d"], ex["p"])
        if which == "thm":
            return t["c"]
        return K.cor_a1_c(t["b"], t["u"], "u>0" if t["u"] > 0 else "u<=0")

    return f


def printed_c_compute(which: str, printed, reading: str):
    """Each printed c against the computed one: ``reading`` "rounded" (the printed digits
    are c rounded) or "lower-bound" (printed ≤ c)."""

    def compute(examples: int, seed: int) -> Computed:
        rows, cx, undecided = [], None, 0
        for ex, pr in zip(EXAMPLES, printed, strict=True):
            f = _c(ex, which)
            if reading == "rounded":
                ok = rounds_to(f, pr)[0]
                lo, hi = printed_interval(pr)
                rel = f"c rounds to {pr} (c ∈ [{dstr(K.A(lo), 8)}, {dstr(K.A(hi), 8)}])"
            else:
                ok = compare(f, ">=", lambda prec, pr=pr: K.Q(pr)).holds
                rel = f"c ≥ {pr}"
            val = f(128)
            rows.append({**ex, "computed_c": dstr(val, 12), "printed": pr, "holds": ok})
            undecided += ok is None
            if ok is False and cx is None:
                cx = counterexample(ex, val, K.Q(pr), rel, abs(val - K.Q(pr)))
        holds = None if undecided else cx is None
        name = "Theorem A5" if which == "thm" else "Corollary A1"
        ev = f"{name}'s c = " + ", ".join(
            f"{r['computed_c'][:8]} (printed {r['printed']})" for r in rows
        )
        if cx is not None:
            ev += f": {cx['relation']} fails"
        else:
            ev += ": every printed value " + (
                "is the rounded c" if reading == "rounded" else "is ≤ c"
            )
        ev += " [certified, ball arithmetic]"
        return Computed(holds, ev, {"reading": reading, "rows": rows}, cx, True, len(rows))

    return compute


def printed_u_compute(bounds=PRINTED_U):
    """u = a + ln b against the printed 'a + ln(b) > 1.27' and '< −0.94'."""

    def compute(examples: int, seed: int) -> Computed:
        rows, cx = [], None
        for ex, (op, pr) in zip(EXAMPLES, bounds, strict=True):
            f = lambda prec, ex=ex: K.thm_a5(ex["beta"], ex["K"], ex["d"], ex["p"])["u"]  # noqa: E731
            ok = compare(f, op, lambda prec, pr=pr: K.Q(pr)).holds
            rows.append({**ex, "u": dstr(f(128), 12), "printed": f"{op} {pr}", "holds": ok})
            if ok is False and cx is None:
                cx = counterexample(
                    ex, f(128), K.Q(pr), f"a + ln b {op} {pr}", abs(f(128) - K.Q(pr))
                )
        ev = "a + ln b = " + ", ".join(f"{r['u'][:8]} ({r['printed']})" for r in rows)
        ev += ": as printed" if cx is None else f": {cx['relation']} fails"
        return Computed(cx is None, ev + " [certified]", {"rows": rows}, cx, True, len(rows))

    return compute


def side_condition_compute(examples: int, seed: int) -> Computed:
    """Both printed settings meet Theorem A5's side condition c ≥ (2/√p)^{4/(d−1)}."""
    rows, cx = [], None
    for ex in EXAMPLES:
        f = lambda prec, ex=ex: K.thm_a5(ex["beta"], ex["K"], ex["d"], ex["p"])  # noqa: E731
        ok = compare(lambda prec, f=f: f(prec)["c"], ">=", lambda prec, f=f: f(prec)["side"]).holds
        t = f(128)
        rows.append(
            {
                **ex,
                "c": dstr(t["c"], 10),
                "bound": dstr(t["side"], 10),
                "N": dstr(t["N"], 8),
                "holds": ok,
            }
        )
        if ok is False and cx is None:
            cx = counterexample(ex, t["c"], t["side"], "c ≥ (2/√p)^{4/(d−1)}", t["side"] - t["c"])
    ev = "; ".join(
        f"d={r['d']}: c = {r['c'][:7]} ≥ {r['bound'][:7]}, N ≥ {r['N'][:6]}" for r in rows
    )
    return Computed(cx is None, ev + " [certified]", {"rows": rows}, cx, True, len(rows))


def lambertw_compute(values=None, omega_digits: str = "0.56714329"):
    """Lemmas A30–A31's special values W(y) = w, exactly (w e^w = y and w ≥ −1, SymPy), and
    Ω = W(1) against its printed digits (rounded, certified)."""
    values = values or [
        (sp.Integer(0), sp.Integer(0)),
        (sp.E, sp.Integer(1)),
        (-1 / sp.E, sp.Integer(-1)),
        (sp.exp(1 + sp.E), sp.E),
        (2 * sp.log(2), sp.log(2)),
    ]

    def compute(examples: int, seed: int) -> Computed:
        rows, cx = [], None
        for y, w in values:
            ok = bool(sp.simplify(w * sp.exp(w) - y) == 0) and bool(w >= -1)
            rows.append({"y": str(y), "W(y)": str(w), "holds": ok})
            if not ok and cx is None:
                cx = counterexample(
                    {"y": str(y)},
                    w * sp.exp(w),
                    y,
                    "w e^w = y, w ≥ −1",
                    abs(sp.N(w * sp.exp(w) - y)),
                )
        om = rounds_to(lambda prec: K.A(1).lambertw(), omega_digits)[0]
        rows.append(
            {"y": "1", "W(y)": dstr(K.A(1).lambertw(), 20), "printed": omega_digits, "holds": om}
        )
        if om is False and cx is None:
            cx = counterexample(
                {"y": 1}, K.A(1).lambertw(), K.Q(omega_digits), f"Ω rounds to {omega_digits}", 0
            )
        ev = (
            f"{len(values)} special values verified exactly (w e^w = y, SymPy; w ≥ −1: the "
            "principal "
            f"branch); Ω = W(1) = {dstr(K.A(1).lambertw(), 12)} rounds to {omega_digits}"
            if cx is None
            else f"fails: {cx['relation']} at {cx['params']}"
        )
        return Computed(
            cx is None if om is not None else None, ev, {"rows": rows}, cx, True, len(rows)
        )

    return compute


def claims() -> list[Claim]:
    comp = "computation"
    setting = "β = 1, p = 0.001; (K, d) = (3, 20) and (1, 75)"
    return [
        Claim(
            "thm3/printed-c",
            "§3, Theorem 3; App. A.1.5, Theorem A5 (after Eq. 335)",
            "the printed c = 3.1546 and 1.3718 read as c rounded to 4 decimals",
            comp,
            setting,
            compute=printed_c_compute("thm", PRINTED_C, "rounded"),
            aliases=("thm-a5/printed-c",),
            wrong=dict(compute=printed_c_compute("thm", ("3.1547", "1.3719"), "rounded")),
        ),
        Claim(
            "thm3/printed-c/lower-bound",
            "§3, Theorem 3; App. A.1.5, Theorem A5",
            "the printed c read as lower bounds: 3.1546 ≤ c and 1.3718 ≤ c",
            comp,
            setting,
            compute=printed_c_compute("thm", PRINTED_C, "lower-bound"),
            wrong=dict(compute=printed_c_compute("thm", ("3.1547", "1.3719"), "lower-bound")),
        ),
        Claim(
            "thm3/printed-u",
            "App. A.1.5, Theorem A5",
            "a + ln(b) > 1.27 in the first setting and < −0.94 in the second",
            comp,
            setting,
            compute=printed_u_compute(),
            wrong=dict(compute=printed_u_compute(((">", "1.28"), ("<", "-0.94")))),
        ),
        Claim(
            "thm3/side-condition",
            "App. A.1.5, Theorem A5",
            "both printed settings meet the side condition c ≥ (2/√p)^{4/(d−1)} (so N ≥ 2)",
            comp,
            setting,
            compute=side_condition_compute,
            wrong=dict(compute=printed_c_compute("thm", ("4", "2"), "lower-bound")),
        ),
        Claim(
            "intro/c-values",
            "§1 (introduction)",
            "the 'reasonable settings' c = 3.15 and "
            "c = 1.37 are Theorem 3's c rounded to 2 decimals",
            comp,
            setting,
            compute=printed_c_compute("thm", PRINTED_C_INTRO, "rounded"),
            wrong=dict(compute=printed_c_compute("thm", ("3.16", "1.37"), "rounded")),
        ),
        Claim(
            "cor-a1/printed-c",
            "App. A.1.5, Corollary A1",
            "the printed c = 3.1444 and 1.2585 read as Corollary A1's c rounded to 4 decimals",
            comp,
            setting,
            compute=printed_c_compute("cor", PRINTED_C_COR, "rounded"),
            wrong=dict(compute=printed_c_compute("cor", ("3.1445", "1.2585"), "rounded")),
        ),
        Claim(
            "cor-a1/printed-c/lower-bound",
            "App. A.1.5, Corollary A1",
            "the printed c read as lower bounds: 3.1444 ≤ c and 1.2585 ≤ c",
            comp,
            setting,
            compute=printed_c_compute("cor", PRINTED_C_COR, "lower-bound"),
            wrong=dict(compute=printed_c_compute("cor", ("3.2", "1.3"), "lower-bound")),
        ),
        Claim(
            "lemma-a30",
            "App. A.2, Lemmas A30–A31",
            "W(0) = 0, W(e) = 1, W(−1/e) = −1, "
            "W(e^{1+e}) = e, W(2 ln 2) = ln 2, W(1) = Ω ≈ 0.56714329",
            comp,
            "W = W₀",
            compute=lambertw_compute(),
            aliases=("lemma-a31",),
            wrong=dict(compute=lambertw_compute(omega_digits="0.56714328")),
        ),
    ]
