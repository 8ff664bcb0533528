"""``publish init [DIR]``: a new project with one book that checks and builds with no edit.

The files come from the package's ``scaffold/`` folder: ``publish.toml`` (every key commented), the
book (``book.yaml`` with every field commented, a profile skeleton, a glossary, an editors' README, an
empty ``raw/`` for the articles), a translators' guide, a ``.gitignore``, and the book's first
catalogue templates and catalogues. Nothing that exists is overwritten: an existing project or book
is a located error.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from string import Template

from stdnum import ean
from stdnum import isbn as stdnum_isbn

from . import assets, atomic
from .errors import Location, SourceError, relpath
from .project import PROJECT_FILE, find_file, parse, template

SCAFFOLD = assets.PACKAGE / "scaffold"


def placeholder_isbns(count: int, seed: int = 20) -> list[str]:
    """ISBN-13s with valid check digits in the unassigned 978-0-99999 block: placeholders, marked as such."""
    out = []
    for n in range(seed, seed + count):
        stem = f"978099999{n:03d}"
        digit = ean.calc_check_digit(stem)
        out.append(stdnum_isbn.format(stem + digit))
    return out


def init(dest: Path, *, book_id: str = "my-book", title: str = "My Book") -> list[Path]:
    """Make the project (or, inside an existing project, only the book); return the files written."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", book_id):
        raise SourceError(f"book id {book_id!r}: use a lowercase slug such as my-book", Location("--book"))
    dest = Path(dest)
    existing = find_file(dest) if dest.exists() else None
    isbns = placeholder_isbns(6)
    written: list[Path] = []
    if existing is None:
        if (dest / "books").exists():
            raise SourceError(f"{relpath(dest / 'books')} exists but no {PROJECT_FILE}: nothing written",
                              Location(relpath(dest)))
        dest.mkdir(parents=True, exist_ok=True)
        project_file = dest / PROJECT_FILE
        atomic.write_bytes(project_file, template().encode("utf-8"))
        written.append(project_file)
        for name, target in (("TRANSLATING.md", "TRANSLATING.md"), ("gitignore", ".gitignore")):
            path = dest / target
            if not path.exists():
                atomic.write_bytes(path, (SCAFFOLD / name).read_bytes())
                written.append(path)
    project = parse(existing or dest / PROJECT_FILE)
    book = project.books / book_id
    try:
        return written + _book(project, book, book_id, title, isbns)
    except BaseException:
        for path in written:  # a project file made by this run goes with the failed book
            path.unlink(missing_ok=True)
        raise


def _book(project, book: Path, book_id: str, title: str,  # type: ignore[no-untyped-def] # noqa: ANN001
          isbns: list[str]) -> list[Path]:
    written: list[Path] = []
    if book.exists():
        raise SourceError(f"{relpath(book)} exists: nothing written (choose another --book id)",
                          Location(relpath(book)))
    values = {"book_id": book_id, "title": title, "year": str(date.today().year),
              "isbn_en_print": isbns[0], "isbn_en_pdf": isbns[1], "isbn_en_epub": isbns[2],
              "isbn_zh_print": isbns[3], "isbn_zh_pdf": isbns[4], "isbn_zh_epub": isbns[5]}
    book.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{book_id}.tmp-", dir=book.parent))
    try:
        for source in sorted((SCAFFOLD / "book").rglob("*")):
            if source.is_file():
                target = tmp / source.relative_to(SCAFFOLD / "book")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
        (tmp / "raw").mkdir()
        tmp.rename(book)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    written += sorted(p for p in book.rglob("*") if p.is_file())
    try:
        written += _catalogues(project, book)
    except BaseException:
        shutil.rmtree(book, ignore_errors=True)  # made by this run a moment ago: nobody's work
        raise
    return written


def _catalogues(project, book: Path) -> list[Path]:  # type: ignore[no-untyped-def] # noqa: ANN001
    """The book's templates and its (empty) catalogues, so translators can start at once."""
    from .catalogs.extract import extract
    from .catalogs.units import domains
    from .catalogs.update import update
    from .sources import load_book

    sources = load_book(book)
    layout = project.layout
    written = [path for path, _ in extract(sources, layout, project.source_date(book))]
    book_ = sources.book
    locales = dict.fromkeys(loc for e in book_.editions for loc in e.locales if loc != book_.source_locale)
    for locale in locales:
        for domain in domains(sources):
            po = layout.catalogue(locale, domain)
            update(po, layout.template(domain), locale)
            written.append(po)
    return written
