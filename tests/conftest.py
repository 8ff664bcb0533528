"""Shared fixtures: small books copied into tmp_path so tests may break them freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
SAMPLE = REPO / "books" / "shanghai-doctors"
RAW = SAMPLE / "raw"
"""The sample book's five articles as published on the web (page clutter and defects included)."""


@pytest.fixture
def minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/roots/minimal copied to tmp_path/books/minimal; the working directory is tmp_path."""
    dest = tmp_path / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", dest)
    monkeypatch.chdir(tmp_path)
    return dest


SAMPLE_EPOCH = "1748908800"  # 2025-06-03T00:00:00Z


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every edition and format of the sample book, built once per test session (SOURCE_DATE_EPOCH fixed)."""
    from publish.build import build

    out = tmp_path_factory.mktemp("build")
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        artifacts = build(SAMPLE, out=out, locales=REPO / "locales", cache=cache, jobs=2)
    return {(a.edition, a.fmt): a.path for a in artifacts}
