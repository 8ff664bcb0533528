"""Repairs to the structure tree WeasyPrint 70 writes for a tagged PDF (PDF/UA-1), with pikepdf, after
the file is written (no WeasyPrint internals).

- Running heads and folios (the @page margin boxes) come out as Spans inside NonStruct elements that
  the Document's child list does not include: content tagged, but outside the tree. They are page
  furniture, so their marked content becomes ``/Artifact`` (``/Type /Pagination``) and the elements
  go: their ParentTree entries are nulled.
- Other elements left outside the tree (the printed contents: its NonStruct with the list and links)
  are real content: each is put back into its parent's child list, in page order.
- A list item's Div (the bilingual edition's pair of texts) becomes the LBody PDF/UA wants (Matterhorn
  09-005: LI holds Lbl and LBody).
- A Div whose one child is a Div holding only structure elements is one group: the inner Div goes and its
  children are the outer one's. The bilingual pairs are laid out as two-cell tables (the theme's CSS), and
  WeasyPrint tags the table's anonymous row group and row as Divs: Div > Div > Div > P, P becomes Div > P, P.
- A Span with nothing of its own (no /Lang, /ActualText, /Alt, attributes: WeasyPrint makes one for each
  text box) gives its marked content to its parent: the parent's child list takes the Span's MCIDs in its
  place, and the page's ParentTree entries name the parent. About 70 elements a page fewer (the sample's
  zh-Hans: 4,453 Spans, 4,238 of them bare), which every reader of the file holds in memory (qpdf: ~1.8 KB
  an element; a 1,100-page book's assembly held ~236 MB of structure elements).

:mod:`publish.release.matterhorn` checks the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

FURNITURE = {"/Span", "/NonStruct"}


def repair(path: Path, *, also: Callable[[Any], None] | None = None) -> dict[str, int]:
    """Repair ``path`` in place; return what was done (for the tests and the build log). ``also`` is
    given the open file before it is saved (another change in the same pass)."""
    import pikepdf

    done = {"artifacts": 0, "reattached": 0, "folded": 0, "spans": 0, "lbody": 0}
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if also is not None:
            also(pdf)
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            if also is not None:
                pdf.save(path, deterministic_id=True, compress_streams=False, stream_decode_level=None)
            return done
        reachable, items = _reachable(tree)
        page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        orphans = [o for o in pdf.objects if _is_elem(o) and o.objgen not in reachable
                   and o.get("/P") is not None and o.P.objgen in reachable]
        furniture: dict[tuple[int, int], set[int]] = {}
        for orphan in orphans:
            kinds, mcids = _contents(orphan)
            if kinds <= FURNITURE:
                for where, mcid in mcids:
                    furniture.setdefault(where, set()).add(mcid)
            else:
                _reattach(orphan, mcids, page_index)
                done["reattached"] += 1
                items += _reachable(orphan)[1]
        for page in pdf.pages:
            marks = furniture.get(tuple(page.objgen))  # type: ignore[arg-type]
            if marks:
                done["artifacts"] += _artifacts(pdf, page, marks)
        done["folded"] = _fold_divs(tree)
        done["spans"] = _fold_spans(pdf, tree)
        done["lbody"] = _lbody(items)
        # the streams rewritten here compressed, WeasyPrint's left as they are
        pdf.save(path, deterministic_id=True, compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return done


def _is_elem(o: Any) -> bool:  # noqa: ANN401
    import pikepdf

    return isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"


def _kids(e: Any) -> list[Any]:  # noqa: ANN401
    import pikepdf

    k = e.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _reachable(tree: Any) -> tuple[set[tuple[int, int]], list[Any]]:  # noqa: ANN401
    """The structure elements under ``tree`` and, among them, the list items (one walk of the tree)."""
    import pikepdf

    seen: set[tuple[int, int]] = {tree.objgen}
    items = []
    todo = list(_kids(tree))
    while todo:
        node = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen or node.get("/Type") != "/StructElem":
            continue
        seen.add(node.objgen)
        if node.get("/S") == "/LI":
            items.append(node)
        todo += _kids(node)
    return seen, items


def _contents(elem: Any) -> tuple[set[str], list[tuple[tuple[int, int], int]]]:  # noqa: ANN401
    """The structure types below ``elem`` and its marked content as (page objgen, MCID), in order."""
    import pikepdf

    kinds: set[str] = set()
    mcids: list[tuple[tuple[int, int], int]] = []

    def walk(node: Any, page: Any) -> None:  # noqa: ANN401
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == "/MCR":
                mcids.append(((node.get("/Pg") or page).objgen, int(node.MCID)))
            elif node.get("/Type") == "/OBJR":
                kinds.add("/OBJR")
            elif "/S" in node:
                kinds.add(str(node.S))
                for kid in _kids(node):
                    walk(kid, node.get("/Pg") or page)
        elif page is not None:
            try:
                mcids.append((page.objgen, int(node)))
            except (TypeError, ValueError):
                pass

    for kid in _kids(elem):
        walk(kid, elem.get("/Pg"))
    return kinds, mcids


def _reattach(orphan: Any, mcids: list[tuple[tuple[int, int], int]], page_index: dict) -> None:  # noqa: ANN401
    import pikepdf

    parent = orphan.P
    kids = _kids(parent)
    where = (page_index.get(mcids[0][0], 0), mcids[0][1]) if mcids else (0, 0)
    at = len(kids)
    for i, kid in enumerate(kids):
        if _is_elem(kid):
            _, theirs = _contents(kid)
            if theirs and (page_index.get(theirs[0][0], 0), theirs[0][1]) > where:
                at = i
                break
    kids.insert(at, orphan)
    parent.K = pikepdf.Array(kids)


_MARKED = re.compile(rb"/[A-Za-z0-9_.-]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""A marked-content sequence as WeasyPrint opens it: ``/Span << /MCID 3 >> BDC``."""
ARTIFACT = b"/Artifact << /Type /Pagination >> BDC"


def _artifacts(pdf: Any, page: Any, marks: set[int]) -> int:  # noqa: ANN401
    """Turn the marked-content sequences ``marks`` of ``page`` into Artifacts; null their ParentTree entries."""
    import pikepdf

    contents = page.obj.get("/Contents")
    changed = 0
    if isinstance(contents, pikepdf.Stream):   # WeasyPrint's one stream a page: rewritten as bytes
        def artifact(match: re.Match[bytes]) -> bytes:
            nonlocal changed
            if int(match.group(1)) in marks:
                changed += 1
                return ARTIFACT
            return match.group(0)

        data = _MARKED.sub(artifact, contents.read_bytes())
        if changed == len(marks):
            page.obj.Contents = pdf.make_stream(data)
        else:
            changed = 0
    if not changed:
        changed = _artifacts_parsed(pdf, page, marks)
    if changed:
        key = page.obj.get("/StructParents")
        nums = pdf.Root.StructTreeRoot.ParentTree.get("/Nums")
        if key is not None and nums is not None:
            for i in range(0, len(nums), 2):
                if int(nums[i]) == int(key):
                    entries = nums[i + 1]
                    for mcid in marks:
                        if mcid < len(entries):
                            entries[mcid] = pikepdf.Null() if hasattr(pikepdf, "Null") else None
    return changed


def _artifacts_parsed(pdf: Any, page: Any, marks: set[int]) -> int:  # noqa: ANN401
    """The same with pikepdf's content parser, for content written some other way."""
    import pikepdf

    out, changed = [], 0
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = list(instruction.operands), instruction.operator
        if str(op) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1] and int(operands[1].MCID) in marks:
            operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
            changed += 1
        out.append(pikepdf.ContentStreamInstruction(operands, op))
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    return changed


OWN_KEYS = {"/Type", "/S", "/P", "/K", "/Pg"}
"""What an anonymous Div has: anything more (/A, /Lang, /Alt, /ActualText, /ID, /T, /C) keeps it."""


def _fold_divs(tree: Any) -> int:  # noqa: ANN401
    """Fold each Div whose only child is a bare Div of structure elements into that child's place (see the
    module's docstring). The inner Div owns no marked content, so the ParentTree never names it."""
    import pikepdf

    folded = 0
    todo = list(_kids(tree))
    seen: set[tuple[int, int]] = set()
    while todo:
        node = todo.pop()
        if not _is_elem(node) or node.objgen in seen:
            continue
        seen.add(node.objgen)
        while str(node.get("/S")) == "/Div":
            kids = _kids(node)
            inner = kids[0] if len(kids) == 1 else None
            if (inner is None or not _is_elem(inner) or str(inner.get("/S")) != "/Div"
                    or set(inner.keys()) - OWN_KEYS or not all(_is_elem(k) for k in _kids(inner))):
                break
            grandchildren = _kids(inner)
            for child in grandchildren:
                child.P = node
            node.K = pikepdf.Array(grandchildren)
            folded += 1
        todo += _kids(node)
    return folded


def _fold_spans(pdf: Any, tree: Any) -> int:  # noqa: ANN401
    """Give each bare Span's marked content to its parent (see the module's docstring); innermost first, so a
    bare Span in a bare Span ends in the first parent that stays. Only with WeasyPrint's flat ParentTree
    (``/Nums``) and a Span whose children are all MCIDs of its own page; anything else is left as it is."""
    import pikepdf

    parent_tree = tree.get("/ParentTree")
    nums = parent_tree.get("/Nums") if parent_tree is not None else None
    if nums is None or "/Kids" in parent_tree:
        return 0
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    keys = {page.objgen: int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj}
    order: list[Any] = []     # every element, each before its descendants
    todo, seen = list(_kids(tree)), set()
    while todo:
        node = todo.pop()
        if _is_elem(node) and node.objgen not in seen:
            seen.add(node.objgen)
            order.append(node)
            todo += _kids(node)
    folded = 0
    for node in reversed(order):      # descendants first
        kids = _kids(node)
        if not any(_is_elem(k) and k.get("/S") == "/Span" for k in kids):
            continue
        out, changed = [], False
        for kid in kids:
            mine = _bare_span_content(kid, keys, entries)
            if mine is None:
                out.append(kid)
                continue
            page, mcids = mine
            same_page = node.get("/Pg") is not None and node.Pg.objgen == page.objgen
            for mcid in mcids:
                out.append(mcid if same_page else pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=mcid))
                entries[keys[page.objgen]][mcid] = node
            changed = True
            folded += 1
        if changed:
            node.K = pikepdf.Array(out)
    return folded


def _bare_span_content(kid: Any, keys: dict, entries: dict) -> tuple[Any, list[int]] | None:  # noqa: ANN401
    """(page, MCIDs) of a Span with nothing of its own whose children are MCIDs on its page, else None."""
    import pikepdf

    if not _is_elem(kid) or kid.get("/S") != "/Span" or set(kid.keys()) - OWN_KEYS or kid.get("/Pg") is None:
        return None
    page = kid.Pg
    row = entries.get(keys.get(page.objgen, -1))
    mcids = _kids(kid)
    if row is None or not mcids or not all(isinstance(m, int) and not isinstance(m, bool) for m in mcids):
        return None
    if not all(0 <= int(m) < len(row) and isinstance(row[int(m)], pikepdf.Dictionary)
               and row[int(m)].objgen == kid.objgen for m in mcids):
        return None    # the ParentTree does not name this Span for its content: not ours to rewire
    return page, [int(m) for m in mcids]


def _lbody(items: list[Any]) -> int:  # noqa: ANN401
    """A list item's Div children renamed LBody."""
    import pikepdf

    renamed = 0
    for node in items:
        for kid in _kids(node):
            if _is_elem(kid) and str(kid.S) == "/Div":
                kid.S = pikepdf.Name.LBody
                renamed += 1
    return renamed
