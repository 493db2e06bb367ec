"""App. A.1.4 of Ramsauer et al. through the rule kernel for every N ≥ 2 and d
(:mod:`derivations.ramsauer2020.a1_proofs`): Eq. 5 = Eq. 140 and Lemma A4 (its softmax
bounds, and with them ‖xᵢ − f(ξ)‖ ≤ 2εM) are derived for the first pattern with every step
checked and carried to every pattern i by the kernel's ``relabel`` rule, so they are
*proven*; a derivation with a wrong step (a wrong expansion, a map used outside the domain
where it increases, an inequality turned around, a bound instantiated outside its range, a
Cauchy–Schwarz without its weights) is not checked, and neither is a wrong relabelling (of a
step about one pattern j, of a statement left partly for the first pattern, against a
searched statement that is not the relabelled one). The proof of Lemma A1 (a), E ≥
½‖ξ − x_ξ‖² at x_ξ = argmaxᵢ ξᵀxᵢ, is proven the same way (for every N ≥ 1) in the form
E ≥ ½‖ξ − xᵢ‖² − (maxⱼ ξᵀxⱼ − ξᵀxᵢ), which holds for every pattern i and is the paper's
at its argmax. Lemma A5 (f maps Sᵢ into itself under Eq. 142) is derived for the first
pattern under its hypotheses for the first pattern, which the relabelling carries along, and
Eq. 140 with all norms equal (Δᵢ = ½ min_{j≠i}‖xᵢ − xⱼ‖²) under maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖², and
Eq. 311 (Δ_min = M²(1 − cos α_min), the minimum over the patterns of the relabelled
Δᵢ = M²(1 − max_{j≠i} cos αᵢⱼ))."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine import kernel as K
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import energy_proofs as EP

REG = load_registry(["ramsauer2020"])
DERIVED = ("eq5", "lemma-a4/softmax", "lemma-a4", "lemma-a5", "eq5/equal-norms")


def _claim(cid):
    return REG[f"ramsauer2020:{cid}"]


def _with_step(cid, k, change):
    """The claim with step ``k`` of its derivation replaced by ``change(step)``."""
    return with_step(_claim(cid), k, change)


def _steps(cid):
    c = _claim(cid)
    return c.derivation(INDEXED, c.derivation_sizes()[0])


def _first_relabel(cid):
    """The index of the first relabel step (the derivation's last steps)."""
    steps = _steps(cid)
    k = next(n for n, s in enumerate(steps) if s.by.rule == "relabel")
    assert all(s.by.rule == "relabel" for s in steps[k:])
    return k


def test_the_a1_claims_are_proven_for_every_pattern():
    recs = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{c}" for c in DERIVED], examples=8)}
    for cid in DERIVED:
        rec = recs[f"ramsauer2020:{cid}"]
        assert rec["status"] == "proven", (cid, rec["evidence"])
        relabelled = [s for s in rec["steps"] if s["rule"] == "relabel"]
        assert relabelled and all(s["checked"] for s in relabelled), cid
        assert "for every pattern i by relabelling" in relabelled[0]["how"]
        assert "relabel rule" in rec["assumptions"], rec["assumptions"]


@pytest.mark.parametrize("cid", DERIVED)
def test_every_step_is_checked_for_every_size_and_the_statement_for_every_pattern(cid):
    out = check_derivation(_claim(cid), REG)
    assert out["complete"] and out["scope"] == "all sizes", cid
    assert out["sizes_text"] == "every N ≥ 2, d ≥ 1"
    assert all(s["checked"] and s["where"] == out["sizes_text"] for s in out["steps"])
    n = len(_claim(cid).statement(INDEXED, AP.space()))
    assert [s["rule"] for s in out["steps"][-n:]] == ["relabel"] * n  # one per relation
    assert out["agreement"].startswith(
        "agrees with the searched statement (mpmath, random entries) for every pattern i"
    ), out["agreement"]


@pytest.mark.parametrize("cid", DERIVED)
def test_a_wrong_last_step_is_rejected(cid):
    """The conclusion made stronger by ⅓ does not follow (the last step before the
    relabelling)."""
    n = _first_relabel(cid)

    def stronger(s):
        r = s.rel
        d = -sp.Rational(1, 3) if r.op in ("<=", "<") else sp.Rational(1, 3)
        return Step(Rel(r.lhs, r.op, r.rhs + d, r.label, r.over), s.why, s.by)

    out = check_derivation(_with_step(cid, n - 1, stronger), REG)
    assert not out["complete"] and not out["steps"][n - 1]["checked"], cid


@pytest.mark.parametrize("cid", DERIVED)
def test_a_searched_statement_that_is_not_the_relabelled_one_is_not_proven(cid):
    """The searched statement for pattern i replaced by the first pattern's whatever i: it
    agrees at the first pattern, so only the comparison for every pattern i rejects it."""
    c = _claim(cid)

    def first_only(o, v):
        if AP.symbolic(v):
            return c.statement(o, v)
        return c.statement(o, SimpleNamespace(**{**vars(v), "i": 0}))

    out = check_derivation(dataclasses.replace(c, statement=first_only), REG)
    assert not out["complete"] and out["scope"] == "fixed sizes", cid
    assert out["agreement"].startswith("differs at N = 2, d = 1, pattern i = 2"), out["agreement"]


def test_relabelling_a_step_about_pattern_j_is_refused():
    """Eq. 5's first step holds for every j = 2 … N with xⱼ outside any reduction:
    relabelling it is refused (and the statement is then not concluded for every i)."""
    n = _first_relabel("eq5")
    first = _steps("eq5")[0]
    out = check_derivation(
        _with_step("eq5", n, lambda s: Step(first.rel, s.why, K.relabel(0))), REG
    )
    assert not out["complete"] and not out["steps"][n]["checked"]
    assert "other than the first" in out["steps"][n]["how"], out["steps"][n]["how"]


def test_a_statement_relabelled_only_in_part_is_incomplete():
    """Lemma A4 without the relabelling of its third bound: every step checks, and the
    third bound is derived for the first pattern only."""
    c = _claim("lemma-a4")

    def derivation(o, v):
        return c.derivation(o, v)[:-1]

    out = check_derivation(dataclasses.replace(c, derivation=derivation), REG)
    assert not out["complete"]
    assert all(s["checked"] for s in out["steps"] if s["rule"] != "conclusion")
    (miss,) = [s for s in out["steps"] if s["rule"] == "conclusion"]
    assert "first pattern only" in miss["how"]
    assert miss["text"] == AP.a4_full(INDEXED, AP.space())[-1].text()


def test_eq5_a_wrong_expansion_is_rejected():
    """½(‖x₁‖² − ‖xⱼ‖² + ‖x₁ − xⱼ‖²) is not ‖x₁‖² − 2x₁ᵀxⱼ."""
    v = AP.space()
    one = sp.Integer(1)
    wrong = AP._sq(v.P, one) - 2 * AP._dot(v.P, one, AP._J)

    out = check_derivation(
        _with_step(
            "eq5", 0, lambda s: Step(Rel(s.rel.lhs, "==", wrong, over=s.rel.over), "", s.by)
        ),
        REG,
    )
    assert not out["complete"] and not out["steps"][0]["checked"]


def test_a4_the_reciprocal_needs_the_positive_domain():
    """t ↦ −1/t increases on t > 0 only: applied on "real" it is refused."""
    steps = AP.a4_derivation(INDEXED, AP.space())
    k = next(n for n, s in enumerate(steps) if s.by.rule == "monotone" and n > 3)
    t = sp.Dummy("t")
    f = sp.Lambda(t, -1 / t)
    out = check_derivation(
        _with_step("lemma-a4/softmax", k, lambda s: Step(s.rel, s.why, K.monotone(k - 1, f))), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])


def test_a4_dividing_by_the_larger_sum_is_not_an_upper_bound():
    """T/e^{βz₁} ≤ T/S (the inequality turned around) does not follow from 1/S ≤ e^{−βz₁}."""
    steps = AP.a4_derivation(INDEXED, AP.space())
    k = next(n for n, s in enumerate(steps) if s.why == "T ≥ 0 times step 9")
    r = steps[k].rel
    out = check_derivation(
        _with_step("lemma-a4/softmax", k, lambda s: Step(Rel(r.rhs, "<=", r.lhs), s.why, s.by)),
        REG,
    )
    assert not out["complete"] and not out["steps"][k]["checked"]


def _a4_step(why_start):
    """The index of the step of lemma-a4's derivation whose reason starts with ``why_start``."""
    steps = AP.a4_full_derivation(INDEXED, AP.space())
    return next(n for n, s in enumerate(steps) if s.why.startswith(why_start)), steps


def test_a4_the_pattern_bound_is_instantiated_inside_its_range_only():
    """‖x_l‖² ≤ M² for l = 2 … N + 1 does not follow from ‖xᵢ‖² ≤ M² for i = 1 … N, nor
    ‖x_{N+1}‖² ≤ M² (x_{N+1} is no pattern)."""
    k, steps = _a4_step("at every i = l ≥ 2")
    r = steps[k].rel
    N = AP.space().P.d
    wider = (r.over[0], r.over[1], N + 1)
    out = check_derivation(
        _with_step("lemma-a4", k, lambda s: Step(Rel(r.lhs, r.op, r.rhs, over=wider), s.why, s.by)),
        REG,
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])
    k, steps = _a4_step("at i = 1")
    P = AP.space().P
    past = Step(
        Rel(INDEXED.sqnorms(P)[N + 1], "<=", steps[k].rel.rhs), "", K.instance(k - 1, N + 1)
    )
    out = check_derivation(_with_step("lemma-a4", k, lambda s: past), REG)
    assert not out["complete"] and "cannot show 1 ≤ N + 1 ≤ N" in out["steps"][k]["how"]


def test_a4_cauchy_schwarz_needs_the_weights():
    """(Σ_{l≥2} p_l w_l)² ≤ (Σ_{l≥2} p_l)(Σ_{l≥2} p_l² w_l²) is false (N = 2: 1 ≤ p₂):
    Cauchy–Schwarz with a_l = √p_l, b_l = p_l w_l bounds (Σ p_l^{3/2} w_l)², not the left side."""
    k, steps = _a4_step("Cauchy–Schwarz")
    _, w, Tp, _, _ = AP._a4_norms(INDEXED, AP.space())
    p, later = Tp.function, Tp.limits[0]
    sq = lambda t: sp.Pow(t, 2, evaluate=False)  # noqa: E731
    wrong = Rel(steps[k].rel.lhs, "<=", sp.Sum(sq(sp.sqrt(p)), later) * sp.Sum(sq(p * w), later))
    out = check_derivation(_with_step("lemma-a4", k, lambda s: Step(wrong, s.why, s.by)), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert "left side" in out["steps"][k]["how"]


def test_a4_the_square_root_of_the_squared_bound_is_not_smaller():
    """From ‖x₁ − f(ξ)‖² ≤ 4M²ε², √ gives ‖x₁ − f(ξ)‖ ≤ 2εM, not ≤ εM."""
    k, steps = _a4_step("√ is increasing")
    r = steps[k].rel
    out = check_derivation(
        _with_step("lemma-a4", k, lambda s: Step(Rel(r.lhs, "<=", r.rhs / 2), s.why, s.by)), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert "conclusion" in [s["rule"] for s in out["steps"]]


# ------------------------------------------------------- the proof of Lemma A1 (a)


def test_a1a_is_proven_for_every_pattern_and_every_n():
    c = _claim("lemma-a1/a-proof")
    out = check_derivation(c, REG)
    assert out["complete"] and out["sizes_text"] == "every N ≥ 1, d ≥ 1", out["sizes_text"]
    assert out["steps"][-1]["rule"] == "relabel" and out["steps"][-1]["checked"]
    assert "for every pattern i" in out["agreement"], out["agreement"]


def test_a1a_the_searched_statement_is_the_papers_at_its_argmax():
    """On a searched instance (no pattern named) the bound is ½‖ξ − x_ξ‖² at the argmax, the
    bracket exactly 0; at another pattern the bracket is its score gap."""
    from derivations.engine.backends import SYM

    c = _claim("lemma-a1/a-proof")
    P = [[sp.Integer(1), sp.Integer(0)], [sp.Integer(0), sp.Integer(2)]]
    v = SimpleNamespace(P=P, x=[sp.Integer(1), sp.Integer(1)], beta=sp.Integer(1))
    (paper,) = c.statement(SYM, v)
    (at2,) = c.statement(SYM, SimpleNamespace(**vars(v), i=1))
    (at1,) = c.statement(SYM, SimpleNamespace(**vars(v), i=0))
    assert paper.rhs == 1  # x_ξ = (0, 2): ½‖(1, 1) − (0, 2)‖² = 1, the bracket 0
    assert sp.simplify(at2.rhs - paper.rhs) == 0
    assert at1.rhs == -sp.Rational(1, 2)  # ½‖(1, 1) − (1, 0)‖² − (2 − 1)


def test_a1a_the_bound_needs_m_at_least_the_first_norm():
    """‖x₁‖² ≤ M² read at i = N + 1 (no pattern) is refused; so is the final combination
    with M² replaced by ‖x₁‖² at the wrong weight."""
    steps = _steps("lemma-a1/a-proof")
    k = next(n for n, s in enumerate(steps) if s.by.rule == "instance")
    P = EP.a1a_space().P
    past = Step(
        Rel(INDEXED.sqnorms(P)[P.d + 1], "<=", steps[k].rel.rhs), "", K.instance(k - 1, P.d + 1)
    )
    out = check_derivation(_with_step("lemma-a1/a-proof", k, lambda s: past), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    n = _first_relabel("lemma-a1/a-proof") - 1
    beta = EP.a1a_space().beta
    bad = Step(steps[n].rel, "", K.combine((2, 1 / beta), (3, 1 / beta), (5, 1), (6, -1)))
    out = check_derivation(_with_step("lemma-a1/a-proof", n, lambda s: bad), REG)
    assert not out["complete"] and not out["steps"][n]["checked"]


@pytest.mark.parametrize("cid", (*DERIVED, "lemma-a1/a-proof"))
def test_without_its_relabel_steps_a_derivation_is_for_the_first_pattern_only(cid):
    """Regression: the steps for the first pattern alone (every relabel step dropped) were
    complete, compared with the searched statement at pattern 1 only; now every relation is
    "derived for the first pattern only" and the claim is not proven."""
    c = _claim(cid)
    n = _first_relabel(cid)

    def first_only(o, v):
        return c.derivation(o, v)[:n]

    out = check_derivation(dataclasses.replace(c, derivation=first_only), REG)
    assert all(s["checked"] for s in out["steps"] if s["rule"] != "conclusion")
    assert not out["complete"] and out["scope"] == "fixed sizes"
    hows = [s["how"] for s in out["steps"] if s["rule"] == "conclusion"]
    assert hows and all("first pattern only" in h for h in hows), hows


# ------------------------------------------------------------------------- Lemma A5


def test_a5_rests_on_its_hypotheses_and_m_positive():
    """Without M² > 0 among the hypotheses the division by 2λ = 4βNM² is refused; with the
    ball's radius doubled (‖ξ − x₁‖² ≤ 4/(βNM)²) the product bound 2/(βN) does not follow,
    and the hypotheses no longer agree with the searched ones either."""
    c = _claim("lemma-a5")
    steps = _steps("lemma-a5")
    k = next(n for n, s in enumerate(steps) if "divided by 2λ" in s.why)

    def drop_m(o, v):
        return c.hypotheses(o, v)[1:]

    def no_m_step(o, v):
        out = c.derivation(o, v)
        return [Step(Rel(0, "<=", 0), "", K.algebra()), *out[1:]]

    out = check_derivation(dataclasses.replace(c, hypotheses=drop_m, derivation=no_m_step), REG)
    assert not out["complete"] and not out["steps"][k]["checked"], out["steps"][k]["how"]

    def wide(o, v):
        h = c.hypotheses(o, v)
        return [*h[:2], Rel(h[2].lhs, "<=", 4 * h[2].rhs)]

    out = check_derivation(dataclasses.replace(c, hypotheses=wide), REG)
    assert not out["complete"]
    assert not out["steps"][2]["checked"]  # the assumption ‖ξ − x₁‖² ≤ r² is no hypothesis


def test_a5_the_searched_statement_assumes_the_hypotheses_and_the_derivations_does_not():
    """On a searched instance the bound is vacuous where Eq. 142 or ξ ∈ Sᵢ fails; on the
    derivation's instance (``assume_hypotheses``) it is the bare relation, whose hypotheses
    the checker compares on their own."""
    from derivations.engine.backends import MP

    c = _claim("lemma-a5")
    P = [[MP.num(1), MP.num(0)], [MP.num(0), MP.num(1)]]
    v = SimpleNamespace(P=P, x=[MP.num(3), MP.num(3)], beta=MP.num(1), i=0)
    (searched,) = c.statement(MP, v)
    assert searched.text().startswith("0 ≤ 0") or searched.lhs == searched.rhs
    (bare,) = c.statement(MP, SimpleNamespace(**vars(v), assume_hypotheses=True))
    assert bare.lhs != bare.rhs and bare.op == "<="


def test_eq5_equal_norms_needs_its_hypothesis():
    """Without maxᵢ‖xᵢ‖² = minᵢ‖xᵢ‖² the terms ½(‖x₁‖² − ‖xⱼ‖² + ‖x₁ − xⱼ‖²) and
    ½‖x₁ − xⱼ‖² do not bound each other (and the equality is false in general)."""
    c = _claim("eq5/equal-norms")
    out = check_derivation(dataclasses.replace(c, hypotheses=None), REG)
    assert not out["complete"]
    assert (
        not out["steps"][1]["checked"]
        and "not among the claim's hypotheses" in out["steps"][1]["how"]
    )
    assert not out["steps"][8]["checked"] and not out["steps"][-1]["checked"]


# ------------------------------------------------------------------------- Eq. 311


def test_eq311_is_proven_as_the_minimum_over_the_patterns():
    """Δᵢ = M²(1 − max_{j≠i} cos αᵢⱼ) for the first pattern, relabelled; the searched
    Δ_min = M²(1 − cos α_min) is the minimum of both sides over the patterns. Without the
    relabel step it is the first pattern's statement only, which is not the searched one."""
    cid = "eq5/equal-norms/angle"
    rec = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{cid}"], examples=8)}
    rec = rec[f"ramsauer2020:{cid}"]
    assert rec["status"] == "proven", rec["evidence"]
    out = check_derivation(_claim(cid), REG)
    assert out["complete"] and "the minima over every pattern i" in out["agreement"]
    n = _first_relabel(cid)
    c = _claim(cid)
    out = check_derivation(
        dataclasses.replace(c, derivation=lambda o, v: c.derivation(o, v)[:n]), REG
    )
    assert not out["complete"] and out["agreement"].startswith("differs")
