"""Lay an edition out as independent parts (:mod:`publish.render.parts`), each cached by its own inputs
(:mod:`publish.render.partkeys`) and laid out in a worker (:mod:`publish.render.partlayout`), in one pool with
the other editions' tasks, then assemble them (:mod:`publish.render.assemble`) and derive the print file.

The edition's dates are the front matter's (the one part the assembly takes the metadata from); profiles are
laid out with a fixed stamp. The folio sheet is laid out for M pages, M rounded up, so it is laid out again
only when the book outgrows it.
"""

from __future__ import annotations

import gc
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Location, Problem, RenderError
from .heap import give_back
from .pagemap import PageStart
from .partkeys import Laid, Setup, cached, layout_digest, part_key
from .partlayout import FIXED_STAMP, forget, sheet_html
from .partlayout import job as _job
from .partlayout import kind_css as _page_css
from .parts import Part, number_links, split

__all__ = ["FIXED_STAMP", "Done", "EditionJob", "Laid", "Setup", "add", "edition_job", "layout_digest", "run"]
SHEET_STEP = 64


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
        tasks.add((FINISH, rank), _assemble, pieces, job.laid["sheet"].pdf, job.target, job.setup, job.html,
                  job.modified, job.cover, job.print_target, job.printer, then=assembled, failed=fail)

    def assembled(counts: tuple[int, int | None]) -> None:
        job.done = Done(counts[0], counts[1], page_map(job))
        then(job)

    lay([(p.name, p.html, p.kind, FIXED_STAMP if p.kind == "profile" else job.modified)
         for p in job.parts if p.kind != "front"], LAYOUT, front)


def _assemble(pieces: list[tuple[Any, ...]], sheet: Path, target: Path, setup: Setup, html: str,  # noqa: ANN401
              modified: datetime, cover: int, print_target: Path | None, printer: Any) -> tuple[int, int | None]:
    """Assemble the laid-out parts into ``target`` and derive the print file from it (run in a worker): the
    page counts of both."""
    from .assemble import Piece, assemble

    forget(setup)   # the edition's parts are all laid out
    gc.collect()
    give_back()
    pages = assemble([Piece(*p) for p in pieces], sheet, target, setup.fmt, html, modified, cover=cover)
    printed = None
    if print_target is not None:
        from ..prepress.derive import derive_print

        printed = derive_print(target, print_target, printer, cover_pages=cover).pages
    give_back()
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
