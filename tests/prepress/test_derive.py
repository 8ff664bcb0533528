"""The print PDF/X-4 derived from the digital PDF/UA of one layout (publish.prepress.derive), against the
print file of a second layout of the same HTML (the way the print edition was made before): the same
pages with the same text (poppler), the preflight's checks (boxes, marks, CMYK only, output intent,
PDF/X-4 identification), qpdf; each page's resources name only what the page uses; the same bytes
twice; the digital edition's folios and page labels those of the print edition."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from conftest import SAMPLE, SAMPLE_EPOCH, sample_project
from publish.prepress.derive import derive_print, interior_start
from publish.prepress.inks import names, rewrite
from publish.prepress.profiles import GENERIC, KDP
from publish.release import preflight
from publish.render.pdf import FORMATS, print_format, render_pdf

WHEN = datetime(2025, 6, 3, tzinfo=UTC)


def pages_words(path: Path) -> list[list[str]]:
    """Each page's words, sorted (the tagged file's text objects come in another reading order)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [sorted(page.split()) for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample book's English edition: the digital PDF and the print file derived from it (one layout),
    and the print file of a second layout (the print HTML: no cover, CMYK colours in the CSS)."""
    from publish.build import prepare
    from publish.sources import load_book
    from publish.theme import resolve

    out = tmp_path_factory.mktemp("derive")
    project = replace(sample_project(), cache=out / "cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        sources = load_book(SAMPLE)
        theme = resolve(project, sources)
        en = next(e for e in sources.book.editions if e.id == "en")
        p = prepare(project, sources, en, theme, draft=True)   # draft: the red draft mark is in the file
        root = SAMPLE.resolve()
        common = {"trim": sources.book.trim, "extra_css": p.css, "roots": [root], "base": root, "modified": WHEN,
                  "theme": theme}
        files = {"pdf": out / "en.pdf", "print": out / "en.print.pdf", "second": out / "en.second.pdf"}
        one = render_pdf(p.html, files["pdf"], FORMATS["pdf"], page_map=True, print_target=files["print"],
                         printer=GENERIC, **common)  # type: ignore[arg-type]
        two = render_pdf(p.html, files["second"], print_format(GENERIC), page_map=True, **common)  # type: ignore[arg-type]
        assert one.printed == two.pages and one.starts == two.starts   # the EPUB's page-list: the same pages
        again = out / "again.print.pdf"
        render_pdf(p.html, out / "again.pdf", FORMATS["pdf"], print_target=again, printer=GENERIC,
                   **common)  # type: ignore[arg-type]
        files["again"], files["again-pdf"] = again, out / "again.pdf"
    return files


pytestmark = pytest.mark.slow


def test_derived_print_has_the_second_layouts_pages_and_text(edition: dict[str, Path]) -> None:
    derived, second = pages_words(edition["print"]), pages_words(edition["second"])
    assert len(derived) == len(second) > 20
    assert derived == second


def test_derived_print_passes_the_preflight_and_qpdf(edition: dict[str, Path]) -> None:
    report = preflight.interior(edition["print"], GENERIC, trim_mm=(148, 210))
    assert report.clean, report.messages
    with pikepdf.open(edition["print"]) as pdf:
        found = preflight.colours(pdf)
        assert found.rgb == () and found.non_black == ()     # the draft mark too: black ink (bw interior)
        assert found.separations == len(pdf.pages)           # crop marks on every page
        assert "/StructTreeRoot" not in pdf.Root and "/PageLabels" not in pdf.Root
        assert not any(p.obj.get("/Annots") for p in pdf.pages)
        assert pdf.pdf_version == "1.6"
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" and "pdfuaid:part" not in meta
    check = subprocess.run(["qpdf", "--check", str(edition["print"])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_page_names_only_the_resources_it_uses(edition: dict[str, Path]) -> None:
    """No pages² structure: WeasyPrint shares one resources dictionary of everything between all pages."""
    with pikepdf.open(edition["print"]) as pdf:
        total = 0
        for number, page in enumerate(pdf.pages, 1):
            used = names(page.obj.Contents.read_bytes())
            for kind, entries in page.obj.Resources.items():
                if isinstance(entries, pikepdf.Dictionary):
                    extra = set(entries.keys()) - used
                    assert not extra, (number, kind, extra)
                    total += len(entries)
        assert total <= 12 * len(pdf.pages)    # a few fonts, a state, the marks' colour space: per page


def test_same_sources_same_bytes(edition: dict[str, Path]) -> None:
    assert edition["again"].read_bytes() == edition["print"].read_bytes()
    assert edition["again-pdf"].read_bytes() == edition["pdf"].read_bytes()


def test_the_digital_editions_folios_and_labels_are_the_print_editions(edition: dict[str, Path]) -> None:
    with pikepdf.open(edition["pdf"]) as pdf:
        cover = interior_start(pdf)
        assert cover == 2                                  # the cover and its blank verso
        labels = [pikepdf.Page(p).label for p in pdf.pages]
        assert labels[:4] == ["C1", "C2", "1", "2"]
    digital, printed = pages_words(edition["pdf"]), pages_words(edition["print"])
    interior = digital[cover:]
    assert interior == printed[:len(interior)]             # folios and contents' page numbers included
    assert all(page == [] for page in printed[len(interior):])   # the print file's padding


def test_a_cover_count_given_and_a_profile_without_marks(edition: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "kdp.pdf"
    done = derive_print(edition["pdf"], target, KDP, cover_pages=2)
    assert done.pages % KDP.page_multiple == 0
    report = preflight.interior(target, KDP, trim_mm=(148, 210))
    assert report.clean, report.messages
    with pikepdf.open(target) as pdf:
        assert "/Outlines" not in pdf.Root
        assert float(pdf.pages[0].obj.MediaBox[2]) == pytest.approx(float(pdf.pages[0].obj.BleedBox[2]))


@pytest.mark.parametrize(("stream", "expected"), [
    (b"0 0 0 rg\nBT [ <0012> 0 ] TJ ET\n0.533333 0.533333 0.533333 RG\n", b"0 0 0 1 k\nBT [ <0012> 0 ] TJ ET\n"
     b"0 0 0 0.4667 K\n"),
    (b"[ (1 0 0 rg) -50 <0001> ] TJ\n1 0 0 rg\n", b"[ (1 0 0 rg) -50 <0001> ] TJ\n0 0 0 0.701 k\n"),
    # at the start of the stream, right after ] > ) and another operator; not inside a string with escaped
    # parentheses, nor glued to another token (x1, a name, the end of the stream without a delimiter after)
    (b"1 0 0 rg", b"0 0 0 0.701 k"),
    (b"[(a\\) 1 0 0 rg)]TJ\n0 0 0 RG\n.5 .5 .5 rg[<00>]TJ", b"[(a\\) 1 0 0 rg)]TJ\n0 0 0 1 K\n0 0 0 0.5 k[<00>]TJ"),
    (b"]1 1 1 rg\n<ab>0 0 0 RG ()0 0 0 rg\n", b"]0 0 0 0 k\n<ab>0 0 0 1 K ()0 0 0 1 k\n"),
    (b"x1 0 0 rg /a1 0 0 rg 1 0 0 rgx\n", b"x1 0 0 rg /a1 0 0 rg 1 0 0 rgx\n"),
])
def test_ink_rewrite_steps_over_strings(stream: bytes, expected: bytes) -> None:
    assert rewrite(stream, "bw") == (expected, expected.count(b" k") + expected.count(b" K"))


def test_ink_rewrite_leaves_rgb_spaces_to_the_parser() -> None:
    assert rewrite(b"/DeviceRGB cs 1 0 0 sc\n", "colour") is None
    assert rewrite(b"q\nBI /W 1 /H 1 ID x EI Q", "colour") is None
    assert rewrite(b"q /DeviceRGBx cs Q", "bw") == (b"q /DeviceRGBx cs Q", 0)


_OLD_COLOUR = __import__("re").compile(
    rb"(\((?:[^()\\]|\\.)*)(?=\))"
    rb"|([\s\]>)])([+-]?(?:\d+\.?\d*|\.\d+))\s+([+-]?(?:\d+\.?\d*|\.\d+))\s+([+-]?(?:\d+\.?\d*|\.\d+))\s+(rg|RG)"
    rb"(?![^\s\[(/<%])", __import__("re").S)


def _one_scan(data: bytes, interior: str) -> tuple[bytes, int] | None:
    """The oracle: the rewrite as one left-to-right scan for ``literal string | operands + operator`` (the
    implementation before the operator-first search)."""
    from publish.prepress.inks import _SLOW, _number, ink

    data = b"\n" + data
    if _SLOW.search(data):
        return None
    changed = 0

    def replace(m):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
        nonlocal changed
        if m.group(1) is not None:
            return m.group(0)
        changed += 1
        values = ink((float(m.group(3)), float(m.group(4)), float(m.group(5))), interior)
        return m.group(2) + b" ".join(_number(v) for v in values) + (b" k" if m.group(6) == b"rg" else b" K")

    return _OLD_COLOUR.sub(replace, data)[1:], changed


def test_ink_rewrite_finds_what_one_scan_finds(edition: dict[str, Path]) -> None:
    import random

    rng = random.Random(18)
    vocab = [b" ", b"\n", b"\t", b"(", b")", b"\\", b"\\(", b"rg", b"RG", b"]", b"[", b">", b"<", b"/", b"%", b"1",
             b"0", b".5", b"-2", b"+3", b"0.25", b"12", b"x", b"k", b"/DeviceRGB", b"cs", b"BI", b"Tj", b"r", b"g",
             b" " * 70, b"\n" * 300]
    streams = [b"".join(rng.choice(vocab) for _ in range(rng.randint(0, 40))) for _ in range(40_000)]
    streams += [b"1" + b" " * 100 + b"0\n" * 90 + b"0 rg", b"(" + b" " * 200 + b"1 0 0 rg)0 0 0 rg"]
    with pikepdf.open(edition["pdf"]) as pdf:   # every page of the sample's digital file
        streams += [page.obj.Contents.read_bytes() for page in pdf.pages]
    changed = 0
    for stream in streams:
        for interior in ("bw", "colour"):
            got = rewrite(stream, interior)
            assert got == _one_scan(stream, interior), stream
            changed += got[1] if got else 0
    assert changed > 300   # not vacuous: hundreds of operators rewritten
