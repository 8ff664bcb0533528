"""HTML → PDF with WeasyPrint: the print (PDF/X-4) and digital (PDF/UA-1) formats as small classes.

Everything WeasyPrint logs at WARNING or above while rendering (a missing image, an ignored rule) is
collected and turned into a build error; URL fetching goes through :class:`BookFetcher`; the file is
written beside its target and renamed, so a failed build leaves the previous PDF in place.
"""

from __future__ import annotations

import hashlib
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import assets, atomic
from ..errors import Location, Problem, RenderError, Severity
from ..model import Trim
from ..prepress.profiles import GENERIC, PrinterProfile
from ..theme import DEFAULT as DEFAULT_THEME
from ..theme import Theme
from .compact import compact_fonts
from .fetcher import BookFetcher, Refused
from .heap import without_collector
from .pagemap import PageStart, page_starts
from .pdftags import repair as repair_tags
from .weasy import cached_page_references, flate_level, language_tags, typesetting

STYLES = assets.DEFAULT_THEME
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
DOCUMENT_CSS = "@counter-style publish-zh { system: extends japanese-informal; }\n"
"""At-rules WeasyPrint reads only from the document's own styles (not from user stylesheets).
Chinese ordinals 一…九十九: simp-chinese-informal falls back to decimal; japanese-informal has the
same digits for 1–99."""


@dataclass(frozen=True)
class PdfFormat:
    """One PDF output: its file suffix, WeasyPrint variant and page set-up."""

    name: str
    suffix: str
    variant: str
    bleed: str = "0"
    marks: str = "none"

    def page_css(self, trim: Trim) -> str:
        # the text block is a whole number of ems of the 10 pt body size: Han text, set on its grid,
        # then fills every full line exactly (WeasyPrint cannot justify Chinese). The half-title is
        # page 1 in every format: the digital edition's cover and its verso come before it unnumbered,
        # so its folios, its contents and the EPUB's page-list are the print edition's
        outer = _outer_margin(trim, inner_mm=20.0, body_pt=10.0)
        return f"""
@page {{ size: {trim.width} {trim.height}; bleed: {self.bleed}; marks: {self.marks};
        margin: 20mm {outer} 22mm 20mm; }}
@page :left {{ margin-left: {outer}; margin-right: 20mm;
  @top-left {{ content: string(book-title); {HEAD} }}
  @bottom-left {{ content: counter(page); {FOLIO} }} }}
@page :right {{
  @top-right {{ content: string(profile-name, first-except); {HEAD} }}
  @bottom-right {{ content: counter(page); {FOLIO} }} }}
@page front {{ @top-left {{ content: none; }} @top-right {{ content: none; }}
  @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}
@page half-title {{ counter-set: page 1; @top-left {{ content: none; }} @top-right {{ content: none; }}
  @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}
@page :blank {{ @top-left {{ content: none; }} @top-right {{ content: none; }}
  @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}
.cover, .title-page, .copyright-page {{ page: front; }}
.half-title {{ page: half-title; }}
"""

    def colour_css(self) -> str:
        """Document-level CSS (WeasyPrint reads ``@color-profile`` only from the document's own styles)."""
        return ""

    def options(self, identifier: bytes) -> dict[str, object]:
        return {"pdf_variant": self.variant, "pdf_identifier": identifier}

    def finish(self, path: Path, identifier: bytes, cover_pages: int = 0) -> int | None:
        """Post-process the written file; the page count when it changed."""
        _stable_document_id(path, identifier)
        return None


HEAD = "font-size: 7.5pt; letter-spacing: 0.08em; vertical-align: bottom; padding-bottom: 3mm;"
FOLIO = "font-size: 8pt; vertical-align: top; padding-top: 5mm;"
"""Running heads and folios near the text block, 13 mm or more inside the trim: inside every printer
profile's minimum margin (IngramSpark's 0.5 in counts page numbers too)."""


def _outer_margin(trim: Trim, *, inner_mm: float, body_pt: float) -> str:
    width_mm = _mm(trim.width)
    em_mm = body_pt * 25.4 / 72
    ems = int((width_mm - inner_mm - 16.0) / em_mm)  # the widest whole-em block leaving ≥ 16 mm outside
    return f"{width_mm - inner_mm - ems * em_mm:.3f}mm"


def _mm(length: str) -> float:
    from ..vocab import length_mm

    try:
        return length_mm(length)
    except ValueError as exc:
        raise RenderError(f"trim size {length!r}: give it in mm, cm, in or pt") from exc


@dataclass(frozen=True)
class PrintPdf(PdfFormat):
    """PDF/X-4 for the printer: the printer profile's bleed, marks and page rule, a CMYK output intent
    (FOGRA39); WeasyPrint lays out with bleed on every side and no marks, :mod:`publish.prepress.finish`
    sets the boxes, draws the marks and pads the page count."""

    profile: PrinterProfile = GENERIC

    def finish(self, path: Path, identifier: bytes, cover_pages: int = 0) -> int | None:
        from ..prepress.finish import finish_pdf

        return finish_pdf(path, self.profile, identifier=identifier).pages

    def colour_css(self) -> str:
        # text in pure black ink (K only); rules and marks in CMYK: no DeviceRGB in the print file.
        # No cover in the interior (the printer takes the cover wrap as its own file): the front
        # matter starts with the half-title on page 1, a recto
        return (".cover { display: none; }\n"
                f'@color-profile device-cmyk {{ src: url("{assets.CMYK_PROFILE.as_uri()}"); '
                "components: cyan, magenta, yellow, black; }\n"
                "html { color: device-cmyk(0 0 0 1); }\n"
                ".credentials, .credit { border-color: device-cmyk(0 0 0 0.5); }\n"
                f".rights-pending, .draft-mark {{ color: {self.alert}; border-color: {self.alert}; }}\n")

    @property
    def alert(self) -> str:
        """Draft and rights warnings: red, or grey in black ink for a black-and-white interior."""
        return "device-cmyk(0 0 0 0.6)" if self.profile.interior == "bw" else "device-cmyk(0 0.9 0.85 0.25)"


@dataclass(frozen=True)
class CoverWrapPdf(PdfFormat):
    """The print edition's cover wrap (:mod:`publish.prepress.coverwrap`): the page size and layout are
    in the document; finished with pikepdf (boxes from the cover bleed, CMYK, output intent)."""

    bleed_mm: float = 3.0

    def page_css(self, trim: Trim) -> str:
        return ""

    def colour_css(self) -> str:
        return (f'@color-profile device-cmyk {{ src: url("{assets.CMYK_PROFILE.as_uri()}"); '
                "components: cyan, magenta, yellow, black; }\n")

    def finish(self, path: Path, identifier: bytes, cover_pages: int = 0) -> int | None:
        from ..prepress.finish import finish_cover

        finish_cover(path, self.bleed_mm, identifier=identifier)
        return 1


@dataclass(frozen=True)
class DigitalPdf(PdfFormat):
    """PDF/UA-1 for screens: tagged, no bleed or marks, internal links and bookmarks; the cover and its
    verso labelled C1, C2 (``/PageLabels``), the interior from 1 as its folios."""

    def options(self, identifier: bytes) -> dict[str, object]:
        return {**super().options(identifier), "pdf_tags": True}

    def finish(self, path: Path, identifier: bytes, cover_pages: int = 0) -> int | None:
        # running heads and folios as Artifacts, the tree whole; the page labels and compact CJK fonts in the same pass
        repair_tags(path, also=lambda pdf: self.finish_open(pdf, cover_pages))
        return None

    def finish_open(self, pdf: Any, cover_pages: int) -> None:  # noqa: ANN401 - a pikepdf.Pdf
        """What :meth:`finish` does besides the tags' repair, on the open file (the parts' assembly: each part's
        tags were repaired when it was written)."""
        from ..prepress.derive import repair_cid_fonts

        _page_labels(pdf, cover_pages)
        compact_fonts(pdf)
        repair_cid_fonts(pdf)   # no /CIDToGIDMap in a CIDFontType0 (WeasyPrint's EB Garamond): pdfcpu strict


def print_format(profile: PrinterProfile) -> PrintPdf:
    bleed = f"{profile.bleed_mm}mm" if profile.bleed_edges != "none" else "0"
    return PrintPdf("print", "print.pdf", "pdf/x-4", bleed=bleed, marks="none", profile=profile)


FORMATS: dict[str, PdfFormat] = {
    "print": print_format(GENERIC),
    "pdf": DigitalPdf("pdf", "pdf", "pdf/ua-1"),
}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextmanager
def _time_bound(seconds: int, what: str) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):  # type: ignore[no-untyped-def] # noqa: ANN001
        raise RenderError(f"rendering {what} took longer than {seconds} s: stopped")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Rendered:
    pages: int
    starts: tuple[PageStart | None, ...]   # where each print page's text begins (for the EPUB page-list)
    printed: int | None = None             # the print file's pages, when one was derived


@without_collector
def render_pdf(html: str, target: Path | None, fmt: PdfFormat, *, trim: Trim, extra_css: str, roots: list[Path],
               base: Path, modified: datetime, theme: Theme = DEFAULT_THEME, timeout: int = 600,
               page_map: bool = False, print_target: Path | None = None, printer: PrinterProfile = GENERIC) -> Rendered:
    """Lay ``html`` out once and write it to ``target`` atomically (``None``: lay out only); with
    ``print_target`` (``fmt`` digital), also the print PDF/X-4 for ``printer`` derived from the written
    file (:mod:`publish.prepress.derive`: no second layout). With ``page_map``, also say where each
    page of the print edition begins (for the EPUB's page-list): the pages from the half-title on.
    The collector is paused meanwhile (:func:`publish.render.heap.without_collector`)."""
    from weasyprint import CSS, HTML

    fetcher = BookFetcher([*roots, *theme.roots, assets.ICC, *FONT_DIRS])
    shown = str(target or print_target or "layout")
    stamp = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = html.replace("<head>", f'<head>\n<meta name="dcterms.created" content="{stamp}">'
                                  f'\n<meta name="dcterms.modified" content="{stamp}">'
                                  f"\n<style>{DOCUMENT_CSS}{fmt.colour_css()}</style>", 1)
    # from the content, never from where the toolkit is installed (the colour CSS names the ICC file's path)
    located = fmt.colour_css()
    stable = html.encode("utf-8") + fmt.name.encode()
    if located:
        stable = (html.replace(located, "").encode("utf-8") + fmt.name.encode()
                  + hashlib.sha256(assets.CMYK_PROFILE.read_bytes()).digest())
    identifier = hashlib.sha256(stable).hexdigest()[:32].encode()
    with _captured() as log, _time_bound(timeout, shown), typesetting():
        try:
            page = CSS(string=fmt.page_css(trim) + extra_css, url_fetcher=fetcher, base_url=str(STYLES) + "/")
            # the default theme, then the page set-up, then a project theme's and the book's own sheets:
            # their @page rules (another margin, another folio) win
            first, *rest = theme_sheets(theme, fetcher)
            sheets = [first, page, *rest]
            source = HTML(string=html, base_url=str(base) + "/", url_fetcher=fetcher)
            document = source.render(stylesheets=sheets)
            cover = cover_pages(document.pages)
            starts = _print_pages(page_starts(source.etree_element, document.pages), cover) if page_map else ()
            _raise_logged(log.messages, shown)
            if target is None and print_target is None:
                return Rendered(len(document.pages), starts)
            printed = None
            written = target or print_target
            assert written is not None
            with (atomic.temporary_beside(written, ".pdf") as tmp, language_tags(document.metadata.lang or ""),
                  cached_page_references(), flate_level(6)):
                document.write_pdf(str(tmp), **fmt.options(identifier))  # type: ignore[arg-type]
                pages = fmt.finish(tmp, identifier, cover_pages=cover) or len(document.pages)
                _raise_logged(log.messages, shown)
                if print_target is not None:
                    from ..prepress.derive import derive_print

                    printed = derive_print(tmp, print_target, printer, cover_pages=cover).pages
                if target is not None:
                    atomic.replace(tmp, target)
        except Refused as exc:
            raise RenderError([Problem(Location(shown), Severity.ERROR, f"{exc.reason}: {exc.url}",
                                       "render.fetch")]) from None
    return Rendered(pages, starts, printed)


_SHEETS: dict[tuple[Any, ...], Any] = {}
"""The stylesheets parsed in this process (WeasyPrint ``CSS`` objects, read-only once parsed): every edition, cover
wrap and part is laid out with the theme's, a worker lays out many parts (30 ms a parse of the default theme)."""


def _parsed(key: tuple[Any, ...], parse: Any) -> Any:  # noqa: ANN401
    sheet = _SHEETS.get(key)
    if sheet is None:
        if len(_SHEETS) > 64:
            _SHEETS.clear()
        sheet = _SHEETS[key] = parse()
    return sheet


def _stamp(path: Path) -> tuple[int, int, str]:
    """A stylesheet file as its cache key sees it: size, mtime and its content's digest."""
    data = path.read_bytes()
    info = path.stat()
    return info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest()


def theme_sheets(theme: Theme, fetcher: BookFetcher) -> list[Any]:
    """The theme's stylesheets, parsed once in this process for their content and the fetcher's roots."""
    from weasyprint import CSS

    return [_parsed(("file", str(path), _stamp(path), tuple(fetcher.roots)),
                    lambda path=path: CSS(filename=str(path), url_fetcher=fetcher))
            for path in theme.stylesheets]


def cover_pages(pages: list[Any]) -> int:  # noqa: ANN401 - weasyprint.Page objects
    """How many pages come before the half-title (the digital edition's cover and its blank verso)."""
    for index, page in enumerate(pages):
        if "half-title" in page.anchors:
            return index
    return 0


def _print_pages(starts: list[PageStart | None], cover: int) -> tuple[PageStart | None, ...]:
    """The page starts of the pages from the half-title on, numbered from 1 (the print edition's pages)."""
    return tuple(PageStart(s.page - cover, s.path, s.offset) if s else None for s in starts[cover:])


def _page_labels(pdf: Any, cover: int) -> None:  # noqa: ANN401 - a pikepdf.Pdf
    """C1, C2 for the cover and its verso (the trade's names for the cover pages), then 1, 2, … as the
    folios: a reader's "go to page 12" finds the page printed 12, as in the print edition."""
    import pikepdf

    if cover:
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String("C")),
            cover, pikepdf.Dictionary(S=pikepdf.Name.D)]))


def _raise_logged(messages: list[str], shown: str) -> None:
    if messages:
        raise RenderError([Problem(Location(shown), Severity.ERROR, f"WeasyPrint: {m}", "render.weasyprint")
                           for m in messages])


def _stable_document_id(path: Path, identifier: bytes) -> None:
    """WeasyPrint's PDF/X writer stamps a random XMP DocumentID: derive it from the content instead,
    so the same sources give the same bytes (the dates already come from SOURCE_DATE_EPOCH)."""
    import uuid

    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            key = "xmpMM:DocumentID"
            if key not in meta:
                return
            stable = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier.decode())}"
            meta[key] = stable
            meta["xmpMM:InstanceID"] = stable
        pdf.save(path, deterministic_id=True, compress_streams=False, stream_decode_level=None)
