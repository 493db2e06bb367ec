"""Property-test anyone's energy, attention or Hopfield update against the papers' theory.

Give :func:`check` a callable and the *kind* of object it computes; it draws instances with
Hypothesis (:mod:`derivations.strategies`), calls the function in the convention its author
chose (:mod:`~derivations.check.presets`, :mod:`~derivations.check.conventions`), and compares
the output with the specification (:mod:`~derivations.check.reference`: :mod:`theory.energies`
in mpmath at 30 digits; gradients by SymPy ``diff``). The first failing instance is shrunk and
reported with its regime, the error against the dtype's tolerance (:mod:`numerics.tolerances`)
and a copy-paste reproduction. Every call is guarded by a per-call timeout
(:mod:`~derivations.check.calls`, :mod:`~derivations.check.watchdog`).

=====================  =====================================================================
module                 its one job
=====================  =====================================================================
``kinds``              THE table of kinds: a row per kind (reference, properties, strategy,
                       scale); a new kind is one row
``reference``          the specification of each quantity (mpmath values, SymPy gradients)
``properties``         the properties (value, gradient, one-step, fixed-point, retrieval,
                       values-distinct) and their table
``conventions``        how a function is called and its output converted to the paper's
``presets``            the named conventions (paper, ramsauer, hflayers, sdpa, mha, …)
``cases``              drawn instances as tensors, their regime, the smoke instance
``calls``              calling user code: timeout, Ctrl-C, ``sys.exit``, progress
``watchdog``           the forked worker and the watchdog that kills a hung call
``runner``             :func:`check`, argument validation, the ``assert_*`` helpers
``snippet``            reproductions of a counterexample
``result``             :class:`CheckResult`, :class:`PropertyResult`, :class:`Counterexample`
``cli``                ``beyond-scaling check`` (:func:`check_main`), :func:`load_callable`
=====================  =====================================================================
"""

from derivations.check.calls import DEFAULT_TIMEOUT, CheckInterrupted
from derivations.check.cases import describe_regime
from derivations.check.cli import add_check_arguments, check_main, load_callable, run_check_command
from derivations.check.conventions import Convention, OutputError
from derivations.check.kinds import KINDS, Attention, Kind, add_kind, alias, get_kind, quantities
from derivations.check.presets import PRESETS, convention_table, get_convention
from derivations.check.properties import PROPERTIES
from derivations.check.reference import DPS, reference
from derivations.check.result import CheckResult, Counterexample, PropertyResult, TheoryMismatch
from derivations.check.runner import (
    DEFAULT_EXAMPLES,
    assert_cccp_step,
    assert_distance_energy,
    assert_global_energy,
    assert_gradient,
    assert_mchn_energy,
    assert_mchn_step,
    assert_passes,
    assert_retrieval,
    check,
    plan_check,
)
from derivations.check.watchdog import WatchdogTimeout

__all__ = [
    "DEFAULT_EXAMPLES",
    "DEFAULT_TIMEOUT",
    "DPS",
    "KINDS",
    "PRESETS",
    "PROPERTIES",
    "Attention",
    "CheckInterrupted",
    "CheckResult",
    "Convention",
    "Counterexample",
    "Kind",
    "OutputError",
    "PropertyResult",
    "TheoryMismatch",
    "WatchdogTimeout",
    "add_check_arguments",
    "add_kind",
    "alias",
    "assert_cccp_step",
    "assert_distance_energy",
    "assert_global_energy",
    "assert_gradient",
    "assert_mchn_energy",
    "assert_mchn_step",
    "assert_passes",
    "assert_retrieval",
    "check",
    "check_main",
    "convention_table",
    "describe_regime",
    "get_convention",
    "get_kind",
    "load_callable",
    "plan_check",
    "quantities",
    "reference",
    "run_check_command",
]
