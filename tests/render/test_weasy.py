"""publish.render.weasy: the WeasyPrint internals it relies on, and Chinese inter-character justification.

The first tests fail loudly when WeasyPrint changes what the extension patches (a new version is
refused at import anyway); the others render real text with the real fonts and read the PDF back.
"""

from __future__ import annotations

import contextlib
import inspect
import subprocess
from pathlib import Path

import pytest
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.layout import block as layout_block
from weasyprint.layout import inline as layout_inline
from weasyprint.pdf import tags
from weasyprint.text import line_break

from publish.render import weasy

pymupdf = pytest.importorskip("pymupdf")

TEXT = ("主流观点认为，免疫性血小板减少症患者的巨核细胞只是代偿性改变，本身并无异常。然而，李军民通过细致的研究"
        "发现，慢性患者的巨核细胞存在明显异常，这对既有定论提出了挑战。面对Nature Communications的质疑，他说好")
CSS = ("@page { size: 120mm 100mm; margin: 10mm } body { margin: 0 } "
       "html { font-family: 'Noto Serif CJK SC'; font-size: 10pt } p { text-align: justify }")
EDGE = (120 - 10) / 25.4 * 72   # the right edge of the text block in points


def test_pinned_version_and_patched_internals() -> None:
    assert weasyprint.__version__.startswith(weasy.PINNED)
    assert list(inspect.signature(layout_inline.justify_line).parameters) == ["context", "line", "extra_width"]
    # text_align looks justify_line up as a module global at call time: replacing it takes effect
    assert "justify_line" in layout_inline.text_align.__code__.co_names
    assert list(inspect.signature(line_break.Layout.set_text).parameters) == ["self", "text", "justify"]
    assert list(inspect.signature(line_break.create_layout).parameters) == [
        "text", "style", "context", "max_width", "justification_spacing"]
    # drawing re-creates each text box's Pango layout with set_text(..., justify=True)
    assert "reactivate" in draw_text.draw_text.__code__.co_names
    assert "set_text" in line_break.Layout.reactivate.__code__.co_names
    assert callable(tags._build_box_tree)
    # after line breaking a text box's layout holds its own text, deactivated: copied, not re-shaped
    assert "deactivate" in line_break.first_line_metrics.__code__.co_names
    # hyphenate-limit-lines: block layout takes iter_line_boxes from its module globals, text boxes are
    # split by inline's split_first_line, which reads style["hyphens"]
    assert layout_block.iter_line_boxes is layout_inline.iter_line_boxes
    assert "iter_line_boxes" in layout_block._linebox_layout.__code__.co_names
    assert "split_first_line" in layout_inline.split_text_box.__code__.co_names
    assert "hyphens" in line_break.split_first_line.__code__.co_consts
    assert list(inspect.signature(line_break.split_first_line).parameters)[:2] == ["text", "style"]
    # the dictionary of a text's language: pyphen as line_break's module global, its language_fallback then Pyphen
    assert {"pyphen", "language_fallback", "Pyphen"} <= set(line_break.split_first_line.__code__.co_names)


def test_flate_level_reaches_pydyfs_streams() -> None:
    import zlib

    import pydyf

    # pydyf compresses every stream through its module global zlib, at level 9
    assert "compressobj" in pydyf.Stream.data.fget.__code__.co_names and pydyf.zlib is zlib
    data = bytes(range(256)) * 2000
    with weasy.flate_level(1):
        stream = pydyf.Stream([data], compress=True)
        written = stream.data
    assert pydyf.zlib is zlib
    assert zlib.compress(data, 1) in written and zlib.compress(data, 9) not in written


def test_context_restores_weasyprint() -> None:
    justify, set_text = layout_inline.justify_line, line_break.Layout.set_text
    with weasy.inter_character():
        assert layout_inline.justify_line is not justify
    iter_lines, split = layout_block.iter_line_boxes, layout_inline.split_first_line
    with weasy.inter_character():
        assert layout_inline.justify_line is not justify
        assert layout_block.iter_line_boxes is not iter_lines and layout_inline.split_first_line is not split
    assert layout_inline.justify_line is justify and line_break.Layout.set_text is set_text
    assert layout_block.iter_line_boxes is iter_lines and layout_inline.split_first_line is split


def _render(tmp_path: Path, html_body: str, *, justify: bool = True) -> tuple[Path, list[list[tuple[str, float]]]]:
    html = f'<html lang="zh-Hans"><body><p>{html_body}</p></body></html>'
    target = tmp_path / ("j.pdf" if justify else "r.pdf")
    document = weasyprint.HTML(string=html)
    sheets = [weasyprint.CSS(string=CSS)]
    if justify:
        with weasy.inter_character():
            document.render(stylesheets=sheets).write_pdf(str(target))
    else:
        document.render(stylesheets=sheets).write_pdf(str(target))
    lines = []
    with pymupdf.open(str(target)) as pdf:
        for block in pdf[0].get_text("rawdict")["blocks"]:
            for line in block["lines"]:
                chars = [c for span in line["spans"] for c in span["chars"]]
                lines.append([(c["c"], c["origin"][0], c["bbox"][2]) for c in chars])
    return target, lines


def test_chinese_lines_are_justified_between_characters(tmp_path: Path) -> None:
    _, ragged = _render(tmp_path, TEXT, justify=False)
    assert any(EDGE - line[-1][2] > 2 for line in ragged[:-1]), "the sample must be ragged without the extension"
    path, lines = _render(tmp_path, TEXT)
    assert len(lines) >= 3
    for line in lines[:-1]:
        assert abs(line[-1][2] - EDGE) < 0.5, "".join(c for c, *_ in line)
    last = lines[-1]
    pairs = zip(last, last[1:], strict=False)
    assert all(abs(b[1] - a[1] - 10) < 0.01 for a, b in pairs if "\u4e00" <= a[0] <= "\u9fff"), "last line justified"
    # Latin words keep their own letter spacing: the advances inside "Communications" are unchanged
    def word(ls: list[list[tuple[str, float, float]]]) -> list[float]:
        flat = [c for line in ls for c in line]
        text = "".join(c[0] for c in flat)
        i = text.index("Communications")
        return [round(flat[i + k + 1][1] - flat[i + k][1], 2) for k in range(len("Communications") - 1)]
    assert word(lines) == word(ragged)
    # the text layer is the source text: nothing inserted between characters
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert out.replace("\n", "").replace("\f", "") == TEXT


def test_spans_and_punctuation_markup(tmp_path: Path) -> None:
    from publish.render.inline import inline

    source = "他说：“好的，我们一起做。”然后慢性" + "血小板减少症的研究开始了，" * 4 + "最后结束"
    html = str(inline(source, "zh-Hans"))
    assert '<span class="halt">：</span>' in html and '<span class="halt">。</span>' in html
    assert "<wbr>“" in html and '<span class="nobr">结束</span>' in html
    css_extra = ".halt { font-feature-settings: 'halt' } .nobr { white-space: nowrap }"
    target = tmp_path / "m.pdf"
    with weasy.inter_character():
        weasyprint.HTML(string=f'<html lang="zh-Hans"><body><p>{html}</p></body></html>').render(
            stylesheets=[weasyprint.CSS(string=CSS + css_extra)]).write_pdf(str(target))
    with pymupdf.open(str(target)) as pdf:
        chars = [c for b in pdf[0].get_text("rawdict")["blocks"] for ln in b["lines"] for s in ln["spans"]
                 for c in s["chars"]]
    text = "".join(c["c"] for c in chars)
    i = text.index("：“")
    assert chars[i + 1]["origin"][0] - chars[i]["origin"][0] < 6.5   # the colon set half-width (+ spacing)
    out = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "".join(out.split()) == source


LADDER = ("Interventional radiologists collaborated internationally, standardizing extraordinarily "
          "sophisticated multidisciplinary methodologies, characterizing immunotherapeutic combinations, "
          "and disseminating comprehensive recommendations throughout participating institutions.") * 2


def _hyphen_ends(path: Path) -> list[bool]:
    with pymupdf.open(str(path)) as doc:
        texts = ["".join(span["text"] for span in line["spans"]).rstrip()
                 for block in doc[0].get_text("dict")["blocks"] for line in block.get("lines", ())]
    return [text[-1] in "-\u2010" for text in texts if text]


def _longest_run(ends: list[bool]) -> int:
    best = run = 0
    for end in ends:
        run = run + 1 if end else 0
        best = max(best, run)
    return best


def test_no_more_than_two_hyphenated_lines(tmp_path: Path) -> None:
    """hyphenate-limit-lines: 2. The same narrow paragraph WeasyPrint alone sets with a ladder of eight
    hyphens has none longer than two; it is still hyphenated, and its text is unchanged."""
    css = weasyprint.CSS(string="@page { size: 80mm 200mm; margin: 10mm } html { font-family: 'EB Garamond 12';"
                                " font-size: 10pt } p { text-align: justify; hyphens: auto; width: 34mm; margin: 0 }")
    html = f'<html lang="en"><body><p>{LADDER}</p></body></html>'
    bare, limited = tmp_path / "bare.pdf", tmp_path / "limited.pdf"
    weasyprint.HTML(string=html).write_pdf(str(bare), stylesheets=[css])
    with weasy.inter_character():
        weasyprint.HTML(string=html).write_pdf(str(limited), stylesheets=[css])
    assert _longest_run(_hyphen_ends(bare)) >= 3    # the paragraph does make a ladder
    ends = _hyphen_ends(limited)
    assert _longest_run(ends) == 2 and sum(ends) >= 5, ends
    text = subprocess.run(["pdftotext", str(limited), "-"], capture_output=True, text=True, check=True).stdout
    assert "".join(text.replace("\u2010\n", "").split()) == "".join(LADDER.split())


WORDS = ("significant", "negative", "extensive", "hesitation", "Xinjiang", "conducted", "procedures", "directly")


def _first_lines(tmp_path: Path, lang: str, *, ours: bool) -> dict[str, str]:
    """Each of WORDS alone in a column too narrow for it, hyphenated: the word → its first line's text."""
    css = weasyprint.CSS(string="@page { size: 80mm 400mm; margin: 10mm } html { font-family: 'EB Garamond 12';"
                                " font-size: 10pt } p { hyphens: auto; width: 9mm; margin: 0 0 4mm;"
                                " hyphenate-limit-chars: 4 2 2 }")
    body = "".join(f"<p>{word}</p>" for word in WORDS)
    target = tmp_path / f"{lang}-{ours}.pdf"
    with weasy.hyphenation_patterns() if ours else contextlib.nullcontext():
        document = weasyprint.HTML(string=f'<html lang="{lang}"><body>{body}</body></html>')
        document.write_pdf(str(target), stylesheets=[css])
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    firsts: dict[str, str] = {}
    words = iter(WORDS)
    current = None
    for line in (line.strip() for line in text.splitlines() if line.strip()):   # each word's lines in turn
        if current is None:
            current = next(words)
            firsts[current] = line
        if not line.endswith(("\u2010", "-")):
            current = None
    return firsts


def _points(lang: str, word: str) -> set[str]:
    import pyphen

    return {start + "\u2010" for start, _ in pyphen.Pyphen(lang=lang, left=2, right=2).iterate(word)}


def test_english_is_hyphenated_with_the_us_patterns(tmp_path: Path) -> None:
    """A bare ``en`` breaks words where the US patterns do (pyphen alone takes it to the British ones, as the
    same columns without the patterns show); ``en-GB`` keeps the British patterns."""
    import pyphen

    with weasy.hyphenation_patterns():
        assert line_break.pyphen.language_fallback("en") == "en_US"
        assert line_break.pyphen.language_fallback("en-GB") == "en_GB"
        assert line_break.pyphen.language_fallback("zh-Hans") == pyphen.language_fallback("zh-Hans")
    assert line_break.pyphen is pyphen   # restored

    ours, alone, british = (_first_lines(tmp_path, "en", ours=True), _first_lines(tmp_path, "en", ours=False),
                            _first_lines(tmp_path, "en-GB", ours=True))
    assert set(ours) == set(WORDS), ours
    for word in WORDS:
        assert ours[word] in _points("en_US", word), (word, ours[word])
        assert british[word] in _points("en_GB", word), (word, british[word])
    wrong = [w for w in WORDS if alone[w] not in _points("en_US", w)]
    assert len(wrong) >= 3, alone   # without them: "signi-", "negat-", "Xinji-", "dir-"


def test_the_native_libraries_are_looked_up_as_ctypes_looks_them_up() -> None:
    """The one-``ldconfig`` look-up used while WeasyPrint is imported (publish.render.weasy.libraries) gives what
    ``ctypes.util.find_library`` gives for the names WeasyPrint tries, found or not, and the original is back."""
    import ctypes.util

    import publish.render.weasy  # noqa: F401 - imported: WeasyPrint loaded its libraries through the look-up
    from publish.render.weasy.libraries import cache_listing, finder

    assert ctypes.util.find_library.__module__ == "ctypes.util"
    listing = cache_listing()
    assert listing is not None
    find = finder(listing)
    names = ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0",
             "libgobject-2.0-0", "pango-1.0-0", "harfbuzz-vector", "no-such-library-for-publish"]
    found = {name: find(name) for name in names}
    assert found == {name: ctypes.util.find_library(name) for name in names}
    assert found["gobject-2.0"] == "libgobject-2.0.so.0" and found["no-such-library-for-publish"] is None
