"""The project: a publisher's repository, marked by ``publish.toml`` at its root.

Made once, at the CLI's edge (in the manner of MkDocs' ``load_config``), and passed down: the folders
of the books, catalogues, outputs and cache, the build defaults, and the one function that dates a
build (``SOURCE_DATE_EPOCH``, else the newest commit of the inputs). Every command finds the project by
walking up from the book it is given, or from the current folder, as git finds its repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import Location, Problem, Severity, SourceError, relpath

PROJECT_FILE = "publish.toml"

FOLDERS = {
    "books": ("books", "one folder per book: <books>/<id>/book.yaml"),
    "locales": ("locales", "the .pot templates (<locales>/<book>/) and catalogues "
                           "(<locales>/<locale>/LC_MESSAGES/<book>/)"),
    "build": ("build", "where `publish build` writes the editions"),
    "dist": ("dist", "where `publish release` writes the bundles"),
    "cache": (".publish-cache", "compiled catalogues, the edition cache, the crash log"),
    "themes": ("themes", "the project's own themes, one folder each (book.yaml: `theme: <name>`)"),
}
"""Key → (default, what it holds) of the ``[project]`` table."""
AUTO_PARTS = 10
"""``parts = "auto"``: an edition of this many profiles' worth of text or more is laid out in parts, a bilingual
edition's profiles counting twice (it prints each one in both languages: the sample's bilingual edition has 125
pages, the English one 65). Measured (bench/scale, bench/run): a one-language edition of 5 profiles costs ~5%
more CPU in parts (zh-Hans: 5.30 against 5.04 s, three runs each) and as one task balances the others on two
cores; the bilingual edition of 5 profiles in parts costs about what one layout costs (12.2 against 12.3 s wall
at ``--jobs 1``, the mean of three runs each) and spreads its 7 parts over the cores beside the other editions;
from 20 profiles the parts also use less memory (432 against 540 MB; 898 against 1,793 MB at 100) and an edited
paragraph re-lays a quarter of the book or less."""
DEFAULTS = {"jobs": ('"auto"', 'files rendered in parallel by `publish build` and `publish release` (a number from '
                              '1 to 64, or "auto": the cores this machine gives the process)'),
            "parts": ('"auto"', "lay each profile out on its own (in parallel, cached apart: an edit re-lays its "
                                "profile) and assemble the edition (true), each edition at once (false), or "
                                f'"auto": in parts from {AUTO_PARTS} profiles, a bilingual edition\'s counting twice')}
"""Key → (default, meaning) of the ``[defaults]`` table."""


@dataclass(frozen=True)
class Project:
    """A publish project: where everything is. Paths are absolute."""

    root: Path
    """The folder of ``publish.toml``."""
    books: Path
    locales: Path
    build: Path
    dist: Path
    cache: Path
    themes: Path
    jobs: int = 1
    """Default ``--jobs``."""
    parts: bool | None = None
    """Editions laid out profile by profile (:mod:`publish.render.partbuild`), or each at once; None: "auto"."""
    file: Path | None = field(default=None, compare=False)

    @property
    def layout(self):  # type: ignore[no-untyped-def] # -> catalogs.extract.Layout (imported lazily)
        from .catalogs.extract import Layout

        return Layout(self.locales)

    def book(self, name: str | Path | None) -> Path:
        """The book folder named (a path, or an id under ``books``), or the only book of the project."""
        if name:
            path = Path(name)
            if not path.exists() and not path.is_absolute() and (self.books / path / "book.yaml").is_file():
                path = self.books / path
            return path
        found = sorted(p.parent for p in self.books.glob("*/book.yaml"))
        if len(found) == 1:
            return found[0]
        where = Location(relpath(self.file or self.root))
        raise SourceError(f"name the book: the project has {len(found)} books under {relpath(self.books)}"
                          if found else f"no book found under {relpath(self.books)}/ (`publish init` makes one)",
                          where)

    def source_date(self, *inputs: Path) -> datetime:
        """``SOURCE_DATE_EPOCH``, else the newest commit touching ``inputs``, else the newest modification time
        of their files (a project outside git, or files not committed yet), else now. The one build date:
        build, release and extract all ask here, so the same inputs stamp the same date."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), UTC)
        try:
            out = subprocess.run(["git", "-C", str(self.root), "log", "-1", "--format=%ct", "--",
                                  *(str(p.resolve()) for p in inputs)],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
            if out.isdigit():
                return datetime.fromtimestamp(int(out), UTC)
        except (OSError, subprocess.SubprocessError):
            pass
        newest = max((p.stat().st_mtime for path in inputs for p in ([path] if path.is_file() else path.rglob("*"))
                      if p.is_file()), default=None)
        if newest is not None:
            return datetime.fromtimestamp(int(newest), UTC)
        return datetime.now(UTC).replace(microsecond=0)

    def edition_inputs(self, book_root: Path, book_id: str, locales: tuple[str, ...], source_locale: str) -> list[Path]:
        """What an edition's date depends on: the book folder and its own catalogues in those locales."""
        return [book_root, *(self.locales / loc / "LC_MESSAGES" / book_id for loc in locales if loc != source_locale)]


def cores() -> int:
    """``--jobs auto``: the CPUs this process may run on (its affinity mask, which containers and
    ``taskset`` narrow), at most 64."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(64, count))


def locate(book: str | Path | None) -> tuple[Project, Path]:
    """The project around the book named (or around the current folder) and the book's folder: a path, an id
    under the project's books folder, or the project's only book."""
    start = Path(book) if book and Path(book).exists() else None
    project = load_project(start)
    return project, project.book(book)


def find_file(start: Path) -> Path | None:
    """``publish.toml`` in ``start`` or the nearest folder above it."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def load_project(start: Path | None = None) -> Project:
    """The project around ``start`` (a book folder or any folder inside the project; default: here)."""
    start = Path(start or Path.cwd())
    file = find_file(start if start.is_dir() else start.parent)
    if file is None:
        raise SourceError(f"not inside a publish project: no {PROJECT_FILE} in {relpath(start.resolve())} or any "
                          "folder above it (`publish init DIR` makes a project)", Location(relpath(start)))
    return parse(file)


def parse(file: Path) -> Project:
    text = file.read_text(encoding="utf-8")
    shown = relpath(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise SourceError([Problem(Location(shown, int(line.group(1)) if line else None), Severity.ERROR,
                                   f"not valid TOML: {exc}", "project.syntax")]) from None
    problems: list[Problem] = []

    def where(key: str) -> Location:
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", line) or line.strip() == f"[{key}]":
                return Location(shown, n, field=key)
        return Location(shown, field=key)

    for table in data:
        if table not in ("project", "defaults", "catalogs"):  # [catalogs]: read by catalogs/settings.py
            problems.append(Problem(where(table), Severity.ERROR, f"unknown table [{table}] (known: [project], "
                                    "[defaults])", "project.key"))
    root = file.parent.resolve()
    folders: dict[str, Path] = {}
    section = data.get("project", {})
    for key, value in section.items() if isinstance(section, dict) else ():
        if key not in FOLDERS:
            problems.append(Problem(where(key), Severity.ERROR, f"unknown key '{key}' in [project] (known: "
                                    f"{', '.join(FOLDERS)})", "project.key"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(where(key), Severity.ERROR, f"'{key}' must be a folder path (text)",
                                    "project.type"))
        else:
            path = (root / value).resolve()
            if Path(value).is_absolute() or not path.is_relative_to(root):
                problems.append(Problem(where(key), Severity.ERROR, f"'{key}' = {value!r} is outside the project",
                                        "project.outside"))
            folders[key] = path
    jobs = cores()   # DEFAULTS: "auto"
    parts: bool | None = None   # DEFAULTS: "auto"
    defaults = data.get("defaults", {})
    for key, value in defaults.items() if isinstance(defaults, dict) else ():
        if key not in DEFAULTS:
            problems.append(Problem(where(key), Severity.ERROR, f"unknown key '{key}' in [defaults] (known: "
                                    f"{', '.join(DEFAULTS)})", "project.key"))
        elif key == "parts":
            if not isinstance(value, bool) and value != "auto":
                problems.append(Problem(where(key), Severity.ERROR, "'parts' must be true, false or \"auto\"",
                                        "project.type"))
            else:
                parts = None if value == "auto" else value
        elif value == "auto":
            jobs = cores()
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 64:
            problems.append(Problem(where(key), Severity.ERROR, "'jobs' must be a whole number from 1 to 64 "
                                    'or "auto"', "project.type"))
        else:
            jobs = value
    if problems:
        raise SourceError(problems)
    paths = {key: folders.get(key, root / default) for key, (default, _) in FOLDERS.items()}
    return Project(root=root, jobs=jobs, parts=parts, file=file, **paths)


def template() -> str:
    """The text of a new ``publish.toml``, every key commented."""
    lines = ["# A publish project: this file marks its root; every command finds it from any folder inside.",
             "[project]"]
    for key, (default, what) in FOLDERS.items():
        lines += [f"# {what}", f'{key} = "{default}"']
    lines += ["", "[defaults]"]
    for key, (number, meaning) in DEFAULTS.items():
        lines += [f"# {meaning}", f"{key} = {number}"]
    return "\n".join(lines) + "\n"
