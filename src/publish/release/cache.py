"""A content-addressed cache of built editions: ``<project cache>/editions/<key>/``, shared by
``publish build`` and ``publish release``.

The key hashes every input that can change an edition's bytes: the toolkit's code, templates, themes
and interface catalogues, the versions of every library that shapes the bytes (WeasyPrint and the Pango
and HarfBuzz it runs on, fontTools, uharfbuzz, ebooklib, OpenCC, Pillow, pikepdf…), the book's sources
and theme, the catalogues of the edition's own locales, the font files, the build date, the draft flag
and the profiles left out. An entry holds one file per format built so far and ``result.json`` (pages,
coverage, and the validators' results once a release has run them). A build after a build, or a
release after a build, reuses what is there; entries unused for ``MAX_AGE_DAYS`` or beyond
``MAX_BYTES`` in all (least recently used first) are evicted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__, atomic
from ..catalogs.extract import Layout
from ..model import Edition
from ..render.fonts import fontset
from ..sources import Sources
from ..theme import Theme

TOOLKIT = Path(__file__).resolve().parent.parent
BUNDLE_ONLY = {"templates/release.html.j2", "templates/release.md.j2", "release/page.py", "release/manifest.py",
               "release/onix.py", "cli.py"}
"""Toolkit files that shape the bundle around the editions, never an edition's bytes."""


def _files(root: Path, suffixes: tuple[str, ...] = ()) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in
                  p.relative_to(root).parts) and (not suffixes or p.suffix in suffixes))


def _hasher() -> tuple[hashlib._Hash, Callable[[str, bytes], None]]:
    h = hashlib.sha256()

    def feed(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    return h, feed


LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "pyphen", "fonttools", "uharfbuzz",
             "ebooklib", "opencc", "pillow", "pikepdf", "babel", "jinja2", "markupsafe", "markdown-it-py")
"""Python distributions whose version can change an edition's bytes."""
NATIVE = (("libpango-1.0.so.0", "pango_version_string"), ("libharfbuzz.so.0", "hb_version_string"))
"""Native libraries WeasyPrint shapes and lays text out with, and the function that names their version."""
MAX_BYTES = 2 * 1024**3
MAX_AGE_DAYS = 30


def library_versions() -> dict[str, str]:
    """The versions of the libraries that shape an edition's bytes (for the cache key)."""
    import ctypes
    from importlib import metadata

    found: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    for lib, function in NATIVE:
        try:
            call = getattr(ctypes.CDLL(lib), function)
            call.restype = ctypes.c_char_p
            found[lib] = call().decode()
        except (OSError, AttributeError):
            found[lib] = "absent"
    return found


def shared_digest(sources: Sources, theme: Theme) -> str:
    """The inputs every edition shares: toolkit code, templates, themes and interface catalogues, the book's sources.
    Read once per release."""
    h, feed = _hasher()
    feed("version", __version__.encode())
    feed("libraries", json.dumps(library_versions(), sort_keys=True).encode())
    suffixes = (".py", ".j2", ".txt", ".css", ".icc", ".po")
    toolkit = [p for p in _files(TOOLKIT, suffixes) if str(p.relative_to(TOOLKIT)) not in BUNDLE_ONLY]
    for base, files in ((TOOLKIT, toolkit), (sources.root, _files(sources.root))):
        for path in files:
            feed(str(path.relative_to(base)), path.read_bytes())
    for path in theme.files():
        feed(f"theme:{path.name}", path.read_bytes())
    return h.hexdigest()


def edition_key(shared: str, edition: Edition, layout: Layout, *, when: datetime, draft: bool,
                exclude: tuple[str, ...], theme: Theme, book_id: str) -> str:
    """``shared`` (see :func:`shared_digest`) plus the edition's own catalogues, fonts and options."""
    h, feed = _hasher()
    feed("shared", shared.encode())
    for loc in edition.locales:
        for path in _files(layout.root / loc / "LC_MESSAGES" / book_id, (".po",)):
            feed(str(path.relative_to(layout.root)), path.read_bytes())
    for face in fontset(edition.locales, theme.fonts).faces():
        path, index = face.file()
        st = path.stat()
        feed("font", f"{face.family}|{path}|{index}|{st.st_size}|{st.st_mtime_ns}".encode())
    feed("options", json.dumps({"edition": edition.model_dump(mode="json"), "when": when.isoformat(), "draft": draft,
                                "exclude": sorted(exclude)}, sort_keys=True).encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    folder: Path

    @property
    def result(self) -> dict[str, Any]:
        return json.loads((self.folder / "result.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def file(self, fmt: str) -> Path:
        return self.folder / file_name(fmt)

    def has(self, formats: tuple[str, ...] | list[str]) -> bool:
        return all(self.file(fmt).is_file() for fmt in formats)


def file_name(fmt: str) -> str:
    """An entry's file of ``fmt``, with the extension validators look for (EPUBCheck wants ``.epub``)."""
    return f"{fmt}.{'epub' if fmt == 'epub' else 'pdf'}"


def lookup(cache: Path, key: str) -> Entry | None:
    folder = cache / "editions" / key
    if not (folder / "result.json").is_file():
        return None
    os.utime(folder / "result.json")  # used now: the eviction keeps recently used entries
    return Entry(folder)


def store(cache: Path, key: str, files: dict[str, Path], result: dict[str, Any]) -> Entry:
    """Add the built files (and results) to the entry ``key``: what it had stays unless rebuilt. Written
    in a temporary folder renamed into place, so a reader never sees half an entry."""
    final = cache / "editions" / key
    tmp = atomic.temporary_folder_beside(final)  # swept by the next run if this process is killed
    try:
        merged: dict[str, Any] = {}
        if (final / "result.json").is_file():
            merged = json.loads((final / "result.json").read_text(encoding="utf-8"))
            for old in final.iterdir():
                if old.name != "result.json" and old.name not in {file_name(f) for f in files}:
                    shutil.copyfile(old, tmp / old.name)
        for fmt, path in files.items():
            shutil.copyfile(path, tmp / file_name(fmt))
        for name, value in result.items():
            merged[name] = {**merged.get(name, {}), **value} if isinstance(value, dict) else value
        (tmp / "result.json").write_text(json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        atomic.replace_folder(tmp, final)  # the entry is never missing, even under kill -9
    except OSError as exc:
        if exc.filename is None or str(exc.filename).startswith(str(tmp)):
            raise OSError(exc.errno, exc.strerror, str(final)) from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Entry(final)


def evict(cache: Path, *, max_bytes: int = MAX_BYTES, max_age_days: int = MAX_AGE_DAYS,
          keep: tuple[str, ...] = ()) -> list[str]:
    """Remove entries unused for ``max_age_days``, then the least recently used beyond ``max_bytes``
    (never those in ``keep``); also leftovers of interrupted stores. Returns the keys removed."""
    import time

    root = cache / "editions"
    if not root.is_dir():
        return []
    for leftover in root.glob(".*"):
        if time.time() - leftover.stat().st_mtime > 3600:
            shutil.rmtree(leftover, ignore_errors=True)
    entries = []
    for folder in root.iterdir():
        if folder.name.startswith(".") or not (folder / "result.json").is_file():
            continue
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        entries.append(((folder / "result.json").stat().st_mtime, size, folder))
    entries.sort(reverse=True)   # most recently used first
    removed, total, now = [], 0, time.time()
    for used, size, folder in entries:
        total += size
        if folder.name not in keep and (now - used > max_age_days * 86400 or total > max_bytes):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
