"""Word documents (.docx), read with python-docx: paragraphs and tables in document order.

A paragraph's "line" is its number in the document (tables' paragraphs counted too), which is how
notes point into a DOCX. Heading and Title styles give headings with their level; list styles and
numbered paragraphs give items. Italic and bold runs become ``*…*`` and ``**…**``, hyperlinks to
http(s) ``[text](url)``; pictures are dropped.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .article import IMAGE_NAME, Article, Block, clean, unreadable

_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.IGNORECASE)


def read(path: Path, shown: str) -> Article:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise unreadable(shown, f"not a Word document (.docx): {exc}") from exc
    article = Article(path, shown, [], unit="paragraph")
    number = 0
    for item in document.iter_inner_content():
        paragraphs = [p for row in item.rows for cell in row.cells for p in cell.paragraphs] \
            if isinstance(item, Table) else [item]
        for paragraph in paragraphs:
            number += 1
            block = _block(paragraph, number)
            if block is None:
                continue
            if IMAGE_NAME.match(block.text):
                article.dropped.append(block)
            else:
                article.blocks.append(block)
    return article


def _block(paragraph, number: int) -> Block | None:  # type: ignore[no-untyped-def]
    text = clean(_inline(paragraph))
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    if m := _HEADING.match(style):
        return Block(text, number, "heading", int(m.group(1)))
    if style == "Title":
        return Block(text, number, "heading", 1)
    # python-docx has no public API for numbering: w:numPr on the paragraph's own properties
    numbered = bool(paragraph._p.xpath("./w:pPr/w:numPr"))
    if "List" in style or numbered:
        return Block(text, number, "item", marker="1." if "Number" in style else "-")
    return Block(text, number)


def _inline(paragraph) -> str:  # type: ignore[no-untyped-def]
    from docx.text.hyperlink import Hyperlink

    spans: list[tuple[str, str]] = []
    """(mark, text): consecutive runs with the same emphasis merged, as Word splits runs freely."""
    for part in paragraph.iter_inner_content():
        if isinstance(part, Hyperlink):
            url = part.url or ""
            text = part.text
            link = url.startswith(("http://", "https://")) and text.strip()
            spans.append(("", f"[{text}]({url})" if link else text))
            continue
        mark = "**" if part.bold else "*" if part.italic else ""
        if spans and spans[-1][0] == mark:
            spans[-1] = (mark, spans[-1][1] + part.text)
        else:
            spans.append((mark, part.text))
    return "".join(_marked(mark, text) for mark, text in spans)


def _marked(mark: str, text: str) -> str:
    if not mark or not text.strip():
        return text
    return f"{' ' if text[0].isspace() else ''}{mark}{text.strip()}{mark}{' ' if text[-1].isspace() else ''}"
