"""What a bundle says about itself: manifest.json, SHA256SUMS and the ONIX message, all from the files
actually in the bundle (sizes, checksums, what the EPUB's package document declares)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import Problem, ReleaseError
from ..licences import LICENCES
from ..render.view import bcp47
from ..sources import Sources
from .onix import LANGUAGES, OnixContributor, OnixProduct, onix_message, validate_onix
from .retail import RetailText, prices

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fp:
        for block in iter(lambda: fp.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256sums(folder: Path) -> str:
    """``sha256sum -c`` format: every file of the bundle but SHA256SUMS itself, sorted by name."""
    return "".join(f"{digest(p)}  {p.name}\n" for p in sorted(folder.iterdir()) if p.name != "SHA256SUMS")


def _meta(opf: ET.Element, prop: str) -> list[str]:
    return [m.text or "" for m in opf.iterfind("opf:metadata/opf:meta", OPF_NS) if m.get("property") == prop]


def _title(opf: ET.Element, ident: str) -> str:
    el = opf.find(f"opf:metadata/dc:title[@id='{ident}']", OPF_NS)
    return el.text or "" if el is not None else ""


def _verdict(r: dict[str, Any]) -> dict[str, Any]:
    """A validator's result as manifest.json keeps it: counts and the verdict as data."""
    return {"counts": dict(sorted(r["counts"].items())), "passed": bool(r["passed"]),
            "fails_on": list(r["fails_on"]), "failures": list(r["messages"]), "notes": list(r["notes"])}


def standards(fmt: str, opf: ET.Element, validators: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each standard a file is held to, with what actually verified it (``verified_by`` empty: nothing did)."""
    ran = {tool: bool(r.get("passed")) for tool, r in validators.items()}
    epubcheck = [t for t in ran if t.startswith("EPUBCheck")]
    ace = [t for t in ran if t.startswith("Ace")]
    if fmt == "epub":
        claimed = _meta(opf, "dcterms:conformsTo")
        certifier = next(iter(_meta(opf, "a11y:certifiedBy")), "")
        return [
            {"standard": "EPUB 3.3", "claimed": True, "verified_by": epubcheck,
             "passed": bool(epubcheck) and all(ran[t] for t in epubcheck)},
            {"standard": "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", "claimed": bool(claimed),
             "verified_by": ace + epubcheck if claimed else [],
             "passed": bool(claimed) and bool(ace) and all(ran[t] for t in ace + epubcheck),
             "certified_by": certifier or None,
             "note": "self-certified by the publisher on automated checks" if claimed else
                     "not claimed: Ace or EPUBCheck did not pass"},
        ]
    name = {"pdf": "PDF/UA-1", "print": "PDF/X-4"}.get(fmt)
    if name is None:
        return []
    return [{"standard": name, "claimed": True, "verified_by": [], "passed": False, "certified_by": None,
             "note": f"declared in the file; no {name} validator ran (checked only: "
                     + ", ".join(f"{t} {'passed' if ok else 'failed'}" for t, ok in sorted(ran.items())) + ")"}]


def _licences(sources: Sources, exclude: tuple[str, ...]) -> dict[str, Any]:
    """The editions' and the profiles' licences, with the attribution each profile's licence asks for."""
    def entry(spdx: str) -> dict[str, str]:
        lic = LICENCES[spdx]
        return {"spdx": lic.spdx, "name": lic.name, "short": lic.short, "url": lic.url}

    book = sources.book
    return {
        "editions": {e.id: entry(spdx) for e in book.editions if (spdx := book.licence_of(e))},
        "profiles": {p.id: {**entry(p.rights.licence), "attribution": str(p.rights.attribution or "")}
                     for p in sources.profiles if p.rights.licence and p.id not in exclude},
    }


def manifest(sources: Sources, rows: list[dict[str, Any]], *, version: str, draft: bool, exclude: tuple[str, ...],
             problems: list[Problem], wraps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    artifacts = []
    covers_done = set()
    for row in rows:
        edition = row["edition"]
        lang = ", ".join(bcp47(x) for x in edition.locales)
        path: Path = row["path"]
        artifacts.append({
            "file": path.name, "edition": edition.id, "language": lang, "format": row["fmt"],
            "isbn": edition.isbn[row["fmt"]].replace("-", ""), "bytes": path.stat().st_size,
            "sha256": digest(path), "pages": row["pages"], "coverage": round(row["coverage"], 2),
            "cover": row["cover"], "thumbnail": row["cover"].replace("-cover.jpg", "-cover-thumb.jpg"),
            "validators": {tool: _verdict(r) for tool, r in sorted(row["validators"].items())},
            "standards": standards(row["fmt"], row["opf"], row["validators"]),
        })
        if row["fmt"] == "epub":
            report = path.parent / row["ace"]
            artifacts.append({"file": report.name, "edition": edition.id, "language": lang, "format": "ace-report",
                              "isbn": None, "bytes": report.stat().st_size, "sha256": digest(report),
                              "pages": None, "coverage": round(row["coverage"], 2), "cover": None,
                              "thumbnail": None, "validators": {}, "standards": [],
                              "report_of": path.name})
        if row["cover"] not in covers_done:
            covers_done.add(row["cover"])
            cover = path.parent / row["cover"]
            artifacts.append({"file": cover.name, "edition": edition.id, "language": lang, "format": "cover",
                              "isbn": None, "bytes": cover.stat().st_size, "sha256": digest(cover), "pages": None,
                              "coverage": round(row["coverage"], 2), "cover": None, "thumbnail": None,
                              "validators": {}, "standards": []})
    for wrap in wraps or []:   # the print editions' cover wraps: one PDF page each, for the printer
        edition, path = wrap["edition"], wrap["path"]
        artifacts.append({"file": path.name, "edition": edition.id, "format": "cover-wrap",
                          "language": ", ".join(bcp47(x) for x in edition.locales),
                          "isbn": edition.isbn.get("print", "").replace("-", "") or None, "bytes": path.stat().st_size,
                          "sha256": digest(path), "pages": 1, "spine_mm": wrap["spine_mm"],
                          "coverage": round(wrap["coverage"], 2), "cover": None, "thumbnail": None,
                          "validators": {tool: _verdict(r) for tool, r in sorted(wrap["validators"].items())},
                          "standards": []})
    return {
        "book": sources.book.id, "version": version, "draft": draft,
        "source_date": max(r["when"] for r in rows).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": str(sources.book.title), "subtitle": str(sources.book.subtitle or ""),
        "publisher": next((str(o.name) for o in sources.book.organizations if o.id == sources.book.publisher),
                          sources.book.publisher),
        "excluded_profiles": sorted(exclude),
        "licences": _licences(sources, exclude),
        "gate": [p.format() for p in problems],
        "artifacts": artifacts,
    }


def _measures(sources: Sources, spine_mm: float | None) -> tuple[tuple[str, str, str], ...]:
    """The paperback's height and width (its trim) and thickness (the cover wrap's spine, when built)."""
    out = []
    for kind, length in (("height", sources.book.trim.height), ("width", sources.book.trim.width)):
        value, unit = re.fullmatch(r"([\d.]+)(mm|cm|in|pt)", length).groups()  # type: ignore[union-attr]
        if unit == "pt":
            value, unit = f"{float(value) * 25.4 / 72:.1f}", "mm"
        out.append((kind, value, unit))
    if spine_mm:
        out.append(("thickness", f"{float(spine_mm):g}", "mm"))
    return tuple(out)


def _subjects(sources: Sources) -> tuple[tuple[str, str, bool], ...]:
    s = sources.book.subjects
    if s is None:
        return ()
    return tuple((scheme, code, scheme == s.main and i == 0)
                 for scheme, codes in (("thema", s.thema), ("bisac", s.bisac)) for i, code in enumerate(codes))


def onix_for(sources: Sources, rows: list[dict[str, Any]], data: dict[str, Any],
             texts: dict[str, RetailText] | None = None) -> bytes:
    """One product per edition × format, described from the built files and book.yaml's retail data
    (in each edition's language); validated with onixcheck."""
    book = sources.book
    orgs = {o.id: str(o.name) for o in book.organizations}
    people = {p.id: p for p in book.people}
    spine = {a["edition"]: a.get("spine_mm") for a in data["artifacts"] if a["format"] == "cover-wrap"}
    products = []
    for row in rows:
        edition, opf = row["edition"], row["opf"]
        text = (texts or {}).get(edition.id, RetailText((), "", {}))
        translated = any(loc != book.source_locale for loc in edition.locales)
        contributors = [OnixContributor(role, str(people[c.person].given or ""), str(people[c.person].family),
                                        people[c.person].latin(), text.biographies.get(c.person, ""))
                        for c in book.contributors for role in c.roles if role != "trl" or translated]
        main = edition.locales[0]
        alt_titles = [(m.get(XML_LANG, ""), m.text or "") for m in opf.iterfind("opf:metadata/opf:meta", OPF_NS)
                      if m.get("property") == "alternate-script" and m.get("refines") == "#title"]
        alt_subs = {m.get(XML_LANG, ""): m.text or "" for m in opf.iterfind("opf:metadata/opf:meta", OPF_NS)
                    if m.get("property") == "alternate-script" and m.get("refines") == "#subtitle"}
        epub = row["fmt"] == "epub"
        print_pages = next((r["pages"] for r in rows if r["edition"] is edition and r["fmt"] == "print"), None)
        products.append(OnixProduct(
            record=f"{book.publisher}.{book.id}.{edition.id}.{row['fmt']}", isbn=edition.isbn[row["fmt"]],
            fmt=row["fmt"], edition=edition.id, languages=tuple(bcp47(x) for x in edition.locales),
            title=_title(opf, "title"), subtitle=_title(opf, "subtitle"),
            titles_alt=tuple((lang, t, alt_subs.get(lang, "")) for lang, t in alt_titles),
            contributors=tuple(contributors), publisher=orgs.get(book.publisher, book.publisher),
            date=row["when"].date(), pages=print_pages if epub else row["pages"],
            a11y_features=tuple(_meta(opf, "schema:accessibilityFeature")) if epub else (),
            a11y_summary=next(iter(_meta(opf, "schema:accessibilitySummary")), None) if epub else None,
            related=tuple((r["fmt"], r["edition"].isbn[r["fmt"]]) for r in rows
                          if r["edition"] is edition and r["fmt"] != row["fmt"]),
            a11y_conformance=tuple(_meta(opf, "dcterms:conformsTo")) if epub else (),
            a11y_hazards=tuple(_meta(opf, "schema:accessibilityHazard")) if epub else (),
            prices=prices(edition, row["fmt"]), for_sale=row["fmt"] not in edition.not_for_sale,
            draft=bool(data["draft"]), subjects=_subjects(sources), description=text.description,
            blurb=text.blurb, text_language=LANGUAGES.get(main.split("_")[0], "und"), cover=row["cover"],
            measures=_measures(sources, spine.get(edition.id)) if row["fmt"] == "print" else (),
            imprint=orgs.get(book.imprint, "") if book.imprint else "",
            original=(bcp47(book.source_locale), str(book.title)) if main != book.source_locale else None,
            copyright=(book.copyright.year, orgs.get(book.copyright.holder, book.copyright.holder)),
            licence=(LICENCES[spdx].name, LICENCES[spdx].url) if (spdx := book.licence_of(edition)) else None,
        ))
    sent = max(r["when"] for r in rows)
    message = onix_message(products, sender=data["publisher"], sent=sent)
    errors = validate_onix(message)
    if errors:
        raise ReleaseError("onix.xml fails the ONIX 3.0 schema (onixcheck): " + "; ".join(errors[:5]))
    return message
