"""The failure conditions of the Matterhorn Protocol 1.1 (PDF Association; PDF/UA-1) that a machine can
decide, checked with pikepdf on a tagged PDF. What needs a human (is the alternative text right, is the
reading order logical, are headings semantically headings) is not here, so a clean result is not a
PDF/UA conformance claim: it says which automatable conditions failed.

Conditions checked (Matterhorn checkpoint numbers):
  01-003 content marked as Artifact inside tagged content
  01-004 tagged content inside content marked as Artifact
  01-005 content (text, images, paths) neither marked as Artifact nor tagged
  01-007 the MarkInfo Suspects entry is true
  01-xxx every structure element reachable from the structure tree root, every marked-content id
         of a page owned by an element of the tree (PDF/UA-1 7.1: content is "tagged" only then)
  02-001 a non-standard structure type whose RoleMap does not end in a standard type
  02-003 a circular RoleMap
  02-004 a standard structure type remapped
  06-001 no XMP metadata stream; 06-002 no PDF/UA identifier in it; 06-003 no dc:title in it
  07-001 no DisplayDocTitle in the ViewerPreferences; 07-002 DisplayDocTitle false
  09-005 list elements not L > LI > (Lbl | LBody)
  11-001 the natural language cannot be determined (no /Lang on the catalog)
  14-002 headings used, but the first one is not H1
  14-003 numbered heading levels skipped going down (H1 then H3)
  28-008 a page with annotations has no Tabs entry; 28-009 its Tabs is not /S
  28-011 a link annotation not nested in a Link structure element
  28-012 a link annotation without a Contents entry
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6
L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP
Warichu WT WP Figure Formula Form""".split())
REAL_OPS = {"Tj", "TJ", "'", '"', "Do", "BI", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"}
_OPERATORS = " ".join(sorted({"BDC", "BMC", "EMC", *REAL_OPS}))
"""What :func:`_content` reads of a content stream: pikepdf parses the rest without making Python objects of it
(most of a page is text state and positioning)."""


@dataclass(frozen=True)
class Failure:
    checkpoint: str
    message: str

    def __str__(self) -> str:
        return f"{self.checkpoint}: {self.message}"


def check(path: Path) -> list[Failure]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return list(_all(pdf))


def _all(pdf: Any) -> Iterator[Failure]:  # noqa: ANN401 - a pikepdf.Pdf
    root = pdf.Root
    yield from _metadata(pdf)
    prefs = root.get("/ViewerPreferences")
    if prefs is None or "/DisplayDocTitle" not in prefs:
        yield Failure("07-001", "no DisplayDocTitle in the ViewerPreferences")
    elif not bool(prefs.DisplayDocTitle):
        yield Failure("07-002", "DisplayDocTitle is false")
    mark = root.get("/MarkInfo")
    if mark is not None and bool(mark.get("/Suspects", False)):
        yield Failure("01-007", "MarkInfo Suspects is true")
    if not str(root.get("/Lang", "")):
        yield Failure("11-001", "the catalog has no /Lang")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        yield Failure("01-xxx", "no structure tree")
        return
    yield from _rolemap(tree)
    elements, owned = _tree(tree)
    yield from _reachability(pdf, elements, owned)
    yield from _lists(elements)
    yield from _headings(elements)
    for number, page in enumerate(pdf.pages, 1):
        yield from _content(page, number, owned)
        yield from _annotations(pdf, page, number, owned)


def _metadata(pdf: Any) -> Iterator[Failure]:  # noqa: ANN401
    meta = pdf.Root.get("/Metadata")
    if meta is None:
        yield Failure("06-001", "no XMP metadata stream")
        return
    xmp = meta.read_bytes().decode("utf-8", "replace")
    if not re.search(r"pdfuaid:part\s*(=\s*\"1\"|>\s*1\s*<)", xmp):
        yield Failure("06-002", "the XMP metadata has no PDF/UA identifier (pdfuaid:part)")
    if "dc:title" not in xmp:
        yield Failure("06-003", "the XMP metadata has no dc:title")


def _rolemap(tree: Any) -> Iterator[Failure]:  # noqa: ANN401
    rolemap = {str(k)[1:]: str(v)[1:] for k, v in (tree.get("/RoleMap") or {}).items()}
    for name, target in rolemap.items():
        if name in STANDARD:
            yield Failure("02-004", f"the standard type {name} is remapped to {target}")
        seen, cur = {name}, target
        while cur in rolemap and cur not in STANDARD:
            if cur in seen:
                yield Failure("02-003", f"circular RoleMap from {name}")
                break
            seen.add(cur)
            cur = rolemap[cur]
        else:
            if cur not in STANDARD:
                yield Failure("02-001", f"{name} maps to {cur}, not a standard type")


def _kids(elem: Any) -> list[Any]:  # noqa: ANN401
    import pikepdf

    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _tree(tree: Any) -> tuple[list[tuple[Any, int]], set[tuple[tuple[int, int], int]]]:  # noqa: ANN401
    """Elements in document order (with depth) and the (page, MCID) pairs they own."""
    import pikepdf

    elements: list[tuple[Any, int]] = []
    owned: set[tuple[tuple[int, int], int]] = set()

    def walk(node: Any, depth: int, page: Any) -> None:  # noqa: ANN401
        if isinstance(node, int | pikepdf.Object) and not isinstance(node, pikepdf.Dictionary):
            if page is not None and isinstance(node, int):
                owned.add((page.objgen, int(node)))
            return
        if not isinstance(node, pikepdf.Dictionary):
            return
        if node.get("/Type") == "/MCR":
            pg = node.get("/Pg", page)
            owned.add((pg.objgen, int(node.MCID)))
            return
        if node.get("/Type") == "/OBJR":
            owned.add((node.Obj.objgen, -1))
            return
        if "/S" not in node:
            return
        elements.append((node, depth))
        pg = node.get("/Pg", page)
        for kid in _kids(node):
            walk(kid, depth + 1, pg)

    for kid in _kids(tree):
        walk(kid, 0, None)
    return elements, owned


def _reachability(pdf: Any, elements: list[tuple[Any, int]], owned: set[Any]) -> Iterator[Failure]:  # noqa: ANN401
    reachable = {e.objgen for e, _ in elements}
    orphans = [o for o in pdf.objects if _is_elem(o) and o.objgen not in reachable]
    if orphans:
        kinds = sorted({str(o.S)[1:] for o in orphans})
        yield Failure("01-xxx", f"{len(orphans)} structure elements are not reachable from the structure tree root "
                      f"({', '.join(kinds)}): their content is not tagged")


def _is_elem(o: Any) -> bool:  # noqa: ANN401
    import pikepdf

    return isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"


def _lists(elements: list[tuple[Any, int]]) -> Iterator[Failure]:
    for elem, _ in elements:
        kind = str(elem.S)[1:]
        kids = [str(k.S)[1:] for k in _kids(elem) if _is_elem(k)]
        if kind == "L" and (not kids or any(k not in ("LI", "Caption", "L") for k in kids)):
            yield Failure("09-005", f"an L holds {kids or 'nothing'}, not LI")
        if kind == "LI" and any(k not in ("Lbl", "LBody") for k in kids):
            yield Failure("09-005", f"an LI holds {kids}, not Lbl/LBody")


def _headings(elements: list[tuple[Any, int]]) -> Iterator[Failure]:
    levels = [int(str(e.S)[2:]) for e, _ in elements if re.fullmatch(r"/H[1-6]", str(e.S))]
    if levels and levels[0] != 1:
        yield Failure("14-002", f"the first heading is H{levels[0]}, not H1")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            yield Failure("14-003", f"H{after} follows H{before}")
            break


def _content(page: Any, number: int, owned: set[Any]) -> Iterator[Failure]:  # noqa: ANN401
    import pikepdf

    stack: list[str] = []        # "artifact" | "tagged" | "other" marked-content kinds, outermost first
    naked = nested_art = nested_tag = unowned = 0
    for instruction in pikepdf.parse_content_stream(page, _OPERATORS):   # only the operators looked at below
        operands, name = list(instruction.operands), str(instruction.operator)
        if name in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if name == "BDC" and len(operands) > 1 else None
            mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
            is_tagged = mcid is not None
            kind = "artifact" if tag == "/Artifact" else "tagged" if is_tagged else "other"
            if is_tagged and (page.objgen, mcid) not in owned:
                unowned += 1
            if kind == "artifact" and "tagged" in stack:
                nested_art += 1
            if kind == "tagged" and "artifact" in stack:
                nested_tag += 1
            stack.append(kind)
        elif name == "EMC":
            if stack:
                stack.pop()
        elif name in REAL_OPS and not ({"artifact", "tagged"} & set(stack)):
            naked += 1
    if nested_art:
        yield Failure("01-003", f"page {number}: {nested_art} Artifact sequences inside tagged content")
    if nested_tag:
        yield Failure("01-004", f"page {number}: {nested_tag} tagged sequences inside Artifacts")
    if naked:
        yield Failure("01-005", f"page {number}: {naked} painting operators neither tagged nor Artifact")
    if unowned:
        yield Failure("01-xxx", f"page {number}: {unowned} marked-content sequences belong to no element of the tree")


def _annotations(pdf: Any, page: Any, number: int, owned: set[Any]) -> Iterator[Failure]:  # noqa: ANN401
    annots = list(page.obj.get("/Annots") or [])
    if not annots:
        return
    tabs = page.obj.get("/Tabs")
    if tabs is None:
        yield Failure("28-008", f"page {number} has annotations and no Tabs entry")
    elif str(tabs) != "/S":
        yield Failure("28-009", f"page {number}: Tabs is {tabs}, not /S")
    for annot in annots:
        if annot.get("/Subtype") != "/Link":
            continue
        if (annot.objgen, -1) not in owned:
            yield Failure("28-011", f"page {number}: a link annotation is not in a Link structure element")
        if not str(annot.get("/Contents", "")):
            yield Failure("28-012", f"page {number}: a link annotation has no Contents")
