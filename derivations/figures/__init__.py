"""Figures: the :class:`Figure` contract and :func:`render_figures`, for every paper's pack.

A figure lives in its paper's pack, one module per figure defining ``FIGURE = Figure(...)``
(see :mod:`derivations.figures.spec` for the contract), listed in the pack's
``Paper.figure_modules`` (the drawing order). This package holds what every figure shares:
the contract (``spec``), the writer (``io``: PNG, SVG, CSV, JSON with provenance) and the
style (``style``).

Usage (the CLI's ``plots`` and ``report`` commands)::

    from derivations.figures import render_figures
    records = render_figures("report", only=["prop123_bands"], seed=0)

writes ``report/figures/prop123_bands.{png,svg,csv,json}`` and returns one record per
figure (name, paper, title, caption, claim ids, file paths, summary) for
:func:`derivations.report.write_report`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence

from derivations.figures.spec import Figure, check_data
from derivations.interrupt import checkpoint

__all__ = ["Figure", "figures", "figure_names", "get_figure", "render_figures"]


def figures(papers: Sequence[str] | None = None) -> dict[str, tuple[str, Figure]]:
    """NAME → (paper id, Figure) for the given papers (all installed by default), in drawing
    order; figure names are unique across papers."""
    from derivations.engine.paper import _papers

    out: dict[str, tuple[str, Figure]] = {}
    for p in _papers(papers):
        for spec in p.figures():
            if spec.name in out:
                raise ValueError(
                    f"figure {spec.name!r} is defined by papers {out[spec.name][0]} and {p.id}"
                )
            out[spec.name] = (p.id, spec)
    return out


def figure_names(papers: Sequence[str] | None = None) -> list[str]:
    """The registered figure names, in drawing order."""
    return list(figures(papers))


def get_figure(name: str) -> Figure:
    """The registered :class:`Figure` called ``name``; ``ValueError`` naming the known ones."""
    reg = figures()
    try:
        return reg[name][1]
    except KeyError:
        raise ValueError(f"unknown figure {name!r}; known figures: {', '.join(reg)}") from None


@contextlib.contextmanager
def _torch_single_thread():
    """Run torch on one thread (restored after): the figures' tensors are small, and on a
    loaded 2-core machine the intra-op thread pool makes each tiny op take ~20 ms."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def render_figures(
    out_dir,
    only: Iterable[str] | None = None,
    seed: int = 0,
    progress: Callable[[str], object] | None = print,
    papers: Sequence[str] | None = None,
) -> list[dict]:
    """Compute, draw and write the figures of ``papers`` (all, or those named in ``only``)
    under ``out_dir/figures``. Returns one record per figure::

        {"name", "paper", "title", "claims", "caption", "description",
         "png", "svg", "csv", "json", "summary", "seconds"}

    ``progress`` receives one line per stage (``None`` for silence). Unknown names in
    ``only`` raise ``ValueError`` before anything is computed.
    """
    from derivations.engine.paper import installed_papers
    from derivations.figures.io import provenance, write_figure  # loads pyplot
    from derivations.figures.style import styled
    from derivations.jsonio import jsonable

    reg = figures(papers)
    names = list(reg) if only is None else list(dict.fromkeys(only))
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise ValueError(
            f"unknown figure {', '.join(map(repr, unknown))}; known figures: {', '.join(reg)}"
        )
    say = progress or (lambda _line: None)
    records = []
    for k, name in enumerate(names, 1):
        checkpoint()  # a Ctrl-C that something swallowed stops before the next figure
        paper, spec = reg[name]
        ref = installed_papers()[paper].ref
        t0 = time.perf_counter()
        say(f"[{k}/{len(names)}] {spec.name}: computing ...")
        with _torch_single_thread():
            data = spec.compute(seed)
        check_data(spec.name, data)
        caption = spec.caption(data)
        say(f"[{k}/{len(names)}] {spec.name}: drawing ...")
        with styled():
            fig = spec.draw(data)
            prov = provenance(seed, dict(spec.constants), ref)
            paths = write_figure(spec, data, fig, out_dir, prov, caption)
        seconds = time.perf_counter() - t0
        say(
            f"[{k}/{len(names)}] {spec.name}: wrote {paths['png']} (+ .svg .csv .json) "
            f"in {seconds:.1f} s"
        )
        records.append(
            {
                "name": spec.name,
                "paper": paper,
                "title": spec.title,
                "claims": list(spec.claims),
                "caption": caption,
                "description": spec.description,
                **paths,
                "summary": jsonable(data["summary"]),
                "seconds": round(seconds, 3),
            }
        )
    return records
