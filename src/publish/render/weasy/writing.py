"""The tagged-PDF write, pydyf's stream compression and the laid-out pages (see :mod:`publish.render.weasy`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

# --------------------------------------------------------------------------------------------------
# /Lang on structure elements (see publish.render.pdflang)


def box_lang(box: Any) -> str | None:  # noqa: ANN401 - a WeasyPrint box
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    style = getattr(box, "style", None)   # None for boxes without style (never for text or blocks)
    return (style["lang"] or None) if style is not None else None


@contextmanager
def language_tags(document_lang: str) -> Iterator[None]:
    """While active, WeasyPrint's tagger writes ``/Lang`` where an element's language changes: the
    box tree's computed ``lang`` (HTML ``lang`` attributes, inherited), no guessing from scripts."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    stack = [document_lang]

    def build(box, parent, *args):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
        inherited = stack[-1]
        lang = box_lang(box) or inherited
        stack.append(lang)
        try:
            for element in original(box, parent, *args):
                if lang != inherited and "Lang" not in element:
                    element["Lang"] = pydyf.String(lang)
                yield element
        finally:
            stack.pop()

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original


# --------------------------------------------------------------------------------------------------
# The tagged-PDF write made linear
#
# WeasyPrint's tagger (``pdf/tags.py``) reads ``pdf.page_references[n]`` for every structure element,
# and pydyf 0.13 rebuilds that tuple of all the pages on each read. The tuple depends only on the page
# tree's ``Kids``, which pages are only ever appended to: cached per PDF object and remade whenever
# ``Kids`` has grown, the bytes written are the same (tests/render/test_weasy_pages.py compares them).


@contextmanager
def cached_page_references() -> Iterator[None]:
    """While active, ``pydyf.PDF.page_references`` is computed once per page count, not once per read."""
    import pydyf

    original = pydyf.PDF.__dict__["page_references"]

    def page_references(self: Any) -> tuple[bytes, ...]:  # noqa: ANN401 - a pydyf.PDF
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_publish_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), original.fget(self))
            self.__dict__["_publish_page_references"] = cached
        return cached[1]  # type: ignore[no-any-return]

    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        pydyf.PDF.page_references = original  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------------
# pydyf's stream compression level


class _Zlib:
    """pydyf's view of the zlib module (``pydyf.zlib``: ``compressobj(level=9)``), at another level."""

    def __init__(self, module: Any, level: int) -> None:  # noqa: ANN401 - the zlib module
        self._module, self._level = module, level

    def compressobj(self, level: int = -1) -> Any:  # noqa: ANN401
        return self._module.compressobj(level=self._level)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        return getattr(self._module, name)


@contextmanager
def flate_level(level: int = 6) -> Iterator[None]:
    """While active, pydyf compresses streams at zlib ``level`` (its own choice is 9)."""
    import pydyf

    original = pydyf.zlib
    pydyf.zlib = _Zlib(original, level)  # type: ignore[assignment]
    try:
        yield
    finally:
        pydyf.zlib = original


# --------------------------------------------------------------------------------------------------
# The page map's view of a laid-out page


def page_text_boxes(page: Any) -> Iterator[Any]:  # noqa: ANN401 - a weasyprint.Page
    """The text boxes of a page's body (not its margin boxes, not generated content), in order."""
    yield from _text_boxes(page._page_box)


def _text_boxes(box: Any) -> Iterator[Any]:  # noqa: ANN401
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.TextBox):
        tag = box.element_tag or ""
        if box.element is not None and "::" not in tag:
            yield box
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


# --------------------------------------------------------------------------------------------------
# A laid-out page's kind (for the assembly of independently laid-out parts)


def page_is_blank(page: Any) -> bool:  # noqa: ANN401 - a weasyprint.Page
    """Whether WeasyPrint made the page blank (a ``break-before: right`` left it empty: ``@page :blank``)."""
    return bool(page._page_box.page_type.blank)
