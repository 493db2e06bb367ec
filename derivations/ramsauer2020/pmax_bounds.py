"""The statements of Ramsauer et al. (arXiv:2008.02217v3) under p_max ≥ 1 − ε: Lemma A24's
third part (‖J_s‖₂ ≤ 2εβ − 2ε²β, App. A.2) and Lemma A2's second part (‖J‖₂ ≤ 2βNM²ε −
2ε²βNM², App. A.1.4), as printed (any ε ∈ [1 − p_max, 1]) and with Lemma A24's hypothesis
1 − ε ≥ ½; the ε the search tests (the claims' ``defined`` quantity ``eps``) and the
hypotheses a derivation assumes.

Notation: z ∈ ℝᵐ (Lemma A24) or patterns xᵢ with ξ and z = Xᵀξ (Lemma A2), β, p =
softmax(βz), p_max = maxᵢ pᵢ, J_s and J the Jacobians (Lemma A20, Eq. 59), N, M = maxᵢ‖xᵢ‖;
ε ∈ [1 − p_max, ½] (``v.eps``): the search takes 1 − p_max + s·(½ − (1 − p_max)),
s = ``v.s`` ∈ [0, 1].
"""

from __future__ import annotations

from derivations.engine import Rel
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020.common import count, implies, is_display, pattern_softmax, softmax_vec
from theory.indexed import Vec

__all__ = [
    "eps_of",
    "searched_eps",
    "a24_eps_hypotheses",
    "a24_eps_statement",
    "a2_searched_eps",
    "a2_eps_hypotheses",
    "a2_eps_statement",
]


def eps_of(o, v, pmax):
    """ε ∈ [1 − p_max, ½]: 1 − p_max + s·(½ − (1 − p_max)), s = ``v.s`` ∈ [0, 1]."""
    lo = 1 - pmax
    return lo + v.s * (o.num(0.5) - lo)


def _hypotheses(o, eps, pmax):
    """ε ≤ ½ and 1 − ε ≤ p_max (Lemma A24's p_max ≥ 1 − ε ≥ ½)."""
    return [Rel(eps, "<=", o.num(0.5), "1 − ε ≥ ½"), Rel(1 - eps, "<=", pmax, "p_max ≥ 1 − ε")]


def _symbolic_z(v) -> bool:
    return isinstance(getattr(v, "z", None), Vec)


# ------------------------------------------------------------- Lemma A24, third part


def searched_eps(o, v):
    """The ε the search tests for Lemma A24: :func:`eps_of` at p = softmax(βz)."""
    return eps_of(o, v, o.max(softmax_vec(o, v.z, v.beta)))


def a24_eps_hypotheses(o, v):
    """ε ≤ ½ and 1 − ε ≤ p_max, p = softmax(βz)."""
    if _symbolic_z(v):
        return JP.a24_eps_hypotheses(o, v)
    return _hypotheses(o, v.eps, o.max(softmax_vec(o, v.z, v.beta)))


def a24_eps_statement(strict_half: bool = True, part: slice = slice(0, 1)):
    """p_max ≥ 1 − ε ≥ ½ ⇒ ‖J_s‖₂ ≤ 2εβ − 2ε²β (``part`` 0) < 2εβ (``part`` 1), ε the
    instance's (:func:`searched_eps` in the search; free in a derivation); without
    ``strict_half`` any ε ∈ [1 − p_max, 1] (the hypothesis ε ≤ ½ dropped)."""

    def statement(o, v):
        if strict_half and part == slice(0, 1) and _symbolic_z(v):
            return JP.a24_eps(o, v)
        if is_display(v):
            e, b = v.eps, v.beta
            s2 = o.hf_sjnorm(v.z, b)
            return [
                Rel(s2, "<=", 2 * e * b - 2 * e**2 * b),
                Rel(2 * e * b - 2 * e**2 * b, "<", 2 * e * b),
            ][part]
        pmax = o.max(softmax_vec(o, v.z, v.beta))
        if strict_half:
            eps = v.eps
            hyp = None if getattr(v, "assume_hypotheses", False) else pmax >= o.num(0.5)
        else:
            eps = (1 - pmax) + v.s * pmax
            hyp = None
        bound = 2 * eps * v.beta - 2 * eps**2 * v.beta
        rels = [
            Rel(o.hf_sjnorm(v.z, v.beta), "<=", bound, "‖J_s‖₂ ≤ 2εβ − 2ε²β"),
            Rel(bound, "<", 2 * eps * v.beta, "2εβ − 2ε²β < 2εβ"),
        ]
        return implies(o, hyp, rels[part])

    return statement


# -------------------------------------------------------------- Lemma A2, second part


def a2_searched_eps(o, v):
    """The ε the search tests for Lemma A2: :func:`eps_of` at p = softmax(βXᵀξ)."""
    return eps_of(o, v, o.max(pattern_softmax(o, v)))


def a2_eps_hypotheses(o, v):
    """ε ≤ ½ and 1 − ε ≤ p_max, p = softmax(βXᵀξ)."""
    if EP.symbolic(v):
        return JP.a2_eps_hypotheses(o, v)
    return _hypotheses(o, v.eps, o.max(pattern_softmax(o, v)))


def a2_eps_statement(half: bool):
    """p_max ≥ 1 − ε ⇒ ‖J‖₂ ≤ 2βNM²ε − 2ε²βNM² (as printed: any ε ∈ [1 − p_max, 1]; with
    ``half``, Lemma A24's extra hypothesis 1 − ε ≥ ½ and the instance's ε, ``v.eps``)."""

    def statement(o, v):
        if half and EP.symbolic(v):
            return JP.a2_eps(o, v)
        c = 2 * v.beta * count(o, v.P) * o.hf_radius(v.P) ** 2
        if is_display(v):
            e = v.eps
            return [Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", c * e - c * e**2)]
        pmax = o.max(pattern_softmax(o, v))
        if half:
            eps = v.eps
            hyp = None if getattr(v, "assume_hypotheses", False) else pmax >= o.num(0.5)
        else:
            eps = 1 - pmax + v.s * pmax
            hyp = None
        rel = Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", c * eps - c * eps**2, "‖J‖₂ ≤ 2βNM²ε(1 − ε)")
        return implies(o, hyp, [rel])

    return statement
