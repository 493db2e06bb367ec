"""A deterministic, resumable training loop for the lab's tiny Transformers.

* Deterministic: the model is initialised from ``torch.manual_seed(seed)``, batches are drawn
  with a separate seeded ``torch.Generator``, and ``torch.use_deterministic_algorithms`` is on
  while training. On one machine, one device and one thread count, a seed gives the same curves.
  (The lab's local process pool always uses one thread per run.)
* Tracked: the training (minibatch) loss at every step; the validation loss at step 0, every
  ``eval_every`` steps and at the end; per-segment losses (e.g. declarative / marker / target /
  EOS) of the final model on the validation set and on a fixed slice of the training set.
  Every loss is a mean over counted target tokens, in nats.
* Cached: a run is keyed by :func:`run_hash` (config + data fingerprints + ``LAB_VERSION``).
  A finished run is read back from ``<cache_dir>/<hash>.json`` and never redone; an
  interrupted one resumes from ``<hash>.ckpt.pt`` (model, optimiser, generator and RNG states).
* Extended: with a constant learning rate the first S steps of a longer run are exactly a run
  of S steps, so a finished run kept with ``keep_final`` (``<hash>.final.pt``) is continued by
  a run that differs only in ``steps`` (``extends=<its hash>``) instead of being redone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from derivations.lab.data import LMData
from derivations.lab.model import GPT, IGNORE_INDEX, GPTConfig

LAB_VERSION = 3  # bump when the meaning of a cached run changes

#: config fields that do not change the numbers (left out of the hash)
_NOT_HASHED = ("checkpoint_every",)


@dataclass(frozen=True)
class TrainConfig:
    n_layer: int = 2
    n_head: int = 4
    d_emb: int = 64
    d_ff: int | None = None
    dropout: float = 0.0
    steps: int = 1000
    batch_size: int = 32
    lr: float = 1e-3
    min_lr_frac: float = 0.1
    warmup: int = 100
    schedule: str = "cosine"  # "cosine" (to min_lr_frac · lr) or "constant" after warm-up
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    seed: int = 0
    eval_every: int = 50
    eval_max_seqs: int = 2000
    train_eval_seqs: int = 2000
    device: str = "cpu"
    checkpoint_every: int = 0  # 0: only when stopped early (``stop_after``)

    def __post_init__(self):
        if self.schedule not in ("cosine", "constant"):
            raise ValueError(f"schedule must be cosine or constant, got {self.schedule!r}")
        for name in ("steps", "batch_size", "eval_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be ≥ 1")
        if self.warmup < 0 or self.lr <= 0:
            raise ValueError("warmup must be ≥ 0 and lr > 0")

    def gpt_config(self, data: LMData) -> GPTConfig:
        return GPTConfig(
            vocab_size=len(data.vocab),
            block_size=data.x.shape[1],
            n_layer=self.n_layer,
            n_head=self.n_head,
            d_emb=self.d_emb,
            d_ff=self.d_ff,
            dropout=self.dropout,
        )

    def lr_at(self, step: int) -> float:
        """Learning rate of update ``step`` (0-based)."""
        if step < self.warmup:
            return self.lr * (step + 1) / self.warmup
        if self.schedule == "constant":
            return self.lr
        frac = (step - self.warmup) / max(1, self.steps - self.warmup)
        lo = self.min_lr_frac * self.lr
        return lo + 0.5 * (self.lr - lo) * (1 + math.cos(math.pi * min(1.0, frac)))


def run_hash(cfg: TrainConfig, train: LMData, val: LMData) -> str:
    key = {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.name not in _NOT_HASHED}
    blob = json.dumps(
        {
            "cfg": key,
            "train": train.fingerprint(),
            "val": val.fingerprint(),
            "lab_version": LAB_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def versions() -> dict:
    import numpy
    import sympy

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "sympy": sympy.__version__,
        "platform": platform.platform(),
        "lab_version": LAB_VERSION,
    }


class Progress:
    """A progress bar: tqdm when installed, else a one-line stderr counter; silent if off."""

    def __init__(self, total: int, desc: str, enabled: bool = True, initial: int = 0):
        self.total, self.desc, self.n, self.enabled = total, desc, initial, enabled
        self._bar, self._last = None, 0.0
        if enabled:
            try:
                from tqdm import tqdm

                self._bar = tqdm(
                    total=total,
                    desc=desc,
                    initial=initial,
                    file=sys.stderr,
                    leave=False,
                    dynamic_ncols=True,
                )
            except ImportError:
                pass

    def update(self, k: int = 1, **postfix) -> None:
        self.n += k
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(k)
            if postfix:
                self._bar.set_postfix(postfix, refresh=False)
        elif time.monotonic() - self._last > 1.0 or self.n >= self.total:
            self._last = time.monotonic()
            extra = " ".join(f"{k}={v}" for k, v in postfix.items())
            print(f"\r{self.desc}: {self.n}/{self.total} {extra}", end="", file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled:
            print(file=sys.stderr)


@torch.no_grad()
def evaluate(
    model: GPT,
    data: LMData,
    max_seqs: int | None = None,
    batch: int = 256,
    device: str = "cpu",
    per_seq: bool = False,
) -> dict:
    """Mean loss (nats per counted token) over the first ``max_seqs`` sequences, overall and
    per segment; with ``per_seq`` also each sequence's summed loss (``seq_nats``) and its
    counted tokens (``seq_tokens``)."""
    was_training = model.training
    model.eval()
    n = len(data) if max_seqs is None else min(max_seqs, len(data))
    nseg = len(data.segments)
    tot = torch.zeros(nseg, dtype=torch.float64)
    cnt = torch.zeros(nseg, dtype=torch.float64)
    seq_nats: list[float] = []
    seq_tokens: list[int] = []
    for i in range(0, n, batch):
        x, y, s = (t[i : min(n, i + batch)].to(device) for t in (data.x, data.y, data.seg))
        T = _used_length(y)
        losses = model.token_losses(x[:, :T], y[:, :T]).double()  # (b, T)
        s = s[:, :T]
        if per_seq:
            seq_nats += losses.sum(1).cpu().tolist()
            seq_tokens += (y[:, :T] != IGNORE_INDEX).sum(1).cpu().tolist()
        for k in range(nseg):
            m = (s == k) & (y[:, :T] != IGNORE_INDEX)
            tot[k] += losses[m].sum().cpu()
            cnt[k] += m.sum().cpu()
    model.train(was_training)
    seg = {
        name: (float(tot[k] / cnt[k]) if cnt[k] else None) for k, name in enumerate(data.segments)
    }
    out = {
        "loss": float(tot.sum() / cnt.sum()),
        "segments": seg,
        "tokens": int(cnt.sum()),
        "seqs": n,
    }
    if per_seq:
        out["seq_nats"], out["seq_tokens"] = seq_nats, seq_tokens
    return out


def _used_length(y: torch.Tensor) -> int:
    """1 + the last column with a counted target (trailing padding can be cut: causal model)."""
    cols = (y != IGNORE_INDEX).any(dim=0).nonzero()
    return int(cols.max()) + 1 if len(cols) else 1


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    write(tmp)
    os.replace(tmp, path)


def load_cached(cache_dir: str | os.PathLike | None, h: str) -> dict | None:
    """The finished run ``h`` from the cache, or None. An unreadable entry (a truncated or
    foreign file) is reported on stderr and treated as missing: the run is redone."""
    if cache_dir is None:
        return None
    p = Path(cache_dir) / f"{h}.json"
    if not p.is_file():
        return None
    try:
        res = json.loads(p.read_text(encoding="utf-8"))
        for k in ("train_loss", "val_loss"):  # jsonio writes non-finite floats as strings
            res[k] = [float(v) for v in res[k]]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        print(
            f"lab cache: ignoring unreadable {p} ({type(e).__name__}); redoing it", file=sys.stderr
        )
        return None
    return res if res.get("complete") else None


def save_result(cache_dir: str | os.PathLike, res: dict) -> Path:
    """Write a finished run to the cache (atomically, through :mod:`derivations.jsonio`)."""
    from derivations.jsonio import dumps, write_text_atomic

    p = Path(cache_dir) / f"{res['hash']}.json"
    return write_text_atomic(p, dumps(res, indent=None))


def train(
    cfg: TrainConfig,
    train_data: LMData,
    val_data: LMData,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
    label: str = "",
    stop_after: int | None = None,
    keep_final: bool = False,
    extends: str | None = None,
) -> dict:
    """Train one model; return its curves and final evaluations (see the module docstring).

    ``stop_after`` stops after that many total steps and leaves a checkpoint (for tests of
    resumption); the returned dict then has ``complete = False``. ``keep_final`` keeps the
    finished state in the cache; ``extends`` names a kept run this one continues (see
    :func:`extension_of`).
    """
    if train_data.vocab != val_data.vocab:
        raise ValueError("train and validation data must share one vocabulary")
    h = run_hash(cfg, train_data, val_data)
    cached = load_cached(cache_dir, h)
    if cached is not None:
        cached["cached"] = True
        return cached
    device = torch.device(cfg.device)
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    prev_det = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        with _deterministic_attention(device):
            return _train(
                cfg,
                train_data,
                val_data,
                cache_dir,
                progress,
                label,
                stop_after,
                h,
                device,
                keep_final,
                extends,
            )
    finally:
        torch.use_deterministic_algorithms(prev_det)


def _deterministic_attention(device: torch.device):
    """On CUDA, the math attention kernel (the memory-efficient one has a non-deterministic
    backward pass); elsewhere nothing changes."""
    if device.type != "cuda":
        return contextlib.nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel([SDPBackend.MATH])


def extension_of(cfg: TrainConfig, prev: TrainConfig) -> bool:
    """Whether a run of ``cfg`` starts with exactly the run of ``prev``: the same config but
    for more steps, under a constant learning rate (a cosine schedule depends on the total)."""
    same = {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.name != "steps"} == {
        f.name: getattr(prev, f.name) for f in fields(prev) if f.name != "steps"
    }
    return same and cfg.schedule == "constant" and prev.steps < cfg.steps


def adamw(params, cfg: TrainConfig, matrix_dim: int = 2, **kw) -> torch.optim.AdamW:
    """AdamW as the lab trains: weight decay ``cfg.weight_decay`` on the matrices (tensors of
    ``matrix_dim`` or more axes), none on vectors; β = (0.9, 0.95); ``kw`` to AdamW."""
    params = list(params)
    return torch.optim.AdamW(
        [
            {
                "params": [p for p in params if p.dim() >= matrix_dim],
                "weight_decay": cfg.weight_decay,
            },
            {"params": [p for p in params if p.dim() < matrix_dim], "weight_decay": 0.0},
        ],
        lr=cfg.lr,
        betas=(0.9, 0.95),
        **kw,
    )


def continued_curves(state: dict, cfg: TrainConfig) -> dict:
    """The kept curves of a shorter run that a run of ``cfg`` continues: the shorter run
    evaluated at its last step, which is dropped when that step is off ``cfg``'s evaluation
    schedule (the continuation evaluates on the schedule only)."""
    if state["val_steps"][-1] % cfg.eval_every:
        state["val_steps"].pop()
        state["val_loss"].pop()
    return state


def result_record(
    h: str, label: str, cfg: TrainConfig, model: GPT, train_data, val_data, state, device
) -> dict:
    """A finished run's result (its ``total_wall_s`` is the caller's): the config, the model's
    shape and parameter counts, the data, the curves of ``state``, and the final model's
    evaluations on the training and validation sets."""
    return {
        "hash": h,
        "label": label,
        "complete": True,
        "cached": False,
        "config": asdict(cfg),
        "model": model.cfg.to_dict(),
        "n_params": {k: model.n_params(k) for k in ("attn_ff", "non_embedding", "all")},
        "data": data_record(train_data, val_data),
        "train_loss": state["train_loss"],
        "val_steps": state["val_steps"],
        "val_loss": state["val_loss"],
        "final": {
            "train": evaluate(model, train_data, cfg.train_eval_seqs, device=device),
            "val": evaluate(model, val_data, cfg.eval_max_seqs, device=device, per_seq=True),
        },
        "device": str(device),
        "threads": torch.get_num_threads(),
        "versions": versions(),
        "wall_s": state["wall_s"],
    }


def data_record(train_data: LMData, val_data: LMData) -> dict:
    """What a run's result says of its data: name, fingerprint, sequences and tokens."""
    return {
        role: {"name": d.name, "fingerprint": d.fingerprint(), "seqs": len(d), "tokens": d.n_tokens}
        for role, d in (("train", train_data), ("val", val_data))
    }


def _train(
    cfg,
    train_data,
    val_data,
    cache_dir,
    progress,
    label,
    stop_after,
    h,
    device,
    keep_final=False,
    extends=None,
):
    t0 = time.perf_counter()
    torch.manual_seed(cfg.seed)
    gcfg = cfg.gpt_config(train_data)
    model = GPT(gcfg).to(device)
    opt = adamw(model.parameters(), cfg)
    gen = torch.Generator().manual_seed(cfg.seed + 1)
    state = {"step": 0, "train_loss": [], "val_steps": [], "val_loss": [], "wall_s": 0.0}
    ckpt = Path(cache_dir) / f"{h}.ckpt.pt" if cache_dir is not None else None
    blob, extending = None, False
    if ckpt is not None and ckpt.is_file():
        blob = torch.load(ckpt, map_location=device, weights_only=False)
    elif extends is not None and cache_dir is not None:
        prev = Path(cache_dir) / f"{extends}.final.pt"
        if prev.is_file():
            blob = torch.load(prev, map_location=device, weights_only=False)
            if not extension_of(cfg, TrainConfig(**blob["config"])):
                raise ValueError(
                    f"run {h} cannot extend run {extends}: the configs differ in more than "
                    "the number of steps, or the schedule is not constant"
                )
            extending = True
    if blob is not None:
        model.load_state_dict(blob["model"])
        opt.load_state_dict(blob["opt"])
        gen.set_state(blob["gen"])
        torch.set_rng_state(blob["rng"])
        state = continued_curves(blob["state"], cfg) if extending else blob["state"]

    def save_ckpt(path=ckpt, config=None):
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = {
            "model": model.state_dict(),
            "opt": opt.state_dict(),
            "gen": gen.get_state(),
            "rng": torch.get_rng_state(),
            "state": state,
            "config": config,
        }
        _atomic_write(path, lambda t: torch.save(blob, t))

    if state["step"] == 0 and not state["val_steps"]:
        state["val_steps"].append(0)
        state["val_loss"].append(
            evaluate(model, val_data, cfg.eval_max_seqs, device=device)["loss"]
        )
    bar = Progress(cfg.steps, label or f"run {h[:8]}", progress, initial=state["step"])
    end = cfg.steps if stop_after is None else min(cfg.steps, stop_after)
    model.train()
    n = len(train_data)
    t_seg = time.perf_counter()
    while state["step"] < end:
        step = state["step"]
        idx = torch.randint(n, (cfg.batch_size,), generator=gen)
        y = train_data.y[idx]
        T = _used_length(y)
        x, y = train_data.x[idx, :T].to(device), y[:, :T].to(device)
        for g in opt.param_groups:
            g["lr"] = cfg.lr_at(step)
        losses = model.token_losses(x, y)  # (B, T)
        loss = losses.sum() / (y != IGNORE_INDEX).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        state["train_loss"].append(loss.item())
        state["step"] = step + 1
        if state["step"] % cfg.eval_every == 0 or state["step"] == cfg.steps:
            state["val_steps"].append(state["step"])
            state["val_loss"].append(
                evaluate(model, val_data, cfg.eval_max_seqs, device=device)["loss"]
            )
        if cfg.checkpoint_every and state["step"] % cfg.checkpoint_every == 0:
            state["wall_s"] += time.perf_counter() - t_seg
            t_seg = time.perf_counter()
            save_ckpt()
        bar.update(1, loss=f"{state['train_loss'][-1]:.3f}", val=f"{state['val_loss'][-1]:.3f}")
    bar.close()
    state["wall_s"] += time.perf_counter() - t_seg
    if state["step"] < cfg.steps:  # stopped early on purpose
        save_ckpt()
        return {"hash": h, "complete": False, "step": state["step"]}
    res = result_record(h, label, cfg, model, train_data, val_data, state, device)
    res["total_wall_s"] = time.perf_counter() - t0
    if cache_dir is not None:
        if keep_final:
            save_ckpt(Path(cache_dir) / f"{h}.final.pt", asdict(cfg))
        save_result(cache_dir, res)
        if ckpt is not None and ckpt.is_file():
            ckpt.unlink()
    return res
