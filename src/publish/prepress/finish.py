"""Finish a WeasyPrint PDF/X-4 for a printer profile, with pikepdf (no WeasyPrint internals).

WeasyPrint lays the pages out with the profile's bleed on all four sides and no marks (its marks
are DeviceRGB forms inside the bleed). Here, page by page:

- the boxes: TrimBox the trim; BleedBox the trim plus the bleed on the profile's edges (``outer``:
  top, bottom and the fore-edge, so the spine edge of a recto is its left); MediaBox the BleedBox, or
  larger by the marks' room when the profile asks for crop marks;
- crop marks drawn in ``/Separation /All`` (registration: they print on every plate), starting
  3 mm outside the bleed, so none of them is in the area that is printed and cut;
- annotations and bookmarks dropped where the profile says (PDF/X allows no annotation inside the
  BleedBox but printer marks; the print-on-demand services ask for none);
- blank pages added at the end to the profile's page rule;
- the CID fonts' dictionaries repaired (WeasyPrint writes ``CIDToGIDMap /Identity`` in CIDFontType0
  dictionaries, where the key is not allowed);
- the output intent given the registered identifier (FOGRA39, registry http://www.color.org);
- a stable XMP DocumentID (the same sources give the same bytes).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..render.compact import compact_fonts
from .profiles import PT, PrinterProfile

MARK_GAP_MM = 3.0        # from the bleed edge to the start of a mark
MARK_LENGTH_MM = 5.0
MARK_ROOM_MM = MARK_GAP_MM + MARK_LENGTH_MM + 1.0
MARK_WIDTH_PT = 0.25

FOGRA39 = {"/OutputConditionIdentifier": "FOGRA39",
           "/OutputCondition": "Coated FOGRA39 (ISO 12647-2:2004, offset, paper type 1 or 2, 300% TAC)",
           "/RegistryName": "http://www.color.org",
           "/Info": "Coated FOGRA39 (from FOGRA39L.ti3, icc-profiles-free, Zlib)"}


@dataclass(frozen=True)
class Finished:
    pages: int            # after padding
    added: int            # blank pages added


def finish_pdf(path: Path, profile: PrinterProfile, *, identifier: bytes, pad: bool = True) -> Finished:
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _output_intent(pdf)
        _repair_cid_fonts(pdf)
        compact_fonts(pdf)
        if not profile.bookmarks:
            for key in ("/Outlines", "/PageMode"):
                if key in pdf.Root:
                    del pdf.Root[key]
        added = _pad(pdf, profile) if pad else 0
        all_sep = _separation_all(pdf) if profile.marks else None
        for index, page in enumerate(pdf.pages):
            if not profile.annotations and "/Annots" in page.obj:
                del page.obj["/Annots"]
            _boxes(pdf, page, profile, recto=index % 2 == 0, all_sep=all_sep)
        _stable_ids(pdf, identifier)
        pdf.save(path, deterministic_id=True, compress_streams=False, stream_decode_level=None)
        return Finished(len(pdf.pages), added)


def _output_intent(pdf) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    import pikepdf

    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") == "/GTS_PDFX":
            for key, value in FOGRA39.items():
                intent[key] = pikepdf.String(value)


def _repair_cid_fonts(pdf) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        if obj.get("/Type") == "/Font" and obj.get("/Subtype") == "/CIDFontType0" and "/CIDToGIDMap" in obj:
            if obj.CIDToGIDMap != "/Identity":
                raise ValueError("a CIDFontType0 with a CIDToGIDMap stream: cannot drop it safely")
            del obj["/CIDToGIDMap"]


def _pad(pdf, profile: PrinterProfile) -> int:  # type: ignore[no-untyped-def] # noqa: ANN001
    import pikepdf

    have = len(pdf.pages)
    want = profile.padded(have)
    last = pdf.pages[-1].obj
    for _ in range(want - have):
        blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=last.MediaBox, TrimBox=last.TrimBox,
                                   BleedBox=last.get("/BleedBox", last.MediaBox),
                                   Resources=pikepdf.Dictionary(), Contents=pdf.make_stream(b""))
        pdf.pages.append(pikepdf.Page(blank))
    return want - have


def _separation_all(pdf):  # type: ignore[no-untyped-def] # noqa: ANN001
    import pikepdf

    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All,
                                            pikepdf.Name.DeviceCMYK, pdf.make_indirect(tint)]))


def _boxes(pdf, page, profile: PrinterProfile, *, recto: bool, all_sep) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    import pikepdf

    x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
    b = profile.bleed_mm * PT
    left = x0 - (b if profile.bleeds("left", recto) else 0)
    right = x1 + (b if profile.bleeds("right", recto) else 0)
    bottom = y0 - (b if profile.bleeds("bottom", recto) else 0)
    top = y1 + (b if profile.bleeds("top", recto) else 0)
    bleed = [left, bottom, right, top]
    room = MARK_ROOM_MM * PT if profile.marks else 0.0
    media = [left - room, bottom - room, right + room, top + room]
    page.obj.TrimBox = pikepdf.Array([round(v, 4) for v in (x0, y0, x1, y1)])
    page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in bleed])
    page.obj.MediaBox = pikepdf.Array([round(v, 4) for v in media])
    for key in ("/CropBox", "/ArtBox"):
        if key in page.obj:
            del page.obj[key]
    if all_sep is not None:
        _marks(pdf, page, (x0, y0, x1, y1), bleed, all_sep)


def _marks(pdf, page, trim, bleed, all_sep) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Crop marks at the trim lines, from 3 mm outside the bleed outwards, in /Separation /All."""
    import pikepdf

    x0, y0, x1, y1 = trim
    bl, bb, br, bt = bleed
    gap, length = MARK_GAP_MM * PT, MARK_LENGTH_MM * PT
    lines = []
    for y in (y0, y1):   # horizontal marks on the trim's top and bottom lines, left and right of the page
        lines += [((bl - gap, y), (bl - gap - length, y)), ((br + gap, y), (br + gap + length, y))]
    for x in (x0, x1):   # vertical marks on the left and right trim lines, below and above
        lines += [((x, bb - gap), (x, bb - gap - length)), ((x, bt + gap), (x, bt + gap + length))]
    ops = [f"q /PublishAll CS 1 SCN {MARK_WIDTH_PT} w 0 J"]
    ops += [f"{a[0]:.3f} {a[1]:.3f} m {b[0]:.3f} {b[1]:.3f} l S" for a, b in lines]
    ops.append("Q")
    resources = page.obj.get("/Resources")
    if resources is None:
        page.obj.Resources = resources = pikepdf.Dictionary()
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        resources.ColorSpace = spaces = pikepdf.Dictionary()
    spaces["/PublishAll"] = all_sep
    # the page's own content may leave its graphics state changed (WeasyPrint's opening cm has no q):
    # wrap it in q … Q before the marks
    page.contents_coalesce()
    body = page.obj.Contents.read_bytes()
    page.obj.Contents = pdf.make_stream(b"q\n" + body + b"\nQ\n" + "\n".join(ops).encode() + b"\n")


def _stable_ids(pdf, identifier: bytes) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
    """WeasyPrint's PDF/X writer stamps a random XMP DocumentID: derive it from the content instead."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if "xmpMM:DocumentID" in meta:
            stable = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier.decode())}"
            meta["xmpMM:DocumentID"] = stable
            meta["xmpMM:InstanceID"] = stable


def finish_cover(path: Path, bleed_mm: float, *, identifier: bytes) -> None:
    """The cover wrap: TrimBox the wrap less the bleed, BleedBox = MediaBox, colours in CMYK."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _output_intent(pdf)
        _repair_cid_fonts(pdf)
        compact_fonts(pdf)
        for key in ("/Outlines", "/PageMode"):
            if key in pdf.Root:
                del pdf.Root[key]
        b = bleed_mm * PT
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
            page.obj.MediaBox = pikepdf.Array([round(v, 4) for v in (x0, y0, x1, y1)])
            page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in (x0, y0, x1, y1)])
            page.obj.TrimBox = pikepdf.Array([round(v, 4) for v in (x0 + b, y0 + b, x1 - b, y1 - b)])
            for key in ("/CropBox", "/ArtBox", "/Annots"):
                if key in page.obj:
                    del page.obj[key]
        rgb_to_cmyk(pdf)
        _stable_ids(pdf, identifier)
        pdf.save(path, deterministic_id=True, compress_streams=False, stream_decode_level=None)


def rgb_to_cmyk(pdf, convert=None) -> int:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Rewrite every DeviceRGB colour operator of every page and form XObject in DeviceCMYK: neutral
    greys in black ink only (``0 0 0 rg`` → ``0 0 0 1 k``: bars and type stay single-ink), other
    colours through the output intent's profile (LittleCMS). Returns the number of operators changed."""
    import pikepdf

    from .inks import converter

    convert = convert or converter("colour")
    changed = 0
    seen: set[tuple[int, int]] = set()

    def resources(res) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
        nonlocal changed
        for xobj in (res.get("/XObject", {}) if res is not None else {}).values():
            if xobj.objgen in seen or xobj.get("/Subtype") != "/Form":
                continue
            seen.add(xobj.objgen)
            changed += convert_stream(xobj, convert)
            group = xobj.get("/Group")
            if group is not None and group.get("/CS") == "/DeviceRGB":
                group.CS = pikepdf.Name.DeviceCMYK
            resources(xobj.get("/Resources"))

    for page in pdf.pages:
        page.contents_coalesce()
        changed += convert_stream(page.obj.Contents, convert)
        group = page.obj.get("/Group")
        if group is not None and group.get("/CS") == "/DeviceRGB":
            group.CS = pikepdf.Name.DeviceCMYK
        resources(page.obj.get("/Resources"))
    return changed


def convert_stream(holder, convert) -> int:  # type: ignore[no-untyped-def] # noqa: ANN001
    """One content stream's DeviceRGB operators (``rg``, ``RG``, and ``sc``/``scn`` after ``/DeviceRGB cs``)
    in DeviceCMYK, parsed with pikepdf; the number changed."""
    import pikepdf

    ops: list[tuple[Any, Any]] = []
    dirty = False
    changed = 0
    space = {"fill": "", "stroke": ""}
    for instruction in pikepdf.parse_content_stream(holder):
        operands, op = instruction.operands, instruction.operator
        name = str(op)
        if name in ("rg", "RG"):
            ops.append(([*convert([float(v) for v in operands])], pikepdf.Operator("k" if name == "rg" else "K")))
            dirty = True
            changed += 1
            continue
        if name in ("cs", "CS"):
            which = "fill" if name == "cs" else "stroke"
            space[which] = str(operands[0])
            if space[which] == "/DeviceRGB":
                ops.append(([pikepdf.Name.DeviceCMYK], op))
                dirty = True
                continue
        if name in ("sc", "scn", "SC", "SCN") and space["fill" if name.islower() else "stroke"] == "/DeviceRGB":
            ops.append(([*convert([float(v) for v in operands])], op))
            dirty = True
            changed += 1
            continue
        ops.append((operands, op))
    if dirty:
        holder.write(pikepdf.unparse_content_stream(ops))  # type: ignore[arg-type]
    return changed
