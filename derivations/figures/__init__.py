"""Figures of the verifier: a registry of :class:`Figure` specs and :func:`render_figures`.

Every figure lives in its own module ``derivations/figures/<name>.py`` defining
``FIGURE = Figure(...)`` (see :mod:`derivations.figures.spec` for the contract) and is
registered by adding its module name to :data:`FIGURE_MODULES` below; the order there is
the order figures are drawn and listed.

Usage (the CLI's ``plots`` and ``report`` commands)::

    from derivations.figures import render_figures
    records = render_figures("report", only=["prop123_bands"], seed=0)

writes ``report/figures/prop123_bands.{png,svg,csv,json}`` and returns one record per
figure (name, title, caption, claim ids, file paths, summary) for
:func:`derivations.report.write_report`.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterable

from derivations.figures.spec import Figure, check_data

__all__ = ["Figure", "FIGURE_MODULES", "FIGURES", "figure_names", "get_figure", "render_figures"]

#: Module names under ``derivations.figures``, each defining ``FIGURE``; drawing order.
FIGURE_MODULES: tuple[str, ...] = (
    "fig1_energy_landscapes",
    "prop123_bands",
    "cccp_iteration",
    "eq12_closed_form",
    "eq14_bounds",
    "unit_partition",
    "size_law",
    "prop4_cross_entropy",
    "eq1_table2",
    "eq6_layer_iterates",
)


def _load_registry() -> dict[str, Figure]:
    registry: dict[str, Figure] = {}
    for mod_name in FIGURE_MODULES:
        mod = importlib.import_module(f"{__name__}.{mod_name}")
        spec = getattr(mod, "FIGURE", None)
        if not isinstance(spec, Figure):
            raise TypeError(f"module {mod.__name__} must define FIGURE = Figure(...)")
        if spec.name != mod_name:
            raise ValueError(
                f"module {mod_name!r} defines a figure named {spec.name!r}; the two must agree"
            )
        registry[spec.name] = spec
    return registry


#: NAME -> Figure, in drawing order.
FIGURES: dict[str, Figure] = _load_registry()


def figure_names() -> list[str]:
    """The registered figure names, in drawing order."""
    return list(FIGURES)


def get_figure(name: str) -> Figure:
    """The registered :class:`Figure` called ``name``; ``ValueError`` naming the known ones."""
    try:
        return FIGURES[name]
    except KeyError:
        raise ValueError(f"unknown figure {name!r}; known figures: {', '.join(FIGURES)}") from None


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
) -> list[dict]:
    """Compute, draw and write the figures (all, or those named in ``only``) under
    ``out_dir/figures``. Returns one record per figure::

        {"name", "title", "claims", "caption", "description",
         "png", "svg", "csv", "json", "summary", "seconds"}

    ``progress`` receives one line per stage (``None`` for silence). Unknown names in
    ``only`` raise ``ValueError`` before anything is computed.
    """
    from derivations.figures.io import jsonable, provenance, write_figure  # loads pyplot
    from derivations.figures.style import styled

    names = list(FIGURES) if only is None else list(dict.fromkeys(only))
    specs = [get_figure(n) for n in names]
    say = progress or (lambda _line: None)
    records = []
    for k, spec in enumerate(specs, 1):
        t0 = time.perf_counter()
        say(f"[{k}/{len(specs)}] {spec.name}: computing ...")
        with _torch_single_thread():
            data = spec.compute(seed)
        check_data(spec.name, data)
        caption = spec.caption(data)
        say(f"[{k}/{len(specs)}] {spec.name}: drawing ...")
        with styled():
            fig = spec.draw(data)
            paths = write_figure(
                spec, data, fig, out_dir, provenance(seed, dict(spec.constants)), caption
            )
        seconds = time.perf_counter() - t0
        say(
            f"[{k}/{len(specs)}] {spec.name}: wrote {paths['png']} (+ .svg .csv .json) "
            f"in {seconds:.1f} s"
        )
        records.append(
            {
                "name": spec.name,
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
