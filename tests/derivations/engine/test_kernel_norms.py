"""The rule kernel's facts about norms and roots: Minkowski's inequality for a weighted sum
of vectors, √ of a nonnegative sum is real (so |√a − √b| ≥ √a − √b), and equal numbers have
equal values under any map real on the domain (``monotone`` on an equality) — each accepts a
correct step and refuses wrong ones.

(The rest of the kernel's accept/reject tests: :mod:`tests.derivations.engine.test_kernel`.)
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from theory.indexed import MaxOver, Size, Vec, index

M = Size("m")
V = SimpleNamespace(z=Vec.symbol("z", M), y=Vec.symbol("y", M))
Z, I = V.z, V.z.var
EVERY = (I, 1, M)
TOP = MaxOver(Z.body, I, 1, M)
T = sp.Dummy("t", real=True)


def check(steps):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(None, {}, INDEXED, V, steps).outcomes


def last(steps):
    return check(steps)[-1]


def test_square_roots_of_nonnegative_sums_are_real():
    """√t for t ≥ 0 is real (the sign rules): |√a − √b| ≥ √a − √b for sums of squares a, b,
    so max{√a, √b} written (√a + √b + |√a − √b|)/2 is ≥ √a; not for a base of either sign."""
    zz, yy = Z.body, V.y.body
    a, b = sp.sqrt(sp.Sum(zz**2, (I, 1, M))), sp.sqrt(sp.Sum((zz - yy) ** 2, (I, 1, M)))
    ok = Step(Rel(a, "<=", (a + b + sp.Abs(a - b)) / 2), "", K.algebra())
    assert last([ok]).checked
    worse = Step(Rel(a, "<=", (a + b - sp.Abs(a - b)) / 2), "", K.algebra())  # the minimum
    assert not last([worse]).checked
    c = sp.sqrt(sp.Sum(zz, (I, 1, M)))  # √ of a sum of either sign: not known real
    assert not last([Step(Rel(c, "<=", (c + a + sp.Abs(c - a)) / 2), "", K.algebra())]).checked


def test_minkowski():
    """‖Σᵢ wᵢaᵢ‖ ≤ Σᵢ wᵢ‖aᵢ‖ for wᵢ > 0 (aᵢ ∈ ℝᵈ, d symbolic): licensed with the softmax as
    weights; refused with a weight of unknown sign, a wrong right side, a squared left side
    or a possibly reversed range. With |wᵢ| on the right: licensed for real weights of either
    sign, refused for weights not known real and for a smaller right side."""
    d, k = Size("d"), index("k")
    x = sp.IndexedBase("x", real=True)
    p = INDEXED.softmax(Z, I)
    a = x[I, k] - V.y[k]

    def norm_of_sum(w, hi=M):
        return sp.sqrt(sp.Sum(sp.Sum(w * a, (I, 1, hi)) ** 2, (k, 1, d)))

    def sum_of_norms(w, hi=M):
        return sp.Sum(w * sp.sqrt(sp.Sum(a**2, (k, 1, d))), (I, 1, hi))

    ok = Step(Rel(norm_of_sum(p), "<=", sum_of_norms(p)), "", K.minkowski(p))
    assert last([ok]).checked
    signed = Step(Rel(norm_of_sum(Z.body), "<=", sum_of_norms(Z.body)), "", K.minkowski(Z.body))
    assert not last([signed]).checked  # zᵢ may be negative
    absolute = Rel(norm_of_sum(Z.body), "<=", sum_of_norms(sp.Abs(Z.body)))
    assert last([Step(absolute, "", K.minkowski(Z.body))]).checked  # |zᵢ|: any real zᵢ
    u = sp.IndexedBase("u")  # of unknown sign and not known real
    unreal = Rel(norm_of_sum(u[I]), "<=", sum_of_norms(sp.Abs(u[I])))
    assert not last([Step(unreal, "", K.minkowski(u[I]))]).checked
    small = Rel(norm_of_sum(Z.body), "<=", sum_of_norms(sp.Abs(Z.body)) / 2)
    assert not last([Step(small, "", K.minkowski(Z.body))]).checked
    half = Step(Rel(norm_of_sum(p), "<=", sum_of_norms(p) / 2), "", K.minkowski(p))
    assert not last([half]).checked
    squared = Step(Rel(norm_of_sum(p) ** 2, "<=", sum_of_norms(p)), "", K.minkowski(p))
    assert not last([squared]).checked
    n = sp.Symbol("n", integer=True)  # 1 … n may be a reversed range (n < 0)
    rev = Step(Rel(norm_of_sum(p, n), "<=", sum_of_norms(p, n)), "", K.minkowski(p))
    assert not last([rev]).checked


def test_equal_numbers_have_equal_values_under_any_real_map():
    """From a = b, f(a) = f(b) for any f real on the domain (t², not increasing); refused
    for a map not real everywhere there (1/t, ln t on the real numbers) and for t² on an
    inequality."""
    total = sp.Sum(INDEXED.softmax(Z, I), (I, 1, M))
    base = [Step(Rel(total, "==", 1), "", K.algebra(unfold=("softmax",)))]
    square = sp.Lambda(T, T**2)
    ok = Step(Rel(total**2, "==", 1), "", K.monotone(0, square))
    assert check(base + [ok])[1].checked
    wrong = Step(Rel(total**2, "==", 2), "", K.monotone(0, square))
    assert not check(base + [wrong])[1].checked
    for f in (sp.Lambda(T, 1 / T), sp.Lambda(T, sp.log(T))):  # not real at t = 0, t < 0
        step = Step(Rel(f(total), "==", f(sp.Integer(1))), "", K.monotone(0, f))
        assert not check(base + [step])[1].checked, f
    le = [Step(Rel(Z.body, "<=", TOP, over=EVERY), "", K.term_bound())]
    sq_le = Step(Rel(Z.body**2, "<=", TOP**2, over=EVERY), "", K.monotone(0, square))
    assert not check(le + [sq_le])[1].checked  # t² is not increasing


# ------------------------------------------------------------------- Baillon–Haddad

U, W = Vec.symbol("u", M), Vec.symbol("w", M)
K_ = index("k")


def _sk(e):
    return sp.Sum(e, (K_, 1, M))


def _bh_premises(F, G, L):
    """Steps 1, 2: the tangent-plane inequality of F with slopes G, and ‖G(u) − G(w)‖ ≤
    L‖u − w‖ (checked for F = ½‖·‖², G = id, L = 1: step 0 is ‖w − u‖² ≥ 0)."""
    f = lambda X: F.xreplace({U.base(): X.base()})  # noqa: E731
    g = lambda X, k: G(k).xreplace({U.base(): X.base()})  # noqa: E731
    tangent = Rel(f(W), ">=", f(U) + _sk(g(U, K_) * (W[K_] - U[K_])))
    lip = Rel(
        sp.sqrt(_sk((g(U, K_) - g(W, K_)) ** 2)), "<=", L * sp.sqrt(_sk((U[K_] - W[K_]) ** 2))
    )
    square = Rel(0, "<=", _sk((W[K_] - U[K_]) ** 2))
    return [
        Step(square, "", K.algebra()),
        Step(tangent, "", K.combine((0, sp.Rational(1, 2)))),
        Step(lip, "", K.algebra()),
    ]


def test_baillon_haddad_gives_cocoercivity_from_convexity_and_lipschitz():
    """F = ½‖u‖² (tangent planes: ½‖w‖² − ½‖u‖² − uᵀ(w − u) = ½‖w − u‖² ≥ 0), G = id with
    L = 1: (a − b)ᵀ(a − b) ≥ ‖a − b‖² at the vector variables z, y; refused with 2‖·‖² (a
    wrong 1/L), with slopes 2u that are not F's tangent planes, and with an F that is not
    smooth."""
    F = _sk(U[K_] ** 2) / 2
    G = sp.Lambda(I, U[I])
    a, b = V.z, V.y
    d = a[K_] - b[K_]
    prem = _bh_premises(F, G, 1)
    assert all(o.checked for o in check(prem))
    ok = Step(Rel(_sk(d * d), ">=", _sk(d**2)), "", K.baillon_haddad(1, 2, F, G, U, W, a, b))
    assert last([*prem, ok]).checked
    wrong = Step(Rel(_sk(d * d), ">=", 2 * _sk(d**2)), "", K.baillon_haddad(1, 2, F, G, U, W, a, b))
    assert not last([*prem, wrong]).checked
    two = sp.Lambda(I, 2 * U[I])  # not F's slopes: the tangent premise does not match
    out = last([*prem, Step(ok.rel, "", K.baillon_haddad(1, 2, F, two, U, W, a, b))])
    assert not out.checked and "first premise" in out.how, out.how
    rough = _sk(sp.Abs(U[K_]))
    out = last([*prem, Step(ok.rel, "", K.baillon_haddad(1, 2, rough, G, U, W, a, b))])
    assert not out.checked and "continuously differentiable" in out.how, out.how


def test_baillon_haddad_needs_premises_for_every_u_and_w(assuming):
    """Premises at vectors the claim's hypotheses constrain hold only there: refused."""
    F = _sk(U[K_] ** 2) / 2
    G = sp.Lambda(I, U[I])
    claim = assuming(lambda o, v: [Rel(_sk(U[K_] ** 2), "<=", 1)])
    prem = _bh_premises(F, G, 1)
    d = V.z[K_] - V.y[K_]
    step = Step(Rel(_sk(d * d), ">=", _sk(d**2)), "", K.baillon_haddad(1, 2, F, G, U, W, V.z, V.y))
    out = K.run_steps(claim, {}, INDEXED, V, [*prem, step]).outcomes[-1]
    assert not out.checked and "hypotheses mention" in out.how, out.how
