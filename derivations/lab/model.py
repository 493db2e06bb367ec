"""A tiny decoder-only Transformer (nanoGPT-like) for the lab experiments.

Legend (code name → the paper's symbol, arXiv:2405.08707v2):

==============  ==========================================================================
``d_emb``       d_emb, the embedding width
``n_layer``     l, the number of layers
``block_size``  T_max, the longest sequence the model sees
``n_params``    ``"attn_ff"`` is the paper's N (attention + feed-forward weights, Eq. 2 and
                App. E); ``"non_embedding"`` adds the LayerNorms; ``"all"`` everything
==============  ==========================================================================

Pre-LayerNorm blocks, GELU MLP of width ``d_ff`` (4·d_emb by default), causal scaled
dot-product attention, learned positions, output head tied to the token embedding.
Targets equal to ``IGNORE_INDEX`` are left out of the loss (padding, or masked positions).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

IGNORE_INDEX = -100


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int
    block_size: int
    n_layer: int = 2
    n_head: int = 4
    d_emb: int = 64
    d_ff: int | None = None  # None → 4 · d_emb
    dropout: float = 0.0
    bias: bool = True

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "d_emb"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be ≥ 1, got {getattr(self, name)}")
        if self.d_emb % self.n_head:
            raise ValueError(f"d_emb={self.d_emb} is not divisible by n_head={self.n_head}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout}")

    @property
    def ff_width(self) -> int:
        return self.d_ff if self.d_ff is not None else 4 * self.d_emb

    def to_dict(self) -> dict:
        return asdict(self)


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.d_emb, 3 * cfg.d_emb, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_emb, cfg.d_emb, bias=cfg.bias)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape  # (B, T, C)
        q, k, v = self.qkv(x).split(C, dim=2)  # 3 × (B, T, C)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(  # (B, H, T, C/H)
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_emb, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_emb, bias=cfg.bias)
        self.ff = nn.Sequential(
            nn.Linear(cfg.d_emb, cfg.ff_width, bias=cfg.bias),
            nn.GELU(),
            nn.Linear(cfg.ff_width, cfg.d_emb, bias=cfg.bias),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, C) → (B, T, C)
        x = x + self.attn(self.ln1(x))
        return x + self.ff(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_emb)
        self.wpe = nn.Embedding(cfg.block_size, cfg.d_emb)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_emb, bias=cfg.bias)
        self.head = nn.Linear(cfg.d_emb, cfg.vocab_size, bias=False)
        self.head.weight = self.wte.weight  # weight tying
        self.apply(self._init)
        for name, p in self.named_parameters():  # GPT-2's scaled init of residual projections
            if name.endswith("proj.weight") or name.endswith("ff.2.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def hidden(self, idx: torch.Tensor) -> torch.Tensor:
        """The final hidden states (B, T, C) for token ids ``idx`` (B, T), before ``ln_f``."""
        B, T = idx.shape
        if T > self.cfg.block_size:
            raise ValueError(f"sequence length {T} exceeds block_size {self.cfg.block_size}")
        pos = torch.arange(T, device=idx.device)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, C)
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        return x

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, V) for token ids ``idx`` (B, T)."""
        return self.head(self.ln_f(self.hidden(idx)))  # (B, T, V)

    def token_losses(self, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Per-position cross-entropy in nats (B, T); 0 where ``targets == IGNORE_INDEX``.
        The output head runs on the counted positions only (the same per-token losses as
        ``forward``, without the logits nobody reads: a fact's key tokens, padding)."""
        counted = targets != IGNORE_INDEX  # (B, T)
        h = self.ln_f(self.hidden(idx)[counted])  # (n, C)
        out = torch.zeros(targets.shape, dtype=h.dtype, device=h.device)  # (B, T)
        out[counted] = F.cross_entropy(self.head(h), targets[counted], reduction="none")
        return out

    def n_params(self, kind: str = "attn_ff") -> int:
        """Parameter count: ``attn_ff`` (the paper's N), ``non_embedding`` or ``all``."""
        if kind not in ("attn_ff", "non_embedding", "all"):
            raise ValueError(f"kind must be attn_ff, non_embedding or all, got {kind!r}")
        if kind == "all":  # tied head counted once
            return sum(p.numel() for p in self.parameters())
        total = 0
        for block in self.blocks:
            mods = [block.attn, block.ff]
            if kind == "non_embedding":
                mods += [block.ln1, block.ln2]
            total += sum(p.numel() for m in mods for p in m.parameters())
        if kind == "non_embedding":
            total += sum(p.numel() for p in self.ln_f.parameters())
        return total
