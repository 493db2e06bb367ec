"""Many small Transformers of one shape trained as one stacked model.

Legend (code name → meaning):

==============  ==========================================================================
``E``           the number of members (independent models) in a stack
``params``      {GPT parameter name: tensor (E, *shape)}; member e's weights are ``[e]``
``members``     the runs of one stack: the same :class:`~derivations.lab.model.GPTConfig`
                and training settings, each with its own seed, data and validation set
==============  ==========================================================================

The size law trains dozens of one-layer models of width 4–16 whose steps cost almost nothing
in arithmetic: a step's time is the fixed cost of dispatching some hundred small tensor
operations. Trained as one stacked model (every weight with a leading member axis, every
matrix product a batched one), E models cost about one model's dispatches per step.

The mathematics of each member is exactly that of :func:`derivations.lab.train.train`: the
same initialisation (``torch.manual_seed(seed)`` then ``GPT(cfg)``), the same batches (its own
generator seeded ``seed + 1``), the same per-token losses (:func:`stacked_token_losses` equals
:meth:`GPT.token_losses <derivations.lab.model.GPT.token_losses>`, tested), AdamW with the
same settings elementwise, gradient clipping by each member's own norm, the same evaluations
(:func:`~derivations.lab.train.evaluate` on the member's own weights). The rounding is not
the same (batched products sum in another order), so a stacked run is its own run: its hash
(:func:`member_hash`) is the plain run's hash joined with ``stacked`` and the hashes of its
stack-mates, and a stack is deterministic on one machine and thread count like a plain run.
A step runs on the longest sequence of any member's batch (a plain run cuts trailing padding
to its own batch's longest; the extra positions change no loss of a causal model, but the
rounding may), one more reason why the stack-mates are part of a member's hash.

Kept states (``keep_final``) and extensions (``extends``) work as for plain runs, member by
member (:func:`derivations.lab.train.extension_of`); a stack interrupted midway is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from derivations.lab.model import GPT, IGNORE_INDEX, GPTConfig
from derivations.lab.train import (
    Progress,
    TrainConfig,
    _atomic_write,
    _deterministic_attention,
    _used_length,
    adamw,
    continued_curves,
    evaluate,
    extension_of,
    load_cached,
    result_record,
    run_hash,
    save_result,
)

__all__ = [
    "stack_key",
    "member_hash",
    "member_hashes",
    "stack_params",
    "stacked_token_losses",
    "stacked_eval",
    "train_stack",
]

#: TrainConfig fields that may differ between the members of one stack
_PER_MEMBER = ("seed", "eval_max_seqs", "train_eval_seqs")


def stack_key(cfg: TrainConfig, train_data, val_data) -> tuple:
    """What members of one stack share: the model's shape and every training setting except
    the seed and the evaluation sizes."""
    shared = {k: v for k, v in asdict(cfg).items() if k not in _PER_MEMBER}
    g = cfg.gpt_config(train_data)
    return (json.dumps(shared, sort_keys=True), g, train_data.vocab, val_data.vocab)


def member_hash(plain: str, mates: list[str]) -> str:
    """The hash of a stacked run: its plain hash (:func:`~derivations.lab.train.run_hash`)
    with ``stacked`` and the plain hashes of every member of its stack, itself included."""
    blob = json.dumps({"run": plain, "stacked": True, "stack": sorted(mates)})
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def member_hashes(members) -> list[str]:
    """The stacked runs' hashes of ``members`` (:func:`member_hash`), in order."""
    plain = [run_hash(j.cfg, j.train, j.val) for j in members]
    if len(set(plain)) != len(plain):
        raise ValueError("a stack holds the same run twice")
    return [member_hash(p, plain) for p in plain]


def stack_params(models: list[GPT]) -> dict[str, torch.Tensor]:
    """{name: (E, *shape)} leaf tensors holding a copy of each member's parameters (a tied
    weight once, under its first name)."""
    names = [n for n, _ in models[0].named_parameters()]
    per = [dict(m.named_parameters()) for m in models]
    return {
        n: torch.stack([p[n].detach() for p in per]).clone().requires_grad_(True) for n in names
    }


def _linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    """x (E, M, in) → (E, M, out) with member weights w (E, out, in) and bias b (E, out)."""
    y = torch.bmm(x, w.transpose(1, 2))
    return y if b is None else y + b[:, None, :]


def _layer_norm(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    """LayerNorm over the last axis of x (E, M, C) with member affine w, b (E, C)."""
    y = F.layer_norm(x, x.shape[-1:]) * w[:, None, :]
    return y if b is None else y + b[:, None, :]


def _causal_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Causal scaled dot-product attention of q, k, v (…, T, c). For very short sequences
    (T ≤ 4, the facts) explicit products: the fused CPU kernel's set-up per sequence then
    costs more than its arithmetic over thousands of tiny heads; else the fused kernel."""
    T, c = q.shape[-2], q.shape[-1]
    if T > 4:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    s = q @ k.transpose(-1, -2) / c**0.5  # (…, T, T)
    mask = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()
    return torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1) @ v


def stacked_token_losses(
    params: dict[str, torch.Tensor], cfg: GPTConfig, idx: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """Per-position cross-entropy (E, B, T) in nats of every member, 0 where
    ``targets == IGNORE_INDEX``: member e's slice is ``GPT.token_losses`` of a GPT holding
    ``params[·][e]`` on ``idx[e]`` (E, B, T)."""
    if cfg.dropout:
        raise ValueError("stacked training needs dropout = 0 (members would share its noise)")
    P = params.get
    E, B, T = idx.shape
    if T > cfg.block_size:
        raise ValueError(f"sequence length {T} exceeds block_size {cfg.block_size}")
    C, H = cfg.d_emb, cfg.n_head
    wte = P("wte.weight")  # (E, V, C)
    rows = torch.arange(E, device=idx.device)[:, None, None]  # (E, 1, 1)
    x = wte[rows, idx] + P("wpe.weight")[:, None, :T, :]  # (E, B, T, C)
    x = x.reshape(E, B * T, C)
    for i in range(cfg.n_layer):
        pre = f"blocks.{i}."
        h = _layer_norm(x, P(pre + "ln1.weight"), P(pre + "ln1.bias"))
        qkv = _linear(h, P(pre + "attn.qkv.weight"), P(pre + "attn.qkv.bias"))  # (E, BT, 3C)
        q, k, v = (
            t.reshape(E * B, T, H, C // H).transpose(1, 2)  # (EB, H, T, C/H)
            for t in qkv.split(C, dim=2)
        )
        y = _causal_attention(q, k, v)  # (EB, H, T, C/H)
        y = y.transpose(1, 2).reshape(E, B * T, C)
        x = x + _linear(y, P(pre + "attn.proj.weight"), P(pre + "attn.proj.bias"))
        h = _layer_norm(x, P(pre + "ln2.weight"), P(pre + "ln2.bias"))
        h = F.gelu(_linear(h, P(pre + "ff.0.weight"), P(pre + "ff.0.bias")))
        x = x + _linear(h, P(pre + "ff.2.weight"), P(pre + "ff.2.bias"))
    h = _layer_norm(x, P("ln_f.weight"), P("ln_f.bias"))  # (E, BT, C)
    # the tied head on counted positions only (as GPT.token_losses): each member's counted
    # positions first, padded to the largest count with position 0 (its loss not kept)
    y = targets.reshape(E, B * T)
    counted = y != IGNORE_INDEX  # (E, BT)
    n = int(counted.sum(dim=1).max())
    order = torch.argsort((~counted).to(torch.int8), dim=1, stable=True)[:, :n]  # (E, n)
    keep = counted.gather(1, order)  # (E, n): False where padded
    hc = h.gather(1, order[:, :, None].expand(E, n, C))  # (E, n, C)
    logits = torch.bmm(hc, wte.transpose(1, 2))  # (E, n, V)
    tc = torch.where(keep, y.gather(1, order), IGNORE_INDEX)  # (E, n)
    lc = F.cross_entropy(
        logits.reshape(E * n, wte.shape[1]),
        tc.reshape(-1),
        ignore_index=IGNORE_INDEX,
        reduction="none",
    ).reshape(E, n)
    out = torch.zeros(E, B * T, dtype=lc.dtype, device=lc.device)
    out = out.scatter(1, order, torch.where(keep, lc, 0.0))
    return out.reshape(E, B, T)


@torch.no_grad()
def stacked_eval(
    params: dict[str, torch.Tensor],
    cfg: GPTConfig,
    data,
    max_seqs: int | None = None,
    device="cpu",
    batch: int = 256,
) -> list[float]:
    """Every member's mean loss (nats per counted token) on the first ``max_seqs`` sequences
    of ``data``: ``evaluate(...)["loss"]`` of each member, in one stacked pass."""
    E = next(iter(params.values())).shape[0]
    n = len(data) if max_seqs is None else min(max_seqs, len(data))
    tot = torch.zeros(E, dtype=torch.float64)
    cnt = 0
    for i in range(0, n, batch):
        x, y = (t[i : min(n, i + batch)] for t in (data.x, data.y))
        T = _used_length(y)
        x, y = x[:, :T].to(device), y[:, :T].to(device)
        ex = lambda t: t.unsqueeze(0).expand(E, *t.shape)  # noqa: E731 - the same batch for all
        tot += stacked_token_losses(params, cfg, ex(x), ex(y)).double().sum(dim=(1, 2)).cpu()
        cnt += int((y != IGNORE_INDEX).sum())
    return (tot / cnt).tolist()


def _clip_(params: dict[str, torch.Tensor], max_norm: float) -> None:
    """Clip each member's gradient to norm ``max_norm`` (``clip_grad_norm_``, member by
    member: the norm over all of that member's parameters)."""
    grads = [p.grad for p in params.values()]
    E = grads[0].shape[0]
    norms = torch.stack([g.reshape(E, -1).norm(dim=1) for g in grads], dim=1)  # (E, n)
    total = norms.norm(dim=1)  # (E,)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef.reshape(E, *([1] * (g.dim() - 1))))


def train_stack(
    members: list,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> list[dict]:
    """Train ``members`` (objects with ``cfg``, ``train``, ``val``, ``label``, ``keep_final``
    and ``extends`` — the lab's ``runner.Job``) as one stacked model; return each member's
    result in the format of :func:`derivations.lab.train.train`, with ``stacked``: the size of
    its stack. Members finished before are read from the cache; if all are, nothing runs."""
    if not members:
        return []
    keys = {stack_key(j.cfg, j.train, j.val) for j in members}
    if len(keys) != 1:
        raise ValueError(
            "members of one stack must share the model's shape, the vocabulary and every "
            "training setting but the seed and the evaluation sizes"
        )
    hashes = member_hashes(members)
    cached = [load_cached(cache_dir, h) for h in hashes]
    if all(c is not None for c in cached):
        for c in cached:
            c["cached"] = True
        return cached
    device = torch.device(members[0].cfg.device)
    prev_det = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        with _deterministic_attention(device):
            return _train_stack(members, hashes, cache_dir, progress, device)
    finally:
        torch.use_deterministic_algorithms(prev_det)


def _member_models(members, device) -> list[GPT]:
    models = []
    for j in members:
        torch.manual_seed(j.cfg.seed)
        models.append(GPT(j.cfg.gpt_config(j.train)).to(device))
    return models


def _train_stack(members, hashes, cache_dir, progress, device) -> list[dict]:
    t0 = time.perf_counter()
    cfg0 = members[0].cfg
    gcfg = cfg0.gpt_config(members[0].train)
    models = _member_models(members, device)
    params = stack_params(models)
    opt = adamw(params.values(), cfg0, matrix_dim=3, foreach=True)  # a member's matrices
    gens = [torch.Generator().manual_seed(j.cfg.seed + 1) for j in members]
    states = [
        {"step": 0, "train_loss": [], "val_steps": [], "val_loss": [], "wall_s": 0.0}
        for _ in members
    ]
    _restore(members, params, opt, gens, states, cache_dir, device)

    def sync() -> None:  # the members' own modules take the stacked weights (for evaluation)
        with torch.no_grad():
            for e, m in enumerate(models):
                for n, p in m.named_parameters():
                    p.copy_(params[n][e])

    shared_val = len({(j.val.fingerprint(), j.cfg.eval_max_seqs) for j in members}) == 1

    def val_losses() -> list[float]:
        """Every member's validation loss (one stacked pass when they share the set)."""
        if shared_val:
            j = members[0]
            return stacked_eval(params, gcfg, j.val, j.cfg.eval_max_seqs, device)
        sync()
        return [
            evaluate(m, j.val, j.cfg.eval_max_seqs, device=device)["loss"]
            for m, j in zip(models, members)
        ]

    if any(st["step"] == 0 and not st["val_steps"] for st in states):
        for st, v in zip(states, val_losses()):
            st["val_steps"].append(0)
            st["val_loss"].append(v)
    step0 = states[0]["step"]
    if any(st["step"] != step0 for st in states):
        raise ValueError("members of one stack must start at the same step")
    label = f"stack of {len(members)}: " + (members[0].label or hashes[0][:8])
    bar = Progress(cfg0.steps, label, progress, initial=step0)
    ns = [len(j.train) for j in members]
    t_seg = time.perf_counter()
    for step in range(step0, cfg0.steps):
        idx = [torch.randint(n, (cfg0.batch_size,), generator=g) for n, g in zip(ns, gens)]
        y = torch.stack([j.train.y[i] for j, i in zip(members, idx)])  # (E, B, T_max)
        T = _used_length(y.reshape(-1, y.shape[-1]))  # the stack's longest sequence
        x = torch.stack([j.train.x[i, :T] for j, i in zip(members, idx)]).to(device)
        y = y[:, :, :T].to(device)
        for g in opt.param_groups:
            g["lr"] = cfg0.lr_at(step)
        losses = stacked_token_losses(params, gcfg, x, y)  # (E, B, T)
        counted = (y != IGNORE_INDEX).sum(dim=(1, 2))  # (E,)
        per = losses.sum(dim=(1, 2)) / counted  # (E,) each member's mean loss
        opt.zero_grad(set_to_none=True)
        per.sum().backward()
        if cfg0.grad_clip:
            _clip_(params, cfg0.grad_clip)
        opt.step()
        vals = per.tolist()
        evaluate_now = (step + 1) % cfg0.eval_every == 0 or step + 1 == cfg0.steps
        v = val_losses() if evaluate_now else None
        for e, st in enumerate(states):
            st["train_loss"].append(vals[e])
            st["step"] = step + 1
            if evaluate_now:
                st["val_steps"].append(step + 1)
                st["val_loss"].append(v[e])
        bar.update(1, loss=f"{sum(vals) / len(vals):.3f}")
    bar.close()
    wall = time.perf_counter() - t_seg
    sync()
    out = []
    for e, (j, h, st, m) in enumerate(zip(members, hashes, states, models)):
        st["wall_s"] += wall / len(members)
        res = result_record(h, j.label, j.cfg, m, j.train, j.val, st, device)
        res["stacked"] = len(members)
        res["total_wall_s"] = (time.perf_counter() - t0) / len(members)
        if cache_dir is not None:
            if j.keep_final:
                _keep(Path(cache_dir) / f"{h}.final.pt", e, j, params, opt, gens[e], st)
            save_result(cache_dir, res)
        out.append(res)
    return out


def _keep(path: Path, e: int, job, params, opt, gen, state) -> None:
    """Member e's finished state: its weights and AdamW moments (by parameter name), its
    batch generator and its curves."""
    path.parent.mkdir(parents=True, exist_ok=True)
    moments = {}
    for n, p in params.items():
        s = opt.state.get(p, {})
        moments[n] = {k: (v[e].clone() if v.dim() else v.clone()) for k, v in s.items()}
    blob = {
        "kind": "stacked-member",
        "params": {n: p[e].detach().clone() for n, p in params.items()},
        "moments": moments,
        "gen": gen.get_state(),
        "state": state,
        "config": asdict(job.cfg),
    }
    _atomic_write(path, lambda t: torch.save(blob, t))


def _restore(members, params, opt, gens, states, cache_dir, device) -> None:
    """Members that extend a kept stacked run start from its state; the others from step 0."""
    if cache_dir is None or not any(j.extends for j in members):
        return
    blobs = []
    for j in members:
        p = Path(cache_dir) / f"{j.extends}.final.pt" if j.extends else None
        if p is None or not p.is_file():
            raise ValueError(
                f"run {j.label or '?'} extends {j.extends}, whose kept state is not in the "
                f"cache {cache_dir}; a stack must extend all of its members or none"
            )
        blob = torch.load(p, map_location=device, weights_only=False)
        if blob.get("kind") != "stacked-member":
            raise ValueError(f"{p}: not the kept state of a stacked run")
        if not extension_of(j.cfg, TrainConfig(**blob["config"])):
            raise ValueError(
                f"run {j.label or '?'} cannot extend {j.extends}: the configs differ in more "
                "than the number of steps, or the schedule is not constant"
            )
        blobs.append(blob)
    with torch.no_grad():
        for n, p in params.items():
            p.copy_(torch.stack([b["params"][n] for b in blobs]))
    for n, p in params.items():
        keys = blobs[0]["moments"][n].keys()
        if keys:
            opt.state[p] = {
                k: (
                    torch.stack([b["moments"][n][k] for b in blobs])
                    if blobs[0]["moments"][n][k].dim()
                    else blobs[0]["moments"][n][k].clone()
                )
                for k in keys
            }
    for e, (g, b, j) in enumerate(zip(gens, blobs, members)):
        g.set_state(b["gen"])
        states[e] = continued_curves(b["state"], j.cfg)
