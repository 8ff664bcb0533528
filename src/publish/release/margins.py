"""The print preflight's margins (:mod:`.preflight`): Ghostscript's bbox device renders every page of a
print file and measures what is drawn inside its trim; a page is measured at :data:`COARSE_DPI` first and
again at 4000 dpi only where a verdict could change. Ghostscript's warnings are the preflight's too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ReleaseError
from ..prepress.profiles import PT, PrinterProfile
from . import meter

TOLERANCE_PT = 0.5


def _box(page, key: str) -> tuple[float, ...]:  # type: ignore[no-untyped-def] # noqa: ANN001
    box = page.obj.get(key) or page.obj.get("/MediaBox")
    return tuple(float(v) for v in box)



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
    role = "cover" if not use_trim else "near verdicts" if pages else "margins"
    proc = meter.run(cmd, capture_output=True, text=True, timeout=600, meter=f"ghostscript ({role})")
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
