"""Calling the user's code: a per-call timeout, progress lines, and faults turned into text.

Every call into the function under test (and into its autograd backward) goes through
:meth:`Guard.run`. What can go wrong there, and what the checker makes of it:

=============================  =============================================================
in the user's code             reported as
=============================  =============================================================
an exception                   ``raised TypeError: … (at file.py:12 in fn)`` — a failure of
                               that instance (shrunk), or of the check if the fixed smoke
                               instance already fails
``sys.exit(3)``                ``called sys.exit(3)`` — the same; the process never exits
                               with the user's status
``raise KeyboardInterrupt``    ``raised KeyboardInterrupt`` — the same (the function, not a
                               person, raised it)
Ctrl-C (a real SIGINT)         :class:`CheckInterrupted` (a ``KeyboardInterrupt``) naming the
                               call that was running; the CLI prints one line, exit 130
no return within ``timeout``   ``did not return within 2 s: call 17 (property one-step):
                               fn(patterns (3, 2), x (2, 2)) on patterns=[…], x=[…]``
=============================  =============================================================

**Why the timeout cannot hang.** In the main thread (the usual case, and always on the
command line) the timeout is a ``SIGALRM`` armed around each call with ``setitimer`` (it
re-fires every ``timeout`` seconds until disarmed). Its handler raises a ``BaseException``
inside the user's code, so a pure-Python loop (even one that catches ``Exception``) and any
blocking system call that Python retries under PEP 475 (``time.sleep``, I/O, lock waits) end
at the timeout. A C extension that computes for a long time without checking for signals ends
when it returns to Python, and is then reported as a timeout. What a signal cannot end is a
C call that never returns and never checks for signals: for that, ``beyond-scaling check``
runs the whole check in a forked worker process and a parent watchdog kills it at
``timeout + grace`` (:mod:`derivations.check.watchdog`), printing the call the worker had
announced in shared memory before it started. The parent only sleeps and reads memory, so
nothing the user's code does can stop it; the kernel's ``SIGKILL`` cannot be refused.
``check(..., isolate=True)`` gives the Python API the same protection (it forks too).
Off the main thread no signal can be delivered: there a call that returns late is reported
as a timeout, and a call that never returns needs ``isolate=True``. The alternative of a
fresh process per call was rejected: a fork per call costs milliseconds and a check makes
thousands of calls.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable

from derivations.check.conventions import OutputError

__all__ = ["CallError", "CheckInterrupted", "Guard", "user_error", "DEFAULT_TIMEOUT"]

#: Seconds one call of the user's function may take (``timeout=``, ``--timeout``).
DEFAULT_TIMEOUT = 5.0
#: Seconds between progress lines on stderr (``progress=True``).
PROGRESS_EVERY = 10.0

_HERE = os.path.dirname(os.path.abspath(__file__))


class CallError(Exception):
    """One call of the user's function failed; the message is one line."""


class CheckInterrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) arrived during a check; the message names the running call."""


class _Timeout(BaseException):
    """Raised by the SIGALRM handler inside the user's code (not an ``Exception``, so a
    user's ``except Exception`` does not swallow it)."""


def user_error(exc: BaseException) -> str:
    """A one-line account of an exception raised by the user's code (type, message, where)."""
    if isinstance(exc, OutputError):
        return str(exc)
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    derivations_dir = os.path.dirname(_HERE)
    for fr in reversed(frames):
        if not os.path.abspath(fr.filename).startswith(derivations_dir + os.sep):
            where = f" (at {fr.filename}:{fr.lineno} in {fr.name})"
            break
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"raised {type(exc).__name__}: {msg}{where}"


class Guard:
    """The per-call timeout, the SIGINT bookkeeping and the progress meter of one check.

    Use as a context manager around the whole check (it installs the signal handlers in the
    main thread and restores the previous ones, re-arming an outer ``SIGALRM`` timer such as
    pytest-timeout's with its remaining time), then :meth:`run` each call.
    ``progress``: seconds between progress lines on stderr (0 = none). ``heartbeat``: an
    object with ``start(text)`` / ``stop()`` that publishes the running call (the watchdog's).
    """

    def __init__(self, label: str, timeout: float, progress: float = 0.0, heartbeat=None):
        self.label = label
        self.timeout = float(timeout)
        self.progress = float(progress)
        self.heartbeat = heartbeat
        self.calls = 0
        self.phase = ""
        self.t0 = time.monotonic()
        self._last_print = self.t0
        self._signals = False
        self._armed = False
        self._sigint = False
        self._old: dict = {}

    # ------------------------------------------------------------------ signals

    def __enter__(self) -> Guard:
        self.t0 = self._last_print = time.monotonic()
        self._signals = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        if self._signals:
            self._old["alarm"] = signal.signal(signal.SIGALRM, self._on_alarm)
            self._old["timer"] = signal.setitimer(signal.ITIMER_REAL, 0)
            self._old["t_timer"] = time.monotonic()
            old_int = signal.getsignal(signal.SIGINT)
            if old_int is not signal.SIG_IGN:
                self._old["int"] = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc) -> None:
        if not self._signals:
            return
        self._disarm()
        signal.signal(signal.SIGALRM, self._old["alarm"])
        if "int" in self._old:
            signal.signal(signal.SIGINT, self._old["int"])
        left, interval = self._old["timer"]
        if left > 0:  # an outer timer (e.g. pytest-timeout): give it back what is left
            left = max(left - (time.monotonic() - self._old["t_timer"]), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, interval)

    def _on_alarm(self, signum, frame):
        if self._armed:
            raise _Timeout()

    def _on_sigint(self, signum, frame):
        self._sigint = True
        raise KeyboardInterrupt()

    def _arm(self) -> None:
        if self._signals:
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, self.timeout, self.timeout)

    def _disarm(self) -> None:
        if self._signals:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._armed = False

    # ------------------------------------------------------------------ calls

    def run(self, describe: Callable[[], str], thunk: Callable):
        """``thunk()`` (a call into user code) under the timeout; raises :class:`CallError`
        (one line) for any failure and :class:`CheckInterrupted` for Ctrl-C. ``describe()``
        names the call and its inputs (evaluated only when needed)."""
        self.calls += 1
        if self.heartbeat is not None:
            self.heartbeat.start(self._where() + describe())
        t = time.monotonic()
        try:
            try:
                self._arm()
                out = thunk()
            finally:
                self._disarm()
        except _Timeout:
            self._disarm()
            raise CallError(
                f"did not return within {self.timeout:g} s (timeout=, --timeout): "
                f"{self._where()}{describe()}"
            ) from None
        except KeyboardInterrupt as exc:
            if self._sigint:
                raise CheckInterrupted(
                    f"interrupted (Ctrl-C) during {self._where()}{describe()}"
                ) from None
            raise CallError(user_error(exc)) from None
        except SystemExit as exc:
            raise CallError(f"called sys.exit({exc.code!r}) (SystemExit){_at(exc)}") from None
        except (CallError, CheckInterrupted):
            raise
        except Exception as exc:  # noqa: BLE001 - anything the user's code raises is reported
            raise CallError(user_error(exc)) from None
        finally:
            if self.heartbeat is not None:
                self.heartbeat.stop()
        took = time.monotonic() - t
        if not self._signals and took > self.timeout:
            raise CallError(
                f"took {took:.3g} s, more than the timeout of {self.timeout:g} s: "
                f"{self._where()}{describe()}"
            )
        self._tick()
        return out

    def _where(self) -> str:
        ph = f" (property {self.phase})" if self.phase else ""
        return f"call {self.calls}{ph}: "

    def _tick(self) -> None:
        if self.progress <= 0:
            return
        now = time.monotonic()
        if now - self._last_print >= self.progress:
            self._last_print = now
            ph = f", property {self.phase}" if self.phase else ""
            print(
                f"check {self.label}: {self.calls} calls, {now - self.t0:.0f} s elapsed{ph}",
                file=sys.stderr,
                flush=True,
            )

    def elapsed(self) -> float:
        return time.monotonic() - self.t0


def _at(exc: BaseException) -> str:
    text = user_error(exc)
    i = text.rfind(" (at ")
    return text[i:] if i >= 0 else ""


def validate_timeout(timeout) -> float:
    """``timeout``: a finite number of seconds > 0 (``ValueError`` otherwise)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise ValueError(f"timeout must be a number of seconds > 0; got {timeout!r}")
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(f"timeout must be a finite number of seconds > 0; got {timeout!r}")
    return float(timeout)
