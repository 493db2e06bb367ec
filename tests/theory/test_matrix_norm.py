"""The spectral norm of a matrix given by its entries (:mod:`theory.matrix_norm`): at
integer sizes it is the norm of the explicit matrix, whose numeric value agrees with
NumPy's largest singular value (property test), at any precision asked; at symbolic size it
stays a symbol of its entry function, is nonnegative, prints as ‖[A[i, j]]‖₂ (also squared)
and refuses an entry that is not a Lambda of two indices."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from theory.indexed import Size, expand_sizes, index
from theory.matrix_norm import Norm2, SpectralNorm

I, J = index("i"), index("j")
A = sp.IndexedBase("A", real=True)


@st.composite
def matrices(draw):
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    vals = draw(st.lists(st.integers(-20, 20), min_size=m * n, max_size=m * n))
    return m, n, [sp.Rational(v, 4) for v in vals]


@given(matrices())
def test_the_explicit_norm_is_the_largest_singular_value(mat):
    m, n, vals = mat
    got = float(sp.N(Norm2(sp.Integer(m), sp.Integer(n), *vals), 30))
    want = np.linalg.norm(np.array([float(v) for v in vals]).reshape(m, n), 2)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_written_out_at_integer_sizes_and_evaluated_to_high_precision():
    m, n = Size("m"), Size("n")
    S = SpectralNorm(sp.Lambda((I, J), A[I, J] + A[J, I]), m, m)
    assert S.is_nonnegative and S.free_symbols >= {m}
    e = expand_sizes(S, {m: 2}, {A: lambda a, b: sp.Rational(a + 2 * b, 3)})
    assert isinstance(e, Norm2) and e.args[2:] == (2, 3, 3, 4)
    assert abs(sp.N(e, 40) - (3 + sp.sqrt(10))) < sp.Float(10) ** -35  # eigenvalues 3 ± √10
    rect = SpectralNorm(sp.Lambda((I, J), A[I, J]), m, n).at(sp.Integer(2), sp.Integer(1))
    assert rect == A[2, 1]


def test_prints_as_the_norm_of_its_entries_also_squared():
    S = SpectralNorm(sp.Lambda((I, J), A[I, J]), Size("m"), Size("m"))
    assert sp.latex(S).endswith(r"\right]_{i, j} \right\|_2")
    assert sp.latex(S**2).startswith(r"\left(\left\|") and sp.latex(S**2).endswith("^{2}")


def test_refuses_an_entry_that_is_not_a_lambda_of_two_indices():
    with pytest.raises(TypeError, match="Lambda"):
        SpectralNorm(A[I, J], Size("m"), Size("m"))
    with pytest.raises(TypeError, match="m·n entries"):
        Norm2(sp.Integer(2), sp.Integer(2), 1, 2, 3)
