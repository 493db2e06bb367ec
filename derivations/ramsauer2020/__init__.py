"""The claim pack of Ramsauer et al., "Hopfield Networks is All You Need", arXiv:2008.02217v3
(ICLR 2021).

One module per part of the paper (each defines ``SECTION`` and ``claims()``); the pack's
vocabulary is :mod:`derivations.ramsauer2020.words`, its instance strategies
:mod:`~derivations.ramsauer2020.domains`, its certified decisions (printed numbers, interval
bounds, Monte Carlo tests) :mod:`~derivations.ramsauer2020.certified`; the figures live in
:mod:`derivations.ramsauer2020.figures`. Found by the engine through the entry point
``ramsauer2020`` of the group ``beyond_scaling.papers``.
"""

from derivations.engine.paper import Paper, Section

PAPER = Paper(
    id="ramsauer2020",
    title="Hopfield Networks is All You Need",
    authors="Hubert Ramsauer, Bernhard Schäfl, Johannes Lehner, Philipp Seidl, Michael Widrich, "
    "Thomas Adler, Lukas Gruber, Markus Holzleitner, Milena Pavlović, Geir Kjetil Sandve, "
    "Victor Greiff, David Kreil, Michael Kopp, Günter Klambauer, Johannes Brandstetter, "
    "Sepp Hochreiter",
    arxiv="2008.02217",
    version="v3",
    year=2020,
    size_names=("N", "d"),
    sections=(
        Section("energy", "§2–3, A.1.1–A.1.3 — energy, update, global convergence, Eq. 10"),
        Section("local", "A.1.4 — local convergence: Lemmas A2–A7"),
        Section("metastable", "A.1.4 — metastable states: Lemmas A8–A12"),
        Section("capacity", "§3, A.1.5 — storage capacity: Theorems 3, A3–A7, Lemmas A13–A17"),
        Section("retrieval", "§3, A.1.6 — one-step retrieval: Theorems 4–5"),
        Section("toolbox", "A.2 — the toolbox: Lemmas A18–A32"),
        Section("cited", "Results taken from other papers"),
    ),
    claim_modules=tuple(
        f"derivations.ramsauer2020.{m}"
        for m in (
            "energy",
            "asymptotic",
            "local",
            "local_readings",
            "metastable",
            "printed",
            "capacity",
            "dimension",
            "montecarlo",
            "retrieval",
            "toolbox",
        )
    ),
    figure_modules=tuple(
        f"derivations.ramsauer2020.figures.{m}"
        for m in ("ramsauer_retrieval", "ramsauer_storage", "ramsauer_energy_descent")
    ),
    summary="Introduces a continuous modern Hopfield network whose update equals transformer "
    "attention, and proves convergence, one-step retrieval and exponential storage capacity.",
)
