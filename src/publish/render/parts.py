"""An edition's HTML as independent parts: the front matter, each profile, the back matter.

Every profile (``<article class="profile">``) and the back matter (the first ``class="back-matter"``
element) start on a recto, so the page numbers of a part depend only on the pages before it. Each part
is a document of its own: the edition's ``<head>`` and ``<body>`` tag around a run of the body's
top-level elements, laid out alone (:mod:`publish.render.partbuild`) and assembled with pikepdf
(:mod:`publish.render.assemble`).

What a part needs from outside it is made explicit here:

- the profile counter (``第三篇``, ``III``): ``counter-reset`` on the part's body;
- links to another part (the contents' ``href="#id"``): rewritten to ``publish-part:id`` (WeasyPrint
  makes them URI links, which the assembly turns back into links to the named destination) and the
  number the contents prints for them (``target-counter``) given as ``data-page``, known only when the
  other parts are laid out: the front matter is laid out last.

The parsed part has the edition's element structure shifted: body child ``i`` of a part starting at
body child ``a`` is body child ``a + i`` of the edition (the EPUB page map's element paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SCHEME = "publish-part:"
PAGE_NUMBERS_CSS = "nav.contents a[data-page]::after { content: leader(\". \") attr(data-page); }\n"
"""The contents' page numbers from ``data-page`` (more specific than the theme's ``target-counter`` rule)."""


@dataclass(frozen=True)
class Part:
    name: str            # "front", the profile's id, "back"
    kind: str            # "front" | "profile" | "back"
    html: str            # the part's own document (links to other parts not yet numbered for the front)
    first_child: int     # index of its first element among the edition body's element children
    ids: tuple[str, ...]  # element ids it holds (anchors other parts may link to)
    profiles_before: int


@dataclass(frozen=True)
class Split:
    parts: tuple[Part, ...]

    def front(self) -> Part:
        return self.parts[0]


class _Scanner(HTMLParser):
    """Offsets of the body's top-level elements, their classes and every id (one pass, no tree)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0]
        for m in re.finditer("\n", text):
            self.lines.append(m.end())
        self.depth = -1        # -1 before <body>
        self.body_open = self.body_close = -1
        self.children: list[tuple[int, str, str]] = []   # (offset, tag, class)
        self.ids: list[tuple[int, str]] = []             # (top-level child index, id)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and self.depth == -1:
            self.depth = 0
            self.body_open = self._offset() + len(self.get_starttag_text() or "")
            return
        if self.depth < 0:
            return
        values = dict(attrs)
        if self.depth == 0:
            self.children.append((self._offset(), tag, values.get("class") or ""))
        if values.get("id") and self.children:
            self.ids.append((len(self.children) - 1, values["id"] or ""))
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth >= 0:
            values = dict(attrs)
            if self.depth == 0:
                self.children.append((self._offset(), tag, values.get("class") or ""))
            if values.get("id") and self.children:
                self.ids.append((len(self.children) - 1, values["id"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "body" and self.depth == 0:
            self.body_close = self._offset()
            self.depth = -2
        elif self.depth > 0 and tag not in VOID:
            self.depth -= 1


def _scanned(html: str, fast: bool) -> _Scanner:
    """The body's elements: from :func:`publish.render.epubdocs.scan` (a regex over the tags, a tenth of the
    time at 100 profiles) when the markup is strictly nested, else from :class:`_Scanner`."""
    from .epubdocs import Unsplittable, scan

    scanner = _Scanner(html)
    if fast:
        try:
            found = scan(html)
        except Unsplittable:
            pass
        else:
            scanner.body_open, scanner.body_close = found.body, found.close
            scanner.children = [(c.start, c.tag, c.cls) for c in found.children]
            scanner.ids = [(i, ident) for i, c in enumerate(found.children) for ident in c.ids]
            return scanner
    scanner.feed(html)
    scanner.close()
    return scanner


def split(html: str, *, fast: bool = True) -> Split | None:
    """The edition's parts, or None when its HTML has no profile to split at (one layout then)."""
    scanner = _scanned(html, fast)
    if scanner.body_open < 0 or scanner.body_close < 0:
        return None
    classes = [set(c.split()) for _, _, c in scanner.children]
    starts = [i for i, c in enumerate(classes) if "profile" in c]
    if not starts or starts[0] == 0:
        return None
    back = next((i for i, c in enumerate(classes) if "back-matter" in c and i > starts[-1]), None)
    cuts = [0, *starts, *([back] if back is not None else []), len(scanner.children)]
    head, tail = html[:scanner.body_open], "\n</body>\n</html>\n"
    ends = [o for o, _, _ in scanner.children] + [scanner.body_close]
    parts = []
    ids_of: dict[int, list[str]] = {}
    for index, name in scanner.ids:
        ids_of.setdefault(index, []).append(name)
    for n, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        if a == b:
            continue
        kind = "front" if n == 0 else "back" if back is not None and a == back else "profile"
        body = html[ends[a]:ends[b]]
        before = sum(1 for s in starts if s < a)
        name = "front" if kind == "front" else "back" if kind == "back" else _id_of(scanner, a) or f"part{n}"
        ids = tuple(i for k in range(a, b) for i in ids_of.get(k, ()))
        own = set(ids)
        body = _external_links(body, own)
        style = f"<style>body {{ counter-reset: profile {before}; }}</style>\n" if kind != "front" else ""
        parts.append(Part(name, kind, head.replace("</head>", style + "</head>", 1) + body + tail, a, ids, before))
    return Split(tuple(parts))


def _id_of(scanner: _Scanner, child: int) -> str | None:
    return next((name for index, name in scanner.ids if index == child), None)


HREF = re.compile(r'href="#([^"]+)"')


def _external_links(body: str, own: set[str]) -> str:
    return HREF.sub(lambda m: m.group(0) if m.group(1) in own else f'href="{SCHEME}{m.group(1)}"', body)


def number_links(part: Part, pages: dict[str, int]) -> str:
    """The part's HTML with each link to another part given the page its target is on (``data-page``)."""
    def numbered(m: re.Match[str]) -> str:
        page = pages.get(m.group(1))
        return m.group(0) if page is None else f'{m.group(0)} data-page="{page}"'

    html = re.sub(rf'href="{re.escape(SCHEME)}([^"]+)"', numbered, part.html)
    return html.replace("</head>", f"<style>{PAGE_NUMBERS_CSS}</style>\n</head>", 1)


def linked_ids(part: Part) -> list[str]:
    """The ids of other parts this part links to."""
    return re.findall(rf'href="{re.escape(SCHEME)}([^"]+)"', part.html)
