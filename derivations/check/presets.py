"""Named conventions (presets) and the spec strings that select and adjust them.

A spec string names a preset and overrides fields: ``"paper,reduction=sum,sign=-1"``
(:func:`get_convention`). :func:`convention_table` lists the presets (``beyond-scaling check
--list-conventions``).

Ramsauer et al. 2020 (``../shared/papers/RAMSAUER2020.md`` §1, §3 items 5–9) write the
patterns as the **columns** of X = (x_1,…,x_N) ∈ ℝ^{d×N} (their d is our n, their N our d), the
state ξ, the update ξ_new = X softmax(β Xᵀξ) (Eq. 3) and the energy
E = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M², M = maxᵢ‖x_i‖ (Eq. 2) — the same objects as this
package's E^MCHN_β and MCHN update. Presets ``ramsauer`` (one ξ per call) and
``ramsauer-batch`` (Ξ = (ξ_1,…,ξ_B) as columns) call a function in that layout.
ml-jku/hopfield-layers (``hflayers``) stores patterns as **rows** (K = Xᵀ), multiplies the
projected query by ``scaling`` before q kᵀ (β; default 1/√head_dim), takes the softmax over
the last axis, and by default makes one update (one softmax). Presets ``hflayers`` (a
``Hopfield`` module configured as pure retrieval, called on (stored, state, projection)) and
``hflayers-fn`` (a function ``fn(query, key, value, scaling=β)``) call code in that layout.
"""

from __future__ import annotations

import dataclasses

from derivations.check.conventions import Convention

__all__ = ["PRESETS", "PRESET_NOTES", "get_convention", "convention_table"]

PRESETS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention("paper"),
        Convention("paper-M", patterns="columns"),
        Convention("ramsauer", patterns="columns", queries="single"),
        Convention("ramsauer-batch", patterns="columns", queries="columns"),
        Convention("hflayers", signature="hopfield", beta="inv_sqrt_dk"),
        Convention(
            "hflayers-fn", signature="attention", attention_layout="unbatched", beta="scaling"
        ),
        Convention("no-constants", constants=False),
        Convention("beta-scaled", beta_scaled=True, constants=False),
        Convention("half-distance", half_distance=True),
        Convention("x-first", signature="x_patterns"),
        Convention("sum-over-queries", reduction="sum"),
        Convention("mean-over-queries", reduction="mean"),
        Convention("sdpa", signature="attention", beta="scale"),
        Convention(
            "mha",
            signature="attention",
            beta="inv_sqrt_dk",
            attention_layout="seq_first",
            output_index=0,
        ),
    )
}

PRESET_NOTES = {
    "paper": "this package: fn(patterns (d, n), x (B, n)[, beta=β]) -> (B,) / (B, n); "
    "E exactly as printed",
    "paper-M": "as paper, patterns as the columns of the paper's M, shape (n, d)",
    "ramsauer": "Ramsauer et al. 2020 Eqs. 2-3: X = (x_1,…,x_N) columns (n, d), one state "
    "ξ (n,) per call: fn(X, ξ, beta=β) -> ξ_new (n,) or E (full Eq. 2)",
    "ramsauer-batch": "as ramsauer, all states at once as the columns of Ξ (n, B): "
    "fn(X, Ξ, beta=β) -> X softmax(β XᵀΞ) (n, B) or E (B,)",
    "hflayers": "ml-jku/hopfield-layers Hopfield module as pure retrieval (identity "
    "projections, no normalisation, one update): fn((stored (1, d, n), state (1, B, n), "
    "projection (1, d, n))) -> (1, B, n); default scaling 1/√head_dim, so the state is "
    "pre-scaled by β√n (module built with scaling=β: add ',beta=fixed' and give --beta)",
    "hflayers-fn": "a function in hflayers' layout: rows (K = Xᵀ), q·scaling before q kᵀ, "
    "softmax over the last axis: fn(query (B, n), key (d, n), value (d, n), scaling=β) "
    "-> (B, n)",
    "no-constants": "E^MCHN without β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²: −lse(β, Mᵀx) + ½xᵀx",
    "beta-scaled": "β outside the LSE: −log Σ exp(β ρᵢᵀx) + β‖x‖²/2 (= β·E, no constants)",
    "half-distance": "Eq. (4) with ½‖x − ρ‖²; its step x⁺ = M softmax(Mᵀx − ½‖ρ‖²)",
    "x-first": "fn(x, patterns[, beta=β])",
    "sum-over-queries": "a scalar loss: Σ over the B queries (tokens) of E",
    "mean-over-queries": "a scalar loss: mean over the B queries (tokens) of E",
    "sdpa": "torch.nn.functional.scaled_dot_product_attention: query (1, B, n), key = value "
    "= patterns (1, d, n), attn_mask = −‖ρ‖² (Eq. 4 step), scale = 2 or β",
    "mha": "nn.MultiheadAttention(n, 1) as pure retrieval (identity projections, zero "
    "biases, batch_first=False): scores scaled by 1/√n inside, so the query is "
    "pre-scaled by 2√n or β√n; returns (out, weights)",
}

_BOOL_FIELDS = ("beta_scaled", "constants", "half_distance")


def get_convention(spec=None, **overrides) -> Convention:
    """A :class:`Convention` from a preset name, a spec string or a Convention.

    ``"paper,reduction=sum,sign=-1"`` takes the ``paper`` preset and overrides two fields;
    keyword ``overrides`` do the same. ``None`` means ``"paper"``.
    """
    if isinstance(spec, Convention):
        conv = spec
    elif spec is None or isinstance(spec, str):
        text = "paper" if spec is None else spec.strip()
        head, *items = [t.strip() for t in text.split(",") if t.strip()] or ["paper"]
        if head not in PRESETS:
            raise ValueError(f"unknown convention {head!r}; presets: {', '.join(PRESETS)}")
        conv = PRESETS[head]
        fields = {}
        for item in items:
            if "=" not in item:
                raise ValueError(f"convention override {item!r} must look like field=value")
            k, v = (t.strip() for t in item.split("=", 1))
            fields[k] = v
        conv = _with_fields(conv, fields)
    else:
        raise ValueError(
            f"convention must be a preset name, a spec string or a Convention; "
            f"got {type(spec).__name__}"
        )
    return _with_fields(conv, overrides) if overrides else conv


def _with_fields(conv: Convention, fields: dict) -> Convention:
    known = {f.name for f in dataclasses.fields(Convention)}
    out = {}
    for k, v in fields.items():
        if k not in known or k == "name":
            raise ValueError(
                f"unknown convention field {k!r}; fields: "
                f"{', '.join(n for n in known if n != 'name')}"
            )
        out[k] = _parse_field(k, v) if isinstance(v, str) else v
    return dataclasses.replace(conv, **out)


def _parse_field(k: str, v: str):
    if k in _BOOL_FIELDS:
        if v.lower() in ("true", "1", "yes"):
            return True
        if v.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"convention field {k} must be true or false; got {v!r}")
    if k == "sign":
        try:
            return int(v)
        except ValueError:
            raise ValueError(f"convention field sign must be 1 or -1; got {v!r}") from None
    if k == "output_index":
        if v.lower() == "none":
            return None
        try:
            return int(v)
        except ValueError:
            raise ValueError(f"output_index must be an int or none; got {v!r}") from None
    return v


def convention_table() -> str:
    """The presets as a plain-text table: name, fields that differ from ``paper``, meaning."""
    base = PRESETS["paper"]
    rows = [("preset", "differs from paper", "meaning")]
    for name, c in PRESETS.items():
        diffs = (
            ", ".join(
                f"{f.name}={getattr(c, f.name)}"
                for f in dataclasses.fields(c)
                if f.name != "name" and getattr(c, f.name) != getattr(base, f.name)
            )
            or "-"
        )
        rows.append((name, diffs, PRESET_NOTES.get(name, "")))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{r[0].ljust(w0)}  {r[1].ljust(w1)}  {r[2]}" for r in rows)
