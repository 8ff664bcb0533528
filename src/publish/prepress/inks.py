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
from collections.abc import Callable
from functools import cache

Ink = tuple[float, float, float, float]

_NUMBER = rb"([+-]?(?:\d+\.?\d*|\.\d+))"
_COLOUR = re.compile(
    rb"(\((?:[^()\\]|\\.)*)(?=\))"            # a literal string: stepped over (its ")" may precede a colour)
    rb"|([\s\]>)])" + _NUMBER + rb"\s+" + _NUMBER + rb"\s+" + _NUMBER + rb"\s+(rg|RG)(?![^\s\[(/<%])",
    re.S)
"""The token before the operands is matched (and put back), not looked behind at every position: a pattern
that begins with a character class lets the regex engine skip ahead (a quarter less time on 100 profiles'
pages). The streams are matched with a newline before them (the start of a stream is a token boundary)."""
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
    changed = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal changed
        if match.group(1) is not None:
            return match.group(0)
        changed += 1
        values = ink((float(match.group(3)), float(match.group(4)), float(match.group(5))), interior)
        op = b"k" if match.group(6) == b"rg" else b"K"
        return match.group(2) + b" ".join(_number(v) for v in values) + b" " + op

    out = _COLOUR.sub(replace, data)
    return out[1:], changed


def names(data: bytes) -> set[str]:
    """Every name token of a content stream (a superset of the resource names it uses)."""
    return {"/" + n.decode("latin-1") for n in _NAME.findall(data)}


def converter(interior: str) -> Callable[[list[float]], list[float]]:
    """The same inks for pikepdf's parsed operands (the slow path)."""
    def convert(values: list[float]) -> list[float]:
        return list(ink((values[0], values[1], values[2]), interior))

    return convert
