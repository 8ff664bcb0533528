"""RGB colour operators of a PDF content stream rewritten in DeviceCMYK, for the print file derived
from the digital one (:mod:`publish.prepress.derive`).

The content streams WeasyPrint writes set colours with ``r g b rg`` / ``RG`` (sRGB), one operator a
line, and show text as hex strings (the tagged file adds empty literal strings in ``TJ`` arrays):
a regular expression that steps over literal strings finds every colour operator without parsing
the stream into Python objects (a page's stream is 10–150 KB). A stream that sets colours any other
way (``/DeviceRGB cs`` then ``sc``, inline images) goes through pikepdf's parser instead
(:func:`publish.prepress.finish.rgb_to_cmyk`).

The inks: neutral greys in black ink only (``0 0 0 rg`` → ``0 0 0 1 k``: type stays single-ink, as
the print edition always set it); other colours through the output intent's profile (FOGRA39, with
LittleCMS) for a colour interior, or as the grey of their luma in black ink for a black-and-white one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache

Ink = tuple[float, float, float, float]

_NUMBER = rb"([+-]?(?:\d+\.?\d*|\.\d+))"
_OPERATOR = re.compile(rb"(?:rg|RG)(?![^\s\[(/<%])")
_OPERANDS = re.compile(rb"([\s\]>)])" + _NUMBER + rb"\s+" + _NUMBER + rb"\s+" + _NUMBER + rb"\s+")
_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*(?=\))", re.S)
"""A colour operator is found by its name (a fast literal search), then its three operands just before it (a
token before them: whitespace, ``]``, ``>`` or ``)``); one inside a literal string is left as it is. This finds
what one left-to-right scan for ``literal string | operands + operator`` finds (the tests compare the two on
real and random streams) in a quarter of its time: that scan tried the operands' pattern at every blank."""
_SLOW = re.compile(rb"[\s\]>)](?:/DeviceRGB\s+(?:cs|CS)|BI)(?![^\s\[(/<%])")
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")


@cache
def ink(rgb: tuple[float, float, float], interior: str) -> Ink:
    """The CMYK ink of an sRGB colour (components 0–1) for a ``bw`` or ``colour`` interior."""
    r, g, b = rgb
    if abs(r - g) < 1e-6 and abs(g - b) < 1e-6:
        return (0.0, 0.0, 0.0, round(1 - r, 4))
    if interior == "bw":
        return (0.0, 0.0, 0.0, round(1 - (0.299 * r + 0.587 * g + 0.114 * b), 4))
    from .coverwrap import cmyk

    return cmyk((round(r * 255), round(g * 255), round(b * 255)))


def _number(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def rewrite(data: bytes, interior: str) -> tuple[bytes, int] | None:
    """``data`` with every ``rg``/``RG`` in CMYK, and how many were changed; None when the stream sets
    colours in a way only a parser follows (the caller uses :func:`publish.prepress.finish.rgb_to_cmyk`)."""
    data = b"\n" + data
    if _SLOW.search(data):
        return None
    spans = [m.span() for m in _LITERAL.finditer(data)] if b"(" in data else []
    starts = [a for a, _ in spans]
    pieces: list[bytes] = []
    last = changed = 0
    for op in _OPERATOR.finditer(data):
        found = _operands(data, last, op.start())
        if found is None:
            continue
        if spans:   # inside a literal string: text, not an operator
            i = bisect_right(starts, found.start()) - 1
            if i >= 0 and found.start() < spans[i][1]:
                continue
        values = ink((float(found.group(2)), float(found.group(3)), float(found.group(4))), interior)
        pieces += [data[last:found.start()], found.group(1), b" ".join(_number(v) for v in values),
                   b" k" if op.group(0) == b"rg" else b" K"]
        last = op.end()
        changed += 1
    pieces.append(data[last:])
    return b"".join(pieces)[1:], changed


def _operands(data: bytes, low: int, end: int) -> re.Match[bytes] | None:
    """The three numbers (and the token before them) that end right at ``end``, starting at ``low`` or later:
    looked for in a window before ``end``, widened while it holds none (their start is unique: the third number
    back from the operator, after whitespace or a delimiter)."""
    window = 64
    while True:
        begin = max(low, end - window)
        found = _OPERANDS.search(data, begin, end)
        while found is not None and found.end() != end:
            found = _OPERANDS.search(data, found.start() + 1, end)
        if found is not None or begin == low:
            return found
        window *= 4


def names(data: bytes) -> set[str]:
    """Every name token of a content stream (a superset of the resource names it uses)."""
    return {"/" + n.decode("latin-1") for n in _NAME.findall(data)}


def converter(interior: str) -> Callable[[list[float]], list[float]]:
    """The same inks for pikepdf's parsed operands (the slow path)."""
    def convert(values: list[float]) -> list[float]:
        return list(ink((values[0], values[1], values[2]), interior))

    return convert
