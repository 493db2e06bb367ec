"""App. F.1's radius measurement: the scale-free κ and its identities, exact nearest
neighbours, the verdict rule, and ``--model PATH`` on a causal LM's hidden states (a tiny
randomly initialised GPT-2 built locally; nothing is downloaded)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from derivations.lab.radius import (
    KAPPA_STAR,
    nearest_neighbour_distances,
    normalise,
    radius_verdict,
    rms_pairwise_distance,
)

arrays = st.integers(0, 10_000).map(
    lambda s: torch.from_numpy(np.random.default_rng(s).normal(size=(7, 3)) * (1 + s % 5))
)


def test_kappa_star_is_two_r_star_over_root_two_n():
    for n in (1, 384, 1024):
        r_star = math.sqrt(n / (2 * math.pi * math.e))
        assert KAPPA_STAR == pytest.approx(2 * r_star / math.sqrt(2 * n), rel=1e-14)


@given(arrays)
def test_rms_pairwise_distance_is_the_mean_over_pairs(X):
    m = X.shape[0]
    sq = [float(((X[i] - X[j]) ** 2).sum()) for i in range(m) for j in range(m) if i != j]
    assert rms_pairwise_distance(X) == pytest.approx(math.sqrt(np.mean(sq)), rel=1e-12)


@given(arrays, st.floats(0.01, 100), st.floats(-50, 50))
def test_kappa_is_scale_and_shift_free(X, scale, shift):
    Y = X * scale + shift
    k1 = nearest_neighbour_distances(X) / rms_pairwise_distance(X)
    k2 = nearest_neighbour_distances(Y) / rms_pairwise_distance(Y)
    assert np.allclose(k1, k2, rtol=1e-9)
    Z = normalise(X, "z")
    assert rms_pairwise_distance(Z) == pytest.approx(math.sqrt(2 * X.shape[1]), rel=1e-12)
    assert float(normalise(Y, "rms").pow(2).mean()) == pytest.approx(1.0, rel=1e-12)
    assert np.allclose(normalise(Y, "z"), Z, atol=1e-9)  # per-coordinate affine invariance


def test_nearest_neighbour_distances_are_exact():
    X = torch.randn(50, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    d = nearest_neighbour_distances(X, chunk=16)
    ref = [min(float((X[i] - X[j]).norm()) for j in range(50) if j != i) for i in range(50)]
    assert np.allclose(d, ref, rtol=1e-10)


def test_radius_verdict_can_go_every_way():
    def at(rms, z):
        return {"rms": {"kappa_overlap_fraction": rms}, "z": {"kappa_overlap_fraction": z}}

    assert radius_verdict(at(0.0, 0.005), 0.01)[0] == "supported"
    assert radius_verdict(at(0.2, 0.5), 0.01)[0] == "refuted"
    assert radius_verdict(at(0.0, 0.5), 0.01)[0] == "inconclusive"


@pytest.fixture(scope="module")
def tiny_causal_lm(tmp_path_factory):
    """A 2-layer GPT-2 with random weights and a word-level tokenizer, saved like any local
    Hugging Face model folder."""
    transformers = pytest.importorskip("transformers")
    tokenizers = pytest.importorskip("tokenizers")
    words = "the my newt yak does doesn't smile swim who .".split()
    vocab = {w: i for i, w in enumerate(["[UNK]", "[EOS]", *words])}
    tk = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    tok = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", eos_token="[EOS]"
    )
    torch.manual_seed(0)
    cfg = transformers.GPT2Config(
        vocab_size=len(vocab), n_positions=32, n_embd=16, n_layer=2, n_head=2
    )
    model = transformers.GPT2LMHeadModel(cfg)
    d = tmp_path_factory.mktemp("tiny-gpt2")
    model.save_pretrained(d)
    tok.save_pretrained(d)
    return d


SENTS = [
    "the newt does smile .",
    "my yak who does swim doesn't smile .",
    "the yak doesn't swim .",
]


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_causal_lm_pooling_matches_one_sentence_at_a_time(tiny_causal_lm, pooling):
    """Batched (padded) last-token and mean pooling equal the hidden states of each sentence
    run alone: padding never leaks into a pattern."""
    from derivations.lab.hf import embed, load_hf_model

    tok, model = load_hf_model(tiny_causal_lm, progress=False)
    assert type(model).__name__ == "GPT2Model" and tok.pad_token is not None
    got = embed(SENTS, tok, model, batch_size=3, poolings=(pooling,))[pooling]
    for i, s in enumerate(SENTS):
        ids = tok(s, return_tensors="pt")
        with torch.no_grad():
            h = model(**ids).last_hidden_state[0].double()  # (T, n)
        want = h[-1] if pooling == "last" else h.mean(0)
        assert torch.allclose(got[i], want, atol=1e-6), (i, pooling)


@pytest.mark.slow
def test_radius_command_with_a_causal_lm(tiny_causal_lm, mini_qf, tmp_path, capsys):
    from derivations.lab.cli import main

    out = tmp_path / "out"
    args = ["radius", "--preset", "tiny", "--data", str(mini_qf), "--out", str(out)]
    rc = main([*args, "--model", str(tiny_causal_lm), "--pooling", "last", "--quiet"])
    assert rc == 0, capsys.readouterr().err
    res = json.loads((out / "radius" / "result.json").read_text())
    v = res["claim"]["values"]
    assert (
        v["n"] == 16
        and v["pooling"] == "last"
        and res["claim"]["status"]
        in (
            "supported",
            "refuted",
            "inconclusive",
        )
    )
    assert set(v["largest"]) == {"raw", "rms", "z"}
    for f in res["files"]:
        assert (out / "radius" / f).is_file()
