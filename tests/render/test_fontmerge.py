"""publish.render.fontmerge with publish.render.weasy.deferred_fonts: two documents written with their font
subsets left to the assembly, merged into one file, against WeasyPrint's own one-document file: the same text
and pixels, each face embedded once, the same bytes twice; a placeholder the assembly cannot fill is an error
naming the part."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish.errors import RenderError

STYLE = ("<style>@page { size: 120mm 80mm; margin: 10mm } body { font: 11pt 'EB Garamond 12' }"
         " .zh { font-family: 'Noto Serif CJK SC' } b { font-weight: bold } .sc { font-variant: small-caps }</style>")
PAGES = ['<p>Sun Simiao <b>wrote</b> the <span class="sc">Qianjin Fang</span>.</p>'
         '<p class="zh" lang="zh">孙思邈著《千金方》。</p>',
         '<p>Li Shizhen <i>compiled</i> a materia medica.</p>'
         '<p class="zh" lang="zh">李时珍编《本草纲目》，孙思邈。</p>']


def _write(html: str, target: Path, *, deferred: bool) -> None:
    from weasyprint import HTML

    from publish.render.weasy import deferred_fonts

    document = HTML(string=html).render()
    if deferred:
        with deferred_fonts():
            document.write_pdf(str(target))
    else:
        document.write_pdf(str(target))


def _merged(tmp_path: Path, name: str) -> Path:
    import pikepdf

    from publish.render.fontmerge import FontMerge

    parts = []
    for i, body in enumerate(PAGES):
        parts.append(tmp_path / f"{name}-part{i}.pdf")
        _write(f"<html><head>{STYLE}</head><body>{body}</body></html>", parts[-1], deferred=True)
    target = tmp_path / f"{name}.pdf"
    with pikepdf.open(parts[0]) as out, pikepdf.open(parts[1]) as other:
        fonts = FontMerge(out)
        fonts.take(out.pages, parts[0])
        first = len(out.pages)
        out.pages.extend(other.pages)
        fonts.take(out.pages[first:], parts[1])
        fonts.finish()
        out.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)   # as assembled
    return target


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pixels(pdf: Path, folder: Path) -> list[bytes]:
    from PIL import Image

    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(folder / "p")], check=True)
    return [Image.open(f).tobytes() for f in sorted(folder.iterdir())]


def _programs(pdf: Path) -> list[tuple[str, str]]:
    """(PostScript name, BaseFont) of each embedded font program, read from the program itself."""
    import pikepdf
    from fontTools.ttLib import TTFont

    out = []
    with pikepdf.open(pdf) as doc:
        seen = set()
        for page in doc.pages:
            for font in page.obj.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                if stream.objgen in seen:
                    continue
                seen.add(stream.objgen)
                with TTFont(io.BytesIO(stream.read_bytes())) as program:
                    out.append((program["name"].getDebugName(6), str(font.BaseFont)))
    return out


def test_merged_fonts_match_one_document(tmp_path: Path) -> None:
    import pikepdf

    single = tmp_path / "single.pdf"
    _write(f"<html><head>{STYLE}</head><body>{PAGES[0]}<div style='break-before: page'>{PAGES[1]}</div></body></html>",
           single, deferred=False)
    merged = _merged(tmp_path, "merged")
    assert _text(merged) == _text(single)
    assert _pixels(merged, tmp_path / "a") == _pixels(single, tmp_path / "b")
    programs = _programs(merged)
    names = [p for p, _ in programs]
    assert len(names) == len(set(names)) >= 2, programs     # one program per face, two faces at least
    with pikepdf.open(merged) as pdf:
        fonts = {str(k): v for page in pdf.pages for k, v in page.obj.Resources.Font.items()}
        for font in fonts.values():
            assert "/PublishFace" not in font
            assert str(font.BaseFont)[1:8].isupper() and str(font.BaseFont)[7] == "+"
        # the same fonts (by WeasyPrint's resource names) in both documents' pages, each merged once
        assert len({f.objgen for f in fonts.values()}) == len(fonts)
    out = subprocess.run(["pdffonts", str(merged)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5:-3] == ["yes", "yes"] for row in rows), out   # embedded, subset
    assert subprocess.run(["qpdf", "--check", str(merged)], capture_output=True, check=False).returncode == 0
    assert _merged(tmp_path, "again").read_bytes() == merged.read_bytes()
    # and from another process, with another string hash seed (pikepdf gives a dictionary's keys as a set)
    for seed in ("1", "2"):
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; import test_fontmerge; "
                f"test_fontmerge._merged(Path(sys.argv[2]), 'seed{seed}')")
        subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(tmp_path)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        assert (tmp_path / f"seed{seed}.pdf").read_bytes() == merged.read_bytes(), seed


def test_the_parts_carry_placeholders_only(tmp_path: Path) -> None:
    import pikepdf

    from publish.render.weasy import PLACEHOLDER

    part = tmp_path / "part.pdf"
    _write(f"<html><head>{STYLE}</head><body>{PAGES[0]}</body></html>", part, deferred=True)
    with pikepdf.open(part) as pdf:
        fonts = list(pdf.pages[0].obj.Resources.Font.values())
        assert fonts
        for font in fonts:
            face = font.PublishFace
            assert Path(str(face.Path)).is_file() and str(face.Glyphs)
            descriptor = font.DescendantFonts[0].FontDescriptor
            data = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).read_bytes()
            assert data[4:] == PLACEHOLDER


@pytest.mark.parametrize("damage", ["no face", "changed file"])
def test_a_placeholder_left_is_an_error_naming_the_part(damage: str, tmp_path: Path) -> None:
    import pikepdf

    from publish.render.fontmerge import FontMerge

    part = tmp_path / "part.pdf"
    _write(f"<html><head>{STYLE}</head><body>{PAGES[1]}</body></html>", part, deferred=True)
    with pikepdf.open(part) as out:
        font = next(iter(out.pages[0].obj.Resources.Font.values()))
        if damage == "no face":
            del font["/PublishFace"]
        else:
            font.PublishFace.Size = int(font.PublishFace.Size) + 1
        fonts = FontMerge(out)
        with pytest.raises(RenderError) as caught:
            fonts.take(out.pages, part)
            fonts.finish()
    assert [p.location.path for p in caught.value.problems] == [str(part)]
    assert ("without its face" if damage == "no face" else "changed since") in str(caught.value)
