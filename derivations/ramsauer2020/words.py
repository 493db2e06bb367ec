"""The vocabulary of the Ramsauer et al. pack (arXiv:2008.02217v3): one :class:`Word` per
object of the paper, with a SymPy, mpmath, torch and (where ball arithmetic applies) arb
implementation, registered on import.

Notation (the paper's, §1 of the spec): patterns x_1, …, x_N ∈ ℝ^d are the **rows** of ``P``
(the paper's X = Pᵀ has them as columns); ξ the state; β > 0;
p = softmax(βXᵀξ); f(ξ) = Xp (Eq. 3); E(ξ) = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M² (Eq. 2)
with M = maxᵢ‖xᵢ‖; J(ξ) = βX(diag p − ppᵀ)Xᵀ (Eq. 59); J_s = β(diag p − ppᵀ) (Lemma A20);
Jᵐ = ∫₀¹ J(λξ + (1−λ)y) dλ (Lemma A32); Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ (Eq. 5); m_x, m_max,
Δ_m the centre, spread and separation of the first l patterns (Lemmas A8–A12); xᵢ* the fixed
point of f near xᵢ (Lemma A7).

Generic implementations use only the back end's core words (``dot``, ``sqnorm``, ``lse``,
``softmax``, …), so one function serves SymPy (concrete), mpmath and arb. With display
arguments (:class:`~derivations.engine.VectorSymbol` s) the SymPy side returns a named
function, the rendered statement. The calculus words (gradients, derivatives, the
mean-value Jacobian, the fixed point) have their arb implementations in
:mod:`derivations.ramsauer2020.words_arb` (automatic differentiation, certified integration,
a certified enclosure); the backend-neutral helpers and the small words (norm, scores,
probabilities, update, energy) live in :mod:`derivations.ramsauer2020.words_core`.
"""

from __future__ import annotations

import functools

import mpmath
import sympy as sp

from derivations.engine import VectorSymbol, Word, register
from derivations.ramsauer2020.words_core import (  # noqa: F401 (re-exported)
    _disp,
    _energy_generic,
    _energy_gm,
    _energy_sym,
    _energy_torch,
    _idx,
    _norm_sym,
    _norm_torch,
    _probs,
    _scores,
    _update_generic,
    _update_sym,
    _update_torch,
    display_fn,
    is_torch,
    rows,
    vec,
)
from theory.energies import mchn_energy, mp_mchn_energy, mp_mchn_update

__all__ = ["WORDS", "rows", "is_torch", "vec", "display_fn"]


# ------------------------------------------------------------------ derivatives (no arb)


def _grad_sym(o, P, x, beta):
    if _disp(P, x):
        return display_fn("Grad", r"\nabla E\left(@1\right)")(P, x)
    t = sp.symbols(f"t0:{len(x)}", real=True)
    e = mchn_energy(P, list(t), beta)
    sub = dict(zip(t, x, strict=True))
    return [sp.diff(e, s).subs(sub, simultaneous=True) for s in t]


def _grad_mp(o, P, x, beta):
    out = []
    for k in range(len(x)):

        def f(s, k=k):
            w = list(x)
            w[k] = s
            return mp_mchn_energy(P, w, beta)

        out.append(mpmath.diff(f, x[k]))
    return out


def _grad_torch(o, P, x, beta):
    import torch

    import numerics.energies as ne

    w = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(ne.mchn_energy(P, w, float(beta)), w)
    return g


def _dsoftmax_sym(o, z, i, j, beta):
    t = sp.symbols(f"t0:{len(z)}", real=True)
    i, j = _idx(i), _idx(j)
    s = sp.exp(beta * t[i]) / sp.Add(*[sp.exp(beta * u) for u in t])
    return sp.diff(s, t[j]).subs(dict(zip(t, z, strict=True)), simultaneous=True)


def _dsoftmax_mp(o, z, i, j, beta):
    i, j = _idx(i), _idx(j)

    def f(s):
        w = list(z)
        w[j] = s
        return o.softmax(w, i, beta)

    return mpmath.diff(f, z[j])


def _dsoftmax_torch(o, z, i, j, beta):
    import torch

    import numerics.energies as ne

    w = z.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(ne.softmax(w, float(beta))[_idx(i)], w)
    return g[_idx(j)]


# --------------------------------------------------------------------- Jacobian norms


def _jac_entries(o, P, x, beta):
    """J = β(Σᵢ pᵢ xᵢxᵢᵀ − x̄x̄ᵀ), x̄ = Σ pᵢxᵢ (Eq. 59), as nested lists."""
    p = _probs(o, P, x, beta)
    R = rows(P)
    d = len(R[0])
    zero = o.num(0)
    bar = [sum((p[i] * R[i][k] for i in range(len(R))), zero) for k in range(d)]
    return [
        [
            beta * (sum((p[i] * R[i][k] * R[i][m] for i in range(len(R))), zero) - bar[k] * bar[m])
            for m in range(d)
        ]
        for k in range(d)
    ]


def _softmax_jac_entries(o, z, beta):
    """J_s = β(diag p − ppᵀ) (Lemma A20), as nested lists."""
    p = [o.softmax(z, k, beta) for k in range(len(z))]
    n = len(p)
    return [[beta * ((p[i] if i == j else 0) - p[i] * p[j]) for j in range(n)] for i in range(n)]


def _spec_sym(A):
    """The spectral norm of a symmetric SymPy matrix: |a| for size 1; for larger sizes an
    unevaluated function (no exact decision rests on a closed form SymPy cannot compare
    quickly; such an instance stays undecided rather than slow)."""
    if len(A) == 1:
        return sp.Abs(A[0][0])
    return display_fn("SpecNorm", r"\left\| @0 \right\|_2")(sp.ImmutableMatrix(A))


def _spec_mp(A):
    ev, _ = mpmath.eigsy(mpmath.matrix(A))
    return max(abs(e) for e in ev)


def _spec_arb(A):
    from derivations.ramsauer2020.words_arb import spectral_norm

    return spectral_norm(A)


def _spec_torch(A):
    import torch

    M = A if is_torch(A) else torch.stack([torch.stack(list(r)) for r in A])
    return torch.linalg.eigvalsh(M).abs().amax()


def _jnorm(spec):
    def impl(o, P, x, beta):
        if o.name == "sympy" and _disp(P, x):
            return display_fn("JNorm", r"\left\| J\left(@1\right) \right\|_2")(P, x)
        if o.name == "torch":
            import torch

            p = _probs(o, P, x, beta)
            bar = p @ P
            J = beta * ((P.T * p) @ P - torch.outer(bar, bar))
            return _spec_torch(J)
        return spec(_jac_entries(o, P, x, beta))

    return impl


def _xnorm2(spec):
    """‖X‖₂² = λ_max(Σᵢ xᵢxᵢᵀ)."""

    def impl(o, P):
        if o.name == "sympy" and _disp(P):
            return display_fn("XNorm", r"\left\| @0 \right\|_2^2")(P)
        if o.name == "torch":
            return _spec_torch(P.T @ P)
        R = rows(P)
        d = len(R[0])
        zero = o.num(0)
        G = [[sum((r[k] * r[m] for r in R), zero) for m in range(d)] for k in range(d)]
        return spec(G)

    return impl


def _sjnorm(spec):
    def impl(o, z, beta):
        if o.name == "sympy" and _disp(z):
            return display_fn("Js2", r"\left\|J_s\right\|_2")()
        if o.name == "torch":
            import torch

            import numerics.energies as ne

            p = ne.softmax(z, float(beta))
            return _spec_torch(beta * (torch.diag(p) - torch.outer(p, p)))
        return spec(_softmax_jac_entries(o, z, beta))

    return impl


def _sj_inf(o, z, beta):
    """‖J_s‖_∞ = maxᵢ Σⱼ |J_s[i, j]| (= ‖J_s‖₁, J_s symmetric), from the matrix entries."""
    if o.name == "sympy" and _disp(z):
        return display_fn("JsInf", r"\left\|J_s\right\|_\infty")()
    if o.name == "torch":
        import torch

        import numerics.energies as ne

        p = ne.softmax(z, float(beta))
        return (beta * (torch.diag(p) - torch.outer(p, p))).abs().sum(-1).amax()
    A = _softmax_jac_entries(o, z, beta)
    return o.max([sum((o.abs(t) for t in r), o.num(0)) for r in A])


# ------------------------------------------------ the mean-value Jacobian (Lemma A32)


def _jmean_mp(o, P, x, y, beta):
    """‖Jᵐ‖₂, Jᵐ = ∫₀¹ J(λx + (1−λ)y) dλ, each entry by mpmath quadrature (J cached by λ)."""

    @functools.cache
    def J(lam):
        z = [lam * a + (1 - lam) * b for a, b in zip(x, y, strict=True)]
        return _jac_entries(o, P, z, beta)

    d = len(x)
    A = [[mpmath.mpf(0)] * d for _ in range(d)]
    for k in range(d):
        for m in range(k, d):
            A[k][m] = A[m][k] = mpmath.quad(lambda t, k=k, m=m: J(t)[k][m], [0, 1])
    return _spec_mp(A)


_GL_NODES = 256


@functools.cache
def _gauss_legendre(n: int):
    """Gauss–Legendre nodes and weights on [−1, 1] (computed once: an n × n eigenproblem)."""
    import numpy as np

    return np.polynomial.legendre.leggauss(n)


def _jmean_torch(o, P, x, y, beta):
    """‖Jᵐ‖₂ by Gauss–Legendre quadrature with 256 nodes."""
    import torch

    t, w = _gauss_legendre(_GL_NODES)
    lam = torch.tensor((t + 1) / 2, dtype=P.dtype)
    wt = torch.tensor(w / 2, dtype=P.dtype)
    z = lam[:, None] * x + (1 - lam[:, None]) * y  # (G, d)
    p = torch.softmax(float(beta) * (z @ P.T), dim=-1)  # (G, N)
    bar = p @ P  # (G, d)
    second = torch.einsum("gi,ik,im->gkm", p, P, P)
    J = beta * (second - bar[:, :, None] * bar[:, None, :])
    return _spec_torch((wt[:, None, None] * J).sum(0))


def _jmean_sym(o, P, x, y, beta):
    """Displayed; on a concrete instance an unevaluated function (no closed form: no exact
    decision rests on it)."""
    f = display_fn("JmNorm", r"\left\| J^{m}\left(@1, @2\right) \right\|_2")
    if _disp(P, x, y) or isinstance(P, sp.Basic):
        return f(P, x, y)
    return f(sp.ImmutableMatrix(rows(P)), sp.ImmutableMatrix(list(x)), sp.ImmutableMatrix(list(y)))


# -------------------------------------------------------------- separation and centres


def _sep(o, P, i):
    """Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ (Eq. 5; needs N ≥ 2)."""
    if o.name == "sympy" and _disp(P):
        return display_fn("Sep", r"\Delta_{@1}")(P, i)
    R = rows(P)
    i = _idx(i)
    others = [o.dot(R[i], R[j]) for j in range(len(R)) if j != i]
    return o.dot(R[i], R[i]) - o.max(vec(o, others) if o.name == "torch" else others)


def _radius(o, P):
    """M = maxᵢ ‖xᵢ‖."""
    if o.name == "sympy" and _disp(P):
        return sp.Symbol("M", positive=True)
    sq = [o.sqnorm(r) for r in rows(P)]
    m = o.max(vec(o, sq) if o.name == "torch" else sq)
    if o.name == "sympy":
        return sp.sqrt(m)
    if o.name == "mpmath":
        return mpmath.sqrt(m)
    return m.nonnegative_part().sqrt() if o.name == "arb" else m.sqrt()


def _centre(o, P, l):
    """m_x = (1/l) Σ_{i≤l} xᵢ (Lemmas A8–A12; l = N gives Lemma A3's centre)."""
    if o.name == "sympy" and _disp(P):
        return VectorSymbol("m_x", real=True)
    R = rows(P)[: _idx(l)]
    if is_torch(R[0]):
        import torch

        return torch.stack(R).mean(0)
    return [sum((r[k] for r in R), o.num(0)) / len(R) for k in range(len(R[0]))]


def _spread(o, P, l):
    """m_max = max_{i≤l} ‖xᵢ − m_x‖."""
    if o.name == "sympy" and _disp(P):
        return sp.Symbol(r"m_{\max}", positive=True)
    c = _centre(o, P, l)
    d = [o.hf_norm(o.vadd(r, o.vscale(-1, c))) for r in rows(P)[: _idx(l)]]
    return o.max(vec(o, d) if o.name == "torch" else d)


def _msep(o, P, l):
    """Δ_m = m_xᵀm_x − max_{j>l} m_xᵀxⱼ (needs l < N)."""
    if o.name == "sympy" and _disp(P):
        return sp.Symbol(r"\Delta_m")
    c = _centre(o, P, l)
    others = [o.dot(c, r) for r in rows(P)[_idx(l) :]]
    return o.dot(c, c) - o.max(vec(o, others) if o.name == "torch" else others)


# ---------------------------------------------------------------- the fixed point xᵢ*

_FP_MAX_STEPS = 4000


def _fixed_mp(o, P, x0, beta):
    """f iterated from x0 until a step changes no entry beyond the working precision."""
    x = list(x0)
    eps = mpmath.mpf(10) ** (-(mpmath.mp.dps - 2))
    for _ in range(_FP_MAX_STEPS):
        nxt = mp_mchn_update(P, x, beta)
        if max(abs(a - b) for a, b in zip(nxt, x)) <= eps * (1 + max(abs(a) for a in nxt)):
            return nxt
        x = nxt
    return x


def _fixed_torch(o, P, x0, beta):
    """f iterated from x0 until a step moves no entry by more than 8 units in the last place
    (float32 iterates can cycle in the last bits; equality is not awaited)."""
    import torch

    import numerics.energies as ne

    x = x0
    eps = 8 * torch.finfo(P.dtype).eps
    for _ in range(_FP_MAX_STEPS):
        nxt = ne.mchn_update(P, x, float(beta))
        if bool(((nxt - x).abs() <= eps * (1 + x.abs())).all()):
            return nxt
        x = nxt
    return x


def _fixed_sym(o, P, x0, beta):
    if _disp(P):
        return VectorSymbol(r"x_{i}^{*}", real=True)
    # no closed form: unevaluated coordinates, so no exact decision ever rests on a guess
    args = [t for r in rows(P) for t in r] + list(x0) + [beta]
    return [sp.Function(f"x^*_{k + 1}")(*args) for k in range(len(x0))]


# ---------------------------------------------------------------- scalar functions


def _lambertw_torch(o, x, k):
    import scipy.special
    import torch

    return torch.tensor(scipy.special.lambertw(float(x), int(k)).real, dtype=o.dtype)


def _gamma_ratio_torch(o, a, b):
    import torch

    a, b = (torch.as_tensor(t, dtype=o.dtype) for t in (a, b))
    return torch.exp(torch.lgamma(a) - torch.lgamma(b))


_ARB = "derivations.ramsauer2020.words_arb"

WORDS = (
    Word(
        "hf_norm",
        "‖a‖, the Euclidean norm",
        _norm_sym,
        lambda o, a: mpmath.sqrt(mpmath.fsum(t * t for t in a)),
        _norm_torch,
        # a sum of squares is ≥ 0: its ball's negative part is discarded (a difference of two
        # equal balls, e.g. xᵢ* − xᵢ for identical patterns, straddles 0, and √ gave NaN)
        lambda o, a: sum((t * t for t in a[1:]), a[0] * a[0]).nonnegative_part().sqrt(),
    ),
    Word(
        "hf_update",
        "f(ξ) = X softmax(βXᵀξ) (Eq. 3)",
        _update_sym,
        lambda o, P, x, beta: mp_mchn_update(P, x, beta),
        _update_torch,
        _update_generic,
    ),
    Word(
        "hf_energy",
        "E(ξ) = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M² (Eq. 2)",
        _energy_sym,
        lambda o, P, x, beta: mp_mchn_energy(P, x, beta),
        _energy_torch,
        _energy_generic,
    ),
    Word(
        "hf_energy_gm",
        "E as −β⁻¹ ln of a Gaussian mixture (Eq. 2, appendix Eqs. 13–15)",
        _energy_gm,
        _energy_gm,
        _energy_gm,
        _energy_gm,
    ),
    Word(
        "hf_grad",
        "∇E(ξ) by differentiation of Eq. 2 (SymPy diff, mpmath diff, autograd)",
        _grad_sym,
        _grad_mp,
        _grad_torch,
        f"{_ARB}:grad_energy",
    ),
    Word(
        "hf_dsoftmax",
        "∂softmax(βz)ᵢ/∂zⱼ by differentiation",
        _dsoftmax_sym,
        _dsoftmax_mp,
        _dsoftmax_torch,
        f"{_ARB}:dsoftmax",
    ),
    Word(
        "hf_jnorm",
        "‖J(ξ)‖₂, J = βX(diag p − ppᵀ)Xᵀ (Eq. 59)",
        _jnorm(_spec_sym),
        _jnorm(_spec_mp),
        _jnorm(None),
        _jnorm(_spec_arb),
    ),
    Word(
        "hf_xnorm2",
        "‖X‖₂², the squared spectral norm of the pattern matrix",
        _xnorm2(_spec_sym),
        _xnorm2(_spec_mp),
        _xnorm2(None),
        _xnorm2(_spec_arb),
    ),
    Word(
        "hf_sjnorm",
        "‖J_s‖₂, J_s = β(diag p − ppᵀ) (Lemma A20)",
        _sjnorm(_spec_sym),
        _sjnorm(_spec_mp),
        _sjnorm(None),
        _sjnorm(_spec_arb),
    ),
    Word(
        "hf_sjinf",
        "‖J_s‖_∞ = ‖J_s‖₁ (max row sum of |entries|)",
        _sj_inf,
        _sj_inf,
        _sj_inf,
        _sj_inf,
    ),
    Word(
        "hf_jmean_norm",
        "‖Jᵐ‖₂, Jᵐ = ∫₀¹ J(λξ + (1−λ)y) dλ (Lemma A32)",
        _jmean_sym,
        _jmean_mp,
        _jmean_torch,
        f"{_ARB}:jmean_norm",
    ),
    Word("hf_sep", "Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ (Eq. 5)", _sep, _sep, _sep, _sep),
    Word("hf_radius", "M = maxᵢ ‖xᵢ‖", _radius, _radius, _radius, _radius),
    Word(
        "hf_spread",
        "m_max = max_{i≤l} ‖xᵢ − m_x‖ (Lemmas A3, A8–A12)",
        _spread,
        _spread,
        _spread,
        _spread,
    ),
    Word(
        "hf_msep", "Δ_m = m_xᵀm_x − max_{j>l} m_xᵀxⱼ (Lemmas A10–A12)", _msep, _msep, _msep, _msep
    ),
    Word("hf_centre", "m_x = (1/l) Σ_{i≤l} xᵢ", _centre, _centre, _centre, _centre),
    Word(
        "hf_fixed",
        "the fixed point of f reached by iterating from x₀ (xᵢ*: x₀ = xᵢ, "
        "Lemma A7; the metastable point: x₀ = m_x, Lemma A12)",
        _fixed_sym,
        _fixed_mp,
        _fixed_torch,
        f"{_ARB}:fixed_point",
    ),
    Word(
        "hf_cos",
        "cos x",
        lambda o, x: sp.cos(x),
        lambda o, x: mpmath.cos(x),
        lambda o, x: x.cos(),
        lambda o, x: x.cos(),
    ),
    Word(
        "hf_lambertw",
        "W_k(x), the Lambert W function (k = 0 or −1)",
        lambda o, x, k: sp.LambertW(x, _idx(k)),
        lambda o, x, k: mpmath.lambertw(x, _idx(k)).real,
        _lambertw_torch,
        lambda o, x, k: x.lambertw(_idx(k)),
    ),
    Word(
        "hf_gamma_ratio",
        "Γ(a)/Γ(b), a, b > 0 (κ_d, Lemma A13; C_d, Lemma A16): in floating point as "
        "exp(ln Γ(a) − ln Γ(b)), finite where Γ(a) alone overflows",
        lambda o, a, b: sp.gamma(a) / sp.gamma(b),
        lambda o, a, b: mpmath.exp(mpmath.loggamma(a) - mpmath.loggamma(b)),
        _gamma_ratio_torch,
        lambda o, a, b: o.num(a).gamma() / o.num(b).gamma(),
    ),
)

register(*WORDS)
