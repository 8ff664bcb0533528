"""The import command's engine: read, recognise, refuse to overwrite, write, list, check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Location, Problem, Severity, relpath
from ..yamlsource import read_yaml
from . import Imported, read_article
from .article import ArticleError
from .mapping import to_draft
from .resolve import BookIds, slug
from .writer import add_to_book, profile_text, write_profile

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def import_articles(files: list[Path], book: Path, profile_id: str | None = None, *,
                    force: bool = False) -> list[Imported]:
    """Import each article into ``book/profiles/<id>.yaml``; nothing is written if any would be refused."""
    book_file = book / "book.yaml"
    if not book_file.is_file():
        raise ArticleError(f"no book.yaml in {relpath(book)}: not a book folder", Location(relpath(book_file)))
    if profile_id is not None and len(files) > 1:
        raise ArticleError("--id names one profile: import one article at a time with it")
    book_doc = read_yaml(book_file, relpath(book_file))
    ids = BookIds.from_data(book_doc.data)
    planned = [_plan(path, book, ids, profile_id) for path in files]
    _refuse(planned, force)
    texts = []
    for item in planned:  # every text made (and read back) before the first file is written
        data: dict[str, Any] = {"id": item.profile_id, **item.draft.data, "editor_notes": item.draft.editor_notes}
        header = (f"Imported from {_shown_from(item.source, book)} by `publish import`: a draft.\n"
                  "Check every editor_notes entry against the article, then remove it.")
        texts.append(profile_text(data, header))
    for item, text in zip(planned, texts, strict=True):
        write_profile(item.target, text)
        item.book_line = add_to_book(book_file, item.profile_id)
    for item in planned:
        item.check = _check(book, item)
    return planned


def _plan(path: Path, book: Path, ids: BookIds, profile_id: str | None) -> Imported:
    article = read_article(path)
    if not article.blocks:
        raise ArticleError([Problem(Location(article.shown), Severity.ERROR,
                                    "the article has no text (besides page clutter): nothing to import",
                                    "import.empty")])
    draft = to_draft(article, ids, profile_id)
    person = draft.data.get("person") or {}
    pid = profile_id or slug(" ".join(filter(None, [person.get("family"), person.get("given")])))
    if not pid:
        raise ArticleError([Problem(Location(article.shown), Severity.ERROR,
                                    "the article names no subject to make a profile id from: give --id",
                                    "import.no-id")])
    if not _ID.match(pid):
        raise ArticleError(f"'{pid}' is not a profile id: lowercase letters, digits and hyphens, like 'li-junmin'")
    return Imported(path, pid, book / "profiles" / f"{pid}.yaml", draft)


def _refuse(planned: list[Imported], force: bool) -> None:
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for item in planned:
        if item.profile_id in seen:
            first = relpath(seen[item.profile_id])
            problems.append(Problem(Location(relpath(item.source)), Severity.ERROR,
                                    f"gives the same profile id '{item.profile_id}' as {first}", "import.duplicate"))
        seen[item.profile_id] = item.source
        if item.target.exists() and not force:
            problems.append(Problem(Location(relpath(item.target)), Severity.ERROR,
                                    "profile exists: not overwritten (use --force to replace it)", "import.exists"))
    if problems:
        raise ArticleError(problems)


def _shown_from(source: Path, book: Path) -> str:
    try:
        return str(source.resolve().relative_to(book.resolve()))
    except ValueError:
        return source.name


def _check(book: Path, item: Imported) -> list[Problem]:
    """What ``publish check`` reports for the new profile, and its missing book.yaml entry."""
    from ..sources import check_profile

    problems = check_profile(book, item.profile_id)
    if item.book_line is not None:
        problems.append(Problem(Location(relpath(book / "book.yaml")), Severity.ERROR,
                                f"'{item.profile_id}' is not in the 'profiles:' list yet ({item.book_line}): add it",
                                "import.unlisted"))
    return problems
