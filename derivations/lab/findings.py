"""The README's lab findings, rendered from the committed result summaries (``docs/lab/``).

Each experiment's ``summary.json`` is published to ``docs/lab/NAME.json`` (with its figure,
``docs/lab/NAME.png``) by ``beyond-scaling lab NAME --publish docs/lab``. :func:`render_findings`
turns the summaries into Markdown, every number and verdict read from them, and
:func:`write_block` puts that Markdown between the markers ``<!-- lab-findings:begin -->`` and
``<!-- lab-findings:end -->`` of the README (``beyond-scaling lab findings --write README.md``).
A test checks that the README's block is the rendering of the committed summaries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from derivations.lab import EXPERIMENTS
from derivations.report import blocks

BLOCK = "lab-findings"
BEGIN, END = blocks.markers(BLOCK)
DOCS_REL = "docs/lab"


def default_docs_dir() -> Path:
    return Path(__file__).resolve().parents[2] / DOCS_REL


def load_summaries(docs_dir: str | os.PathLike) -> dict[str, dict]:
    """{experiment: summary} of the ``NAME.json`` files present in ``docs_dir``."""
    d = Path(docs_dir)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such folder; expected the published lab summaries")
    out = {}
    for name in EXPERIMENTS:
        p = d / f"{name}.json"
        if p.is_file():
            try:
                out[name] = json.loads(p.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                raise ValueError(f"{p}, line {e.lineno}: not JSON ({e.msg})") from None
    return out


def _f(x, nd: int = 3) -> str:
    return "n/a" if x is None or isinstance(x, str) else f"{x:.{nd}f}"


def _ci(ci) -> str:
    return "undefined" if not ci else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def render_plateau(s: dict) -> str:
    conds = s["conditions"]
    parts = []
    for c in conds:
        ref = "exact floor" if c["kind"] == "exact" else "upper estimate (a cross-entropy)"
        state = ""
        if c["kind"] == "exact":
            state = (
                f", within {s['floor_tol']} of it in every seed"
                if c["at_floor"]
                else f", not at it (gap bound up to {_f(c['max_gap_upper'])})"
            )
        parts.append(
            f"{c['name']} {_f(c['mean_val'])} ± {_f(c['sd_val'])} against its {ref} "
            f"{_f(c['floor'])}{state}"
        )
    models = ", ".join(f"{m['n_layer']}-layer d_emb = {m['d_emb']}" for m in s["models"])
    seg = conds[0]["segments"]
    segtxt = ", ".join(f"{k} {_f(v)}" for k, v in seg.items() if v is not None)
    return (
        f"- **plateau** ({s['claim']['status']}): {models}, {len(s['seeds'])} seeds, "
        f"{s['steps']:,} steps; validation loss (nats/token): "
        + "; ".join(parts)
        + f". By segment ({conds[0]['name']}): {segtxt}. Verdict: {s['reason']}. "
        f"![plateau]({DOCS_REL}/plateau.png)"
    )


def render_radius(s: dict) -> str:
    t, m = s["table"], str(s["sizes"][-1])
    row = "; ".join(
        f"{h}: mean NN {_f(t[h][m]['mean'], 2)} = {_f(t[h][m]['mean_over_2r'], 2)} × 2r*, "
        f"{t[h][m]['kappa_overlap_fraction']:.1%} of κ ≤ 1/√(πe)"
        for h in ("raw", "rms", "z")
    )
    tr = ", ".join(f"{h} {_f(s['trend'][h]['exponent'], 3)}" for h in ("raw", "rms", "z"))
    small = str(s["sizes"][0])
    total = s.get("sentences")
    of = f" of the {total:,}" if total and total > int(m) else ""
    return (
        f"- **radius** ({s['claim']['status']}): {s['model']} (n = {s['n']}, {s['pooling']} "
        f"pooling), r* = {_f(s['r_star'], 2)}, {int(m):,}{of} distinct QF declaratives: {row}. "
        f"Mean NN distance against the number of patterns m goes as m^b with b = {tr}; "
        f"the z-scored mean κ goes from {_f(t['z'][small]['kappa_mean'])} at m = {int(small):,} "
        f"to {_f(t['z'][m]['kappa_mean'])} (threshold 1/√(πe) = {_f(s['kappa_star'])}). "
        f"Raw distances depend on the model's scale (the paper's own raw ratio is "
        f"{_f(s['paper_ratio_raw'], 2)} × 2r*); the verdict uses κ. Verdict: {s['reason']}. "
        f"![radius]({DOCS_REL}/radius.png)"
    )


def _longer(s: dict, d: dict) -> str:
    k = s.get("extend", 0)
    return f" (up to {d['steps'] * 2**k:,} where the decision was not settled)" if k else ""


def render_sizelaw(s: dict) -> str:
    parts = []
    for name, d in s["datasets"].items():
        cap = ""
        if d.get("capacity") and d["capacity"].get("exponent") is not None:
            cap = f"; stored bits ∝ N^{_f(d['capacity']['exponent'], 2)}"
        role = "control, known s = 1" if d["kind"] == "facts" else "Prop. 5 predicts s = 1/2"
        parts.append(
            f"{name} ({role}; {len(d['widths'])} widths, N = {min(d['N']):,}–{max(d['N']):,}, "
            f"D grid {min(d['grid']):,}–{max(d['grid']):,} {d['unit']}, "
            f"{d['steps']:,} steps{_longer(s, d)}, "
            f"σ² = {d['sigma2']}): "
            f"s = {_f(d['slope'], 2)}, 95 % interval {_ci(d['interval'])}; censored "
            f"{d['censored']['left']} left / {d['censored']['right']} right of "
            f"{d['censored']['of']}; {d.get('extended', 'n/a')} of {d['runs']} runs trained "
            f"longer, {d.get('unsettled', 'n/a')} still unsettled (their rows' D* intervals "
            f"widened){cap}"
        )
    return (
        f"- **sizelaw** ({s['claim']['status']}): D* ∝ N^s by App. G's rule (error at the end "
        f"of training < σ²), N = {s['n_kind']} parameters, {len(s['seeds'])} seeds; "
        + "; ".join(parts)
        + f". Verdict: {s['reason']}. ![sizelaw]({DOCS_REL}/sizelaw.png)"
    )


_RENDER = {"plateau": render_plateau, "radius": render_radius, "sizelaw": render_sizelaw}


def render_findings(summaries: dict[str, dict]) -> str:
    """The Markdown block (without the markers) for the given summaries."""
    presets = sorted({s.get("preset", "?") for s in summaries.values()})
    lines = [
        "<!-- generated by `beyond-scaling lab findings` from docs/lab/*.json: do not edit -->",
        f"What the {'/'.join(presets) or 'lab'} presets found (rerun with `beyond-scaling lab "
        "NAME --publish docs/lab`, then `beyond-scaling lab findings --write README.md`):",
        "",
    ]
    for name in EXPERIMENTS:
        if name in summaries:
            lines.append(_RENDER[name](summaries[name]))
        else:
            lines.append(f"- **{name}**: no published result (docs/lab/{name}.json is missing).")
    return "\n".join(lines) + "\n"


def extract_block(text: str, source: str = "README.md") -> str | None:
    """The text between the markers, or None when the markers are absent."""
    return blocks.extract_block(text, BLOCK, source)


def write_block(path: str | os.PathLike, block: str) -> None:
    """Replace the findings block of ``path`` with ``block`` (atomic write)."""
    blocks.write_block(path, BLOCK, block)
