"""The EPUB 3 edition: ebooklib assembles the package from the edition's own HTML; we make it exact.

Content documents come from :mod:`.xhtml` (the same HTML as the PDFs, with the print edition's page
breaks marked); the navigation document (contents, landmarks, page-list) and the cover page are
Jinja2 templates, so their labels are translated like every other interface label. Fonts are subset
per edition (:mod:`.subset`). ebooklib writes "now" as ``dcterms:modified`` and stamps zip entries with
the current time, so the package is rewritten: ``mimetype`` first and stored, entries in a fixed
order with the build date, the OPF's ``dcterms:modified`` from SOURCE_DATE_EPOCH, ``xml:lang`` on the
``<package>`` and a ``<guide>`` cover reference for EPUB 2 reading systems (Calibre shows the cover
twice without it).

No accessibility conformance is claimed when the EPUB is written: a claim is derived from checks.
:func:`certify` adds ``dcterms:conformsTo`` and ``a11y:certifiedBy`` (the publisher, a
self-certification) to a package that Ace by DAISY and EPUBCheck passed; the release does that.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import atomic
from ..errors import RenderError
from ..vocab import ROLES
from .epubdocs import Doc, Member
from .subset import Subset
from .xhtml import LANDMARKS, XML_LANG

CONFORMS = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
"""The claim :func:`certify` makes, only for a package the checkers passed."""
RELATORS = set(ROLES) | {"ant"}
"""The vocabulary's roles, and ``ant`` (bibliographic antecedent): each source publisher, in the EPUB only."""
CREATOR_ROLES = {"aut", "edt", "com", "ant"}
"""Roles shown as ``dc:creator`` (who made the collection and what it is based on); others are contributors."""


@dataclass(frozen=True)
class Creator:
    name: str
    role: str          # MARC relator
    file_as: str


@dataclass(frozen=True)
class EpubMeta:
    isbn: str
    """The EPUB's ISBN, or "" when the edition has none yet."""
    title: str
    languages: tuple[str, ...]                     # BCP 47, the edition's language first
    creators: tuple[Creator, ...]
    publisher: str
    rights: str
    modified: datetime
    summary: str                                   # the localised accessibility summary
    alt_titles: tuple[tuple[str, str], ...] = ()   # (BCP 47, title)
    subtitle: str = ""
    alt_subtitles: tuple[tuple[str, str], ...] = ()
    page_source: str = ""                          # the print edition's ISBN: where the page-list comes from
    description: str = ""                          # book.yaml's description, in the edition's language
    uid: str = ""                                  # a name-based UUID of book and edition: the id with no ISBN


@dataclass
class EpubParts:
    chapters: list[Doc]
    nav: bytes                  # rendered nav.xhtml
    cover_page: bytes           # rendered cover.xhtml
    cover_jpeg: bytes
    css: str
    fonts: list[Subset] = field(default_factory=list)
    body_class: str = ""


def features(parts: EpubParts) -> list[str]:
    """schema.org accessibility features, derived from what the package really contains."""
    found = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if any(ch.pages for ch in parts.chapters):
        found.append("printPageNumbers")
    cover = re.findall(rb"<img\b[^>]*>", parts.cover_page)
    images = len(cover) + sum(ch.images for ch in parts.chapters)
    with_alt = sum(1 for img in cover if re.search(rb'\balt="[^"]+"', img)) + \
        sum(ch.images_with_alt for ch in parts.chapters)
    if images and with_alt == images:
        found.append("alternativeText")
    return sorted(found)


def write_epub(parts: EpubParts, meta: EpubMeta, target: Path) -> list[str]:
    """Write the EPUB atomically; return the accessibility features it declares."""
    from ebooklib import epub

    lang = meta.languages[0]
    book = epub.EpubBook()
    book.FOLDER_NAME = "EPUB"
    # an edition with no EPUB ISBN yet (the release gate refuses it) still gets a stable, unique identifier
    book.set_identifier(f"urn:isbn:{meta.isbn.replace('-', '')}" if meta.isbn else f"urn:uuid:{meta.uid}")
    book.title = meta.title
    book.add_metadata("DC", "title", meta.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        book.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(lang)
    for tag in meta.languages[1:]:
        book.add_metadata("DC", "language", tag)
    found = features(parts)
    _metadata(book, meta, found)
    book.set_direction("ltr")
    # ebooklib writes the package document; the files themselves go into the zip as they are (the
    # content documents compressed once, publish.render.epubdocs)
    members: dict[str, bytes | Member] = {}

    def item(uid: str, file_name: str, media_type: str, content: bytes | Member,
             properties: tuple[str, ...] = ()) -> Any:  # noqa: ANN401 - an ebooklib EpubItem
        made = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type, content=b"")
        if properties:
            made.properties = list(properties)
        members[f"EPUB/{file_name}"] = content
        book.add_item(made)
        return made

    item("css", "css/book.css", "text/css", (_font_faces(parts.fonts) + parts.css).encode("utf-8"))
    for font in parts.fonts:
        item(f"font-{Path(font.filename).stem}", f"fonts/{font.filename}", font.media_type, font.data)
    item("cover-image", "images/cover.jpg", "image/jpeg", parts.cover_jpeg, ("cover-image",))
    item("cover", "cover.xhtml", "application/xhtml+xml", parts.cover_page)
    item("nav", "nav.xhtml", "application/xhtml+xml", parts.nav, ("nav",))
    spine = ["cover"]
    for ch in parts.chapters:
        uid = "x-" + ch.file.removesuffix(".xhtml")
        if ch.kind == "profile" and "nav" not in spine:
            spine.append("nav")          # the contents, where the printed book has its contents page
        item(uid, ch.file, "application/xhtml+xml", ch.member)
        spine.append(uid)
    book.spine = spine

    raw = io.BytesIO()
    epub.write_epub(raw, book, {"epub3_pages": False, "epub3_landmark": False, "spine_direction": False,
                                "play_order": {"enabled": False}})
    data = _reproducible(raw.getvalue(), meta.modified, lang, members)
    atomic.write_bytes(target, data)
    return found


def _metadata(book, meta: EpubMeta, found: list[str]) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    for tag, title in meta.alt_titles:
        book.add_metadata(None, "meta", title, {"refines": "#title", "property": "alternate-script", XML_LANG: tag})
    for tag, subtitle in meta.alt_subtitles if meta.subtitle else ():
        book.add_metadata(None, "meta", subtitle, {"refines": "#subtitle", "property": "alternate-script",
                                                   XML_LANG: tag})
    for i, c in enumerate(meta.creators, 1):
        if c.role not in RELATORS:
            raise RenderError(f"contributor {c.name}: unknown MARC relator {c.role!r}")
        kind = "creator" if c.role in CREATOR_ROLES else "contributor"
        book.add_metadata("DC", kind, c.name, {"id": f"c{i}"})
        book.add_metadata(None, "meta", c.role, {"refines": f"#c{i}", "property": "role", "scheme": "marc:relators"})
        book.add_metadata(None, "meta", c.file_as, {"refines": f"#c{i}", "property": "file-as"})
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    book.add_metadata("DC", "publisher", meta.publisher)
    book.add_metadata("DC", "rights", meta.rights)
    book.add_metadata("DC", "date", meta.modified.strftime("%Y-%m-%d"))
    if meta.page_source and "printPageNumbers" in found:
        # EPUB Accessibility 1.1 §pageSource: the page-list's print edition, by its ISBN
        book.add_metadata("DC", "source", f"urn:isbn:{meta.page_source.replace('-', '')}", {"id": "page-source"})
        book.add_metadata(None, "meta", "pagination", {"refines": "#page-source", "property": "source-of"})
    for mode in ("textual",):
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in found:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    book.add_metadata(None, "meta", meta.summary, {"property": "schema:accessibilitySummary"})


def _font_faces(fonts: list[Subset]) -> str:
    return "".join(f'@font-face {{ font-family: "{f.family}"; font-style: {f.style}; font-weight: {f.weight}; '
                   f'src: url("../fonts/{f.filename}"); }}\n' for f in fonts)


FIRST = ("mimetype", "META-INF/container.xml", "EPUB/content.opf")


def _reproducible(data: bytes, modified: datetime, lang: str, members: dict[str, bytes | Member]) -> bytes:
    """Same inputs, same bytes: fixed order and timestamps, our ``dcterms:modified``, mimetype stored first;
    ``members``: the files ebooklib was given empty."""
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        written = {info.filename: src.read(info) for info in src.infolist()}
    if set(written) - set(FIRST) != set(members):
        raise RenderError(f"ebooklib wrote {sorted(set(written) - set(FIRST) ^ set(members))} unexpectedly")
    entries: dict[str, bytes | Member] = {**{k: written[k] for k in FIRST[1:]}, **members}
    opf = written["EPUB/content.opf"].decode("utf-8")
    opf, n = re.subn(r'(<meta property="dcterms:modified">)[^<]*(</meta>)', rf"\g<1>{stamp}\g<2>", opf)
    if n != 1:
        raise RenderError("ebooklib wrote no dcterms:modified to replace")
    opf = re.sub(r"<spine[^>]*>", '<spine page-progression-direction="ltr">', opf, count=1)
    # Ace epub-lang: the package's own language; a <guide> cover reference for EPUB 2 reading systems
    opf, n = re.subn(r"<package\b", f'<package xml:lang="{lang}"', opf, count=1)
    if n != 1 or '<package xml:lang="' not in opf:
        raise RenderError("ebooklib wrote no <package> element")
    opf = opf.replace("</package>", '  <guide>\n    <reference type="cover" title="Cover" href="cover.xhtml"/>\n'
                      "  </guide>\n</package>", 1)
    entries["EPUB/content.opf"] = opf.encode("utf-8")
    return _zip(entries, modified)


LOCAL, CENTRAL, END = struct.Struct("<4s2B4HL2L2H"), struct.Struct("<4s4B4HL2L5H2L"), struct.Struct("<4s4H2LH")
"""The zip format's local file header, central directory record and its end (PKWARE's APPNOTE 4.3.7, 4.3.12,
4.3.16), as :mod:`zipfile` packs them."""


def _zip(entries: Mapping[str, bytes | Member], modified: datetime) -> bytes:
    """The zip container, written as :mod:`zipfile` writes it (each member deflated at level 9, stamped
    ``modified``, mode 0644 on Unix; ``mimetype`` first and stored), from members compressed already."""
    year = max(modified.year, 1980)
    dosdate = (year - 1980) << 9 | modified.month << 5 | modified.day
    dostime = modified.hour << 11 | modified.minute << 5 | modified.second // 2
    order = [*FIRST, *sorted(k for k in entries if k not in FIRST)]
    out, central = io.BytesIO(), io.BytesIO()
    for name in order:
        if name == "mimetype":
            raw = b"application/epub+zip"
            member, method = Member(raw, zlib.crc32(raw), len(raw)), zipfile.ZIP_STORED
        else:
            given = entries[name]
            member, method = (given if isinstance(given, Member) else Member.of(given)), zipfile.ZIP_DEFLATED
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        offset = out.tell()
        if max(offset, member.size, len(member.data)) >= zipfile.ZIP64_LIMIT:
            raise RenderError(f"{name}: the EPUB is too large for a zip without ZIP64")
        out.write(LOCAL.pack(b"PK\x03\x04", 20, 0, flags, method, dostime,
                              dosdate, member.crc, len(member.data), member.size, len(encoded), 0))
        out.write(encoded)
        out.write(member.data)
        central.write(CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, method,
                                  dostime, dosdate, member.crc, len(member.data), member.size, len(encoded), 0, 0, 0,
                                  0, 0o644 << 16, offset))
        central.write(encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(END.pack(b"PK\x05\x06", 0, 0, len(order), len(order),
                          len(central.getvalue()), start, 0))
    return out.getvalue()


@dataclass(frozen=True)
class Certification:
    """What the checkers found, as the package will state it."""

    certifier: str            # the publisher: a self-certification
    summary: str              # the localised accessibility summary that names the checks
    conforms: str = CONFORMS


def certify(path: Path, cert: Certification) -> None:
    """Add the conformance claim to a package the checkers passed (rewritten atomically, same zip order,
    same timestamps): ``dcterms:conformsTo``, ``a11y:certifiedBy``, and the summary that names the checks."""
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
        stamp = src.getinfo("EPUB/content.opf").date_time
    opf = entries["EPUB/content.opf"].decode("utf-8")
    if "dcterms:conformsTo" in opf:
        raise RenderError(f"{path}: the package already makes a conformance claim")
    opf, n = re.subn(r'(<meta property="schema:accessibilitySummary">)[^<]*(</meta>)',
                     lambda m: m.group(1) + escape(cert.summary) + m.group(2), opf)
    if n != 1:
        raise RenderError(f"{path}: no accessibility summary to replace")
    claim = (f'    <meta property="dcterms:conformsTo">{escape(cert.conforms)}</meta>\n'
             f'    <meta property="a11y:certifiedBy">{escape(cert.certifier)}</meta>\n  </metadata>')
    opf = opf.replace("  </metadata>", claim, 1)
    entries["EPUB/content.opf"] = opf.encode("utf-8")
    atomic.write_bytes(path, _zip(entries, datetime(*stamp)))


def claims(path: Path) -> tuple[str, ...]:
    """The conformance claims a package makes (``dcterms:conformsTo``)."""
    with zipfile.ZipFile(path) as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
    return tuple(re.findall(r'<meta property="dcterms:conformsTo">([^<]*)</meta>', opf))


__all__ = ["CONFORMS", "LANDMARKS", "Certification", "Creator", "EpubMeta", "EpubParts", "certify", "claims",
           "features", "write_epub"]
