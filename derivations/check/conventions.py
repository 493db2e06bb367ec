"""Conventions: how someone else's energy or attention code is called, and how its output is
converted to the paper's convention before it is compared with the specification.

The specification is written once (:mod:`derivations.check.reference`, from
:mod:`theory.energies`): patterns ρ¹…ρ^d as rows (d, n), queries x as rows (B, n), one energy
per query, steps x⁺ = M softmax(s Mᵀx + b). Code in the wild writes the same objects
differently. A :class:`Convention` names each choice; the checker calls the function in that
convention (:meth:`Convention.call`) and converts its output back (:meth:`Convention.to_paper`).
What a kind needs (β, layers, a bias, constants) comes from its row in
:mod:`derivations.check.kinds`, never from its name.

======================  =========================  =========================================
field                   values (first = paper)     meaning
======================  =========================  =========================================
``signature``           ``patterns_x``             ``fn(patterns, x)``
                        ``x_patterns``             ``fn(x, patterns)``
                        ``attention``              ``fn(query, key, value, attn_mask=…)``
                                                   (steps only; key = value = patterns)
                        ``hopfield``               ``fn((stored, state, projection))``, the
                                                   ``hflayers.Hopfield`` module call (steps;
                                                   bias as ``association_mask=…``)
``patterns``            ``rows``                   patterns as rows, shape (d, n)
                        ``columns``                M = X = (ρ¹,…,ρ^d), shape (n, d)
``queries``             ``batch``                  x of shape (B, n), output (B,) / (B, n)
                        ``single``                 one call per query x (ξ) of shape (n,)
                        ``columns``                Ξ = (ξ₁,…,ξ_B) of shape (n, B); a step
                                                   returns (n, B), an energy (B,)
``beta``                ``keyword``                β passed as ``beta=β``
                        ``positional``             β passed as the last positional argument
                        ``fixed``                  the function has its own β (say which:
                                                   ``beta=`` of the checker)
                        ``scale``                  attention: β passed as ``scale=β``
                        ``scaling``                β passed as ``scaling=β`` (hflayers' name)
                        ``inv_sqrt_dk``            the function multiplies scores by 1/√n
                                                   itself (common attention code, hflayers'
                                                   default scaling); the checker pre-scales
                                                   the query by β√n (2√n for Eq. 4's step)
``attention_layout``    ``batch_first``            attention tensors (1, B, n) / (1, d, n)
                        ``seq_first``              attention tensors (B, 1, n) / (d, 1, n)
                        ``unbatched``              attention tensors (B, n) / (d, n)
``output_index``        ``None``                   the output itself; an int i: ``out[i]``
``sign``                ``1``                      returns E; ``-1``: returns −E (a score)
``beta_scaled``         ``False``                  ``True``: returns β·E (β outside the LSE)
``constants``           ``True``                   includes the x-independent terms of the
                                                   kind (E^MCHN: β⁻¹ log d + ½ maxᵢ‖ρⁱ‖²)
``half_distance``       ``False``                  ``True``: Eq. (4) with ½‖x − ρ‖²; the
                                                   checker feeds √2·ρ, √2·x (a step ÷ √2)
``reduction``           ``none``                   one energy per query, shape (B,)
                        ``sum`` / ``mean``         a scalar: sum / mean over the B queries
======================  =========================  =========================================

``to_paper`` works in float64, so the conversion adds no rounding of its own. The presets and
the spec strings (``"paper,reduction=sum"``) are in :mod:`derivations.check.presets`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

from derivations.check.kinds import Kind, get_kind

__all__ = ["Convention", "OutputError", "CHOICES"]

#: field → allowed values (first = the paper's).
CHOICES = {
    "signature": ("patterns_x", "x_patterns", "attention", "hopfield"),
    "patterns": ("rows", "columns"),
    "queries": ("batch", "single", "columns"),
    "beta": ("keyword", "positional", "fixed", "scale", "scaling", "inv_sqrt_dk"),
    "attention_layout": ("batch_first", "seq_first", "unbatched"),
    "reduction": ("none", "sum", "mean"),
}
_KWARG = {"keyword": "beta", "scale": "scale", "scaling": "scaling"}
_SQRT2_SRC = "2 ** 0.5"
_SQRT2 = 2**0.5
_QKV = ("attention", "hopfield")


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
        for f, allowed in CHOICES.items():
            if getattr(self, f) not in allowed:
                raise ValueError(
                    f"convention field {f}={getattr(self, f)!r} is not one of {allowed}"
                )
        if self.sign not in (1, -1) or isinstance(self.sign, bool):
            raise ValueError(f"convention field sign must be 1 or -1; got {self.sign!r}")
        if self.queries == "single" and self.reduction != "none":
            raise ValueError("queries='single' (one call per query) cannot reduce over queries")
        if self.signature in _QKV and self.queries != "batch":
            raise ValueError(
                f"the {self.signature} signature takes all queries at once (queries='batch')"
            )
        if self.output_index is not None and (
            not isinstance(self.output_index, int) or isinstance(self.output_index, bool)
        ):
            raise ValueError(f"output_index must be None or an int; got {self.output_index!r}")
        for f in ("beta_scaled", "constants", "half_distance"):
            if not isinstance(getattr(self, f), bool):
                raise ValueError(f"convention field {f} must be True or False")

    # ------------------------------------------------------------------ naming

    def replace(self, **fields) -> Convention:
        """A copy with some fields changed (keeps the preset name for :meth:`spec`)."""
        return dataclasses.replace(self, **fields)

    def spec(self) -> str:
        """A string :func:`~derivations.check.presets.get_convention` turns back into this."""
        from derivations.check.presets import PRESETS

        base = PRESETS.get(self.name, PRESETS["paper"])
        head = self.name if self.name in PRESETS else "paper"
        diffs = [
            f"{f.name}={getattr(self, f.name)}"
            for f in dataclasses.fields(self)
            if f.name != "name" and getattr(self, f.name) != getattr(base, f.name)
        ]
        return ",".join([head, *diffs])

    def _qk_shapes(self) -> tuple[str, str]:
        return {
            "batch_first": ("(1, B, n)", "(1, d, n)"),
            "seq_first": ("(B, 1, n)", "(d, 1, n)"),
            "unbatched": ("(B, n)", "(d, n)"),
        }[self.attention_layout]

    def signature_text(self, kind) -> str:
        """The call the checker makes, in words, e.g. ``fn(patterns (d, n), x (B, n)) -> (B,)``."""
        k = self.check_applicable(kind)
        bkw = f", {_KWARG[self.beta]}=β" if self.beta in _KWARG and k.beta else ""
        if self.signature in _QKV:
            q, p = self._qk_shapes()
            out = q if self.output_index is None else f"a tuple whose [{self.output_index}] is {q}"
            if self.beta in _KWARG:
                bkw = f", {_KWARG[self.beta]}={'2' if not k.beta else 'β'}"
            if self.signature == "hopfield":
                mask = ", association_mask (B, d)" if k.attention.bias else ""
                return f"fn((stored {p}, state {q}, projection {p}){mask}{bkw}) -> {out}"
            mask = ", attn_mask (B, d)" if k.attention.bias else ""
            return f"fn(query {q}, key {p}, value {p}{mask}{bkw}) -> {out}"
        pshape = "(d, n)" if self.patterns == "rows" else "(n, d)"
        pname = f"layers [{'(d_t, n)' if self.patterns == 'rows' else '(n, d_t)'}, …]"
        pname = pname if k.layers else f"patterns {pshape}"
        xname = {"batch": "x (B, n)", "single": "x (n,)", "columns": "x (n, B)"}[self.queries]
        args = [pname, xname] if self.signature == "patterns_x" else [xname, pname]
        if k.beta and self.beta == "positional":
            args.append("β")
        if k.is_step:
            out = {"batch": "(B, n)", "single": "(n,)", "columns": "(n, B)"}[self.queries]
        elif self.reduction != "none":
            out = f"a scalar ({self.reduction} over the B queries)"
        else:
            out = "a scalar" if self.queries == "single" else "(B,)"
        return f"fn({', '.join(args)}{bkw}) -> {out}"

    def check_applicable(self, kind) -> Kind:
        """The kind's row; ``ValueError`` if this convention cannot express it."""
        k = get_kind(kind)
        problem = self._problem(k)
        if problem:
            raise ValueError(f"convention {self.spec()!r}: {problem}")
        return k

    def _problem(self, k: Kind) -> str:
        """Why this convention cannot express kind ``k`` ('' if it can)."""
        qkv = self.signature in _QKV
        if qkv and (not k.is_step or k.attention is None):
            return (
                f"the {self.signature} signature only applies to steps written as "
                f"attention (cccp-step, mchn-step), not to {k.name!r}"
            )
        if k.is_step and self.reduction != "none":
            return (
                f"an update returns one state per query; "
                f"reduction={self.reduction!r} does not apply to {k.name!r}"
            )
        if self.half_distance and not k.half_distance:
            return f"half_distance concerns Eq. (4); not {k.name!r}"
        if self.half_distance and qkv:
            return f"half_distance is not supported with {self.signature}"
        if self.beta == "positional" and qkv:
            return "pass β to an attention as 'scale', 'scaling' or 'keyword'"
        if self.beta == "scale" and not qkv:
            return "beta='scale' is the attention keyword; use 'keyword'"
        if self.beta == "inv_sqrt_dk" and not k.is_step:
            return "beta='inv_sqrt_dk' only applies to attention-like steps"
        if self.beta == "inv_sqrt_dk" and not qkv and k.attention.bias:
            return (
                f"a 1/√d_k-scaled fn(patterns, x) has no place for the bias −‖ρ‖² "
                f"of {k.name!r}; use the attention signature"
            )
        if k.is_energy and not self.constants and k.constants is None:
            return f"{k.name!r} has no constant terms to drop (constants)"
        if k.is_energy and self.beta_scaled and not k.beta:
            return f"{k.name!r} has no β (beta_scaled)"
        return ""

    # ------------------------------------------------------------------ calling

    def call(self, fn, kind, patterns=None, x=None, *, beta=None, layers=None, values=None):
        """Call ``fn`` on the paper's inputs (patterns (d, n), x (B, n)) in this convention.

        Returns the raw output (a tuple when ``output_index`` is set). ``values`` replaces
        the value tensor of an attention signature (keys ≠ values). With ``queries='single'``
        the function is called once per query and the outputs are stacked.
        """
        k = self.check_applicable(kind)
        if self.queries == "single":
            outs = []
            for xb in x:
                args, kwargs = self._plan(k, patterns, xb, "xb", beta, layers, values)
                out = fn(*[a for a, _ in args], **{n: v for n, (v, _) in kwargs.items()})
                outs.append(self._check_single(k, out, xb))
            return torch.stack(outs)
        args, kwargs = self._plan(k, patterns, x, "x", beta, layers, values)
        return fn(*[a for a, _ in args], **{n: v for n, (v, _) in kwargs.items()})

    def call_source(self, kind, fn_name: str = "fn", *, values_given: bool = False) -> str:
        """The same call as Python source, over variables ``patterns``, ``x``, ``beta``,
        ``layers`` and ``values`` (used in reproduction snippets)."""
        k = self.check_applicable(kind)
        dummy = torch.zeros(2, 2, dtype=torch.float64)
        layers = [dummy] if k.layers else None
        values = dummy if values_given else None
        xname = "xb" if self.queries == "single" else "x"
        args, kwargs = self._plan(k, dummy, dummy, xname, 1.0, layers, values)
        inner = ", ".join([s for _, s in args] + [f"{n}={s}" for n, (_, s) in kwargs.items()])
        if self.queries == "single":
            pick = "" if self.output_index is None else f"[{self.output_index}]"
            return f"torch.stack([{fn_name}({inner}){pick} for xb in x])"
        return f"{fn_name}({inner})"

    def _plan(self, k: Kind, patterns, x, xsrc, beta, layers, values):
        """(args, kwargs) as (value, source) pairs, built side by side so they cannot differ."""
        args: list = []
        kwargs: dict = {}
        if self.signature in _QKV:
            self._plan_qkv(k, patterns, x, xsrc, beta, values, args, kwargs)
            return args, kwargs
        half = self.half_distance
        if k.layers:
            if layers is None:
                raise ValueError(f"{k.name} needs layers=[patterns of layer 1, …]")
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
            x_arg = (x * _SQRT2, f"({xsrc} * {_SQRT2_SRC})")
        elif k.is_step and self.beta == "inv_sqrt_dk":
            x_arg = (
                x * (_beta(beta) * x.shape[-1] ** 0.5),
                f"({xsrc} * (beta * {xsrc}.shape[-1] ** 0.5))",
            )
        else:
            x_arg = (x, xsrc)
        if self.queries == "columns":
            x_arg = (x_arg[0].T, f"{x_arg[1]}.T")
        args.extend([p_arg, x_arg] if self.signature == "patterns_x" else [x_arg, p_arg])
        if k.beta:
            if self.beta in _KWARG:
                kwargs[_KWARG[self.beta]] = (_beta(beta), "beta")
            elif self.beta == "positional":
                args.append((_beta(beta), "beta"))
        return args, kwargs

    def _plan_qkv(self, k, patterns, x, xsrc, beta, values, args, kwargs):
        lay_src = {"batch_first": ".unsqueeze(0)", "seq_first": ".unsqueeze(1)", "unbatched": ""}
        un = lay_src[self.attention_layout]

        def lay(t):
            if self.attention_layout == "batch_first":
                return t.unsqueeze(0)
            return t.unsqueeze(1) if self.attention_layout == "seq_first" else t

        s = _beta(beta) if k.attention.scale is None else k.attention.scale
        ssrc = "beta" if k.attention.scale is None else repr(float(k.attention.scale))
        if self.beta == "inv_sqrt_dk":
            q = (
                lay(x * (s * x.shape[-1] ** 0.5)),
                f"({xsrc} * ({ssrc} * {xsrc}.shape[-1] ** 0.5)){un}",
            )
        else:
            q = (lay(x), f"{xsrc}{un}")
        kk = (lay(patterns), f"patterns{un}")
        v = (lay(values), f"values{un}") if values is not None else kk
        if self.signature == "hopfield":
            args.append(((kk[0], q[0], v[0]), f"({kk[1]}, {q[1]}, {v[1]})"))
        else:
            args.extend([q, kk, v])
        if k.attention.bias:
            bias = -(patterns * patterns).sum(-1)
            mask = "association_mask" if self.signature == "hopfield" else "attn_mask"
            kwargs[mask] = (
                bias.repeat(x.shape[0], 1),
                f"(-(patterns * patterns).sum(-1)).repeat({xsrc}.shape[0], 1)",
            )
        if self.beta in _KWARG:
            kwargs[_KWARG[self.beta]] = (s, ssrc)

    def _check_single(self, k: Kind, out, xb):
        out = self._pick(out)
        want = (xb.shape[0],) if k.is_step else ()
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

    def to_paper(self, kind, out, patterns=None, x=None, *, beta=None, layers=None):
        """The function's output ``out`` in the paper's convention, as float64.

        Energies: shape (B,) (``reduction='none'``) or a scalar **sum** over the B queries
        (``'sum'`` and ``'mean'``, the mean multiplied back by B). Steps: shape (B, n).
        ``patterns``/``x`` are the paper's inputs (rows (d, n), (B, n)) the call was made on.
        Raises :class:`OutputError` for a wrong type, shape or dtype.
        """
        k = self.check_applicable(kind)
        if self.queries != "single":
            out = self._pick(out)
        b, n = x.shape[0], x.shape[-1]
        if k.is_step:
            if self.signature in _QKV:
                want = {"batch_first": (1, b, n), "seq_first": (b, 1, n), "unbatched": (b, n)}
                _check_tensor(out, want[self.attention_layout], x.dtype)
                if self.attention_layout == "batch_first":
                    out = out[0]
                elif self.attention_layout == "seq_first":
                    out = out[:, 0]
            elif self.queries == "columns":
                _check_tensor(out, (n, b), x.dtype, "for queries as columns (n, B)")
                out = out.T
            else:
                _check_tensor(out, (b, n), x.dtype)
            v = out.double()
            return v / _SQRT2 if self.half_distance else v
        want = () if self.reduction != "none" else (b,)
        _check_tensor(out, want, x.dtype)
        v = out.double() * self.sign
        if self.reduction == "mean":
            v = v * b
        if k.beta and self.beta_scaled:
            v = v / _beta(beta)
        if k.constants is not None and not self.constants:
            rows = patterns.detach().double().tolist()
            const = k.constants(rows, _beta(beta) if k.beta else None)
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
