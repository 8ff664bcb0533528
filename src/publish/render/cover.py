"""Generated cover images: a calm typographic cover drawn with Pillow in the book's own faces.

Retailers want an EPUB cover of at least 1600×2560 px (JPEG or PNG); the release also ships each
edition's cover as JPEG and a thumbnail. The design is a solid deep colour, a thin inset frame, the
title block in the upper third and the publisher at the bottom. Chinese text is set in Noto Serif CJK
of the edition's region with EB Garamond as fallback, English the other way round (as in the book's
CSS); each character is drawn in the first face of the stack that has it, and a character no face has
is an error, never tofu. Output is deterministic: the same texts give byte-identical files.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from .. import atomic
from ..errors import Location, Problem, RenderError, Severity
from .fonts import Face, FontSet, cmap, missing_glyphs

RETAIL_SIZE = (1600, 2560)
JPEG_QUALITY = 90
THUMB_QUALITY = 85

BACKGROUND = (27, 42, 65)  # deep ink blue
INK = (243, 235, 221)  # warm paper white
ACCENT = (200, 169, 106)  # muted gold: frame and rules
MUTED = (205, 197, 182)  # subtitles
DRAFT_BAND = (178, 58, 46)
CJK_LATIN_GAP = 0.22  # em

# No line may start with CLOSING (glued to the unit before) or end with OPENING (glued to the unit after).
CLOSING = set("，。、．：；！？）〕］｝〉》」』】〙〗〟’”｠»…‥・·％‰℃,.;:!?)]}%'\"")
OPENING = set("（〔［｛〈《「『【〘〖〝‘“｟«([{")


@dataclass(frozen=True)
class CoverText:
    """The cover texts of one language; ``lang`` is a BCP 47 tag: "en", "zh-Hans", "zh-Hant"."""

    lang: str
    title: str
    subtitle: str
    publisher: str

    @property
    def is_chinese(self) -> bool:
        return self.lang.lower().startswith("zh")


@dataclass(frozen=True)
class _Style:
    """How one kind of line is set: a face stack, size and leading in units of the cover width / 1600."""

    stack: tuple[Face, ...]
    size: float
    leading: float  # line advance / font size
    ascent: float  # top of the line box to the baseline / font size
    colour: tuple[int, int, int]
    max_lines: int = 3
    min_size: float = 0.0


@dataclass(frozen=True)
class _Block:
    """Wrapped lines of one text, at the font size that made them fit."""

    style: _Style
    px: int
    lines: tuple[str, ...]

    @property
    def height(self) -> int:
        return round(self.px * self.style.leading * len(self.lines))


def render_cover(texts: Sequence[CoverText], *, region: str = "SC", draft: bool = False,
                 size: tuple[int, int] = RETAIL_SIZE) -> bytes:
    """The cover as JPEG bytes; ``texts`` is one language, or Chinese then English for the bilingual edition."""
    return _encode(_compose(texts, region=region, draft=draft, size=size), "JPEG")


def write_cover(texts: Sequence[CoverText], target: Path, *, region: str = "SC", draft: bool = False) -> None:
    """Write the cover atomically: JPEG for ``.jpg``/``.jpeg``, PNG for ``.png``."""
    kind = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}.get(target.suffix.lower())
    if kind is None:
        raise RenderError(f"cover image must be .jpg, .jpeg or .png, not '{target.name}'", Location(str(target)))
    data = _encode(_compose(texts, region=region, draft=draft, size=RETAIL_SIZE), kind)
    atomic.write_bytes(target, data)


def thumbnail(jpeg: bytes, width: int = 320) -> bytes:
    """A smaller JPEG of ``width`` pixels, aspect ratio kept."""
    if width < 1:
        raise RenderError(f"thumbnail width must be positive, not {width}")
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            image.load()
            src = image.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise RenderError(f"not a readable cover image: {exc}") from exc
    height = max(1, round(src.height * width / src.width))
    small = src.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return _encode(small, "JPEG", quality=THUMB_QUALITY)



def _compose(texts: Sequence[CoverText], *, region: str, draft: bool, size: tuple[int, int]) -> Image.Image:
    texts = list(texts)
    _check(texts, region, size)
    fonts = FontSet(region)
    width, height = size
    unit = width / RETAIL_SIZE[0]
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)

    inset = round(72 * unit)
    line = max(1, round(3 * unit))
    draw.rectangle((inset, inset, width - 1 - inset, height - 1 - inset), outline=ACCENT, width=line)
    measure = width - 2 * round(220 * unit)

    primary, secondary = texts[0], (texts[1] if len(texts) > 1 else None)
    title = _title_style(primary, fonts, 184 if primary.is_chinese else 150)
    # wrapped text, a gap in pixels, or the short rule
    blocks: list[_Block | int | str] = [_fit(primary.title, title, measure, unit), round(46 * unit), "rule",
                                        round(46 * unit)]
    if primary.subtitle.strip():
        style = _subtitle_style(primary, fonts, 62 if primary.is_chinese else 64)
        blocks.append(_fit(primary.subtitle, style, measure, unit))
    if secondary is not None:
        blocks += [round(150 * unit), _fit(secondary.title, _title_style(secondary, fonts, 96), measure, unit)]
        if secondary.subtitle.strip():
            style = _subtitle_style(secondary, fonts, 50 if secondary.is_chinese else 54)
            blocks += [round(34 * unit), _fit(secondary.subtitle, style, measure, unit)]

    y = round(height * 0.135)
    for block in blocks:
        if isinstance(block, int):
            y += block
        elif isinstance(block, str):
            half = round(120 * unit)
            draw.line((width // 2 - half, y, width // 2 + half, y), fill=ACCENT, width=line)
        else:
            _draw_block(draw, block, y, width)
            y += block.height
    if y > height * 0.72:
        raise RenderError(f"the cover texts ({', '.join(t.lang for t in texts)}) do not fit: shorten the title")
    _draw_publishers(draw, texts, fonts, width, height, unit, measure)
    if draft:
        _draw_draft(draw, fonts, width, height, unit)
    return image


def _check(texts: list[CoverText], region: str, size: tuple[int, int]) -> None:
    if region not in ("SC", "TC"):
        raise RenderError(f"cover region must be 'SC' or 'TC', not {region!r}")
    if not 1 <= len(texts) <= 2:
        raise RenderError(f"a cover has the texts of one or two languages, not {len(texts)}")
    if min(size) < 160:
        raise RenderError(f"cover size {size[0]}×{size[1]} is too small")
    fonts = FontSet(region)
    problems = []
    for text in texts:
        if not text.title.strip():
            problems.append(Problem(Location("cover", field=f"{text.lang}.title"), Severity.ERROR,
                                    f"the {text.lang} cover has no title", "render.cover"))
        stack = _stack(text, fonts)
        for name in ("title", "subtitle", "publisher"):
            for ch in missing_glyphs(getattr(text, name), stack):
                problems.append(Problem(
                    Location("cover", field=f"{text.lang}.{name}"), Severity.ERROR,
                    f"no glyph for {ch!r} (U+{ord(ch):04X}) in the cover {name} ({text.lang}); the faces "
                    f"{', '.join(f.family for f in stack)} cannot set it", "render.glyph"))
    if problems:
        raise RenderError(problems)


def _stack(text: CoverText, fonts: FontSet) -> tuple[Face, ...]:
    return (fonts.serif, fonts.latin) if text.is_chinese else (fonts.latin, fonts.serif)


def _title_style(text: CoverText, fonts: FontSet, size: float) -> _Style:
    """Up to 3 lines, shrunk to 45 % at most; the ascent puts the ideographic em box or the caps on the line box."""
    zh = text.is_chinese
    return _Style(_stack(text, fonts), size, 1.3 if zh else 1.12, 0.9 if zh else 0.78, INK, 3, size * 0.45)


def _subtitle_style(text: CoverText, fonts: FontSet, size: float) -> _Style:
    zh = text.is_chinese
    return _Style(_stack(text, fonts), size, 1.55 if zh else 1.3, 0.9 if zh else 0.78, MUTED, 4, size * 0.6)


def _fit(text: str, style: _Style, measure: int, unit: float) -> _Block:
    """Wrap ``text`` to ``measure``, shrinking the size until it takes at most ``style.max_lines`` lines."""
    size = style.size
    while True:
        px = max(1, round(size * unit))
        length = _measurer(style.stack, px)
        lines = _greedy(_units(text), measure, length)
        fits = len(lines) <= style.max_lines and all(length(line) <= measure for line in lines)
        if fits or size * 0.92 < style.min_size:
            return _Block(style, px, tuple(_wrap(text, measure, length)))
        size *= 0.92


def _draw_block(draw: ImageDraw.ImageDraw, block: _Block, top: int, width: int) -> None:
    advance = block.px * block.style.leading
    for n, line in enumerate(block.lines):
        baseline = round(top + (advance - block.px) / 2 + block.px * block.style.ascent + n * advance)
        _draw_line(draw, line, block.style.stack, block.px, width / 2, baseline, block.style.colour)


def _draw_publishers(draw: ImageDraw.ImageDraw, texts: list[CoverText], fonts: FontSet, width: int,
                     height: int, unit: float, measure: int) -> None:
    """Each distinct publisher name on one line (shrunk to fit), stacked up from the bottom, a short rule above."""
    names: list[CoverText] = []
    for text in texts:
        if text.publisher.strip() and text.publisher.strip() not in (t.publisher.strip() for t in names):
            names.append(text)
    lines: list[tuple[_Style, int, str]] = []
    for text in names:
        size = 48 if text.is_chinese else 52
        block = _fit(text.publisher.strip(), _Style(_stack(text, fonts), size, 1.0, 0.0, INK, 1, size * 0.5),
                     measure, unit)
        lines += [(block.style, block.px, line) for line in block.lines]
    if not lines:
        return
    baseline, advance = height - round(190 * unit), round(72 * unit)
    for n, (style, px, line) in enumerate(reversed(lines)):
        _draw_line(draw, line, style.stack, px, width / 2, baseline - n * advance, style.colour)
    rule_y, half = baseline - round(74 * unit) - len(lines) * advance, round(40 * unit)
    draw.line((width // 2 - half, rule_y, width // 2 + half, rule_y), fill=ACCENT, width=max(1, round(3 * unit)))


def _draw_draft(draw: ImageDraw.ImageDraw, fonts: FontSet, width: int, height: int, unit: float) -> None:
    top, band = round(height * 0.6), round(230 * unit)
    draw.rectangle((0, top, width - 1, top + band), fill=DRAFT_BAND)
    px = round(150 * unit)
    _draw_line(draw, "D R A F T", (fonts.latin,), px, width / 2, top + round(band * 0.5 + px * 0.33), INK)


# --- text setting ------------------------------------------------------------------------------------


@cache
def _font(face: Face, px: int) -> ImageFont.FreeTypeFont:
    path, index = face.file()
    return ImageFont.truetype(str(path), px, index=index)


def _runs(text: str, stack: tuple[Face, ...]) -> list[tuple[Face, str]]:
    """``text`` cut into runs, each set in the first face of ``stack`` that has all its characters."""
    maps = _maps(stack)
    runs: list[tuple[Face, str]] = []
    for ch in text:
        if ch.isspace() and runs:
            face = runs[-1][0]
        else:
            face = next((f for f, m in zip(stack, maps, strict=True) if ord(ch) in m), stack[0])
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


@cache
def _maps(stack: tuple[Face, ...]) -> tuple[frozenset[int], ...]:
    return tuple(cmap(*face.file()) for face in stack)


def _pieces(text: str, stack: tuple[Face, ...], px: int) -> tuple[list[tuple[float, Face, str]], float]:
    """Runs with their x offsets, a quarter em between Chinese and Latin letters; and the total width."""
    pieces: list[tuple[float, Face, str]] = []
    x = 0.0
    for face, run in _runs(text, stack):
        start = 0
        for i in range(1, len(run) + 1):
            if i == len(run) or _gap_between(run[i - 1], run[i]):
                if pieces and _gap_between(pieces[-1][2][-1], run[start]):
                    x += px * CJK_LATIN_GAP
                pieces.append((x, face, run[start:i]))
                x += _font(face, px).getlength(run[start:i])
                start = i
    return pieces, x


def _gap_between(a: str, b: str) -> bool:
    """Chinese next to a Latin letter or digit (either order) takes a little space, as in the book."""
    return (_ideograph(a) and b.isascii() and b.isalnum()) or (a.isascii() and a.isalnum() and _ideograph(b))


def _ideograph(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo" and _wide(ch)


def _measurer(stack: tuple[Face, ...], px: int) -> Callable[[str], float]:
    """The width of a line of text in pixels, memoised (wrapping measures the same prefixes often)."""
    widths: dict[str, float] = {}

    def measure(text: str) -> float:
        return widths[text] if text in widths else widths.setdefault(text, _pieces(text, stack, px)[1])

    return measure


def _draw_line(draw: ImageDraw.ImageDraw, text: str, stack: tuple[Face, ...], px: int, centre: float,
               baseline: int, colour: tuple[int, int, int]) -> None:
    pieces, width = _pieces(text, stack, px)
    left = centre - width / 2
    for x, face, part in pieces:
        draw.text((round(left + x), baseline), part, font=_font(face, px), fill=colour, anchor="ls")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> list[tuple[str, bool]]:
    """Unbreakable units and whether a space precedes each: Latin words whole, CJK characters one by one,
    closing punctuation glued to the unit before it and opening punctuation to the unit after it."""
    units: list[list] = []  # [text, space before]
    space = glue_next = latin_open = False
    for ch in text:
        if ch.isspace():
            space, latin_open = bool(units), False
            continue
        wide = _wide(ch)
        if units and (ch in CLOSING or (glue_next and not space) or (latin_open and not wide and not space)):
            units[-1][0] += (" " if space else "") + ch
        else:
            units.append([ch, space])
        latin_open = not wide
        glue_next = ch in OPENING
        space = False
    return [(t, s) for t, s in units]


def _wrap(text: str, measure: int, length: Callable[[str], float]) -> list[str]:
    """Greedy wrap to ``measure``, then balanced: the narrowest measure that keeps the same line count
    (and cuts no word the full measure leaves whole)."""
    units = _units(text)
    lines = _greedy(units, measure, length)
    widest = max((length(unit) for unit, _ in units), default=0.0)
    if len(lines) > 1 and widest < measure:
        low, high = max(measure * 0.4, widest), float(measure)
        for _ in range(12):
            mid = (low + high) / 2
            if len(_greedy(units, mid, length)) <= len(lines):
                high = mid
            else:
                low = mid
        lines = _greedy(units, high, length)
    return lines


def _greedy(units: list[tuple[str, bool]], measure: float, length: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    current = ""
    for unit, space in units:
        candidate = current + (" " if space and current else "") + unit
        if current and length(candidate) > measure:
            lines.append(current)
            current = unit
        else:
            current = candidate
        while length(current) > measure:  # one unit wider than the line: cut it where allowed
            cut = _cut(current, measure, length)
            if cut >= len(current):
                break
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _cut(text: str, measure: float, length: Callable[[str], float]) -> int:
    """Where to cut a unit wider than the line (a long word or address): the longest head that fits, after a
    slash or hyphen if possible, or failing that the shortest; never before closing or after opening
    punctuation; ``len(text)`` if nowhere."""
    allowed = [i for i in range(1, len(text)) if text[i] not in CLOSING and text[i - 1] not in OPENING]
    fitting = [i for i in allowed if length(text[:i]) <= measure]
    preferred = [i for i in fitting if text[i - 1] in "/-_&=?" and text[i] not in "/-"]
    return (preferred or fitting)[-1] if fitting else (allowed[0] if allowed else len(text))


def _encode(image: Image.Image, kind: str, quality: int = JPEG_QUALITY) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=quality, optimize=True, subsampling=0, progressive=False)
    else:
        image.save(out, "PNG", optimize=False, compress_level=9)
    return out.getvalue()
