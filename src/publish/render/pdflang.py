"""``/Lang`` on the PDF structure elements whose language differs from their parent's.

WeasyPrint 70 tags a PDF/UA document with the root language only, so a screen reader reads the
English half of the bilingual edition with a Chinese voice (and Chinese names inside English text
the other way round). While WeasyPrint builds the structure tree we follow the box tree's computed
``lang`` (the HTML ``lang`` attributes, inherited) and set ``/Lang`` on each element where it changes:
exactly the elements of the other language, no guessing from scripts or fonts. The patch of
WeasyPrint's tagger lives in :mod:`publish.render.weasy`, with every other use of its internals.
"""

from __future__ import annotations

from typing import Any

from .weasy import language_tags

__all__ = ["language_tags", "struct_languages"]


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
