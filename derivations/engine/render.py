"""Formulas in the paper's notation: LaTeX (report, MathML) and Unicode (terminal).

Named quantities print by name — g(x), E(x), E^MCHN_2(x), Δ, LSE(z), ‖x − ρⁱ‖² — sums stay
sums (Σᵢ₌₁ᵈ …), LSE and max/min over an index range show the range, pattern entries print as
ρⁱ_k. :func:`latex` / :func:`text` print an expression, :func:`rel_latex` / :func:`rel_text`
a relation (with its range, "for i = 1 … m", when it holds for every index of one).
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from theory.indexed import NOTATION, LseOver, MaxOver, MinOver, Named, Sup, fill

__all__ = ["latex", "text", "rel_latex", "rel_text", "sub", "sup", "REL_TEXT"]

REL_LATEX = {"<=": r"\le", "<": "<", "==": "=", ">=": r"\ge", ">": ">"}
REL_TEXT = {"<=": "≤", "<": "<", "==": "=", ">=": "≥", ">": ">"}

_GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "lambda": "λ",
    "mu": "μ",
    "rho": "ρ",
    "sigma": "σ",
    "theta": "θ",
    "xi": "ξ",
    "Delta": "Δ",
    "epsilon": "ε",
    "eta": "η",
    "tau": "τ",
    "pi": "π",
    "omega": "ω",
    "Gamma": "Γ",
    "kappa": "κ",
}
_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyz*",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ*",
        strict=True,
    )
)


def sub(s: str) -> str:
    """``s`` as Unicode subscript characters when it has them all, else ``_s`` / ``_(s)``."""
    t = s.replace("−", "-").replace(" ", "")
    if t and all(c in _SUB for c in t):
        return "".join(_SUB[c] for c in t)
    return "_" + s if len(s) == 1 or s.isalnum() else f"_({s})"


def sup(s: str) -> str:
    """``s`` as Unicode superscript characters when it has them all, else ``^s`` / ``^(s)``."""
    t = s.replace("−", "-").replace(" ", "")
    if t and all(c in _SUP for c in t):
        return "".join(_SUP[c] for c in t)
    return "^" + s if len(s) == 1 or s.isalnum() else f"^({s})"


def _name_text(name: str) -> str:
    """A symbol's LaTeX-ish name in Unicode: \\lambda → λ, x^{+} → x⁺, r^{*} → r*."""
    s = re.sub(r"\\(?:mathrm|operatorname|text)\{([^}]*)\}", r"\1", name)
    s = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(1)), s)
    s = re.sub(r"\^\{([^}]*)\}", lambda m: sup(m.group(1)), s)
    s = re.sub(r"_\{([^}]*)\}", lambda m: sub(m.group(1)), s)
    return s.replace("{", "").replace("}", "")


def _reading_order(terms) -> list:
    """Terms of a sum in reading order: named and structured terms first, positive before
    negative, plain numbers and logs of a single symbol (log d, log m) last."""

    def key(t):
        c, rest = t.as_coeff_Mul()
        small = rest.is_Number or (isinstance(rest, sp.log) and rest.args[0].is_Atom)
        return (bool(c.is_negative), bool(small))

    return sorted(terms, key=key)


# --------------------------------------------------------------------------------- LaTeX


class _Latex(LatexPrinter):
    def _as_ordered_terms(self, expr, order=None):
        return _reading_order(super()._as_ordered_terms(expr, order=order))

    def _print_Indexed(self, e):
        base = self._print(e.base.label)
        idx = [self._print(i) for i in e.indices]
        if len(idx) == 2:  # braced: a power of it is {x^{j}_{k}}^{2}, not a double exponent
            return f"{{{base}^{{{idx[0]}}}_{{{idx[1]}}}}}"
        return f"{base}_{{{','.join(idx)}}}"

    def _print_IndexedBase(self, e):
        return self._print(e.label)

    def _print_Derivative(self, e):
        (v,) = e.variables
        f = e.expr
        body = self.parenthesize(f, 1000) if isinstance(f, sp.Add) else self._print(f)
        return rf"\frac{{\partial}}{{\partial {self._print(v)}}} {body}"

    def _print_Dummy(self, e):
        return self._print(sp.Symbol(e.name))


def latex(e) -> str:
    """``e`` in LaTeX, named quantities by name."""
    return _Latex().doprint(sp.sympify(e))


def _range_latex(ranges) -> str:
    parts = []
    for rng in ranges:
        i, lo, hi = (latex(a) for a in rng)
        parts.append(rf"{lo} \le {i} \le {hi}")
    return rf"\quad \left({', '.join(parts)}\right)"


def rel_latex(rel) -> str:
    """A :class:`~derivations.engine.model.Rel` in LaTeX (with its index ranges)."""
    out = f"{latex(rel.lhs)} {REL_LATEX[rel.op]} {latex(rel.rhs)}"
    return out + (_range_latex(rel.ranges) if rel.over else "")


# ------------------------------------------------------------------------------- Unicode


class _Text(StrPrinter):
    printmethod = "_beyond_scaling_text"  # our methods below win over objects' _sympystr

    def _print_Symbol(self, e):
        return _name_text(e.name)

    _print_Dummy = _print_Symbol

    def _print_IndexedBase(self, e):
        return self._print(e.label)

    def _print_Indexed(self, e):
        base = self._print(e.base.label)
        idx = [self._print(i) for i in e.indices]
        if len(idx) == 2:
            return base + sup(idx[0]) + sub(idx[1])
        return base + sub(",".join(idx))

    def _print_Pi(self, e):
        return "π"

    def _print_Exp1(self, e):
        return "e"

    def _print_Integer(self, e):
        return str(e).replace("-", "−")

    def _print_Rational(self, e):
        return f"{self._print(sp.Integer(e.p))}/{e.q}"

    def _print_Add(self, e, order=None):
        terms = _reading_order(e.as_ordered_terms())
        out = self._print(terms[0])
        for t in terms[1:]:
            c, _ = t.as_coeff_Mul()
            if c.is_negative:
                out += " − " + self._paren_add(-t)
            else:
                out += " + " + self._print(t)
        return out

    def _paren_add(self, t):
        s = self._print(t)
        return f"({s})" if isinstance(t, sp.Add) else s

    def _factor(self, f, in_product: bool = False):
        s = self._print(f)
        neg = isinstance(f, sp.Mul) and f.as_coeff_Mul()[0].is_negative
        big = in_product and isinstance(f, (sp.Sum, sp.Integral, MaxOver, MinOver))
        return f"({s})" if isinstance(f, sp.Add) or neg or big else s

    def _print_Mul(self, e):
        c, rest = e.as_coeff_Mul()
        if c.is_negative:
            return "−" + self._factor(-e) if not isinstance(-e, sp.Add) else f"−({self._print(-e)})"
        num, den = [], []
        for f in sp.Mul.make_args(rest):
            if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp.is_negative:
                den.append(sp.Pow(f.base, -f.exp))
            else:
                num.append(f)
        if c.is_Rational and c != 1:
            if c.p != 1 or not num:
                num.insert(0, sp.Integer(c.p))
            if c.q != 1:
                den.insert(0, sp.Integer(c.q))
        many = len(num) + len(den) > 1
        top = "·".join(self._factor(f, many) for f in num) if num else "1"
        if not den:
            return top
        bot = "·".join(self._factor(f, many) for f in den)
        return (
            f"{top}/{bot}"
            if len(den) == 1 and not isinstance(den[0], sp.Mul)
            else (f"{top}/({bot})")
        )

    def _print_Pow(self, e):
        b, x = e.base, e.exp
        base = self._print(b)
        if not (b.is_Atom or isinstance(b, (sp.Indexed, Named, sp.Function))) or (
            isinstance(b, Named) and "−" in base
        ):
            base = f"({base})"
        if x == sp.Rational(1, 2):
            return f"√({self._print(b)})"
        if x.is_Integer and x.is_negative:
            return f"1/{base}" if x == -1 else f"1/{base}{sup(str(-x))}"
        xs = self._print(x)
        return base + sup(xs)

    def _print_exp(self, e):
        return f"exp({self._print(e.args[0])})"

    def _print_log(self, e):
        a = e.args[0]
        s = self._print(a)
        return f"log {s}" if a.is_Atom and not a.is_negative else f"log({s})"

    def _print_Abs(self, e):
        return f"|{self._print(e.args[0])}|"

    def _lim(self, i, lo, hi) -> str:
        return sub(f"{self._print(i)}={self._print(lo)}") + sup(self._print(hi))

    def _print_Sum(self, e):
        body = self._factor(e.function)
        lims = "".join(f"Σ{self._lim(*lim)} " for lim in reversed(e.limits))
        return lims + body

    def _print_LseOver(self, e):
        return f"LSE{self._lim(*e.args[1:])}({self._print(e.body)})"

    def _print_MaxOver(self, e):
        return f"max{self._lim(*e.args[1:])} {self._factor(e.body)}"

    def _print_MinOver(self, e):
        return f"min{self._lim(*e.args[1:])} {self._factor(e.body)}"

    def _print_Named(self, e):
        n = NOTATION.get(e.key)
        args = [self._print(a) for a in e.shown]
        if n is None:
            return f"{e.key}({', '.join(args)})"
        return fill(n.text, args, sub=sub, sup=sup)

    def _print_Sup(self, e):
        return self._print(e.args[0]) + sup(self._print(e.args[1]))

    def _print_Derivative(self, e):
        (v,) = e.variables
        return f"∂/∂{self._print(v)} {self._factor(e.expr)}"

    def _print_Integral(self, e):
        out = self._factor(e.function)
        for lim in e.limits:
            t, a, b = lim if len(lim) == 3 else (lim[0], None, None)
            rng = "" if a is None else sub(self._print(a)) + sup(self._print(b))
            out = f"∫{rng} {out} d{self._print(t)}"
        return out

    def _print_lowergamma(self, e):
        return f"γ({', '.join(self._print(a) for a in e.args)})"

    def _print_uppergamma(self, e):
        return f"Γ({', '.join(self._print(a) for a in e.args)})"

    def _print_gamma(self, e):
        return f"Γ({self._print(e.args[0])})"

    def _print_KroneckerDelta(self, e):
        return "δ" + sub("".join(self._print(a) for a in e.args))

    def _print_Max(self, e):
        return f"max({', '.join(self._print(a) for a in e.args)})"

    def _print_Min(self, e):
        return f"min({', '.join(self._print(a) for a in e.args)})"

    def _print_Function(self, e):
        return f"{_name_text(e.func.__name__)}({', '.join(self._print(a) for a in e.args)})"


def text(e) -> str:
    """``e`` in Unicode on one line, named quantities by name."""
    return _Text().doprint(sp.sympify(e))


def rel_text(rel) -> str:
    """A :class:`~derivations.engine.model.Rel` in Unicode (with its index ranges)."""
    out = f"{text(rel.lhs)} {REL_TEXT[rel.op]} {text(rel.rhs)}"
    parts = []
    for rng in rel.ranges:
        i, lo, hi = (text(a) for a in rng)
        parts.append(f"{i} = {lo} … {hi}" if rng[0].is_integer else f"{lo} ≤ {i} ≤ {hi}")
    return out + (f"   (for {', '.join(parts)})" if parts else "")


_ = (LseOver, MaxOver, MinOver, Sup)  # printed through _print_<ClassName>
