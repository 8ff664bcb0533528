"""``publish release``: the verified bundle distributors download.

Stages: load the book → gate the sources (rights, ISBNs, catalogue QA) → build each edition or take
it from the cache → validate what was built (EPUBCheck in one JVM; fonts and structure in-process) →
gate the artifacts → write ``dist/<book>-<V>/`` in a temporary folder (artifacts, covers, SHA256SUMS, manifest.json,
onix.xml, RELEASE.md, index.html) → swap it into place. With any gate reason left and no ``--draft``
nothing is written. A published version is immutable: releasing an existing non-draft version again
with any file's bytes different is refused (a checksum handed to a distributor must keep verifying)
unless ``force``; with identical bytes it is a no-op.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from .. import atomic
from ..build import ALL_FORMATS, BuildOptions, build, edition_date, without
from ..errors import Location, Problem, ReleaseError, Severity, relpath
from ..progress import Reporter
from ..vocab import SUFFIXES

if TYPE_CHECKING:   # imported when they run: a no-op release answers before (release/stamp.py)
    from ..project import Project
    from ..sources import Sources
    from ..theme import Theme
    from . import cache as cache_mod
    from .retail import RetailText

Cached = tuple["cache_mod.Entry", datetime]
SUFFIX = {**SUFFIXES, "cover": "cover.pdf"}   # the print edition's cover wrap comes with its print file
VERSION = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.+_-]{0,62}[0-9A-Za-z])?")
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass(frozen=True)
class Released:
    folder: Path
    problems: tuple[Problem, ...]      # the gate's reasons (only non-empty for a draft)
    rebuilt: tuple[str, ...]           # editions built this time (the others came from the cache)
    unchanged: bool = False            # the version existed with these very bytes: nothing was written


@dataclass(frozen=True)
class ReleaseOptions:
    """What one ``publish release`` is asked for (the project says where things are)."""

    version: str
    draft: bool = False
    exclude: tuple[str, ...] = ()
    jobs: int = 2
    out: Path | None = None
    """Where bundles go; default: the project's ``dist`` folder."""
    force: bool = False
    """Replace a published (non-draft) version whose files would change."""


def release(project: Project, root: Path, options: ReleaseOptions, *,
            progress: Reporter | Callable[[str], None] = lambda s: None) -> Released:
    from .stamp import Stamps

    if not VERSION.fullmatch(options.version):  # before anything is read or built
        raise ReleaseError(f"--version {options.version!r}: give a plain version such as 1.0.0 (letters, digits, "
                           "and . + - _ inside, at most 64 characters)", Location("publish release"))
    stamps = Stamps(project, root)
    asked = {"version": options.version, "draft": options.draft, "exclude": sorted(options.exclude),
             "out": str(options.out), "force": options.force, "cwd": os.getcwd()}
    known = stamps.answer("release", asked)
    if known is not None:   # nothing changed since this very release: the bundle is what it would write
        folder = Path(known["folder"])
        progress(f"{folder}: unchanged, the same bytes as released")
        return Released(folder, tuple(_problem(p) for p in known["problems"]), (), unchanged=True)
    done, extra = _release(project, root, options, progress)
    stamps.record("release", asked, {"folder": str(done.folder), "problems": [_data(p) for p in done.problems]},
                  outputs=[done.folder, *sorted(done.folder.iterdir())], extra=extra)
    return done


def _data(p: Problem) -> dict[str, Any]:
    loc = p.location
    return {"path": loc.path, "line": loc.line, "col": loc.col, "field": loc.field, "severity": p.severity.value,
            "message": p.message, "kind": p.kind}


def _problem(d: dict[str, Any]) -> Problem:
    return Problem(Location(d["path"], d["line"], d["col"], d["field"]), Severity(d["severity"]), d["message"],
                   d["kind"])


def _release(project: Project, root: Path, options: ReleaseOptions,
             progress: Reporter | Callable[[str], None]) -> tuple[Released, list[Path]]:
    from ..build import stamp_inputs
    from ..sources import load_book
    from ..theme import resolve
    from . import gate
    from .retail import retail_texts, sale_status

    version, draft, exclude = options.version, options.draft, options.exclude
    sources = without(load_book(root, project.cache), exclude)
    theme = resolve(project, sources)
    layout = project.layout
    problems = gate.rights(sources, exclude) + gate.isbns(sources, ALL_FORMATS)
    problems += gate.catalogues(sources, layout, project.cache)
    problems += sale_status(sources, ALL_FORMATS) + gate.licences(sources, exclude)
    if problems and not draft:
        raise ReleaseError(problems)   # the sources' gate: before anything is built
    entries, rebuilt = _editions(project, sources, root, theme, draft=draft, exclude=exclude, jobs=options.jobs,
                                 progress=progress)
    for edition_id, (entry, when) in entries.items():
        result = entry.result
        problems += gate.coverage(sources, edition_id, float(result["coverage"]), layout)
        problems += gate.copyright_year(sources, edition_id, when)
        for fmt, reports in result["validators"].items():
            problems += gate.validators(Path(f"{sources.book.id}-{edition_id}.{SUFFIX[fmt]}"), reports)
        if "cover" not in result["validators"]:
            problems += gate.no_cover_wrap(sources, edition_id)
    if problems and not draft:
        raise ReleaseError(problems)
    atomic.checkpoint("release-built")
    name = f"{sources.book.id}-{version}" + ("-draft" if draft else "")
    folder = (options.out or project.dist) / name
    written = _write_bundle(sources, entries, folder, version=version, draft=draft, exclude=exclude,
                            problems=problems, force=options.force,
                            texts=retail_texts(sources, layout, project.cache))
    progress(f"wrote {folder}" if written else f"{folder}: unchanged, the same bytes as released")
    return Released(folder, tuple(problems), tuple(rebuilt), unchanged=not written), \
        stamp_inputs(theme, sources.book.editions)


def _editions(project: Project, sources: Sources, root: Path, theme: Theme, *, draft: bool,
              exclude: tuple[str, ...], jobs: int,
              progress: Reporter | Callable[[str], None]) -> tuple[dict[str, Cached], list[str]]:
    """Each edition from the project's edition cache (which ``publish build`` fills too), built there when
    missing, and validated once: each edition's validators start as soon as its files are stored (while
    the build renders the others), and their results are stored with the entry."""
    from . import cache as cache_mod
    from .validate import Validation, validated

    shared = cache_mod.shared_digest(sources, theme)
    keys: dict[str, tuple[str, datetime]] = {}
    for edition in sources.book.editions:
        when = edition_date(project, sources, edition, theme)
        keys[edition.id] = (cache_mod.edition_key(shared, edition, project.layout, when=when, draft=draft,
                                                  exclude=exclude, theme=theme, book_id=sources.book.id), when)
    with tempfile.TemporaryDirectory(prefix="publish-check-") as work, \
            Validation(sources, project.cache, Path(work), jobs=jobs,
                       done=lambda e, detail: _step(progress, e, "validated", detail)) as checks:
        fresh = []
        for edition_id, (key, _) in keys.items():
            if (hit := cache_mod.lookup(project.cache, key)) is None or not hit.has(ALL_FORMATS):
                fresh.append(edition_id)
            elif not validated(hit):
                checks.submit(edition_id, key)
        if fresh:
            options = BuildOptions(editions=tuple(fresh), jobs=jobs, draft=draft, exclude=exclude, cache_only=True,
                                   stored=checks.submit)
            build(project, root, options, progress=progress)
            for edition_id in fresh:
                checks.submit(edition_id, keys[edition_id][0])   # (already submitted as the build stored it)
        checks.wait()
    entries: dict[str, Cached] = {}
    for edition_id, (key, when) in keys.items():
        entry = cache_mod.lookup(project.cache, key)
        assert entry is not None and validated(entry), edition_id
        entries[edition_id] = (entry, when)
    order = [e.id for e in sources.book.editions]
    return {e: entries[e] for e in order}, [e for e in order if e in fresh]


def _step(progress: Reporter | Callable[[str], None], edition: str, stage: str, detail: str) -> None:
    if isinstance(progress, Reporter):
        progress.step(edition, stage, detail)
    else:
        progress(f"{edition}: {stage} ({detail})")


def _write_bundle(sources: Sources, entries: dict[str, Cached], folder: Path, *, version: str, draft: bool,
                  exclude: tuple[str, ...], problems: list[Problem], force: bool = False,
                  texts: dict[str, RetailText] | None = None) -> bool:
    """Write the bundle; False when ``folder`` already held these very bytes (nothing written)."""
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
            shutil.copyfile(entry.file("ace"), tmp / f"{stem}.epub.ace.json")
            for fmt in ALL_FORMATS:
                target = tmp / f"{stem}.{SUFFIX[fmt]}"
                shutil.copyfile(entry.file(fmt), target)
                rows.append({"edition": edition, "fmt": fmt, "path": target, "when": when, "opf": opf,
                             "cover": f"{stem}-cover.jpg", "ace": f"{stem}.epub.ace.json",
                             "pages": result["pages"].get(fmt),
                             "coverage": result["coverage"], "validators": result["validators"][fmt]})
            if "cover" in result["validators"]:
                target = tmp / f"{stem}.{SUFFIX['cover']}"
                shutil.copyfile(entry.file("cover"), target)
                wraps.append({"edition": edition, "path": target, "spine_mm": result.get("spine_mm"),
                              "coverage": result["coverage"], "validators": result["validators"]["cover"]})
        data = manifest(sources, rows, version=version, draft=draft, exclude=exclude, problems=problems,
                        wraps=wraps)
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
        atomic.replace_folder(tmp, folder)  # dist/<release> is the old bundle or the new one, never missing
        return True
    except OSError as exc:
        where = exc.filename
        if where is None or str(where).startswith(str(tmp)):
            where = folder / Path(str(where)).relative_to(tmp) if where else folder
        raise ReleaseError(f"cannot write the bundle: {exc.strerror}", Location(relpath(where))) from exc
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
