"""``/Lang`` on the PDF structure elements whose language differs from their parent's.

WeasyPrint 70 tags a PDF/UA document with the root language only, so a screen reader reads the
English half of the bilingual edition with a Chinese voice (and Chinese names inside English text
the other way round). While WeasyPrint builds the structure tree we follow the box tree's computed
``lang`` (the HTML ``lang`` attributes, inherited) and set ``/Lang`` on each element where it changes:
exactly the elements of the other language, no guessing from scripts or fonts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _box_lang(box: Any) -> str | None:  # noqa: ANN401 - a WeasyPrint box
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    style = getattr(box, "style", None)   # None for boxes without style (never for text or blocks)
    return (style["lang"] or None) if style is not None else None


@contextmanager
def language_tags(document_lang: str) -> Iterator[None]:
    """While active, WeasyPrint's tagger writes ``/Lang`` where an element's language changes."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    stack = [document_lang]

    def build(box, parent, *args):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
        inherited = stack[-1]
        lang = _box_lang(box) or inherited
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


def struct_languages(path: str) -> list[tuple[str, str, str]]:
    """``(structure type, own /Lang, effective language)`` of every structure element, in order.

    For tests and checks: the effective language follows ``/Lang`` down the tree from the catalog.
    """
    import pikepdf

    out: list[tuple[str, str, str]] = []
    with pikepdf.open(path) as pdf:
        root_lang = str(pdf.Root.get("/Lang", ""))

        def walk(node: Any, inherited: str) -> None:  # noqa: ANN401
            if isinstance(node, pikepdf.Array):
                for item in node:
                    walk(item, inherited)
                return
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return
            own = str(node.get("/Lang", ""))
            lang = own or inherited
            out.append((str(node.S)[1:], own, lang))
            kids = node.get("/K")
            if kids is not None:
                walk(kids, lang)

        walk(pdf.Root.StructTreeRoot.K, root_lang)
    return out


# --- The tagged-PDF write made linear (a WeasyPrint/pydyf internal: moves to render/weasy.py) --------
#
# WeasyPrint's tagger reads ``pdf.page_references[n]`` for every structure element, and pydyf 0.13
# rebuilds that tuple of all the pages on each read: pages × elements work, the largest cost of writing
# a long tagged PDF. The tuple depends only on the page tree's ``Kids``, which pages are only ever
# appended to: cached per PDF object and remade whenever ``Kids`` has grown, the bytes written are the
# same (tests/render/test_pdflang.py compares them).

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
