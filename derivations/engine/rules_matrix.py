"""The rule kernel's facts about spectral norms (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): Gershgorin's bound for a symmetric
matrix, submultiplicativity for a congruence XAXᵀ, and a Gram matrix's norm against its
trace, the mean value inequality through a bound on the Jacobian's norm, and the norm of an
integral of matrices.

Notation: ‖A‖₂ the spectral norm (largest singular value) of a matrix given by its entries,
:class:`theory.matrix_norm.SpectralNorm`; a matrix argument of a rule is a triple
(Lambda((r, c), X[r, c]), rows, cols); X is d × N, A is N × N, XXᵀ its d × d Gram matrix
(entries Σᵢ X[k, i]X[l, i]); ‖X‖₂² = ‖XXᵀ‖₂.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.model import Rel
from derivations.engine.normal import is_pos, same, unfold
from derivations.engine.rules import NotLicensed, _rule, _show, implies
from theory.indexed import MaxOver
from theory.matrix_norm import SpectralNorm, entry_at

__all__ = [
    "spectral_bound",
    "spectral_congruence",
    "gram_trace",
    "spectral_entries",
    "mean_value",
    "mean_value_matrix",
    "integral_norm",
]


def _idx(name: str) -> sp.Dummy:
    return sp.Dummy(name, integer=True)


def _matrix(X):
    """(entry(r, c), rows, cols) of a rule's matrix argument, or refused."""
    if not (isinstance(X, tuple) and len(X) == 3 and isinstance(X[0], sp.Lambda)):
        raise NotLicensed("a matrix argument is (Lambda((r, c), X[r, c]), rows, cols)")
    lam, rows, cols = X
    if len(lam.variables) != 2:
        raise NotLicensed("a matrix's entry is a Lambda of two indices")
    return (lambda a, b: entry_at(lam, a, b)), sp.sympify(rows), sp.sympify(cols)


def _gram(G: SpectralNorm, X, rows, cols) -> bool:
    """Whether G's entries are Σᵢ X[k, i]X[l, i] (G = XXᵀ, rows × rows)."""
    k, l, i = _idx("k"), _idx("l"), _idx("i")
    g_rows, g_cols = G.shape
    want = sp.Sum(X(k, i) * X(l, i), (i, 1, cols))
    return same(g_rows, rows) and same(g_cols, rows) and same(G.at(k, l), want, "*")


@_rule
def spectral_bound(ctx, rel, prem):
    """The spectral norm of a real symmetric matrix is at most its largest absolute row sum:
    ‖A‖₂ = maxₖ |λₖ| ≤ maxᵢ Σⱼ |A[i, j]| (Gershgorin: every eigenvalue lies in a disc
    centred at A[i, i] of radius Σ_{j≠i} |A[i, j]|), for A square (m × m) with A[i, j] =
    A[j, i] for symbolic i ≠ j (Kronecker's δᵢⱼ = 0 there) by the normal form (named
    quantities unfolded)."""
    n = rel.normal()
    if n.op != "<=" or n.ranges or not isinstance(n.lhs, SpectralNorm):
        raise NotLicensed("states ‖A‖₂ ≤ maxᵢ Σⱼ |A[i, j]|")
    A = n.lhs
    m, cols = A.shape
    if not same(m, cols):
        raise NotLicensed(f"A is {_show(m)} × {_show(cols)}, not square")
    i, j = sp.Dummy("i", integer=True), sp.Dummy("j", integer=True)
    apart = {sp.KroneckerDelta(i, j): 0}  # i ≠ j: the only pairs where symmetry says anything
    if not same(A.at(i, j).xreplace(apart), A.at(j, i).xreplace(apart), "*"):
        raise NotLicensed("cannot show A[i, j] = A[j, i] for i ≠ j: A is not symmetric")
    top = n.rhs
    if not (isinstance(top, MaxOver) and isinstance(top.body, sp.Sum)):
        raise NotLicensed("the right side is not maxᵢ Σⱼ |A[i, j]|")
    (jj, lo, hi), ii = top.body.limits[-1], top.var
    ok = same(top.args[2], 1) and same(top.args[3], m) and same(lo, 1) and same(hi, m)
    ok = ok and len(top.body.limits) == 1 and same(top.body.function, sp.Abs(A.at(ii, jj)), "*")
    if not ok:
        raise NotLicensed("the right side is not maxᵢ Σⱼ |A[i, j]| over i, j = 1 … m")
    return "Gershgorin: a symmetric matrix's spectral norm is at most its largest |row| sum"


@_rule(build=lambda X: ((), {"X": X}))
def spectral_congruence(ctx, rel, prem, X):
    """Submultiplicativity for a congruence: ‖XAXᵀ‖₂ ≤ ‖A‖₂·‖XXᵀ‖₂, as ‖XAXᵀ‖₂ ≤
    ‖X‖₂‖A‖₂‖Xᵀ‖₂ and ‖X‖₂‖Xᵀ‖₂ = ‖X‖₂² = ‖XXᵀ‖₂; the step's left side has entries
    Σᵢ Σⱼ X[k, i]A[i, j]X[l, j] (d × d), its right side is the product of ‖A‖₂ (N × N) and
    ‖G‖₂ with G the Gram matrix XXᵀ, X = (Lambda, d, N) the rule's argument."""
    Xe, rows, cols = _matrix(X)
    n = rel.normal()
    if n.op != "<=" or n.ranges or not isinstance(n.lhs, SpectralNorm):
        raise NotLicensed("states ‖XAXᵀ‖₂ ≤ ‖A‖₂·‖XXᵀ‖₂")
    norms = [f for f in sp.Mul.make_args(n.rhs) if isinstance(f, SpectralNorm)]
    if len(norms) != 2 or len(sp.Mul.make_args(n.rhs)) != 2:
        raise NotLicensed("the right side is not a product of two spectral norms")
    B = n.lhs
    k, l, i, j = _idx("k"), _idx("l"), _idx("i"), _idx("j")
    for A, G in (norms, norms[::-1]):
        a_rows, a_cols = A.shape
        if not (same(a_rows, cols) and same(a_cols, cols) and _gram(G, Xe, rows, cols)):
            continue
        want = sp.Sum(Xe(k, i) * A.at(i, j) * Xe(l, j), (i, 1, cols), (j, 1, cols))
        b_rows, b_cols = B.shape
        if same(b_rows, rows) and same(b_cols, rows) and same(B.at(k, l), want, "*"):
            return "‖XAXᵀ‖₂ ≤ ‖X‖₂‖A‖₂‖Xᵀ‖₂ = ‖A‖₂‖XXᵀ‖₂"
        raise NotLicensed("the left side's entries are not Σᵢ Σⱼ X[k, i]A[i, j]X[l, j]")
    raise NotLicensed(f"no factor is the Gram matrix XXᵀ with an {_show(cols)}-square other")


@_rule(build=lambda X: ((), {"X": X}))
def gram_trace(ctx, rel, prem, X):
    """A Gram matrix's norm is at most its trace: ‖XXᵀ‖₂ ≤ Σ_k Σᵢ X[k, i]² (XXᵀ is positive
    semi-definite, so its norm is its largest eigenvalue, at most the sum of them all), for
    X = (Lambda, d, N) the rule's argument."""
    Xe, rows, cols = _matrix(X)
    n = rel.normal()
    if n.op != "<=" or n.ranges or not isinstance(n.lhs, SpectralNorm):
        raise NotLicensed("states ‖XXᵀ‖₂ ≤ Σ_k Σᵢ X[k, i]²")
    if not _gram(n.lhs, Xe, rows, cols):
        raise NotLicensed("the left side is not the norm of the Gram matrix XXᵀ")
    k, i = _idx("k"), _idx("i")
    sq, kk, ii = Xe(k, i) ** 2, (k, 1, rows), (i, 1, cols)
    if not any(same(n.rhs, sp.Sum(sq, *order), "*") for order in ((kk, ii), (ii, kk))):
        raise NotLicensed("the right side is not the trace Σ_k Σᵢ X[k, i]²")
    return "a Gram matrix's norm is at most its trace"


@_rule(multi=True)
def spectral_entries(ctx, rel, prem):
    """Matrices with equal entries have equal norms: ‖A‖₂ = ‖B‖₂ from A[r, c] = B[r, c] for
    every r = 1 … rows and c = 1 … cols (the premise, over both ranges; A and B of that
    shape)."""
    n = rel.normal()
    (p,) = prem
    p = p.normal()
    if n.op != "==" or n.ranges or not all(isinstance(t, SpectralNorm) for t in (n.lhs, n.rhs)):
        raise NotLicensed("states ‖A‖₂ = ‖B‖₂")
    A, B = n.lhs, n.rhs
    if not all(same(a, b) for a, b in zip(A.shape, B.shape, strict=True)):
        raise NotLicensed("A and B have different shapes")
    if len(p.ranges) != 2:
        raise NotLicensed("needs A[r, c] = B[r, c] for every r and every c")
    (r, _, _), (c, _, _) = p.ranges
    rows, cols = A.shape
    want = Rel(A.at(r, c), "==", B.at(r, c), over=((r, 1, rows), (c, 1, cols)))
    if implies(p, want, "*"):
        return "equal entries, equal norms"
    raise NotLicensed("the premise is not A[r, c] = B[r, c] for every r, c")


def _smooth(e, base) -> None:
    """Refuse unless ``e`` is continuously differentiable in the entries base[·] for all
    their real values by construction: sums (finite), products, exp, integer powers ≥ 0, and
    any real power or log of a quantity the sign rules prove > 0 everywhere."""
    if not e.has(base):
        return
    if isinstance(e, (sp.Indexed, sp.KroneckerDelta, sp.Symbol)):
        return
    if isinstance(e, (sp.Add, sp.Mul, sp.exp)):
        for a in e.args:
            _smooth(a, base)
        return
    if isinstance(e, sp.Sum):
        _smooth(e.function, base)
        return
    if isinstance(e, sp.Pow) and not e.exp.has(base):
        if e.exp.is_Integer and e.exp >= 0 or is_pos(e.base):
            _smooth(e.base, base)
            return
    if isinstance(e, sp.log) and is_pos(e.args[0]):
        _smooth(e.args[0], base)
        return
    raise NotLicensed(f"cannot show {_show(e)} is continuously differentiable")


def _segment(jac: Rel, a, b, t):
    """From ∂F_r(u)/∂u_c = G(r, c) (r = 1 … m, c = 1 … n): (m, n, G on the segment
    u = b + t(a − b) as a function of fresh (r, c), ‖F(a) − F(b)‖, ‖a − b‖), or refused."""
    if len(jac.ranges) != 2 or jac.op != "==" or not isinstance(jac.lhs, sp.Derivative):
        raise NotLicensed("the first premise is ∂F_r/∂u_c = G(r, c) for every r and c")
    (r, lo_r, m), (c, lo_c, n) = jac.ranges
    F, wrt = jac.lhs.expr, jac.lhs.variables
    if not (same(lo_r, 1) and same(lo_c, 1) and len(wrt) == 1):
        raise NotLicensed("the Jacobian's ranges are 1 … m and 1 … n, one derivative")
    (u_c,) = wrt
    if not (isinstance(u_c, sp.Indexed) and u_c.indices == (c,)):
        raise NotLicensed(f"{_show(u_c)} is not the entry c of a vector variable")
    U = u_c.base
    if r in u_c.free_symbols or any(x.has(U) for x in (m, n)):
        raise NotLicensed("the variable's entry depends on the row index")
    _smooth(unfold(F, "*"), U)
    if not (a.length == b.length and same(a.length, n)):
        raise NotLicensed("a and b are not vectors of the variable's length n")
    if not t.is_real or any(e.has(t) for e in (a.body, b.body, F, jac.rhs)):
        raise NotLicensed(f"a, b and the Jacobian must be free of the real {t}")

    def at(e, point):  # e with u replaced by point (a function of the index)
        return e.replace(
            lambda x: isinstance(x, sp.Indexed) and x.base == U,
            lambda x: point(x.indices[0]),
        )

    rr, cc, k = _idx("r"), _idx("c"), _idx("k")
    G_seg = at(jac.rhs.xreplace({r: rr, c: cc}), lambda i: b[i] + t * (a[i] - b[i]))
    if U in G_seg.free_symbols:
        raise NotLicensed("the Jacobian names the variable otherwise than through its entries")
    F_r = F.xreplace({r: rr})
    diff = sp.sqrt(sp.Sum((at(F_r, lambda x: a[x]) - at(F_r, lambda x: b[x])) ** 2, (rr, 1, m)))
    step = sp.sqrt(sp.Sum((a[k] - b[k]) ** 2, (k, 1, n)))
    return m, n, (rr, cc, G_seg), diff, step


@_rule(build=lambda k1, k2, a, b, t: ((k1, k2), {"a": a, "b": b, "t": t}), multi=True)
def mean_value(ctx, rel, prem, a, b, t):
    """The mean value inequality: ‖F(a) − F(b)‖ ≤ L‖a − b‖ for F: ℝⁿ → ℝᵐ continuously
    differentiable (by construction: :func:`_smooth`) when ‖DF(b + t(a − b))‖₂ ≤ L for every
    t ∈ [0, 1], as F(a) − F(b) = ∫₀¹ DF(b + t(a − b))(a − b) dt. The first premise gives
    the Jacobian: ∂F_r(u)/∂u_c = G(r, c) for every r = 1 … m and c = 1 … n (u a vector
    variable); the second ‖A‖₂ ≤ L for every real t of [0, 1], A the m × n matrix
    G(r, c) at u = b + t(a − b), L free of t; a and b are vectors of length n (rule args)."""
    jac, bound = (p.normal() for p in prem)
    m, n, (rr, cc, G_seg), diff, step = _segment(jac, a, b, t)
    if len(bound.ranges) != 1 or bound.op != "<=" or not isinstance(bound.lhs, SpectralNorm):
        raise NotLicensed("the second premise is ‖A‖₂ ≤ L for every t of [0, 1]")
    (t_b, lo_t, hi_t) = bound.ranges[0]
    if not (t_b == t and same(lo_t, 0) and same(hi_t, 1)) or bound.rhs.has(t):
        raise NotLicensed(f"the bound holds for every real {t} of [0, 1] and is free of it")
    if not (same(bound.lhs.shape[0], m) and same(bound.lhs.shape[1], n)):
        raise NotLicensed("the bounded matrix is not the m × n Jacobian")
    if not same(bound.lhs.at(rr, cc), G_seg, "*"):
        raise NotLicensed("the bounded matrix is not the Jacobian on the segment from b to a")
    nrm = rel.normal()
    if nrm.op == "<=" and not nrm.ranges and same(nrm.lhs, diff, "*"):
        if same(nrm.rhs, bound.rhs * step, "*"):
            return "the mean value inequality along the segment from b to a"
    raise NotLicensed("the step is not ‖F(a) − F(b)‖ ≤ L‖a − b‖")


@_rule(build=lambda k, a, b, t: ((k,), {"a": a, "b": b, "t": t}), multi=True)
def mean_value_matrix(ctx, rel, prem, a, b, t):
    """The mean value theorem through the mean Jacobian: F(a) − F(b) = Jᵐ(a − b) with
    Jᵐ = ∫₀¹ DF(b + t(a − b)) dt, so ‖F(a) − F(b)‖ ≤ ‖Jᵐ‖₂‖a − b‖, for F continuously
    differentiable (:func:`_smooth`); the premise gives the Jacobian ∂F_r(u)/∂u_c = G(r, c)
    (r = 1 … m, c = 1 … n); the step's right side is the spectral norm of the m × n matrix
    ∫₀¹ G(r, c)|_{u = b + t(a − b)} dt times ‖a − b‖."""
    (jac,) = (p.normal() for p in prem)
    m, n, (rr, cc, G_seg), diff, step = _segment(jac, a, b, t)
    nrm = rel.normal()
    if nrm.op != "<=" or nrm.ranges or not same(nrm.lhs, diff, "*"):
        raise NotLicensed("the step is not ‖F(a) − F(b)‖ ≤ ‖Jᵐ‖₂‖a − b‖")
    factors = sp.Mul.make_args(nrm.rhs)
    norms = [f for f in factors if isinstance(f, SpectralNorm)]
    if len(norms) != 1 or not same(nrm.rhs, norms[0] * step, "*"):
        raise NotLicensed("the right side is not ‖Jᵐ‖₂‖a − b‖")
    (Jm,) = norms
    if not (same(Jm.shape[0], m) and same(Jm.shape[1], n)):
        raise NotLicensed("Jᵐ is not m × n")
    if not same(Jm.at(rr, cc), sp.Integral(G_seg, (t, 0, 1)), "*"):
        raise NotLicensed("Jᵐ's entries are not ∫₀¹ of the Jacobian on the segment from b to a")
    return "the mean value theorem: F(a) − F(b) = Jᵐ(a − b), ‖Jᵐv‖ ≤ ‖Jᵐ‖₂‖v‖"


@_rule(multi=True)
def integral_norm(ctx, rel, prem):
    """The norm of an integral is at most the integral of the norm: ‖∫₀¹ A(t) dt‖₂ ≤ L when
    ‖A(t)‖₂ ≤ L for every real t of [0, 1] (the premise; L free of t), for A continuous in t
    by construction (:func:`_smooth`); both matrices given entry by entry."""
    (bound,) = (p.normal() for p in prem)
    n = rel.normal()
    if n.op != "<=" or n.ranges or not isinstance(n.lhs, SpectralNorm):
        raise NotLicensed("states ‖∫₀¹ A(t) dt‖₂ ≤ L")
    if len(bound.ranges) != 1 or bound.op != "<=" or not isinstance(bound.lhs, SpectralNorm):
        raise NotLicensed("the premise is ‖A(t)‖₂ ≤ L for every t of [0, 1]")
    t, lo, hi = bound.ranges[0]
    if not (t.is_real and same(lo, 0) and same(hi, 1)) or bound.rhs.has(t):
        raise NotLicensed(f"the premise holds for every real {t} of [0, 1], L free of it")
    if not all(same(a, b) for a, b in zip(n.lhs.shape, bound.lhs.shape)):
        raise NotLicensed("the two matrices have different shapes")
    rr, cc = _idx("r"), _idx("c")
    entry = bound.lhs.at(rr, cc)
    _smooth(unfold(entry, "*"), t)
    if not same(n.lhs.at(rr, cc), sp.Integral(entry, (t, 0, 1)), "*"):
        raise NotLicensed("the left side is not the norm of ∫₀¹ A(t) dt")
    if not same(n.rhs, bound.rhs, "*"):
        raise NotLicensed("the bound is not the premise's")
    return "‖∫A‖₂ ≤ ∫‖A‖₂ ≤ L"
