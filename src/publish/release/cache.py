"""A content-addressed cache of built editions: ``.publish-cache/editions/<key>/``.

The key hashes every input that can change an edition's bytes: the toolkit's code and templates,
the styles, the book's sources, the catalogues of the edition's own locales, the font files, the
build date, the draft flag and the profiles left out. A release with nothing changed reuses every
edition (and its validators' results); a change to the zh_Hant catalogue changes only the zh-Hant key.
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

from .. import __version__
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


def shared_digest(sources: Sources, theme: Theme) -> str:
    """The inputs every edition shares: toolkit code, templates, themes and interface catalogues, the book's sources.
    Read once per release."""
    h, feed = _hasher()
    feed("version", __version__.encode())
    suffixes = (".py", ".j2", ".txt", ".css", ".icc", ".po")
    toolkit = [p for p in _files(TOOLKIT, suffixes) if str(p.relative_to(TOOLKIT)) not in BUNDLE_ONLY]
    for base, files in ((TOOLKIT, toolkit), (sources.root, _files(sources.root))):
        for path in files:
            feed(str(path.relative_to(base)), path.read_bytes())
    for path in theme.files():
        feed(f"theme:{path.name}", path.read_bytes())
    return h.hexdigest()


def edition_key(shared: str, edition: Edition, layout: Layout, *, when: datetime, draft: bool,
                exclude: tuple[str, ...], formats: tuple[str, ...], theme: Theme, book_id: str) -> str:
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
                                "exclude": sorted(exclude), "formats": list(formats)}, sort_keys=True).encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    folder: Path

    @property
    def result(self) -> dict[str, Any]:
        return json.loads((self.folder / "result.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def file(self, fmt: str) -> Path:
        return self.folder / fmt


def lookup(cache: Path, key: str) -> Entry | None:
    folder = cache / "editions" / key
    return Entry(folder) if (folder / "result.json").is_file() else None


def store(cache: Path, key: str, files: dict[str, Path], result: dict[str, object]) -> Entry:
    """Move the built files into the cache under ``key`` (atomically: a folder renamed into place)."""
    final = cache / "editions" / key
    tmp = cache / "editions" / f".{key}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for fmt, path in files.items():
        shutil.copyfile(path, tmp / fmt)
    (tmp / "result.json").write_text(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    return Entry(final)
