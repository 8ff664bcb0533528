"""``publish build``: the pipeline from sources to the edition files, stage by stage.

load and validate the sources → compile and load the catalogues of each edition → localised HTML
(Jinja2) → glyph-coverage gate → PDFs (WeasyPrint), one job per edition × format, in parallel when
asked. Outputs go to ``build/<book>/<edition>/<book>-<edition>.<print.pdf|pdf>``, each written
atomically.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .catalogs.localize import Coverage, Localizer
from .errors import Location, Problem, RenderError, Severity, relpath
from .model import Edition
from .project import Project
from .render.fonts import FontSet
from .sources import Sources, load_book
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


@dataclass(frozen=True)
class Job:
    edition: str
    fmt: str
    html: str
    css: str
    target: Path | None
    """None: lay the print edition out for the EPUB's page-list only, write nothing."""
    when: datetime
    page_map: bool
    """Note where each page's text begins (the print layout, which the EPUB's page-list follows)."""


@dataclass(frozen=True)
class Artifact:
    edition: str
    fmt: str
    path: Path
    pages: int
    coverage: float
    when: datetime


def edition_date(project: Project, sources: Sources, edition: Edition, theme: Theme) -> datetime:
    """The build date of one edition: newest commit of the book, its theme and its own catalogues."""
    inputs = project.edition_inputs(sources.root, sources.book.id, edition.locales, sources.book.source_locale)
    return project.source_date(*inputs, *theme.files())


def select(sources: Sources, names: tuple[str, ...]) -> list[Edition]:
    known = {e.id: e for e in sources.book.editions}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RenderError(f"unknown edition(s) {', '.join(unknown)}; the book has {', '.join(known)}",
                          Location(str(sources.root / "book.yaml")))
    return [known[n] for n in names] if names else list(known.values())


def without(sources: Sources, exclude: tuple[str, ...]) -> Sources:
    """The book less the profiles the editor leaves out of this build or release."""
    from dataclasses import replace

    unknown = sorted(set(exclude) - {p.id for p in sources.profiles})
    if unknown:
        raise RenderError(f"cannot exclude {', '.join(unknown)}: not a profile of this book",
                          Location(str(sources.root / "book.yaml"), field="profiles"))
    if not exclude:
        return sources
    kept = tuple(p for p in sources.profiles if p.id not in exclude)
    if not kept:
        raise RenderError("every profile is excluded: nothing to publish", Location(str(sources.root / "book.yaml")))
    return replace(sources, profiles=kept)


def visible_text(html: str) -> str:
    """The text an edition prints (for the glyph gate): tags dropped, entities decoded."""
    body = html.split("<body", 1)[-1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


@dataclass
class Prepared:
    edition: Edition
    html: str
    css: str
    coverage: Coverage
    view: dict[str, Any]
    fonts: FontSet
    when: datetime


def prepare(project: Project, sources: Sources, edition: Edition, theme: Theme, *, draft: bool,
            when: datetime | None = None) -> Prepared:
    """Localise and template one edition, then run the glyph gate on it."""
    from .render.fonts import fontset, glyph_gate
    from .render.html import render_html

    layout = project.layout
    when = when or edition_date(project, sources, edition, theme)
    localizers = [Localizer.prepare(sources, loc, layout, project.cache) for loc in edition.locales]
    fonts = fontset(edition.locales, theme.fonts)
    result = render_html(sources, edition, localizers, project.cache, theme=theme, fmt="pdf", draft=draft,
                         build_date=when.date(), fonts=fonts.names())
    roots = [sources.root, *(layout.root / loc for loc in edition.locales if loc != sources.book.source_locale)]
    glyph_gate({edition.id: visible_text(result.html)}, fonts.faces(), edition.id, roots)
    return Prepared(edition, result.html, fonts.css(), localizers[0].coverage, result.view, fonts, when)


def _render(job: Job, trim, base: Path, roots: list[Path], theme: Theme):  # type: ignore[no-untyped-def] # noqa: ANN001
    from .render.pdf import FORMATS, render_pdf

    fmt = FORMATS[job.fmt]
    return render_pdf(job.html, job.target, fmt, trim=trim, extra_css=job.css, roots=roots, theme=theme,
                      base=base, modified=job.when, page_map=job.page_map)


def build(project: Project, root: Path, options: BuildOptions = BuildOptions(), *,
          progress: Callable[[str], None] = lambda s: None) -> list[Artifact]:
    """Every edition × format asked for, written under ``options.out`` (default: the project's build folder)."""
    from .theme import resolve

    sources = without(load_book(root), options.exclude)
    chosen = select(sources, options.editions)
    theme = resolve(project, sources)
    out = options.out or project.build
    formats = options.formats
    jobs_list: list[Job] = []
    prepared: dict[str, Prepared] = {}
    for fmt in formats:
        _suffix(fmt)
    for edition in chosen:
        # one localised HTML per edition: the formats differ only in their page and colour CSS
        p = prepared[edition.id] = prepare(project, sources, edition, theme, draft=options.draft)
        for fmt in formats:
            if fmt != "epub":
                jobs_list.append(Job(edition.id, fmt, p.html, p.css, _target(out, sources, edition, fmt), p.when,
                                     page_map=fmt == "print"))
        if "epub" in formats and "print" not in formats:
            jobs_list.append(Job(edition.id, "print", p.html, p.css, None, p.when, page_map=True))
        progress(f"{edition.id}: HTML ready, translation coverage {p.coverage.percent:.2f}%")
    args = (sources.book.trim, sources.root.resolve(), [sources.root.resolve()], theme)
    artifacts: list[Artifact] = []
    errors: list[Problem] = []
    layouts: dict[str, tuple] = {}
    jobs = options.jobs
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and len(jobs_list) > 1 else nullcontext() as pool:
        pending = [(job, pool.submit(_render, job, *args) if pool else None) for job in jobs_list]
        for job, future in pending:
            try:
                result = future.result() if future else _render(job, *args)
            except RenderError as exc:
                errors += exc.problems
                continue
            if job.page_map:
                layouts[job.edition] = result.starts
            if job.target is not None:
                p = prepared[job.edition]
                artifacts.append(Artifact(job.edition, job.fmt, job.target, result.pages, p.coverage.percent, p.when))
                progress(f"wrote {relpath(job.target)} ({result.pages} pages)")
    if errors:
        raise RenderError(errors)
    if "epub" in formats:
        for edition in chosen:
            p = prepared[edition.id]
            target = _target(out, sources, edition, "epub")
            _epub(sources, p, layouts[edition.id], target, cache=project.cache, theme=theme, draft=options.draft)
            artifacts.append(Artifact(edition.id, "epub", target, 0, p.coverage.percent, p.when))
            progress(f"wrote {relpath(target)}")
    return artifacts


def _target(out: Path, sources: Sources, edition: Edition, fmt: str) -> Path:
    return out / sources.book.id / edition.id / f"{sources.book.id}-{edition.id}.{_suffix(fmt)}"


def _epub(sources: Sources, p: Prepared, starts: tuple, target: Path, *, cache: Path, theme: Theme,
          draft: bool) -> None:
    from .render.epub import write_epub
    from .render.epubparts import make_parts

    parts, meta = make_parts(sources, p.edition, html=p.html, view=p.view, fonts=p.fonts, starts=starts,
                             cache=cache, draft=draft, when=p.when, theme=theme)
    write_epub(parts, meta, target)


def _suffix(fmt: str) -> str:
    from .render.pdf import FORMATS

    if fmt == "epub":
        return "epub"
    if fmt not in FORMATS:
        raise RenderError([Problem(Location("publish build"), Severity.ERROR,
                                   f"unknown format '{fmt}' (known: {', '.join(ALL_FORMATS)})")])
    return FORMATS[fmt].suffix
