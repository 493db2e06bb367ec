"""Sign facts inside the rule kernel beyond the structural sign rules: a quantity an earlier
checked step proves > 0 is a positive atom (:func:`derivations.engine.facts._signs_with_steps`),
and the normal form writes |t| = t for t the sign rules prove ≥ 0 — each accepted where it
holds and refused where it does not. (The rules' own accept/reject tests:
:mod:`tests.derivations.engine.test_kernel`.)"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from theory.indexed import MaxOver, Size, Vec

M = Size("m")
Z = Vec.symbol("z", M)
I = Z.var  # noqa: E741
TOP = MaxOver(Z.body, I, 1, M)
SZ = sp.Sum(sp.exp(Z.body), (I, 1, M))


def check(steps, claim=None):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(claim, {}, INDEXED, SimpleNamespace(z=Z), steps).outcomes


def test_a_quantity_an_earlier_step_proves_positive_is_a_positive_atom(assuming):
    """m = max_i |z_i| is not positive to the structural sign rules, so e^{−1/m} is not even
    real to them: |e^{−1/m} − 1| ≥ e^{−1/m} − 1, e^{−1/m} > 0 and a strict combination
    with coefficient m are refused — and accepted once a checked step (here a hypothesis)
    proves 0 < m. A step proving only 0 ≤ m does not make 1/m real, and nothing is read
    as positive from a step that was not checked."""
    m = MaxOver(sp.Abs(Z.body), I, 1, M)
    e = sp.exp(-1 / m)
    t = sp.Symbol("t", real=True)
    steps = lambda first: [  # noqa: E731
        first,
        Step(Rel(e - 1, "<=", sp.Abs(e - 1)), "", K.algebra()),
        Step(Rel(0, "<", e), "", K.algebra()),
        Step(Rel(0, "<", 1 + t**2), "", K.algebra()),
        Step(Rel(0, "<", m * (1 + t**2)), "", K.combine((3, m))),
        Step(Rel(1 + t**2, "<=", 1 + t**2 + e), "", K.combine()),  # leaves e ≥ 0
    ]

    def claim(h):
        return assuming(lambda o, v: [h])

    pos = Rel(0, "<", m)
    out = check(steps(Step(pos, "h", K.assumption())), claim=claim(pos))
    assert all(o.checked for o in out), [o.how for o in out]
    assert "positive atoms" in out[1].how
    # without the hypothesis step (an unchecked one in its place): all refused
    out = check(steps(Step(pos, "h", K.assumption())), claim=claim(Rel(0, "<", m + 1)))
    assert not out[0].checked and not any(o.checked for o in out[1:3])
    assert not out[4].checked and not out[5].checked
    # 0 ≤ m is not enough: 1/m may be undefined
    weak = Rel(0, "<=", m)
    out = check(steps(Step(weak, "h", K.assumption())), claim=claim(weak))
    assert out[0].checked and not any(out[k].checked for k in (1, 2, 4, 5))


def test_the_absolute_value_of_what_the_sign_rules_prove_nonnegative_is_itself():
    """|max_i ‖·‖| = max_i ‖·‖ in normal form (a maximum of square roots is ≥ 0 by the sign
    rules, though its expanded normal form no longer shows it); |max_i z_i| stays."""
    from derivations.engine.normal import same

    k, x = sp.Symbol("k", integer=True), sp.IndexedBase("x", real=True)
    norms = MaxOver(sp.sqrt(sp.Sum((x[I, k] - Z[k]) ** 2, (k, 1, M))), I, 1, M)
    assert same(sp.Abs(norms, evaluate=False), norms)
    assert same(sp.Abs(-norms, evaluate=False), norms)
    assert not same(sp.Abs(TOP, evaluate=False), TOP)
    beta = sp.Symbol("beta", positive=True)
    assert same(sp.sqrt((beta * norms * sp.sqrt(SZ)) ** 2), beta * norms * sp.sqrt(SZ))
