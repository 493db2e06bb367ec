"""The vocabulary on every back end (issue 11): every default word and every core word gives
the same value in SymPy, mpmath, torch and arb (the arb ball contains the 40-digit value);
β reaches softmax and grad_lse everywhere; integer and matrix parameters load correctly in
each back end."""

from __future__ import annotations

import subprocess
import sys

import flint
import mpmath
import pytest
import sympy as sp
import torch

from derivations.engine import ARB, MP, SYM, Instance, vocabulary
from derivations.engine.backends import BACKENDS
from derivations.engine.exact_backend import EXACT
from derivations.engine.torch_backend import TorchOps

T64 = TorchOps(torch.float64)
INST = Instance.make(
    patterns=[[1.0, 2.0], [3.0, -4.0], [0.5, 0.25]],
    x=[0.5, -0.75],
    n=7.0,
    r=1.5,
    s=2.5,
    beta=0.7,
    z=[0.5, -1.0, 2.0],
)

#: One call per word (and core word), as a statement would write it.
CALLS = {
    "count": lambda o, v: o.count(v.P),
    "sqnorms": lambda o, v: o.sqnorms(v.P)[1],
    "max_sqnorm": lambda o, v: o.max_sqnorm(v.P),
    "min_sqnorm": lambda o, v: o.min_sqnorm(v.P),
    "dists": lambda o, v: o.dists(v.P, v.x)[2],
    "nn": lambda o, v: o.nn(v.P, v.x),
    "energy": lambda o, v: o.energy(v.P, v.x),
    "mchn": lambda o, v: o.mchn(v.P, v.x, v.beta),
    "mchn_update": lambda o, v: o.mchn_update(v.P, v.x, v.beta)[1],
    "layer_energy": lambda o, v: o.layer_energy(v.P, v.x, "printed", o.num(2)),
    "global_energy": lambda o, v: o.global_energy([o.energy(v.P, v.x), o.nn(v.P, v.x)]),
    "dc_argument": lambda o, v: o.dc_argument(v.P, v.x)[2],
    "cccp_step": lambda o, v: o.cccp_step(v.P, v.x)[0],
    "pi": lambda o, v: o.pi(),
    "gamma": lambda o, v: o.gamma(v.s),
    "loggamma": lambda o, v: o.loggamma(v.n),
    "lowergamma": lambda o, v: o.lowergamma(v.s, v.r),
    "log_lowergamma": lambda o, v: o.log_lowergamma(v.n, v.r),
    "erf": lambda o, v: o.erf(v.r),
    "lambertw": lambda o, v: o.lambertw(v.s),
    "ball_volume": lambda o, v: o.ball_volume(v.n, v.r),
    "log_ball_volume": lambda o, v: o.log_ball_volume(v.n, v.r),
    "ball_integral": lambda o, v: o.ball_integral(v.n, v.r, "sq"),
    "log_ball_integral": lambda o, v: o.log_ball_integral(v.n, v.r, "plain"),
    "r_star": lambda o, v: o.r_star(v.n),
    # core words
    "num": lambda o, v: o.num(0.25),
    "log": lambda o, v: o.log(v.r),
    "exp": lambda o, v: o.exp(v.r),
    "abs": lambda o, v: o.abs(v.x[1]),
    "max": lambda o, v: o.max(v.z),
    "min": lambda o, v: o.min(v.z),
    "length": lambda o, v: o.length(v.z),
    "vadd": lambda o, v: o.vadd(v.x, v.x)[1],
    "vscale": lambda o, v: o.vscale(v.r, v.x)[0],
    "inf_norm": lambda o, v: o.inf_norm(v.x),
    "dot": lambda o, v: o.dot(v.x, v.x),
    "sqnorm": lambda o, v: o.sqnorm(v.z),
    "lse": lambda o, v: o.lse(v.z),
    "lse_beta": lambda o, v: o.lse(v.z, v.beta),
    "softmax_beta": lambda o, v: o.softmax(v.z, 1, v.beta),
    "grad_lse_beta": lambda o, v: o.grad_lse(v.z, 2, v.beta),
}


def _value(ops, call):
    out = call(ops, ops.load(INST))
    if ops is SYM:
        return mpmath.mpf(sp.N(out, 40))
    if ops is ARB:
        return out
    if ops is MP:
        return mpmath.mpf(out)
    return mpmath.mpf(float(out))


def test_every_default_word_has_every_back_end():
    vocab = vocabulary()
    for name, w in vocab.items():
        missing = [b for b in BACKENDS if b != "exact" and w.impl(b) is None]
        if name.startswith("test_"):  # test words registered by other tests
            continue
        assert not missing, f"word {name!r} lacks {missing}"
    # every word of the default vocabulary (loaded alone, in a fresh interpreter: packs
    # imported by other tests add their own words) has a call below
    out = subprocess.run(
        [sys.executable, "-c", "from derivations.engine import vocabulary; print(*vocabulary())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out and set(CALLS) >= set(out), set(out) - set(CALLS)


@pytest.mark.parametrize("name", list(CALLS))
def test_word_agrees_on_every_back_end(name):
    call = CALLS[name]
    with mpmath.workdps(40):
        ref = _value(SYM, call)
        mp = _value(MP, call)
    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        ball = _value(ARB, call)
    finally:
        flint.ctx.prec = old
    tv = _value(T64, call)
    with mpmath.workdps(40):
        scale = 1 + abs(ref)
        assert abs(mp - ref) <= mpmath.mpf("1e-25") * scale
        assert abs(tv - ref) <= 1e-12 * scale, (name, tv, ref)
        mid = mpmath.mpf(ball.mid().str(45, radius=False))
        rad = mpmath.mpf(ball.rad().str(5, radius=False))
        assert abs(mid - ref) <= 2 * rad + mpmath.mpf("1e-36") * scale, (name, ball, ref)


def test_beta_reaches_softmax_and_grad_lse_on_every_back_end():
    for ops in (SYM, MP, T64, ARB, EXACT):
        v = ops.load(INST)
        one = float(sp.N(ops.softmax(v.z, 1, 1))) if ops is SYM else float(ops.softmax(v.z, 1, 1))
        beta = ops.softmax(v.z, 1, v.beta)
        beta = float(sp.N(beta)) if ops is SYM else float(beta)
        assert abs(one - beta) > 1e-3, ops.name  # β = 0.7 changes the weights
        g = ops.grad_lse(v.z, 1, v.beta)
        g = float(sp.N(g)) if ops is SYM else float(g)
        assert abs(g - beta) < 1e-12, ops.name  # ∂LSE(β, z)/∂z_k = softmax(βz)_k


def test_integer_parameters_index_and_divide_exactly_on_every_back_end():
    inst = Instance.make(z=[0.5, -1.0, 2.0], k=2, m=7)
    for ops in (SYM, MP, T64, ARB, EXACT):
        v = ops.load(inst)
        assert float(v.z[v.k]) == 2.0, ops.name  # an index
        half = v.m / 2
        third = v.m / 3
        if ops is SYM:
            assert half == sp.Rational(7, 2) and third == sp.Rational(7, 3)
        elif ops is ARB:
            assert half.is_exact() and half == flint.arb(3.5)  # a ball, not a rounded float
            assert (third * 3 - 7).contains(0) and third.rad() < 1e-15
        else:
            assert float(half) == 3.5
        assert float(ops.softmax(v.z, v.k)) > 0.5


def test_matrix_parameters_load_as_matrices_on_every_back_end():
    inst = Instance.make(M=[[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]], x=[0.5, 0.5])
    vals = {}
    for ops in (SYM, MP, T64, ARB, EXACT):
        v = ops.load(inst)
        M = v.M
        if ops is SYM:
            assert isinstance(M, sp.MatrixBase) and M.shape == (3, 2)
        elif ops is T64:
            assert tuple(M.shape) == (3, 2)
        else:
            assert len(M) == 3 and all(len(r) == 2 for r in M)
        out = ops.nn(M, v.x)
        vals[ops.name] = float(sp.N(out)) if ops is SYM else float(out)
        count = ops.count(M)
        assert float(sp.N(count) if ops is SYM else count) == 3
    assert len(set(vals.values())) == 1, vals
