"""Random key → value facts: the size law's control, a task whose content is known exactly.

A seed fixes one value per key and one order of keys. Each fact is the sequence
``a b v₁ … v_k``; only the value tokens count in the loss, so a fact carries exactly
``k · log(n_values)`` nats that no model can predict without having memorised it: the
validation loss stays at the uniform guess log(n_values), and what a model stores is read off
its training loss (:func:`stored_nats`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from derivations.lab.data import EOS, PAD, SOS, LMData
from derivations.lab.model import IGNORE_INDEX


@dataclass(frozen=True)
class FactsSpec:
    """Random key → value facts. Keys are pairs (a, b) of ``n_keys_a × n_keys_b`` symbols;
    each value is ``value_len`` symbols out of ``n_values``. A seed fixes one value per key
    and one order of keys: validation takes the first ``n_val`` keys, training the next
    ``n_facts`` (so a smaller training set is a prefix of a larger one)."""

    n_facts: int
    n_val: int = 512
    seed: int = 0
    n_keys_a: int = 128
    n_keys_b: int = 128
    n_values: int = 16
    value_len: int = 2

    def __post_init__(self):
        if self.n_facts < 1 or self.n_val < 1:
            raise ValueError("n_facts and n_val must be ≥ 1")
        if self.n_facts + self.n_val > self.n_keys_a * self.n_keys_b:
            raise ValueError(
                f"{self.n_facts} + {self.n_val} facts exceed the "
                f"{self.n_keys_a * self.n_keys_b} keys"
            )

    @property
    def nats_per_fact(self) -> float:
        return self.value_len * float(np.log(self.n_values))

    @property
    def tokens_per_fact(self) -> int:
        """Counted (value) tokens per fact."""
        return self.value_len


def make_facts(spec: FactsSpec) -> tuple[LMData, LMData]:
    """Train and validation sequences ``a b v₁ … v_k``: inputs ``a b v₁ … v_{k−1}``, targets
    the values only (the first value is predicted at ``b``, where the whole key is seen)."""
    vocab = (
        PAD,
        *(f"a{i}" for i in range(spec.n_keys_a)),
        *(f"b{i}" for i in range(spec.n_keys_b)),
        *(f"v{i}" for i in range(spec.n_values)),
        EOS,
        SOS,
    )
    ids = {w: i for i, w in enumerate(vocab)}
    rng = np.random.default_rng(spec.seed)
    n_keys = spec.n_keys_a * spec.n_keys_b
    values = rng.integers(0, spec.n_values, size=(n_keys, spec.value_len))  # one per key
    order = rng.permutation(n_keys)

    def build(keys: np.ndarray, name: str) -> LMData:
        a, b = keys // spec.n_keys_b, keys % spec.n_keys_b
        seq = np.concatenate(
            [(a + ids["a0"])[:, None], (b + ids["b0"])[:, None], values[keys] + ids["v0"]],
            axis=1,
        )  # (n, k + 2)
        x = torch.from_numpy(seq[:, :-1].copy())  # (n, k + 1)
        y = torch.full_like(x, IGNORE_INDEX)
        y[:, 1:] = torch.from_numpy(seq[:, 2:].copy())  # the values only
        seg = torch.full_like(x, -1)
        seg[:, 1:] = 0
        return LMData(name, x, y, seg, vocab, ("value",))

    val = build(order[: spec.n_val], "facts-val")
    train = build(order[spec.n_val : spec.n_val + spec.n_facts], f"facts-{spec.n_facts}")
    return train, val


def stored_nats(spec: FactsSpec, n_facts: int, train_loss: float) -> float:
    """Nats a model has memorised about ``n_facts`` training facts whose mean loss per value
    token is ``train_loss``: n_facts · k · (log n_values − train_loss), at least 0."""
    return max(0.0, n_facts * spec.value_len * (math.log(spec.n_values) - train_loss))
