"""Embedded CID-keyed CFF fonts cut down to the glyphs they show, their CIDs unchanged.

WeasyPrint subsets with HarfBuzz's ``RETAIN_GIDS`` (and so does :mod:`publish.render.fontmerge`): an embedded
Noto CJK face keeps all of its ~63,000 glyph slots, nearly all empty, which every reader of the file loads
(Ghostscript spends ~0.6 s on each such font). This pass subsets each such font program again *without*
retaining glyph ids: the kept glyphs are numbered 0…n-1, and the CFF charset of a CID-keyed font maps each of
them to its original CID (HarfBuzz's ``subset_charset`` writes the source CIDs; :func:`cids_of` reads them back
and the pass checks them).

Why no content stream changes: the fonts are ``/Type0`` with a ``/CIDFontType0`` descendant whose font program
is ``/FontFile3`` (``/CIDFontType0C`` or ``/OpenType`` wrapping a CFF). For such a font the text's codes give
CIDs through the ``/Encoding`` CMap (``Identity-H``: code = CID), and a CID selects its glyph through the CFF
charset when the CFF is CID-keyed (ISO 32000-1 §9.7.4.2; a ``/CIDToGIDMap`` is for CIDFontType2 only, and is
dropped here, since glyph ids no longer equal CIDs). The widths (``/W``), ``/ToUnicode`` and a ``/CIDSet``
are indexed by CID and stay right as they are. The compacted program is written as a bare CFF
(``/CIDFontType0C``), not in its OpenType wrapper: FreeType maps a CID through the charset only for a bare CFF,
so poppler and PDFium, given a wrapped one, take the CID for a glyph id (wrong glyphs once ids are not CIDs).
PDFium then antialiases the CJK glyphs a few levels differently (it scales a
bare CFF by its FontMatrix, a wrapped one by unitsPerEm): the same pixels as the uncompacted font unwrapped.

A name-keyed CFF (EB Garamond's) is selected by glyph id, so renumbering it would need every content stream
rewritten: such fonts, and TrueType (``/FontFile2``), are left alone.

The glyphs kept: the CIDs in ``/W`` plus CID 0 (``.notdef``). WeasyPrint writes a width for every glyph it
draws, and the parts' font merge keeps the union of the parts' widths; scanning every content stream for the
codes shown would cost far more (a parse of every page) and found the same set: the tests check it on a
fixture, and every code the sample book's four editions show (pages and forms) has its CID in ``/W``.

Every font dictionary sharing one font program (WeasyPrint shares a file between dictionaries of the same
face) gets the same compacted program, made for the union of their glyphs; a dictionary this walk does not
reach keeps the old stream.
"""

from __future__ import annotations

import hashlib
import zlib
from io import BytesIO
from typing import Any

RESOURCE_WALK = ("/XObject", "/Pattern")
"""Resources whose streams may hold fonts of their own (forms: the parts' folios; tiling patterns)."""


def compact_fonts(pdf: Any) -> int:  # noqa: ANN401 - a pikepdf.Pdf
    """Compact every CID-keyed CFF font reachable from the pages of the open ``pdf``; return how many font
    programs were replaced. Deterministic: the same file in gives the same objects out."""
    groups: dict[tuple[int, int], list[Any]] = {}
    for font in _fonts(pdf):
        cid = font.DescendantFonts[0]
        descriptor = cid.get("/FontDescriptor")
        program = descriptor.get("/FontFile3") if descriptor is not None else None
        if (cid.get("/Subtype") != "/CIDFontType0" or program is None
                or program.get("/Subtype") not in ("/CIDFontType0C", "/OpenType")):
            continue
        groups.setdefault(tuple(program.objgen), []).append(font)  # type: ignore[arg-type]
    done = 0
    for members in groups.values():
        if _compact(pdf, members):
            done += 1
    return done


def _fonts(pdf: Any) -> list[Any]:  # noqa: ANN401
    """The Type0 font dictionaries of the pages' resources and their forms' and patterns', each once, in
    page order."""
    seen: set[tuple[int, int]] = set()
    fonts: list[Any] = []
    stack = [page.obj.get("/Resources") for page in reversed(pdf.pages)]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        if resources.is_indirect:
            if tuple(resources.objgen) in seen:
                continue
            seen.add(tuple(resources.objgen))  # type: ignore[arg-type]
        for key in sorted((resources.get("/Font") or {}).keys()):
            font = resources.Font[key]
            if not font.is_indirect or tuple(font.objgen) in seen:
                continue
            seen.add(tuple(font.objgen))  # type: ignore[arg-type]
            if font.get("/Subtype") == "/Type0" and len(font.get("/DescendantFonts", [])) == 1:
                fonts.append(font)
        for kind in RESOURCE_WALK:
            table = resources.get(kind) or {}
            for key in sorted(table.keys(), reverse=True):
                child = table[key]
                if child.is_indirect and tuple(child.objgen) in seen:
                    continue
                if child.is_indirect:
                    seen.add(tuple(child.objgen))  # type: ignore[arg-type]
                stack.append(child.get("/Resources"))
    return fonts


def _compact(pdf: Any, members: list[Any]) -> bool:  # noqa: ANN401
    import pikepdf

    from .fontmerge import cid_widths

    program = members[0].DescendantFonts[0].FontDescriptor.FontFile3
    data = program.read_bytes()
    if data[:4] != b"OTTO":   # a bare CFF: HarfBuzz subsets OpenType faces only
        return False
    cids = {0}
    for font in members:
        cids.update(cid_widths(font.DescendantFonts[0].get("/W", [])))
    by_cid = cids_of(data)
    if by_cid is None or not cids <= set(by_cid):  # name-keyed, unreadable, or a CID it lacks: leave it
        return False
    if len(cids) >= len(by_cid):
        return False
    out = subset(data, sorted(by_cid[c] for c in cids))
    kept = cids_of(out)
    if kept is None or set(kept) != cids:
        raise ValueError(f"HarfBuzz's subset of {members[0].BaseFont} lost the CIDs of its charset")
    stream = pikepdf.Stream(pdf, zlib.compress(out, 6))
    stream.Filter = pikepdf.Name.FlateDecode
    stream.Subtype = pikepdf.Name.CIDFontType0C
    stream = pdf.make_indirect(stream)
    for font in members:
        cid = font.DescendantFonts[0]
        label = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
        digest = hashlib.sha256(f"{label}\0".encode() + ",".join(map(str, sorted(cids))).encode()).digest()
        base = pikepdf.Name("/" + "".join(chr(65 + b % 26) for b in digest[:6]) + "+" + label)
        font.BaseFont = cid.BaseFont = cid.FontDescriptor.FontName = base
        cid.FontDescriptor.FontFile3 = stream
        if "/CIDToGIDMap" in cid:
            del cid["/CIDToGIDMap"]
    return True


def cids_of(data: bytes) -> dict[int, int] | None:
    """CID → glyph id of a CID-keyed CFF font program (bare CFF or OpenType); ``None`` if it is name-keyed.

    fontTools reads the Top DICT (the ROS that makes a font CID-keyed, the charset's offset, the glyph
    count); the charset itself is read here from its ranges (CFF spec, Technical Note #5176 §13, formats 0,
    1 and 2): fontTools' reader names each of a Noto CJK face's ~63,000 glyphs ("cid01234") in Python, about
    five times the cost, for the same table (``tests/render/test_compact.py`` compares the two)."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    table = TTFont(BytesIO(data), lazy=True).reader["CFF "] if data[:4] == b"OTTO" else data
    cff = CFFFontSet()
    cff.decompile(BytesIO(table), None)
    top = cff.topDictIndex[0]
    if "ROS" not in top.rawDict:
        return None
    return _charset(table, int(top.rawDict.get("charset", 0)), int(top.numGlyphs))


def _charset(table: bytes, offset: int, glyphs: int) -> dict[int, int]:
    """The CIDs of a CID-keyed font's charset at ``offset`` of the CFF ``table``: CID → glyph id (glyph 0 is
    .notdef, CID 0). Offsets 0–2 name the predefined charsets, which a CID-keyed font cannot use."""
    if offset <= 2 or offset >= len(table):
        raise ValueError(f"a CID-keyed CFF font without a charset of its own (offset {offset})")
    fmt, pos, gid, out = table[offset], offset + 1, 1, {0: 0}
    if fmt == 0:
        for gid in range(1, glyphs):
            out[int.from_bytes(table[pos:pos + 2], "big")] = gid
            pos += 2
        return out
    if fmt not in (1, 2):
        raise ValueError(f"CFF charset format {fmt} is not one of 0, 1, 2")
    size = 1 if fmt == 1 else 2
    while gid < glyphs:
        if pos + 2 + size > len(table):
            raise ValueError("CFF charset runs past the end of its table")
        first = int.from_bytes(table[pos:pos + 2], "big")
        left = int.from_bytes(table[pos + 2:pos + 2 + size], "big")
        pos += 2 + size
        for k in range(min(left + 1, glyphs - gid)):
            out[first + k] = gid + k
        gid += left + 1
    return out


def subset(data: bytes, glyphs: list[int]) -> bytes:
    """The bare CFF of the OpenType ``data`` cut to ``glyphs`` (glyph ids), renumbered in order; outlines
    and hints otherwise as they are (the flags of WeasyPrint's second pass, without retaining glyph ids)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob(data))
    inp = hb.SubsetInput()
    inp.glyph_set.update(glyphs)
    inp.flags = (hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
                 | hb.SubsetFlags.NOTDEF_OUTLINE)
    result = hb.subset(face, inp)
    if result is None:
        raise ValueError("HarfBuzz could not subset an embedded font")
    return bytes(result.reference_table("CFF ").data)
