"""Conventions: how someone else's energy or attention code is called, and how its output is
converted to the paper's convention before it is compared with the specification.

The specification (:mod:`theory.energies`, arXiv:2405.08707v2 Sec. 2 and 4) is written once:

* E(x) = −LSE(−‖x − ρ¹‖², …, −‖x − ρ^d‖²)                                  (Eq. 4)
* E^MCHN_β(x) = −β⁻¹ LSE(β Mᵀx) + ½ xᵀx + β⁻¹ log d + ½ maxᵢ ‖ρⁱ‖²        (Ramsauer et al.)
* E_global(x) = −LSE(−E_1(x), …, −E_l(x))                                   (Eq. 7)
* CCCP step of Eq. (4): x⁺ = M softmax(2Mᵀx − ‖ρ‖²); of E^MCHN_β: x⁺ = M softmax(β Mᵀx)

one energy value per query. Code in the wild writes the same objects differently. A
:class:`Convention` names each choice; the checker calls the function in that convention
(:meth:`Convention.call`) and converts its output back (:meth:`Convention.to_paper`).

======================  =========================  =========================================
field                   values (first = paper)     meaning
======================  =========================  =========================================
``signature``           ``patterns_x``             ``fn(patterns, x)``
                        ``x_patterns``             ``fn(x, patterns)``
                        ``attention``              ``fn(query, key, value, attn_mask=…)``
                                                   (steps only; key = value = patterns)
``patterns``            ``rows``                   patterns as rows, shape (d, n)
                        ``columns``                the paper's M = (ρ¹,…,ρ^d), shape (n, d)
``queries``             ``batch``                  x of shape (B, n), output (B,) / (B, n)
                        ``single``                 one call per query x of shape (n,)
``beta``                ``keyword``                β passed as ``beta=β``
                        ``positional``             β passed as the last positional argument
                        ``fixed``                  the function has its own β (say which:
                                                   ``beta=`` of the checker)
                        ``scale``                  attention: β passed as ``scale=β``
                        ``inv_sqrt_dk``            the function multiplies scores by 1/√n
                                                   itself (common attention code); the
                                                   checker pre-scales the query by β√n
``attention_layout``    ``batch_first``            attention tensors (1, B, n) / (1, d, n)
                        ``seq_first``              attention tensors (B, 1, n) / (d, 1, n)
``output_index``        ``None``                   the output itself; an int i: ``out[i]``
                                                   (``nn.MultiheadAttention`` returns a pair)
``sign``                ``1``                      returns E; ``-1``: returns −E (a score)
``beta_scaled``         ``False``                  ``True``: returns β·E, i.e. β outside
                                                   the LSE: −log Σ exp(β ρᵢᵀx) + β(½xᵀx…)
``constants``           ``True``                   E^MCHN includes β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²;
                                                   ``False``: drops them (most code does)
``half_distance``       ``False``                  ``True``: Eq. (4) with ½‖x − ρ‖² (the
                                                   Gaussian-kernel form); the checker feeds
                                                   √2·ρ, √2·x (and divides a step by √2)
``reduction``           ``none``                   one energy per query, shape (B,)
                        ``sum`` / ``mean``         a scalar: sum / mean over the B queries
======================  =========================  =========================================

``sign``, ``beta_scaled``, ``constants`` and ``reduction`` concern energies; ``beta_scaled``
and ``constants`` only the β-carrying E^MCHN (Eq. 4 and Eq. 7 have no β and no constants).
``to_paper`` works in float64, so the conversion adds no rounding of its own.

Presets (:data:`PRESETS`, listed by :func:`convention_table`): ``paper``, ``paper-M``,
``ramsauer``, ``no-constants``, ``beta-scaled``, ``half-distance``, ``x-first``,
``sum-over-queries``, ``mean-over-queries``, ``sdpa``, ``mha``. A spec string names a preset
and overrides fields: ``"paper,reduction=sum,sign=-1"`` (see :func:`get_convention`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

__all__ = [
    "QUANTITIES",
    "Convention",
    "OutputError",
    "PRESETS",
    "get_convention",
    "convention_table",
]

#: What a user's function computes (the checker's kinds map onto these).
QUANTITIES = ("distance-energy", "mchn-energy", "global-energy", "cccp-step", "mchn-step")
_ENERGIES = ("distance-energy", "mchn-energy", "global-energy")
_STEPS = ("cccp-step", "mchn-step")

_CHOICES = {
    "signature": ("patterns_x", "x_patterns", "attention"),
    "patterns": ("rows", "columns"),
    "queries": ("batch", "single"),
    "beta": ("keyword", "positional", "fixed", "scale", "inv_sqrt_dk"),
    "attention_layout": ("batch_first", "seq_first"),
    "reduction": ("none", "sum", "mean"),
}
_SQRT2_SRC = "2 ** 0.5"
_SQRT2 = 2**0.5


class OutputError(ValueError):
    """The function returned something the convention does not allow (type, shape, dtype)."""


@dataclass(frozen=True)
class Convention:
    """How a function is called and what it returns (field table in the module docstring)."""

    name: str = "custom"
    signature: str = "patterns_x"
    patterns: str = "rows"
    queries: str = "batch"
    beta: str = "keyword"
    attention_layout: str = "batch_first"
    output_index: int | None = None
    sign: int = 1
    beta_scaled: bool = False
    constants: bool = True
    half_distance: bool = False
    reduction: str = "none"

    def __post_init__(self):
        for f, allowed in _CHOICES.items():
            if getattr(self, f) not in allowed:
                raise ValueError(
                    f"convention field {f}={getattr(self, f)!r} is not one of {allowed}"
                )
        if self.sign not in (1, -1):
            raise ValueError(f"convention field sign must be 1 or -1; got {self.sign!r}")
        if self.queries == "single" and self.reduction != "none":
            raise ValueError("queries='single' (one call per query) cannot reduce over queries")
        if self.signature == "attention" and self.queries == "single":
            raise ValueError("the attention signature takes all queries at once (queries='batch')")
        if self.output_index is not None and not isinstance(self.output_index, int):
            raise ValueError(f"output_index must be None or an int; got {self.output_index!r}")

    # ------------------------------------------------------------------ naming

    def replace(self, **fields) -> Convention:
        """A copy with some fields changed (keeps the preset name for :meth:`spec`)."""
        return dataclasses.replace(self, **fields)

    def spec(self) -> str:
        """A string :func:`get_convention` turns back into this convention."""
        base = PRESETS.get(self.name, PRESETS["paper"])
        head = self.name if self.name in PRESETS else "paper"
        diffs = [
            f"{f.name}={getattr(self, f.name)}"
            for f in dataclasses.fields(self)
            if f.name != "name" and getattr(self, f.name) != getattr(base, f.name)
        ]
        return ",".join([head, *diffs])

    def signature_text(self, quantity: str) -> str:
        """The call the checker makes, in words, e.g. ``fn(patterns (d, n), x (B, n)) -> (B,)``."""
        self.check_applicable(quantity)
        if self.signature == "attention":
            q, k = (
                ("(1, B, n)", "(1, d, n)")
                if self.attention_layout == "batch_first"
                else ("(B, 1, n)", "(d, 1, n)")
            )
            kw = ", attn_mask (B, d)" if quantity == "cccp-step" else ""
            if self.beta == "scale":
                kw += ", scale=β"
            elif self.beta == "keyword":
                kw += ", beta=β"
            out = q if self.output_index is None else f"a tuple whose [{self.output_index}] is {q}"
            return f"fn(query {q}, key {k}, value {k}{kw}) -> {out}"
        pshape = "(d, n)" if self.patterns == "rows" else "(n, d)"
        pname = "layers [(d_t, n), …]" if quantity == "global-energy" else f"patterns {pshape}"
        if quantity == "global-energy" and self.patterns == "columns":
            pname = "layers [(n, d_t), …]"
        xname = "x (B, n)" if self.queries == "batch" else "x (n,)"
        args = [pname, xname] if self.signature == "patterns_x" else [xname, pname]
        if quantity.startswith("mchn"):
            if self.beta == "keyword":
                args.append("beta=β")
            elif self.beta == "positional":
                args.append("β")
        if quantity in _STEPS:
            out = "(B, n)" if self.queries == "batch" else "(n,)"
        elif self.reduction != "none":
            out = f"a scalar ({self.reduction} over the B queries)"
        else:
            out = "(B,)" if self.queries == "batch" else "a scalar"
        return f"fn({', '.join(args)}) -> {out}"

    def check_applicable(self, quantity: str) -> None:
        """``ValueError`` if this convention cannot express ``quantity``."""
        if quantity not in QUANTITIES:
            raise ValueError(f"unknown quantity {quantity!r}; expected one of {QUANTITIES}")
        what = f"convention {self.spec()!r}"
        if self.signature == "attention" and quantity not in _STEPS:
            raise ValueError(
                f"{what}: the attention signature only applies to the steps "
                f"{_STEPS}, not to {quantity!r}"
            )
        if quantity in _STEPS and self.reduction != "none":
            raise ValueError(
                f"{what}: an update returns one state per query; "
                f"reduction={self.reduction!r} does not apply to {quantity!r}"
            )
        if self.half_distance and quantity not in ("distance-energy", "global-energy", "cccp-step"):
            raise ValueError(f"{what}: half_distance concerns Eq. (4); not {quantity!r}")
        if self.half_distance and self.signature == "attention":
            raise ValueError(f"{what}: half_distance is not supported with attention")
        if self.beta == "positional" and self.signature == "attention":
            raise ValueError(f"{what}: pass β to an attention as 'scale' or 'keyword'")
        if self.beta == "scale" and self.signature != "attention":
            raise ValueError(f"{what}: beta='scale' is the attention keyword; use 'keyword'")
        if self.beta == "inv_sqrt_dk" and quantity not in _STEPS:
            raise ValueError(f"{what}: beta='inv_sqrt_dk' only applies to attention-like steps")
        if self.beta == "inv_sqrt_dk" and quantity == "cccp-step" and self.signature != "attention":
            raise ValueError(
                f"{what}: a 1/√d_k-scaled fn(patterns, x) has no place for the "
                "bias −‖ρ‖² of the Eq. (4) step; use the attention signature"
            )

    # ------------------------------------------------------------------ calling

    def call(
        self, fn, quantity: str, patterns=None, x=None, *, beta=None, layers=None, values=None
    ):
        """Call ``fn`` on the paper's inputs (patterns (d, n), x (B, n)) in this convention.

        Returns the raw output (a tuple when ``output_index`` is set). ``values`` replaces
        the value tensor of the attention signature (keys ≠ values). With ``queries='single'``
        the function is called once per query and the outputs are stacked.
        """
        self.check_applicable(quantity)
        if self.queries == "single":
            outs = []
            for xb in x:
                args, kwargs = self._plan(quantity, patterns, xb, "xb", beta, layers, values)
                out = fn(*[a for a, _ in args], **{k: v for k, (v, _) in kwargs.items()})
                outs.append(self._check_single(quantity, out, xb))
            return torch.stack(outs)
        args, kwargs = self._plan(quantity, patterns, x, "x", beta, layers, values)
        return fn(*[a for a, _ in args], **{k: v for k, (v, _) in kwargs.items()})

    def call_source(self, quantity: str, fn_name: str = "fn", *, values_given: bool = False) -> str:
        """The same call as Python source, over variables ``patterns``, ``x``, ``beta``,
        ``layers`` and ``values`` (used in reproduction snippets)."""
        self.check_applicable(quantity)
        dummy = torch.zeros(2, 2, dtype=torch.float64)
        beta = 1.0  # only its name ``beta`` appears in the source
        layers = [dummy] if quantity == "global-energy" else None
        values = dummy if values_given else None
        xname = "xb" if self.queries == "single" else "x"
        args, kwargs = self._plan(quantity, dummy, dummy, xname, beta, layers, values)
        inner = ", ".join([s for _, s in args] + [f"{k}={s}" for k, (_, s) in kwargs.items()])
        if self.queries == "single":
            pick = "" if self.output_index is None else f"[{self.output_index}]"
            return f"torch.stack([{fn_name}({inner}){pick} for xb in x])"
        return f"{fn_name}({inner})"

    def _plan(self, quantity, patterns, x, xsrc, beta, layers, values):
        """(args, kwargs) as (value, source) pairs, built side by side so they cannot differ."""
        args: list = []
        kwargs: dict = {}
        if self.signature == "attention":
            self._plan_attention(quantity, patterns, x, xsrc, beta, values, args, kwargs)
            return args, kwargs
        half = self.half_distance
        if quantity == "global-energy":
            if layers is None:
                raise ValueError("global-energy needs layers=[patterns of layer 1, …]")
            ps = [p * _SQRT2 if half else p for p in layers]
            psrc = f"[p * {_SQRT2_SRC} for p in layers]" if half else "layers"
            if self.patterns == "columns":
                ps = [p.T for p in ps]
                psrc = (
                    f"[(p * {_SQRT2_SRC}).T for p in layers]" if half else "[p.T for p in layers]"
                )
            p_arg = (ps, psrc)
        else:
            p = patterns * _SQRT2 if half else patterns
            psrc = f"(patterns * {_SQRT2_SRC})" if half else "patterns"
            if self.patterns == "columns":
                p, psrc = p.T, psrc + ".T"
            p_arg = (p, psrc)
        if half:
            x_arg = (x * _SQRT2, f"{xsrc} * {_SQRT2_SRC}")
        elif quantity == "mchn-step" and self.beta == "inv_sqrt_dk":
            x_arg = (
                x * (_beta(beta) * x.shape[-1] ** 0.5),
                f"{xsrc} * (beta * {xsrc}.shape[-1] ** 0.5)",
            )
        else:
            x_arg = (x, xsrc)
        args.extend([p_arg, x_arg] if self.signature == "patterns_x" else [x_arg, p_arg])
        if quantity.startswith("mchn"):
            if self.beta == "keyword":
                kwargs["beta"] = (_beta(beta), "beta")
            elif self.beta == "positional":
                args.append((_beta(beta), "beta"))
        return args, kwargs

    def _plan_attention(self, quantity, patterns, x, xsrc, beta, values, args, kwargs):
        bf = self.attention_layout == "batch_first"
        un = "unsqueeze(0)" if bf else "unsqueeze(1)"

        def lay(t):
            return t.unsqueeze(0) if bf else t.unsqueeze(1)

        s = 2.0 if quantity == "cccp-step" else _beta(beta)
        ssrc = "2.0" if quantity == "cccp-step" else "beta"
        if self.beta == "inv_sqrt_dk":
            q = (
                lay(x * (s * x.shape[-1] ** 0.5)),
                f"({xsrc} * ({ssrc} * {xsrc}.shape[-1] ** 0.5)).{un}",
            )
        else:
            q = (lay(x), f"{xsrc}.{un}")
        k = (lay(patterns), f"patterns.{un}")
        v = (lay(values), f"values.{un}") if values is not None else k
        args.extend([q, k, v])
        if quantity == "cccp-step":
            bias = -(patterns * patterns).sum(-1)
            kwargs["attn_mask"] = (
                bias.repeat(x.shape[0], 1),
                f"(-(patterns * patterns).sum(-1)).repeat({xsrc}.shape[0], 1)",
            )
        if self.beta == "scale":
            kwargs["scale"] = (s, ssrc)
        elif self.beta == "keyword":
            kwargs["beta"] = (s, ssrc)

    def _check_single(self, quantity, out, xb):
        out = self._pick(out)
        want = () if quantity in _ENERGIES else (xb.shape[0],)
        _check_tensor(out, want, xb.dtype, "for one query x (n,)")
        return out

    # ------------------------------------------------------------------ converting

    def _pick(self, out):
        if self.output_index is None:
            return out
        if not isinstance(out, (tuple, list)):
            raise OutputError(
                f"returned {type(out).__name__}; convention {self.spec()!r} "
                f"expects a tuple and takes element [{self.output_index}]"
            )
        if not -len(out) <= self.output_index < len(out):
            raise OutputError(
                f"returned a tuple of length {len(out)}; convention takes "
                f"element [{self.output_index}]"
            )
        return out[self.output_index]

    def to_paper(
        self, quantity: str, out, patterns=None, x=None, *, beta=None, layers=None
    ) -> torch.Tensor:
        """The function's output ``out`` in the paper's convention, as float64.

        Energies: shape (B,) (``reduction='none'``) or a scalar **sum** over the B queries
        (``'sum'`` and ``'mean'``, the mean multiplied back by B). Steps: shape (B, n).
        ``patterns``/``x`` are the paper's inputs (rows (d, n), (B, n)) the call was made on.
        Raises :class:`OutputError` for a wrong type, shape or dtype.
        """
        self.check_applicable(quantity)
        if self.queries == "batch":
            out = self._pick(out)
        b, n = x.shape[0], x.shape[-1]
        if quantity in _STEPS:
            if self.signature == "attention":
                want = (1, b, n) if self.attention_layout == "batch_first" else (b, 1, n)
                _check_tensor(out, want, x.dtype)
                out = out[0] if self.attention_layout == "batch_first" else out[:, 0]
            else:
                _check_tensor(out, (b, n), x.dtype)
            v = out.double()
            return v / _SQRT2 if self.half_distance else v
        want = () if self.reduction != "none" else (b,)
        _check_tensor(out, want, x.dtype)
        v = out.double() * self.sign
        if self.reduction == "mean":
            v = v * b
        if quantity == "mchn-energy":
            bt = _beta(beta)
            if self.beta_scaled:
                v = v / bt
            if not self.constants:
                p = patterns.double()
                const = math.log(p.shape[0]) / bt + 0.5 * float((p * p).sum(-1).max())
                v = v + const * (b if self.reduction != "none" else 1)
        return v


def _beta(beta) -> float:
    if beta is None:
        raise ValueError("this call needs β (beta=…)")
    b = float(beta)
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"β must be a finite number > 0; got {beta!r}")
    return b


def _check_tensor(out, shape: tuple, dtype: torch.dtype, where: str = "") -> None:
    where = f" {where}" if where else ""
    if not isinstance(out, torch.Tensor):
        raise OutputError(
            f"returned {type(out).__name__}{where}; expected a torch.Tensor of shape {shape}"
        )
    if tuple(out.shape) != tuple(shape):
        raise OutputError(f"returned shape {tuple(out.shape)}{where}; expected {tuple(shape)}")
    if out.dtype != dtype:
        raise OutputError(
            f"returned dtype {out.dtype} for {dtype} inputs{where}; the checker "
            f"compares in the input dtype (choose the dtype with dtype=…)"
        )


PRESETS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention("paper"),
        Convention("paper-M", patterns="columns"),
        Convention("ramsauer", patterns="columns", queries="single"),
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

_PRESET_NOTES = {
    "paper": "this package: fn(patterns (d, n), x (B, n)[, beta=β]) -> (B,) / (B, n); "
    "E exactly as printed",
    "paper-M": "as paper, patterns as the columns of the paper's M, shape (n, d)",
    "ramsauer": "Ramsauer et al. 2020: X = (x₁,…,x_N) columns (n, d), one state ξ (n,) per "
    "call, full energy",
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


def get_convention(spec=None, **overrides) -> Convention:
    """A :class:`Convention` from a preset name, a spec string or a Convention.

    ``"paper,reduction=sum,sign=-1"`` takes the ``paper`` preset and overrides two fields;
    keyword ``overrides`` do the same. ``None`` means ``"paper"``.
    """
    if isinstance(spec, Convention):
        conv = spec
    else:
        text = "paper" if spec is None else str(spec).strip()
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
    return _with_fields(conv, overrides) if overrides else conv


def _with_fields(conv: Convention, fields: dict) -> Convention:
    known = {f.name: f for f in dataclasses.fields(Convention)}
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
    if k in ("beta_scaled", "constants", "half_distance"):
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
        rows.append((name, diffs, _PRESET_NOTES.get(name, "")))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{r[0].ljust(w0)}  {r[1].ljust(w1)}  {r[2]}" for r in rows)
