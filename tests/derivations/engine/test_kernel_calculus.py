"""The rule kernel's calculus rules on real intervals: ``in_range`` (t ∈ [0, r]),
``integral_bound`` (integrals are monotone) and ``integrate`` (the fundamental theorem of
calculus) — each accepts a correct step and refuses wrong ones (a reversed bound, a
coefficient that may be negative, a wrong antiderivative, a function not continuous on the
interval).

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
