"""The cover wrap of a print edition: one PDF/X-4 page with back cover, spine and front cover, plus bleed.

Geometry (millimetres): spine = interior pages × the paper's caliper (the profile's stock), recomputed
from the real page count on every build; width = 2 × trim width + spine + 2 × bleed, height = trim
height + 2 × bleed. The page is laid out as HTML and rendered by WeasyPrint (vector text in the
book's embedded faces, colours given as ``device-cmyk()``), then finished with pikepdf
(:func:`publish.prepress.finish.finish_cover`: boxes, output intent, any remaining RGB operator made
CMYK — the barcode's SVG is black and white).

The front follows the ebook cover's design (deep blue, warm white type, a gold frame and rule); the
back carries the translatable blurb from ``book.yaml`` and the ISBN as an EAN-13 barcode made by
python-barcode (SVG, inlined as vector) with the human-readable ISBN above it, in the profile's
barcode area (bottom right, inset from the spine fold and the bottom trim).

Spine text (title, editor, publisher) only when the profile's rule allows it for this spine. English
spines read top to bottom (the English-language convention: readable when the book lies face up);
Chinese spines are set upright, one character under the other, as Chinese books are shelved and read,
with Latin runs (a romanised name, "ShanghaiDoctor.cn") turned 90° clockwise as in vertical Chinese
setting — WeasyPrint 70 has no ``writing-mode``, so each character is its own line in a one-em column
and each Latin run a rotated box as long as the face's metrics say.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from .. import assets
from ..model import Printer, Trim
from ..render.fonts import Face
from ..theme import DEFAULT as DEFAULT_THEME
from ..theme import Theme
from .profiles import Paper, PrinterProfile

BACKGROUND = (27, 42, 65)       # the ebook cover's colours (render/cover.py), as sRGB
INK = (243, 235, 221)
ACCENT = (200, 169, 106)
MUTED = (205, 197, 182)
DRAFT = (178, 58, 46)


@dataclass(frozen=True)
class WrapGeometry:
    trim_w: float
    trim_h: float
    spine: float
    bleed: float
    pages: int

    @property
    def width(self) -> float:
        return 2 * self.trim_w + self.spine + 2 * self.bleed

    @property
    def height(self) -> float:
        return self.trim_h + 2 * self.bleed

    @property
    def spine_x(self) -> float:
        return self.bleed + self.trim_w

    @property
    def front_x(self) -> float:
        return self.spine_x + self.spine


from ..vocab import length_mm  # noqa: E402 - one length parser for the whole toolkit


def geometry(profile: PrinterProfile, paper: Paper, pages: int, trim: Trim) -> WrapGeometry:
    return WrapGeometry(length_mm(trim.width), length_mm(trim.height), round(pages * paper.caliper_mm, 3),
                        profile.cover_bleed_mm, pages)


@cache
def _srgb_to_cmyk():  # type: ignore[no-untyped-def] # noqa: ANN202 - an ImageCms transform
    """The transform, built once (LittleCMS takes ~17 ms to build it)."""
    from PIL import ImageCms

    output = ImageCms.getOpenProfile(str(assets.CMYK_PROFILE))
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), output,
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@cache
def cmyk(rgb: tuple[int, int, int]) -> tuple[float, float, float, float]:
    """sRGB → the output intent's CMYK (FOGRA39), colour-managed with LittleCMS (Pillow's ImageCms)."""
    from PIL import Image, ImageCms

    converted = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _srgb_to_cmyk())
    assert converted is not None
    pixel = converted.getpixel((0, 0))
    return tuple(round(v / 255, 3) for v in pixel)  # type: ignore[return-value,union-attr]


def _css_cmyk(rgb: tuple[int, int, int]) -> str:
    return "device-cmyk({} {} {} {})".format(*cmyk(rgb))


def barcode_svg(isbn13: str, *, font: str, height_mm: float) -> str:
    """The EAN-13 of an ISBN as inline SVG (python-barcode), bars in black, on white."""
    import barcode
    from barcode.writer import SVGWriter

    digits = isbn13.replace("-", "")
    code = barcode.get("ean13", digits[:12], writer=SVGWriter())
    if code.get_fullcode() != digits:
        raise ValueError(f"ISBN {isbn13}: its check digit is not the EAN-13 one")
    svg = code.render({"module_width": 0.33, "module_height": height_mm, "font_size": 8, "text_distance": 3.5,
                       "quiet_zone": 3.63, "background": "white", "foreground": "black"}).decode("utf-8")
    svg = svg[svg.index("<svg"):].replace("text-anchor:middle;", f"text-anchor:middle;font-family:{font};")

    def attributes(match: re.Match[str]) -> str:
        # style="fill:black;…" as presentation attributes: WeasyPrint reads a style attribute as HTML CSS
        pairs = [d.split(":", 1) for d in match.group(1).split(";") if ":" in d]
        return " ".join(f'{k.strip()}="{html_lib.escape(v.strip())}"' for k, v in pairs)

    return re.sub(r'style="([^"]*)"', attributes, svg)


def _upright_part(text: str, size_pt: float, latin_length: Callable[[str, float], float]) -> str:
    """One spine item set upright for a Chinese spine: each Han character (and CJK punctuation) under
    the one before; a run of Latin letters turned 90° clockwise in a slot as long as the run."""
    e = html_lib.escape
    column = size_pt * 1.2 * 25.4 / 72         # the column width, mm
    out = []
    for run in re.findall(r"[A-Za-z0-9][A-Za-z0-9 .,'&()-]*[A-Za-z0-9.)]|[A-Za-z0-9]|\S", text):
        if run[0].isascii() and run[0].isalnum():
            length = latin_length(run, size_pt) + 0.6
            out.append(f'<span class="latin" lang="en" style="height:{length:.3f}mm; width:{column:.3f}mm">'
                       f'<span style="width:{length:.3f}mm; height:{column:.3f}mm; line-height:{column:.3f}mm; '
                       f'left:{(column - length) / 2:.3f}mm; top:{(length - column) / 2:.3f}mm">{e(run)}</span></span>')
        else:
            out.append(f"<span>{e(run)}</span>")
    return f'<span class="part">{"".join(out)}</span>'


def wrap_html(view: dict[str, Any], geo: WrapGeometry, profile: PrinterProfile, *, lang: str, isbn: str,
              editor: str | None, draft: bool, latin_font: str, spine_text: bool,
              latin_length: Callable[[str, float], float] = lambda text, pt: len(text) * pt * 0.5 * 25.4 / 72) -> str:
    """The cover wrap as one HTML page, every length in millimetres from the wrap's top left corner."""
    e = html_lib.escape
    safe, inset = profile.cover_safe_mm, profile.barcode_inset_mm
    chinese = lang.startswith("zh")
    title, subtitle, publisher = view["title"], view.get("subtitle"), view.get("publisher")

    def both(text: Any, cls: str) -> str:
        if not text:
            return ""
        out = f'<p class="{cls}" lang="{e(text.lang)}">{e(text.main)}</p>'
        if text.alt is not None and text.alt != text.main:
            out += f'<p class="{cls} alt" lang="{e(text.alt_lang)}">{e(text.alt)}</p>'
        return out

    pad = safe + 6.0                           # type area of the front and back: inside the safe zone
    front = (f'<div class="front" style="left:{geo.front_x + pad:.3f}mm; top:{geo.bleed + pad:.3f}mm; '
             f'width:{geo.trim_w - 2 * pad:.3f}mm; height:{geo.trim_h - 2 * pad:.3f}mm">'
             f'<div class="title-block">{both(title, "title")}{both(subtitle, "subtitle")}</div>'
             + (f'<p class="draft">{e(view.get("draft_label") or "DRAFT")}</p>' if draft else "")
             + f'<div class="publisher-block"><hr>{both(publisher, "publisher")}</div></div>')
    frame_in = safe + 2.0
    frame = (f'<div class="frame" style="left:{geo.front_x + frame_in:.3f}mm; top:{geo.bleed + frame_in:.3f}mm; '
             f'width:{geo.trim_w - 2 * frame_in:.3f}mm; height:{geo.trim_h - 2 * frame_in:.3f}mm"></div>')
    bw, bh = profile.barcode_mm
    code_h = min(18.0, bh - 14.0)           # bar height: the box holds the ISBN line, bars and digits
    code = barcode_svg(isbn, font=latin_font, height_mm=code_h) if isbn else ""
    blurb = "".join(both(p, "blurb") for p in view.get("blurb") or [])
    back = (f'<div class="back" style="left:{geo.bleed + pad:.3f}mm; top:{geo.bleed + pad:.3f}mm; '
            f'width:{geo.trim_w - 2 * pad:.3f}mm; height:{geo.trim_h - 2 * pad - bh:.3f}mm">{blurb}</div>')
    box_x = geo.spine_x - inset - bw
    box_y = geo.bleed + geo.trim_h - inset - bh
    barcode = (f'<div class="barcode" style="left:{box_x:.3f}mm; top:{box_y:.3f}mm; width:{bw:.3f}mm; '
               f'height:{bh:.3f}mm"><p class="isbn" lang="en">ISBN {e(isbn)}</p>{code}</div>') if isbn else ""
    spine = ""
    if spine_text:
        parts = [str(title)] + ([editor] if editor else []) + ([str(publisher)] if publisher else [])
        room = geo.spine - 2 * profile.spine_safe_mm
        size_pt = max(4.0, min(9.0, room * 72 / 25.4 * 0.7))
        if chinese:
            col = "".join(_upright_part(part, size_pt, latin_length) for part in parts)
            spine = (f'<div class="spine zh" lang="{e(lang)}" style="left:{geo.spine_x + geo.spine / 2:.3f}mm; '
                     f'top:{geo.bleed + safe + 8:.3f}mm; font-size:{size_pt:.2f}pt; '
                     f'height:{geo.trim_h - 2 * safe - 16:.3f}mm">{col}</div>')
        else:
            length = geo.trim_h - 2 * safe - 16
            line = '<span class="sep"> · </span>'.join(f"<span>{e(p)}</span>" for p in parts)
            left = geo.spine_x + geo.spine / 2 - length / 2
            spine = (f'<div class="spine en" lang="{e(lang)}" style="left:{left:.3f}mm; '
                     f'top:{geo.bleed + geo.trim_h / 2 - geo.spine / 2:.3f}mm; width:{length:.3f}mm; '
                     f'height:{geo.spine:.3f}mm; line-height:{geo.spine:.3f}mm; font-size:{size_pt:.2f}pt">'
                     f"{line}</div>")
    css = f"""
@page {{ size: {geo.width:.3f}mm {geo.height:.3f}mm; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ background: {_css_cmyk(BACKGROUND)}; color: {_css_cmyk(INK)}; font-size: 10pt; }}
div {{ position: absolute; box-sizing: border-box; }}
p {{ margin: 0; }}
.frame {{ border: 0.4mm solid {_css_cmyk(ACCENT)}; }}
div.front p, div.front p + p, div.barcode p, div.spine {{ text-align: center; text-indent: 0; }}
div.back p, div.back p + p {{ text-indent: 0; }}
.title-block {{ position: absolute; top: 22%; left: 0; width: 100%; }}
.title {{ font-size: 26pt; line-height: 1.2; }}
.title.alt, .subtitle {{ font-size: 13pt; margin-top: 4mm; color: {_css_cmyk(MUTED)}; line-height: 1.35; }}
.subtitle {{ font-style: italic; }}
.subtitle:lang(zh) {{ font-style: normal; }}
.publisher-block {{ position: absolute; bottom: 4mm; left: 0; width: 100%; }}
.publisher-block hr {{ width: 30mm; border: 0; border-top: 0.3mm solid {_css_cmyk(ACCENT)}; margin: 0 auto 4mm; }}
.publisher {{ font-size: 9pt; letter-spacing: 0.1em; }}
.draft {{ position: absolute; top: 62%; left: 0; width: 100%; font-size: 14pt; letter-spacing: 0.3em;
  color: {_css_cmyk(DRAFT)}; }}
.back {{ font-size: 10pt; line-height: 1.5; }}
.blurb {{ text-align: justify; margin-bottom: 3mm; }}
.blurb:lang(zh) {{ text-align: left; }}
.blurb.alt {{ color: {_css_cmyk(MUTED)}; }}
.barcode {{ background: device-cmyk(0 0 0 0); color: device-cmyk(0 0 0 1); text-align: center; padding-top: 1mm; }}
.barcode .isbn {{ font-size: 8pt; letter-spacing: 0.05em; margin-bottom: 0.5mm; }}
.barcode svg {{ display: block; margin: 0 auto; }}
.spine {{ white-space: nowrap; text-align: center; }}
.spine.en {{ transform: rotate(90deg); }}
.spine.zh {{ width: 1.2em; margin-left: -0.6em; line-height: 1.15; }}
.spine.zh .part {{ display: block; margin-bottom: 1.2em; }}
.spine.zh .part > span {{ display: block; }}
.spine.zh .latin {{ position: relative; }}
.spine.zh .latin span {{ position: absolute; display: block; transform: rotate(90deg); white-space: nowrap; }}
.spine .sep {{ color: {_css_cmyk(ACCENT)}; }}
"""
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{e(str(title))}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"{frame}\n{front}\n{back}\n{barcode}\n{spine}\n</body>\n</html>\n")


def _measurer(face: Face) -> Callable[[str, float], float]:
    """The advance width (mm) of a Latin run at a size (pt), from the face's own metrics (Pillow)."""
    from PIL import ImageFont

    path, index = face.file()
    font = ImageFont.truetype(str(path), 1000, index=index)
    return lambda text, pt: font.getlength(text) / 1000 * pt * 25.4 / 72


def write_cover_wrap(target: Path, *, view: dict[str, Any], lang: str, isbn: str, printer: Printer, pages: int,
                     trim: Trim, fonts_css: str, latin_font: Face, roots: list[Path], base: Path,
                     when: datetime, draft: bool, theme: Theme | None = None, cache: Path | None = None,
                     digest: str = "") -> WrapGeometry:
    """Lay out and write the cover wrap of a print edition whose interior has ``pages`` pages. With
    ``cache`` (the project's cache folder) and ``digest`` (:func:`publish.render.partbuild.layout_digest`:
    the toolkit, libraries, theme, fonts and the book's other files), a wrap of the same HTML and set-up
    is copied from there instead (an edited paragraph that keeps the page count keeps the wrap)."""
    from ..render.pdf import CoverWrapPdf, render_pdf
    from .profiles import profile as profile_named

    profile = profile_named(printer.profile)
    geo = geometry(profile, profile.paper(printer.paper), pages, trim)
    editor = next((str(c["name"]) for c in view.get("contributors", []) if "edt" in c["roles"]), None)
    html = wrap_html(view, geo, profile, lang=lang, isbn=isbn, editor=editor, draft=draft, latin_font=latin_font.family,
                     spine_text=profile.spine_text(pages, geo.spine), latin_length=_measurer(latin_font))
    fmt = CoverWrapPdf("cover-wrap", "cover.pdf", "pdf/x-4", bleed_mm=geo.bleed)
    key = None
    if cache is not None and digest:
        import hashlib
        import shutil

        from ..release import cache as cache_mod

        h = hashlib.sha256()
        for piece in ("cover-wrap", digest, html, repr(fmt), repr(trim), fonts_css, when.isoformat(),
                      repr([str(r) for r in roots]), str(base)):
            h.update(piece.encode() + b"\0")
        key = "cover-wrap-" + h.hexdigest()[:32]
        entry = cache_mod.lookup(cache, key)
        if entry is not None and entry.has(["cover"]):
            shutil.copyfile(entry.file("cover"), target)
            return geo
    render_pdf(html, target, fmt, trim=trim, extra_css=fonts_css, roots=roots, base=base, modified=when,
               theme=theme or DEFAULT_THEME)
    if key is not None and cache is not None:
        cache_mod.store(cache, key, {"cover": target}, {})
    return geo
