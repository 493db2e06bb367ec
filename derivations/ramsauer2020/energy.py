"""§2 and A.1.1–A.1.3 of Ramsauer et al. (arXiv:2008.02217v3): the energy (Eq. 2), its
bounds (main text and Lemma A1), the update (Eq. 3), global convergence (Theorems 1–2).

Notation: patterns x_1…x_N rows of P (X = Pᵀ); ξ the state; E (Eq. 2); f(ξ) = X softmax(βXᵀξ)
(Eq. 3); M = maxᵢ‖xᵢ‖; m_x = (1/N)Σᵢxᵢ; the simplex = {Σᵢpᵢxᵢ : pᵢ ≥ 0, Σpᵢ = 1}.
"""

from __future__ import annotations

from derivations.engine import Claim, Rel
from derivations.ramsauer2020 import domains as D
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import more_proofs as MP
from derivations.ramsauer2020.common import (
    count,
    display,
    dist,
    dshow,
    implies,
    is_display,
    rows,
)
from derivations.ramsauer2020.words import is_torch
from theory.indexed import PatternSet

SECTION = "energy"


def _E(o, v, x=None):
    return o.hf_energy(v.P, v.x if x is None else x, v.beta)


def _f(o, v, x=None):
    return o.hf_update(v.P, v.x if x is None else x, v.beta)


def _M(o, v):
    return o.hf_radius(v.P)


def simplex_point(o, v):
    """ξ = Σᵢ wᵢxᵢ / Σᵢ wᵢ (in the simplex exactly, in every back end's arithmetic)."""
    if is_display(v):
        return v.x
    if is_torch(v.P):
        return (v.w @ v.P) / v.w.sum()
    R = rows(v.P)
    tot = sum(v.w[1:], v.w[0])
    return [
        sum((v.w[i] * R[i][k] for i in range(len(R))), o.num(0)) / tot for k in range(len(R[0]))
    ]


def ball_point(o, v):
    """ξ scaled into the ball ‖ξ‖ ≤ M: ξ·s·min(1, M/‖ξ‖), s = ``v.s`` ∈ [0, 1]."""
    if is_display(v):
        return v.x
    n = o.hf_norm(v.x)
    M = _M(o, v)
    t = v.s if not bool(n > M) else v.s * M / n
    return o.vscale(t, v.x)


# ------------------------------------------------------------------------- Eq. 2


def eq2_statement(o, v):
    """Eq. 2 equals its Gaussian-mixture form (appendix Eqs. 13–15)."""
    if EP.symbolic(v):
        return EP.eq2(o, v)
    return [Rel(_E(o, v), "==", o.hf_energy_gm(v.P, v.x, v.beta), "E = E_GM")]


def eq2_gradient_statement(o, v):
    """∇E(ξ) = ξ − f(ξ): fixed points of f are the stationary points of E."""
    if EP.symbolic(v):
        return EP.eq2_gradient(o, v)
    g = o.hf_grad(v.P, v.x, v.beta)
    f = _f(o, v)
    if is_display(v):
        return [Rel(g, "==", v.x - f, "∇E = ξ − f(ξ)")]
    return [Rel(g[k], "==", v.x[k] - f[k], f"∂E/∂ξ_{k + 1}") for k in range(len(f))]


def bound_statement(point):
    """0 ≤ E(ξ) ≤ 2M² at ξ = point(v)."""

    def statement(o, v):
        if EP.symbolic(v):
            return MP.simplex_bounds(o, v) if hasattr(v, "w") else EP.bounds(o, v)
        x = point(o, v)
        E = _E(o, v, x)
        return [Rel(o.num(0), "<=", E, "0 ≤ E"), Rel(E, "<=", 2 * _M(o, v) ** 2, "E ≤ 2M²")]

    return statement


def ball_bound_statement(o, v):
    """0 ≤ E ≤ 2M² at a point of the ball ‖ξ‖ ≤ M (:func:`ball_point`); the bounds at ξ
    itself where the checker compares the hypothesis ‖ξ‖ ≤ M on its own
    (``assume_hypotheses``)."""
    if EP.symbolic(v):
        return MP.ball_bounds(o, v)
    if getattr(v, "assume_hypotheses", False):
        return bound_statement(lambda o_, v_: v_.x)(o, v)
    x = ball_point(o, v)
    hyp = None if is_display(v) else o.hf_norm(x) <= _M(o, v)
    return implies(o, hyp, bound_statement(ball_point)(o, v))


def a1a_sharp_statement(o, v):
    """The proof of Lemma A1 (a) for every pattern i: E(ξ) ≥ ½‖ξ − xᵢ‖² − (maxⱼ ξᵀxⱼ − ξᵀxᵢ);
    at the paper's x_ξ = argmaxᵢ ξᵀxᵢ the bracket is 0, E(ξ) ≥ ½‖ξ − x_ξ‖². On an instance
    that names its pattern i (the derivation's statement written out, relabelled for each i)
    that i; the searched instances name none, so the search takes the paper's argmax."""
    if EP.symbolic(v):
        return EP.a1a(o, v)
    label = "E ≥ ½‖ξ − xᵢ‖² − (maxⱼ ξᵀxⱼ − ξᵀxᵢ)"
    if is_display(v):
        pat, mx = v.pat, dshow("MAXS", r"\max_{j} \xi^{T} x_{j}")
        gap = mx - dshow("SI", r"\xi^{T} x_{i}")
        return [Rel(_E(o, v), ">=", o.hf_norm(v.x - pat) ** 2 / 2 - gap, label)]
    R = rows(v.P)
    s = [o.dot(r, v.x) for r in R]
    top = o.max(s)
    i = int(v.i) if hasattr(v, "i") else max(range(len(R)), key=lambda k: float(s[k]))
    return [Rel(_E(o, v), ">=", dist(o, v.x, R[i]) ** 2 / 2 - (top - s[i]), label)]


def a1b_statement(sharp: bool):
    """ξ in the simplex: E ≤ β⁻¹ ln N + ½M² (− ½‖ξ‖² in the proof's sharper form)."""

    def statement(o, v):
        if EP.symbolic(v):
            return MP.a1b(o, v, sharp)
        x = simplex_point(o, v)
        rhs = o.log(count(o, v.P)) / v.beta + _M(o, v) ** 2 / 2
        if sharp:
            rhs = rhs - o.hf_norm(x) ** 2 / 2
        return [Rel(_E(o, v, x), "<=", rhs, "E ≤ β⁻¹ ln N + ½M²" + (" − ½‖ξ‖²" if sharp else ""))]

    return statement


# ------------------------------------------------------------------------- Eq. 3, Theorems 1–2


def eq3_statement(o, v, formula: bool = True):
    """‖f(ξ)‖ ≤ M and f(ξ) = X softmax(βXᵀξ) (the vocabulary word against the core
    softmax; ``formula=False``: the bound alone)."""
    if EP.symbolic(v):
        return MP.eq3(o, v, formula)
    f = _f(o, v)
    out = [Rel(o.hf_norm(f), "<=", _M(o, v), "‖f(ξ)‖ ≤ M")]
    if is_display(v) or not formula:
        return out
    R = rows(v.P)
    z = [o.dot(r, v.x) for r in R]
    p = [o.softmax(z, i, v.beta) for i in range(len(R))]
    for k in range(len(R[0])):
        alt = sum((p[i] * R[i][k] for i in range(len(R))), o.num(0))
        out.append(Rel(f[k], "==", alt, f"f(ξ)_{k + 1} = (X softmax(βXᵀξ))_{k + 1}"))
    return out


def thm1_statement(o, v):
    """One step of Eq. 3 does not increase E (the CCCP descent)."""
    if EP.symbolic(v):
        return EP.thm1(o, v)
    return [Rel(_E(o, v, _f(o, v)), "<=", _E(o, v), "E(f(ξ)) ≤ E(ξ)")]


def decrease_statement(denominator: int):
    """E(ξ) − E(f(ξ)) ≥ ‖ξ − f(ξ)‖²/denominator (2: the proof's Eq. 54 surrogate gap)."""

    def statement(o, v):
        if EP.symbolic(v):
            return EP.decrease(o, v, denominator)
        f = _f(o, v)
        gap = _E(o, v) - _E(o, v, f)
        rhs = dist(o, v.x, f) ** 2 / o.num(denominator)
        return [Rel(gap, ">=", rhs, f"E(ξ) − E(f(ξ)) ≥ ‖ξ − f(ξ)‖²/{denominator}")]

    return statement


# ------------------------------------------------------------------------- Eq. 10


def _matmul(o, A, B):
    """A·B for SymPy matrices, torch tensors or nested lists."""
    if hasattr(A, "shape") and not isinstance(A, list):
        return A * B if not is_torch(A) else A @ B
    cols = [[r[k] for r in B] for k in range(len(B[0]))]
    return [[o.dot(r, c) for c in cols] for r in A]


def _matvec_t(o, W, u):
    """Wᵀu (W given by rows) as a vector of the back end."""
    R = rows(W)
    out = [sum((u[a] * R[a][k] for a in range(len(R))), o.num(0)) for k in range(len(R[0]))]
    if o.name == "torch":
        import torch

        return torch.stack(out)
    return out


def eq10_statement(o, v):
    """Z = softmax(QKᵀ/√d_k)V, row by row, equals (X softmax(βXᵀξ))ᵀW_V with β = 1/√d_k,
    xᵢ = W_Kᵀyᵢ, ξ = W_Qᵀr, V = YW_KW_V (Eq. 10): the left side by matrix products
    (Q = RW_Q, K = YW_K, V = Y(W_KW_V)), the right side pattern by pattern and state by state
    (xᵢ = W_Kᵀyᵢ, ξ = W_Qᵀr, then Eq. 3, then ·W_V)."""
    if is_display(v):
        import sympy as sp

        lhs = sp.Symbol(r"\operatorname{softmax}\left(Q K^{T} / \sqrt{d_k}\right) V")
        rhs = sp.Symbol(
            r"\left(X \operatorname{softmax}\left(\beta X^{T} \xi\right)\right)^{T} W_V"
        )
        return [Rel(lhs, "==", rhs, "Eq. 10")]
    if isinstance(v.Y, PatternSet):
        return EP.eq10(o, v)
    beta = _inv_sqrt_dk(o, v)
    return _eq10_rels(o, v, beta, beta)


def _inv_sqrt_dk(o, v):
    dk = len(rows(v.WK)[0])
    if o.name == "sympy":
        return 1 / o.num(dk) ** (o.num(1) / 2)
    return 1 / o.num(dk) ** o.num(0.5)


def _eq10_rels(o, v, beta, beta_hopfield):
    Q, K = _matmul(o, v.R, v.WQ), _matmul(o, v.Y, v.WK)
    V = _matmul(o, v.Y, _matmul(o, v.WK, v.WV))
    Kr, Vr = rows(K), rows(V)
    X = [_matvec_t(o, v.WK, y) for y in rows(v.Y)]
    P = _stack(o, X)
    out = []
    for s, (qs, r) in enumerate(zip(rows(Q), rows(v.R))):
        z = [o.dot(qs, k) for k in Kr]
        p = [o.softmax(z, i, beta) for i in range(len(Kr))]
        xi = _matvec_t(o, v.WQ, r)
        zs = [o.dot(xr, xi) for xr in rows(P)]
        ps = [o.softmax(zs, i, beta_hopfield) for i in range(len(zs))]
        f = [sum((ps[i] * rows(P)[i][k] for i in range(len(ps))), o.num(0)) for k in range(len(xi))]
        fW = [
            sum((f[a] * rows(v.WV)[a][c] for a in range(len(f))), o.num(0))
            for c in range(len(Vr[0]))
        ]
        for c in range(len(Vr[0])):
            zc = sum((p[i] * Vr[i][c] for i in range(len(Vr))), o.num(0))
            out.append(Rel(zc, "==", fW[c], f"Z[{s + 1}, {c + 1}]"))
    return out


def _stack(o, X):
    if o.name == "torch":
        import torch

        return torch.stack(X)
    if o.name == "sympy":
        import sympy as sp

        return sp.Matrix(X)
    return X


def eq10_wrong(o, v):
    """The Hopfield side with β = 1/d_k in place of 1/√d_k."""
    return _eq10_rels(o, v, _inv_sqrt_dk(o, v), 1 / o.num(len(rows(v.WK)[0])))


# ------------------------------------------------------------------------- the claims


#: What the derivations on the simplex cover (:mod:`derivations.ramsauer2020.more_proofs`).
OPEN = (
    " (searched on the closed simplex, vertices and edges included; the derivation covers the"
    " open simplex, every pᵢ > 0, for every N and d: on the boundary the statement rests on"
    " the search and on E's continuity, which the kernel does not check)"
)


def claims() -> list[Claim]:
    H = D.hopfield
    ineq, ident = "inequality", "identity"
    pat = "patterns x_1…x_N ∈ ℝ^d (N ≥ 1), ξ ∈ ℝ^d, β > 0"
    return [
        Claim(
            "eq2",
            "§2, Eq. (2); appendix Eqs. (13)–(15)",
            "the energy equals its Gaussian-mixture form",
            ident,
            pat,
            eq2_statement,
            lambda: D.dyadic(),
            display,
            EP.eq2_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(_E(o, v), "==", o.hf_energy_gm(v.P, v.x, v.beta) + o.log(count(o, v.P)))
                ]
            ),
        ),
        Claim(
            "eq2/gradient",
            "§2, Eq. (2) with Eq. (3)",
            "∇E(ξ) = ξ − f(ξ): the update's fixed points are E's stationary points",
            ident,
            pat,
            eq2_gradient_statement,
            lambda: D.dyadic(),
            display,
            EP.eq2_gradient_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_grad(v.P, v.x, v.beta)[0], "==", v.x[0] - _f(o, v, v.x)[0] / 2)
                ]
            ),
        ),
        Claim(
            "eq2/bound",
            "§2, the sentence after Eq. (2)",
            "as printed in the main text: 0 ≤ E ≤ 2M², with no domain stated for ξ",
            ineq,
            pat,
            bound_statement(lambda o, v: v.x),
            lambda: H(),
            display,
            wrong=dict(statement=lambda o, v: [Rel(_E(o, v), "<", o.num(0), "E < 0")]),
        ),
        Claim(
            "eq2/bound/simplex",
            "§2, the sentence after Eq. (2), with Lemma A1's hypothesis",
            "with ξ in the patterns' simplex (Lemma A1's domain): 0 ≤ E ≤ 2M²",
            ineq,
            pat + "; ξ = Σᵢ pᵢxᵢ, pᵢ ≥ 0, Σpᵢ = 1" + OPEN,
            bound_statement(simplex_point),
            lambda: D.simplex(),
            display,
            MP.simplex_bounds_derivation,
            MP.simplex_sizes,
            wrong=dict(
                statement=lambda o, v: [Rel(_E(o, v, simplex_point(o, v)), "<=", _M(o, v) ** 2 / 4)]
            ),
        ),
        Claim(
            "eq2/bound/ball",
            "§2, the sentence after Eq. (2); the proof of Lemma A1(c)",
            "with ‖ξ‖ ≤ M (all the proof of Lemma A1(c) uses): 0 ≤ E ≤ 2M²",
            ineq,
            pat + "; ‖ξ‖ ≤ M (derivation: for every N and d, the closed ball)",
            ball_bound_statement,
            lambda: H(ball=True),
            display,
            MP.ball_bounds_derivation,
            EP.sizes,
            hypotheses=MP.ball_hypotheses,
            wrong=dict(
                statement=lambda o, v: [Rel(_E(o, v, ball_point(o, v)), "<=", _M(o, v) ** 2 / 4)]
            ),
        ),
        Claim(
            "lemma-a1",
            "App. A.1.1, Lemma A1 (a), Eq. (16)",
            "(a) 0 ≤ E for every ξ",
            ineq,
            pat,
            lambda o, v: bound_statement(lambda o_, v_: v_.x)(o, v)[:1],
            lambda: H(),
            display,
            EP.a1_derivation,
            EP.sizes,
            wrong=dict(statement=lambda o, v: [Rel(o.num(0), "<", _E(o, v))]),
        ),
        Claim(
            "lemma-a1/a-proof",
            "App. A.1.1, proof of Lemma A1 (a)",
            "the proof's bound E(ξ) ≥ ½‖ξ − x_ξ‖², x_ξ = argmaxᵢ ξᵀxᵢ; for every pattern i, "
            "E(ξ) ≥ ½‖ξ − xᵢ‖² − (maxⱼ ξᵀxⱼ − ξᵀxᵢ), the bracket 0 at x_ξ",
            ineq,
            pat + " (derivation: for every N and d, for the first pattern, and for every "
            "pattern i, x_ξ among them, by relabelling the patterns, the kernel's relabel rule)",
            a1a_sharp_statement,
            lambda: H(),
            display,
            EP.a1a_derivation,
            lambda: [EP.a1a_space()],
            wrong=dict(
                statement=lambda o, v: [
                    Rel(_E(o, v), ">=", min(dist(o, v.x, r) for r in rows(v.P)) ** 2)
                ]
            ),
        ),
        Claim(
            "lemma-a1/b",
            "App. A.1.1, Lemma A1 (b), Eq. (17)",
            "(b) ξ in the simplex: E ≤ β⁻¹ ln N + ½M²",
            ineq,
            pat + "; ξ in the simplex" + OPEN,
            a1b_statement(False),
            lambda: D.simplex(),
            display,
            MP.a1b_derivation,
            MP.simplex_sizes,
            wrong=dict(
                statement=lambda o, v: [Rel(_E(o, v, simplex_point(o, v)), "<=", _M(o, v) ** 2 / 2)]
            ),
        ),
        Claim(
            "lemma-a1/b-proof",
            "App. A.1.1, proof of Lemma A1 (b)",
            "the proof's form: E ≤ β⁻¹ ln N + ½M² − ½‖ξ‖² (ξ in the simplex)",
            ineq,
            pat + "; ξ in the simplex" + OPEN,
            a1b_statement(True),
            lambda: D.simplex(),
            display,
            MP.a1b_proof_derivation,
            MP.simplex_sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(
                        _E(o, v, simplex_point(o, v)),
                        "<=",
                        _M(o, v) ** 2 / 2 - o.hf_norm(simplex_point(o, v)) ** 2 / 2,
                    )
                ]
            ),
        ),
        Claim(
            "lemma-a1/c",
            "App. A.1.1, Lemma A1 (c), Eq. (18)",
            "(c) ξ in the simplex: E ≤ 2M²",
            ineq,
            pat + "; ξ in the simplex" + OPEN,
            lambda o, v: bound_statement(simplex_point)(o, v)[1:],
            lambda: D.simplex(),
            display,
            MP.a1c_derivation,
            MP.simplex_sizes,
            wrong=dict(
                statement=lambda o, v: bound_statement(lambda o_, v_: v_.x)(o, v)[1:],
                domain=lambda: H(),
            ),
        ),
        Claim(
            "eq3",
            "§2, Eq. (3); appendix Eqs. (28)–(31)",
            "f(ξ) = X softmax(βXᵀξ), and it lies in the patterns' simplex: ‖f(ξ)‖ ≤ M "
            "(exact-friendly instances: entries k/4)",
            ineq,
            pat,
            eq3_statement,
            lambda: D.dyadic(),
            display,
            MP.eq3_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_norm(_f(o, v)), "<=", min(o.hf_norm(r) for r in rows(v.P)))
                ]
            ),
        ),
        Claim(
            "eq3/bound",
            "§2, Eq. (3)",
            "‖f(ξ)‖ ≤ M on every kind of instance (the update stays in the patterns' ball)",
            ineq,
            pat,
            lambda o, v: eq3_statement(o, v, formula=False),
            lambda: H(),
            display,
            MP.eq3_bound_derivation,
            EP.sizes,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.hf_norm(_f(o, v)), "<=", min(o.hf_norm(r) for r in rows(v.P)))
                ]
            ),
        ),
        Claim(
            "thm1",
            "§3, Theorem 1 (per-step part); App. A.1.3, Theorem A1",
            "one update does not increase the energy: E(ξ^{t+1}) ≤ E(ξ^t)",
            ineq,
            pat,
            thm1_statement,
            lambda: H(),
            display,
            EP.thm1_derivation,
            EP.sizes,
            aliases=("thm-a1",),
            wrong=dict(statement=lambda o, v: [Rel(_E(o, v, _f(o, v)), "<", _E(o, v))]),
        ),
        Claim(
            "thm2/decrease",
            "App. A.1.3, proof of Theorems 1–2 (Eq. 54: E_C = ½‖ξ − f(ξ^t)‖² + C₃)",
            "the surrogate gives E(ξ^t) − E(ξ^{t+1}) ≥ ½‖ξ^t − ξ^{t+1}‖² (strict decrease off "
            "fixed points)",
            ineq,
            pat,
            decrease_statement(2),
            lambda: D.mild(),
            display,
            EP.decrease_derivation,
            EP.sizes,
            wrong=dict(statement=decrease_statement(1)),
        ),
        Claim(
            "eq10",
            "§3, Eq. (10); App. A.6, Eq. (548)",
            "transformer attention softmax(QKᵀ/√d_k)V is the update Eq. 3 times W_V, row by "
            "row, with β = 1/√d_k",
            ident,
            "Y ∈ ℝ^{N×d_y}, R ∈ ℝ^{S×d_r}, W_K ∈ ℝ^{d_y×d_k}, W_Q ∈ ℝ^{d_r×d_k}, W_V ∈ ℝ^{d_k×d_v}",
            eq10_statement,
            lambda: D.transformer(),
            display,
            EP.eq10_derivation,
            lambda: [EP.eq10_space()],
            wrong=dict(statement=eq10_wrong),
        ),
    ]
