"""``beyond-scaling check MODULE:FUNCTION --kind KIND …``: the command line of ``check``.

Exit status: 0 every property passed, 1 a property failed (the table and the reproductions
on stdout), 2 bad usage or a function that cannot be called (one line on stderr, never a
traceback), 130 interrupted by Ctrl-C. The check runs in a forked worker watched by the
parent (:mod:`derivations.check.watchdog`), so even a call that ignores the timeout signal
ends; ``--no-isolate`` runs it in this process (e.g. under a debugger).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import os
import sys
from pathlib import Path

from derivations.check import watchdog
from derivations.check.calls import DEFAULT_TIMEOUT, PROGRESS_EVERY, user_error
from derivations.check.kinds import KINDS
from derivations.check.presets import PRESETS, convention_table
from derivations.check.properties import PROPERTIES

__all__ = ["load_callable", "add_check_arguments", "run_check_command", "check_main"]

PROG = "beyond-scaling check"


def load_callable(spec: str):
    """``MODULE:ATTR`` (dotted module, attribute path) or ``path/to/file.py:ATTR``.

    The current directory is importable, as with ``python -m``. Raises ``ValueError`` with
    what went wrong (no colon, module not found, attribute missing, not callable).
    """
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError(f"expected MODULE:FUNCTION or path/to/file.py:FUNCTION; got {spec!r}")
    mod_name, _, attr = spec.rpartition(":")
    if not mod_name or not attr:
        raise ValueError(f"expected MODULE:FUNCTION; got {spec!r}")
    if mod_name.endswith(".py") or "/" in mod_name or os.sep in mod_name:
        path = Path(mod_name)
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        uniq = f"_beyond_scaling_user_{abs(hash(str(path.resolve())))}"
        loader_spec = importlib.util.spec_from_file_location(uniq, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[uniq] = module
        try:
            loader_spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - the user's import error, plainly
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise ValueError(f"importing {path} {user_error(exc)}") from None
    else:
        cwd = os.getcwd()
        if cwd not in sys.path and "" not in sys.path:
            sys.path.insert(0, cwd)
        try:
            module = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            raise ValueError(f"cannot import module {mod_name!r}: {exc}") from None
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise ValueError(f"importing {mod_name!r} {user_error(exc)}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"{mod_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{spec} is a {type(obj).__name__}, not a callable")
    return obj


def _dtypes() -> dict:
    import torch

    return {
        "float64": torch.float64,
        "float32": torch.float32,
        "bfloat16": torch.bfloat16,
        "float16": torch.float16,
    }


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {v}")
    return v


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 0; got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 0; got {v}")
    return v


def _number(low: float, strict: bool):
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
        if not math.isfinite(v) or (v <= low if strict else v < low):
            sign = ">" if strict else "≥"
            raise argparse.ArgumentTypeError(f"expected a finite number {sign} {low:g}; got {text}")
        return v

    return parse


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage block) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_check_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``check`` options, for a parser of its own or a subcommand of ``beyond-scaling``."""
    p.add_argument(
        "target",
        nargs="?",
        metavar="MODULE:FUNCTION",
        help="the callable to test: a dotted module or a path to a .py file, a colon, and the "
        "attribute (e.g. examples/user_attention.py:cccp_step)",
    )
    p.add_argument("--kind", choices=list(KINDS), help="what the function computes")
    p.add_argument(
        "--beta",
        type=_number(0.0, True),
        default=None,
        help="β of the β kinds (default: drawn, when the convention passes β)",
    )
    p.add_argument(
        "--convention",
        default="paper",
        metavar="C",
        help="a preset, optionally with field=value overrides, e.g. 'paper,reduction=sum', "
        "'ramsauer' or 'hflayers' (see --list-conventions)",
    )
    p.add_argument(
        "--examples",
        type=_positive_int,
        default=100,
        help="Hypothesis examples per property (default 100)",
    )
    p.add_argument("--seed", type=_nonneg_int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--dtype",
        choices=["float64", "float32", "bfloat16", "float16"],
        default="float64",
        help="dtype of the inputs (default float64)",
    )
    p.add_argument(
        "--n",
        type=_positive_int,
        default=None,
        help="fix the dimension n (a module with a fixed width)",
    )
    p.add_argument(
        "--reading",
        choices=("distance", "nearest"),
        default="distance",
        help="E_t of global-energy: Eq. 4 per layer, or g_t",
    )
    p.add_argument(
        "--properties",
        default=None,
        metavar="P[,P…]",
        help="only these properties, e.g. one-step,retrieval",
    )
    p.add_argument(
        "--max-iter",
        type=_positive_int,
        default=50,
        help="steps of the fixed-point property (default 50)",
    )
    p.add_argument(
        "--retrieval-steps",
        type=_positive_int,
        default=10,
        help="steps of the retrieval property (default 10)",
    )
    p.add_argument(
        "--shrink-seconds",
        type=_number(0.0, False),
        default=2.0,
        help="time to shrink a counterexample (default 2)",
    )
    p.add_argument(
        "--timeout",
        type=_number(0.0, True),
        default=DEFAULT_TIMEOUT,
        help=f"seconds one call may take (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--progress",
        type=_number(0.0, False),
        default=PROGRESS_EVERY,
        metavar="SECONDS",
        help=f"a progress line on stderr every SECONDS (default {PROGRESS_EVERY:g}; 0: none)",
    )
    p.add_argument(
        "--no-isolate",
        action="store_true",
        help="run in this process (no watchdog process; for debuggers)",
    )
    p.add_argument(
        "--list-conventions", action="store_true", help="print the convention presets and exit"
    )
    p.add_argument("--list-kinds", action="store_true", help="print the kinds and exit")
    return p


def kinds_table() -> str:
    """The kinds and their properties as plain text."""
    w = max(len(k) for k in KINDS)
    lines = [
        f"{name.ljust(w)}  {', '.join(k.properties)}: {k.summary}" for name, k in KINDS.items()
    ]
    lines.append("")
    lines += [f"{p}: {PROPERTIES[p].statement}" for p in PROPERTIES]
    return "\n".join(lines)


def _err(msg: str) -> int:
    print(f"{PROG}: error: {' '.join(str(msg).split())}", file=sys.stderr)
    return 2


def run_check_command(args) -> int:
    """Run parsed ``check`` arguments: 0 passed, 1 a property failed, 2 bad usage/function,
    130 interrupted."""
    if args.list_conventions:
        print(convention_table())
        return 0
    if args.list_kinds:
        print(kinds_table())
        return 0
    if not args.target or not args.kind:
        return _err(f"need MODULE:FUNCTION and --kind KIND (kinds: {', '.join(KINDS)})")
    props = None
    if args.properties is not None:
        props = [s.strip() for s in args.properties.split(",") if s.strip()]
        if not props:
            return _err("--properties needs at least one name")
    opts = dict(
        convention=args.convention,
        beta=args.beta,
        dtype=_dtypes()[args.dtype],
        examples=args.examples,
        seed=args.seed,
        n=args.n,
        reading=args.reading,
        properties=props,
        max_iter=args.max_iter,
        retrieval_steps=args.retrieval_steps,
        shrink_seconds=args.shrink_seconds,
        timeout=args.timeout,
        progress=args.progress,
        name=args.target,
    )

    def job(hb):
        from derivations.check.runner import plan_check, run_plan

        if hb is not None:  # an import that never ends is a hang too
            hb.start(f"importing {args.target}", seconds=max(120.0, args.timeout))
        fn = load_callable(args.target)
        if hb is not None:
            hb.stop()
        return run_plan(plan_check(fn, args.kind, **opts), hb)

    try:
        if args.no_isolate or not watchdog.can_isolate():
            result = job(None)
        else:
            result = watchdog.run_isolated(job, args.timeout)
    except ValueError as exc:
        return _err(exc)
    except watchdog.WatchdogTimeout as exc:
        return _err(f"the function {exc}")
    except KeyboardInterrupt as exc:  # CheckInterrupted names the call; a bare one does not
        print(f"{PROG}: {' '.join(str(exc).split()) or 'interrupted (Ctrl-C)'}", file=sys.stderr)
        return 130
    if result.error is not None:
        return _err(result.error)
    print(result)
    if any(p.status == "error" for p in result.properties):
        return 2
    return 0 if result.passed else 1


def check_main(argv=None) -> int:
    """``beyond-scaling check MODULE:FUNCTION --kind KIND [--beta B] [--convention C]
    [--examples K] [--seed S] [--timeout T] …``; prints the table; exit 0 pass, 1 fail,
    2 error, 130 interrupted."""
    p = _Parser(
        prog=PROG,
        description="Property-test an energy, attention or Hopfield update implementation "
        "against the specification of arXiv:2405.08707v2 (Eq. 4, E^MCHN, Eq. 7 and their "
        "CCCP steps) and Ramsauer et al. 2020 (Eqs. 2-3).",
        epilog="presets: "
        + ", ".join(PRESETS)
        + ". Properties: "
        + "; ".join(f"{k}: {v.statement}" for k, v in PROPERTIES.items()),
    )
    add_check_arguments(p)
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a one-line error (2)
        return int(exc.code or 0)
    return run_check_command(args)
