"""A cover wrap of the same HTML and set-up comes from the project cache, byte for byte the one laid out."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE, sample_project
from publish.build import prepare
from publish.schedule import _cover_wrap
from publish.sources import load_book
from publish.theme import resolve


def test_a_cover_wrap_is_laid_out_once_per_page_count(tmp_path: Path) -> None:
    project = sample_project(cache=tmp_path / "cache")
    sources = load_book(SAMPLE)
    theme = resolve(project, sources)
    p = prepare(project, sources, sources.book.editions[0], theme, draft=False)
    spine = _cover_wrap(sources, p, tmp_path / "a.pdf", 64, theme, False, project.cache)
    stored = sorted((project.cache / "editions").glob("cover-wrap-*"))
    assert len(stored) == 1
    assert _cover_wrap(sources, p, tmp_path / "b.pdf", 64, theme, False, project.cache) == spine
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
    uncached = _cover_wrap(sources, p, tmp_path / "c.pdf", 64, theme, False)
    assert uncached == spine and (tmp_path / "c.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
    assert _cover_wrap(sources, p, tmp_path / "d.pdf", 96, theme, False, project.cache) > spine   # a wider spine
    assert len(sorted((project.cache / "editions").glob("cover-wrap-*"))) == 2
