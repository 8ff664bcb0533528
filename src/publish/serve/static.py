"""Files the preview may send: stylesheets and what they use, inside a named folder and nowhere else.

``/static/<folder>/<path>`` where ``<folder>`` is ``book`` (the book folder), ``theme`` (the project
theme's folder, when the book has one) or ``toolkit`` (the built-in default theme). The path is
decoded once, then refused when any segment is empty, ``.`` or ``..``, when it holds a backslash or a
NUL, when it is absolute, when the file it resolves to (symlinks followed) is outside its folder or
outside the project (the built-in theme excepted), or when its type is not one a stylesheet uses.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

TYPES = {
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
}
"""What a stylesheet may reference, and its Content-Type. Sources (YAML, .po) are never sent."""


class Refused(Exception):
    """A path that tries to leave its folder (403), as opposed to one that is simply not there (404)."""


def resolve(folder: Path, raw: str, *, project: Path | None) -> Path | None:
    """The file ``raw`` (a URL path, still %-encoded) names in ``folder``; None when it is not there or
    not of a type we send; :class:`Refused` when it tries to leave ``folder`` (or ``project``)."""
    path = unquote(raw, errors="strict")
    if "\\" in path or "\0" in path or path.startswith("/") or Path(path).is_absolute():
        raise Refused(raw)
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise Refused(raw)
    base = folder.resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or (project is not None and not target.is_relative_to(project.resolve())):
        raise Refused(raw)
    if target.suffix.lower() not in TYPES or not target.is_file():
        return None
    return target


def url(folders: dict[str, Path], file: Path) -> str | None:
    """The ``/static/…`` URL of ``file``, if it is in one of the named folders."""
    resolved = file.resolve()
    for name, where in folders.items():
        base = where.resolve()
        if resolved.is_relative_to(base):
            return f"/static/{name}/{resolved.relative_to(base).as_posix()}"
    return None
