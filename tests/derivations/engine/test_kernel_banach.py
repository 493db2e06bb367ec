"""The kernel's ``banach`` rule (Banach's fixed point theorem for a quantity a claim defines
as an iteration's limit, :mod:`derivations.engine.rules_limit`) on a paper-free example:
F(u) = a·u with |a| ≤ ½ on the ball ‖u‖ ≤ r, iterated from 0. Accepted as stated; refused
when any of its conditions fails (q = 1, a state that is not free, a start outside the
ball, a conclusion the ball does not give, a plain defined quantity, cases that do not
cover every instance); ``relabel`` reads an iteration's start and map as well."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sympy as sp

from derivations.engine import Claim, IterationLimit, Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from derivations.strategies import lse_instances
from theory.indexed import PatternSet, Size, Vec

D = Size("d")
XI, Y, STAR = (Vec.symbol(n, D, "k") for n in ("xi", "y", "s"))
k = XI.var
a = sp.Symbol("a", real=True)
r = sp.Symbol("r", positive=True)
HALF = sp.Rational(1, 2)
NS = SimpleNamespace(x=XI, y=Y, star=STAR, a=a, r=r)


def norm(f) -> sp.Expr:
    """‖(f(k))_k‖."""
    return sp.sqrt(sp.Sum(f(k) ** 2, (k, 1, D)))


def scaled(o, v, u):
    return u.map(lambda b: v.a * b)


ZERO = lambda o, v: Vec(sp.Integer(0), k, D)  # noqa: E731
LIMIT = IterationLimit(lambda o, v: None, scaled, ZERO)


def claim(cid, statement, hypotheses, defined=None) -> Claim:
    return Claim(
        cid,
        "r",
        "r",
        "inequality",
        "",
        statement,
        lse_instances,
        SimpleNamespace,
        hypotheses=hypotheses,
        defined=defined,
    )


def small(op="<=", c=HALF):
    return Rel(sp.Abs(a), op, c, "|a| ≤ ½")


def in_ball(u):
    return Rel(norm(lambda j: u[j]), "<=", r, "u ∈ B")


INTO = claim(
    "into",
    lambda o, v: [Rel(norm(lambda j: v.a * v.x[j]), "<=", v.r)],
    lambda o, v: [small(), in_ball(v.x)],
)


SMALL = small()


def contracting(q, case=SMALL):
    """‖F(ξ) − F(y)‖ ≤ q‖ξ − y‖ under ``case`` and ξ, y ∈ B."""
    dist = norm(lambda j: XI[j] - Y[j])
    return claim(
        "contract",
        lambda o, v: [Rel(norm(lambda j: v.a * (v.x[j] - v.y[j])), "<=", q * dist)],
        lambda o, v: [case, in_ball(v.x), in_ball(v.y)],
    )


GOAL = Rel(norm(lambda j: STAR[j]), "<=", r, "x* ∈ B")


def run(
    goal=GOAL,
    contracts=(("contract", HALF),),
    registry=None,
    hypotheses=(SMALL,),
    defined=None,
    radius=r,
    centre=None,
):
    reg = registry or {"into": INTO, "contract": contracting(HALF)}
    c = claim(
        "fp",
        lambda o, v: [GOAL],
        lambda o, v: list(hypotheses),
        defined=defined or {"star": LIMIT},
    )
    steps = [Step(h, "hypothesis", K.assumption()) for h in hypotheses]
    steps.append(Step(goal, "Banach", K.banach("star", "into", contracts, radius, centre)))
    return K.run_steps(c, reg, INDEXED, NS, steps).outcomes[-1]


def test_a_contraction_that_maps_the_ball_into_itself_has_its_limit_in_the_ball():
    out = run()
    assert out.checked, out.how
    assert "Banach" in out.how


def test_the_squared_form_of_the_ball_is_concluded_too():
    sq = Rel(sp.Sum(STAR.body**2, (k, 1, D)), "<=", r**2)
    assert run(goal=sq).checked


@pytest.mark.parametrize(
    "kwargs, why",
    [
        (dict(goal=Rel(GOAL.lhs, "<=", r / 2)), "the step is not star ∈ B"),
        (
            dict(registry={"into": INTO, "contract": contracting(1)}, contracts=(("contract", 1),)),
            "cannot establish q < 1",
        ),
        (dict(contracts=(("contract", HALF / 2),)), "does not say ‖F(ξ) − F(y)‖ ≤ q‖ξ − y‖"),
        (dict(hypotheses=(Rel(0, "<=", r),)), "|a| ≤ 1/2 of into is not established"),
        (dict(hypotheses=(SMALL, in_ball(XI))), "the states x, y are not free"),
        (dict(defined={"star": LIMIT.compute}), "not a quantity the claim defines"),
        (dict(radius=2 * r), "is not the state's membership of the ball"),
        (
            dict(
                defined={"star": IterationLimit(LIMIT.compute, scaled, lambda o, v: Vec(v.r, k, D))}
            ),
            "the start x₀ lies in the ball",
        ),
        (
            dict(
                defined={"star": IterationLimit(LIMIT.compute, lambda o, v, u: u.map(sp.sin), ZERO)}
            ),
            "into does not say that F maps the ball into itself",
        ),
        (
            dict(defined={"star": IterationLimit(LIMIT.compute, scaled, lambda o, v: v.star)}),
            "the start mentions the limit",
        ),
        (
            dict(defined={"star": IterationLimit(LIMIT.compute, scaled, lambda o, v: Y)}),
            "the states x, y are not free",
        ),
    ],
)
def test_refused_when_a_condition_fails(kwargs, why):
    """A smaller ball, q = 1, a factor the claim does not state, a hypothesis of the cited
    claim not established, a state the claim's hypotheses restrict, a defined quantity
    without its iteration, another radius, a start outside the ball (‖(r, …, r)‖ = r√d, the
    ball's centre kept at 0), another map, a start that is the limit itself or a state: each
    refused, for that reason."""
    out = run(**kwargs, centre=ZERO(None, None))
    assert not out.checked and why in out.how, out.how


def test_two_contraction_claims_must_cover_every_case():
    """a ≤ 0 and 0 < a cover every a (each claim contracts in its case); a ≤ 0 and ½ < a
    leave 0 < a ≤ ½ uncovered."""
    neg, pos = Rel(a, "<=", 0), Rel(0, "<", a)
    reg = {"into": INTO, "contract": contracting(HALF, neg), "other": contracting(HALF, pos)}
    both = (("contract", HALF), ("other", HALF))
    assert run(registry=reg, contracts=both).checked
    gap = {**reg, "other": contracting(HALF, Rel(HALF, "<", a))}
    assert not run(registry=gap, contracts=both).checked
    assert not run(registry=reg, contracts=(("contract", HALF),)).checked


def test_q_below_one_is_read_from_the_contraction_claims_own_statement():
    """A claim stating q < 1 beside the contraction (here q = 3/4·b with b < 1 in its
    statement) gives q < 1 with no step for it."""
    b = sp.Symbol("b", positive=True)
    ns_b = SimpleNamespace(**vars(NS), b=b)
    q = sp.Rational(3, 4) * b
    dist = norm(lambda j: XI[j] - Y[j])
    lip = claim(
        "contract",
        lambda o, v: [Rel(norm(lambda j: v.a * (v.x[j] - v.y[j])), "<=", q * dist), Rel(b, "<", 1)],
        lambda o, v: [small(), in_ball(v.x), in_ball(v.y)],
    )
    c = claim("fp", lambda o, v: [GOAL], lambda o, v: [small()], defined={"star": LIMIT})
    steps = [
        Step(small(), "hypothesis", K.assumption()),
        Step(GOAL, "Banach", K.banach("star", "into", (("contract", q),), r)),
    ]
    reg = {"into": INTO, "contract": lip}
    assert K.run_steps(c, reg, INDEXED, ns_b, steps).outcomes[-1].checked
    lip.statement = lambda o, v: [Rel(norm(lambda j: v.a * (v.x[j] - v.y[j])), "<=", q * dist)]
    assert not K.run_steps(c, reg, INDEXED, ns_b, steps).outcomes[-1].checked


def test_relabel_reads_the_start_of_an_iteration():
    """A statement about the first pattern relabels only if the defined limit starts from
    x₁ (or from something symmetric): from x₂ it would not be the quantity for pattern i."""
    P = PatternSet(d=Size("N", 2), n=D, rho=sp.IndexedBase("x", real=True))
    ns = SimpleNamespace(P=P, i=0, x=P.query("xi"), star=P.query("s"))
    rel = Rel(0, "<=", sp.Sum((ns.star.body - P.rho[1, P.k]) ** 2, (P.k, 1, P.n)))
    steps = [Step(rel, "a sum of squares", K.algebra()), Step(rel, "relabel", K.relabel(0))]

    def outcome(start):
        lim = IterationLimit(LIMIT.compute, lambda o, v, u: u, start)
        c = claim("fp", lambda o, v: [rel], None, defined={"star": lim})
        return K.run_steps(c, {}, INDEXED, ns, steps).outcomes[-1]

    assert outcome(lambda o, v: v.P.row(sp.Integer(1))).checked
    out = outcome(lambda o, v: v.P.row(sp.Integer(2)))
    assert not out.checked and "definition of star" in out.how
