"""The HTML the browser gets: the index, each edition, one profile's PDF pages, the located problems.

An edition's page is the edition's own localised HTML (the very HTML ``publish build`` renders),
changed only in its ``<head>`` — the theme's stylesheets, the edition's font CSS, the screen
stylesheet and the reload script — and by the preview's bar (and any warnings) at the top of
``<body>``, all marked ``publish-serve``. Every page carries the generation it was made from, which the
reload script compares with the one the server pushes.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..build import Prepared
from ..errors import Problem
from .preview import Book, Failure

CLIENT = Path(__file__).parent / "client"
"""``reload.js`` and ``screen.css``, served under ``/_serve/``."""
HEAD = ('<link rel="stylesheet" href="/_serve/screen.css" data-publish-serve>\n'
        '<script src="/_serve/reload.js" defer data-publish-serve></script>\n')
e = html.escape


def edition_page(prepared: Prepared, sheets: list[str], generation: int, bar: str,
                 warnings: tuple[Problem, ...] = ()) -> str:
    """The edition's HTML with its screen styles, the bar and the reload script."""
    from ..render.pdf import DOCUMENT_CSS

    first, *rest = sheets or [""]
    links = [f'<link rel="stylesheet" href="{e(u)}" data-publish-serve>' for u in (first,) if u]
    links.append(f"<style data-publish-serve>\n{DOCUMENT_CSS}{prepared.css}</style>")
    links += [f'<link rel="stylesheet" href="{e(u)}" data-publish-serve>' for u in rest]
    page = prepared.html.replace("<html", f'<html data-publish-generation="{generation}"', 1)
    page = page.replace("</head>", "\n".join(links) + "\n" + HEAD + "</head>", 1)
    head, body = page.split("<body", 1)
    opening, after = body.split(">", 1)
    shown = _problems(list(warnings), "Warnings", "warnings")
    return f"{head}<body{opening}>\n{bar}{shown}{after}"


def failure_page(failure: Failure, generation: int, bar: str, title: str) -> str:
    """The located problems in place of the page; it reloads, and recovers, when they are fixed."""
    return _standalone(title, generation, bar, _problems(list(failure.problems), title, "errors"))


def index_page(book: Book | Failure, generation: int, bar: str, coverage: dict[str, float | None]) -> str:
    if isinstance(book, Failure):
        return failure_page(book, generation, bar, "The book cannot be loaded")
    sources = book.sources
    rows = []
    for edition in sources.book.editions:
        percent = coverage.get(edition.id)
        shown = "—" if percent is None else f"{percent:.1f}%"
        pdfs = " ".join(f'<a href="/pdf/{e(edition.id)}/{e(p)}/">{e(p)}</a>' for p in book.profiles)
        rows.append(f'<tr><td><a href="/edition/{e(edition.id)}/">{e(edition.id)}</a></td>'
                    f'<td>{e(", ".join(edition.locales))}</td><td>{shown}</td><td>{pdfs}</td></tr>')
    body = (f"<h1>{e(sources.book.title)}</h1>"
            "<table><tr><th>edition</th><th>locales</th><th>translated</th><th>PDF pages of a profile</th></tr>"
            + "".join(rows) + "</table>"
            "<p>Pages reload by themselves when a source, a catalogue or a stylesheet is saved.</p>")
    warnings = _problems(list(sources.warnings), "Warnings", "warnings")
    return _standalone(f"{sources.book.title} — publish serve", generation, bar, warnings + body)


def pdf_page(edition_id: str, profile: str, fmt: str, key: str, pages: int, generation: int, bar: str) -> str:
    """Every page of one profile's PDF as an image, with a link to the PDF itself."""
    query = "" if fmt == "pdf" else f"?format={fmt}"
    other = "print" if fmt == "pdf" else "pdf"
    base = f"/pdf/{e(edition_id)}/{e(profile)}"
    images = "".join(f'<img class="pdf-page" src="{base}/page-{n}.png{query}{"&" if query else "?"}v={key}" '
                     f'alt="page {n}" data-page="{n}">' for n in range(1, pages + 1))
    body = (f"<h1>{e(profile)} — {e(edition_id)} ({e(fmt)}, {pages} pages)</h1>"
            f'<p><a href="{base}.pdf{query}">the PDF</a> · <a href="{base}/?format={other}">{other} layout</a></p>'
            + images)
    return _standalone(f"{profile} {edition_id} — publish serve", generation, bar, body)


def bar(book: Book | Failure, edition_id: str | None = None, profile: str | None = None) -> str:
    """The preview's own navigation: the index, every edition, and the PDF pages of each profile."""
    links = ['<a href="/">publish serve</a>']
    if not isinstance(book, Failure):
        for edition in book.editions:
            current = ' class="current"' if edition == edition_id and profile is None else ""
            links.append(f'<a href="/edition/{e(edition)}/"{current}>{e(edition)}</a>')
        if edition_id in book.editions:
            for p in book.profiles:
                current = ' class="current"' if p == profile else ""
                links.append(f'<a href="/pdf/{e(edition_id)}/{e(p)}/"{current}>PDF: {e(p)}</a>')
    return f'<nav id="publish-serve-bar" data-publish-serve>{"".join(links)}</nav>\n'


def _problems(problems: list[Problem], title: str, kind: str) -> str:
    if not problems:
        return ""
    items = "".join(f"<li><code>{e(str(p.location))}</code>: {e(p.severity.value)}: {e(p.message)}"
                    + (f" <code>[{e(p.location.field)}]</code>" if p.location.field else "") + "</li>"
                    for p in sorted(problems, key=lambda p: (p.location.path, p.location.line or 0)))
    return (f'<section id="publish-serve-problems" class="{kind}" data-publish-serve role="alert">'
            f"<h1>{e(title)}</h1><ul>{items}</ul></section>\n")


def _standalone(title: str, generation: int, bar: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en" data-publish-generation="{generation}">\n'
            '<head>\n<meta charset="utf-8">\n'
            f"<title>{e(title)}</title>\n{HEAD}</head>\n<body class=\"publish-serve-page\">\n{bar}<main>{body}</main>\n"
            "</body>\n</html>\n")
