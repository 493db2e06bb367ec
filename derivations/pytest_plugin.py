"""pytest plugin: check your energy / attention code against the paper inside your own suite.

Registered through the ``pytest11`` entry point of the ``beyond-scaling`` package (or with
``-p derivations.pytest_plugin``). It adds

* the fixture ``theory_checker``: a :class:`TheoryChecker` whose ``check(fn, kind, …)``
  returns a :class:`~derivations.check.CheckResult` and whose ``assert_passes(fn, kind, …)``
  fails the test with the result table and the reproduction snippet (no deep traceback);
* the options ``--theory-examples K``, ``--theory-seed S`` and ``--theory-timeout T`` (seconds
  per call; defaults: the checker's).

Example::

    def test_my_attention_is_a_cccp_step(theory_checker):
        theory_checker.assert_passes(my_step, "cccp-step", convention="sdpa")

The plain functions :func:`derivations.check.assert_cccp_step` etc. (also importable from
``derivations.testing``) work without the plugin.
Nothing heavy (torch, SymPy) is imported until a test uses the fixture.
"""

from __future__ import annotations

import pytest

__all__ = ["TheoryChecker", "theory_checker"]


def pytest_addoption(parser):
    group = parser.getgroup("beyond-scaling", "checks against arXiv:2405.08707v2")
    group.addoption(
        "--theory-examples",
        type=int,
        default=None,
        metavar="K",
        help="Hypothesis examples per property for theory_checker",
    )
    group.addoption(
        "--theory-seed",
        type=int,
        default=None,
        metavar="S",
        help="seed for theory_checker (default 0)",
    )
    group.addoption(
        "--theory-timeout",
        type=float,
        default=None,
        metavar="T",
        help="seconds one call of the checked function may take (default: the checker's)",
    )


class TheoryChecker:
    """The checker bound to the session's options; keyword arguments as in ``check``."""

    def __init__(
        self, examples: int | None = None, seed: int | None = None, timeout: float | None = None
    ):
        self.examples = examples
        self.seed = seed
        self.timeout = timeout

    def _kwargs(self, kwargs: dict) -> dict:
        for key in ("examples", "seed", "timeout"):
            if getattr(self, key) is not None:
                kwargs.setdefault(key, getattr(self, key))
        return kwargs

    def check(self, fn, kind: str, **kwargs):
        """Run the properties of ``kind`` on ``fn``; returns the CheckResult."""
        from derivations.check import check

        return check(fn, kind, **self._kwargs(kwargs))

    def assert_passes(self, fn, kind: str, **kwargs):
        """Fail the calling test, with the table and the reproduction, unless all pass."""
        __tracebackhide__ = True
        result = self.check(fn, kind, **kwargs)
        if not result.passed:
            pytest.fail(str(result), pytrace=False)
        return result


@pytest.fixture
def theory_checker(request) -> TheoryChecker:
    """A :class:`TheoryChecker` using ``--theory-examples`` / ``--theory-seed`` /
    ``--theory-timeout`` if given."""

    def opt(name):
        try:
            return request.config.getoption(name)
        except ValueError:  # the plugin's options are not registered (fixture imported)
            return None

    return TheoryChecker(opt("--theory-examples"), opt("--theory-seed"), opt("--theory-timeout"))
