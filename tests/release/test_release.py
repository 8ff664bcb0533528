"""``publish release`` on a small fixture book whose rights are complete: the bundle verifies, is
reproducible and comes from the cache when nothing changed; every gate condition trips the gate."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from ruamel.yaml import YAML

from conftest import ROOTS, SAMPLE_EPOCH, project_at
from helpers import publish
from publish.build import without
from publish.catalogs.extract import Layout
from publish.errors import PublishError, ReleaseError
from publish.release import gate
from publish.release.bundle import ReleaseOptions, release
from publish.release.onix import validate_onix
from publish.release.pdfcheck import check_pdf
from publish.sources import load_book
from release.retail_rules import NS, RULES, Rule

pytestmark = pytest.mark.slow
ISBNS = {"print": "978-0-9999900-0-1", "pdf": "978-0-9999900-1-8", "epub": "978-0-9999900-2-5"}


RETAIL = {  # what retailers ingest, as an editor writes it in book.yaml (docs/sources.md)
    "description": ["The life and work of Wang Fang, a physician, told from her own account.",
                    "One profile, with an interview."],
    "short_description": "A physician's life, in her own words.",
    "subjects": {"thema": ["DNXM", "MBGR"], "bisac": ["BIO017000"], "main": "thema"},
    "imprint": "tiny-press",
}
PRICES = {"print": [{"amount": "12.99", "currency": "USD"},
                    {"amount": "11.99", "currency": "EUR", "tax": "included", "tax_rate": 7, "territory": ["DE"]}],
          "epub": [{"amount": "5.99", "currency": "USD"}]}


def make_book(where: Path, **edition: object) -> Path:
    """The minimal fixture book with one English edition, registered-looking ISBNs and retail data
    (prices for print and EPUB; the PDF deliberately not for sale)."""
    root = where / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", root)
    (where / "publish.toml").write_text("[project]\n", encoding="utf-8")
    yaml = YAML()
    data = yaml.load((root / "book.yaml").read_text(encoding="utf-8"))
    data["editions"] = [{"id": "en", "locales": ["en"], "isbn": dict(ISBNS), "prices": PRICES,
                         "not_for_sale": ["pdf"], **edition}]
    data.update(RETAIL)
    data["contributors"][0]["biography"] = "Zhang Wei edits the Tiny Press profiles."
    with (root / "book.yaml").open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)
    return root


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("release")
    root = make_book(base)
    cache = base / ".publish-cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        mp.chdir(base)
        project = project_at(base, cache=cache)
        first = release(project, root, ReleaseOptions("1.0.0", out=base / "dist"))
        again = release(project, root, ReleaseOptions("1.0.0", out=base / "dist2"))
    return {"first": first, "again": again, "root": root, "base": base}


def test_bundle_has_every_artifact_and_verifies(bundles: dict) -> None:
    folder = bundles["first"].folder
    assert folder.name == "minimal-1.0.0"
    names = sorted(p.name for p in folder.iterdir())
    for suffix in ("print.pdf", "cover.pdf", "pdf", "epub", "cover.jpg", "cover-thumb.jpg"):
        assert f"minimal-en-1.0.0{'-' if suffix.endswith('.jpg') else '.'}{suffix}" in names, names
    for name in ("SHA256SUMS", "manifest.json", "onix.xml", "RELEASE.md", "index.html"):
        assert name in names
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1


def test_sha256sums_detects_a_changed_file(bundles: dict, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundles["first"].folder, copy)
    with (copy / "minimal-en-1.0.0.epub").open("ab") as fp:
        fp.write(b"\0")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True)
    assert check.returncode != 0 and "FAILED" in check.stdout


def test_manifest_matches_the_files(bundles: dict) -> None:
    from publish.release.manifest import digest

    folder = bundles["first"].folder
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {a["file"]: a for a in data["artifacts"]}
    for name, a in listed.items():
        path = folder / name
        assert path.stat().st_size == a["bytes"] and digest(path) == a["sha256"]
    assert {a["format"] for a in data["artifacts"]} == {"print", "cover-wrap", "pdf", "epub", "cover",
                                                      "ace-report"}
    wrap = next(a for a in data["artifacts"] if a["format"] == "cover-wrap")
    interior = next(a for a in data["artifacts"] if a["format"] == "print")
    # the spine from the interior's real page count × the generic profile's offset paper (0.05 mm a page)
    assert wrap["pages"] == 1 and wrap["spine_mm"] == round(interior["pages"] * 0.05, 3)
    assert wrap["isbn"] == ISBNS["print"].replace("-", "")
    assert set(wrap["validators"]) == {"preflight cover (generic)", "pdfcpu strict", "qpdf check (pikepdf)"}
    assert {"preflight (generic)", "pdfcpu strict", "fonts (pikepdf)",
            "qpdf check (pikepdf)"} <= set(interior["validators"])
    epub = next(a for a in data["artifacts"] if a["format"] == "epub")
    assert epub["isbn"] == ISBNS["epub"].replace("-", "") and epub["language"] == "en"
    tools = {k.split()[0]: v for k, v in epub["validators"].items()}
    assert tools["EPUBCheck"]["passed"] is True and tools["Ace"]["passed"] is True
    assert tools["Ace"]["counts"]["critical"] == 0 and tools["Ace"]["counts"]["serious"] == 0
    # EPUBCheck -u: the advisory usage notes are reported as they are, and do not fail
    assert tools["EPUBCheck"]["counts"]["usage"] == len(tools["EPUBCheck"]["notes"]) >= 1
    a11y = next(s for s in epub["standards"] if s["standard"].startswith("EPUB Accessibility"))
    assert a11y["claimed"] and a11y["passed"] and a11y["certified_by"] == "Tiny Press"
    assert sorted(t.split()[0] for t in a11y["verified_by"]) == ["Ace", "EPUBCheck"]
    report = next(a for a in data["artifacts"] if a["format"] == "ace-report")
    assert report["report_of"] == epub["file"]
    ace = json.loads((folder / report["file"]).read_text(encoding="utf-8"))
    assert ace["earl:assertedBy"]["doap:name"] == "DAISY Ace"
    pdf_standards = {s["standard"]: s for a in data["artifacts"] for s in a["standards"] if a["format"] != "epub"}
    assert pdf_standards["PDF/UA-1"]["verified_by"] == [] and pdf_standards["PDF/X-4"]["verified_by"] == []
    pdf = next(a for a in data["artifacts"] if a["format"] == "pdf")
    assert pdf["validators"]["Matterhorn automated checks"] == {
        "counts": {"failure": 0}, "passed": True, "fails_on": ["failure"], "failures": [], "notes": []}
    assert pdf["pages"] > 3 and pdf["coverage"] == 100.0
    assert data["gate"] == [] and data["draft"] is False


def test_onix_validates_and_describes_each_format(bundles: dict) -> None:
    onix = (bundles["first"].folder / "onix.xml").read_bytes()
    assert validate_onix(onix) == []
    for digits in (n.replace("-", "") for n in ISBNS.values()):
        assert f"<IDValue>{digits}</IDValue>".encode() in onix
    assert b"<ProductFormDetail>E101</ProductFormDetail>" in onix and b"<ProductForm>BC</ProductForm>" in onix


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.field)
def test_onix_meets_the_retailers_rules(bundles: dict, rule: Rule) -> None:
    """Retail completeness: every product of a release satisfies each rule of the retailers' guides
    (tests/release/retail_rules.py names the guide of each)."""
    root = ET.fromstring((bundles["first"].folder / "onix.xml").read_bytes())
    products = root.findall("o:Product", NS)
    assert len(products) == 3
    checked = [p for p in products if rule.applies(p)]
    failing = [p.findtext("o:RecordReference", namespaces=NS) for p in checked if not rule.check(p)]
    assert not failing, f"{rule.field} ({rule.source}): missing in {failing}"


def test_onix_prices_sale_status_and_texts_come_from_book_yaml(bundles: dict) -> None:
    root = ET.fromstring((bundles["first"].folder / "onix.xml").read_bytes())
    by_form = {p.findtext("o:DescriptiveDetail/o:ProductFormDetail", "", NS) or "print": p
               for p in root.findall("o:Product", NS)}
    paperback, pdf, epub = by_form["print"], by_form["E107"], by_form["E101"]
    prices = [(x.findtext("o:PriceType", "", NS), x.findtext("o:PriceAmount", "", NS),
               x.findtext("o:CurrencyCode", "", NS), x.findtext("o:Tax/o:TaxRatePercent", "", NS),
               x.findtext("o:Territory/*", "", NS))
              for x in paperback.findall("o:ProductSupply/o:SupplyDetail/o:Price", NS)]
    assert prices == [("01", "12.99", "USD", "", "WORLD"), ("02", "11.99", "EUR", "7", "DE")]
    # the PDF is deliberately not for sale: not available, no price, no "free of charge"
    assert pdf.findtext("o:ProductSupply/o:SupplyDetail/o:ProductAvailability", "", NS) == "40"
    assert pdf.find("o:ProductSupply/o:SupplyDetail/o:Price", NS) is None
    assert pdf.findtext("o:ProductSupply/o:SupplyDetail/o:UnpricedItemType", "", NS) != "01"
    text = epub.findtext("o:CollateralDetail/o:TextContent[o:TextType='03']/o:Text", "", NS)
    assert RETAIL["description"][0] in text
    assert epub.findtext("o:CollateralDetail/o:TextContent[o:TextType='02']/o:Text", "", NS).endswith(
        RETAIL["short_description"] + "</p>")
    bio = epub.findtext("o:DescriptiveDetail/o:Contributor/o:BiographicalNote", "", NS)
    assert bio == "Zhang Wei edits the Tiny Press profiles."
    cover = epub.findtext("o:CollateralDetail/o:SupportingResource/o:ResourceVersion/o:ResourceLink", "", NS)
    assert (bundles["first"].folder / cover).is_file()
    main = paperback.find("o:DescriptiveDetail/o:Subject[o:MainSubject]", NS)
    assert main is not None and main.findtext("o:SubjectCode", "", NS) == "DNXM"
    measures = {m.findtext("o:MeasureType", "", NS): m.findtext("o:Measurement", "", NS)
                for m in paperback.findall("o:DescriptiveDetail/o:Measure", NS)}
    data = json.loads((bundles["first"].folder / "manifest.json").read_text(encoding="utf-8"))
    spine = next(a["spine_mm"] for a in data["artifacts"] if a["format"] == "cover-wrap")
    assert measures == {"01": "210", "02": "148", "03": f"{spine:g}"}      # trim; thickness = the spine


def test_a_draft_is_never_announced_for_sale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_book(tmp_path, isbn_placeholder=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    publish("release", str(root), "--version", "1.0.0", "--out", "dist", "--draft")
    onix = ET.fromstring((tmp_path / "dist" / "minimal-1.0.0-draft" / "onix.xml").read_bytes())
    for product in onix.findall("o:Product", NS):
        assert product.findtext("o:NotificationType", "", NS) == "01"
        assert product.findtext("o:PublishingDetail/o:PublishingStatus", "", NS) == "02"
        assert product.findtext("o:ProductSupply/o:SupplyDetail/o:ProductAvailability", "", NS) == "10"
        assert product.find("o:ProductSupply/o:SupplyDetail/o:Price", NS) is None


def test_gate_needs_a_price_or_not_for_sale(tmp_path: Path) -> None:
    from publish.release.retail import sale_status

    root = make_book(tmp_path, prices={"print": [{"amount": "9.99", "currency": "USD"}]}, not_for_sale=[])
    problems = sale_status(load_book(root), ("print", "pdf", "epub"))
    assert sorted(p.message.split(": the ")[1].split(" format")[0] for p in problems) == ["epub", "pdf"]
    assert all(p.location.path.endswith("book.yaml") and p.location.line for p in problems)


def test_two_releases_are_identical_and_the_second_comes_from_the_cache(bundles: dict) -> None:
    a, b = bundles["first"].folder, bundles["again"].folder
    assert bundles["again"].rebuilt == ()
    assert bundles["first"].rebuilt == ("en",)
    diff = subprocess.run(["diff", "-r", str(a), str(b)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout[:2000]


def test_gate_refuses_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_book(tmp_path, isbn_placeholder=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    out = publish("release", str(root), "--version", "1.0.0", "--out", "dist", code=5)
    assert "books/minimal/book.yaml" in out and "placeholders" in out
    assert not (tmp_path / "dist" / "minimal-1.0.0").exists()
    publish("release", str(root), "--version", "1.0.0", "--out", "dist", "--draft")
    draft = tmp_path / "dist" / "minimal-1.0.0-draft"
    data = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert data["draft"] is True and any("placeholders" in g for g in data["gate"])
    title_page = subprocess.run(["pdftotext", "-f", "1", "-l", "5", str(draft / "minimal-en-1.0.0.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "DRAFT" in title_page


def test_gate_rights_pending_incomplete_and_excluded(tmp_path: Path) -> None:
    root = make_book(tmp_path)
    profile = root / "profiles" / "wang-fang.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("status: cleared", "status: pending").replace("  editor: ed-one\n", ""),
                       encoding="utf-8")
    problems = gate.rights(load_book(root), ())
    messages = " | ".join(p.format() for p in problems)
    assert "rights are pending" in messages and "no editor credit" in messages
    assert all(p.location.path.endswith("wang-fang.yaml") and p.location.line for p in problems)
    assert gate.rights(load_book(root), ("wang-fang",)) == []


@pytest.mark.parametrize("isbn", [
    {"print": ISBNS["print"], "pdf": ISBNS["print"], "epub": ISBNS["epub"]},    # duplicated
    {**ISBNS, "epub": "978-0-9999900-2-6"},                                     # wrong check digit
])
def test_gate_refuses_invalid_or_duplicated_isbns_with_their_line(tmp_path: Path, isbn: dict) -> None:
    bad = make_book(tmp_path, isbn=isbn)
    with pytest.raises(PublishError) as info:
        release(project_at(tmp_path), bad, ReleaseOptions("1.0.0", out=tmp_path / "dist"))
    where = info.value.problems[0].location
    assert where.path.endswith("book.yaml") and where.line
    assert not (tmp_path / "dist").exists()


def test_gate_missing_isbn_for_a_format(tmp_path: Path) -> None:
    root = make_book(tmp_path, isbn={"print": ISBNS["print"], "pdf": ISBNS["pdf"]})
    (problem,) = gate.isbns(load_book(root), ("print", "pdf", "epub"))
    assert "no ISBN for the epub format" in problem.message and problem.location.line


def test_gate_coverage_below_threshold(tmp_path: Path) -> None:
    root = make_book(tmp_path)
    sources = load_book(root)
    assert gate.coverage(sources, "en", 100.0) == []
    (problem,) = gate.coverage(sources, "en", 97.5)
    assert "97.50%" in problem.message and problem.location.path.endswith("book.yaml")


def make_zh_book(where: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """:func:`make_book` with a zh-Hans edition too, and its catalogues extracted and created."""
    root = make_book(where)
    yaml = YAML()
    data = yaml.load((root / "book.yaml").read_text(encoding="utf-8"))
    data["editions"].append({"id": "zh-Hans", "locales": ["zh_Hans"], "isbn": {
        "print": "978-0-9999900-3-2", "pdf": "978-0-9999900-4-9", "epub": "978-0-9999900-5-6"}})
    with (root / "book.yaml").open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)
    monkeypatch.chdir(where)
    publish("catalog", "extract", str(root))
    publish("catalog", "update", str(root))
    return root


def test_gate_catalogue_check_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_zh_book(tmp_path, monkeypatch)
    po = tmp_path / "locales" / "zh_Hans" / "LC_MESSAGES" / "minimal" / "wang-fang.po"
    text = po.read_text(encoding="utf-8")
    # a translation that drops the number of its source: the catalogue check's error
    source = next(line[7:-1] for line in text.splitlines()
                  if line.startswith('msgid "') and any(c.isdigit() for c in line))
    po.write_text(text.replace(f'msgid "{source}"\nmsgstr ""', f'msgid "{source}"\nmsgstr "这是译文。"'),
                  encoding="utf-8")
    problems = gate.catalogues(load_book(root), Layout(tmp_path / "locales"))
    assert problems and all("wang-fang.po" in p.location.path and p.location.line for p in problems)


def test_gate_sees_an_unembedded_font(tmp_path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
    pdf.save(tmp_path / "plain.pdf")
    report, _ = check_pdf(tmp_path / "plain.pdf")
    assert not report.clean and "not embedded" in report.messages[0]
    problems = gate.validators(tmp_path / "plain.pdf", {report.tool: report.data()})
    assert problems and problems[0].kind == "gate.validator"


def test_exclusion_must_name_a_profile(tmp_path: Path) -> None:
    root = make_book(tmp_path)
    with pytest.raises(PublishError):
        without(load_book(root), ("nobody",))
    with pytest.raises(ReleaseError):
        release(project_at(tmp_path), root, ReleaseOptions("../1.0", out=tmp_path / "dist"))


def test_a_released_version_is_immutable(bundles: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same version again: identical bytes are a no-op; changed content is refused (exit 5, located)
    unless --force; a new version is fine."""
    base, root = bundles["base"], bundles["root"]
    folder = bundles["first"].folder
    monkeypatch.chdir(base)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    sums = (folder / "SHA256SUMS").read_bytes()
    stamp = (folder / "SHA256SUMS").stat().st_mtime_ns
    same = release(project_at(base, cache=base / ".publish-cache"), root, ReleaseOptions("1.0.0", out=base / "dist"))
    assert same.unchanged and (folder / "SHA256SUMS").stat().st_mtime_ns == stamp
    book = root / "book.yaml"
    original = book.read_text(encoding="utf-8")
    book.write_text(original.replace("All rights reserved.", "All rights reserved. Second printing."),
                    encoding="utf-8")
    try:
        out = publish("release", str(root), "--version", "1.0.0", "--out", "dist", code=5)
        assert "dist/minimal-1.0.0/" in out and "already released" in out
        assert (folder / "SHA256SUMS").read_bytes() == sums          # nothing replaced
        publish("release", str(root), "--version", "1.0.1", "--out", "dist")
        assert (base / "dist" / "minimal-1.0.1" / "SHA256SUMS").is_file()
        publish("release", str(root), "--version", "1.0.0", "--out", "dist", "--force")
        assert (folder / "SHA256SUMS").read_bytes() != sums
    finally:
        book.write_text(original, encoding="utf-8")


def test_gate_one_year_everywhere(tmp_path: Path) -> None:
    from datetime import datetime

    sources = load_book(make_book(tmp_path))
    assert gate.copyright_year(sources, "en", datetime(2025, 6, 3)) == []
    problems = gate.copyright_year(sources, "en", datetime(2026, 11, 23))
    assert len(problems) == 1 and "© 2025" in problems[0].message and "2026-11-23" in problems[0].message
    assert problems[0].location.path.endswith("book.yaml") and problems[0].location.line


def test_the_epub_describes_itself(bundles: dict) -> None:
    import zipfile

    with zipfile.ZipFile(bundles["first"].folder / "minimal-en-1.0.0.epub") as z:
        opf = ET.fromstring(z.read("EPUB/content.opf"))
    description = opf.findtext("{*}metadata/{http://purl.org/dc/elements/1.1/}description") or ""
    assert description == " ".join(RETAIL["description"])
