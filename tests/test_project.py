"""The project: publish.toml found from any folder, init, books that never touch each other, themes."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from helpers import publish
from publish import assets
from publish.errors import PublishError
from publish.project import load_project


def snapshot(*roots: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for root in roots for p in sorted(root.rglob("*")) if p.is_file() and ".publish-cache" not in p.parts}


def test_project_is_found_from_any_folder_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "publish.toml").write_text('[project]\nbooks = "src/books"\n', encoding="utf-8")
    deep = tmp_path / "src" / "books" / "x" / "profiles"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    project = load_project()
    assert project.root == tmp_path.resolve() and project.books == (tmp_path / "src" / "books").resolve()
    assert project.locales == tmp_path.resolve() / "locales"


@pytest.mark.parametrize(("text", "line", "words"), [
    ('[project]\nbooks = "books"\nlocale = "l"\n', 3, "unknown key 'locale'"),
    ('[project]\n\nbuild = "../elsewhere"\n', 3, "outside the project"),
    ('[defaults]\njobs = 0\n', 2, "whole number"),
    ('[defaults]\njobs = 2\nparts = "yes"\n', 3, "true, false or"),
    ('[defaults]\nlayout = "parts"\n', 2, "known: jobs, parts"),
    ('[project\n', 1, "not valid TOML"),
])
def test_bad_project_file_is_located(tmp_path: Path, text: str, line: int, words: str) -> None:
    (tmp_path / "publish.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PublishError) as info:
        load_project(tmp_path)
    problem = info.value.problems[0]
    assert problem.location.path.endswith("publish.toml") and problem.location.line == line
    assert words in problem.message


def test_outside_any_project_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = publish("check", code=2)
    assert "not inside a publish project" in out and "publish init" in out


def test_init_makes_a_project_that_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    publish("init", "proj", "--book", "first", "--title", "First Book")
    for name in ("publish.toml", "TRANSLATING.md", ".gitignore", "books/first/book.yaml", "books/first/README.md",
                 "books/first/glossary.yaml", "books/first/profiles/first-profile.yaml",
                 "locales/first/first-profile.pot", "locales/zh_Hans/LC_MESSAGES/first/book.po"):
        assert (tmp_path / "proj" / name).is_file(), name
    monkeypatch.chdir(tmp_path / "proj" / "books" / "first" / "profiles")
    out = publish("check")
    assert "0 error(s)" in out
    # nothing is overwritten: the same book again is refused, and the project file is untouched
    before = snapshot(tmp_path / "proj")
    out = publish("init", str(tmp_path / "proj"), "--book", "first", code=2)
    assert "exists: nothing written" in out
    assert snapshot(tmp_path / "proj") == before


def test_a_second_book_never_touches_the_first_or_the_toolkit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    publish("init", "proj", "--book", "one")
    project = tmp_path / "proj"
    first = snapshot(project)
    toolkit = snapshot(assets.PACKAGE)
    publish("init", str(project), "--book", "two")
    monkeypatch.chdir(project)
    book = project / "books" / "two"
    profile = book / "profiles" / "first-profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("Early Years", "Later Years"), encoding="utf-8")
    publish("catalog", "extract", "two")
    publish("catalog", "update", "two")
    publish("catalog", "convert", "two")
    after = snapshot(project)
    changed = sorted(p for p in set(first) | set(after) if first.get(p) != after.get(p))
    assert changed, "the second book wrote nothing at all"
    mine = ("/books/two/", "/locales/two/", "/LC_MESSAGES/two/")
    assert [p for p in changed if not any(m in p for m in mine)] == []
    assert snapshot(assets.PACKAGE) == toolkit


THEME_CSS = """
@page { size: 130mm 190mm; }
h1, h2 { color: #8a1538; }
"""


def themed_project(tmp_path: Path, theme: str) -> Path:
    publish("init", str(tmp_path / "proj"), "--book", "themed")
    folder = tmp_path / "proj" / "themes" / "garnet"
    folder.mkdir(parents=True)
    (folder / "book.css").write_text(THEME_CSS, encoding="utf-8")
    (folder / "theme.toml").write_text('[fonts]\nlatin = "DejaVu Serif"\n', encoding="utf-8")
    book = tmp_path / "proj" / "books" / "themed" / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("theme: default ", f"theme: {theme} "), encoding="utf-8")
    return book


@pytest.mark.slow
def test_a_book_builds_with_its_own_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    themed_project(tmp_path, "garnet")
    monkeypatch.chdir(tmp_path / "proj")
    publish("build", "themed", "-e", "en", "-f", "pdf", "-f", "epub")
    pdf = tmp_path / "proj" / "build" / "themed" / "en" / "themed-en.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Serif" in fonts and "EBGaramond" not in fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert "368.5 x 538.58 pts" in size or "368.504 x 538.583" in size, size   # 130 mm × 190 mm
    import zipfile

    with zipfile.ZipFile(tmp_path / "proj" / "build" / "themed" / "en" / "themed-en.epub") as z:
        css = z.read("EPUB/css/book.css").decode("utf-8")
        fonts_in = [n for n in z.namelist() if "dejavu" in n.lower()]
    assert "#8a1538" in css and '"DejaVu Serif"' in css and fonts_in, (fonts_in, css[-300:])


@pytest.mark.parametrize(("theme", "words"), [("../../outside", "outside the project"), ("nowhere", "not found")])
def test_a_theme_outside_the_project_or_missing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           theme: str, words: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outside").mkdir()
    book = themed_project(tmp_path, theme)
    monkeypatch.chdir(tmp_path / "proj")
    out = publish("check", "themed", code=2)
    line = next(n for n, t in enumerate(book.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("theme:"))
    assert f"book.yaml:{line}:" in out and words in out, out


def test_a_theme_font_that_is_not_installed_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    themed_project(tmp_path, "garnet")
    (tmp_path / "proj" / "themes" / "garnet" / "theme.toml").write_text('[fonts]\n\nserif = "No Such Font {region}"\n',
                                                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path / "proj")
    out = publish("check", "themed", code=2)
    assert "theme.toml:3:" in out and "No Such Font SC" in out, out


def test_jobs_auto_is_the_cores_of_this_machine(tmp_path: Path) -> None:
    import os

    from publish.project import cores

    assert cores() == min(64, len(os.sched_getaffinity(0)))
    (tmp_path / "publish.toml").write_text('[defaults]\njobs = "auto"\n', encoding="utf-8")
    assert load_project(tmp_path).jobs == cores()
    (tmp_path / "publish.toml").write_text('[project]\n', encoding="utf-8")
    assert load_project(tmp_path).jobs == cores()          # "auto" is the default
    (tmp_path / "publish.toml").write_text('[defaults]\njobs = 1\n', encoding="utf-8")
    assert load_project(tmp_path).jobs == 1
    (tmp_path / "publish.toml").write_text('[defaults]\njobs = "many"\n', encoding="utf-8")
    with pytest.raises(PublishError) as info:
        load_project(tmp_path)
    assert info.value.problems[0].location.line == 2 and '"auto"' in info.value.problems[0].message


@pytest.mark.parametrize(("value", "code", "words"), [("auto", 0, ""), ("0", 2, "range 1 to 64"),
                                                      ("some", 2, "neither a number nor 'auto'")])
def test_jobs_option_accepts_auto(value: str, code: int, words: str) -> None:
    from click.testing import CliRunner

    from publish.cli import JOBS, main
    from publish.project import cores

    if code == 0:
        assert JOBS.convert(value, None, None) == cores() and JOBS.convert("3", None, None) == 3
    for command in ("build", "release"):
        args = [command, "--jobs", value, "--help"] if code == 0 else [command, "--jobs", value]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == code, result.output
        assert words in result.output


def test_parts_are_auto_by_default_and_the_environment_may_force_either(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.project import AUTO_PARTS
    from publish.schedule import in_parts

    monkeypatch.delenv("PUBLISH_PARTS", raising=False)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    auto = load_project(tmp_path)
    assert auto.parts is None and not in_parts(auto, AUTO_PARTS - 1) and in_parts(auto, AUTO_PARTS)
    # a bilingual edition prints every profile twice: half as many profiles make as long an edition
    assert in_parts(auto, AUTO_PARTS // 2, languages=2) and not in_parts(auto, AUTO_PARTS // 2 - 1, languages=2)
    (tmp_path / "publish.toml").write_text("[defaults]\nparts = false\n", encoding="utf-8")
    whole = load_project(tmp_path)
    assert whole.parts is False and not in_parts(whole, 100)
    (tmp_path / "publish.toml").write_text("[defaults]\nparts = true\n", encoding="utf-8")
    assert in_parts(load_project(tmp_path), 1)
    monkeypatch.setenv("PUBLISH_PARTS", "on")
    assert in_parts(whole, 1)
    monkeypatch.setenv("PUBLISH_PARTS", "off")
    assert not in_parts(auto, 100)
