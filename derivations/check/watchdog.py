"""A forked worker and a parent watchdog: the guarantee that no ``check`` can hang.

The worker (a ``fork`` of this process, so any callable runs there without pickling) does the
whole check; before each call into user code it writes a *deadline* and a description of the
call into a shared anonymous memory page (:class:`Heartbeat`). The parent only waits: it
reads the worker's result from a pipe, and every 50 ms compares the clock with the deadline.
Past it (the per-call timeout plus a grace period, so the worker's own ``SIGALRM`` normally
ends the call first and reports it precisely) the parent kills the worker with ``SIGKILL``,
which no code can refuse, and raises :class:`WatchdogTimeout` with the description of the
call. This covers what a signal cannot: a C call that never returns and never checks for
signals (or a function that blocks ``SIGALRM``). See :mod:`derivations.check.calls`.

A Ctrl-C reaches both processes (same process group): the worker reports it as
:class:`~derivations.check.calls.CheckInterrupted`; if it has not ended 2 s later the parent
kills it and raises the same.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import time
import traceback
from collections.abc import Callable

from derivations.check.calls import CheckInterrupted

__all__ = ["Heartbeat", "WatchdogTimeout", "can_isolate", "run_isolated", "grace"]

_PAGE = 4096
_HEAD = struct.Struct("dI")  # deadline (time.monotonic, 0 = idle), text length


class WatchdogTimeout(Exception):
    """The worker did not finish a call by its deadline and was killed."""


def grace(timeout: float) -> float:
    """Seconds past the timeout before the parent kills the worker."""
    return max(2.0, 0.5 * timeout)


def can_isolate() -> bool:
    return hasattr(os, "fork") and hasattr(signal, "SIGKILL")


class Heartbeat:
    """The running call, published in shared memory: its deadline and its description."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.mem = mmap.mmap(-1, _PAGE)

    def start(self, text: str, seconds: float | None = None) -> None:
        data = text.encode("utf-8", "replace")[: _PAGE - _HEAD.size]
        self.mem[: _HEAD.size] = _HEAD.pack(0.0, 0)
        self.mem[_HEAD.size : _HEAD.size + len(data)] = data
        wait = self.timeout + grace(self.timeout) if seconds is None else seconds
        self.mem[: _HEAD.size] = _HEAD.pack(time.monotonic() + wait, len(data))

    def stop(self) -> None:
        self.mem[: _HEAD.size] = _HEAD.pack(0.0, 0)

    def read(self) -> tuple[float, str]:
        deadline, length = _HEAD.unpack(self.mem[: _HEAD.size])
        text = self.mem[_HEAD.size : _HEAD.size + length].decode("utf-8", "replace")
        return deadline, text


def _child(job: Callable, hb: Heartbeat, w: int) -> None:
    """In the worker: run the job, send ('ok', value) or what went wrong, never return."""
    try:
        try:
            payload = ("ok", job(hb))
        except CheckInterrupted as exc:
            payload = ("interrupted", str(exc))
        except KeyboardInterrupt:  # Ctrl-C outside a call into user code
            payload = ("interrupted", "interrupted (Ctrl-C)")
        except ValueError as exc:
            payload = ("value_error", str(exc))
        except BaseException:  # noqa: BLE001 - a bug of the checker: pass the traceback up
            payload = ("crash", traceback.format_exc())
        data = pickle.dumps(payload)
    except BaseException:  # noqa: BLE001 - e.g. an unpicklable value
        data = pickle.dumps(("crash", traceback.format_exc()))
    try:
        with os.fdopen(w, "wb") as f:
            f.write(data)
    finally:
        os._exit(0)


def run_isolated(job: Callable, timeout: float):
    """``job(heartbeat)`` in a forked worker; its return value, or the worker's
    ``ValueError`` / :class:`CheckInterrupted` re-raised here, or :class:`WatchdogTimeout`."""
    hb = Heartbeat(timeout)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker; covered through the parent's result
        os.close(r)
        _child(job, hb, w)
    os.close(w)
    sigint = {"at": None}

    def on_int(signum, frame):
        sigint["at"] = sigint["at"] or time.monotonic()

    main = _in_main_thread()
    old = signal.signal(signal.SIGINT, on_int) if main else None
    chunks, status = [], None
    try:
        while True:
            ready, _, _ = select.select([r], [], [], 0.05)
            if ready:
                data = os.read(r, 1 << 16)
                if data:
                    chunks.append(data)
                    continue
                _, status = os.waitpid(pid, 0)
                break
            deadline, text = hb.read()
            now = time.monotonic()
            if deadline and now > deadline:
                _kill(pid)
                raise WatchdogTimeout(
                    f"did not return within {timeout:g} s and did not stop at the timeout "
                    f"signal; the worker was killed after {timeout + grace(timeout):g} s: {text}"
                )
            if sigint["at"] is not None and now - sigint["at"] > 2.0:
                _kill(pid)
                raise CheckInterrupted(f"interrupted (Ctrl-C) during {text or 'the check'}")
    finally:
        os.close(r)
        if main:
            signal.signal(signal.SIGINT, old)
        hb.mem.close()
    try:
        what, value = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - the worker died without a result
        raise RuntimeError(
            f"the check's worker process ended without a result ({status})"
        ) from None
    if what == "ok":
        return value
    if what == "interrupted":
        raise CheckInterrupted(value)
    if what == "value_error":
        raise ValueError(value)
    raise RuntimeError(f"the check's worker process failed:\n{value}")


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
