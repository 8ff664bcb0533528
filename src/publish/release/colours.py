"""The print preflight's colour and crop-mark checks (:mod:`.preflight`): pikepdf walks every content
stream, form XObject, pattern and annotation appearance of a print file for its colour operators and
spaces, and follows each page's drawing to the registration strokes (the crop marks)."""

from __future__ import annotations

from dataclasses import dataclass

from .margins import TOLERANCE_PT

RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB"}


@dataclass(frozen=True)
class Colours:
    rgb: tuple[str, ...]          # where DeviceRGB (or an RGB-based space) is used
    non_black: tuple[str, ...]    # CMYK colours other than K only (for black-and-white interiors)
    separations: int              # /Separation /All operators (registration marks)


def _space_family(space, resources) -> str:  # type: ignore[no-untyped-def] # noqa: ANN001
    """The base family of a colour space object or name: /DeviceRGB for ICCBased N=3, Indexed on RGB…"""
    import pikepdf

    if isinstance(space, pikepdf.Name):
        named = (resources.get("/ColorSpace", {}) if resources is not None else {}).get(str(space))
        if named is not None:
            return _space_family(named, None)
        return str(space)
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        if family == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(int(space[1].get("/N", 0)), family)
        if family == "/Indexed":
            return _space_family(space[1], None)
        if family in ("/Separation", "/DeviceN"):
            name = str(space[1]) if family == "/Separation" else ""
            return "/All" if name == "/All" else "/Separation:" + _space_family(space[2], None)
        return family
    return str(space)


def colours(pdf) -> Colours:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Every colour operator, colour space, image, shading and transparency group of every page, form
    XObject, pattern and annotation appearance."""
    import pikepdf

    rgb: list[str] = []
    other: list[str] = []
    seps = 0
    seen: set[tuple[int, int]] = set()

    def check_space(family: str, where: str) -> None:
        if family in RGB_SPACES or family.endswith(":/DeviceRGB"):
            rgb.append(f"{where}: colour space {family}")

    def walk(stream, resources, where: str) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
        nonlocal seps
        space = {"f": "/DeviceGray", "s": "/DeviceGray"}
        for instruction in pikepdf.parse_content_stream(stream):
            operands, op = instruction.operands, instruction.operator
            name = str(op)
            if name in ("rg", "RG"):
                rgb.append(f"{where}: {name} operator (DeviceRGB)")
            elif name in ("k", "K"):
                if any(float(v) for v in operands[:3]):
                    other.append(f"{where}: {name} {' '.join(str(v) for v in operands)}")
            elif name in ("cs", "CS"):
                family = _space_family(operands[0], resources)
                space["f" if name == "cs" else "s"] = family
                check_space(family, where)
            elif name in ("sc", "scn", "SC", "SCN"):
                family = space["f" if name.islower() else "s"]
                if family == "/All":
                    seps += 1
                elif family == "/DeviceCMYK" and len(operands) >= 4 and any(float(v) for v in operands[:3]):
                    other.append(f"{where}: {name} {' '.join(str(v) for v in operands[:4])}")
                elif family not in ("/DeviceCMYK", "/DeviceGray", "/All") and not family.startswith("/Separation"):
                    other.append(f"{where}: colour in {family}")
            elif name == "INLINE IMAGE":
                image = operands[0]
                cs = image.obj.get("/CS", image.obj.get("/ColorSpace"))
                if cs is not None:
                    check_space(_space_family(cs, resources), where + " inline image")
        resources_of(resources, where)

    def resources_of(resources, where: str) -> None:  # type: ignore[no-untyped-def] # noqa: ANN001
        if resources is None:
            return
        for name, xobj in resources.get("/XObject", {}).items():
            if xobj.objgen in seen:
                continue
            seen.add(xobj.objgen)
            if xobj.get("/Subtype") == "/Image":
                cs = xobj.get("/ColorSpace")
                if cs is not None:
                    check_space(_space_family(cs, None), f"{where} image {name}")
            elif xobj.get("/Subtype") == "/Form":
                group = xobj.get("/Group")
                if group is not None and group.get("/CS") is not None:
                    check_space(_space_family(group.CS, None), f"{where} form {name} group")
                walk(xobj, xobj.get("/Resources"), f"{where} form {name}")
        for name, shading in resources.get("/Shading", {}).items():
            check_space(_space_family(shading.get("/ColorSpace"), None), f"{where} shading {name}")
        for name, pattern in resources.get("/Pattern", {}).items():
            if pattern.objgen in seen:
                continue
            seen.add(pattern.objgen)
            if pattern.get("/PatternType") == 1:
                walk(pattern, pattern.get("/Resources"), f"{where} pattern {name}")
            elif pattern.get("/Shading") is not None:
                check_space(_space_family(pattern.Shading.get("/ColorSpace"), None), f"{where} pattern {name}")

    for number, page in enumerate(pdf.pages, 1):
        where = f"page {number}"
        group = page.obj.get("/Group")
        if group is not None and group.get("/CS") is not None:
            check_space(_space_family(group.CS, None), where + " group")
        walk(page.obj, page.obj.get("/Resources"), where)
        for annot in page.obj.get("/Annots", []):
            for appearance in (annot.get("/AP") or {}).values():
                if isinstance(appearance, pikepdf.Stream):
                    walk(appearance, appearance.get("/Resources"), where + " annotation")
    return Colours(tuple(rgb), tuple(other), seps)



def marks_outside(page, bleed: tuple[float, ...], trim: tuple[float, ...], *, want_marks: bool) -> list[str]:  # type: ignore[no-untyped-def] # noqa: ANN001
    """Paths stroked in /Separation /All (registration: the crop marks) must lie outside the bleed,
    one on each side of every corner; the page's CTM is followed through q/Q/cm."""
    import pikepdf

    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    space = ""
    points: list[tuple[float, float]] = []
    strokes: list[list[tuple[float, float]]] = []
    resources = page.obj.get("/Resources")
    for instruction in pikepdf.parse_content_stream(page.obj):
        operands, op = instruction.operands, instruction.operator
        name = str(op)
        if name == "q":
            stack.append(ctm[:])
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = ctm
            ctm = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                   e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif name == "CS":
            space = _space_family(operands[0], resources)
        elif name in ("m", "l"):
            x, y = (float(v) for v in operands)
            points.append((ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]))
        elif name in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
            if name in ("S", "s") and space == "/All":
                strokes.append(points)
            points = []
    out = []
    if not want_marks:
        return ["crop marks drawn, but the profile wants none"] if strokes else []
    if len(strokes) < 8:
        out.append(f"{len(strokes)} crop-mark strokes (want 8)")
    for stroke in strokes:
        for x, y in stroke:
            t = TOLERANCE_PT
            if bleed[0] - t < x < bleed[2] + t and bleed[1] - t < y < bleed[3] + t:
                out.append(f"a crop mark at ({x:.1f}, {y:.1f}) pt is inside the bleed")
                break
    return out

