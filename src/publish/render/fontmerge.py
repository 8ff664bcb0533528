"""Each face embedded once in an edition assembled from parts (:mod:`publish.render.assemble`).

Every part is written with its fonts left to the assembly (:func:`publish.render.weasy.deferred_fonts`): each
font dictionary holds WeasyPrint's widths (``/W``) and ToUnicode map for the glyphs the part drew, a
placeholder font file, and a ``/PublishFace`` entry naming the face's file, index, size, the glyphs to keep and
the hinting option. WeasyPrint retains the original glyph ids when it subsets, so a glyph id means the same in
every part; the assembly:

- groups the font dictionaries of all parts by WeasyPrint's font name (its hash of the Pango description, the
  same in every part) and face, and merges each group into one dictionary: the widths and ToUnicode entries of
  every member (the first part drawing a glyph wins, as inside one layout), the font bounding box and the
  fixed-pitch flag from the merged widths, a subset tag derived from the face and the glyphs;
- subsets each face once (uharfbuzz; the flags and the two passes of WeasyPrint's ``_harfbuzz_subset``) for
  the union of the glyphs every dictionary of that face drew, and points every dictionary of it at that one
  file;
- points every ``/Font`` resource of the file (the pages', the forms' — the folios are forms) at the merged
  dictionaries: the parts' own are no longer reachable and are not written.

A font a part embedded as WeasyPrint does (no ``/PublishFace``: a font it could not leave) is kept as it is; a
placeholder without ``/PublishFace``, or a face file that is gone or changed since the part was laid out, is a
:class:`RenderError` naming the part's file.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, RenderError

DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
"""The tables WeasyPrint drops from its subsets (``pdf/fonts.py``)."""
CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
             b"<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
             b"/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n")
CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


@dataclass(frozen=True)
class FaceKey:
    path: str
    index: int
    size: int
    hinting: bool


@dataclass
class _Group:
    """The font dictionaries of one WeasyPrint font (name) and face, from every part."""

    name: str
    face: FaceKey
    members: list[Any] = field(default_factory=list)
    glyphs: set[int] = field(default_factory=set)


class FontMerge:
    """Collects the fonts of the parts as they are added to ``out``, then merges them (:meth:`finish`)."""

    def __init__(self, out: Any) -> None:  # noqa: ANN401 - a pikepdf.Pdf
        self.out = out
        self.seen: set[tuple[int, int]] = set()
        self.font_dicts: list[Any] = []             # every /Font resource dictionary, once
        self.groups: dict[tuple[str, FaceKey], _Group] = {}
        self.merged: dict[tuple[int, int], Any] = {}   # a part's font (objgen) → the merged one

    def take(self, pages: Any, origin: Path) -> None:  # noqa: ANN401 - pikepdf pages
        """Register the fonts reachable from ``pages`` not seen yet, as ``origin``'s (a part's file)."""
        for page in pages:
            self._resources(page.obj.get("/Resources"), origin)

    def _once(self, obj: Any) -> bool:  # noqa: ANN401
        if not obj.is_indirect:
            return True
        key = obj.objgen
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def _resources(self, resources: Any, origin: Path) -> None:  # noqa: ANN401
        import pikepdf

        if not isinstance(resources, pikepdf.Dictionary) or not self._once(resources):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary) and self._once(fonts):
            self.font_dicts.append(fonts)
            for key in sorted(fonts.keys()):   # pikepdf gives a set: its order changes from run to run
                font = fonts[key]
                if isinstance(font, pikepdf.Dictionary) and self._once(font):
                    self._font(font, origin)
        for kind in ("/XObject", "/Pattern"):
            table = resources.get(kind)
            if not isinstance(table, pikepdf.Dictionary):
                continue
            for key in sorted(table.keys()):
                item = table[key]
                if isinstance(item, (pikepdf.Stream, pikepdf.Dictionary)) and self._once(item):
                    self._resources(item.get("/Resources"), origin)

    def _font(self, font: Any, origin: Path) -> None:  # noqa: ANN401
        from .weasy import PLACEHOLDER
        from .weasy.fonts import parse_ranges

        info = font.get("/PublishFace")
        if info is None:
            descriptor = _descriptor(font)
            stream = _font_file(descriptor)[1] if descriptor is not None else None
            if stream is not None and int(stream.get("/Length", 0)) < 4 * len(PLACEHOLDER) \
                    and PLACEHOLDER in stream.read_bytes():
                raise RenderError(f"a font of this part ({font.get('/BaseFont')}) was left to the assembly "
                                  "without its face: lay the part out again", Location(str(origin)))
            return
        face = FaceKey(str(info.Path), int(info.Index), int(info.Size), bool(info.Hinting))
        name = str(font.BaseFont)
        group = self.groups.setdefault((name, face), _Group(name, face))
        group.members.append((font, origin))
        group.glyphs |= parse_ranges(str(info.Glyphs))

    def finish(self) -> None:
        """Subset each face once, write one dictionary per font, point every resource at them."""
        faces: dict[FaceKey, list[_Group]] = {}
        for group in self.groups.values():
            faces.setdefault(group.face, []).append(group)
        for face, groups in sorted(faces.items(), key=lambda item: (item[0].path, item[0].index)):
            glyphs = set().union(*(g.glyphs for g in groups))
            origin = groups[0].members[0][1]
            data = subset_face(face, glyphs, origin)
            file_stream = self._file_stream(data)
            for group in groups:
                merged = self._merged(group, file_stream, data)
                for font, _ in group.members:
                    self.merged[font.objgen] = merged
        for fonts in self.font_dicts:
            for key in sorted(fonts.keys()):   # pikepdf gives a set: its order changes from run to run
                font = fonts[key]
                if font.is_indirect and font.objgen in self.merged:
                    fonts[key] = self.merged[font.objgen]

    def _file_stream(self, data: bytes) -> Any:  # noqa: ANN401
        import pikepdf

        stream = pikepdf.Stream(self.out, zlib.compress(data, 6))
        stream.Filter = pikepdf.Name.FlateDecode
        if data[:4] == b"OTTO":
            stream.Subtype = pikepdf.Name.OpenType
        else:
            stream.Length1 = len(data)
        return self.out.make_indirect(stream)

    def _merged(self, group: _Group, file_stream: Any, data: bytes) -> Any:  # noqa: ANN401
        import pikepdf

        widths: dict[int, Any] = {}
        text: dict[int, bytes] = {}
        for font, _ in group.members:
            for gid, width in cid_widths(font.DescendantFonts[0].get("/W", [])).items():
                widths.setdefault(gid, width)
            for gid, code in _to_unicode(font.get("/ToUnicode")).items():
                text.setdefault(gid, code)
        template = group.members[0][0]
        label = group.name.lstrip("/").split("+", 1)[-1]
        digest = hashlib.sha256(f"{label}\0{group.face.index}\0{os.path.basename(group.face.path)}\0".encode()
                                + hashlib.sha256(data).digest())
        tag = "".join(chr(65 + b % 26) for b in digest.digest()[:6])
        base = pikepdf.Name(f"/{tag}+{label}")
        cid_template = template.DescendantFonts[0]
        source = cid_template.FontDescriptor
        descriptor = pikepdf.Dictionary({k: source[k] for k in sorted(source.keys())})
        font_file_key, _ = _font_file(descriptor)
        descriptor[font_file_key] = file_stream
        descriptor.FontName = base
        bbox = [float(x) for x in descriptor.FontBBox]
        descriptor.FontBBox = pikepdf.Array([0, _number(bbox[1]), max((float(w) for w in widths.values()), default=0),
                                             _number(bbox[3])])
        flags = int(descriptor.Flags) & ~1
        if len(widths) > 1 and len({float(w) for w in widths.values()}) == 1:
            flags |= 1   # FixedPitch, as WeasyPrint sets it
        descriptor.Flags = flags
        if "/CIDSet" in descriptor:
            descriptor.CIDSet = self.out.make_stream(_cid_set(sorted(widths)))
        cid = pikepdf.Dictionary({k: cid_template[k] for k in sorted(cid_template.keys())})
        cid.BaseFont = base
        cid.W = _w_array(widths)
        cid.FontDescriptor = self.out.make_indirect(descriptor)
        merged = pikepdf.Dictionary({k: template[k] for k in sorted(template.keys()) if k != "/PublishFace"})
        merged.BaseFont = base
        merged.DescendantFonts = pikepdf.Array([self.out.make_indirect(cid)])
        cmap = pikepdf.Stream(self.out, zlib.compress(_cmap(text), 6))
        cmap.Filter = pikepdf.Name.FlateDecode
        merged.ToUnicode = self.out.make_indirect(cmap)
        return self.out.make_indirect(merged)


def subset_face(face: FaceKey, glyphs: set[int], origin: Path) -> bytes:
    """The face subset for ``glyphs`` as WeasyPrint makes it: glyph ids retained, its tables dropped, CFF
    desubroutinized, then the empty glyphs after the last one cut (a second pass keeping 0…max)."""
    import uharfbuzz as hb

    try:
        size = os.stat(face.path).st_size
        blob = hb.Blob.from_file_path(face.path)
    except OSError as exc:
        raise RenderError(f"the font file {face.path} this part was laid out with is gone ({exc}): lay the part "
                          "out again (clear the cache)", Location(str(origin))) from None
    if size != face.size:
        raise RenderError(f"the font file {face.path} changed since this part was laid out ({face.size} → {size} "
                          "bytes): lay the part out again (clear the cache)", Location(str(origin)))
    source = hb.Face(blob, face.index)
    inp = hb.SubsetInput()
    inp.glyph_set.update(glyphs)
    inp.drop_table_tag_set.update(int.from_bytes(t.encode("ascii"), "big") for t in DROP_TABLES)
    inp.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    first = hb.subset(source, inp)
    if first is None:
        raise RenderError(f"HarfBuzz could not subset {face.path} (face {face.index})", Location(str(origin)))
    inp.glyph_set.update(range(max(glyphs) + 1))
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if not face.hinting:
        flags |= hb.SubsetFlags.NO_HINTING
    inp.flags = flags
    second = hb.subset(first, inp)
    if second is None:
        raise RenderError(f"HarfBuzz could not subset {face.path} (face {face.index})", Location(str(origin)))
    return bytes(second.blob.data)


def _descriptor(font: Any) -> Any:  # noqa: ANN401
    kids = font.get("/DescendantFonts")
    return kids[0].get("/FontDescriptor") if kids else font.get("/FontDescriptor")


def _font_file(descriptor: Any) -> tuple[str, Any]:  # noqa: ANN401
    for key in ("/FontFile3", "/FontFile2", "/FontFile"):
        if key in descriptor:
            return key, descriptor[key]
    return "/FontFile3", None


def _number(x: float) -> int | float:
    return int(x) if x == int(x) else x


def cid_widths(w: Any) -> dict[int, Any]:  # noqa: ANN401 - a /W array
    import pikepdf

    out: dict[int, Any] = {}
    items = list(w)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for n, width in enumerate(items[i + 1]):
                out.setdefault(first + n, width)
            i += 2
        else:
            for gid in range(first, int(items[i + 1]) + 1):
                out.setdefault(gid, items[i + 2])
            i += 3
    return out


def _w_array(widths: dict[int, Any]) -> Any:  # noqa: ANN401
    """WeasyPrint's form: ``c [w1 w2 …]`` for each run of consecutive glyph ids."""
    import pikepdf

    out: list[Any] = []
    run: list[Any] = []
    previous = None
    for gid in sorted(widths):
        if previous is None or gid != previous + 1:
            if run:
                out.append(pikepdf.Array(run))
            out.append(gid)
            run = []
        run.append(widths[gid])
        previous = gid
    if run:
        out.append(pikepdf.Array(run))
    return pikepdf.Array(out)


def _to_unicode(stream: Any) -> dict[int, bytes]:  # noqa: ANN401
    if stream is None:
        return {}
    data = stream.read_bytes()
    body = data.split(b"endcodespacerange", 1)[-1]
    out: dict[int, bytes] = {}
    for section in body.split(b"beginbfchar")[1:]:
        for m in BFCHAR.finditer(section.split(b"endbfchar", 1)[0]):
            out.setdefault(int(m.group(1), 16), m.group(2).lower())
    return out


def _cmap(text: dict[int, bytes]) -> bytes:
    lines = [CMAP_HEAD]
    items = sorted(text.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar\n".encode())
        lines += [f"<{gid:04x}> <".encode() + code + b">\n" for gid, code in batch]
        lines.append(b"endbfchar\n")
    lines.append(CMAP_TAIL)
    return b"".join(lines)


def _cid_set(cids: list[int]) -> bytes:
    if not cids:
        return b""
    bits = bytearray((cids[-1] + 8) // 8)
    for cid in cids:
        bits[cid // 8] |= 0x80 >> (cid % 8)
    return bytes(bits)
