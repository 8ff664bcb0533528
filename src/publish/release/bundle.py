"""``publish release``: the verified bundle distributors download.

Stages: load the book → gate the sources (rights, ISBNs, catalogue QA) → build each edition or take
it from the cache → validate what was built (EPUBCheck, pdffonts, qpdf) → gate the artifacts →
write ``dist/<book>-<V>/`` in a temporary folder (artifacts, covers, SHA256SUMS, manifest.json,
onix.xml, RELEASE.md, index.html) → swap it into place. With any gate reason left and no ``--draft``
nothing is written. A published version is immutable: releasing an existing non-draft version again
with any file's bytes different is refused (a checksum handed to a distributor must keep verifying)
unless ``force``; with identical bytes it is a no-op.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from ..build import ALL_FORMATS, build, source_date, without
from ..catalogs.extract import Layout
from ..errors import Location, Problem, ReleaseError, RenderError, Severity, relpath
from ..sources import Sources, load_book
from . import cache as cache_mod
from . import gate
from .certify import check_and_certify
from .retail import RetailText, retail_texts, sale_status
from .validators import pdffonts, qpdf_check

Cached = tuple["cache_mod.Entry", datetime]
SUFFIX = {"print": "print.pdf", "pdf": "pdf", "epub": "epub"}
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass(frozen=True)
class Released:
    folder: Path
    problems: tuple[Problem, ...]      # the gate's reasons (only non-empty for a draft)
    rebuilt: tuple[str, ...]           # editions built this time (the others came from the cache)
    unchanged: bool = False            # the version existed with these very bytes: nothing was written


def release(root: Path, version: str, *, out: Path = Path("dist"), draft: bool = False,
            exclude: tuple[str, ...] = (), locales: Path = Path("locales"), cache: Path = Path(".publish-cache"),
            jobs: int = 2, force: bool = False, progress: Callable[[str], None] = lambda s: None) -> Released:
    if not version or any(c in version for c in "/\\ ") or version.startswith("."):
        raise ReleaseError(f"--version {version!r}: give a plain version such as 1.0.0")
    sources = without(load_book(root), exclude)
    layout = Layout(locales)
    problems = gate.rights(sources, exclude) + gate.isbns(sources, ALL_FORMATS) + gate.catalogues(sources, layout)
    problems += sale_status(sources, ALL_FORMATS) + gate.licences(sources, exclude)
    entries, rebuilt = _editions(sources, root, layout, cache=cache, draft=draft, exclude=exclude, jobs=jobs,
                                 progress=progress)
    for edition_id, (entry, _) in entries.items():
        result = entry.result
        problems += gate.coverage(sources, edition_id, float(result["coverage"]))
        for fmt, reports in result["validators"].items():
            problems += gate.validators(Path(f"{sources.book.id}-{edition_id}.{SUFFIX[fmt]}"), reports)
    if problems and not draft:
        raise ReleaseError(problems)
    name = f"{sources.book.id}-{version}" + ("-draft" if draft else "")
    folder = out / name
    written = _write_bundle(sources, entries, folder, version=version, draft=draft, exclude=exclude,
                            problems=problems, force=force, texts=retail_texts(sources, layout, cache))
    progress(f"wrote {folder}" if written else f"{folder}: unchanged, the same bytes as released")
    return Released(folder, tuple(problems), tuple(rebuilt), unchanged=not written)


def _editions(sources: Sources, root: Path, layout: Layout, *, cache: Path, draft: bool, exclude: tuple[str, ...],
              jobs: int, progress: Callable[[str], None]) -> tuple[dict[str, Cached], list[str]]:
    """Each edition from the cache, or built, validated and stored there."""
    entries: dict[str, Cached] = {}
    missing: dict[str, tuple[str, datetime, dict[str, Path], dict[str, object]]] = {}
    errors: list[Problem] = []
    shared = cache_mod.shared_digest(sources)
    with tempfile.TemporaryDirectory(prefix="publish-release-") as tmp:
        for edition in sources.book.editions:
            locale_dirs = [layout.root / loc for loc in edition.locales if loc != sources.book.source_locale]
            when = source_date(root, *locale_dirs)
            key = cache_mod.edition_key(shared, edition, layout, when=when, draft=draft, exclude=exclude,
                                        formats=ALL_FORMATS)
            hit = cache_mod.lookup(cache, key)
            if hit is not None:
                entries[edition.id] = (hit, when)
                progress(f"{edition.id}: unchanged (cache {key[:12]})")
                continue
            try:
                artifacts = build(root, editions=(edition.id,), out=Path(tmp), locales=layout.root, cache=cache,
                                  jobs=jobs, draft=draft, when=when, exclude=exclude, progress=progress)
            except RenderError as exc:
                errors += exc.problems
                continue
            files = {a.fmt: a.path for a in artifacts}
            result: dict[str, object] = {"pages": {a.fmt: a.pages for a in artifacts if a.fmt != "epub"},
                                         "coverage": artifacts[0].coverage, "when": when.isoformat()}
            missing[edition.id] = (key, when, files, result)
        if errors:
            raise ReleaseError(errors)
        epubs = check_and_certify(sources, {eid: files["epub"] for eid, (_, _, files, _) in missing.items()},
                                  cache=cache, work=Path(tmp))
        for edition_id, (key, when, files, result) in missing.items():
            checks: dict[str, dict[str, object]] = {"epub": {}, "pdf": {}, "print": {}}
            ran = [("epub", report) for report in epubs[edition_id].reports]
            ran += [(f, check(files[f])) for f in ("print", "pdf") for check in (pdffonts, qpdf_check)]
            for fmt, report in ran:
                checks[fmt][report.tool] = report.data()
            result["validators"] = checks
            files["ace"] = epubs[edition_id].ace_json
            entries[edition_id] = (cache_mod.store(cache, key, files, result), when)
            progress(f"{edition_id}: built and validated")
    order = [e.id for e in sources.book.editions]
    return {e: entries[e] for e in order}, [e for e in order if e in missing]


def _write_bundle(sources: Sources, entries: dict[str, Cached], folder: Path, *, version: str, draft: bool,
                  exclude: tuple[str, ...], problems: list[Problem], force: bool = False,
                  texts: dict[str, RetailText] | None = None) -> bool:
    """Write the bundle; False when ``folder`` already held these very bytes (nothing written)."""
    from ..render.cover import thumbnail
    from .manifest import manifest, onix_for, sha256sums
    from .page import release_html, release_markdown

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        rows = []
        for edition in sources.book.editions:
            entry, when = entries[edition.id]
            result = entry.result
            stem = f"{sources.book.id}-{edition.id}-{version}"
            opf, cover = _epub_parts(entry.file("epub"))
            (tmp / f"{stem}-cover.jpg").write_bytes(cover)
            (tmp / f"{stem}-cover-thumb.jpg").write_bytes(thumbnail(cover))
            shutil.copyfile(entry.file("ace"), tmp / f"{stem}.epub.ace.json")
            for fmt in ALL_FORMATS:
                target = tmp / f"{stem}.{SUFFIX[fmt]}"
                shutil.copyfile(entry.file(fmt), target)
                rows.append({"edition": edition, "fmt": fmt, "path": target, "when": when, "opf": opf,
                             "cover": f"{stem}-cover.jpg", "ace": f"{stem}.epub.ace.json",
                             "pages": result["pages"].get(fmt),
                             "coverage": result["coverage"], "validators": result["validators"][fmt]})
        data = manifest(sources, rows, version=version, draft=draft, exclude=exclude, problems=problems)
        (tmp / "onix.xml").write_bytes(onix_for(sources, rows, data, texts))
        (tmp / "manifest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                           encoding="utf-8")
        (tmp / "RELEASE.md").write_text(release_markdown(data), encoding="utf-8")
        (tmp / "index.html").write_text(release_html(data), encoding="utf-8")
        (tmp / "SHA256SUMS").write_text(sha256sums(tmp), encoding="utf-8")
        for path in tmp.iterdir():
            os.chmod(path, 0o644)
        os.chmod(tmp, 0o755)
        if folder.exists() and not draft:
            changed = _changed(folder, tmp)
            if not changed:
                return False
            if not force:
                raise ReleaseError([Problem(Location(relpath(folder / name)), Severity.ERROR,
                                            f"version {version} is already released and this file would "
                                            f"change: {why}; release a new version (or --force)",
                                            "release.immutable") for name, why in changed])
        old = folder.parent / f".{folder.name}.old-{os.getpid()}"
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _changed(old: Path, new: Path) -> list[tuple[str, str]]:
    """(file name, how) for every file that differs between two bundle folders."""
    a = {p.name: p for p in old.iterdir() if p.is_file()}
    b = {p.name: p for p in new.iterdir() if p.is_file()}
    out = [(n, "it would be removed") for n in sorted(a.keys() - b.keys())]
    out += [(n, "it would be added") for n in sorted(b.keys() - a.keys())]
    out += [(n, "its bytes differ") for n in sorted(a.keys() & b.keys()) if a[n].read_bytes() != b[n].read_bytes()]
    return out


def _epub_parts(path: Path) -> tuple[ET.Element, bytes]:
    with zipfile.ZipFile(path) as z:
        opf = ET.fromstring(z.read("EPUB/content.opf"))
        item = next(i for i in opf.iterfind("opf:manifest/opf:item", OPF_NS) if i.get("properties") == "cover-image")
        return opf, z.read("EPUB/" + (item.get("href") or ""))
