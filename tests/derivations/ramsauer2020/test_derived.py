"""Ramsauer et al.'s proofs through the rule kernel for every size: the App. A.2 toolbox
(Lemmas A19–A23, A27; :mod:`derivations.ramsauer2020.toolbox_proofs`) and Eq. 2
(its mixture form, its gradient), Theorem 1's CCCP descent and Lemma A1 (a)
(:mod:`derivations.ramsauer2020.energy_proofs`), Eq. 3's bound and Lemma A1 (b), (c) on the
open simplex (:mod:`derivations.ramsauer2020.more_proofs`), 0 ≤ E ≤ 2M² on the closed ball
‖ξ‖ ≤ M, Eq. 10 (attention is the update times W_V) and Lemma A24's absolute row sums of J_s
and its spectral-norm bounds with Lemma A2's first part and Lemma A3's bound
(:mod:`derivations.ramsauer2020.jacobian_proofs`; Lemma A24's third part and with it Lemma
A2's second part under A24's hypothesis p_max ≥ 1 − ε ≥ ½, through WLOG z₁ = maxᵢ zᵢ) and
Lemma A8 (‖J‖₂ ≤ β((1 − γ)m_max² + 2γ(2 − γ)M²), the variance split into the cluster's,
the others' and the cross part, :mod:`derivations.ramsauer2020.a8_proofs`), Lemmas A9 and
A10 (the update near a
cluster's centre and f(S_m) ⊂ S_m, :mod:`derivations.ramsauer2020.metastable_proofs`), Lemma
A25, Lemma A3's contraction and Lemma A32 (the mean value inequality and theorem,
:mod:`derivations.ramsauer2020.lipschitz_proofs`) and Lemma A26 squared (Baillon–Haddad) are
proven; a
derivation with a wrong step (a wrong coefficient, a wrong derivative, a wrong inequality) is
not."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations.engine import Rel, Step, load_registry, verify
from derivations.engine import kernel as K
from derivations.engine.checker import check_derivation, with_step
from derivations.engine.indexed_ops import INDEXED
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import more_proofs as MP
from derivations.ramsauer2020 import toolbox_proofs as TP
from theory.indexed import index

REG = load_registry(["ramsauer2020"])
DERIVED = (
    "lemma-a19",
    "lemma-a19/attained",
    "lemma-a20",
    "lemma-a21",
    "lemma-a22",
    "lemma-a22/convex",
    "lemma-a23",
    "lemma-a27",
    "lemma-a27/attained",
    "eq2",
    "eq2/gradient",
    "thm2/decrease",
    "thm1",
    "lemma-a1",
    "eq3",
    "eq3/bound",
    "lemma-a1/b-proof",
    "lemma-a1/b",
    "lemma-a1/c",
    "eq2/bound/simplex",
    "eq2/bound/ball",
    "eq10",
    "lemma-a24/inf",
    "lemma-a24",
    "lemma-a2",
    "lemma-a3",
    "lemma-a9",
    "lemma-a10",
    "lemma-a24/eps",
    "lemma-a2/eps-half",
    "lemma-a25",
    "lemma-a3/contraction",
    "lemma-a32",
    "lemma-a26/squared",
    "lemma-a8",
)


def _claim(cid):
    return REG[f"ramsauer2020:{cid}"]


def test_the_derived_claims_are_proven_for_every_size():
    recs = {r["qid"]: r for r in verify(REG, [f"ramsauer2020:{c}" for c in DERIVED], examples=8)}
    for cid in DERIVED:
        rec = recs[f"ramsauer2020:{cid}"]
        assert rec["status"] == "proven", (cid, rec["evidence"])
        assert "for every size" in rec["evidence"], cid


def _with_step(cid, k, change):
    """The claim with step ``k`` of its derivation replaced by ``change(step)``."""
    return with_step(_claim(cid), k, change)


def _strengthened(s: Step) -> Step:
    """The step made stronger by ⅓ (a ≤ b − ⅓, a ≥ b + ⅓, a = b + ⅓): false where the
    original is tight."""
    r = s.rel
    d = -sp.Rational(1, 3) if r.op in ("<=", "<") else sp.Rational(1, 3)
    return Step(Rel(r.lhs, r.op, r.rhs + d, r.label, r.over), s.why, s.by)


#: the wrong last step of Lemma A8 takes about 14 s to refuse: in the slow run only
_SLOW_WRONG = ("lemma-a8",)


@pytest.mark.parametrize(
    "cid", [pytest.param(c, marks=pytest.mark.slow) if c in _SLOW_WRONG else c for c in DERIVED]
)
def test_a_wrong_last_step_is_rejected(cid):
    c = _claim(cid)
    n = len(c.derivation(INDEXED, c.derivation_sizes()[0]))
    out = check_derivation(_with_step(cid, n - 1, _strengthened), REG)
    assert not out["complete"] and not out["steps"][n - 1]["checked"], cid


def test_a21_a_wrong_coefficient_in_the_jacobian_is_rejected():
    """∂pᵢ/∂zⱼ = β(δᵢⱼpᵢ − 2pᵢpⱼ) is not Lemma A20 (which A21 cites), and not the derivative
    (when differentiated instead)."""
    v = TP.space()
    i, j = index("i"), index("j")
    pi, pj = INDEXED.softmax(v.z, i, v.beta), INDEXED.softmax(v.z, j, v.beta)

    def change(s):
        wrong = v.beta * (sp.KroneckerDelta(i, j) * pi - 2 * pi * pj)
        return Step(Rel(s.rel.lhs, "==", wrong, over=s.rel.over), s.why, s.by)

    out = check_derivation(_with_step("lemma-a21", 0, change), REG)
    assert not out["complete"] and "statement of lemma-a20" in out["steps"][0]["how"]

    def differentiated(s):
        return Step(change(s).rel, s.why, K.differentiate())

    out = check_derivation(_with_step("lemma-a21", 0, differentiated), REG)
    assert not out["complete"] and "derivative differs" in out["steps"][0]["how"]


def test_a20_is_one_relation_over_both_indices_checked_at_i_eq_j_too():
    """J_s's m² entries: one step over (i, j) ∈ [1, m]², its statement written out at m = 1
    and m = 2 (the entries off the diagonal included) agrees with the searched one."""
    out = check_derivation(_claim("lemma-a20"), REG)
    assert out["complete"] and out["scope"] == "all sizes"
    assert out["steps"][0]["text"].endswith("(for i = 1 … m, j = 1 … m)")
    assert out["agreement"].startswith("agrees") and "m = 2" in out["agreement"]


@pytest.mark.parametrize(
    "wrong",
    [
        lambda b, pi, pj, dl: -b * pi * pj,  # the diagonal term dropped: false at i = j
        lambda b, pi, pj, dl: b * (pi - pi * pj),  # δᵢⱼ taken as 1: false at i ≠ j
        lambda b, pi, pj, dl: b * (dl - pi * pj),  # δᵢⱼ for δᵢⱼpᵢ: false at i = j
    ],
)
def test_a20_a_wrong_entry_is_rejected(wrong):
    v = TP.space()
    i, j = index("i"), index("j")
    pi, pj = INDEXED.softmax(v.z, i, v.beta), INDEXED.softmax(v.z, j, v.beta)
    bad = wrong(v.beta, pi, pj, sp.KroneckerDelta(i, j))

    def change(s):
        return Step(Rel(s.rel.lhs, "==", bad, over=s.rel.over), s.why, s.by)

    out = check_derivation(_with_step("lemma-a20", 0, change), REG)
    assert not out["complete"] and "derivative differs" in out["steps"][0]["how"]


def test_a20_one_index_left_free_is_not_the_statement():
    """Over i alone (j any integer) the step is refused: Σ_k δ_{jk}e^{βz_k} does not collapse,
    and for j > m the closed form is false; over j ≤ 2m alike. Over j alone (i any integer,
    true: for i > m, ∂pᵢ/∂zⱼ = −βpᵢpⱼ) the step is checked and implies the statement."""
    v = TP.space()
    m = v.z.length
    i, j = index("i"), index("j")

    def over(rng):
        return lambda s: Step(Rel(s.rel.lhs, "==", s.rel.rhs, over=rng), s.why, s.by)

    out = check_derivation(_with_step("lemma-a20", 0, over((i, 1, m))), REG)
    assert not out["complete"] and not out["steps"][0]["checked"]
    out = check_derivation(_with_step("lemma-a20", 0, over((j, 1, m))), REG)
    assert out["complete"]  # i free: the entries for every integer i, so for i = 1 … m
    out = check_derivation(_with_step("lemma-a20", 0, over((j, 1, 2 * m))), REG)
    assert not out["complete"]


def test_a22_a_wrong_combination_is_rejected():
    """Cauchy–Schwarz times −β (not ≥ 0) does not give the bound."""
    v = TP.space()
    steps = TP.a22_derivation(INDEXED, v)
    second = steps[-1].by.args
    coeffs = dict(second)["coeffs"]
    bad = Step(steps[-1].rel, "", K.combine((0, -v.beta), (1, coeffs[1])))
    ctx = K.run_steps(_claim("lemma-a22"), REG, INDEXED, v, steps[:-1] + [bad])
    assert all(o.checked for o in ctx.outcomes[:-1]) and not ctx.outcomes[-1].checked


def test_a19_gibbs_needs_the_kl_divergence():
    """Σ rᵢ ln(pᵢ/rᵢ) ≥ 0 (the reversed ratio) is not Gibbs' inequality."""
    v = TP.space()
    r, i = TP._simplex(v.q), v.z.var
    p = INDEXED.softmax(v.z, i, v.beta)
    flipped = sp.Sum(r.body * sp.log(p / r.body), (i, 1, v.z.length))
    out = check_derivation(
        _with_step("lemma-a19", 2, lambda s: Step(Rel(0, "<=", flipped), s.why, s.by)), REG
    )
    assert not out["complete"] and not out["steps"][2]["checked"]
    assert [s["checked"] for s in out["steps"][:2]] == [True, True]


def test_cccp_decrease_with_a_wrong_sign_is_rejected():
    """Adding the quadratic identity instead of subtracting it leaves a remainder."""
    v = EP.space()
    steps = EP.decrease_derivation(INDEXED, v)
    bad = Step(steps[-1].rel, "", K.combine((0, 1), (1, 1), (2, 1)))
    out = check_derivation(
        dataclasses.replace(_claim("thm2/decrease"), derivation=lambda o, w: steps[:-1] + [bad]),
        REG,
    )
    assert not out["complete"]
    assert [s["checked"] for s in out["steps"][:3]] == [True, True, True]


def test_eq3_the_square_root_needs_the_nonnegative_domain():
    """‖f(ξ)‖² may be 0: √ applied on the "positive" domain is refused."""
    v = EP.space()
    steps = MP.eq3_derivation(INDEXED, v)
    k = next(n for n, s in enumerate(steps) if s.by.rule == "monotone")
    bad = Step(steps[k].rel, "", K.monotone(k - 1, MP.SQRT, "positive"))
    out = check_derivation(_with_step("eq3", k, lambda s: bad), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])


def test_a1b_the_entropy_with_the_wrong_sign_is_rejected():
    """Adding β⁻¹Σ r ln r (≤ 0) instead of subtracting it does not give the bound."""
    steps = MP.a1b_proof_derivation(INDEXED, MP.simplex_space())
    beta = MP.simplex_space().beta
    bad = Step(steps[-1].rel, "", K.combine((0, 1), (1, -1), (6, -1 / beta), (7, 1)))
    out = check_derivation(_with_step("lemma-a1/b-proof", len(steps) - 1, lambda s: bad), REG)
    assert not out["complete"] and not out["steps"][-1]["checked"]
    assert all(s["checked"] for s in out["steps"][: len(steps) - 1])


def test_a1b_r_le_1_needs_nonnegative_terms():
    """r_l ≤ 1 rests on w_l ≤ Σⱼ wⱼ; with w_l = u_l (any sign) the sum bound is refused."""
    v = MP.simplex_space()
    u = v.w.map(sp.log)  # w_l = exp(u_l): u_l = log w_l, of either sign

    def change(s):
        j = index("j")
        return Step(Rel(u.body, "<=", sp.Sum(u[j], (j, 1, v.P.d)), over=s.rel.over), s.why, s.by)

    out = check_derivation(_with_step("lemma-a1/b-proof", 2, change), REG)
    assert not out["complete"] and not out["steps"][2]["checked"]


def test_the_ball_bound_rests_on_its_hypothesis():
    """Without the claim's hypothesis ‖ξ‖² ≤ M² the step quoting it is refused (E ≤ 2M² is
    false far from the patterns), and a hypothesis ‖ξ‖² ≤ 4M² does not give it either."""
    c = _claim("eq2/bound/ball")
    k = next(
        n for n, s in enumerate(c.derivation(INDEXED, EP.space())) if s.by.rule == "assumption"
    )
    out = check_derivation(dataclasses.replace(c, hypotheses=None), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert "not among the claim's hypotheses" in out["steps"][k]["how"]

    def wide(o, v):
        (h,) = MP.ball_hypotheses(o, v)
        return [Rel(h.lhs, "<=", 4 * h.rhs)]

    out = check_derivation(dataclasses.replace(c, hypotheses=wide), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert all(s["checked"] for s in out["steps"][:k])


def test_eq10_beta_one_over_dk_on_one_side_is_refused():
    """Attention with β = 1/√d_k is not the update with β = 1/d_k (the wrong variant's
    reading), at symbolic sizes: the two sides differ in normal form."""
    c = _claim("eq10")
    v = EP.eq10_space()
    (r,) = c.statement(INDEXED, v)
    dk = v.WK.n
    wrong = r.rhs.xreplace({1 / sp.sqrt(dk): 1 / dk})
    assert wrong != r.rhs
    out = check_derivation(
        _with_step("eq10", 0, lambda s: Step(Rel(r.lhs, "==", wrong, over=r.over), s.why, s.by)),
        REG,
    )
    assert not out["complete"] and not out["steps"][0]["checked"]


def test_eq10_a_symbolic_statement_other_than_the_searched_one_is_not_proven():
    """V = YW_V in place of Y(W_KW_V) on both sides: still an identity the kernel checks, but
    not the statement the search evaluates, which the written-out comparison catches."""
    c = _claim("eq10")

    def other(o, v):
        if not isinstance(v.Y, type(EP.eq10_space().Y)):
            return c.statement(o, v)
        (r,) = c.statement(o, v)
        WV = v.WV.rho
        k, cc = (sp.Symbol(n, integer=True) for n in ("k", "c"))
        swap = {WV[k, cc]: 2 * WV[k, cc]}
        return [Rel(r.lhs.xreplace(swap), "==", r.rhs.xreplace(swap), over=r.over)]

    out = check_derivation(dataclasses.replace(c, statement=other), REG)
    assert all(s["checked"] for s in out["steps"] if s["rule"] != "conclusion")
    assert not out["complete"] and out["agreement"].startswith("differs"), out["agreement"]


def test_a24_rows_the_diagonal_case_needs_its_sign():
    """|pᵢ − pᵢ²| = pᵢ² − pᵢ is false (pᵢ ≤ 1): abs_sign refuses it from pᵢ(1 − pᵢ) ≥ 0,
    and the case split then has no diagonal case."""
    c = _claim("lemma-a24/inf")
    steps = c.derivation(INDEXED, c.derivation_sizes()[0])
    k = next(n for n, s in enumerate(steps) if s.by.rule == "abs_sign")
    r = steps[k].rel
    bad = Step(Rel(r.lhs, "==", -r.rhs, over=r.over), "", steps[k].by)
    out = check_derivation(_with_step("lemma-a24/inf", k, lambda s: bad), REG)
    assert not out["complete"] and not out["steps"][k]["checked"]
    split = next(n for n, s in enumerate(steps) if s.by.rule == "delta_cases")
    assert not out["steps"][split]["checked"]


def test_a24_the_spectral_norm_is_bounded_by_the_row_sums_not_by_half_of_them():
    """‖J_s‖₂ ≤ maxᵢ ½Σⱼ|J_s[i, j]| is not Gershgorin (and false: m = 2, z = 0 gives
    ‖J_s‖₂ = β/2 = maxᵢ Σⱼ|J_s[i, j]|)."""
    c = _claim("lemma-a24")
    steps = c.derivation(INDEXED, c.derivation_sizes()[0])
    r = steps[0].rel
    half = r.rhs.func(r.rhs.args[0] / 2, *r.rhs.args[1:])
    out = check_derivation(
        _with_step("lemma-a24", 0, lambda s: Step(Rel(r.lhs, "<=", half), "", s.by)), REG
    )
    assert not out["complete"] and not out["steps"][0]["checked"]


def test_a2_the_last_bound_needs_m_nonnegative():
    """2β‖X‖₂²m ≤ 2βNM²m multiplies ‖X‖₂² ≤ NM² by 2βm: without the steps proving 2βm ≥ 0
    the combination is refused (m's sign is not a sign-rule fact)."""
    c = _claim("lemma-a2")
    steps = c.derivation(INDEXED, c.derivation_sizes()[0])
    k = next(n for n, s in enumerate(steps) if s.by.rule == "instance")
    out = check_derivation(
        _with_step("lemma-a2", k, lambda s: Step(s.rel, s.why, K.algebra())), REG
    )
    last = out["steps"][len(steps) - 1]
    assert not out["complete"] and not out["steps"][k]["checked"] and not last["checked"]
    assert "not provably ≥ 0" in last["how"], last["how"]


def test_a3_j_is_the_covariance_around_the_weighted_mean_only():
    """J = YYᵀ with Y[r, i] = √(βpᵢ)(x[i, r] − x̄_r): with the unweighted centre m_x in place
    of x̄ the entry identity is refused (the covariance is around the weighted mean)."""
    c = _claim("lemma-a3")
    v = c.derivation_sizes()[0]
    steps = c.derivation(INDEXED, v)
    k = next(n for n, s in enumerate(steps) if s.by.rule == "spectral_entries") - 1
    r = steps[k].rel
    P, l = v.P, index("l")
    R, C = index("r"), index("c")
    bar = lambda t: sp.Sum(TP._p(INDEXED, EP._scores(P, v.x), v.beta, l) * P.rho[l, t], (l, 1, P.d))  # noqa: E731
    centre = lambda t: sp.Sum(P.rho[l, t], (l, 1, P.d)) / P.d  # noqa: E731
    wrong = r.rhs.xreplace({bar(R): centre(R), bar(C): centre(C)})
    assert wrong != r.rhs
    out = check_derivation(
        _with_step(
            "lemma-a3", k, lambda s: Step(Rel(r.lhs, "==", wrong, over=r.over), s.why, s.by)
        ),
        REG,
    )
    assert not out["complete"] and not out["steps"][k]["checked"]


def test_the_hypotheses_assumed_are_compared_with_the_searched_ones():
    """The derivation may assume the claim's hypotheses; if their numeric form (what the
    search and the claim's text mean) is not the symbolic one written out, the derivation is
    not complete: here the numeric hypothesis is ‖ξ‖² ≤ 4M², the symbolic one ‖ξ‖² ≤ M²."""
    c = _claim("eq2/bound/ball")

    def looser(o, v):
        (h,) = MP.ball_hypotheses(o, v)
        return [h] if EP.symbolic(v) else [Rel(h.lhs, "<=", 4 * h.rhs)]

    out = check_derivation(dataclasses.replace(c, hypotheses=looser), REG)
    assert all(s["checked"] for s in out["steps"] if s["rule"] != "conclusion")
    assert not out["complete"]
    assert out["agreement"].startswith("differs in the hypotheses"), out["agreement"]
    assert check_derivation(c, REG)["complete"]


def _a9_step(why_start):
    c = _claim("lemma-a9")
    steps = c.derivation(INDEXED, c.derivation_sizes()[0])
    return next(n for n, s in enumerate(steps) if s.why.startswith(why_start)), steps


def test_a9_minkowski_needs_positive_weights():
    """The triangle inequality with the scores zᵢ (of either sign) as weights is refused."""
    k, steps = _a9_step("Minkowski")
    v = _claim("lemma-a9").derivation_sizes()[0]
    z = EP._scores(v.P, v.x)[v.P.i]
    out = check_derivation(
        _with_step("lemma-a9", k, lambda s: Step(s.rel, s.why, K.minkowski(z))), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    assert "weight" in out["steps"][k]["how"], out["steps"][k]["how"]


def test_a9_the_cluster_spread_bounds_the_cluster_only():
    """‖xᵢ − m_x‖ ≤ m_max holds for i ≤ l; for the patterns i > l it does not follow."""
    k, steps = _a9_step("‖xᵢ − m_x‖ ≤ m_max")
    r = steps[k].rel
    v = _claim("lemma-a9").derivation_sizes()[0]
    others = (r.over[0], v.l + 1, v.P.d)
    out = check_derivation(
        _with_step(
            "lemma-a9", k, lambda s: Step(Rel(r.lhs, r.op, r.rhs, over=others), s.why, s.by)
        ),
        REG,
    )
    assert not out["complete"] and not out["steps"][k]["checked"]


def test_a24_eps_needs_epsilon_at_most_one_half():
    """Without the hypothesis ε ≤ ½ (the printed Lemma A2 drops it, and is refuted) the
    derivation does not go through: its first step is no hypothesis, and the steps using
    1 − 2ε ≥ 0 fail with it."""
    from derivations.ramsauer2020 import pmax_bounds as T

    c = _claim("lemma-a24/eps")

    def fewer(o, v):
        return T.a24_eps_hypotheses(o, v)[1:]

    out = check_derivation(dataclasses.replace(c, hypotheses=fewer), REG)
    assert not out["complete"] and not out["steps"][0]["checked"]
    assert out["steps"][0]["rule"] == "assumption"


def test_a10_the_condition_is_compared_with_the_searched_one():
    """(A10) written with the wrong sign of its 2M/(βm_max) term at symbolic size differs
    from the searched condition (written out at random entries): not complete."""
    from derivations.ramsauer2020 import metastable_proofs as MSP

    c = _claim("lemma-a10")

    def wrong(o, v):
        hyps = c.hypotheses(o, v)
        if not EP.symbolic(v):
            return hyps
        m, D, mmax, Q, *_ = MSP._parts(o, v)
        r, top, A, dm = MSP._a10_parts(o, v)
        h = Rel(sp.exp(-v.beta * (dm + 2 * sp.sqrt(Q) * r)), "<=", A, "(A10)")
        return [*hyps[:3], h, hyps[4]]

    out = check_derivation(dataclasses.replace(c, hypotheses=wrong), REG)
    assert not out["complete"]
    assert out["agreement"].startswith("differs in the hypotheses"), out["agreement"]


@pytest.mark.slow  # two checks of A8's 50-step derivation (about 25 s)
def test_a8_needs_the_division_by_a_positive_alpha_gamma_and_s_at_most_one():
    """Lemma A8's cross part: from αγC ≤ 4α²γ²M² to C ≤ 4αγM² is a division by αγ > 0; the
    same step with the coefficient 1/α leaves γC ≤ … unproved. Without the hypothesis s ≤ 1
    the second bound's ε = γ + s(1 − γ) may exceed 1 and its assumption step is refused."""
    c = _claim("lemma-a8")
    steps = c.derivation(INDEXED, c.derivation_sizes()[0])
    k = next(n for n, s in enumerate(steps) if s.why.startswith("divided by αγ"))
    v = c.derivation_sizes()[0]
    alpha = sp.Sum(INDEXED.softmax(EP._scores(v.P, v.x), index("i"), v.beta), (index("i"), 1, v.l))
    out = check_derivation(
        _with_step("lemma-a8", k, lambda s: Step(s.rel, s.why, K.combine((k - 1, 1 / alpha)))), REG
    )
    assert not out["complete"] and not out["steps"][k]["checked"]
    fewer = dataclasses.replace(c, hypotheses=lambda o, w: c.hypotheses(o, w)[:1])
    out = check_derivation(fewer, REG)
    assert not out["complete"]
    refused = [s for s in out["steps"] if not s["checked"]]
    assert refused[0]["rule"] == "assumption" and "s ≤ 1" in refused[0]["why"]
