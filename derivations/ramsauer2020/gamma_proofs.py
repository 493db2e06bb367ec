"""Lemmas A14 and A17 of Ramsauer et al. (arXiv:2008.02217v3) and the step C_{d−1} ≥
1 − ln(d−1)/(d−1) of Theorem A7's proof, as statements about every dimension d, with their
derivations (App. A.1.5).

Notation: κ_d = Γ((d+1)/2)/(d√π Γ(d/2)) (Lemma A13's constant); C_d =
(κ_d/2)^{−1/d} Γ(1 + 1/d) (d+1)^{−1/d} / Γ(2 + 1/d) (Lemma A16's constant, C_k with k = d);
the instance holds the dimension d alone, as its parameter ``n`` (the engine's name for a
dimension; shown as d).

The derivations (for every d ≥ 2 at once; Lemma A14 at d = 1 by a certified evaluation):

* Lemma A14 — Wendel's inequality at x = d/2, s = 1/2 (the kernel's ``wendel``) bounds
  Γ((d+1)/2)/Γ(d/2) between (d/2)/√((d+1)/2) and √(d/2), so
  1/√(2π(d+1)) ≤ κ_d ≤ 1/√(2πd) ≤ e^{1/12}/√(2πd); the paper's lower bound then follows
  from 2π(d+1) ≤ e^{4/3}πd, true for d ≥ 2 (not at d = 1, where Wendel's bound is too weak:
  κ₁ = 1/π is checked directly); e^{1/12}/√(2πd) ≤ e^{1/12}/√(4π) < 1.
* Lemma A17 — from κ_d ≤ e^{1/12}/√(2πd) (Lemma A14, cited) ≤ e^{1/12}/√(4π) < 2/e:
  (κ_d/2)^{−1/d} ≥ e^{1/d}; Γ(1+1/d)/Γ(2+1/d) = 1/(1 + 1/d) ≥ e^{−1/d} (Γ(x+1) = xΓ(x),
  e^t ≥ 1 + t); so C_d ≥ (d+1)^{−1/d} = e^{−ln(d+1)/d} ≥ 1 − ln(d+1)/d (e^t ≥ 1 + t). The
  paper's route (its d^{1/d} ≥ 1) is not needed.
* Theorem A7's step, with k = d − 1 ≥ 2: κ_k ≤ 1/√(2πk) ≤ 1/√(4π) (Wendel) and
  k/(k+1) ≥ 2/3 give κ_k/2 ≤ (1 − 1/(k+1))/e, so (κ_k/2)^{−1/k}(k+1)^{−1/k} ≥ e^{1/k}k^{−1/k};
  with 1/(1 + 1/k) ≥ e^{−1/k}, C_k ≥ k^{−1/k} = e^{−ln k/k} ≥ 1 − ln k/k.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp
from hypothesis import strategies as st

from derivations.engine import Instance, Rel, Step
from derivations.engine.kernel import algebra, cites, combine, exp_tangent, monotone, wendel
from theory.indexed import Size

__all__ = [
    "kappa",
    "c_const",
    "a14_statement",
    "a17_statement",
    "a7_step_statement",
    "dimensions",
    "space",
    "a14_wrong",
    "c_at_least_one",
    "a14_sizes",
    "a14_derivation",
    "a17_sizes",
    "a17_derivation",
    "a7_step_sizes",
    "a7_step_derivation",
]

_T = sp.Dummy("t", positive=True)


def _half(o):
    return o.num(1) / 2


def kappa(o, d):
    """κ_d = Γ((d+1)/2) / (d √π Γ(d/2)) (Lemma A13)."""
    return o.hf_gamma_ratio((d + 1) / 2, d / 2) / (d * o.pi() ** _half(o))


def c_const(o, k):
    """C_k = (κ_k/2)^{−1/k} Γ(1 + 1/k) (k+1)^{−1/k} / Γ(2 + 1/k) (Lemma A16)."""
    inv = o.num(1) / k
    return (kappa(o, k) / 2) ** (-inv) * o.hf_gamma_ratio(1 + inv, 2 + inv) * (k + 1) ** (-inv)


def _a14_sides(o, d):
    one = o.num(1)
    pi = o.pi()
    lo = 1 / (o.exp(one / 6) * (o.exp(one) * pi * d) ** _half(o))
    hi = o.exp(one / 12) / (2 * pi * d) ** _half(o)
    return lo, kappa(o, d), hi


def a14_statement(o, v):
    """Lemma A14: 1/(e^{1/6}√(eπd)) ≤ κ_d ≤ e^{1/12}/√(2πd) < 1."""
    lo, k, hi = _a14_sides(o, v.n)
    return [
        Rel(lo, "<=", k, "1/(e^{1/6}√(eπd)) ≤ κ_d"),
        Rel(k, "<=", hi, "κ_d ≤ e^{1/12}/√(2πd)"),
        Rel(hi, "<", o.num(1), "e^{1/12}/√(2πd) < 1"),
    ]


def a17_statement(o, v):
    """Lemma A17: C_d ≥ 1 − ln(d+1)/d."""
    d = v.n
    return [Rel(c_const(o, d), ">=", 1 - o.log(d + 1) / d, "C_d ≥ 1 − ln(d+1)/d")]


def a7_step_statement(o, v):
    """Theorem A7's proof: C_{d−1} ≥ 1 − ln(d−1)/(d−1)."""
    k = v.n - 1
    return [Rel(c_const(o, k), ">=", 1 - o.log(k) / k, "C_{d−1} ≥ 1 − ln(d−1)/(d−1)")]


def dimensions(first: int, regime: str = "", **params):
    """Instances of dimension d ≥ ``first`` (the parameter ``n``, beside ``params``): every d
    up to 300, and large ones up to 10⁹; ``regime`` names them (default: d ≤ 300 or not)."""
    big = st.sampled_from([10**3, 4321, 10**4, 10**5, 10**6, 10**9])
    return st.one_of(st.integers(first, 300), big).map(
        lambda d: Instance.make(
            regime=regime or ("d ≤ 300" if d <= 300 else "d > 300"), n=d, **params
        )
    )


def space(at_least: int) -> SimpleNamespace:
    """Every dimension d ≥ ``at_least`` (the displayed statement and the derivations)."""
    return SimpleNamespace(n=Size("d", at_least))


def a14_wrong(o, v):
    """The wrong variant of Lemma A14: its upper bound halved."""
    _, k, hi = _a14_sides(o, v.n)
    return [Rel(k, "<=", hi / 2, "κ_d ≤ e^{1/12}/(2√(2πd))")]


def c_at_least_one(shift: int):
    """The wrong variants of Lemma A17 (``shift`` 0) and Theorem A7's step (1): C_{d−shift} ≥ 1."""

    def statement(o, v):
        return [Rel(c_const(o, v.n - shift), ">=", o.num(1), "C ≥ 1")]

    return statement


# ----------------------------------------------------------------------------- Lemma A14


def a14_sizes():
    """Every d ≥ 2, and d = 1 (a fixed size: three certified constants)."""
    return [space(2), SimpleNamespace(n=sp.Integer(1), size_text="d = 1")]


def _upper_steps(d, first: int) -> list[Step]:
    """Steps first, first + 1: 2 ≤ d, so −e^{1/12}/√(4π) ≤ −e^{1/12}/√(2πd)."""
    e12 = sp.exp(sp.Rational(1, 12))
    return [
        Step(Rel(2, "<=", d), "d ≥ 2", algebra()),
        Step(
            Rel(-e12 / sp.sqrt(4 * sp.pi), "<=", -e12 / sp.sqrt(2 * sp.pi * d)),
            "t ↦ −e^{1/12}/√(2πt) is increasing",
            monotone(first, sp.Lambda(_T, -e12 / sp.sqrt(2 * sp.pi * _T)), "positive"),
        ),
    ]


def a14_derivation(o, v):
    d = v.n
    if not isinstance(d, Size):  # d = 1: κ₁ = 1/π, three constants compared
        return [Step(r, "a certified constant", algebra()) for r in a14_statement(o, v)]
    lo, k, hi = _a14_sides(o, d)
    x, s, g = d / 2, sp.Rational(1, 2), sp.gamma(d / 2)
    scale = 1 / (d * sp.sqrt(sp.pi) * g)
    return [
        Step(Rel(sp.gamma(x + s), "<=", x**s * g), "Wendel, x = d/2, s = 1/2", wendel(x, s)),
        Step(
            Rel(k, "<=", hi),
            "divided by d√πΓ(d/2) > 0: κ_d ≤ 1/√(2πd) ≤ e^{1/12}/√(2πd)",
            combine((0, scale)),
        ),
        Step(
            Rel(x**s * (x / (x + s)) ** (1 - s) * g, "<=", sp.gamma(x + s)),
            "Wendel's lower bound",
            wendel(x, s),
        ),
        Step(
            Rel(1 / (2 * sp.sqrt(sp.pi * (x + s))), "<=", k), "divided alike", combine((2, scale))
        ),
        Step(
            Rel(1 / (2 * sp.sqrt(sp.pi * (x + s))), "==", 1 / sp.sqrt(2 * sp.pi * (d + 1))),
            "x + s = (d+1)/2",
            algebra(),
        ),
        Step(
            Rel(2 * sp.pi * (d + 1), "<=", sp.exp(sp.Rational(4, 3)) * sp.pi * d),
            "d ≥ 2",
            algebra(),
        ),
        Step(
            Rel(-1 / sp.sqrt(2 * sp.pi * (d + 1)), "<=", -lo),
            "t ↦ −1/√t is increasing",
            monotone(5, sp.Lambda(_T, -1 / sp.sqrt(_T)), "positive"),
        ),
        Step(Rel(lo, "<=", k), "the two bounds chained", combine((3, 1), (4, -1), (6, 1))),
        *_upper_steps(d, 8),
        Step(Rel(hi, "<", 1), "e^{1/12}/√(4π) < 1 (certified)", combine((9, 1))),
    ]


# ----------------------------------------------------------------------------- Lemma A17


def a17_sizes():
    return [space(2)]


def _exp_steps(d, first: int) -> list[Step]:
    """Steps first, first + 1: 1 + 1/d ≤ e^{1/d}, so −1/(1 + 1/d) ≤ −e^{−1/d}."""
    return [
        Step(Rel(1 + 1 / d, "<=", sp.exp(1 / d)), "e^t ≥ 1 + t", exp_tangent()),
        Step(
            Rel(-1 / (1 + 1 / d), "<=", -sp.exp(-1 / d)),
            "t ↦ −1/t is increasing",
            monotone(first, sp.Lambda(_T, -1 / _T), "positive"),
        ),
    ]


def _gamma_shift(d) -> Step:
    """Γ(1 + 1/d)/Γ(2 + 1/d) = 1/(1 + 1/d) (Γ(x+1) = xΓ(x))."""
    return Step(
        Rel(sp.gamma(1 + 1 / d) / sp.gamma(2 + 1 / d), "==", 1 / (1 + 1 / d)),
        "Γ(x+1) = xΓ(x)",
        algebra(),
    )


def _line_steps(base, k, c, first: int, why: str) -> list[Step]:
    """Steps first + 1 … first + 3, from step first: base^{−1/k} ≤ c. base^{−1/k} =
    e^{−ln(base)/k} ≥ 1 − ln(base)/k (e^t ≥ 1 + t), so 1 − ln(base)/k ≤ c."""
    line, root = 1 - sp.log(base) / k, sp.exp(-sp.log(base) / k)
    return [
        Step(Rel(base ** (-1 / k), "==", root), why, algebra()),
        Step(Rel(line, "<=", root), "e^t ≥ 1 + t", exp_tangent()),
        Step(Rel(line, "<=", c), "chained", combine((first, 1), (first + 1, -1), (first + 2, 1))),
    ]


def a17_derivation(o, v):
    d = v.n
    k = kappa(o, d)
    e12 = sp.exp(sp.Rational(1, 12))
    inv = 1 / d
    rest = sp.gamma(1 + inv) / sp.gamma(2 + inv) * (d + 1) ** (-inv)
    low = (d + 1) ** (-inv)
    return [
        Step(Rel(k, "<=", e12 / sp.sqrt(2 * sp.pi * d)), "Lemma A14", cites("lemma-a14", v)),
        *_upper_steps(d, 1),
        Step(
            Rel(k / 2, "<", sp.exp(-1)),
            "e^{1/12}/(4√π) < 1/e",
            combine((0, sp.S.Half), (2, sp.S.Half)),
        ),
        Step(
            Rel(-((k / 2) ** (-inv)), "<", -sp.exp(inv)),
            "t ↦ −t^{−1/d} is increasing",
            monotone(3, sp.Lambda(_T, -(_T ** (-inv))), "positive"),
        ),
        Step(
            Rel(sp.exp(inv) * rest, "<=", c_const(o, d)),
            "times Γ(1+1/d)(d+1)^{−1/d}/Γ(2+1/d) > 0",
            combine((4, rest)),
        ),
        _gamma_shift(d),
        *_exp_steps(d, 7),
        Step(
            Rel(low, "<=", c_const(o, d)),
            "e^{1/d} · 1/(1 + 1/d) ≥ 1",
            combine((5, 1), (6, -sp.exp(inv) * low), (8, sp.exp(inv) * low)),
        ),
        *_line_steps(d + 1, d, c_const(o, d), 9, "(d+1)^{−1/d} = e^{−ln(d+1)/d}"),
    ]


# ------------------------------------------------------------------- Theorem A7's step


def a7_step_sizes():
    """Every d = k + 1 with k ≥ 2 (the derivation reads k = d − 1, a size, so that k > 0 is
    structural)."""
    return [SimpleNamespace(n=Size("k", 2) + 1, size_text="every k ≥ 2 (d = k + 1)")]


def a7_step_derivation(o, v):
    K = v.n - 1
    k = kappa(o, K)
    x, s, g = K / 2, sp.Rational(1, 2), sp.gamma(K / 2)
    inv = 1 / K
    rest = sp.gamma(1 + inv) / sp.gamma(2 + inv) * (K + 1) ** (-inv)
    bound = K / ((K + 1) * sp.E)
    low = K ** (-inv)
    return [
        Step(Rel(sp.gamma(x + s), "<=", x**s * g), "Wendel, x = (d−1)/2, s = 1/2", wendel(x, s)),
        Step(
            Rel(k, "<=", 1 / sp.sqrt(2 * sp.pi * K)),
            "divided by (d−1)√πΓ((d−1)/2) > 0",
            combine((0, 1 / (K * sp.sqrt(sp.pi) * g))),
        ),
        Step(Rel(2, "<=", K), "d ≥ 3", algebra()),
        Step(
            Rel(-1 / sp.sqrt(4 * sp.pi), "<=", -1 / sp.sqrt(2 * sp.pi * K)),
            "t ↦ −1/√(2πt) is increasing",
            monotone(2, sp.Lambda(_T, -1 / sp.sqrt(2 * sp.pi * _T)), "positive"),
        ),
        Step(
            Rel(-sp.Rational(1, 3), "<=", -1 / (K + 1)),
            "t ↦ −1/(t+1) is increasing",
            monotone(2, sp.Lambda(_T, -1 / (_T + 1)), "positive"),
        ),
        Step(Rel(K / (K + 1), "==", 1 - 1 / (K + 1)), "k/(k+1) = 1 − 1/(k+1)", algebra()),
        Step(
            Rel(k / 2, "<", bound),
            "1/(4√π) < 2/(3e) (certified)",
            combine((1, sp.S.Half), (3, sp.S.Half), (4, 1 / sp.E), (5, -1 / sp.E)),
        ),
        Step(
            Rel(-((k / 2) ** (-inv)), "<", -(bound ** (-inv))),
            "t ↦ −t^{−1/(d−1)} is increasing",
            monotone(6, sp.Lambda(_T, -(_T ** (-inv))), "positive"),
        ),
        Step(
            Rel(bound ** (-inv) * (K + 1) ** (-inv), "==", sp.exp(inv) * low),
            "(k/((k+1)e))^{−1/k}(k+1)^{−1/k} = e^{1/k}k^{−1/k}",
            algebra(),
        ),
        _gamma_shift(K),
        *_exp_steps(K, 10),
        Step(
            Rel(low, "<=", c_const(o, K)),
            "chained",
            combine(
                (7, rest),
                (8, -sp.gamma(1 + inv) / sp.gamma(2 + inv)),
                (9, -sp.exp(inv) * low),
                (11, sp.exp(inv) * low),
            ),
        ),
        *_line_steps(K, K, c_const(o, K), 12, "k^{−1/k} = e^{−ln k/k}"),
    ]
