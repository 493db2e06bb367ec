"""The rule kernel's calculus rules on real intervals: ``in_range`` (t ∈ [0, r]),
``integral_bound`` (integrals are monotone) and ``integrate`` (the fundamental theorem of
calculus) — each accepts a correct step and refuses wrong ones (a reversed bound, a
coefficient that may be negative, a wrong antiderivative, a function not continuous on the
interval); the case split ``delta_cases``, ``antisymmetry`` and ``combine`` with a
coefficient whose sign an earlier step proves, likewise. (The spectral-norm rules:
:mod:`tests.derivations.engine.test_kernel_matrix`.)

(The rest of the kernel's accept/reject tests: :mod:`tests.derivations.engine.test_kernel`.)
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from theory.indexed import Size

T = sp.Dummy("t", real=True)
EXP = sp.Lambda(T, sp.exp(T))


def check(steps):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(None, {}, INDEXED, SimpleNamespace(), steps).outcomes


def last(steps):
    return check(steps)[-1]


def test_calculus_rules():
    n, r = Size("n"), sp.Symbol("r", positive=True)
    t = sp.Symbol("t", nonnegative=True)
    rng = (t, 0, r)
    f = t ** (n - 1)
    inr = [Step(Rel(t, "<=", r, over=rng), "", K.in_range())]
    assert check(inr)[0].checked
    assert not last([Step(Rel(t, "<=", r + 1, over=rng), "", K.in_range())]).checked
    # ∫ monotone: from e^{−t} ≤ 1 on [0, r]
    base = [
        Step(Rel(0, "<=", t, over=rng), "", K.in_range()),
        Step(Rel(f * sp.exp(-t), "<=", f, over=rng), "", K.algebra()),  # not a sign fact
    ]
    assert not check(base)[1].checked
    prem = [
        Step(Rel(0, "<=", t, over=rng), "", K.in_range()),
        Step(Rel(-t, "<=", 0, over=rng), "", K.combine((0, 1))),
        Step(Rel(sp.exp(-t), "<=", 1, over=rng), "", K.monotone(1, EXP)),
        Step(Rel(f * sp.exp(-t), "<=", f, over=rng), "", K.combine((2, f))),  # f ≥ 0
    ]
    ok = Step(
        Rel(sp.Integral(f * sp.exp(-t), (t, 0, r)), "<=", sp.Integral(f, (t, 0, r))),
        "",
        K.integral_bound(3),
    )
    assert all(o.checked for o in check(prem + [ok]))
    bad = Step(
        Rel(sp.Integral(f, (t, 0, r)), "<=", sp.Integral(f * sp.exp(-t), (t, 0, r))),
        "",
        K.integral_bound(3),
    )
    assert not check(prem + [bad])[4].checked
    # a coefficient that may be negative is refused
    neg = Step(Rel(-f * sp.exp(-t), "<=", -f, over=rng), "", K.combine((2, -f)))
    assert not check(prem[:3] + [neg])[3].checked
    # the fundamental theorem of calculus
    assert last([Step(Rel(sp.Integral(f, (t, 0, r)), "==", r**n / n), "", K.integrate())]).checked
    gam = Step(
        Rel(sp.Integral(f * sp.exp(-t), (t, 0, r)), "==", sp.lowergamma(n, r)), "", K.integrate()
    )
    assert last([gam]).checked
    bad = Step(Rel(sp.Integral(f, (t, 0, r)), "==", r**n / n + 1), "", K.integrate())
    assert "not 0 at" in last([bad]).how
    bad = Step(Rel(sp.Integral(f, (t, 0, r)), "==", r**n), "", K.integrate())
    assert not last([bad]).checked
    s = sp.Symbol("s", real=True)  # 1/s² is not continuous on [−1, r]: refused
    bad = Step(Rel(sp.Integral(1 / s**2, (s, -1, r)), "==", -1 / r - 1), "", K.integrate())
    assert "continuous" in last([bad]).how


def test_delta_cases_joins_the_cases_i_eq_j_and_delta_zero():
    """|2δᵢⱼ − 1|a = a (not an identity of the normal form) for every i, j from its cases
    a = a at i = j and at δ = 0; refused when the diagonal case or the δ = 0 case is not the
    step's, or when the step does not depend on i = j through δ."""
    m = Size("m")
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
    a = sp.Symbol("a", positive=True)
    d = sp.KroneckerDelta(i, j)
    one, pair = (i, 1, m), ((i, 1, m), (j, 1, m))
    diag = Step(Rel(a, "==", a, over=one), "", K.algebra())
    apart = Step(Rel(a, "==", a, over=pair), "", K.algebra())
    idem = Rel(sp.Abs(2 * d - 1) * a, "==", a, over=pair)
    assert not check([Step(idem, "", K.algebra())])[0].checked  # not by the normal form
    outs = check([diag, apart, Step(idem, "", K.delta_cases(0, 1))])
    assert all(o.checked for o in outs), [o.how for o in outs]
    assert "δ = 1" in outs[2].how
    off = Rel(sp.Abs(2 * d - 1) * a, "==", d * a, over=pair)  # false at i ≠ j: a = 0
    outs = check([diag, apart, Step(off, "", K.delta_cases(0, 1))])
    assert not outs[2].checked and "δ = 0" in outs[2].how
    on = Rel(sp.Abs(2 * d - 1) * a, "==", (1 - d) * a, over=pair)  # false at i = j: a = 0
    outs = check([diag, apart, Step(on, "", K.delta_cases(0, 1))])
    assert not outs[2].checked and "first premise" in outs[2].how
    free = Rel(a, "==", a, over=pair)  # no δ: nothing to split
    outs = check([diag, apart, Step(free, "", K.delta_cases(0, 1))])
    assert not outs[2].checked and "through δ" in outs[2].how
    single = Rel(d * a, "==", d * a, over=one)  # one range: no pair (i, j)
    assert not check([diag, apart, Step(single, "", K.delta_cases(0, 1))])[2].checked


def test_combine_takes_a_coefficient_whose_sign_an_earlier_step_proves():
    """From 0 ≤ t², c·0 ≤ c·t² needs c ≥ 0: for c = Σ_k e^{u_k} − e^{u_1} the sign rules
    cannot show it, so it is refused, and accepted after checked steps proving 0 ≤ c."""
    m = Size("m")
    u, k = sp.IndexedBase("u", real=True), sp.Symbol("k", integer=True)
    i, t = sp.Symbol("i", integer=True), sp.Symbol("t", real=True)
    S = sp.Sum(sp.exp(u[k]), (k, 1, m))
    c = S - sp.exp(u[1])
    square = Step(Rel(0, "<=", t**2), "", K.algebra())
    scaled = Step(Rel(0, "<=", c * t**2), "", K.combine((0, c)))
    out = check([square, scaled])
    assert out[0].checked and not out[1].checked and "not provably ≥ 0" in out[1].how
    sign = [
        Step(
            Rel(sp.exp(u[i]), "<=", sp.Sum(sp.exp(u[k]), (k, 1, m)), over=(i, 1, m)),
            "",
            K.sum_bound(),
        ),
        Step(Rel(sp.exp(u[1]), "<=", S), "", K.instance(0, at=sp.Integer(1))),
        Step(Rel(0, "<=", c), "", K.combine((1, 1))),
        Step(square.rel, "", K.algebra()),
        Step(Rel(0, "<=", c * t**2), "", K.combine((3, c))),
    ]
    out = check(sign)
    assert all(o.checked for o in out), [o.how for o in out]


def test_antisymmetry_needs_both_inequalities():
    """a = b from a ≤ b and b ≤ a, over a range too; refused from a ≤ b twice."""
    m = Size("m")
    i = sp.Symbol("i", integer=True)
    x = sp.IndexedBase("x", real=True)
    every = (i, 1, m)
    up = Step(Rel(x[i] ** 2, "<=", sp.Abs(x[i]) ** 2, over=every), "", K.algebra())
    down = Step(Rel(sp.Abs(x[i]) ** 2, "<=", x[i] ** 2, over=every), "", K.algebra())
    both = Step(Rel(x[i] ** 2, "==", sp.Abs(x[i]) ** 2, over=every), "", K.antisymmetry(0, 1))
    out = check([up, down, both])
    assert all(o.checked for o in out), [o.how for o in out]
    wider = Step(Rel(x[i] ** 2, "<=", x[i] ** 2 + sp.Abs(x[i]), over=every), "", K.algebra())
    wrong = Rel(x[i] ** 2, "==", x[i] ** 2 + sp.Abs(x[i]), over=every)
    out = check([wider, wider, Step(wrong, "", K.antisymmetry(0, 1))])
    assert out[0].checked and not out[2].checked and "not a ≤ b and b ≤ a" in out[2].how
