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
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import atomic
from ..errors import RenderError
from ..vocab import ROLES
from .subset import Subset
from .xhtml import LANDMARKS, XML_LANG, Chapter, document

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
    chapters: list[Chapter]
    nav: bytes                  # rendered nav.xhtml
    cover_page: bytes           # rendered cover.xhtml
    cover_jpeg: bytes
    css: str
    fonts: list[Subset] = field(default_factory=list)
    body_class: str = ""


def features(parts: EpubParts, docs: dict[str, bytes]) -> list[str]:
    """schema.org accessibility features, derived from what the package really contains."""
    found = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if any(ch.pages for ch in parts.chapters):
        found.append("printPageNumbers")
    images = re.findall(rb"<img\b[^>]*>", parts.cover_page + b"".join(docs.values()))
    if images and all(re.search(rb'\balt="[^"]+"', img) for img in images):
        found.append("alternativeText")
    return sorted(found)


def _docs(parts: EpubParts, lang: str) -> dict[str, bytes]:
    return {ch.file: document(ch, lang=lang, body_class=parts.body_class, stylesheet="css/book.css",
                              title=ch.title) for ch in parts.chapters}


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
    docs = _docs(parts, lang)
    found = features(parts, docs)
    _metadata(book, meta, found)
    book.set_direction("ltr")

    css = epub.EpubItem(uid="css", file_name="css/book.css", media_type="text/css",
                        content=(_font_faces(parts.fonts) + parts.css).encode("utf-8"))
    book.add_item(css)
    for font in parts.fonts:
        book.add_item(epub.EpubItem(uid=f"font-{Path(font.filename).stem}", file_name=f"fonts/{font.filename}",
                                    media_type=font.media_type, content=font.data))
    cover_img = epub.EpubItem(uid="cover-image", file_name="images/cover.jpg", media_type="image/jpeg",
                              content=parts.cover_jpeg)
    cover_img.properties = ["cover-image"]
    book.add_item(cover_img)
    cover = epub.EpubItem(uid="cover", file_name="cover.xhtml", media_type="application/xhtml+xml",
                          content=parts.cover_page)
    book.add_item(cover)
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=parts.nav)
    nav.properties = ["nav"]
    book.add_item(nav)
    spine = ["cover"]
    for ch, (file, data) in zip(parts.chapters, docs.items(), strict=True):
        uid = "x-" + file.removesuffix(".xhtml")
        if ch.kind == "profile" and "nav" not in spine:
            spine.append("nav")          # the contents, where the printed book has its contents page
        book.add_item(epub.EpubItem(uid=uid, file_name=file, media_type="application/xhtml+xml", content=data))
        spine.append(uid)
    book.spine = spine

    raw = io.BytesIO()
    epub.write_epub(raw, book, {"epub3_pages": False, "epub3_landmark": False, "spine_direction": False,
                                "play_order": {"enabled": False}})
    data = _reproducible(raw.getvalue(), meta.modified, lang)
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


def _reproducible(data: bytes, modified: datetime, lang: str) -> bytes:
    """Same inputs, same bytes: fixed order and timestamps, our ``dcterms:modified``, mimetype stored first."""
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    opf = entries["EPUB/content.opf"].decode("utf-8")
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


def _zip(entries: dict[str, bytes], modified: datetime) -> bytes:
    when = (max(modified.year, 1980), modified.month, modified.day, modified.hour, modified.minute,
            modified.second)
    order = [*FIRST, *sorted(k for k in entries if k not in FIRST)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, b"application/epub+zip")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, entries[name], compresslevel=9)
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
