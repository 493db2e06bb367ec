"""Theorems 4 and 5 of Ramsauer et al. through the rule kernel for every N ≥ 2 and d
(:mod:`derivations.ramsauer2020.retrieval_proofs`): Eq. 6 (from Lemma A32 with f(xᵢ*) = xᵢ*),
Eq. 7 (the mean Jacobian's norm, bounded on the segment and integrated), Eq. 8, Eq. 9 as
printed, Eq. 9 read as a bound on the retrieval error and Eq. 8's bound read for the error
to the fixed point (``thm5/to-fixed-point``, Minkowski with weights of either sign) are
derived for the first pattern, with the fixed point xᵢ* kept a free vector y (the claims'
``defined`` quantity), and carried to every pattern by ``relabel``, so they are *proven*;
the search evaluates them at the computed fixed point. A wrong last step, a maximum bounded
the wrong way, Eq. 6, Eq. 9 as printed and the fixed-point reading without f(y) = y, the
triangle inequality with signed weights outside |·|, and a searched statement that does not
read the free vector are not proven."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED
from derivations.ramsauer2020 import a1_proofs as AP
from derivations.ramsauer2020 import retrieval_proofs as RP

REG = load_registry(["ramsauer2020"])
DERIVED = (
    "thm5",
    "thm5/eq9",
    "thm5/eq9/retrieval-error",
    "thm4/eq6",
    "thm4",
    "thm5/to-fixed-point",
)


def _claim(cid):
    return REG[f"ramsauer2020:{cid}"]


def _steps(cid):
    c = _claim(cid)
    return c.derivation(INDEXED, c.derivation_sizes()[0])


def test_theorem_5_is_proven_for_every_size_and_pattern():
    recs = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{c}" for c in DERIVED], examples=8)}
    for cid in DERIVED:
        rec = recs[f"ramsauer2020:{cid}"]
        assert rec["status"] == "proven", (cid, rec["evidence"])
        assert "for every size" in rec["evidence"], cid
        relabelled = [s for s in rec["steps"] if s["rule"] == "relabel"]
        assert relabelled and all(s["checked"] for s in relabelled), cid
        assert "for every pattern i by relabelling" in relabelled[0]["how"]


@pytest.mark.parametrize("cid", DERIVED)
def test_every_step_is_checked_and_the_statement_agrees_for_every_pattern(cid):
    out = check_derivation(_claim(cid), REG)
    assert out["complete"] and out["scope"] == "all sizes", cid
    assert all(s["checked"] for s in out["steps"])
    assert out["agreement"].startswith(
        "agrees with the searched statement (mpmath, random entries) for every pattern i"
    ), out["agreement"]


@pytest.mark.parametrize("cid", DERIVED)
def test_a_wrong_last_step_is_rejected(cid):
    """The conclusion before the relabelling made stronger by ⅓ does not follow."""
    n = len(_steps(cid)) - 2

    def stronger(s):
        r = s.rel
        return Step(Rel(r.lhs, r.op, r.rhs - sp.Rational(1, 3), r.label, r.over), s.why, s.by)

    out = check_derivation(with_step(_claim(cid), n, stronger), REG)
    assert not out["complete"] and not out["steps"][n]["checked"], cid


def test_the_maximum_bounded_the_wrong_way_is_rejected():
    """μ = max{‖ξ − x₁‖, ‖y − x₁‖} ≥ ‖ξ − x₁‖ checks; μ ≤ ‖ξ − x₁‖ does not."""
    steps = _steps("thm5")
    k = next(n for n, s in enumerate(steps) if s.why.startswith("μ = max"))
    r = steps[k].rel
    out = check_derivation(
        with_step(_claim("thm5"), k, lambda s: Step(Rel(r.rhs, "<=", r.lhs), s.why, s.by)), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])


def test_eq9_as_printed_needs_the_fixed_point_equation():
    """Without the hypothesis f(y) = y the bound on ‖x₁ − y‖ has no derivation: the
    assumption step is refused (y is any vector)."""
    c = _claim("thm5/eq9")
    fewer = dataclasses.replace(c, hypotheses=RP.eq9_hypotheses(False))
    out = check_derivation(fewer, REG)
    assert not out["complete"]
    refused = [s for s in out["steps"] if not s["checked"]]
    assert refused[0]["rule"] == "assumption" and "f(xᵢ*) = xᵢ*" in refused[0]["why"]


def test_a_searched_statement_that_does_not_read_the_free_vector_is_not_proven():
    """The derivation proves Eq. 8 for every y; a searched statement that takes the fixed
    point reached from the query ξ instead of the instance's y is compared at the same
    random y and differs (at N = 2 the two μ differ)."""
    c = _claim("thm5")

    def own_star(o, v):
        if AP.symbolic(v):
            return c.statement(o, v)
        return c.statement(o, SimpleNamespace(**{**vars(v), "star": o.hf_fixed(v.P, v.x, v.beta)}))

    out = check_derivation(dataclasses.replace(c, statement=own_star), REG)
    assert not out["complete"] and out["agreement"].startswith("differs"), out["agreement"]


def test_the_search_evaluates_at_the_fixed_point():
    """The ``defined`` quantity: an instance without ``star`` gets the fixed point reached
    from xᵢ (the instance itself unchanged); one that carries ``star`` keeps it."""
    from derivations.engine.backends import MP

    c = _claim("thm5")
    P = [[1.0, 0.0], [0.0, 1.0]]
    v = SimpleNamespace(P=P, x=[0.9, 0.1], beta=MP.num(8.0), i=0)
    (rel,) = c.statement(MP, SimpleNamespace(**vars(v), assume_hypotheses=True))
    assert not hasattr(v, "star")
    star = MP.hf_fixed(P, P[0], v.beta)
    (same,) = c.statement(MP, SimpleNamespace(**vars(v), star=star, assume_hypotheses=True))
    assert rel.rhs == same.rhs
    far = [MP.num(5.0), MP.num(5.0)]
    (other,) = c.statement(MP, SimpleNamespace(**vars(v), star=far, assume_hypotheses=True))
    assert other.rhs > rel.rhs  # μ = ‖y − x₁‖ grows with y far away


def test_a_claim_is_cited_only_at_the_sizes_it_was_proven_for():
    """Lemma A4 is proven for N ≥ 2 patterns: citing it for N ≥ 1 (one pattern, where its
    ε = 0 · e^{…} and max over j ≥ 2 are empty) is refused; for N ≥ 2 it is licensed."""
    from derivations.engine import kernel as K
    from derivations.ramsauer2020 import a1_proofs as A1
    from theory.indexed import PatternSet, Size

    def cite_at(n_min):
        v = A1.space()
        v.P = PatternSet(d=Size("N", n_min), n=v.P.n, rho=v.P.rho)
        v.x = v.P.query(r"\xi")
        step = Step(A1.a4_full(INDEXED, v)[2], "", K.cites("ramsauer2020:lemma-a4", v))
        return K.run_steps(None, REG, INDEXED, v, [step]).outcomes[0]

    assert cite_at(2).checked
    out = cite_at(1)
    assert not out.checked and "N ≥ 2" in out.how, out.how


@pytest.mark.parametrize("cid", ["thm4/eq6", "thm5/to-fixed-point"])
def test_eq6_and_the_fixed_point_reading_need_the_fixed_point_equation(cid):
    """Eq. 6 bounds ‖f(ξ) − y‖ by the mean Jacobian on [y, ξ], the fixed-point reading of
    Eq. 8 by 2(N − 1)e^{−β(Δ₁ − 2μM)}M: true for a fixed point y, not for any y; without
    f(y) = y the derivation's assumption step is refused."""
    c = _claim(cid)
    out = check_derivation(dataclasses.replace(c, hypotheses=RP.thm5_hypotheses), REG)
    assert not out["complete"]
    refused = [s for s in out["steps"] if not s["checked"]]
    assert refused[0]["rule"] == "assumption" and "f(xᵢ*) = xᵢ*" in refused[0]["why"]


def test_minkowski_with_signed_weights_needs_their_absolute_values():
    """f(ξ) − y = Σ_{l≥2}(p_l − q_l)(x_l − x₁): the weights p_l − q_l have either sign, so
    ‖f(ξ) − y‖ ≤ Σ_{l≥2}(p_l − q_l)‖x_l − x₁‖ (no |·|) is refused, with |·| licensed."""
    c = _claim("thm5/to-fixed-point")
    steps = _steps("thm5/to-fixed-point")
    k = next(n for n, s in enumerate(steps) if s.why.startswith("Minkowski"))
    assert check_derivation(c, REG)["steps"][k]["checked"]
    rhs = steps[k].rel.rhs.replace(sp.Abs, lambda t: t)

    def unsigned(s):
        return Step(Rel(s.rel.lhs, "<=", rhs), s.why, s.by)

    out = check_derivation(with_step(c, k, unsigned), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert "weight" in out["steps"][k]["how"], out["steps"][k]["how"]
