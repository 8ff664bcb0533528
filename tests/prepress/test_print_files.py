"""The print files of the sample book's English edition under each printer profile, checked with
independent tools: pdfcpu strict (WebAssembly build, Node), qpdf --check, pikepdf walks of every
content stream and XObject, Ghostscript rendering every page, poppler's word boxes and the zxing-cpp
barcode decoder on a rendered cover. The preflight is also shown to fail on broken files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import SAMPLE, SAMPLE_EPOCH, project_at
from publish.model import Trim
from publish.prepress.coverwrap import geometry
from publish.prepress.profiles import PROFILES
from publish.release import preflight

pytestmark = pytest.mark.slow
TRIM = Trim(width="148mm", height="210mm")
ISBN = "978-0-9999900-0-1"


@pytest.fixture(scope="module", params=sorted(PROFILES))
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """The en interior and cover wrap built with one printer profile (the sample book copied, its
    ``printer`` line changed)."""
    from publish.build import BuildOptions, build

    name = request.param
    root = tmp_path_factory.mktemp(f"print-{name}")
    book = root / "books" / "shanghai-doctors"
    shutil.copytree(SAMPLE, book)
    text = (book / "book.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("printer:"))
    (book / "book.yaml").write_text(text.replace(old, f"printer: {{profile: {name}}}"), encoding="utf-8")
    (root / "publish.toml").write_text("[project]\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        artifacts = build(project_at(root), book, BuildOptions(editions=("en",), formats=("print",), out=root / "out"))
    files = {a.fmt: a.path for a in artifacts}
    return name, files["print"], files["cover"]


def test_interior_passes_the_profiles_preflight(printed: tuple[str, Path, Path]) -> None:
    name, interior, _ = printed
    report = preflight.interior(interior, PROFILES[name], trim_mm=(148, 210))
    assert report.clean, report.messages


def test_interior_follows_the_profiles_rules(printed: tuple[str, Path, Path]) -> None:
    name, interior, _ = printed
    profile = PROFILES[name]
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
        assert pages % profile.page_multiple == 0 and profile.min_pages <= pages <= profile.max_pages
        assert ("/Outlines" in pdf.Root) == profile.bookmarks
        assert not any(p.obj.get("/Annots") for p in pdf.pages)
        first, second = pdf.pages[0].obj, pdf.pages[1].obj
        width = float(first.BleedBox[2]) - float(first.BleedBox[0])
        trim_w = float(first.TrimBox[2]) - float(first.TrimBox[0])
        if profile.bleed_edges == "outer":   # fore-edge only: trim + 0.125 in in width, + 0.25 in in height
            assert width - trim_w == pytest.approx(0.125 * 72, abs=0.05)
            assert float(first.BleedBox[0]) == pytest.approx(float(first.TrimBox[0]))     # recto: spine on the left
            assert float(second.BleedBox[2]) == pytest.approx(float(second.TrimBox[2]))   # verso: spine on the right
        else:
            assert width - trim_w == pytest.approx(2 * 3 / 25.4 * 72, abs=0.05)
        marks_room = float(first.MediaBox[2]) - float(first.BleedBox[2])
        assert (marks_room > 0) == profile.marks


def test_no_rgb_anywhere_and_black_only_interior(printed: tuple[str, Path, Path]) -> None:
    _, interior, cover = printed
    for path in (interior, cover):
        with pikepdf.open(path) as pdf:
            found = preflight.colours(pdf)
            assert found.rgb == (), found.rgb[:5]
    with pikepdf.open(interior) as pdf:
        assert preflight.colours(pdf).non_black == ()


def test_pdfcpu_strict_and_qpdf_accept_both_files(printed: tuple[str, Path, Path]) -> None:
    _, interior, cover = printed
    for path in (interior, cover):
        report = preflight.pdfcpu_strict(path)
        assert report.clean, report.messages
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_ghostscript_renders_every_page_without_a_warning(printed: tuple[str, Path, Path]) -> None:
    _, interior, cover = printed
    for path in (interior, cover):
        boxes, warnings = preflight.ghostscript(path)
        assert warnings == []
        with pikepdf.open(path) as pdf:
            assert len(boxes) == len(pdf.pages)


def test_output_intent_and_pdfx_identification(printed: tuple[str, Path, Path]) -> None:
    _, interior, cover = printed
    for path in (interior, cover):
        with pikepdf.open(path) as pdf:
            (intent,) = pdf.Root.OutputIntents
            assert str(intent.OutputConditionIdentifier) == "FOGRA39"
            assert str(intent.RegistryName) == "http://www.color.org"
            assert int(intent.DestOutputProfile.N) == 4
            with pdf.open_metadata() as meta:
                assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0":
                    assert "/CIDToGIDMap" not in obj


def test_cover_wrap_geometry_barcode_and_safe_zones(printed: tuple[str, Path, Path]) -> None:
    name, interior, cover = printed
    profile = PROFILES[name]
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
    geo = geometry(profile, profile.paper(None), pages, TRIM)
    assert geo.spine == pytest.approx(pages * profile.papers[0].caliper_mm, abs=0.001)
    with pikepdf.open(cover) as pdf:
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
    assert (media[2] - media[0]) * 25.4 / 72 == pytest.approx(2 * 148 + geo.spine + 2 * geo.bleed, abs=0.05)
    assert preflight.barcodes(cover) == [("EAN13", ISBN.replace("-", ""))]
    report = preflight.cover(cover, profile, geo, isbn=ISBN, spine_text=profile.spine_text(pages, geo.spine))
    assert report.clean, report.messages


def test_preflight_fails_on_rgb_marks_in_the_bleed_and_a_wrong_barcode(printed: tuple[str, Path, Path],
                                                                       tmp_path: Path) -> None:
    name, interior, cover = printed
    profile = PROFILES[name]
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(interior) as pdf:
        page = pdf.pages[2]
        page.contents_add(pdf.make_stream(b"q 1 0 0 rg 0 0 10 10 re f Q"), prepend=False)
        if profile.marks:   # a registration stroke inside the bleed
            page.contents_add(pdf.make_stream(b"q /PublishAll CS 1 SCN 0.25 w -2 100 m -6 100 l S Q"),
                              prepend=False)
        pdf.save(broken)
    report = preflight.interior(broken, profile, trim_mm=(148, 210))
    assert any("RGB: page 3" in m and "rg operator" in m for m in report.messages)
    assert not profile.marks or any("inside the bleed" in m for m in report.messages)
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
    geo = geometry(profile, profile.paper(None), pages, TRIM)
    report = preflight.cover(cover, profile, geo, isbn="978-0-9999900-3-2", spine_text=False)
    assert any("barcode read back" in m for m in report.messages)
    wider = geometry(profile, profile.paper(None), pages + 40, TRIM)
    report = preflight.cover(cover, profile, wider, isbn=ISBN, spine_text=False)
    assert any(m.startswith("cover ") and "spine" in m for m in report.messages)


def test_interior_front_matter_in_trade_order_without_a_cover(printed: tuple[str, Path, Path]) -> None:
    _, interior, _ = printed

    def text(n: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(interior), "-"], capture_output=True,
                              text=True, check=True).stdout.split()

    half, verso, title, copyright_, contents = (text(n) for n in range(1, 6))
    assert " ".join(half) == "Lives in Medicine"                 # the half-title: the title alone, recto
    assert verso == []                                           # its verso blank
    assert " ".join(title).startswith("Lives in Medicine Five Profiles")   # the title page, recto
    assert "©" in copyright_ and "ISBN" in " ".join(copyright_)  # the copyright page, verso
    assert contents[0] == "Contents"                             # contents, recto
