"""Hypothesis profiles, the torch thread setting and the working precisions for the whole
suite.

Profiles: ``dev`` (default, randomised, 50 examples) and ``ci`` (derandomized, selected when
the environment variable ``CI`` is set). Choose one with ``--hypothesis-profile NAME``.
"""

import os

import flint
import mpmath
import pytest
import torch
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Tiny tensors: thread start-up costs far more than the arithmetic on a 2-core machine.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _working_precision_restored():
    """Each test leaves flint's and mpmath's global working precision as it found them: some
    tests set ``flint.ctx.prec`` (test_words: 64, 128, 512 bits), and a later test would
    otherwise compute at that precision (a test-order dependence)."""
    prec, dps = flint.ctx.prec, mpmath.mp.dps
    yield
    flint.ctx.prec, mpmath.mp.dps = prec, dps
