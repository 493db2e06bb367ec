"""The rule kernel on relations over several index ranges (∀i ∈ [1, m], ∀j ∈ [1, m]) and its
``instance`` rule (a quantified step at one point of its range): each accepts a correct step
and refuses wrong ones — a formula false at i = j, a range the sum does not run over, an
index left free, a point outside the range, a sub-range that is not one; a rule that reads
one range refuses a step over two; the statement over two ranges is written out in the
order the fixed-size statement lists its relations. Splitting a sum after any index
(``split_at``), joining the case i = lo with the range lo + 1 … hi (``cases_first``), and a
``combine`` coefficient shown ≥ 0 over the step's range.

(The rest of the kernel's accept/reject tests: :mod:`tests.derivations.engine.test_kernel`.)
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Claim, Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from derivations.engine.rules import implies
from theory.indexed import MaxOver, Size, Vec, index

M = Size("m")
Z = Vec.symbol("z", M)
ZB = Z.base()
I, J, L = index("i"), index("j"), index("l")
BOTH = ((I, 1, M), (J, 1, M))
BETA = sp.Symbol("beta", positive=True)


def check(steps):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(None, {}, INDEXED, SimpleNamespace(z=Z), steps).outcomes


def last(steps):
    return check(steps)[-1]


def _soft(k):
    return INDEXED.softmax(Z, k, BETA)


# --------------------------------------------------------------- the relation itself


def test_a_relation_over_two_ranges_names_distinct_independent_indices():
    r = Rel(ZB[I], "<=", ZB[I], over=BOTH)
    assert r.ranges == BOTH and r.normal().ranges == BOTH
    assert Rel(ZB[I], "<=", ZB[I], over=((I, 1, M),)).over == (I, 1, M)  # one range: as before
    assert "(for i = 1 … m, j = 1 … m)" in r.text()
    with pytest.raises(ValueError, match="distinct"):
        Rel(ZB[I], "<=", ZB[I], over=((I, 1, M), (I, 1, M)))
    with pytest.raises(ValueError, match="bounds"):  # j ≤ i is not a range of its own
        Rel(ZB[I], "<=", ZB[I], over=((I, 1, M), (J, 1, I)))


# -------------------------------------------------------------- differentiate, δ sums


def test_differentiate_over_two_ranges_the_jacobian_of_softmax():
    """∂pᵢ/∂zⱼ = β(δᵢⱼpᵢ − pᵢpⱼ) for every i, j ∈ [1, m], checked once for symbolic i, j."""
    d = sp.Derivative(_soft(I), ZB[J])
    pi, pj = _soft(I), _soft(J)
    ok = Step(Rel(d, "==", BETA * (sp.KroneckerDelta(I, J) * pi - pi * pj), over=BOTH), "", None)
    assert last([Step(ok.rel, "", K.differentiate())]).checked
    wrong = [
        Rel(d, "==", -BETA * pi * pj, over=BOTH),  # no δ: false at i = j
        Rel(d, "==", BETA * (pi - pi * pj), over=BOTH),  # δ dropped the other way: false at i ≠ j
        Rel(d, "==", BETA * (sp.KroneckerDelta(I, J) * pi - 2 * pi * pj), over=BOTH),
        # j beyond the sum's range: Σ_k δ_{jk}e^{βz_k} does not collapse (0 for j > m)
        Rel(ok.rel.lhs, "==", ok.rel.rhs, over=((I, 1, M), (J, 1, 2 * M))),
        # j left free (every integer j): false for j outside 1 … m
        Rel(ok.rel.lhs, "==", ok.rel.rhs, over=(I, 1, M)),
    ]
    for r in wrong:
        out = last([Step(r, "", K.differentiate())])
        assert not out.checked and "differs" in out.how, r


def test_delta_sum_over_two_ranges():
    k = index("k")
    f = ZB[I] * ZB[k]
    ok = Rel(sp.Sum(sp.KroneckerDelta(J, k) * f, (k, 1, M)), "==", ZB[I] * ZB[J], over=BOTH)
    assert last([Step(ok, "", K.delta_sum())]).checked
    # over (i, j) with j ≤ 2m the delta does not sum out; over i alone j is free
    for over in (((I, 1, M), (J, 1, 2 * M)), (I, 1, M)):
        bad = Rel(ok.lhs, "==", ok.rhs, over=over)
        assert not last([Step(bad, "", K.delta_sum())]).checked, over
    bad = Rel(ok.lhs, "==", ZB[J] * ZB[J], over=BOTH)  # the wrong value
    assert not last([Step(bad, "", K.delta_sum())]).checked


# ---------------------------------------------- premises read at the step's indices


TOP = MaxOver(ZB[L], L, 1, M)


def _pair_bound():
    """Steps 1–3: zᵢ ≤ max z, zⱼ ≤ max z, so zᵢ + zⱼ ≤ 2 max z for every i, j ∈ [1, m] (false
    for an index past m, where z is unconstrained)."""
    return [
        Step(Rel(ZB[I], "<=", TOP, over=(I, 1, M)), "", K.term_bound()),
        Step(Rel(ZB[J], "<=", TOP, over=(J, 1, M)), "", K.term_bound()),
        Step(Rel(ZB[I] + ZB[J], "<=", 2 * TOP, over=BOTH), "", K.combine((0, 1), (1, 1))),
    ]


def test_combine_reads_a_premise_over_two_ranges_at_the_steps_indices():
    base = _pair_bound()
    assert all(o.checked for o in check(base))  # two premises over one range each
    k = index("k")
    # the same ranges in the other order (and renamed): the same relation
    swapped = Rel(ZB[k] + ZB[I], "<=", 2 * TOP, over=((k, 1, M), (I, 1, M)))
    assert check([*base, Step(swapped, "", K.combine((2, 1)))])[3].checked
    assert implies(base[2].rel, swapped)
    # over i alone with j free (every integer j) is more than the premise says
    bad = Rel(ZB[I] + ZB[J], "<=", 2 * TOP, over=(I, 1, M))
    out = check([*base, Step(bad, "", K.combine((2, 1)))])[3]
    assert not out.checked and "premise over" in out.how
    assert not implies(base[2].rel, bad)
    # other bounds for j
    bad = Rel(ZB[I] + ZB[J], "<=", 2 * TOP, over=((I, 1, M), (J, 1, M + 1)))
    assert not check([*base, Step(bad, "", K.combine((2, 1)))])[3].checked
    # a wrong coefficient
    bad = Rel(ZB[I] + 2 * ZB[J], "<=", 2 * TOP, over=BOTH)
    assert not check([*base, Step(bad, "", K.combine((2, 1)))])[3].checked


def test_termwise_sums_one_range_and_keeps_the_other():
    base = _pair_bound()
    lhs = sp.Sum(ZB[I] + ZB[J], (J, 1, M))
    sum_j = Rel(lhs, "<=", sp.Sum(2 * TOP, (J, 1, M)), over=(I, 1, M))
    assert check([*base, Step(sum_j, "", K.termwise(2))])[3].checked
    wrong = [
        Rel(sum_j.lhs, "<=", sum_j.rhs),  # i left free: every integer i
        Rel(sum_j.lhs, "<=", sum_j.rhs, over=(I, 1, 2 * M)),  # i beyond its range
        Rel(
            sp.Sum(ZB[I] + ZB[J], (J, 1, 2 * M)),
            "<=",
            sp.Sum(2 * TOP, (J, 1, 2 * M)),
            over=(I, 1, M),
        ),
        Rel(sum_j.rhs, "<=", sum_j.lhs, over=(I, 1, M)),  # turned around
    ]
    for r in wrong:
        assert not check([*base, Step(r, "", K.termwise(2))])[3].checked, r


def test_rules_reading_one_range_refuse_two():
    """term_bound is true of every i (and j), yet it reads one range: refused, and said so;
    a premise over two ranges is refused alike."""
    step = Step(Rel(ZB[I], "<=", TOP, over=BOTH), "", K.term_bound())
    out = last([step])
    assert not out.checked and "one index range" in out.how
    lim = Step(Rel(ZB[I] + ZB[J], "<=", 2 * TOP), "", K.integral_bound(2))
    out = check([*_pair_bound(), lim])[3]
    assert not out.checked and "a premise ranges over 2" in out.how


# ------------------------------------------------------------------------ instance


def test_instance_at_a_point_the_sign_rules_place_in_the_range():
    top = MaxOver(ZB[I], I, 1, M)
    every = Step(Rel(ZB[I], "<=", top, over=(I, 1, M)), "", K.term_bound())
    ok = Step(Rel(ZB[sp.Integer(1)], "<=", top), "", K.instance(0, 1))
    assert check([every, ok])[1].checked
    ok = Step(Rel(ZB[M], "<=", top), "", K.instance(0, M))
    assert check([every, ok])[1].checked
    wrong = [
        (Rel(ZB[M + 1], "<=", top), M + 1),  # beyond the range
        (Rel(ZB[sp.Integer(0)], "<=", top), 0),  # before it
        (Rel(ZB[sp.Rational(1, 2)], "<=", top), sp.Rational(1, 2)),  # not an integer
        (Rel(ZB[J], "<=", top), J),  # every integer j: not all in 1 … m
        (Rel(ZB[sp.Integer(2)], "<=", top), 2),  # m may be 1
        (Rel(top, "<=", ZB[sp.Integer(1)]), 1),  # not the premise at 1
        (Rel(ZB[sp.Integer(1)], "<", top), 1),  # stronger than the premise
    ]
    for r, at in wrong:
        out = check([every, Step(r, "", K.instance(0, at))])[1]
        assert not out.checked, (r, at)


def test_instance_on_a_sub_range_and_on_one_of_two_ranges():
    m2 = Size("m", 2)
    z = Vec.symbol("z", m2).base()
    top = MaxOver(z[I], I, 1, m2)
    every = Step(Rel(z[I], "<=", top, over=(I, 1, m2)), "", K.term_bound())
    ok = Step(Rel(z[J], "<=", top, over=(J, 2, m2)), "", K.instance(0, J))
    assert check([every, ok])[1].checked
    assert check([every, Step(Rel(z[sp.Integer(2)], "<=", top), "", K.instance(0, 2))])[1].checked
    bad = Step(Rel(z[J], "<=", top, over=(J, 2, m2 + 1)), "", K.instance(0, J))
    assert not check([every, bad])[1].checked  # not a sub-range
    bad = Step(Rel(z[J], "<=", top, over=(J, 0, m2)), "", K.instance(0, J))
    assert not check([every, bad])[1].checked
    # two ranges: name the index; the other range stays
    base = _pair_bound()
    at1 = Rel(ZB[sp.Integer(1)] + ZB[J], "<=", 2 * TOP, over=(J, 1, M))
    assert check([*base, Step(at1, "", K.instance(2, 1, index=I))])[3].checked
    out = check([*base, Step(at1, "", K.instance(2, 1))])[3]
    assert not out.checked and "name the premise's index" in out.how
    # the remaining range dropped: j free is more than the premise says
    free = Rel(at1.lhs, "<=", at1.rhs)
    assert not check([*base, Step(free, "", K.instance(2, 1, index=I))])[3].checked
    # i := j, the premise's other index, would capture it: zᵢ ≤ max z + zⱼ² for i ≤ m and
    # j ≤ 2m does not give zⱼ ≤ max z + zⱼ² for j ≤ 2m
    wide = [
        Step(Rel(ZB[I], "<=", TOP, over=(I, 1, M)), "", K.term_bound()),
        Step(Rel(0, "<=", ZB[J] ** 2, over=(J, 1, 2 * M)), "", K.algebra()),
        Step(
            Rel(ZB[I], "<=", TOP + ZB[J] ** 2, over=((I, 1, M), (J, 1, 2 * M))),
            "",
            K.combine((0, 1), (1, 1)),
        ),
    ]
    diag = Rel(ZB[J], "<=", TOP + ZB[J] ** 2, over=(J, 1, 2 * M))
    out = check([*wide, Step(diag, "", K.instance(2, J, index=I))])
    assert all(o.checked for o in out[:3])
    assert not out[3].checked and "another index" in out[3].how


def test_instance_on_a_real_range():
    r = sp.Symbol("r", positive=True)
    t = sp.Symbol("t", nonnegative=True)
    inr = Step(Rel(t, "<=", r, over=(t, 0, r)), "", K.in_range())
    assert check([inr, Step(Rel(r / 2, "<=", r), "", K.instance(0, r / 2))])[1].checked
    assert not check([inr, Step(Rel(2 * r, "<=", r), "", K.instance(0, 2 * r))])[1].checked


# ------------------------------------------------ the statement, written out in order


def _pairs_claim(over):
    """zᵢ − zⱼ ≤ |zᵢ − zⱼ| for every i, j (the fixed-size relations: i outer, j inner)."""

    def statement(o, v):
        if isinstance(v.z, Vec):
            d = v.z[I] - v.z[J]
            return [Rel(d, "<=", o.abs(d), over=over)]
        n = range(len(v.z))
        return [Rel(v.z[a] - v.z[b], "<=", o.abs(v.z[a] - v.z[b])) for a in n for b in n]

    return Claim("pairs", "test", "pairs", "inequality", "z", statement, lambda: None)


def test_a_statement_over_two_ranges_is_written_out_first_range_outermost():
    from derivations.engine.checker import statement_agreement

    ns = SimpleNamespace(z=Z)
    assert statement_agreement(_pairs_claim(BOTH), ns).startswith("agrees")
    # the ranges the other way round list (i, j) = (1, 2) where the search has (2, 1)
    assert statement_agreement(_pairs_claim(BOTH[::-1]), ns).startswith("differs")


# ------------------------------------------------------- splitting and joining ranges

EVERY = (I, 1, M)
TOP = MaxOver(Z.body, I, 1, M)


def test_split_at():
    """Σ_{i=1}^{m} f = Σ_{i=1}^{l} f + Σ_{i=l+1}^{m} f at any l; not with a term left out."""
    at = Size("l", 1)
    f = sp.exp(Z.body)
    whole = sp.Sum(f, (I, 1, M))
    ok = Step(
        Rel(whole, "==", sp.Sum(f, (I, 1, at)) + sp.Sum(f, (I, at + 1, M))), "", K.split_at(at)
    )
    assert last([ok]).checked
    gap = Rel(whole, "==", sp.Sum(f, (I, 1, at)) + sp.Sum(f, (I, at + 2, M)))
    assert not last([Step(gap, "", K.split_at(at))]).checked
    elsewhere = Rel(whole, "==", sp.Sum(f, (I, 1, at + 1)) + sp.Sum(f, (I, at + 2, M)))
    assert not last([Step(elsewhere, "", K.split_at(at))]).checked  # split after l + 1
    assert last([Step(elsewhere, "", K.split_at(at + 1))]).checked


def test_cases_first():
    """R(i) for i = 1 … m from R(1) and R over 2 … m; refused when a case is missing or the
    first case is another index's."""
    one, two = sp.Integer(1), sp.Integer(2)
    p = INDEXED.softmax(Z, I)
    tail = Step(Rel(0, "<", p, over=(I, 2, M)), "", K.algebra(unfold=("softmax",)))
    head = Step(Rel(0, "<", INDEXED.softmax(Z, one)), "", K.algebra(unfold=("softmax",)))
    other = Step(Rel(0, "<", INDEXED.softmax(Z, two)), "", K.algebra(unfold=("softmax",)))
    whole = Rel(0, "<", p, over=EVERY)
    assert check([head, tail, Step(whole, "", K.cases_first(0, 1))])[2].checked
    assert not check([other, tail, Step(whole, "", K.cases_first(0, 1))])[2].checked
    wider = Rel(0, "<", p, over=(I, 1, M + 1))  # i = m + 1 is in no case
    assert not check([head, tail, Step(wider, "", K.cases_first(0, 1))])[2].checked


def test_combine_takes_a_coefficient_shown_nonnegative_over_the_step_ranges():
    """c(i) = 1 − pᵢ ≥ 0 for every i, proved by an earlier step over the step's range, may
    multiply an inequality premise over that range; without that step (the sign rules alone
    do not see pᵢ ≤ 1) it may not."""
    p = INDEXED.softmax(Z, I)
    c, s = 1 - p, sp.Sum(sp.exp(Z.body), (I, 1, M))
    steps = [
        Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound()),  # 0
        Step(Rel(sp.exp(Z.body), "<=", s, over=EVERY), "", K.sum_bound()),
        Step(Rel(p, "==", sp.exp(Z.body) / s, over=EVERY), "", K.algebra(unfold=("softmax",))),
        Step(Rel(p, "<=", 1, over=EVERY), "", K.combine((2, 1), (1, 1 / s))),  # 3
        Step(Rel(0, "<=", c, over=EVERY), "", K.combine((3, 1))),
    ]
    step = Step(Rel(c * Z.body, "<=", c * TOP, over=EVERY), "", K.combine((0, c)))
    outs = check(steps + [step])
    assert all(o.checked for o in outs), [o.how for o in outs if not o.checked]
    assert not check(steps[:4] + [step])[-1].checked


# ------------------------------------------- products of sums in the normal form


def test_named_quantities_commute_in_a_product():
    """p_a·p_b = p_b·p_a for named quantities (softmax entries): SymPy leaves a function of a
    Tuple argument non-commutative unless told, and a·b and b·a then differ (regression:
    Lemma A8's ‖x̄‖² = ‖u + w‖² was not confirmed). A wrong product is still refused."""
    a, b = _soft(I), _soft(J)
    assert (a * b) == (b * a) and (a * b).is_commutative
    ok = Step(
        Rel(sp.Sum(a * b * ZB[I], *BOTH), "==", sp.Sum(b * ZB[I] * a, *BOTH)), "", K.algebra()
    )
    assert last([ok]).checked
    wrong = Step(
        Rel(sp.Sum(a * b * ZB[I], *BOTH), "==", sp.Sum(a * b * ZB[J] ** 2, *BOTH)), "", K.algebra()
    )
    assert not last([wrong]).checked


def test_a_five_fold_sum_in_any_order_of_its_indices():
    """Σ p_a p_e x[b, c] x[d, c] over (a, b, c, d, e) and the same sum with its indices
    renamed and listed in another order are one sum (the normal form tries every order of
    up to five indices: Lemma A8's cluster part, in test_derived, needs five); with one range
    changed it is not."""
    a, b, c, d, e = (index(t) for t in "abcde")
    n = Size("n")
    x = sp.IndexedBase("x", real=True)
    p = _soft
    one = sp.Sum(
        p(a) * p(e) * x[b, c] * x[d, c], (a, 1, M), (b, 1, M), (c, 1, n), (d, 1, M), (e, 1, M)
    )
    two = sp.Sum(
        p(d) * p(e) * x[b, a] * x[c, a], (a, 1, n), (b, 1, M), (c, 1, M), (d, 1, M), (e, 1, M)
    )
    assert last([Step(Rel(one, "==", two), "", K.algebra())]).checked
    other = sp.Sum(
        p(d) * p(e) * x[b, a] * x[c, a], (a, 1, n), (b, 1, M), (c, 1, n), (d, 1, M), (e, 1, M)
    )
    assert not last([Step(Rel(one, "==", other), "", K.algebra())]).checked
