"""End to end: the four EPUB editions of the sample book, checked with W3C EPUBCheck, read back as
XML, and compared with the print PDF they take their page-list from. Sentences come from the sources
and catalogues, not from this file."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fontTools.ttLib import TTFont

from conftest import SAMPLE, SAMPLE_EPOCH
from publish.release.validators import ace, epubcheck
from test_build_sample import profile, squash, translations

pytestmark = pytest.mark.slow
EDITIONS = ("en", "zh-Hans", "zh-Hant", "bilingual")
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
PROFILES = ("li-junmin", "li-ziming", "liu-ruijun", "wang-zhongmin", "li-jinsong")


def epub(built: dict[tuple[str, str], Path], edition: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(built[(edition, "epub")])


def opf(z: zipfile.ZipFile) -> ET.Element:
    return ET.fromstring(z.read("EPUB/content.opf"))


def metas(root: ET.Element, prop: str) -> list[str]:
    return [m.text or "" for m in root.iterfind("opf:metadata/opf:meta", OPF) if m.get("property") == prop]


@pytest.fixture(scope="module")
def reports(built: dict[tuple[str, str], Path]):  # type: ignore[no-untyped-def] # noqa: ANN201
    return epubcheck([built[(e, "epub")] for e in EDITIONS])


@pytest.mark.parametrize("edition", EDITIONS)
def test_epubcheck_reports_nothing(built: dict[tuple[str, str], Path], reports, edition: str) -> None:  # noqa: ANN001
    report = reports[built[(edition, "epub")]]
    assert report.tool.startswith("EPUBCheck 5"), report.tool
    assert report.clean, report.messages


@pytest.fixture(scope="module")
def ace_reports(built: dict[tuple[str, str], Path]):  # type: ignore[no-untyped-def] # noqa: ANN201
    return ace([built[(e, "epub")] for e in EDITIONS])


@pytest.mark.parametrize("edition", EDITIONS)
def test_ace_finds_nothing_critical_or_serious(built: dict[tuple[str, str], Path], ace_reports,  # noqa: ANN001
                                               edition: str) -> None:
    report = ace_reports[built[(edition, "epub")]]
    assert report.tool.startswith("Ace 1.4"), report.tool
    assert report.counts["critical"] == 0 and report.counts["serious"] == 0, report.messages
    assert report.clean


def test_ace_sees_a_package_without_language(tmp_path: Path, built: dict[tuple[str, str], Path]) -> None:
    broken = tmp_path / "nolang.epub"
    with epub(built, "en") as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = re.sub(rb'<package xml:lang="[^"]*"', b"<package", data)
                data = re.sub(rb"<dc:source[^>]*>[^<]*</dc:source>", b"", data)
            dst.writestr(info, data)
    report = ace([broken])[broken]
    assert not report.clean
    assert {m.split()[1] for m in report.messages} == {"epub-lang", "epub-pagesource"}, report.messages


def test_a_certified_package_states_the_checks_and_stays_valid(tmp_path: Path,
                                                               built: dict[tuple[str, str], Path]) -> None:
    from publish.render.epub import CONFORMS, Certification, certify, claims

    copy = tmp_path / "certified.epub"
    copy.write_bytes(built[("zh-Hans", "epub")].read_bytes())
    assert claims(copy) == ()
    certify(copy, Certification(certifier="Publish Sample Editions", summary="检查：Ace 1.4.6"))
    assert claims(copy) == (CONFORMS,)
    root = opf(zipfile.ZipFile(copy))
    assert metas(root, "a11y:certifiedBy") == ["Publish Sample Editions"]
    assert metas(root, "schema:accessibilitySummary") == ["检查：Ace 1.4.6"]
    assert epubcheck([copy])[copy].clean
    with pytest.raises(Exception, match="already makes a conformance claim"):
        certify(copy, Certification(certifier="x", summary="y"))


def test_epubcheck_sees_a_broken_package(tmp_path: Path, built: dict[tuple[str, str], Path]) -> None:
    broken = tmp_path / "broken.epub"
    with epub(built, "en") as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"<dc:language>en</dc:language>", b"<dc:language>en_GB</dc:language>")
            dst.writestr(info, data)
    report = epubcheck([broken])[broken]
    assert not report.clean and report.counts["error"] >= 1


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata(built: dict[tuple[str, str], Path], edition: str) -> None:
    from ruamel.yaml import YAML

    book = YAML(typ="safe").load((SAMPLE / "book.yaml").read_text(encoding="utf-8"))
    spec = next(e for e in book["editions"] if e["id"] == edition)
    root = opf(epub(built, edition))
    uid = root.get("unique-identifier")
    ident = root.find(f"opf:metadata/dc:identifier[@id='{uid}']", OPF)
    assert ident is not None and ident.text == "urn:isbn:" + spec["isbn"]["epub"].replace("-", "")
    languages = [x.text for x in root.iterfind("opf:metadata/dc:language", OPF)]
    assert languages == [loc.replace("_", "-") for loc in spec["locales"]]
    assert metas(root, "dcterms:modified") == ["2025-06-03T00:00:00Z"], SAMPLE_EPOCH
    roles = [m.text for m in root.iterfind("opf:metadata/opf:meta", OPF) if m.get("property") == "role"]
    # the editor of the collection and the source publisher (bibliographic antecedent) as creators;
    # the translators only where there is a translation
    assert roles == (["edt", "ant"] if edition == "en" else ["edt", "trl", "ant"])
    creators = [c.text for c in root.iterfind("opf:metadata/dc:creator", OPF)]
    assert creators == ["Chen Qing", "Ye Wen Ren Yi (ShanghaiDoctor.cn)"]
    file_as = [m.text for m in root.iterfind("opf:metadata/opf:meta", OPF) if m.get("property") == "file-as"]
    assert file_as[0] == "Chen, Qing"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == languages[0]
    source = root.find("opf:metadata/dc:source", OPF)
    assert source is not None and source.text == "urn:isbn:" + spec["isbn"]["print"].replace("-", "")
    refs = [(r.get("type"), r.get("href")) for r in root.iterfind("opf:guide/opf:reference", OPF)]
    assert refs == [("cover", "cover.xhtml")]
    assert all(m.get("scheme") == "marc:relators" for m in root.iterfind("opf:metadata/opf:meta", OPF)
               if m.get("property") == "role")
    assert root.find("opf:metadata/dc:rights", OPF) is not None
    assert root.find("opf:spine", OPF).get("page-progression-direction") == "ltr"
    if edition == "bilingual":
        assert metas(root, "alternate-script") == [book["title"], book["subtitle"]]


@pytest.mark.parametrize("edition", EDITIONS)
def test_accessibility_properties_match_the_content(built: dict[tuple[str, str], Path], edition: str) -> None:
    z = epub(built, edition)
    root = opf(z)
    features = set(metas(root, "schema:accessibilityFeature"))
    nav = ET.fromstring(z.read("EPUB/nav.xhtml"))
    kinds = {n.get(f"{OPS}type") for n in nav.iter(f"{XHTML}nav")}
    assert {"toc", "landmarks", "page-list"} <= kinds
    assert ("printPageNumbers" in features) == ("page-list" in kinds)
    images = [img for name in z.namelist() if name.endswith(".xhtml")
              for img in ET.fromstring(z.read(name)).iter(f"{XHTML}img")]
    assert ("alternativeText" in features) == all(img.get("alt") for img in images)
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"} <= features
    assert metas(root, "schema:accessMode") == ["textual"]
    assert metas(root, "schema:accessibilityHazard") == ["none"]
    # no claim when the EPUB is built: the release certifies what Ace and EPUBCheck passed
    assert metas(root, "dcterms:conformsTo") == [] and metas(root, "a11y:certifiedBy") == []
    summary = metas(root, "schema:accessibilitySummary")[0]
    assert "WCAG" not in summary
    assert (re.search(r"[\u4e00-\u9fff]", summary) is not None) == (edition != "en")
    landmarks = {a.get(f"{OPS}type") for a in nav.iter(f"{XHTML}a") if a.get(f"{OPS}type")}
    assert {"cover", "toc", "bodymatter", "copyright-page", "backmatter"} <= landmarks


@pytest.mark.parametrize("edition", EDITIONS)
def test_documents_are_xml_with_languages_and_ordered_headings(built: dict[tuple[str, str], Path],
                                                               edition: str) -> None:
    z = epub(built, edition)
    main = edition if edition != "bilingual" else "zh-Hans"
    for name in z.namelist():
        if not name.endswith(".xhtml"):
            continue
        root = ET.fromstring(z.read(name))
        assert root.get("lang") == main and root.get("{http://www.w3.org/XML/1998/namespace}lang") == main
        for el in root.iter():
            if el.get("lang"):
                assert el.get("{http://www.w3.org/XML/1998/namespace}lang") == el.get("lang"), name
        levels = [int(el.tag[-1]) for el in root.iter() if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", el.tag)]
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (name, levels)
        if levels:
            assert levels[0] == 1, (name, levels)
    if edition == "bilingual":
        doc = ET.fromstring(z.read("EPUB/li-junmin.xhtml"))
        langs = {el.get("lang") for el in doc.iter() if el.get("lang")}
        assert {"zh-Hans", "en"} <= langs


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-x", "0", "-y", "50", "-W", "420", "-H", "490",
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [squash(page) for page in text.split("\f")]


def markers_before(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """The book's reading order as (last page marker seen, squashed text of each text node)."""
    spine = [i.get("idref") for i in opf(z).iterfind("opf:spine/opf:itemref", OPF)]
    items = {i.get("id"): i.get("href") for i in opf(z).iterfind("opf:manifest/opf:item", OPF)}
    out: list[tuple[str, str]] = []
    current = ["0"]

    def walk(el: ET.Element) -> None:   # document order: text, children, then each child's tail
        if el.get(f"{OPS}type") == "pagebreak":
            current[0] = el.get("aria-label") or ""
        if el.text and el.text.strip():
            out.append((current[0], squash(el.text)))
        for child in el:
            walk(child)
            if child.tail and child.tail.strip():
                out.append((current[0], squash(child.tail)))

    for idref in spine:
        walk(ET.fromstring(z.read("EPUB/" + items[idref])))
    return out


@pytest.mark.parametrize(("edition", "locale"), [("en", None), ("zh-Hans", "zh_Hans"), ("zh-Hant", "zh_Hant")])
def test_page_list_follows_the_print_pdf(built: dict[tuple[str, str], Path], edition: str, locale: str | None) -> None:
    """The marker before a sentence names the page on which pdftotext finds that sentence."""
    pages = pdf_pages(built[(edition, "print")])
    flow = markers_before(epub(built, edition))
    checked = 0
    for pid in PROFILES:
        zh = translations(locale, pid) if locale else {}
        for section in profile(pid)["sections"]:
            for para in section["paragraphs"]:
                text = zh.get(para, para) if locale else para
                for sentence in re.split(r"(?<=[.!?。！？])\s*", text):
                    s = squash(re.sub(r"[*_]", "", sentence))
                    if len(s) < 12:
                        continue
                    found = [n for n, page in enumerate(pages, 1) if s in page]
                    nodes = [label for label, node in flow if s[:8] in node]
                    if len(found) != 1 or len(nodes) != 1:
                        continue    # a sentence split across pages or nodes, or said twice
                    assert nodes[0] == str(found[0]), (pid, sentence)
                    checked += 1
    assert checked >= 60, checked


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_list_is_complete(built: dict[tuple[str, str], Path], edition: str) -> None:
    import subprocess

    import pikepdf

    with pikepdf.open(built[(edition, "print")]) as pdf:
        count = len(pdf.pages)
    # the printer's page rule pads the interior with blank pages at the end: they have no text and are no
    # page of the text the EPUB holds
    text = subprocess.run(["pdftotext", "-layout", str(built[(edition, "print")]), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")[:count]
    blank_tail = 0
    while blank_tail < len(text) and not text[-1 - blank_tail].strip():
        blank_tail += 1
    assert blank_tail < 4, blank_tail   # generic: a multiple of 4
    nav = ET.fromstring(epub(built, edition).read("EPUB/nav.xhtml"))
    page_list = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{OPS}type") == "page-list")
    labels = [a.text for a in page_list.iter(f"{XHTML}a")]
    assert labels == [str(n) for n in range(1, count - blank_tail + 1)]


@pytest.mark.parametrize("edition", EDITIONS)
def test_fonts_are_exact_subsets(built: dict[tuple[str, str], Path], edition: str) -> None:
    import io

    z = epub(built, edition)
    # every document, the nav (its hidden page-list heading: 印刷版页码) and the cover page included
    text = "".join(" ".join(ET.fromstring(z.read(n)).itertext()) for n in z.namelist() if n.endswith(".xhtml"))
    used = {ch for ch in text if not ch.isspace()}
    fonts = [n for n in z.namelist() if n.startswith("EPUB/fonts/")]
    assert any("serif-cjk" in f for f in fonts) and any("garamond" in f for f in fonts)
    region = "tc" if edition == "zh-Hant" else "sc"
    assert all(region in f for f in fonts if "cjk" in f), fonts
    # the italic and bold faces the stylesheet asks for are embedded (render/epubparts.styled_runs)
    assert any("serif-cjk" in f and "bold" in f for f in fonts), fonts
    if edition in ("en", "bilingual"):
        assert "EPUB/fonts/eb-garamond-12-italic.otf" in fonts, fonts
    serif = next(f for f in fonts if "serif-cjk" in f and "bold" not in f)
    font = TTFont(io.BytesIO(z.read(serif)))
    cmap = font.getBestCmap()
    assert not [ch for ch in used if ord(ch) not in cmap]          # every character has its glyph
    needed = {cmap[ord(ch)] for ch in used} | {".notdef"}
    assert len(font.getGlyphOrder()) <= 1.1 * len(needed), (len(font.getGlyphOrder()), len(needed))


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_markers_stand_before_headings_and_words(built: dict[tuple[str, str], Path], edition: str) -> None:
    z = epub(built, edition)
    seen = 0
    for name in z.namelist():
        if not name.endswith(".xhtml"):
            continue
        root = ET.fromstring(z.read(name))
        for heading in root.iter():
            if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", heading.tag):
                assert not [m for m in heading.iter() if m.get(f"{OPS}type") == "pagebreak"], (name, heading.text)
        parent = {id(c): el for el in root.iter() for c in el}
        labels = [int(m.get("aria-label") or 0) for m in root.iter() if m.get(f"{OPS}type") == "pagebreak"]
        assert labels == sorted(labels), (name, labels)      # in document order, page after page
        for mark in (m for m in root.iter(f"{XHTML}span") if m.get(f"{OPS}type") == "pagebreak"):
            seen += 1
            up = parent[id(mark)]
            i = list(up).index(mark)
            before = (up[i - 1].tail if i else up.text) or ""
            after = mark.tail or ""
            latin = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
            assert not (before and after and latin.match(before[-1]) and latin.match(after[0])), \
                (name, before[-20:], after[:20])
    assert seen >= 50


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_printed_contents_pages_are_the_navs(built: dict[tuple[str, str], Path], edition: str) -> None:
    """The contents pages of the print book lead to the nav's contents, not into the first profile."""
    z = epub(built, edition)
    nav = ET.fromstring(z.read("EPUB/nav.xhtml"))
    page_list = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{OPS}type") == "page-list")
    hrefs = {a.text: a.get("href") for a in page_list.iter(f"{XHTML}a")}
    toc = [int(n) for n, href in hrefs.items() if href.startswith("nav.xhtml#")]
    assert toc and toc == list(range(toc[0], toc[-1] + 1)), toc      # the printed contents' page(s)
    ids = {el.get("id") for el in nav.iter()}
    assert all(hrefs[str(n)].split("#")[1] in ids for n in toc)
    assert hrefs[str(toc[-1] + 1)].startswith("li-junmin.xhtml#")     # the first profile follows
    # the contents list is not numbered (EPUB requires <ol>; the style removes the numbers)
    assert "nav#toc ol { list-style-type: none; }" in z.read("EPUB/nav.xhtml").decode("utf-8")


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant", "bilingual"])
def test_latin_names_in_chinese_text_carry_their_language(built: dict[tuple[str, str], Path], edition: str) -> None:
    z = epub(built, edition)
    seen = 0
    for name in z.namelist():
        if not name.endswith(".xhtml"):
            continue
        root = ET.fromstring(z.read(name))
        parent = {id(c): el for el in root.iter() for c in el}

        def lang_of(el: ET.Element | None, parent: dict[int, ET.Element] = parent) -> str:
            while el is not None and not el.get("lang"):
                el = parent.get(id(el))
            return (el.get("lang") or "") if el is not None else ""

        for el in root.iter():
            for text, owner in ((el.text, el), *((c.tail, el) for c in el)):
                if text and re.search(r"\b(Liu Ruijun|Chen Qing|Ye Wen Ren Yi)\b", text):
                    seen += 1
                    assert lang_of(owner) == "en", (name, text[:60])
    assert seen >= 3


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant", "bilingual"])
def test_copyright_page_labels_are_translated(built: dict[tuple[str, str], Path], edition: str) -> None:
    text = " ".join(ET.fromstring(epub(built, edition).read("EPUB/copyright.xhtml")).itertext())
    assert "Edition:" not in text and "print)" not in text and "(epub" not in text
    assert re.search(r"ISBN（平[装裝]本）", text) and ("双语版" in text) == (edition == "bilingual")
    assert edition not in text


def test_sizes(built: dict[tuple[str, str], Path]) -> None:
    sizes = {e: built[(e, "epub")].stat().st_size for e in EDITIONS}
    assert sizes["en"] <= 500_000, sizes
    assert all(sizes[e] <= 1_500_000 for e in ("zh-Hans", "zh-Hant", "bilingual")), sizes


def test_cover_is_a_retail_size_image(built: dict[tuple[str, str], Path]) -> None:
    import io

    from PIL import Image

    z = epub(built, "zh-Hant")
    item = next(i for i in opf(z).iterfind("opf:manifest/opf:item", OPF) if i.get("properties") == "cover-image")
    image = Image.open(io.BytesIO(z.read("EPUB/" + item.get("href"))))
    assert image.format == "JPEG" and image.size[0] >= 1600 and image.size[1] >= 2560


def test_two_builds_are_byte_identical(tmp_path: Path, built: dict[tuple[str, str], Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import sample_project
    from publish.build import BuildOptions, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    again = build(sample_project(cache=tmp_path / "cache"), SAMPLE,
                  BuildOptions(editions=("en",), formats=("epub",), out=tmp_path / "out"))
    assert again[0].path.read_bytes() == built[("en", "epub")].read_bytes()
    with zipfile.ZipFile(again[0].path) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in z.infolist()} == {(2025, 6, 3, 0, 0, 0)}


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant", "bilingual"])
def test_latin_runs_in_chinese_text_are_spaced_and_english_is_not(built: dict[tuple[str, str], Path],
                                                                  edition: str) -> None:
    """The edition's HTML (shared by the PDFs) marks Latin runs that touch Han characters."""
    doc = ET.fromstring(epub(built, edition).read("EPUB/liu-ruijun.xhtml"))
    spaced = [el for el in doc.iter() if (el.get("class") or "").startswith("cjk-sp")]
    assert len(spaced) > 10
    # English blocks (the bilingual edition's English); Latin words marked lang="en" inside Chinese are not
    def marked_word(el: ET.Element) -> bool:
        cls = el.get("class") or ""
        return el.tag == f"{XHTML}span" and (not cls or cls.startswith("cjk-sp"))

    english = [el for el in doc.iter() if el.get("lang") == "en" and not marked_word(el)]
    assert not any((x.get("class") or "").startswith("cjk-sp") for el in english for x in el.iter())
