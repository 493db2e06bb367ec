"""JSON for every output of the tool: one conversion, one convention, atomic writes.

Every file the tool writes as JSON (verdicts, figure data, lab results, benchmark results)
goes through :func:`jsonable`, so the conventions are the same everywhere:

* numpy / torch scalars and arrays become Python numbers and lists;
* non-finite floats become the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no
  literal for them, and ``null`` would not say which one it was);
* exact numbers (SymPy) and high-precision numbers (mpmath ``mpf``, flint ``arb``) become
  floats by default, or decimal strings with ``exact=True`` (verdicts keep every digit, so
  anyone can recompute a counterexample from the file);
* anything else becomes ``str(obj)``.

>>> jsonable({"a": (1, 2.5, float("inf"))})
{'a': [1, 2.5, 'inf']}
>>> import sympy as sp
>>> jsonable(sp.Rational(1, 8), exact=True), jsonable(sp.Rational(1, 3), exact=True, digits=5)
('0.125', '0.33333')
"""

from __future__ import annotations

import decimal
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["jsonable", "decimal_string", "dumps", "write_json", "write_text_atomic"]


def _terminates(q: int) -> bool:
    """Whether 1/q has a finite decimal expansion (q = 2^a 5^b)."""
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def decimal_string(v: Any, digits: int = 20) -> str:
    """A decimal string for a number of any back end.

    Integers and terminating rationals with at most ``digits`` decimals are printed exactly;
    other exact numbers, mpf values and floats with ``digits`` significant digits (floats by
    ``repr``, which round-trips exactly).

    >>> import mpmath, sympy as sp
    >>> decimal_string(sp.Integer(12)), decimal_string(sp.Rational(3, 4))
    ('12', '0.75')
    >>> decimal_string(mpmath.mpf(2) / 3, 6)
    '0.666667'
    """
    import mpmath

    if isinstance(v, bool):
        return str(v)
    if isinstance(v, mpmath.mpf):
        return mpmath.nstr(v, digits)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover - sympy is a dependency
        return str(v)
    if isinstance(v, sp.Basic):
        if v.is_Integer:
            return str(int(v))
        if v.is_Rational and _terminates(int(v.q)):
            with decimal.localcontext() as ctx:
                ctx.prec = 80
                q = (decimal.Decimal(int(v.p)) / decimal.Decimal(int(v.q))).normalize()
            exp = -q.as_tuple().exponent if q.as_tuple().exponent < 0 else 0
            return format(q, "f") if exp <= digits else str(sp.N(v, digits))
        if v.is_number:
            return str(sp.N(v, digits))
        return str(v)
    if type(v).__name__ == "arb":  # python-flint ball: its midpoint
        return v.mid().str(digits, radius=False)
    return str(v)


def jsonable(obj: Any, exact: bool = False, digits: int = 20) -> Any:
    """A JSON-able copy of ``obj`` (see the module notes for the conventions)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v, exact, digits) for k, v in obj.items()}
    if hasattr(obj, "_asdict"):
        return {k: jsonable(v, exact, digits) for k, v in obj._asdict().items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        seq = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
        return [jsonable(v, exact, digits) for v in seq]
    if hasattr(obj, "tolist") and not isinstance(obj, (str, bytes)):  # numpy, torch
        return jsonable(obj.tolist(), exact, digits)
    mod = type(obj).__module__.split(".")[0]
    if mod in ("sympy", "mpmath", "flint"):
        if exact:
            return decimal_string(obj, digits)
        try:
            return jsonable(float(obj))
        except (TypeError, ValueError):
            return str(obj)
    try:
        return jsonable(float(obj))
    except (TypeError, ValueError):
        return str(obj)


def dumps(obj: Any, exact: bool = False, indent: int | None = 2) -> str:
    """``json.dumps`` of :func:`jsonable` (UTF-8 text, keys in insertion order)."""
    return json.dumps(jsonable(obj, exact), indent=indent, ensure_ascii=False, allow_nan=False)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename,
    so a reader never sees a half-written file and an interrupted write leaves the old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | os.PathLike, obj: Any, exact: bool = False) -> Path:
    """:func:`dumps` ``obj`` to ``path`` atomically (see :func:`write_text_atomic`)."""
    return write_text_atomic(path, dumps(obj, exact) + "\n")
