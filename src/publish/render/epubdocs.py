"""The EPUB's content documents one chapter at a time, each cached by its own inputs.

An edited paragraph changes one chapter: only that chapter is parsed (tinyhtml5, as the PDFs' HTML) and
written again. The edition's HTML is cut at its body's top-level elements by a scan of its tags (no
tree, :func:`scan`); each cut is a document of its own (the edition's text up to ``<body>``, the cut, the
end), so the parser builds the very subtree it builds for the whole edition. The scan accepts only
strictly nested markup (every element closed, in order, except the void ones); anything else, or a cut
that does not parse to one element, falls back to parsing the whole edition (:func:`.xhtml.chapters`).

Which print pages a chapter holds is decided from the page starts' paths alone (as :func:`.xhtml.chapters`
decides it); a chapter's cache key is its text, the edition's text before ``<body>``, its pages (number,
element path, offset), the files its internal links point to, the document's language and class, and
the code that makes it. A cached chapter keeps its compressed zip member, what the navigation document
and the font subsets need of it (section headings, its text, the text the stylesheet sets in other faces)
and its images' count.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import RenderError
from .pagemap import PageStart, locate
from .xhtml import DROPPED, TOC, XML_LANG, document, heading_label, parse, place_marker

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAW = {"script", "style", "textarea", "title"}
TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ATTR = re.compile(r"""\s([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
HEADING_TAGS = ("h1", "h2", "h3")
STYLESHEET = "css/book.css"


class Unsplittable(Exception):
    """The HTML is not strictly nested, or a cut parses otherwise: the whole edition is parsed instead."""


@dataclass(frozen=True)
class Member:
    """A file of the package, compressed as the zip stores it (raw deflate, level 9)."""

    data: bytes          # compressed
    crc: int
    size: int            # uncompressed

    @classmethod
    def of(cls, raw: bytes) -> Member:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw))


@dataclass(frozen=True)
class Doc:
    """One content document and what the package needs of it besides its bytes."""

    id: str
    file: str
    title: str
    kind: str                       # "front", "profile", "back"
    pages: tuple[int, ...]
    member: Member
    sections: tuple[tuple[str, str], ...] = ()   # (href, heading) of the profile's sections, for the nav
    text: str = ""                  # its text (the font subsets)
    headings: str = ""              # its headings' and speaker labels' text (the heading face)
    runs: dict[str, str] = field(default_factory=dict)   # the raw text per styled run (epubparts.styled_runs)
    images: int = 0
    images_with_alt: int = 0


@dataclass(frozen=True)
class _Child:
    start: int
    tag: str
    id: str
    cls: str
    ids: tuple[str, ...]
    hrefs: tuple[str, ...]       # internal link targets (``href="#x"`` of an ``a``)


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in ATTR.finditer(text):
        out.setdefault(m.group(1).lower(), html_lib.unescape(next(g for g in m.groups()[1:] if g is not None)))
    return out


@dataclass(frozen=True)
class Scan:
    body: int                    # where <body>'s content begins (after its start tag)
    close: int                   # where </body> begins
    children: list[_Child]       # its top-level elements


def scan(html: str) -> Scan:
    """Where ``<body>``'s content begins and ends, and its top-level elements. Raises :class:`Unsplittable`."""
    stack: list[str] = []
    body = -1
    children: list[dict[str, Any]] = []
    pos = 0
    while (m := TAG.search(html, pos)) is not None:
        pos = m.end()
        if m.group(2) is None:     # a comment
            continue
        closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
        if not closing and name in RAW:   # its text is not markup
            end = re.compile(rf"</{name}[\s/>]", re.I).search(html, pos)
            if end is None:
                raise Unsplittable(f"<{name}> is not closed")
            pos = end.start()
        if body < 0:
            if not closing and name == "body":
                body = m.end()
            continue
        if closing:
            if name == "body" and not stack:
                close = m.start()
                break
            if not stack or stack[-1] != name:
                raise Unsplittable(f"</{name}> at {m.start()} closes {stack[-1] if stack else 'nothing'}")
            stack.pop()
            continue
        if not stack:
            attrs = _attrs(rest)
            children.append({"start": m.start(), "tag": name, "id": attrs.get("id", ""),
                             "cls": attrs.get("class", ""), "ids": [], "hrefs": []})
        elif "id" in rest or "href" in rest:
            attrs = _attrs(rest)
        else:
            attrs = {}
        if name not in VOID:
            if rest.rstrip().endswith("/"):
                raise Unsplittable(f"<{name}/> at {m.start()} (an HTML parser leaves it open)")
            stack.append(name)
        if attrs.get("id"):
            children[-1]["ids"].append(attrs["id"])
        if name == "a" and attrs.get("href", "").startswith("#"):
            children[-1]["hrefs"].append(attrs["href"][1:])
    else:
        raise Unsplittable("no </body>" if body >= 0 else "no <body>")
    if stack:
        raise Unsplittable(f"<{stack[-1]}> is not closed")
    return Scan(body, close, [_Child(c["start"], c["tag"], c["id"], c["cls"], tuple(c["ids"]), tuple(c["hrefs"]))
                              for c in children])


Placement = tuple[int, "tuple[int, ...] | None", int]
"""A page marker to place: the page number, the element's path under the chapter (None: at its end) and the
non-space characters of the element's own text before it."""


def assign(starts: Sequence[PageStart | None], children: list[_Child]) -> tuple[dict[int, list[Placement]],
                                                                                 tuple[int, ...]]:
    """Each kept chapter's page markers (by its index among the body's elements) and the contents' pages,
    decided as :func:`.xhtml.chapters` decides them."""
    kept = [i for i, c in enumerate(children) if c.id not in DROPPED]
    if not kept:
        raise RenderError("the edition's HTML has no content sections")
    pending: dict[int, list[Placement]] = {i: [] for i in kept}
    waiting: list[int] = []
    toc: list[int] = []
    for number, start in enumerate(starts, 1):
        path = start.path if start is not None else ()
        if start is None or len(path) < 2 or path[0] != 1 or path[1] >= len(children):
            waiting.append(number)
            continue
        section = children[path[1]].id
        if section == TOC:
            toc += waiting + [number]
            waiting = []
            continue
        if section in DROPPED:
            waiting.append(number)
            continue
        for early in (*waiting, number):
            pending[path[1]].append((early, path[2:], start.offset))
        waiting = []
    for late in waiting:
        pending[kept[-1]].append((late, None, 0))
    return pending, tuple(sorted(toc))


def code_digest() -> str:
    """The code a chapter's document and its records come from (and the parser's, zlib's and Python's
    versions: the tree, the serialisation, the compressed member)."""
    import sys
    from importlib.metadata import version

    h = hashlib.sha256(f"{sys.version}|{version('tinyhtml5')}|{zlib.ZLIB_RUNTIME_VERSION}".encode())
    for module in ("epubdocs.py", "xhtml.py", "pagemap.py", "epubparts.py"):
        h.update((Path(__file__).parent / module).read_bytes())
    return h.hexdigest()


def documents(html: str, starts: Sequence[PageStart | None], *, lang: str, body_class: str,
              cache: Path | None) -> tuple[list[Doc], tuple[int, ...]]:
    """The edition's content documents (each from the cache when its inputs are), and the pages of its
    printed contents."""
    try:
        found = scan(html)
        return _documents(html, found.body, found.children, starts, lang=lang, body_class=body_class, cache=cache)
    except Unsplittable:
        from .xhtml import chapters

        cut = chapters(html, starts)
        docs = [finish(ch.element, ch.id, ch.kind, ch.pages, lang=lang, body_class=body_class) for ch in cut.chapters]
        return docs, cut.toc_pages


def _documents(html: str, body: int, children: list[_Child], starts: Sequence[PageStart | None], *, lang: str,
               body_class: str, cache: Path | None) -> tuple[list[Doc], tuple[int, ...]]:
    pending, toc = assign(starts, children)
    kept = list(pending)
    where: dict[str, str] = {}
    names: dict[int, str] = {}
    for n, i in enumerate(kept):
        cid = children[i].id or f"part-{n + 1}"
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid):
            raise RenderError(f"section id {cid!r} is not an ASCII slug")
        names[i] = cid
        for ident in (*children[i].ids, *(f"page-{p[0]}" for p in pending[i])):
            where[ident] = f"{cid}.xhtml"
    head = html[:body]
    digest = code_digest()
    docs = []
    for i in kept:
        child = children[i]
        last = i == len(children) - 1
        end = children[i + 1].start if not last else len(html)
        text = head + html[child.start:end] + ("" if last else "</body></html>")
        targets = {t: where.get(t) for t in child.hrefs}
        for t, file in targets.items():
            if file is None:
                raise RenderError(f"internal link #{t} in section {names[i]} has no target in the EPUB")
        key = hashlib.sha256(json.dumps([digest, text, pending[i], targets, names[i], lang, body_class]).encode())
        make = partial(_chapter, text, child, names[i], pending[i], targets, lang=lang, body_class=body_class)
        docs.append(_cached(cache, key.hexdigest()[:32], make))
    return docs, toc


def _chapter(text: str, child: _Child, cid: str, placements: list[Placement], targets: dict[str, str | None], *,
             lang: str, body_class: str) -> Doc:
    """One chapter parsed on its own, its page markers placed and its links pointed at their files."""
    root = parse(text)
    body = root.find("body")
    elements = [el for el in body if isinstance(el.tag, str)] if body is not None else []
    if len(elements) != 1 or elements[0].tag != child.tag:
        raise Unsplittable(f"section {cid} parses to {len(elements)} elements")
    el = elements[0]
    parent_of = {id(c): node for node in root.iter() for c in node}
    found = []
    for number, sub, offset in placements:
        node = None if sub is None else locate(root, (1, 0, *sub))
        if sub is not None and node is None:
            raise Unsplittable(f"page {number}: no element at its path in section {cid}")
        found.append((number, node, offset))
    for number, node, offset in sorted(found, key=lambda p: -p[0]):   # last first: offsets stay valid
        place_marker(number, node, offset, el, parent_of)
    for a in el.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#"):
            if href[1:] not in targets:
                raise Unsplittable(f"a link to {href} the scan did not see")
            a.set("href", f"{targets[href[1:]]}{href}")
    for node in el.iter():
        if isinstance(node.tag, str) and node.get("lang"):
            node.set(XML_LANG, node.get("lang", ""))
    kind = "profile" if el.tag == "article" else ("back" if "back-matter" in (el.get("class") or "") else "front")
    return finish(el, cid, kind, tuple(sorted(p[0] for p in placements)), lang=lang, body_class=body_class)


def _text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def finish(el: ET.Element, cid: str, kind: str, pages: tuple[int, ...], *, lang: str, body_class: str) -> Doc:
    """A chapter's element (markers placed, links rewritten) as its document and what else the package needs."""
    from .epubparts import raw_runs

    heading = next((h for h in el.iter() if h.tag in ("h1", "h2")), None)
    title = heading_label(heading) if heading is not None else cid
    file = f"{cid}.xhtml"
    sections = []
    if kind == "profile":
        for sec in el.iter("section"):
            h = next((h for h in sec if h.tag == "h2" or (h.tag == "div" and h.find("h2") is not None)), None)
            if sec.get("id") and h is not None:
                sections.append((f"{file}#{sec.get('id')}", heading_label(h)))
    text = _text(el) + "\n"
    headings = "".join(_text(h) + "\n" for h in el.iter()
                       if h.tag in HEADING_TAGS or "speaker" in (h.get("class") or ""))
    runs = raw_runs([el], lang)
    data = document_of(el, cid, kind, pages, title, lang=lang, body_class=body_class)
    images = re.findall(rb"<img\b[^>]*>", data)
    with_alt = sum(1 for img in images if re.search(rb'\balt="[^"]+"', img))
    return Doc(cid, file, title, kind, pages, Member.of(data), tuple(sections), text, headings, runs, len(images),
               with_alt)


def document_of(el: ET.Element, cid: str, kind: str, pages: tuple[int, ...], title: str, *, lang: str,
                body_class: str) -> bytes:
    from .xhtml import Chapter

    return document(Chapter(cid, f"{cid}.xhtml", title, el, kind, pages), lang=lang, body_class=body_class,
                    stylesheet=STYLESHEET, title=title)


def _cached(cache: Path | None, key: str, make: Any) -> Doc:  # noqa: ANN401 - a callable returning a Doc
    from ..release import cache as cache_mod

    name = f"epub-doc-{key}"
    entry = cache_mod.lookup(cache, name) if cache is not None else None
    if entry is not None:
        try:
            return _load(entry.result)
        except (KeyError, ValueError, TypeError):
            pass   # an entry of another shape: made again
    doc: Doc = make()
    if cache is not None:
        cache_mod.store(cache, name, {}, _dump(doc))
    return doc


def _dump(doc: Doc) -> dict[str, Any]:
    return {"id": doc.id, "file": doc.file, "title": doc.title, "kind": doc.kind, "pages": list(doc.pages),
            "member": base64.b64encode(doc.member.data).decode("ascii"), "crc": doc.member.crc,
            "size": doc.member.size, "sections": [list(s) for s in doc.sections], "text": doc.text,
            "headings": doc.headings, "runs": doc.runs, "images": [doc.images, doc.images_with_alt]}


def _load(r: dict[str, Any]) -> Doc:
    member = Member(base64.b64decode(r["member"]), int(r["crc"]), int(r["size"]))
    return Doc(r["id"], r["file"], r["title"], r["kind"], tuple(r["pages"]), member,
               tuple((a, b) for a, b in r["sections"]), r["text"], r["headings"], dict(r["runs"]),
               int(r["images"][0]), int(r["images"][1]))
