"""LaTeX to MathML for the report, on this machine (no network), with a whitelist.

``latex2mathml`` converts; the result is parsed and rebuilt keeping only MathML Core
elements and presentation attributes (no namespaces, no URLs). Anything that does not
convert is returned as ``None`` and shown as its LaTeX source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["latex_to_mathml", "split_conjunction"]

_MATHML_TAGS = {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mtable",
    "mtr",
    "mtd",
    "mpadded",
    "mphantom",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
    "semantics",
    "annotation",
    "menclose",
}
_MATHML_ATTRS = {
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "form",
    "separator",
    "lspace",
    "rspace",
    "width",
    "height",
    "depth",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "displaystyle",
    "scriptlevel",
    "accent",
    "accentunder",
    "movablelimits",
    "symmetric",
    "largeop",
    "notation",
    "minsize",
    "maxsize",
    "columnlines",
    "rowlines",
    "frame",
    "encoding",
}


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(elem: ET.Element) -> ET.Element:
    tag = _strip_ns(elem.tag)
    if tag not in _MATHML_TAGS:
        raise ValueError(f"unexpected element {tag!r} in MathML")
    out = ET.Element(tag)
    for k, v in elem.attrib.items():
        name = _strip_ns(k)
        if name in _MATHML_ATTRS and "url(" not in v and ":" not in v:
            out.set(name, v)
    out.text = elem.text
    out.tail = elem.tail
    for child in elem:
        out.append(_clean(child))
    return out


def latex_to_mathml(latex: str, display: bool = False) -> str | None:
    """MathML for ``latex`` (no namespace URL, whitelisted elements/attributes), or ``None``
    when ``latex2mathml`` is missing or the conversion fails or yields unexpected markup."""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    try:
        raw = convert(latex, display="block" if display else "inline")
        root = _clean(ET.fromstring(raw))
    except Exception:  # any failure: show the LaTeX source instead
        return None
    root.set("display", "block" if display else "inline")
    return ET.tostring(root, encoding="unicode", method="xml", short_empty_elements=False)


def split_conjunction(latex: str) -> list[str]:
    """A statement ``A ∧ B`` (the engine joins parts with ``\\;\\wedge\\;``) as its parts."""
    parts = [p.strip() for p in re.split(r"\\;\\wedge\\;", latex)]
    return [p for p in parts if p]
