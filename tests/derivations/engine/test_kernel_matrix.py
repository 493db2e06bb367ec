"""The rule kernel's spectral-norm rules (:mod:`derivations.engine.rules_matrix`):
``spectral_bound`` (Gershgorin for a symmetric matrix), ``spectral_congruence``
(‖XAXᵀ‖₂ ≤ ‖A‖₂‖XXᵀ‖₂), ``gram_trace`` (‖XXᵀ‖₂ ≤ its trace, summed in either order) and
``spectral_entries`` (equal entries, equal norms) — each accepts a correct step and refuses
wrong ones (a matrix that is not symmetric or not square, a product without the transpose,
a factor that is not the Gram matrix, a trace or row sum without its squares or absolute
values, entries equal over one index only); the mean value inequality and theorem
(``mean_value``, ``mean_value_matrix``), ``integral_norm``, and WLOG through a spectral norm
whose rows and columns permute together."""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from derivations.engine import Rel, Step
from derivations.engine import kernel as K
from derivations.engine.indexed_ops import INDEXED
from theory.indexed import MaxOver, Size
from theory.matrix_norm import SpectralNorm


def check(steps):
    """Outcomes of ``steps`` in order (as the checker runs them)."""
    return K.run_steps(None, {}, INDEXED, SimpleNamespace(), steps).outcomes


def last(steps):
    return check(steps)[-1]


def test_spectral_bound_needs_a_symmetric_square_matrix_and_its_row_sums():
    """‖A‖₂ ≤ maxᵢ Σⱼ |A[i, j]| for A[i, j] = aᵢaⱼ + δᵢⱼbᵢ (symmetric; δᵢⱼbᵢ = δᵢⱼbⱼ only
    by the case i = j); refused for A[i, j] = aᵢbⱼ (not symmetric), a non-square A, and a
    right side without the absolute values or with the sum over the wrong index."""
    m, n = Size("m"), Size("n")
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
    a, b = sp.IndexedBase("a", real=True), sp.IndexedBase("b", real=True)

    def bound(entry, rows=m, cols=m, body=None):
        A = SpectralNorm(sp.Lambda((i, j), entry), rows, cols)
        body = sp.Abs(entry) if body is None else body
        return Step(
            Rel(A, "<=", MaxOver(sp.Sum(body, (j, 1, cols)), i, 1, rows)), "", K.spectral_bound()
        )

    sym = a[i] * a[j] + sp.KroneckerDelta(i, j) * b[i]
    out = last([bound(sym)])
    assert out.checked and "Gershgorin" in out.how
    out = last([bound(a[i] * b[j])])
    assert not out.checked and "not symmetric" in out.how
    assert not last([bound(a[i] * a[j], cols=n)]).checked
    assert not last([bound(sym, body=sym)]).checked  # no |·|: a row sum may cancel
    swapped = sp.Abs(a[j] * b[i])  # Σⱼ |aⱼbᵢ| is a column sum of aᵢbⱼ
    assert not last([bound(a[i] * b[j], body=swapped)]).checked
    loose = Step(Rel(SpectralNorm(sp.Lambda((i, j), sym), m, m), "<=", 0), "", K.spectral_bound())
    assert not last([loose]).checked


def _xmat():
    """X (d × N, X[r, c] = x[c, r]), a symmetric N × N matrix A and the Gram matrix XXᵀ."""
    d, N = Size("d"), Size("N")
    r, c = sp.Symbol("r", integer=True), sp.Symbol("c", integer=True)
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
    x, a = sp.IndexedBase("x", real=True), sp.IndexedBase("a", real=True)
    X = (sp.Lambda((r, c), x[c, r]), d, N)
    A = SpectralNorm(sp.Lambda((i, j), a[i] * a[j]), N, N)
    G = SpectralNorm(sp.Lambda((r, c), sp.Sum(x[i, r] * x[i, c], (i, 1, N))), d, d)
    XAX = sp.Sum(x[i, r] * a[i] * a[j] * x[j, c], (i, 1, N), (j, 1, N))
    return d, N, (r, c, i), x, X, A, G, XAX


def test_spectral_congruence_and_gram_trace():
    """‖XAXᵀ‖₂ ≤ ‖A‖₂‖XXᵀ‖₂ and ‖XXᵀ‖₂ ≤ Σ_k Σᵢ x[i, k]²; refused for XAX (no transpose),
    a factor that is not the Gram matrix, a right side over one factor only, and a trace that
    misses a square."""
    d, N, (r, c, i), x, X, A, G, XAX = _xmat()
    B = SpectralNorm(sp.Lambda((r, c), XAX), d, d)
    out = last([Step(Rel(B, "<=", A * G), "", K.spectral_congruence(X))])
    assert out.checked, out.how
    j = sp.Symbol("j", integer=True)
    a = sp.IndexedBase("a", real=True)
    no_t = sp.Sum(x[i, r] * a[i] * a[j] * x[c, j], (i, 1, N), (j, 1, N))  # X A X, not Xᵀ
    bad = SpectralNorm(sp.Lambda((r, c), no_t), d, d)
    assert not last([Step(Rel(bad, "<=", A * G), "", K.spectral_congruence(X))]).checked
    assert not last([Step(Rel(B, "<=", A * A), "", K.spectral_congruence(X))]).checked
    assert not last([Step(Rel(B, "<=", G), "", K.spectral_congruence(X))]).checked
    k = sp.Symbol("k", integer=True)
    trace = sp.Sum(x[i, k] ** 2, (k, 1, d), (i, 1, N))
    out = last([Step(Rel(G, "<=", trace), "", K.gram_trace(X))])
    assert out.checked, out.how
    assert not last([Step(Rel(G, "<=", trace / 2), "", K.gram_trace(X))]).checked
    assert not last([Step(Rel(A, "<=", trace), "", K.gram_trace(X))]).checked


def test_spectral_entries_needs_equal_entries_for_every_pair():
    """‖[(aᵢ + aⱼ)²]‖₂ = ‖[aᵢ² + 2aᵢaⱼ + aⱼ²]‖₂ from the entry identity over (i, j); refused
    from an identity over one index only, from a false entry relation, and for a right side
    of another shape."""
    m, n = Size("m"), Size("n")
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
    a = sp.IndexedBase("a", real=True)
    lhs, rhs = (a[i] + a[j]) ** 2, a[i] ** 2 + 2 * a[i] * a[j] + a[j] ** 2
    A = SpectralNorm(sp.Lambda((i, j), lhs), m, m)
    B = SpectralNorm(sp.Lambda((i, j), rhs), m, m)
    pair = ((i, 1, m), (j, 1, m))
    entries = Step(Rel(lhs, "==", rhs, over=pair), "", K.algebra())
    out = check([entries, Step(Rel(A, "==", B), "", K.spectral_entries(0))])
    assert all(o.checked for o in out), [o.how for o in out]
    single = Step(Rel(lhs, "==", rhs, over=(i, 1, m)), "", K.algebra())
    assert not check([single, Step(Rel(A, "==", B), "", K.spectral_entries(0))])[1].checked
    C = SpectralNorm(sp.Lambda((i, j), 2 * rhs), m, m)
    assert not check([entries, Step(Rel(A, "==", C), "", K.spectral_entries(0))])[1].checked
    wide = SpectralNorm(sp.Lambda((i, j), rhs), m, n)
    assert not check([entries, Step(Rel(A, "==", wide), "", K.spectral_entries(0))])[1].checked


def test_gram_trace_reads_the_trace_in_either_order():
    d, N, (r, c, i), x, X, A, G, XAX = _xmat()
    k = sp.Symbol("k", integer=True)
    for order in (((k, 1, d), (i, 1, N)), ((i, 1, N), (k, 1, d))):
        out = last([Step(Rel(G, "<=", sp.Sum(x[i, k] ** 2, *order)), "", K.gram_trace(X))])
        assert out.checked, out.how


def test_mean_value_inequality():
    """The rule itself (its premises taken as given: the kernel runs it only on checked
    premises, which Lemma A25's derivation supplies end to end): ‖F(a) − F(b)‖ ≤ L‖a − b‖
    from ∂F_r/∂u_c = G(r, c) and ‖G on the segment‖₂ ≤ L for t ∈ [0, 1]; refused for a bound
    at another point than the segment's, over t ∈ [0, 2], a step with a smaller constant,
    the points swapped, and a map that is not smooth."""
    from derivations.engine.indexed_ops import INDEXED
    from derivations.engine.rules import NotLicensed
    from derivations.engine.rules_matrix import mean_value
    from theory.indexed import Vec, index

    m = Size("m")
    u, a, b = Vec.symbol("u", m), Vec.symbol("a", m), Vec.symbol("b", m)
    r, c, k = index("r"), index("c"), index("k")
    t, L = sp.Symbol("t", real=True), sp.Rational(1, 2)
    p = lambda z, i: INDEXED.softmax(z, i)  # noqa: E731
    rc = ((r, 1, m), (c, 1, m))
    jac = Rel(
        sp.Derivative(p(u, r), u.base()[c]),
        "==",
        sp.KroneckerDelta(r, c) * p(u, r) - p(u, r) * p(u, c),
        over=rc,
    )
    seg = Vec(b.body + t * (a.body - b.body), b.var, m)
    on_seg = sp.KroneckerDelta(r, c) * p(seg, r) - p(seg, r) * p(seg, c)

    def bound(entry, hi=1):
        return Rel(SpectralNorm(sp.Lambda((r, c), entry), m, m), "<=", L, over=(t, 0, hi))

    diff = sp.sqrt(sp.Sum((p(a, k) - p(b, k)) ** 2, (k, 1, m)))
    dist = sp.sqrt(sp.Sum((a[k] - b[k]) ** 2, (k, 1, m)))

    def licensed(first, second, rel, x=a, y=b):
        try:
            return bool(mean_value.fn(None, rel, [first, second], x, y, t))
        except NotLicensed:
            return False

    good = Rel(diff, "<=", L * dist)
    assert licensed(jac, bound(on_seg), good)
    assert not licensed(jac, bound(on_seg.xreplace({t: 1})), good)  # at a only
    assert not licensed(jac, bound(on_seg, hi=2), good)
    assert not licensed(jac, bound(on_seg), Rel(diff, "<=", L / 2 * dist))
    assert not licensed(jac, bound(on_seg), good, x=b, y=a)  # the segment from a to b
    moving = Vec(a.body + t, a.var, m)  # a point that moves with t
    assert not licensed(jac, bound(on_seg), good, x=moving)
    rough = Rel(sp.Derivative(sp.Abs(u[r]), u.base()[c]), "==", 0, over=rc)
    assert not licensed(rough, bound(sp.KroneckerDelta(r, c) * 0), good)


def test_mean_value_theorem_through_the_mean_jacobian():
    """‖F(a) − F(b)‖ ≤ ‖∫₀¹ DF(b + t(a − b)) dt‖₂‖a − b‖ from the Jacobian; refused for the
    Jacobian at b instead of its mean over the segment, an integral over [0, 2], and a
    factor other than ‖a − b‖."""
    from derivations.engine.indexed_ops import INDEXED
    from derivations.engine.rules import NotLicensed
    from derivations.engine.rules_matrix import mean_value_matrix
    from theory.indexed import Vec, index

    m = Size("m")
    u, a, b = Vec.symbol("u", m), Vec.symbol("a", m), Vec.symbol("b", m)
    r, c, k = index("r"), index("c"), index("k")
    t = sp.Symbol("t", real=True)
    p = lambda z, i: INDEXED.softmax(z, i)  # noqa: E731
    G = lambda z: sp.KroneckerDelta(r, c) * p(z, r) - p(z, r) * p(z, c)  # noqa: E731
    jac = Rel(sp.Derivative(p(u, r), u.base()[c]), "==", G(u), over=((r, 1, m), (c, 1, m)))
    seg = Vec(b.body + t * (a.body - b.body), b.var, m)
    diff = sp.sqrt(sp.Sum((p(a, k) - p(b, k)) ** 2, (k, 1, m)))
    dist = sp.sqrt(sp.Sum((a[k] - b[k]) ** 2, (k, 1, m)))

    def norm(entry):
        return SpectralNorm(sp.Lambda((r, c), entry), m, m)

    def licensed(rhs):
        try:
            return bool(mean_value_matrix.fn(None, Rel(diff, "<=", rhs), [jac], a, b, t))
        except NotLicensed:
            return False

    assert licensed(norm(sp.Integral(G(seg), (t, 0, 1))) * dist)
    assert not licensed(norm(G(b)) * dist)
    assert not licensed(norm(sp.Integral(G(seg), (t, 0, 2))) * dist)
    assert not licensed(norm(sp.Integral(G(seg), (t, 0, 1))) * dist / 2)


def test_integral_norm():
    """‖∫₀¹ A(t) dt‖₂ ≤ L from ‖A(t)‖₂ ≤ L for every t of [0, 1]; refused when the bound
    holds on [0, ½] only, depends on t, or the integral is over [0, 2]."""
    from derivations.engine.rules import NotLicensed
    from derivations.engine.rules_matrix import integral_norm
    from theory.indexed import index

    m = Size("m")
    r, c = index("r"), index("c")
    t = sp.Symbol("t", real=True)
    a = sp.IndexedBase("a", real=True)
    A = sp.KroneckerDelta(r, c) * sp.exp(t * a[r])

    def norm(entry):
        return SpectralNorm(sp.Lambda((r, c), entry), m, m)

    def licensed(step_rhs, bound_rhs, hi=1, upper=1):
        prem = Rel(norm(A), "<=", bound_rhs, over=(t, 0, hi))
        rel = Rel(norm(sp.Integral(A, (t, 0, upper))), "<=", step_rhs)
        try:
            return bool(integral_norm.fn(None, rel, [prem]))
        except NotLicensed:
            return False

    L = sp.Symbol("L", positive=True)
    assert licensed(L, L)
    assert not licensed(L, L, hi=sp.Rational(1, 2))
    assert not licensed(L * t, L * t)
    assert not licensed(L, L, upper=2)
    assert not licensed(L / 2, L)


def test_wlog_reads_a_spectral_norm_of_a_simultaneously_permuted_matrix():
    """‖A‖₂ with A[r, c] = g(z_r, z_c, δ_rc) is invariant when z is permuted (A ↦ PAPᵀ):
    WLOG accepted; refused for an entry that names a row otherwise (r·z_c), a fixed entry
    z₁, or a matrix that is not m × m."""
    from derivations.engine import Claim
    from theory.indexed import Vec, index

    m = Size("m")
    z = Vec.symbol("z", m)
    ns = lambda: SimpleNamespace(z=z)  # noqa: E731
    r, c, zb = index("r"), index("c"), z.base()

    def norm_of(entry, cols=m):
        return lambda ops, v: [Rel(SpectralNorm(sp.Lambda((r, c), entry), m, cols), "<=", 1)]

    step = Step(Rel(MaxOver(z.body, z.var, 1, m), "==", z[sp.Integer(1)]), "", K.wlog("z"))
    cases = (
        (norm_of(sp.KroneckerDelta(r, c) * sp.exp(zb[r]) - zb[r] * zb[c]), True),
        (norm_of(r * zb[c]), False),
        (norm_of(zb[sp.Integer(1)] * zb[c]), False),
        (norm_of(zb[r] * zb[c], cols=m + 1), False),
    )
    for st, want in cases:
        cl = Claim("w", "r", "r", "inequality", "", st, lambda: None, ns)
        out = K.run_steps(cl, {}, INDEXED, ns(), [step]).outcomes[-1]
        assert out.checked is want, st(INDEXED, ns())
