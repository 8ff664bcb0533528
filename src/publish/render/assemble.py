"""Independently laid-out parts of an edition (:mod:`publish.render.partbuild`) assembled into one PDF, with
pikepdf.

The front matter's file is the base: its catalogue (``/Lang``, ``/MarkInfo``, ``/ViewerPreferences``, the
XMP metadata and the document information) is the edition's. After it come the other parts' pages, each
part after an odd count padded with a blank page (as ``break-before: right`` would have). Then:

- folios: profiles and the back matter are laid out without them; each of their pages that is not blank
  gets the folio sheet's page of the same number as a form XObject, drawn as a ``/Pagination`` Artifact;
- links to another part (``publish-part:ID`` URI links, :mod:`publish.render.parts`) become links to the
  named destination ID, as WeasyPrint writes internal links;
- named destinations: one ``/Dests`` name tree of every part's anchors (sorted, first of a name wins);
- bookmarks: each part's outline items, in order, under one ``/Outlines``;
- the PDF/UA structure tree: every part's Document children under the front matter's Document, the
  ``/ParentTree`` keys of each part (``/StructParents`` of its pages, ``/StructParent`` of its annotations)
  shifted past the keys before it.

- fonts: each face once for the whole file (:mod:`publish.render.fontmerge`): the parts are written with their
  subsets left to the assembly (:func:`publish.render.weasy.deferred_fonts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Location, RenderError
from .parts import SCHEME

FOLIO = "/PublishFolio"


@dataclass(frozen=True)
class Piece:
    kind: str                 # front | profile | back
    pdf: Path
    pages: int
    blanks: tuple[bool, ...]


def assemble(pieces: list[Piece], sheet: Path, target: Path, fmt: Any, edition_html: str,  # noqa: ANN401
             modified: datetime, cover: int = 0) -> int:
    """Write the edition ``target`` atomically from ``pieces``; returns its page count. The folios count from
    the page after the ``cover`` pages (the half-title is page 1)."""
    import hashlib

    import pikepdf

    from .. import atomic
    from ..prepress.derive import repair_cid_fonts
    from .fontmerge import FontMerge

    identifier = hashlib.sha256(edition_html.encode() + fmt.name.encode() + modified.isoformat().encode()
                                ).hexdigest()[:32].encode()
    opened: list[Any] = []
    try:
        out = pikepdf.open(pieces[0].pdf)
        opened.append(out)
        folios = pikepdf.open(sheet)
        opened.append(folios)
        repair_cid_fonts(folios)
        state = _State(out)
        state.take_front(pieces[0])
        fonts = FontMerge(out)
        fonts.take(out.pages, pieces[0].pdf)
        for piece in pieces[1:]:
            if len(out.pages) % 2:
                _blank_page(out)
            src = pikepdf.open(piece.pdf)
            first = len(out.pages)
            state.take(src)
            fonts.take(out.pages[first:], piece.pdf)
            if piece.kind != "front":
                for i in range(piece.pages):
                    if not piece.blanks[i]:
                        _draw_folio(out, out.pages[first + i], folios, first + i - cover)
            del src   # not closed: its objects are released, the stream data copied lazily stays readable
        fonts.take(out.pages, sheet)    # what is left: the folios' fonts
        fonts.finish()
        state.finish()
        pages = len(out.pages)
        finish_open = getattr(fmt, "finish_open", None)
        if finish_open is not None:   # finished here, in the same session: one write, the file never read again
            finish_open(out, cover)
        with atomic.temporary_beside(target, ".pdf") as tmp:
            # the parts' objects in object streams again (as WeasyPrint writes them; qpdf's "preserve" would
            # write every object taken from another file outside any); the streams made here compressed
            out.save(tmp, deterministic_id=True, compress_streams=finish_open is not None,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
            for pdf in reversed(opened):
                pdf.close()
            opened.clear()
            if finish_open is None:
                pages = fmt.finish(tmp, identifier, cover_pages=cover) or pages
            atomic.replace(tmp, target)
    finally:
        for pdf in reversed(opened):
            pdf.close()
    return pages


class _State:
    """The merged document-level structures, grown part by part."""

    def __init__(self, out: Any) -> None:  # noqa: ANN401 - a pikepdf.Pdf
        import pikepdf

        self.out = out
        self.dests: dict[bytes, Any] = {}
        self.outlines: list[Any] = []
        self.tree = out.Root.get("/StructTreeRoot")
        self.document = None
        self.nums: list[Any] = []
        self.next_key = 0
        self.links: list[Any] = []
        if self.tree is not None:
            self.document = _document(self.tree)
            self.nums = list(_nums(self.tree))
            self.next_key = max((int(k) for k in self.nums[::2]), default=-1) + 1
        self.pikepdf = pikepdf

    def take_front(self, piece: Piece) -> None:
        root = self.out.Root
        if "/Names" in root:
            self._dests(root.Names)
        if "/Outlines" in root and "/First" in root.Outlines:
            self.outlines += _chain(root.Outlines)
        for page in self.out.pages:
            for annot in page.obj.get("/Annots", ()):
                action = annot.get("/A")
                if action is not None and str(action.get("/URI", "")).startswith(SCHEME):
                    self.links.append(annot)

    def take(self, src: Any) -> None:  # noqa: ANN401
        first = len(self.out.pages)
        self.out.pages.extend(src.pages)
        added = [self.out.pages[i] for i in range(first, len(self.out.pages))]
        root = src.Root
        if "/Names" in root and "/Dests" in root.Names:
            self._dests(self._copy(root.Names, src))
        if "/Outlines" in root and "/First" in root.Outlines:
            self.outlines += _chain(self._copy(root.Outlines, src))
        if "/StructTreeRoot" in root and self.document is not None:
            tree = self._copy(root.StructTreeRoot, src)
            shift = self.next_key
            nums = list(_nums(tree))
            for i in range(0, len(nums), 2):
                self.nums += [int(nums[i]) + shift, nums[i + 1]]
            self.next_key = max((int(k) for k in self.nums[::2]), default=-1) + 1
            for page in added:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + shift
                for annot in page.obj.get("/Annots", ()):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + shift
            kids = _kids(self.document)
            for kid in _kids(_document(tree)):
                if isinstance(kid, self.pikepdf.Dictionary) and "/P" in kid:
                    kid.P = self.document
                kids.append(kid)
            self.document.K = self.pikepdf.Array(kids)

    def _copy(self, obj: Any, src: Any) -> Any:  # noqa: ANN401
        """A foreign object into the assembled file (a direct one through an indirect wrapper)."""
        return self.out.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))

    def _dests(self, names: Any) -> None:  # noqa: ANN401 - a /Names dictionary
        tree = names.get("/Dests") if "/Dests" in names else None
        if tree is None:
            return
        if "/Kids" in tree:
            raise RenderError("a part's named destinations are a nested name tree: not supported")
        flat = list(tree.get("/Names", ()))
        for i in range(0, len(flat), 2):
            self.dests.setdefault(bytes(flat[i]), flat[i + 1])

    def finish(self) -> None:
        pikepdf, out = self.pikepdf, self.out
        root = out.Root
        for annot in self.links:
            name = str(annot.A.URI)[len(SCHEME):]
            if name.encode() not in self.dests:
                raise RenderError(f"no anchor #{name} for the link in the front matter", Location(name))
            del annot["/A"]
            annot.Dest = pikepdf.String(name)
            if "/Contents" in annot:
                annot.Contents = pikepdf.String(name)
        if self.dests:
            flat: list[Any] = []
            for key in sorted(self.dests):
                flat += [pikepdf.String(key), self.dests[key]]
            names = root.get("/Names") or pikepdf.Dictionary()
            names.Dests = out.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(flat)))
            root.Names = names
        if self.outlines:
            outline = root.get("/Outlines")
            if outline is None:
                outline = root.Outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
            count = 0
            for i, item in enumerate(self.outlines):
                item.Parent = outline
                for side, other in (("/Prev", i - 1), ("/Next", i + 1)):
                    if 0 <= other < len(self.outlines):
                        item[side] = self.outlines[other]
                    elif side in item:
                        del item[side]
                count += 1 + max(0, int(item.get("/Count", 0)))
            outline.First, outline.Last, outline.Count = self.outlines[0], self.outlines[-1], count
        if self.tree is not None:
            self.tree.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(self.nums)))
            if "/ParentTreeNextKey" in self.tree:
                self.tree.ParentTreeNextKey = self.next_key


def _document(tree: Any) -> Any:  # noqa: ANN401
    import pikepdf

    k = tree.K
    if isinstance(k, pikepdf.Array):
        if len(k) != 1:
            raise RenderError("a part's structure tree has no single Document element")
        k = k[0]
    return k


def _kids(e: Any) -> list[Any]:  # noqa: ANN401
    import pikepdf

    k = e.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _nums(tree: Any) -> Any:  # noqa: ANN401
    parent = tree.get("/ParentTree")
    if parent is None:
        return []
    if "/Kids" in parent:
        raise RenderError("a part's ParentTree is a nested number tree: not supported")
    return parent.get("/Nums", [])


def _chain(outlines: Any) -> list[Any]:  # noqa: ANN401
    items, item = [], outlines.get("/First")
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def _blank_page(out: Any) -> None:  # noqa: ANN401
    """A blank verso after an odd part, with the boxes of the page before it."""
    import pikepdf

    before = out.pages[-1].obj
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary(),
                              Contents=out.make_stream(b""))
    for key in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox", "/ArtBox", "/Tabs"):
        if key in before:
            page[key] = before[key]
    out.pages.append(pikepdf.Page(page))


def _draw_folio(out: Any, page: Any, folios: Any, index: int) -> None:  # noqa: ANN401
    """Draw the folio sheet's page ``index`` (0-based) over ``page``, as a pagination artifact."""
    import pikepdf

    if index >= len(folios.pages):
        raise RenderError(f"the folio sheet has {len(folios.pages)} pages, page {index + 1} needs one")
    form = out.copy_foreign(folios.pages[index].as_form_xobject())
    # WeasyPrint's pages share one resources dictionary: the page gets its own (the shared entries, its folio)
    shared = page.obj.get("/Resources") or pikepdf.Dictionary()
    resources = pikepdf.Dictionary({key: shared[key] for key in shared.keys()})
    xobjects = shared.get("/XObject") or pikepdf.Dictionary()
    resources.XObject = pikepdf.Dictionary({key: xobjects[key] for key in xobjects.keys()})
    resources.XObject[FOLIO] = form
    page.obj.Resources = resources
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    page.obj.Contents = pikepdf.Array([out.make_stream(b"q\n"), *streams, out.make_stream(
        b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n" + FOLIO.encode() + b" Do\nQ\nEMC\n")])
