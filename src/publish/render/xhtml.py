"""The edition's HTML cut into EPUB content documents, with the print edition's page breaks marked.

The EPUB is made from the very HTML string the PDFs are rendered from, parsed by WeasyPrint's own
parser (tinyhtml5), so the page starts noted during the print layout (:mod:`.pagemap`) find their
elements. Each top-level section of ``<body>`` becomes one XHTML file named after its ``id``; the
printed cover, half-title and contents are left out (the EPUB has its cover image and nav
document); the pages of the printed contents are the nav document's (its contents), the others move
to the next section kept. A page that begins in a heading gets its marker in front of the heading,
never inside it (a heading's accessible name is its text: "7 8 9 Li Junmin"). Internal links are
rewritten to ``file.xhtml#id``; every element with ``lang`` also gets ``xml:lang``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from ..errors import RenderError
from .pagemap import PageStart, insert_at, locate

OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"
DROPPED = ("cover", "half-title", "contents")  # the EPUB has its cover image and its nav document
TOC = "contents"                               # the printed contents: its pages are the nav document's
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ET.register_namespace("epub", OPS)

LANDMARKS = {"title-page": "titlepage", "copyright": "copyright-page",
             "sources-and-credits": "backmatter", "colophon": "colophon"}


@dataclass(frozen=True)
class Cut:
    """The edition cut into chapters, and the print pages of the contents (shown in the nav document)."""

    root: ET.Element
    chapters: list[Chapter]
    toc_pages: tuple[int, ...]


@dataclass(frozen=True)
class Chapter:
    id: str
    file: str
    title: str
    element: ET.Element
    kind: str            # "front", "profile", "back"
    pages: tuple[int, ...]


def parse(html: str) -> ET.Element:
    import tinyhtml5

    return tinyhtml5.parse(html, namespace_html_elements=False)  # type: ignore[no-any-return]


def marker(page: int) -> ET.Element:
    el = ET.Element("span", {EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "id": f"page-{page}",
                             "aria-label": str(page)})
    return el


def chapters(html: str, starts: Sequence[PageStart | None]) -> Cut:
    """Cut the edition into chapters with the page markers in place."""
    root = parse(html)
    body = root.find("body")
    if body is None:
        raise RenderError("the edition's HTML has no <body>")
    sections = [el for el in body if isinstance(el.tag, str)]
    kept = [el for el in sections if el.get("id") not in DROPPED]
    if not kept:
        raise RenderError("the edition's HTML has no content sections")
    owner_of = {id(node): section for section in sections for node in section.iter()}
    parent_of = {id(child): node for node in root.iter() for child in node}
    # resolve every page start before inserting anything (insertion shifts child indexes)
    pending: list[tuple[int, ET.Element | None, int]] = []
    waiting: list[int] = []
    toc_pages: list[int] = []
    for number, start in enumerate(starts, 1):
        if start is None:
            waiting.append(number)
            continue
        el = locate(root, start.path)
        section = owner_of.get(id(el)) if el is not None else None
        if el is None or section is None:
            waiting.append(number)
            continue
        if section.get("id") == TOC:
            toc_pages += waiting + [number]     # blank pages before the contents are its own
            waiting = []
            continue
        if section.get("id") in DROPPED:
            waiting.append(number)      # placed at the start of the next kept section, below
            continue
        for early in waiting:
            pending.append((early, el, start.offset))
        waiting = []
        pending.append((number, el, start.offset))
    for late in waiting:                 # blank pages at the end
        pending.append((late, None, 0))
    pages_of: dict[int, list[int]] = {}
    for number, el, offset in sorted(pending, key=lambda p: -p[0]):   # last first: offsets stay valid
        place_marker(number, el, offset, kept[-1], parent_of)
        owner = kept[-1] if el is None else owner_of[id(el)]
        pages_of.setdefault(id(owner), []).append(number)
    out: list[Chapter] = []
    for el in kept:
        cid = el.get("id") or f"part-{len(out) + 1}"
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid):
            raise RenderError(f"section id {cid!r} is not an ASCII slug")
        kind = "profile" if el.tag == "article" else ("back" if "back-matter" in (el.get("class") or "") else "front")
        heading = next((h for h in el.iter() if h.tag in ("h1", "h2")), None)
        title = heading_label(heading) if heading is not None else cid
        out.append(Chapter(cid, f"{cid}.xhtml", title, el, kind, tuple(sorted(pages_of.get(id(el), [])))))
    _rewrite_links(out)
    for ch in out:
        for node in ch.element.iter():
            if isinstance(node.tag, str) and node.get("lang"):
                node.set(XML_LANG, node.get("lang", ""))
    return Cut(root, out, tuple(sorted(toc_pages)))


def place_marker(number: int, el: ET.Element | None, offset: int, last: ET.Element,
                 parent_of: dict[int, ET.Element]) -> None:
    """Page ``number``'s marker before the non-space character ``offset`` of ``el``'s own text, in front of
    the heading ``el`` is in (never inside it), or at the end of ``last`` when the page has no text."""
    if el is None:
        last.append(marker(number))
    elif (heading := _heading_of(el, parent_of)) is not None and id(heading) in parent_of:
        parent = parent_of[id(heading)]     # in front of the heading, never inside it
        mark = marker(number)
        kids = list(parent)
        at = kids.index(heading)
        while at and kids[at - 1].get(EPUB_TYPE) == "pagebreak" and not (kids[at - 1].tail or "").strip():
            at -= 1                         # before the later pages' markers placed there already
        parent.insert(at, mark)
        parent_of[id(mark)] = parent
    else:
        insert_at(el, offset, marker(number))


def _heading_of(el: ET.Element, parent_of: dict[int, ET.Element]) -> ET.Element | None:
    """The heading ``el`` is or is inside (a bilingual heading pair's wrapper counts as the heading)."""
    node: ET.Element | None = el
    found = None
    while node is not None and node.tag not in ("section", "article", "body", "header"):
        if node.tag in HEADINGS:
            found = node
        node = parent_of.get(id(node))
    if found is None:
        return None
    wrapper = parent_of.get(id(found))
    if wrapper is not None and wrapper.tag == "div" and all(c.tag in HEADINGS for c in wrapper):
        return wrapper
    return found


def heading_label(el: ET.Element) -> str:
    """A heading as a title: in a bilingual pair, the edition's main language only."""
    main = next((x for x in el.iter() if "main" in (x.get("class") or "").split()), None)
    return " ".join("".join((main if main is not None else el).itertext()).split())


def _rewrite_links(out: list[Chapter]) -> None:
    where = {}
    for ch in out:
        for node in ch.element.iter():
            if isinstance(node.tag, str) and node.get("id"):
                where[node.get("id")] = ch.file
    for ch in out:
        for a in ch.element.iter("a"):
            href = a.get("href") or ""
            if href.startswith("#"):
                target = where.get(href[1:])
                if target is None:
                    raise RenderError(f"internal link {href} in section {ch.id} has no target in the EPUB")
                a.set("href", f"{target}{href}")


def document(ch: Chapter, *, lang: str, body_class: str, stylesheet: str, title: str) -> bytes:
    """One chapter as a complete XHTML5 content document (UTF-8 bytes)."""
    html = ET.Element("html", {"xmlns": "http://www.w3.org/1999/xhtml", "lang": lang, XML_LANG: lang})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    title_el = ET.SubElement(head, "title")
    title_el.text = title
    if lang.startswith("zh") and re.search(r"[A-Za-z]{2}", title) and not re.search(r"[\u3400-\u9fff]", title):
        title_el.set("lang", "en")          # a Latin name as the title of a Chinese document
        title_el.set(XML_LANG, "en")
    ET.SubElement(head, "link", {"rel": "stylesheet", "type": "text/css", "href": stylesheet})
    body = ET.SubElement(html, "body", {"class": body_class})
    body.append(ch.element)
    if ch.kind == "profile":
        body.set(EPUB_TYPE, "bodymatter")
    return serialize(html)


def serialize(root: ET.Element) -> bytes:
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    # an empty <span/> or <a/> is valid XML, but HTML parsers in reading systems read it as an open tag
    text = re.sub(r"<(span|a|p|div|li|dd|dt|h[1-6])(\s[^<>]*?)?\s*/>", r"<\1\2></\1>", text)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + text + "\n").encode("utf-8")
