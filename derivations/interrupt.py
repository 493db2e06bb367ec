"""Ctrl-C that is not lost on the way.

Python turns SIGINT into ``KeyboardInterrupt`` at the next bytecode of the main thread; when
that bytecode belongs to a callback whose exceptions CPython only reports (a weakref or
import-lock callback, a ``__del__``), the interrupt is printed as "Exception ignored" and
dropped, and a long command runs on to the end. While :func:`guarded` is active, SIGINT
also sets a flag, and :func:`checkpoint` — called where a command is about to commit its
output (e.g. before the report folder is moved into place) — raises ``KeyboardInterrupt``
if one arrived, caught or not.
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["guarded", "checkpoint", "interrupted"]

_seen = False


def _on_sigint(signum, frame):
    global _seen
    _seen = True
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether SIGINT arrived while :func:`guarded` was active."""
    return _seen


def checkpoint() -> None:
    """Raise ``KeyboardInterrupt`` if SIGINT arrived (even one something swallowed)."""
    if _seen:
        raise KeyboardInterrupt


@contextlib.contextmanager
def guarded():
    """Record SIGINT for :func:`checkpoint` (main thread only; elsewhere a no-op); the
    previous handler is restored on exit."""
    global _seen
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.getsignal(signal.SIGINT)
    if old is signal.SIG_IGN:  # a parent asked for Ctrl-C to be ignored: keep it so
        yield
        return
    _seen = False
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        _seen = False
