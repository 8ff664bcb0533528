"""publish.render.compact: a WeasyPrint file with Chinese (Noto CJK, CID-keyed CFF) and Latin (EB Garamond,
name-keyed CFF) text, its CJK fonts compacted: the same pixels with poppler, Ghostscript and PDFium, the same
text, far fewer glyphs, the original CIDs in the charset, every code shown kept, the Latin fonts untouched, the
same bytes twice; and the digital format's finish compacts (every PDF we write goes through a finish)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from publish.render.compact import cids_of, compact_fonts

STYLE = ("<style>@page { size: 120mm 80mm; margin: 10mm } body { font: 11pt 'EB Garamond 12' }"
         " .zh { font-family: 'Noto Serif CJK SC' } .sans { font-family: 'Noto Sans CJK SC' }"
         " b { font-weight: bold }</style>")
BODY = ('<p>Sun Simiao <b>wrote</b> the <i>Qianjin Fang</i>.</p>'
        '<p class="zh" lang="zh">孙思邈著《千金方》，<b>李时珍</b>编《本草纲目》。</p>'
        '<p class="sans" lang="zh">上海瑞金医院血液科。</p>'
        '<p style="break-before: page" class="zh" lang="zh">医者仁心，薪火相传。</p>')


def _original(tmp_path: Path) -> Path:
    from weasyprint import HTML

    target = tmp_path / "original.pdf"
    HTML(string=f"<html><head><meta charset='utf-8'>{STYLE}</head><body>{BODY}</body></html>").write_pdf(str(target))
    return target


def _compacted(original: Path, target: Path) -> int:
    import pikepdf

    with pikepdf.open(original) as pdf:
        done = compact_fonts(pdf)
        pdf.save(target, deterministic_id=True)
    return done


def _poppler(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "100", str(pdf), str(folder / "p")], check=True)
    return [f.read_bytes() for f in sorted(folder.iterdir())]


def _ghostscript(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=ppmraw", "-r100",
                    f"-sOutputFile={folder / 'p-%03d.ppm'}", str(pdf)], check=True)
    return [f.read_bytes() for f in sorted(folder.iterdir())]


def _pdfium(pdf: Path) -> list[bytes]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=100 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


def _unwrapped(original: Path, target: Path) -> Path:
    """``original`` with each CID-keyed font's CFF taken out of its OpenType wrapper, every glyph slot kept."""
    import zlib

    import pikepdf
    import uharfbuzz as hb

    with pikepdf.open(original) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                data = descriptor.FontFile3.read_bytes()
                if cids_of(data) is None or descriptor.FontFile3.Subtype != "/OpenType":
                    continue
                cff = bytes(hb.Face(hb.Blob(data)).reference_table("CFF ").data)
                descriptor.FontFile3 = pdf.make_stream(zlib.compress(cff), Filter=pikepdf.Name.FlateDecode,
                                                       Subtype=pikepdf.Name.CIDFontType0C)
                if "/CIDToGIDMap" in font.DescendantFonts[0]:
                    del font.DescendantFonts[0]["/CIDToGIDMap"]
        pdf.save(target)
    return target


def _max_difference(a: bytes, b: bytes) -> int:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _programs(pdf: Path) -> dict[str, tuple[str, bytes, set[int]]]:
    """BaseFont → (the font file's /Subtype, its bytes, the codes the pages show with the font)."""
    import pikepdf

    out: dict[str, tuple[str, bytes, set[int]]] = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            fonts = page.obj.Resources.get("/Font", {})   # none on a print file's padding pages
            names = {str(k): str(v.BaseFont)[1:] for k, v in fonts.items()}
            for font in fonts.values():
                cid = font.DescendantFonts[0]
                stream = cid.FontDescriptor.FontFile3
                out.setdefault(str(font.BaseFont)[1:], (str(stream.get("/Subtype")), stream.read_bytes(), set()))
                if cid.Subtype == "/CIDFontType0" and "/FontFile3" in cid.FontDescriptor:
                    assert "/CIDToGIDMap" not in cid or stream.Subtype != "/CIDFontType0C"
            current = ""
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = names[str(operands[0])]
                elif str(operator) in ("Tj", "TJ"):
                    strings = operands[0] if str(operator) == "TJ" else operands
                    for s in strings:
                        if isinstance(s, pikepdf.String):
                            raw = bytes(s)
                            out[current][2].update(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2))
    return out


def test_compacted_fonts_render_the_same_with_fewer_glyphs(tmp_path: Path) -> None:
    original = _original(tmp_path)
    compact = tmp_path / "compact.pdf"
    assert _compacted(original, compact) == 3     # Noto Serif regular and bold, Noto Sans
    assert _text(compact) == _text(original)
    assert _poppler(compact, tmp_path / "pa") == _poppler(original, tmp_path / "pb")
    assert _ghostscript(compact, tmp_path / "ga") == _ghostscript(original, tmp_path / "gb")
    # PDFium scales a bare CFF (FontMatrix) a hair differently from its OpenType wrapper (unitsPerEm): the same
    # pixels as the retained font unwrapped, and within antialiasing of the original
    assert _pdfium(compact) == _pdfium(_unwrapped(original, tmp_path / "unwrapped.pdf"))
    assert all(_max_difference(a, b) <= 40 for a, b in zip(_pdfium(compact), _pdfium(original), strict=True))
    before, after = _programs(original), _programs(compact)
    assert len(after) == len(before) >= 5
    compacted = 0
    for name, (kind, data, shown) in after.items():
        [(old_name, old)] = [(k, v) for k, v in before.items() if k[6:] == name[6:]]
        if "Noto" in name:
            compacted += 1
            # a new subset tag: six capitals from the glyph set, then "+"
            assert kind == "/CIDFontType0C" and name != old_name and name[:6].isupper() and name[6] == "+"
            kept, retained = cids_of(data), cids_of(old[1])
            assert kept is not None and retained is not None
            assert shown | {0} == set(kept), name           # exactly the codes shown (= CIDs), and .notdef
            assert sorted(kept.values()) == list(range(len(kept)))   # renumbered 0…n-1
            # WeasyPrint keeps every slot up to the last glyph used
            assert len(retained) > max(kept) and len(retained) > 100 * len(kept), (len(kept), len(retained))
            assert len(data) * 5 < len(old[1])
        else:    # name-keyed CFF: glyph ids are what the codes select, left as it was
            assert cids_of(data) is None and (kind, data) == old[:2] and name in before
    assert compacted == 3
    assert subprocess.run(["qpdf", "--check", str(compact)], capture_output=True, check=False).returncode == 0
    again = tmp_path / "again.pdf"
    _compacted(original, again)
    assert again.read_bytes() == compact.read_bytes()
    # a second pass finds nothing more to do (the print file is derived from a compacted digital one)
    assert _compacted(compact, tmp_path / "twice.pdf") == 0


def test_pdffonts_sees_embedded_subsets(tmp_path: Path) -> None:
    compact = tmp_path / "compact.pdf"
    _compacted(_original(tmp_path), compact)
    out = subprocess.run(["pdffonts", str(compact)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert sum("CID Type 0C " in row and "(OT)" not in row for row in rows) == 3, out
    assert rows and all(row.split()[-5:-3] == ["yes", "yes"] for row in rows), out   # embedded, subset


@pytest.mark.parametrize("fmt", ["pdf", "print"])
def test_the_finishes_compact(tmp_path: Path, fmt: str) -> None:
    """The digital finish (render/pdf.py) and the print one (prepress/finish.py, as the cover wrap's)."""
    from datetime import UTC, datetime

    from publish.model import Trim
    from publish.render.fonts import FontSet
    from publish.render.pdf import FORMATS, render_pdf

    html = ('<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>t</title></head>'
            '<body><p>孙思邈著《千金方》, <span lang="en">Qianjin Fang</span>。</p></body></html>')
    target = tmp_path / "d.pdf"
    render_pdf(html, target, FORMATS[fmt], trim=Trim(width="148mm", height="210mm"),
               extra_css=FontSet("SC").css(), roots=[tmp_path], base=tmp_path,
               modified=datetime(2025, 6, 3, tzinfo=UTC))
    programs = _programs(target)
    cjk = [(kind, data) for name, (kind, data, _) in programs.items() if "CJK" in name]
    assert cjk and all(kind == "/CIDFontType0C" for kind, _ in cjk), programs.keys()
    assert all(len(cids_of(data) or {}) < 100 for _, data in cjk)
    import pikepdf

    with pikepdf.open(target) as pdf:   # no CIDToGIDMap left in a CIDFontType0 (only CIDFontType2 may have one)
        cid0 = [d for page in pdf.pages for f in page.obj.Resources.get("/Font", {}).values()
                for d in f.get("/DescendantFonts", [])
                if d.get("/Subtype") == "/CIDFontType0"]
        assert cid0 and not [d for d in cid0 if "/CIDToGIDMap" in d]


def _fonttools_cids(data: bytes) -> dict[int, int] | None:
    """The oracle: fontTools' own charset reader (glyph names "cid01234")."""
    from io import BytesIO

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    if data[:4] == b"OTTO":
        cff = TTFont(BytesIO(data))["CFF "].cff
    else:
        cff = CFFFontSet()
        cff.decompile(BytesIO(data), None)
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return None
    return {(0 if name == ".notdef" else int(name[3:])): gid for gid, name in enumerate(top.charset)}


def _format(data: bytes) -> int:
    from io import BytesIO

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    table = TTFont(BytesIO(data), lazy=True).reader["CFF "] if data[:4] == b"OTTO" else data
    cff = CFFFontSet()
    cff.decompile(BytesIO(table), None)
    return table[cff.topDictIndex[0].rawDict["charset"]]


def _recompiled(data: bytes) -> bytes:
    """A bare CFF written again by fontTools, which picks the smallest charset format for its CIDs."""
    from io import BytesIO

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    cff = CFFFontSet()
    cff.decompile(BytesIO(data), None)
    out = BytesIO()
    cff.compile(out, TTFont(recalcBBoxes=False))
    return out.getvalue()


def test_charsets_read_as_fonttools_reads_them(tmp_path: Path) -> None:
    """cids_of reads the charset's ranges itself: the same map as fontTools' reader on WeasyPrint's retained
    programs (OpenType), the compacted ones (bare CFF) and fontTools' rewrites of them, in all three formats."""
    from publish.render.compact import subset

    original = _original(tmp_path)
    compact = tmp_path / "compact.pdf"
    _compacted(original, compact)
    programs = [data for _, data, _ in _programs(original).values()] + [
        data for _, data, _ in _programs(compact).values()]
    keyed = [data for data in programs if _fonttools_cids(data) is not None]
    assert len(keyed) == 6      # 3 CJK faces, retained and compacted
    retained = next(data for data in keyed if data[:4] == b"OTTO")
    by_cid = _fonttools_cids(retained)
    assert by_cid is not None
    # scattered CIDs rewrite as format 0, a run of CIDs as format 1 (WeasyPrint's retained ones are format 2)
    keyed += [_recompiled(data) for data in keyed if data[:4] != b"OTTO"]
    keyed.append(_recompiled(subset(retained, sorted(by_cid[c] for c in range(1, 60) if c in by_cid))))
    for data in programs + keyed:
        assert cids_of(data) == _fonttools_cids(data)
    assert {_format(data) for data in keyed} == {0, 1, 2}
