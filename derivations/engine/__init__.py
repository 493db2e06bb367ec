"""The claim engine: a claim, independent checks, and a verdict computed from them.

Paper-free. Its parts, one module each:

=====================  ==================================================================
``model``              relations, derivation steps and justifications, Claim, Computed,
                       the verdict vocabulary :data:`STATUSES`
``instance``           :class:`Instance`: patterns, query and parameters as plain JSON
``backends``           the SymPy and mpmath back ends and the vocabulary mechanism
                       (``torch_backend``: the torch twin's back end, loaded on demand)
``checker``            the derivation checker (every step re-checked by SymPy)
``arb_backend``        the arb back end (balls certain to contain every value; python-flint)
``arb_sympy``          exact SymPy numbers enclosed in balls
``exact``              exact zero/sign test (rationals, e^q, logs; Lindemann–Weierstrass)
``exact_backend``      the exact back end (equality cases of the search)
``certify``            certified sign decisions at rising precision
``search``             the counterexample search (Hypothesis, judged with ball arithmetic)
``twin``               the torch twin's comparison with the balls (loaded on demand)
``verdict``            the verdict from the checks' outcomes
``records``            a computed claim's counterexample record (with its enclosure)
``cache``              the on-disk cache of derivation checks
``run``                running checks for one claim or many (in parallel)
``paper``              :class:`Paper`, sections, claim-pack discovery (entry points)
=====================  ==================================================================

Importing the engine does not import torch; only the twin does.
"""

from derivations.engine.arb_backend import ARB, ArbOps
from derivations.engine.arb_sympy import NotCertifiable, arb_eval
from derivations.engine.backends import (
    MP,
    SYM,
    MpOps,
    Ops,
    SymOps,
    VectorSymbol,
    Word,
    register,
    vocabulary,
)
from derivations.engine.certify import Certified, certify
from derivations.engine.checker import check_derivation, check_step
from derivations.engine.exact import exact_sign
from derivations.engine.exact_backend import EXACT, ExactOps
from derivations.engine.instance import Instance
from derivations.engine.model import (
    RELATIONS,
    STATUSES,
    Algebra,
    Chain,
    Cites,
    Claim,
    Combine,
    Computed,
    EngineError,
    IterationLimit,
    Monotone,
    Rel,
    Step,
    Wlog,
    qualify,
)
from derivations.engine.paper import (
    GROUP,
    Paper,
    Section,
    installed_papers,
    load_registry,
    resolve_ids,
)
from derivations.engine.run import dependency_order, run_checks, verify, verify_claim
from derivations.engine.search import judge, search
from derivations.engine.verdict import decide

__all__ = [
    "IterationLimit",
    "STATUSES",
    "RELATIONS",
    "EngineError",
    "Rel",
    "Step",
    "Algebra",
    "Cites",
    "Chain",
    "Combine",
    "Monotone",
    "Wlog",
    "Claim",
    "Computed",
    "Instance",
    "qualify",
    "Ops",
    "SymOps",
    "MpOps",
    "SYM",
    "MP",
    "VectorSymbol",
    "Word",
    "register",
    "vocabulary",
    "check_step",
    "check_derivation",
    "judge",
    "search",
    "decide",
    "run_checks",
    "verify_claim",
    "verify",
    "dependency_order",
    "GROUP",
    "Paper",
    "Section",
    "installed_papers",
    "load_registry",
    "resolve_ids",
    "TorchOps",
    "ArbOps",
    "ARB",
    "arb_eval",
    "NotCertifiable",
    "Certified",
    "certify",
    "exact_sign",
    "ExactOps",
    "EXACT",
]


def __getattr__(name):  # TorchOps without importing torch at engine import time
    if name == "TorchOps":
        from derivations.engine.torch_backend import TorchOps

        return TorchOps
    raise AttributeError(f"module 'derivations.engine' has no attribute {name!r}")
