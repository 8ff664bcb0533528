"""One part of an edition laid out with WeasyPrint into the cache (a worker's task: :mod:`publish.render.partbuild`),
tagged as the format wants and not finished (the print finish and the stable ids are the assembled file's).

Profiles and the back matter are laid out without folios (they do not know their page numbers); the assembly
draws each page's folio from a *folio sheet*: pages 1…M laid out with the same page set-up showing only their
folios (:func:`sheet_html`). Stylesheets and the font configuration are kept per process: a worker lays out
many parts of the same edition.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import assets
from ..errors import Location, Problem, RenderError, Severity
from .heap import without_collector
from .pagemap import page_starts
from .partkeys import Laid, Setup, record

FIXED_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
NO_FOLIOS = ("@page :left { @bottom-left { content: none; } }\n"
             "@page :right { @bottom-right { content: none; } }\n")
"""Profiles and the back matter: the folio comes from the sheet (publish.render.pdf's page set-up puts
it bottom-outside)."""
ONLY_FOLIOS = ("@page :left { @top-left { content: none; } }\n@page :right { @top-right { content: none; } }\n"
               "body { string-set: none; }\n")


def kind_css(setup: Setup, kind: str) -> str:
    return setup.css + (NO_FOLIOS if kind in ("profile", "back") else ONLY_FOLIOS if kind == "sheet" else "")


@without_collector
def lay_out(html: str, target: Path, setup: Setup, kind: str, modified: datetime, timeout: int = 600) -> Laid:
    """Lay ``html`` out and write it to ``target`` (a worker's job): tagged as the format wants, not finished
    (the print finish and the stable ids are the assembled file's). The collector is paused meanwhile
    (:func:`publish.render.heap.without_collector`)."""
    from weasyprint import CSS, HTML

    from .. import atomic
    from .fetcher import BookFetcher, Refused
    from .pdf import DOCUMENT_CSS, FONT_DIRS, STYLES, _captured, _parsed, _raise_logged, _time_bound, theme_sheets
    from .pdftags import repair as repair_tags
    from .weasy import (
        cached_page_references,
        deferred_fonts,
        flate_level,
        language_tags,
        page_is_blank,
        typesetting,
    )

    fmt = setup.fmt
    fetcher = BookFetcher([*setup.roots, *setup.theme.roots, assets.ICC, *FONT_DIRS])
    stamp = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = html.replace("<head>", f'<head>\n<meta name="dcterms.created" content="{stamp}">'
                                  f'\n<meta name="dcterms.modified" content="{stamp}">'
                                  f"\n<style>{DOCUMENT_CSS}{fmt.colour_css()}</style>", 1)
    identifier = hashlib.sha256(html.replace(fmt.colour_css() or "\0", "").encode()).hexdigest()[:32].encode()
    shown = f"{target.name} ({kind})"
    with _captured() as log, _time_bound(timeout, shown), typesetting():
        try:
            page_css = fmt.page_css(setup.trim) + kind_css(setup, kind)
            page = _parsed(("string", page_css, str(STYLES), tuple(fetcher.roots)),
                           lambda: CSS(string=page_css, url_fetcher=fetcher, base_url=str(STYLES) + "/"))
            first, *rest = theme_sheets(setup.theme, fetcher)
            source = HTML(string=html, base_url=str(setup.base) + "/", url_fetcher=fetcher)
            document = source.render(stylesheets=[first, page, *rest], font_config=_font_config(setup))
            _raise_logged(log.messages, shown)
            starts = tuple(page_starts(source.etree_element, document.pages)) if kind != "sheet" else ()
            anchors: dict[str, int] = {}
            for index, laid in enumerate(document.pages):
                for name in laid.anchors:
                    anchors.setdefault(name, index)
            blanks = tuple(page_is_blank(p) for p in document.pages)
            options = fmt.options(identifier) if kind != "sheet" else {"pdf_identifier": identifier}
            with (atomic.temporary_beside(target, ".pdf") as tmp, language_tags(document.metadata.lang or ""),
                  cached_page_references(), flate_level(6), deferred_fonts()):
                document.write_pdf(str(tmp), **options)  # type: ignore[arg-type]
                if kind != "sheet" and fmt.variant == "pdf/ua-1":
                    repair_tags(tmp)
                _raise_logged(log.messages, shown)
                atomic.replace(tmp, target)
        except Refused as exc:
            raise RenderError([Problem(Location(shown), Severity.ERROR, f"{exc.reason}: {exc.url}",
                                       "render.fetch")]) from None
    return Laid(target, len(document.pages), anchors, blanks, starts)


def _font_config(setup: Setup) -> Any:  # noqa: ANN401
    """One WeasyPrint ``FontConfiguration`` (fontconfig's configuration and Pango's font map, with the faces they
    have loaded) for the parts of one edition laid out in this process: WeasyPrint makes a new one for each
    document otherwise. Per edition (its stylesheets, theme and book files), so the ``@font-face`` fonts one
    edition adds to it are never another's."""
    key = (setup.digest, setup.css)
    found = _FONTS.get(key)
    if found is None:
        from weasyprint.text.fonts import FontConfiguration

        if len(_FONTS) >= 8:
            _FONTS.clear()
        found = _FONTS[key] = FontConfiguration()
    return found


_FONTS: dict[tuple[str, str], Any] = {}


def forget(setup: Setup) -> None:
    """Drop what this process keeps for laying out the parts of the edition ``setup`` is for (its font
    configuration, its page set-up's stylesheets; the theme's files stay, other editions share them): called when
    the edition is assembled, as no part of it is laid out after that (~35 MB for a Chinese edition)."""
    from .pdf import _SHEETS

    _FONTS.pop((setup.digest, setup.css), None)
    for key in [k for k in _SHEETS if k[0] == "string" and setup.css in k[1]]:
        del _SHEETS[key]


def job(html: str, key: str, cache: Path, setup: Setup, kind: str, modified: datetime) -> Laid:
    """Lay a part out into the cache entry ``key`` (run in a worker)."""
    from .. import atomic
    from ..release import cache as cache_mod

    folder = atomic.temporary_folder_beside(cache / "tmp" / "parts")
    try:
        laid = lay_out(html, folder / "part.pdf", setup, kind, modified)
        result = record(laid)
        entry = cache_mod.store(cache, key, {"pdf": laid.pdf}, result)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return replace(laid, pdf=entry.file("pdf"))


def sheet_html(edition_html: str, pages: int) -> str:
    """``pages`` empty pages in the edition's language and body class: only the page set-up's folios show."""
    import re

    head = edition_html.split("<body", 1)[0]
    body = re.search(r"<body[^>]*>", edition_html)
    cls = re.search(r'class="([^"]*)"', body.group(0)) if body else None
    divs = '<div style="break-before: page"></div>\n' * (pages - 1)
    return f'{head}<body class="{cls.group(1) if cls else ""}">\n<div></div>\n{divs}</body>\n</html>\n'


