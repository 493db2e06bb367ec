"""``beyond-scaling``: verify the installed papers' claims, show their proofs, write the
report, run the lab, the benchmarks, the user checker and ``recheck``.

Every bad input ends in a one-line error and exit status 2; output paths are checked before
any work; the report is written atomically (:mod:`derivations.report`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

from derivations.interrupt import checkpoint, guarded
from derivations.versions import VERDICT_LIBRARIES, library_versions

DEFAULT_EXAMPLES = 60

#: the published `bench` results the README's table is rendered from, one column each
BENCH_FILES = ("docs/bench_cpu.json", "docs/bench_h200.txt")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("beyond-scaling")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        from derivations import __version__

        return __version__


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _registry(papers):
    from derivations.engine.paper import load_registry

    return load_registry(papers or None)


def run_verify(
    ids=None,
    examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    progress=_progress,
    recheck: bool = False,
    jobs: int | None = None,
    papers=None,
):
    """Verify claims of the given papers (all installed by default); returns the verdicts
    document (the ``--json`` schema, see :mod:`derivations.report.structure`)."""
    from derivations.engine import installed_papers, resolve_ids, verify

    reg = _registry(papers)
    chosen = resolve_ids(ids, reg) if ids else None
    jobs = jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    factory = ("derivations.engine.paper:load_registry", tuple(papers) if papers else None)
    claims = verify(
        reg,
        chosen,
        examples=examples,
        seed=seed,
        progress=progress,
        recheck=recheck,
        jobs=jobs,
        factory=factory,
    )
    used = {c["paper"] for c in claims}
    return {
        "tool_version": _version(),
        "libraries": library_versions(VERDICT_LIBRARIES),
        "seed": seed,
        "examples": examples,
        "seconds": round(time.perf_counter() - t0, 2),
        "papers": [p.to_json() for p in installed_papers().values() if p.id in used],
        "notation": notation_table(),
        "claims": claims,
    }


def notation_table() -> dict:
    """The named quantities statements and derivations may show (g, E, E^MCHN, Δ, …), each
    with its LaTeX and Unicode templates and its definition in words."""
    import derivations.engine.indexed_ops  # noqa: F401 - declares the engine's notation
    from theory.indexed import NOTATION

    return {
        k: {"latex": n.latex, "text": n.text, "meaning": n.meaning}
        for k, n in NOTATION.items()
        if n.meaning
    }


def print_table(doc: dict, out=None, width: int | None = None) -> None:
    """One line per claim (qualified id, verdict, seconds, reference), its evidence wrapped
    beneath (never cut), then the counts."""
    from derivations.report.mathtext import to_unicode

    out = out or sys.stdout
    width = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    w_id = max([len(_qid(c)) for c in doc["claims"]] + [5])
    for c in doc["claims"]:
        out.write(
            f"{_qid(c).ljust(w_id)}  {c['status']:<12} {c['seconds']:6.1f} s  {c.get('ref', '')}\n"
        )
        for line in textwrap.wrap(
            to_unicode(c.get("evidence", "")), width=width - 4, break_on_hyphens=False
        ):
            out.write("    " + line + "\n")
    counts: dict[str, int] = {}
    for c in doc["claims"]:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    out.write(
        f"\n{len(doc['claims'])} claims: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"  ({doc['seconds']:.1f} s, {doc['examples']} examples each, seed {doc['seed']})\n"
    )


def _qid(c: dict) -> str:
    return c.get("qid") or (f"{c['paper']}:{c['id']}" if c.get("paper") else c["id"])


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1 (a clear error otherwise)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _add_paper_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paper",
        nargs="+",
        metavar="ID",
        help="only these papers (default: every installed paper; `beyond-scaling list`)",
    )


def _add_verify_args(p: argparse.ArgumentParser) -> None:
    _add_paper_arg(p)
    p.add_argument(
        "--claims",
        nargs="+",
        metavar="ID",
        help="only these claim ids (paper:id, or an id unique across papers), with the claims "
        "their derivations cite",
    )
    p.add_argument(
        "--examples",
        type=positive_int,
        default=DEFAULT_EXAMPLES,
        help=f"Hypothesis examples per claim (default {DEFAULT_EXAMPLES})",
    )
    p.add_argument("--seed", type=_int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--jobs", type=positive_int, default=None, help="processes for the checks (default: all)"
    )
    p.add_argument(
        "--recheck",
        action="store_true",
        help="re-run every SymPy derivation check instead of using the on-disk cache (keyed "
        "by a hash of the code)",
    )


def check_json_path(path) -> Path:
    """``ValueError`` unless ``path`` can be written as a file (checked before any work)."""
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"--json {p} is a folder; give a file path such as {p}/verdicts.json")
    probe = p.resolve().parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"--json {p}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise ValueError(f"--json {p}: cannot write there (permission denied)")
    return p


def cmd_verify(args) -> int:
    from derivations.jsonio import write_json

    if args.json:
        check_json_path(args.json)
    doc = run_verify(
        args.claims,
        args.examples,
        args.seed,
        recheck=args.recheck,
        jobs=args.jobs,
        papers=args.paper,
    )
    print_table(doc)
    if args.json:
        write_json(args.json, doc, exact=True)
        _progress(f"wrote {args.json}")
    return _twin_status(doc)


def _twin_status(doc: dict) -> int:
    bad = [_qid(c) for c in doc["claims"] if c.get("twin_ok") is False]
    if bad:
        _progress("the torch twin disagreed with mpmath on: " + ", ".join(bad))
        return 2
    return 0


def cmd_list(args) -> int:
    from derivations.engine import installed_papers
    from derivations.report.mathtext import to_unicode

    papers = installed_papers()
    want = args.paper or list(papers)
    bad = [p for p in want if p not in papers]
    if bad:
        raise ValueError(f"unknown paper {', '.join(bad)}; installed: {', '.join(papers)}")
    for pid in want:
        p = papers[pid]
        print(f"{p.id}: {p.authors}, “{p.title}” ({p.ref})")
        for c in p.claims():
            alias = f"  (also {', '.join(c.aliases)})" if c.aliases else ""
            print(f"  {c.id:26s} {c.ref:34s} {to_unicode(c.reading)}{alias}")
    return 0


def _wrapped(out, text: str, indent: str, width: int) -> None:
    lines = textwrap.wrap(text, width=max(30, width - len(indent)), break_on_hyphens=False)
    for line in lines or [""]:
        out.write(indent + line + "\n")


def print_proof(claim, deriv: dict, out=None, width: int | None = None) -> None:
    """A claim's statement and derivation in the paper's notation (Unicode), each step with
    its rule, premises, citations, where it was checked and how; long lines wrap."""
    from derivations.report.markdown import step_facts
    from derivations.report.mathtext import to_unicode

    out = out or sys.stdout
    width = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    out.write(f"{claim.qid} — {claim.ref} ({to_unicode(claim.reading)})\n")
    if claim.aliases:
        out.write(f"  also answers to: {', '.join(claim.aliases)}\n")
    stmt = claim.statement_text() if claim.display is not None else ""
    if stmt:
        _wrapped(out, "statement: " + stmt, "  ", width)
    _wrapped(out, "assumptions: " + to_unicode(claim.assumptions), "  ", width)
    steps = deriv.get("steps") or []
    if claim.derivation is None:
        out.write("  no mechanical derivation\n\n")
        return
    where = deriv.get("sizes_text", "")
    state = (
        f"complete, checked for {where}"
        if deriv.get("complete")
        else (f"incomplete, tried for {where}")
    )
    _wrapped(out, f"derivation ({state})", "  ", width)
    for k, s in enumerate(steps, 1):
        mark = "✔" if s.get("checked") else "✘"
        _wrapped(out, f"{k:>2}. {mark} {s.get('text') or s.get('latex', '')}", "  ", width)
        facts = "; ".join(f"{a} {b}" for a, b in step_facts(s))
        why = to_unicode(s.get("why", "")) + (f" ({facts})" if facts else "")
        _wrapped(out, why, "        ", width)
        _wrapped(out, to_unicode(s.get("how", "")), "        ", width)
    if deriv.get("agreement"):
        _wrapped(out, "statement check: " + deriv["agreement"], "  ", width)
    out.write("\n")


def cmd_show(args) -> int:
    from derivations.engine import resolve_ids
    from derivations.engine.run import cached_derivation

    reg = _registry(args.paper)
    for q in resolve_ids(args.claims, reg):
        claim = reg[q]
        deriv = cached_derivation(claim, reg, use_cache=not args.recheck)
        print_proof(claim, deriv)
    return 0


def cmd_plots(args) -> int:
    from derivations.figures import render_figures

    recs = render_figures(
        Path(args.out),
        only=args.only or None,
        seed=args.seed,
        progress=_progress,
        papers=args.paper,
    )
    for r in recs:
        print(f"{r['name']}: {r['png']}")
    return 0


def cmd_report(args) -> int:
    from derivations.figures import render_figures
    from derivations.report import check_output_dir, new_staging, write_report

    out = check_output_dir(args.out)
    t0 = time.perf_counter()
    staging = new_staging(out)
    try:
        _progress(f"verifying claims ({args.examples} examples each) ...")
        doc = run_verify(
            args.claims,
            args.examples,
            args.seed,
            recheck=args.recheck,
            jobs=args.jobs,
            papers=args.paper,
        )
        checkpoint()
        _progress("rendering figures ...")
        figs = render_figures(staging, seed=args.seed, progress=_progress, papers=args.paper)
        checkpoint()
        lab, lab_figs = _lab_claims(out, staging)
        if lab:
            doc["claims"].extend(lab)
            figs.extend(lab_figs)
            _progress(f"included {len(lab)} lab result(s)")
        res = write_report(doc, figs, out, staging=staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print_table(doc)
    print(
        f"\nwrote {res['markdown']}, {res['html']} and {res['verdicts']} "
        f"({len(figs)} figures) in {time.perf_counter() - t0:.0f} s"
    )
    return _twin_status(doc)


def _lab_claims(out: Path, staging: Path) -> tuple[list[dict], list[dict]]:
    """The latest lab results (``beyond-scaling lab``) as empirical claims, with their
    figures copied into the report being built (so the report folder stands alone)."""
    from derivations.engine.model import STATUSES

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
            if not c.get("id") or c.get("status") not in STATUSES:
                continue
            c.setdefault("reading", "measured at laptop scale (beyond-scaling lab)")
            c.setdefault("assumptions", c.pop("rule", ""))
            c.setdefault("kind", "empirical")
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
                "paper": c.get("paper", ""),
                "title": c.get("statement", name),
                "claims": [c["id"]],
                "caption": c.get("evidence", ""),
            }
            for f in res.get("files", []):
                ext = Path(f).suffix.lstrip(".")
                if ext in ("png", "svg", "csv") and ext not in rec and (src / f).is_file():
                    dest = staging / "figures" / f"{name}.{ext}"
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


def cmd_recheck(args) -> int:
    from derivations.recheck import main as recheck_main

    return recheck_main(args.rest)


def cmd_findings(args) -> int:
    from derivations.report import findings as F
    from derivations.report.bench_table import BENCH_BLOCK, load_bench, render_bench
    from derivations.report.blocks import write_block

    text = F.render_findings(F.load_verdicts(args.source), source=args.source)
    rules, words = F.render_kernel_rules(), F.render_vocabulary()
    found = [b for b in args.bench if Path(b).is_file()]
    bench = render_bench({b: load_bench(b) for b in found}) if found else ""
    if args.write:
        write_block(args.write, F.BLOCK, text)
        write_block(args.write, F.KERNEL_BLOCK, rules)
        write_block(args.write, F.VOCAB_BLOCK, words)
        if bench:
            write_block(args.write, BENCH_BLOCK, bench)
        print(
            f"wrote the verdict findings, the kernel's rules, the vocabulary"
            f"{' and the bench table' if bench else ''} into {args.write}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text + "\n" + rules + "\n" + words + ("\n" + bench if bench else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="beyond-scaling",
        description="Check the formal statements of theory papers (Niu et al., 'Beyond Scaling "
        "Laws', and every other installed claim pack) with SymPy derivations, high-precision "
        "counterexample search and a torch twin.",
    )
    ap.add_argument("--version", action="version", version=_version())
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verify", help="compute a verdict for every claim and print a table")
    _add_verify_args(p)
    p.add_argument("--json", metavar="PATH", help="also write the verdicts as JSON")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("list", help="list the installed papers and their claim ids")
    _add_paper_arg(p)
    p.set_defaults(func=cmd_list)
    p = sub.add_parser(
        "show",
        help="print claims' statements and derivations in the paper's notation, each step "
        "with its rule and where it was checked",
    )
    p.add_argument("claims", nargs="+", metavar="ID", help="claim ids (paper:id or unique id)")
    _add_paper_arg(p)
    p.add_argument("--recheck", action="store_true", help="re-run the derivation checks")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("plots", help="regenerate the figures (PNG, SVG and their data)")
    p.add_argument("--out", default="report", help="output folder (default ./report)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    p.add_argument("--seed", type=_int, default=0)
    _add_paper_arg(p)
    p.set_defaults(func=cmd_plots)
    p = sub.add_parser(
        "report",
        help="verify every claim, draw every figure, write report.md, report.html and "
        "verdicts.json",
    )
    p.add_argument("--out", default="report", help="output folder (default ./report)")
    _add_verify_args(p)
    p.set_defaults(func=cmd_report)
    p = sub.add_parser(
        "findings",
        help="render the README's 'what the tool finds' block from a verdicts file",
    )
    p.add_argument(
        "--from",
        dest="source",
        default="docs/verdicts.json",
        metavar="PATH",
        help="the verdicts file (`verify --json`; default docs/verdicts.json)",
    )
    p.add_argument(
        "--bench",
        nargs="*",
        default=list(BENCH_FILES),
        metavar="PATH",
        help="published `bench` results, one table column each (JSON or the printed table; "
        "default: " + ", ".join(BENCH_FILES) + "; those missing are left out)",
    )
    p.add_argument(
        "--write",
        metavar="FILE",
        help="replace the blocks <!-- verdict-findings -->, <!-- kernel-rules -->, "
        "<!-- vocabulary --> and <!-- bench-table --> (each between its :begin and :end "
        "markers) in FILE",
    )
    p.set_defaults(func=cmd_findings)
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
        (
            "recheck",
            cmd_recheck,
            "re-verify every counterexample and computed value in a "
            "verdicts file (see `beyond-scaling recheck --help`)",
        ),
    ):
        p = sub.add_parser(name, help=text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=fn)
    return ap


_PASS_THROUGH = {"bench": cmd_bench, "lab": cmd_lab, "check": cmd_check, "recheck": cmd_recheck}


def _hypothesis_home() -> None:
    """Keep Hypothesis's files (its example database, the constants it collects from the
    source) in the tool's cache, not in a ``.hypothesis`` folder in the user's current
    directory."""
    import hypothesis.configuration

    from derivations.engine.cache import cache_dir

    hypothesis.configuration.set_hypothesis_home_dir(str(cache_dir() / "hypothesis"))


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _PASS_THROUGH:  # these parse their own options (incl. --help)
        return _PASS_THROUGH[argv[0]](argparse.Namespace(rest=argv[1:]))
    ap = build_parser()
    args = ap.parse_args(argv)
    _hypothesis_home()
    try:
        with guarded():  # a Ctrl-C a callback swallows still stops the command
            return args.func(args)
    except ValueError as exc:
        print(f"beyond-scaling: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("beyond-scaling: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `beyond-scaling list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
