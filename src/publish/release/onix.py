"""ONIX for Books 3.0 (reference tags): one ``<Product>`` per edition × format, checked with onixcheck.

Code values come from the ONIX code lists bundled with onixcheck (``ONIX_BookProduct_CodeLists.xsd``,
issue 75), which the schema validation enforces. The schema.org → ONIX accessibility mapping follows the
W3C "Schema.org Accessibility Properties Crosswalk" (CG final report 2024-09-06 and the editor's draft):
https://www.w3.org/community/reports/a11y-discov-vocab/CG-FINAL-crosswalk-20240906/
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

from publish.errors import Location, Problem, ReleaseError, Severity
from publish.vocab import LANGUAGES as VOCAB_LANGUAGES
from publish.vocab import ROLES as VOCAB_ROLES

from . import onixretail
from .onixretail import OnixPrice

NAMESPACE = "http://ns.editeur.org/onix/3.0/reference"

#: schema.org ``accessibilityFeature`` → List 196 codes (ProductFormFeatureType 09).
FEATURE_TO_LIST196: dict[str, tuple[str, ...]] = {
    "tableOfContents": ("11",),  # Table of contents navigation
    "index": ("12",),  # Index navigation
    "readingOrder": ("13",),  # Single logical reading order
    "alternativeText": ("14",),  # Short alternative textual descriptions
    "longDescription": ("15",),  # Full alternative textual descriptions
    "MathML": ("17",),  # Accessible math content as MathML
    "ChemML": ("18",),  # Accessible chemistry content as ChemML
    "printPageNumbers": ("19",),  # Print-equivalent page numbering (schema.org: now pageBreakMarkers)
    "pageBreakMarkers": ("19",),  # Print-equivalent page numbering
    "synchronizedAudioText": ("20",),  # Synchronized pre-recorded audio
    "ttsMarkup": ("21",),  # Text-to-speech hinting provided
    "structuralNavigation": ("29",),  # Next / Previous structural navigation (headings)
    "ARIA": ("30",),  # ARIA roles provided
    "MathML-chemistry": ("34",),  # Accessible chemistry content (as MathML)
    "latex": ("35",),  # Accessible math content (as LaTeX)
    "displayTransformability": ("36",),  # Appearance of all textual content can be modified
    "highContrastAudio": ("27",),  # High contrast between foreground and background audio
    "highContrastDisplay": ("37",),  # Ultra-high contrast (WCAG 1.4.6, 7:1)
    "pageNavigation": ("41",),  # Page list navigation (EPUB page-list)
    "describedMath": ("53",),  # Described math content
    "latex-chemistry": ("54",),  # Accessible chemistry content (as LaTeX)
    "unknown": ("08",),  # Unknown accessibility
    "none": ("09",),  # Inaccessible, or known limited accessibility
}

#: Terms the crosswalk gives no List 196 equivalent (another list, a reading-system feature, or nothing);
#: ``unlocked`` is List 144 code 00, always sent as <EpubTechnicalProtection>.
NO_LIST196 = frozenset(
    "annotations audioDescription bookmarks braille captions closedCaptions openCaptions fullRubyAnnotations"
    " rubyAnnotations horizontalWriting verticalWriting largePrint signLanguage tactileGraphic tactileObject taggedPDF"
    " timingControl transcript unlocked withAdditionalWordSegmentation withoutAdditionalWordSegmentation".split()
)

#: List 196 code for the accessibility summary (text in <ProductFormFeatureDescription>).
SUMMARY_CODE = "00"

#: EPUB ``dcterms:conformsTo`` → List 196 codes: the EPUB Accessibility version, then WCAG version and level.
EPUB_A11Y_10 = {  # EPUB Accessibility 1.0 conformance URLs (IDPF)
    "http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-a": ("02",),
    "http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aa": ("03",),
    "http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aaa": ("03", "86"),
}
WCAG_VERSION = {"2.0": "80", "2.1": "81", "2.2": "82"}
WCAG_LEVEL = {"A": "84", "AA": "85", "AAA": "86"}
EPUB_A11Y_11 = "04"
_CONFORMANCE_11 = re.compile(r"EPUB Accessibility 1\.1 - WCAG (2\.[012]) Level (A{1,3})")

#: schema.org ``accessibilityHazard`` → List 143 codes (ProductFormFeatureType 12, hazard warnings).
HAZARD_TO_LIST143: dict[str, str] = {
    "none": "00",  # No known hazards or warnings
    "flashing": "13",
    "noFlashingHazard": "14",
    "sound": "15",
    "noSoundHazard": "16",
    "motionSimulation": "17",
    "noMotionSimulationHazard": "18",
    "unknownFlashingHazard": "24",
    "unknownSoundHazard": "25",
    "unknownMotionSimulationHazard": "26",
}

#: MARC relator → List 17 contributor role.
ROLES = {code: role.onix for code, role in VOCAB_ROLES.items()}

#: format → (ProductForm List 150, ProductFormDetail List 175 or None).
FORMS: dict[str, tuple[str, str | None]] = {"epub": ("ED", "E101"), "pdf": ("ED", "E107"), "print": ("BC", None)}

#: primary language subtag → ISO 639-2/B (List 74 has ``chi``; ``zho`` is rejected by the schema).
LANGUAGES = {lang.bcp47.split("-")[0]: lang.onix for lang in VOCAB_LANGUAGES.values()}
_SCRIPTS = {"hans": "Hans", "hant": "Hant", "cn": "Hans", "sg": "Hans", "tw": "Hant", "hk": "Hant", "mo": "Hant"}
_LANGUAGE_NAMES: dict[tuple[str, str | None], str] = {
    ("eng", None): "English",
    ("chi", None): "Chinese",
    ("chi", "Hans"): "Simplified Chinese",
    ("chi", "Hant"): "Traditional Chinese",
}


@dataclass(frozen=True)
class OnixContributor:
    role: str  # MARC relator: "edt" | "trl" | "aut"
    given: str
    family: str
    display: str
    biography: str = ""  # in the product's language


@dataclass(frozen=True)
class OnixProduct:
    record: str
    isbn: str
    fmt: str  # "epub" | "pdf" | "print"
    edition: str
    languages: tuple[str, ...]  # BCP 47: "en", "zh-Hans", "zh-Hant"
    title: str
    subtitle: str
    titles_alt: tuple[tuple[str, str, str], ...]  # (bcp47, title, subtitle)
    contributors: tuple[OnixContributor, ...]
    publisher: str
    date: datetime.date
    pages: int | None
    a11y_features: tuple[str, ...]  # schema.org accessibilityFeature values, EPUB only
    a11y_summary: str | None
    related: tuple[tuple[str, str], ...]  # (fmt, isbn) of the other formats of the same edition
    price: tuple[str, str] | None = None  # (amount, currency); None: free of charge
    a11y_conformance: tuple[str, ...] = ()  # EPUB dcterms:conformsTo values, EPUB only
    a11y_hazards: tuple[str, ...] = ()  # schema.org accessibilityHazard values, EPUB only
    prices: tuple[OnixPrice, ...] = ()  # from book.yaml; none and for_sale: free of charge
    for_sale: bool = True  # False: the format is deliberately not sold (book.yaml not_for_sale)
    draft: bool = False  # a draft bundle: never announced as active or available
    subjects: tuple[tuple[str, str, bool], ...] = ()  # (scheme "thema" | "bisac", code, main subject)
    description: tuple[str, ...] = ()  # paragraphs, in the product's language
    blurb: str = ""  # the short description (book.yaml short_description)
    text_language: str = "eng"  # ISO 639-2/B of description and blurb
    cover: str = ""  # the front cover image's link (the bundle's cover file)
    measures: tuple[tuple[str, str, str], ...] = ()  # (height | width | thickness, value, unit)
    imprint: str = ""
    original: tuple[str, str] | None = None  # a translation's (BCP 47 original language, original title)
    copyright: tuple[str, str] | None = None  # (year, holder)
    licence: tuple[str, str] | None = None  # the edition's licence (name, URL): EpubLicense of digital products


def _fail(product: OnixProduct | None, message: str) -> ReleaseError:
    where = f"onix: {product.record}" if product else "onix"
    return ReleaseError([Problem(Location(where), Severity.ERROR, message, "release.onix")])


def isbn13(product: OnixProduct, value: str) -> str:
    """``value`` as 13 digits (ISBN-10 converted), or a located error."""
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(value))
    except ValidationError as exc:
        raise _fail(product, f"invalid ISBN {value!r}: {exc}") from None


def language(product: OnixProduct, tag: str) -> tuple[str, str | None]:
    """A BCP 47 tag as (ISO 639-2/B code, ISO 15924 script or None): ``zh-Hant`` → ("chi", "Hant")."""
    parts = tag.replace("_", "-").lower().split("-")
    code = LANGUAGES.get(parts[0])
    if code is None:
        raise _fail(product, f"language {tag!r} has no ONIX code here (known: {', '.join(sorted(LANGUAGES))})")
    script = next((_SCRIPTS[p] for p in parts[1:] if p in _SCRIPTS), None)
    return code, script if code == "chi" else None


def accessibility_codes(product: OnixProduct) -> list[tuple[str, str, str | None]]:
    """The EPUB's accessibility as (ProductFormFeatureType, value, description), in a stable order."""
    list196: set[str] = set()
    for value in product.a11y_conformance:
        match = _CONFORMANCE_11.fullmatch(value.strip())
        if match:
            list196 |= {EPUB_A11Y_11, WCAG_VERSION[match[1]], WCAG_LEVEL[match[2]]}
        elif value.strip() in EPUB_A11Y_10:
            list196 |= set(EPUB_A11Y_10[value.strip()])
        else:
            raise _fail(product, f"unknown accessibility conformance {value!r}")
    for feature in product.a11y_features:
        if feature not in FEATURE_TO_LIST196 and feature not in NO_LIST196:
            raise _fail(product, f"unknown schema.org accessibilityFeature {feature!r}")
        list196 |= set(FEATURE_TO_LIST196.get(feature, ()))
    rows: list[tuple[str, str, str | None]] = []
    if product.a11y_summary and product.a11y_summary.strip():
        rows.append(("09", SUMMARY_CODE, " ".join(product.a11y_summary.split())))
    rows += [("09", code, None) for code in sorted(list196)]
    hazards: set[str] = set()
    for hazard in product.a11y_hazards:
        if hazard not in HAZARD_TO_LIST143:
            raise _fail(product, f"unknown schema.org accessibilityHazard {hazard!r}")
        hazards.add(HAZARD_TO_LIST143[hazard])
    rows += [("12", code, None) for code in sorted(hazards)]
    return rows


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _sent(sent: datetime.datetime) -> str:
    if sent.tzinfo is None:
        return sent.strftime("%Y%m%dT%H%M%S")
    return sent.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _identifier(parent: ET.Element, digits: str) -> None:
    ident = _sub(parent, "ProductIdentifier")
    _sub(ident, "ProductIDType", "15")
    _sub(ident, "IDValue", digits)


def _edition_statement(langs: list[tuple[str, str | None]]) -> str:
    names = [_LANGUAGE_NAMES.get(lang, lang[0]) for lang in langs]
    if len(names) == 1:
        return f"{names[0]} edition"
    return (
        f"Bilingual edition ({' and '.join(names)})"
        if len(names) == 2
        else f"Multilingual edition ({', '.join(names)})"
    )


def _title(parent: ET.Element, kind: str, title: str, subtitle: str, lang: tuple[str, str | None] | None) -> None:
    detail = _sub(parent, "TitleDetail")
    _sub(detail, "TitleType", kind)
    element = _sub(detail, "TitleElement")
    _sub(element, "TitleElementLevel", "01")
    attrs = {}
    if lang is not None:
        attrs["language"] = lang[0]
        if lang[1]:
            attrs["textscript"] = lang[1]
    _sub(element, "TitleText", title.strip(), **attrs)
    if subtitle.strip():
        _sub(element, "Subtitle", subtitle.strip(), **attrs)


def _contributor(parent: ET.Element, product: OnixProduct, seq: int, person: OnixContributor) -> None:
    role = ROLES.get(person.role)
    if role is None:
        raise _fail(product, f"contributor role {person.role!r} is not one of {', '.join(sorted(ROLES))}")
    if not person.family.strip():
        raise _fail(product, f"contributor {person.display!r} has no family name")
    contributor = _sub(parent, "Contributor")
    _sub(contributor, "SequenceNumber", str(seq))
    _sub(contributor, "ContributorRole", role)
    given, family = person.given.strip(), person.family.strip()
    _sub(contributor, "PersonName", person.display.strip() or f"{given} {family}".strip())
    _sub(contributor, "PersonNameInverted", f"{family}, {given}" if given else family)
    if given:
        _sub(contributor, "NamesBeforeKey", given)
    _sub(contributor, "KeyNames", family)
    if person.biography.strip():
        _sub(contributor, "BiographicalNote", " ".join(person.biography.split()))


def _descriptive(parent: ET.Element, product: OnixProduct) -> None:
    form, detail = FORMS[product.fmt]
    desc = _sub(parent, "DescriptiveDetail")
    _sub(desc, "ProductComposition", "00")
    _sub(desc, "ProductForm", form)
    if detail:
        _sub(desc, "ProductFormDetail", detail)
    if product.fmt == "epub":
        for kind, value, text in accessibility_codes(product):
            feature = _sub(desc, "ProductFormFeature")
            _sub(feature, "ProductFormFeatureType", kind)
            _sub(feature, "ProductFormFeatureValue", value)
            if text:
                _sub(feature, "ProductFormFeatureDescription", text)
    onixretail.measures(desc, product, _sub)
    if form == "ED":
        _sub(desc, "EpubTechnicalProtection", "00")
        if product.licence is not None:       # (name, url)
            lic = _sub(desc, "EpubLicense")
            _sub(lic, "EpubLicenseName", product.licence[0])
            expression = _sub(lic, "EpubLicenseExpression")
            _sub(expression, "EpubLicenseExpressionType", "01")   # human readable
            _sub(expression, "EpubLicenseExpressionLink", product.licence[1])
    _title(desc, "01", product.title, product.subtitle, None)
    for tag, title, subtitle in product.titles_alt:
        if title.strip():
            _title(desc, "06", title, subtitle, language(product, tag))
    if product.original is not None:
        _title(desc, "03", product.original[1], "", language(product, product.original[0]))
    for seq, person in enumerate(product.contributors, start=1):
        _contributor(desc, product, seq, person)
    if not product.contributors:
        _sub(desc, "NoContributor")
    langs = list(dict.fromkeys(language(product, tag) for tag in product.languages))
    if len(langs) > 1:
        _sub(desc, "EditionType", "BLL" if len(langs) == 2 else "MLL")
    if langs:
        _sub(desc, "EditionStatement", _edition_statement(langs))
    for code, script in langs:
        lang = _sub(desc, "Language")
        _sub(lang, "LanguageRole", "01")
        _sub(lang, "LanguageCode", code)
        if script:
            _sub(lang, "ScriptCode", script)
    if product.original is not None:
        code, script = language(product, product.original[0])
        lang = _sub(desc, "Language")
        _sub(lang, "LanguageRole", "02")   # original language of a translated text
        _sub(lang, "LanguageCode", code)
        if script:
            _sub(lang, "ScriptCode", script)
    if product.pages is not None:
        if product.pages <= 0:
            raise _fail(product, f"page count must be positive, not {product.pages}")
        extent = _sub(desc, "Extent")
        # 11 content page count (PDF, print); for an EPUB, 08 pages in the print counterpart or 10 notional pages
        reflowable = "08" if any(fmt == "print" for fmt, _isbn in product.related) else "10"
        _sub(extent, "ExtentType", reflowable if product.fmt == "epub" else "11")
        _sub(extent, "ExtentValue", str(product.pages))
        _sub(extent, "ExtentUnit", "03")
    onixretail.subjects(desc, product, _sub)


def _publishing(parent: ET.Element, product: OnixProduct) -> None:
    pub = _sub(parent, "PublishingDetail")
    if product.imprint:
        _sub(_sub(pub, "Imprint"), "ImprintName", product.imprint)
    publisher = _sub(pub, "Publisher")
    _sub(publisher, "PublishingRole", "01")
    _sub(publisher, "PublisherName", product.publisher)
    _sub(pub, "PublishingStatus", "02" if product.draft else "04")   # a draft: forthcoming, never active
    date = _sub(pub, "PublishingDate")
    _sub(date, "PublishingDateRole", "01")
    _sub(date, "Date", product.date.strftime("%Y%m%d"))
    if product.copyright is not None:
        statement = _sub(pub, "CopyrightStatement")
        _sub(statement, "CopyrightYear", product.copyright[0])
        _sub(_sub(statement, "CopyrightOwner"), "CorporateName", product.copyright[1])
    rights = _sub(pub, "SalesRights")
    _sub(rights, "SalesRightsType", "01")
    _sub(_sub(rights, "Territory"), "RegionsIncluded", "WORLD")


def _product(root: ET.Element, product: OnixProduct) -> None:
    if product.fmt not in FORMS:
        raise _fail(product, f"format {product.fmt!r} is not one of {', '.join(FORMS)}")
    node = _sub(root, "Product")
    _sub(node, "RecordReference", product.record)
    _sub(node, "NotificationType", "01" if product.draft else "03")   # a draft: early notification only
    _identifier(node, isbn13(product, product.isbn))
    _descriptive(node, product)
    onixretail.collateral(node, product, _sub)
    _publishing(node, product)
    related = [(fmt, isbn13(product, value)) for fmt, value in product.related]
    if related:
        material = _sub(node, "RelatedMaterial")
        for _fmt, digits in related:
            item = _sub(material, "RelatedProduct")
            _sub(item, "ProductRelationCode", "06")  # alternative format
            _identifier(item, digits)
    onixretail.supply(node, product, _sub, lambda message: _fail(product, message))


def onix_message(products: Sequence[OnixProduct], *, sender: str, sent: datetime.datetime) -> bytes:
    """The ONIX 3.0 message for ``products``: UTF-8, indented, byte-identical for the same input."""
    if not products:
        raise _fail(None, "no products to describe")
    for key, label in ((lambda p: p.record, "record reference"), (lambda p: isbn13(p, p.isbn), "ISBN")):
        seen: dict[str, str] = {}
        for product in products:
            value = key(product)
            if value in seen:
                raise _fail(product, f"{label} {value} is also used by {seen[value]}")
            seen[value] = product.record
    root = ET.Element("ONIXMessage", {"release": "3.0", "xmlns": NAMESPACE})
    header = _sub(root, "Header")
    _sub(_sub(header, "Sender"), "SenderName", sender)
    _sub(header, "SentDateTime", _sent(sent))
    for product in products:
        _product(root, product)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def validate_onix(data: bytes) -> list[str]:
    """onixcheck's messages for ``data`` (XSD validation, ONIX 3.0 reference tags); empty when valid."""
    from onixcheck import validate  # imported late: loads lxml and the schema lookup tables

    stream = io.BytesIO(data)
    stream.name = "onix.xml"  # onixcheck labels locations with the file name
    return [message.short for message in validate(stream)]
