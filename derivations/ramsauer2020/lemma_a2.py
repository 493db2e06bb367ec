"""Lemma A2's second part of Ramsauer et al. (arXiv:2008.02217v3, App. A.1.4): p_max ≥ 1 − ε
⇒ ‖J‖₂ ≤ 2βNM²ε − 2ε²βNM², as printed (any ε ∈ [1 − p_max, 1]) and with Lemma A24's extra
hypothesis 1 − ε ≥ ½; the ε the search tests and the hypotheses a derivation assumes.

Notation: patterns xᵢ (rows of P), ξ the state, β, N, M = maxᵢ‖xᵢ‖, p = softmax(βXᵀξ),
p_max = maxᵢ pᵢ, J the Jacobian of f (Eq. 59), ε ∈ [1 − p_max, ½] (``v.eps``; the search
takes 1 − p_max + s·(½ − (1 − p_max)), s = ``v.s`` ∈ [0, 1]).
"""

from __future__ import annotations

from derivations.engine import Rel
from derivations.ramsauer2020 import energy_proofs as EP
from derivations.ramsauer2020 import jacobian_proofs as JP
from derivations.ramsauer2020.common import count, implies, is_display, rows

__all__ = ["a2_eps_statement", "a2_searched_eps", "a2_eps_hypotheses"]


def _p(o, v):
    z = [o.dot(r, v.x) for r in rows(v.P)]
    return [o.softmax(z, k, v.beta) for k in range(len(z))]


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
        pmax = o.max(_p(o, v))
        if half:
            eps = v.eps
            hyp = None if getattr(v, "assume_hypotheses", False) else pmax >= o.num(0.5)
        else:
            eps = 1 - pmax + v.s * pmax
            hyp = None
        rel = Rel(o.hf_jnorm(v.P, v.x, v.beta), "<=", c * eps - c * eps**2, "‖J‖₂ ≤ 2βNM²ε(1 − ε)")
        return implies(o, hyp, [rel])

    return statement


def a2_searched_eps(o, v):
    """The ε the search tests (the claim's ``defined`` quantity ``eps``)."""
    lo = 1 - o.max(_p(o, v))
    return lo + v.s * (o.num(0.5) - lo)


def a2_eps_hypotheses(o, v):
    """ε ≤ ½ and 1 − ε ≤ p_max."""
    if EP.symbolic(v):
        return JP.a2_eps_hypotheses(o, v)
    return [
        Rel(v.eps, "<=", o.num(0.5), "1 − ε ≥ ½"),
        Rel(1 - v.eps, "<=", o.max(_p(o, v)), "p_max ≥ 1 − ε"),
    ]
