"""One edition cache for build and release: built once, reused, keyed by every input, evicted."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_EPOCH, project_at
from publish.build import BuildOptions, build
from publish.errors import ReleaseError
from publish.progress import Reporter
from publish.release import cache as cache_mod
from publish.release.bundle import ReleaseOptions, release

from .test_release import make_book


class Steps(Reporter):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def step(self, edition: str, stage: str, detail: str = "") -> None:
        self.seen.append((edition, stage, detail))


@pytest.mark.slow
def test_release_after_build_builds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    root = make_book(tmp_path)
    project = project_at(tmp_path)
    first = build(project, root)
    steps = Steps()
    again = build(project, root, progress=steps)
    assert [(a.fmt, a.path.read_bytes()) for a in again] == [(a.fmt, a.path.read_bytes()) for a in first]
    assert [s for s in steps.seen if s[1] != "done"] == []          # nothing localised, laid out or written
    assert "from the cache" in steps.seen[-1][2]
    done = release(project, root, ReleaseOptions("1.0.0", out=tmp_path / "dist"))
    assert done.rebuilt == ()
    bundled = (done.folder / "minimal-en-1.0.0.pdf").read_bytes()
    assert bundled == next(a for a in first if a.fmt == "pdf").path.read_bytes()   # the bytes the build made


@pytest.mark.slow
def test_an_epub_after_a_print_build_needs_no_second_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    root = make_book(tmp_path)
    project = project_at(tmp_path)
    build(project, root, BuildOptions(formats=("print",)))
    steps = Steps()
    build(project, root, BuildOptions(formats=("epub",)), progress=steps)
    stages = [s[1] for s in steps.seen]
    assert "EPUB written" in stages and not any("layout" in s or "rendered" in s for s in stages), stages


@pytest.mark.slow
def test_a_print_file_after_a_digital_build_is_derived_from_the_cached_pdf(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    root = make_book(tmp_path)
    project = project_at(tmp_path)
    build(project, root, BuildOptions(formats=("pdf",), out=tmp_path / "a"))
    steps = Steps()
    later = build(project, root, BuildOptions(formats=("print",), out=tmp_path / "a"), progress=steps)
    stages = [s[1] for s in steps.seen]
    assert "print.pdf derived" in stages and "pdf rendered" not in stages, stages   # the cover wrap only is rendered
    assert not any("layout" in s for s in stages), stages
    # the same bytes as a print file made with its layout, from an empty cache
    fresh = build(project_at(tmp_path, cache=tmp_path / "other-cache"), root,
                  BuildOptions(formats=("print",), out=tmp_path / "b"))
    assert [(a.fmt, a.path.read_bytes()) for a in later] == [(a.fmt, a.path.read_bytes()) for a in fresh]


def test_a_refused_release_builds_nothing(tmp_path: Path) -> None:
    root = make_book(tmp_path, isbn_placeholder=True)
    project = project_at(tmp_path)
    started = time.monotonic()
    with pytest.raises(ReleaseError) as info:
        release(project, root, ReleaseOptions("1.0.0", out=tmp_path / "dist"))
    assert any("placeholders" in p.message for p in info.value.problems)
    assert not (project.cache / "editions").exists() and not (tmp_path / "dist").exists()
    assert time.monotonic() - started < 20   # no rendering happened (a build of this book takes longer)


def test_the_key_follows_library_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.sources import load_book
    from publish.theme import resolve

    sources = load_book(make_book(tmp_path))
    theme = resolve(project_at(tmp_path), sources)
    before = cache_mod.shared_digest(sources, theme)
    versions = cache_mod.library_versions()
    assert versions["weasyprint"].startswith("70.") and versions["libpango-1.0.so.0"] != "absent"
    monkeypatch.setattr(cache_mod, "library_versions", lambda: {**versions, "pillow": "999.0"})
    assert cache_mod.shared_digest(sources, theme) != before


def test_eviction_keeps_recent_entries_within_the_size(tmp_path: Path) -> None:
    for n, age_days in enumerate((0, 1, 2, 40)):
        entry = cache_mod.store(tmp_path, f"k{n}", {}, {"pages": {}})
        (entry.folder / "print").write_bytes(b"x" * 1000)
        used = time.time() - age_days * 86400
        os.utime(entry.folder / "result.json", (used, used))
    removed = cache_mod.evict(tmp_path, max_bytes=2500, keep=("k2",))
    assert sorted(removed) == ["k3"] or sorted(removed) == ["k1", "k3"]
    assert (tmp_path / "editions" / "k0").is_dir() and (tmp_path / "editions" / "k2").is_dir()
    assert not (tmp_path / "editions" / "k3").exists()
