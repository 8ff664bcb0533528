"""The ``publish`` command: thin, and lazy — the engine is imported only by the command that runs.

Every user error is a :class:`publish.errors.PublishError`, printed as ``FILE:LINE:COL: error: …``
with its category's exit code. Anything unexpected prints one line and leaves the traceback in
``.publish-cache/crash.log``.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import NoReturn

import click

from . import INTERRUPTED, __version__
from .errors import PublishError, relpath

CRASH_LOG = Path(".publish-cache/crash.log")


_OS_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO,
              errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EMFILE, errno.ENFILE}
"""What the machine, not the program, does wrong: a located error, not a crash."""
_CATEGORY = {"check": 2, "catalog": 3, "build": 4, "release": 5}
"""Exit code of an OS fault by command: the category of the stage that could not write."""


class Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler: not a KeyboardInterrupt, so click cannot turn it into
    "Aborted!", and not an Exception, so nothing on the way swallows it; ``finally`` blocks run (temporary
    files removed, worker processes killed). The handler stays installed, so a second Ctrl-C works even
    if a C callback swallowed the first."""


def _on_sigint(signum: int, frame: object) -> None:
    raise Interrupted


class _Group(click.Group):
    def main(self, *args, **kwargs):  # type: ignore[no-untyped-def] # noqa: ANN002, ANN003
        """Ctrl-C from the first moment of a command to its end: one line, exit 130."""
        installed = threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) != signal.SIG_IGN  # a background job (`cmd &`) keeps ignoring it
        previous = signal.signal(signal.SIGINT, _on_sigint) if installed else None
        try:
            return super().main(*args, **kwargs)
        except Interrupted:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the rest is printing one line
            click.echo(INTERRUPTED, err=True)
            if sys.stderr is sys.__stderr__:  # the real command: skip exit hooks that could block
                sys.stderr.flush()
                os._exit(130)
            sys.exit(130)
        finally:
            if installed:
                signal.signal(signal.SIGINT, previous)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            sys.exit(130)
        except OSError as exc:
            if exc.errno not in _OS_FAULTS:
                return self._crash(exc)
            where = relpath(exc.filename) if exc.filename else "publish"
            click.echo(f"{where}: error: {exc.strerror}", err=True)
            sys.exit(_CATEGORY.get(ctx.invoked_subcommand or "", 1))
        except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into a message
            return self._crash(exc)

    @staticmethod
    def _crash(exc: Exception) -> None:
        try:
            CRASH_LOG.parent.mkdir(parents=True, exist_ok=True)
            CRASH_LOG.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"traceback in {CRASH_LOG}"
        except OSError as log_error:
            where = f"no crash log: {log_error.strerror}"
        click.echo(f"publish: internal error: {type(exc).__name__}: {exc} ({where})", err=True)
        sys.exit(70)


def run() -> NoReturn:
    """The ``publish`` command (its console script): :func:`main`, then the process ends at once when the
    command is done (:func:`main` itself, called from Python, exits as click does)."""
    try:
        main()
    except SystemExit as done:
        if threading.active_count() > 1:   # a thread still running: Python's own exit waits for it
            raise
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code: object) -> NoReturn:
    """End the finished command without tearing the interpreter down, as mypy does (its ``--fast-exit``):
    freeing every object of a build one by one took 0.26 s (``--jobs 2``) and 0.49 s (``--jobs 1``) after
    the sample's build was done. The exit hooks run first (``atexit``: temporary files' finalizers,
    multiprocessing's), then the output is flushed; a status as Python's own exit gives it (120 when the
    output cannot be flushed)."""
    import atexit

    if code is None or isinstance(code, int):
        status = code or 0
    else:   # sys.exit("message")
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


class _Jobs(click.ParamType):
    """``--jobs``: a number from 1 to 64, or ``auto`` (the machine's cores)."""

    name = "N|auto"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN201
        from .project import cores

        if isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return cores()
        try:
            number = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
        if not 1 <= number <= 64:
            self.fail(f"{number} is not in the range 1 to 64 (or 'auto')", param, ctx)
        return number


JOBS = _Jobs()


def project_and_book(book: str | None):  # type: ignore[no-untyped-def] # -> tuple[Project, Path]
    """The project and the book's folder, made once, here, at the edge (see :func:`publish.project.locate`)."""
    from .project import locate

    return locate(book)


def default_book(book: str | None) -> Path:
    """The book folder named, or the project's only book."""
    return project_and_book(book)[1]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
def main() -> None:
    """Turn structured profile sources into bilingual English/Chinese books."""


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--book", "book_id", default="my-book", show_default=True, help="The new book's id (folder name).")
@click.option("--title", default="My Book", show_default=True, help="The new book's title.")
def init(directory: Path, book_id: str, title: str) -> None:
    """Start a project in DIRECTORY (publish.toml, one book, its catalogues), or add a book to the project
    DIRECTORY is in. `publish check` and `publish build` succeed on it with no edit."""
    from .errors import relpath
    from .init import init as run

    for path in run(directory, book_id=book_id, title=title):
        click.echo(f"wrote {relpath(path)}", err=True)


@main.command()
@click.argument("book", required=False)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(book: str | None, strict: bool) -> None:
    """Validate a book's sources and report every problem with its location."""
    from .sources import check_book
    from .theme import resolve

    project, root = project_and_book(book)
    sources, problems = check_book(root)
    if sources is not None:
        try:
            resolve(project, sources)
        except PublishError as exc:
            problems = [*problems, *exc.problems]
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
@click.option("--jobs", "-j", default=None, type=JOBS,
              help="Render this many files in parallel, or 'auto': one per core (default: the project's `jobs`).")
@click.option("--draft", is_flag=True, help="Mark profiles whose rights are pending with a visible notice.")
@click.option("--out", default=None, type=click.Path(path_type=Path),
              help="Output folder (default: the project's `build` folder).")
@click.option("--profile", default=None, help="Only this profile, in the edition's real layout (a quick look).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def build(book: str | None, editions: tuple[str, ...], formats: tuple[str, ...], jobs: int | None, draft: bool,
          out: Path | None, profile: str | None, quiet: bool) -> None:
    """Render a book's editions: print-ready PDF/X-4, tagged PDF/UA-1 and EPUB 3 (reusing the edition cache)."""
    import time

    from .build import ALL_FORMATS, BuildOptions
    from .build import build as run
    from .progress import reporter

    started = time.monotonic()
    project, root = project_and_book(book)
    options = BuildOptions(editions=editions, formats=formats or ALL_FORMATS, jobs=jobs or project.jobs,
                           draft=draft, out=out, profile=profile)
    report = reporter(quiet=quiet)
    try:
        artifacts = run(project, root, options, progress=report)
    finally:
        report.finish()
    if not quiet:
        click.echo(f"{len(artifacts)} file(s) in {time.monotonic() - started:.1f} s", err=True)


@main.command()
@click.argument("book", required=False)
@click.option("--version", "-V", "version", required=True, help="Release version, e.g. 1.0.0.")
@click.option("--out", default=None, type=click.Path(path_type=Path),
              help="Where bundles go (default: the project's `dist` folder).")
@click.option("--draft", is_flag=True,
              help="Release anyway into <book>-<V>-draft/, with DRAFT on covers and title pages.")
@click.option("--exclude", "exclude", multiple=True, help="Leave this profile out of the release (repeatable).")
@click.option("--jobs", "-j", default=None, type=JOBS,
              help="Render this many files in parallel, or 'auto': one per core (default: the project's `jobs`).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output (the gate's reasons are still printed).")
@click.option("--force", is_flag=True, help="Replace a published (non-draft) version whose files would change.")
def release(book: str | None, version: str, out: Path | None, draft: bool, exclude: tuple[str, ...],
            jobs: int | None, quiet: bool, force: bool) -> None:
    """Build, validate and bundle every edition for distributors (checksums, manifest, ONIX)."""
    import time

    from .progress import reporter
    from .release.bundle import ReleaseOptions
    from .release.bundle import release as run

    started = time.monotonic()
    project, root = project_and_book(book)
    options = ReleaseOptions(version=version, draft=draft, exclude=exclude, jobs=jobs or project.jobs, out=out,
                             force=force)
    report = reporter(quiet=quiet)
    try:
        done = run(project, root, options, progress=report)
    finally:
        report.finish()
    for problem in done.problems:
        click.echo(problem.format(), err=True)
    if done.problems:
        click.echo(f"DRAFT: the release gate found {len(done.problems)} reason(s) not to publish (listed above)",
                   err=True)
    click.echo(f"{done.folder} in {time.monotonic() - started:.1f} s "
               f"(rebuilt: {', '.join(done.rebuilt) or 'nothing'})", err=True)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--book", "book", help="The book: its folder or its id (default: the project's only book).")
@click.option("--id", "profile_id", help="The profile id (default: from the subject's name); one article only.")
@click.option("--force", is_flag=True, help="Replace a profile that exists.")
def import_(files: tuple[Path, ...], book: str | None, profile_id: str | None, force: bool) -> None:
    """Raw articles (.txt as copied from a web page, .md, .html, .docx) → draft profiles/<id>.yaml."""
    from .importer.report import report
    from .importer.run import import_articles

    done = import_articles(list(files), default_book(book), profile_id, force=force)
    if report(done, lambda s: click.echo(s, err=True)):
        sys.exit(2)


@main.command()
@click.argument("book", required=False)
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback is announced with a warning.")
@click.option("--draft", is_flag=True, help="Mark profiles whose rights are pending, as `build --draft` does.")
def serve(book: str | None, port: int, host: str, draft: bool) -> None:
    """Preview a book live: each edition's HTML and a profile's PDF pages, reloaded on every save."""
    from .serve.server import run

    project, root = project_and_book(book)
    run(project, root, host=host, port=port, draft=draft, log=lambda s: click.echo(s, err=True))


from .catalogs.cli import catalog  # noqa: E402 - the sub-group is thin too

main.add_command(catalog)
