"""The storage-capacity formulas of Ramsauer et al. (arXiv:2008.02217v3, App. A.1.5) in ball
arithmetic (python-flint ``arb``, at the working precision ``flint.ctx.prec``).

Notation: d the dimension, β > 0, K > 0, p ∈ (0, 1] the failure probability, patterns on the
sphere of radius M = K√(d − 1); Ω = W₀(1).

* Theorem A5 (= Theorem 3): a = (2/(d−1))(1 + ln(2βK²p(d−1))), b = 2K²β/5, u = a + ln b,
  c = b / W₀(e^u); the side condition c ≥ (2/√p)^{4/(d−1)}; N = √p c^{(d−1)/4}.
* Corollary A1: c = b / ln((Ωe^u + 1)/(Ω(1 + Ω))) for u ≤ 0, c = b·u^{−u/(u+1)} for u > 0.
* Theorem A6 / Corollary A2: a = ln(c)/2 − K²β/(5c), b = 1 + ln(2pβK²);
  g(t) = ln t + a t + b (the condition is g(d − 1) ≤ 0); d = 1 + W(ae^{−b})/a.
* κ_d = Γ((d+1)/2)/(d√π Γ(d/2)) (Lemma A13), C_k (Lemma A16), the cap fraction σ_d(θ) of
  S^{d−1} (normalised), the master inequality Eq. 311 and Eq. 387 (Theorem A7).
"""

from __future__ import annotations

import flint

__all__ = [
    "A",
    "Q",
    "thm_a5",
    "cor_a1_c",
    "a6_ab",
    "a6_g",
    "kappa",
    "C",
    "cap_fraction",
    "eq311_rhs",
    "eq387",
]

A = flint.arb


def Q(v) -> A:  # noqa: N802 - a ball for an exact rational (decimal strings exact)
    from derivations.ramsauer2020.certified import q

    return A(q(v)) if isinstance(v, str) else A(v)


def thm_a5(beta, K, d, p) -> dict:
    """a, b, u = a + ln b, c (Lambert W), the side condition's bound, N = √p c^{(d−1)/4}."""
    beta, K, p = Q(beta), Q(K), Q(p)
    d1 = A(d) - 1
    a = 2 / d1 * (1 + (2 * beta * K * K * p * d1).log())
    b = 2 * K * K * beta / 5
    u = a + b.log()
    c = b / u.exp().lambertw()
    side = (2 / p.sqrt()) ** (4 / d1)
    return {"a": a, "b": b, "u": u, "c": c, "side": side, "N": p.sqrt() * c ** (d1 / 4)}


def omega() -> A:
    """Ω = W₀(1)."""
    return A(1).lambertw()


def cor_a1_c(b: A, u: A, branch: str) -> A:
    """Corollary A1's Lambert-free c for ``branch`` "u<=0" or "u>0"."""
    if branch == "u<=0":
        om = omega()
        return b / ((om * u.exp() + 1) / (om * (1 + om))).log()
    return b * u ** (-u / (u + 1))


def a6_ab(beta, K, c, p) -> tuple[A, A]:
    """Theorem A6's a = ln(c)/2 − K²β/(5c) and b = 1 + ln(2pβK²)."""
    beta, K, c, p = Q(beta), Q(K), Q(c), Q(p)
    return c.log() / 2 - K * K * beta / (5 * c), 1 + (2 * p * beta * K * K).log()


def a6_g(a: A, b: A, t) -> A:
    """g(t) = ln t + a t + b; Theorem A6's condition is g(d − 1) ≤ 0."""
    t = Q(t) if not isinstance(t, A) else t
    return t.log() + a * t + b


def kappa(d) -> A:
    """κ_d = Γ((d+1)/2) / (d √π Γ(d/2))."""
    d = A(d)
    return ((d + 1) / 2).gamma() / (d * A.pi().sqrt() * (d / 2).gamma())


def C(k) -> A:  # noqa: N802 - the paper's C_k (Lemma A16, with k = d − 1)
    """C_k = (Γ((k+1)/2)/(2k√πΓ(k/2)))^{−1/k} Γ(1 + 1/k) (k+1)^{−1/k} / Γ(2 + 1/k)."""
    k = A(k)
    base = ((k + 1) / 2).gamma() / (2 * k * A.pi().sqrt() * (k / 2).gamma())
    return base ** (-1 / k) * (1 + 1 / k).gamma() * (k + 1) ** (-1 / k) / (2 + 1 / k).gamma()


def cap_fraction(d: int, theta: A) -> A:
    """The normalised area of a cap of angular radius θ ≤ π/2 on S^{d−1} ⊂ ℝ^d:
    ½ I_{sin²θ}((d − 1)/2, ½) (regularised incomplete beta)."""
    s2 = theta.sin() ** 2
    return s2.beta_lower(A(d - 1) / 2, A(1) / 2, regularized=1) / 2


def eq311_rhs(n, beta, m2) -> A:
    """The master inequality's right side 2/(βN) + β⁻¹ ln(2N²βM²) (Eq. 311)."""
    n, beta, m2 = A(n), Q(beta), Q(m2) if not isinstance(m2, A) else m2
    return 2 / (beta * n) + (2 * n * n * beta * m2).log() / beta


def eq387(d, beta, K, c, with_C: bool = False) -> A:
    """LHS − RHS of Eq. 387 (Theorem A7); ``with_C`` uses C_{d−1}² for the printed
    (1 − ln(d−1)/(d−1))² (the proof's step before Lemma A17)."""
    beta, K, c = Q(beta), Q(K), Q(c)
    d1 = A(d) - 1
    f = C(d - 1) if with_C else 1 - d1.log() / d1
    lhs = d1 * K * K / (5 * c) * f * f
    rhs = 2 / (beta * c ** (d1 / 4)) + (2 * c ** (d1 / 2) * beta * d1 * K * K).log() / beta
    return lhs - rhs
