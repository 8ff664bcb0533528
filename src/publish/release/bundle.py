"""``publish release``: the verified bundle distributors download.

Stages: load the book → gate the sources (rights, ISBNs, catalogue QA) → build each edition or take
it from the cache → validate what was built (EPUBCheck, pdffonts, qpdf) → gate the artifacts →
write ``dist/<book>-<V>/`` in a temporary folder (artifacts, covers, SHA256SUMS, manifest.json,
onix.xml, RELEASE.md, index.html) → swap it into place. With any gate reason left and no ``--draft``
nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from .. import atomic
from ..build import ALL_FORMATS, BuildOptions, build, edition_date, without
from ..errors import Location, Problem, ReleaseError, relpath
from ..progress import Reporter
from ..project import Project
from ..sources import Sources, load_book
from ..theme import Theme
from ..vocab import SUFFIXES
from . import cache as cache_mod
from . import gate
from .preflight import pdfcpu_strict, print_preflight
from .validators import epubcheck, pdffonts, qpdf_check

Cached = tuple["cache_mod.Entry", datetime]
SUFFIX = {**SUFFIXES, "cover": "cover.pdf"}   # the print edition's cover wrap comes with its print file
VERSION = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.+_-]{0,62}[0-9A-Za-z])?")
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass(frozen=True)
class Released:
    folder: Path
    problems: tuple[Problem, ...]      # the gate's reasons (only non-empty for a draft)
    rebuilt: tuple[str, ...]           # editions built this time (the others came from the cache)


@dataclass(frozen=True)
class ReleaseOptions:
    """What one ``publish release`` is asked for (the project says where things are)."""

    version: str
    draft: bool = False
    exclude: tuple[str, ...] = ()
    jobs: int = 2
    out: Path | None = None
    """Where bundles go; default: the project's ``dist`` folder."""


def release(project: Project, root: Path, options: ReleaseOptions, *,
            progress: Reporter | Callable[[str], None] = lambda s: None) -> Released:
    from ..theme import resolve

    version, draft, exclude = options.version, options.draft, options.exclude
    if not VERSION.fullmatch(version):  # before anything is read or built
        raise ReleaseError(f"--version {version!r}: give a plain version such as 1.0.0 (letters, digits, "
                           "and . + - _ inside, at most 64 characters)", Location("publish release"))
    sources = without(load_book(root), exclude)
    theme = resolve(project, sources)
    layout = project.layout
    problems = gate.rights(sources, exclude) + gate.isbns(sources, ALL_FORMATS) + gate.catalogues(sources, layout)
    if problems and not draft:
        raise ReleaseError(problems)   # the sources' gate: before anything is built
    entries, rebuilt = _editions(project, sources, root, theme, draft=draft, exclude=exclude, jobs=options.jobs,
                                 progress=progress)
    for edition_id, (entry, _) in entries.items():
        result = entry.result
        problems += gate.coverage(sources, edition_id, float(result["coverage"]), layout)
        for fmt, reports in result["validators"].items():
            problems += gate.validators(Path(f"{sources.book.id}-{edition_id}.{SUFFIX[fmt]}"), reports)
        if "cover" not in result["validators"]:
            problems += gate.no_cover_wrap(sources, edition_id)
    if problems and not draft:
        raise ReleaseError(problems)
    atomic.checkpoint("release-built")
    name = f"{sources.book.id}-{version}" + ("-draft" if draft else "")
    folder = (options.out or project.dist) / name
    _write_bundle(sources, entries, folder, version=version, draft=draft, exclude=exclude, problems=problems)
    progress(f"wrote {folder}")
    return Released(folder, tuple(problems), tuple(rebuilt))


def _editions(project: Project, sources: Sources, root: Path, theme: Theme, *, draft: bool,
              exclude: tuple[str, ...], jobs: int,
              progress: Reporter | Callable[[str], None]) -> tuple[dict[str, Cached], list[str]]:
    """Each edition from the project's edition cache (which ``publish build`` fills too), built there when
    missing, and validated once: the validators' results are stored with the entry."""
    shared = cache_mod.shared_digest(sources, theme)
    keys: dict[str, tuple[str, datetime]] = {}
    for edition in sources.book.editions:
        when = edition_date(project, sources, edition, theme)
        keys[edition.id] = (cache_mod.edition_key(shared, edition, project.layout, when=when, draft=draft,
                                                  exclude=exclude, theme=theme, book_id=sources.book.id), when)
    fresh = [e for e, (key, _) in keys.items()
             if (hit := cache_mod.lookup(project.cache, key)) is None or not hit.has(ALL_FORMATS)]
    if fresh:
        options = BuildOptions(editions=tuple(fresh), jobs=jobs, draft=draft, exclude=exclude, cache_only=True)
        build(project, root, options, progress=progress)
    entries: dict[str, Cached] = {}
    unchecked: dict[str, cache_mod.Entry] = {}
    for edition_id, (key, when) in keys.items():
        entry = cache_mod.lookup(project.cache, key)
        assert entry is not None
        entries[edition_id] = (entry, when)
        if set(entry.result.get("validators", {})) != {*ALL_FORMATS, *(["cover"] if entry.has(["cover"]) else [])}:
            unchecked[edition_id] = entry
    reports = epubcheck([e.file("epub") for e in unchecked.values()]) if unchecked else {}
    for edition_id, entry in unchecked.items():
        checks: dict[str, dict[str, object]] = {"epub": {}, "pdf": {}, "print": {}}
        ran = [("epub", reports[entry.file("epub")])]
        ran += [(f, check(entry.file(f))) for f in ("print", "pdf") for check in (pdffonts, qpdf_check)]
        extra: dict[str, object] = {}
        if entry.has(["cover"]):   # the print preflight: the interior and its cover wrap
            checks["cover"] = {}
            files = {f: entry.file(f) for f in ("print", "cover")}
            ran += [(f, check(files[f])) for f in ("print", "cover") for check in (pdfcpu_strict, qpdf_check)]
            ran += print_preflight(sources, edition_id, files, extra | {"pages": entry.result["pages"]})
            extra["spine_mm"] = entry.result.get("spine_mm")
        for fmt, report in ran:
            checks[fmt][report.tool] = {"counts": report.counts, "messages": list(report.messages)}
        cache_mod.store(project.cache, keys[edition_id][0], {}, {"validators": checks, **extra})
        entries[edition_id] = (cache_mod.lookup(project.cache, keys[edition_id][0]), keys[edition_id][1])  # type: ignore[assignment]
        _step(progress, edition_id, "validated", "EPUBCheck, pdffonts, qpdf")
    order = [e.id for e in sources.book.editions]
    return {e: entries[e] for e in order}, [e for e in order if e in fresh]


def _step(progress: Reporter | Callable[[str], None], edition: str, stage: str, detail: str) -> None:
    if isinstance(progress, Reporter):
        progress.step(edition, stage, detail)
    else:
        progress(f"{edition}: {stage} ({detail})")


def _write_bundle(sources: Sources, entries: dict[str, Cached], folder: Path, *,
                  version: str, draft: bool, exclude: tuple[str, ...], problems: list[Problem]) -> None:
    from ..render.cover import thumbnail
    from .manifest import manifest, onix_for, sha256sums
    from .page import release_html, release_markdown

    tmp = atomic.temporary_folder_beside(folder)
    try:
        rows = []
        wraps: list[dict] = []
        for edition in sources.book.editions:
            entry, when = entries[edition.id]
            result = entry.result
            stem = f"{sources.book.id}-{edition.id}-{version}"
            opf, cover = _epub_parts(entry.file("epub"))
            (tmp / f"{stem}-cover.jpg").write_bytes(cover)
            (tmp / f"{stem}-cover-thumb.jpg").write_bytes(thumbnail(cover))
            for fmt in ALL_FORMATS:
                target = tmp / f"{stem}.{SUFFIX[fmt]}"
                shutil.copyfile(entry.file(fmt), target)
                rows.append({"edition": edition, "fmt": fmt, "path": target, "when": when, "opf": opf,
                             "cover": f"{stem}-cover.jpg", "pages": result["pages"].get(fmt),
                             "coverage": result["coverage"], "validators": result["validators"][fmt]})
            if "cover" in result["validators"]:
                target = tmp / f"{stem}.{SUFFIX['cover']}"
                shutil.copyfile(entry.file("cover"), target)
                wraps.append({"edition": edition, "path": target, "spine_mm": result.get("spine_mm"),
                              "coverage": result["coverage"], "validators": result["validators"]["cover"]})
        data = manifest(sources, rows, version=version, draft=draft, exclude=exclude, problems=problems,
                        wraps=wraps)
        (tmp / "onix.xml").write_bytes(onix_for(sources, rows, data))
        (tmp / "manifest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                           encoding="utf-8")
        (tmp / "RELEASE.md").write_text(release_markdown(data), encoding="utf-8")
        (tmp / "index.html").write_text(release_html(data), encoding="utf-8")
        (tmp / "SHA256SUMS").write_text(sha256sums(tmp), encoding="utf-8")
        for path in tmp.iterdir():
            os.chmod(path, 0o644)
        os.chmod(tmp, 0o755)
        atomic.replace_folder(tmp, folder)  # dist/<release> is the old bundle or the new one, never missing
    except OSError as exc:
        where = exc.filename
        if where is None or str(where).startswith(str(tmp)):
            where = folder / Path(str(where)).relative_to(tmp) if where else folder
        raise ReleaseError(f"cannot write the bundle: {exc.strerror}", Location(relpath(where))) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _epub_parts(path: Path) -> tuple[ET.Element, bytes]:
    with zipfile.ZipFile(path) as z:
        opf = ET.fromstring(z.read("EPUB/content.opf"))
        item = next(i for i in opf.iterfind("opf:manifest/opf:item", OPF_NS) if i.get("properties") == "cover-image")
        return opf, z.read("EPUB/" + (item.get("href") or ""))
