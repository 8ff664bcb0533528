"""The print PDF/X-4 derived from the written digital PDF/UA-1 of the same layout, with pikepdf (no
second layout, no WeasyPrint internals).

An edition is laid out once, as the digital edition (with its cover and the cover's blank verso);
the print interior is that file less the cover pages, made a print file page by page:

- the cover pages dropped: the pages before the interior's page label range (``/PageLabels``: the
  interior numbered from 1, as its folios; see :func:`interior_start`), or ``cover_pages``;
- the tagging dropped (the structure tree, ``/MarkInfo``, the pages' ``/StructParents``): a PDF/X-4
  file may be tagged, but the tree of the digital file names the cover pages, and the printer reads
  none of it;
- annotations dropped (PDF/X allows none inside the BleedBox but printer marks; every printer
  profile asks for none), bookmarks kept or dropped as the profile says, named destinations and
  outline entries that pointed to a cover page taken away or pointed to the first page;
- every RGB colour operator of every page and form XObject in CMYK (:mod:`publish.prepress.inks`);
- each page given resources of its own, naming only what its content uses (WeasyPrint writes one
  dictionary of every font, state and colour space, shared by all pages);
- the PDF/X-4 identification as WeasyPrint's ``pdf/x-4`` variant writes it (XMP ``pdfxid`` and
  ``pdfx`` version, ``pdf:Trapped``, ``xmpMM`` document and version ids and rendition class, the
  document info's ``/Trapped``), the PDF/UA identification removed, version 1.6;
- the output intent: FOGRA39 (:data:`publish.prepress.finish.FOGRA39`) with the CMYK profile we ship;
- then what :func:`publish.prepress.finish.finish_pdf` does to a print file: blank pages to the
  profile's page rule, the boxes from the profile's bleed, crop marks in ``/Separation /All``, the
  CID fonts' dictionaries repaired, a stable document id.

The input is only a file and a printer profile, so a digital PDF assembled from parts laid out on their
own is derived the same way.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from pathlib import Path
from typing import Any

from .. import assets, atomic
from .finish import FOGRA39, Finished, _boxes, _pad, _separation_all, convert_stream
from .inks import converter, names, rewrite
from .profiles import PrinterProfile

RESOURCE_KINDS = ("/Font", "/ExtGState", "/XObject", "/ColorSpace", "/Pattern", "/Shading", "/Properties")


def identifier_of(digital: Path, profile: PrinterProfile) -> bytes:
    """The print file's stable id: from the digital file's bytes, the profile and the CMYK profile."""
    h = hashlib.sha256(digital.read_bytes())
    h.update(b"\0print\0" + profile.id.encode() + b"\0")
    h.update(assets.CMYK_PROFILE.read_bytes())
    return h.hexdigest()[:32].encode()


def derive_print(digital: Path, target: Path, profile: PrinterProfile, *, identifier: bytes | None = None,
                 cover_pages: int | None = None) -> Finished:
    """Write the print PDF/X-4 of ``profile`` to ``target`` (atomically) from the digital PDF ``digital``."""
    import pikepdf

    identifier = identifier or identifier_of(digital, profile)
    with pikepdf.open(digital) as pdf:
        skip = interior_start(pdf) if cover_pages is None else cover_pages
        if not 0 <= skip < len(pdf.pages):
            raise ValueError(f"{digital}: cannot drop {skip} cover page(s) of {len(pdf.pages)}")
        removed: set[tuple[int, ...]] = {tuple(pdf.pages[i].obj.objgen) for i in range(skip)}
        for _ in range(skip):
            del pdf.pages[0]
        _untag(pdf)
        _navigation(pdf, profile, removed)
        _colours(pdf, profile.interior)
        _pdfx(pdf, identifier)
        repair_cid_fonts(pdf)
        added = _pad(pdf, profile)
        for page in pdf.pages[len(pdf.pages) - added:]:
            # encoded here: qpdf would write an empty stream as /FlateDecode with no data (Ghostscript fails)
            page.obj.Contents.write(zlib.compress(b""), filter=pikepdf.Name.FlateDecode)
        all_sep = _separation_all(pdf) if profile.marks else None
        for index, page in enumerate(pdf.pages):
            _boxes(pdf, page, profile, recto=index % 2 == 0, all_sep=all_sep)
        pages = len(pdf.pages)
        with atomic.temporary_beside(target, ".pdf") as tmp:
            pdf.save(tmp, deterministic_id=True, compress_streams=True,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none, force_version="1.6")
            atomic.replace(tmp, target)
    return Finished(pages, added)


def interior_start(pdf: Any) -> int:  # noqa: ANN401 - a pikepdf.Pdf
    """The index of the interior's first page: where the page labels start counting from 1 in decimal
    without a prefix (the digital edition labels its cover pages C1, C2); 0 without labels."""
    labels = pdf.Root.get("/PageLabels")
    if labels is None:
        return 0
    nums = list(labels.get("/Nums", []))
    for i in range(0, len(nums) - 1, 2):
        label = nums[i + 1]
        if label.get("/S") == "/D" and "/P" not in label and int(label.get("/St", 1)) == 1:
            return int(nums[i])
    return 0


def _untag(pdf: Any) -> None:  # noqa: ANN401
    for key in ("/StructTreeRoot", "/MarkInfo", "/PageLabels"):
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        for key in ("/StructParents", "/Tabs"):
            if key in page.obj:
                del page.obj[key]


def _navigation(pdf: Any, profile: PrinterProfile, removed: set[tuple[int, ...]]) -> None:  # noqa: ANN401
    """Annotations, bookmarks and named destinations for the print file."""
    import pikepdf

    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if not profile.bookmarks:
        for key in ("/Outlines", "/PageMode"):
            if key in pdf.Root:
                del pdf.Root[key]
    elif "/Outlines" in pdf.Root:
        first = pdf.pages[0].obj
        todo = [pdf.Root.Outlines.get("/First")]
        while todo:
            item = todo.pop()
            if item is None:
                continue
            dest = item.get("/Dest")
            if isinstance(dest, pikepdf.Array) and len(dest) and tuple(dest[0].objgen) in removed:
                item.Dest = pikepdf.Array([first, pikepdf.Name.Fit])
            todo += [item.get("/Next"), item.get("/First")]
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        gone = [key for key, dest in tree.items()
                if isinstance(dest, pikepdf.Array) and len(dest) and tuple(dest[0].objgen) in removed]
        for key in gone:
            del tree[key]


def _colours(pdf: Any, interior: str) -> None:  # noqa: ANN401
    """RGB → CMYK in every page and form XObject; each page's resources made its own (what it uses)."""
    import pikepdf

    done: set[tuple[int, ...]] = set()
    slow = converter(interior)

    def convert(holder: Any, data: bytes) -> bytes:  # noqa: ANN401
        fast = rewrite(data, interior)
        if fast is None:
            convert_stream(holder, slow)
            return holder.read_bytes()  # type: ignore[no-any-return]
        out, changed = fast
        if changed:
            holder.write(out)   # compressed when the file is saved
        return out

    def own(resources: Any, data: bytes) -> Any:  # noqa: ANN401
        """A resources dictionary with the entries of ``resources`` that ``data`` names."""
        used = names(data)
        mine = pikepdf.Dictionary()
        for kind in RESOURCE_KINDS:
            entries = resources.get(kind)
            if entries is None:
                continue
            kept = {k: v for k, v in entries.items() if k in used}
            if kept:
                mine[kind] = pikepdf.Dictionary(kept)
        for kind in ("/ProcSet",):
            if kind in resources:
                mine[kind] = resources[kind]
        for xobj in mine.get("/XObject", {}).values():
            form(xobj)
        for pattern in mine.get("/Pattern", {}).values():
            if isinstance(pattern, pikepdf.Stream):
                form(pattern)
        return mine

    def form(xobj: Any) -> None:  # noqa: ANN401
        if tuple(xobj.objgen) in done or not isinstance(xobj, pikepdf.Stream):
            return
        done.add(tuple(xobj.objgen))
        if xobj.get("/Subtype") == "/Form" or xobj.get("/PatternType") == 1:
            data = convert(xobj, xobj.read_bytes())
            _cmyk_group(xobj)
            res = xobj.get("/Resources")
            if res is not None:
                xobj.Resources = own(res, data)

    for page in pdf.pages:
        page.contents_coalesce()
        data = convert(page.obj.Contents, page.obj.Contents.read_bytes())
        _cmyk_group(page.obj)
        res = page.obj.get("/Resources")
        if res is not None:
            page.obj.Resources = own(res, data)


def _cmyk_group(holder: Any) -> None:  # noqa: ANN401
    import pikepdf

    group = holder.get("/Group")
    if group is not None and group.get("/CS") == "/DeviceRGB":
        group.CS = pikepdf.Name.DeviceCMYK


def _pdfx(pdf: Any, identifier: bytes) -> None:  # noqa: ANN401
    """Output intent and the PDF/X-4 identification, as WeasyPrint's pdf/x-4 variant writes them."""
    import pikepdf

    icc = pdf.make_stream(b"")
    icc.write(zlib.compress(assets.CMYK_PROFILE.read_bytes()), filter=pikepdf.Name.FlateDecode)
    icc.N = 4
    intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, DestOutputProfile=icc)
    for key, value in FOGRA39.items():
        intent[key] = pikepdf.String(value)
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    pdf.trailer.Info.Trapped = pikepdf.Name("/False")
    stable = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier.decode())}"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if "pdfuaid:part" in meta:
            del meta["pdfuaid:part"]
        modified = meta.get("xmp:ModifyDate")
        for key in ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfx:GTS_PDFXConformance"):
            meta[key] = "PDF/X-4"
        meta["pdf:Trapped"] = "False"
        if modified:
            meta["xmp:MetadataDate"] = modified
        meta["xmpMM:DocumentID"] = stable
        meta["xmpMM:InstanceID"] = stable
        meta["xmpMM:RenditionClass"] = "proof:pdf"
        meta["xmpMM:VersionID"] = "1"


def repair_cid_fonts(pdf: Any) -> None:  # noqa: ANN401
    """No ``/CIDToGIDMap`` in CIDFontType0 dictionaries (WeasyPrint writes ``/Identity`` there, an entry
    only CIDFontType2 may have); the fonts found through the pages' resources (the digital file has
    thousands of structure objects). Also used on the parts' folio sheet (render/assemble.py), whose fonts
    end up inside form XObjects, where this walk of a derived file's pages does not look."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in (page.obj.get("/Resources", {}).get("/Font", {}) or {}).values():
            for base in font.get("/DescendantFonts", []):
                if tuple(base.objgen) in seen:
                    continue
                seen.add(tuple(base.objgen))
                if base.get("/Subtype") == "/CIDFontType0" and "/CIDToGIDMap" in base:
                    if base.CIDToGIDMap != "/Identity":
                        raise ValueError("a CIDFontType0 with a CIDToGIDMap stream: cannot drop it safely")
                    del base["/CIDToGIDMap"]
