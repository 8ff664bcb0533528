"""WeasyPrint's only door to files: local files inside the allowed folders, nothing else.

WeasyPrint's default fetcher requests any URL it meets (``http://169.254.169.254/…`` included) and
``<link rel=attachment href=file:///…>`` embeds any local file. This fetcher refuses every scheme but
``file:`` and ``data:``, resolves symlinks and ``..``, and accepts only paths inside the book, the
styles and the font folders. A refusal stops the rendering (``FatalURLFetchingError`` is a
``BaseException``, so WeasyPrint cannot swallow it) and is reported as a located error.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class Refused(FatalURLFetchingError):
    """A URL the book may not use; ``url`` and ``reason`` say which and why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


class BookFetcher(URLFetcher):
    def __init__(self, roots: list[Path]) -> None:
        super().__init__(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False,
                         fail_on_errors=True)
        self.roots = [r.resolve() for r in roots]
        self.fetched: list[str] = []

    def allowed(self, path: Path) -> bool:
        return any(path == root or path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers=None):  # type: ignore[no-untyped-def] # noqa: ANN001
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise Refused(url, f"remote or unknown URL scheme '{scheme or '(none)'}' refused")
        if parts.netloc not in ("", "localhost"):
            raise Refused(url, "file URL on another host refused")
        path = Path(unquote(parts.path)).resolve()
        if not self.allowed(path):
            raise Refused(url, "file outside the book, styles and fonts refused")
        if not path.is_file():
            raise Refused(url, "missing file")
        self.fetched.append(str(path))
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind})
