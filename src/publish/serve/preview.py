"""The book as last saved, for the preview: loaded, themed and localised on demand, once per generation.

A save anywhere the book depends on bumps :attr:`Preview.generation` (see :mod:`.watch`); everything
made for an older generation is dropped. A source, catalogue or theme problem is kept as a
:class:`Failure` (the located problems) and shown in the page: the server never stops on one.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..build import Prepared, prepare, without
from ..errors import Location, Problem, PublishError, Severity, relpath
from ..project import Project
from ..sources import Sources, load_book
from ..theme import Theme, resolve

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """Why something could not be made: located problems, as ``publish check`` prints them."""

    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, PublishError):
            return cls(tuple(exc.problems))
        # not a user error: still shown (with where it happened), and the server goes on
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        location = Location(relpath(where.filename), where.lineno) if where else Location("publish serve")
        return cls((Problem(location, Severity.ERROR, f"internal error: {type(exc).__name__}: {exc}",
                            "serve.internal"),))


def unchanged_by(paths: tuple[str, ...]) -> frozenset[str]:
    """What a save of ``paths`` leaves as it was: page images always (they are named by content); the
    sources when only catalogues changed; the editions' HTML too when only stylesheets changed (the HTML
    does not depend on them; a PDF does, and is made again). A file removed changes everything."""
    files = [Path(p) for p in paths]
    if not files or not all(f.is_file() for f in files):
        return frozenset({"png"})
    suffixes = {f.suffix.lower() for f in files}
    if suffixes <= {".css"}:
        return frozenset({"png", "book", "edition"})
    if suffixes <= {".po", ".pot"}:
        return frozenset({"png", "book"})
    return frozenset({"png"})


@dataclass(frozen=True)
class Book:
    """A book that loaded: its validated sources and theme."""

    sources: Sources
    theme: Theme

    @property
    def editions(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.sources.book.editions)

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.sources.profiles)

    def edition(self, edition_id: str) -> Any:
        return next((e for e in self.sources.book.editions if e.id == edition_id), None)


@dataclass
class Preview:
    """The state the server shows. Thread-safe: a lock per thing made, a condition for the generation."""

    project: Project
    root: Path
    """The book folder."""
    draft: bool = False
    """Mark profiles whose rights are pending, as ``publish build --draft`` does."""
    generation: int = 0
    changes: tuple[str, ...] = ()
    """The files of the last change (absolute paths)."""
    _made: dict[tuple[int, str], object] = field(default_factory=dict, repr=False)
    closed: threading.Event = field(default_factory=threading.Event, repr=False)
    _locks: dict[tuple[int, str], threading.Lock] = field(default_factory=dict, repr=False)
    _work: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def changed(self, paths: tuple[str, ...] = ()) -> int:
        """A save: a new generation; every page open is told to reload (see :meth:`wait`). What the files
        saved cannot have changed is carried over (see :func:`unchanged_by`)."""
        keep = unchanged_by(paths)
        with self._changed:
            with self._work:
                old, new = self.generation, self.generation + 1
                for (generation, what), made in list(self._made.items()):
                    if generation == old and what.split(":", 1)[0] in keep and not isinstance(made, Failure):
                        self._made[(new, what)] = made
                self.generation = new
            self.changes = paths
            self._changed.notify_all()
            return new

    def wait(self, seen: int, timeout: float) -> int:
        """The generation, once it differs from ``seen`` (or when ``timeout`` seconds have passed, or the
        preview is closed)."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen or self.closed.is_set(), timeout)
            return self.generation

    def close(self) -> None:
        """The server is stopping: wake every page waiting for a change, make nothing more."""
        with self._changed:
            self.closed.set()
            self._changed.notify_all()

    def _once(self, what: str, make: Callable[[], T]) -> T | Failure:
        """``make()`` for the current generation, made once; a problem becomes a :class:`Failure`.
        Each thing has its own lock: a PDF being laid out does not hold up the HTML of an edition."""
        with self._work:
            key = (self.generation, what)
            for old in [k for k in (*self._locks, *self._made) if k[0] != key[0]]:
                self._locks.pop(old, None)
                self._made.pop(old, None)
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._work:
                if key in self._made:
                    return self._made[key]  # type: ignore[return-value]
            made: object
            try:
                made = make()
            except Exception as exc:  # noqa: BLE001 - shown in the page; the server keeps running
                made = Failure.of(exc)
            with self._work:
                self._made[key] = made
            return made  # type: ignore[return-value]

    def book(self) -> Book | Failure:
        def load() -> Book:
            sources = load_book(self.root)
            return Book(sources, resolve(self.project, sources))

        return self._once("book", load)

    def edition(self, edition_id: str, profile: str | None = None) -> Prepared | Failure | None:
        """One edition's localised HTML (all profiles, or ``profile`` alone); None: no such edition/profile."""
        book = self.book()
        if isinstance(book, Failure):
            return book
        edition = book.edition(edition_id)
        if edition is None or (profile is not None and profile not in book.profiles):
            return None

        def make() -> Prepared:
            sources = book.sources
            if profile is not None:
                sources = without(sources, tuple(p for p in book.profiles if p != profile))
            return prepare(self.project, sources, edition, book.theme, draft=self.draft)

        return self._once(f"edition:{edition_id}:{profile or ''}", make)

    def made(self, what: str, make: Callable[[], T]) -> T | Failure:
        """Anything else made from the current generation (the PDF pages), once."""
        return self._once(what, make)

    def warm(self) -> None:
        """Make every edition now, so the first page opened is quick; stop at the first save (what is
        made then would be for an old generation, and would hold up the page being reloaded)."""
        start = self.generation
        book = self.book()
        if not isinstance(book, Failure):
            for edition_id in book.editions:
                if self.closed.is_set() or self.generation != start:
                    return
                self.edition(edition_id)

    def watched(self) -> list[Path]:
        """What the book depends on: its folder, the project's catalogues, its theme's folders."""
        paths = [self.root, self.project.locales]
        book = self.book()
        if not isinstance(book, Failure):
            paths += book.theme.folders
        elif self.project.themes.is_dir():
            paths.append(self.project.themes)
        return [p.resolve() for p in paths if p.exists()]
