"""The tiny Transformer and the deterministic, resumable, cached training loop."""

from __future__ import annotations

import pytest
import torch

from derivations.lab.facts import FactsSpec, make_facts
from derivations.lab.model import GPT, IGNORE_INDEX, GPTConfig
from derivations.lab.train import TrainConfig, evaluate, extension_of, run_hash, train


def test_model_shapes_and_parameter_count():
    cfg = GPTConfig(vocab_size=11, block_size=9, n_layer=3, n_head=2, d_emb=8)
    m = GPT(cfg)
    x = torch.randint(0, 11, (4, 7))
    assert m(x).shape == (4, 7, 11)
    y = x.clone()
    y[:, -2:] = IGNORE_INDEX
    tl = m.token_losses(x, y)
    assert tl.shape == (4, 7) and (tl[:, -2:] == 0).all()
    # the head runs on counted positions only: the same losses as the full logits give
    full = torch.nn.functional.cross_entropy(m(x)[:, :-2].flatten(0, 1), y[:, :-2].flatten())
    assert tl[:, :-2].mean().item() == pytest.approx(full.item(), rel=1e-6)
    d = 8
    assert m.n_params("attn_ff") == 3 * (12 * d * d + 9 * d)
    assert m.n_params("all") == sum(p.numel() for p in m.parameters())
    with pytest.raises(ValueError):
        m(torch.zeros(1, 10, dtype=torch.long))
    with pytest.raises(ValueError):
        GPTConfig(vocab_size=5, block_size=4, d_emb=10, n_head=3)


def _tiny():
    tr, va = make_facts(FactsSpec(64, n_val=16, seed=1, n_keys_a=16, n_keys_b=16))
    cfg = TrainConfig(
        n_layer=1,
        n_head=2,
        d_emb=16,
        steps=5,
        batch_size=8,
        eval_every=2,
        warmup=1,
        eval_max_seqs=16,
        train_eval_seqs=16,
    )
    return cfg, tr, va


def test_training_is_deterministic_and_resumable(tmp_path):
    torch.set_num_threads(1)
    cfg, tr, va = _tiny()
    a = train(cfg, tr, va)
    b = train(cfg, tr, va)
    assert a["train_loss"] == b["train_loss"] and a["val_loss"] == b["val_loss"]
    assert a["val_steps"] == [0, 2, 4, 5] and len(a["train_loss"]) == 5
    part = train(cfg, tr, va, cache_dir=tmp_path, stop_after=3)
    assert not part["complete"] and (tmp_path / f"{part['hash']}.ckpt.pt").is_file()
    c = train(cfg, tr, va, cache_dir=tmp_path)
    assert c["train_loss"] == a["train_loss"] and c["val_loss"] == a["val_loss"]
    assert c["final"] == a["final"]
    assert not (tmp_path / f"{c['hash']}.ckpt.pt").exists()
    d = train(cfg, tr, va, cache_dir=tmp_path)
    assert d["cached"] and d["train_loss"] == a["train_loss"]
    assert run_hash(cfg, tr, va) != run_hash(TrainConfig(**{**cfg.__dict__, "seed": 1}), tr, va)


@pytest.mark.parametrize("steps", [4, 5])  # on and off the evaluation schedule
def test_a_longer_run_continues_a_kept_one_exactly(tmp_path, steps):
    """Under a constant learning rate, S steps kept with ``keep_final`` and continued to 2S
    give exactly the run of 2S steps from scratch (curves, evaluations, final losses)."""
    torch.set_num_threads(1)
    cfg, tr, va = _tiny()
    cfg = TrainConfig(**{**cfg.__dict__, "steps": steps, "schedule": "constant"})
    long = TrainConfig(**{**cfg.__dict__, "steps": 2 * steps})
    short = train(cfg, tr, va, cache_dir=tmp_path, keep_final=True)
    assert (tmp_path / f"{short['hash']}.final.pt").is_file()
    ext = train(long, tr, va, cache_dir=tmp_path, extends=short["hash"])
    fresh = train(long, tr, va)
    for k in ("train_loss", "val_steps", "val_loss", "final"):
        assert ext[k] == fresh[k], k
    assert extension_of(long, cfg) and not extension_of(cfg, long)
    cosine = TrainConfig(**{**long.__dict__, "schedule": "cosine"})
    assert not extension_of(cosine, TrainConfig(**{**cfg.__dict__, "schedule": "cosine"}))
    other = TrainConfig(**{**long.__dict__, "seed": 7})
    with pytest.raises(ValueError, match="cannot extend"):
        train(other, tr, va, cache_dir=tmp_path, extends=short["hash"])


def test_per_sequence_losses_add_up():
    cfg, tr, va = _tiny()
    torch.manual_seed(0)
    model = GPT(cfg.gpt_config(tr))
    ev = evaluate(model, va, per_seq=True, batch=5)
    assert len(ev["seq_nats"]) == len(va) and sum(ev["seq_tokens"]) == ev["tokens"]
    assert sum(ev["seq_nats"]) / ev["tokens"] == pytest.approx(ev["loss"], rel=1e-9)


def test_ray_backend_without_ray_is_a_clear_error(tmp_path):
    try:
        import ray  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ray is installed")
    from derivations.lab import LabUnavailableError
    from derivations.lab.runner import Job, run_jobs

    cfg, tr, va = _tiny()
    with pytest.raises(LabUnavailableError, match="Ray"):
        run_jobs([Job("x", cfg, tr, va)], tmp_path, backend="ray", progress=False)


@pytest.mark.slow
def test_ray_backend_gives_the_local_results(tmp_path):
    """With Ray installed, a local Ray instance runs the same trainings to the same numbers."""
    ray = pytest.importorskip("ray")
    from derivations.lab.runner import Job, run_jobs

    cfg, tr, va = _tiny()
    jobs = [Job("a", cfg, tr, va)]
    local = run_jobs(jobs, tmp_path / "local", backend="local", progress=False)
    try:
        remote = run_jobs(jobs, tmp_path / "ray", backend="ray", progress=False)
    finally:
        ray.shutdown()
    assert remote[0]["train_loss"] == local[0]["train_loss"]
    assert remote[0]["val_loss"] == local[0]["val_loss"]


def test_unreadable_cache_entry_is_redone(tmp_path, capsys):
    cfg, tr, va = _tiny()
    a = train(cfg, tr, va, cache_dir=tmp_path)
    p = tmp_path / f"{a['hash']}.json"
    p.write_text(p.read_text()[:100])  # truncated
    b = train(cfg, tr, va, cache_dir=tmp_path)
    assert not b.get("cached") and b["train_loss"] == a["train_loss"]
    assert "unreadable" in capsys.readouterr().err
    assert train(cfg, tr, va, cache_dir=tmp_path)["cached"]
