"""Plain text as copied from a web page: one paragraph per line, blank lines optional.

What the copy leaves behind is handled here: embedded ``<image>`` tags and lines that are only an
image's file name are dropped (and listed); list markers typed into lines and sentences a page
broke over lines are dealt with for every format by :func:`publish.importer.article.normalise`.
"""

from __future__ import annotations

import re
from pathlib import Path

from .article import IMAGE_NAME, Article, Block, clean, read_utf8

_EMBEDDED = re.compile(r"<([\w:]+)[^>]*>.*?</\1>|<[\w:]+[^>]*/>", re.DOTALL)


def read(path: Path, shown: str) -> Article:
    text = read_utf8(path, shown)
    article = Article(path, shown, [])
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _EMBEDDED.sub(" ", raw)
        body = clean(line)
        if line != raw and not body:
            article.dropped.append(Block(clean(raw)[:60], number))
        elif IMAGE_NAME.match(body):
            article.dropped.append(Block(body, number))
        elif body:
            article.blocks.append(Block(body, number))
    return article
