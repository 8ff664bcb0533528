"""Markdown articles, parsed with markdown-it-py (CommonMark): headings, paragraphs and list items.

Headings keep their level; list items their marker (``-`` or ``3.``). Inline markup is written
back as the inline Markdown profiles allow (``*emphasis*``, ``**strong**``, ``[text](https://…)``);
images and raw HTML are dropped and listed.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .article import IMAGE_NAME, Article, Block, clean, read_utf8


def read(path: Path, shown: str) -> Article:
    tokens = MarkdownIt("commonmark").parse(read_utf8(path, shown))
    article = Article(path, shown, [])
    lists: list[list[int]] = []
    """Open lists: [next number] for ordered lists, [] for bullet lists."""
    pending: tuple[str, int, int, str | None] | None = None
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        if token.type == "bullet_list_open":
            lists.append([])
        elif token.type == "ordered_list_open":
            lists.append([int(token.attrs.get("start", 1) or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            marker: str | None = "-" if not lists or not lists[-1] else f"{lists[-1][0]}."
            if lists and lists[-1]:
                lists[-1][0] += 1
            pending = ("item", line, 0, marker)
        elif token.type == "heading_open":
            pending = ("heading", line, int(token.tag[1:]), None)
        elif token.type == "paragraph_open" and (pending is None or pending[0] != "item"):
            pending = ("para", line, 0, None)
        elif token.type == "inline" and pending is not None:
            kind, start, level, marker = pending
            text, images = _inline(token.children or [])
            block = Block(text, start, kind, level, marker)  # type: ignore[arg-type]
            if text and not IMAGE_NAME.match(text):
                article.blocks.append(block)
            elif images or text:
                article.dropped.append(Block(text or "(image)", start))
            pending = None
        elif token.type in ("html_block", "fence", "code_block", "hr"):
            if token.type != "hr" and token.content.strip():
                article.dropped.append(Block(clean(token.content)[:60], line))
    return article


def _inline(children: list[Token]) -> tuple[str, int]:
    """The inline tokens as profile inline Markdown, and how many images were dropped."""
    out: list[str] = []
    images = 0
    links: list[bool] = []
    for child in children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "em_open" or kind == "em_close":
            out.append("*")
        elif kind == "strong_open" or kind == "strong_close":
            out.append("**")
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            keep = href.startswith(("http://", "https://"))
            links.append(keep)
            out.append("[" if keep else "")
        elif kind == "link_close":
            keep = links.pop() if links else False
            out.append(f"]({_href(children, child)})" if keep else "")
        elif kind == "image":
            images += 1
    return clean("".join(out)), images


def _href(children: list[Token], close: Token) -> str:
    """The href of the link that ``close`` ends (the nearest unclosed link_open before it)."""
    depth = 0
    for child in reversed(children[: children.index(close)]):
        if child.type == "link_close":
            depth += 1
        elif child.type == "link_open":
            if depth == 0:
                return str(child.attrs.get("href", ""))
            depth -= 1
    return ""
