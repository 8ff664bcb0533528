"""A book's design: the built-in ``default`` theme, or a theme folder of the project layered on it.

``book.yaml`` names the theme (``theme: default``, or the name of a folder under the project's
``themes/``, or a path inside the project) and may add stylesheets of its own (``stylesheets:``,
paths in the book folder), applied last. A project theme folder may hold:

- ``book.css`` (print and screen) and ``epub.css`` (EPUB only), applied after the default theme's;
- ``templates/``: Jinja2 templates overriding the toolkit's by file name (as Sphinx and MkDocs themes);
- ``theme.toml``: ``[fonts]`` ``latin``, ``serif``, ``sans`` — font families (fontconfig names; ``{region}``
  stands for ``SC`` or ``TC``). The glyph gate, the EPUB font subsets and the fetcher follow them.

A theme outside the project, a missing theme folder or an unknown font is a located error.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import assets
from .errors import Location, Problem, Severity, SourceError, relpath
from .project import Project
from .sources import Sources


@dataclass(frozen=True)
class Fonts:
    """Font families of a theme; ``{region}`` is replaced by the edition's ``SC`` or ``TC``."""

    latin: str = "EB Garamond 12"
    serif: str = "Noto Serif CJK {region}"
    sans: str = "Noto Sans CJK {region}"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]
    """Most specific first: the project theme's folder (if any), then the built-in default."""
    stylesheets: tuple[Path, ...]
    """In cascade order: the default theme, the project theme, the book's own."""
    epub_stylesheets: tuple[Path, ...]
    fonts: Fonts

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        own = tuple(f / "templates" for f in self.folders if (f / "templates").is_dir())
        return (*own, assets.TEMPLATES)

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders the renderer may read for this theme (stylesheets, their images and fonts)."""
        return self.folders

    def files(self) -> list[Path]:
        """Every file of the theme and the book's stylesheets (for the edition cache key)."""
        found = [p for f in self.folders if f != assets.DEFAULT_THEME for p in sorted(f.rglob("*")) if p.is_file()]
        return found + [p for p in self.stylesheets if p not in found and not p.is_relative_to(assets.PACKAGE)]


DEFAULT = Theme("default", (assets.DEFAULT_THEME,), (assets.DEFAULT_THEME / "book.css",),
                (assets.DEFAULT_THEME / "epub.css",), Fonts())
"""The built-in theme, as used when nothing else is asked for."""


def resolve(project: Project | None, sources: Sources) -> Theme:
    """The theme of ``sources``' book, checked: located errors for anything missing or outside."""
    book = sources.book
    name = book.theme
    problems: list[Problem] = []
    folders: list[Path] = []
    if assets.builtin_theme(name) is None:
        folder = _project_theme(project, sources, name, problems)
        if folder is not None:
            folders.append(folder)
    folders.append(assets.DEFAULT_THEME)
    sheets = [assets.DEFAULT_THEME / "book.css"] + [f / "book.css" for f in folders[:-1] if (f / "book.css").is_file()]
    epub = [assets.DEFAULT_THEME / "epub.css"] + [f / "epub.css" for f in folders[:-1] if (f / "epub.css").is_file()]
    for i, extra in enumerate(book.stylesheets):
        path = (sources.root / extra).resolve()
        where = sources.locate("book", ("stylesheets", i))
        if not path.is_relative_to(sources.root.resolve()):
            problems.append(Problem(where, Severity.ERROR, f"stylesheet {extra!r} is outside the book folder",
                                    "theme.outside"))
        elif not path.is_file():
            problems.append(Problem(where, Severity.ERROR, f"stylesheet {extra!r} does not exist", "theme.missing"))
        else:
            sheets.append(path)
    fonts = _fonts(folders[0] if len(folders) > 1 else None, problems)
    if problems:
        raise SourceError(problems)
    return Theme(name, tuple(folders), tuple(sheets), tuple(epub), fonts)


def _project_theme(project: Project | None, sources: Sources, name: str, problems: list[Problem]) -> Path | None:
    where = sources.locate("book", ("theme",))
    if project is None:
        problems.append(Problem(where, Severity.ERROR, f"theme {name!r}: not a built-in theme (default), and the "
                                "book is not inside a project", "theme.missing"))
        return None
    candidates = [project.themes / name, project.root / name]
    for folder in candidates:
        resolved = folder.resolve()
        if not resolved.is_relative_to(project.root):
            problems.append(Problem(where, Severity.ERROR, f"theme {name!r} is outside the project "
                                    f"({relpath(project.root)})", "theme.outside"))
            return None
        if resolved.is_dir():
            return resolved
    problems.append(Problem(where, Severity.ERROR, f"theme {name!r} not found: not a built-in theme (default), no "
                            f"folder {relpath(project.themes / name)}", "theme.missing"))
    return None


def _fonts(folder: Path | None, problems: list[Problem]) -> Fonts:
    if folder is None or not (folder / "theme.toml").is_file():
        return Fonts()
    file = folder / "theme.toml"
    text = file.read_text(encoding="utf-8")
    shown = relpath(file)

    def where(key: str) -> Location:
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", line):
                return Location(shown, n, field=key)
        return Location(shown, field=key)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(Location(shown), Severity.ERROR, f"not valid TOML: {exc}", "theme.syntax"))
        return Fonts()
    unknown = sorted(set(data) - {"fonts"})
    for key in unknown:
        problems.append(Problem(where(key), Severity.ERROR, f"unknown table or key '{key}' (known: [fonts])",
                                "theme.key"))
    chosen = dict(Fonts().__dict__)
    for key, value in (data.get("fonts") or {}).items():
        if key not in chosen or not isinstance(value, str):
            problems.append(Problem(where(key), Severity.ERROR, f"[fonts] {key}: known keys are latin, serif, sans "
                                    "(font family names)", "theme.key"))
            continue
        from .render.fonts import installed

        for region in (("SC", "TC") if "{region}" in value else ("SC",)):
            family = value.replace("{region}", region)
            if not installed(family):
                problems.append(Problem(where(key), Severity.ERROR, f"font '{family}' is not installed "
                                        "(fontconfig does not know it)", "theme.font"))
                break
        chosen[key] = value
    return Fonts(**chosen)

