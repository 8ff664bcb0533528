"""What a build renders, as tasks with their dependencies in one pool for every edition of the build.

Each edition: its preparation (localisation, templates, glyph gate: here, in the parent, while the first
layouts run) → its layout and digital PDF/UA → the print PDF/X-4 derived from that file → the cover wrap
(its spine from the print page count); the EPUB as soon as the layout says where each print page begins.
Editions start longest first (a cost estimate: its languages, then its HTML's size), the short tasks that
finish an edition before any new layout; the parent only coordinates and stores each edition in the
cache once its last file is in (and every edition is prepared: a refused edition stores nothing).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .edition import Prepared, prepare
from .errors import Location, Problem, RenderError, relpath
from .progress import Reporter
from .workers import Tasks, scratch_folder, workers

if TYPE_CHECKING:
    from .build import BuildOptions, _Plan
    from .project import Project
    from .sources import Sources
    from .theme import Theme

FINISH, LAYOUT = 0, 1
"""Task priorities: what finishes a laid-out edition first, then the next layout."""


@dataclass(frozen=True)
class Job:
    """One layout of an edition (its digital HTML, with the cover): the digital PDF written to ``target``
    (with neither target, the layout only: where each print page begins, for the EPUB's page-list)."""

    edition: str
    html: str
    css: str
    target: Path | None
    print_target: Path | None
    when: datetime
    fmt: str = "pdf"


def _render(job: Job, trim, base: Path, roots: list[Path], theme: Theme, printer: str = "generic"):  # type: ignore[no-untyped-def] # noqa: ANN001
    from .prepress.profiles import profile
    from .render.pdf import FORMATS, render_pdf

    return render_pdf(job.html, job.target, FORMATS[job.fmt], trim=trim, extra_css=job.css, roots=roots, theme=theme,
                      base=base, modified=job.when, page_map=True, print_target=job.print_target,
                      printer=profile(printer))


def _derive(digital: Path, target: Path, printer: str, cover: int | None = None) -> int:
    """The print file derived from an edition's digital PDF (``cover`` pages before the half-title; None:
    found in the file, as for a cached PDF)."""
    from .prepress.derive import derive_print
    from .prepress.profiles import profile

    return derive_print(digital, target, profile(printer), cover_pages=cover).pages


def _cover_wrap(sources: Sources, p: Prepared, target: Path, pages: int, theme: Theme, draft: bool,
                cache: Path | None = None) -> float:
    """Write the print edition's cover wrap to ``target`` (from ``cache`` when made before); its spine width (mm)."""
    from .prepress.coverwrap import write_cover_wrap
    from .render.partbuild import layout_digest
    from .vocab import bcp47

    geo = write_cover_wrap(target, view=p.view, lang=bcp47(p.edition.locales[0]), isbn=p.edition.isbn.get("print", ""),
                           printer=sources.book.printer, pages=pages, trim=sources.book.trim, fonts_css=p.css,
                           latin_font=p.fonts.latin, roots=[sources.root.resolve()], base=sources.root.resolve(),
                           when=p.when, draft=draft, theme=theme, cache=cache,
                           digest=layout_digest(sources, theme) if cache is not None else "")
    return geo.spine


def _epub(sources: Sources, p: Prepared, starts: tuple, target: Path, cache: Path, theme: Theme,  # type: ignore[type-arg]
          draft: bool) -> None:
    from .render.epub import write_epub
    from .render.epubparts import make_parts

    parts, meta = make_parts(sources, p.edition, html=p.html, view=p.view, fonts=p.fonts, starts=starts,
                             cache=cache, draft=draft, when=p.when, theme=theme)
    write_epub(parts, meta, target)


def _engine() -> None:
    """Import what the tasks run before the workers are forked (each would import it again)."""
    from .prepress import coverwrap, derive  # noqa: F401
    from .render import epub, epubparts, pdf  # noqa: F401


def cost(plan: _Plan) -> int:
    """How long an edition's layout is expected to take, relatively: its languages (a bilingual edition
    prints the text twice)."""
    return len(plan.edition.locales)


@dataclass
class _Edition:
    plan: _Plan
    p: Prepared
    folder: Path
    rank: int
    pages: dict[str, int] = field(default_factory=dict)
    starts: tuple | None = None  # type: ignore[type-arg]
    spine: float | None = None
    pending: int = 0
    failed: bool = False
    stored: bool = False


class _Run:
    """The tasks of one build and what they have brought back."""

    def __init__(self, project: Project, sources: Sources, theme: Theme, options: BuildOptions, report: Reporter,
                 tmp: Path, tasks: Tasks) -> None:
        self.project, self.sources, self.theme, self.options, self.report = project, sources, theme, options, report
        self.tmp, self.tasks = tmp, tasks
        root = sources.root.resolve()
        self.args = (sources.book.trim, root, [root], theme, sources.book.printer.profile)
        self.editions: list[_Edition] = []
        self.errors: list[Problem] = []
        self.prepared = False

    def start(self, plan: _Plan, rank: int) -> None:
        """Prepare one edition and add its first tasks."""
        edition = plan.edition
        p = prepare(self.project, self.sources, edition, self.theme, draft=self.options.draft, when=plan.when)
        for problem in p.problems:  # a broken interface label, shown in the source language
            self.report.note(problem.format())
        self.report.step(edition.id, "localised", f"translation coverage {p.coverage.percent:.2f}%")
        e = _Edition(plan, p, self.tmp / edition.id, rank, starts=plan.cached_starts())
        self.editions.append(e)
        printed = e.folder / "print" if "print" in plan.missing else None
        starts_wanted = "epub" in plan.missing and e.starts is None
        if printed is not None and plan.has_pdf() and not starts_wanted:   # no layout: from the cached PDF
            self._add(e, FINISH, _derive, plan.entry.file("pdf"), printed, self.sources.book.printer.profile,
                      then=lambda pages: self._derived(e, pages, "from the cached PDF"))
            if "epub" in plan.missing:
                self._add_epub(e)
            return
        # the print file is derived from the digital one: that is written (and cached) with it
        pdf = e.folder / "pdf" if "pdf" in plan.missing or printed is not None else None
        if pdf is None and not starts_wanted:
            if "epub" in plan.missing:
                self._add_epub(e)   # the page-list from the cached layout
            self._finished(e)
            return
        split = in_parts(self.project, len(self.sources.profiles), len(edition.locales))
        part_job = _parts(p, self.sources, self.theme, pdf, printed, e.folder, split)
        if part_job is not None:   # laid out in parts (publish.render.partbuild), in the same pool
            from .render import partbuild

            e.pending += 1
            partbuild.add(part_job, self.project.cache, self.tasks, rank=e.rank,
                          then=lambda job: self.parts_done(e, job), failed=self._failed(e))
            return
        job = Job(edition.id, p.html, p.css, pdf, None, p.when)
        self._add(e, LAYOUT, _render, job, *self.args, then=lambda result: self._laid_out(e, result))

    def _add(self, e: _Edition, priority: int, fn: Callable[..., Any], *args: Any,  # noqa: ANN401
             then: Callable[[Any], None]) -> None:
        e.pending += 1

        def done(result: Any) -> None:  # noqa: ANN401
            e.pending -= 1
            then(result)
            self._finished(e)

        self.tasks.add((priority, e.rank), fn, *args, then=done, failed=self._failed(e))

    def _failed(self, e: _Edition) -> Callable[[Exception], None]:
        """What a failed task of ``e`` does: its problems noted (the other editions go on), the edition
        never stored; a file that cannot be written stops the build, named."""
        def failed(exc: Exception) -> None:
            e.failed = True
            if isinstance(exc, OSError):   # disk full, read-only or forbidden output: name the file
                raise RenderError(f"cannot write: {exc.strerror}", Location(relpath(exc.filename or e.folder))) \
                    from exc
            if not isinstance(exc, RenderError):
                raise exc
            self.errors += exc.problems

        return failed

    def _laid_out(self, e: _Edition, result: Any) -> None:  # noqa: ANN401 - a publish.render.pdf.Rendered
        edition, missing = e.plan.edition.id, e.plan.missing
        e.starts = result.starts
        if "pdf" in missing or "print" in missing:
            e.pages["pdf"] = result.pages
            self.report.step(edition, "pdf rendered", f"{result.pages} pages")
        else:
            self.report.step(edition, "layout (for the EPUB page-list)", f"{result.pages} pages")
        if "print" in missing:   # the pages before the half-title are those the page map leaves out
            self._add(e, FINISH, _derive, e.folder / "pdf", e.folder / "print", self.sources.book.printer.profile,
                      result.pages - len(result.starts), then=lambda pages: self._derived(e, pages, "the same layout"))
        if "epub" in missing:
            self._add_epub(e)

    def _derived(self, e: _Edition, pages: int, how: str) -> None:
        e.pages["print"] = pages
        self.report.step(e.plan.edition.id, "print.pdf derived", f"{pages} pages, {how}")
        self._add(e, FINISH, _cover_wrap, self.sources, e.p, e.folder / "cover", pages, self.theme, self.options.draft,
                  self.project.cache, then=lambda spine: self._wrapped(e, spine))

    def _wrapped(self, e: _Edition, spine: float) -> None:
        e.spine = spine
        self.report.step(e.plan.edition.id, "cover wrap rendered", f"spine {spine:.2f} mm for {e.pages['print']} pages")

    def _add_epub(self, e: _Edition) -> None:
        assert e.starts is not None
        self._add(e, FINISH, _epub, self.sources, e.p, e.starts, e.folder / "epub", self.project.cache, self.theme,
                  self.options.draft, then=lambda _: self.report.step(e.plan.edition.id, "EPUB written"))

    def parts_done(self, e: _Edition, job: Any) -> None:  # noqa: ANN401 - a publish.render.partbuild.EditionJob
        done = job.done
        e.pending -= 1
        e.starts = done.starts
        if job.digital_wanted:
            e.pages["pdf"] = done.pages
            self.report.step(job.name, "pdf rendered", f"{done.pages} pages, in {len(job.parts)} parts "
                             f"({len(job.relaid)} laid out)")
        if done.printed is not None:
            self._derived(e, done.printed, "the same layout")
        if "epub" in e.plan.missing:
            self._add_epub(e)
        self._finished(e)

    def _finished(self, e: _Edition) -> None:
        """Store the edition once its last file is in (and every edition is prepared)."""
        if e.pending or e.failed or e.stored or not self.prepared:
            return
        from .release import cache as cache_mod

        e.stored = True
        files = {fmt: e.folder / fmt for fmt in e.pages}   # with a print file, its digital source
        counts = dict(e.pages)
        result: dict[str, Any] = {"pages": counts, "coverage": e.p.coverage.percent, "when": e.p.when.isoformat()}
        if "epub" in e.plan.missing:
            files["epub"] = e.folder / "epub"
        if e.spine is not None:   # the cover wrap, its spine from the interior's real page count
            files["cover"] = e.folder / "cover"
            counts["cover"] = 1
            result["spine_mm"] = e.spine
        if e.starts is not None:   # where each print page begins (laid out in this run, or as cached)
            result["starts"] = [[s.page, list(s.path), s.offset] if s else None for s in e.starts]
        cache_mod.store(self.project.cache, e.plan.key, files, result)
        if self.options.stored is not None:
            self.options.stored(e.plan.edition.id, e.plan.key)

    def all_prepared(self) -> None:
        self.prepared = True
        for e in self.editions:
            self._finished(e)


def render_missing(project: Project, sources: Sources, theme: Theme, plans: list[_Plan], options: BuildOptions,
                   report: Reporter) -> None:
    """Render what the cache lacks, every edition's tasks in one pool, and store each edition's files."""
    if not plans:
        return
    order = sorted(plans, key=cost, reverse=True)   # the longest first (stable: else in the book's order)
    with scratch_folder(project) as tmp:
        folders = {Path(tmp) / plan.edition.id for plan in plans}
        # one edition laid out whole: its tasks wait for one another (a pool would only add its cost)
        jobs = options.jobs if len(plans) > 1 or in_parts(project, len(sources.profiles),
                                                          len(plans[0].edition.locales)) else 1
        if jobs > 1:
            _engine()
        with workers(jobs, folders) as pool:
            run = _Run(project, sources, theme, options, report, Path(tmp), Tasks(pool, jobs))
            for rank, plan in enumerate(order):
                run.start(plan, rank)
                run.tasks.poll()   # the first layouts run while the next editions are prepared
            run.all_prepared()
            run.tasks.run()
    if run.errors:
        raise RenderError(run.errors)


def in_parts(project: Project, profiles: int, languages: int = 1) -> bool:
    """Whether an edition of ``profiles`` profiles printed in ``languages`` languages is laid out in parts: the
    project's ``parts`` setting (publish.toml ``[defaults]``; "auto": from :data:`publish.project.AUTO_PARTS`
    profiles' worth of text, a bilingual edition's profiles counting twice), unless ``PUBLISH_PARTS=on|off``
    says otherwise (bench/scale and the tests compare the two paths in one run). By the edition's size, never by
    the number of workers: the same sources give the same bytes at any ``--jobs``."""
    from .project import AUTO_PARTS

    forced = os.environ.get("PUBLISH_PARTS", "").lower()
    if forced in ("on", "off"):
        return forced == "on"
    return profiles * languages >= AUTO_PARTS if project.parts is None else project.parts


def _parts(p: Prepared, sources: Sources, theme: Theme, pdf: Path | None, printed: Path | None,
           folder: Path, enabled: bool) -> Any:  # noqa: ANN401
    """When ``enabled``, the edition ``p`` laid out as independent parts (the digital PDF to ``pdf``, the
    print one derived to ``printed``, the page map); None (one layout) otherwise or when it cannot be split."""
    from .prepress.profiles import profile
    from .render import partbuild
    from .render.pdf import FORMATS

    if not enabled:
        return None
    root = sources.root.resolve()
    setup = partbuild.Setup(FORMATS["pdf"], sources.book.trim, p.css, (root,), root, theme,
                            partbuild.layout_digest(sources, theme))
    return partbuild.edition_job(p.edition.id, p.html, setup, p.when, pdf or folder / "layout.pdf",
                                 print_target=printed, printer=profile(sources.book.printer.profile),
                                 digital_wanted=pdf is not None)
