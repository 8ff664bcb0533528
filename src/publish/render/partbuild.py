"""Lay an edition out as independent parts (:mod:`publish.render.parts`), each cached by its own inputs,
in parallel, then assemble them (:mod:`publish.render.assemble`).

A part's cache key is its own HTML, the format, the page set-up and fonts CSS and :func:`layout_digest`
(the toolkit, the libraries, the theme, the book's non-text files): a profile's key does not change when
another profile does, nor when the build date does (profiles are laid out with a fixed stamp; the
edition's dates are the front matter's, the one part the assembly takes the metadata from). Profiles and
the back matter are laid out without folios (they do not know their page numbers); the assembly draws
each page's folio from a *folio sheet*: pages 1…M laid out with the same page set-up showing only their
folios (M rounded up, so the sheet is laid out again only when the book outgrows it).
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import assets
from ..errors import Location, Problem, RenderError, Severity
from ..model import Trim
from ..theme import Theme
from .fonts import fontset
from .pagemap import PageStart, page_starts
from .parts import Part, number_links, split

FIXED_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
NO_FOLIOS = ("@page :left { @bottom-left { content: none; } }\n"
             "@page :right { @bottom-right { content: none; } }\n")
"""Profiles and the back matter: the folio comes from the sheet (publish.render.pdf's page set-up puts
it bottom-outside)."""
ONLY_FOLIOS = ("@page :left { @top-left { content: none; } }\n@page :right { @top-right { content: none; } }\n"
               "body { string-set: none; }\n")
SHEET_STEP = 64


@dataclass(frozen=True)
class Setup:
    """What every part of one edition × format is laid out with."""

    fmt: Any                 # a publish.render.pdf.PdfFormat
    trim: Trim
    css: str
    roots: tuple[Path, ...]
    base: Path
    theme: Theme
    digest: str              # layout_digest(...)


@dataclass(frozen=True)
class Laid:
    """One part laid out: its PDF (in the cache) and what the assembly needs to know of its pages."""

    pdf: Path
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)   # id → page index in the part
    blanks: tuple[bool, ...] = ()
    starts: tuple[PageStart | None, ...] = ()


def layout_digest(sources: Any, theme: Theme) -> str:  # noqa: ANN401 - publish.sources.Sources
    """The inputs of any part's layout besides its HTML: toolkit, libraries, theme, the book's non-text files."""
    from ..release import cache as cache_mod

    h = hashlib.sha256()
    h.update(json.dumps(cache_mod.library_versions(), sort_keys=True).encode())
    for path in cache_mod._files(cache_mod.TOOLKIT, (".py", ".j2", ".css", ".icc")):
        h.update(str(path.relative_to(cache_mod.TOOLKIT)).encode() + b"\0" + path.read_bytes())
    for path in theme.files():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in cache_mod._files(sources.root):
        rel = path.relative_to(sources.root)
        if path.suffix not in (".yaml", ".yml", ".txt", ".md", ".po") and rel.parts[0] != "raw":
            h.update(str(rel).encode() + b"\0" + path.read_bytes())
    # the font files the editions are set in (a part records its faces' paths for the assembly's subsets:
    # a font upgraded by the system lays the parts out again, as it makes a new edition key)
    faces = {(face.family, *map(str, face.file())) for e in sources.book.editions
             for face in fontset(e.locales, theme.fonts).faces()}
    for family, file, index in sorted(faces):
        st = Path(file).stat()
        h.update(f"font|{family}|{file}|{index}|{st.st_size}|{st.st_mtime_ns}".encode() + b"\0")
    return h.hexdigest()


def part_key(setup: Setup, html: str, extra: str) -> str:
    h = hashlib.sha256()
    for piece in ("part", setup.digest, setup.fmt.name, repr(setup.fmt), repr(setup.trim), setup.css, extra, html):
        h.update(piece.encode() + b"\0")
    return "part-" + h.hexdigest()[:32]


def _page_css(setup: Setup, kind: str) -> str:
    return setup.css + (NO_FOLIOS if kind in ("profile", "back") else ONLY_FOLIOS if kind == "sheet" else "")


def lay_out(html: str, target: Path, setup: Setup, kind: str, modified: datetime, timeout: int = 600) -> Laid:
    """Lay ``html`` out and write it to ``target`` (a worker's job): tagged as the format wants, not finished
    (the print finish and the stable ids are the assembled file's)."""
    from weasyprint import CSS, HTML

    from .. import atomic
    from .fetcher import BookFetcher, Refused
    from .pdf import DOCUMENT_CSS, FONT_DIRS, STYLES, _captured, _raise_logged, _time_bound
    from .pdftags import repair as repair_tags
    from .weasy import (
        cached_page_references,
        deferred_fonts,
        flate_level,
        inter_character,
        language_tags,
        page_is_blank,
    )

    fmt = setup.fmt
    fetcher = BookFetcher([*setup.roots, *setup.theme.roots, assets.ICC, *FONT_DIRS])
    stamp = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = html.replace("<head>", f'<head>\n<meta name="dcterms.created" content="{stamp}">'
                                  f'\n<meta name="dcterms.modified" content="{stamp}">'
                                  f"\n<style>{DOCUMENT_CSS}{fmt.colour_css()}</style>", 1)
    identifier = hashlib.sha256(html.replace(fmt.colour_css() or "\0", "").encode()).hexdigest()[:32].encode()
    shown = f"{target.name} ({kind})"
    with _captured() as log, _time_bound(timeout, shown), inter_character():
        try:
            page_css = fmt.page_css(setup.trim) + _page_css(setup, kind)
            page = _parsed(("string", page_css, str(STYLES), tuple(fetcher.roots)),
                           lambda: CSS(string=page_css, url_fetcher=fetcher, base_url=str(STYLES) + "/"))
            first, *rest = (_parsed(("file", str(path), _stamp(path), tuple(fetcher.roots)),
                                    lambda path=path: CSS(filename=str(path), url_fetcher=fetcher))
                            for path in setup.theme.stylesheets)
            source = HTML(string=html, base_url=str(setup.base) + "/", url_fetcher=fetcher)
            document = source.render(stylesheets=[first, page, *rest], font_config=_font_config(setup))
            _raise_logged(log.messages, shown)
            starts = tuple(page_starts(source.etree_element, document.pages)) if kind != "sheet" else ()
            anchors: dict[str, int] = {}
            for index, laid in enumerate(document.pages):
                for name in laid.anchors:
                    anchors.setdefault(name, index)
            blanks = tuple(page_is_blank(p) for p in document.pages)
            options = fmt.options(identifier) if kind != "sheet" else {"pdf_identifier": identifier}
            with (atomic.temporary_beside(target, ".pdf") as tmp, language_tags(document.metadata.lang or ""),
                  cached_page_references(), flate_level(6), deferred_fonts()):
                document.write_pdf(str(tmp), **options)  # type: ignore[arg-type]
                if kind != "sheet" and fmt.variant == "pdf/ua-1":
                    repair_tags(tmp)
                _raise_logged(log.messages, shown)
                atomic.replace(tmp, target)
        except Refused as exc:
            raise RenderError([Problem(Location(shown), Severity.ERROR, f"{exc.reason}: {exc.url}",
                                       "render.fetch")]) from None
    return Laid(target, len(document.pages), anchors, blanks, starts)


_SHEETS: dict[tuple[Any, ...], Any] = {}
"""The stylesheets parsed in this process (WeasyPrint ``CSS`` objects, read-only once parsed): every part of an
edition is laid out with the same ones, a worker lays out many parts."""


def _parsed(key: tuple[Any, ...], parse: Any) -> Any:  # noqa: ANN401
    sheet = _SHEETS.get(key)
    if sheet is None:
        if len(_SHEETS) > 64:
            _SHEETS.clear()
        sheet = _SHEETS[key] = parse()
    return sheet


def _font_config(setup: Setup) -> Any:  # noqa: ANN401
    """One WeasyPrint ``FontConfiguration`` (fontconfig's configuration and Pango's font map, with the faces they
    have loaded) for the parts of one edition laid out in this process: WeasyPrint makes a new one for each
    document otherwise. Per edition (its stylesheets, theme and book files), so the ``@font-face`` fonts one
    edition adds to it are never another's."""
    key = (setup.digest, setup.css)
    found = _FONTS.get(key)
    if found is None:
        from weasyprint.text.fonts import FontConfiguration

        if len(_FONTS) >= 8:
            _FONTS.clear()
        found = _FONTS[key] = FontConfiguration()
    return found


_FONTS: dict[tuple[str, str], Any] = {}


def _stamp(path: Path) -> tuple[int, int, str]:
    """A stylesheet file as its cache key sees it: size, mtime and its content's digest."""
    data = path.read_bytes()
    info = path.stat()
    return info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest()


def _job(html: str, key: str, cache: Path, setup: Setup, kind: str, modified: datetime) -> Laid:
    """Lay a part out into the cache entry ``key`` (run in a worker)."""
    from .. import atomic
    from ..release import cache as cache_mod

    folder = atomic.temporary_folder_beside(cache / "tmp" / "parts")
    try:
        laid = lay_out(html, folder / "part.pdf", setup, kind, modified)
        result = _result(laid)
        entry = cache_mod.store(cache, key, {"pdf": laid.pdf}, result)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return replace(laid, pdf=entry.file("pdf"))


def _result(laid: Laid) -> dict[str, Any]:
    return {"part": {"pages": laid.pages, "anchors": laid.anchors, "blanks": list(laid.blanks),
                     "starts": [[s.page, list(s.path), s.offset] if s else None for s in laid.starts]}}


def cached(cache: Path, key: str) -> Laid | None:
    from ..release import cache as cache_mod

    entry = cache_mod.lookup(cache, key)
    if entry is None or not entry.has(["pdf"]) or "part" not in entry.result:
        return None
    r = entry.result["part"]
    starts = tuple(PageStart(s[0], tuple(s[1]), s[2]) if s else None for s in r["starts"])
    return Laid(entry.file("pdf"), int(r["pages"]), dict(r["anchors"]), tuple(r["blanks"]), starts)


def sheet_html(edition_html: str, pages: int) -> str:
    """``pages`` empty pages in the edition's language and body class: only the page set-up's folios show."""
    import re

    head = edition_html.split("<body", 1)[0]
    body = re.search(r"<body[^>]*>", edition_html)
    cls = re.search(r'class="([^"]*)"', body.group(0)) if body else None
    divs = '<div style="break-before: page"></div>\n' * (pages - 1)
    return f'{head}<body class="{cls.group(1) if cls else ""}">\n<div></div>\n{divs}</body>\n</html>\n'


@dataclass(frozen=True)
class Done:
    pages: int                              # the digital PDF's
    printed: int | None                     # the print PDF's, when one was derived
    starts: tuple[PageStart | None, ...]    # where each print page begins (the EPUB's page-list)


@dataclass
class EditionJob:
    """One edition laid out as parts (its digital HTML): filled in as the layouts come back."""

    name: str
    html: str
    setup: Setup
    modified: datetime
    target: Path
    """The digital PDF (written even when only the print one is wanted: the print file is derived from it)."""
    parts: tuple[Part, ...] = ()
    print_target: Path | None = None
    printer: Any = None                     # a publish.prepress.profiles.PrinterProfile
    digital_wanted: bool = True
    laid: dict[str, Laid] = field(default_factory=dict)
    relaid: list[str] = field(default_factory=list)
    done: Done | None = None

    @property
    def cover(self) -> int:
        """The pages before the half-title (the digital cover and its verso): the folios count from the
        half-title (publish.render.pdf.cover_pages, from the front matter's own layout)."""
        return self.laid["front"].anchors.get("half-title", 0) if "front" in self.laid else 0


def run(editions: list[EditionJob], cache: Path, pool: Executor | None, jobs: int = 2) -> list[EditionJob]:
    """Lay out (or take from the cache) every part of every edition, at most ``jobs`` at once in ``pool``,
    then assemble each edition into its target (and derive its print file). Fills in each job's ``done``;
    raises :class:`RenderError`."""
    from ..workers import Tasks

    tasks = Tasks(pool, jobs if pool is not None else 1)   # type: ignore[arg-type]
    problems: list[Problem] = []

    def failed(exc: Exception) -> None:
        if not isinstance(exc, RenderError):
            raise exc
        problems.extend(exc.problems)

    for rank, job in enumerate(editions):
        add(job, cache, tasks, rank=rank, then=lambda job: None, failed=failed)
    tasks.run()
    if problems:
        raise RenderError(problems)
    return editions


FINISH, LAYOUT = 0, 1
"""Task priorities (publish.schedule's): what finishes an edition (its front matter, folio sheet and
assembly) before the next part's layout."""


@dataclass
class _State:
    guess: tuple[int, int]   # the front matter's (padded) pages and cover pages
    rounds: int = 0
    failed: bool = False


def add(job: EditionJob, cache: Path, tasks: Any, *, rank: int, then: Any, failed: Any) -> None:  # noqa: ANN401
    """Add the tasks of one edition laid out in parts to ``tasks`` (a publish.workers.Tasks, which may hold
    other editions' tasks): every part but the front matter; once they are in, the front matter, knowing
    where every other part begins (its own length guessed first from its last layout: the contents'
    numbers rarely change its page count), again until its length is the guess (four times at most); then
    the folio sheet; then the assembly (and the print file derived from it), in a worker too. ``then(job)``
    once ``job.done`` is filled in; ``failed(exception)`` for a task that failed (the edition stops there)."""
    if not job.parts:
        found = split(job.html)
        if found is None:
            raise RenderError(f"{job.name}: no profile in the edition's HTML to lay out in parts",
                              Location(str(job.target)))
        job.parts = found.parts
    state = _State(_memo(cache, job))

    def fail(exc: Exception) -> None:
        state.failed = True
        failed(exc)

    def lay(items: list[tuple[str, str, str, datetime]], priority: int, next_step: Any) -> None:  # noqa: ANN401
        """Lay out (or take from the cache) ``items``, then ``next_step()`` once all are in."""
        left = {"n": 0}

        def laid(name: str, result: Laid) -> None:
            job.laid[name] = result
            left["n"] -= 1
            if left["n"] == 0 and not state.failed:
                next_step()

        for name, html, kind, modified in items:
            key = part_key(job.setup, html, _page_css(job.setup, kind) + modified.isoformat())
            found = cached(cache, key)
            if found is not None:
                job.laid[name] = found
                continue
            job.relaid.append(name)
            left["n"] += 1
            tasks.add((priority, rank), _job, html, key, cache, job.setup, kind, modified,
                      then=lambda result, name=name: laid(name, result), failed=fail)
        if left["n"] == 0:
            next_step()

    def front() -> None:
        state.rounds += 1
        html = _front_html(job, *state.guess)
        lay([("front", html, "front", job.modified)], FINISH, settled)

    def settled() -> None:
        seen = (_padded(job.laid["front"].pages), job.cover)
        if seen != state.guess:
            state.guess = seen
            if state.rounds < 4:
                front()
                return
        if _memo(cache, job) != state.guess:
            from ..release import cache as cache_mod

            cache_mod.store(cache, _memo_key(job), {}, {"front": list(state.guess)})
        total = _total(job) - job.cover
        lay([("sheet", sheet_html(job.html, _bucket(total)), "sheet", FIXED_STAMP)], FINISH, assembly)

    def assembly() -> None:
        pieces = [(p.kind, job.laid[p.name].pdf, job.laid[p.name].pages, job.laid[p.name].blanks) for p in job.parts]
        tasks.add((FINISH, rank), _assemble, pieces, job.laid["sheet"].pdf, job.target, job.setup.fmt, job.html,
                  job.modified, job.cover, job.print_target, job.printer, then=assembled, failed=fail)

    def assembled(counts: tuple[int, int | None]) -> None:
        job.done = Done(counts[0], counts[1], page_map(job))
        then(job)

    lay([(p.name, p.html, p.kind, FIXED_STAMP if p.kind == "profile" else job.modified)
         for p in job.parts if p.kind != "front"], LAYOUT, front)


def _assemble(pieces: list[tuple[Any, ...]], sheet: Path, target: Path, fmt: Any, html: str,  # noqa: ANN401
              modified: datetime, cover: int, print_target: Path | None, printer: Any) -> tuple[int, int | None]:
    """Assemble the laid-out parts into ``target`` and derive the print file from it (run in a worker): the
    page counts of both."""
    from .assemble import Piece, assemble

    pages = assemble([Piece(*p) for p in pieces], sheet, target, fmt, html, modified, cover=cover)
    printed = None
    if print_target is not None:
        from ..prepress.derive import derive_print

        printed = derive_print(target, print_target, printer, cover_pages=cover).pages
    return pages, printed


def _memo_key(job: EditionJob) -> str:
    return "front-" + part_key(job.setup, job.parts[0].html, "front pages")[5:]


def _memo(cache: Path, job: EditionJob) -> tuple[int, int]:
    """The front matter's (padded) page count and cover pages when it was last laid out with these contents:
    the first guess."""
    from ..release import cache as cache_mod

    entry = cache_mod.lookup(cache, _memo_key(job))
    front = entry.result.get("front", [0, 0]) if entry is not None else [0, 0]
    return int(front[0]), int(front[1])


def _padded(pages: int) -> int:
    return pages + pages % 2


def _bucket(pages: int) -> int:
    return -(-pages // SHEET_STEP) * SHEET_STEP


def starts_of(job: EditionJob) -> dict[str, int]:
    """The first page number of each part (1-based): every part after the front matter starts on a recto."""
    first, out = 1, {}
    for part in job.parts:
        out[part.name] = first
        if part.name in job.laid:
            first += _padded(job.laid[part.name].pages)
    return out


def _front_html(job: EditionJob, front_pages: int, cover: int) -> str:
    first = front_pages + 1 - cover    # the folio of the first page after the front matter
    numbers: dict[str, int] = {}
    for part in job.parts[1:]:
        laid = job.laid[part.name]
        for name, index in laid.anchors.items():
            numbers.setdefault(name, first + index)
        first += _padded(laid.pages)
    return number_links(job.parts[0], numbers)


def _total(job: EditionJob) -> int:
    return sum(_padded(job.laid[p.name].pages) for p in job.parts[:-1]) + job.laid[job.parts[-1].name].pages


def page_map(job: EditionJob) -> tuple[PageStart | None, ...]:
    """Where each print page (from the half-title on) begins, as the edition's HTML numbers its elements."""
    out: list[PageStart | None] = []
    for part in job.parts:
        laid = job.laid[part.name]
        offset = len(out)
        for s in laid.starts:
            out.append(None if s is None else PageStart(s.page + offset, _shift(s.path, part.first_child), s.offset))
        if part is not job.parts[-1] and laid.pages % 2:
            out.append(None)
    cover = job.cover
    return tuple(PageStart(s.page - cover, s.path, s.offset) if s else None for s in out[cover:])


def _shift(path: tuple[int, ...], first_child: int) -> tuple[int, ...]:
    return (path[0], path[1] + first_child, *path[2:]) if len(path) >= 2 and path[0] == 1 else path


def edition_job(name: str, html: str, setup: Setup, modified: datetime, target: Path, *,
                print_target: Path | None = None, printer: Any = None,  # noqa: ANN401
                digital_wanted: bool = True) -> EditionJob | None:
    """The edition as parts, or None when its HTML cannot be split (no profile: one layout then)."""
    found = split(html)
    if found is None:
        return None
    return EditionJob(name, html, setup, modified, target, found.parts, print_target, printer, digital_wanted)
