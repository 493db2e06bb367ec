"""theory.energies: SymPy forms against their mpmath twins; mpmath twins against definitions.

References for the mpmath twins are the paper's definitions evaluated naively (no shift, no
log1p) at 700 digits, where nothing they cancel can matter for the β ≥ 1e-300 drawn here.
"""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import theory.energies as te

small = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@st.composite
def instances(draw, max_d=4, max_n=3):
    d, n = draw(st.integers(1, max_d)), draw(st.integers(1, max_n))
    P = [[draw(small) for _ in range(n)] for _ in range(d)]
    x = [draw(small) for _ in range(n)]
    return P, x


def naive_mchn(P, x, beta):
    """E^MCHN_β by its definition, −β⁻¹ log Σ exp(β xᵀρ) + ½xᵀx + β⁻¹ log d + ½ max‖ρ‖², at
    700 digits (enough for the (log d)/β terms to cancel down to 10⁻³⁰⁰ · 10⁻³⁰)."""
    with mpmath.workdps(700):
        b = mpmath.mpf(beta)
        xs = [mpmath.mpf(v) for v in x]
        rows = [[mpmath.mpf(v) for v in r] for r in P]
        dots = [mpmath.fsum(a * c for a, c in zip(xs, r)) for r in rows]
        return (
            -mpmath.log(mpmath.fsum(mpmath.exp(b * t) for t in dots)) / b
            + mpmath.fsum(a * a for a in xs) / 2
            + mpmath.log(len(rows)) / b
            + max(mpmath.fsum(c * c for c in r) for r in rows) / 2
        )


def test_sympy_energies_match_mpmath_exactly_built():
    P = [[-2.0, -0.5], [0.2, -0.3], [1.5, 1.5]]
    x = [0.1, 0.7]
    with mpmath.workdps(40):
        for sym, mp in [
            (te.distance_energy(P, x), te.mp_distance_energy(P, x)),
            (te.nearest_neighbour(P, x), te.mp_nearest_neighbour(P, x)),
            (te.mchn_energy(P, x, 2), te.mp_mchn_energy(P, x, 2)),
        ]:
            assert abs(mpmath.mpf(str(sym.evalf(40))) - mp) < mpmath.mpf(10) ** -35


@settings(max_examples=30)
@given(instances(), st.sampled_from(["1e-300", "1e-15", "1e-4", "0.5", "1", "7", "1e6"]))
def test_mp_mchn_energy_at_working_precision_matches_the_definition(inst, beta):
    """Regression (issue 13): at 15 digits, −LSE(β z)/β + (log d)/β lost every digit for a
    small β; the log-mean-exp form keeps ~14."""
    P, x = inst
    ref = naive_mchn(P, x, beta)
    got = te.mp_mchn_energy(P, x, mpmath.mpf(beta))  # default 15-digit precision
    scale = 1 + sum(v * v for v in x) + max(sum(v * v for v in r) for r in P)
    assert abs(got - ref) <= 1e-13 * scale, (got, ref)


def test_mp_mchn_energy_issue13_instance():
    """The issue's instance: torch.manual_seed(0); P = randn(4, 3), x = randn(3) (float64);
    the float64 kernel gave 4.604 at β = 1e-15 and 3.604 at β = 1e-300; the truth ~4.8129."""
    P = [
        [float.fromhex(h) for h in r]
        for r in [
            ["0x1.8a7eb8902be3ap+0", "-0x1.2c78a087c6feap-2", "-0x1.16e2920a70ee5p+1"],
            ["0x1.23096ca3e350dp-1", "-0x1.15a341987e136p+0", "-0x1.660a590b74404p+0"],
            ["0x1.9d06f4be0cd62p-2", "0x1.ad11c99ad2d18p-1", "-0x1.70428781da237p-1"],
            ["-0x1.9d0615c28c56fp-2", "-0x1.317a30b4235d8p-1", "0x1.74cf8b7023054p-3"],
        ]
    ]
    x = [
        float.fromhex(h)
        for h in ["-0x1.b69e0d630b475p-1", "0x1.19c131e7df150p+0", "-0x1.123955c471384p+0"]
    ]
    for beta in ("1e-15", "1e-300"):
        ref = naive_mchn(P, x, beta)
        assert abs(ref - mpmath.mpf("4.8129")) < 1e-4
        assert abs(te.mp_mchn_energy(P, x, mpmath.mpf(beta)) - ref) < 1e-13


@settings(max_examples=30)
@given(
    st.lists(st.floats(-50, 50), min_size=1, max_size=6),
    st.sampled_from(["1e-320", "1e-30", "0.01", "1", "100", "1e8"]),
)
def test_mp_neg_log_mean_exp_matches_definition(z, beta):
    with mpmath.workdps(800):
        b = mpmath.mpf(beta)
        ref = (mpmath.log(len(z)) - mpmath.log(mpmath.fsum(mpmath.exp(b * t) for t in z))) / b
    got = te.mp_neg_log_mean_exp(z, mpmath.mpf(beta))
    assert abs(got - ref) <= 1e-13 * (1 + max(abs(t) for t in z))
    assert min(z) - 1e-12 <= -got <= max(z) + 1e-12  # −ν is a mean: between min and max


@settings(max_examples=10)
@given(instances(max_d=3, max_n=2), st.sampled_from([sp.Rational(1, 2), 1, 3]))
def test_sympy_updates_match_mpmath(inst, beta):
    """mchn_update / cccp_step: the SymPy forms, evaluated, equal the mpmath twins."""
    P, x = inst
    with mpmath.workdps(30):
        for sym, mp in [
            (te.mchn_update(P, x, beta), te.mp_mchn_update(P, x, mpmath.mpf(beta))),
            (te.cccp_step(P, x), te.mp_cccp_step(P, x)),
        ]:
            for a, b in zip(sym, mp):
                assert abs(mpmath.mpf(str(sp.N(a, 30))) - b) < mpmath.mpf(10) ** -20


def test_mchn_update_fixed_point_is_stationary_point_of_mchn_energy():
    """∇E^MCHN_β(x) = x − x⁺: at β = 1, P = [[1], [-1]], x = tanh-fixed point 0."""
    x1 = sp.Symbol("x1", real=True)
    E = te.mchn_energy([[1], [-1]], [x1], 1)
    grad = sp.diff(E, x1)
    upd = te.mchn_update([[1], [-1]], [x1], 1)[0]
    diff = (grad - (x1 - upd)).rewrite(sp.log).rewrite(sp.exp)
    assert sp.simplify(diff) == 0


def test_symbolic_forms_render():
    Sy = te.SymbolicPatterns()
    assert r"\log" in sp.latex(te.distance_energy(Sy))
    assert r"\min_{i=1}^{d}" in sp.latex(te.nearest_neighbour(Sy))


def test_validation_messages():
    with pytest.raises(ValueError, match="same dimension"):
        te.as_patterns([[1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match="reading"):
        te.layer_energy([[0.0]], [0.0], "bogus")
    with pytest.raises(ValueError, match="beta"):
        te.mp_mchn_energy([[0.0]], [0.0], 0)
    with pytest.raises(ValueError, match="at least one"):
        te.mp_neg_log_mean_exp([], 1)
    with pytest.raises(ValueError, match="finite"):
        te.distance_energy([[float("nan")]], [0.0])
