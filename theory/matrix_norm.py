"""The spectral norm of a matrix given by its entries, at symbolic or numeric size.

Notation: A an m × n real matrix with entries A[i, j] = a(i, j) (i = 1 … m, j = 1 … n);
‖A‖₂ = its largest singular value (for a symmetric A, the largest |eigenvalue|). Ramsauer
et al. (arXiv:2008.02217v3) bound ‖J_s‖₂ and ‖J‖₂ this way (Lemmas A2, A3, A24).

At symbolic size ‖A‖₂ stays a symbol of its entry function; once m and n are integers it
becomes :class:`Norm2`, the norm of the explicit matrix, which evaluates numerically (mpmath's
singular values at the requested precision) when its entries are numbers.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from theory.indexed import power_latex, subst

__all__ = ["SpectralNorm", "Norm2", "entry_at"]


class SpectralNorm(sp.Function):
    """‖A‖₂ for A[i, j] = ``entry(i, j)`` (a SymPy ``Lambda`` of two indices), i = 1 … m,
    j = 1 … n. Written out (:class:`Norm2`) when m and n are integers."""

    nargs = 3

    @classmethod
    def eval(cls, entry, m, n):
        if not isinstance(entry, sp.Lambda) or len(entry.variables) != 2:
            raise TypeError("SpectralNorm needs a Lambda((i, j), A[i, j])")
        if m.is_Integer and n.is_Integer:
            rows, cols = int(m), int(n)
            vals = [
                entry_at(entry, sp.Integer(a), sp.Integer(b))
                for a in range(1, rows + 1)
                for b in range(1, cols + 1)
            ]
            return Norm2(m, n, *vals)
        return None

    @property
    def entry(self) -> sp.Lambda:
        return self.args[0]

    def at(self, a, b):
        """A[a, b] (:func:`entry_at`)."""
        return entry_at(self.entry, a, b)

    @property
    def shape(self) -> tuple:
        return self.args[1], self.args[2]

    def _eval_is_extended_real(self):
        return True

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer, exp=None):
        (i, j), body = self.entry.variables, self.entry.expr
        s = (
            rf"\left\| \left[{printer._print(body)}\right]_{{{printer._print(i)}, "
            rf"{printer._print(j)}}} \right\|_2"
        )
        return power_latex(s, exp)


def entry_at(entry: sp.Lambda, a, b):
    """The entry function ``entry`` (a Lambda of (i, j)) at (a, b), capture-avoiding (a
    simultaneous substitution: its own bound indices are renamed first)."""
    i, j = entry.variables
    t = sp.Dummy("t", integer=True)  # a simultaneous substitution, via a fresh index
    return subst(subst(subst(entry.expr, {i: t}), {j: b}), {t: a})


class Norm2(sp.Function):
    """‖A‖₂ of the explicit m × n matrix with entries (row-major) ``args[2:]``."""

    @classmethod
    def eval(cls, m, n, *vals):
        if not (m.is_Integer and n.is_Integer) or len(vals) != int(m) * int(n):
            raise TypeError("Norm2(m, n, *entries) needs m·n entries")
        return None

    def _eval_is_extended_real(self):
        return True

    def _eval_is_nonnegative(self):
        return True

    def _eval_evalf(self, prec):
        m, n = int(self.args[0]), int(self.args[1])
        vals = [sp.sympify(v).evalf(prec + 20) for v in self.args[2:]]
        if not all(v.is_Number for v in vals):
            return None
        with mpmath.workprec(prec + 20):
            A = mpmath.matrix(m, n)
            for k, v in enumerate(vals):
                A[k // n, k % n] = mpmath.mpf(v._to_mpmath(prec + 20))
            s = mpmath.svd_r(A, compute_uv=False)
            top = max(abs(x) for x in s)
        return sp.Float._new(top._mpf_, prec)

    def _latex(self, printer, exp=None):
        m, n = int(self.args[0]), int(self.args[1])
        rows = [
            " & ".join(printer._print(v) for v in self.args[2 + r * n : 2 + (r + 1) * n])
            for r in range(m)
        ]
        s = r"\left\| \begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix} \right\|_2"
        return power_latex(s, exp)
