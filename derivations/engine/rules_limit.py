"""The rule kernel's fixed-point argument (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): Banach's fixed point theorem for a
quantity the claim defines as the limit of an iteration
(:class:`~derivations.engine.model.IterationLimit`).

Notation: x* = lim_{t→∞} Fᵗ(x₀) the claim's defined quantity (F its map, x₀ its start);
B = {u : Σ_k (u_k − c_k)² ≤ r²} the closed ball of centre c (x₀ unless given) and radius r;
ξ, y two states of the instance (vectors of symbolic length d, like x*).

Why it is sound. B is closed in ℝᵈ, hence complete. If F maps B into B and ‖F(ξ) − F(y)‖ ≤
q‖ξ − y‖ for all ξ, y ∈ B with q < 1, then for x₀ ∈ B the iterates Fᵗ(x₀) stay in B and
form a Cauchy sequence (‖Fᵗ⁺¹(x₀) − Fᵗ(x₀)‖ ≤ qᵗ‖F(x₀) − x₀‖): their limit x* exists, lies
in B and is F's unique fixed point in B (Banach). The rule takes "F maps B into B" and the
contraction from *cited claims*, read at the instance's states ξ and y: a claim's statement
holds at every value of the instance's free symbols that meets its hypotheses. It checks
that ξ and y are free here (the claim's hypotheses, the ball, x₀, q and each state's image
F(·) mention no other state, nor x*), that every cited hypothesis which mentions a state is
implied by that state's membership of B (written Σ_k (u_k − c_k)² ≤ r², or √(…) ≤ r once
r ≥ 0 is established), that the other cited hypotheses are established (sign rules or an
earlier checked step), that x₀ ∈ B is established, and that q < 1 is established or follows
from a state-free relation of the contraction claim's own statement (which then holds at
ξ = y = x₀). Two contraction claims may split the cases: each has then exactly one
hypothesis not established, the two complementary (0 ≤ s and 0 < −s), so one of them holds
at every instance — and Banach's conclusion does not depend on q. The step's relation is
x* ∈ B (either form) or implied by it. The checker compares F and x₀, written out at small
sizes, with the searched ones (:func:`derivations.engine.checker.statement_agreement`), so
the F read here is the one the search iterates.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.model import IterationLimit, Rel
from derivations.engine.normal import is_nonneg, is_pos, normal_form, same, unfold
from derivations.engine.rules import (
    NotLicensed,
    _establish,
    _nonneg,
    _rule,
    _show,
    _size_bounds_met,
    _slack,
    implies,
)
from derivations.engine.rules_classic import _vector_variable
from theory.indexed import Vec

__all__ = ["banach"]


def _build(limit, into, contracts, radius, centre=None, states=("x", "y")):
    args = {
        "limit": limit,
        "into": into,
        "contracts": tuple((cid, q) for cid, q in contracts),
        "radius": radius,
        "centre": centre,
        "states": tuple(states),
    }
    return (), args


@_rule(build=_build)
def banach(ctx, rel, prem, limit, into, contracts, radius, centre=None, states=("x", "y")):
    """Banach's fixed point theorem for the claim's quantity ``limit`` = lim Fᵗ(x₀) (an
    :class:`~derivations.engine.model.IterationLimit`): the closed ball B of centre
    ``centre`` (x₀ unless given) and radius ``radius`` contains x₀ (established), the claim
    ``into`` says F maps B into B, and the claims ``contracts`` = ((id, q), …) say
    ‖F(ξ) − F(y)‖ ≤ q‖ξ − y‖ on B with q < 1 (one claim, or two whose only other
    hypotheses are complementary cases), all read at the instance's free states ``states``
    = (ξ, y); then x* exists, lies in B and is F's fixed point. The step is x* ∈ B
    (Σ_k (x*_k − c_k)² ≤ r² or √(…) ≤ r) or a relation it implies."""
    c = ctx.claim
    lim = (c.defined or {}).get(limit) if c is not None else None
    if not isinstance(lim, IterationLimit):
        raise NotLicensed(
            f"{limit!r} is not a quantity the claim defines as the limit of an iteration "
            "(Claim.defined with an IterationLimit)"
        )
    if rel.ranges:
        raise NotLicensed("the conclusion is about the limit itself, without ranges")
    if not 1 <= len(contracts) <= 2:
        raise NotLicensed("needs one contraction claim, or two that split the cases")
    ns, ops = ctx.ns, ctx.ops
    star, xi, y = (getattr(ns, s, None) for s in (limit, *states))
    if len({_vector_variable(u) for u in (star, xi, y)}) != 3:
        raise NotLicensed(f"{limit}, {states[0]} and {states[1]} must be distinct vectors")
    k, n = star.var, star.length
    if not all(same(u.length, n) for u in (xi, y)):
        raise NotLicensed("the states and the limit must have the same length")
    x0 = lim.start(ops, ns)
    cen = x0 if centre is None else centre
    F = {u.base(): lim.map(ops, ns, u) for u in (xi, y)}
    sq = lambda u: sp.Sum((u[k] - cen[k]) ** 2, (k, 1, n))  # noqa: E731
    ball = lambda u: Rel(sq(u), "<=", radius**2)  # noqa: E731
    root = lambda u: Rel(sp.sqrt(sq(u)), "<=", radius)  # noqa: E731
    r_ok = _nonneg(radius, ctx)

    bases = {u.base() for u in (star, xi, y)}
    others = lambda u: bases - {u.base()}  # noqa: E731
    fixed = [radius, cen[k], x0[k]]
    fixed += [s for h in (c.hypotheses(ops, ns) if c.hypotheses else []) for s in (h.lhs, h.rhs)]
    if any(_mentions(e, bases - {star.base()}) for e in fixed):
        raise NotLicensed(
            f"the states {states[0]}, {states[1]} are not free: the claim's hypotheses, the "
            "ball or the start mention them"
        )
    if any(_mentions(e, {star.base()}) for e in (radius, cen[k], x0[k])):
        raise NotLicensed(f"the ball or the start mentions the limit {limit}")
    if not all(isinstance(u, Vec) and same(u.length, n) for u in (x0, cen)):
        raise NotLicensed("the start and the centre must be vectors of the limit's length")
    for u in (xi, y):
        if _mentions(F[u.base()][k], others(u)):
            raise NotLicensed(f"F({u.shown or u.base()}) mentions another state or the limit")
    if not (_establish(ball(x0), ctx) or (r_ok and _establish(root(x0), ctx))):
        raise NotLicensed("cannot establish that the start x₀ lies in the ball")

    def read(cid: str, used: tuple) -> tuple[list, list]:
        """(the cited claim's statement at the instance, its hypotheses not established
        that mention no state), after checking the others."""
        key = c.resolve(cid, ctx.registry)
        cited = ctx.registry.get(key)
        if cited is None or cited.statement is None:
            raise NotLicensed(f"cites unknown claim {cid!r}")
        if cited.defined:
            raise NotLicensed(f"{cid} defines quantities of its own; banach does not read them")
        _size_bounds_met(cited, ns)
        open_ = []
        for h in cited.hypotheses(ops, ns) if cited.hypotheses else []:
            if _mentions(h.lhs, {star.base()}) or _mentions(h.rhs, {star.base()}):
                raise NotLicensed(f"the hypothesis {h.text()} of {cid} mentions the limit")
            at = [
                u for u in (xi, y) if _mentions(h.lhs, {u.base()}) or _mentions(h.rhs, {u.base()})
            ]
            if len(at) > 1 or (at and at[0] not in used):
                raise NotLicensed(f"the hypothesis {h.text()} of {cid} is not about one state")
            if at:
                u = at[0]
                if not (implies(ball(u), h) or (r_ok and implies(root(u), h))):
                    raise NotLicensed(
                        f"the hypothesis {h.text()} of {cid} is not the state's membership of "
                        "the ball"
                    )
            elif not _establish(h, ctx):
                open_.append(h)
        return list(cited.statement(ops, ns)), open_

    rels, open_ = read(into, (xi,))
    if open_:
        raise NotLicensed(f"the hypothesis {open_[0].text()} of {into} is not established")
    image = F[xi.base()]
    if not any(implies(s, ball(image)) or implies(s, root(image)) for s in rels):
        raise NotLicensed(f"{into} does not say that F maps the ball into itself")

    cases = []
    for cid, q in contracts:
        if _mentions(q, bases):
            raise NotLicensed(f"the factor q of {cid} depends on a state or the limit")
        rels, open_ = read(cid, (xi, y))
        fx, fy = F[xi.base()], F[y.base()]
        lhs = sp.sqrt(sp.Sum((fx[k] - fy[k]) ** 2, (k, 1, n)))
        want = Rel(lhs, "<=", q * sp.sqrt(sp.Sum((xi[k] - y[k]) ** 2, (k, 1, n))))
        if not any(implies(s, want) for s in rels):
            raise NotLicensed(f"{cid} does not say ‖F(ξ) − F(y)‖ ≤ q‖ξ − y‖ with q = {_show(q)}")
        own = [s for s in rels if not any(_mentions(t, bases) for t in (s.lhs, s.rhs))]
        if not (_establish(Rel(q, "<", 1), ctx) or any(_below_one(s, q) for s in own)):
            raise NotLicensed(f"cannot establish q < 1 for {cid} (q = {_show(q)})")
        cases.append(open_)
    if len(cases) == 1 and cases[0]:
        raise NotLicensed(
            f"the hypothesis {cases[0][0].text()} of {contracts[0][0]} is not established"
        )
    if len(cases) == 2 and not _complementary(cases):
        raise NotLicensed(
            "two contraction claims must each leave exactly one hypothesis open, the two "
            "complementary (0 ≤ s and 0 < −s)"
        )
    if not (implies(ball(star), rel) or (r_ok and implies(root(star), rel))):
        raise NotLicensed(f"the step is not {limit} ∈ B (or implied by it)")
    cited = ", ".join(cid for cid, _ in contracts)
    split = " (two complementary cases)" if len(cases) == 2 else ""
    return (
        f"Banach: x₀ ∈ B, {into} maps B into B, {cited} contract{'s' if len(cases) == 1 else ''}"
        f" on B with q < 1{split} (at free states): the iterates from x₀ converge to a fixed "
        "point in B"
    )


def _mentions(e, bases) -> bool:
    """Whether ``e`` (named quantities unfolded) reads an entry of one of the ``bases``."""
    e = unfold(sp.sympify(e), "*")
    return any(isinstance(t, sp.Indexed) and t.base in bases for t in sp.preorder_traversal(e))


def _below_one(s: Rel, q) -> bool:
    """``s`` (0 < slack or 0 ≤ slack) gives q < 1: 1 − q ≥ slack (> when ``s`` is not
    strict), by the sign rules."""
    n = s.normal()
    if n.ranges or n.op == "==":
        return False
    gap = normal_form(1 - q - _slack(n))
    return is_nonneg(gap) if n.op == "<" else is_pos(gap)


def _complementary(cases: list) -> bool:
    """Each case leaves exactly one relation, and they are 0 ≤ s (or <) and 0 < −s (or ≤),
    not both strict: one of them holds everywhere."""
    if any(len(c) != 1 for c in cases):
        return False
    a, b = (c[0].normal() for c in cases)
    if a.ranges or b.ranges or "==" in (a.op, b.op) or a.op == b.op == "<":
        return False
    return same(_slack(a) + _slack(b), 0)
