"""Where each printed page begins in the text: the EPUB's page-list comes from the print layout.

While WeasyPrint lays the print edition out, we note for every page its first piece of body text:
the element it belongs to (a path of child indexes from ``<html>`` in the parsed HTML) and how many
non-space characters of that element's own text come before it. The EPUB is made from the same HTML
string, parsed by the same parser (tinyhtml5), so the path finds the same element there and the
marker goes in front of the same word. Counting non-space characters makes the offset immune to
whitespace collapsing; hyphens added at line ends are recognised and not counted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from .weasy import page_text_boxes

HYPHENS = ("-", "\u2010", "\u00ad")


@dataclass(frozen=True)
class PageStart:
    page: int                # 1-based page number (the folio)
    path: tuple[int, ...]    # element children indexes from <html>
    offset: int              # non-space characters of the element's own text before the page begins


def element_paths(root: Element) -> dict[int, tuple[int, ...]]:
    paths: dict[int, tuple[int, ...]] = {}

    def index(el: Element, path: tuple[int, ...]) -> None:
        paths[id(el)] = path
        for i, child in enumerate(c for c in el if isinstance(c.tag, str)):
            index(child, (*path, i))

    index(root, ())
    return paths


def own_text(el: Element) -> str:
    """The element's own text (its text and its children's tails), without whitespace."""
    parts = [el.text or ""] + [c.tail or "" for c in el]
    return "".join("".join(parts).split())


def page_starts(root: Element, pages: list[Any]) -> list[PageStart | None]:
    """For each laid-out page, where its text begins (None for a page without body text)."""
    paths = element_paths(root)
    consumed: dict[int, int] = {}
    texts: dict[int, str] = {}
    starts: list[PageStart | None] = []
    for number, page in enumerate(pages, 1):
        first: PageStart | None = None
        for box in page_text_boxes(page):
            key = id(box.element)
            if key not in paths:
                continue
            if key not in texts:
                texts[key] = own_text(box.element)
            done = consumed.get(key, 0)
            piece = "".join(box.text.split())
            if not piece:
                continue
            if first is None:
                first = PageStart(number, paths[key], done)
            dom = texts[key]
            if dom.startswith(piece, done):
                consumed[key] = done + len(piece)
            elif piece[-1] in HYPHENS and dom.startswith(piece[:-1], done):
                consumed[key] = done + len(piece) - 1
            else:
                consumed[key] = done + len(piece)
        starts.append(first)
    return starts


def locate(root: Element, path: tuple[int, ...]) -> Element | None:
    el = root
    for i in path:
        kids = [c for c in el if isinstance(c.tag, str)]
        if i >= len(kids):
            return None
        el = kids[i]
    return el


def insert_at(el: Element, offset: int, marker: Element) -> None:
    """Insert ``marker`` into ``el`` before its own text's non-space character number ``offset``, moved back
    to the start of the word when the page begins inside one (a word hyphenated across two pages:
    "im|plement" gets its marker before "implement")."""
    segments: list[tuple[int, str]] = [(-1, el.text or "")] + [(i, c.tail or "") for i, c in enumerate(el)]
    remaining = offset
    for owner, text in segments:
        count = len("".join(text.split()))
        if remaining < count or (remaining == 0 and count == 0 and owner == -1):
            cut = _word_start(text, _index_of_nonspace(text, remaining))
            before, after = text[:cut], text[cut:]
            marker.tail = after
            if owner == -1:
                el.text = before
                el.insert(0, marker)
            else:
                el[owner].tail = before
                el.insert(owner + 1, marker)
            return
        remaining -= count
    el.append(marker)


def _in_word(ch: str) -> bool:
    """A letter or digit of a script that separates words by spaces (not CJK: any character boundary is one)."""
    return (ch.isalnum() or ch in "\u00ad'\u2019") and unicodedata.east_asian_width(ch) not in ("W", "F")


def _word_start(text: str, cut: int) -> int:
    while 0 < cut < len(text) and _in_word(text[cut - 1]) and _in_word(text[cut]):
        cut -= 1
    return cut


def _index_of_nonspace(text: str, n: int) -> int:
    seen = 0
    for i, ch in enumerate(text):
        if not ch.isspace():
            if seen == n:
                return i
            seen += 1
    return len(text)
