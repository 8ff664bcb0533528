"""publish.serve.static: a URL path names a file inside its folder, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.serve import static


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "project"
    book = project / "books" / "b"
    (book / "css").mkdir(parents=True)
    (book / "css" / "extra.css").write_text("p { color: red; }", encoding="utf-8")
    (book / "book.yaml").write_text("id: b\n", encoding="utf-8")
    (project / "secret.css").write_text("/* the project's, not the book's */", encoding="utf-8")
    (tmp_path / "outside.css").write_text("/* outside */", encoding="utf-8")
    (book / "out.css").symlink_to(tmp_path / "outside.css")
    (book / "up").symlink_to(tmp_path)
    return project, book


def test_a_stylesheet_inside_is_found(tree: tuple[Path, Path]) -> None:
    project, book = tree
    assert static.resolve(book, "css/extra.css", project=project) == (book / "css" / "extra.css").resolve()
    assert static.resolve(book, "css/%65xtra.css", project=project) == (book / "css" / "extra.css").resolve()


@pytest.mark.parametrize("raw", ["book.yaml", "css/missing.css", "css"])
def test_sources_and_missing_files_are_not_sent(tree: tuple[Path, Path], raw: str) -> None:
    project, book = tree
    assert static.resolve(book, raw, project=project) is None


@pytest.mark.parametrize("raw", [
    "../secret.css", "css/../../secret.css", "%2e%2e/secret.css", "%2E%2E%2Fsecret.css", "css/%2e%2e/%2e%2e/secret.css",
    "/etc/passwd", "%2fetc%2fpasswd", "..\\secret.css", "css%5c..%5c..%5csecret.css", "css//extra.css",
    "./css/extra.css", "out.css", "up/outside.css", "css/extra.css%00.png",
])
def test_leaving_the_folder_is_refused(tree: tuple[Path, Path], raw: str) -> None:
    project, book = tree
    with pytest.raises(static.Refused):
        static.resolve(book, raw, project=project)


def test_a_folder_outside_the_project_is_refused_even_when_named(tree: tuple[Path, Path], tmp_path: Path) -> None:
    project, _ = tree
    with pytest.raises(static.Refused):
        static.resolve(tmp_path, "outside.css", project=project)
    assert static.resolve(tmp_path, "outside.css", project=None) == (tmp_path / "outside.css").resolve()


def test_url_of_a_file(tree: tuple[Path, Path]) -> None:
    project, book = tree
    assert static.url({"book": book}, book / "css" / "extra.css") == "/static/book/css/extra.css"
    assert static.url({"book": book}, project / "secret.css") is None
