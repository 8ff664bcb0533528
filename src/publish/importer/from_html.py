"""HTML articles (a saved web page or an export), parsed with lxml's HTML parser.

Navigation, headers' menus, footers, scripts, forms and images are dropped; within ``<main>`` or
``<article>`` when the page has one. Headings ``<h1>``–``<h6>`` keep their level, ``<li>`` items
their marker; text directly inside containers (``<div>`` pages) becomes paragraphs. Inline
``<em>``/``<strong>``/``<a href>`` become the inline Markdown profiles allow; ``<br>`` is a space
inside a paragraph and a paragraph break between a container's lines of text.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
from lxml import etree

from .article import IMAGE_NAME, Article, Block, clean, read_utf8, unreadable

_DROP = {"script", "style", "noscript", "nav", "footer", "aside", "form", "button", "iframe", "svg", "img",
         "picture", "video", "audio", "select", "template", "head", "object", "embed", "canvas", "input"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "blockquote", "pre",
           "td", "th", "caption", "address", "summary"}
_CONTAINERS = {"div", "section", "article", "main", "body", "header", "ul", "ol", "dl", "table", "thead",
               "tbody", "tfoot", "tr", "figure", "details", "center", "html", "hgroup", "fieldset"}
_INLINE_MARK = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}


def read(path: Path, shown: str) -> Article:
    text = read_utf8(path, shown)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise unreadable(shown, f"not an HTML document: {exc}") from exc
    article = Article(path, shown, [])
    scope = next(iter(root.xpath("//main | //article")), None)
    _walk(root if scope is None else scope, article)
    return article


def _walk(element: etree._Element, article: Article) -> None:
    """Blocks from ``element``'s block children; its own loose text (and inline children) as paragraphs."""
    run: list[str] = []
    start = [0]
    """The line the run's first visible text is on."""

    def take(text: str, line: int) -> None:
        if not clean("".join(run)) and text.strip():
            start[0] = line + text[: len(text) - len(text.lstrip())].count("\n")
        run.append(text)

    def flush() -> None:
        body = clean("".join(run))
        if body:
            _add(article, Block(body, start[0]))
        run.clear()

    take(element.text or "", element.sourceline or 0)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        line = child.sourceline or element.sourceline or 0
        if tag == "br":
            flush()
        elif tag in _DROP or not tag:
            if tag == "img" and (alt := clean(child.get("alt") or child.get("src") or "")):
                article.dropped.append(Block(alt, line))
        elif tag in _BLOCKS and not any(isinstance(g.tag, str) and g.tag in _BLOCKS | _CONTAINERS for g in child):
            flush()
            _add(article, _block(child))
        elif tag in _BLOCKS or tag in _CONTAINERS:
            flush()
            _walk(child, article)
        else:
            take(_inline(child), line)
        take(child.tail or "", line + (etree.tostring(child, encoding="unicode", with_tail=False).count("\n")))
    flush()


def _block(element: etree._Element) -> Block:
    tag = element.tag
    text = clean(_inline(element, outer=False))
    line = element.sourceline or 0
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return Block(text, line, "heading", int(tag[1]))
    if tag == "li":
        parent = element.getparent()
        if parent is not None and parent.tag == "ol":
            number = [c for c in parent if c.tag == "li"].index(element) + int(parent.get("start", "1") or 1)
            return Block(text, line, "item", marker=f"{number}.")
        return Block(text, line, "item", marker="-")
    return Block(text, line)


def _add(article: Article, block: Block) -> None:
    if not block.text:
        return
    if IMAGE_NAME.match(block.text):
        article.dropped.append(block)
    else:
        article.blocks.append(block)


def _inline(element: etree._Element, outer: bool = True) -> str:
    """An element's text as inline Markdown (``outer``: include its own markup and tail handling)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP:
        return ""
    if tag == "br":
        return " "
    inner = (element.text or "") + "".join(_inline(c) + (c.tail or "") for c in element)
    if not outer:
        return inner
    mark = _INLINE_MARK.get(tag)
    if mark and inner.strip():
        lead, core, trail = _split_space(inner)
        return f"{lead}{mark}{core}{mark}{trail}"
    href = element.get("href") or ""
    if tag == "a" and href.startswith(("http://", "https://")) and inner.strip():
        return f"[{clean(inner)}]({href})"
    return inner


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return (" " if lead else ""), core, (" " if trail else "")
