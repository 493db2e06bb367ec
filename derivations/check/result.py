"""What ``check`` returns: a :class:`CheckResult` of :class:`PropertyResult` rows, each failed
one with its shrunk :class:`Counterexample` and a copy-paste reproduction.

A property's ``status`` is ``passed``, ``failed`` (a counterexample), or ``error`` (it could
not be run: the call failed on the fixed smoke instance, or no instance was tested).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

__all__ = ["Counterexample", "PropertyResult", "CheckResult", "TheoryMismatch", "fmt_err"]


def fmt_err(e: float) -> str:
    """A scaled error in two significant digits (``nan``, ``inf``, ``0`` spelled out)."""
    if e != e:
        return "nan"
    if math.isinf(e):
        return "inf"
    return f"{e:.2g}" if e else "0"


@dataclass
class Counterexample:
    """One (shrunk) failing instance, with everything needed to reproduce it."""

    property: str
    regime: str
    message: str
    observed: str
    expected: str
    error: float
    tolerance: float
    scale: float
    snippet: str
    instance: dict
    shrink_calls: int = 0

    def __str__(self) -> str:
        lines = [f"  regime:    {self.regime}"]
        if self.message:
            lines.append(f"  problem:   {self.message}")
        if self.observed != "-":
            lines += [
                f"  observed:  {self.observed}",
                f"  expected:  {self.expected}",
                f"  error:     {fmt_err(self.error)} (tolerance {self.tolerance:g}; error = "
                f"|observed − expected| / (|expected| + scale), scale = {self.scale:.6g})",
            ]
        lines.append("  reproduce:")
        lines += ["    " + s for s in self.snippet.splitlines()]
        return "\n".join(lines)


@dataclass
class PropertyResult:
    """The outcome of one property: ``status`` is ``passed``, ``failed`` or ``error``."""

    name: str
    status: str
    trials: int = 0
    max_error: float = 0.0
    tolerance: float = 0.0
    counterexample: Counterexample | None = None
    note: str = ""
    seconds: float = 0.0
    calls: int = 0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def snippet(self) -> str | None:
        return self.counterexample.snippet if self.counterexample else None


@dataclass
class CheckResult:
    """All properties of one check; ``str()`` gives the table and the counterexamples."""

    function: str
    kind: str
    convention: object
    dtype: torch.dtype
    seed: int
    examples: int
    beta: float | None
    properties: list[PropertyResult] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    calls: int = 0

    @property
    def passed(self) -> bool:
        return self.error is None and all(p.passed for p in self.properties)

    @property
    def counterexample(self) -> Counterexample | None:
        """The first failing property's counterexample (None if all passed)."""
        for p in self.properties:
            if p.counterexample is not None:
                return p.counterexample
        return None

    def __getitem__(self, name: str) -> PropertyResult:
        for p in self.properties:
            if p.name == name:
                return p
        raise KeyError(f"no property {name!r}; have {[p.name for p in self.properties]}")

    def __str__(self) -> str:
        beta = "" if self.beta is None else f", β = {self.beta:g}"
        head = (
            f"check {self.function}: kind {self.kind}, convention {self.convention.spec()}"
            f", {str(self.dtype).replace('torch.', '')}{beta}, seed {self.seed}, "
            f"{self.examples} examples per property"
        )
        out = [head]
        if self.error:
            out.append(f"ERROR: {self.error}")
        rows = [("property", "status", "trials", "max error", "tolerance", "note")]
        for p in self.properties:
            rows.append(
                (
                    p.name,
                    p.status.upper() if p.status != "passed" else "passed",
                    str(p.trials),
                    fmt_err(p.max_error) if p.trials else "-",
                    f"{p.tolerance:g}" if p.tolerance else "-",
                    p.note,
                )
            )
        w = [max(len(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            cells = [r[0].ljust(w[0]), r[1].ljust(w[1]), r[2].rjust(w[2])]
            cells += [r[3].rjust(w[3]), r[4].rjust(w[4]), r[5]]
            out.append("  ".join(cells).rstrip())
        n_ok = sum(p.passed for p in self.properties)
        verdict = "PASSED" if self.passed else "FAILED"
        out.append(
            f"{verdict}: {n_ok}/{len(self.properties)} properties passed "
            f"({self.calls} calls, {self.seconds:.1f} s)"
        )
        for p in self.properties:
            if p.counterexample is not None:
                out.append("")
                out.append(
                    f"{p.name}: counterexample (shrunk with "
                    f"{p.counterexample.shrink_calls} extra calls)"
                )
                out.append(str(p.counterexample))
        return "\n".join(out)


class TheoryMismatch(AssertionError):
    """Raised by the ``assert_*`` functions; ``.result`` holds the :class:`CheckResult`."""

    def __init__(self, result: CheckResult):
        super().__init__(str(result))
        self.result = result
