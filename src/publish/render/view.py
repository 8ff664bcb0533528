"""The localised view of a book for the templates: every text already translated, paired for bilingual.

The templates never see a source model or a translator's raw string: each text is a :class:`Text`
with the edition's main language and, in the bilingual edition, the second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale

from ..catalogs.localize import Localizer
from ..catalogs.units import Unit, book_domain, profile_domain
from ..model import Profile
from ..sources import Sources
from ..vocab import bcp47
from ..yamlsource import FieldPath


@dataclass(frozen=True)
class Text:
    """One unit in one or two languages."""

    main: str
    lang: str
    alt: str | None = None
    alt_lang: str | None = None

    def __str__(self) -> str:
        return self.main


class Translator:
    """Looks units up in one or two localizers (main, and second for the bilingual edition)."""

    def __init__(self, main: Localizer, second: Localizer | None = None) -> None:
        self.main = main
        self.second = second

    def text(self, domain: str, owner: str, path: FieldPath, source: str | None) -> Text | None:
        if not source:
            return None
        unit = Unit(domain, source, owner, path)
        main = self.main.text(unit)
        if self.second is None:
            return Text(main, bcp47(self.main.locale))
        return Text(main, bcp47(self.main.locale), self.second.text(unit), bcp47(self.second.locale))

    def many(self, domain: str, owner: str, path: FieldPath, sources: tuple[str, ...]) -> list[Text]:
        return [t for i, s in enumerate(sources) if (t := self.text(domain, owner, path + (i,), s))]

    def name(self, person: Any) -> Text:
        main = self.main.name(person)
        if self.second is None:
            return Text(main, bcp47(self.main.locale))
        return Text(main, bcp47(self.main.locale), self.second.name(person), bcp47(self.second.locale))


def profile_view(sources: Sources, profile: Profile, tr: Translator) -> dict[str, Any]:
    d = profile_domain(sources.book, profile.id)
    o = profile.id

    def t(source: str | None, *path: str | int) -> Text | None:
        return tr.text(d, o, tuple(path), source)

    def many(sources_: tuple[str, ...], *path: str | int) -> list[Text]:
        return tr.many(d, o, tuple(path), sources_)

    cred = profile.credentials
    people = {p.id: p for p in sources.book.people}
    iv = profile.interview
    return {
        "id": profile.id,
        "name": tr.name(profile.person),
        "latin_name": profile.person.latin(),
        "honorific": t(profile.person.honorific, "person", "honorific"),
        "headline": t(profile.headline, "headline"),
        "degrees": many(cred.degrees, "credentials", "degrees"),
        "titles": many(cred.titles, "credentials", "titles"),
        "summary": many(cred.summary, "credentials", "summary"),
        "lists": [{"kind": lst.kind, "heading": t(lst.heading, "credentials", "lists", i, "heading"),
                   "items": many(lst.items, "credentials", "lists", i, "items")}
                  for i, lst in enumerate(cred.lists)],
        "preface": None if not profile.preface else {
            "heading": t(profile.preface.heading, "preface", "heading"),
            "paragraphs": many(profile.preface.paragraphs, "preface", "paragraphs")},
        "sections": [{"heading": t(s.heading, "sections", i, "heading"),
                      "paragraphs": many(s.paragraphs, "sections", i, "paragraphs")}
                     for i, s in enumerate(profile.sections)],
        "interview": None if not iv else {
            "heading": t(iv.heading, "interview", "heading"),
            "interviewer": t(iv.interviewer, "interview", "interviewer"),
            "interviewee": t(iv.interviewee, "interview", "interviewee"),
            "exchanges": [{"question": many(ex.question, "interview", "exchanges", i, "question"),
                           "answer": many(ex.answer, "interview", "exchanges", i, "answer")}
                          for i, ex in enumerate(iv.exchanges)]},
        "source": profile.source,
        "publisher": _org(sources, tr, profile.source.publisher),
        "editor": tr.name(people[profile.source.editor]) if profile.source.editor else None,
        "contact_note": t(profile.source.contact_note, "source", "contact_note"),
        "rights": profile.rights,
        "holder": _org(sources, tr, profile.rights.holder) if profile.rights.holder else None,
        "notice": many(profile.rights.notice, "rights", "notice"),
    }


def _org(sources: Sources, tr: Translator, org_id: str | None) -> Text | None:
    for i, org in enumerate(sources.book.organizations):
        if org.id == org_id:
            return tr.text(book_domain(sources.book), "book", ("organizations", i, "name"), org.name)
    people = {p.id: p for p in sources.book.people}
    return tr.name(people[org_id]) if org_id in people else None


def book_view(sources: Sources, tr: Translator) -> dict[str, Any]:
    book = sources.book
    d = book_domain(book)
    return {
        "id": book.id,
        "title": tr.text(d, "book", ("title",), book.title),
        "subtitle": tr.text(d, "book", ("subtitle",), book.subtitle),
        "rights": tr.text(d, "book", ("rights",), book.rights),
        "blurb": tr.many(d, "book", ("blurb",), book.blurb),
        "publisher": _org(sources, tr, book.publisher),
        "copyright_year": book.copyright.year,
        "copyright_holder": _org(sources, tr, book.copyright.holder),
        "contributors": [{"name": tr.name(next(p for p in book.people if p.id == c.person)), "roles": c.roles,
                          "biography": tr.text(d, "book", ("contributors", i, "biography"), c.biography)}
                         for i, c in enumerate(book.contributors)],
        "description": tr.many(d, "book", ("description",), book.description),
        "short_description": tr.text(d, "book", ("short_description",), book.short_description),
        "profiles": [profile_view(sources, p, tr) for p in sources.profiles],
        "language_name": Locale.parse(tr.main.locale).get_display_name(tr.main.locale),
    }
