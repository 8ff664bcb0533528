"""Load a book folder into validated models, collecting every problem before failing.

Stages: read each YAML file (:mod:`publish.yamlsource`) → validate its shape with the models (:mod:`publish.model`;
the errors located by :mod:`publish.schema`) → check what a schema cannot (characters, references between files,
ISBNs, locales, paths) → warn about rights that are pending or incomplete.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from stdnum import isbn as stdisbn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as IsbnError

from .errors import Location, Problem, PublishError, Severity, SourceError, relpath
from .model import MARC_RELATORS, Book, Profile, isbn_digits
from .schema import validate
from .sourcetext import scan_links
from .vocab import LANGUAGES
from .yamlsource import FieldPath, YamlDocument, read_yaml

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Sources:
    """A validated book: its models, where each came from, and the warnings seen."""

    root: Path
    book: Book
    profiles: tuple[Profile, ...]
    documents: dict[str, YamlDocument]
    """Parsed files by unit owner: ``"book"`` or a profile id (for line numbers)."""
    warnings: tuple[Problem, ...]

    def locate(self, owner: str, path: FieldPath) -> Location:
        return self.documents[owner].locate(path)

    def profile(self, profile_id: str) -> Profile:
        return next(p for p in self.profiles if p.id == profile_id)


def load_book(root: Path, cache: Path | None = None) -> Sources:
    """Load and validate; raise :class:`SourceError` listing every error (warnings kept). With ``cache`` (the
    project's cache folder), files parsed before with the same text are not parsed again."""
    sources, problems = check_book(root, cache)
    errors = [p for p in problems if p.is_error]
    if errors or sources is None:
        raise SourceError(errors or problems)
    return sources


def check_book(root: Path, cache: Path | None = None) -> tuple[Sources | None, list[Problem]]:
    """Validate a book folder; return the sources (when valid) and every problem found."""
    root = Path(root)
    book_file = root / "book.yaml"
    if not book_file.is_file():
        where = Location(relpath(book_file))
        msg = "no book.yaml: not a book folder" if root.is_dir() else "book folder does not exist"
        return None, [Problem(where, Severity.ERROR, msg, "book.missing")]
    book_doc = read_yaml(book_file, relpath(book_file), cache)
    book = validate(book_doc, Book)
    documents = {"book": book_doc}
    profiles: list[Profile] = []
    if book is not None:
        book = _check_book_refs(book_doc, book, root)
    # the profiles are read even when book.yaml is invalid, so one run reports every file's problems
    for pid, doc in _profile_documents(book_doc, _listed_profiles(book_doc, book), root, cache):
        profile = validate(doc, Profile)
        documents.setdefault(pid, doc)
        if profile is not None and book is not None:
            _check_profile(doc, profile, book, pid)
            profiles.append(profile)
    allow_private = book.allow_private_links if book is not None else False
    for doc in documents.values():
        if isinstance(doc.data, dict):
            scan_links(doc, doc.data, (), allow_private)
    problems = [p for d in documents.values() for p in d.problems]
    if book is not None:
        problems += [p for d in _orphans(root, book) for p in d]
    errors = [p for p in problems if p.is_error]
    if book is None or errors:
        return None, problems
    sources = Sources(root, book, tuple(profiles), documents,
                      tuple(p for p in problems if not p.is_error))
    return sources, problems


def _listed_profiles(doc: YamlDocument, book: Book | None) -> list[str]:
    """The profile ids book.yaml lists: from the model, or from the raw data of an invalid file."""
    if book is not None:
        return list(book.profiles)
    raw = doc.data.get("profiles") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        return []
    return [p if isinstance(p, str) and ID.match(p) else "" for p in raw]


def check_profile(root: Path, profile_id: str) -> list[Problem]:
    """The problems of one profile file checked against its book, whether book.yaml lists it or not."""
    book_file = Path(root) / "book.yaml"
    book = validate(read_yaml(book_file, relpath(book_file)), Book)
    path = Path(root) / "profiles" / f"{profile_id}.yaml"
    doc = read_yaml(path, relpath(path))
    profile = validate(doc, Profile)
    if profile is not None and book is not None:
        _check_profile(doc, profile, book, profile_id)
    return doc.problems


def _duplicates(doc: YamlDocument, items: Iterator[tuple[FieldPath, str]], what: str) -> None:
    seen: dict[str, FieldPath] = {}
    for path, value in items:
        if value in seen:
            first = doc.locate(seen[value])
            doc.error(path, f"duplicate {what} '{value}' (first on line {first.line})", kind="book.duplicate")
        else:
            seen[value] = path


def _check_book_refs(doc: YamlDocument, book: Book, root: Path) -> Book:
    """Check what the schema cannot; return the book with its ISBNs in canonical form."""
    _check_locale(doc, ("source_locale",), book.source_locale)
    _duplicates(doc, ((("people", i, "id"), p.id) for i, p in enumerate(book.people)), "person id")
    _duplicates(doc, ((("organizations", i, "id"), o.id) for i, o in enumerate(book.organizations)),
                "organisation id")
    _duplicates(doc, ((("editions", i, "id"), e.id) for i, e in enumerate(book.editions)), "edition id")
    _duplicates(doc, ((("profiles", i), p) for i, p in enumerate(book.profiles)), "profile")
    people = {p.id for p in book.people}
    orgs = {o.id for o in book.organizations}
    _ref(doc, ("publisher",), book.publisher, orgs, "organisation")
    _ref(doc, ("copyright", "holder"), book.copyright.holder, people | orgs, "person or organisation")
    for i, c in enumerate(book.contributors):
        _ref(doc, ("contributors", i, "person"), c.person, people, "person")
        for j, role in enumerate(c.roles):
            if role not in MARC_RELATORS:
                close = difflib.get_close_matches(role, MARC_RELATORS, n=1)
                hint = f" (did you mean '{close[0]}', {MARC_RELATORS[close[0]]}?)" if close else ""
                doc.error(("contributors", i, "roles", j), f"unknown MARC relator code '{role}'{hint}",
                          kind="book.relator")
    isbns: list[tuple[FieldPath, str]] = []
    editions = []
    for i, edition in enumerate(book.editions):
        for j, code in enumerate(edition.locales):
            _check_locale(doc, ("editions", i, "locales", j), code)
        canonical: dict[str, str] = {}
        for fmt, number in edition.isbn.items():
            path = ("editions", i, "isbn", fmt)
            if not number.isascii():
                doc.error(path, f"ISBN {number!r} holds characters other than ASCII digits, hyphens and spaces "
                          "(full-width digits?): write it in ASCII", kind="book.isbn")
                continue
            try:
                digits = stdisbn.to_isbn13(stdisbn.validate(number))
                canonical[fmt] = stdisbn.format(digits)
                isbns.append((path, digits))
            except InvalidChecksum:
                digits = isbn_digits(number)
                from stdnum import ean
                expected = ean.calc_check_digit(digits[:-1]) if len(digits) == 13 else "?"
                doc.error(path, f"ISBN {number} has a wrong check digit (expected {expected})",
                          kind="book.isbn")
            except IsbnError as exc:
                doc.error(path, f"'{number}' is not a valid ISBN: {getattr(exc, 'message', exc)}", kind="book.isbn")
        editions.append(edition.model_copy(update={"isbn": canonical}))
    _duplicates(doc, iter(isbns), "ISBN")
    _check_retail(doc, book, orgs)
    if book.glossary is not None:
        _inside(doc, ("glossary",), root, root / book.glossary, must_exist=True)
    # ISBN-10 and spaced forms become hyphenated ISBN-13, the one form every output writes
    return book.model_copy(update={"editions": tuple(editions)})


def _check_retail(doc: YamlDocument, book: Book, orgs: set[str]) -> None:
    """Prices and the not-for-sale list agree; a price that includes tax says at what rate; the imprint exists."""
    _ref(doc, ("imprint",), book.imprint, orgs, "organisation")
    _licence(doc, ("licence",), book.licence)
    for i, edition in enumerate(book.editions):
        _licence(doc, ("editions", i, "licence"), edition.licence)
    for i, edition in enumerate(book.editions):
        for fmt in edition.not_for_sale:
            if edition.prices.get(fmt):
                doc.error(("editions", i, "not_for_sale"), f"edition {edition.id}: the {fmt} format has a price "
                          "and is listed as not for sale", kind="book.price")
        for fmt, prices in edition.prices.items():
            seen: set[tuple[str, str]] = set()
            for j, price in enumerate(prices):
                if price.tax == "included" and price.tax_rate is None:
                    doc.error(("editions", i, "prices", fmt, j, "tax"), "a price that includes tax needs its "
                              "tax_rate", kind="book.price")
                for where in price.territory:
                    if (where, price.currency) in seen:
                        doc.error(("editions", i, "prices", fmt, j, "territory"), f"edition {edition.id}: two "
                                  f"{fmt} prices in {price.currency} for {where}", kind="book.price")
                    seen.add((where, price.currency))


def _licence(doc: YamlDocument, path: FieldPath, spdx: str | None) -> None:
    from .licences import LICENCES

    if spdx is not None and spdx not in LICENCES:
        close = difflib.get_close_matches(spdx, LICENCES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        doc.error(path, f"unknown licence '{spdx}'{hint}; known SPDX ids: {', '.join(LICENCES)}",
                  kind="book.licence")


def _check_locale(doc: YamlDocument, path: FieldPath, code: str) -> None:
    try:
        parsed = Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        doc.error(path, f"unknown locale code '{code}' (use Babel codes such as en, zh_Hans, zh_Hant)",
                  kind="book.locale")
        return
    language = code.replace("-", "_").split("_")[0]
    if parsed.language != language:  # Babel's aliases: iw → he, in → id, ji → yi, mo → ro
        doc.error(path, f"locale code '{code}' is deprecated: Babel reads it as '{parsed}'; write "
                  f"'{code.replace(language, parsed.language, 1)}'", kind="book.locale")
        return
    if code not in LANGUAGES:
        doc.error(path, f"locale '{code}' is not one this toolkit publishes (fonts, interface labels and ONIX "
                  f"codes exist for {', '.join(LANGUAGES)})", kind="book.locale")


def _ref(doc: YamlDocument, path: FieldPath, value: str | None, known: set[str], what: str) -> None:
    if value is not None and value not in known:
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        doc.error(path, f"no {what} with id '{value}' in book.yaml{hint}", kind="book.reference")


def inside_book(root: Path, path: Path, error: type[PublishError] = SourceError) -> Path:
    """``path``, unless it resolves (symlinks, ``..``) outside the book folder: then ``error``."""
    real_root, real = root.resolve(), path.resolve()
    if real != real_root and real_root not in real.parents:
        shown = str(Path(relpath(path.parent)) / path.name)  # the link's own name, not its target's
        raise error(f"{shown} leads outside the book folder (to {real}): refused", Location(shown))
    return path


def _inside(doc: YamlDocument, path: FieldPath, root: Path, target: Path, *, must_exist: bool) -> bool:
    real_root = root.resolve()
    real = target.resolve()
    if real != real_root and real_root not in real.parents:
        doc.error(path, f"path '{target.relative_to(root) if target.is_relative_to(root) else target}' "
                  "leaves the book folder", kind="book.path")
        return False
    if must_exist and not real.is_file():
        doc.error(path, f"file '{relpath(target)}' does not exist", kind="book.path")
        return False
    return True


def _profile_documents(book_doc: YamlDocument, listed: list[str], root: Path,
                       cache: Path | None = None) -> Iterator[tuple[str, YamlDocument]]:
    seen: set[str] = set()
    for i, pid in enumerate(listed):
        if not pid or pid in seen:
            continue
        seen.add(pid)
        path = root / "profiles" / f"{pid}.yaml"
        if not path.is_file():
            book_doc.error(("profiles", i), f"profile '{pid}' is listed but {relpath(path)} does not exist",
                           kind="book.profile-missing")
            continue
        if not _inside(book_doc, ("profiles", i), root, path, must_exist=True):
            continue
        yield pid, read_yaml(path, relpath(path), cache)


def _orphans(root: Path, book: Book) -> Iterator[list[Problem]]:
    listed = set(book.profiles)
    folder = root / "profiles"
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.stem not in listed:
            yield [Problem(Location(relpath(path)), Severity.ERROR,
                           f"profile file is not listed in book.yaml 'profiles' (add '{path.stem}' or remove "
                           "the file)", "book.profile-unlisted")]


def _check_profile(doc: YamlDocument, profile: Profile, book: Book, file_id: str) -> None:
    if profile.id != file_id:
        doc.error(("id",), f"profile id '{profile.id}' differs from its file name '{file_id}.yaml'",
                  kind="profile.id")
    people = {p.id for p in book.people}
    orgs = {o.id for o in book.organizations}
    _ref(doc, ("source", "publisher"), profile.source.publisher, orgs, "organisation")
    _licence(doc, ("rights", "licence"), profile.rights.licence)
    _ref(doc, ("source", "editor"), profile.source.editor, people, "person")
    _ref(doc, ("rights", "holder"), profile.rights.holder, people | orgs, "person or organisation")
    if profile.rights.status == "pending":
        doc.warning(("rights", "status"), "rights are pending: the release gate refuses this profile",
                    kind="rights.pending")
    missing = [name for name, value in (
        ("copyright notice (rights.notice)", profile.rights.notice),
        ("copyright holder (rights.holder)", profile.rights.holder),
        ("editor credit (source.editor)", profile.source.editor),
        ("source URL (source.url)", profile.source.url),
    ) if not value]
    if missing:
        doc.warning(("rights",), "rights record incomplete: no " + ", no ".join(missing),
                    kind="rights.incomplete")
