"""publish.render.pdftags on a real WeasyPrint file: bare Spans and Div chains folded, and the structure tree
still consistent with the pages: every marked-content sequence of a page is named by the ParentTree, and the
element named holds that MCID among its own children (the content of a folded Span now its parent's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from publish.model import Trim
from publish.render.fonts import FontSet
from publish.render.pdf import FORMATS, render_pdf

HTML = ('<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<h2>李军民</h2>'
        '<div class="pair"><p>李军民是一位<b>医生</b>。</p><p lang="en">Li Junmin is a <em>doctor</em> in '
        '<span lang="de">Schanghai</span>.</p></div>'
        '<ul><li><a href="#x">他出生于</a><span lang="en">Shanghai</span>。</li></ul>'
        + "".join(f'<p id="x{i}">第{i}段：<i>孙思邈</i>著《千金方》，<b>李时珍</b>编《本草纲目》。</p>'
                  for i in range(40))
        + '<p id="x">完。</p></body></html>')
MARKED = re.compile(rb"/[A-Za-z0-9_.-]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _kids(node: Any) -> list[Any]:  # noqa: ANN401
    import pikepdf

    k = node.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def _owned(elem: Any) -> set[tuple[tuple[int, int], int]]:  # noqa: ANN401 - (page, MCID) right under elem
    import pikepdf

    out = set()
    for kid in _kids(elem):
        if isinstance(kid, int) and elem.get("/Pg") is not None:
            out.add((elem.Pg.objgen, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            out.add(((kid.get("/Pg") or elem.Pg).objgen, int(kid.MCID)))
    return out


def test_the_tree_names_each_pages_content_after_the_folds(tmp_path: Path) -> None:
    import pikepdf

    target = tmp_path / "t.pdf"
    render_pdf(HTML, target, FORMATS["pdf"], trim=Trim(width="148mm", height="210mm"),
               extra_css=FontSet("SC").css() + ".pair { display: table } .pair > * { display: table-cell }",
               roots=[tmp_path], base=tmp_path, modified=datetime(2025, 6, 3, tzinfo=UTC))
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) >= 2
        tree = pdf.Root.StructTreeRoot
        nums = tree.ParentTree.Nums
        rows = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        elements, todo = [], list(_kids(tree))
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
                elements.append(node)
                todo += _kids(node)
        kinds = [str(e.S) for e in elements]
        # only the Spans with a language of their own are left; no Div holds just a Div
        assert sorted(str(e.get("/Lang")) for e in elements if e.S == "/Span") == ["de", "en"]
        assert not [e for e in elements if e.S == "/Div" and [str(k.get("/S")) for k in _kids(e)
                                                                 if isinstance(k, pikepdf.Dictionary)] == ["/Div"]]
        assert "/P" in kinds and "/Link" in kinds and "/LBody" in kinds
        reachable = {e.objgen for e in elements}
        shown = 0
        for page in pdf.pages:
            data = page.obj.Contents.read_bytes()
            row = rows[int(page.obj.StructParents)]
            for mcid in map(int, MARKED.findall(data)):
                owner = row[mcid]
                assert owner.objgen in reachable, (mcid, owner.get("/S"))
                assert (page.obj.objgen, mcid) in _owned(owner), (mcid, str(owner.S))
                shown += 1
        assert shown > 100
