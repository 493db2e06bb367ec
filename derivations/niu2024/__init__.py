"""The claim pack of Niu, Bai, Deng, Han, "Beyond Scaling Laws: Understanding Transformer
Performance with Associative Memory", arXiv:2405.08707v2.

One module per part of the paper (each defines ``SECTION`` and ``claims()``); the figures
are the modules of :mod:`derivations.niu2024.figures` that define ``FIGURE`` (found
automatically). Found by the engine through the entry point
``niu2024`` of the group ``beyond_scaling.papers``.
"""

from derivations.engine.paper import Paper, Section

PAPER = Paper(
    id="niu2024",
    title="Beyond Scaling Laws: Understanding Transformer Performance with Associative Memory",
    authors="Xueyan Niu, Bo Bai, Lei Deng, Wei Han",
    arxiv="2405.08707",
    version="v2",
    year=2024,
    sections=(
        Section("A", "Appendix A — the LogSumExp lemmas"),
        Section("4", "Section 4 — energies (Propositions 1–3)"),
        Section("4-layers", "Section 4 — layers, Eq. (6)–(8)"),
        Section("5-balls", "Section 5 and Appendix D — balls, volumes, partition functions"),
        Section("5-prop4", "Section 5 — Proposition 4 (the loss floor) and Eq. (15)"),
        Section("5-prop5", "Section 5 — Proposition 5 (N = O(D²))"),
        Section("numbers", "The printed numbers — Eq. (1), Tables 2–3, Appendices E–F"),
        Section("ext", "Extensions (ours, beyond the paper)"),
    ),
    claim_modules=tuple(
        f"derivations.niu2024.{m}"
        for m in (
            "lemmas",
            "energies",
            "layers",
            "special",
            "integrals",
            "prop4",
            "eq10",
            "prop5",
            "printed",
            "cccp",
        )
    ),
    figure_package="derivations.niu2024.figures",
    summary="Models each Transformer block as an associative memory, builds a layered global "
    "energy, and derives a floor on the cross-entropy loss and a size law N = O(D²).",
)
