"""ONIX 3.0 message: schema-valid for the sample book's 4 editions × 3 formats, and its codes say what they should."""

from __future__ import annotations

import dataclasses
import datetime
import xml.etree.ElementTree as ET

import pytest
from stdnum import ean

from publish.errors import ReleaseError
from publish.release.onix import OnixContributor, OnixProduct, onix_message, validate_onix

NS = {"o": "http://ns.editeur.org/onix/3.0/reference"}
SENT = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
EDITIONS = {"en": ("en",), "zh-hans": ("zh-Hans",), "zh-hant": ("zh-Hant",), "bilingual": ("en", "zh-Hans")}
FORMATS = ("epub", "pdf", "print")
ALT_TITLES = {"zh-Hans": ("血液学人生", "一位医生的回忆"), "zh-Hant": ("血液學人生", "一位醫生的回憶")}
FEATURES = (
    "tableOfContents",
    "structuralNavigation",
    "readingOrder",
    "displayTransformability",
    "pageNavigation",
    "alternativeText",
)
CONFORMANCE = ("EPUB Accessibility 1.1 - WCAG 2.1 Level AA",)
PEOPLE = (
    OnixContributor("edt", "Qing", "Chen", "Chen Qing"),
    OnixContributor("trl", "Wei", "Li", "Li Wei"),
)


def isbn(edition: int, fmt: int) -> str:
    """978-0-9999900-0-1 style: registrant 999990<edition>, publication <format>."""
    stem = f"9780{9999900 + edition}{fmt}"
    return f"978-0-{9999900 + edition}-{fmt}-{ean.calc_check_digit(stem)}"


def sample() -> list[OnixProduct]:
    products = []
    for e, (edition, langs) in enumerate(EDITIONS.items()):
        for f, fmt in enumerate(FORMATS):
            epub = fmt == "epub"
            alt = tuple((tag, *ALT_TITLES[tag]) for tag in langs if tag in ALT_TITLES)
            products.append(
                OnixProduct(
                    record=f"org.example.hematology.{edition}.{fmt}",
                    isbn=isbn(e, f),
                    fmt=fmt,
                    edition=edition,
                    languages=langs,
                    title="A Life in Hematology",
                    subtitle="A Physician's Memoir",
                    titles_alt=alt,
                    contributors=PEOPLE if edition != "en" else PEOPLE[:1],
                    publisher="Example Press",
                    date=datetime.date(2025, 3, 1),
                    pages=None if epub else 240,
                    a11y_features=FEATURES if epub else (),
                    a11y_summary="Navigable by headings and page list; images have alt text." if epub else None,
                    related=tuple((g, isbn(e, i)) for i, g in enumerate(FORMATS) if g != fmt),
                    price=("24.00", "USD") if fmt == "print" else None,
                    a11y_conformance=CONFORMANCE if epub else (),
                    a11y_hazards=("none",) if epub else (),
                )
            )
    return products


def products_of(data: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(data)
    return {p.findtext("o:RecordReference", namespaces=NS): p for p in root.findall("o:Product", NS)}


def texts(node: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in node.findall(path, NS)]


@pytest.fixture(scope="module")
def message() -> bytes:
    return onix_message(sample(), sender="Example Press", sent=SENT)


def test_sample_book_is_valid_onix(message: bytes) -> None:
    assert validate_onix(message) == []
    assert message.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ONIXMessage release="3.0"')
    assert len(products_of(message)) == 12
    assert ET.fromstring(message).findtext("o:Header/o:SentDateTime", namespaces=NS) == "20250301T093000Z"


def test_schema_errors_are_reported(message: bytes) -> None:
    zho = message.replace(b"<LanguageCode>chi</LanguageCode>", b"<LanguageCode>zho</LanguageCode>")
    assert zho != message
    errors = validate_onix(zho)
    assert errors and all("zho" in e for e in errors)
    missing = message.replace(b"<NotificationType>03</NotificationType>", b"", 1)
    assert any("NotificationType" in e for e in validate_onix(missing))
    assert validate_onix(b"<ONIXMessage") != []


def test_product_form_per_format(message: bytes) -> None:
    expected = {"epub": ("ED", ["E101"]), "pdf": ("ED", ["E107"]), "print": ("BC", [])}
    for record, product in products_of(message).items():
        form, details = expected[record.rsplit(".", 1)[1]]
        assert product.findtext("o:DescriptiveDetail/o:ProductForm", namespaces=NS) == form
        assert texts(product, "o:DescriptiveDetail/o:ProductFormDetail") == details
        protection = texts(product, "o:DescriptiveDetail/o:EpubTechnicalProtection")
        assert protection == (["00"] if form == "ED" else [])


def test_related_products_link_formats_of_one_edition_only(message: bytes) -> None:
    products = products_of(message)
    isbn_of = {r: p.findtext("o:ProductIdentifier/o:IDValue", namespaces=NS) for r, p in products.items()}
    assert all(v and v.isdigit() and len(v) == 13 for v in isbn_of.values())
    assert isbn_of["org.example.hematology.en.epub"] == "9780999990001"
    for record, product in products.items():
        edition = record.split(".")[-2]
        siblings = {isbn_of[r] for r in products if r.split(".")[-2] == edition and r != record}
        related = product.findall("o:RelatedMaterial/o:RelatedProduct", NS)
        assert {r.findtext("o:ProductIdentifier/o:IDValue", namespaces=NS) for r in related} == siblings
        assert {r.findtext("o:ProductRelationCode", namespaces=NS) for r in related} == {"06"}


def test_accessibility_only_for_epub_and_matches_input(message: bytes) -> None:
    # conformance 04 + 81 + 85; TOC 11, reading order 13, alt text 14, headings 29, reflow 36, page list 41
    expected = {("09", c) for c in ("00", "04", "11", "13", "14", "29", "36", "41", "81", "85")} | {("12", "00")}
    for record, product in products_of(message).items():
        features = product.findall("o:DescriptiveDetail/o:ProductFormFeature", NS)
        pairs = {
            (
                f.findtext("o:ProductFormFeatureType", namespaces=NS),
                f.findtext("o:ProductFormFeatureValue", namespaces=NS),
            )
            for f in features
        }
        if record.endswith(".epub"):
            assert pairs == expected
            summary = [f for f in features if f.findtext("o:ProductFormFeatureValue", namespaces=NS) == "00"][0]
            assert "alt text" in (summary.findtext("o:ProductFormFeatureDescription", namespaces=NS) or "")
        else:
            assert pairs == set()


def test_fewer_features_give_fewer_codes() -> None:
    epub = dataclasses.replace(
        sample()[0], a11y_features=("tableOfContents",), a11y_conformance=(), a11y_hazards=(), a11y_summary=None
    )
    product = products_of(onix_message([epub], sender="X", sent=SENT))[epub.record]
    assert texts(product, "o:DescriptiveDetail/o:ProductFormFeature/o:ProductFormFeatureValue") == ["11"]


def test_titles_languages_contributors(message: bytes) -> None:
    products = products_of(message)
    hant = products["org.example.hematology.zh-hant.pdf"]
    alt = [
        t
        for t in hant.findall("o:DescriptiveDetail/o:TitleDetail", NS)
        if t.findtext("o:TitleType", namespaces=NS) == "06"
    ]
    text = alt[0].find("o:TitleElement/o:TitleText", NS)
    assert text is not None and text.text == "血液學人生" and text.attrib == {"language": "chi", "textscript": "Hant"}
    assert texts(hant, "o:DescriptiveDetail/o:Language/o:LanguageCode") == ["chi"]
    bilingual = products["org.example.hematology.bilingual.print"]
    assert texts(bilingual, "o:DescriptiveDetail/o:Language/o:LanguageCode") == ["eng", "chi"]
    assert texts(bilingual, "o:DescriptiveDetail/o:EditionType") == ["BLL"]
    en = products["org.example.hematology.en.print"]
    assert texts(en, "o:DescriptiveDetail/o:TitleDetail/o:TitleType") == ["01"]
    roles = texts(bilingual, "o:DescriptiveDetail/o:Contributor/o:ContributorRole")
    assert roles == ["B01", "B06"]
    assert texts(bilingual, "o:DescriptiveDetail/o:Contributor/o:PersonNameInverted") == ["Chen, Qing", "Li, Wei"]
    assert texts(en, "o:DescriptiveDetail/o:Extent/o:ExtentValue") == ["240"]


def test_price_or_free(message: bytes) -> None:
    products = products_of(message)
    printed = products["org.example.hematology.en.print"].find("o:ProductSupply/o:SupplyDetail", NS)
    assert printed is not None
    assert printed.findtext("o:Price/o:PriceAmount", namespaces=NS) == "24.00"
    assert printed.findtext("o:Price/o:CurrencyCode", namespaces=NS) == "USD"
    free = products["org.example.hematology.en.epub"].find("o:ProductSupply/o:SupplyDetail", NS)
    assert free is not None and free.findtext("o:UnpricedItemType", namespaces=NS) == "01"
    assert free.find("o:Price", NS) is None


def test_deterministic_bytes(message: bytes) -> None:
    assert onix_message(sample(), sender="Example Press", sent=SENT) == message
    later = onix_message(sample(), sender="Example Press", sent=SENT + datetime.timedelta(days=1))
    assert later != message and later.replace(b"20250302T0930", b"20250301T0930") == message


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"isbn": "978-0-9999900-0-2"}, "invalid ISBN"),
        ({"a11y_features": ("tableOfContent",)}, "tableOfContent"),
        ({"languages": ("fr",)}, "'fr'"),
        ({"fmt": "mobi"}, "mobi"),
        ({"price": ("free", "USD")}, "not a number"),
    ],
)
def test_bad_input_is_a_release_error(change: dict[str, object], needle: str) -> None:
    bad = dataclasses.replace(sample()[0], **change)  # type: ignore[arg-type]
    with pytest.raises(ReleaseError, match=needle):
        onix_message([bad], sender="X", sent=SENT)


def test_duplicate_isbn_is_refused() -> None:
    first, second = sample()[:2]
    with pytest.raises(ReleaseError, match="also used by"):
        onix_message([first, dataclasses.replace(second, isbn=first.isbn)], sender="X", sent=SENT)


def test_accessibility_of_a_pdf_is_not_claimed() -> None:
    pdf = dataclasses.replace(sample()[1], a11y_features=FEATURES, a11y_conformance=CONFORMANCE, a11y_summary="x")
    assert pdf.fmt == "pdf"
    product = products_of(onix_message([pdf], sender="X", sent=SENT))[pdf.record]
    assert product.findall("o:DescriptiveDetail/o:ProductFormFeature", NS) == []
