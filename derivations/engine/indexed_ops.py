"""The SymPy back end at symbolic size: a statement on vectors of length m (or patterns of
symbolic d and n) becomes one formula for every size, in the paper's notation.

:class:`IndexedOps` extends :class:`~derivations.engine.backends.SymOps`: the core words and
the associative-memory words of :mod:`derivations.vocab` accept :class:`theory.indexed.Vec`
and :class:`theory.indexed.PatternSet` and return sums, LSEs and max/min over an index range,
with the paper's named quantities kept by name (g(x), E(x), E^MCHN_β(x), E_global, x⁺ …;
each carries its definition, :class:`theory.indexed.Named`). On ordinary lists it behaves
as ``SymOps``. :func:`ops_for` picks the back end an instance needs.

Notation: z ∈ ℝᵐ (``Vec``), patterns ρⁱ (rows, entries ρⁱ_k), query x, d patterns, n
dimensions, u(x) = 2Mᵀx − (‖ρⁱ‖²)ᵢ, x⁺ = M softmax(u(x)).
"""

from __future__ import annotations

import sympy as sp

from derivations.engine.backends import SymOps
from theory.indexed import (
    LseOver,
    MaxOver,
    MinOver,
    PatternSet,
    Sup,
    Vec,
    index,
    named,
    notation,
    sizes_in,
)

__all__ = ["IndexedOps", "INDEXED", "ops_for", "symbolic"]

# the paper's notation (Niu et al. Sec. 2, 4; App. A) — transparent ones are mere notation
for _key, _latex, _text, _tr, _meaning in (
    ("LSE", r"\operatorname{LSE}\left($0\right)", "LSE($0)", True, "LSE(z) = log Σᵢ exp zᵢ"),
    (
        "LSEb",
        r"\operatorname{LSE}\left($0, $1\right)",
        "LSE($0, $1)",
        True,
        "LSE(β, z) = β⁻¹ log Σᵢ exp(β zᵢ)",
    ),
    ("inf_norm", r"\left\|$0\right\|_{\infty}", "‖$0‖∞", True, "‖z‖∞ = maxᵢ |zᵢ|"),
    ("sqnorm", r"\left\|$0\right\|^{2}", "‖$0‖²", True, "‖x‖² = Σ_k x_k²"),
    (
        "sqdist",
        r"\left\|$0 - $1\right\|^{2}",
        "‖$0 − $1‖²",
        True,
        "dist(x, ρⁱ) = ‖x − ρⁱ‖² = Σ_k (x_k − ρⁱ_k)²",
    ),
    ("dot", r"\langle $0, $1\rangle", "⟨$0, $1⟩", True, "⟨a, b⟩ = Σ_k a_k b_k"),
    ("u", r"u$_0\left($1\right)", "u$_0($1)", True, "uᵢ(x) = 2⟨x, ρⁱ⟩ − ‖ρⁱ‖²"),
    ("g", r"g\left($0\right)", "g($0)", False, "g(x) = minᵢ ‖x − ρⁱ‖² (Eq. 3)"),
    ("E", r"E\left($0\right)", "E($0)", False, "E(x) = −LSE(−‖x − ρ¹‖², …) (Eq. 4)"),
    (
        "EMCHN",
        r"E^{\mathrm{MCHN}}$_0\left($1\right)",
        "E^MCHN$_0($1)",
        False,
        "E^MCHN_β(x) = −LSE(β, Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²",
    ),
    ("Delta", r"\Delta", "Δ", False, "Δ = maxᵢ‖ρⁱ‖² − minᵢ‖ρⁱ‖²"),
    ("Eglobal", r"E_{\mathrm{global}}", "E_global", False, "E_global = −LSE(−E₁, …, −E_l) (Eq. 7)"),
    (
        "softmax",
        r"\operatorname{softmax}\left($0\right)$_1",
        "softmax($0)$_1",
        False,
        "softmax(z)ᵢ = exp zᵢ / Σⱼ exp zⱼ",
    ),
    (
        "softmaxb",
        r"\operatorname{softmax}\left($0 $1\right)$_2",
        "softmax($0·$1)$_2",
        False,
        "softmax(βz)ᵢ = exp(βzᵢ) / Σⱼ exp(βzⱼ)",
    ),
    ("xplus", r"x^{+}$_0", "x⁺$_0", False, "x⁺_k = Σᵢ softmax(u(x))ᵢ ρⁱ_k (the CCCP step)"),
):
    notation(_key, _latex, _text, _tr, _meaning)


def symbolic(ns) -> bool:
    """Whether a namespace is of symbolic size (holds a Vec, a PatternSet or a Size)."""
    return (
        bool(sizes_in(ns)) or any(isinstance(v, (Vec, PatternSet)) for v in vars(ns).values())
        if hasattr(ns, "__dict__")
        else False
    )


def ops_for(ns):
    """:data:`INDEXED` for a namespace of symbolic size, else the plain SymPy back end."""
    from derivations.engine.backends import SYM

    return INDEXED if symbolic(ns) else SYM


def _fresh(name: str, *exprs) -> sp.Symbol:
    """An index symbol ``name`` (primed as needed) free in none of ``exprs``."""
    used = {s.name for e in exprs for s in sp.sympify(e).free_symbols}
    while name in used:
        name += "'"
    return index(name)


def _shown_sum(a, b):
    if a is None or b is None:
        return None
    return a + b


class IndexedOps(SymOps):
    """SymPy back end for vectors of symbolic length (see the module notes)."""

    name = "sympy"
    symbolic_size = True

    # ---------------------------------------------------------------- core words on Vec
    def abs(self, a):
        """|a|, kept as written (SymPy's automatic sign simplification would rewrite the
        definitions inside named quantities)."""
        return sp.Abs(a, evaluate=False)

    def max(self, z):
        if isinstance(z, Vec):
            return MaxOver(z.body, z.var, 1, z.length)
        return super().max(z)

    def min(self, z):
        if isinstance(z, Vec):
            return MinOver(z.body, z.var, 1, z.length)
        return super().min(z)

    def length(self, z):
        return z.length if isinstance(z, Vec) else super().length(z)

    def vadd(self, a, b):
        if isinstance(a, Vec) and isinstance(b, Vec):
            return a.zip(b, lambda s, t: s + t, _shown_sum(a.shown, b.shown))
        return super().vadd(a, b)

    def vscale(self, c, a):
        if isinstance(a, Vec):
            return a.map(lambda t: c * t, None if a.shown is None else c * a.shown)
        return super().vscale(c, a)

    def inf_norm(self, z):
        if isinstance(z, Vec):
            d = MaxOver(self.abs(z.body), z.var, 1, z.length)
            return d if z.shown is None else named("inf_norm", d, z.shown)
        return super().inf_norm(z)

    def dot(self, a, b):
        if isinstance(a, Vec) and isinstance(b, Vec):
            d = sp.Sum(a.body * b[a.var], (a.var, 1, a.length))
            both = a.shown is not None and b.shown is not None
            return named("dot", d, a.shown, b.shown) if both else d
        return super().dot(a, b)

    def sqnorm(self, a):
        if isinstance(a, Vec):
            d = sp.Sum(a.body**2, (a.var, 1, a.length))
            return d if a.shown is None else named("sqnorm", d, a.shown)
        return super().sqnorm(a)

    def lse(self, z, beta=1):
        if isinstance(z, Vec):
            beta = sp.sympify(beta)
            d = LseOver(beta * z.body, z.var, 1, z.length) / beta
            if z.shown is None:
                return d
            return named("LSE", d, z.shown) if beta == 1 else named("LSEb", d, beta, z.shown)
        return super().lse(z, beta)

    def softmax(self, z, k, beta=1):
        if isinstance(z, Vec):
            j = _fresh("j", z.body, k)
            d = sp.exp(beta * z[k]) / sp.Sum(sp.exp(beta * z[j]), (j, 1, z.length))
            shown = z.shown if z.shown is not None else sp.Symbol("z")
            if sp.sympify(beta) == 1:
                return named("softmax", d, shown, k)
            return named("softmaxb", d, beta, shown, k)
        return super().softmax(z, k, beta)

    def grad_lse(self, z, k, beta=1):
        if isinstance(z, Vec) and z.base() is not None:
            return sp.Derivative(self.lse(z, beta), z.base()[k], evaluate=False)
        return super().grad_lse(z, k, beta)

    # ----------------------------------------------- the associative-memory vocabulary
    def count(self, P):
        return P.d if isinstance(P, PatternSet) else self._word("count", P)

    def _word(self, name, *args):
        from derivations.engine.backends import vocabulary

        return vocabulary()[name].impl("sympy")(self, *args)

    def _dist_i(self, P: PatternSet, x: Vec, i):
        row = P.row(i)
        d = sp.Sum((x[P.k] - row[P.k]) ** 2, (P.k, 1, P.n))
        return named("sqdist", d, x.shown, row.shown)

    def _sqnorm_i(self, P: PatternSet, i):
        return self.sqnorm(P.row(i))

    def sqnorms(self, P):
        if isinstance(P, PatternSet):
            return Vec(self._sqnorm_i(P, P.i), P.i, P.d)
        return self._word("sqnorms", P)

    def max_sqnorm(self, P):
        if isinstance(P, PatternSet):
            return MaxOver(self._sqnorm_i(P, P.i), P.i, 1, P.d)
        return self._word("max_sqnorm", P)

    def min_sqnorm(self, P):
        if isinstance(P, PatternSet):
            return MinOver(self._sqnorm_i(P, P.i), P.i, 1, P.d)
        return self._word("min_sqnorm", P)

    def dists(self, P, x):
        if isinstance(P, PatternSet):
            return Vec(self._dist_i(P, x, P.i), P.i, P.d)
        return self._word("dists", P, x)

    def nn(self, P, x):
        if isinstance(P, PatternSet):
            return named("g", MinOver(self._dist_i(P, x, P.i), P.i, 1, P.d), x.shown)
        return self._word("nn", P, x)

    def energy(self, P, x):
        if isinstance(P, PatternSet):
            d = -LseOver(-self._dist_i(P, x, P.i), P.i, 1, P.d)
            return named("E", d, x.shown)
        return self._word("energy", P, x)

    def mchn(self, P, x, beta):
        """E^MCHN_β(x) = −β⁻¹ log Σᵢ exp(β⟨x, ρⁱ⟩) + ½‖x‖² + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²."""
        if not isinstance(P, PatternSet):
            return self._word("mchn", P, x, beta)
        beta = sp.sympify(beta)
        dot = sp.Sum(x[P.k] * P.rho[P.i, P.k], (P.k, 1, P.n))
        d = (
            -LseOver(beta * dot, P.i, 1, P.d) / beta
            + self.sqnorm(x) / 2
            + sp.log(P.d) / beta
            + self.max_sqnorm(P) / 2
        )
        return named("EMCHN", d, beta, x.shown)

    def global_energy(self, values):
        if isinstance(values, Vec):
            d = -LseOver(-values.body, values.var, 1, values.length)
            return named("Eglobal", d)
        return self._word("global_energy", values)

    def dc_argument(self, P, x):
        """u(x): uᵢ = 2⟨x, ρⁱ⟩ − ‖ρⁱ‖² (the concave part's argument)."""
        if not isinstance(P, PatternSet):
            return self._word("dc_argument", P, x)
        i = P.i
        d = 2 * sp.Sum(x[P.k] * P.rho[i, P.k], (P.k, 1, P.n)) - self._sqnorm_i(P, i)
        return Vec(named("u", d, i, x.shown), i, P.d, sp.Function("u")(x.shown))

    def cccp_step(self, P, x):
        """x⁺ with x⁺_k = Σᵢ softmax(u(x))ᵢ ρⁱ_k, as a vector of named entries."""
        if not isinstance(P, PatternSet):
            return self._word("cccp_step", P, x)
        u = self.dc_argument(P, x)
        i = index("i")
        d = sp.Sum(self.softmax(u, i) * P.rho[i, P.k], (i, 1, P.d))
        return Vec(named("xplus", d, P.k), P.k, P.n, sp.IndexedBase("x^{+}", real=True))

    def named(self, key: str, value, *shown):
        """``value`` shown under the name ``key`` (e.g. "Delta"), at symbolic size only."""
        return named(key, value, *shown)


INDEXED = IndexedOps()


def name_as(ops, key: str, value, *shown):
    """``value`` under the name ``key`` when ``ops`` works at symbolic size, else ``value``
    (so a statement reads Δ in the report and computes max − min everywhere else)."""
    return ops.named(key, value, *shown) if isinstance(ops, IndexedOps) else value


_ = Sup  # re-exported for packs that display a pattern by its index
