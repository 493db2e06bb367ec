"""Part of the rule kernel: the work it counts, and its per-step memo.

The kernel's budget is work, not seconds: :func:`tick` counts units (an expression
normalized, a sign or a set of free symbols looked up, an index order tried, a term of an
expansion); past the step's budget it raises :class:`OutOfWork`. :func:`forget` empties the
memo and restarts the count before each step, so a step costs the same whatever ran before
it, on any machine at any load.
"""

from __future__ import annotations

__all__ = ["OutOfWork", "forget", "work", "tick", "memo"]

#: Memo of normal forms and signs; emptied by :func:`forget` before every kernel step, so
#: a step's work does not depend on the steps checked before it.
_MEMO: dict = {}


class OutOfWork(BaseException):  # noqa: N818 - not an Exception: SymPy code catches those
    """The step's work budget is spent (a BaseException, so no ``except Exception`` eats it)."""


def forget(budget: int | None = None) -> None:
    """Empty the memo and start counting work against ``budget`` (the kernel calls this
    before each step)."""
    _MEMO.clear()
    _MEMO["work"] = 0
    _MEMO["budget"] = budget


def work() -> int:
    """The work done since :func:`forget`: expressions normalized, signs and free symbols
    looked up, index orders tried — counted by the kernel itself, so the same on any machine."""
    return _MEMO.get("work", 0)


def tick(n: int = 1) -> None:
    """Count ``n`` units of work; past the budget raise :class:`OutOfWork`."""
    w = _MEMO.get("work", 0) + n
    _MEMO["work"] = w
    budget = _MEMO.get("budget")
    if budget is not None and w > budget:
        raise OutOfWork


def memo(kind: str):
    """Memoize a one-expression function for the current step, counting each miss as work."""

    def deco(fn):
        def wrapped(e, *a):
            key = (kind, e, *a)
            hit = _MEMO.get(key)
            if hit is None:
                tick()
                hit = _MEMO[key] = fn(e, *a)
            return hit

        wrapped.__name__ = fn.__name__
        wrapped.__doc__ = fn.__doc__
        return wrapped

    return deco


_memo = memo
