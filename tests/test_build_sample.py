"""End to end: every edition of the sample book built as print and digital PDFs, checked with the
trade's tools (pdffonts, pdftotext, qpdf) and pikepdf. Sentences are taken from the sources and the
catalogues, not written here."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from ruamel.yaml import YAML

from conftest import REPO, SAMPLE

pytestmark = pytest.mark.slow
EDITIONS = ("en", "zh-Hans", "zh-Hant", "bilingual")


def text_of(pdf: Path, column: str = "both") -> str:
    """The text block of every page: running heads and folios (in the 20 mm margins) cropped away,
    so a paragraph that runs over a page break reads through. The bilingual edition sets Chinese in
    the left column and English in the right one: ``column`` reads one of them, page by page (the
    gutter moves with the inner margin: 17 mm outside on versos, 20 mm inside on rectos)."""
    def run(*crop: str) -> str:
        return subprocess.run(["pdftotext", "-enc", "UTF-8", *crop, str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout

    if column == "both":
        return squash(run("-x", "0", "-y", "50", "-W", "420", "-H", "490"))  # points, 148 × 210 mm page
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    out = []
    for n in range(1, pages + 1):
        middle = 214 if n % 2 else 205  # centre of the text block, in points
        x, width = (0, middle) if column == "left" else (middle, 420 - middle)
        out.append(run("-f", str(n), "-l", str(n), "-x", str(x), "-y", "50", "-W", str(width), "-H", "490"))
    return squash("".join(out))


def squash(text: str) -> str:
    """Compare text without line breaks, hyphenation or spacing: what a reader sees, not the layout."""
    return re.sub(r"[\s\-‐­]", "", unicodedata.normalize("NFKC", text))


def translations(locale: str, profile: str) -> dict[str, str]:
    path = REPO / "locales" / locale / "LC_MESSAGES" / "shanghai-doctors" / f"{profile}.po"
    with path.open("rb") as fp:
        return {m.id: m.string for m in read_po(fp) if m.id and m.string and not m.fuzzy}


def profile(pid: str) -> dict:
    return YAML(typ="safe").load((SAMPLE / "profiles" / f"{pid}.yaml").read_text(encoding="utf-8"))


def test_every_edition_and_format_is_built(built: dict[tuple[str, str], Path]) -> None:
    # each print edition comes with its cover wrap
    assert set(built) == {(e, f) for e in EDITIONS for f in ("print", "cover", "pdf", "epub")}


@pytest.mark.parametrize("edition", EDITIONS)
def test_fonts_embedded_subset_and_regional(built: dict[tuple[str, str], Path], edition: str) -> None:
    out = subprocess.run(["pdffonts", str(built[(edition, "pdf")])], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out
    for line in out:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line
        if edition == "zh-Hant":
            assert "CJK-SC" not in name and "CJK-JP" not in name, line
        else:
            assert "CJK-TC" not in name and "CJK-JP" not in name, line


@pytest.mark.parametrize("key", [(e, f) for e in EDITIONS for f in ("print", "pdf")])
def test_qpdf_check_passes(built: dict[tuple[str, str], Path], key: tuple[str, str]) -> None:
    result = subprocess.run(["qpdf", "--check", str(built[key])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_english_text_notices_and_credits(built: dict[tuple[str, str], Path]) -> None:
    text = text_of(built[("en", "pdf")])
    for pid in ("li-junmin", "li-ziming", "liu-ruijun", "wang-zhongmin", "li-jinsong"):
        data = profile(pid)
        assert squash(data["sections"][0]["paragraphs"][0]) in text, pid
        for notice in data["rights"].get("notice", []):
            assert squash(notice) in text, (pid, notice)
    assert squash("Editor: Chen Qing") in text


@pytest.mark.parametrize("edition,locale", [("zh-Hans", "zh_Hans"), ("zh-Hant", "zh_Hant"), ("bilingual", "zh_Hans")])
def test_chinese_text_comes_back_exactly(built: dict[tuple[str, str], Path], edition: str, locale: str) -> None:
    text = text_of(built[(edition, "pdf")], "left" if edition == "bilingual" else "both")
    checked = 0
    for pid in ("li-junmin", "li-ziming", "liu-ruijun", "wang-zhongmin", "li-jinsong"):
        data = profile(pid)
        done = translations(locale, pid)
        for source in [data["headline"], data["sections"][-1]["paragraphs"][-1], *data["rights"].get("notice", [])]:
            if source in done:
                assert squash(done[source]) in text, (pid, done[source][:40])
                checked += 1
    assert checked >= 5


def test_bilingual_pairs_both_languages(built: dict[tuple[str, str], Path]) -> None:
    left, right = text_of(built[("bilingual", "pdf")], "left"), text_of(built[("bilingual", "pdf")], "right")
    for pid in ("li-jinsong", "wang-zhongmin"):
        first = profile(pid)["sections"][0]["paragraphs"][0]
        zh = translations("zh_Hans", pid).get(first)
        assert squash(first) in right and squash(first) not in left
        assert zh and squash(zh) in left and squash(zh) not in right


def test_pdf_x4_and_pdf_ua1_identification(built: dict[tuple[str, str], Path]) -> None:
    import pikepdf

    with pikepdf.open(built[("zh-Hans", "print")]) as pdf, pdf.open_metadata() as meta:
        assert meta.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        assert "FOGRA39" in str(pdf.Root.OutputIntents[0].OutputConditionIdentifier)
        box = [round(float(v) * 25.4 / 72, 1) for v in pdf.pages[5].obj.TrimBox]
        assert box[2] - box[0] == 148.0 and box[3] - box[1] == 210.0
    with pikepdf.open(built[("zh-Hans", "pdf")]) as pdf, pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert str(pdf.Root.Lang) == "zh-Hans"
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.docinfo.Title) == "医者人生"
        assert "/BleedBox" not in pdf.pages[0].obj or pdf.pages[0].obj.BleedBox == pdf.pages[0].obj.MediaBox


def test_bilingual_digital_pdf_tags_english_with_its_language(built: dict[tuple[str, str], Path]) -> None:
    from publish.render.pdflang import struct_languages

    elements = struct_languages(str(built[("bilingual", "pdf")]))
    paragraphs = [eff for s, _, eff in elements if s == "P"]
    # every pair has a Chinese and an English paragraph: both languages are tagged in similar numbers
    zh, en = paragraphs.count("zh-Hans"), paragraphs.count("en")
    assert zh > 100 and en > 100 and 0.8 < zh / en < 1.25, (zh, en)
    headings = [eff for s, _, eff in elements if s in ("H1", "H2")]
    assert "en" in headings and "zh-Hans" in headings
    # the English edition needs no /Lang below its root except for Chinese names, if any
    assert {eff for s, _, eff in struct_languages(str(built[("en", "pdf")])) if s == "P"} == {"en"}


def test_an_edition_without_isbns_builds_an_epub_with_a_stable_id(minimal: Path) -> None:
    """The fixture's zh-Hant edition has no ISBN yet: the EPUB gets a name-based urn:uuid (the release gate
    refuses missing ISBNs; a build must not crash on them)."""
    import zipfile

    from helpers import publish

    publish("catalog", "extract", str(minimal))
    publish("catalog", "update", str(minimal))
    publish("build", str(minimal), "-e", "zh-Hant", "-f", "epub", "-q")
    epub = minimal.parent.parent / "build" / "minimal" / "zh-Hant" / "minimal-zh-Hant.epub"
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
    assert "urn:uuid:" in opf and "urn:isbn" not in opf


def test_jobs_1_gives_the_bytes_of_jobs_2(tmp_path: Path, built: dict[tuple[str, str], Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The same files whatever the pool's schedule: two editions (one of them bilingual, laid out first)
    built one task after another, against the session's four editions built in a pool of two."""
    from conftest import SAMPLE_EPOCH, sample_project
    from publish.build import BuildOptions, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    again = build(sample_project(cache=tmp_path / "cache"), SAMPLE,
                  BuildOptions(editions=("zh-Hant", "bilingual"), out=tmp_path / "out", jobs=1))
    assert {(a.edition, a.fmt) for a in again} == {(e, f) for e in ("zh-Hant", "bilingual")
                                                   for f in ("print", "cover", "pdf", "epub")}
    for artifact in again:
        assert artifact.path.read_bytes() == built[(artifact.edition, artifact.fmt)].read_bytes(), artifact.path
