"""The project's catalogue settings: the ``[catalogs]`` table of ``publish.toml``.

```toml
[catalogs]
width = 79                 # wrap every catalogue written at 79 (0: no wrapping); absent: keep each file's
locations = "file"         # full | file | never; absent: as each file has them
qa-ignore = ["consistency"]   # QA checks turned off for every book

[catalogs.books.shanghai-doctors]
qa-ignore = ["english"]    # this book's defaults, added to the project's
```
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CatalogError, Location, Problem, Severity, relpath
from .postyle import Style

KEYS = ("width", "locations", "qa-ignore", "books")


@dataclass(frozen=True)
class CatalogSettings:
    width: int | None = None
    locations: str | None = None
    qa_ignore: tuple[str, ...] = ()
    books: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def style(self) -> Style:
        return Style(width=self.width, locations=self.locations)  # type: ignore[arg-type]

    def ignored(self, book: str | None) -> frozenset[str]:
        """QA checks off for ``book``: the project's, then the book's own."""
        return frozenset(self.qa_ignore) | frozenset(dict(self.books).get(book or "", ()))


def catalog_settings(project: Any) -> CatalogSettings:  # noqa: ANN401 - a publish.project.Project
    file = getattr(project, "file", None)
    return load(file) if file else CatalogSettings()


def find(start: Path) -> CatalogSettings:
    """The settings of the project around ``start`` (none outside a project)."""
    from ..project import find_file

    file = find_file(start)
    return load(file) if file else CatalogSettings()


def load(file: Path) -> CatalogSettings:
    from .checks import CHECK_NAMES

    text = file.read_text(encoding="utf-8")
    data = tomllib.loads(text).get("catalogs", {})
    shown = relpath(file)

    def where(key: str) -> Location:
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
                return Location(shown, n, field=f"catalogs.{key}")
        return Location(shown, field=f"catalogs.{key}")

    problems = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(where(key), Severity.ERROR, message, "project.catalogs"))

    def checks(key: str, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(key, f"'{key}' must be a list of QA check names")
            return ()
        for name in value:
            if name not in CHECK_NAMES:
                bad(key, f"unknown QA check '{name}' (known: {', '.join(sorted(CHECK_NAMES))})")
        return tuple(value)

    for key in data:
        if key not in KEYS:
            bad(key, f"unknown key '{key}' in [catalogs] (known: {', '.join(KEYS)})")
    width = data.get("width")
    if width is not None and (not isinstance(width, int) or isinstance(width, bool) or not (width == 0 or width >= 20)):
        bad("width", "'width' must be 0 (no wrapping) or a width of at least 20")
    locations = data.get("locations")
    if locations is not None and locations not in ("full", "file", "never"):
        bad("locations", "'locations' must be \"full\", \"file\" or \"never\"")
    ignore = checks("qa-ignore", data.get("qa-ignore", []))
    books = []
    for book, table in (data.get("books") or {}).items():
        if not isinstance(table, dict) or set(table) - {"qa-ignore"}:
            bad(book, f"[catalogs.books.{book}] may only set qa-ignore")
            continue
        books.append((book, checks("qa-ignore", table.get("qa-ignore", []))))
    if problems:
        raise CatalogError(problems)
    return CatalogSettings(width, locations, ignore, tuple(books))
