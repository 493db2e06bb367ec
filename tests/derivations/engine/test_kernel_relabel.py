"""The kernel's ``relabel`` rule (a statement proved for the first pattern of an arbitrary
pattern set holds for every pattern): it accepts a statement that names x₁ only as rows
x[1, ·] and the other patterns only in Σ, max, min and LSE over j = 2…N or 1…N whose terms
depend on j only through x[j, ·], and refuses everything else — an explicit x₂, the last
pattern, a reduction over j = 3…N, a term with a factor j, a weight w_j or a score z_j that
relabelling would not permute, a free pattern index, a coordinate read at a pattern index, a
hypothesis about particular patterns, another pattern base, a matrix indexed by the patterns
(an N × N spectral norm), an instance that does not name
its first pattern, a WLOG elsewhere, a step that is not its premise. The checker then
compares the statement with the searched one for every pattern i: a searched statement that
is not the relabelled one differs, and a statement only partly relabelled is incomplete."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Claim, Rel, Step
from derivations.engine import kernel as K
from derivations.engine.checker import check_derivation, statement_agreement
from derivations.engine.indexed_ops import INDEXED
from theory.indexed import LseOver, MaxOver, MinOver, PatternSet, Size, Vec, index
from theory.matrix_norm import SpectralNorm

N = Size("N", 2)
R, C, LAM = index("r"), index("c"), sp.Symbol("lambda", real=True)
P = PatternSet(d=N, n=Size("d"), rho=sp.IndexedBase("x", real=True))
X, k = P.rho, P.k
J, L = index("j"), index("l")
ONE = sp.Integer(1)
BETA = sp.Symbol("beta", positive=True)


def space(**kw):
    v = SimpleNamespace(P=P, i=0, x=P.query(r"\xi"), beta=BETA, w=Vec.symbol("w", N, "j"))
    for key, val in kw.items():
        setattr(v, key, val)
    return v


def dot(a, b):
    return sp.Sum(X[a, k] * X[b, k], (k, 1, P.n))


def sq(a):
    return sp.Sum(X[a, k] ** 2, (k, 1, P.n))


def check(steps, v=None, claim=None):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(claim, {}, INDEXED, v or space(), steps).outcomes


def relabelled(e, over=(), v=None, claim=None, **kw):
    """The outcome of relabelling the identity e = e (checked by algebra)."""
    r = Rel(e, "==", e, over=over)
    out = check([Step(r, "", K.algebra()), Step(r, "", K.relabel(0, **kw))], v, claim)
    assert out[0].checked
    return out[1]


# --------------------------------------------------------------------------- accepted

SEP = dot(1, J)
FINE = [
    MaxOver(SEP, J, 2, N),  # Eq. 5's max over j ≠ 1
    MinOver(sq(1) - sq(J) + sp.Sum((X[1, k] - X[J, k]) ** 2, (k, 1, P.n)), J, 2, N),
    sp.Sum(sp.exp(BETA * sp.Sum(P.query(r"\xi")[k] * X[J, k], (k, 1, P.n))), (J, 1, N)),
    LseOver(BETA * SEP, J, 2, N),
    MaxOver(sq(J), J, 1, N),  # every pattern: invariant
    sp.Sum(sp.Sum(dot(J, L), (L, 1, N)), (J, 2, N)),  # nested: j ≠ 1 and every l
    (N - 1) * X[1, 1] + sp.Sum(X[J, 1], (J, 2, N)),  # a fixed coordinate of each row
    # a d × d matrix of the coordinates, its entries summed over all patterns, δ of two
    # pattern indices, inside an integral over a real variable (Theorem 4's mean Jacobian)
    SpectralNorm(
        sp.Lambda(
            (R, C),
            sp.Integral(
                sp.Sum(
                    sp.Sum(sp.KroneckerDelta(J, L) * LAM * X[J, R] * X[L, C], (L, 1, N)), (J, 1, N)
                ),
                (LAM, 0, 1),
            ),
        ),
        P.n,
        P.n,
    ),
]


@pytest.mark.parametrize("e", FINE)
def test_relabel_accepts_a_statement_about_the_first_pattern(e):
    out = relabelled(e)
    assert out.checked, out.how
    assert "for every pattern i by relabelling" in out.how and "j ≠ i" in out.how


def test_relabel_accepts_a_statement_for_every_coordinate_and_invariant_hypotheses():
    """A relation over the coordinates k is fine (k is no pattern index), and so are
    hypotheses that read the patterns only through reductions over all of them."""
    assert relabelled(X[1, k] - sp.Sum(X[J, k], (J, 2, N)), over=(k, 1, P.n)).checked
    hyp = lambda o, v: [Rel(MaxOver(sq(J), J, 1, N), "<=", 1), Rel(0, "<", BETA)]  # noqa: E731
    out = relabelled(MaxOver(SEP, J, 2, N), claim=_claim(hypotheses=hyp))
    assert out.checked and "hypotheses read alike" in out.how, out.how


# --------------------------------------------------------------------------- refused

WRONG = {
    "x₂ named explicitly": (sq(2), "other than the first"),
    "the last pattern": (sp.Sum(X[N, k], (k, 1, P.n)), "other than the first"),
    "a reduction over j = 3…N": (MaxOver(SEP, J, 3, N), "not over"),
    "a reduction over j = 1…N − 1": (sp.Sum(sq(J), (J, 1, N - 1)), "not over"),
    "a factor j": (sp.Sum(J * SEP, (J, 2, N)), "otherwise than through"),
    "δ_{j1}": (sp.Sum(sp.KroneckerDelta(J, 1) * SEP, (J, 1, N)), "otherwise than through"),
    "x_{j+1}": (sp.Sum(sq(J + 1), (J, 1, N - 1)), "other than the first"),
    "a weight w_j not permuted": (
        sp.Sum(space().w[J] * SEP, (J, 2, N)),
        "length depends on N",
    ),
    "w₁, a weight of pattern 1": (space().w[ONE] * sq(1), "length depends on N"),
    "precomputed scores z_j": (
        MaxOver(sp.IndexedBase("z", real=True)[J], J, 2, N),
        "not a vector of the instance",
    ),
    "a coordinate at a pattern index": (sp.Sum(X[J, J], (J, 2, N)), "coordinate depends"),
    "a coordinate range up to j": (
        sp.Sum(sp.Sum(X[J, k], (k, 1, J)), (J, 2, N)),
        "otherwise than through",
    ),
    "another pattern base": (
        sp.Sum(sp.IndexedBase("y", real=True)[1, k] ** 2, (k, 1, P.n)),
        "not a vector of the instance",
    ),
    "an unknown symbol": (sp.Symbol("c1") * sq(1), "neither a size"),
    "a derivative": (sp.Derivative(sq(1), X[1, 1]), "Σ, max, min and LSE only"),
    "an N × N matrix (indexed by the patterns)": (
        SpectralNorm(sp.Lambda((R, C), dot(R, C)), N, N),
        "indexed by the patterns",
    ),
    "an integral of x₂": (sp.Integral(sq(2) * LAM, (LAM, 0, 1)), "other than the first"),
}


@pytest.mark.parametrize("name", list(WRONG))
def test_relabel_refuses_what_relabelling_does_not_map_to_pattern_i(name):
    e, why = WRONG[name]
    out = relabelled(e)
    assert not out.checked and why in out.how, (name, out.how)


def test_relabel_refuses_a_free_pattern_index():
    """∀j ∈ [2, N]: x₁ᵀxⱼ = x₁ᵀxⱼ reads pattern j outside any reduction."""
    out = relabelled(SEP, over=(J, 2, N))
    assert not out.checked and "other than the first" in out.how


def _claim(hypotheses=None, statement=None):
    return Claim(
        "t",
        "test",
        "t",
        "identity",
        "t",
        statement or (lambda o, v: []),
        lambda: None,
        hypotheses=hypotheses,
    )


@pytest.mark.parametrize(
    "hyp",
    [
        Rel(X[1, 1], ">=", 0),  # about pattern 1: relabelled with the statement
        Rel(MaxOver(sq(J), J, 2, N), "<=", sq(1)),  # pattern 1 against the others
    ],
)
def test_relabel_carries_hypotheses_about_the_first_pattern_along(hyp):
    """H(X) ⇒ S(X) for every X gives H(π_i X) ⇒ S(π_i X): hypotheses about the first
    pattern read like the statement are relabelled with it."""
    out = relabelled(MaxOver(SEP, J, 2, N), claim=_claim(hypotheses=lambda o, v: [hyp]))
    assert out.checked and "relabelled with it" in out.how, out.how


@pytest.mark.parametrize(
    "hyp",
    [
        Rel(sq(2), "<=", 1),  # about pattern 2
        Rel(MaxOver(sq(J), J, 3, N), "<=", 1),  # the patterns 3 … N
        Rel(sq(J), "<=", 1, over=(J, 2, N)),  # pattern j outside a reduction
    ],
)
def test_relabel_refuses_hypotheses_that_single_out_other_patterns(hyp):
    out = relabelled(MaxOver(SEP, J, 2, N), claim=_claim(hypotheses=lambda o, v: [hyp]))
    assert not out.checked and "hypothesis" in out.how and "does not relabel" in out.how, out.how


def test_relabel_needs_the_instances_pattern_set_and_its_first_pattern():
    e = MaxOver(SEP, J, 2, N)
    out = relabelled(e, patterns="x")  # the query, not a pattern set
    assert not out.checked and "not a pattern set" in out.how
    out = relabelled(e, v=space(i=1))  # the instance names the second pattern
    assert not out.checked and "not 0" in out.how
    v = space()
    del v.i
    out = relabelled(e, v=v)
    assert not out.checked and "not 0" in out.how


def test_relabel_restates_its_premise_only_and_not_after_a_wlog():
    e = MaxOver(SEP, J, 2, N)
    r = Rel(e, "==", e)
    other = Rel(MaxOver(SEP, J, 2, N), "<=", MaxOver(SEP, J, 2, N) + 1)
    out = check([Step(r, "", K.algebra()), Step(other, "", K.relabel(0))])[1]
    assert not out.checked and "not the premise" in out.how
    steps = [Step(r, "", K.algebra()), Step(r, "", K.wlog("w")), Step(r, "", K.relabel(0))]
    out = check(steps, claim=_claim())[2]
    assert not out.checked and "WLOG" in out.how
    # a premise that is not checked: the relabelled step is not either
    bad = Rel(e, "==", e + 1)
    out = check([Step(bad, "", K.algebra()), Step(bad, "", K.relabel(0))])[1]
    assert not out.checked and "not checked" in out.how


# ------------------------------------------- the checker: the statement for every i


def _toy(rhs_for_first_only=False, relabel_all=True):
    """min_{j≠i}(‖xᵢ‖² − xᵢᵀxⱼ) = ‖xᵢ‖² − max_{j≠i} xᵢᵀxⱼ and xᵢ₁ + Σ_{j≠i} xⱼ₁ = Σ_j xⱼ₁,
    derived for i = 1 and relabelled (``rhs_for_first_only``: the searched
    statement's first right side for pattern 1 whatever i — not the relabelled one)."""

    def statement(o, v):
        if isinstance(v.P, PatternSet):
            return [
                Rel(MinOver(sq(1) - SEP, J, 2, N), "==", sq(1) - MaxOver(SEP, J, 2, N)),
                Rel(X[1, 1] + sp.Sum(X[J, 1], (J, 2, N)), "==", sp.Sum(X[J, 1], (J, 1, N))),
            ]
        R, i = v.P, int(v.i)

        def d(a, b):
            return sum(s * t for s, t in zip(R[a], R[b]))

        others = [j for j in range(len(R)) if j != i]
        c = 0 if rhs_for_first_only else i
        other_c = [j for j in range(len(R)) if j != c]
        return [
            Rel(
                min(d(i, i) - d(i, j) for j in others),
                "==",
                d(c, c) - max(d(c, j) for j in other_c),
            ),
            Rel(R[i][0] + sum(R[j][0] for j in others), "==", sum(r[0] for r in R)),
        ]

    def derivation(o, v):
        rels = statement(o, v)
        steps = [Step(rels[0], "", K.algebra()), Step(rels[1], "", K.split_first())]
        steps += [Step(rels[0], "", K.relabel(0))]
        return steps + ([Step(rels[1], "", K.relabel(1))] if relabel_all else [])

    c = _claim(statement=statement)
    return dataclasses.replace(c, derivation=derivation, derivation_sizes=lambda: [space()])


def test_the_checker_compares_the_statement_for_every_pattern():
    out = check_derivation(_toy(), {})
    assert out["complete"] and out["scope"] == "all sizes", out["steps"]
    assert "for every pattern i" in out["agreement"], out["agreement"]


def test_a_searched_statement_that_is_not_the_relabelled_one_differs():
    """At i = 1 (pattern 1) both agree; at pattern 2 the searched right side is pattern 1's."""
    c = _toy(rhs_for_first_only=True)
    assert statement_agreement(c, space()).startswith("agrees")  # at the first pattern only
    out = check_derivation(c, {})
    assert not out["complete"] and out["scope"] == "fixed sizes"
    assert out["agreement"].startswith("differs at N = 2, d = 1, pattern i = 2")


def test_a_statement_only_partly_relabelled_is_incomplete():
    out = check_derivation(_toy(relabel_all=False), {})
    assert all(s["checked"] for s in out["steps"] if s["rule"] != "conclusion")
    assert not out["complete"]
    (miss,) = [s for s in out["steps"] if s["rule"] == "conclusion"]
    assert "first pattern only" in miss["how"]


def _conjunction(drop_last=False, each=True):
    """xᵢ₁ + Σ_{j≠i} xⱼ₁ = Σ_j xⱼ₁ for every i at once (Claim.over_patterns = "all"): derived for
    i = 1 and relabelled; the searched statement lists the relation for pattern 1, 2, …
    (``drop_last``: all but the last; ``each=False``: a claim not so marked)."""

    def statement(o, v):
        if isinstance(v.P, PatternSet):
            return [Rel(X[1, 1] + sp.Sum(X[J, 1], (J, 2, N)), "==", sp.Sum(X[J, 1], (J, 1, N)))]
        R = v.P
        n = len(R) - 1 if drop_last else len(R)
        total = sum(r[0] for r in R)
        return [
            Rel(R[i][0] + sum(R[j][0] for j in range(len(R)) if j != i), "==", total)
            for i in range(n)
        ]

    def derivation(o, v):
        (rel,) = statement(o, v)
        return [Step(rel, "", K.split_first()), Step(rel, "", K.relabel(0))]

    c = _claim(statement=statement)
    return dataclasses.replace(
        c,
        derivation=derivation,
        derivation_sizes=lambda: [space()],
        over_patterns="all" if each else None,
    )


def test_a_conjunction_over_every_pattern_is_compared_as_one_list():
    out = check_derivation(_conjunction(), {})
    assert out["complete"] and out["scope"] == "all sizes", out["steps"]
    assert "the conjunction of the statements for every pattern" in out["agreement"]
    for bad in (_conjunction(drop_last=True), _conjunction(each=False)):
        out = check_derivation(bad, {})
        assert not out["complete"] and out["agreement"].startswith("differs"), out["agreement"]


def _minimum(outer=min, per_pattern_hypothesis=False):
    """min_i min_{j≠i}(‖xᵢ‖² − xᵢᵀxⱼ) = min_i(‖xᵢ‖² − max_{j≠i} xᵢᵀxⱼ) (Claim.over_patterns
    = "min"): the identity for i = 1, relabelled; ``outer=max``: the searched right side
    is a maximum over i, not the minimum of the relabelled sides."""

    def statement(o, v):
        if isinstance(v.P, PatternSet):
            return [Rel(MinOver(sq(1) - SEP, J, 2, N), "==", sq(1) - MaxOver(SEP, J, 2, N))]
        R = v.P

        def d(a, b):
            return sum(s * t for s, t in zip(R[a], R[b]))

        others = lambda i: [j for j in range(len(R)) if j != i]  # noqa: E731
        lhs = min(min(d(i, i) - d(i, j) for j in others(i)) for i in range(len(R)))
        rhs = outer(d(i, i) - max(d(i, j) for j in others(i)) for i in range(len(R)))
        return [Rel(lhs, "==", rhs)]

    def derivation(o, v):
        (rel,) = statement(o, v)
        return [Step(rel, "", K.algebra()), Step(rel, "", K.relabel(0))]

    def hypotheses(o, v):  # ‖x₁‖² ≥ 0 for the first pattern: not the same for every i
        if isinstance(v.P, PatternSet):
            return [Rel(0, "<=", sq(1))] if per_pattern_hypothesis else []
        i = int(v.i)
        return [Rel(0, "<=", sum(t * t for t in v.P[i]))] if per_pattern_hypothesis else []

    c = _claim(statement=statement, hypotheses=hypotheses)
    return dataclasses.replace(
        c, derivation=derivation, derivation_sizes=lambda: [space()], over_patterns="min"
    )


def test_minima_over_every_pattern_are_compared_with_the_searched_sides():
    out = check_derivation(_minimum(), {})
    assert out["complete"] and out["scope"] == "all sizes", out["steps"]
    assert "the minima over every pattern i" in out["agreement"]
    out = check_derivation(_minimum(outer=max), {})
    assert not out["complete"] and out["agreement"].startswith("differs"), out["agreement"]
    # a hypothesis about pattern i guards only pattern i's relation, not the minimum over all
    out = check_derivation(_minimum(per_pattern_hypothesis=True), {})
    assert not out["complete"] and out["agreement"].startswith("differs in the hypotheses")
