"""The Question-Formation grammar as an exact PCFG: entropies and probabilities against brute
force, Monte Carlo and hypothesis-generated grammars; the upper-estimate report."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derivations.lab.data import read_split
from derivations.lab.floors import load_grammar, qf_entropy_report
from derivations.lab.pcfg import PCFG, log_fraction, logcombo_mpf


@pytest.fixture(scope="module")
def grammar(qf_dir):
    return load_grammar(qf_dir)


def _enumerate(g: PCFG, sym: str):
    """All (words, probability) derivations of a finite grammar, brute force."""
    if sym not in g.rules:
        return [((sym,), Fraction(1))]
    out = []
    for r in g.rules[sym]:
        part = [((), r.prob)]
        for s in r.rhs:
            part = [(u + v, p * q) for u, p in part for v, q in _enumerate(g, s)]
        out += part
    return out


def _string_entropy(g: PCFG) -> float:
    probs: dict = {}
    for w, p in _enumerate(g, g.start):
        probs[w] = probs.get(w, 0) + p
    return -sum(float(p) * log_fraction(p) for p in probs.values())


def test_entropy_of_a_small_grammar_by_brute_force():
    g = PCFG.parse("""
        2 S NP VP
        1 S NP
        1 NP Det N
        3 NP N
        1 VP V
        1 Det the
        1 Det a
        1 N cat
        2 N dog
        1 N emu
        1 V runs
    """)
    se = g.sentence_entropy()
    assert se["exact"] and se["ambiguous_skeletons"] == 0
    assert float(logcombo_mpf(se["entropy"])) == pytest.approx(_string_entropy(g), rel=1e-12)
    assert se["entropy"] == g.derivation_entropy()["S"]
    L = sum(len(w) * float(p) for w, p in _enumerate(g, "S"))
    assert float(g.expected_length()["S"]) == pytest.approx(L, rel=1e-12)
    for w, p in _enumerate(g, "S"):
        assert g.prob(w) == p


def test_ambiguous_grammar_sentence_entropy_below_derivation_entropy():
    g = PCFG.parse("""
        1 S X Y
        1 S Z W
        1 X D N
        1 Y V
        1 Z D
        1 W N V
        1 W V
        1 D the
        1 N dog
        3 N cat
        1 V runs
    """)  # "the dog runs" has two derivations
    se = g.sentence_entropy()
    assert se["ambiguous_skeletons"] == 1
    h = float(logcombo_mpf(se["entropy"]))
    assert h == pytest.approx(_string_entropy(g), rel=1e-12)
    assert h < float(logcombo_mpf(g.derivation_entropy()["S"]))
    assert g.prob(("the", "dog", "runs")) == Fraction(1, 8) + Fraction(1, 16)
    # a word in two categories: fall back to the derivation entropy, flagged
    amb = PCFG.parse("1 S A x\n1 S x B\n1 A x\n1 B x\n1 B y\n")
    assert amb.ambiguous_words == ["x"] and not amb.sentence_entropy()["exact"]


def test_recursive_grammar_solves_the_fixed_point():
    g = PCFG.parse("1 S a S\n2 S b\n")  # geometric: P(len = k) = (1/3)^(k-1) (2/3)
    assert g.is_recursive()
    assert g.expected_length()["S"] == Fraction(3, 2)
    q = 1 / 3
    h = -(q * math.log(q) + (1 - q) * math.log(1 - q)) / (1 - q)
    se = g.sentence_entropy()
    assert not se["exact"]  # recursive: derivation entropy (here equal, unambiguous)
    assert float(logcombo_mpf(se["entropy"])) == pytest.approx(h, rel=1e-12)
    assert g.prob(("a", "a", "b")) == Fraction(1, 9) * Fraction(2, 3)
    with pytest.raises(ValueError, match="improper"):
        PCFG.parse("2 S S S\n1 S a\n").expected_length()


def test_qf_grammar_entropy_against_monte_carlo(grammar):
    se = grammar.sentence_entropy()
    H = float(logcombo_mpf(se["entropy"]))
    EL = float(grammar.expected_length()[grammar.start])
    rng = random.Random(20240513)
    surpr, lens = [], []
    for _ in range(4000):
        s = grammar.sample(rng)
        p = grammar.prob(s)
        assert p > 0
        surpr.append(-log_fraction(p))
        lens.append(len(s))
    for exact, xs in ((H, surpr), (EL, lens)):
        m, se_ = np.mean(xs), np.std(xs, ddof=1) / math.sqrt(len(xs))
        assert abs(m - exact) < 4 * se_, (m, exact, se_)


def test_qf_grammar_structure(grammar):
    se = grammar.sentence_entropy()
    assert se["exact"] and not grammar.is_recursive() and grammar.ambiguous_words == []
    # unambiguous: the sentence entropy is the derivation entropy
    assert se["ambiguous_skeletons"] == 0
    assert se["entropy"] == grammar.derivation_entropy()[grammar.start]
    # skeleton probabilities sum to one
    assert sum(p for p, _ in grammar.skeletons().values()) == 1


def test_qf_entropy_report_is_an_upper_estimate(qf_dir):
    r = qf_entropy_report(qf_dir, train_lines=1000)
    g, tr = r["grammar"], r["empirical"]["train"]
    assert tr["unparseable"] == 0 and tr["lines"] == 1000
    assert "upper estimate" in r["kind"]
    assert g["sentence_entropy_bits"] == pytest.approx(g["sentence_entropy_nats"] / math.log(2))
    lines = read_split(qf_dir, "train", limit=1000)
    toks = np.mean([len(e.words) + 1 for e in lines])
    assert tr["tokens_per_line_with_eos"] == pytest.approx(toks)
    assert tr["floor_nats_per_token"] == pytest.approx(
        (tr["mean_surprisal_nats"] + tr["marker_cross_entropy_nats"]) / toks
    )


@given(
    st.lists(st.integers(1, 9), min_size=9, max_size=9),
)
def test_sentence_entropy_equals_brute_force_on_random_weights(w):
    """A small ambiguous, non-recursive grammar with hypothesis-drawn weights: the exact
    sentence entropy (skeletons + lexical choices) equals the brute-force string entropy."""
    g = PCFG.parse(
        f"""
        {w[0]} S X Y
        {w[1]} S Z W
        {w[2]} X D N
        1 Y V
        1 Z D
        {w[3]} W N V
        {w[4]} W V
        {w[5]} D the
        {w[6]} D a
        {w[7]} N dog
        {w[8]} N cat
        1 V runs
    """
    )
    se = g.sentence_entropy()
    assert se["exact"]
    assert float(logcombo_mpf(se["entropy"])) == pytest.approx(_string_entropy(g), rel=1e-12)
    probs: dict = {}
    for words, p in _enumerate(g, "S"):
        probs[words] = probs.get(words, 0) + p
    assert all(g.prob(words) == p for words, p in probs.items())


def test_cached_results_cannot_be_changed_by_callers():
    g = PCFG.parse("1 S a\n1 S b\n")
    h = g.sentence_entropy()
    h["entropy"] = None
    assert g.sentence_entropy()["entropy"] is not None


def test_skeleton_lookup_equals_the_inside_algorithm(grammar, qf_dir):
    """prob() reads P(skeleton) from the enumerated table; the inside algorithm is its twin."""
    lines = read_split(qf_dir, "dev", limit=12)
    for e in lines:
        assert grammar.prob(e.declarative) == grammar.inside_prob(e.declarative) > 0
    assert grammar.prob(("the", "newt", "smile", ".")) == 0
