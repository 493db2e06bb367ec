"""Generated blocks inside a hand-written Markdown file (README.md).

A block is the text between a ``<!-- NAME:begin -->`` and a ``<!-- NAME:end -->`` marker.
The tool renders it from its own results (the verdicts, the lab's summaries), and a test
checks that the file holds exactly that rendering, so the README's numbers cannot drift from
what the code prints.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["markers", "extract_block", "write_block"]


def markers(name: str) -> tuple[str, str]:
    """The (begin, end) markers of block ``name``."""
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def extract_block(text: str, name: str, source: str = "README.md") -> str | None:
    """The text between block ``name``'s markers, or None when both are absent; ValueError
    when they are malformed (one missing, out of order, repeated)."""
    begin, end = markers(name)
    if begin not in text and end not in text:
        return None
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0 or j < i or text.count(begin) != 1 or text.count(end) != 1:
        raise ValueError(f"{source}: expected one {begin} followed by one {end}")
    return text[i + len(begin) : j].strip("\n") + "\n"


def write_block(path: str | os.PathLike, name: str, block: str) -> None:
    """Replace block ``name`` of the file ``path`` with ``block`` (an atomic write)."""
    from derivations.jsonio import write_text_atomic

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    begin, end = markers(name)
    if extract_block(text, name, str(p)) is None:
        raise ValueError(f"{p}: no {begin} … {end} markers; add them where the block goes")
    i, j = text.find(begin), text.find(end)
    write_text_atomic(p, text[: i + len(begin)] + "\n" + block.rstrip("\n") + "\n" + text[j:])
