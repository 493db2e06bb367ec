"""The rule kernel: every rule accepts a correct use and rejects at least one wrong use, at
symbolic size (z ∈ ℝᵐ for every m) and at fixed sizes; a step the kernel cannot decide is
never accepted; the work budget is deterministic and ends in "not decided within budget"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from derivations.engine.model import Algebra, Claim
from derivations.strategies import lse_instances
from theory.indexed import MaxOver, MinOver, Size, Vec, index, subst

M = Size("m")
M2 = Size("m", 2)
T, TP = sp.Dummy("t", real=True), sp.Dummy("t", positive=True)
EXP, LOG = sp.Lambda(T, sp.exp(T)), sp.Lambda(TP, sp.log(TP))


def ns(m=M, lam=False):
    v = SimpleNamespace(z=Vec.symbol("z", m), y=Vec.symbol("y", m))
    if lam:
        v.lam = sp.Symbol("lam", real=True)
    return v


def check(steps, v=None, claim=None, registry=None, budget=None):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(claim, registry or {}, INDEXED, v or ns(), steps, budget).outcomes


def last(steps, **kw):
    return check(steps, **kw)[-1]


V = ns()
Z, I = V.z, V.z.var
EVERY = (I, 1, M)
SZ = sp.Sum(sp.exp(Z.body), (I, 1, M))
TOP, BOT = MaxOver(Z.body, I, 1, M), MinOver(Z.body, I, 1, M)


# ----------------------------------------------------------------------------- algebra


def test_algebra_identities_of_sums_and_logs():
    ok = Step(Rel(sp.Sum(sp.exp(Z.body + 3), (I, 1, M)), "==", sp.exp(3) * SZ), "", K.algebra())
    assert last([ok]).checked
    ok = Step(Rel(sp.log(M * sp.exp(TOP)), "==", TOP + sp.log(M)), "", K.algebra())
    assert last([ok]).checked
    ok = Step(Rel(sp.Sum(5, (I, 1, M)), "==", 5 * M), "", K.algebra())  # a sum of a constant
    assert last([ok]).checked
    ok = Step(Rel(MaxOver(-Z.body, I, 1, M), "==", -BOT), "", K.algebra())
    assert last([ok]).checked


def test_algebra_rejects_wrong_identities():
    bad = Step(Rel(sp.Sum(sp.exp(Z.body + 3), (I, 1, M)), "==", 3 + SZ), "", K.algebra())
    out = last([bad])
    assert not out.checked and out.status == "not confirmed" and "differ" in out.how
    bad = Step(Rel(sp.Sum(5, (I, 1, M)), "==", 5 * (M - 1)), "", K.algebra())
    assert not last([bad]).checked


def test_algebra_refuses_log_of_what_it_cannot_show_positive():
    """log(ab) = log a + log b only for a, b > 0: with z of any sign the step is refused."""
    bad = Step(Rel(sp.log(Z.body * M), "==", sp.log(Z.body) + sp.log(M)), "", K.algebra())
    out = last([bad])
    assert not out.checked and "> 0" in out.how


def test_algebra_inequality_by_sign_rules_and_the_size_bound():
    rest = sp.Sum(sp.exp(Z.body), (I, 2, M))
    assert last([Step(Rel(0, "<=", rest), "", K.algebra())]).checked
    # "> 0" needs the range 2…m non-empty: m ≥ 2, not m ≥ 1
    assert not last([Step(Rel(0, "<", rest), "", K.algebra())]).checked
    v2 = ns(M2)
    rest2 = sp.Sum(sp.exp(v2.z.body), (v2.z.var, 2, M2))
    assert last([Step(Rel(0, "<", rest2), "", K.algebra())], v=v2).checked


def test_an_undecided_step_is_never_accepted():
    """If the '==' check accepted what it cannot decide, a derivation through a step that is
    true but undecided (or false) would become complete and the claim "proven"."""
    a, b = sp.symbols("a b", real=True)
    for rel in (
        Rel(sp.Max(a, b), "==", a),  # false, and SymPy cannot decide it
        Rel(TOP, "<=", INDEXED.lse(Z)),  # true (Lemma 2), beyond the kernel's sign rules
        Rel(TOP, "==", Z[sp.Integer(1)]),  # max z = z₁: not an identity (only WLOG)
        Rel(sp.Abs(Z.body), "==", Z.body),  # |t| = t without the sign of t
    ):
        out = last([Step(rel, "", K.algebra())])
        assert not out.checked, rel
        assert out.status in ("not confirmed", "not decided within budget")


def test_a_derivation_through_an_undecided_step_is_incomplete_and_not_proven():
    from derivations.engine import check_derivation, load_registry, verify_claim

    reg = load_registry(["niu2024"])
    prop2 = reg["niu2024:prop2"]

    def derivation(ops, v):
        steps = prop2.derivation(ops, v)
        # the Max/Min step as one undecided "algebra" step instead of its five kernel steps
        steps[11] = Step(steps[11].rel, "‖w − v‖∞ = Δ, asserted", Algebra())
        return steps

    import dataclasses

    c = dataclasses.replace(prop2, id="prop2-asserted", paper="", derivation=derivation)
    out = check_derivation(c, reg)
    assert not out["complete"] and out["scope"] == "fixed sizes"
    bad = [s for s in out["steps"] if not s["checked"]]
    assert "asserted" in bad[0]["why"] and bad[0]["status"] == "not confirmed"
    rec = verify_claim(c, {**reg, c.qid: c}, {"niu2024:lemma4": "proven"}, 10, 0)
    assert rec["status"] != "proven"


# ------------------------------------------------------------------ combine, monotone


def test_combine_positive_combinations_only():
    p = [
        Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound()),
        Step(Rel(TOP, "<=", sp.log(SZ)), "hyp", K.algebra()),  # unchecked premise: see below
    ]
    outs = check(
        p + [Step(Rel(Z.body, "<=", sp.log(SZ), over=EVERY), "", K.combine((0, 1), (1, 1)))]
    )
    assert outs[0].checked and not outs[1].checked
    assert "rests on step(s) 2" in outs[2].how  # a premise not checked: not checked either
    ok = check([p[0], Step(Rel(Z.body - 1, "<=", TOP, over=EVERY), "", K.combine((0, 1)))])
    assert ok[1].checked  # slack + 1 ≥ 0 by the sign rules
    bad = check([p[0], Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.combine((0, -1)))])
    assert not bad[1].checked and "not provably ≥ 0" in bad[1].how
    bad = check([p[0], Step(Rel(Z.body + 1, "<=", TOP, over=EVERY), "", K.combine((0, 1)))])
    assert not bad[1].checked
    # a premise about every i cannot give an unquantified step
    bad = check([p[0], Step(Rel(Z.body, "<=", TOP), "", K.combine((0, 1)))])
    assert not bad[1].checked


def test_monotone_maps():
    p = Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound())
    ok = Step(Rel(sp.exp(Z.body), "<=", sp.exp(TOP), over=EVERY), "", K.monotone(0, EXP))
    assert check([p, ok])[1].checked
    neg = sp.Lambda(T, -T)  # decreasing: refused
    bad = Step(Rel(-Z.body, "<=", -TOP, over=EVERY), "", K.monotone(0, neg))
    assert not check([p, bad])[1].checked
    # log needs both sides > 0: z may be ≤ 0
    bad = Step(
        Rel(sp.log(Z.body), "<=", sp.log(TOP), over=EVERY), "", K.monotone(0, LOG, "positive")
    )
    assert not check([p, bad])[1].checked


def test_monotone_on_the_nonnegative_numbers():
    """√ is increasing on t ≥ 0 (continuous at 0, f′ > 0 on t > 0): from a ≤ b with a, b ≥ 0
    proved, √a ≤ √b; refused when a side may be negative, and for maps not continuous on
    t ≥ 0 (ln t, t − 1/t) even though f′ > 0 on t > 0."""
    t0 = sp.Dummy("t", nonnegative=True)
    sqrt = sp.Lambda(t0, sp.sqrt(t0))
    sq = sp.Sum(Z.body**2, (I, 1, M))
    top2 = MaxOver(Z.body**2, I, 1, M)
    base = Step(Rel(Z.body**2, "<=", top2, over=EVERY), "", K.term_bound())
    ok = Step(
        Rel(sp.sqrt(Z.body**2), "<=", sp.sqrt(top2), over=EVERY),
        "",
        K.monotone(0, sqrt, "nonnegative"),
    )
    assert check([base, ok])[1].checked
    # the same step on the "positive" domain: z² may be 0
    pos = Step(ok.rel, "", K.monotone(0, sqrt, "positive"))
    assert not check([base, pos])[1].checked
    # a side that may be negative: z ≤ max z, √z ≤ √(max z) is refused
    raw = Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound())
    bad = Step(
        Rel(sp.sqrt(Z.body), "<=", sp.sqrt(TOP), over=EVERY), "", K.monotone(0, sqrt, "nonnegative")
    )
    out = check([raw, bad])[1]
    assert not out.checked and "≥ 0" in out.how
    # increasing on t > 0 but not continuous on t ≥ 0: refused
    for f in (sp.Lambda(t0, sp.log(t0)), sp.Lambda(t0, t0 - 1 / t0)):
        bad = Step(
            Rel(f(Z.body**2), "<=", f(top2), over=EVERY), "", K.monotone(0, f, "nonnegative")
        )
        assert not check([base, bad])[1].checked
    # decreasing: refused
    neg = sp.Lambda(t0, -sp.sqrt(t0))
    bad = Step(
        Rel(-sp.sqrt(Z.body**2), "<=", -sp.sqrt(top2), over=EVERY),
        "",
        K.monotone(0, neg, "nonnegative"),
    )
    assert not check([base, bad])[1].checked
    # a strict premise gives a strict step; an unknown domain is refused
    one = Step(Rel(sq, "<", sq + 1), "", K.algebra())
    ok = Step(Rel(sp.sqrt(sq), "<", sp.sqrt(sq + 1)), "", K.monotone(0, sqrt, "nonnegative"))
    assert check([one, ok])[1].checked
    bad = Step(ok.rel, "", K.monotone(0, sqrt, "nonneg"))
    assert not check([one, bad])[1].checked


def test_sum_bound_a_nonnegative_term_is_at_most_the_sum():
    ok = Step(Rel(sp.exp(Z.body), "<=", SZ, over=EVERY), "", K.sum_bound())
    assert last([ok]).checked
    j = index("j")
    ok = Step(Rel(Z.body**2, "<=", sp.Sum(Z[j] ** 2, (j, 1, M)), over=EVERY), "", K.sum_bound())
    assert last([ok]).checked  # the sum's index may differ from the step's
    # terms of either sign: zᵢ ≤ Σⱼ zⱼ is false (z = (1, −2))
    bad = Step(Rel(Z.body, "<=", sp.Sum(Z[j], (j, 1, M)), over=EVERY), "", K.sum_bound())
    out = last([bad])
    assert not out.checked and "≥ 0" in out.how
    # the step's range must be the sum's range: i ≤ m + 1 is not a term of Σ_{j ≤ m}
    bad = Step(Rel(sp.exp(Z.body), "<=", SZ, over=(I, 1, M + 1)), "", K.sum_bound())
    assert not last([bad]).checked
    # not the i-th term: 2e^{zᵢ} ≤ Σ e^{zⱼ} is false (m = 1)
    bad = Step(Rel(2 * sp.exp(Z.body), "<=", SZ, over=EVERY), "", K.sum_bound())
    assert not last([bad]).checked
    # unquantified, or ≥: refused
    assert not last([Step(Rel(sp.exp(Z[sp.Integer(1)]), "<=", SZ), "", K.sum_bound())]).checked
    assert not last([Step(Rel(SZ, "<=", sp.exp(Z.body), over=EVERY), "", K.sum_bound())]).checked


# ------------------------------------------------------- sums, reductions, max and min


def test_termwise_sum_lse_max_min():
    p = Step(Rel(sp.exp(Z.body), "<=", sp.exp(TOP), over=EVERY), "", K.algebra())
    base = Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound())
    mono = Step(p.rel, "", K.monotone(0, EXP))
    ok = Step(Rel(SZ, "<=", M * sp.exp(TOP)), "", K.termwise(1))
    assert check([base, mono, ok])[2].checked
    ok = Step(Rel(INDEXED.lse(Z), "<=", sp.log(M * sp.exp(TOP))), "", K.termwise(0))
    assert check([base, ok])[1].checked
    bad = Step(Rel(SZ, "<=", sp.exp(TOP)), "", K.termwise(1))  # forgot the factor m
    assert not check([base, mono, bad])[2].checked


def test_term_bound_and_split_first():
    assert last([Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound())]).checked
    assert last([Step(Rel(BOT, "<=", Z.body, over=EVERY), "", K.term_bound())]).checked
    bad = Step(Rel(TOP, "<=", Z.body, over=EVERY), "", K.term_bound())
    assert not last([bad]).checked
    bad = Step(Rel(Z.body, "<=", TOP, over=(I, 1, M + 1)), "", K.term_bound())  # wrong range
    assert not last([bad]).checked
    split = Rel(SZ, "==", sp.exp(Z[sp.Integer(1)]) + sp.Sum(sp.exp(Z.body), (I, 2, M)))
    assert last([Step(split, "", K.split_first())]).checked
    bad = Rel(SZ, "==", sp.exp(Z[sp.Integer(1)]) + sp.Sum(sp.exp(Z.body), (I, 1, M)))
    assert not last([Step(bad, "", K.split_first())]).checked


def test_wlog_needs_a_symmetric_statement():
    def sym(ops, v):
        return [Rel(ops.max(v.z), "<=", ops.lse(v.z))]

    def asym(ops, v):  # z₁ singled out: permuting z changes the statement
        return [Rel(v.z[sp.Integer(1)], "<=", ops.lse(v.z))]

    def paired(ops, v):  # zᵢ and yᵢ in one reduction: permuting z alone changes it
        return [Rel(ops.max(ops.vadd(v.z, v.y)), "<=", ops.lse(v.z))]

    step = Step(Rel(TOP, "==", Z[sp.Integer(1)]), "", K.wlog("z"))
    for st, want in ((sym, True), (asym, False), (paired, False)):
        c = Claim("w", "r", "r", "inequality", "", st, lambda: lse_instances(), ns)
        assert last([step], claim=c).checked is want, st.__name__
    c = Claim("w", "r", "r", "inequality", "", sym, lambda: lse_instances(), ns)
    twice = check([step, Step(Rel(BOT, "==", Z[sp.Integer(1)]), "", K.wlog("z"))], claim=c)
    assert twice[0].checked and not twice[1].checked  # one WLOG per vector
    bad = Step(Rel(TOP, "==", Z[sp.Integer(2)]), "", K.wlog("z"))  # not the first entry
    assert not last([bad], claim=c).checked


def test_abs_rules(assuming):
    a = Z.body - Z[sp.Integer(1)]
    up = Step(Rel(a, "<=", 5), "h", K.algebra())
    p = [
        Step(
            Rel(Z.body - Z[sp.Integer(1)], "<=", TOP - Z[sp.Integer(1)], over=EVERY),
            "",
            K.term_bound(),
        )
    ]
    assert not check([up])[0].checked  # (a hypothesis that is not shown)
    q = Step(Rel(a, "<=", 0, over=EVERY), "", K.combine((0, 1)))
    assert not check(p + [q])[1].checked  # z₁ is not the max without WLOG
    # |t| = −t from t ≤ 0 (the premise is about each i)
    lo = Step(Rel(Z.body - TOP, "<=", 0, over=EVERY), "", K.combine((0, 1)))
    base = [Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound()), lo]
    t = Z.body - TOP
    ok = Step(Rel(INDEXED.abs(t), "==", -t, over=EVERY), "", K.abs_sign(1))
    assert check(base + [ok])[2].checked
    bad = Step(Rel(INDEXED.abs(t), "==", t, over=EVERY), "", K.abs_sign(1))
    assert not check(base + [bad])[2].checked
    # |a| ≤ c from a ≤ c and −a ≤ c
    x, c = sp.symbols("x c", real=True)
    s1 = Step(Rel(x, "<=", c + x**2), "", K.algebra())
    s2 = Step(Rel(-x, "<=", c + x**2), "", K.algebra())
    prem = [Step(Rel(x, "<=", c), "h", K.assumption()), Step(Rel(-x, "<=", c), "h", K.assumption())]
    _ = (s1, s2)
    hyp = assuming(lambda o, v: [Rel(x, "<=", c), Rel(-x, "<=", c)])
    ok = Step(Rel(sp.Abs(x), "<=", c), "", K.abs_bound(0, 1))
    assert check(prem + [ok], claim=hyp)[2].checked
    bad = Step(Rel(sp.Abs(x), "<=", c), "", K.abs_bound(0, 0))  # only one side
    assert not check(prem + [bad], claim=hyp)[2].checked


# ------------------------------------------------------------- the named inequalities


def test_holder(assuming):
    v = ns(lam=True)
    z, y, lam = v.z, v.y, v.lam
    hyp = assuming(lambda o, w: [Rel(0, "<=", w.lam), Rel(w.lam, "<=", 1)])
    prem = [
        Step(Rel(0, "<=", lam), "", K.assumption()),
        Step(Rel(lam, "<=", 1), "", K.assumption()),
    ]
    sz, sy = sp.Sum(sp.exp(z.body), (I, 1, M)), sp.Sum(sp.exp(y.body), (I, 1, M))
    lhs = sp.Sum(sp.exp(lam * z.body + (1 - lam) * y.body), (I, 1, M))
    ok = Step(Rel(lhs, "<=", sz**lam * sy ** (1 - lam)), "", K.holder(0, 1))
    assert check(prem + [ok], v=v, claim=hyp)[2].checked
    bad = Step(Rel(lhs, "<=", sz**lam * sy**lam), "", K.holder(0, 1))  # exponents not λ, 1−λ
    assert not check(prem + [bad], v=v, claim=hyp)[2].checked
    bad = Step(Rel(lhs, "<=", sz**lam * sy ** (1 - lam)), "", K.holder(0, 0))  # no λ ≤ 1
    assert not check(prem + [bad], v=v, claim=hyp)[2].checked


def test_gibbs():
    p, q = INDEXED.softmax(Z, I), INDEXED.softmax(V.y, I)
    sums = [
        Step(Rel(sp.Sum(p, (I, 1, M)), "==", 1), "", K.algebra(unfold=("softmax",))),
        Step(Rel(sp.Sum(q, (I, 1, M)), "==", 1), "", K.algebra(unfold=("softmax",))),
    ]
    kl = sp.Sum(p * sp.log(p / q), (I, 1, M))
    outs = check(sums + [Step(Rel(0, "<=", kl), "", K.gibbs(0, 1))])
    assert all(o.checked for o in outs)
    bad = Step(Rel(0, "<=", sp.Sum(q * sp.log(p / q), (I, 1, M))), "", K.gibbs(0, 1))
    assert not check(sums + [bad])[2].checked
    w = Step(Rel(sp.Sum(Z.body, (I, 1, M)), "==", 1), "h", K.algebra())  # not shown
    assert not check([w, sums[1], Step(Rel(0, "<=", kl), "", K.gibbs(0, 1))])[2].checked


def test_cauchy_schwarz_and_max_difference():
    zz, yy = Z.body, V.y.body
    rhs = sp.Sum(zz**2, (I, 1, M)) * sp.Sum(yy**2, (I, 1, M))
    ok = Step(Rel(sp.Sum(zz * yy, (I, 1, M)) ** 2, "<=", rhs), "", K.cauchy_schwarz())
    assert last([ok]).checked
    bad = Step(Rel(sp.Sum(zz * yy, (I, 1, M)) ** 2, "<=", rhs / 2), "", K.cauchy_schwarz())
    assert not last([bad]).checked
    roots = sp.sqrt(sp.Sum(zz**2, (I, 1, M))) * sp.sqrt(sp.Sum(yy**2, (I, 1, M)))
    ok = Step(Rel(sp.Sum(zz * yy, (I, 1, M)), "<=", roots), "", K.cauchy_schwarz())
    assert last([ok]).checked
    for wrong in (
        Rel(sp.Sum(zz * yy, (I, 1, M)), "<=", roots / 2),  # half the bound
        Rel(sp.Sum(zz * yy, (I, 1, M)) ** 2, "<=", roots),  # square against roots
        Rel(sp.Sum(zz * yy, (I, 1, M + 1)), "<=", roots),  # another range on the left
        Rel(sp.Sum(zz * yy, (I, 1, M)), "<=", sp.sqrt(sp.Sum(zz**2, (I, 1, M)))),  # one root
        Rel(sp.Sum(zz * yy, (I, 1, M)), ">=", -roots),  # not the form licensed
    ):
        assert not last([Step(wrong, "", K.cauchy_schwarz())]).checked, wrong
    top_y = MaxOver(yy, I, 1, M)
    ok = Step(
        Rel(INDEXED.abs(TOP - top_y), "<=", MaxOver(INDEXED.abs(zz - yy), I, 1, M)),
        "",
        K.max_difference(),
    )
    assert last([ok]).checked
    bad = Step(
        Rel(INDEXED.abs(TOP - top_y), "<=", MaxOver(zz - yy, I, 1, M)), "", K.max_difference()
    )
    assert not last([bad]).checked


def test_differentiate():
    k = index("k")
    every = (k, 1, M)
    grad = sp.Derivative(INDEXED.lse(Z), Z.base()[k])
    ok = Step(Rel(grad, "==", INDEXED.softmax(Z, k), over=every), "", K.differentiate())
    assert last([ok]).checked
    bad = Step(Rel(grad, "==", sp.exp(Z.base()[k]), over=every), "", K.differentiate())
    assert not last([bad]).checked


def test_delta_sum():
    k, j = index("k"), index("j")
    every = (k, 1, M)
    dl = sp.KroneckerDelta(j, k)
    term = INDEXED.softmax(Z, j) * Z.base()[j]
    ok = Step(
        Rel(sp.Sum(dl * term, (j, 1, M)), "==", subst(term, {j: k}), over=every), "", K.delta_sum()
    )
    assert last([ok]).checked
    # the other side, and a sum with more terms
    ok = Step(
        Rel(Z.base()[k] + 1, "==", sp.Sum(dl * (Z.base()[j] + 1), (j, 1, M)), over=every),
        "",
        K.delta_sum(),
    )
    assert last([ok]).checked
    wrong = [
        Rel(sp.Sum(dl * term, (j, 1, M)), "==", 2 * subst(term, {j: k}), over=every),  # wrong value
        Rel(sp.Sum(dl * term, (j, 1, 2 * M)), "==", subst(term, {j: k}), over=every),  # other range
        Rel(sp.Sum(dl * term, (j, 1, M)), "==", subst(term, {j: k})),  # k not in the range
        Rel(sp.Sum(term, (j, 1, M)), "==", subst(term, {j: k}), over=every),  # no delta
        # a bound k is not the step's k: Σ_{k≤2m} Σ_{j≤m} δⱼₖ zⱼ = Σ_{k≤m} zₖ, not Σ_{k≤2m} zₖ
        Rel(
            sp.Sum(sp.Sum(dl * Z.base()[j], (j, 1, M)), (k, 1, 2 * M)),
            "==",
            sp.Sum(Z.base()[k], (k, 1, 2 * M)),
            over=every,
        ),
    ]
    for r in wrong:
        assert not last([Step(r, "", K.delta_sum())]).checked, r


def test_assumption_and_cites_check_what_they_claim():
    from derivations.engine import load_registry

    reg = load_registry(["niu2024"])
    c = reg["niu2024:lemma3/m-ge-2"]
    v1 = SimpleNamespace(z=Vec.symbol("z", M).map(lambda t: -t, None))
    st = reg["niu2024:lemma2/m-ge-2"].statement(INDEXED, v1)
    # lemma2/m-ge-2 needs m ≥ 2: citing it for a vector of length m ≥ 1 is refused
    out = last([Step(st[0], "", K.cites("lemma2/m-ge-2", v1))], claim=c, registry=reg)
    assert not out.checked and "m" in out.how
    v2 = SimpleNamespace(z=Vec.symbol("z", M2).map(lambda t: -t, None))
    st = reg["niu2024:lemma2/m-ge-2"].statement(INDEXED, v2)
    assert last([Step(st[0], "", K.cites("lemma2/m-ge-2", v2))], claim=c, registry=reg).checked
    # a relation the cited claim does not state
    bad = Rel(st[0].rhs, "<=", st[0].lhs)
    assert not last([Step(bad, "", K.cites("lemma2/m-ge-2", v2))], claim=c, registry=reg).checked


def test_cites_at_a_point_of_a_range_needs_the_hypotheses_over_that_range():
    """A claim with hypotheses 0 ≤ λ ≤ 1 (λ² ≤ λ) cited at λ = t for every t ∈ [0, 1]: the
    hypotheses must hold over the step's range of t, not merely for one t or a smaller range."""
    lam, t = sp.Symbol("lam", real=True), sp.Symbol("t", real=True)
    unit = Claim(
        "unit",
        "r",
        "r",
        "inequality",
        "",
        lambda o, w: [Rel(w.lam**2, "<=", w.lam)],
        lambda: lse_instances(),
        lambda: SimpleNamespace(lam=lam),
        hypotheses=lambda o, w: [Rel(0, "<=", w.lam), Rel(w.lam, "<=", 1)],
    )
    main = Claim("main", "r", "r", "inequality", "", lambda o, w: [], lse_instances, ns)
    unit.paper = main.paper = "t"
    reg = {"t:unit": unit, "t:main": main}
    at = SimpleNamespace(lam=t)

    def cite(over, hyp_over):
        steps = [
            Step(Rel(0, "<=", t, over=hyp_over), "", K.in_range()),
            Step(Rel(t, "<=", hyp_over[2], over=hyp_over), "", K.in_range()),
            Step(Rel(t**2, "<=", t, over=over), "", K.cites("unit", at)),
        ]
        return last(steps, claim=main, registry=reg)

    assert cite((t, 0, 1), (t, 0, 1)).checked
    out = cite((), (t, 0, 1))  # for every real t: the hypotheses hold only on [0, 1]
    assert not out.checked and "is not established" in out.how, out.how
    assert not cite((t, 0, 2), (t, 0, 1)).checked  # a wider range than the hypotheses'
    assert not cite((t, 0, 1), (t, 0, 2)).checked  # t ≤ 2 is not the hypothesis t ≤ 1


# ------------------------------------------------------------- only the kernel checks


def test_only_kernel_rules_justify_steps():
    with pytest.raises(ValueError, match="unknown rule"):
        K.Use("trust-me")

    class Mine:  # a user's own "justification"
        pass

    out = last([Step(Rel(TOP, "<=", sp.log(SZ)), "", Mine())])
    assert not out.checked and out.status == "not confirmed"
    with pytest.raises(TypeError, match="step indices"):
        K.combine(("0", 1))


def test_legacy_spellings_are_kernel_rules():
    from derivations.engine import Chain, Combine, Monotone

    assert K.as_use(Algebra()).rule == "algebra"
    assert K.as_use(Chain(0, 1)) == K.combine((0, 1), (1, 1))
    assert K.as_use(Combine(((0, 2),))) == K.combine((0, 2))
    assert K.as_use(Monotone(0, EXP)).rule == "monotone"


# -------------------------------------------------------------------- the work budget


def test_budget_exhausted_is_not_decided_never_fails():
    hard = Step(Rel(sp.Sum(sp.exp(Z.body + 3), (I, 1, M)), "==", sp.exp(3) * SZ), "", K.algebra())
    full = last([hard])
    assert full.checked and full.work > 10
    out = last([hard], budget=full.work - 1)
    assert out.status == "not decided within budget" and not out.checked
    assert "fail" not in out.how
    again = last([hard], budget=full.work - 1)
    assert (again.status, again.how) == (out.status, out.how)
    assert last([hard], budget=full.work).checked  # exactly enough


def test_work_is_deterministic():
    """The same step costs the same work every time, whatever ran before (the kernel counts
    its own operations; its memo is emptied before each step)."""
    step = Step(Rel(sp.log(M * sp.exp(TOP)), "==", TOP + sp.log(M)), "", K.algebra())
    first = last([step]).work
    last([Step(Rel(sp.Sum(sp.exp(Z.body + 3), (I, 1, M)), "==", sp.exp(3) * SZ), "", K.algebra())])
    assert {last([step]).work for _ in range(3)} == {first}


def test_kernel_lists_its_rules_with_the_facts_they_license():
    for name, r in K.RULES.items():
        assert r.__doc__ and len(r.__doc__.split()) > 8, name
    assert set(K.RULES) >= {
        "algebra",
        "assumption",
        "cites",
        "combine",
        "monotone",
        "termwise",
        "term_bound",
        "split_first",
        "wlog",
        "abs_bound",
        "abs_sign",
        "holder",
        "gibbs",
        "cauchy_schwarz",
        "max_difference",
        "differentiate",
        "delta_sum",
        "sum_bound",
        "instance",
    }


def test_a_result_not_decided_within_budget_is_not_cached(tmp_path, monkeypatch):
    from derivations.engine import load_registry
    from derivations.engine.run import cached_derivation

    monkeypatch.setenv("BEYOND_SCALING_CACHE", str(tmp_path))
    monkeypatch.setattr(K, "WORK_BUDGET", 5)
    reg = load_registry(["niu2024"])
    out = cached_derivation(reg["niu2024:lemma2/nonstrict"], reg)
    assert not out["finished"] and not out["complete"]
    assert any(s["status"] == "not decided within budget" for s in out["steps"])
    assert not list(tmp_path.rglob("*.json"))  # nothing stored
    monkeypatch.setattr(K, "WORK_BUDGET", 20_000)
    out = cached_derivation(reg["niu2024:lemma2/nonstrict"], reg)
    assert out["finished"] and out["complete"] and list(tmp_path.rglob("*.json"))


def test_unchecked_never_checks_and_says_why():
    """A step marked as covered by no rule is not confirmed, even when it is true, and its
    outcome quotes the reason."""
    true = Step(Rel(Z.body, "<=", Z.body + 1, over=EVERY), "", K.unchecked("a symmetry"))
    (o,) = check([true])
    assert not o.checked and "a symmetry" in o.how
