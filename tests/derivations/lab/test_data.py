"""The Question-Formation loader, the LM encoding of Murty et al. 2023 and random facts."""

from __future__ import annotations

import math

import pytest
import torch

from derivations.lab.data import (
    EOS,
    QF_SEGMENTS,
    SOS,
    DataNotFoundError,
    build_vocab,
    encode_qf,
    load_qf_lm,
    parse_line,
    read_split,
    resolve_data_dir,
    split_counts,
    split_path,
)
from derivations.lab.facts import FactsSpec, make_facts, stored_nats
from derivations.lab.model import IGNORE_INDEX


def test_missing_data_message_says_where_the_data_lives(tmp_path):
    with pytest.raises(DataNotFoundError) as e:
        resolve_data_dir(tmp_path / "nowhere")
    msg = str(e.value)
    assert "rnn-hierarchical-biases" in msg and "--data" in msg


@pytest.mark.parametrize("split", ["train", "dev", "test", "gen"])
def test_loader_counts_match_the_files(qf_dir, split):
    raw = split_path(qf_dir, split).read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in raw if ln.strip()]
    left = [ln.split("\t")[0] for ln in lines]
    expect = {
        "lines": len(lines),
        "quest": sum(x.endswith(" quest") for x in left),
        "decl": sum(x.endswith(" decl") for x in left),
        "tokens": sum(len(ln.replace("\t", " ").split()) for ln in lines),
        "declarative_tokens": sum(len(x.split()) - 1 for x in left),
    }
    assert split_counts(read_split(qf_dir, split)) == expect


def test_lm_sequences_follow_murty(qf_dir):
    tr, va, info = load_qf_lm(qf_dir, train_lines=300)
    words = {
        w
        for s in ("train", "dev", "gen")
        for w in split_path(qf_dir, s).read_text(encoding="utf-8").split()
    }
    assert set(tr.vocab[1:-2]) == words and tr.vocab[0] == "<pad>"
    assert tr.vocab[-2:] == (EOS, SOS) and info["vocab_size"] == len(words) + 3
    ex0 = read_split(qf_dir, "train", limit=1)[0]
    n = len(ex0.words)
    ids = {w: i for i, w in enumerate(tr.vocab)}
    assert tr.x[0, 0] == ids[SOS] and tr.y[0, n] == ids[EOS]
    assert [tr.vocab[i] for i in tr.y[0, :n]] == list(ex0.words)
    assert torch.equal(tr.x[0, 1 : n + 1], tr.y[0, :n])  # next-token targets
    assert (tr.y[0, n + 1 :] == IGNORE_INDEX).all()
    assert tr.n_tokens == split_counts(read_split(qf_dir, "train", limit=300))["tokens"] + 300


def test_segments_separate_questions_from_copies():
    q = parse_line("the newt does smile . quest\tdoes the newt smile ?")
    c = parse_line("my yak doesn't swim . decl\tmy yak doesn't swim .")
    vocab = build_vocab([[q, c]])
    d = encode_qf([q, c], vocab, "t")
    name = {i: s for i, s in enumerate(QF_SEGMENTS)}
    segq = [name[int(k)] for k in d.seg[0] if k >= 0]
    segc = [name[int(k)] for k in d.seg[1] if k >= 0]
    assert segq == ["declarative"] * 5 + ["marker"] + ["question"] * 5 + ["eos"]
    assert segc == ["declarative"] * 5 + ["marker"] + ["copy"] * 5 + ["eos"]
    dbl = encode_qf([q], vocab, "x", fmt="double")
    assert dbl.n_tokens == 5 + 1 + 5 + 5 + 1
    echo = encode_qf([q], vocab, "x", fmt="echo")
    assert [echo.vocab[int(i)] for i in echo.y[0] if i >= 0][:6] == ["the"] * 3 + ["newt"] * 3
    seg_echo = [name[int(k)] for k in echo.seg[0] if k >= 0]
    assert seg_echo == ["declarative", "copy", "copy"] * 5 + ["eos"]
    dec = encode_qf([q], vocab, "x", fmt="decl")
    assert [name[int(k)] for k in dec.seg[0] if k >= 0] == ["declarative"] * 5 + ["eos"]


def test_facts_are_nested_and_only_values_count():
    small, val = make_facts(FactsSpec(50, n_val=20, seed=3))
    big, val2 = make_facts(FactsSpec(80, n_val=20, seed=3))
    assert torch.equal(small.x, big.x[:50]) and torch.equal(val.x, val2.x)
    assert small.n_tokens == 50 * 2 and small.x.shape[1] == 3  # a b v1 → targets v1 v2
    keys_val = {tuple(r) for r in val.x[:, :2].tolist()}
    keys_tr = {tuple(r) for r in big.x[:, :2].tolist()}
    assert not keys_val & keys_tr
    assert (small.y[:, 0] == IGNORE_INDEX).all() and torch.equal(small.y[:, 1], small.x[:, 2])
    with pytest.raises(ValueError):
        FactsSpec(10_000, n_val=10, n_keys_a=10, n_keys_b=10)


def test_stored_nats_is_the_content_memorised():
    spec = FactsSpec(100, value_len=2, n_values=16)
    assert stored_nats(spec, 100, math.log(16)) == 0
    assert stored_nats(spec, 100, 0.0) == pytest.approx(100 * spec.nats_per_fact)
    assert stored_nats(spec, 100, 5.0) == 0  # worse than guessing stores nothing
