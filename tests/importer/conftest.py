"""Fixtures of the importer tests: a copy of the sample book without its curated profiles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE

ARTICLES = Path(__file__).parent / "articles"
PROFILES = ("li-jinsong", "li-junmin", "li-ziming", "liu-ruijun", "wang-zhongmin")


@pytest.fixture
def sample_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """books/shanghai-doctors copied to tmp_path/book with profiles/ emptied, in a project at tmp_path (the
    working directory)."""
    book = tmp_path / "book"
    shutil.copytree(SAMPLE, book, ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copy(SAMPLE / "book.yaml", book / "book.yaml")
    shutil.copy(SAMPLE / "glossary.yaml", book / "glossary.yaml")
    (book / "profiles").mkdir(exist_ok=True)
    (tmp_path / "publish.toml").write_text("[project]\nbooks = \".\"\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return book
