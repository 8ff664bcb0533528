"""The stat fast path (release/stamp.py): a build or release with nothing changed reads no source and no
artifact, rewrites nothing, and answers as the full path does; any change takes the full path."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_EPOCH, project_at
from publish.build import BuildOptions, build

from .test_cache import Steps
from .test_release import make_book

_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)   # every file Python opens, while a test listens (audit hooks cannot be removed)


def opened_by(call, *args, **kwargs):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN002, ANN003
    """``call``'s result and every file it opened."""
    global _OPENED
    _OPENED = []
    try:
        return call(*args, **kwargs), _OPENED
    finally:
        _OPENED = None


def settle(folder: Path) -> None:
    """Every file of the fixture older than the stamps' racy window (a stamp trusts no fresher file)."""
    past = time.time() - 60
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


def stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    monkeypatch.chdir(tmp_path)
    root = make_book(tmp_path)
    settle(tmp_path)
    return root


@pytest.mark.slow
def test_a_no_op_build_reads_no_source_and_no_artifact(book: Path, tmp_path: Path) -> None:
    project = project_at(tmp_path)
    first = build(project, book, BuildOptions(formats=("pdf", "epub")))
    before = stats(tmp_path / "build")
    steps = Steps()
    again, opened = opened_by(build, project, book, BuildOptions(formats=("pdf", "epub")), progress=steps)
    assert [(a.edition, a.fmt, a.path, a.pages, a.coverage, a.when) for a in again] == \
        [(a.edition, a.fmt, a.path, a.pages, a.coverage, a.when) for a in first]
    assert steps.seen == [("en", "done", "unchanged, from the cache; in build/minimal/en")]
    assert stats(tmp_path / "build") == before                       # no output rewritten
    read = [p for p in opened if p.startswith(str(tmp_path)) and "/stamps/" not in p]
    assert read == []                                                 # not a source, catalogue or artifact
    # the same bytes as the full path makes: without its stamp, the build reads everything and agrees
    for stamp in (tmp_path / ".publish-cache" / "stamps").iterdir():
        stamp.unlink()
    full, opened = opened_by(build, project, book, BuildOptions(formats=("pdf", "epub")))
    assert any(p.endswith("book.yaml") for p in opened)
    assert [a.path.read_bytes() for a in full] == [a.path.read_bytes() for a in first]
    assert stats(tmp_path / "build") == before                       # placed files equal to the cache: untouched


@pytest.mark.slow
def test_a_changed_source_or_output_takes_the_full_path(book: Path, tmp_path: Path) -> None:
    project = project_at(tmp_path)
    first = build(project, book, BuildOptions(formats=("pdf",)))
    pdf = first[0].path
    original = pdf.read_bytes()
    # an output edited (same size, other bytes, a new time): placed again from the cache
    pdf.write_bytes(original[:-1] + b"x")
    build(project, book, BuildOptions(formats=("pdf",)))
    assert pdf.read_bytes() == original
    # a source saved with the same bytes: the full path (book.yaml read), nothing rebuilt
    settle(tmp_path / "books")
    os.utime(book / "book.yaml")
    steps = Steps()
    _, opened = opened_by(build, project, book, BuildOptions(formats=("pdf",)), progress=steps)
    assert any(p.endswith("book.yaml") for p in opened)
    assert [s[1] for s in steps.seen] == ["done"] and "unchanged" in steps.seen[0][2]
    # a source changed: rebuilt
    profile = book / "profiles" / "wang-fang.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("A Life in Hematology", "A Life in Haematology", 1), encoding="utf-8")
    settle(tmp_path / "books")
    steps = Steps()
    build(project, book, BuildOptions(formats=("pdf",)), progress=steps)
    assert "pdf rendered" in [s[1] for s in steps.seen]


def test_a_fresh_input_is_not_trusted(book: Path, tmp_path: Path) -> None:
    """A file modified within the racy window could change again with the same stat: no stamp is written."""
    from publish.release.stamp import Stamps

    project = project_at(tmp_path)
    stamps = Stamps(project, book)
    assert stamps.record("test", {}, {"ok": 1}, outputs=[])
    assert stamps.answer("test", {}) == {"ok": 1}
    (book / "book.yaml").write_bytes((book / "book.yaml").read_bytes())
    assert stamps.answer("test", {}) is None                          # the stat changed
    assert not stamps.record("test", {}, {"ok": 2}, outputs=[])      # too fresh to stamp
    settle(tmp_path / "books")
    new = book / "profiles" / "new.txt"
    new.write_text("x", encoding="utf-8")
    settle(tmp_path / "books")
    assert stamps.record("test", {}, {"ok": 3}, outputs=[])
    new.unlink()                                                      # a file removed changes its folder
    assert stamps.answer("test", {}) is None


@pytest.mark.slow
def test_a_release_validates_each_edition_once_and_a_no_op_release_reads_nothing(book: Path, tmp_path: Path) -> None:
    import json

    from publish.release import cache as cache_mod
    from publish.release.bundle import ReleaseOptions, release
    from publish.release.certify import check_and_certify
    from publish.sources import load_book

    project = project_at(tmp_path)
    steps = Steps()
    first = release(project, book, ReleaseOptions("1.0.0", out=tmp_path / "dist"), progress=steps)
    assert [s[0] for s in steps.seen if s[1] == "validated"] == ["en"]
    (entry,) = [cache_mod.Entry(p.parent) for p in (tmp_path / ".publish-cache" / "editions").glob("*/result.json")
                if "-" not in p.parent.name]   # the edition's entry (a bare key), not its parts' (epub-doc-…, …)
    checked = entry.result["validators"]
    assert set(checked) == {"print", "pdf", "epub", "cover"}
    # the same EPUB checked the one-process-per-file way (the build's bytes again, from a cache of its own)
    other = project_at(tmp_path, cache=tmp_path / "other-cache")
    (epub,) = [a.path for a in build(other, book, BuildOptions(formats=("epub",), out=tmp_path / "other"))]
    alone = check_and_certify(load_book(book), {"en": epub}, cache=other.cache, work=tmp_path / "work")["en"]
    assert {r.tool: r.data() for r in alone.reports} == checked["epub"]
    assert epub.read_bytes() == entry.file("epub").read_bytes()          # certified alike
    # a no-op release: answered by its stamp, nothing read or written
    before = stats(first.folder)
    steps = Steps()
    again, opened = opened_by(release, project, book, ReleaseOptions("1.0.0", out=tmp_path / "dist"), progress=steps)
    assert again.unchanged and again.folder == first.folder and again.problems == first.problems
    assert [p for p in opened if p.startswith(str(tmp_path)) and "/stamps/" not in p] == []
    assert stats(first.folder) == before and steps.seen == []
    # another bundle of the same editions: from the cache, not validated again
    steps = Steps()
    other_bundle = release(project, book, ReleaseOptions("1.0.0", out=tmp_path / "dist2"), progress=steps)
    assert not [s for s in steps.seen if s[1] == "validated"] and other_bundle.rebuilt == ()
    assert json.loads((other_bundle.folder / "manifest.json").read_text(encoding="utf-8")) == \
        json.loads((first.folder / "manifest.json").read_text(encoding="utf-8"))
    # a changed source: that edition is rebuilt and validated again
    profile = book / "profiles" / "wang-fang.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("A Life in Hematology", "A Life in Haematology"),
                       encoding="utf-8")
    settle(tmp_path / "books")
    steps = Steps()
    changed = release(project, book, ReleaseOptions("1.0.0", out=tmp_path / "dist3"), progress=steps)
    assert changed.rebuilt == ("en",) and [s[0] for s in steps.seen if s[1] == "validated"] == ["en"]
