"""PDF rendering on the minimal book: refusals of the URL fetcher, warnings as errors, the glyph gate,
atomic output, CJK–Latin spacing. Real WeasyPrint, real fonts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import PROFILE, publish
from publish.errors import RenderError
from publish.model import Trim
from publish.render.fetcher import BookFetcher, Refused
from publish.render.fonts import FontSet, missing_glyphs
from publish.render.inline import inline
from publish.render.pdf import FORMATS, render_pdf

WHEN = datetime(2025, 6, 3, tzinfo=UTC)
TRIM = Trim(width="148mm", height="210mm")


def render(html: str, target: Path, book: Path, fmt: str = "pdf") -> int:  # pages
    return render_pdf(html, target, FORMATS[fmt], trim=TRIM, extra_css=FontSet("SC").css(), roots=[book],
                      base=book, modified=WHEN).pages


def page(body: str) -> str:
    head = '<head><meta charset="utf-8"><title>t</title></head>'
    return f'<!DOCTYPE html><html lang="en">{head}<body>{body}</body></html>'


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "https://example.org/x.png",
    "ftp://example.org/x",
    "file:///etc/passwd",
    "file://otherhost/etc/passwd",
])
def test_fetcher_refuses_anything_outside_the_book(minimal: Path, url: str) -> None:
    with pytest.raises(Refused):
        BookFetcher([minimal]).fetch(url)


def test_fetcher_refuses_escape_through_dotdot_and_symlink(minimal: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (minimal / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = BookFetcher([minimal])
    for url in [(minimal / ".." / ".." / "secret.txt").as_uri(), (minimal / "link.txt").as_uri()]:
        with pytest.raises(Refused):
            fetcher.fetch(url)


def test_fetcher_serves_files_inside_the_book(minimal: Path) -> None:
    response = BookFetcher([minimal]).fetch((minimal / "book.yaml").resolve().as_uri())
    assert response.read().startswith(b"id: minimal")


@pytest.mark.parametrize("body", [
    '<img src="http://169.254.169.254/latest/meta-data/" alt="x">',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    '<link rel="stylesheet" href="https://example.org/evil.css"><p>x</p>',
    '<img src="missing.png" alt="missing">',
])
def test_refusals_and_missing_files_fail_the_build_and_keep_the_previous_pdf(minimal: Path, body: str) -> None:
    target = Path("out/book.pdf")
    target.parent.mkdir()
    target.write_bytes(b"previous")
    with pytest.raises(RenderError) as err:
        render(page(body), target, minimal)
    assert "render.fetch" in {p.kind for p in err.value.problems}
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["book.pdf"]  # no temporary file left


def test_weasyprint_warnings_are_build_errors(minimal: Path) -> None:
    with pytest.raises(RenderError, match="WeasyPrint: Ignored"):
        render(page('<p style="color: nonsense(1)">x</p>'), Path("x.pdf"), minimal)
    assert not Path("x.pdf").exists()


def test_print_pdf_has_bleed_and_an_output_intent(minimal: Path) -> None:
    import pikepdf

    # one page laid out, padded with blank pages to the generic printer's rule (a multiple of 4)
    assert render(page("<p>One page.</p>"), Path("p.pdf"), minimal, "print") == 4
    with pikepdf.open("p.pdf") as pdf:
        first = pdf.pages[0].obj
        mm = [round(float(v) * 25.4 / 72, 1) for v in first.TrimBox]
        assert mm == [0.0, 0.0, 148.0, 210.0]
        assert [round(float(v) * 25.4 / 72, 1) for v in first.BleedBox] == [-3.0, -3.0, 151.0, 213.0]
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFX"


def test_same_input_same_bytes(minimal: Path) -> None:
    for name in ("a.pdf", "b.pdf"):
        render(page("<p>Reproducible.</p>"), Path(name), minimal, "print")
    assert Path("a.pdf").read_bytes() == Path("b.pdf").read_bytes()


def test_glyph_gate_names_character_code_point_edition_and_source_line(minimal: Path) -> None:
    text = PROFILE.read_text(encoding="utf-8").replace("The patients.", "The patients \U00016F00.")
    PROFILE.write_text(text, encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "\U00016F00" in s)
    out = publish("build", "books/minimal", "-e", "en", "-f", "pdf", code=4)
    assert f"books/minimal/profiles/wang-fang.yaml:{line}:" in out
    assert "U+16F00" in out and "edition 'en'" in out
    assert not Path("build/minimal/en/minimal-en.pdf").exists()


def test_fonts_cover_the_sample_characters() -> None:
    faces = FontSet("TC").faces()
    assert missing_glyphs("醫學「」，。ABCé—…《》", faces) == []
    assert missing_glyphs("\U00016F00", faces) == ["\U00016F00"]
    # each missing character once, in code-point order, however often the text repeats it (the gate looks
    # each distinct character up once: an edition of 100 profiles is millions of characters, a few thousand distinct)
    assert missing_glyphs("\U00016F01a\U00016F00" * 1000 + "\u200b醫", faces) == ["\U00016F00", "\U00016F01"]


def test_cjk_latin_spacing_marks_only_runs_next_to_han() -> None:
    html = str(inline("2015年，ITP患者的*Blood*论文", "zh-Hans"))
    assert '<span class="cjk-sp-r">2015</span>年' in html
    assert '，<span class="cjk-sp-r" lang="en">ITP</span>患者' in html       # a word: marked English too
    assert '<em><span lang="en">Blood</span></em>' in html
    assert inline("In 2015 ITP", "en") == "In 2015 ITP"
    assert "&lt;b&gt;" in str(inline("他<b>说", "zh-Hans"))


def test_digital_pdf_tags_the_other_language_where_it_changes(minimal: Path) -> None:
    from publish.render.pdflang import struct_languages

    html = ('<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>t</title></head><body>'
            '<div class="pair"><p>李军民是一位医生。</p><p lang="en">Li Junmin is a <em>doctor</em>.</p></div>'
            '<p>他出生于<span lang="en">Shanghai</span>。</p></body></html>')
    target = minimal / "out.pdf"
    render(html, target, minimal)
    elements = struct_languages(str(target))
    own = [(s, lang) for s, lang, _ in elements if lang]
    # exactly the English paragraph and the English span carry /Lang; nothing inside them repeats it
    assert own == [("P", "en"), ("Span", "en")]
    paragraphs = [eff for s, _, eff in elements if s == "P"]
    assert paragraphs == ["zh-Hans", "en", "zh-Hans"]
    # the emphasis inside the English paragraph was a bare Span: its content is the English P's own now
    # (publish.render.pdftags folds bare Spans into their parents); only the Span with a /Lang stays
    assert [(s, own) for s, own, _ in elements if s == "Span"] == [("Span", "en")]
