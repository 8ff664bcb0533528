"""The preview's HTTP server: the standard library's ``ThreadingHTTPServer``, a handful of routes.

Routes (GET only):

=====================================  ==========================================================
``/``                                  the editions, their translation coverage, the profiles
``/edition/<edition>/``                the edition's localised HTML with its screen styles
``/pdf/<edition>/<profile>/``          that profile's PDF pages as images (``?format=print``: print layout)
``/pdf/<edition>/<profile>.pdf``       the PDF itself
``/pdf/<edition>/<profile>/page-N.png``  page N, rendered on demand and cached by content
``/static/<book|theme|toolkit>/<path>``  a stylesheet and what it uses (see :mod:`.static`)
``/_serve/events``                     Server-Sent Events: the generation, pushed after every save
``/_serve/reload.js``, ``screen.css``  the preview's own script and stylesheet
=====================================  ==========================================================

Edition and profile names are looked up among the book's, never used as paths. Bound to 127.0.0.1
unless told otherwise; then requests must name a local host (``Host:``), which defeats DNS rebinding.
"""

from __future__ import annotations

import ipaddress
import re
import signal
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .. import assets
from ..errors import PublishError
from ..project import Project
from . import pages, pdfpages, static
from .preview import Book, Failure, Preview
from .watch import Watcher

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
KEEPALIVE_S = 15.0
"""A comment line on the event stream this often, so a vanished browser is noticed."""
STOP_S = 10.0
"""At most this long to let the watcher and the warm-up finish once stopping."""
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'")


class App:
    """What every request handler shares: the preview, where static files come from, the log."""

    def __init__(self, preview: Preview, *, local_only: bool, log: Callable[[str], None]) -> None:
        self.preview = preview
        self.local_only = local_only
        self.log = log
        self.stopping = threading.Event()

    def folders(self, book: Book | Failure) -> dict[str, tuple[Path, Path | None]]:
        """Static folder name → (folder, the project it must stay in; None for the built-in theme)."""
        project = self.preview.project.root
        named: dict[str, tuple[Path, Path | None]] = {"book": (self.preview.root, project)}
        if not isinstance(book, Failure):
            own = [f for f in book.theme.folders if f != assets.DEFAULT_THEME]
            if own:
                named["theme"] = (own[0], project)
        named["toolkit"] = (assets.DEFAULT_THEME, None)
        return named


class Handler(BaseHTTPRequestHandler):
    server_version = "publish-serve"
    app: App  # set on the subclass made by make_server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if isinstance(code, HTTPStatus):
            code = code.value
        if str(code).isdigit() and int(code) >= 400:
            self.app.log(f"{self.command} {self.path} → {code}")

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.app.local_only and not self._local_host():
            return self._send(403, b"publish serve answers only to localhost\n", "text/plain; charset=utf-8")
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        raw = url.path
        try:
            self._route(raw, query)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except static.Refused:
            self._send(403, b"refused: outside the folders the preview serves\n", "text/plain; charset=utf-8")

    def _local_host(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = re.sub(r":\d+$", "", host)
        return name in LOCAL_NAMES

    def _route(self, raw: str, query: dict[str, list[str]]) -> None:
        preview = self.app.preview
        generation = preview.generation
        if not raw.startswith("/"):
            return self._not_found()
        parts = raw.split("/")[1:]
        if raw == "/":
            book = preview.book()
            return self._html(pages.index_page(book, generation, pages.bar(book), self._coverage(book)))
        if raw == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        if raw == "/_serve/events":
            return self._events()
        if raw in ("/_serve/reload.js", "/_serve/screen.css"):
            kind = "text/javascript" if raw.endswith(".js") else "text/css"
            return self._send(200, (pages.CLIENT / parts[-1]).read_bytes(), f"{kind}; charset=utf-8")
        if parts[0] == "static" and len(parts) >= 3:
            return self._static(parts[1], "/".join(parts[2:]))
        if parts[0] == "edition" and len(parts) == 3 and parts[2] == "":
            return self._edition(_name(parts[1]), generation)
        if parts[0] == "edition" and len(parts) == 2:
            return self._redirect(f"{raw}/")
        if parts[0] == "pdf" and len(parts) in (3, 4):
            return self._pdf(parts[1:], (query.get("format") or ["pdf"])[0], generation)
        self._not_found()

    def _edition(self, edition_id: str, generation: int) -> None:
        preview = self.app.preview
        book = preview.book()
        prepared = preview.edition(edition_id)
        bar = pages.bar(book, edition_id)
        if prepared is None:
            return self._not_found()
        if isinstance(prepared, Failure):
            return self._html(pages.failure_page(prepared, generation, bar, f"Edition {edition_id} cannot be made"),
                              422)
        assert not isinstance(book, Failure)
        folders = {name: folder for name, (folder, _) in self.app.folders(book).items()}
        sheets = [u for u in (static.url(folders, s) for s in book.theme.stylesheets) if u]
        self._html(pages.edition_page(prepared, sheets, generation, bar,
                                      (*book.sources.warnings, *prepared.problems)))

    def _pdf(self, parts: list[str], fmt: str, generation: int) -> None:
        preview = self.app.preview
        edition_id, rest = _name(parts[0]), parts[1:]
        page: int | None = None
        if len(rest) == 1 and rest[0].endswith(".pdf"):
            profile, what = _name(rest[0][:-4]), "pdf"
        elif len(rest) == 2 and rest[1] == "":
            profile, what = _name(rest[0]), "viewer"
        elif len(rest) == 2 and (m := re.fullmatch(r"page-([1-9][0-9]{0,4})\.png", rest[1])):
            profile, what, page = _name(rest[0]), "png", int(m.group(1))
        else:
            return self._not_found()
        book = preview.book()
        bar = pages.bar(book, edition_id, profile)
        made = pdfpages.profile_pdf(preview, edition_id, profile, fmt)
        if made is None:
            return self._not_found()
        if isinstance(made, Failure):
            title = f"The PDF of {profile} ({edition_id}) cannot be made"
            return self._html(pages.failure_page(made, generation, bar, title), 422)
        if what == "viewer":
            return self._html(pages.pdf_page(edition_id, profile, fmt, made.key, made.pages, generation, bar))
        if what == "pdf":
            return self._send(200, made.path.read_bytes(), "application/pdf", etag=made.key)
        assert page is not None
        image = pdfpages.page_image(preview, made, page)
        if image is None:
            return self._not_found()
        if isinstance(image, Failure):
            return self._html(pages.failure_page(image, generation, bar, f"Page {page} cannot be shown"), 422)
        self._send(200, image.read_bytes(), "image/png", etag=f"{made.key}-{page}")

    def _static(self, name: str, rest: str) -> None:
        folders = self.app.folders(self.app.preview.book())
        if name not in folders:
            return self._not_found()
        folder, project = folders[name]
        try:
            found = static.resolve(folder, rest, project=project)
        except UnicodeDecodeError:
            found = None
        if found is None:
            return self._not_found()
        self._send(200, found.read_bytes(), static.TYPES[found.suffix.lower()])

    def _events(self) -> None:
        preview = self.app.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen: int | None = None
        while not self.app.stopping.is_set():
            generation = preview.generation if seen is None else preview.wait(seen, KEEPALIVE_S)
            if generation != seen:
                self.wfile.write(f"event: generation\ndata: {generation}\n\n".encode())
                seen = generation
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()

    def _coverage(self, book: Book | Failure) -> dict[str, float | None]:
        if isinstance(book, Failure):
            return {}
        found: dict[str, float | None] = {}
        for edition_id in book.editions:
            prepared = self.app.preview.edition(edition_id)
            found[edition_id] = None if prepared is None or isinstance(prepared, Failure) else prepared.coverage.percent
        return found

    def _html(self, text: str, status: int = 200) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, where: str) -> None:
        self.send_response(301)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self) -> None:
        self._send(404, b"not found\n", "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, etag: str | None = None) -> None:
        if etag and self.headers.get("If-None-Match") == f'"{etag}"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache" if etag else "no-store")
        if etag:
            self.send_header("ETag", f'"{etag}"')
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)


def _name(segment: str) -> str:
    """An edition or profile id from the URL: decoded, then only ever compared with the book's ids."""
    return unquote(segment)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    app: App

    def handle_error(self, request: object, client_address: object) -> None:
        """A request that failed unexpectedly: one line in the log (not a traceback), and serve on."""
        import sys

        exc = sys.exc_info()[1]
        self.app.log(f"publish serve: a request failed: {type(exc).__name__}: {exc}")


class _ServerV6(_Server):
    address_family = socket.AF_INET6


def make_server(preview: Preview, host: str, port: int, log: Callable[[str], None]) -> _Server:
    app = App(preview, local_only=is_loopback(host), log=log)
    handler = type("BoundHandler", (Handler,), {"app": app})
    server_class: type[_Server] = _Server
    if ":" in host:
        server_class = _ServerV6
    try:
        server = server_class((host.strip("[]"), port), handler)
    except OSError as exc:
        raise PublishError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (another --port?)") from None
    server.daemon_threads = False  # server_close() waits for the requests under way (see run)
    server.app = app
    return server


def run(project: Project, root: Path, *, host: str = "127.0.0.1", port: int = 8000, draft: bool = False,
        log: Callable[[str], None] = print) -> None:
    """Serve the preview until Ctrl-C (or SIGTERM); then stop cleanly, in one line."""
    preview = Preview(project, root, draft=draft)
    server = make_server(preview, host, port, log)
    if not is_loopback(host):
        log(f"warning: serving on {host}: anyone who can reach this machine on port "
            f"{server.server_address[1]} can read the book's sources as pages")
    shown = f"[{host}]" if ":" in host else host
    watcher = Watcher(preview, log)
    warm = threading.Thread(target=preview.warm, name="publish-serve-warm")
    # Ctrl-C and SIGTERM stop the server, even when started where SIGINT is ignored (`publish serve &`)
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher.start()
        warm.start()
        log(f"publish serve: http://{shown}:{server.server_address[1]}/ (Ctrl-C stops)")
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        # no thread left running (or writing) while the interpreter shuts down: the pages' event streams
        # are woken and end, the watcher and the warm-up stop, requests under way are finished
        server.app.stopping.set()
        preview.close()
        watcher.stop()
        server.server_close()
        for thread in (watcher, warm):
            if thread.is_alive():
                thread.join(STOP_S)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log("publish serve: stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
