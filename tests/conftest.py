"""Shared fixtures: small books copied into tmp_path so tests may break them freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publish.project import Project

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
SAMPLE = REPO / "books" / "shanghai-doctors"
RAW = SAMPLE / "raw"
"""The sample book's five articles as published on the web (page clutter and defects included)."""


def project_at(root: Path, **folders: Path) -> Project:
    """A project rooted at ``root`` with the default folders, some of them elsewhere (``cache=…``)."""
    from publish.project import FOLDERS

    paths = {key: folders.get(key, root / default) for key, (default, _) in FOLDERS.items()}
    return Project(root=root, **paths)


def sample_project(**folders: Path) -> Project:
    """The repository's own project (the sample book), with outputs and cache where the test says."""
    return project_at(REPO, **folders)


@pytest.fixture
def minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/roots/minimal copied to tmp_path/books/minimal in a project (publish.toml) at tmp_path, which is
    the working directory."""
    dest = tmp_path / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", dest)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return dest


SAMPLE_EPOCH = "1748908800"  # 2025-06-03T00:00:00Z


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every edition and format of the sample book, built once per test session (SOURCE_DATE_EPOCH fixed)."""
    from publish.build import BuildOptions, build

    out = tmp_path_factory.mktemp("build")
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        artifacts = build(sample_project(cache=cache), SAMPLE, BuildOptions(out=out, jobs=2))
    return {(a.edition, a.fmt): a.path for a in artifacts}
