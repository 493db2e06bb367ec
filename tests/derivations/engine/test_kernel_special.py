"""The kernel's special-function facts, paper-free, each accepted where it holds and refused
where it does not: the sign rules' Γ(t) > 0, certified constants, sums with constant
coefficients and sizes' lower bounds under constant coefficients
(:mod:`derivations.engine.signs`); the rules ``exp_tangent`` and ``wendel``
(:mod:`derivations.engine.rules_special`); and the checker listing a size whose derivation
is a separate case (d = 1 beside every d ≥ 2)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import hypothesis.strategies as st
import mpmath
import sympy as sp
from hypothesis import given

from derivations.engine import Claim, Instance, Rel, Step
from derivations.engine import kernel as K
from derivations.engine.checker import check_derivation, compact_sizes, size_text, uncovered
from derivations.engine.indexed_ops import INDEXED
from derivations.engine.signs import is_nonneg, is_pos, is_real
from theory.indexed import Size

D = Size("d", 2)
X = sp.Symbol("x", real=True)
P = sp.Symbol("p", positive=True)
E = sp.E


def check(steps, ns=None):
    return K.run_steps(None, {}, INDEXED, ns or SimpleNamespace(d=D), steps).outcomes


# ----------------------------------------------------------------------- sign rules


def test_gamma_is_positive_on_positive_arguments_only():
    assert is_pos(sp.gamma(D / 2)) and is_pos(sp.gamma(P + 1)) and is_real(sp.gamma(P))
    assert not is_pos(sp.gamma(X)) and not is_real(sp.gamma(X))  # Γ(−1/2) < 0
    assert not is_pos(sp.gamma(D - 3))  # d = 2: Γ(−1) is a pole


def test_constants_get_their_sign_from_a_ball_both_ways():
    c = 2 / E - sp.exp(sp.Rational(1, 12)) / sp.sqrt(2 * sp.pi)  # 0.7358 − 0.4336
    assert is_pos(c) and is_nonneg(c) and not is_pos(-c) and not is_nonneg(-c)
    near = sp.sqrt(2) - sp.Rational(14142135623730951, 10**16)  # −4.9e-17: decided at 128 bits
    assert is_pos(-near) and not is_pos(near)
    assert is_nonneg(sp.Integer(0)) and not is_pos(sp.log(-1 + E) - 1 + 1 - sp.log(E - 1))
    assert not is_real(sp.sqrt(1 - sp.pi))  # a ball of a complex number is not finite-real


def test_a_sum_with_constant_coefficients_is_read_monomial_by_monomial():
    e12 = sp.exp(sp.Rational(1, 12))
    assert is_nonneg(e12 / sp.sqrt(D) - 1 / sp.sqrt(D))  # (e^{1/12} − 1)/√d
    assert not is_nonneg(1 / sp.sqrt(D) - e12 / sp.sqrt(D))
    assert is_pos(sp.pi * P - 3 * P) and not is_pos(3 * P - sp.pi * P)
    assert not is_nonneg(sp.pi * P - 3 * X)  # two monomials, one of unknown sign


def test_sizes_lower_bounds_under_constant_coefficients():
    grow = sp.exp(sp.Rational(4, 3)) * D - 2 * D - 2  # (e^{4/3} − 2)d − 2 ≥ 1.59 at d = 2
    assert is_pos(grow)
    assert not is_pos(sp.exp(sp.Rational(4, 3)) * Size("d", 1) - 2 * Size("d", 1) - 2)  # −0.2
    assert not is_nonneg(2 * D - sp.exp(sp.Rational(4, 3)) * D)  # a negative coefficient


# ---------------------------------------------------------------------------- rules


def test_exp_tangent_accepts_1_plus_t_below_e_to_the_t_only():
    t = -sp.log(D + 1) / D
    ok = check(
        [
            Step(Rel(1 + t, "<=", sp.exp(t)), "", K.exp_tangent()),
            Step(Rel(sp.exp(X), ">=", X + 1), "", K.exp_tangent()),
        ]
    )
    assert all(o.checked for o in ok), [o.how for o in ok]
    bad = check(
        [
            Step(Rel(1 + 2 * X, "<=", sp.exp(X)), "", K.exp_tangent()),  # fails at x = 1
            Step(Rel(1 + X, "<", sp.exp(X)), "", K.exp_tangent()),  # equality at x = 0
            Step(Rel(sp.exp(X), "<=", 1 + X), "", K.exp_tangent()),
            Step(Rel(1 + X, "<=", X**2 + 1), "", K.exp_tangent()),  # no e^t
            Step(Rel(1 + sp.I * X, "<=", sp.exp(sp.I * X)), "", K.exp_tangent()),
        ]
    )
    assert not any(o.checked for o in bad), [o.how for o in bad]
    assert "no e^t" in bad[3].how


@given(st.floats(-30, 30))
def test_exp_tangent_fact_numerically(t):
    assert mpmath.exp(t) >= 1 + mpmath.mpf(t)


def test_wendel_accepts_both_bounds_and_refuses_the_rest():
    x, s = D / 2, sp.Rational(1, 2)
    upper = Rel(sp.gamma(x + s), "<=", x**s * sp.gamma(x))
    lower = Rel(x**s * (x / (x + s)) ** (1 - s) * sp.gamma(x), "<=", sp.gamma(x + s))
    ok = check([Step(upper, "", K.wendel(x, s)), Step(lower, "", K.wendel(x, s))])
    assert all(o.checked for o in ok), [o.how for o in ok]
    assert "upper" in ok[0].how and "lower" in ok[1].how
    bad = check(
        [
            Step(Rel(sp.gamma(x + s), "<=", x**s * sp.gamma(x) / 2), "", K.wendel(x, s)),
            Step(Rel(x**s * sp.gamma(x), "<=", sp.gamma(x + s)), "", K.wendel(x, s)),  # reversed
            Step(upper, "", K.wendel(x, sp.Rational(3, 2))),  # s > 1
            Step(Rel(sp.gamma(X + s), "<=", X**s * sp.gamma(X)), "", K.wendel(X, s)),  # x real
            Step(upper, "", K.wendel(x, sp.Rational(1, 3))),  # another s
        ]
    )
    assert not any(o.checked for o in bad), [o.how for o in bad]
    assert "0 ≤ s" in bad[2].how and "> 0" in bad[3].how


@given(st.floats(1e-3, 1e4), st.floats(0, 1))
def test_wendel_fact_numerically(x, s):
    """The bounds the rule licenses, at 40 digits (so the rule's fact is tested, not trusted)."""
    with mpmath.workdps(40):
        x, s = mpmath.mpf(x), mpmath.mpf(s)
        r = mpmath.exp(mpmath.loggamma(x + s) - mpmath.loggamma(x)) / x**s
        slack = mpmath.mpf(10) ** -30
        assert (x / (x + s)) ** (1 - s) <= r * (1 + slack) and r <= 1 + slack


# --------------------------------------------------------------------- the checker


def _cases_claim(steps_at_one):
    """0 < e^{1/d} − 1 + 1/d: d = 1 a separate case with its own steps, d ≥ 2 symbolic."""
    d1 = Size("d", 1)

    def statement(o, v):
        return [Rel(0, "<", o.exp(o.num(1) / v.d) - 1 + o.num(1) / v.d)]

    def derivation(o, v):
        if not isinstance(v.d, Size):
            return steps_at_one
        t = 1 / v.d
        return [
            Step(Rel(1 + t, "<=", sp.exp(t)), "tangent", K.exp_tangent()),
            Step(Rel(0, "<", sp.exp(t) - 1 + t), "plus 1/d > 0", K.combine((0, 1))),
        ]

    return Claim(
        "cases",
        "r",
        "r",
        "inequality",
        "",
        statement,
        lambda: st.integers(1, 9).map(lambda d: Instance.make(d=d)),
        lambda: SimpleNamespace(d=d1),
        derivation,
        lambda: [SimpleNamespace(d=D), SimpleNamespace(d=sp.Integer(1))],
    )


def test_a_size_with_its_own_steps_is_listed_after_with_its_premises_numbered_on():
    one = [
        Step(Rel(0, "<", E - 1), "e > 1", K.algebra()),
        Step(Rel(0, "<", E - 1 + 1), "plus 1", K.combine((0, 1))),
    ]
    out = check_derivation(_cases_claim(one), {})
    assert out["complete"] and out["scope"] == "all sizes"
    assert out["sizes_text"] == "every d ≥ 2; d = 1"
    assert [s["where"] for s in out["steps"]] == ["every d ≥ 2"] * 2 + ["d = 1"] * 2
    assert [s["premises"] for s in out["steps"]] == [[], [1], [], [3]]
    # the d = 1 case not proved: the claim is not proved for every d
    bad = check_derivation(_cases_claim([Step(Rel(0, "<", E - 3), "e > 3", K.algebra())]), {})
    assert not bad["complete"] and bad["scope"] == "fixed sizes"


def test_size_text_takes_the_namespaces_own_words_first():
    k = Size("k", 2)
    assert size_text(SimpleNamespace(d=k + 1)) == "every k ≥ 2"
    said = SimpleNamespace(n=k + 1, size_text="every k ≥ 2 (d = k + 1)")
    assert size_text(said) == "every k ≥ 2 (d = k + 1)"
    assert size_text(SimpleNamespace(d=sp.Integer(1))) == "d = 1"
    assert size_text(SimpleNamespace(n=sp.Integer(1), size_text="d = 1")) == "d = 1"


def test_log_tangent_accepts_ln_below_its_tangent_only():
    a = sp.Integer(100)
    ok = check(
        [
            Step(Rel(sp.log(D), "<=", sp.log(a) + (D - a) / a), "", K.log_tangent(a)),
            Step(Rel(sp.log(P), "<=", P - 1), "", K.log_tangent(1)),
        ]
    )
    assert all(o.checked for o in ok), [o.how for o in ok]
    bad = check(
        [
            Step(Rel(sp.log(D), "<=", sp.log(a) + (D - a) / (2 * a)), "", K.log_tangent(a)),
            Step(Rel(sp.log(P), "<", P - 1), "", K.log_tangent(1)),  # equality at p = 1
            Step(Rel(sp.log(X), "<=", X - 1), "", K.log_tangent(1)),  # x may be ≤ 0
            Step(Rel(sp.log(P), "<=", P - 1), "", K.log_tangent(-1)),  # a tangent at a < 0
            Step(Rel(sp.log(P), "<=", P), "", K.log_tangent(2)),  # not the tangent at 2
        ]
    )
    assert not any(o.checked for o in bad), [o.how for o in bad]


def test_sizes_lower_bounds_skip_monomials_of_known_sign():
    grow = sp.Rational(1, 2) * D + sp.log(D) ** 2 / D - 1  # ≥ 0 at d = 2, (ln d)²/d ≥ 0
    assert is_nonneg(grow) and not is_pos(grow - sp.log(D) ** 2 / D)
    assert not is_nonneg(sp.Rational(1, 2) * D - sp.log(D) ** 2 / D - 1)  # a negative one


@given(st.floats(1e-6, 1e6), st.floats(1e-3, 1e3))
def test_log_tangent_fact_numerically(t, a):
    with mpmath.workdps(30):
        t, a = mpmath.mpf(t), mpmath.mpf(a)
        assert mpmath.log(t) <= mpmath.log(a) + (t - a) / a + mpmath.mpf(10) ** -25


def test_runs_of_three_or_more_fixed_sizes_are_written_as_ranges():
    parts = ["every k ≥ 100 (d = k + 1)", *(f"d = {j}" for j in range(17, 102)), "m = 2", "m = 3"]
    assert compact_sizes(parts) == "every k ≥ 100 (d = k + 1); d = 17…101; m = 2; m = 3"
    assert compact_sizes(["d = 1", "d = 3", "d = 4", "d = 5"]) == "d = 1; d = 3…5"
    parts = [f"K = {k}, d = {d}" for k in (2, 3) for d in range(4, 7)]
    assert compact_sizes(parts) == "K = 2, d = 4…6; K = 3, d = 4…6"


def test_the_derivation_sizes_must_cover_the_claims_sizes():
    """A derivation for every d ≥ 2 does not prove a claim stated for d ≥ 1: without its
    d = 1 case the claim is not complete, and the record says which d are left out."""
    one = [
        Step(Rel(0, "<", E - 1), "e > 1", K.algebra()),
        Step(Rel(0, "<", E - 1 + 1), "plus 1", K.combine((0, 1))),
    ]
    claim = _cases_claim(one)
    assert uncovered(claim, claim.derivation_sizes()) == ""
    tail_only = dataclasses.replace(claim, derivation_sizes=lambda: [SimpleNamespace(d=D)])
    out = check_derivation(tail_only, {})
    assert not out["complete"] and out["scope"] == "fixed sizes"
    (gap,) = [s for s in out["steps"] if not s["checked"]]
    assert "leave d = 1 out" in gap["how"]
    # a size given as k + 1, k ≥ 2, starts at 3: d = 1, 2 are left out
    shifted = dataclasses.replace(
        claim, derivation_sizes=lambda: [SimpleNamespace(d=Size("k", 2) + 1)]
    )
    assert "d = 1, 2" in uncovered(shifted, shifted.derivation_sizes())
    # an attribute of another form (an expression in two sizes) is not judged
    two = dataclasses.replace(
        claim, derivation_sizes=lambda: [SimpleNamespace(d=Size("k", 2) + Size("j", 1))]
    )
    assert uncovered(two, two.derivation_sizes()) == ""
