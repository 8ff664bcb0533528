"""Print preflight: the checks a printer's preflight makes, run on the print files by the release gate.

Every check reads the file with a tool other than the one that wrote it: pikepdf walks every content
stream and form XObject for colour operators and spaces; Ghostscript renders every page (a warning
is a failure) and measures what is drawn inside the trim (margins, the blank last page); poppler's
``pdftotext -bbox`` locates the cover's words (safe zones); poppler's ``pdftoppm`` renders the cover
and zxing-cpp reads the barcode back; pdfcpu (its WebAssembly build, with Node) validates in strict
mode. Each function returns a :class:`~publish.release.validators.Report` of plain messages.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

from ..prepress.coverwrap import WrapGeometry
from ..prepress.profiles import PT, PrinterProfile
from . import meter
from .colours import RGB_SPACES, Colours, colours, marks_outside
from .margins import COARSE_DPI, COARSE_SLACK_PT, TOLERANCE_PT, _box, _margins, _rendered_margins, ghostscript, measured
from .pdfcpu import pdfcpu_strict
from .validators import Report

__all__ = ["COARSE_DPI", "COARSE_SLACK_PT", "RGB_SPACES", "TOLERANCE_PT", "Colours", "barcodes", "colours", "cover",
           "ghostscript", "interior", "measured", "pdfcpu_strict", "print_preflight", "_margins", "_rendered_margins"]


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    t = TOLERANCE_PT
    return (inner[0] >= outer[0] - t and inner[1] >= outer[1] - t and inner[2] <= outer[2] + t
            and inner[3] <= outer[3] + t)


def _common(pdf, messages: list[str]) -> Colours:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Output intent, PDF/X-4 identification, embedded fonts, no RGB; the file's colours (walked once)."""
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        messages.append(f"{len(intents)} PDF/X output intents (want one)")
    for intent in intents:
        if str(intent.get("/OutputConditionIdentifier", "")) != "FOGRA39":
            messages.append(f"output intent identifier {intent.get('/OutputConditionIdentifier')!s}, not FOGRA39")
        if str(intent.get("/RegistryName", "")) != "http://www.color.org":
            messages.append("output intent without RegistryName http://www.color.org")
        profile = intent.get("/DestOutputProfile")
        if profile is None or int(profile.get("/N", 0)) != 4:
            messages.append("output intent without an embedded CMYK profile")
    with pdf.open_metadata() as meta:
        if meta.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
            messages.append("XMP does not identify the file as PDF/X-4 (pdfxid:GTS_PDFXVersion)")
    for number, page in enumerate(pdf.pages, 1):
        for name, font in (page.obj.get("/Resources", {}).get("/Font", {}) or {}).items():
            if font.get("/Subtype") == "/Type3":
                continue
            base = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            desc = base.get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                messages.append(f"page {number}: font {name} ({base.get('/BaseFont')}) is not embedded")
    found = colours(pdf)
    messages += [f"RGB: {m}" for m in found.rgb[:20]]
    return found


def interior(path: Path, profile: PrinterProfile, *, trim_mm: tuple[float, float]) -> Report:
    import pikepdf

    messages: list[str] = []
    with pikepdf.open(path) as pdf:
        found = _common(pdf, messages)
        pages = len(pdf.pages)
        if pages % profile.page_multiple:
            messages.append(f"{pages} pages: not a multiple of {profile.page_multiple} ({profile.id})")
        if not profile.min_pages <= pages <= profile.max_pages:
            messages.append(f"{pages} pages: outside {profile.id}'s {profile.min_pages}–{profile.max_pages}")
        if not profile.accepts_trim(*trim_mm):
            messages.append(f"trim {trim_mm[0]:g} × {trim_mm[1]:g} mm is not a {profile.id} trim size")
        if not profile.bookmarks and "/Outlines" in pdf.Root:
            messages.append(f"bookmarks (an outline) in the file: {profile.id} wants none")
        if profile.interior == "bw":
            messages += [f"not black only: {m}" for m in found.non_black[:10]]
        b = profile.bleed_mm * PT
        for number, page in enumerate(pdf.pages, 1):
            where = f"page {number}"
            trim, bleed, media = _box(page, "/TrimBox"), _box(page, "/BleedBox"), _box(page, "/MediaBox")
            if "/TrimBox" not in page.obj:
                messages.append(f"{where}: no TrimBox")
            size = (trim[2] - trim[0], trim[3] - trim[1])
            if abs(size[0] - trim_mm[0] * PT) > TOLERANCE_PT or abs(size[1] - trim_mm[1] * PT) > TOLERANCE_PT:
                messages.append(f"{where}: TrimBox {size[0] / PT:.2f} × {size[1] / PT:.2f} mm, not the trim")
            if not (_inside(trim, bleed) and _inside(bleed, media)):
                messages.append(f"{where}: boxes not nested Trim ⊂ Bleed ⊂ Media")
            recto = number % 2 == 1
            want = [trim[0] - (b if profile.bleeds("left", recto) else 0),
                    trim[1] - (b if profile.bleeds("bottom", recto) else 0),
                    trim[2] + (b if profile.bleeds("right", recto) else 0),
                    trim[3] + (b if profile.bleeds("top", recto) else 0)]
            if any(abs(x - y) > TOLERANCE_PT for x, y in zip(bleed, want, strict=True)):
                messages.append(f"{where}: BleedBox is not the trim + {profile.bleed_mm:g} mm on the "
                                f"{profile.bleed_edges} edges")
            if not profile.marks and any(abs(x - y) > TOLERANCE_PT for x, y in zip(media, bleed, strict=True)):
                messages.append(f"{where}: MediaBox larger than the BleedBox, but {profile.id} wants no marks")
            if not profile.annotations and page.obj.get("/Annots"):
                messages.append(f"{where}: {len(page.obj.Annots)} annotations: {profile.id} wants none")
            messages += [f"{where}: {m}" for m in marks_outside(page, bleed, trim, want_marks=profile.marks)]
    messages += _rendered_margins(path, profile, pages)
    return Report(f"preflight ({profile.id})", {"error": len(messages)}, tuple(messages))



def cover(path: Path, profile: PrinterProfile, geo: WrapGeometry, *, isbn: str, spine_text: bool) -> Report:
    import pikepdf

    messages: list[str] = []
    with pikepdf.open(path) as pdf:
        _common(pdf, messages)
        if len(pdf.pages) != 1:
            messages.append(f"{len(pdf.pages)} pages: a cover wrap is one page")
        page = pdf.pages[0]
        trim, bleed, media = _box(page, "/TrimBox"), _box(page, "/BleedBox"), _box(page, "/MediaBox")
        width, height = (media[2] - media[0]) / PT, (media[3] - media[1]) / PT
        want_w = 2 * geo.trim_w + geo.spine + 2 * geo.bleed
        if abs(width - want_w) * PT > TOLERANCE_PT or abs(height - (geo.trim_h + 2 * geo.bleed)) * PT > TOLERANCE_PT:
            messages.append(f"cover {width:.2f} × {height:.2f} mm; want {want_w:.2f} × {geo.height:.2f} "
                            f"(2 × {geo.trim_w:g} trim + {geo.spine:.2f} spine + 2 × {geo.bleed:g} bleed)")
        if not (_inside(trim, bleed) and _inside(bleed, media)):
            messages.append("boxes not nested Trim ⊂ Bleed ⊂ Media")
        if abs((trim[0] - media[0]) / PT - geo.bleed) * PT > TOLERANCE_PT:
            messages.append("TrimBox is not the wrap less its bleed")
    _, warnings = ghostscript(path, use_trim=False)
    messages += [f"Ghostscript: {w}" for w in warnings[:10]]
    messages += _safe_zones(path, profile, geo, spine_text=spine_text)
    decoded = barcodes(path)
    digits = isbn.replace("-", "")
    if digits and decoded != [("EAN13", digits)]:
        messages.append(f"barcode read back as {decoded or 'nothing'}; want EAN-13 {digits}")
    return Report(f"preflight cover ({profile.id})", {"error": len(messages)}, tuple(messages))


def _safe_zones(path: Path, profile: PrinterProfile, geo: WrapGeometry, *, spine_text: bool) -> list[str]:
    """Every word poppler finds lies inside a safe zone: a panel less the profile's cover safety, or
    the spine less its fold margins (and no word on the spine when the rule gives it no text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "words.html"
        meter.run(["pdftotext", "-bbox", str(path), str(out)], check=True, capture_output=True, timeout=120,
                  meter="poppler")
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out.read_text(encoding="utf-8")))
    k = 25.4 / 72
    safe, fold = profile.cover_safe_mm, profile.spine_safe_mm
    top, bottom = geo.bleed + safe, geo.bleed + geo.trim_h - safe
    zones = {"back": (geo.bleed + safe, geo.spine_x - safe),
             "front": (geo.front_x + safe, geo.front_x + geo.trim_w - safe)}
    spine = (geo.spine_x + fold, geo.front_x - fold)
    problems = []
    for word in root.iter("{http://www.w3.org/1999/xhtml}word"):
        x0, y0, x1, y1 = (float(word.get(a, 0)) * k for a in ("xMin", "yMin", "xMax", "yMax"))
        text = word.text or ""
        if y0 < top - 0.1 or y1 > bottom + 0.1:
            problems.append(f"word {text!r} at {y0:.1f}–{y1:.1f} mm from the top: outside the safe zone")
            continue
        in_panel = any(a - 0.1 <= x0 and x1 <= b + 0.1 for a, b in zones.values())
        on_spine = spine[0] - 0.1 <= x0 and x1 <= spine[1] + 0.1
        if on_spine and not spine_text:
            problems.append(f"word {text!r} on the spine, but {profile.id}'s rule gives this spine no text")
        elif not (in_panel or on_spine):
            problems.append(f"word {text!r} at {x0:.1f}–{x1:.1f} mm: outside the safe zones")
    return problems[:20]


def barcodes(path: Path, dpi: int = 400) -> list[tuple[str, str]]:
    """The barcodes zxing-cpp reads from the cover rendered by poppler (pdftoppm), as an uncompressed
    grey map (the pixels of a PNG, without the time spent compressing and decompressing it)."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "cover"
        meter.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(path), str(stem)],
                  check=True, capture_output=True, timeout=300, meter="poppler")
        with Image.open(stem.with_suffix(".pgm")) as image:
            found = zxingcpp.read_barcodes(image)
    return [(re.sub(r"[^A-Z0-9]", "", str(b.format).split(".")[-1].upper()), b.text) for b in found]



def print_preflight(sources, edition_id: str, files: dict[str, Path],  # type: ignore[no-untyped-def] # noqa: ANN001
                    result: dict[str, object]) -> list[tuple[str, Report]]:
    """The release gate's preflight of one edition's interior and cover wrap (records the spine)."""
    from ..prepress.coverwrap import geometry, length_mm
    from ..prepress.profiles import profile as profile_named

    book = sources.book
    edition = next(e for e in book.editions if e.id == edition_id)
    prof = profile_named(book.printer.profile)
    trim = (length_mm(book.trim.width), length_mm(book.trim.height))
    pages = int(result["pages"]["print"])  # type: ignore[index]
    geo = geometry(prof, prof.paper(book.printer.paper), pages, book.trim)
    result["spine_mm"] = geo.spine
    return [("print", interior(files["print"], prof, trim_mm=trim)),
            ("cover", cover(files["cover"], prof, geo, isbn=edition.isbn.get("print", ""),
                            spine_text=prof.spine_text(pages, geo.spine)))]
