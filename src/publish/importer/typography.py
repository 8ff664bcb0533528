"""Typewriter quotes → typographic ones, as editors set them: ``"…"`` → ``“…”``, ``don't`` → ``don’t``.

Only what is certain is changed: apostrophes between letters, and double quotes in a paragraph
that has an even number of them (each opens after a space or an opening bracket, else closes).
A paragraph with an odd number (a quotation running over paragraphs, or one left open) keeps its
straight double quotes and is reported. Link targets (``](…)``) are left alone.
"""

from __future__ import annotations

import re

_LINK_TARGET = re.compile(r"(\]\([^)]*\))")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_OPENS_AFTER = " \t([{—–-/“‘"


def curl(text: str) -> tuple[str, bool]:
    """(the text with typographic quotes, whether its straight double quotes were balanced)."""
    parts = _LINK_TARGET.split(text)
    prose = [p for p in parts if not _LINK_TARGET.fullmatch(p)]
    balanced = sum(p.count('"') for p in prose) % 2 == 0
    out = []
    for part in parts:
        if _LINK_TARGET.fullmatch(part):
            out.append(part)
            continue
        part = _APOSTROPHE.sub("’", part)
        if balanced and '"' in part:
            part = "".join(_double(part, i) if c == '"' else c for i, c in enumerate(part))
        out.append(part)
    return "".join(out), balanced


def _double(text: str, i: int) -> str:
    return "“" if i == 0 or text[i - 1] in _OPENS_AFTER else "”"
