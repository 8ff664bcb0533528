"""``publish build``: the pipeline from sources to the edition files, stage by stage.

load and validate the sources → compile and load the catalogues of each edition → localised HTML
(Jinja2) → glyph-coverage gate → PDFs (WeasyPrint) and EPUBs: the tasks of every edition in one pool
(:mod:`publish.schedule`). Outputs go to ``build/<book>/<edition>/<book>-<edition>.<print.pdf|pdf>``, each
written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .edition import Prepared, check_catalogues, edition_date, prepare, select, without  # noqa: F401 (Prepared, prepare: re-exported)
from .errors import Location, Problem, RenderError, Severity, relpath
from .progress import Reporter
from .schedule import render_missing
from .workers import place

if TYPE_CHECKING:   # the engine is imported when it runs: a no-op build answers before (release/stamp.py)
    from .model import Edition
    from .project import Project
    from .render.pagemap import PageStart
    from .sources import Sources
    from .theme import Theme

PDF_FORMATS = ("print", "pdf")
ALL_FORMATS = ("print", "pdf", "epub")


@dataclass(frozen=True)
class BuildOptions:
    """What one ``publish build`` is asked for (the project says where things are)."""

    editions: tuple[str, ...] = ()
    """Edition ids; empty: every edition of book.yaml."""
    formats: tuple[str, ...] = ALL_FORMATS
    jobs: int = 1
    draft: bool = False
    exclude: tuple[str, ...] = ()
    """Profiles left out."""
    out: Path | None = None
    """Output folder; default: the project's ``build`` folder."""
    profile: str | None = None
    """Only this profile, in the edition's real layout (files named ``<book>-<edition>-<profile>.*``)."""
    cache_only: bool = False
    """Build into the edition cache only (the release takes the files from there)."""
    stored: Callable[[str, str], None] | None = None
    """Called with an edition's id and cache key as soon as its files are stored (the release's validators)."""


@dataclass(frozen=True)
class Artifact:
    edition: str
    fmt: str
    path: Path
    pages: int
    coverage: float
    when: datetime

    def data(self) -> dict[str, Any]:
        return {"edition": self.edition, "fmt": self.fmt, "path": str(self.path), "pages": self.pages,
                "coverage": self.coverage, "when": self.when.isoformat()}


def build(project: Project, root: Path, options: BuildOptions = BuildOptions(), *,
          progress: Reporter | Callable[[str], None] | None = None) -> list[Artifact]:
    """Every edition × format asked for, from the project's edition cache or built and stored there, then
    placed under ``options.out`` (default: the project's build folder; with ``cache_only``, nowhere)."""
    from .release.stamp import Stamps, answered, build_options

    report = progress if isinstance(progress, Reporter) else _Lines(progress) if progress else Reporter()
    stamps, asked = Stamps(project, root), build_options(options)
    known = stamps.answer("build", asked)
    if known is not None:   # nothing changed since the last build with these options: not a file read
        return answered(project, known, report)
    artifacts, plans, extra = _build(project, root, options, report)
    stamps.record("build", asked, {"artifacts": [a.data() for a in artifacts], "keys": [p.key for p in plans],
                                   "done": [[p.edition.id, p.done] for p in plans]},
                  outputs=[a.path for a in artifacts], extra=extra)
    return artifacts


def _build(project: Project, root: Path, options: BuildOptions, report: Reporter) \
        -> tuple[list[Artifact], list[_Plan], list[Path]]:
    from .release import cache as cache_mod
    from .sources import load_book
    from .theme import resolve

    loaded = load_book(root, project.cache)
    sources = without(loaded, _excluded(loaded, options))
    chosen = select(sources, options.editions)
    theme = resolve(project, sources)
    for fmt in options.formats:
        _suffix(fmt)
    check_catalogues(sources, chosen, project.layout)
    shared = cache_mod.shared_digest(sources, theme)
    plans: list[_Plan] = []
    for edition in chosen:
        when = edition_date(project, sources, edition, theme)
        key = cache_mod.edition_key(shared, edition, project.layout, when=when, draft=options.draft,
                                    exclude=sources_excluded(sources, root), theme=theme, book_id=sources.book.id)
        entry = cache_mod.lookup(project.cache, key)
        missing = tuple(f for f in options.formats if entry is None or not entry.has([f]))
        plan = _Plan(edition, key, when, entry, missing)
        relayout = "epub" in missing and not set(PDF_FORMATS) & set(missing) and plan.cached_starts() is None
        also_pdf = "print" in missing and "pdf" not in missing and not plan.has_pdf()   # the print file's source
        report.begin(edition.id, 1 + (1 + len(missing) + relayout + also_pdf if missing else 0))
        plans.append(plan)
    render_missing(project, sources, theme, [p for p in plans if p.missing], options, report)
    artifacts = []
    for plan in plans:
        entry = cache_mod.lookup(project.cache, plan.key)
        assert entry is not None and entry.has(options.formats), plan.edition.id
        result = entry.result
        # each print file comes with its cover wrap ("cover": not a format of its own)
        for fmt in options.formats + (("cover",) if "print" in options.formats and entry.has(["cover"]) else ()):
            target = _target(options.out or project.build, sources, plan.edition, fmt, options.profile)
            if not options.cache_only:
                place(entry.file(fmt), target)
            artifacts.append(Artifact(plan.edition.id, fmt, entry.file(fmt) if options.cache_only else target,
                                      int(result["pages"].get(fmt, 0)), float(result["coverage"]), plan.when))
        detail = "unchanged, from the cache" if not plan.missing else f"{len(plan.missing)} file(s) built"
        plan.done = "" if options.cache_only else \
            f"; in {relpath((options.out or project.build) / sources.book.id / plan.edition.id)}"
        report.step(plan.edition.id, "done", detail + plan.done)
    cache_mod.evict(project.cache, keep=tuple(p.key for p in plans))
    return artifacts, plans, stamp_inputs(theme, [p.edition for p in plans])


def stamp_inputs(theme: Theme, editions: Iterable[Edition]) -> list[Path]:
    """The files outside the project a build reads (for its stamp): the theme's, the fonts', the native
    text libraries'."""
    from .release.stamp import native_libraries
    from .render.fonts import fontset

    return [*theme.files(), *native_libraries(),
            *(face.file()[0] for e in editions for face in fontset(e.locales, theme.fonts).faces())]


@dataclass
class _Plan:
    edition: Edition
    key: str
    when: datetime
    entry: Any
    missing: tuple[str, ...]
    done: str = ""

    def has_pdf(self) -> bool:
        """Whether the cache holds the edition's digital PDF (the print file can be derived from it)."""
        return self.entry is not None and self.entry.has(["pdf"])

    def cached_starts(self) -> tuple[PageStart | None, ...] | None:
        """Where each print page begins, as the cached print layout noted it (for the EPUB page-list)."""
        from .render.pagemap import PageStart

        if self.entry is None or "starts" not in self.entry.result:
            return None
        return tuple(PageStart(s[0], tuple(s[1]), s[2]) if s else None for s in self.entry.result["starts"])



class _Lines(Reporter):
    """A plain callable of text (the old progress interface) as a reporter."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit

    def step(self, edition: str, stage: str, detail: str = "") -> None:
        self.emit(f"{edition}: {stage}" + (f" ({detail})" if detail else ""))

    def note(self, text: str) -> None:
        self.emit(text)


def _excluded(sources: Sources, options: BuildOptions) -> tuple[str, ...]:
    """The profiles left out: ``exclude``, or every profile but ``profile``."""
    if options.profile is None:
        return options.exclude
    ids = [p.id for p in sources.profiles]
    if options.profile not in ids:
        raise RenderError(f"--profile {options.profile}: not a profile of this book (it has {', '.join(ids)})",
                          Location(relpath(sources.root / "book.yaml"), field="profiles"))
    return tuple(i for i in ids if i != options.profile)


def sources_excluded(sources: Sources, root: Path) -> tuple[str, ...]:
    """The profiles of book.yaml that ``sources`` (after :func:`without`) leaves out."""
    kept = {p.id for p in sources.profiles}
    return tuple(i for i in sources.book.profiles if i not in kept)


def _target(out: Path, sources: Sources, edition: Edition, fmt: str, profile: str | None = None) -> Path:
    stem = f"{sources.book.id}-{edition.id}" + (f"-{profile}" if profile else "")
    return out / sources.book.id / edition.id / f"{stem}.{'cover.pdf' if fmt == 'cover' else _suffix(fmt)}"


def _suffix(fmt: str) -> str:
    from .vocab import SUFFIXES

    if fmt not in SUFFIXES:
        raise RenderError([Problem(Location("publish build"), Severity.ERROR,
                                   f"unknown format '{fmt}' (known: {', '.join(ALL_FORMATS)})")])
    return SUFFIXES[fmt]
