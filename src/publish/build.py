"""``publish build``: the pipeline from sources to the edition files, stage by stage.

load and validate the sources → compile and load the catalogues of each edition → localised HTML
(Jinja2) → glyph-coverage gate → PDFs (WeasyPrint), one job per edition × format, in parallel when
asked. Outputs go to ``build/<book>/<edition>/<book>-<edition>.<print.pdf|pdf>``, each written
atomically.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import atomic
from .catalogs.extract import Layout
from .catalogs.localize import Coverage, Localizer
from .errors import CatalogError, Location, Problem, RenderError, Severity, relpath
from .model import Edition
from .render.fonts import FontSet
from .sources import Sources, load_book

PDF_FORMATS = ("print", "pdf")
ALL_FORMATS = ("print", "pdf", "epub")


@dataclass(frozen=True)
class Job:
    edition: str
    fmt: str
    html: str
    css: str
    target: Path | None   # None: lay the print edition out for the EPUB's page-list, write nothing


@dataclass(frozen=True)
class Artifact:
    edition: str
    fmt: str
    path: Path
    pages: int
    coverage: float


def source_date(root: Path, *inputs: Path) -> datetime:
    """SOURCE_DATE_EPOCH, else the newest commit touching the book or the other inputs, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct", "--", str(root), *map(str, inputs)],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        if out.isdigit():
            return datetime.fromtimestamp(int(out), UTC)
    except (OSError, subprocess.SubprocessError):
        pass
    return datetime.now(UTC).replace(microsecond=0)


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


def prepare(sources: Sources, edition: Edition, *, layout: Layout, cache: Path, when: datetime,
            draft: bool, fmt: str) -> Prepared:
    """Localise and template one edition, then run the glyph gate on it."""
    from .render.fonts import fontset, glyph_gate
    from .render.html import render_html

    localizers = [Localizer.prepare(sources, loc, layout, cache) for loc in edition.locales]
    fonts = fontset(edition.locales)
    result = render_html(sources, edition, localizers, cache, fmt=fmt, draft=draft, build_date=when.date(),
                         fonts=fonts.names())
    roots = [sources.root, *(layout.root / loc for loc in edition.locales if loc != sources.book.source_locale)]
    glyph_gate({edition.id: visible_text(result.html)}, fonts.faces(), edition.id, roots)
    return Prepared(edition, result.html, fonts.css(), localizers[0].coverage, result.view, fonts)


def _render(job: Job, trim, base: Path, roots: list[Path], when: datetime):  # type: ignore[no-untyped-def] # noqa: ANN001
    from .render.pdf import FORMATS, render_pdf

    fmt = FORMATS["print" if job.fmt == "layout" else job.fmt]
    return render_pdf(job.html, job.target, fmt, trim=trim, extra_css=job.css, roots=roots,
                      base=base, modified=when, page_map=job.fmt in ("print", "layout"))


def build(root: Path, *, editions: tuple[str, ...] = (), formats: tuple[str, ...] = ALL_FORMATS, jobs: int = 1,
          draft: bool = False, out: Path = Path("build"), locales: Path = Path("locales"),
          cache: Path = Path(".publish-cache"), progress: Callable[[str], None] = lambda s: None,
          when: datetime | None = None, exclude: tuple[str, ...] = ()) -> list[Artifact]:
    sources = without(load_book(root), exclude)
    chosen = select(sources, editions)
    layout = Layout(locales)
    when = when or source_date(root, locales)
    jobs_list: list[Job] = []
    coverage: dict[str, float] = {}
    prepared: dict[str, Prepared] = {}
    for fmt in formats:
        _suffix(fmt)
    _check_catalogues(sources, chosen, layout)
    for edition in chosen:
        # one localised HTML per edition: the formats differ only in their page and colour CSS
        p = prepared[edition.id] = prepare(sources, edition, layout=layout, cache=cache, when=when, draft=draft,
                                           fmt="pdf")
        coverage[edition.id] = p.coverage.percent
        for fmt in formats:
            if fmt != "epub":
                jobs_list.append(Job(edition.id, fmt, p.html, p.css, _target(out, sources, edition, fmt)))
        if "epub" in formats and "print" not in formats:
            jobs_list.append(Job(edition.id, "layout", p.html, p.css, None))
        progress(f"{edition.id}: HTML ready, translation coverage {coverage[edition.id]:.2f}%")
    args = (sources.book.trim, sources.root.resolve(), [sources.root.resolve()], when)
    artifacts: list[Artifact] = []
    errors: list[Problem] = []
    layouts: dict[str, tuple] = {}
    folders = {job.target.parent for job in jobs_list if job.target is not None}
    with _workers(jobs if len(jobs_list) > 1 else 1, folders) as pool:
        pending = [(job, pool.submit(_render, job, *args) if pool else None) for job in jobs_list]
        for job, future in pending:
            try:
                result = future.result() if future else _render(job, *args)
            except RenderError as exc:
                errors += exc.problems
                continue
            except OSError as exc:  # disk full, read-only or forbidden output: name the file
                raise RenderError(f"cannot write: {exc.strerror}",
                                  Location(relpath(exc.filename or job.target or out))) from exc
            if job.fmt in ("print", "layout"):
                layouts[job.edition] = result.starts
            if job.target is not None:
                artifacts.append(Artifact(job.edition, job.fmt, job.target, result.pages, coverage[job.edition]))
                progress(f"wrote {job.target} ({result.pages} pages)")
    if errors:
        raise RenderError(errors)
    if "epub" in formats:
        for edition in chosen:
            target = _target(out, sources, edition, "epub")
            _epub(sources, prepared[edition.id], layouts[edition.id], target, cache=cache, when=when, draft=draft)
            artifacts.append(Artifact(edition.id, "epub", target, 0, coverage[edition.id]))
            progress(f"wrote {target}")
    return artifacts


@contextmanager
def _workers(jobs: int, folders: set[Path]) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes that ignore Ctrl-C (the parent handles it), die with their parent, and are
    killed when the build stops early (an error, Ctrl-C) instead of finishing their pages; their
    temporary files in ``folders`` are then removed."""
    if jobs <= 1:
        yield None
        return
    pool = _Pool(max_workers=jobs, initializer=_worker_start, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with suppress(OSError, AttributeError):
                process.kill()
        for process in processes:
            with suppress(OSError, AttributeError, AssertionError):
                process.join(10)
        for folder in folders:
            atomic.sweep(folder)
        raise
    pool.shutdown(wait=True)


class _Pool(ProcessPoolExecutor):
    def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def] # noqa: ANN002, ANN003
        """Workers are forked here: SIGINT stays blocked until each has set its own handler."""
        import signal

        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _worker_start(parent: int) -> None:
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _check_catalogues(sources: Sources, chosen: list[Edition], layout: Layout) -> None:
    """An edition in a language with no catalogue at all would be the source text under a
    translated title: refuse it, located at the edition's locale in book.yaml."""
    doc = sources.documents["book"]
    problems = []
    for edition in chosen:
        i = sources.book.editions.index(edition)
        for j, locale in enumerate(edition.locales):
            folder = layout.root / locale / "LC_MESSAGES" / sources.book.id
            if locale == sources.book.source_locale or any(folder.glob("*.po")):
                continue
            problems.append(Problem(doc.locate(("editions", i, "locales", j)), Severity.ERROR,
                                    f"edition {edition.id}: no catalogue for {locale} in {relpath(folder)} "
                                    f"(run: publish catalog update {relpath(sources.root)} -l {locale})",
                                    "catalog.missing"))
    if problems:
        raise CatalogError(problems)


def _target(out: Path, sources: Sources, edition: Edition, fmt: str) -> Path:
    return out / sources.book.id / edition.id / f"{sources.book.id}-{edition.id}.{_suffix(fmt)}"


def _epub(sources: Sources, p: Prepared, starts: tuple, target: Path, *, cache: Path, when: datetime,
          draft: bool) -> None:
    from .render.epub import write_epub
    from .render.epubparts import make_parts

    parts, meta = make_parts(sources, p.edition, html=p.html, view=p.view, fonts=p.fonts, starts=starts,
                             cache=cache, draft=draft, when=when)
    write_epub(parts, meta, target)


def _suffix(fmt: str) -> str:
    from .render.pdf import FORMATS

    if fmt == "epub":
        return "epub"
    if fmt not in FORMATS:
        raise RenderError([Problem(Location("publish build"), Severity.ERROR,
                                   f"unknown format '{fmt}' (known: {', '.join(ALL_FORMATS)})")])
    return FORMATS[fmt].suffix
