"""Stat stamps: the fast path of a ``publish build`` or ``publish release`` with nothing changed.

A build or release that succeeds leaves a stamp in ``<project cache>/stamps/``: the size, modification
time (ns) and inode of every file it could have read — the book folder, the project's catalogues and
themes for the book, the project file, the toolkit's own files, the fonts, theme files and native
libraries the run used, the Python environment's folders — with ``SOURCE_DATE_EPOCH`` and the git
``HEAD`` (the build date comes from them), and the same of every file it left (the cache entries'
files, the placed outputs or the bundle). The next run with the same options that finds every one of
those the same answers from the stamp, reading no source and no artifact. Anything different (a saved
file, even with the same bytes; a new file; an output edited or removed) and it takes the full path,
which hashes content and finds what really changed.

Like git's index, a stamp is not trusted for a file modified within ``RACY_S`` of the moment the stamp
was taken (a second write in the same tick could leave the same stat): such a run writes no stamp.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, atomic

if TYPE_CHECKING:
    from ..build import Artifact, BuildOptions
    from ..progress import Reporter
    from ..project import Project

TOOLKIT = Path(__file__).resolve().parent.parent
RACY_S = 2.0
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = (".pyc", ".mo", ".tmp")
_NATIVE = ("libpango-1.0.so", "libharfbuzz.so", "libpangoft2-1.0.so", "libfontconfig.so")
"""Native libraries whose files are stamped (from /proc/self/maps, where the system has it)."""

Stats = dict[str, list[int]]


def _stat(path: Path | str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _walk(folder: Path, into: Stats) -> None:
    """Every file under ``folder`` (and the folders themselves: a new or removed file changes them)."""
    try:
        entries = list(os.scandir(folder))
        into[str(folder)] = _stat(folder) or []
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in _SKIP_DIRS:
                _walk(Path(entry.path), into)
        elif not entry.name.endswith(_SKIP_SUFFIXES):
            try:
                st = entry.stat()
            except OSError:
                continue
            into[entry.path] = [st.st_size, st.st_mtime_ns, st.st_ino]


def native_libraries() -> list[Path]:
    """The files of the native text libraries loaded in this process (Linux; elsewhere none)."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = {line.split(None, 5)[-1] for line in maps.splitlines() if any(n in line for n in _NATIVE)}
    return sorted(Path(p) for p in found if p.startswith("/"))


def _git_head(root: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


class Stamps:
    """The stamps of one project (``<cache>/stamps/``), for one book."""

    def __init__(self, project: Any, book_root: Path) -> None:  # noqa: ANN401 - a Project (imported lazily)
        self.project = project
        self.book = book_root.resolve()

    def inputs(self, extra: Iterable[Path] = ()) -> Stats:
        p, book = self.project, self.book.name
        found: Stats = {}
        for folder in (self.book, p.locales / book, *sorted(p.locales.glob(f"*/LC_MESSAGES/{book}")), p.themes,
                       TOOLKIT):
            _walk(folder, found)
        # folders whose listing matters (a new locale, a package installed), not their whole trees; of the
        # Python path only the installation folders (the script's or working folder changes with any output)
        for folder in (p.locales, *sorted(p.locales.glob("*")), *sorted(p.locales.glob("*/LC_MESSAGES")),
                       *(Path(e) for e in sys.path if e.endswith(("site-packages", "dist-packages")))):
            found.setdefault(str(folder), _stat(folder) or [])
        if p.file is not None:
            found[str(p.file)] = _stat(p.file) or []
        for path in extra:
            for one in (path, path.parent):   # a file, and its folder (a font added beside it)
                found.setdefault(str(one), _stat(one) or [])
        return found

    def environment(self) -> dict[str, str]:
        return {"version": __version__, "python": sys.version, "SOURCE_DATE_EPOCH":
                os.environ.get("SOURCE_DATE_EPOCH", ""), "git": _git_head(self.project.root)}

    def _file(self, kind: str, options: dict[str, Any]) -> Path:
        name = hashlib.sha256(json.dumps([kind, str(self.book), options], sort_keys=True, default=str)
                              .encode()).hexdigest()[:24]
        return self.project.cache / "stamps" / f"{kind}-{name}.json"

    def answer(self, kind: str, options: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded answer of a run with these options, when every input and output is as the stamp has
        it; else None."""
        stored = self._file(kind, options)
        try:
            data = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("environment") != self.environment():
            return None
        if any(_stat(path) != stat for path, stat in data.get("outputs", {}).items()):
            return None
        extra = [Path(p) for p in data.get("extra", [])]
        if data.get("inputs") != self.inputs(extra):
            return None
        return data.get("answer")  # type: ignore[no-any-return]

    def record(self, kind: str, options: dict[str, Any], answer: dict[str, Any], *, outputs: Iterable[Path],
               extra: Iterable[Path] = ()) -> bool:
        """Stamp a finished run; False (nothing written) when an input changed too recently to be trusted."""
        extra = sorted({Path(p) for p in extra})
        inputs = self.inputs(extra)
        racy = time.time_ns() - int(RACY_S * 1e9)
        if any(len(s) == 3 and s[1] > racy for s in inputs.values()):
            return False
        data = {"environment": self.environment(), "inputs": inputs, "extra": [str(p) for p in extra],
                "outputs": {str(p): _stat(p) for p in outputs}, "answer": answer}
        atomic.write_bytes(self._file(kind, options), json.dumps(data, sort_keys=True).encode("utf-8"))
        return True


def build_options(options: BuildOptions) -> dict[str, Any]:
    """What a build's stamp is for: every option but ``jobs`` (and the folder relative paths start from)."""
    return {"editions": options.editions, "formats": options.formats, "draft": options.draft,
            "exclude": sorted(options.exclude), "out": str(options.out), "profile": options.profile,
            "cache_only": options.cache_only, "cwd": os.getcwd()}


def answered(project: Project, known: dict[str, Any], report: Reporter) -> list[Artifact]:
    """A build's stamped answer: its artifacts, their entries marked as used (for the eviction)."""
    from datetime import datetime

    from ..build import Artifact

    for key in known["keys"]:
        with suppress(OSError):
            os.utime(project.cache / "editions" / key / "result.json")
    for edition, done in known["done"]:
        report.begin(edition, 1)
        report.step(edition, "done", "unchanged, from the cache" + done)
    return [Artifact(a["edition"], a["fmt"], Path(a["path"]), a["pages"], a["coverage"],
                     datetime.fromisoformat(a["when"])) for a in known["artifacts"]]
