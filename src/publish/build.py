"""``publish build``: the pipeline from sources to the edition files, stage by stage.

load and validate the sources → compile and load the catalogues of each edition → localised HTML
(Jinja2) → glyph-coverage gate → PDFs (WeasyPrint), one job per edition × format, in parallel when
asked. Outputs go to ``build/<book>/<edition>/<book>-<edition>.<print.pdf|pdf>``, each written
atomically.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .edition import Prepared, check_catalogues, edition_date, prepare, select, without
from .errors import Location, Problem, RenderError, Severity, relpath
from .progress import Reporter
from .workers import place, scratch_folder, workers

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
class Job:
    """One layout of an edition (its digital HTML, with the cover): the digital PDF written to ``target``,
    the print PDF derived from it to ``print_target``, where each print page begins noted (the EPUB's
    page-list); with neither target, the layout only."""

    edition: str
    html: str
    css: str
    target: Path | None
    print_target: Path | None
    when: datetime
    fmt: str = "pdf"


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


def _render(job: Job, trim, base: Path, roots: list[Path], theme: Theme, printer: str = "generic"):  # type: ignore[no-untyped-def] # noqa: ANN001
    from .prepress.profiles import profile
    from .render.pdf import FORMATS, render_pdf

    return render_pdf(job.html, job.target, FORMATS[job.fmt], trim=trim, extra_css=job.css, roots=roots, theme=theme,
                      base=base, modified=job.when, page_map=True, print_target=job.print_target,
                      printer=profile(printer))


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
    _render_missing(project, sources, theme, [p for p in plans if p.missing], options, report)
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


def _render_missing(project: Project, sources: Sources, theme: Theme, plans: list[_Plan], options: BuildOptions,
                    report: Reporter) -> None:
    """Render what the cache lacks, every edition's jobs in one pool, and store each edition's files."""
    if not plans:
        return
    jobs_list: list[Job] = []
    part_jobs: list[Any] = []
    derived: list[tuple[str, Path, Path]] = []
    prepared: dict[str, Prepared] = {}
    with scratch_folder(project) as tmp:
        for plan in plans:
            edition = plan.edition
            p = prepared[edition.id] = prepare(project, sources, edition, theme, draft=options.draft, when=plan.when)
            for problem in p.problems:  # a broken interface label, shown in the source language
                report.note(problem.format())
            report.step(edition.id, "localised", f"translation coverage {p.coverage.percent:.2f}%")
            folder = Path(tmp) / edition.id
            printed = folder / "print" if "print" in plan.missing else None
            starts_wanted = "epub" in plan.missing and plan.cached_starts() is None
            if printed is not None and plan.has_pdf() and not starts_wanted:
                derived.append((edition.id, plan.entry.file("pdf"), printed))   # no layout: from the cached PDF
                continue
            # the print file is derived from the digital one: that is written (and cached) with it
            pdf = folder / "pdf" if "pdf" in plan.missing or printed is not None else None
            if pdf or starts_wanted:
                part_job = _parts(p, sources, theme, pdf, printed, folder)
                if part_job is not None:
                    part_jobs.append(part_job)   # laid out in parts (publish.render.partbuild)
                else:
                    jobs_list.append(Job(edition.id, p.html, p.css, pdf, printed, p.when))
        root_dir = sources.root.resolve()
        args = (sources.book.trim, root_dir, [root_dir], theme, sources.book.printer.profile)
        layouts: dict[str, tuple] = {p.edition.id: s for p in plans if (s := p.cached_starts()) is not None}
        pages: dict[tuple[str, str], int] = {}
        left = Counter(job.edition for job in jobs_list)
        left.update(job.name for job in part_jobs)

        def collected(edition: str | None) -> None:
            """Each edition is finished and stored as soon as its last file is rendered (the others go on)."""
            if edition is not None:
                left[edition] -= 1
            for plan in plans:
                if left[plan.edition.id] == 0:
                    left[plan.edition.id] = -1
                    _finish(project, sources, theme, plan, prepared[plan.edition.id], Path(tmp), layouts, pages,
                            options, report)

        for edition_id, digital, target in derived:   # before the jobs: these editions wait for nothing else
            pages[(edition_id, "print")] = _derive(digital, target, sources.book.printer.profile)
            report.step(edition_id, "print.pdf derived", f"{pages[(edition_id, 'print')]} pages, from the cached PDF")
        errors = _run_jobs(jobs_list, args, options.jobs, report, layouts, pages, collected,
                           part_jobs=part_jobs, cache=project.cache)
        if errors:
            raise RenderError(errors)


def _parts(p: Prepared, sources: Sources, theme: Theme, pdf: Path | None, printed: Path | None,
           folder: Path) -> Any:  # noqa: ANN401
    """With ``PUBLISH_PARTS=on``, the edition ``p`` laid out as independent parts (the digital PDF to ``pdf``,
    the print one derived to ``printed``, the page map); None (one layout) otherwise or when it cannot be
    split. Not the default yet: each part embeds its own font subsets (3–7× larger PDFs) until the assembly
    merges them; bench/scale compares the two paths in one run."""
    from .prepress.profiles import profile
    from .render import partbuild
    from .render.pdf import FORMATS

    if os.environ.get("PUBLISH_PARTS", "").lower() != "on":
        return None
    root = sources.root.resolve()
    setup = partbuild.Setup(FORMATS["pdf"], sources.book.trim, p.css, (root,), root, theme,
                            partbuild.layout_digest(sources, theme))
    return partbuild.edition_job(p.edition.id, p.html, setup, p.when, pdf or folder / "layout.pdf",
                                 print_target=printed, printer=profile(sources.book.printer.profile),
                                 digital_wanted=pdf is not None)


def _finish(project: Project, sources: Sources, theme: Theme, plan: _Plan, p: Prepared, tmp: Path,
            layouts: dict[str, tuple], pages: dict[tuple[str, str], int], options: BuildOptions,
            report: Reporter) -> None:
    """One edition's EPUB and cover wrap, then its files stored in the edition cache."""
    from .release import cache as cache_mod

    edition = plan.edition
    built = [f for f in PDF_FORMATS if (edition.id, f) in pages]   # with a print file, its digital source
    files = {fmt: tmp / edition.id / fmt for fmt in built}
    if "epub" in plan.missing:
        files["epub"] = tmp / edition.id / "epub"
        _epub(sources, p, layouts[edition.id], files["epub"], cache=project.cache, theme=theme, draft=options.draft)
        report.step(edition.id, "EPUB written")
    counts = {f: pages[(edition.id, f)] for f in built}
    result: dict[str, Any] = {"pages": counts, "coverage": p.coverage.percent, "when": p.when.isoformat()}
    if "print" in plan.missing:   # the cover wrap, its spine from the interior's real page count
        files["cover"] = tmp / edition.id / "cover"
        spine = _cover_wrap(sources, p, files["cover"], pages[(edition.id, "print")], theme=theme,
                            draft=options.draft)
        counts["cover"] = 1
        result["spine_mm"] = spine
        report.step(edition.id, "cover wrap rendered", f"spine {spine:.2f} mm for {pages[(edition.id, 'print')]} pages")
    if edition.id in layouts:   # where each print page begins (laid out in this run, or as cached)
        result["starts"] = [[s.page, list(s.path), s.offset] if s else None for s in layouts[edition.id]]
    cache_mod.store(project.cache, plan.key, files, result)
    if options.stored is not None:
        options.stored(edition.id, plan.key)


def _run_jobs(jobs_list: list[Job], args: tuple, jobs: int, report: Reporter,  # type: ignore[type-arg]
              layouts: dict[str, tuple], pages: dict[tuple[str, str], int],  # type: ignore[type-arg]
              collected: Callable[[str | None], None], *, part_jobs: list[Any] = (),  # type: ignore[assignment]
              cache: Path | None = None) -> list[Problem]:
    """Render every job (``collected`` is called once all are submitted, then with each job's edition as its
    file is in) and every edition laid out in parts (:mod:`publish.render.partbuild`, in the same pool); the
    problems of the jobs that failed."""
    from .render import partbuild

    errors: list[Problem] = []
    folders = {t.parent for job in jobs_list for t in (job.target, job.print_target) if t is not None}
    folders |= {job.target.parent for job in part_jobs}
    with workers(jobs if len(jobs_list) + 2 * len(part_jobs) > 1 else 1, folders) as pool:
        pending = [(job, pool.submit(_render, job, *args) if pool else None) for job in jobs_list]
        collected(None)
        if part_jobs:
            try:
                for part_job in partbuild.run(part_jobs, cache or Path("."), pool):
                    name, done = part_job.name, part_job.done
                    assert done is not None
                    layouts[name] = done.starts
                    if part_job.digital_wanted:
                        pages[(name, "pdf")] = done.pages
                        report.step(name, "pdf rendered", f"{done.pages} pages, in {len(part_job.parts)} parts "
                                    f"({len(part_job.relaid)} laid out)")
                    if done.printed is not None:
                        pages[(name, "print")] = done.printed
                        report.step(name, "print.pdf derived", f"{done.printed} pages, the same layout")
                    collected(name)
            except RenderError as exc:
                errors += exc.problems
        for job, future in pending:
            try:
                result = future.result() if future else _render(job, *args)
            except RenderError as exc:
                errors += exc.problems
                continue
            except OSError as exc:  # disk full, read-only or forbidden output: name the file
                raise RenderError(f"cannot write: {exc.strerror}",
                                  Location(relpath(exc.filename or job.target or "."))) from exc
            layouts[job.edition] = result.starts
            if job.target is not None:
                pages[(job.edition, "pdf")] = result.pages
                report.step(job.edition, f"{_suffix('pdf')} rendered", f"{result.pages} pages")
            if job.print_target is not None:
                pages[(job.edition, "print")] = result.printed
                report.step(job.edition, f"{_suffix('print')} derived", f"{result.printed} pages, the same layout")
            if job.target is None and job.print_target is None:
                report.step(job.edition, "layout (for the EPUB page-list)", f"{result.pages} pages")
            collected(job.edition)
    return errors


def _derive(digital: Path, target: Path, printer: str) -> int:
    """The print file derived from an edition's digital PDF (the cached one: no layout at all)."""
    from .prepress.derive import derive_print
    from .prepress.profiles import profile

    return derive_print(digital, target, profile(printer)).pages


def _cover_wrap(sources: Sources, p: Prepared, target: Path, pages: int, *, theme: Theme, draft: bool) -> float:
    """Write the print edition's cover wrap to ``target``; its spine width (mm)."""
    from .prepress.coverwrap import write_cover_wrap
    from .vocab import bcp47

    geo = write_cover_wrap(target, view=p.view, lang=bcp47(p.edition.locales[0]), isbn=p.edition.isbn.get("print", ""),
                           printer=sources.book.printer, pages=pages, trim=sources.book.trim, fonts_css=p.css,
                           latin_font=p.fonts.latin, roots=[sources.root.resolve()], base=sources.root.resolve(),
                           when=p.when, draft=draft, theme=theme)
    return geo.spine


def _target(out: Path, sources: Sources, edition: Edition, fmt: str, profile: str | None = None) -> Path:
    stem = f"{sources.book.id}-{edition.id}" + (f"-{profile}" if profile else "")
    return out / sources.book.id / edition.id / f"{stem}.{'cover.pdf' if fmt == 'cover' else _suffix(fmt)}"


def _epub(sources: Sources, p: Prepared, starts: tuple, target: Path, *, cache: Path, theme: Theme,
          draft: bool) -> None:
    from .render.epub import write_epub
    from .render.epubparts import make_parts

    parts, meta = make_parts(sources, p.edition, html=p.html, view=p.view, fonts=p.fonts, starts=starts,
                             cache=cache, draft=draft, when=p.when, theme=theme)
    write_epub(parts, meta, target)


def _suffix(fmt: str) -> str:
    from .vocab import SUFFIXES

    if fmt not in SUFFIXES:
        raise RenderError([Problem(Location("publish build"), Severity.ERROR,
                                   f"unknown format '{fmt}' (known: {', '.join(ALL_FORMATS)})")])
    return SUFFIXES[fmt]
