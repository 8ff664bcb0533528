"""The book as typed, frozen records. No I/O here: :mod:`publish.sources` reads and validates.

Pydantic gives us, for free, what editors need from a validator: every problem of a file in one
pass, each with the path of the field it concerns (which :mod:`publish.yamlsource` turns into a line
and column), and immutable models once validation succeeded. Fields that hold text for readers are
translatable; :mod:`publish.catalogs.extract` decides which by walking these models.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from .vocab import ROLES

Format = Literal["print", "pdf", "epub"]
FORMATS: tuple[Format, ...] = ("print", "pdf", "epub")

MARC_RELATORS: dict[str, str] = {code: role.name for code, role in ROLES.items()}
"""MARC relator codes accepted for contributors (https://id.loc.gov/vocabulary/relators)."""


def _no_surrounding_space(value: str) -> str:
    if value != value.strip():
        raise ValueError("text starts or ends with white space")
    if not value:
        raise ValueError("text is empty")
    return value


def _real_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date of the calendar") from None
    return value


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
"""A lowercase ASCII slug: ``li-junmin``."""
EditionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$", max_length=32)]
Text = Annotated[str, AfterValidator(_no_surrounding_space)]
"""Text for readers: translatable, inline Markdown allowed."""
Paragraphs = Annotated[tuple[Text, ...], BeforeValidator(_one_or_many)]
# [0-9], not \d: the regex engine's \d also matches full-width and other scripts' digits
IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_real_date)]
Year = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Length = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?(mm|cm|in|pt)$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True,
                              str_strip_whitespace=False)


class PersonName(Frozen):
    family: Text
    """Family name, romanised as in the sources (``Chen``)."""
    given: Text | None = None
    """Given name, romanised (``Qing``)."""
    zh_Hans: Text | None = None
    """The name in Simplified Chinese characters, only when established."""
    zh_Hant: Text | None = None
    """The name in Traditional characters; derived from ``zh_Hans`` with OpenCC when absent."""
    order: Literal["family-first", "given-first"] = "family-first"
    """How the Latin form is shown."""

    def latin(self) -> str:
        if not self.given:
            return self.family
        parts = [self.family, self.given] if self.order == "family-first" else [self.given, self.family]
        return " ".join(parts)


class Person(PersonName):
    id: Id
    """One person, one id: every mention in metadata refers to it."""
    aliases: tuple[Text, ...] = ()
    """Other spellings of the Latin name seen in the sources (``Qing Chen``)."""


class Subject(PersonName):
    honorific: Text | None = None
    """``Dr.`` or ``Prof.``, as the source shows it (translatable)."""


class Organization(Frozen):
    id: Id
    name: Text
    """The organisation's name (translatable)."""
    url: Url | None = None


class Contributor(Frozen):
    person: Id
    """A person id from ``people``."""
    roles: tuple[str, ...] = Field(min_length=1)
    """MARC relator codes: ``edt`` editor, ``trl`` translator, ``aut`` author…"""
    biography: Text | None = None
    """A short biographical note for retailers (ONIX BiographicalNote; translatable)."""


class Copyright(Frozen):
    year: Year
    holder: Id
    """A person or organisation id."""


class Trim(Frozen):
    width: Length
    height: Length


Amount = Annotated[str, StringConstraints(pattern=r"^\d{1,7}(\.\d{1,2})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Territory = Annotated[str, StringConstraints(pattern=r"^(WORLD|[A-Z]{2})$")]


class Price(Frozen):
    amount: Amount
    """The price as a decimal number: ``9.99``."""
    currency: Currency
    """ISO 4217: ``USD``, ``CNY``, ``EUR``."""
    tax: Literal["excluded", "included"] = "excluded"
    """Whether the amount includes tax (ONIX PriceType 01 or 02)."""
    tax_rate: float | None = Field(default=None, ge=0, le=100)
    """The tax rate in percent, for a price that includes tax (ONIX Tax, TaxType 01 VAT)."""
    territory: tuple[Territory, ...] = ("WORLD",)
    """Where the price applies: ``WORLD`` or ISO 3166-1 country codes."""


PrinterId = Literal["generic", "kdp", "ingramspark"]


class Printer(Frozen):
    profile: PrinterId = "generic"
    """The printer profile the print files follow (:mod:`publish.prepress.profiles`)."""
    paper: str | None = None
    """A paper stock of that profile (``white``, ``cream``…); the profile's first by default."""

    @model_validator(mode="after")
    def _known_paper(self) -> Printer:
        from .prepress.profiles import PROFILES

        papers = [p.name for p in PROFILES[self.profile].papers]
        if self.paper is not None and self.paper not in papers:
            raise ValueError(f"paper {self.paper!r} is not a stock of printer profile {self.profile} "
                             f"(known: {', '.join(papers)})")
        return self


class Edition(Frozen):
    id: EditionId
    """``en``, ``zh-Hans``, ``zh-Hant``, ``bilingual``: used in file names."""
    locales: tuple[str, ...] = Field(min_length=1, max_length=2)
    """The edition's languages (Babel/gettext codes), the main one first."""
    isbn: dict[Format, str] = Field(default_factory=dict)
    """ISBN-13 per format (print, pdf, epub); check digits are validated."""
    isbn_placeholder: bool = False
    """True while the ISBNs are not registered: the release gate refuses them."""
    min_coverage: float = Field(default=100.0, ge=0, le=100)
    """Percent of units that must be translated for a release."""
    prices: dict[Format, tuple[Price, ...]] = Field(default_factory=dict)
    """Retail prices per format; a format without a price must be listed in ``not_for_sale``."""
    not_for_sale: tuple[Format, ...] = ()
    """Formats deliberately not offered for sale (ONIX: not available, not sold separately)."""
    licence: Spdx | None = None
    """The edition's own licence (SPDX); the book's ``licence`` when left out."""


ThemaCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.-]{0,15}$")]
BisacCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}\d{6}$")]


class Subjects(Frozen):
    thema: tuple[ThemaCode, ...] = ()
    """Thema subject codes (https://ns.editeur.org/thema/), the main subject first: ``DNXM``."""
    bisac: tuple[BisacCode, ...] = ()
    """BISAC subject codes, the main subject first: ``BIO017000``."""
    main: Literal["thema", "bisac"] = "thema"
    """Which scheme's first code is the main subject (ONIX MainSubject)."""


class Book(Frozen):
    id: Id
    source_locale: str
    """The language the sources are written in."""
    title: Text
    subtitle: Text | None = None
    publisher: Id
    """An organisation id."""
    copyright: Copyright
    rights: Text
    """The book's rights statement (translatable)."""
    trim: Trim
    printer: Printer = Printer()
    """The printer profile of the print files and the cover wrap."""
    blurb: Paragraphs = ()
    """The back-cover text of the print editions (translatable)."""
    glossary: str | None = None
    """Path of the glossary file, inside the book folder."""
    allow_private_links: bool = False
    """Allow links to loopback, private and link-local hosts (``127.0.0.1``, ``169.254.169.254``)."""
    theme: str = "default"
    """The design: the built-in ``default``, or a theme folder of the project (``themes/<name>``)."""
    stylesheets: tuple[str, ...] = ()
    """Stylesheets of the book's own, inside the book folder, applied after the theme's."""
    fallback: Literal["source", "stale"] = "source"
    """What untranslated or fuzzy units show: the source text, or the stale translation."""
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    editions: tuple[Edition, ...] = Field(min_length=1)
    profiles: tuple[Id, ...] = Field(min_length=1)
    """Profile ids in book order; each is ``profiles/<id>.yaml``."""
    description: Paragraphs = ()
    """The book's description for retailers and the EPUB's ``dc:description`` (translatable)."""
    short_description: Text | None = None
    """A one- or two-sentence description for retailers (ONIX short description; translatable)."""
    subjects: Subjects | None = None
    imprint: Id | None = None
    """The imprint the book is published under, an organisation id (ONIX Imprint)."""
    licence: Spdx | None = None
    """The licence the book is published under (SPDX), when it has one; editions may override it."""

    def licence_of(self, edition: Edition) -> str | None:
        return edition.licence or self.licence

    def credits(self) -> list[tuple[Person, str]]:
        """Each contributor's person with each of its MARC relator roles, in book order."""
        people = {p.id: p for p in self.people}
        return [(people[c.person], role) for c in self.contributors for role in c.roles]


ListKind = Literal["positions", "affiliations", "research", "expertise", "specialisations", "awards",
                   "publications", "projects", "experience", "other"]


class CredentialList(Frozen):
    kind: ListKind
    heading: Text | None = None
    """The heading the source used (``Current Positions``)."""
    items: Paragraphs = Field(min_length=1)


class Credentials(Frozen):
    degrees: tuple[Text, ...] = ()
    titles: tuple[Text, ...] = ()
    summary: Paragraphs = ()
    lists: tuple[CredentialList, ...] = ()


class Preface(Frozen):
    heading: Text | None = None
    paragraphs: Paragraphs = Field(min_length=1)


class Section(Frozen):
    heading: Text
    paragraphs: Paragraphs = Field(min_length=1)


class Exchange(Frozen):
    question: Paragraphs = Field(min_length=1)
    answer: Paragraphs = Field(min_length=1)


class Interview(Frozen):
    heading: Text | None = None
    interviewer: Text
    """The interviewer's label as published (``ShanghaiDoctor.cn``)."""
    interviewee: Text
    exchanges: tuple[Exchange, ...] = Field(min_length=1)


class SourceRecord(Frozen):
    publisher: Id
    """The organisation that published the article."""
    url: Url | None = None
    updated: IsoDate | None = None
    """The page's update date, ISO 8601."""
    visits: int | None = Field(default=None, ge=0)
    """The page's visit counter when it was captured."""
    editor: Id | None = None
    """The article's editor, a person id."""
    contact: Email | None = None
    contact_note: Text | None = None
    """The article's own contact line (translatable)."""


Spdx = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.+-]+$", max_length=64)]
"""An SPDX licence identifier: ``CC-BY-SA-4.0`` (the known ones: :mod:`publish.licences`)."""


class Rights(Frozen):
    status: Literal["cleared", "pending"]
    holder: Id | None = None
    notice: Paragraphs = ()
    """The article's copyright notice (translatable)."""
    licence: Spdx | None = None
    """The licence the article is published under, when it has one: ``CC-BY-SA-4.0``."""
    attribution: Text | None = None
    """The attribution the licence asks for: title, author, source, licence (printed as given)."""


class Profile(Frozen):
    id: Id
    person: Subject
    headline: Text
    credentials: Credentials = Credentials()
    preface: Preface | None = None
    sections: tuple[Section, ...] = Field(min_length=1)
    interview: Interview | None = None
    source: SourceRecord
    rights: Rights
    editor_notes: tuple[Text, ...] = ()
    """Notes for the editors: never printed, never translated."""


_ISBN_DIGITS = re.compile(r"[\s-]")


def isbn_digits(value: str) -> str:
    return _ISBN_DIGITS.sub("", value)
