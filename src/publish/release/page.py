"""The release bundle's download page (``index.html``) and its Markdown twin (``RELEASE.md``).

Both are rendered from ``manifest.json``'s dict. The page is plain static HTML5: no JavaScript, no
external resources, inline CSS, relative links only, so it works opened from the folder (file://) or
from any web server. Its interface language is English (it is for distributors); book titles are
printed as they are, escaped. The manifest is checked first: a file name that is not a plain name in
the bundle folder (``../x``, ``a/b``) is a :class:`RenderError`, so every link stays inside the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jinja2
from babel import Locale, UnknownLocaleError
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

from ..assets import TEMPLATES
from ..errors import RenderError

EXTRAS = ("SHA256SUMS", "manifest.json", "onix.xml", "RELEASE.md")
FORMATS = {  # display order: short name, long name, media type
    "epub": ("EPUB 3", "Reflowable e-book", "application/epub+zip"),
    "pdf": ("PDF", "Tagged, PDF/UA-1", "application/pdf"),
    "print": ("Print PDF", "Print-ready, PDF/X-4", "application/pdf"),
    "cover-wrap": ("Cover wrap", "Print cover: back, spine and front, with bleed", "application/pdf"),
    "cover": ("Cover", "JPEG image", "image/jpeg"),
    "ace-report": ("Ace report", "Accessibility check of the EPUB (JSON)", "application/json"),
}
LANGUAGES = {"en": "English", "zh-Hans": "Simplified Chinese", "zh-Hant": "Traditional Chinese"}
EDITIONS = {"en": "English edition", "zh-hans": "Simplified Chinese edition",
            "zh-hant": "Traditional Chinese edition", "bilingual": "Bilingual edition"}
_BAD_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|^$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])|&(?=#?\w+;)")


@dataclass(frozen=True)
class Check:
    """One validator's verdict on one file: ``EPUBCheck 5.3.0: 0 error / 0 fatal``; ``ok`` is the manifest's
    ``passed`` (data, never read back from the text)."""

    text: str
    ok: bool


@dataclass(frozen=True)
class Standard:
    """A standard a file is held to and what verified it: ``ok`` only when a checker ran and passed."""

    name: str
    status: str       # "verified", "self-certified", "not verified", "failed", "not claimed"
    detail: str
    ok: bool


@dataclass(frozen=True)
class ArtifactRow:
    file: str
    href: str
    fmt: str
    format_name: str
    format_detail: str
    media_type: str
    bytes: int
    size: str
    isbn: str
    pages: str
    sha256: str
    validators: tuple[Check, ...]
    standards: tuple[Standard, ...] = ()


@dataclass(frozen=True)
class EditionBlock:
    id: str
    name: str
    language: str          # BCP 47 tags as in the manifest: "zh-Hans, en"
    language_names: str    # "Simplified Chinese and English"
    coverage: str
    thumbnail: str | None
    thumbnail_href: str | None
    cover_href: str | None
    rows: tuple[ArtifactRow, ...]


@dataclass(frozen=True)
class PageView:
    book: str
    version: str
    draft: bool
    date: str
    title: str
    subtitle: str
    publisher: str
    excluded: tuple[str, ...]
    gate: tuple[str, ...]                 # the release gate's reasons (a draft's)
    editions: tuple[EditionBlock, ...]
    extras: tuple[tuple[str, str], ...]   # (file name, href)
    files: int
    total_size: str
    licences: tuple[tuple[str, str, str, str], ...] = ()   # (what, licence short name, url, attribution)


def release_markdown(manifest: dict) -> str:
    """RELEASE.md: the bundle's contents as Markdown, a table per edition, relative links."""
    return _environment().get_template("release.md.j2").render(page=page_view(manifest))


def release_html(manifest: dict) -> str:
    """index.html: the bundle's static download page."""
    return _environment().get_template("release.html.j2").render(page=page_view(manifest))


def page_view(manifest: dict) -> PageView:
    """The manifest checked and shaped for the templates: human names, sizes, hyphenated ISBNs."""
    if not isinstance(manifest, dict):
        raise RenderError("release manifest: expected a JSON object")
    for key in ("book", "version", "title", "artifacts"):
        if key not in manifest:
            raise RenderError(f"release manifest: missing {key!r}")
    artifacts = manifest["artifacts"]
    if not isinstance(artifacts, list) or not artifacts:
        raise RenderError("release manifest: 'artifacts' must be a non-empty list")
    groups: dict[str, list[dict[str, Any]]] = {}
    for i, artifact in enumerate(artifacts):
        if not isinstance(artifact, dict):
            raise RenderError(f"release manifest: artifacts[{i}] is not an object")
        for key in ("file", "edition", "format", "bytes", "sha256"):
            if key not in artifact:
                raise RenderError(f"release manifest: artifacts[{i}] has no {key!r}")
        _check_name(artifact["file"])
        if artifact.get("thumbnail") is not None:
            _check_name(artifact["thumbnail"])
        if not re.fullmatch(r"[0-9a-f]{64}", str(artifact["sha256"])):
            raise RenderError(f"release manifest: {artifact['file']}: sha256 is not 64 lowercase hex digits")
        groups.setdefault(str(artifact["edition"]), []).append(artifact)
    editions = tuple(_edition(edition, items, str(manifest["title"])) for edition, items in groups.items())
    total = sum(int(a["bytes"]) for a in artifacts)
    return PageView(
        book=str(manifest["book"]), version=str(manifest["version"]), draft=bool(manifest.get("draft", False)),
        date=str(manifest.get("source_date") or "")[:10], title=_one_line(manifest["title"]),
        subtitle=_one_line(manifest.get("subtitle") or ""), publisher=_one_line(manifest.get("publisher") or ""),
        excluded=tuple(str(p) for p in manifest.get("excluded_profiles") or ()),
        gate=tuple(_one_line(str(g)) for g in manifest.get("gate") or ()),
        editions=editions, extras=tuple((name, quote(name)) for name in EXTRAS),
        files=len(artifacts), total_size=human_size(total), licences=_licence_rows(manifest.get("licences")),
    )


def _licence_rows(value: object) -> tuple[tuple[str, str, str, str], ...]:
    if not isinstance(value, dict):
        return ()
    rows = []
    for kind, label in (("editions", "Edition"), ("profiles", "Profile")):
        for name, lic in sorted((value.get(kind) or {}).items()):
            if not isinstance(lic, dict) or not str(lic.get("url", "")).startswith("https://"):
                raise RenderError(f"release manifest: licence of {kind} {name!r} needs an https url")
            rows.append((f"{label} {name}", _one_line(lic.get("short", "")), str(lic["url"]),
                         _one_line(lic.get("attribution") or "")))
    return tuple(rows)


def human_size(n: int) -> str:
    """Decimal units as file managers show them: 950 B, 160 KB, 2.4 MB."""
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{round(n / 1000)} KB"
    if n < 1_000_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1_000_000_000:.2f} GB"


def hyphenated_isbn(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(stdnum_isbn.format(value))
    except ValidationError:
        return str(value)


def language_names(tags: str) -> str:
    names = [_language_name(t.strip()) for t in tags.split(",") if t.strip()]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def md_escape(value: object) -> str:
    """Backslash-escape what Markdown would read as markup (emphasis, links, HTML, tables, headings)."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), _one_line(value))


def _language_name(tag: str) -> str:
    if tag in LANGUAGES:
        return LANGUAGES[tag]
    try:
        return str(Locale.parse(tag, sep="-").get_display_name("en"))
    except (ValueError, UnknownLocaleError):
        return tag


def _edition(edition: str, items: list[dict[str, Any]], title: str) -> EditionBlock:
    rank = {fmt: i for i, fmt in enumerate(FORMATS)}
    items = sorted(items, key=lambda a: (rank.get(str(a["format"]), len(rank)), str(a["file"])))
    language = next((str(a["language"]) for a in items if a.get("language")), "")
    thumbnail = next((str(a["thumbnail"]) for a in items if a.get("thumbnail")), None)
    cover = next((str(a["file"]) for a in items if a["format"] == "cover"), None)
    coverage = next((a["coverage"] for a in items if a.get("coverage") is not None), None)
    names = language_names(language)
    name = EDITIONS.get(edition) or (f"{names} edition" if names else f"Edition {edition}")
    return EditionBlock(
        id=edition, name=name, language=language, language_names=names,
        coverage="" if coverage is None else f"{float(coverage):g}%",
        thumbnail=thumbnail, thumbnail_href=quote(thumbnail) if thumbnail else None,
        cover_href=quote(cover) if cover else None, rows=tuple(_row(a) for a in items),
    )


def _row(a: dict[str, Any]) -> ArtifactRow:
    fmt = str(a["format"])
    name, detail, media_type = FORMATS.get(fmt, (fmt.upper(), fmt.upper(), "application/octet-stream"))
    pages = a.get("pages")
    return ArtifactRow(
        file=str(a["file"]), href=quote(str(a["file"])), fmt=fmt, format_name=name, format_detail=detail,
        media_type=media_type, bytes=int(a["bytes"]), size=human_size(int(a["bytes"])),
        isbn=hyphenated_isbn(a.get("isbn")),
        pages="" if pages is None else str(pages), sha256=str(a["sha256"]),
        validators=tuple(_check(str(a["file"]), str(tool), v)
                         for tool, v in sorted((a.get("validators") or {}).items())),
        standards=tuple(_standard(str(a["file"]), s) for s in a.get("standards") or ()),
    )


def _check(file: str, tool: str, value: object) -> Check:
    """A validator's result as data: ``{"counts": {...}, "passed": bool}``, shown as ``0 error / 0 warning``."""
    if not isinstance(value, dict) or not isinstance(value.get("passed"), bool) or not isinstance(
            value.get("counts"), dict):
        raise RenderError(f"release manifest: {file}: validator {tool!r} needs 'counts' and a boolean 'passed'")
    text = " / ".join(f"{n} {kind}" for kind, n in value["counts"].items()) or "no findings"
    return Check(f"{tool}: {text}", ok=value["passed"])


def _standard(file: str, value: object) -> Standard:
    if not isinstance(value, dict) or not isinstance(value.get("standard"), str):
        raise RenderError(f"release manifest: {file}: a standard needs a 'standard' name")
    by = [str(t) for t in value.get("verified_by") or ()]
    note = _one_line(value.get("note") or "")
    if not value.get("claimed"):
        return Standard(value["standard"], "not claimed", note, ok=False)
    if not by:
        return Standard(value["standard"], "not verified", note, ok=False)
    if not value.get("passed"):
        return Standard(value["standard"], "failed", "checked with " + ", ".join(by), ok=False)
    detail = "checked with " + ", ".join(by)
    if value.get("certified_by"):
        return Standard(value["standard"], "self-certified",
                        f"{detail}; certified by {_one_line(value['certified_by'])} on these automated checks", ok=True)
    return Standard(value["standard"], "verified", detail, ok=True)


def _check_name(name: object) -> None:
    if not isinstance(name, str) or _BAD_NAME.search(name) or name in (".", ".."):
        raise RenderError(f"release manifest: {name!r} is not a plain file name in the bundle folder")


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html"), default=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    return env
