"""Formulas inside free text (readings, evidence, step reasons) shown as formulas.

Text may hold TeX-like formulas — ``E_t = e^{−g_t}/Z_t``, ``2π^{n/2}γ(n, r)/Γ(n/2)`` — or
explicit ``$…$`` math. :func:`segments` splits a text into plain and math parts (a math part
is ``$…$`` or a word holding ``^{``, ``_{`` or a ``\\command``); :func:`to_html` renders the
math parts as MathML (plain parts escaped), :func:`to_markdown` as ``$…$``, and
:func:`to_unicode` as Unicode super- and subscripts for the terminal.
"""

from __future__ import annotations

import html
import re

from derivations.engine.render import sub, sup
from derivations.report.mathml import latex_to_mathml

__all__ = ["segments", "to_html", "to_markdown", "to_unicode"]

_TOKEN = re.compile(r"\$([^$\n]+)\$|(\S*(?:\^\{|_\{|\\[A-Za-z]+)\S*)")
_CLOSE = {")": "(", "]": "[", "}": "{"}
_CMD_TEXT = {
    r"\pi": "π",
    r"\gamma": "γ",
    r"\Gamma": "Γ",
    r"\lambda": "λ",
    r"\beta": "β",
    r"\rho": "ρ",
    r"\Delta": "Δ",
    r"\xi": "ξ",
    r"\infty": "∞",
    r"\le": "≤",
    r"\ge": "≥",
    r"\cdot": "·",
    r"\log": "log",
    r"\exp": "exp",
    r"\sum": "Σ",
    r"\max": "max",
    r"\min": "min",
    r"\sqrt": "√",
    r"\operatorname": "",
    r"\mathrm": "",
}


def _trim(tok: str) -> tuple[str, str]:
    """A math word without trailing punctuation or unbalanced closing brackets."""
    tail = ""
    while tok:
        c = tok[-1]
        if c in ",;:." or (c in _CLOSE and tok.count(c) > tok.count(_CLOSE[c])):
            tail = c + tail
            tok = tok[:-1]
        else:
            break
    return tok, tail


def _lead(tok: str) -> int:
    """The length of a math word's prefix that closes a bracket opened before the word
    (``1)e^{−x}`` in "(N − 1)e^{−x}"): that prefix is text, not part of the formula."""
    depth, cut = 0, 0
    for n, c in enumerate(tok):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                depth, cut = 0, n + 1
    return cut


def _extend(text: str, end: int, tok: str) -> int:
    """Where a formula ends that opens more brackets than it closes: its words continue
    (across spaces) until they balance, within 40 characters."""
    depth = sum(tok.count(a) - tok.count(b) for a, b in ("()", "{}", "[]"))
    j = end
    while depth > 0 and j < len(text) and j - end < 40 and text[j] != "\n":
        depth += {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}.get(text[j], 0)
        j += 1
    if depth:
        return end
    while j < len(text) and not text[j].isspace():
        j += 1
    return j


def segments(text: str) -> list[tuple[str, str]]:
    """[("text", …) | ("math", latex), …] covering ``text`` in order."""
    out: list[tuple[str, str]] = []
    pos = 0
    while True:
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        if m.group(1) is not None:
            math, tail, end = m.group(1), "", m.end()
        else:
            end = _extend(text, m.end(), m.group(2))
            math, tail = _trim(text[m.start() : end])
        start = m.start()
        if m.group(1) is None and (cut := _lead(math)):
            start, math = start + cut, math[cut:]
        if start > pos:
            out.append(("text", text[pos:start]))
        if math:
            out.append(("math", math))
        if tail:
            out.append(("text", tail))
        pos = end
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def _as_latex(math: str) -> str:
    return math.replace("−", "-").replace("·", r"\cdot ").replace("…", r"\ldots ")


def to_html(text) -> str:
    """``text`` as HTML: plain parts escaped, formulas as inline MathML."""
    out = []
    for kind, s in segments(str(text)):
        mml = latex_to_mathml(_as_latex(s)) if kind == "math" else None
        out.append(mml if mml is not None else html.escape(s, quote=True))
    return "".join(out)


def to_markdown(text, escape) -> str:
    """``text`` as Markdown: plain parts through ``escape``, formulas as ``$…$``."""
    return "".join(
        f"${_as_latex(s)}$" if kind == "math" else escape(s) for kind, s in segments(str(text))
    )


def _braced(s: str, i: int) -> tuple[str, int]:
    depth, j = 0, i
    while j < len(s):
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth == 0:
            return s[i + 1 : j], j + 1
        j += 1
    return s[i + 1 :], len(s)


def _unicode_math(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c in "^_" and i + 1 < len(s):
            if s[i + 1] == "{":
                inner, i = _braced(s, i + 1)
            else:
                inner, i = s[i + 1], i + 2
            inner = _unicode_math(inner)
            out.append(sup(inner) if c == "^" else sub(inner))
            continue
        if c == "\\":
            m = re.match(r"\\[A-Za-z]+", s[i:])
            if m:
                out.append(_CMD_TEXT.get(m.group(0), m.group(0)[1:]))
                i += len(m.group(0))
                continue
        if c in "{}":
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def to_unicode(text) -> str:
    """``text`` for a terminal: formulas with Unicode super- and subscripts."""
    return "".join(_unicode_math(s) if kind == "math" else s for kind, s in segments(str(text)))
