"""What every reader produces: an article as a list of located text blocks.

A reader knows its format (plain text, Markdown, HTML, DOCX) and nothing about profiles; the mapper
(:mod:`publish.importer.mapping`) knows profiles and nothing about formats. Between them is this
small vocabulary: a :class:`Block` is one paragraph, heading or list item with the line it starts on
(for DOCX, the paragraph's number) and the heading level or list marker the format made explicit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Location, Problem, PublishError, Severity

BlockKind = Literal["para", "heading", "item"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the article, as the format gave it."""

    text: str
    """The text, cleaned (one line, single spaces); inline Markdown for emphasis and links."""
    line: int
    """Where it starts: a 1-based line, or for DOCX the paragraph's number."""
    kind: BlockKind = "para"
    """``heading`` when the format marked it so (Markdown ``#``, HTML ``<h2>``, a Word heading style)."""
    level: int = 0
    """The heading level when known."""
    marker: str | None = None
    """The list marker the text started with or the format gave (``-``, ``1.``), removed from ``text``."""


@dataclass
class Article:
    """A raw article read into blocks, with what the reader dropped as page clutter."""

    path: Path
    shown: str
    """The path as shown in messages."""
    blocks: list[Block]
    unit: str = "line"
    """What :attr:`Block.line` counts: ``line`` or ``paragraph`` (DOCX)."""
    dropped: list[Block] = field(default_factory=list)
    """Blocks removed as clutter (image names, embedded images), for the report."""

    def at(self, block: Block) -> Location:
        return Location(self.shown, block.line)


class ArticleError(PublishError):
    """An article that cannot be read or a profile that would be overwritten: nothing is written."""

    category = "import"
    exit_code = 1


def unreadable(shown: str, message: str, line: int | None = None) -> ArticleError:
    return ArticleError([Problem(Location(shown, line), Severity.ERROR, message, "import.unreadable")])


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad]")
_SPACES = re.compile(r"\s+")
IMAGE_NAME = re.compile(r"^\S+\.(?:png|jpe?g|gif|webp|svg|bmp)$", re.IGNORECASE)
"""A line that is only an image's file name: what a web page leaves where a picture was."""


_BULLET = re.compile(r"^(?:[-–—•·▪●]\s*|\*\s+)(?=[^\s\d])")
"""A bullet typed into the text (``-Member``, ``• Member``); ``*`` only with a space (``*emphasis*`` is not)."""
_NUMBER = re.compile(r"^(\d{1,2})\s*[.、)）]\s*(?=[^\W\d_]|[\"“‘'])")


def split_marker(text: str) -> tuple[str, str | None]:
    """``- item`` → (``item``, ``-``); ``3.The Three-Heart…`` → (``The Three-Heart…``, ``3.``)."""
    if m := _BULLET.match(text):
        return text[m.end():], "-"
    if m := _NUMBER.match(text):
        return text[m.end():], f"{m.group(1)}."
    return text, None


_CLOSED = re.compile(r"[.!?。！？:：;；\"”’)\]]$")


def normalise(blocks: list[Block]) -> list[Block]:
    """The same blocks whatever the format: list markers typed into the text taken off, and the
    paragraphs a page made of one broken sentence joined again — after a comma always, and without
    closing punctuation when the next one starts in lower case."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "para" and block.marker is None:
            text, marker = split_marker(block.text)
            block = Block(text, block.line, marker=marker) if marker else block
        previous = out[-1] if out else None
        if previous is not None and _continues(previous, block):
            out[-1] = Block(f"{previous.text} {block.text}", previous.line, marker=previous.marker)
        else:
            out.append(block)
    return out


def _continues(previous: Block, block: Block) -> bool:
    if previous.kind != "para" or block.kind != "para" or block.marker is not None:
        return False
    return previous.text.endswith(",") or (not _CLOSED.search(previous.text) and block.text[:1].islower())


def clean(text: str) -> str:
    """One line of text: NFC, no zero-width characters, every run of white space (NBSP too) one space."""
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def read_utf8(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(shown, f"cannot read the article: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise unreadable(shown, f"not UTF-8 text (byte {exc.start}): save the article as UTF-8", line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
