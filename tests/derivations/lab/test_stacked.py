"""Many runs of one shape trained as one stacked model: the same mathematics as plain runs."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations.lab.facts import FactsSpec, make_facts
from derivations.lab.model import GPT, IGNORE_INDEX, GPTConfig
from derivations.lab.runner import Job, run_stacks
from derivations.lab.stacked import (
    _clip_,
    member_hash,
    stack_params,
    stacked_eval,
    stacked_token_losses,
    train_stack,
)
from derivations.lab.train import TrainConfig, evaluate, run_hash, train


def _members(cfg: GPTConfig, seeds) -> list[GPT]:
    out = []
    for s in seeds:
        torch.manual_seed(s)
        out.append(GPT(cfg).double())
    return out


@settings(max_examples=25, deadline=None)
@given(
    E=st.integers(1, 3),
    B=st.integers(1, 4),
    T=st.integers(1, 9),  # both attention paths: explicit (T ≤ 4) and fused (T > 4)
    n_layer=st.integers(1, 2),
    n_head=st.sampled_from([1, 2]),
    seed=st.integers(0, 2**16),
)
def test_stacked_losses_are_each_members_own(E, B, T, n_layer, n_head, seed):
    """Member e's slice of the stacked losses is GPT.token_losses of member e (float64)."""
    cfg = GPTConfig(vocab_size=13, block_size=9, n_layer=n_layer, n_head=n_head, d_emb=8)
    models = _members(cfg, range(seed, seed + E))
    for m in models:  # non-trivial LayerNorm affine and biases, not the initial 1 and 0
        with torch.no_grad():
            for p in m.parameters():
                if p.dim() == 1:
                    p.add_(0.1 * torch.randn_like(p))
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 13, (E, B, T), generator=g)
    y = torch.randint(0, 13, (E, B, T), generator=g)
    y[torch.rand(E, B, T, generator=g) < 0.3] = IGNORE_INDEX
    got = stacked_token_losses(stack_params(models), cfg, x, y)
    for e, m in enumerate(models):
        want = m.token_losses(x[e], y[e])
        assert torch.allclose(got[e], want, rtol=1e-12, atol=1e-12), e
    assert (got[y == IGNORE_INDEX] == 0).all()


def test_stacked_eval_is_each_members_evaluate():
    tr, va = make_facts(FactsSpec(64, n_val=40, seed=1, n_keys_a=16, n_keys_b=16))
    cfg = GPTConfig(vocab_size=len(va.vocab), block_size=va.x.shape[1], n_layer=1, d_emb=8)
    models = _members(cfg, [3, 4])
    got = stacked_eval(stack_params(models), cfg, va, max_seqs=33, batch=10)
    for e, m in enumerate(models):
        assert got[e] == pytest.approx(evaluate(m, va, max_seqs=33)["loss"], rel=1e-12)


def test_clipping_is_by_each_members_own_norm():
    cfg = GPTConfig(vocab_size=7, block_size=4, n_layer=1, n_head=1, d_emb=4)
    models = _members(cfg, [0, 1, 2])
    params = stack_params(models)
    for p in params.values():
        p.grad = torch.randn_like(p) * torch.tensor([0.01, 1.0, 100.0], dtype=p.dtype).reshape(
            3, *([1] * (p.dim() - 1))
        )
    want = []
    for e, m in enumerate(models):
        for n, p in m.named_parameters():
            p.grad = params[n].grad[e].clone()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        want.append({n: p.grad for n, p in m.named_parameters()})
    _clip_(params, 1.0)
    for e in range(3):
        for n, p in params.items():
            assert torch.allclose(p.grad[e], want[e][n], rtol=1e-10), (e, n)


def _jobs(steps=6, seeds=(0, 1), sizes=(48, 64), **kw):
    out = []
    for D in sizes:
        tr, va = make_facts(FactsSpec(D, n_val=16, seed=1, n_keys_a=16, n_keys_b=16))
        for s in seeds:
            cfg = TrainConfig(
                n_layer=1,
                n_head=2,
                d_emb=16,
                steps=steps,
                batch_size=8,
                eval_every=2,
                warmup=1,
                schedule="constant",
                seed=s,
                eval_max_seqs=16,
                train_eval_seqs=len(tr),
                **kw,
            )
            out.append(Job(f"s{s}-D{D}", cfg, tr, va, keep_final=True))
    return out


def test_a_stack_trains_each_member_like_a_plain_run():
    """The same initial weights and batches: equal first losses and initial evaluations, and
    curves within float32 rounding over a few steps."""
    torch.set_num_threads(1)
    jobs = _jobs()
    stacked = train_stack(jobs)
    for j, r in zip(jobs, stacked):
        plain = train(j.cfg, j.train, j.val)
        assert r["train_loss"][0] == pytest.approx(plain["train_loss"][0], rel=1e-6)
        assert r["val_loss"][0] == pytest.approx(plain["val_loss"][0], rel=1e-6)
        assert r["train_loss"] == pytest.approx(plain["train_loss"], rel=1e-4)
        assert r["val_steps"] == plain["val_steps"] and r["stacked"] == len(jobs)
        assert r["final"]["train"]["loss"] == pytest.approx(
            plain["final"]["train"]["loss"], rel=1e-4
        )
        assert r["n_params"] == plain["n_params"]


def test_a_stack_is_deterministic_cached_and_its_own_run(tmp_path):
    torch.set_num_threads(1)
    jobs = _jobs(steps=4)
    a = train_stack(jobs, cache_dir=tmp_path)
    b = train_stack(jobs)
    assert [r["train_loss"] for r in a] == [r["train_loss"] for r in b]
    assert [r["final"] for r in a] == [r["final"] for r in b]
    again = train_stack(jobs, cache_dir=tmp_path)
    assert all(r["cached"] for r in again)
    plain = [run_hash(j.cfg, j.train, j.val) for j in jobs]
    assert [r["hash"] for r in a] == [member_hash(p, plain) for p in plain]
    assert not set(plain) & {r["hash"] for r in a}  # never mistaken for a plain run
    # the stack-mates are part of a member's hash
    alone = train_stack(jobs[:1], cache_dir=tmp_path)
    assert not alone[0]["cached"] and alone[0]["hash"] != a[0]["hash"]


@pytest.mark.parametrize("steps", [4, 5])  # on and off the evaluation schedule
def test_a_longer_stack_continues_a_kept_one_exactly(tmp_path, steps):
    torch.set_num_threads(1)
    short = _jobs(steps=steps)
    first = train_stack(short, cache_dir=tmp_path / "a")
    long = [
        dataclasses.replace(j, cfg=dataclasses.replace(j.cfg, steps=2 * steps), extends=r["hash"])
        for j, r in zip(short, first)
    ]
    ext = train_stack(long, cache_dir=tmp_path / "a")
    fresh = train_stack([dataclasses.replace(j, extends=None) for j in long])
    for e, f in zip(ext, fresh):
        for k in ("train_loss", "val_steps", "val_loss", "final"):
            assert e[k] == f[k], k


def test_extending_a_member_that_was_not_kept_is_a_clear_error(tmp_path):
    jobs = [dataclasses.replace(j, extends="0" * 16) for j in _jobs(steps=2)]
    with pytest.raises(ValueError, match="kept state is not in the cache"):
        train_stack(jobs, cache_dir=tmp_path)


def test_members_of_other_shapes_or_settings_are_refused():
    jobs = _jobs(steps=2)
    wider = dataclasses.replace(jobs[1], cfg=dataclasses.replace(jobs[1].cfg, d_emb=32))
    with pytest.raises(ValueError, match="must share the model's shape"):
        train_stack([jobs[0], wider])
    longer = dataclasses.replace(jobs[1], cfg=dataclasses.replace(jobs[1].cfg, lr=0.5))
    with pytest.raises(ValueError, match="must share"):
        train_stack([jobs[0], longer])
    with pytest.raises(ValueError, match="same run twice"):
        train_stack([jobs[0], jobs[0]])
    noisy = [dataclasses.replace(j, cfg=dataclasses.replace(j.cfg, dropout=0.1)) for j in jobs]
    with pytest.raises(ValueError, match="dropout"):
        train_stack(noisy)


def test_run_stacks_gives_the_stacks_results_and_reuses_the_cache(tmp_path):
    torch.set_num_threads(1)
    jobs = _jobs(steps=3)
    stacks = [jobs[:2], jobs[2:]]
    got = run_stacks(stacks, tmp_path, progress=False)
    want = [train_stack(s) for s in stacks]
    for g, w in zip(got, want):
        assert [r["train_loss"] for r in g] == [r["train_loss"] for r in w]
    again = run_stacks(stacks, tmp_path, progress=False)
    assert all(r["cached"] for rs in again for r in rs)
