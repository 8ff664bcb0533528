"""The translatable units of a book: every text a reader sees, with the field it comes from.

A unit is one paragraph, heading, title, list item or label. Units are grouped in gettext domains:
``<book>/book`` for the book's own strings and ``<book>/<profile-id>`` per profile. URLs, e-mail
addresses, dates, numbers, ids and ISBNs are never units: they are not text fields of the models,
and :func:`is_translatable` drops any text field that holds only such a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Book, Profile
from ..sources import Sources
from ..yamlsource import FieldPath, format_path

_NOT_TEXT = re.compile(
    r"^(\s*[\d\s.,:%/+\-–—()]*\s*|https?://\S+|[^@\s]+@[^@\s]+\.\S+|97[89][\d\- ]{10,14})$"
)


@dataclass(frozen=True)
class Unit:
    """One translatable text and where it lives."""

    domain: str
    text: str
    owner: str
    """``"book"`` or the profile id: whose YAML file holds it."""
    path: FieldPath

    @property
    def field(self) -> str:
        return format_path(self.path)


def is_translatable(text: str) -> bool:
    return bool(text.strip()) and not _NOT_TEXT.match(text)


def book_domain(book: Book) -> str:
    return f"{book.id}/book"


def profile_domain(book: Book, profile_id: str) -> str:
    return f"{book.id}/{profile_id}"


INTERFACE = "publish"
"""The gettext domain of the toolkit's own interface labels (from the Jinja2 templates)."""


def domains(sources: Sources, *, interface: bool = False) -> list[str]:
    """The book's domains; with ``interface``, the ``publish`` labels domain too."""
    found = [book_domain(sources.book)] + [profile_domain(sources.book, p.id) for p in sources.profiles]
    return found + [INTERFACE] if interface else found


def book_units(book: Book) -> Iterator[Unit]:
    domain = book_domain(book)

    def unit(text: str | None, *path: str | int) -> Iterator[Unit]:
        if text and is_translatable(text):
            yield Unit(domain, text, "book", tuple(path))

    yield from unit(book.title, "title")
    yield from unit(book.subtitle, "subtitle")
    yield from unit(book.rights, "rights")
    for i, para in enumerate(book.blurb):
        yield from unit(para, "blurb", i)
    for i, org in enumerate(book.organizations):
        yield from unit(org.name, "organizations", i, "name")
    for i, para in enumerate(book.description):
        yield from unit(para, "description", i)
    yield from unit(book.short_description, "short_description")
    for i, c in enumerate(book.contributors):
        yield from unit(c.biography, "contributors", i, "biography")


def profile_units(book: Book, profile: Profile) -> Iterator[Unit]:
    domain = profile_domain(book, profile.id)

    def unit(text: str | None, *path: str | int) -> Iterator[Unit]:
        if text and is_translatable(text):
            yield Unit(domain, text, profile.id, tuple(path))

    def many(texts: tuple[str, ...], *path: str | int) -> Iterator[Unit]:
        for i, text in enumerate(texts):
            yield from unit(text, *path, i)

    yield from unit(profile.person.honorific, "person", "honorific")
    yield from unit(profile.headline, "headline")
    cred = profile.credentials
    yield from many(cred.degrees, "credentials", "degrees")
    yield from many(cred.titles, "credentials", "titles")
    yield from many(cred.summary, "credentials", "summary")
    for i, lst in enumerate(cred.lists):
        yield from unit(lst.heading, "credentials", "lists", i, "heading")
        yield from many(lst.items, "credentials", "lists", i, "items")
    if profile.preface:
        yield from unit(profile.preface.heading, "preface", "heading")
        yield from many(profile.preface.paragraphs, "preface", "paragraphs")
    for i, section in enumerate(profile.sections):
        yield from unit(section.heading, "sections", i, "heading")
        yield from many(section.paragraphs, "sections", i, "paragraphs")
    if profile.interview:
        iv = profile.interview
        yield from unit(iv.heading, "interview", "heading")
        yield from unit(iv.interviewer, "interview", "interviewer")
        yield from unit(iv.interviewee, "interview", "interviewee")
        for i, ex in enumerate(iv.exchanges):
            yield from many(ex.question, "interview", "exchanges", i, "question")
            yield from many(ex.answer, "interview", "exchanges", i, "answer")
    yield from unit(profile.source.contact_note, "source", "contact_note")
    yield from many(profile.rights.notice, "rights", "notice")


def all_units(sources: Sources) -> Iterator[Unit]:
    yield from book_units(sources.book)
    for profile in sources.profiles:
        yield from profile_units(sources.book, profile)
