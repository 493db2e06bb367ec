"""The claim model: relations, derivation steps and their justifications, claims, outcomes.

Nothing here knows a paper. A :class:`Claim` is one formal statement (or one reading of it,
or a corrected form) written once as ``statement(ops, v) -> [Rel, ...]`` over the back ends
of :mod:`derivations.engine.backends`, or a ``compute(examples, seed) -> Computed``
computation. A claim pack (:mod:`derivations.engine.paper`) groups claims into a paper.

Verdicts (:data:`STATUSES`, the only four): ``proven``, ``supported``, ``refuted``,
``inconclusive`` — decided by :mod:`derivations.engine.verdict` from the checks' outcomes,
never written by hand.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sympy as sp

__all__ = [
    "STATUSES",
    "RELATIONS",
    "EngineError",
    "Rel",
    "Step",
    "Algebra",
    "Cites",
    "Chain",
    "Combine",
    "Monotone",
    "Wlog",
    "Claim",
    "Computed",
    "IterationLimit",
    "qualify",
    "resolve_in",
    "split_qid",
]

#: The verdict vocabulary, everywhere (engine, report, lab, recheck).
STATUSES = ("proven", "supported", "refuted", "inconclusive")
#: Relation operators a statement may use.
RELATIONS = ("<=", "<", "==", ">=", ">")
_FLIP = {">=": "<=", ">": "<"}
_SYM_REL = {"<=": sp.Le, "<": sp.Lt, "==": sp.Eq, ">=": sp.Ge, ">": sp.Gt}


class EngineError(RuntimeError):
    """The engine contradicted itself (e.g. a checked derivation and a counterexample)."""


def qualify(claim_id: str, paper: str | None) -> str:
    """``paper:claim_id`` (a claim id already qualified, or with no paper, is returned as is).

    >>> qualify("prop1", "niu2024"), qualify("ramsauer2020:thm4", "niu2024")
    ('niu2024:prop1', 'ramsauer2020:thm4')
    """
    if ":" in claim_id or not paper:
        return claim_id
    return f"{paper}:{claim_id}"


def resolve_in(registry: dict | None, claim_id: str, paper: str | None) -> str:
    """The key of ``claim_id`` (as written in a claim of ``paper``) in ``registry``.

    A qualified id is kept; a local one is looked up in the same paper first, then, when
    the citing claim belongs to no paper (a user's claim), as the unique claim with that
    local id or alias in any paper.
    """
    q = qualify(claim_id, paper)
    if registry is None or q in registry or ":" in claim_id:
        return q
    hits = [k for k, c in registry.items() if claim_id == c.id or claim_id in c.aliases]
    if paper:
        hits = [k for k in hits if registry[k].paper == paper] or hits
    return hits[0] if len(hits) == 1 else q


def split_qid(qid: str) -> tuple[str | None, str]:
    """(paper, local id) of a qualified id; (None, id) for a local one."""
    if ":" in qid:
        p, c = qid.split(":", 1)
        return p, c
    return None, qid


def _ranges_of(over) -> tuple:
    """``over`` as a tuple of (index, lo, hi) ranges (one range or several)."""
    many = isinstance(over, (tuple, list)) and all(isinstance(r, (tuple, list)) for r in over)
    rngs = tuple(tuple(r) for r in over) if many else (tuple(over),)
    if not rngs or any(len(r) != 3 for r in rngs):
        raise ValueError(f"over must be (index, lo, hi) or a tuple of such; got {over!r}")
    return rngs


@dataclass(frozen=True)
class Rel:
    """``lhs op rhs`` with op one of <=, <, ==, >=, >; ``label`` names it in reports.

    ``over = (i, lo, hi)`` quantifies it: the relation holds for every integer i with
    lo ≤ i ≤ hi (statements and steps about every entry of a vector of symbolic length).
    ``over = ((i, lo, hi), (j, lo2, hi2), …)`` quantifies it over several ranges at once: it
    holds for every i of [lo, hi] and every j of [lo2, hi2] (e.g. the m² entries of a
    Jacobian); the indices are distinct and no bound mentions an index of the relation, so
    the ranges are independent and their order does not matter (written out: the first
    outermost). :attr:`ranges` gives the ranges as a tuple in every case.
    """

    lhs: Any
    op: str
    rhs: Any
    label: str = ""
    over: tuple = ()

    def __post_init__(self):
        if self.op not in RELATIONS:
            raise ValueError(f"relation operator must be one of {list(RELATIONS)}; got {self.op!r}")
        if not self.over:
            return
        rngs = _ranges_of(self.over)
        if len(rngs) == 1 and self.over is not rngs[0]:
            object.__setattr__(self, "over", rngs[0])  # ((i, lo, hi),) is (i, lo, hi)
        idx = [r[0] for r in rngs]
        if len(set(idx)) != len(idx) or not all(isinstance(i, sp.Symbol) for i in idx):
            raise ValueError(f"over: the indices must be distinct symbols; got {self.over!r}")
        for i, lo, hi in rngs:
            if set(idx) & (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols):
                raise ValueError(f"over: the bounds of {i} mention an index of the relation")

    @property
    def ranges(self) -> tuple:
        """The index ranges the relation holds over: ((i, lo, hi), …); () when it holds for
        every value of its free symbols."""
        return _ranges_of(self.over) if self.over else ()

    def normal(self) -> Rel:
        """The same relation written with <=, < or ==."""
        if self.op in _FLIP:
            return Rel(self.rhs, _FLIP[self.op], self.lhs, self.label, self.over)
        return self

    def sympy(self):
        return _SYM_REL[self.op](self.lhs, self.rhs, evaluate=False)

    def latex(self) -> str:
        """The relation in LaTeX, in the paper's notation (named quantities kept)."""
        from derivations.engine.render import rel_latex

        return rel_latex(self)

    def text(self) -> str:
        """The relation in Unicode, for the terminal."""
        from derivations.engine.render import rel_text

        return rel_text(self)


# ----------------------------------------------------------------- derivation justifications


def _cited_ids(by) -> tuple[str, ...]:
    """Every claim id a justification cites: a ``Cites``, the kernel rule ``cites``, or the
    kernel rule ``banach`` (its invariance claim, then its contraction claims)."""
    if isinstance(by, Cites):
        return (by.claim_id,)
    rule, args = getattr(by, "rule", None), dict(getattr(by, "args", ()))
    if rule == "cites":
        return (args["claim_id"],) if args.get("claim_id") else ()
    if rule == "banach":
        return (args["into"], *(cid for cid, _ in args["contracts"]))
    return ()


@dataclass(frozen=True)
class Algebra:
    """An identity (both sides have the same normal form) or a sign fact (the slack is proved
    ≥ 0 by the sign rules); ``unfold`` names the named quantities (g, E, EMCHN, …) replaced
    by their definitions first. The kernel rule ``algebra``."""

    hint: str = ""
    unfold: tuple = ()


@dataclass(frozen=True)
class Cites:
    """An instance of another claim: its statement on the substituted instance ``v``.

    ``claim_id`` is a claim of the same paper, or ``paper:id`` for another paper's claim.
    """

    claim_id: str
    v: SimpleNamespace


@dataclass(frozen=True)
class Chain:
    """From steps i: a ⋈ b and j: b ⋈ c conclude a ⋈ c (the kernel rule ``combine``)."""

    i: int
    j: int


@dataclass(frozen=True)
class Combine:
    """slack(step) = Σ cₖ · slack(step k) (+ a part SymPy proves ≥ 0).

    The slack of ``a ≤ b`` is b − a. Coefficients of inequality steps must be provably > 0;
    equality steps may enter with any sign. The kernel rule ``combine``.
    """

    coeffs: tuple  # ((step index, coefficient), ...)


@dataclass(frozen=True)
class Wlog:
    """Without loss of generality the maximum (or minimum) of the vector ``key`` comes first:
    the claim's statement is invariant under permuting ``key``'s entries. At symbolic size
    (``general=None``) the step is maxᵢ zᵢ = z₁ (or minᵢ zᵢ = z₁); at fixed sizes the
    invariance is checked on ``general`` for a transposition and a cycle and the step as
    algebra. The kernel rule ``wlog``."""

    general: SimpleNamespace | None
    key: str


@dataclass(frozen=True)
class Monotone:
    """From step i: a ⋈ b conclude f(a) ⋈ f(b) for f increasing (f' > 0) on ``domain``
    (the kernel rule ``monotone``)."""

    i: int
    f: sp.Lambda
    domain: str = "real"  # or "positive", "nonnegative"


@dataclass
class Step:
    """One derivation step: a relation, the reason in words, and its justification (a rule
    of :mod:`derivations.engine.kernel`, e.g. ``termwise(3)``, or a legacy spelling)."""

    rel: Rel
    why: str
    by: Any


@dataclass
class Computed:
    """Outcome of a ``computation``/``empirical`` claim: whether the statement held, and why.

    ``holds`` is True/False from a comparison that could have gone either way, or None when
    the computation could not decide (then ``evidence`` says why). ``exact`` says whether the
    computation is exact (then a holding claim is ``proven``, else ``supported``).
    """

    holds: bool | None
    evidence: str
    values: dict = field(default_factory=dict)
    counterexample: dict | None = None
    exact: bool = False
    trials: int = 1


_KINDS = ("inequality", "identity", "computation", "empirical")
#: A claim id a shell passes through unquoted (old ids stay usable as ``aliases``).
_SHELL_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+/-]*")


@dataclass(frozen=True)
class IterationLimit:
    """A ``defined`` quantity (:attr:`Claim.defined`) that is the limit of iterating a map,
    x* = lim_{t→∞} Fᵗ(x₀) (e.g. the fixed point of an update reached from a pattern).

    ``compute(ops, v)`` is what the search evaluates (e.g. a certified enclosure of the
    fixed point reached from x₀); ``map(ops, v, x)`` is F at the state x and
    ``start(ops, v)`` is x₀, on every back end (a :class:`~theory.indexed.Vec` at symbolic
    size, a list of numbers otherwise). The kernel's ``banach`` rule reads the map and the
    start, never ``compute``; the checker compares both, written out at small sizes, with
    their numeric forms (:meth:`relations`, in
    :func:`derivations.engine.checker.statement_agreement`), so that the F of a derivation
    is the searched one."""

    compute: Callable
    map: Callable
    start: Callable

    def __call__(self, ops, v):
        return self.compute(ops, v)

    def relations(self, ops, v) -> list[Rel]:
        """x₀ and F(ξ) at the instance's state ``x``, coordinate by coordinate, as relations
        ``t == 0`` (one over the coordinate index at symbolic size)."""
        out = []
        for name, vec in (("x₀", self.start(ops, v)), ("F(ξ)", self.map(ops, v, v.x))):
            if hasattr(vec, "body") and hasattr(vec, "var"):  # a Vec of symbolic length
                out.append(Rel(vec.body, "==", 0, name, over=(vec.var, 1, vec.length)))
            else:
                out += [Rel(t, "==", 0, f"{name}_{k + 1}") for k, t in enumerate(vec)]
        return out


def _filling(f: Callable | None, defined: dict) -> Callable | None:
    """``f(ops, v)`` with the instance's missing ``defined`` quantities computed first
    (:attr:`Claim.defined`); the instance itself is not changed."""
    if f is None or getattr(f, "defined", None) is defined:
        return f

    @functools.wraps(f)
    def filled(ops, v):
        missing = [k for k in defined if not hasattr(v, k)]
        if missing:
            v = SimpleNamespace(**vars(v))
            for k in missing:
                setattr(v, k, defined[k](ops, v))
        return f(ops, v)

    filled.defined = defined
    return filled


@dataclass
class Claim:
    """One formal statement of a paper (or one reading of it) and how to check it.

    ``statement(ops, v)`` returns the relations (a conjunction) on an instance ``v`` loaded
    into ``ops``; ``domain()`` is a Hypothesis strategy of :class:`~derivations.engine.Instance`;
    ``display()`` returns a symbolic namespace (the rendered statement; of symbolic size,
    :mod:`theory.indexed`, for a statement about every size); ``derivation(ops, v)`` returns
    :class:`Step` s, checked on each of ``derivation_sizes()`` (a namespace of symbolic size
    is checked for every size at once). ``hypotheses(ops, v)`` lists relations the claim
    assumes beyond the sizes (e.g. 0 ≤ λ ≤ 1): a derivation may use them (rule
    ``assumption``) and a derivation citing the claim must establish them. A
    ``computation``/``empirical`` claim instead sets ``compute(examples, seed) -> Computed``.

    ``defined`` names quantities the statement reads from the instance but the search
    computes (name → ``f(ops, v)``, e.g. the fixed point x* reached from a pattern): before
    every call of ``statement`` and ``hypotheses`` the engine sets ``v.<name> = f(ops, v)``
    where the instance does not carry the name. A derivation's namespace carries it as a free
    quantity (a vector symbol): the statement proved for every value holds at the computed
    one, and the checker compares the two statements at the same random value.

    ``over_patterns`` says how a statement about every pattern i at once is made of the
    statement for pattern i (at symbolic size the claim states it for the first pattern and
    a derivation carries it to every pattern with the kernel's ``relabel`` rule, so
    H(i) ⇒ S(i) for every i): ``"all"`` — the conjunction: the search evaluates the
    relations (and the hypotheses) for pattern 1, then for pattern 2, … (e.g. "Eq. 142 for
    every i ⇒ the balls Sᵢ are pairwise disjoint"); ``"min"`` — each searched relation
    relates the minima over the patterns of the two sides (A_i ≤ B_i, < or = for every i
    gives min A ≤ min B, < or =), under hypotheses that are the same for every pattern
    (e.g. Δ_min = M²(1 − cos α_min) from Δᵢ = M²(1 − max_{j≠i} cos αᵢⱼ)). The checker
    compares the written-out statements for every pattern, so combined, with the searched
    ones.

    ``wrong`` holds the fields of the claim's *wrong variant*: a deliberately broken
    statement (or computation) next to the claim, which the mutation test must see refuted
    by the same engine (``wrong_variant()``). ``uses`` lists claims this one rests on without
    a derivation step (shown in the report in both directions); ``aliases`` are other ids it
    answers to. ``paper``, ``section`` and ``size_names`` are set by the claim's
    :class:`Paper`.
    """

    id: str
    ref: str
    reading: str
    kind: str
    assumptions: str
    statement: Callable | None = None
    domain: Callable | None = None
    display: Callable[[], SimpleNamespace] | None = None
    derivation: Callable | None = None
    derivation_sizes: Callable[[], Sequence[SimpleNamespace]] | None = None
    compute: Callable[..., Computed] | None = None
    extension: bool = False
    twin: bool = True
    summary: str = ""
    wrong: dict | None = None
    uses: tuple = ()
    aliases: tuple = ()
    paper: str = ""
    section: str = ""
    size_names: tuple[str, str] = ("d", "n")
    hypotheses: Callable | None = None
    defined: dict | None = None
    over_patterns: str | None = None

    def __post_init__(self):
        if self.defined:
            self.statement = _filling(self.statement, self.defined)
            self.hypotheses = _filling(self.hypotheses, self.defined)
        if self.compute is None and (self.statement is None or self.domain is None):
            raise ValueError(f"claim {self.id}: needs statement and domain, or compute")
        if self.over_patterns not in (None, "all", "min"):
            raise ValueError(
                f"claim {self.id}: over_patterns must be None, 'all' or 'min'; "
                f"got {self.over_patterns!r}"
            )
        if self.kind not in _KINDS:
            raise ValueError(f"claim {self.id}: kind must be one of {_KINDS}; got {self.kind!r}")
        if not _SHELL_SAFE.fullmatch(self.id or ""):
            raise ValueError(
                "claim id must be shell-safe: letters, digits and . _ + - / (no spaces, no "
                f"':', no '<>=&|;$*?'), e.g. 'lemma2/m-ge-2'; got {self.id!r} (keep an old id "
                "as an alias)"
            )

    @property
    def qid(self) -> str:
        """The qualified id ``paper:id`` (just ``id`` for a claim outside any paper)."""
        return qualify(self.id, self.paper)

    def resolve(self, claim_id: str, registry: dict | None = None) -> str:
        """The qualified id of ``claim_id`` as written inside this claim (same paper unless
        qualified; see :func:`resolve_in`)."""
        return resolve_in(registry, claim_id, self.paper)

    def cited(self, registry: dict | None = None) -> list[str]:
        """Qualified ids of the claims this claim's derivation cites (on its first size)."""
        from derivations.engine.indexed_ops import ops_for

        if self.derivation is None or self.derivation_sizes is None:
            return []
        sizes = list(self.derivation_sizes())
        if not sizes:
            return []
        steps = self.derivation(ops_for(sizes[0]), sizes[0])
        return sorted({self.resolve(c, registry) for s in steps for c in _cited_ids(s.by)})

    def display_relations(self) -> list[Rel]:
        """The statement on the display namespace (symbolic size when it has one)."""
        from derivations.engine.indexed_ops import ops_for

        if self.statement is None or self.display is None:
            return []
        ns = self.display()
        return list(self.statement(ops_for(ns), ns))

    def statement_latex(self) -> str:
        """The statement in LaTeX, its parts joined by ∧ (the paper's notation)."""
        return r" \;\wedge\; ".join(r.latex() for r in self.display_relations())

    def statement_text(self) -> str:
        """The statement in Unicode, its parts joined by ∧ (for the terminal)."""
        return "  ∧  ".join(r.text() for r in self.display_relations())

    def wrong_variant(self) -> Claim | None:
        """The deliberately wrong variant (id ``<id>/wrong``), or None when none is given."""
        if not self.wrong:
            return None
        bad = set(self.wrong) - {f.name for f in dataclasses.fields(self)}
        if bad:
            raise ValueError(f"claim {self.id}: wrong variant replaces unknown fields {bad}")
        return dataclasses.replace(
            self,
            id=self.id + "/wrong",
            reading="deliberately wrong variant of: " + self.reading,
            derivation=None,
            derivation_sizes=None,
            display=None,
            wrong=None,
            aliases=(),
            **self.wrong,
        )
