"""What ONIX retailers ingest beyond the bibliographic record: subjects, descriptions, the cover,
measures, prices or a not-for-sale status, and a draft's status (see :mod:`.onix`).

Drafts: a draft bundle keeps its ``onix.xml`` (reviewers check and onixcheck validates the metadata
before the real release), but it never announces a product: NotificationType 01 (early
notification), PublishingStatus 02 (forthcoming), ProductAvailability 10 (not yet available), and no
price. A retailer that ingests it by mistake lists nothing for sale.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .onix import OnixProduct

SCHEMES = {"bisac": "10", "thema": "93"}    # List 27 subject scheme identifiers
PRICE_TYPES = {"excluded": "01", "included": "02"}   # List 58: RRP excluding / including tax
MEASURES = {"height": "01", "width": "02", "thickness": "03"}   # List 48


@dataclass(frozen=True)
class OnixPrice:
    amount: str
    currency: str                    # ISO 4217
    tax: str = "excluded"            # "excluded" | "included"
    tax_rate: float | None = None    # percent, with tax "included"
    territory: tuple[str, ...] = ("WORLD",)


Sub = Callable[..., ET.Element]


def subjects(desc: ET.Element, product: OnixProduct, sub: Sub) -> None:
    for scheme, code, main in product.subjects:
        node = sub(desc, "Subject")
        if main:
            sub(node, "MainSubject")
        sub(node, "SubjectSchemeIdentifier", SCHEMES[scheme])
        sub(node, "SubjectCode", code)


def measures(desc: ET.Element, product: OnixProduct, sub: Sub) -> None:
    for kind, value, unit in product.measures:
        node = sub(desc, "Measure")
        sub(node, "MeasureType", MEASURES[kind])
        sub(node, "Measurement", value)
        sub(node, "MeasureUnitCode", unit)


def collateral(node: ET.Element, product: OnixProduct, sub: Sub) -> None:
    """CollateralDetail: the description (TextType 03), the short description (02), the front cover."""
    if not (product.description or product.blurb or product.cover):
        return
    detail = sub(node, "CollateralDetail")
    lang = product.text_language
    for kind, paragraphs in (("03", product.description), ("02", (product.blurb,) if product.blurb else ())):
        if not paragraphs:
            continue
        text = sub(detail, "TextContent")
        sub(text, "TextType", kind)
        sub(text, "ContentAudience", "00")
        sub(text, "Text", "".join(f"<p>{_escape(p)}</p>" for p in paragraphs), textformat="05", language=lang)
    if product.cover:
        resource = sub(detail, "SupportingResource")
        sub(resource, "ResourceContentType", "01")     # front cover
        sub(resource, "ContentAudience", "00")
        sub(resource, "ResourceMode", "03")            # image
        version = sub(resource, "ResourceVersion")
        sub(version, "ResourceForm", "02")             # downloadable file
        feature = sub(version, "ResourceVersionFeature")
        sub(feature, "ResourceVersionFeatureType", "01")   # file format
        sub(feature, "FeatureValue", "D502")               # JPEG
        sub(version, "ResourceLink", product.cover)


def supply(parent: ET.Element, product: OnixProduct, sub: Sub, fail: Callable[[str], Exception]) -> None:
    supply_ = sub(parent, "ProductSupply")
    sub(sub(sub(supply_, "Market"), "Territory"), "RegionsIncluded", "WORLD")
    detail = sub(supply_, "SupplyDetail")
    supplier = sub(detail, "Supplier")
    sub(supplier, "SupplierRole", "01")
    sub(supplier, "SupplierName", product.publisher)
    if product.draft:
        sub(detail, "ProductAvailability", "10")      # not yet available
        sub(detail, "UnpricedItemType", "02")         # price to be announced
        return
    if not product.for_sale:
        sub(detail, "ProductAvailability", "40")      # not available
        sub(detail, "UnpricedItemType", "04")         # contact supplier: not sold through retail
        return
    prices = [p for p in (_legacy(product), *product.prices) if p is not None]
    sub(detail, "ProductAvailability", "20")
    if not prices:
        sub(detail, "UnpricedItemType", "01")         # free of charge
        return
    for price in prices:
        node = sub(detail, "Price")
        sub(node, "PriceType", PRICE_TYPES[price.tax])
        sub(node, "PriceAmount", _amount(price.amount, fail))
        if price.tax == "included":
            if price.tax_rate is None:
                raise fail(f"price {price.amount} {price.currency} includes tax but gives no tax rate")
            tax = sub(node, "Tax")
            sub(tax, "TaxType", "01")                 # VAT
            sub(tax, "TaxRatePercent", format(Decimal(str(price.tax_rate)).normalize(), "f"))
        if len(price.currency) != 3 or not price.currency.isalpha():
            raise fail(f"currency {price.currency!r} is not an ISO 4217 code")
        sub(node, "CurrencyCode", price.currency.upper())
        territory = sub(node, "Territory")
        if price.territory == ("WORLD",):
            sub(territory, "RegionsIncluded", "WORLD")
        else:
            sub(territory, "CountriesIncluded", " ".join(price.territory))


def _legacy(product: OnixProduct) -> OnixPrice | None:
    """``OnixProduct.price`` (amount, currency) as an RRP excluding tax; zero is free of charge."""
    if product.price is None:
        return None
    amount, currency = product.price
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        return OnixPrice(amount, currency)   # reported by _amount
    return None if value.is_finite() and value == 0 else OnixPrice(amount, currency)


def _amount(text: str, fail: Callable[[str], Exception]) -> str:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise fail(f"price {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise fail(f"price {text!r} must be zero or positive")
    return format(value, "f")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
