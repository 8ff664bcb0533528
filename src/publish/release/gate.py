"""The release gate: every reason a bundle must not reach distributors, each with its location.

Checks on the sources (rights records, ISBNs, the translators' QA) run before anything is built;
checks on the artifacts (EPUBCheck, embedded fonts, qpdf, translation coverage) run on what was
built. ``publish release`` refuses when any reason remains, unless ``--draft``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..catalogs.extract import Layout
from ..errors import Location, Problem, Severity, relpath
from ..sources import Sources


def _err(where: str | Location, message: str, kind: str) -> Problem:
    loc = where if isinstance(where, Location) else Location(where)
    return Problem(loc, Severity.ERROR, message, kind)


def rights(sources: Sources, exclude: tuple[str, ...]) -> list[Problem]:
    """A released profile needs cleared rights and a complete record (notice, holder, editor, source):
    the loader's rights warnings, made errors, for every profile not excluded."""
    out = []
    for w in sources.warnings:
        if w.kind not in ("rights.pending", "rights.incomplete"):
            continue
        pid = Path(w.location.path).stem
        if pid in exclude:
            continue
        out.append(Problem(w.location, Severity.ERROR, f"profile {pid}: {w.message} (or leave it out of this "
                           f"release with --exclude {pid})", "gate.rights"))
    return out


def isbns(sources: Sources, formats: tuple[str, ...]) -> list[Problem]:
    """Every released format needs its ISBN, and no placeholder may ship. (Invalid check digits and
    duplicates are already refused, located, when book.yaml is loaded.)"""
    book_yaml = sources.documents["book"]
    out = []
    for i, edition in enumerate(sources.book.editions):
        for fmt in formats:
            if not edition.isbn.get(fmt):  # type: ignore[call-overload]
                out.append(_err(book_yaml.locate(("editions", i, "isbn")),
                                f"edition {edition.id}: no ISBN for the {fmt} format", "gate.isbn"))
        if edition.isbn_placeholder:
            out.append(_err(book_yaml.locate(("editions", i, "isbn_placeholder")),
                            f"edition {edition.id}: its ISBNs are placeholders (isbn_placeholder: true), "
                            "not registered numbers", "gate.isbn"))
    return out


def catalogues(sources: Sources, layout: Layout, cache: Path | None = None) -> list[Problem]:
    """``publish catalog check`` errors in a catalogue of a released locale. With ``cache`` (the project's
    cache folder), the result is kept under ``<cache>/gate/`` by the hash of what it depends on (the
    catalogues, book.yaml and its glossary, the project file, the toolkit's catalogue code): a release with
    no catalogue changed does not read them again."""
    import json

    from ..catalogs.qa import run

    locales = sorted({loc for e in sources.book.editions for loc in e.locales if loc != sources.book.source_locale})
    paths = [p for loc in locales if (p := layout.root / loc / "LC_MESSAGES" / sources.book.id).is_dir()]
    if not paths:
        return []
    stored = cache / "gate" / f"catalogues-{_qa_key(sources, paths)}.json" if cache is not None else None
    if stored is not None and stored.is_file():
        found = json.loads(stored.read_text(encoding="utf-8"))
    else:
        found = [{"path": str(Path(r.path).resolve()), "line": r.line, "check": r.finding.check,
                  "message": r.finding.message}
                 for r in run(paths, sources.root.parent) if r.finding.severity == "error"]
        if stored is not None:
            from .. import atomic

            stored.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_bytes(stored, json.dumps(found, ensure_ascii=False, indent=1).encode("utf-8"))
    return [_err(Location(relpath(Path(f["path"])), f["line"]), f"catalog check [{f['check']}]: {f['message']}",
                 "gate.catalog") for f in found]


def _qa_key(sources: Sources, paths: list[Path]) -> str:
    import hashlib

    from .. import __version__
    from ..project import find_file

    h = hashlib.sha256(__version__.encode())
    code = Path(__file__).resolve().parent.parent / "catalogs"
    project_file = find_file(sources.root)
    files = [*(p for folder in paths for p in sorted(folder.rglob("*.po"))), sources.root / "book.yaml",
             *([sources.root / sources.book.glossary] if sources.book.glossary else []),
             *([project_file] if project_file else []), *sorted(code.glob("*.py"))]
    for path in files:
        data = path.read_bytes() if path.is_file() else b""
        h.update(f"{path.resolve()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:32]


def coverage(sources: Sources, edition_id: str, percent: float, layout: Layout | None = None) -> list[Problem]:
    """Below the edition's threshold: the edition's line, then each untranslated or fuzzy message (its
    .po file and line, its source file and line) and the commands to run."""
    i, edition = next((i, e) for i, e in enumerate(sources.book.editions) if e.id == edition_id)
    if percent + 1e-9 >= edition.min_coverage:
        return []
    where = sources.documents["book"].locate(("editions", i))
    out = [_err(where, f"edition {edition_id}: translation coverage {percent:.2f}% is below its threshold "
                f"{edition.min_coverage:g}% (min_coverage)", "gate.coverage")]
    if layout is not None:
        from ..catalogs.stats import missing

        out += [_err(p.location, p.message, "gate.coverage") for p in missing(sources, layout, edition.locales)]
    return out


def validators(path: Path, reports: dict[str, dict[str, Any]]) -> list[Problem]:
    out = []
    for tool, report in reports.items():
        for message in report.get("messages", []):
            out.append(_err(relpath(path), f"{tool}: {message}", "gate.validator"))
    return out


def licences(sources: Sources, exclude: tuple[str, ...]) -> list[Problem]:
    """What the profiles' licences allow (:mod:`publish.licences`): ND, no translated or bilingual edition
    of that profile; SA, the edition's own licence the same; NC, no price on any format."""
    from ..licences import LICENCES, compatible

    book = sources.book
    book_yaml = sources.documents["book"]
    out = []
    for profile in sources.profiles:
        spdx = profile.rights.licence
        if spdx is None or profile.id in exclude:
            continue
        lic = LICENCES[spdx]
        where = sources.locate(profile.id, ("rights", "licence"))
        for i, edition in enumerate(book.editions):
            translated = [loc for loc in edition.locales if loc != book.source_locale]
            if lic.nd and translated:
                out.append(_err(where, f"profile {profile.id} is {lic.short} (no derivatives): edition {edition.id} "
                                f"would translate it into {', '.join(translated)} (leave it out with --exclude "
                                f"{profile.id}, or clear the translation rights)", "gate.licence"))
            own = book.licence_of(edition)
            if lic.sa and not compatible(lic, LICENCES.get(own) if own else None):
                field = ("editions", i, "licence") if edition.licence else ("licence",) if book.licence else \
                    ("editions", i)
                out.append(_err(book_yaml.locate(field), f"edition {edition.id}: profile {profile.id} is "
                                f"{lic.short} (share-alike), so the edition must be {lic.spdx} too, not "
                                f"{own or 'unlicensed'}", "gate.licence"))
            if lic.nc:
                for fmt in edition.prices:
                    if edition.prices[fmt]:
                        out.append(_err(book_yaml.locate(("editions", i, "prices", fmt)),
                                        f"edition {edition.id}: the {fmt} format is priced, but profile "
                                        f"{profile.id} is {lic.short} (non-commercial)", "gate.licence"))
    return out


def copyright_year(sources: Sources, edition_id: str, when: datetime) -> list[Problem]:
    """One year everywhere: the copyright page's © year is the year of the edition's date (``dc:date``,
    ONIX PublishingDate), or the bundle would state two years for one publication."""
    year = sources.book.copyright.year
    if int(year) == when.year:
        return []
    where = sources.documents["book"].locate(("copyright", "year"))
    return [_err(where, f"edition {edition_id}: the copyright page says © {year}, but the edition is dated "
                 f"{when:%Y-%m-%d} (dc:date, ONIX PublishingDate): set copyright.year to {when.year}",
                 "gate.year")]


def no_cover_wrap(sources: Sources, edition_id: str) -> list[Problem]:
    i = next(i for i, e in enumerate(sources.book.editions) if e.id == edition_id)
    return [_err(sources.documents["book"].locate(("editions", i)),
                 f"edition {edition_id}: no cover wrap was built for its print file", "gate.preflight")]
