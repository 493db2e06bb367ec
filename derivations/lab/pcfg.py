"""The Question-Formation grammar (``question.gr``) as a PCFG, and its exact entropy.

``question.gr`` has one rule per line, ``<weight> <LHS> <RHS…>`` (tab-separated, blank lines
between groups); the first rule's LHS (``ROOT``) is the start symbol and a symbol that is never
a LHS is a terminal. Weights are normalised per LHS into probabilities (``Fraction``).

What is computed, exactly (rational numbers, and entropies as exact combinations
Σ c_p · log p over primes p with rational c_p, evaluated with mpmath):

* the expected sentence length E[L] and the *derivation* entropy, from the fixed-point
  equations of expected counts, solved as one linear system (I − P) x = b over the
  nonterminals (P[A, B] = expected number of B's in one expansion of A). This works for
  recursive grammars too (the grammar must be proper: spectral radius of P < 1);
* the *sentence* entropy. Words are first mapped to their lexical category (a nonterminal
  whose rules are all single words; each word must belong to one category). A sentence is then
  a skeleton σ (a string of categories and literal terminals such as ".") plus independent
  lexical choices, so H(sentence) = H(σ) + E[Σ_{c ∈ σ} H(c)]. For a non-recursive grammar
  the skeletons are enumerated and H(σ) is exact even if several derivations share a
  skeleton (ambiguity); with no ambiguity it equals the derivation entropy;
* the probability of a given sentence (summed over its parses) with an inside algorithm on
  its skeleton, memoised per skeleton.

``floors`` turns these into per-token loss floors of the LM format of Murty et al. 2023.
A malformed grammar file raises :class:`~derivations.lab.LabDataError` naming the line.
"""

from __future__ import annotations

import math
import os
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import mpmath
import sympy as sp

from derivations.lab import LabDataError, text_lines

RULE_FORMAT = "a rule '<weight> <LHS> <RHS…>' (fields separated by tabs or spaces)"
POSITIVE_WEIGHT = "a positive weight such as 1, 2.5 or 3/4"
GRAMMAR_ORIGIN = "question.gr from tommccoy1/rnn-hierarchical-biases, cfgs/question.gr"

# ------------------------------------------------------------- exact log-combinations


def _log_of(q: Fraction) -> dict[int, Fraction]:
    """log q as {prime: exponent}."""
    if q <= 0:
        raise ValueError(f"log of non-positive {q}")
    out: dict[int, Fraction] = defaultdict(Fraction)
    for p, e in sp.factorint(q.numerator).items():
        out[int(p)] += e
    for p, e in sp.factorint(q.denominator).items():
        out[int(p)] -= e
    return dict(out)


def _axpy(acc: dict, a: Fraction, x: dict) -> None:
    """acc += a · x (log-combinations)."""
    for p, c in x.items():
        acc[p] = acc.get(p, Fraction(0)) + a * c


def logcombo_sympy(c: dict[int, Fraction]) -> sp.Expr:
    """Σ c_p log p as a SymPy expression (nats)."""
    return sp.Add(
        *(sp.Rational(v.numerator, v.denominator) * sp.log(p) for p, v in sorted(c.items()) if v)
    )


def logcombo_mpf(c: dict[int, Fraction], dps: int = 30) -> mpmath.mpf:
    with mpmath.workdps(dps + 10):
        s = mpmath.fsum(
            mpmath.mpf(v.numerator) / v.denominator * mpmath.log(p) for p, v in c.items()
        )
    return +s


def log_fraction(q: Fraction) -> float:
    """Natural log of a (possibly tiny) positive Fraction, as a float."""
    return math.log(q.numerator) - math.log(q.denominator)


# ---------------------------------------------------------------------------- grammar
def _memo(method):
    """Cache a no-argument method of an (immutable) grammar on the instance; callers get a
    copy of the top-level dict, so mutating the result cannot change the cache."""

    def wrapper(self):
        memo = self.__dict__.setdefault("_memo", {})
        if method.__name__ not in memo:
            memo[method.__name__] = method(self)
        v = memo[method.__name__]
        return dict(v) if isinstance(v, dict) else v

    wrapper.__name__, wrapper.__doc__ = method.__name__, method.__doc__
    return wrapper


@dataclass(frozen=True)
class Rule:
    lhs: str
    rhs: tuple[str, ...]
    weight: Fraction
    prob: Fraction


class PCFG:
    """A probabilistic context-free grammar with exact rational rule probabilities."""

    def __init__(
        self,
        rules: Iterable[tuple[Fraction | int | str, str, Sequence[str]]],
        start: str | None = None,
    ):
        raw = [(Fraction(w), lhs, tuple(rhs)) for w, lhs, rhs in rules]
        if not raw:
            raise ValueError("empty grammar")
        self.start = start if start is not None else raw[0][1]
        totals: dict[str, Fraction] = defaultdict(Fraction)
        for w, lhs, rhs in raw:
            if w <= 0 or not rhs:
                raise ValueError(f"rule {lhs} → {rhs}: weight must be > 0 and RHS non-empty")
            totals[lhs] += w
        self.nonterminals: tuple[str, ...] = tuple(dict.fromkeys(lhs for _, lhs, _ in raw))
        if self.start not in totals:
            raise ValueError(f"start symbol {self.start!r} has no rules")
        self.rules: dict[str, tuple[Rule, ...]] = {a: () for a in self.nonterminals}
        for w, lhs, rhs in raw:
            self.rules[lhs] += (Rule(lhs, rhs, w, w / totals[lhs]),)
        self.terminals = frozenset(
            s for rs in self.rules.values() for r in rs for s in r.rhs if s not in self.rules
        )
        # lexical categories: every rule is a single terminal
        self.lexical = {
            a: {r.rhs[0]: r.prob for r in rs}
            for a, rs in self.rules.items()
            if all(len(r.rhs) == 1 and r.rhs[0] in self.terminals for r in rs)
        }
        cats: dict[str, list[str]] = defaultdict(list)
        for a, words in self.lexical.items():
            for w in words:
                cats[w].append(a)
        direct = {
            s
            for a, rs in self.rules.items()
            if a not in self.lexical
            for r in rs
            for s in r.rhs
            if s in self.terminals
        }
        self.ambiguous_words = sorted(w for w, cs in cats.items() if len(cs) > 1 or w in direct)
        self.word_category = {w: cs[0] for w, cs in cats.items() if len(cs) == 1}

    # -- construction
    @classmethod
    def parse(cls, text: str, start: str | None = None, source: str = "<grammar>") -> PCFG:
        """A grammar from its text, one rule ``<weight> <LHS> <RHS…>`` a line; a malformed line
        raises ``LabDataError`` naming ``source`` and the line."""
        rules = []
        for k, line in enumerate(text.splitlines(), 1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            if len(parts) < 3:
                raise LabDataError(source, k, f"{len(parts)} fields in {line!r}", RULE_FORMAT)
            try:
                w = Fraction(parts[0])
            except (ValueError, ZeroDivisionError):
                raise LabDataError(
                    source, k, f"the weight {parts[0]!r} is not a number", POSITIVE_WEIGHT
                ) from None
            if w <= 0:
                raise LabDataError(source, k, f"the weight {parts[0]} is not > 0", POSITIVE_WEIGHT)
            rules.append((w, parts[1], parts[2:]))
        if not rules:
            raise LabDataError(source, None, "no rules", RULE_FORMAT)
        try:
            return cls(rules, start)
        except ValueError as e:
            raise LabDataError(
                source, None, str(e), "a grammar whose start symbol has rules"
            ) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> PCFG:
        """The grammar in ``path`` (UTF-8 text); ``LabDataError`` naming the file and line."""
        p = Path(path)
        if not p.is_file():
            raise LabDataError(p, None, "file not found", f"the grammar file ({GRAMMAR_ORIGIN})")
        text = "\n".join(line for _, line in text_lines(p, RULE_FORMAT, keep_blank=True))
        return cls.parse(text, source=str(p))

    def check_proper(self, source: str = "<grammar>") -> PCFG:
        """Self, or ``LabDataError`` if derivations need not terminate (improper grammar)."""
        try:
            self.expected_length()
        except ValueError as e:
            raise LabDataError(
                source, None, str(e), "a proper grammar (finite derivations)"
            ) from None
        return self

    # -- structure
    def children(self, a: str) -> set[str]:
        return {s for r in self.rules[a] for s in r.rhs if s in self.rules}

    @_memo
    def is_recursive(self) -> bool:
        """Whether some nonterminal can derive itself (the language may then be infinite)."""
        state: dict[str, int] = {}

        def visit(a: str) -> bool:
            state[a] = 1
            for b in self.children(a):
                if state.get(b) == 1 or (b not in state and visit(b)):
                    return True
            state[a] = 2
            return False

        return any(a not in state and visit(a) for a in self.nonterminals)

    def expectation_matrix(self) -> sp.Matrix:
        """P[A, B] = expected number of B's on the RHS of one expansion of A."""
        idx = {a: i for i, a in enumerate(self.nonterminals)}
        P = sp.zeros(len(idx), len(idx))
        for a, rs in self.rules.items():
            for r in rs:
                for s in r.rhs:
                    if s in idx:
                        P[idx[a], idx[s]] += sp.Rational(r.prob.numerator, r.prob.denominator)
        return P

    def _solve(self, columns: list[list[Fraction]]) -> list[list[Fraction]]:
        """Solve (I − P) X = B exactly (B given column by column, indexed like nonterminals)."""
        P = self.expectation_matrix()
        radius = max(
            (abs(complex(v)) for v in mpmath.eig(mpmath.matrix(P.evalf(30).tolist()))[0]),
            default=0.0,
        )
        if radius >= 1 - 1e-12:
            raise ValueError(
                f"improper grammar: spectral radius of the expectation matrix "
                f"is {radius:.6g} ≥ 1 (derivations need not terminate)"
            )
        A = sp.eye(P.shape[0]) - P
        B = sp.Matrix(
            [
                [sp.Rational(c[i].numerator, c[i].denominator) for c in columns]
                for i in range(P.shape[0])
            ]
        )
        X = A.LUsolve(B)
        return [
            [
                Fraction(int(sp.fraction(X[i, j])[0]), int(sp.fraction(X[i, j])[1]))
                for i in range(P.shape[0])
            ]
            for j in range(len(columns))
        ]

    @_memo
    def expected_length(self) -> dict[str, Fraction]:
        """E[number of terminals] derived from each nonterminal (exact)."""
        b = [
            sum(
                (r.prob * sum(s in self.terminals for s in r.rhs) for r in self.rules[a]),
                Fraction(0),
            )
            for a in self.nonterminals
        ]
        (x,) = self._solve([b])
        return dict(zip(self.nonterminals, x))

    def local_entropy(self, a: str) -> dict[int, Fraction]:
        """−Σ_r p_r log p_r over the rules of ``a``, as a log-combination."""
        acc: dict[int, Fraction] = {}
        for r in self.rules[a]:
            _axpy(acc, -r.prob, _log_of(r.prob))
        return acc

    @_memo
    def derivation_entropy(self) -> dict[str, dict[int, Fraction]]:
        """Entropy (nats, as log-combinations) of the derivation rooted at each nonterminal:
        the solution of H = h + P H."""
        locs = [self.local_entropy(a) for a in self.nonterminals]
        primes = sorted({p for h in locs for p in h})
        cols = self._solve([[h.get(p, Fraction(0)) for h in locs] for p in primes])
        return {
            a: {p: cols[j][i] for j, p in enumerate(primes) if cols[j][i]}
            for i, a in enumerate(self.nonterminals)
        }

    # -- skeletons (lexical categories kept as symbols)
    def _skel_symbol(self, s: str) -> bool:
        return s in self.terminals or s in self.lexical

    def skeletons(self, symbol: str | None = None) -> dict[tuple[str, ...], tuple[Fraction, int]]:
        """{skeleton σ: (P(σ), number of derivations)} for a non-recursive grammar."""
        if self.is_recursive():
            raise ValueError("the grammar is recursive: its skeletons cannot be enumerated")

        @cache
        def expand(a: str) -> tuple[tuple[tuple[str, ...], Fraction], ...]:
            out = []
            for r in self.rules[a]:
                partial = [((), r.prob)]
                for s in r.rhs:
                    opts = [((s,), Fraction(1))] if self._skel_symbol(s) else expand(s)
                    partial = [(u + v, p * q) for u, p in partial for v, q in opts]
                out.extend(partial)
            return tuple(out)

        table: dict[tuple[str, ...], list] = {}
        for sig, p in expand(symbol or self.start):
            e = table.setdefault(sig, [Fraction(0), 0])
            e[0] += p
            e[1] += 1
        return {k: (v[0], v[1]) for k, v in table.items()}

    @_memo
    def sentence_entropy(self) -> dict:
        """Entropy of the sentence (nats) and how it was obtained (see the module docstring)."""
        lex_h = {c: self.local_entropy(c) for c in self.lexical}
        if self.ambiguous_words or self.is_recursive():
            why = (
                "some words belong to several categories"
                if self.ambiguous_words
                else "the grammar is recursive"
            )
            return {
                "entropy": self.derivation_entropy()[self.start],
                "method": f"derivation entropy, an upper bound ({why})",
                "exact": False,
                "skeletons": None,
                "ambiguous_skeletons": None,
            }
        table = self.skeletons()
        acc: dict[int, Fraction] = {}
        for sig, (p, _) in table.items():
            _axpy(acc, -p, _log_of(p))
            for s in sig:
                if s in lex_h:
                    _axpy(acc, p, lex_h[s])
        return {
            "entropy": {k: v for k, v in acc.items() if v},
            "method": "exact: skeleton enumeration + lexical choices",
            "exact": True,
            "skeletons": len(table),
            "ambiguous_skeletons": sum(n > 1 for _, n in table.values()),
        }

    # -- probabilities of sentences
    def skeleton_of(self, words: Sequence[str]) -> tuple[tuple[str, ...], Fraction]:
        """(σ, Π lexical probabilities) of a word string; ``KeyError`` for an unknown word."""
        if self.ambiguous_words:
            raise ValueError(f"words with several categories: {self.ambiguous_words[:5]}")
        sig, lex = [], Fraction(1)
        for w in words:
            if w in self.word_category:
                c = self.word_category[w]
                sig.append(c)
                lex *= self.lexical[c][w]
            elif w in self.terminals:
                sig.append(w)
            else:
                raise KeyError(f"word {w!r} is not in the grammar")
        return tuple(sig), lex

    def prob(self, words: Sequence[str]) -> Fraction:
        """P(sentence), summed over all its parses (0 if it has none): P(skeleton) from the
        enumerated skeleton table for a non-recursive grammar, else the inside algorithm;
        times the lexical probabilities."""
        try:
            sig, lex = self.skeleton_of(words)
        except KeyError:
            return Fraction(0)
        if self.is_recursive():
            return self._inside(sig) * lex
        return self._skeleton_table().get(sig, (Fraction(0), 0))[0] * lex

    def _skeleton_table(self) -> dict:
        t = self.__dict__.get("_skeleton_cache")
        if t is None:
            t = self.__dict__["_skeleton_cache"] = self.skeletons()
        return t

    def inside_prob(self, words: Sequence[str]) -> Fraction:
        """P(sentence) by the inside algorithm alone (the twin of :meth:`prob`)."""
        try:
            sig, lex = self.skeleton_of(words)
        except KeyError:
            return Fraction(0)
        return self._inside(sig) * lex

    @cache  # noqa: B019 — the grammar is immutable, a few hundred skeletons
    def _inside(self, sig: tuple[str, ...]) -> Fraction:
        n = len(sig)
        order = self._unary_order()
        chart: dict[tuple[int, int], dict[str, Fraction]] = {}
        for length in range(1, n + 1):
            for i in range(n - length + 1):
                j = i + length
                cell: dict[str, Fraction] = {}
                chart[(i, j)] = cell
                for a in order:
                    tot = Fraction(0)
                    for r in self.rules[a]:
                        tot += r.prob * self._cover(r.rhs, i, j, sig, chart)
                    if tot:
                        cell[a] = tot
        return chart.get((0, n), {}).get(self.start, Fraction(0))

    def _cover(self, rhs, i, j, sig, chart) -> Fraction:
        """Probability that ``rhs`` derives sig[i:j] (children spans already in ``chart``)."""
        f = {i: Fraction(1)}
        for m, s in enumerate(rhs):
            g: dict[int, Fraction] = defaultdict(Fraction)
            left = len(rhs) - m - 1  # each later symbol covers ≥ 1 position
            for pos, v in f.items():
                if self._skel_symbol(s):
                    if pos < j - left and sig[pos] == s:
                        g[pos + 1] += v
                else:
                    for end in range(pos + 1, j - left + 1):
                        w = chart.get((pos, end), {}).get(s)
                        if w:
                            g[end] += v * w
            f = g
            if not f:
                return Fraction(0)
        return f.get(j, Fraction(0))

    @cache  # noqa: B019
    def _unary_order(self) -> tuple[str, ...]:
        """Non-lexical nonterminals with each unary child before its parent."""
        deps = {
            a: {
                r.rhs[0]
                for r in rs
                if len(r.rhs) == 1 and r.rhs[0] in self.rules and r.rhs[0] not in self.lexical
            }
            for a, rs in self.rules.items()
            if a not in self.lexical
        }
        order, state = [], {}

        def visit(a):
            if state.get(a) == 1:
                raise NotImplementedError("unary cycles are not supported by the inside pass")
            if a in state:
                return
            state[a] = 1
            for b in deps[a]:
                visit(b)
            state[a] = 2
            order.append(a)

        for a in deps:
            visit(a)
        return tuple(order)

    # -- sampling
    def sample(self, rng: random.Random, symbol: str | None = None) -> list[str]:
        """One sentence drawn from the grammar."""
        out: list[str] = []
        stack = [symbol or self.start]
        while stack:
            s = stack.pop()
            if s not in self.rules:
                out.append(s)
                continue
            rs = self.rules[s]
            r = rng.choices(rs, weights=[float(x.prob) for x in rs])[0]
            stack.extend(reversed(r.rhs))
        return out
