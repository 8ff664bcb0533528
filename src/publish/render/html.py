"""Jinja2 → HTML for one edition. Autoescape and StrictUndefined; no source text is ever a template.

Interface labels come from the ``publish`` gettext domain. Jinja2's i18n extension marks translations
as safe markup, so the callables we install escape the translated string first: a translator's
``<img onerror=…>`` prints as text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from .. import __version__
from ..assets import TEMPLATES
from ..catalogs.compile import mo_path
from ..catalogs.extract import INTERFACE_LAYOUT
from ..catalogs.localize import Localizer
from ..catalogs.placeholders import SafeLabels
from ..catalogs.units import INTERFACE
from ..errors import Problem
from ..licences import LICENCES
from ..model import Edition
from ..sources import Sources
from ..theme import Theme
from .inline import inline, latin_lang
from .view import Translator, bcp47, book_view

INTERFACE_DOMAIN = INTERFACE


def interface_translations(cache: Path, locale: str) -> SafeLabels:
    """The interface labels; a label whose placeholders are broken shows its source text (reported)."""
    path = mo_path(cache, locale, INTERFACE_DOMAIN)
    if not path.is_file():
        return SafeLabels(NullTranslations())
    with path.open("rb") as fp:
        return SafeLabels(Translations(fp, domain=INTERFACE_DOMAIN), INTERFACE_LAYOUT.catalogue(locale, INTERFACE))


def environment(translations: NullTranslations | SafeLabels, theme: Theme | None = None,
                cache: Path | None = None) -> jinja2.Environment:
    """Templates from the theme's folders first (overriding the toolkit's by name), then the toolkit's;
    with ``cache`` (the project's cache folder), compiled templates are kept there (Jinja2's bytecode
    cache, by each template's name, file and source; every environment made here compiles alike)."""
    dirs = [str(d) for d in theme.template_dirs] if theme else [str(TEMPLATES)]
    compiled = None
    if cache is not None:
        folder = cache / "jinja" / jinja2.__version__
        folder.mkdir(parents=True, exist_ok=True)
        compiled = jinja2.FileSystemBytecodeCache(str(folder))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs), bytecode_cache=compiled,
        autoescape=True, undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )

    def gettext(message: str) -> Markup:
        return escape(translations.gettext(message))

    def ngettext(singular: str, plural: str, n: int) -> Markup:
        return escape(translations.ngettext(singular, plural, n))

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["inline"] = inline
    env.filters["latin"] = latin_lang
    # "Ye Wen Ren Yi（ShanghaiDoctor.cn）" and "Ye Wen Ren Yi (ShanghaiDoctor.cn)" are the same name
    env.filters["loose"] = lambda s: "".join(unicodedata.normalize("NFKC", str(s)).split())
    return env


@dataclass(frozen=True)
class HtmlEdition:
    edition: Edition
    html: str
    localizers: tuple[Localizer, ...]
    view: dict[str, Any]
    problems: tuple[Problem, ...] = ()
    """Warnings met while templating (an interface label shown in its source text)."""


def render_html(sources: Sources, edition: Edition, localizers: list[Localizer], cache: Path, *,
                theme: Theme | None = None, fmt: str = "pdf", stylesheets: tuple[str, ...] = (), draft: bool = False,
                build_date: date | None = None, fonts: str = "Noto Serif CJK") -> HtmlEdition:
    main = localizers[0]
    tr = Translator(main, localizers[1] if len(localizers) > 1 else None)
    view = book_view(sources, tr)
    locale = main.locale
    dates = {}
    for p in sources.profiles:
        if p.source.updated:
            dates[p.id] = format_date(date.fromisoformat(p.source.updated), "long", locale=locale)
    labels = interface_translations(cache, locale)
    env = environment(labels, theme, cache)
    built = build_date or date.today()
    html = env.get_template("book.html.j2").render(
        book=view, edition=edition, lang=bcp47(locale), isbns=sorted(edition.isbn.items()),
        edition_name=edition.id, licence=LICENCES.get(sources.book.licence_of(edition) or ""), licences=LICENCES,
        stylesheets=stylesheets, draft=draft, dates=dates, fonts=fonts,
        version=__version__, build_date=format_date(built, "long", locale=locale), format=fmt,
    )
    # the print cover wrap (prepress/coverwrap.py) is set from the view: its draft mark in the edition's language
    view = {**view, "draft_label": labels.gettext("DRAFT")}
    return HtmlEdition(edition, html, tuple(localizers), view, tuple(labels.reported))


