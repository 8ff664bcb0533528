"""The faces each edition is set in, their CSS, and the glyph-coverage gate.

Chinese text is set in Noto Serif CJK (SC glyph forms for zh-Hans, TC for zh-Hant: the regional forms
differ), headings in Noto Sans CJK; English in EB Garamond. Every stack names the edition's regional
CJK face, margin boxes included, so nothing falls back to the JP face. The gate checks every
character of an edition against the cmaps of the faces that can set it before anything is rendered:
WeasyPrint would drop a missing glyph silently.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import Location, Problem, RenderError, Severity

LATIN_SERIF = "EB Garamond 12"
LATIN_PACKAGE = "fonts-ebgaramond"
CJK_PACKAGE = "fonts-noto-cjk"


@dataclass(frozen=True)
class Face:
    family: str
    package: str

    def file(self) -> tuple[Path, int]:
        return _match(self.family)


def cjk_region(locale: str) -> str:
    """``SC`` or ``TC``: the glyph forms of Simplified or Traditional Chinese."""
    return "TC" if locale in ("zh_Hant", "zh_TW", "zh_HK") else "SC"


@dataclass(frozen=True)
class FontSet:
    """The faces of one edition: its Chinese region (SC/TC) and the theme's families."""

    region: str
    latin_family: str = LATIN_SERIF
    serif_family: str = "Noto Serif CJK {region}"
    sans_family: str = "Noto Sans CJK {region}"

    @property
    def serif(self) -> Face:
        return Face(self.serif_family.replace("{region}", self.region), CJK_PACKAGE)

    @property
    def sans(self) -> Face:
        return Face(self.sans_family.replace("{region}", self.region), CJK_PACKAGE)

    @property
    def latin(self) -> Face:
        return Face(self.latin_family.replace("{region}", self.region), LATIN_PACKAGE)

    def faces(self) -> tuple[Face, ...]:
        return (self.latin, self.serif, self.sans)

    def names(self) -> str:
        """For the colophon."""
        return f"{self.latin.family.removesuffix(' 12')}, {self.serif.family}, {self.sans.family}"

    def css(self) -> str:
        latin, serif, sans = (f'"{f.family}"' for f in self.faces())
        # families set where the language changes (an element with its own lang) and inherited below it:
        # ":lang(zh)" would also match every span of a heading (nobr, halt, the CJK–Latin margins) and set
        # it in the body's serif inside a sans heading
        return f"""
@page {{ font-family: {latin}, {serif}; }}
html {{ font-family: {latin}, {serif}; }}
[lang|="zh"] {{ font-family: {serif}, {latin}; }}
[lang|="en"] {{ font-family: {latin}, {serif}; }}
h1:lang(zh), h2:lang(zh), h3:lang(zh), .speaker:lang(zh),
h1 [lang|="zh"], h2 [lang|="zh"], h3 [lang|="zh"], .speaker [lang|="zh"] {{
  font-family: {sans}, {latin}; }}
"""


def fontset(locales: tuple[str, ...] | list[str], fonts: object | None = None) -> FontSet:
    """The bilingual edition uses its Chinese locale's region; ``fonts`` is a theme's
    :class:`publish.theme.Fonts` (default: the default theme's)."""
    zh = [loc for loc in locales if loc.startswith("zh")]
    region = cjk_region(zh[0]) if zh else "SC"
    if fonts is None:
        return FontSet(region)
    return FontSet(region, fonts.latin, fonts.serif, fonts.sans)  # type: ignore[attr-defined]


@cache
def variant_file(family: str, *, style: str = "normal", weight: str = "normal") -> tuple[Path, int] | None:
    """The file and index of ``family``'s own italic and/or bold face, or None when it has none (Noto
    CJK has no italic: the CSS sets Chinese emphasis upright; EB Garamond 12 no bold italic). fc-list,
    not fc-match: fc-match answers with a face to be slanted or emboldened."""
    pattern = family + (":slant=100" if style == "italic" else ":slant=0") + (
        ":weight=200" if weight == "bold" else ":weight=80")
    try:
        out = subprocess.run(["fc-list", pattern, "file", "index"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RenderError(f"fontconfig's fc-list is not available: {exc}") from exc
    for line in sorted(out.splitlines()):
        file, _, index = line.partition(": :index=")
        if file:
            return Path(file), int(index or 0)
    return None


def installed(family: str) -> bool:
    """Whether fontconfig has a face of ``family``."""
    try:
        _match(family)
    except RenderError:
        return False
    return True


@cache
def _match(family: str) -> tuple[Path, int]:
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\t%{file}\t%{index}", family],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RenderError(f"fontconfig's fc-match is not available: {exc}") from exc
    found, file, index = out.split("\t")
    if family.lower() not in found.lower():
        raise RenderError(f"font '{family}' is not installed (fontconfig offers '{found.split(',')[0]}'); "
                          f"install the Debian package with `make system`")
    return Path(file), int(index or 0)


_CMAPS: dict[tuple[Path, int], frozenset[int]] = {}


def cmap(path: Path, index: int, cache: Path | None = None) -> frozenset[int]:
    """The characters a face maps (its best cmap), kept for the process; with ``cache`` (the project's
    cache folder), also on disk by the font file's path, size, time and inode and fontTools' version: a
    CJK face's cmap takes about half a second of CPU to read."""
    found = _CMAPS.get((path, index))
    if found is not None:
        return found
    record = None
    if cache is not None:
        from importlib.metadata import version

        st = path.stat()
        ident = f"{path}|{index}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}|{version('fonttools')}"
        record = cache / "cmaps" / (hashlib.sha256(ident.encode()).hexdigest()[:32] + ".json")
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            found = frozenset(c for a, b in data["ranges"] for c in range(a, b + 1))
        except (OSError, ValueError, KeyError, TypeError):
            found = None
    if found is None:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            found = frozenset(font.getBestCmap() or {})
        if record is not None:
            from .. import atomic

            atomic.write_record(record, json.dumps({"ranges": _ranges(found)}).encode())
    _CMAPS[(path, index)] = found
    return found


def _ranges(codes: frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c in sorted(codes):
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


_IGNORED = {0x09, 0x0A, 0x0D, 0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def missing_glyphs(text: str, faces: tuple[Face, ...], cache: Path | None = None) -> list[str]:
    """Characters of ``text`` that no face of the stack can set (``cache``: see :func:`cmap`)."""
    maps = [cmap(*face.file(), cache) for face in faces]
    return sorted(ch for ch in set(text) if ord(ch) not in _IGNORED and not any(ord(ch) in m for m in maps))


def glyph_gate(texts: dict[str, str], faces: tuple[Face, ...], edition: str, roots: list[Path],
               cache: Path | None = None) -> None:
    """Fail with every character the faces cannot set, located in the sources or catalogues.

    ``texts`` maps a label to text; ``roots`` are searched for the lines that contain each character.
    """
    problems = []
    for ch in missing_glyphs("".join(texts.values()), faces, cache):
        where = list(_find(ch, roots)) or [Location(edition)]
        for loc in where[:3]:
            problems.append(Problem(loc, Severity.ERROR,
                                    f"no glyph for {ch!r} (U+{ord(ch):04X}) in the fonts of edition "
                                    f"'{edition}' ({', '.join(f.family for f in faces)})", "render.glyph"))
    if problems:
        raise RenderError(problems)


def _find(ch: str, roots: list[Path]):  # type: ignore[no-untyped-def]
    from ..errors import relpath

    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".po"))
        for path in files:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for n, line in enumerate(lines, 1):
                if ch in line:
                    yield Location(relpath(path), n, line.index(ch) + 1)
