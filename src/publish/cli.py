"""The ``publish`` command: thin, and lazy — the engine is imported only by the command that runs.

Every user error is a :class:`publish.errors.PublishError`, printed as ``FILE:LINE:COL: error: …``
with its category's exit code. Anything unexpected prints one line and leaves the traceback in
``.publish-cache/crash.log``.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import PublishError

CRASH_LOG = Path(".publish-cache/crash.log")


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("publish: interrupted; outputs left as they were", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into a message
            CRASH_LOG.parent.mkdir(parents=True, exist_ok=True)
            CRASH_LOG.write_text(traceback.format_exc(), encoding="utf-8")
            click.echo(f"publish: internal error: {type(exc).__name__}: {exc} "
                       f"(traceback in {CRASH_LOG})", err=True)
            sys.exit(70)


def default_book(book: str | None) -> Path:
    """The book folder named, or the only one under ``books/``."""
    if book:
        return Path(book)
    found = sorted(p.parent for p in Path("books").glob("*/book.yaml"))
    if len(found) == 1:
        return found[0]
    raise PublishError("name the book folder (books/<id>)" if found else "no book found under books/")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
def main() -> None:
    """Turn structured profile sources into bilingual English/Chinese books."""


@main.command()
@click.argument("book", required=False)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(book: str | None, strict: bool) -> None:
    """Validate a book's sources and report every problem with its location."""
    from .sources import check_book

    _, problems = check_book(default_book(book))
    for problem in sorted(problems, key=lambda p: (p.location.path, p.location.line or 0)):
        click.echo(problem.format(), err=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(2)


@main.command()
@click.argument("book", required=False)
@click.option("--edition", "-e", "editions", multiple=True, help="Edition id (repeatable); default: all of book.yaml.")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(["print", "pdf", "epub"]),
              help="Output format (repeatable); default: print, pdf and epub.")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Render this many files in parallel.")
@click.option("--draft", is_flag=True, help="Mark profiles whose rights are pending with a visible notice.")
@click.option("--out", default="build", show_default=True, type=click.Path(path_type=Path))
@click.option("--locales-dir", default="locales", show_default=True, type=click.Path(path_type=Path))
def build(book: str | None, editions: tuple[str, ...], formats: tuple[str, ...], jobs: int, draft: bool,
          out: Path, locales_dir: Path) -> None:
    """Render a book's editions: print-ready PDF/X-4, tagged PDF/UA-1 and EPUB 3."""
    import time

    from .build import ALL_FORMATS
    from .build import build as run

    started = time.monotonic()
    artifacts = run(default_book(book), editions=editions, formats=formats or ALL_FORMATS, jobs=jobs,
                    draft=draft, out=out, locales=locales_dir, progress=lambda s: click.echo(s, err=True))
    click.echo(f"{len(artifacts)} file(s) in {time.monotonic() - started:.1f} s", err=True)


@main.command()
@click.argument("book", required=False)
@click.option("--version", "-V", "version", required=True, help="Release version, e.g. 1.0.0.")
@click.option("--out", default="dist", show_default=True, type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True,
              help="Release anyway into <book>-<V>-draft/, with DRAFT on covers and title pages.")
@click.option("--exclude", "exclude", multiple=True, help="Leave this profile out of the release (repeatable).")
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--locales-dir", default="locales", show_default=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a published (non-draft) version whose files would change.")
def release(book: str | None, version: str, out: Path, draft: bool, exclude: tuple[str, ...], jobs: int,
            locales_dir: Path, force: bool) -> None:
    """Build, validate and bundle every edition for distributors (checksums, manifest, ONIX)."""
    import time

    from .release.bundle import release as run

    started = time.monotonic()
    done = run(default_book(book), version, out=out, draft=draft, exclude=exclude, locales=locales_dir, jobs=jobs,
               force=force, progress=lambda s: click.echo(s, err=True))
    for problem in done.problems:
        click.echo(problem.format(), err=True)
    if done.problems:
        click.echo(f"DRAFT: the release gate found {len(done.problems)} reason(s) not to publish (listed above)",
                   err=True)
    click.echo(f"{done.folder} in {time.monotonic() - started:.1f} s "
               f"(rebuilt: {', '.join(done.rebuilt) or 'nothing'})", err=True)


from .catalogs.cli import catalog  # noqa: E402 - the sub-group is thin too

main.add_command(catalog)
