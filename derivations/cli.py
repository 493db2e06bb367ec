"""``beyond-scaling``: verify the paper's claims, write the report, run the lab and benchmarks."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

PAPER = "arXiv:2405.08707v2"
DEFAULT_EXAMPLES = 60


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("beyond-scaling")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        from derivations import __version__

        return __version__


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_verify(
    ids=None,
    examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    progress=_progress,
    recheck: bool = False,
    jobs: int | None = None,
):
    """Verify claims; returns the verdicts document (the ``--json`` schema)."""
    from derivations.engine import verify
    from derivations.registry import all_claims

    reg = all_claims()
    jobs = jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    claims = verify(
        reg,
        ids or None,
        examples=examples,
        seed=seed,
        progress=progress,
        recheck=recheck,
        jobs=jobs,
        factory="derivations.registry:all_claims",
    )
    return {
        "paper": PAPER,
        "tool_version": _version(),
        "seed": seed,
        "examples": examples,
        "seconds": round(time.perf_counter() - t0, 2),
        "claims": claims,
    }


def print_table(doc: dict, out=sys.stdout) -> None:
    rows = [("id", "reference", "verdict", "evidence", "s")]
    for c in doc["claims"]:
        ev = c["evidence"]
        rows.append(
            (
                c["id"],
                c["ref"].replace(PAPER + " ", ""),
                c["status"],
                ev if len(ev) <= 90 else ev[:87] + "...",
                f"{c['seconds']:.1f}",
            )
        )
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        out.write("  ".join(r[i].ljust(w[i]) for i in range(4)) + "  " + r[4] + "\n")
    counts = {}
    for c in doc["claims"]:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    out.write(
        f"\n{len(doc['claims'])} claims: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"  ({doc['seconds']:.1f} s, {doc['examples']} examples each, seed {doc['seed']})\n"
    )


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def _add_verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--claims",
        nargs="+",
        metavar="ID",
        help="only these claim ids (and the claims their derivations cite)",
    )
    p.add_argument(
        "--examples",
        type=_positive_int,
        default=DEFAULT_EXAMPLES,
        help=f"Hypothesis examples per claim (default {DEFAULT_EXAMPLES})",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="processes for the checks (default: all cores)",
    )
    p.add_argument(
        "--recheck",
        action="store_true",
        help="re-run every SymPy derivation "
        "check instead of using the on-disk cache (keyed by a hash of the code)",
    )


def cmd_verify(args) -> int:
    doc = run_verify(args.claims, args.examples, args.seed, recheck=args.recheck, jobs=args.jobs)
    print_table(doc)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(doc, indent=2, default=str))
        _progress(f"wrote {args.json}")
    bad_twins = [c["id"] for c in doc["claims"] if c.get("twin_ok") is False]
    if bad_twins:
        _progress("the torch twin disagreed with mpmath on: " + ", ".join(bad_twins))
        return 2
    return 0


def cmd_list(args) -> int:
    from derivations.registry import all_claims

    for cid, c in all_claims().items():
        print(f"{cid:22s} {c.ref.replace(PAPER + ' ', ''):32s} {c.reading}")
    return 0


def cmd_plots(args) -> int:
    from derivations.figures import render_figures

    recs = render_figures(
        Path(args.out), only=args.only or None, seed=args.seed, progress=_progress
    )
    for r in recs:
        print(f"{r['name']}: {r['png']}")
    return 0


def cmd_report(args) -> int:
    from derivations.figures import render_figures
    from derivations.report import write_report

    out = Path(args.out)
    t0 = time.perf_counter()
    _progress(f"verifying claims ({args.examples} examples each) ...")
    doc = run_verify(args.claims, args.examples, args.seed, recheck=args.recheck, jobs=args.jobs)
    _progress("rendering figures ...")
    figs = render_figures(out, seed=args.seed, progress=_progress)
    lab, lab_figs = _lab_claims(out)
    if lab:
        doc["claims"].extend(lab)
        figs.extend(lab_figs)
        _progress(f"included {len(lab)} lab result(s)")
    res = write_report(doc, figs, out)
    print_table(doc)
    print(
        f"\nwrote {res['markdown']}, {res['html']} and {res['verdicts']} "
        f"({len(figs)} figures) in {time.perf_counter() - t0:.0f} s"
    )
    return 2 if any(c.get("twin_ok") is False for c in doc["claims"]) else 0


def _lab_claims(out: Path) -> tuple[list[dict], list[dict]]:
    """The latest lab results (``beyond-scaling lab``) as empirical claims, with their
    figures copied into ``out/figures`` (so the report folder stands alone)."""
    import shutil

    try:
        from derivations.lab.cli import latest_results
    except ImportError:
        return [], []
    seen: dict[str, dict] = {}
    figs: dict[str, dict] = {}
    for root in (Path("lab-results"), out / "lab"):  # the report's own folder wins
        if not root.exists():
            continue
        for res in latest_results(root):
            c = dict(res.get("claim") or {})
            if not c.get("id") or c.get("status") not in (
                "proven",
                "supported",
                "refuted",
                "inconclusive",
            ):
                continue
            c.setdefault("reading", "measured at laptop scale (beyond-scaling lab)")
            c.setdefault("assumptions", c.pop("rule", ""))
            c["evidence"] = (
                c.get("evidence", "") + f" [result: {res.get('path')}; rerun with "
                f"`beyond-scaling lab {c['id'].split('/')[-1]}`]"
            )
            c.setdefault("trials", 1)
            c.setdefault("seconds", 0.0)
            c.setdefault("counterexample", None)
            c.setdefault("steps", [])
            seen[c["id"]] = c
            src = Path(res["path"]).parent
            name = "lab_" + c["id"].split("/")[-1]
            rec = {
                "name": name,
                "title": c.get("statement", name),
                "claims": [c["id"]],
                "caption": c.get("evidence", ""),
            }
            for f in res.get("files", []):
                ext = Path(f).suffix.lstrip(".")
                if ext in ("png", "svg", "csv") and ext not in rec and (src / f).is_file():
                    dest = out / "figures" / f"{name}.{ext}"
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src / f, dest)
                    rec[ext] = str(dest)
            if "png" in rec:
                figs[name] = rec
    return list(seen.values()), list(figs.values())


def cmd_bench(args) -> int:
    from numerics.bench import main as bench_main

    return bench_main(args.rest)


def cmd_lab(args) -> int:
    from derivations.lab.cli import main as lab_main

    return lab_main(args.rest)


def cmd_check(args) -> int:
    from derivations.testing import check_main

    return check_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="beyond-scaling",
        description=f"Check the formal statements of {PAPER} (Niu et al., 'Beyond Scaling "
        "Laws') with SymPy derivations, high-precision counterexample search and a torch twin.",
    )
    ap.add_argument("--version", action="version", version=_version())
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verify", help="compute a verdict for every claim and print a table")
    _add_verify_args(p)
    p.add_argument("--json", metavar="PATH", help="also write the verdicts as JSON")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("list", help="list the claim ids")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("plots", help="regenerate the figures (PNG, SVG and their data)")
    p.add_argument("--out", default="report", help="output folder (default ./report)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_plots)
    p = sub.add_parser(
        "report",
        help="verify every claim, draw every figure, write "
        "report.md, report.html and verdicts.json",
    )
    p.add_argument("--out", default="report", help="output folder (default ./report)")
    _add_verify_args(p)
    p.set_defaults(func=cmd_report)
    for name, fn, text in (
        (
            "bench",
            cmd_bench,
            "time the streaming kernels against references (see `beyond-scaling bench --help`)",
        ),
        (
            "lab",
            cmd_lab,
            "run one of the paper's experiments at laptop scale (see `beyond-scaling lab --help`)",
        ),
        (
            "check",
            cmd_check,
            "property-test your own attention/Hopfield function "
            "(see `beyond-scaling check --help`)",
        ),
    ):
        p = sub.add_parser(name, help=text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=fn)
    return ap


_PASS_THROUGH = {"bench": cmd_bench, "lab": cmd_lab, "check": cmd_check}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _PASS_THROUGH:  # these parse their own options (incl. --help)
        return _PASS_THROUGH[argv[0]](argparse.Namespace(rest=argv[1:]))
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"beyond-scaling: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
