"""release/pdfcheck.py against the outside tools: the in-process font check says what poppler's
``pdffonts`` says, and the in-process structure check what ``qpdf --check`` says, on a good WeasyPrint
file (Latin and CJK faces, tagged) and on broken ones."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest

from publish.release.pdfcheck import check_pdf, fonts

GOOD_HTML = ('<!DOCTYPE html><html lang="en"><head><title>t</title><style>'
             '.zh { font-family: "Noto Serif CJK SC"; } .en { font-family: "EB Garamond"; }'
             'p { break-after: page; }</style></head><body>'
             '<h1 class="en">A heading</h1><p class="en">English text, <b>bold</b> and <i>italic</i>.</p>'
             '<p class="zh" lang="zh-Hans">中文的段落，有标点。</p><p class="en">Third page.</p></body></html>')


def pdffonts_rows(path: Path) -> set[tuple[str, str, bool, bool]]:
    """(name, type, embedded, subset) per font, from poppler's pdffonts."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = set()
    for row in out.splitlines()[2:]:
        cols = row.split()
        # name, then the type (one or more words: "CID Type 0C", "Type 1"), encoding, emb, sub, uni, object, id
        rows.add((cols[0], " ".join(cols[1:-6]), cols[-5] == "yes", cols[-4] == "yes"))
    return rows


POPPLER_TYPE = {"Type0": "CID", "Type1": "Type 1", "TrueType": "TrueType", "Type3": "Type 3"}


def ours(path: Path) -> set[tuple[str, str, bool, bool]]:
    with pikepdf.open(path) as pdf:
        return {(f.name, f.subtype, f.embedded, f.subset) for f in fonts(pdf)}


def same(poppler: set[tuple[str, str, bool, bool]], mine: set[tuple[str, str, bool, bool]]) -> None:
    assert {(n, e, s) for n, _, e, s in poppler} == {(n, e, s) for n, _, e, s in mine}
    for name, kind, _, _ in mine:   # the font's kind as poppler names it ("CID Type 0C" for a Type0 font)
        assert any(p[0] == name and p[1].startswith(POPPLER_TYPE.get(kind, kind)) for p in poppler), (name, kind)


def qpdf_ok(path: Path) -> bool:
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from weasyprint import HTML

    path = tmp_path_factory.mktemp("pdf") / "good.pdf"
    HTML(string=GOOD_HTML).write_pdf(path, pdf_variant="pdf/ua-1", pdf_tags=True)
    return path


def test_good_file_agrees_with_pdffonts_and_qpdf(good: Path) -> None:
    poppler, mine = pdffonts_rows(good), ours(good)
    assert len(mine) >= 3 and all(e and s for _, _, e, s in mine)
    same(poppler, mine)
    font_report, structure = check_pdf(good)
    assert font_report.clean and structure.clean and qpdf_ok(good)


def test_unembedded_font_agrees_with_pdffonts(tmp_path: Path, good: Path) -> None:
    with pikepdf.open(good) as pdf:   # a good file plus one page in standard Helvetica, not embedded
        page = pdf.add_blank_page()
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
        pdf.save(tmp_path / "plain.pdf")
    path = tmp_path / "plain.pdf"
    poppler, mine = pdffonts_rows(path), ours(path)
    same(poppler, mine)
    assert ("Helvetica", False, False) in {(n, e, s) for n, _, e, s in poppler}
    font_report, structure = check_pdf(path)
    assert font_report.messages == ("font Helvetica is not embedded",) and structure.clean and qpdf_ok(path)


def test_broken_stream_fails_like_qpdf(tmp_path: Path, good: Path) -> None:
    with pikepdf.open(good) as pdf:   # a content stream whose compressed data is cut short
        page = pdf.pages[0]
        page.contents_coalesce()
        data = zlib.compress(page.obj.Contents.read_bytes())
        page.obj.Contents.write(data[: len(data) // 2], filter=pikepdf.Name.FlateDecode)
        pdf.save(tmp_path / "broken.pdf")
    path = tmp_path / "broken.pdf"
    _, structure = check_pdf(path)
    assert not qpdf_ok(path)
    assert not structure.clean and structure.messages


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"not a PDF at all")
    font_report, structure = check_pdf(path)
    assert not font_report.clean and not structure.clean and "cannot be read" in structure.messages[0]
