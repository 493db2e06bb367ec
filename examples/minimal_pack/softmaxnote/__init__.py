"""An example claim pack: "A short note on softmax" (a fictitious paper, arXiv:0000.00000v1).

Three statements, one section, one vocabulary word of its own (``mean``). Read this with
README.md's "Add a paper pack".
"""

from derivations.engine import Paper, Section

PAPER = Paper(
    id="softmaxnote",
    title="A short note on softmax",
    authors="A. Example",
    arxiv="0000.00000",
    version="v1",
    year=2026,
    sections=(Section("main", "The note"),),
    claim_modules=("softmaxnote.claims",),
    summary="Three statements about LogSumExp and softmax, one of them false.",
)
