"""Copy-paste reproductions of a counterexample, and how the function under test is named.

A snippet rebuilds the shrunk instance as tensors, calls the function exactly as the checker
did (:meth:`Convention.call_source`, built side by side with the real call), converts the
output to the paper's convention and prints it next to :func:`derivations.check.reference`.
"""

from __future__ import annotations

import os

import torch

from derivations.check.cases import Case
from derivations.check.reference import DPS

__all__ = ["describe_fn", "snippet"]

_LOADER = "from derivations.check import load_callable\n"


def describe_fn(fn, name: str | None) -> tuple[str, str]:
    """(display name, the import line of the reproduction snippet)."""
    if name:
        mod, _, attr = name.rpartition(":")
        if mod.endswith(".py") or os.sep in mod or "/" in mod:
            return name, f"{_LOADER}fn = load_callable({name!r})"
        if "." not in attr:
            return name, f"from {mod} import {attr} as fn"
        return name, f"import {mod}\nfn = {mod}.{attr}"
    mod = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", None)
    if mod and qual and "<" not in qual and mod != "__main__":
        public = {"torch._C._nn": "torch.nn.functional"}.get(mod, mod)
        if "." not in qual:
            return f"{public}:{qual}", f"from {public} import {qual} as fn"
        return f"{public}:{qual}", f"import {public}\nfn = {public}.{qual}"
    label = qual or type(fn).__name__
    return label, f"fn = ...  # your function ({label}; not importable by name)"


def _tsrc(t: torch.Tensor) -> str:
    return f"torch.tensor({t.detach().cpu().tolist()!r}, dtype={t.dtype})"


def snippet(ctx, prop: str, case: Case, kw: dict) -> str:
    """The reproduction of ``case`` failing ``prop`` (``kw``: steps, energy, retrieval)."""
    k = ctx.kind
    q = k.base
    imp = ctx.fn_import
    head = "from derivations.check import get_convention, reference"
    if imp.startswith(_LOADER):
        head += ", load_callable"
        imp = imp[len(_LOADER) :]
    lines = ["import torch", head, imp, f"conv = get_convention({ctx.conv.spec()!r})"]
    if case.layers is not None:
        lines.append("layers = [" + ", ".join(_tsrc(m) for m in case.layers) + "]")
    if case.P is not None:
        lines.append(f"patterns = {_tsrc(case.P)}  # rows: (d, n) = {tuple(case.P.shape)}")
    grad = prop == "gradient"
    xs = _tsrc(case.X)
    if grad:
        xs = xs[:-1] + ", requires_grad=True)"
    lines.append(f"x = {xs}  # (B, n) = {tuple(case.X.shape)}")
    if case.beta is not None and k.beta:
        lines.append(f"beta = {case.beta!r}")
    if prop == "values-distinct":
        lines.append(f"values = {_tsrc(case.values)}  # (d, n), keys = patterns ≠ values")
    call = ctx.conv.call_source(k, "fn", values_given=prop == "values-distinct")
    conv_args, extra = "patterns, x", ""
    if k.beta:
        extra += ", beta=beta"
    if k.layers:
        conv_args = "None, x"
        extra += ", layers=layers"
    ref_args = ("patterns, " if case.P is not None else "None, ") + "x"
    ref_extra = extra + ("" if ctx.reading == "distance" else f", reading={ctx.reading!r}")
    convert = f"conv.to_paper({q!r}, {call}, {conv_args}{extra})"
    steps = kw.get("steps", 0)
    if kw.get("energy"):
        lines.append(f"e0 = reference({k.energy!r}, {ref_args}{ref_extra})  # energy at the start")
    if prop in ("fixed-point", "retrieval") and steps:
        lines.append(f"for _ in range({steps}):  # iterate your update")
        lines.append(f"    x = {convert}.to(x.dtype)")
    if prop == "retrieval":
        lines.append("print(x)  # yours after the iteration")
        lines.append(
            f"print(patterns[{list(case.targets)}])  # the patterns the queries started "
            f"within r = {case.radius:.6g} of"
        )
        return "\n".join(lines)
    if kw.get("energy"):
        lines.append(f"print(e0, reference({k.energy!r}, {ref_args}{ref_extra}))  # must not rise")
        return "\n".join(lines)
    if grad:
        gref = ("patterns, " if case.P is not None else "None, ") + "x.detach()"
        lines.append(f"(grad,) = torch.autograd.grad({convert}.sum(), x)")
        lines.append("print(grad)  # yours: autograd of your energy, paper's convention")
        lines.append(
            f"print(reference({q!r}, {gref}{ref_extra}, gradient=True))"
            f"  # the paper: SymPy diff, mpmath {DPS} digits"
        )
        return "\n".join(lines)
    lines.append(f"out = {call}")
    lines.append(
        f"print(conv.to_paper({q!r}, out, {conv_args}{extra}))  # yours, in the paper's convention"
    )
    ref = f"reference({q!r}, {ref_args}{ref_extra}"
    ref += ", values=values)" if prop == "values-distinct" else ")"
    if k.is_energy and ctx.conv.reduction != "none":
        ref += ".sum()"
    lines.append(f"print({ref})  # the paper (mpmath, {DPS} digits)")
    return "\n".join(lines)
