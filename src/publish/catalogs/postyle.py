"""How a catalogue is laid out, kept from one save to the next.

Poedit (through its own writer), Weblate (translate-toolkit), polib and a text editor each wrap
lines differently; ``msgcat`` rewraps everything to its own width. So that a command with nothing
to change changes no byte, and one that changes an entry changes only that entry:

- the file's wrapping is detected (the ``msgcat`` width that reproduces most of its entries, or
  no wrapping), unless the project forces a width;
- every entry whose content is unchanged keeps its bytes exactly as the file had them
  (:func:`splice`); new and changed entries are written in the detected style;
- the header keeps the field order of the file (a new file gets GNU msgmerge's order), whichever
  command writes it;
- location comments (``#:``) are kept as ``full`` (file and line), ``file`` (file only: inserting a
  line above no longer changes every catalogue) or ``never``, like msgmerge's ``--add-location``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Locations = Literal["full", "file", "never"]
WIDTHS = (79, 78, 77, 76, 80)
"""Widths tried when detecting a file's wrapping: GNU's default first, then what editors use."""

POLIB = -1
"""The "width" that stands for polib's writer (78 columns, its own line breaking)."""

GNU_HEADER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                    "Content-Transfer-Encoding", "Plural-Forms")


@dataclass(frozen=True)
class Style:
    """How to write a catalogue. ``width`` None means "detect from the file" and 0 "no wrapping"."""

    width: int | None = None
    locations: Locations | None = None
    """None: keep what the file has (file-only references stay file-only)."""


def blocks(text: str) -> list[str]:
    """The entries of a PO text (the header first), as written, without the blank lines between."""
    return [b for b in re.split(r"\n[ \t]*\n+", text.strip("\n")) if b.strip()]


def join(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


def detect_locations(text: str) -> Locations | None:
    refs = re.findall(r"^#: (.*)$", text, re.MULTILINE)
    if not refs:
        return None
    return "full" if any(re.search(r":\d+(\s|$)", r) for r in refs) else "file"


def apply_locations(text: str, locations: Locations | None) -> str:
    """``#:`` lines as ``locations`` asks (no-wrap text: one reference list per line)."""
    if locations in (None, "full"):
        return text
    if locations == "never":
        return re.sub(r"^#: .*\n", "", text, flags=re.MULTILINE)

    def files_only(m: re.Match[str]) -> str:
        names = dict.fromkeys(re.sub(r":\d+$", "", ref) for ref in m.group(1).split())
        return "#: " + " ".join(names) + "\n"

    return re.sub(r"^#: (.*)\n", files_only, text, flags=re.MULTILINE)


_FIELD = re.compile(r'^"([A-Za-z][\w-]*): ', re.MULTILINE)


def header_order(text: str) -> list[str]:
    first = blocks(text)[:1]
    return _FIELD.findall(first[0]) if first else []


def reorder_header(text: str, order: list[str] | tuple[str, ...]) -> str:
    """The header fields of a no-wrap PO text in ``order`` (fields it does not name keep their place
    after those it names)."""
    parts = blocks(text)
    if not parts or 'msgid ""' not in parts[0]:
        return text
    lines = parts[0].split("\n")
    fields = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _FIELD.match(line))]
    if not fields:
        return text
    rank = {name: n for n, name in enumerate(order)}
    ordered = sorted(fields, key=lambda f: (rank.get(f[1], len(rank)), f[0]))
    new = list(lines)
    for (slot, _), (src, _) in zip(fields, ordered, strict=True):
        new[slot] = lines[src]
    parts[0] = "\n".join(new)
    return join(parts)


def splice(original: str, original_flat: str, new_flat: str, new_wrapped: str) -> str:
    """``new_wrapped``, except that every entry whose content (its no-wrap form) is unchanged from
    ``original`` keeps the original's bytes."""
    old, old_flat = blocks(original), blocks(original_flat)
    flat, wrapped = blocks(new_flat), blocks(new_wrapped)
    if len(old) != len(old_flat) or len(flat) != len(wrapped):
        return new_wrapped
    kept = dict(zip(old_flat, old, strict=True))
    return join([kept.get(f, w) for f, w in zip(flat, wrapped, strict=True)])


def best_width(original: str, rewrapped: dict[int, str]) -> int:
    """The width (0: no wrapping) whose ``msgcat`` output reproduces most entries of ``original``."""
    mine = set(blocks(original))
    scores = {w: sum(b in mine for b in blocks(text)) for w, text in rewrapped.items()}
    return max(scores, key=lambda w: (scores[w], w == WIDTHS[0]))
