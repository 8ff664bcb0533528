"""The release's PDF checks in-process, with pikepdf (libqpdf): fonts embedded and subset, and the
file's structure, with no ``pdffonts``/``qpdf`` process per file.

- Fonts: every font object reachable from a page (its resources, form XObjects, patterns, Type 3
  fonts' resources, annotation appearances), each resources dictionary and font read once however
  many pages share it — poppler's ``pdffonts`` walks a shared resources dictionary again for every
  page, which makes it quadratic in the pages of a WeasyPrint print PDF. Embedded and subset mean
  what ``pdffonts`` means by them (a font file in the descriptor, a ``ABCDEF+`` name tag; Type 3 glyphs
  are in the file); tests/release/test_pdfcheck.py compares both on good and bad files.
- Structure: pikepdf's ``check_pdf_syntax``, the steps of ``qpdf --check`` (cross-reference table,
  document structures, every stream decoded, every page's content parsed) run in this process.
  ``qpdf --check`` itself stays the tests' outside oracle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .validators import Report

FONT_TOOL = "fonts (pikepdf)"
STRUCTURE_TOOL = "qpdf check (pikepdf)"
_SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Font:
    name: str          # BaseFont without the slash ("[none]" when absent, as pdffonts prints it)
    subtype: str       # Type0, Type1, TrueType, Type3, …
    embedded: bool
    subset: bool


def fonts(pdf: Any) -> list[Font]:  # noqa: ANN401 - a pikepdf.Pdf
    """Every distinct font used by the pages of ``pdf``, in the order first met."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    found: list[Font] = []

    def once(obj: Any) -> bool:  # noqa: ANN401
        key = obj.objgen
        if key == (0, 0):          # a direct object: reached only through its parent, which is walked once
            return True
        if key in seen:
            return False
        seen.add(key)
        return True

    def resources(res: Any) -> None:  # noqa: ANN401
        if not isinstance(res, pikepdf.Dictionary) or not once(res):
            return
        for font in (res.get("/Font") or {}).values():
            if isinstance(font, pikepdf.Dictionary) and once(font):
                found.append(_font(font))
                if font.get("/Subtype") == "/Type3":
                    resources(font.get("/Resources"))
        for xobject in (res.get("/XObject") or {}).values():
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form" and once(xobject):
                resources(xobject.get("/Resources"))
        for pattern in (res.get("/Pattern") or {}).values():
            if isinstance(pattern, (pikepdf.Stream, pikepdf.Dictionary)) and once(pattern):
                resources(pattern.get("/Resources"))

    for page in pdf.pages:
        resources(page.obj.get("/Resources"))
        for annot in page.obj.get("/Annots") or []:
            appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            for state in (appearance.values() if isinstance(appearance, pikepdf.Dictionary) else ()):
                streams = state.values() if isinstance(state, pikepdf.Dictionary) else [state]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream) and once(stream):
                        resources(stream.get("/Resources"))
    return found


def _font(font: Any) -> Font:  # noqa: ANN401
    import pikepdf

    subtype = str(font.get("/Subtype", "/?"))[1:]
    name = str(font["/BaseFont"])[1:] if "/BaseFont" in font else "[none]"
    descriptor = font.get("/FontDescriptor")
    if subtype == "Type0":
        kids = font.get("/DescendantFonts")
        kid = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
        descriptor = kid.get("/FontDescriptor") if isinstance(kid, pikepdf.Dictionary) else None
    if subtype == "Type3":
        embedded = True
    else:
        embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return Font(name, subtype, embedded, bool(_SUBSET.match(name)))


def check_pdf(path: Path) -> tuple[Report, Report]:
    """(fonts, structure) of one PDF, opened once."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        problem = (f"cannot be read: {exc}",)
        return Report(FONT_TOOL, {"error": 1}, problem), Report(STRUCTURE_TOOL, {"error": 1}, problem)
    with pdf:
        problems = []
        for font in fonts(pdf):
            if not font.embedded:
                problems.append(f"font {font.name} is not embedded")
            elif not font.subset:
                problems.append(f"font {font.name} is not subset")
        structure = pdf.check_pdf_syntax()
    errors = [p for p in structure if p.startswith("ERROR")]
    warnings = [p for p in structure if not p.startswith("ERROR")]
    return (Report(FONT_TOOL, {"error": len(problems)}, tuple(problems)),
            Report(STRUCTURE_TOOL, {"error": len(errors), "warning": len(warnings)}, tuple(structure[:20])))
