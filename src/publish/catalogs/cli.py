"""``publish catalog …``: thin commands over the catalogue modules (imported when a command runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

INTERFACE = click.option("--interface", is_flag=True,
                         help="For toolkit developers: the toolkit's own interface catalogues (publish domain), "
                              "inside the package, instead of a book's.")
INTERFACE_LOCALES = ("zh_Hans", "zh_Hant")


def _layout_options(command):  # type: ignore[no-untyped-def] # noqa: ANN001
    """--width/--no-wrap/--locations: how written catalogues are laid out (default: as each file is)."""
    for option in reversed((
        click.option("--width", type=click.IntRange(min=20), default=None,
                     help="Wrap every catalogue written at this width (default: keep each file's own wrapping)."),
        click.option("--no-wrap", is_flag=True, help="Do not wrap long lines (every catalogue written)."),
        click.option("--locations", type=click.Choice(["full", "file", "never"]), default=None,
                     help="Location comments: file and line, file only, or none (default: as the file has them)."),
    )):
        command = option(command)
    return command


def _style(width: int | None, no_wrap: bool, locations: str | None):  # type: ignore[no-untyped-def]
    from .postyle import Style

    return Style(width=0 if no_wrap else width, locations=locations)  # type: ignore[arg-type]


def _project_style(project, width: int | None, no_wrap: bool, locations: str | None):  # type: ignore[no-untyped-def]
    """The command line's layout options, else the project's ``[catalogs]`` settings."""
    from .settings import catalog_settings

    settings = catalog_settings(project).style
    style = _style(width, no_wrap, locations)
    return type(style)(width=style.width if style.width is not None else settings.width,
                       locations=style.locations or settings.locations)


def _book(book: str | None):  # type: ignore[no-untyped-def] # -> tuple[Layout, Sources, Project]
    """The book's sources and where its catalogues live (the project's ``locales`` folder)."""
    from ..project import locate
    from ..sources import load_book

    project, root = locate(book)
    return project.layout, load_book(root), project


def _locales_default() -> Path:
    """With no path: the current project's catalogues, or ``locales`` outside any project."""
    from ..project import find_file, parse

    file = find_file(Path.cwd())
    return parse(file).locales if file else Path("locales")


def _report(path: Path, changed: bool, verb: str = "wrote") -> None:
    from ..errors import relpath

    click.echo(f"{verb if changed else 'unchanged'} {relpath(path)}", err=True)


def _target_locales(sources, only: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    book = sources.book
    found = [loc for e in book.editions for loc in e.locales if loc != book.source_locale]
    ordered = list(dict.fromkeys(found))
    return [loc for loc in ordered if not only or loc in only] + [loc for loc in only if loc not in ordered]


@click.group()
def catalog() -> None:
    """Extract, update, merge, compile, check and convert message catalogues."""


@catalog.command()
@click.argument("book", required=False)
@INTERFACE
def extract(book: str | None, interface: bool) -> None:
    """Write the .pot templates of BOOK (one domain per profile, one for the book)."""
    from .extract import extract as run
    from .extract import extract_interface

    if interface:
        _report(*extract_interface())
        return
    layout, sources, project = _book(book)
    for path, changed in run(sources, layout, project.source_date(sources.root)):
        _report(path, changed)


@catalog.command()
@click.argument("book", required=False)
@click.option("--locale", "-l", "only", multiple=True, help="Only this locale (repeatable).")
@INTERFACE
@_layout_options
def update(book: str | None, only: tuple[str, ...], interface: bool, width: int | None, no_wrap: bool,
           locations: str | None) -> None:
    """Create missing catalogues and merge the templates into existing ones (nothing is ever lost)."""
    from .extract import INTERFACE_LAYOUT
    from .units import INTERFACE as DOMAIN
    from .units import domains
    from .update import update as run

    if interface:
        for locale in only or INTERFACE_LOCALES:
            po = INTERFACE_LAYOUT.catalogue(locale, DOMAIN)
            _report(po, run(po, INTERFACE_LAYOUT.template(DOMAIN), locale, _style(width, no_wrap, locations)))
        return
    layout, sources, project = _book(book)
    style = _project_style(project, width, no_wrap, locations)
    for locale in _target_locales(sources, only):
        for domain in domains(sources):
            po = layout.catalogue(locale, domain)
            _report(po, run(po, layout.template(domain), locale, style))


@catalog.command()
@click.argument("definitions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the merged catalogue (default: DEFINITIONS, in place).")
@_layout_options
def merge(definitions: Path, template: Path, output: Path | None, width: int | None, no_wrap: bool,
          locations: str | None) -> None:
    """Merge TEMPLATE (.pot) into DEFINITIONS (.po), like msgmerge, verified and atomic."""
    from .update import merge as run

    target = output or definitions
    _report(target, run(definitions, template, target, layout=_style(width, no_wrap, locations)))


@catalog.command(name="compile")
@click.argument("book", required=False)
def compile_(book: str | None) -> None:
    """Compile catalogues to .mo files in the project's cache (with and without fuzzy entries)."""
    from .compile import compile_book

    layout, sources, project = _book(book)
    for path in compile_book(sources, layout, project.cache, _target_locales(sources, ())):
        _report(path, True)


@catalog.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-percent", type=float, default=None, help="Exit 1 when a catalogue is below this.")
def stats(paths: tuple[Path, ...], fmt: str, min_percent: float | None) -> None:
    """Translated, fuzzy, untranslated and obsolete messages per catalogue and per locale."""
    from .stats import collect, render_json, render_text

    rows = collect(list(paths) or [_locales_default()])
    click.echo(render_json(rows) if fmt == "json" else render_text(rows))
    if min_percent is not None and any(r.percent < min_percent for r in rows):
        sys.exit(1)


@catalog.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--books", default="books", show_default=True, type=click.Path(path_type=Path),
              help="Where the books (and their glossaries) are.")
def check_(paths: tuple[Path, ...], fmt: str, books: Path) -> None:
    """QA of translations: numbers, markup, glossary, Chinese punctuation and script, consistency."""
    from .qa import render_json, render_text, run

    reports = run(list(paths) or [_locales_default()], books)
    click.echo(render_json(reports) if fmt == "json" else render_text(reports))
    if any(r.finding.severity == "error" for r in reports):
        sys.exit(1)


@catalog.command()
@click.argument("book", required=False)
@click.option("--from", "source", default="zh_Hans", show_default=True)
@click.option("--to", "target", default="zh_Hant", show_default=True)
@click.option("--config", default="s2twp", show_default=True, help="OpenCC configuration (s2twp, s2hk…).")
@_layout_options
def convert(book: str | None, source: str, target: str, config: str, width: int | None, no_wrap: bool,
            locations: str | None) -> None:
    """Derive TARGET catalogues from SOURCE with OpenCC; reviewed entries survive every run."""
    from ..errors import CatalogError
    from ..sources import inside_book
    from .convert import Converter, convert_file, read_phrases
    from .qa import book_glossary
    from .units import domains
    from .update import update as update_one

    layout, sources, project = _book(book)
    style = _project_style(project, width, no_wrap, locations)
    # one phrase source: the glossary's zh_Hant column, then the phrase file's extra lines
    phrase_file = inside_book(sources.root, sources.root / "opencc-phrases.txt", CatalogError)  # no symlink out
    phrases = read_phrases(phrase_file, book_glossary(sources.root))
    converter = Converter(config, phrases)
    for domain in domains(sources):
        hans, hant = layout.catalogue(source, domain), layout.catalogue(target, domain)
        if not hans.exists():
            continue
        update_one(hant, layout.template(domain), target, style)
        changed, counts = convert_file(hans, hant, converter, style=style)
        click.echo(f"{'wrote' if changed else 'unchanged'} {hant}: {counts}", err=True)
