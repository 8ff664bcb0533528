"""Per-catalogue and per-locale counts: translated, fuzzy, untranslated, obsolete.

Counts follow ``msgfmt --statistics`` exactly (the tests use it as the oracle): the header is not
counted, a message is untranslated when its first msgstr is empty (fuzzy or not), fuzzy when flagged
fuzzy with a translation, translated otherwise; obsolete entries are counted apart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from ..errors import CatalogError, Location, Problem, Severity, relpath
from . import pofile


@dataclass(frozen=True)
class Stats:
    path: str
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 2) if self.total else 100.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "percent": self.percent}


def count(catalog: Catalog, path: str) -> Stats:
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not strings or not strings[0]:
            untranslated += 1
        elif message.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return Stats(path, translated, fuzzy, untranslated, len(catalog.obsolete))


def _project_locales(book: Path) -> Path:
    from ..project import find_file, parse

    file = find_file(book)
    return parse(file).locales if file else Path("locales")


def catalogue_files(paths: list[Path], locales: Path | None = None) -> list[Path]:
    """The ``.po`` files under each path; a book folder stands for its catalogues in ``locales``
    (its own domains; the interface labels belong to the toolkit)."""
    found: list[Path] = []
    for path in paths:
        if (path / "book.yaml").is_file():
            found += sorted((locales or _project_locales(path)).glob(f"*/LC_MESSAGES/{path.name}/*.po"))
        elif path.is_dir():
            found += sorted(path.rglob("*.po"))
        else:
            found.append(path)
    if not found:
        raise CatalogError("no catalogues (.po) found here", Location(relpath(paths[0]) if paths else "."))
    return found


def collect(paths: list[Path]) -> list[Stats]:
    rows = []
    for path in catalogue_files(paths):
        _, catalog = pofile.read(path)
        rows.append(count(catalog, relpath(path)))
    return rows


def by_locale(rows: list[Stats]) -> dict[str, Stats]:
    """Totals per locale, read from ``<locale>/LC_MESSAGES/`` in each path."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        parts = Path(row.path).parts
        locale = parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts else "?"
        t = totals.setdefault(locale, [0, 0, 0, 0])
        for i, v in enumerate((row.translated, row.fuzzy, row.untranslated, row.obsolete)):
            t[i] += v
    return {loc: Stats(loc, *t) for loc, t in totals.items()}


def render_json(rows: list[Stats]) -> str:
    return json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2)


def render_text(rows: list[Stats]) -> str:
    lines = [f"{'catalogue':<60} {'transl.':>7} {'fuzzy':>6} {'untr.':>6} {'obs.':>5} {'%':>7}"]
    for r in rows + [Stats(f"[{k}]", s.translated, s.fuzzy, s.untranslated, s.obsolete)
                     for k, s in by_locale(rows).items()]:
        lines.append(f"{r.path:<60} {r.translated:>7} {r.fuzzy:>6} {r.untranslated:>6} {r.obsolete:>5} "
                     f"{r.percent:>6.2f}%")
    return "\n".join(lines)


def missing(sources, layout, locales: tuple[str, ...], limit: int = 20) -> list[Problem]:  # type: ignore[no-untyped-def]
    """The untranslated and fuzzy messages of ``locales``, each located in its .po file, with the
    source file and line it comes from (``#:``), and the commands that bring a catalogue up to date."""
    from .units import domains

    found: list[Problem] = []
    book = sources.book
    for locale in locales:
        if locale == book.source_locale:
            continue
        for domain in domains(sources):
            po = layout.catalogue(locale, domain)
            if not po.exists():
                found.append(Problem(Location(relpath(po)), Severity.ERROR,
                                     f"catalogue missing: run 'publish catalog extract {book.id}' then "
                                     f"'publish catalog update {book.id} -l {locale}'", "coverage.missing"))
                continue
            _, catalog = pofile.read(po)
            for message in catalog:
                if not message.id:
                    continue
                text = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
                state = "fuzzy (needs review)" if text and message.fuzzy else ("untranslated" if not text else "")
                if state:
                    origin = ", ".join(f"{f}:{n}" for f, n in message.locations) or "?"
                    mid = message.id if isinstance(message.id, str) else message.id[0]
                    found.append(Problem(Location(relpath(po), message.lineno), Severity.ERROR,
                                         f"{state}: {mid[:60]!r} (source {origin})", "coverage.entry"))
    if len(found) > limit:
        rest = len(found) - limit
        found = found[:limit] + [Problem(found[limit].location, Severity.ERROR, f"… and {rest} more", "coverage.entry")]
    if found:
        found.append(Problem(Location(relpath(layout.root)), Severity.ERROR,
                             f"translate these in the .po files; after a source change run 'publish catalog extract "
                             f"{book.id}' and 'publish catalog update {book.id}' first", "coverage.hint"))
    return found
