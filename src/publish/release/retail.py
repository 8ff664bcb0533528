"""The book's retail data for ONIX, in each edition's language, and the gate's rule on sale status.

Descriptions (``description``, else the back-cover ``blurb``), the short description and contributors'
biographical notes are translatable units of book.yaml; each
edition's ONIX products carry them in the edition's main language, from the same catalogues as the
books. Prices come from book.yaml per edition and format; a released format needs a price or an
explicit ``not_for_sale`` entry (no silent "free of charge").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalogs.extract import Layout
from ..catalogs.localize import Localizer
from ..catalogs.units import book_domain
from ..errors import Problem, Severity
from ..model import Edition
from ..render.view import Translator
from ..sources import Sources
from .onixretail import OnixPrice


@dataclass(frozen=True)
class RetailText:
    description: tuple[str, ...]
    blurb: str
    biographies: dict[str, str]          # person id → note


def retail_texts(sources: Sources, layout: Layout, cache: Path) -> dict[str, RetailText]:
    book = sources.book
    domain = book_domain(book)
    out = {}
    for edition in book.editions:
        tr = Translator(Localizer.prepare(sources, edition.locales[0], layout, cache))
        # the description, or else the back-cover text (blurb), both translated like the book
        description = tuple(t.main for t in tr.many(domain, "book", ("description",), book.description)) or \
            tuple(t.main for t in tr.many(domain, "book", ("blurb",), book.blurb))
        blurb = tr.text(domain, "book", ("short_description",), book.short_description)
        bios = {c.person: str(t) for i, c in enumerate(book.contributors)
                if (t := tr.text(domain, "book", ("contributors", i, "biography"), c.biography))}
        out[edition.id] = RetailText(description, str(blurb or ""), bios)
    return out


def prices(edition: Edition, fmt: str) -> tuple[OnixPrice, ...]:
    return tuple(OnixPrice(p.amount, p.currency, p.tax, p.tax_rate, p.territory)
                 for p in edition.prices.get(fmt, ()))  # type: ignore[call-overload]


def sale_status(sources: Sources, formats: tuple[str, ...]) -> list[Problem]:
    """Every released format of every edition has a price or is listed in ``not_for_sale``."""
    book_yaml = sources.documents["book"]
    out = []
    for i, edition in enumerate(sources.book.editions):
        for fmt in formats:
            if not edition.prices.get(fmt) and fmt not in edition.not_for_sale:  # type: ignore[call-overload]
                out.append(Problem(book_yaml.locate(("editions", i)), Severity.ERROR,
                                   f"edition {edition.id}: the {fmt} format has no price (prices: {{{fmt}: "
                                   f"[{{amount, currency}}]}}) and is not listed in not_for_sale", "gate.price"))
    return out
