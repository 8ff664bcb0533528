"""What a part laid out on its own is known by (:mod:`publish.render.partbuild`): what every part of an edition
is laid out with, a part's cache key, and what the assembly needs to know of a laid-out part's pages.

A part's cache key is its own HTML, the format, the page set-up and fonts CSS and :func:`layout_digest`
(the toolkit, the libraries, the theme, the book's non-text files): a profile's key does not change when
another profile does, nor when the build date does (profiles are laid out with a fixed stamp).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Trim
from ..theme import Theme
from .fonts import fontset
from .pagemap import PageStart


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


def record(laid: Laid) -> dict[str, Any]:
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


