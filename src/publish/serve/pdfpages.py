"""One profile of an edition as the PDFs lay it out, and its pages as images, cached by content.

The profile alone (``publish.build.without`` the others) is prepared and rendered by the same
``render_pdf`` as ``publish build``, in the format asked for (``pdf``: the screen PDF; ``print``: with
bleed and crop marks). The file is named by a hash of everything that shapes its bytes (the HTML, the
font CSS, the format, the trim, the theme's stylesheets, the toolkit and WeasyPrint versions), in
``<cache>/serve/``; a page image is ``pdftoppm``'s PNG of one page. The newest :data:`KEEP` PDFs are kept.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, atomic
from ..errors import Location, Problem, RenderError, Severity
from .preview import Failure, Preview

KEEP = 40
"""PDFs kept in the preview cache (with their page images); older ones are removed."""
DPI = 110
RENDER = threading.Lock()
"""WeasyPrint one layout at a time: its warnings are collected from one process-wide logger."""


@dataclass(frozen=True)
class ProfilePdf:
    path: Path
    pages: int
    key: str


def folder(preview: Preview) -> Path:
    return preview.project.cache / "serve"


def profile_pdf(preview: Preview, edition_id: str, profile: str, fmt: str) -> ProfilePdf | Failure | None:
    """The PDF of ``profile`` in ``edition_id`` (None: no such edition, profile or format)."""
    from ..render.pdf import FORMATS

    if fmt not in FORMATS:
        return None
    book = preview.book()
    if isinstance(book, Failure):
        return book
    prepared = preview.edition(edition_id, profile)
    if prepared is None or isinstance(prepared, Failure):
        return prepared

    def make() -> ProfilePdf:
        import weasyprint

        from ..render.pdf import render_pdf

        digest = hashlib.sha256()
        for part in (prepared.html, prepared.css, fmt, str(book.sources.book.trim), __version__,
                     weasyprint.__version__):
            digest.update(part.encode("utf-8") + b"\0")
        for sheet in book.theme.stylesheets:
            digest.update(sheet.read_bytes() + b"\0")
        key = digest.hexdigest()[:32]
        target = folder(preview) / f"{key}.pdf"
        if not target.is_file():
            root = book.sources.root.resolve()
            with RENDER:
                render_pdf(prepared.html, target, FORMATS[fmt], trim=book.sources.book.trim, extra_css=prepared.css,
                           roots=[root], theme=book.theme, base=root, modified=prepared.when, timeout=0)
            _evict(folder(preview))
        return ProfilePdf(target, _pages(target), key)

    return preview.made(f"pdf:{edition_id}:{profile}:{fmt}", make)


def page_image(preview: Preview, pdf: ProfilePdf, page: int) -> Path | Failure | None:
    """Page ``page`` (1-based) of ``pdf`` as a PNG (None: no such page)."""
    if not 1 <= page <= pdf.pages:
        return None
    target = folder(preview) / f"{pdf.key}-{page}.png"

    def make() -> Path:
        if not target.is_file():
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".page-") as tmp:
                prefix = Path(tmp) / "page"
                done = subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                                       "-singlefile", str(pdf.path), str(prefix)], capture_output=True, text=True)
                made = prefix.with_name("page.png")
                if done.returncode != 0 or not made.is_file():
                    raise RenderError([Problem(Location(str(pdf.path)), Severity.ERROR,
                                               f"pdftoppm: {done.stderr.strip() or 'no image made'}", "serve.page")])
                atomic.replace(made, target)
        return target

    return preview.made(f"png:{pdf.key}:{page}", make)


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _evict(where: Path) -> None:
    pdfs = sorted(where.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in pdfs[KEEP:]:
        for png in where.glob(f"{old.stem}-*.png"):
            png.unlink(missing_ok=True)
        old.unlink(missing_ok=True)

