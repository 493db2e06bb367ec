"""App. A.1.5 of Ramsauer et al. (arXiv:2008.02217v3): the deterministic and constant parts of
storage capacity — Theorems A3/A4 (placed patterns), Lemmas A14, A15, A17, Theorem A6,
Corollary A2 and Theorem A7's Eq. 387 — as certified computations; Lemmas A14, A17 and
Theorem A7's step C_{d−1} ≥ 1 − ln(d−1)/(d−1) and its printed example's first d as
statements about every d, with the derivations of :mod:`derivations.ramsauer2020.gamma_proofs`
and :mod:`derivations.ramsauer2020.eq387_proofs`.

Notation as in :mod:`derivations.ramsauer2020.constants`. "Stored" in Theorems A3–A7 means:
the pattern meets the master inequality Eq. 311, M²(1 − cos α_min) ≥ 2/(βN) + β⁻¹ln(2N²βM²).
The cap-packing bound: N points on S^{d−1} with pairwise angles ≥ α have disjoint caps of
angular radius α/2, so N·σ_d(α/2) ≤ 1; where N·σ_d(α/2) > 1 (certified), no placement exists.
"""

from __future__ import annotations

import flint

from derivations.engine import Claim, Computed
from derivations.ramsauer2020 import constants as K
from derivations.ramsauer2020 import eq387_proofs as EQ
from derivations.ramsauer2020 import gamma_proofs as GP
from derivations.ramsauer2020 import placed_proofs as PP
from derivations.ramsauer2020.certified import compare, nonneg_on
from derivations.ramsauer2020.common import counterexample, dstr

SECTION = "capacity"
A = K.A
#: The largest dimension the finite "for every d" checks reach.
D_MAX = 400

#: Theorem A3 (α_min = π/2, N = 2^{2(d−1)}) and A4 (α_min = π/4, N = 2^{3(d−1)}): (K, d₀).
PLACED = {
    "thm-a3": {"alpha": (1, 2), "exp": 2, "cases": (("2", 4), ("1.7", 50))},
    "thm-a4": {"alpha": (1, 4), "exp": 3, "cases": (("5", 3), ("4", 13))},
}


def _alpha(spec) -> A:
    num, den = spec["alpha"]
    return A.pi() * num / den


def _lhs_minus_rhs(spec, Ks, d: int) -> A:
    """M²(1 − cos α) − Eq. 311's right side at N = 2^{e(d−1)}, M = K√(d−1), β = 1."""
    m2 = K.Q(Ks) ** 2 * (d - 1)
    n = A(2) ** (spec["exp"] * (d - 1))
    return m2 * (1 - _alpha(spec).cos()) - K.eq311_rhs(n, 1, m2)


def evaluations_compute(name: str, d_max: int = 120, shift: int = 0):
    """The paper's evaluations of Eq. 311 with the placed α at (K, d₀) and at every d up to
    ``d_max``, certified; ``shift`` moves d₀ (the theorems' wrong variants; the evaluations
    for every d are the claims ``thm-a3/evaluations``, ``thm-a4/evaluations``)."""

    def compute(examples: int, seed: int) -> Computed:
        spec = PLACED[name]
        rows, cx = [], None
        for Ks, d0 in spec["cases"]:
            d0 = max(2, d0 - shift)
            for d in range(d0, d_max + 1):
                r = compare(
                    lambda prec, d=d, Ks=Ks: _lhs_minus_rhs(spec, Ks, d), ">=", lambda prec: A(0)
                )
                if r.holds is not True and cx is None:
                    val = _lhs_minus_rhs(spec, Ks, d)
                    cx = counterexample(
                        {"K": Ks, "d": d, "beta": 1}, val, 0, "M²(1 − cos α) ≥ Eq. 311's rhs", -val
                    )
            rows.append(
                {
                    "K": Ks,
                    "d_from": d0,
                    "d_to": d_max,
                    "at_d0": dstr(_lhs_minus_rhs(spec, Ks, d0), 8),
                }
            )
        ev = "; ".join(
            f"K = {r['K']}: LHS − RHS = {r['at_d0'][:7]} at d = {r['d_from']}" for r in rows
        )
        ev += f", ≥ 0 for every d up to {d_max}" if cx is None else f"; fails at {cx['params']}"
        ev += " [certified, each d to d_max]"
        return Computed(cx is None, ev, {"rows": rows}, cx, False, len(rows))

    return compute


def _int(n: A) -> str:
    """An exact integer ball as a decimal integer."""
    return str(int(n.mid().unique_fmpz())) if n.is_exact() else dstr(n)


def _no_placement(n: A, d: int, alpha: A) -> bool | None:
    """Certified: N·σ_d(α/2) > 1, so no N points on S^{d−1} have pairwise angles ≥ α."""
    return compare(lambda prec: n * K.cap_fraction(d, alpha / 2), ">", lambda prec: A(1)).holds


def placement_compute(name: str, count=lambda spec, d: A(2) ** (spec["exp"] * (d - 1))):
    """The proof's placement: N = (2π/α)^{d−1} points with pairwise angles ≥ α exist on
    S^{d−1}; refuted at a dimension where the cap-packing bound excludes them."""

    def compute(examples: int, seed: int) -> Computed:
        spec = PLACED[name]
        alpha = _alpha(spec)
        bad = []
        for d in range(2, 41):
            n = count(spec, d)
            if _no_placement(n, d, alpha):
                bad.append(d)
        vals = {"alpha": dstr(alpha, 10), "dimensions_excluded": bad}
        if not bad:
            return Computed(
                True,
                "no dimension in 2…40 is excluded by the cap-packing bound",
                vals,
                None,
                False,
                39,
            )
        d = bad[0]
        n = count(spec, d)
        frac = K.cap_fraction(d, alpha / 2)
        cx = counterexample(
            {"d": d, "N": _int(n), "alpha": dstr(alpha, 10)},
            n * frac,
            1,
            "N·σ_d(α/2) ≤ 1 (caps of radius α/2 disjoint)",
            n * frac - 1,
        )
        ev = (
            f"N = {_int(n)} points with pairwise angle ≥ {dstr(alpha, 5)} on S^{d - 1}: their caps "
            "of angular "
            f"radius α/2 would cover N·σ = {dstr(n * frac, 6)} > 1 of the sphere — impossible; "
            f"excluded in {len(bad)} of the dimensions 2…40 (from d = {d}) [certified]"
        )
        return Computed(False, ev, vals, cx, True, 39)

    return compute


def as_proven_compute(name: str, exp_override: int | None = None):
    """The theorem as the paper uses "stored" (Eq. 311): N = 2^{e(d−1)} patterns on the sphere
    of radius K√(d−1), β = 1, can meet Eq. 311. Refuted at d where every placement has
    α_min < α*, cos α* = 1 − rhs/M² (certified cap-packing bound)."""

    def compute(examples: int, seed: int) -> Computed:
        spec = PLACED[name]
        e = spec["exp"] if exp_override is None else exp_override
        first, checked = {}, 0
        for Ks, d0 in spec["cases"]:
            for d in range(d0, d0 + 60):
                checked += 1
                m2 = K.Q(Ks) ** 2 * (d - 1)
                n = A(2) ** (e * (d - 1))
                rhs = K.eq311_rhs(n, 1, m2)
                if not rhs < 2 * m2:
                    if Ks not in first:
                        first[Ks] = (d, "rhs ≥ 2M²: no angle suffices")
                    continue
                astar = (1 - rhs / m2).acos()
                if compare(
                    lambda prec, n=n, d=d, a=astar: n * K.cap_fraction(d, a / 2),
                    ">",
                    lambda prec: A(1),
                ).holds:
                    first.setdefault(Ks, (d, dstr(n * K.cap_fraction(d, astar / 2), 6)))
        vals = {"first_excluded": {k: v[0] for k, v in first.items()}, "checked": checked}
        if not first:
            ev = (
                f"no dimension excluded in {checked} (K, d) pairs: the cap-packing bound leaves "
                "room"
            )
            return Computed(True, ev, vals, None, False, checked)
        Ks, (d, cover) = next(iter(first.items()))
        m2 = K.Q(Ks) ** 2 * (d - 1)
        n = A(2) ** (e * (d - 1))
        astar = (1 - K.eq311_rhs(n, 1, m2) / m2).acos()
        cx = counterexample(
            {"K": Ks, "d": d, "N": _int(n), "beta": 1, "alpha_needed": dstr(astar, 8)},
            n * K.cap_fraction(d, astar / 2),
            1,
            "N·σ_d(α*/2) ≤ 1 for a placement meeting Eq. 311",
            n * K.cap_fraction(d, astar / 2) - 1,
        )
        ev = (
            f"K = {Ks}, d = {d}: Eq. 311 with N = {_int(n)} needs α_min ≥ {dstr(astar, 5)} rad, "
            "but caps "
            f"of half that radius around N points would cover {cover} of the sphere (> 1): no "
            "placement stores them [certified]; first excluded d per K: "
            + ", ".join(f"K={k}: d={v[0]}" for k, v in first.items())
        )
        return Computed(False, ev, vals, cx, True, checked)

    return compute


def range_compute(label: str, lhs, rhs, d_from: int, d_to: int, strict: bool = False):
    """lhs(d) ≥ rhs(d) (or >) for every integer d in [d_from, d_to], certified."""

    def compute(examples: int, seed: int) -> Computed:
        op = ">" if strict else ">="
        for d in range(d_from, d_to + 1):
            r = compare(lambda prec, d=d: lhs(d), op, lambda prec, d=d: rhs(d))
            if r.holds is not True:
                cx = counterexample({"d": d}, lhs(d), rhs(d), label, rhs(d) - lhs(d))
                status = False if r.holds is False else None
                return Computed(
                    status,
                    f"{label} fails at d = {d} [certified]",
                    {"d": d},
                    cx,
                    False,
                    d - d_from + 1,
                )
        ev = (
            f"{label} for every d = {d_from}…{d_to} [certified]; not checked beyond (no proof for "
            "all d)"
        )
        return Computed(True, ev, {"d_from": d_from, "d_to": d_to}, None, False, d_to - d_from + 1)

    return compute


def a15_compute(denominator: int = 5):
    """cos x ≤ 1 − x²/5 on [0, π]: as 2 sin²(x/2) ≥ x²/5, i.e. sinc(y)² ≥ 2/5 for y = x/2 ∈
    [0, π/2], certified on every piece of a bisection of [0, π/2] (a proof for all x)."""

    def compute(examples: int, seed: int) -> Computed:
        half_pi = flint.fmpq(314159266, 200000000)  # > π/2: the pieces cover [0, π/2]
        ok, info = nonneg_on(lambda y: y.sinc() ** 2 - flint.fmpq(2, denominator), 0, half_pi)
        vals = {"pieces": info.get("pieces"), "denominator": denominator}
        if ok:
            ev = (
                f"sinc(x/2)² − 2/{denominator} ≥ 0 certified on {info['pieces']} pieces covering "
                "[0, π/2]: holds for every x ∈ [0, π]"
            )
            return Computed(True, ev, vals, None, True, info["pieces"])
        if ok is None:
            return Computed(
                None, f"undecided after {info['pieces']} pieces", vals, None, False, info["pieces"]
            )
        x = 2 * info["x"]
        cx = counterexample(
            {"x": dstr(A(x), 20)},
            A(x).cos(),
            1 - A(x) ** 2 / denominator,
            f"cos x ≤ 1 − x²/{denominator}",
            A(x).cos() - 1 + A(x) ** 2 / denominator,
        )
        return Computed(
            False, f"fails at x = {dstr(A(x), 8)} [certified]", vals, cx, True, info["pieces"]
        )

    return compute


def claims() -> list[Claim]:
    comp, ineq = "computation", "inequality"
    return [
        Claim(
            "thm-a3",
            "App. A.1.5, Theorem A3",
            "as proven (stored = meets Eq. 311): "
            "N = 2^{2(d−1)} patterns on the sphere of radius 2√(d−1) (d ≥ 4) or 1.7√(d−1) (d ≥ "
            "50), β = 1, can all meet Eq. 311",
            comp,
            "β = 1, patterns on the sphere of radius K√(d−1)",
            compute=as_proven_compute("thm-a3"),
            wrong=dict(compute=evaluations_compute("thm-a3", shift=3)),
        ),
        Claim(
            "thm-a3/evaluations",
            "App. A.1.5, proof of Theorem A3",
            "Eq. 311 with α_min = π/2 "
            "holds at (K, d) = (2, 4) and (1.7, 50) and for every larger d",
            ineq,
            "β = 1; the printed cases (K, d₀), every d ≥ d₀",
            PP.eq311_statement("thm-a3"),
            PP.domain("thm-a3"),
            PP.display("thm-a3"),
            PP.derivation("thm-a3"),
            PP.sizes("thm-a3"),
            wrong=dict(domain=PP.domain("thm-a3", shift=2)),
        ),
        Claim(
            "thm-a3/placement",
            "App. A.1.5, proof of Theorem A3",
            "N = (2π/α_min)^{d−1} "
            "points with pairwise angle ≥ α_min = π/2 can be placed on S^{d−1}",
            comp,
            "α_min = π/2, N = 2^{2(d−1)}",
            compute=placement_compute("thm-a3"),
            wrong=dict(compute=evaluations_compute("thm-a3", shift=3)),
        ),
        Claim(
            "thm-a4",
            "App. A.1.5, Theorem A4",
            "as proven (stored = meets Eq. 311): "
            "N = 2^{3(d−1)} patterns on the sphere of radius 5√(d−1) (d ≥ 3) or 4√(d−1) (d ≥ 13), "
            "β = 1, can all meet Eq. 311",
            comp,
            "β = 1, patterns on the sphere of radius K√(d−1)",
            compute=as_proven_compute("thm-a4"),
            wrong=dict(compute=evaluations_compute("thm-a4", shift=2)),
        ),
        Claim(
            "thm-a4/evaluations",
            "App. A.1.5, proof of Theorem A4",
            "Eq. 311 with α_min = π/4 holds at (K, d) = (5, 3) and (4, 13) and for every larger d",
            ineq,
            "β = 1; the printed cases (K, d₀), every d ≥ d₀",
            PP.eq311_statement("thm-a4"),
            PP.domain("thm-a4"),
            PP.display("thm-a4"),
            PP.derivation("thm-a4"),
            PP.sizes("thm-a4"),
            wrong=dict(domain=PP.domain("thm-a4", shift=2)),
        ),
        Claim(
            "thm-a4/placement",
            "App. A.1.5, proof of Theorem A4",
            "N = (2π/α_min)^{d−1} "
            "points with pairwise angle ≥ α_min = π/4 can be placed on S^{d−1}",
            comp,
            "α_min = π/4, N = 2^{3(d−1)}",
            compute=placement_compute("thm-a4"),
            wrong=dict(compute=evaluations_compute("thm-a4", shift=2)),
        ),
        Claim(
            "lemma-a14",
            "App. A.1.5, Lemma A14",
            "1/(e^{1/6}√(eπd)) ≤ κ_d ≤ e^{1/12}/√(2πd) < 1 for every d ≥ 1",
            ineq,
            "d ≥ 1 an integer",
            GP.a14_statement,
            lambda: GP.dimensions(1),
            lambda: GP.space(1),
            GP.a14_derivation,
            GP.a14_sizes,
            wrong=dict(statement=GP.a14_wrong),
        ),
        Claim(
            "lemma-a15",
            "App. A.1.5, Lemma A15",
            "cos x ≤ 1 − x²/5 for 0 ≤ x ≤ π",
            comp,
            "x ∈ [0, π]",
            compute=a15_compute(5),
            wrong=dict(compute=a15_compute(4)),
        ),
        Claim(
            "lemma-a17",
            "App. A.1.5, Lemma A17",
            "C_d ≥ 1 − ln(d + 1)/d for every d ≥ 2",
            ineq,
            "d ≥ 2 an integer",
            GP.a17_statement,
            lambda: GP.dimensions(2),
            lambda: GP.space(2),
            GP.a17_derivation,
            GP.a17_sizes,
            wrong=dict(statement=GP.c_at_least_one(0)),
        ),
        Claim(
            "thm-a7/step",
            "App. A.1.5, proof of Theorem A7",
            "the proof's C_{d−1} ≥ 1 − ln(d−1)/(d−1) "
            "('for sufficiently large d'; Lemma A17 gives 1 − ln d/(d−1)), for every d ≥ 3",
            ineq,
            "d ≥ 3 an integer",
            GP.a7_step_statement,
            lambda: GP.dimensions(3),
            lambda: GP.space(3),
            GP.a7_step_derivation,
            GP.a7_step_sizes,
            wrong=dict(statement=GP.c_at_least_one(1)),
        ),
        Claim(
            "thm-a7/example",
            "App. A.1.5, Theorem A7 (after Eq. 387)",
            "as printed: Eq. 387 holds with β = 1, K = 3, c = 2 for every d ≥ 17",
            comp,
            f"d = 17…{D_MAX}",
            compute=range_compute(
                "Eq. 387", lambda d: K.eq387(d, 1, 3, 2), lambda d: A(0), 17, D_MAX
            ),
            wrong=dict(
                compute=range_compute(
                    "Eq. 387 at d ≥ 10", lambda d: K.eq387(d, 1, 3, 2), lambda d: A(0), 10, D_MAX
                )
            ),
        ),
        Claim(
            "thm-a7/example/first-d",
            "App. A.1.5, Theorem A7 (after Eq. 387)",
            "the smallest d from which Eq. 387 holds (β = 1, K = 3, c = 2): d ≥ 21, for every "
            "d ≥ 21",
            ineq,
            "d ≥ 21 an integer",
            EQ.eq387_statement,
            lambda: GP.dimensions(21),
            lambda: GP.space(21),
            EQ.eq387_derivation,
            EQ.eq387_sizes(21),
            wrong=dict(domain=lambda: GP.dimensions(20)),
        ),
        Claim(
            "thm-a7/example/with-C",
            "App. A.1.5, proof of Theorem A7",
            "Eq. 387 with C_{d−1}² "
            "(the proof's bound before Lemma A17) holds for every d ≥ 17 at β = 1, K = 3, c = 2",
            ineq,
            "d ≥ 17 an integer",
            EQ.eq387_with_c_statement,
            lambda: GP.dimensions(17),
            lambda: GP.space(17),
            EQ.eq387_with_c_derivation,
            EQ.eq387_sizes(17),
            wrong=dict(domain=lambda: GP.dimensions(10)),
        ),
    ]
