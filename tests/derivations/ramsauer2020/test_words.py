"""The pack's vocabulary: each word's arb (ball) implementation encloses its mpmath twin, and
the torch twin agrees (Hypothesis property tests at moderate sizes)."""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import derivations.ramsauer2020.words  # noqa: F401 - registers the pack vocabulary
from derivations.engine import MP, TorchOps
from derivations.engine.arb_backend import ARB
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import words_arb as W

TORCH = TorchOps(torch.float64)


def _contains(ball, value, digits: int = 25) -> bool:
    """The ball contains the mpmath value up to the mpmath value's own rounding."""
    v = flint.arb(mpmath.nstr(value, digits + 5))
    slack = flint.arb(0, abs(float(value)) * 10.0 ** (-digits) + 10.0 ** (-digits))
    return bool((ball + slack).contains(v))


def _mp(inst):
    return MP.load(inst)


def _arb(inst):
    flint.ctx.prec = 128
    return ARB.load(inst)


@settings(max_examples=25, deadline=None)
@given(D.hopfield(max_N=4, max_d=3))
def test_energy_update_and_radius_enclose_mpmath(inst):
    with mpmath.workdps(30):
        m, a = _mp(inst), _arb(inst)
        assert _contains(ARB.hf_energy(a.P, a.x, a.beta), MP.hf_energy(m.P, m.x, m.beta))
        for b, v in zip(ARB.hf_update(a.P, a.x, a.beta), MP.hf_update(m.P, m.x, m.beta)):
            assert _contains(b, v)
        assert _contains(ARB.hf_radius(a.P), MP.hf_radius(m.P))


@settings(max_examples=20, deadline=None)
@given(D.dyadic(max_N=3, max_d=3))
def test_gradient_by_series_ad_encloses_mpmath_differentiation(inst):
    with mpmath.workdps(30):
        m, a = _mp(inst), _arb(inst)
        for b, v in zip(W.grad_energy(None, a.P, a.x, a.beta), MP.hf_grad(m.P, m.x, m.beta)):
            assert _contains(b, v, 20)


@settings(max_examples=20, deadline=None)
@given(D.vectors(max_m=4), st.data())
def test_dsoftmax_by_series_ad_matches_the_closed_form(inst, data):
    a = _arb(inst)
    n = len(a.z)
    i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    p = [ARB.softmax(a.z, k, a.beta) for k in range(n)]
    closed = a.beta * ((p[i] if i == j else 0) - p[i] * p[j])
    assert (W.dsoftmax(None, a.z, i, j, a.beta) - closed).contains(0)


@settings(max_examples=20, deadline=None)
@given(D.hopfield(max_N=4, max_d=3))
def test_spectral_norm_encloses_mpmath_eigenvalues(inst):
    with mpmath.workdps(30):
        m, a = _mp(inst), _arb(inst)
        assert _contains(ARB.hf_jnorm(a.P, a.x, a.beta), MP.hf_jnorm(m.P, m.x, m.beta), 20)
        assert _contains(ARB.hf_xnorm2(a.P), MP.hf_xnorm2(m.P), 20)


@settings(max_examples=8, deadline=None)
@given(D.mild_pairs(max_N=3, max_d=2, max_beta=3.0))
def test_mean_value_jacobian_encloses_mpmath_quadrature(inst):
    with mpmath.workdps(20):
        m, a = _mp(inst), _arb(inst)
        flint.ctx.prec = 64
        ball = W.jmean_norm(None, a.P, a.x, a.y, a.beta)
        assert _contains(ball, MP.hf_jmean_norm(m.P, m.x, m.y, m.beta), 12)


@settings(max_examples=10, deadline=None)
@given(D.separated(max_N=4, max_d=2))
def test_fixed_point_enclosure_holds_the_mpmath_fixed_point(inst):
    with mpmath.workdps(40):
        m, a = _mp(inst), _arb(inst)
        i = int(inst.p["i"])
        box = W.fixed_point(None, a.P, a.P[i], a.beta)
        ref = MP.hf_fixed(m.P, m.P[i], m.beta)
        for b, v in zip(box, ref):
            assert b.is_finite() and _contains(b, v, 30)


@settings(max_examples=15, deadline=None)
@given(D.hopfield(max_N=4, max_d=3))
def test_torch_twin_matches_mpmath_for_the_pack_words(inst):
    with mpmath.workdps(30):
        m, t = _mp(inst), TORCH.load(inst)
        scale = (
            1 + float(np.abs(np.array(inst.patterns)).max()) ** 2 + float(np.abs(inst.x).max()) ** 2
        )
        e = float(TORCH.hf_energy(t.P, t.x, t.beta)) - float(MP.hf_energy(m.P, m.x, m.beta))
        assert abs(e) <= 1e-9 * scale
        jn = float(TORCH.hf_jnorm(t.P, t.x, t.beta)) - float(MP.hf_jnorm(m.P, m.x, m.beta))
        assert abs(jn) <= 1e-8 * scale


def test_spectral_norm_falls_back_to_a_valid_wide_ball():
    """Regression: arb's eigenvalue isolation can fail on a wide ball matrix; the word then
    returns [0, ‖A‖_F], never NaN or a wrong point."""
    flint.ctx.prec = 64
    A = [
        [flint.arb(1, 0.5), flint.arb(0, 0.5), flint.arb(0)],
        [flint.arb(0, 0.5), flint.arb(1, 0.5), flint.arb(0)],
        [flint.arb(0), flint.arb(0), flint.arb(1, 0.5)],
    ]
    out = W.spectral_norm(A)
    assert out.is_finite() and out.contains(1)


def test_jmean_pieces_use_the_interval_hull_not_a_centred_ball():
    """Regression: flint.arb(mid, rad) with fmpq arguments dropped the midpoint; pieces are
    built as hulls of their endpoints."""
    flint.ctx.prec = 64
    P = [
        [flint.arb(1), flint.arb(0.5)],
        [flint.arb(-0.3), flint.arb(2)],
        [flint.arb(0.1), flint.arb(-1)],
    ]
    x, y = [flint.arb(0.2), flint.arb(0.1)], [flint.arb(1.5), flint.arb(-0.7)]
    got = W.jmean_norm(None, P, x, y, flint.arb(10))
    with mpmath.workdps(20):
        ref = MP.hf_jmean_norm([[1, 0.5], [-0.3, 2], [0.1, -1]], [0.2, 0.1], [1.5, -0.7], 10)
    assert got.is_finite() and _contains(got, ref, 12)


@pytest.mark.parametrize("x", ["0.5", "3", "-0.2"])
def test_lambertw_word_on_both_branches(x):
    flint.ctx.prec = 64
    b = flint.arb(x)
    w = ARB.hf_lambertw(b, 0)
    assert (w * w.exp() - b).contains(0)
    if float(x) < 0:
        w1 = ARB.hf_lambertw(b, -1)
        assert (w1 * w1.exp() - b).contains(0) and w1 < -1


def _ball_matrix(M, rad=0.0):
    return [[flint.arb(float(t), rad) for t in row] for row in M]


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_norm_bounds_without_eigenvalue_enclosures_hold_the_norm(rank):
    """The Rayleigh / positive-definiteness enclosure of max |λ| (used where Arb's eig fails:
    a repeated eigenvalue 0) contains the true norm of every matrix, and is tight."""
    rng = np.random.default_rng(rank)
    for _ in range(5):
        B = rng.standard_normal((3, rank))
        M = B @ B.T * rng.choice([1e-15, 1.0, 30.0])
        flint.ctx.prec = 128
        ball = W._sym_norm_bounds(_ball_matrix(M, 1e-30))
        with mpmath.workdps(50):  # the exact matrix of the float entries, its eigenvalues
            ev = mpmath.eigsy(mpmath.matrix(M.tolist()), eigvals_only=True)
            true = max(abs(t) for t in ev)
        assert ball is not None and _contains(ball, true, 30), (ball, true)
        assert float(ball.rad()) <= 1e-6 * float(true)
    # a wide ball matrix: an enclosure still holds every matrix in it, or nothing is claimed
    flint.ctx.prec = 64
    wide = W._sym_norm_bounds(_ball_matrix(np.eye(3), 0.5))
    assert wide is None or wide.contains(flint.arb(1.5))


def test_mean_value_jacobian_is_decided_where_the_softmax_saturates():
    """Regression (thm4/eq6 at seed 0): J ≈ e^{−βΔ} is tiny; the refinement is relative to
    it above 64 bits, so ‖Jᵐ‖₂ ≈ 1.08e-24 is enclosed away from 0 from 512 bits on (it was
    [± 8e-17] at every precision, leaving Eq. 6 undecided)."""
    P = (
        (-0.16308181473042968, 0.10284947550324833),
        (-0.13489487219156324, -0.13775727335964982),
        (-0.18413223010108698, -0.05717529838193967),
    )
    x = (-0.1630327135858602, 0.10303090991322328)
    beta = 4598.995290691126
    flint.ctx.prec = 512
    a = [[flint.arb(t) for t in r] for r in P]
    star = W.fixed_point(None, a, a[0], flint.arb(beta))
    ball = W.jmean_norm(None, a, [flint.arb(t) for t in x], star, flint.arb(beta))
    assert ball > 0 and float(ball.rad()) < 1e-3 * float(ball.mid())
    with mpmath.workdps(40):
        ref = MP.hf_jmean_norm([list(r) for r in P], list(x), [float(t.mid()) for t in star], beta)
    assert abs(float(ball.mid()) - float(ref)) <= 1e-6 * float(ref)
    flint.ctx.prec = 64


def test_the_norm_of_a_ball_about_zero_is_a_ball_not_nan():
    """Regression: ‖a‖ was √(Σ aₖ²) in ball arithmetic, and aₖ² of a ball about 0 straddles 0
    (Arb squares it as a product of two independent balls), so √ gave NaN: for three identical
    patterns xᵢ* − xᵢ is such a ball, and Eq. 9's hypothesis ‖xᵢ − xᵢ*‖ ≤ 1/(2βM) read as
    failing (the instance vacuous, the torch twin "disagreeing" on half of seed 1's trials).
    M = maxᵢ‖xᵢ‖ alike (and the spectral norm's Frobenius fallback, changed the same way)."""
    from derivations.engine.instance import Instance
    from derivations.ramsauer2020.common import holds
    from derivations.registry import all_claims

    flint.ctx.prec = 64
    tiny = [flint.arb(0, 1e-18), flint.arb(0, 2e-18)]
    n = ARB.hf_norm(tiny)
    assert n.is_finite() and n.contains(0) and n.contains(flint.arb("2e-18"))
    assert ARB.hf_radius([tiny]).is_finite()
    c = all_claims()["ramsauer2020:thm5/eq9"]
    inst = Instance.make(
        [[75.88131992425953]] * 3, (299.79343812956444,), beta=7.3569454855352795e-06, i=0
    )
    hyps = {h.label: holds(ARB, h) for h in c.hypotheses(ARB, ARB.load(inst))}
    assert hyps["‖xᵢ − xᵢ*‖ ≤ 1/(2βM)"], hyps
