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
    check examples/user_attention.py:ramsauer_update --kind mchn-step --convention ramsauer
    check examples/user_attention.py:ramsauer_energy --kind mchn-energy --convention ramsauer
    check examples/user_attention.py:ramsauer_update_states --kind mchn-step \\
        --convention ramsauer-batch
    check examples/user_attention.py:hopfield_retrieval --kind mchn-step --convention hflayers \\
        --n 4
    check examples/user_attention.py:hflayers_update --kind mchn-step --convention hflayers-fn

Broken (caught, with a reproduction)::

    check examples/user_attention.py:mchn_energy_missing_half  --kind mchn-energy
    check examples/user_attention.py:mchn_step_beta_twice      --kind mchn-step
    check examples/user_attention.py:distance_energy_no_shift  --kind distance-energy
    check examples/user_attention.py:attention_keys_values_swapped --kind cccp-step \\
        --convention sdpa
    check examples/user_attention.py:distance_energy_log_mean_exp --kind distance-energy
    check examples/user_attention.py:energy_loss_mean --kind distance-energy \\
        --convention sum-over-queries
    check examples/user_attention.py:ramsauer_update_beta_outside --kind mchn-step \\
        --convention ramsauer
    check examples/user_attention.py:ramsauer_energy_missing_half --kind mchn-energy \\
        --convention ramsauer
    check examples/user_attention.py:hflayers_update_scaling_twice --kind mchn-step \\
        --convention hflayers-fn

Shapes: patterns (d, n) as rows, queries x (B, n) (the ``paper`` convention). The Ramsauer
et al. 2020 functions use their layout: X = (x_1,…,x_N) as columns (n, d), one state ξ (n,)
or the states Ξ as columns (n, B); the hflayers-style ones use rows (K = Xᵀ) and ``scaling``.
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


# Ramsauer et al. 2020 ("Hopfield Networks is All You Need"), in their notation: patterns as
# the columns of X ∈ ℝ^{n×N}, a state ξ ∈ ℝⁿ, the update Eq. 3 and the energy Eq. 2.


def ramsauer_update(X: torch.Tensor, xi: torch.Tensor, beta: float) -> torch.Tensor:
    """ξ_new = X softmax(β Xᵀξ) (Eq. 3): X (n, N), ξ (n,) -> (n,)."""
    return X @ torch.softmax(beta * (X.T @ xi), dim=0)


def ramsauer_energy(X: torch.Tensor, xi: torch.Tensor, beta: float) -> torch.Tensor:
    """E = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M², M = maxᵢ‖x_i‖ (Eq. 2) -> a scalar."""
    lse = torch.logsumexp(beta * (X.T @ xi), dim=0) / beta
    M2 = (X * X).sum(0).max()
    return -lse + 0.5 * xi @ xi + math.log(X.shape[1]) / beta + 0.5 * M2


def ramsauer_update_states(X: torch.Tensor, Xi: torch.Tensor, beta: float) -> torch.Tensor:
    """Eq. 3 for all states at once: Ξ_new = X softmax(β XᵀΞ), Ξ (n, B) -> (n, B)."""
    return X @ torch.softmax(beta * (X.T @ Xi), dim=0)


def hflayers_update(query, key, value, scaling: float):
    """The update as ml-jku/hopfield-layers computes it, one head, no projections: rows
    (K = Xᵀ), the query multiplied by ``scaling`` (β) before q kᵀ, softmax over the last
    axis, one softmax: query (B, n), key = value (d, n) -> (B, n)."""
    q = query * scaling
    return torch.softmax(q @ key.T, dim=-1) @ value


class HopfieldRetrieval(torch.nn.Module):
    """The call of an ``hflayers.Hopfield`` layer configured as pure retrieval (identity
    projections, no normalisation, one update step), written here without the package:
    ``layer((stored (batch, d, n), state (batch, B, n), projection (batch, d, n)))``,
    batch first; ``scaling`` defaults to 1/√head_dim with head_dim = n, as in hflayers.
    Check it with ``--convention hflayers --n 4`` (or ``hflayers,beta=fixed --beta β`` for
    a layer built with ``scaling=β``)."""

    def __init__(self, n: int, scaling: float | None = None):
        super().__init__()
        self.scaling = 1.0 / math.sqrt(n) if scaling is None else scaling

    def forward(self, input, association_mask=None):
        stored, state, projection = input
        scores = (state * self.scaling) @ stored.transpose(-2, -1)
        if association_mask is not None:
            scores = scores + association_mask
        return torch.softmax(scores, dim=-1) @ projection


hopfield_retrieval = HopfieldRetrieval(4)

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


def ramsauer_update_beta_outside(X, xi, beta):
    """BUG: β multiplies the result instead of the scores: β·X softmax(Xᵀξ)."""
    return beta * (X @ torch.softmax(X.T @ xi, dim=0))


def ramsauer_energy_missing_half(X, xi, beta):
    """BUG: ξᵀξ where Eq. 2 has ½ξᵀξ."""
    lse = torch.logsumexp(beta * (X.T @ xi), dim=0) / beta
    return -lse + xi @ xi + math.log(X.shape[1]) / beta + 0.5 * (X * X).sum(0).max()


def hflayers_update_scaling_twice(query, key, value, scaling):
    """BUG: ``scaling`` applied to the query and again to the scores (β² in the softmax)."""
    return torch.softmax(scaling * ((query * scaling) @ key.T), dim=-1) @ value


def sdpa(query, key, value, attn_mask=None, scale=None):
    """``F.scaled_dot_product_attention`` itself (convention ``sdpa``)."""
    return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, scale=scale)
