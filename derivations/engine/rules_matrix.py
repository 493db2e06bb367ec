"""The rule kernel's facts about spectral norms (part of the kernel; see
:mod:`derivations.engine.rules` for the conventions): Gershgorin's bound for a symmetric
matrix, submultiplicativity for a congruence XAXᵀ, and a Gram matrix's norm against its
trace.

Notation: ‖A‖₂ the spectral norm (largest singular value) of a matrix given by its entries,
:class:`theory.matrix_norm.SpectralNorm`; a matrix argument of a rule is a triple
(Lambda((r, c), X[r, c]), rows, cols); X is d × N, A is N × N, XXᵀ its d × d Gram matrix
(entries Σᵢ X[k, i]X[l, i]); ‖X‖₂² = ‖XXᵀ‖₂.
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.model import Rel
from derivations.engine.normal import same
from derivations.engine.rules import NotLicensed, _rule, _show, implies
from theory.indexed import MaxOver
from theory.matrix_norm import SpectralNorm, entry_at

__all__ = ["spectral_bound", "spectral_congruence", "gram_trace", "spectral_entries"]


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
