"""Font subsets left to the assembly of an edition's parts (see :mod:`publish.render.weasy`).

WeasyPrint writes each face it used as a subset (``pdf/fonts.py``: ``Font.clean`` → ``_harfbuzz_subset``,
glyph ids retained, so the content streams show the original font's glyph ids). A part of an edition
(:mod:`publish.render.partbuild`) need not: the assembly (:mod:`publish.render.fontmerge`) subsets each face
once for the whole file, from the glyphs every part used. While :func:`deferred_fonts` is active:

- each font WeasyPrint makes remembers the file fontconfig loaded it from (``pango_fc_font_get_pattern``:
  the ``file`` and ``index`` of the face's pattern);
- ``Font.clean`` of a font that can be left (a vector face read from a font file that is still there, the
  same size as the data WeasyPrint read; no variable axes, colour or bitmap glyphs, no glyph missing from the
  face, not drawn in a form WeasyPrint embeds whole) does not subset it: the font's file becomes
  :data:`PLACEHOLDER` (behind the 4 bytes that tell WeasyPrint an OpenType/CFF file from a TrueType one);
- the font's dictionary gets a ``/PublishFace`` entry: the face's file, index, size, the glyphs to keep
  and WeasyPrint's hinting option, all the assembly needs. WeasyPrint's widths and ToUnicode map are
  written as usual.

Any other font is subset as WeasyPrint does, and the assembly keeps it as it is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pydyf
from weasyprint.pdf import fonts as _fonts
from weasyprint.text import ffi as _text_ffi
from weasyprint.text import fonts as _text_fonts

PLACEHOLDER = b"publish: this part's font subset is made when the parts are assembled\n"
OTF, TTF = b"OTTO", b"\x00\x01\x00\x00"


@cache
def _fc() -> tuple[Any, Any, Any] | None:
    """A cffi view of the two functions WeasyPrint's ffi does not declare: (ffi, pangoft2, fontconfig)."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("""
        typedef struct _FcPattern FcPattern;
        FcPattern * pango_fc_font_get_pattern (void *font);
        int FcPatternGetString (FcPattern *p, const char *object, int n, unsigned char **s);
        int FcPatternGetInteger (FcPattern *p, const char *object, int n, int *i);
    """)
    dlopen = _text_ffi._dlopen
    pangoft2 = dlopen(ffi, "libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
                      "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll", allow_fail=True)
    fontconfig = dlopen(ffi, "libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
                        "libfontconfig.1.dylib", "libfontconfig-1.dll", allow_fail=True)
    if pangoft2 is None or fontconfig is None:   # pragma: no cover - WeasyPrint itself needs both
        return None
    return ffi, pangoft2, fontconfig


def font_file(pango_font: Any) -> tuple[str, int] | None:  # noqa: ANN401 - a PangoFont cdata
    """The file and face index fontconfig loaded ``pango_font`` from, or None."""
    fc = _fc()
    if fc is None:   # pragma: no cover
        return None
    ffi, pangoft2, fontconfig = fc
    pointer = ffi.cast("void *", int(_text_ffi.ffi.cast("uintptr_t", pango_font)))
    pattern = pangoft2.pango_fc_font_get_pattern(pointer)
    if pattern == ffi.NULL:   # pragma: no cover - not a fontconfig font
        return None
    string = ffi.new("unsigned char **")
    number = ffi.new("int *")
    if fontconfig.FcPatternGetString(pattern, b"file", 0, string) != 0:   # FcResultMatch is 0
        return None
    path = ffi.string(string[0]).decode("utf-8", "surrogateescape")
    index = number[0] if fontconfig.FcPatternGetInteger(pattern, b"index", 0, number) == 0 else 0
    return path, index


def _face_view(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:  # noqa: ANN401
    """WeasyPrint's ``get_hb_object_data`` for a face's whole data (``Font.file_content``) without the copy
    (the collections are 20–27 MB, copied for each font of each part): a read-only view of the face's blob,
    which the font's ``hb_face`` keeps alive; bytes again where WeasyPrint subsets the font itself."""
    if ot_color is not None:   # pragma: no cover - Font.__init__ asks for the face only
        return _text_fonts.get_hb_object_data(hb_object, ot_color, glyph)
    ffi, harfbuzz = _text_ffi.ffi, _text_ffi.harfbuzz
    blob = harfbuzz.hb_face_reference_blob(hb_object)
    with ffi.new("unsigned int *") as length:
        data = harfbuzz.hb_blob_get_data(blob, length)
        view = None if data == ffi.NULL else ffi.buffer(data, int(length[0]))
    harfbuzz.hb_blob_destroy(blob)   # the face holds its own reference
    return view


def _leavable(font: Any, to_unicode: dict[int, str]) -> bool:  # noqa: ANN401 - a WeasyPrint Font
    source = getattr(font, "publish_file", None)
    if source is None or not to_unicode or font.missing or font.used_in_forms or font.bitmap:
        return False
    if font.png or font.svg or font.colr or "fvar" in font.tables or _sfnt(font) not in (OTF, TTF):
        return False
    path = source[0]
    if os.path.realpath(path).startswith(os.path.realpath(tempfile.gettempdir()) + os.sep):
        return False   # an @font-face file WeasyPrint downloaded: gone when the part is assembled
    try:
        return os.stat(path).st_size == len(font.file_content) and (source[1] >> 16) == 0  # no named instance
    except OSError:
        return False


def _sfnt(font: Any) -> bytes:  # noqa: ANN401
    """The face's own sfnt version (``OTTO`` for CFF outlines): in a collection, at its table directory."""
    data = font.file_content
    if data[:4] != b"ttcf":
        return bytes(data[:4])
    at = 12 + 4 * font.index
    offset = int.from_bytes(data[at:at + 4], "big")
    return bytes(data[offset:offset + 4])


def glyph_ranges(glyphs: list[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1-3 7"``."""
    out: list[str] = []
    start = prev = None
    for g in sorted(set(glyphs)):
        if prev is not None and g == prev + 1:
            prev = g
            continue
        if start is not None:
            out.append(f"{start}-{prev}" if prev != start else f"{start}")
        start = prev = g
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else f"{start}")
    return " ".join(out)


def parse_ranges(text: str) -> set[int]:
    out: set[int] = set()
    for item in text.split():
        a, _, b = item.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


@contextmanager
def deferred_fonts() -> Iterator[None]:
    """While active, the fonts WeasyPrint can leave to the assembly are written as placeholders with what the
    assembly needs to subset their face once (see the module's docstring)."""
    original_init = _fonts.Font.__init__
    original_clean = _fonts.Font.clean
    original_vector = _fonts._build_vector_font_dictionary
    original_data = _fonts.get_hb_object_data
    left: dict[str, pydyf.Dictionary] = {}   # WeasyPrint's font hash → the /PublishFace entry

    def init(self: Any, pango_font: Any, description: Any, font_size: Any) -> None:  # noqa: ANN401
        _fonts.get_hb_object_data = _face_view
        try:
            original_init(self, pango_font, description, font_size)
        finally:
            _fonts.get_hb_object_data = original_data
        self.publish_file = font_file(pango_font)

    def clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:  # noqa: ANN401
        if not _leavable(self, to_unicode):
            self.file_content = bytes(self.file_content)   # WeasyPrint's own copy of the face's data
            original_clean(self, to_unicode, hinting)
            return
        path, index = self.publish_file
        left[self.hash] = pydyf.Dictionary({
            "Path": pydyf.String(path), "Index": index, "Size": len(self.file_content),
            "Glyphs": pydyf.String(glyph_ranges(list(to_unicode))), "Hinting": "true" if hinting else "false"})
        self.file_content = _sfnt(self) + PLACEHOLDER   # WeasyPrint's font.type: OTTO or not

    def vector(font_dictionary: Any, pdf: Any, font: Any, *args: Any) -> None:  # noqa: ANN401
        original_vector(font_dictionary, pdf, font, *args)
        if font.hash in left:
            font_dictionary["PublishFace"] = left[font.hash]

    _fonts.Font.__init__ = init  # type: ignore[method-assign]
    _fonts.Font.clean = clean  # type: ignore[method-assign]
    _fonts._build_vector_font_dictionary = vector
    try:
        yield
    finally:
        _fonts.Font.__init__ = original_init  # type: ignore[method-assign]
        _fonts.Font.clean = original_clean  # type: ignore[method-assign]
        _fonts._build_vector_font_dictionary = original_vector
