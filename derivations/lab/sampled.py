"""Question-Formation lines sampled from the grammar, each with its exact probability.

Notation: S a declarative (its final "." included), L = |S|, M the marker, G the PCFG of
``question.gr`` (:mod:`derivations.lab.pcfg`).

A line is drawn as S ~ G; M = ``decl`` if S's subject carries a relative clause, else
``quest`` or ``decl`` with probability 1/2 each (McCoy's training design: no ``quest`` line
has a subject relative clause, and in the 20k-line prefix P(quest | no RC) = 8,285 / 16,563
≈ 0.500); the target is S itself for ``decl`` and the question for ``quest`` (the first
auxiliary, which is the main one when the subject has no relative clause, moved to the front;
"." → "?"). So, exactly,

    −log P(line) = −log P_G(S) − log P(M | S),

and the entropy per token of an LM format is the entropy rate
(H(S) + H(M | S)) / E[tokens per line] (App. F.2's data, with the floor known): H(M | S) =
P(no RC) · log 2, tokens per line 2L + 2 (``murty``: declarative, marker, target, EOS),
3L + 2 (``double``), L + 1 (``decl``, no marker) or 3L + 1 (``echo``: each word written three
times, no marker). Every target, echo and EOS token is determined by what precedes it, so the
declarative and marker segments carry all of it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from derivations.lab.data import (
    EOS,
    PAD,
    SOS,
    QFExample,
    format_words,
    subject_has_relative_clause,
)
from derivations.lab.pcfg import PCFG, log_fraction, logcombo_mpf

#: P(quest | the subject has no relative clause); lines with one are always ``decl``
P_QUEST_NO_RC = Fraction(1, 2)
MARKER_RULE = "decl if the subject has a relative clause, else quest or decl with probability 1/2"


def aux_words(g: PCFG) -> frozenset[str]:
    """The auxiliaries: words of the lexical categories named ``Aux…``."""
    words = frozenset(w for c, ws in g.lexical.items() if c.startswith("Aux") for w in ws)
    if not words:
        raise ValueError("the grammar has no lexical category named Aux…")
    return words


def relative_category(g: PCFG) -> str:
    """The lexical category of ``who`` (QF: relative clauses start with who/that)."""
    if "who" not in g.word_category:
        raise ValueError("the grammar has no word 'who' (not the Question-Formation grammar)")
    return g.word_category["who"]


def has_subject_rc(skeleton: Sequence[str], rel: str) -> bool:
    """Whether a skeleton's subject carries a relative clause (third symbol = Rel)."""
    return len(skeleton) > 2 and skeleton[2] == rel


def question_of(declarative: Sequence[str], aux: frozenset[str]) -> tuple[str, ...]:
    """The first auxiliary moved to the front, "." replaced by "?"."""
    i = next(k for k, w in enumerate(declarative) if w in aux)
    rest = tuple(declarative[:i]) + tuple(declarative[i + 1 : -1])
    return (declarative[i], *rest, "?")


def p_subject_rc(g: PCFG) -> Fraction:
    """P(the subject of S ~ G has a relative clause), exact."""
    rel = relative_category(g)
    return sum((p for s, (p, _) in g.skeletons().items() if has_subject_rc(s, rel)), Fraction(0))


def sample_examples(g: PCFG, n: int, seed: int) -> list[QFExample]:
    """``n`` lines drawn as in the module docstring (skeleton, then words, then marker)."""
    if n < 1:
        raise ValueError(f"n must be ≥ 1, got {n}")
    rng = np.random.default_rng(seed)
    aux, rel = aux_words(g), relative_category(g)
    table = g.skeletons()
    sigs = list(table)
    probs = np.array([float(table[s][0]) for s in sigs])
    picks = rng.choice(len(sigs), size=n, p=probs / probs.sum())
    coins = rng.random(n)
    # every lexical slot of every sentence, drawn at once per category (in sentence order)
    slots: dict[str, int] = {c: 0 for c in g.lexical}
    for k in picks:
        for c in sigs[k]:
            if c in slots:
                slots[c] += 1
    draws = {}
    for c, ws in g.lexical.items():
        p = np.array([float(q) for q in ws.values()])
        draws[c] = iter(np.asarray(list(ws), dtype=object)[rng.choice(len(ws), slots[c], p=p)])
    out = []
    for i, k in enumerate(picks):
        sig = sigs[k]
        words = tuple(next(draws[c]) if c in draws else c for c in sig)
        if has_subject_rc(sig, rel) or coins[i] >= float(P_QUEST_NO_RC):
            out.append(QFExample(words, "decl", words))
        else:
            out.append(QFExample(words, "quest", question_of(words, aux)))
    return out


def grammar_vocab(g: PCFG) -> tuple[str, ...]:
    """``<pad>``, the grammar's words with "?" and the markers (sorted), EOS, SOS."""
    return (PAD, *sorted(g.terminals | {"?", "quest", "decl"}), EOS, SOS)


def marker_nats(e: QFExample) -> float:
    """−log P(M | S) under the marker rule (``MARKER_RULE``)."""
    if subject_has_relative_clause(e.declarative):
        if e.marker == "quest":
            raise ValueError("a quest line with a subject relative clause: not from this rule")
        return 0.0
    p = P_QUEST_NO_RC if e.marker == "quest" else 1 - P_QUEST_NO_RC
    return -math.log(float(p))


def tokens_per_line(L: float, fmt: str) -> float:
    """Counted tokens of a line whose declarative has L words, in format ``fmt``."""
    return {"murty": 2 * L + 2, "double": 3 * L + 2, "decl": L + 1, "echo": 3 * L + 1}[fmt]


def exact_floor(g: PCFG, fmt: str = "murty") -> dict:
    """The entropy per token of the sampled lines in format ``fmt`` (nats), from the grammar:
    the loss floor, overall and per segment (population values, exact up to float rounding)."""
    se = g.check_proper().sentence_entropy()
    h_s = float(logcombo_mpf(se["entropy"]))
    EL = g.expected_length()[g.start]
    p_rc = p_subject_rc(g)
    marked = fmt in ("murty", "double")
    h_m = float(1 - p_rc) * math.log(2) if marked else 0.0
    tokens = tokens_per_line(float(EL), fmt)
    return {
        "format": fmt,
        "sentence_entropy_nats": h_s,
        "sentence_entropy_exact": se["exact"],
        "marker_entropy_nats": h_m,
        "expected_length": str(EL),
        "p_subject_rc": str(p_rc),
        "tokens_per_line": tokens,
        "floor": (h_s + h_m) / tokens,
        "segments": {
            "declarative": h_s / float(EL),
            "marker": h_m if marked else None,
            "question": 0.0 if marked else None,
            "copy": 0.0 if fmt != "decl" else None,
            "eos": 0.0,
        },
    }


def sample_floor(g: PCFG, examples: Sequence[QFExample], fmt: str = "murty") -> dict:
    """The Bayes loss of the lines ``examples`` themselves (nats per counted token): the loss
    of the true distribution on exactly these lines, overall and per segment, and the exact
    nats of each line (for paired comparisons with a model's per-line losses)."""
    per_line, tokens, decl_nats, decl_tokens, mark = [], 0, 0.0, 0, []
    for e in examples:
        p = g.prob(e.declarative)
        if p == 0:
            raise ValueError(f"a line the grammar cannot produce: {' '.join(e.declarative)}")
        s = -log_fraction(p)
        m = marker_nats(e) if fmt in ("murty", "double") else 0.0
        per_line.append(s + m)
        decl_nats += s
        decl_tokens += len(e.declarative)
        mark.append(m)
        tokens += len(format_words(e, fmt)) + 1
    return {
        "format": fmt,
        "lines": len(examples),
        "tokens": tokens,
        "floor": sum(per_line) / tokens,
        "line_nats": per_line,
        "segments": {
            "declarative": decl_nats / decl_tokens,
            "marker": sum(mark) / len(mark) if fmt in ("murty", "double") else None,
            "question": 0.0 if fmt in ("murty", "double") else None,
            "copy": 0.0 if fmt != "decl" else None,
            "eos": 0.0,
        },
    }


def python_sample(g: PCFG, n: int, seed: int) -> list[tuple[str, ...]]:
    """``n`` sentences by top-down expansion (:meth:`PCFG.sample`): the slow reference the
    fast sampler is tested against."""
    rng = random.Random(seed)
    return [tuple(g.sample(rng)) for _ in range(n)]
