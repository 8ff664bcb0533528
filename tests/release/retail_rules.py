"""What the big retailers' ONIX 3.0 guides require of a product record, one rule per field, each with
its source. The retail-completeness test (test_release.py) applies every rule to every product a
(non-draft) release sends, beside onixcheck's schema validation.

Sources read (December 2026):
- GOOGLE: "ONIX 3.0 & 3.1 for Google Play Books", https://support.google.com/books/partner/answer/6374180
- KOBO: "Rakuten Kobo Metadata Style Guide" (May 2022), https://github.com/kobolabs/metadata-style-guide
  ("Required Field" and "Strongly Recommended" sections)
- APPLE: Apple's own ONIX guide is behind the iTunes Connect login and was not read; the rules marked
  APPLE come from a distributor's checklist for Apple Books and Kobo: De Marque/Cantook "Checklist for
  publishers", https://distribution.doc.cantook.com/en/doc/HUB2503/checklist-for-publishers ("Essential
  metadata for sales": prices per country, author, abstract, BISAC, language, release date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

NS = {"o": "http://ns.editeur.org/onix/3.0/reference"}


def _all(node: ET.Element, path: str) -> list[ET.Element]:
    return node.findall(path, NS)


def _text(node: ET.Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in _all(node, path)]


@dataclass(frozen=True)
class Rule:
    field: str
    source: str
    check: Callable[[ET.Element], bool]
    applies: Callable[[ET.Element], bool] = lambda p: True


def is_for_sale(p: ET.Element) -> bool:
    return _text(p, "o:ProductSupply/o:SupplyDetail/o:ProductAvailability") == ["20"]


def is_print(p: ET.Element) -> bool:
    return _text(p, "o:DescriptiveDetail/o:ProductForm") == ["BC"]


def is_translation(p: ET.Element) -> bool:
    return "eng" not in _text(p, "o:DescriptiveDetail/o:Language[o:LanguageRole='01']/o:LanguageCode")


RULES = (
    Rule("ISBN-13, unhyphenated (ProductIDType 15)", "GOOGLE, KOBO 'ISBN'",
         lambda p: any(v.isdigit() and len(v) == 13
                       for v in _text(p, "o:ProductIdentifier[o:ProductIDType='15']/o:IDValue"))),
    Rule("NotificationType", "GOOGLE 'NotificationType' (required)",
         lambda p: _text(p, "o:NotificationType") in (["02"], ["03"])),
    Rule("Distinctive title (TitleType 01)", "GOOGLE 'TitleDetail', KOBO 'Title'",
         lambda p: bool([t for t in _text(p, "o:DescriptiveDetail/o:TitleDetail[o:TitleType='01']/o:TitleElement"
                                             "/o:TitleText") if t])),
    Rule("Contributor with role and name", "GOOGLE 'Contributor', KOBO 'Contributor', APPLE 'Name of the author(s)'",
         lambda p: any(_text(c, "o:ContributorRole") and (_text(c, "o:PersonName") or _text(c, "o:CorporateName"))
                       for c in _all(p, "o:DescriptiveDetail/o:Contributor"))),
    Rule("Language of text (LanguageRole 01)", "GOOGLE 'Language', KOBO 'Language', APPLE 'Language of publication'",
         lambda p: bool(_text(p, "o:DescriptiveDetail/o:Language[o:LanguageRole='01']/o:LanguageCode"))),
    Rule("Original language of a translation (LanguageRole 02)", "KOBO 'Language localization and script code'",
         lambda p: bool(_text(p, "o:DescriptiveDetail/o:Language[o:LanguageRole='02']/o:LanguageCode")),
         is_translation),
    Rule("BISAC subject", "KOBO 'Subject Code', APPLE 'At least one BISAC category'",
         lambda p: bool(_text(p, "o:DescriptiveDetail/o:Subject[o:SubjectSchemeIdentifier='10']/o:SubjectCode"))),
    Rule("Thema subject", "KOBO 'Subject Code' (Thema accepted and suggested)",
         lambda p: bool(_text(p, "o:DescriptiveDetail/o:Subject[o:SubjectSchemeIdentifier='93']/o:SubjectCode"))),
    Rule("Exactly one main subject", "GOOGLE 'Subject' (MainSubject)",
         lambda p: len(_all(p, "o:DescriptiveDetail/o:Subject/o:MainSubject")) == 1),
    Rule("Description (TextType 03)", "GOOGLE 'CollateralDetail/TextContent', KOBO 'Description', APPLE 'Abstract'",
         lambda p: bool([t for t in _text(p, "o:CollateralDetail/o:TextContent[o:TextType='03']/o:Text") if t])),
    Rule("Front cover resource", "GOOGLE 'SupportingResource' (cover image)",
         lambda p: bool(_text(p, "o:CollateralDetail/o:SupportingResource[o:ResourceContentType='01']"
                                 "/o:ResourceVersion/o:ResourceLink"))),
    Rule("Publisher name", "GOOGLE 'Publisher', KOBO 'Publisher'",
         lambda p: bool([t for t in _text(p, "o:PublishingDetail/o:Publisher/o:PublisherName") if t])),
    Rule("Imprint", "KOBO 'Imprint'", lambda p: bool(_text(p, "o:PublishingDetail/o:Imprint/o:ImprintName"))),
    Rule("Publishing status", "KOBO 'Publishing Status'",
         lambda p: _text(p, "o:PublishingDetail/o:PublishingStatus") == ["04"]),
    Rule("Publication date (PublishingDateRole 01)",
         "GOOGLE 'PublishingDate', KOBO 'Publication Date', APPLE 'Release date'",
         lambda p: bool(_text(p, "o:PublishingDetail/o:PublishingDate[o:PublishingDateRole='01']/o:Date"))),
    Rule("Sales rights with a territory", "GOOGLE 'SalesRights', KOBO 'Sales Rights'",
         lambda p: bool(_all(p, "o:PublishingDetail/o:SalesRights/o:Territory/*"))),
    Rule("Product availability", "GOOGLE 'ProductAvailability', KOBO 'Product Availability'",
         lambda p: bool(_text(p, "o:ProductSupply/o:SupplyDetail/o:ProductAvailability"))),
    Rule("A price with type, amount, currency and territory", "GOOGLE 'Price', KOBO 'Price/Price Type Code', "
         "APPLE 'Sales prices by country of interest'",
         lambda p: bool(_all(p, "o:ProductSupply/o:SupplyDetail/o:Price[o:PriceType][o:PriceAmount][o:CurrencyCode]"
                               "[o:Territory]")), is_for_sale),
    Rule("Pages (Extent)", "KOBO 'Number of Pages' via distributors; GOOGLE 'Extent' (recommended)",
         lambda p: bool(_text(p, "o:DescriptiveDetail/o:Extent/o:ExtentValue"))),
    Rule("Height and width of a printed book (Measure)", "GOOGLE 'Measure' (print books)",
         lambda p: {"01", "02"} <= set(_text(p, "o:DescriptiveDetail/o:Measure/o:MeasureType")), is_print),
)
