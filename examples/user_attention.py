"""Example user code for ``beyond-scaling check`` / :mod:`derivations.testing`.

Energies and attention updates written the way people write them: some correct, some with a
classic bug on purpose. Each line below is a command that passes or is caught (``check`` is
``beyond-scaling check``, or ``python -m derivations.testing``):

Correct (pass)::

    check examples/user_attention.py:distance_energy --kind distance-energy
    check examples/user_attention.py:mchn_energy     --kind mchn-energy
    check examples/user_attention.py:hopfield_energy --kind mchn-energy --convention no-constants
    check examples/user_attention.py:global_energy   --kind global-energy
    check examples/user_attention.py:cccp_step       --kind cccp-step
    check examples/user_attention.py:mchn_step       --kind mchn-step
    check torch.nn.functional:scaled_dot_product_attention --kind cccp-step --convention sdpa
    check examples/user_attention.py:retrieval_mha   --kind cccp-step --convention mha --n 4

Broken (caught, with a reproduction)::

    check examples/user_attention.py:mchn_energy_missing_half  --kind mchn-energy
    check examples/user_attention.py:mchn_step_beta_twice      --kind mchn-step
    check examples/user_attention.py:distance_energy_no_shift  --kind distance-energy
    check examples/user_attention.py:attention_keys_values_swapped --kind cccp-step \\
        --convention sdpa
    check examples/user_attention.py:distance_energy_log_mean_exp --kind distance-energy
    check examples/user_attention.py:energy_loss_mean --kind distance-energy \\
        --convention sum-over-queries

Shapes: patterns (d, n) as rows, queries x (B, n) (the ``paper`` convention).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

# ------------------------------------------------------------------------------ correct


def distance_energy(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """E(x) = −log Σᵢ exp(−‖x − ρⁱ‖²) (Eq. 4): (d, n), (B, n) -> (B,)."""
    d2 = torch.cdist(x, patterns) ** 2  # (B, d)
    return -torch.logsumexp(-d2, dim=-1)


def mchn_energy(patterns: torch.Tensor, x: torch.Tensor, beta: float) -> torch.Tensor:
    """E^MCHN_β(x) = −β⁻¹ lse(β Mᵀx) + ½xᵀx + β⁻¹ log d + ½ maxᵢ‖ρⁱ‖² -> (B,)."""
    d = patterns.shape[0]
    lse = torch.logsumexp(beta * (x @ patterns.T), dim=-1) / beta  # (B,)
    return -lse + 0.5 * (x * x).sum(-1) + math.log(d) / beta + 0.5 * (patterns**2).sum(-1).max()


def hopfield_energy(patterns: torch.Tensor, x: torch.Tensor, beta: float) -> torch.Tensor:
    """The energy most Hopfield code writes: no constants (convention ``no-constants``)."""
    return -torch.logsumexp(beta * (x @ patterns.T), dim=-1) / beta + 0.5 * (x * x).sum(-1)


def global_energy(layers: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """E_global = −LSE(−E_1, …, −E_l) (Eq. 7), E_t the Eq. (4) energy of layer t -> (B,)."""
    e = torch.stack([distance_energy(p, x) for p in layers], dim=-1)  # (B, l)
    return -torch.logsumexp(-e, dim=-1)


def cccp_step(patterns: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """x⁺ = M softmax(2Mᵀx − ‖ρ‖²): (d, n), (B, n) -> (B, n)."""
    scores = 2.0 * x @ patterns.T - (patterns * patterns).sum(-1)  # (B, d)
    return torch.softmax(scores, dim=-1) @ patterns


def mchn_step(patterns: torch.Tensor, x: torch.Tensor, beta: float) -> torch.Tensor:
    """x⁺ = M softmax(β Mᵀx) (Ramsauer et al.): -> (B, n)."""
    return torch.softmax(beta * (x @ patterns.T), dim=-1) @ patterns


def make_retrieval_mha(n: int, dtype: torch.dtype = torch.float64) -> torch.nn.Module:
    """``nn.MultiheadAttention(n, 1)`` as pure retrieval: identity projections, zero biases.

    It scales scores by 1/√n itself, so check it with ``--convention mha`` (the checker
    feeds the query pre-scaled by 2√n, or β√n) and ``--n`` equal to its width.
    """
    mha = torch.nn.MultiheadAttention(n, num_heads=1, bias=True, dtype=dtype)
    eye = torch.eye(n, dtype=dtype)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([eye, eye, eye]))
        mha.in_proj_bias.zero_()
        mha.out_proj.weight.copy_(eye)
        mha.out_proj.bias.zero_()
    return mha.eval()


retrieval_mha = make_retrieval_mha(4)

# ------------------------------------------------------------------- broken on purpose


def mchn_energy_missing_half(patterns, x, beta):
    """BUG: xᵀx where the energy has ½xᵀx."""
    d = patterns.shape[0]
    lse = torch.logsumexp(beta * (x @ patterns.T), dim=-1) / beta
    return -lse + (x * x).sum(-1) + math.log(d) / beta + 0.5 * (patterns**2).sum(-1).max()


def mchn_step_beta_twice(patterns, x, beta):
    """BUG: β applied twice (once when forming the scores, once more in the softmax)."""
    scores = beta * (x @ patterns.T)
    return torch.softmax(beta * scores, dim=-1) @ patterns


def distance_energy_no_shift(patterns, x):
    """BUG: log Σ exp without the max-shift: underflows to log 0 at large distances."""
    d2 = torch.cdist(x, patterns) ** 2
    return -torch.log(torch.exp(-d2).sum(-1))


def attention_keys_values_swapped(query, key, value, attn_mask=None, scale=None):
    """BUG: an attention (SDPA signature) that scores against the values and returns keys."""
    s = (query @ value.transpose(-2, -1)) * (scale if scale is not None else 1.0)
    if attn_mask is not None:
        s = s + attn_mask
    return torch.softmax(s, dim=-1) @ key


def distance_energy_log_mean_exp(patterns, x):
    """BUG: a mean where the spec sums: −log meanᵢ exp(−‖x − ρⁱ‖²) = E + log d."""
    d2 = torch.cdist(x, patterns) ** 2
    return -(torch.logsumexp(-d2, dim=-1) - math.log(patterns.shape[0]))


def energy_loss_mean(patterns, x):
    """BUG under ``sum-over-queries``: the loss averages the per-query energies."""
    return distance_energy(patterns, x).mean()


def sdpa(query, key, value, attn_mask=None, scale=None):
    """``F.scaled_dot_product_attention`` itself (convention ``sdpa``)."""
    return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, scale=scale)
