"""One edition made ready to render: which editions and profiles, its date, its localised HTML (Jinja2)
and fonts, and the glyph-coverage gate on the text it prints."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import CatalogError, Location, Problem, RenderError, Severity, relpath

if TYPE_CHECKING:
    from .catalogs.extract import Layout
    from .catalogs.localize import Coverage
    from .model import Edition
    from .project import Project
    from .render.fonts import FontSet
    from .sources import Sources
    from .theme import Theme


def edition_date(project: Project, sources: Sources, edition: Edition, theme: Theme) -> datetime:
    """The build date of one edition: newest commit of the book, its theme and its own catalogues."""
    inputs = project.edition_inputs(sources.root, sources.book.id, edition.locales, sources.book.source_locale)
    return project.source_date(*inputs, *theme.files())


def select(sources: Sources, names: tuple[str, ...]) -> list[Edition]:
    known = {e.id: e for e in sources.book.editions}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RenderError(f"unknown edition(s) {', '.join(unknown)}; the book has {', '.join(known)}",
                          Location(str(sources.root / "book.yaml")))
    return [known[n] for n in names] if names else list(known.values())


def without(sources: Sources, exclude: tuple[str, ...]) -> Sources:
    """The book less the profiles the editor leaves out of this build or release."""
    from dataclasses import replace

    unknown = sorted(set(exclude) - {p.id for p in sources.profiles})
    if unknown:
        raise RenderError(f"cannot exclude {', '.join(unknown)}: not a profile of this book",
                          Location(str(sources.root / "book.yaml"), field="profiles"))
    if not exclude:
        return sources
    kept = tuple(p for p in sources.profiles if p.id not in exclude)
    if not kept:
        raise RenderError("every profile is excluded: nothing to publish", Location(str(sources.root / "book.yaml")))
    return replace(sources, profiles=kept)


def visible_text(html: str) -> str:
    """The text an edition prints (for the glyph gate): tags dropped, entities decoded."""
    body = html.split("<body", 1)[-1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


@dataclass
class Prepared:
    edition: Edition
    html: str
    css: str
    coverage: Coverage
    view: dict[str, Any]
    fonts: FontSet
    when: datetime
    problems: tuple[Problem, ...] = ()
    """Warnings of the templating (a broken interface label shown in the source language)."""


def prepare(project: Project, sources: Sources, edition: Edition, theme: Theme, *, draft: bool,
            when: datetime | None = None) -> Prepared:
    """Localise and template one edition, then run the glyph gate on it."""
    from .catalogs.localize import Localizer
    from .render.fonts import fontset, glyph_gate
    from .render.html import render_html

    layout = project.layout
    when = when or edition_date(project, sources, edition, theme)
    localizers = [Localizer.prepare(sources, loc, layout, project.cache) for loc in edition.locales]
    fonts = fontset(edition.locales, theme.fonts)
    result = render_html(sources, edition, localizers, project.cache, theme=theme, fmt="pdf", draft=draft,
                         build_date=when.date(), fonts=fonts.names())
    roots = [sources.root, *(layout.root / loc for loc in edition.locales if loc != sources.book.source_locale)]
    glyph_gate({edition.id: visible_text(result.html)}, fonts.faces(), edition.id, roots, cache=project.cache)
    return Prepared(edition, result.html, fonts.css(), localizers[0].coverage, result.view, fonts, when,
                    result.problems)


def check_catalogues(sources: Sources, chosen: list[Edition], layout: Layout) -> None:
    """An edition in a language with no catalogue at all would be the source text under a
    translated title: refuse it, located at the edition's locale in book.yaml."""
    doc = sources.documents["book"]
    problems = []
    for edition in chosen:
        i = sources.book.editions.index(edition)
        for j, locale in enumerate(edition.locales):
            folder = layout.root / locale / "LC_MESSAGES" / sources.book.id
            if locale == sources.book.source_locale or any(folder.glob("*.po")):
                continue
            problems.append(Problem(doc.locate(("editions", i, "locales", j)), Severity.ERROR,
                                    f"edition {edition.id}: no catalogue for {locale} in {relpath(folder)} "
                                    f"(run: publish catalog update {relpath(sources.root)} -l {locale})",
                                    "catalog.missing"))
    if problems:
        raise CatalogError(problems)
