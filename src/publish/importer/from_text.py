"""Plain text as copied from a web page: one paragraph per line, blank lines optional.

What the copy leaves behind is handled here: embedded ``<image>`` tags and lines that are only an
image's file name are dropped (and listed), list markers (``-``, ``•``, ``1.``) are taken off into
:attr:`Block.marker`, and lines a page broke in the middle of a sentence are joined again — a line
ending with a comma always continues, a line without closing punctuation continues when the next
line starts in lower case.
"""

from __future__ import annotations

import re
from pathlib import Path

from .article import IMAGE_NAME, Article, Block, clean, read_utf8

_EMBEDDED = re.compile(r"<([\w:]+)[^>]*>.*?</\1>|<[\w:]+[^>]*/>", re.DOTALL)
_BULLET = re.compile(r"^[-–—•·*▪●]\s*(?=\S)")
_NUMBER = re.compile(r"^(\d{1,2})\s*[.、)）]\s*(?=[^\W\d_]|[\"“‘'])")
_CLOSED = re.compile(r"[.!?。！？:：;；\"”’)\]]$")


def read(path: Path, shown: str) -> Article:
    text = read_utf8(path, shown)
    article = Article(path, shown, [])
    pending: Block | None = None
    blank_since = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _EMBEDDED.sub(" ", raw)
        if line != raw and not clean(line):
            article.dropped.append(Block(clean(raw)[:60], number))
            continue
        body = clean(line)
        if not body:
            blank_since = True
            continue
        if IMAGE_NAME.match(body):
            article.dropped.append(Block(body, number))
            continue
        block = _block(body, number)
        if pending is not None and _continues(pending, block, blank_since):
            pending = Block(f"{pending.text} {block.text}", pending.line, marker=pending.marker)
        else:
            if pending is not None:
                article.blocks.append(pending)
            pending = block
        blank_since = False
    if pending is not None:
        article.blocks.append(pending)
    return article


def _block(body: str, number: int) -> Block:
    if m := _BULLET.match(body):
        return Block(body[m.end():], number, "para", marker="-")
    if m := _NUMBER.match(body):
        return Block(body[m.end():], number, "para", marker=f"{m.group(1)}.")
    return Block(body, number)


def _continues(previous: Block, block: Block, blank_between: bool) -> bool:
    """Whether ``block`` is the rest of a sentence the page broke after ``previous``."""
    if block.marker is not None:
        return False
    if previous.text.endswith(","):
        return True
    return not blank_between and not _CLOSED.search(previous.text) and block.text[:1].islower()
