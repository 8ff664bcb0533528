"""One vocabulary for every stage: contributor roles, formats and locales, with their codes per target.

The model and ``publish check`` accept exactly what is listed here, and every later stage (templates,
EPUB, ONIX, the download page) reads its codes from here, so a value ``check`` accepts never fails a
later stage, and a value a later stage cannot express is refused by ``check`` with its location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A contributor role: MARC relator code (EPUB ``marc:relators``) and its ONIX List 17 code."""

    code: str
    name: str
    label: str
    """The English label printed on the copyright page (translated through the ``publish`` domain)."""
    onix: str
    """ONIX for Books code list 17 (contributor role)."""


ROLES: dict[str, Role] = {r.code: r for r in (
    Role("aut", "author", "Author", "A01"),
    Role("edt", "editor", "Editor", "B01"),
    Role("trl", "translator", "Translator", "B06"),
    Role("com", "compiler", "Compiler", "C01"),
    Role("ill", "illustrator", "Illustrator", "A12"),
    Role("pht", "photographer", "Photographer", "A13"),
    Role("wpr", "writer of preface", "Preface", "A15"),
    Role("aui", "author of introduction", "Introduction", "A24"),
    Role("cov", "cover designer", "Cover design", "A36"),
)}
"""The MARC relator codes (https://id.loc.gov/vocabulary/relators) a contributor may have."""


@dataclass(frozen=True)
class Language:
    """A locale the toolkit can publish: its gettext code, BCP 47 tag, ONIX codes and CJK glyph region."""

    locale: str
    bcp47: str
    onix: str
    """ISO 639-2/B (ONIX code list 74: ``chi``, not ``zho``)."""
    script: str | None
    """ISO 15924 script for ONIX where the language has several (``Hans``/``Hant``)."""
    name: str
    region: str | None = None
    """``SC``/``TC``: the Noto CJK glyph forms, for Chinese."""


LANGUAGES: dict[str, Language] = {lang.locale: lang for lang in (
    Language("en", "en", "eng", None, "English"),
    Language("zh_Hans", "zh-Hans", "chi", "Hans", "Simplified Chinese", "SC"),
    Language("zh_Hant", "zh-Hant", "chi", "Hant", "Traditional Chinese", "TC"),
)}
"""Locales with fonts, interface labels and distribution codes in this toolkit (gettext codes)."""
HYPHENATION: dict[str, str] = {"en": "en_US"}
"""The hyphenation patterns (pyphen's dictionaries) for a bare language tag: English text is broken with the
US patterns, as TeX and LibreOffice break ``en`` (pyphen alone takes ``en`` to its British ones; see
publish.render.weasy.hyphenation). A tag with a region keeps its own (``en-GB``: the British patterns)."""

FORMATS: tuple[str, ...] = ("print", "pdf", "epub")
"""Output formats, in build order; each edition has an ISBN per format."""
SUFFIXES: dict[str, str] = {"print": "print.pdf", "pdf": "pdf", "epub": "epub"}
"""File name suffix of each format: ``<book>-<edition>.<suffix>``."""


LENGTH_UNITS: dict[str, float] = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
"""Units of a page length in book.yaml (``148mm``), in millimetres."""


def length_mm(length: str) -> float:
    """``148mm``, ``5.5in`` → millimetres (book.yaml's lengths are validated against these units at load)."""
    for unit, factor in LENGTH_UNITS.items():
        if length.endswith(unit):
            return float(length[: -len(unit)]) * factor
    raise ValueError(f"length {length!r}: give it in mm, cm, in or pt")


def bcp47(locale: str) -> str:
    """``zh_Hans`` → ``zh-Hans`` (HTML and EPUB want BCP 47; gettext uses underscores)."""
    known = LANGUAGES.get(locale)
    return known.bcp47 if known else locale.replace("_", "-")


# --- text hygiene: shared by the source checks (sources.py) and the translators' QA (catalogs/checks.py) ---

INVISIBLE = {
    **{c: "zero-width" for c in "\u200b\u200c\u200d\u2060\ufeff\u180e"},
    **{c: "bidi control" for c in "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"},
}
"""Characters a reader cannot see, by kind."""
LONGEST_WORD = 60
"""Characters a run with no break opportunity may have in prose before it would leave the page."""
BREAKS = re.compile(r"[\s\-/\u2010-\u2015\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
"""Where a line may break in any of the book's scripts: spaces, hyphens and slashes, CJK and full-width."""
