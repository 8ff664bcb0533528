"""Shared fixtures: small books copied into tmp_path so tests may break them freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
SAMPLE = REPO / "books" / "shanghai-doctors"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/roots/minimal copied to tmp_path/books/minimal; the working directory is tmp_path."""
    dest = tmp_path / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", dest)
    monkeypatch.chdir(tmp_path)
    return dest
