"""The lab: the paper's experiments (App. F.1, F.2 and the Table 3 protocol) at laptop scale.

Modules, one job each:

==================  =========================================================================
``data``            Question Formation read from its folder (errors name file and line),
                    the LM encoding of Murty et al. 2023, random key → value facts
``pcfg``            the QF grammar ``question.gr`` as an exact PCFG (entropy, probabilities)
``sampled``         QF lines sampled from the grammar, with their exact probabilities
``floors``          loss floors: exact (sampled lines) and the upper estimate (McCoy's file)
``model``           a tiny decoder-only Transformer
``train``           deterministic, cached training
``runner``          many trainings: a local process pool or Ray
``common``          presets, provenance, figures, and the output folder written atomically
``plateau``         App. F.2: the loss plateau against the data's entropy
``hf`` ``radius``   App. F.1: nearest-neighbour radii of a pretrained model's activations
``sizefit``         App. G's D* rule (``theory.sizes.d_star``), censored fits, intervals
``sizelaw``         the Table 3 protocol with a control of known exponent
``findings``        the README's findings, rendered from the committed summaries
``cli``             ``beyond-scaling lab …``
==================  =========================================================================

Importing the package imports nothing heavy; torch is loaded by the submodules.
"""

from __future__ import annotations

import os
from pathlib import Path

EXPERIMENTS = ("plateau", "radius", "sizelaw")


class LabUnavailableError(RuntimeError):
    """Something an experiment needs is missing (a model, Ray, a CUDA device)."""


class LabDataError(ValueError):
    """A data file is malformed or missing: the message names the file, the line (when there
    is one) and what was expected."""

    def __init__(
        self, path: str | os.PathLike, line: int | None, problem: str, expected: str
    ) -> None:
        self.path, self.line, self.problem, self.expected = str(path), line, problem, expected
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}; expected {expected}")


def text_lines(
    path: str | os.PathLike, what: str = "UTF-8 text", keep_blank: bool = False
) -> list[tuple[int, str]]:
    """(line number, text) of the lines of a UTF-8 text file (blank ones left out unless
    ``keep_blank``); ``LabDataError`` naming the line for bytes that are not UTF-8 or a NUL
    byte (binary data). ``what`` says what the file should hold."""
    p = Path(path)
    out = []
    for k, raw in enumerate(p.read_bytes().split(b"\n"), 1):
        try:
            line = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as e:
            raise LabDataError(
                p, k, f"byte 0x{raw[e.start]:02x} at column {e.start + 1} is not UTF-8", what
            ) from None
        if "\x00" in line:
            raise LabDataError(p, k, "a NUL byte (binary data)", what)
        if keep_blank or line.strip():
            out.append((k, line))
    return out
