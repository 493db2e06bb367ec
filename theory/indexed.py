"""Objects of symbolic size: vectors z ∈ ℝᵐ and pattern sets ρ¹…ρ^d ∈ ℝⁿ with m, d, n, l
SymPy symbols, so that a derivation about them holds for every size at once.

Notation (Niu et al., arXiv:2405.08707v2, App. A and Sec. 4):

================  ======================================================================
code              meaning
================  ======================================================================
``Size``          a size m, d, n or l: a positive integer ≥ ``at_least`` (1 or 2)
``Vec``           a vector of symbolic length: i ↦ body(i), i = 1 … length
``PatternSet``    d patterns ρⁱ ∈ ℝⁿ (entries ρⁱ_k) and the query x ∈ ℝⁿ
``LseOver``       LSE_{i=lo}^{hi} f(i) = log Σ_{i=lo}^{hi} exp f(i)  (LSE over i = lo … hi)
``MaxOver``       max_{lo ≤ i ≤ hi} f(i); ``MinOver`` likewise
``Named``         a named quantity — g(x), E(x), E^MCHN_β(x), Δ, LSE(z), ‖x − ρⁱ‖² … —
                  standing for its definition; *transparent* ones are mere notation
``Sup``           ρⁱ: a pattern named by its (upper) index, for display
================  ======================================================================

Sums are SymPy's ``Sum`` (Karr's convention: Σ_{i=a}^{b} = −Σ_{i=b+1}^{a−1} when b < a − 1,
so splitting off a term is valid for every range). Nothing here evaluates a sum or an LSE at
symbolic size; :func:`expand_sizes` writes them out once every size is a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

__all__ = [
    "Size",
    "Vec",
    "PatternSet",
    "LseOver",
    "MaxOver",
    "MinOver",
    "Named",
    "Sup",
    "named",
    "notation",
    "NOTATION",
    "index",
    "expand_sizes",
    "sizes_in",
    "fill",
    "subst",
    "replace",
    "rename",
]


class Size(sp.Symbol):
    """A size (m, d, n, l): a positive integer, at least ``at_least`` (part of its identity).

    >>> m = Size("m", 2); (m.at_least, m.is_integer, m.is_positive)
    (2, True, True)
    """

    def __new__(cls, name: str, at_least: int = 1):
        if not isinstance(at_least, int) or at_least < 1:
            raise ValueError(f"at_least must be a positive int; got {at_least!r}")
        obj = sp.Symbol.__xnew__(cls, name, integer=True, positive=True)
        obj.at_least = at_least
        return obj

    def __getnewargs_ex__(self):
        return ((self.name, self.at_least), {})

    def _hashable_content(self):
        return sp.Symbol._hashable_content(self) + (self.at_least,)


def index(name: str = "i") -> sp.Symbol:
    """An integer index symbol (bound by a sum, an LSE, a max/min, or a ∀)."""
    return sp.Symbol(name, integer=True)


class _Over(sp.Function):
    """Base of the reductions over an index range: args (body, i, lo, hi); i is bound."""

    nargs = 4

    @classmethod
    def eval(cls, body, i, lo, hi):
        return None

    @property
    def body(self):
        return self.args[0]

    @property
    def var(self):
        return self.args[1]

    @property
    def bounds(self):
        return self.args[2], self.args[3]

    @property
    def free_symbols(self):
        body, i, lo, hi = self.args
        return (body.free_symbols - {i}) | lo.free_symbols | hi.free_symbols

    def _eval_is_extended_real(self):
        return self.body.is_extended_real

    def expanded(self):
        """The explicit form once lo and hi are integers (else None)."""
        body, i, lo, hi = self.args
        if not (lo.is_Integer and hi.is_Integer) or hi < lo:
            return None
        return self._combine([rename(body, {i: sp.Integer(j)}) for j in range(lo, hi + 1)])

    def _range_latex(self, printer):
        i, lo, hi = (printer._print(a) for a in self.args[1:])
        return i, lo, hi


class LseOver(_Over):
    r"""LSE_{i=lo}^{hi} f(i) = log Σ_{i=lo}^{hi} exp f(i)."""

    @staticmethod
    def _combine(vals):
        return sp.log(sp.Add(*[sp.exp(v) for v in vals]))

    def unfolded(self):
        body, i, lo, hi = self.args
        return sp.log(sp.Sum(sp.exp(body), (i, lo, hi)))

    def _latex(self, printer, exp=None):
        i, lo, hi = self._range_latex(printer)
        s = rf"\operatorname{{LSE}}_{{{i}={lo}}}^{{{hi}}}\left({printer._print(self.body)}\right)"
        return power_latex(s, exp)


class MaxOver(_Over):
    """max_{lo ≤ i ≤ hi} f(i) (a finite, non-empty range)."""

    @staticmethod
    def _combine(vals):
        return sp.Max(*vals)

    def _latex(self, printer, exp=None):
        i, lo, hi = self._range_latex(printer)
        return power_latex(rf"\max_{{{lo} \le {i} \le {hi}}} {_paren(printer, self.body)}", exp)


class MinOver(_Over):
    """min_{lo ≤ i ≤ hi} f(i) (a finite, non-empty range)."""

    @staticmethod
    def _combine(vals):
        return sp.Min(*vals)

    def _latex(self, printer, exp=None):
        i, lo, hi = self._range_latex(printer)
        return power_latex(rf"\min_{{{lo} \le {i} \le {hi}}} {_paren(printer, self.body)}", exp)


def power_latex(s: str, exp=None) -> str:
    """``s`` raised to the printed exponent ``exp`` (SymPy's printer passes it to ``_latex``
    for a power of a function): parenthesised, never a double exponent."""
    return s if exp is None else rf"\left({s}\right)^{{{exp}}}"


def _paren(printer, e) -> str:
    s = printer._print(e)
    return rf"\left({s}\right)" if isinstance(e, (sp.Add, sp.Mul)) and not _is_neg(e) else s


def _is_neg(e) -> bool:
    return isinstance(e, sp.Mul) and e.args[0] == -1 and len(e.args) == 2


class Sup(sp.Function):
    """ρⁱ: a base named by an upper index (display only; the index stays visible to
    substitution)."""

    nargs = 2

    def _latex(self, printer, exp=None):
        base, i = self.args
        s = f"{printer._print(base)}^{{{printer._print(i)}}}"
        return s if exp is None else f"{{{s}}}^{{{exp}}}"


_PLACEHOLDER = re.compile(r"\$([_^]?)(\d)")


def fill(template: str, args, sub=None, sup=None) -> str:
    """A notation template with its placeholders replaced: ``$0`` by the first argument,
    ``$_0`` by it as a subscript, ``$^0`` as a superscript (``sub``/``sup`` convert; by
    default LaTeX ``_{…}``/``^{…}``).

    >>> fill("E$_0($1) ≤ ‖$1‖$^2", ["2", "x", "2"])
    'E_{2}(x) ≤ ‖x‖^{2}'
    """
    sub = sub or (lambda s: "_{" + s + "}")
    sup = sup or (lambda s: "^{" + s + "}")

    def rep(mo):
        a = args[int(mo.group(2))]
        return sub(a) if mo.group(1) == "_" else sup(a) if mo.group(1) == "^" else a

    return _PLACEHOLDER.sub(rep, template)


@dataclass(frozen=True)
class Notation:
    """How a named quantity is shown: LaTeX and Unicode templates over its shown arguments
    ($0, $1, …; see :func:`fill`), and whether it is mere notation (*transparent*: always
    replaced by its definition when compared) or a named quantity unfolded only when a step
    says so."""

    latex: str
    text: str
    transparent: bool = False
    meaning: str = ""


#: Every named quantity's notation, by key (packs may add theirs with :func:`notation`).
NOTATION: dict[str, Notation] = {}


def notation(key: str, latex: str, text: str, transparent: bool = False, meaning: str = ""):
    """Declare (or re-declare identically) the notation of a named quantity ``key``."""
    new = Notation(latex, text, transparent, meaning)
    old = NOTATION.get(key)
    if old is not None and old != new:
        raise ValueError(f"notation {key!r} is already declared differently: {old}")
    NOTATION[key] = new


class Named(sp.Function):
    """A named quantity: args (Symbol(key), definition, Tuple(shown arguments)).

    Its value is its definition; it prints as its notation (:data:`NOTATION`) applied to the
    shown arguments, e.g. ``E(x)`` for the Eq. (4) energy written out as an LSE.
    """

    nargs = 3
    #: A scalar: products with it are sorted like any other (SymPy otherwise leaves a
    #: function of a Tuple argument non-commutative, and a·b and b·a differ).
    is_commutative = True

    @classmethod
    def eval(cls, key, definition, shown):
        return None

    @property
    def key(self) -> str:
        return self.args[0].name

    @property
    def definition(self):
        return self.args[1]

    @property
    def shown(self) -> tuple:
        return tuple(self.args[2])

    @property
    def transparent(self) -> bool:
        n = NOTATION.get(self.key)
        return bool(n and n.transparent)

    @property
    def free_symbols(self):
        return self.definition.free_symbols | sp.Tuple(*self.shown).free_symbols

    def _eval_is_extended_real(self):
        return self.definition.is_extended_real

    def _eval_is_positive(self):
        return self.definition.is_positive

    def _latex(self, printer, exp=None):
        n = NOTATION.get(self.key)
        args = [printer._print(a) for a in self.shown]
        if n is None:
            return power_latex(rf"\operatorname{{{self.key}}}({', '.join(args)})", exp)
        return power_latex(fill(n.latex, args), exp)


def named(key: str, definition, *shown) -> Named:
    """The named quantity ``key`` (declared with :func:`notation`) with its definition."""
    if key not in NOTATION:
        raise ValueError(f"unknown notation {key!r}; declare it with notation() first")
    return Named(sp.Symbol(key), sp.sympify(definition), sp.Tuple(*shown))


@dataclass(frozen=True)
class Vec:
    """A vector of symbolic length: entries ``body`` with the index ``var`` = 1 … ``length``.

    ``shown`` is how the whole vector prints (z, −z, λz + (1−λ)y, u(x)); ``None`` when it
    has no short name (then reductions print with their index).
    """

    body: sp.Expr
    var: sp.Symbol
    length: sp.Expr
    shown: sp.Expr | None = None

    @staticmethod
    def symbol(name: str, length, var: str = "i", real: bool = True, latex: str | None = None):
        """The vector with entries ``name[i]`` (an ``IndexedBase``), printed as ``name``."""
        base = sp.IndexedBase(latex or name, real=real)
        i = index(var)
        return Vec(base[i], i, sp.sympify(length), base)

    def __getitem__(self, j):
        if isinstance(j, int):
            raise TypeError("index a Vec with a SymPy index (1-based), not a Python int")
        return subst(self.body, {self.var: sp.sympify(j)})

    def __len__(self):  # pragma: no cover - a symbolic length has no Python len
        raise TypeError(f"a vector of symbolic length {self.length} has no len(); use .length")

    def map(self, f, shown=None) -> Vec:
        """The vector with entries f(entry)."""
        return Vec(f(self.body), self.var, self.length, shown)

    def zip(self, other: Vec, f, shown=None) -> Vec:
        """The vector with entries f(self_i, other_i) (lengths must agree)."""
        if sp.simplify(self.length - other.length) != 0:
            raise ValueError(f"vectors of lengths {self.length} and {other.length}")
        return Vec(f(self.body, other[self.var]), self.var, self.length, shown)

    def base(self):
        """The ``IndexedBase`` when the vector is a plain named vector, else None."""
        b = self.body
        if isinstance(b, sp.Indexed) and b.indices == (self.var,):
            return b.base
        return None


@dataclass(frozen=True)
class PatternSet:
    """d patterns ρⁱ ∈ ℝⁿ (entries ρ[i, k]) of symbolic d and n, and the query x ∈ ℝⁿ."""

    d: sp.Symbol = field(default_factory=lambda: Size("d"))
    n: sp.Symbol = field(default_factory=lambda: Size("n"))
    rho: sp.IndexedBase = field(default_factory=lambda: sp.IndexedBase(r"\rho", real=True))
    i: sp.Symbol = field(default_factory=lambda: index("i"))
    k: sp.Symbol = field(default_factory=lambda: index("k"))

    def query(self, name: str = "x", latex: str | None = None) -> Vec:
        return Vec.symbol(name, self.n, "k", latex=latex)

    def row(self, i) -> Vec:
        """ρⁱ as a vector over k."""
        return Vec(self.rho[i, self.k], self.k, self.n, Sup(self.rho.label, i))


_QUIET = (sp.log, sp.exp, sp.Abs)


def replace(e, mapping: dict):
    """``e`` with the subexpressions in ``mapping`` replaced (like ``xreplace``), rebuilding
    log, exp and |·| without SymPy's automatic evaluation (which queries assumptions at
    length); sums and products are rebuilt normally, so their order stays canonical."""
    if not mapping:
        return e
    return _replace(e, mapping, {})


def _replace(e, mapping, seen):
    if e in mapping:
        return mapping[e]
    if not e.args or (e.is_Atom and not isinstance(e, sp.Indexed)):
        return e
    hit = seen.get(e)
    if hit is not None:
        return hit
    args = tuple(_replace(a, mapping, seen) for a in e.args)
    if args == e.args:
        out = e
    elif isinstance(e, _QUIET):
        out = e.func(*args, evaluate=False)
    else:
        out = e.func(*args)
    seen[e] = out
    return out


def rename(e, mapping: dict):
    """``e`` with the free occurrences of the symbols in ``mapping`` replaced: inside a sum,
    LSE, max or min that binds one of them, that one is left alone (it is another variable
    there). Named quantities' definitions are renamed too (their free indices)."""
    if not mapping:
        return e
    return _rename(e, mapping, {})


def _rename(e, mapping, seen):
    if isinstance(e, sp.Symbol):
        return mapping.get(e, e)
    if not e.args or (e.is_Atom and not isinstance(e, sp.Indexed)):
        return e
    key = (e, tuple(mapping))
    hit = seen.get(key)
    if hit is not None:
        return hit
    if isinstance(e, sp.Sum):
        inner = {k: v for k, v in mapping.items() if k not in e.variables}
        lims = [
            (v, _rename(lo, mapping, seen), _rename(hi, mapping, seen)) for v, lo, hi in e.limits
        ]
        out = sp.Sum(_rename(e.function, inner, seen), *lims) if inner or lims else e
    elif isinstance(e, _Over):
        inner = {k: v for k, v in mapping.items() if k != e.var}
        out = type(e)(
            _rename(e.body, inner, seen), e.var, *[_rename(a, mapping, seen) for a in e.args[2:]]
        )
    else:
        args = tuple(_rename(a, mapping, seen) for a in e.args)
        if args == e.args:
            out = e
        elif isinstance(e, _QUIET):
            out = e.func(*args, evaluate=False)
        else:
            out = e.func(*args)
    seen[key] = out
    return out


def _rename_binders(e, avoid: set):
    """``e`` with every bound index whose name is in ``avoid`` renamed (deterministically:
    primes are added to the name until it clashes with nothing)."""
    if not isinstance(e, sp.Basic) or e.is_Atom or not e.args:
        return e
    args = tuple(_rename_binders(a, avoid) for a in e.args)
    if args != e.args:
        e = e.func(*args)
    names = {s.name for s in avoid}

    def fresh(v):
        taken = names | {s.name for s in e.free_symbols}
        name = v.name
        while name in taken:
            name += "'"
        return sp.Symbol(name, integer=True)

    if isinstance(e, sp.Sum):
        body, lims = e.function, []
        for v, lo, hi in e.limits:
            if v in avoid:
                d = fresh(v)
                body, v = rename(body, {v: d}), d
            lims.append((v, lo, hi))
        return sp.Sum(body, *lims)
    if isinstance(e, _Over) and e.var in avoid:
        d = fresh(e.var)
        return type(e)(rename(e.body, {e.var: d}), d, *e.args[2:])
    return e


def subst(e, mapping: dict):
    """Capture-avoiding substitution of free symbols: bound indices that clash with the
    replaced symbols or with the symbols of their replacements are renamed first.

    >>> i, k = index("i"), index("k"); x = sp.IndexedBase("x")
    >>> s = subst(sp.Sum(x[k] * x[i], (k, 1, 3)), {i: k})  # the sum's k is not captured
    >>> sp.expand(s.doit()) == x[1] * x[k] + x[2] * x[k] + x[3] * x[k]
    True
    """
    e = sp.sympify(e)
    mapping = {k: sp.sympify(v) for k, v in mapping.items() if k != v}
    if not mapping:
        return e
    avoid = set(mapping)
    for v in mapping.values():
        avoid |= v.free_symbols
    return rename(_rename_binders(e, avoid), mapping)


def sizes_in(obj) -> list:
    """The :class:`Size` symbols an instance (namespace, Vec, PatternSet, …) depends on."""
    found: dict = {}

    def walk(o):
        if isinstance(o, Size):
            found[o] = None
        elif isinstance(o, sp.Basic):
            for s in o.free_symbols:
                if isinstance(s, Size):
                    found[s] = None
        elif isinstance(o, Vec):
            walk(o.length)
            walk(o.body)
        elif isinstance(o, PatternSet):
            walk(o.d)
            walk(o.n)
        elif isinstance(o, (list, tuple)):
            for t in o:
                walk(t)
        elif hasattr(o, "__dict__"):
            for t in vars(o).values():
                walk(t)

    walk(obj)
    return sorted(found, key=lambda s: s.name)


def _sum_out(s: sp.Sum):
    """A sum with integer bounds written term by term (None if a bound is not an integer)."""
    body = s.function
    for v, lo, hi in s.limits:
        if not (lo.is_Integer and hi.is_Integer):
            return None
        body = sp.Add(*[rename(body, {v: sp.Integer(j)}) for j in range(int(lo), int(hi) + 1)])
    return body


def expand_sizes(expr, values: dict, entries: dict):
    """``expr`` written out at numeric sizes: sizes replaced by ``values`` ({Size: int}),
    sums, LSEs, maxima and minima expanded, named quantities replaced by their definitions,
    and every ``base[j…]`` with integer indices replaced by ``entries[base](j, …)``."""
    e = rename(sp.sympify(expr), {s: sp.sympify(v) for s, v in values.items()})
    while e.has(Named):
        e = replace(e, {t: t.definition for t in e.find(Named)})
    for _ in range(50):
        reds = [a for a in sp.preorder_traversal(e) if isinstance(a, (_Over, sp.Sum))]
        if not reds:
            break
        inner = [r for r in reds if not r.args[0].has(_Over, sp.Sum)]
        r = (inner or reds)[-1]
        new = _sum_out(r) if isinstance(r, sp.Sum) else r.expanded()
        if new is None:
            raise ValueError(f"cannot write out {r} at the given sizes")
        e = replace(e, {r: new})

    def entry(t):
        if isinstance(t, sp.Indexed) and t.base in entries:
            if all(j.is_Integer for j in t.indices):
                return entries[t.base](*[int(j) for j in t.indices])
        return None

    reps = {t: entry(t) for t in e.atoms(sp.Indexed)}
    e = replace(e, {k: v for k, v in reps.items() if v is not None})
    if isinstance(e, sp.Basic) and e.atoms(sp.Derivative):
        e = e.doit()
    return e
