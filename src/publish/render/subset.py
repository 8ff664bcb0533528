"""Per-edition font subsets for the EPUB: each embedded face cut down to the characters the edition uses.

HarfBuzz's subsetter (``uharfbuzz``) does the work: a few milliseconds for a book's worth of Chinese,
where fontTools takes seconds. The glyph set is chosen here rather than left to HarfBuzz's layout
closure, which follows every lookup of every feature and roughly doubles the Noto CJK glyph count
('locl' alone drags in the Japanese, Korean and Hong Kong forms). Instead:

* the glyphs the cmap maps the used characters to, plus ``.notdef`` (``needed``);
* the glyphs that shaping the edition's words in its languages with the default horizontal
  substitutions actually produces ('ccmp', 'locl', 'liga', 'clig', 'rlig', 'calt'): the ligatures,
  localized and contextual forms the text uses, not every one the font has; the lookups stay, pruned
  to the glyphs kept;
* the vertical forms ('vert', 'vrt2') of the used characters, when they fit the budget.

Positioning features ('kern', 'mark', 'mkmk', 'halt', 'palt' and their vertical twins) cost no glyphs
and are always kept. The subset never holds more than :data:`BUDGET_PERCENT` % of the needed glyphs:
the substitutions are given up, least important first, until it fits. Hinting and CFF subroutines are
dropped; the name table keeps the names CSS and the OFL need (family, style, full and PostScript
names, copyright, licence). ``head.modified`` is kept from the original and nothing stamps the time,
so the bytes depend only on the font file and the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

import uharfbuzz as hb

from ..errors import RenderError

BUDGET_PERCENT = 110
"""At most this share of the needed glyphs (cmap targets of the used characters, plus .notdef)."""

SHAPED = ("ccmp", "rlig", "locl", "liga", "clig", "calt")
"""Default horizontal substitutions, kept for the glyphs the text's words shape to in its languages."""
FALLBACKS = (SHAPED, ("ccmp", "rlig", "liga", "clig", "calt"), ("ccmp", "rlig", "liga", "clig"), ("ccmp", "rlig"), ())
"""The substitutions tried in turn until the glyphs fit the budget."""
VERTICAL = ("vert", "vrt2")
"""Vertical forms, kept (by closure over the used characters) only when they fit the budget."""
POSITIONING = ("kern", "mark", "mkmk", "dist", "halt", "palt", "chws", "vkrn", "vpal", "vhal", "vchw")
"""Positioning features: no glyphs of their own, always kept."""
_OFF = ("rvrn", "rclt")
"""Default features switched off while shaping: their glyphs would not be kept."""

NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17)
"""Copyright, family, subfamily, unique id, full name, version, PostScript name, licence and its URL,
typographic family and subfamily."""

_CJK = re.compile("[\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
                  "\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
_WORDS = re.compile(f"{_CJK.pattern}|[^\\s{_CJK.pattern[1:-1]}]+")

_SFNT = {b"OTTO": (".otf", "font/otf"), b"\x00\x01\x00\x00": (".ttf", "font/ttf"), b"true": (".ttf", "font/ttf")}


@dataclass(frozen=True)
class Subset:
    """One embedded face: ``data`` holds exactly the glyphs an edition's text needs."""

    family: str
    filename: str
    data: bytes
    media_type: str
    glyphs: int
    needed: int
    style: str = "normal"     # the @font-face descriptors: "italic"
    weight: str = "normal"    # "bold"

    @property
    def features(self) -> tuple[str, ...]:
        """The layout features of the subset's GSUB and GPOS, sorted (for reports and tests)."""
        from fontTools.ttLib import TTFont

        with TTFont(BytesIO(self.data), lazy=True) as font:
            return tuple(sorted({record.FeatureTag for table in ("GSUB", "GPOS") if table in font
                                 for record in font[table].table.FeatureList.FeatureRecord}))


def subset_face(path: Path, index: int, text: str, *, family: str, languages: tuple[str, ...] = ("en",),
                woff2: bool = False, style: str = "normal", weight: str = "normal") -> Subset:
    """Subset face ``index`` of ``path`` (a .ttc collection or a single font) to the characters of ``text``.

    ``text`` should be the edition's running text (words in order, not only its distinct characters):
    its words are shaped to find the ligatures and contextual forms they use, once in each of the
    edition's ``languages`` (BCP 47 tags such as ``("en", "zh-Hans")``: localized forms differ, and Noto
    CJK sets digits in Latin words proportionally in English but not in Chinese). Characters the face
    has no glyph for are left out (the CSS stack sets them in another face). ``family`` names the subset
    and its file (``Noto Serif CJK SC`` → ``noto-serif-cjk-sc.otf``). ``woff2`` compresses the result
    (smaller, far slower, and unknown to some older reading systems).
    """
    face = _face(path, index)
    font = hb.Font(face)
    codepoints = {cp for cp in map(ord, set(text)) if font.get_nominal_glyph(cp) is not None}
    needed = {0} | {font.get_nominal_glyph(cp) for cp in codepoints}
    limit = len(needed) * BUDGET_PERCENT // 100
    words = _words(text)
    for substitutions in FALLBACKS:
        glyphs = needed | _shaped(font, words, substitutions, languages)
        if len(glyphs) <= limit:
            break
    vertical = _closure(face, codepoints, VERTICAL)
    features = POSITIONING + substitutions
    if len(glyphs | vertical) <= limit:
        glyphs |= vertical
        features += VERTICAL
    data, count = _subset(face, codepoints, glyphs, features, f"{family} ({path.name}, face {index})")
    extension, media_type = _SFNT.get(data[:4], (".otf", "font/otf"))
    if woff2:
        data, extension, media_type = _woff2(data), ".woff2", "font/woff2"
    variant = "-".join(v for v in (weight, style) if v != "normal")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{family} {variant}".lower()).strip("-") or "font"
    return Subset(family, slug + extension, data, media_type, count, len(needed), style, weight)


def missing_in(data: bytes, text: str, index: int = 0) -> set[str]:
    """The characters of ``text`` that the font in ``data`` (face ``index``) has no cmap entry for.

    Control characters and invisible formatting characters (line ends, soft hyphen, zero-width
    spaces and joiners) are not looked for: no face needs a glyph for them.
    """
    unicodes = hb.Face(hb.Blob(data), index).unicodes
    return {ch for ch in set(text) if not _invisible(ch) and ord(ch) not in unicodes}


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


@cache
def _face(path: Path, index: int) -> hb.Face:
    try:
        blob = hb.Blob.from_file_path(str(path))
    except (OSError, hb.HarfBuzzError) as exc:
        raise RenderError(f"cannot read font file {path}: {exc}") from exc
    face = hb.Face(blob, index)
    if face.glyph_count == 0:
        raise RenderError(f"{path} has no font at index {index} (or is not a font file)")
    return face


@lru_cache(maxsize=4)
def _words(text: str) -> tuple[str, ...]:
    """The distinct words of ``text``, each CJK character a word of its own (they do not ligate).

    Cached: an edition passes the same text for each of its faces."""
    return tuple(sorted(set(_WORDS.findall(text))))


def _shaped(font: hb.Font, words: tuple[str, ...], substitutions: tuple[str, ...],
            languages: tuple[str, ...]) -> set[int]:
    """The glyphs the words shape to horizontally in each language with ``substitutions`` on (the rest off).

    CJK words and the others are shaped apart, each run in its own script as a reading system would."""
    if not words or not substitutions:
        return set()
    features = {tag: tag in substitutions for tag in SHAPED + _OFF}
    cjk = [w for w in words if _CJK.fullmatch(w)]
    glyphs: set[int] = set()
    for group in ([w for w in words if not _CJK.fullmatch(w)], cjk):
        for language in languages if group else ():
            buf = hb.Buffer()
            buf.add_str(" ".join(group))
            buf.language = language  # never the process locale HarfBuzz would guess
            buf.guess_segment_properties()
            hb.shape(font, buf, features)
            glyphs.update(info.codepoint for info in buf.glyph_infos)
    return glyphs


def _closure(face: hb.Face, codepoints: set[int], features: tuple[str, ...]) -> set[int]:
    """The glyphs HarfBuzz's layout closure reaches from the codepoints through ``features``."""
    plan = hb.SubsetPlan(face, _input(codepoints, set(), features, closure=True))
    return set(plan.new_to_old_glyph_mapping.values())


def _input(codepoints: set[int], glyphs: set[int], features: tuple[str, ...], *, closure: bool) -> hb.SubsetInput:
    inp = hb.SubsetInput()
    inp.unicode_set.update(codepoints)
    inp.glyph_set.update(glyphs)
    tags = inp.layout_feature_tag_set
    tags.clear()
    tags.update(_tag(f) for f in features)
    names = inp.name_id_set
    names.clear()
    names.update(NAME_IDS)
    # Desubroutinized CFF charstrings: the collection's subroutines serve 65,000 glyphs, and few survive
    # a subset; inlining them makes the Noto CJK subsets 3-8 % smaller (1 % larger at 3,755 ideographs)
    # and the subsetting faster.
    flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NO_BIDI_CLOSURE | hb.SubsetFlags.DESUBROUTINIZE
    if not closure:
        flags |= hb.SubsetFlags.NO_LAYOUT_CLOSURE
    inp.flags = flags
    return inp


def _subset(face: hb.Face, codepoints: set[int], glyphs: set[int], features: tuple[str, ...],
            label: str) -> tuple[bytes, int]:
    out = hb.subset(face, _input(codepoints, glyphs, features, closure=False))
    if out is None or out.glyph_count == 0:
        raise RenderError(f"HarfBuzz could not subset {label}")
    return out.blob.data, out.glyph_count


def _woff2(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    out = BytesIO()
    with TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False) as font:
        font.flavor = "woff2"
        font.save(out, reorderTables=None)
    return out.getvalue()


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")

