"""Ball-arithmetic (python-flint) implementations of the pack's calculus words: derivatives by
forward-mode automatic differentiation in Arb power series, the mean-value Jacobian by
an interval Riemann sum, and the fixed point xᵢ* by a certified enclosure.

Notation as in :mod:`derivations.ramsauer2020.words`: patterns xᵢ are the rows of ``P``
(lists of balls), ξ a list of balls, β a ball; every result is a ball (or a list of balls)
guaranteed to contain the true value at the working precision ``flint.ctx.prec``.

* ∇E(ξ)_k and ∂softmax(βz)ᵢ/∂zⱼ: the function evaluated on ξ + ε e_k in ``arb_series``
  (truncated at ε²), the ε-coefficient read off — independent of the closed forms
  (ξ − f(ξ), Lemma A20) the claims compare them with.
* ‖Jᵐ‖₂: ∫₀¹ J(λx + (1 − λ)y) dλ enclosed by an interval Riemann sum (J evaluated on the
  segment's pieces as boxes), then the largest |eigenvalue| of the symmetric ball matrix
  (where Arb's eigenvalue enclosure fails, e.g. Jᵐ of rank < d: a Rayleigh quotient below
  and a positive-definiteness certificate above).
* xᵢ*: iterate f from xᵢ in float64, refine by Newton steps at the working precision, then a
  box X around the limit with f(X) ⊂ X certified in interval arithmetic
  (Brouwer: a fixed point lies in X; the returned balls are
  f(X), which also contains it). If no box is certified the coordinates are returned as
  whole-line balls (so no comparison is decided on them).
"""

from __future__ import annotations

import flint

__all__ = ["grad_energy", "dsoftmax", "jmean_norm", "fixed_point", "spectral_norm"]

arb = flint.arb


def _shift(vals) -> flint.arb:
    """An exact shift: the largest midpoint."""
    return max((v.mid() for v in vals), key=lambda a: float(a))


def _coef(series, k: int) -> flint.arb:
    """The k-th coefficient of an Arb power series (``coeffs()`` drops trailing zeros)."""
    c = series.coeffs()
    return c[k] if len(c) > k else arb(0)


def grad_energy(o, P, x, beta):
    """∇E(ξ) of Eq. 2 by forward-mode AD in Arb power series."""
    beta = arb(beta)
    dots = [sum((a * b for a, b in zip(r, x, strict=True)), arb(0)) for r in P]
    m = _shift([beta * t for t in dots])
    out = []
    for k in range(len(x)):
        tot = flint.arb_series([0], prec=2)
        for t, r in zip(dots, P, strict=True):
            tot = tot + (flint.arb_series([t, r[k]], prec=2) * beta - m).exp()
        lse = (tot.log() + m) / beta
        quad = flint.arb_series([sum((t * t for t in x), arb(0)) / 2, x[k]], prec=2)
        out.append(_coef(quad - lse, 1))
    return out


def dsoftmax(o, z, i, j, beta):
    """∂softmax(βz)ᵢ/∂zⱼ by forward-mode AD in Arb power series."""
    i, j = int(float(i)), int(float(j))
    beta = arb(beta)
    m = _shift([beta * arb(t) for t in z])
    terms = [
        (flint.arb_series([arb(t), 1], prec=2) if k == j else flint.arb_series([arb(t)], prec=2))
        for k, t in enumerate(z)
    ]
    ex = [(t * beta - m).exp() for t in terms]
    tot = ex[0]
    for e in ex[1:]:
        tot = tot + e
    return _coef(ex[i] / tot, 1)


def spectral_norm(A, bounds: bool = False) -> flint.arb:
    """max |λ| of a symmetric matrix given as a ball matrix (an enclosure valid for every
    symmetric matrix in the balls): closed form for sizes 1 and 2, Arb's eigenvalue
    enclosures otherwise; when those fail, with ``bounds`` the enclosure of
    :func:`_sym_norm_bounds`, else (or when that fails too) the hull [0, ‖A‖_F] (valid,
    decides nothing close)."""
    n = len(A)
    if n == 1:
        return abs(arb(A[0][0]))
    if n == 2:
        a, b, c = arb(A[0][0]), arb(A[0][1]), arb(A[1][1])
        r = (((a - c) / 2) ** 2 + b * b).nonnegative_part().sqrt()  # the true value is ≥ 0
        return abs((a + c) / 2 + r).max(abs((a + c) / 2 - r))
    fro = sum((arb(t) * t for r in A for t in r), arb(0)).nonnegative_part().sqrt()
    try:
        ev = flint.arb_mat(A).eig(multiple=True)
    except ValueError:
        ev = None
    if not ev or not all(e.real.is_finite() for e in ev):
        out = _sym_norm_bounds(A) if bounds else None
        return arb(0).union(fro) if out is None else out
    out = abs(ev[0].real)
    for e in ev[1:]:
        out = out.max(abs(e.real))
    return out


def _sym_norm_bounds(A):
    """max |λ| of a symmetric matrix in the balls A, enclosed without eigenvalue enclosures
    (for where Arb's fail, e.g. a repeated eigenvalue 0 of a rank-deficient Jᵐ): below by
    |vᵀAv|/vᵀv for a rational v (the float64 top eigenvector of the midpoints), above by
    t such that tI − A and tI + A are positive definite (every leading principal minor > 0,
    Sylvester), t the float64 estimate raised until certified. None when nothing certifies."""
    import numpy as np

    n = len(A)
    M = np.array([[float(arb(t).mid()) for t in row] for row in A])
    if not np.all(np.isfinite(M)):
        return None
    w, V = np.linalg.eigh((M + M.T) / 2)
    k = int(np.argmax(np.abs(w)))
    v = [arb(flint.fmpq(*float(V[r, k]).as_integer_ratio())) for r in range(n)]
    vav = sum((v[r] * A[r][q] * v[q] for r in range(n) for q in range(n)), arb(0))
    lo = abs(vav) / sum((t * t for t in v), arb(0))
    top = abs(float(w[k])) + 2.0**-1000

    def definite(sign, t):  # t·I + sign·A positive definite: leading minors > 0
        B = [[(t if r == q else 0) + sign * A[r][q] for q in range(n)] for r in range(n)]
        return all(flint.arb_mat([row[:j] for row in B[:j]]).det() > 0 for j in range(1, n + 1))

    p = flint.ctx.prec
    for e in sorted({p // 2, p // 4, 64, 48, 32, 24, 16, 12, 8, 4, 2, 1}, reverse=True):
        t = arb(top) * (1 + arb(2) ** -e)
        if definite(-1, t) and definite(1, t):
            return arb(lo.lower()).union(arb(t.upper()))
    return None


def _jac_box(P, z, beta):
    """J(z) = β(Σ pᵢxᵢxᵢᵀ − x̄x̄ᵀ) for a box z (an enclosure over the box)."""
    p = _probs_box(P, z, beta)
    d = len(z)
    bar = [sum((p[i] * P[i][k] for i in range(len(P))), arb(0)) for k in range(d)]
    return [
        [
            beta
            * (sum((p[i] * P[i][k] * P[i][m] for i in range(len(P))), arb(0)) - bar[k] * bar[m])
            for m in range(d)
        ]
        for k in range(d)
    ]


def _jac_series(P, x, y, beta, lam, order: int):
    """The entries of J(λx + (1 − λ)y) as Arb power series in t around λ (a number or a
    ball): coefficient k encloses J^{(k)}/k! over the ball."""
    t = flint.arb_series([lam, 1], prec=order)
    z = [t * a + (1 - t) * b for a, b in zip(x, y, strict=True)]
    p = []
    for xi in P:
        tot = flint.arb_series([0], prec=order)
        for xj in P:
            s = flint.arb_series([0], prec=order)
            for a, b, u in zip(xi, xj, z, strict=True):
                s = s + u * (b - a)
            tot = tot + (s * beta).exp()
        p.append(1 / tot)
    d = len(x)
    bar = [sum((p[i] * P[i][k] for i in range(1, len(P))), p[0] * P[0][k]) for k in range(d)]
    return [
        [
            (
                sum(
                    (p[i] * (P[i][k] * P[i][m]) for i in range(1, len(P))),
                    p[0] * (P[0][k] * P[0][m]),
                )
                - bar[k] * bar[m]
            )
            * beta
            for m in range(d)
        ]
        for k in range(d)
    ]


def _jac_scale(P, x, y, beta, points):
    """2^{−(prec − 64)/4} + the largest |entry| of J at ``points`` of the segment (upper
    bounds), or None at 64 bits (then the tolerance is absolute, 1 + |J(c)|) or where J
    cannot be enclosed there."""
    if flint.ctx.prec <= 64:
        return None
    top = arb(0)
    try:
        for lam in points:
            for row in _jac_series(P, x, y, beta, arb(lam), 1):
                for t in row:
                    top = max(top, abs(_coef(t, 0)).upper(), key=lambda a: a.mid())
    except ValueError:
        return None
    if not top.is_finite():
        return None
    return arb(2) ** (-((flint.ctx.prec - 64) // 4)) + top


def jmean_norm(o, P, x, y, beta):
    """‖Jᵐ‖₂, Jᵐ = ∫₀¹ J(λx + (1−λ)y) dλ, enclosed by the midpoint rule with a certified
    remainder: on a piece of width h around c, ∫ J = h·J(c) + R with |R| ≤ h³/12 · sup|J''/2|
    (the sup enclosed by an Arb power series in λ over the piece). Pieces are halved while
    the remainder exceeds h·2^{−min(prec/16, 16)}·s (or the series cannot be enclosed), up
    to 2¹² pieces, so the enclosure tightens as the engine raises the precision. The scale s
    is 1 + maxₖₗ|J(c)ₖₗ| at 64 bits; above, 2^{−(prec − 64)/4} + the largest |entry| of J at
    the eight first midpoints: relative to the size of J on the segment, also where J is
    tiny (a saturated softmax, J ≈ e^{−βΔ}, where an absolute tolerance never decides). The
    spectral norm of the resulting ball matrix encloses ‖Jᵐ‖₂ (the tolerance steers the
    refinement only; every remainder is added as a ball)."""
    beta = arb(beta)
    d = len(x)
    tol = arb(2) ** (-min(flint.ctx.prec // 16, 16))
    todo = [(flint.fmpq(k, 8), flint.fmpq(k + 1, 8)) for k in range(8)]
    scale = _jac_scale(P, x, y, beta, [(lo + hi) / 2 for lo, hi in todo])
    A = [[arb(0)] * d for _ in range(d)]
    done = 0
    while todo:
        lo, hi = todo.pop()
        h, c = arb(hi - lo), arb((lo + hi) / 2)
        full = done + len(todo) >= 2**12
        try:
            mid = _jac_series(P, x, y, beta, c, 1)
            box = _jac_series(P, x, y, beta, arb(lo).union(arb(hi)), 3)
            val = [[_coef(mid[r][q], 0) for q in range(d)] for r in range(d)]
            rem = [[abs(_coef(box[r][q], 2)) * h**3 / 12 for q in range(d)] for r in range(d)]
            ok = all(t.is_finite() for row in rem for t in row)
            if ok and not full:
                size = scale if scale is not None else 1 + max(abs(t) for row in val for t in row)
                ok = all(rem[r][q] <= tol * h * size for r in range(d) for q in range(d))
        except ValueError:
            ok = False
        if not ok and not full:
            todo += [(lo, (lo + hi) / 2), ((lo + hi) / 2, hi)]
            continue
        if not ok:
            return arb.nan()
        done += 1
        A = [
            [A[r][q] + h * val[r][q] + arb(0, rem[r][q].upper()) for q in range(d)]
            for r in range(d)
        ]
    return spectral_norm(A, bounds=True)


def _update(P, x, beta):
    """f(ξ) in ball arithmetic (ξ may be wide balls: an enclosure of f over the box)."""
    sc = [beta * sum((a * b for a, b in zip(r, x, strict=True)), arb(0)) for r in P]
    m = _shift(sc)
    ex = [(s - m).exp() for s in sc]
    tot = sum(ex[1:], ex[0])
    return [sum((ex[i] * P[i][k] for i in range(len(P))), arb(0)) / tot for k in range(len(x))]


def _probs_box(P, x, beta):
    """softmax(βXᵀξ) for a box ξ, each pᵢ = 1/Σⱼ exp(β(xⱼ − xᵢ)ᵀξ) (ξ enters each
    difference once, which keeps the interval overestimation small)."""
    out = []
    for xi in P:
        tot = arb(0)
        for xj in P:
            tot += (
                beta * sum(((b - a) * t for a, b, t in zip(xi, xj, x, strict=True)), arb(0))
            ).exp()
        out.append(1 / tot)
    return out


def _image_box(P, c, box, beta):
    """A box containing f(box): the mean-value form f(c) + J(box)(box − c)."""
    fc = _update(P, c, beta)
    p = _probs_box(P, box, beta)
    d = len(c)
    bar = [sum((p[i] * P[i][k] for i in range(len(P))), arb(0)) for k in range(d)]
    J = [
        [
            beta
            * (sum((p[i] * P[i][k] * P[i][m] for i in range(len(P))), arb(0)) - bar[k] * bar[m])
            for m in range(d)
        ]
        for k in range(d)
    ]
    return [fc[k] + sum((J[k][m] * (box[m] - c[m]) for m in range(d)), arb(0)) for k in range(d)]


def _newton(P, x, beta, steps: int = 12):
    """Newton steps x ← x − (J(x) − I)⁻¹(f(x) − x) at the midpoints (a candidate only)."""
    d = len(x)
    for _ in range(steps):
        fx = _update(P, x, beta)
        J = _jac_box(P, x, beta)
        A = flint.arb_mat([[J[r][c] - (1 if r == c else 0) for c in range(d)] for r in range(d)])
        rhs = flint.arb_mat([[fx[r] - x[r]] for r in range(d)])
        try:
            step = A.solve(rhs)
        except (ValueError, ZeroDivisionError):
            return x
        nxt = [arb((x[r] - step[r, 0]).mid()) for r in range(d)]
        if all((a - b).mid() == 0 for a, b in zip(nxt, x, strict=True)):
            return nxt
        x = nxt
    return x


def _float_iterate(P, x0, beta, steps: int) -> list:
    """f iterated from x0 in float64 until it stops moving (numpy; a starting candidate)."""
    import numpy as np

    A = np.array([[float(t.mid()) for t in r] for r in P])
    x = np.array([float(arb(t).mid()) for t in x0])
    b = float(arb(beta).mid())
    for _ in range(steps):
        s = b * (A @ x)
        w = np.exp(s - s.max())
        nxt = (w / w.sum()) @ A
        if np.array_equal(nxt, x):
            break
        x = nxt
    return [arb(float(t)) for t in x]


def fixed_point(o, P, x0, beta, steps: int = 4000):
    """An enclosure of the fixed point of f reached by iterating from x0 (see module notes):
    the float64 iteration's limit refined by Newton steps to the working precision, then a box
    X around it with the mean-value enclosure f(c) + J(X)(X − c) ⊂ interior(X), so f(X) ⊂ X and
    X holds a fixed point (Brouwer)."""
    beta = arb(beta)
    x = _newton(P, _float_iterate(P, x0, beta, steps), beta)
    scale = max(abs(float(t.mid())) for t in x) + 1.0
    res = max(float(abs(a - b).upper()) for a, b in zip(_update(P, x, beta), x, strict=True))
    rad = max(4 * res, scale * 2.0 ** (8 - flint.ctx.prec))
    for _ in range(40):
        box = [arb(t.mid()) + arb(0, rad) for t in x]
        img = _image_box(P, x, box, beta)
        if all(box[k].contains_interior(img[k]) for k in range(len(x))):
            return img
        rad *= 4
    return [arb.nan() for _ in x]
