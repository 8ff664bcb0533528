"""Build-time translation: the text of each unit in an edition's locale, via gettext.

The renderers ask a :class:`Localizer` for every unit. Catalogues are compiled with ``msgfmt`` into
the build cache and read with Babel's ``Translations``; the book's ``fallback`` policy decides what an
untranslated or fuzzy unit shows (the source text, or the stale fuzzy translation), and the localizer
counts what it served, so each edition reports its coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.support import NullTranslations, Translations

from ..model import PersonName
from ..sources import Sources
from .compile import compile_book, mo_path
from .extract import Layout
from .units import Unit


@dataclass
class Coverage:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 2) if self.total else 100.0


@dataclass
class Localizer:
    sources: Sources
    locale: str
    layout: Layout
    cache: Path
    coverage: Coverage = field(default_factory=Coverage)
    _strict: dict[str, NullTranslations] = field(default_factory=dict)
    _fuzzy: dict[str, NullTranslations] = field(default_factory=dict)

    @classmethod
    def prepare(cls, sources: Sources, locale: str, layout: Layout, cache: Path) -> Localizer:
        """Compile the locale's catalogues (atomically, into the cache) and load them."""
        if locale != sources.book.source_locale:
            compile_book(sources, layout, cache, [locale])
        return cls(sources, locale, layout, cache)

    @property
    def is_source(self) -> bool:
        return self.locale == self.sources.book.source_locale

    def _load(self, domain: str, fuzzy: bool) -> NullTranslations:
        table = self._fuzzy if fuzzy else self._strict
        if domain not in table:
            path = mo_path(self.cache, self.locale, domain, fuzzy=fuzzy)
            if path.is_file():
                with path.open("rb") as fp:
                    table[domain] = Translations(fp, domain=domain)
            else:
                table[domain] = NullTranslations()
        return table[domain]

    def text(self, unit: Unit) -> str:
        """The unit in this locale, following the book's fallback policy."""
        if self.is_source:
            self.coverage.translated += 1
            return unit.text
        strict = self._load(unit.domain, False).gettext(unit.text)
        if strict != unit.text or self._identical_ok(unit):
            self.coverage.translated += 1
            return strict
        stale = self._load(unit.domain, True).gettext(unit.text)
        if stale != unit.text:
            self.coverage.fuzzy += 1
            return stale if self.sources.book.fallback == "stale" else unit.text
        self.coverage.untranslated += 1
        return unit.text

    def _identical_ok(self, unit: Unit) -> bool:
        """A translation identical to its source (``MD``, ``CSCO``) still counts as translated."""
        catalog = self._load(unit.domain, False)
        return isinstance(catalog, Translations) and unit.text in getattr(catalog, "_catalog", {})

    def name(self, person: PersonName) -> str:
        """A person's name as this locale shows it: Chinese characters where established."""
        if self.locale.startswith("zh"):
            if self.locale == "zh_Hant":
                if person.zh_Hant:
                    return person.zh_Hant
                if person.zh_Hans:
                    from .convert import Converter

                    return Converter("s2twp", None).convert(person.zh_Hans)
            elif person.zh_Hans:
                return person.zh_Hans
        return person.latin()
