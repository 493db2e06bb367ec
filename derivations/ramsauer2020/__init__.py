"""The claim pack of Ramsauer et al., "Hopfield Networks is All You Need",
arXiv:2008.02217v3 (ICLR 2021). Work in progress: the claims are being written."""

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
    sections=(Section("energy", "Energy and global convergence"),),
    claim_modules=(),
)
