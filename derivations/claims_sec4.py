"""Section 4 and the LogSumExp lemmas of Appendix A as claims (arXiv:2405.08707v2).

Notation: z, y ∈ ℝᵐ (LSE arguments), λ ∈ [0, 1]; patterns ρⁱ (rows of P), query x, d patterns,
n dimensions; Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖²; g (Eq. 3), E (Eq. 4), E^MCHN_β; E_t, E_global (Eq. 7).

Each claim states the paper's text **as printed** under its label (``lemma2``, ``prop3``…);
where a printed statement may fail, the strongest corrected statement we can prove is a
separate reading ``<label>/<reading>``. Claims labelled ``ext/…`` are our own extensions.
Verdicts are not written here: the engine computes them.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp
from hypothesis import strategies as st

from derivations import strategies as S
from derivations.engine import (
    Algebra,
    Cites,
    Claim,
    Combine,
    Monotone,
    Rel,
    Step,
    Wlog,
)
from derivations.ops import VectorSymbol
from theory.energies import SymbolicPatterns, symbolic_instance

REF = "arXiv:2405.08707v2"

# ------------------------------------------------------------------ shared instances


def _zsym():
    return SimpleNamespace(
        z=VectorSymbol("z", real=True),
        y=VectorSymbol("y", real=True),
        lam=sp.Symbol(r"\lambda", real=True),
    )


def _zvec(m: int, name: str = "z"):
    return list(sp.symbols(f"{name}1:{m + 1}", real=True))


def _wlog_vec(m: int):
    """z = (a, a − u₂, …, a − u_m), uᵢ ≥ 0: every vector whose maximum is its first entry."""
    a = sp.Symbol("a", real=True)
    us = list(sp.symbols(f"u2:{m + 1}", nonnegative=True))
    return a, us, [a] + [a - u for u in us]


def _patterns_display():
    P = SymbolicPatterns()
    return SimpleNamespace(P=P, x=P.x, beta=sp.Symbol(r"\beta", positive=True))


def _pattern_sizes(sizes=((1, 1), (2, 1), (2, 2))):
    def make():
        out = []
        for d, n in sizes:
            P, x = symbolic_instance(d, n)
            out.append(SimpleNamespace(P=P, x=x))
        return out

    return make


# ------------------------------------------------------------------ Appendix A lemmas


def lemma1_statement(ops, v):
    mix = ops.vadd(ops.vscale(v.lam, v.z), ops.vscale(1 - v.lam, v.y))
    return [
        Rel(ops.lse(mix), "<=", v.lam * ops.lse(v.z) + (1 - v.lam) * ops.lse(v.y), "LSE(λz+(1−λ)y)")
    ]


def tangent_statement(ops, v):
    m = len(v.z) if not isinstance(v.z, sp.Symbol) else None
    if m is None:
        p = sp.Function(r"\operatorname{softmax}")(v.z)
        return [
            Rel(
                ops.lse(v.z) + sp.Function(r"\langle")(p, v.y - v.z),
                "<=",
                ops.lse(v.y),
                "tangent plane",
            )
        ]
    lin = sum((ops.softmax(v.z, k) * (v.y[k] - v.z[k]) for k in range(m)), ops.num(0))
    return [Rel(ops.lse(v.z) + lin, "<=", ops.lse(v.y), "tangent plane")]


def lemma2_statement(strict: bool):
    def statement(ops, v):
        return [
            Rel(ops.max(v.z), "<" if strict else "<=", ops.lse(v.z), "max z < LSE(z)"),
            Rel(
                ops.lse(v.z),
                "<=",
                ops.max(v.z) + ops.log(ops.length(v.z)),
                "LSE(z) ≤ max z + log m",
            ),
        ]

    return statement


def lemma2_derivation(strict: bool):
    """max z (<)≤ LSE(z) ≤ max z + log m, on z = (a, a − u₂, …) with u ≥ 0 (WLOG)."""

    def derivation(ops, v):
        a, us, z = v.a, v.us, v.z
        m = len(z)
        tail = sp.Add(*[sp.exp(-u) for u in us])
        steps = [
            Step(
                Rel(ops.max(z), "==", a),
                "WLOG the maximum is the first entry",
                Wlog(SimpleNamespace(z=_zvec(m)), "z"),
            ),
            Step(
                Rel(ops.lse(z), "==", a + sp.log(1 + tail)),
                "factor exp(a) out of the sum",
                Algebra(),
            ),
            Step(
                Rel(ops.max(z), "<" if strict else "<=", ops.lse(z)),
                "log(1 + Σ exp(−uᵢ)) " + ("> 0 (m ≥ 2)" if strict else "≥ 0"),
                Algebra(),
            ),
        ]
        first = len(steps)
        for u in us:
            steps.append(Step(Rel(-u, "<=", sp.Integer(0)), "uᵢ ≥ 0", Algebra()))
            t = sp.Dummy("t")
            steps.append(
                Step(
                    Rel(sp.exp(-u), "<=", sp.Integer(1)),
                    "exp is increasing",
                    Monotone(len(steps) - 1, sp.Lambda(t, sp.exp(t))),
                )
            )
        bound_idx = [first + 2 * j + 1 for j in range(len(us))]
        steps.append(
            Step(
                Rel(1 + tail, "<=", sp.Integer(m)),
                "sum of the m bounds",
                Combine(tuple((i, 1) for i in bound_idx)),
            )
        )
        t = sp.Dummy("t", positive=True)
        steps.append(
            Step(
                Rel(sp.log(1 + tail), "<=", sp.log(m)),
                "log is increasing on (0, ∞)",
                Monotone(len(steps) - 1, sp.Lambda(t, sp.log(t)), "positive"),
            )
        )
        k = len(steps) - 1
        steps.append(
            Step(
                Rel(ops.lse(z), "<=", a + sp.log(m)),
                "add a to both sides",
                Combine(((k, 1), (1, 1))),
            )
        )
        steps.append(
            Step(
                Rel(ops.lse(z), "<=", ops.max(z) + sp.log(m)),
                "max z = a",
                Combine(((k + 1, 1), (0, -1))),
            )
        )
        return steps

    return derivation


def _lemma2_sizes(ms):
    def make():
        out = []
        for m in ms:
            a, us, z = _wlog_vec(m)
            out.append(SimpleNamespace(a=a, us=us, z=z))
        return out

    return make


def lemma3_statement(strict: bool):
    def statement(ops, v):
        neg = ops.vscale(-1, v.z)
        soft = -ops.lse(neg)
        return [
            Rel(ops.min(v.z) - ops.log(ops.length(v.z)), "<=", soft, "min z − log m ≤ −LSE(−z)"),
            Rel(soft, "<" if strict else "<=", ops.min(v.z), "−LSE(−z) < min z"),
        ]

    return statement


def lemma3_derivation(cite: str):
    """Lemma 2 (reading ``cite``) applied to −z, and max(−z) = −min z."""

    def derivation(ops, v):
        neg = [-t for t in v.z]
        m = len(v.z)
        w = SimpleNamespace(z=neg)
        soft = -ops.lse(neg)
        return [
            Step(lemma2_for(cite)(ops, w)[0], "Lemma 2 at −z (lower bound)", Cites(cite, w)),
            Step(lemma2_for(cite)(ops, w)[1], "Lemma 2 at −z (upper bound)", Cites(cite, w)),
            Step(Rel(ops.max(neg), "==", -ops.min(v.z)), "max(−z) = −min z", Algebra()),
            Step(
                Rel(soft, lemma2_for(cite)(ops, w)[0].op, ops.min(v.z)),
                "negate step 1",
                Combine(((0, 1), (2, -1))),
            ),
            Step(
                Rel(ops.min(v.z) - sp.log(m), "<=", soft),
                "negate step 2",
                Combine(((1, 1), (2, 1))),
            ),
        ]

    return derivation


def lemma2_for(cid: str):
    return {
        "lemma2": lemma2_statement(True),
        "lemma2/nonstrict": lemma2_statement(False),
        "lemma2/m>=2": lemma2_statement(True),
    }[cid]


def _zsizes(ms):
    return lambda: [SimpleNamespace(z=_zvec(m)) for m in ms]


def lemma4_statement(ops, v):
    diff = ops.vadd(v.z, ops.vscale(-1, v.y))
    return [
        Rel(
            ops.abs(ops.lse(v.z) - ops.lse(v.y)),
            "<=",
            ops.inf_norm(diff),
            "|LSE(z) − LSE(y)| ≤ ‖z − y‖∞",
        )
    ]


def softmax_statement(ops, v):
    if isinstance(v.z, sp.Symbol):
        k = sp.Symbol("k", integer=True)
        return [
            Rel(
                sp.Derivative(sp.Function(r"\operatorname{LSE}")(v.z), sp.Indexed("z", k)),
                "==",
                sp.Function(r"\operatorname{softmax}")(v.z),
                "∂LSE/∂z_k",
            )
        ]
    return [
        Rel(ops.grad_lse(v.z, k), "==", ops.softmax(v.z, k), f"∂LSE/∂z_{k + 1}")
        for k in range(len(v.z))
    ]


def softmax_derivation(ops, v):
    return [
        Step(r, "SymPy differentiates LogSumExp (fdiff)", Algebra())
        for r in softmax_statement(ops, v)
    ]


# ------------------------------------------------------------------ Section 4


def prop1_statement(ops, v):
    g = ops.nn(v.P, v.x)
    E = ops.energy(v.P, v.x)
    return [Rel(g - ops.log(ops.count(v.P)), "<=", E, "g − log d ≤ E"), Rel(E, "<=", g, "E ≤ g")]


def prop1_derivation(ops, v):
    w = SimpleNamespace(z=ops.dists(v.P, v.x))
    rels = lemma3_statement(False)(ops, w)
    return [
        Step(rels[0], "Lemma 3 (non-strict) at z = (dist(x, ρⁱ))ᵢ", Cites("lemma3/nonstrict", w)),
        Step(rels[1], "Lemma 3 (non-strict) at z = (dist(x, ρⁱ))ᵢ", Cites("lemma3/nonstrict", w)),
    ]


def _delta(ops, v):
    return ops.max_sqnorm(v.P) - ops.min_sqnorm(v.P)


def _prop2_gap(ops, v):
    """E(x) − (2E^MCHN_{β=2}(x) − log d)."""
    return ops.energy(v.P, v.x) - (2 * ops.mchn(v.P, v.x, 2) - ops.log(ops.count(v.P)))


def prop2_statement(ops, v):
    return [Rel(ops.abs(_prop2_gap(ops, v)), "<=", _delta(ops, v), "|E − (2E^MCHN_2 − log d)| ≤ Δ")]


def prop2_onesided_statement(ops, v):
    gap = _prop2_gap(ops, v)
    return [
        Rel(-_delta(ops, v), "<=", gap, "−Δ ≤ E − (2E^MCHN_2 − log d)"),
        Rel(gap, "<=", ops.num(0), "E − (2E^MCHN_2 − log d) ≤ 0"),
    ]


def prop2_derivation(ops, v):
    """The printed proof: 2E^MCHN_2 − log d = −LSE(w), wᵢ = ‖ρⁱ‖² − ξ² − ‖x − ρⁱ‖²; Lemma 4."""
    dists = ops.dists(v.P, v.x)
    norms = ops.sqnorms(v.P)
    xi2 = ops.max_sqnorm(v.P)
    w = [nrm - xi2 - dd for nrm, dd in zip(norms, dists, strict=True)]
    u = [-dd for dd in dists]
    c = SimpleNamespace(z=w, y=u)
    lem4 = lemma4_statement(ops, c)[0]
    diff = ops.vadd(w, ops.vscale(-1, u))
    return [
        Step(
            Rel(2 * ops.mchn(v.P, v.x, 2) - ops.log(ops.count(v.P)), "==", -ops.lse(w)),
            "expand 2E^MCHN_2 − log d (the printed proof)",
            Algebra(),
        ),
        Step(Rel(ops.energy(v.P, v.x), "==", -ops.lse(u)), "Eq. (4)", Algebra()),
        Step(lem4, "Lemma 4 with z = w, y = (−dist(x, ρⁱ))ᵢ", Cites("lemma4", c)),
        Step(
            Rel(ops.inf_norm(diff), "==", _delta(ops, v)),
            "‖w + dist‖∞ = maxᵢ |‖ρⁱ‖² − ξ²| = Δ",
            Algebra(),
        ),
        Step(
            Rel(ops.abs(_prop2_gap(ops, v)), "==", lem4.lhs), "substitute steps 1 and 2", Algebra()
        ),
        Step(
            Rel(ops.abs(_prop2_gap(ops, v)), "<=", ops.inf_norm(diff)),
            "steps 5 and 3",
            Combine(((2, 1), (4, 1))),
        ),
        Step(prop2_statement(ops, v)[0], "step 6 and step 4", Combine(((5, 1), (3, 1)))),
    ]


def _prop3_mid(ops, v):
    return ops.nn(v.P, v.x) - 2 * ops.mchn(v.P, v.x, 2)


def prop3_statement(ops, v):
    """As reconstructed from the PDF: −Δ ≤ g − 2E^MCHN_2 ≤ Δ + log d."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl, "<=", mid, "−Δ ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", dl + ops.log(ops.count(v.P)), "g − 2E^MCHN_2 ≤ Δ + log d"),
    ]


def prop3_corrected_statement(ops, v):
    """What Propositions 1 and 2 as printed do give: −Δ − log d ≤ g − 2E^MCHN_2 ≤ Δ."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", dl, "g − 2E^MCHN_2 ≤ Δ"),
    ]


def prop3_sharp_statement(ops, v):
    """With the one-sided Proposition 2: −Δ − log d ≤ g − 2E^MCHN_2 ≤ 0."""
    mid = _prop3_mid(ops, v)
    dl = _delta(ops, v)
    return [
        Rel(-dl - ops.log(ops.count(v.P)), "<=", mid, "−Δ − log d ≤ g − 2E^MCHN_2"),
        Rel(mid, "<=", ops.num(0), "g − 2E^MCHN_2 ≤ 0"),
    ]


def prop3_derivation(target):
    """'Follows directly from Propositions 1 and 2': sum their bounds."""

    def derivation(ops, v):
        p1 = prop1_statement(ops, v)
        p2 = prop2_statement(ops, v)[0]
        gap = _prop2_gap(ops, v)
        dl = _delta(ops, v)
        want = target(ops, v)
        return [
            Step(p1[0], "Proposition 1, lower", Cites("prop1", v)),
            Step(p1[1], "Proposition 1, upper", Cites("prop1", v)),
            Step(p2, "Proposition 2", Cites("prop2", v)),
            Step(Rel(-dl, "<=", gap), "|a| ≤ Δ ⇒ −Δ ≤ a", Combine(((2, 1),))),
            Step(Rel(gap, "<=", dl), "|a| ≤ Δ ⇒ a ≤ Δ", Combine(((2, 1),))),
            Step(want[0], "lower bound from Prop. 1 (g ≥ E) and step 4", Combine(((1, 1), (3, 1)))),
            Step(
                want[1],
                "upper bound from Prop. 1 (g ≤ E + log d) and step 5",
                Combine(((0, 1), (4, 1))),
            ),
        ]

    return derivation


# ------------------------------------------------------------------ Eq. (8)


def _layer_values(ops, v):
    if hasattr(v, "E"):  # given directly: a VectorSymbol (display) or a list (derivation)
        return v.E
    Z = getattr(v, "Z", None)
    zs = list(Z) if Z is not None else [None] * len(v.layers)
    return [ops.layer_energy(P, v.x, v.reading, z) for P, z in zip(v.layers, zs, strict=True)]


def eq8_statement(strict: bool):
    def statement(ops, v):
        Es = _layer_values(ops, v)
        if isinstance(Es, sp.Symbol):
            glob = -ops.lse(-Es)
            l = sp.Symbol("l", integer=True, positive=True)
            lo = ops.min(Es)
        else:
            Es = list(Es)
            glob = ops.global_energy(Es)
            l = ops.length(Es)
            lo = ops.min(Es)
        return [
            Rel(lo - ops.log(l), "<=", glob, "min_t E_t − log l ≤ E_global"),
            Rel(glob, "<" if strict else "<=", lo, "E_global < min_t E_t"),
        ]

    return statement


def eq8_derivation(cite: str):
    def derivation(ops, v):
        Es = list(_layer_values(ops, v))
        w = SimpleNamespace(z=Es)
        rels = lemma3_statement(cite != "lemma3/nonstrict")(ops, w)
        return [
            Step(rels[0], "Lemma 3 at z = (E_t)ₜ", Cites(cite, w)),
            Step(rels[1], "Lemma 3 at z = (E_t)ₜ", Cites(cite, w)),
        ]

    return derivation


def _eq8_display():
    return SimpleNamespace(E=VectorSymbol("E", real=True))


def _eq8_sizes(ls):
    return lambda: [SimpleNamespace(E=list(sp.symbols(f"E1:{l + 1}", real=True))) for l in ls]


def majorize_statement(ops, v):
    """Each E_t lies above E_global: E_global(x) ≤ E_t(x) for every layer t."""
    Es = _layer_values(ops, v)
    if isinstance(Es, sp.Symbol):
        return [Rel(-ops.lse(-Es), "<=", sp.Indexed("E", sp.Symbol("t")), "E_global ≤ E_t")]
    glob = ops.global_energy(list(Es))
    return [Rel(glob, "<=", e, f"E_global ≤ E_{t + 1}") for t, e in enumerate(Es)]


# ------------------------------------------------------------------ extension: CCCP


def dc_statement(ops, v):
    """E(x) = ‖x‖² − LSE(2Mᵀx − (‖ρⁱ‖²)ᵢ): convex minus convex (Lemma 1)."""
    if isinstance(v.P, SymbolicPatterns):
        u = sp.Function("u")(v.x)
        return [
            Rel(
                ops.energy(v.P, v.x),
                "==",
                sp.Sum(v.x[v.P.k] ** 2, (v.P.k, 1, v.P.n)) - sp.Function(r"\operatorname{LSE}")(u),
                "DC split",
            )
        ]
    return [
        Rel(
            ops.energy(v.P, v.x),
            "==",
            ops.sqnorm(v.x) - ops.lse(ops.dc_argument(v.P, v.x)),
            "DC split",
        )
    ]


def cccp_step_statement(ops, v):
    """x⁺ = M softmax(u(x)) solves ∇‖·‖²(x⁺) = ∇ₓLSE(u(x)) (the CCCP/MM step)."""
    if isinstance(v.P, SymbolicPatterns):
        half_grad = sp.Function(r"\frac{1}{2}\nabla_x \operatorname{LSE}")
        return [Rel(sp.Symbol("x^{+}"), "==", half_grad(sp.Function("u")(v.x)), "CCCP step")]
    u = ops.dc_argument(v.P, v.x)
    step = ops.cccp_step(v.P, v.x)
    d = len(u) if not hasattr(u, "shape") else u.shape[0]
    n = len(v.x) if not hasattr(v.x, "shape") else v.x.shape[0]
    grads = [ops.grad_lse(u, i) for i in range(d)]
    rows = v.P
    out = []
    for k in range(n):
        # ∂LSE(u(x))/∂x_k = Σᵢ ∂LSE/∂uᵢ · 2ρⁱ_k; half of it is the fixed point equation's rhs
        half = sum((grads[i] * _entry(rows, i, k) for i in range(d)), ops.num(0))
        out.append(Rel(step[k], "==", half, f"x⁺_{k + 1}"))
    return out


def _entry(P, i, k):
    """ρⁱ_k from a SymPy matrix or torch tensor (``P[i, k]``) or nested lists (mpmath)."""
    return P[i][k] if isinstance(P, list) else P[i, k]


def cccp_descent_statement(ops, v):
    """E(x⁺) ≤ E(x): the energy never increases along the CCCP iteration."""
    if isinstance(v.P, SymbolicPatterns):
        xp = sp.IndexedBase("x^{+}")
        return [Rel(ops.energy(v.P, xp), "<=", ops.energy(v.P, v.x), "E(x⁺) ≤ E(x)")]
    return [
        Rel(ops.energy(v.P, ops.cccp_step(v.P, v.x)), "<=", ops.energy(v.P, v.x), "E(x⁺) ≤ E(x)")
    ]


def _surrogate(ops, v, y):
    """Q(y; x) = ‖y‖² − LSE(u(x)) − Σᵢ pᵢ (uᵢ(y) − uᵢ(x)), p = softmax(u(x))."""
    ux = ops.dc_argument(v.P, v.x)
    uy = ops.dc_argument(v.P, y)
    lin = sp.Add(*[ops.softmax(ux, i) * (uy[i] - ux[i]) for i in range(len(ux))])
    return ops.sqnorm(y) - ops.lse(ux) - lin


def cccp_descent_derivation(ops, v):
    x = v.x
    xp = ops.cccp_step(v.P, x)
    ux = ops.dc_argument(v.P, x)
    uy = ops.dc_argument(v.P, xp)
    tan = SimpleNamespace(z=ux, y=uy)
    Qx = _surrogate(ops, v, x)
    Qp = _surrogate(ops, v, xp)
    diff2 = ops.sqnorm([a - b for a, b in zip(x, xp, strict=True)])
    return [
        Step(
            tangent_statement(ops, tan)[0],
            "LSE lies above its tangent plane at u(x)",
            Cites("lemma1/tangent", tan),
        ),
        Step(
            Rel(ops.energy(v.P, xp), "==", ops.sqnorm(xp) - ops.lse(uy)),
            "DC split at x⁺",
            Cites("ext/cccp-dc", SimpleNamespace(P=v.P, x=xp)),
        ),
        Step(
            Rel(ops.energy(v.P, xp), "<=", Qp),
            "E ≤ Q(·; x) (majorization)",
            Combine(((0, 1), (1, 1))),
        ),
        Step(Rel(Qx, "==", ops.energy(v.P, x)), "Q touches E at x", Algebra()),
        Step(
            Rel(Qx - Qp, "==", diff2),
            "Q(·; x) is ‖y − x⁺‖² + const: x⁺ is its minimizer",
            Algebra(),
        ),
        Step(Rel(Qp, "<=", Qx), "‖x − x⁺‖² ≥ 0", Combine(((4, -1),))),
        Step(
            Rel(ops.energy(v.P, xp), "<=", ops.energy(v.P, x)),
            "chain",
            Combine(((2, 1), (5, 1), (3, 1))),
        ),
    ]


def _dc_derivation(ops, v):
    return [
        Step(
            dc_statement(ops, v)[0],
            "expand −‖x − ρⁱ‖² = −‖x‖² + 2xᵀρⁱ − ‖ρⁱ‖², pull −‖x‖² out of the LSE",
            Algebra(),
        )
    ]


def _cccp_step_derivation(ops, v):
    return [
        Step(r, "differentiate and compare (SymPy)", Algebra()) for r in cccp_step_statement(ops, v)
    ]


# ------------------------------------------------------------------ the claims

_LSE = S.lse_instances
_PAT = S.pattern_instances


def claims() -> list[Claim]:
    """Section 4 and Appendix A claims, in dependency order."""
    zdisp = _zsym
    return [
        Claim(
            "lemma1",
            f"{REF} App. A, Lemma 1",
            "as printed (convexity of LSE)",
            "inequality",
            "z, y ∈ ℝᵐ, λ ∈ [0, 1]",
            lemma1_statement,
            lambda: _LSE(pair=True),
            zdisp,
        ),
        Claim(
            "lemma1/tangent",
            f"{REF} App. A, Lemma 1",
            "first-order form: LSE lies above its tangent planes (what CCCP uses)",
            "inequality",
            "z, y ∈ ℝᵐ",
            tangent_statement,
            lambda: _LSE(pair=True),
            zdisp,
        ),
        Claim(
            "lemma2",
            f"{REF} App. A, Lemma 2",
            "as printed (strict lower bound)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma2_statement(True),
            lambda: _LSE(),
            zdisp,
            lemma2_derivation(True),
            _lemma2_sizes((1, 2, 3)),
        ),
        Claim(
            "lemma2/nonstrict",
            f"{REF} App. A, Lemma 2",
            "corrected: max z ≤ LSE(z) (equality iff m = 1)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma2_statement(False),
            lambda: _LSE(),
            zdisp,
            lemma2_derivation(False),
            _lemma2_sizes((1, 2, 3, 4)),
        ),
        Claim(
            "lemma2/m>=2",
            f"{REF} App. A, Lemma 2",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma2_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            zdisp,
            lemma2_derivation(True),
            _lemma2_sizes((2, 3, 4)),
        ),
        Claim(
            "lemma3",
            f"{REF} App. A, Lemma 3",
            "as printed (strict upper bound)",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma3_statement(True),
            lambda: _LSE(),
            zdisp,
            lemma3_derivation("lemma2"),
            _zsizes((1, 2, 3)),
        ),
        Claim(
            "lemma3/nonstrict",
            f"{REF} App. A, Lemma 3",
            "corrected: −LSE(−z) ≤ min z",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 1",
            lemma3_statement(False),
            lambda: _LSE(),
            zdisp,
            lemma3_derivation("lemma2/nonstrict"),
            _zsizes((1, 2, 3)),
        ),
        Claim(
            "lemma3/m>=2",
            f"{REF} App. A, Lemma 3",
            "corrected: the strict bound for m ≥ 2",
            "inequality",
            "z ∈ ℝᵐ, m ≥ 2",
            lemma3_statement(True),
            lambda: _LSE().filter(lambda i: len(i.p["z"]) >= 2),
            zdisp,
            lemma3_derivation("lemma2/m>=2"),
            _zsizes((2, 3, 4)),
        ),
        Claim(
            "lemma4",
            f"{REF} App. A, Lemma 4",
            "as printed (LSE is 1-Lipschitz in ‖·‖∞)",
            "inequality",
            "z, y ∈ ℝᵐ",
            lemma4_statement,
            lambda: _LSE(pair=True),
            zdisp,
        ),
        Claim(
            "softmax-grad",
            f"{REF} §2 (background)",
            "softmax is the gradient of LSE",
            "identity",
            "z ∈ ℝᵐ",
            softmax_statement,
            lambda: _LSE(max_m=16),
            zdisp,
            softmax_derivation,
            _zsizes((1, 2, 3)),
        ),
        Claim(
            "prop1",
            f"{REF} §4, Proposition 1",
            "as printed",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop1_statement,
            lambda: _PAT(),
            _patterns_display,
            prop1_derivation,
            _pattern_sizes(),
        ),
        Claim(
            "prop2",
            f"{REF} §4, Proposition 2",
            "as printed",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ, β = 2",
            prop2_statement,
            lambda: _PAT(),
            _patterns_display,
            prop2_derivation,
            _pattern_sizes(((1, 1), (2, 1))),
        ),
        Claim(
            "prop2/one-sided",
            f"{REF} §4, Proposition 2",
            "sharper: −Δ ≤ E − (2E^MCHN_2 − log d) ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop2_onesided_statement,
            lambda: _PAT(),
            _patterns_display,
        ),
        Claim(
            "prop3",
            f"{REF} §4, Proposition 3",
            "as reconstructed from the PDF: −Δ ≤ g − 2E^MCHN_2 ≤ Δ + log d",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_statement,
            lambda: _PAT(),
            _patterns_display,
            prop3_derivation(prop3_statement),
            _pattern_sizes(((1, 1), (2, 1))),
        ),
        Claim(
            "prop3/corrected",
            f"{REF} §4, Proposition 3",
            "what Props. 1 and 2 give: −Δ − log d ≤ g − 2E^MCHN_2 ≤ Δ",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_corrected_statement,
            lambda: _PAT(),
            _patterns_display,
            prop3_derivation(prop3_corrected_statement),
            _pattern_sizes(((1, 1), (2, 1))),
        ),
        Claim(
            "prop3/sharp",
            f"{REF} §4, Proposition 3",
            "sharper: −Δ − log d ≤ g − 2E^MCHN_2 ≤ 0",
            "inequality",
            "patterns ρ¹…ρ^d ∈ ℝⁿ, x ∈ ℝⁿ",
            prop3_sharp_statement,
            lambda: _PAT(),
            _patterns_display,
        ),
        Claim(
            "eq8",
            f"{REF} §4, Eq. (8)",
            "as printed, E_t = Eq. (4) energy of layer t",
            "inequality",
            "l ≥ 1 layers",
            eq8_statement(True),
            lambda: S.layered_instances("distance"),
            _eq8_display,
            eq8_derivation("lemma3"),
            _eq8_sizes((1, 2, 3)),
        ),
        Claim(
            "eq8/printed-Et",
            f"{REF} §4, Eq. (8)",
            "as printed, E_t = exp(−g_t)/Z_t (literal reading)",
            "inequality",
            "l ≥ 1 layers, Z_t > 0",
            eq8_statement(True),
            lambda: S.layered_instances("printed"),
            _eq8_display,
        ),
        Claim(
            "eq8/nonstrict",
            f"{REF} §4, Eq. (8)",
            "corrected: E_global ≤ min_t E_t (any reading of E_t)",
            "inequality",
            "l ≥ 1 layers",
            eq8_statement(False),
            lambda: st.sampled_from(["distance", "nearest", "printed"]).flatmap(
                S.layered_instances
            ),
            _eq8_display,
            eq8_derivation("lemma3/nonstrict"),
            _eq8_sizes((1, 2, 3)),
        ),
        Claim(
            "eq8/majorizes",
            f"{REF} §4, after Eq. (8)",
            "each E_t lies above E_global (the majorization half of MM)",
            "inequality",
            "l ≥ 1 layers",
            majorize_statement,
            lambda: st.sampled_from(["distance", "nearest", "printed"]).flatmap(
                S.layered_instances
            ),
            _eq8_display,
        ),
        Claim(
            "ext/cccp-dc",
            "extension (ours), on Eq. (4)",
            "E is a difference of convex functions: ‖x‖² − LSE(2Mᵀx − ‖ρ‖²)",
            "identity",
            "patterns, x ∈ ℝⁿ",
            dc_statement,
            lambda: _PAT(),
            _patterns_display,
            _dc_derivation,
            _pattern_sizes(((1, 1), (2, 1), (2, 2))),
            extension=True,
        ),
        Claim(
            "ext/cccp-step",
            "extension (ours), on Eq. (4)",
            "the CCCP step x⁺ = M softmax(2Mᵀx "
            "− ‖ρ‖²) (attention, keys = values = ρ, β = 2, bias −‖ρⁱ‖²) solves "
            "∇‖x⁺‖² = ∇LSE(u(x))",
            "identity",
            "patterns, x ∈ ℝⁿ",
            cccp_step_statement,
            lambda: _PAT(max_d=16, max_n=8),
            _patterns_display,
            _cccp_step_derivation,
            _pattern_sizes(((1, 1), (2, 1), (2, 2))),
            extension=True,
        ),
        Claim(
            "ext/cccp-descent",
            "extension (ours), on Eq. (4)",
            "the energy never increases along the CCCP iteration",
            "inequality",
            "patterns, x ∈ ℝⁿ",
            cccp_descent_statement,
            lambda: _PAT(),
            _patterns_display,
            cccp_descent_derivation,
            _pattern_sizes(((1, 1), (2, 1))),
            extension=True,
        ),
    ]
