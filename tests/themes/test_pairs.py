"""The bilingual edition's pairs as the default theme sets them in the PDF (book.css): each unit and its
translation side by side in two 15-em columns with a 1-em gap (the 31-em block), rows aligned, a pair that
does not fit in what is left of a page moved whole to the next, one taller than a page broken row by row,
a heading pair kept with what follows, the main text read before its translation, and no table structure in
the tagged PDF. Read back from real PDFs (real WeasyPrint, fonts and templates); not a timing test."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.support import NullTranslations

from publish.model import Trim
from publish.render.fonts import FontSet
from publish.render.html import environment
from publish.render.pdf import FORMATS, render_pdf
from publish.render.view import Text

pymupdf = pytest.importorskip("pymupdf")

TRIM = Trim(width="148mm", height="210mm")   # the sample book's: a 31-em block of 10 pt
EM = 10.0                                     # the body size, pt
ZH = "瑞金医院血液科的奠基人王振义院士有一句名言，人要有奋斗的志向，又要淡泊名利。"
EN = "The founder of the department of hematology once said that one should aim high and stay humble. "
DOC = """{% from "macros.html.j2" import t %}<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>pairs</title></head>
<body class="edition-bilingual"><article class="profile"><section class="body-section">
{%- for para in before %}<p>{{ para }}</p>{% endfor %}
{{ t(heading, "h2") }}
{%- for pair in pairs %}{{ t(pair, "p") }}{% endfor %}
</section></article>
<section class="back-matter"><section class="source-record"><dl><dt>版权声明</dt><dd>{{ t(notice, "p") }}</dd></dl>
</section></section></body></html>"""


def pair(i: int, zh: int = 3, en: int = 2) -> Text:
    """Pair number ``i``: its halves begin with 〔i〕 and "[i]" and end with 〔i完〕 and "[end i]"."""
    return Text(f"〔{i}〕" + ZH * zh + f"〔{i}完〕", "zh-Hans", f"[{i}] " + EN * en + f"[end {i}]", "en")


def build(tmp: Path, pairs: list[Text], before: tuple[str, ...] = (ZH * 4,)) -> Path:
    html = environment(NullTranslations()).from_string(DOC).render(
        before=before, heading=Text("血液科的传承", "zh-Hans", "A Legacy of Hematology", "en"), pairs=pairs,
        notice=Text("本文为原创作品，未经授权不得转载。", "zh-Hans", "This article is an original work.", "en"))
    out = tmp / f"pairs-{len(list(tmp.iterdir()))}.pdf"
    render_pdf(html, out, FORMATS["pdf"], trim=TRIM, extra_css=FontSet("SC").css(), roots=[tmp], base=tmp,
               modified=datetime(2025, 6, 3, tzinfo=UTC))
    return out


def lines(path: Path) -> list[tuple[int, float, float, float, str]]:
    """Every text line of the body (page, x0, top, x1, text); running heads and folios left out."""
    out = []
    with pymupdf.open(path) as doc:
        for number, page in enumerate(doc):
            height = page.rect.height
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    text = "".join(s["text"] for s in line["spans"]).strip()
                    x0, top, x1, bottom = line["bbox"]
                    if text and 0.1 * height < bottom < 0.93 * height:
                        out.append((number, x0, top, x1, text))
    return out


def han(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text) > len(text) / 3


def mode(values: list[float]) -> float:
    return Counter(round(v, 1) for v in values).most_common(1)[0][0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A heading pair, twelve paragraph pairs (some moved to the next page) and a source record's pair."""
    return build(tmp_path_factory.mktemp("pairs"), [pair(i, zh=2 + i % 4, en=1 + i % 3) for i in range(12)])


def test_two_15_em_columns_with_a_1_em_gap(sample: Path) -> None:
    found = lines(sample)
    heading = next(ln for ln in found if ln[4] == "血液科的传承")
    block = [ln for ln in found if ln[0] == 0 and ln[2] < heading[2]]   # the paragraph before: the whole block
    assert heading[0] == 0 and len(block) >= 4
    left = {0: mode([ln[1] for ln in block])}
    assert mode([ln[3] for ln in block]) - left[0] == pytest.approx(31 * EM, abs=0.2)
    pages = sorted({ln[0] for ln in found})
    assert len(pages) >= 3
    for page in pages[1:]:   # left and right pages have their own margins: the flush Chinese lines say where
        left[page] = mode([ln[1] for ln in found if ln[0] == page and han(ln[4])])
    main = [(ln, ln[1] - left[ln[0]], ln[3] - left[ln[0]]) for ln in found if han(ln[4]) and ln not in block]
    alt = [(ln, ln[1] - left[ln[0]], ln[3] - left[ln[0]]) for ln in found if not han(ln[4])]
    main = [m for m in main if m[1] < 15 * EM and not m[0][4].startswith("版权")]
    alt = [a for a in alt if a[1] > 15 * EM]
    assert len(main) > 40 and len(alt) > 30
    # the Chinese lines fill the first column (justified), flush but for each pair's first, indented 2 em
    # (a line opening with the end marker's bracket is set from its narrow half: left out); the English
    # lines start at the second column's edge
    firsts = [x0 for ln, x0, _ in main if ln[4].startswith(tuple(f"〔{i}〕" for i in range(12)))]
    assert len(firsts) == 12 and {round(x0, 1) for x0 in firsts} == {2 * EM}
    assert {round(x0, 1) for ln, x0, _ in main if not ln[4].startswith("〔")} == {0.0}
    assert mode([x1 for _, _, x1 in main]) == pytest.approx(15 * EM, abs=0.2)
    assert max(x1 for _, _, x1 in main) < 15.6 * EM                          # nothing in the gap
    assert min(x0 for _, x0, _ in alt) == pytest.approx(16 * EM, abs=0.2)
    assert mode([x0 for _, x0, _ in alt]) == pytest.approx(16 * EM, abs=0.2)
    assert mode([x1 for _, _, x1 in alt]) == pytest.approx(31 * EM, abs=0.5)
    # rows aligned: each pair's two halves begin on the same page, their first lines level
    for i in range(12):
        zh = next(ln for ln in found if ln[4].startswith(f"〔{i}〕"))
        en = next(ln for ln in found if ln[4].startswith(f"[{i}]"))
        assert zh[0] == en[0] and abs(zh[2] - en[2]) < 0.6 * EM, (i, zh, en)


def test_a_source_record_pair_stays_beside_its_floated_term(sample: Path) -> None:
    found = lines(sample)
    term = next(ln for ln in found if ln[4] == "版权声明")
    notice = next(ln for ln in found if ln[4].startswith("本文为原创"))
    english = next(ln for ln in found if ln[4].startswith("This article"))
    assert notice[0] == term[0] and abs(notice[2] - term[2]) < 1 and abs(english[2] - term[2]) < 2
    assert notice[1] > term[1] and english[1] > notice[1]


def test_the_main_text_is_read_before_its_translation(sample: Path) -> None:
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(sample), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    at = [text.index(marker) for i in range(12) for marker in (f"〔{i}〕", f"[{i}]")]
    assert at == sorted(at)


def test_the_tagged_pdf_has_the_pairs_paragraphs_in_order_and_no_table(sample: Path) -> None:
    import pikepdf

    from publish.render.pdflang import struct_languages

    kinds = [s for s, _, _ in struct_languages(str(sample))]
    assert not {"Table", "TR", "TH", "TD", "THead", "TBody", "TFoot"} & set(kinds)
    paragraphs = [lang for s, _, lang in struct_languages(str(sample)) if s == "P"]
    # the paragraph before, then each pair's Chinese and English, then the source record's pair (no
    # paragraph of this sample crosses a page: WeasyPrint tags each page's part of one as a P of its own)
    assert paragraphs == ["zh-Hans"] + ["zh-Hans", "en"] * 13
    headings = [lang for s, _, lang in struct_languages(str(sample)) if s == "H2"]
    assert headings == ["zh-Hans", "en"]
    with pikepdf.open(sample) as pdf:   # both halves of a pair in one element (the pair's Div)
        elements = _elements(pdf.Root.StructTreeRoot)
        parents = Counter(p.P.objgen for p in elements if p.S == "/P")
        pair_divs = [e for e in elements if e.objgen in parents and e.S == "/Div"]
        # the table's anonymous row group and row folded into the pair's Div (publish.render.pdftags):
        # no Div left whose only child is a Div
        chains = [e for e in elements if e.S == "/Div" and len(_elements_of(e)) == 1
                  and _elements_of(e)[0].S == "/Div"]
    assert sorted(parents.values()) == [1] + [2] * 13
    assert len([d for d in pair_divs if len(_elements_of(d)) == 2]) >= 12 and not chains


def _elements_of(node: Any) -> list[Any]:  # noqa: ANN401 - the structure elements right under node
    import pikepdf

    kids = node.get("/K")
    return [k for k in (list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]


def _elements(node: Any) -> list[Any]:  # noqa: ANN401
    import pikepdf

    out, todo = [], [node]
    while todo:
        kids = todo.pop().get("/K")
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                out.append(kid)
                todo.append(kid)
    return out


def test_a_pair_taller_than_a_page_breaks_row_by_row(tmp_path: Path) -> None:
    path = build(tmp_path, [pair(0, zh=60, en=60), pair(1)], before=())
    texts, found = page_texts(path), lines(path)
    start = {page_of(texts, "〔0〕"), page_of(texts, "[0]")}
    ends = page_of(texts, "〔0完〕"), page_of(texts, "[end 0]")
    assert len(start) == 1 and min(ends) - min(start) >= 2
    for page in range(min(start), min(ends) + 1):   # both columns on each page of it, from the same top
        zh = [ln[2] for ln in found if ln[0] == page and han(ln[4])]
        en = [ln[2] for ln in found if ln[0] == page and not han(ln[4])]
        assert zh and en and abs(min(zh) - min(en)) < 0.6 * EM, page


def page_texts(path: Path) -> list[str]:
    """Each page's text, white space left out (a marker broken over two lines is found whole)."""
    with pymupdf.open(path) as doc:
        count = len(doc)
    return ["".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
            for n in range(1, count + 1)]


def page_of(texts: list[str], marker: str) -> int:
    pages = [n for n, text in enumerate(texts) if "".join(marker.split()) in text]
    assert len(pages) == 1, (marker, pages)
    return pages[0]


@pytest.mark.slow
def test_a_pair_is_never_split_when_it_fits_on_a_page_and_a_heading_pair_never_ends_one(tmp_path: Path) -> None:
    """The text before the pairs made longer by two sentences at a time (over a page in all): pairs meet
    the foot of a page and move whole to the next, and so does the heading pair, with the pair after it."""
    moved = heading_moved = 0
    for n in range(0, 26, 2):
        path = build(tmp_path, [pair(i, zh=4, en=3) for i in range(4)], before=(ZH * (n + 1),))
        texts, found = page_texts(path), lines(path)
        foot = max(ln[2] for ln in found)
        last = {page: max(ln[2] for ln in found if ln[0] == page) for page in {ln[0] for ln in found}}
        for i in range(4):
            pages = {page_of(texts, m) for m in (f"〔{i}〕", f"〔{i}完〕", f"[{i}]", f"[end {i}]")}
            assert len(pages) == 1, (n, i, pages)   # the whole pair on one page
            (page,) = pages
            moved += page > 0 and last[page - 1] < foot - 4 * 1.75 * EM   # room for 4 lines was left
        heading = {page_of(texts, m) for m in ("血液科的传承", "A Legacy of Hematology")}
        assert heading == {page_of(texts, "〔0〕")}, n
        (page,) = heading
        heading_moved += page > 0 and last[page - 1] < foot - 3 * 1.75 * EM
    assert moved and heading_moved
