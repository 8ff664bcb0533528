"""Printer profiles: what a printer or print-on-demand service asks of the interior and cover files.

A profile is plain data, named in ``book.yaml`` (``printer: {profile: kdp, paper: cream}``). Figures
come from the services' published file specifications (KDP Help "Paperback manuscript" and "cover"
pages, IngramSpark's File Creation Guide and "File requirements for print books"); every length is
in millimetres here, converted once from the inches the services publish.

The interior renderer reads the bleed, the marks and the page rule from the profile; the cover wrap
reads the paper's caliper, the cover bleed, the safe zones and the barcode area; the preflight
(:mod:`publish.release.preflight`) checks every one of those rules on the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

INCH = 25.4
PT = 72 / 25.4          # points per millimetre

Edges = Literal["all", "outer", "none"]


@dataclass(frozen=True)
class Paper:
    name: str
    caliper_mm: float      # thickness of one page (half a leaf), as the service computes spine widths


@dataclass(frozen=True)
class PrinterProfile:
    id: str
    name: str
    source: str                              # where the figures come from
    bleed_mm: float                          # interior bleed, on the edges below
    bleed_edges: Edges                       # "outer": top, bottom and fore-edge, never the spine edge
    marks: bool                              # crop marks (drawn outside the bleed) or none
    annotations: bool                        # links kept in the print file
    bookmarks: bool                          # outline kept in the print file
    page_multiple: int                       # the page count is padded to a multiple of this
    last_page_blank: bool                    # the service wants (or adds) a blank last page
    min_pages: int
    max_pages: int
    trims_mm: tuple[tuple[float, float], ...]   # accepted trim sizes (width, height); () = any
    gutter_mm: tuple[tuple[int, float], ...]    # (up to N pages, minimum inside margin)
    min_margin_mm: float                     # minimum outside, top and bottom margin
    papers: tuple[Paper, ...]
    cover_bleed_mm: float
    cover_safe_mm: float                     # text on the cover keeps this far inside the trim
    spine_safe_mm: float                     # spine text keeps this far from each fold
    spine_text_min_pages: int                # no spine text below this page count…
    spine_text_min_mm: float                 # …or below this spine width
    barcode_mm: tuple[float, float]          # the barcode area on the back (width, height)
    barcode_inset_mm: float                  # from the bottom trim and from the spine fold
    interior: Literal["bw", "colour"] = "bw"
    pdfx: str = "PDF/X-4"
    notes: tuple[str, ...] = field(default=())

    def paper(self, name: str | None) -> Paper:
        if name is None:
            return self.papers[0]
        for p in self.papers:
            if p.name == name:
                return p
        raise KeyError(name)

    def padded(self, pages: int) -> int:
        """The page count after padding with blank pages at the end (the profile's page rule)."""
        total = max(pages, 1)
        if self.last_page_blank:
            total += 1
        m = self.page_multiple
        return -(-total // m) * m

    def min_gutter_mm(self, pages: int) -> float:
        for limit, gutter in self.gutter_mm:
            if pages <= limit:
                return gutter
        return self.gutter_mm[-1][1] if self.gutter_mm else 0.0

    def accepts_trim(self, width_mm: float, height_mm: float) -> bool:
        return not self.trims_mm or any(abs(w - width_mm) <= 0.5 and abs(h - height_mm) <= 0.5
                                        for w, h in self.trims_mm)

    def spine_text(self, pages: int, spine_mm: float) -> bool:
        return pages >= self.spine_text_min_pages and spine_mm >= self.spine_text_min_mm

    def bleeds(self, side: str, recto: bool) -> bool:
        """Whether the page's ``side`` (left, right, top, bottom) has bleed."""
        if self.bleed_edges == "none" or self.bleed_mm == 0:
            return False
        if self.bleed_edges == "all" or side in ("top", "bottom"):
            return True
        return side == ("right" if recto else "left")      # the fore-edge


def _in(value: float) -> float:
    return round(value * INCH, 3)


# KDP and IngramSpark trims, inches (the common trade sizes both accept, including A5 5.83 × 8.27)
_POD_TRIMS = tuple((_in(w), _in(h)) for w, h in (
    (5, 8), (5.06, 7.81), (5.25, 8), (5.5, 8.5), (5.83, 8.27), (6, 9), (6.14, 9.21), (6.69, 9.61),
    (7, 10), (7.44, 9.69), (7.5, 9.25), (8, 10), (8.25, 6), (8.25, 8.25), (8.5, 8.5), (8.5, 11),
    (8.27, 11.69)))

GENERIC = PrinterProfile(
    id="generic", name="Generic offset printer (PDF/X-4, 3 mm bleed, crop marks)",
    source="ISO 15930-7 (PDF/X-4); the usual offset practice of 3 mm bleed and marks outside it",
    bleed_mm=3.0, bleed_edges="all", marks=True, annotations=False, bookmarks=True,
    page_multiple=4, last_page_blank=False, min_pages=4, max_pages=2000, trims_mm=(),
    gutter_mm=((2000, 15.0),), min_margin_mm=10.0,
    papers=(Paper("offset-80", 0.05), Paper("bulky-cream-70", 0.0635)),
    cover_bleed_mm=3.0, cover_safe_mm=5.0, spine_safe_mm=1.5, spine_text_min_pages=0,
    spine_text_min_mm=6.0, barcode_mm=(50.8, 30.48), barcode_inset_mm=6.35)

KDP = PrinterProfile(
    id="kdp", name="Amazon KDP paperback",
    source="KDP Help: paperback manuscript and cover templates (bleed 0.125 in on the outer edges, "
           "gutter by page count, no crop marks; spine 0.002252 in/page white, 0.0025 cream; "
           "spine text from 79 pages; barcode area 2 × 1.2 in, 0.25 in from spine and bottom)",
    bleed_mm=_in(0.125), bleed_edges="outer", marks=False, annotations=False, bookmarks=False,
    page_multiple=2, last_page_blank=False, min_pages=24, max_pages=828, trims_mm=_POD_TRIMS,
    gutter_mm=((150, _in(0.375)), (300, _in(0.5)), (500, _in(0.625)), (700, _in(0.75)), (828, _in(0.875))),
    min_margin_mm=_in(0.375),
    papers=(Paper("white", _in(0.002252)), Paper("cream", _in(0.0025))),
    cover_bleed_mm=_in(0.125), cover_safe_mm=_in(0.125), spine_safe_mm=_in(0.0625),
    spine_text_min_pages=80, spine_text_min_mm=0.0, barcode_mm=(_in(2.0), _in(1.2)),
    barcode_inset_mm=_in(0.25))

INGRAMSPARK = PrinterProfile(
    id="ingramspark", name="IngramSpark paperback",
    source="IngramSpark File Creation Guide and 'File requirements for print books' (no crop, "
           "registration or printer marks; fonts embedded; margins 0.5 in on all sides; the final "
           "page blank; bleed 0.125 in; cover safety 0.25 in; spine text from 0.5 in)",
    bleed_mm=_in(0.125), bleed_edges="outer", marks=False, annotations=False, bookmarks=False,
    page_multiple=2, last_page_blank=True, min_pages=18, max_pages=1200, trims_mm=_POD_TRIMS,
    gutter_mm=((1200, _in(0.5)),), min_margin_mm=_in(0.5),
    papers=(Paper("white", _in(0.002252)), Paper("cream", _in(0.0025))),
    cover_bleed_mm=_in(0.125), cover_safe_mm=_in(0.25), spine_safe_mm=_in(0.0625),
    spine_text_min_pages=0, spine_text_min_mm=_in(0.5), barcode_mm=(_in(1.75), _in(1.0)),
    barcode_inset_mm=_in(0.25))

PROFILES: dict[str, PrinterProfile] = {p.id: p for p in (GENERIC, KDP, INGRAMSPARK)}


def profile(name: str) -> PrinterProfile:
    return PROFILES[name]
