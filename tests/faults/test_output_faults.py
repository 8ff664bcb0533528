"""The machine misbehaves (disk full, read-only or forbidden output), the input plays tricks
(symlinks out of the book, a hostile release version), or nothing changed: a located error naming the
path with the exit code of its stage, no traceback, previous outputs intact, no temporary file."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish.cli import main

from .harness import BOOK, PROFILE, Project, assert_refused, digest_tree, temp_files

PDF = "build/minimal/en/minimal-en.pdf"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _failing(monkeypatch: pytest.MonkeyPatch, target: str, code: int) -> None:
    """Make ``os.replace`` (the last step of every atomic write) fail with ``code`` for names under ``target``."""
    real = os.replace

    def replace(src, dst, *a, **k):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN002, ANN003
        if str(dst).startswith(target) or os.path.abspath(dst).startswith(os.path.abspath(target)):
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT])
def test_build_output_fault_is_located(minimal: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Issue 16, Weak: exit 70 "internal error" and a traceback; now exit 4 naming the file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")
    assert _invoke("build", "books/minimal", "-e", "en", "-f", "pdf")[0] == 0
    before = Path(PDF).read_bytes()
    (minimal / "profiles" / "wang-fang.yaml").write_text(
        (minimal / "profiles" / "wang-fang.yaml").read_text(encoding="utf-8").replace("The patients.", "Them."),
        encoding="utf-8")
    _failing(monkeypatch, "build", code)
    exit_code, output = _invoke("build", "books/minimal", "-e", "en", "-f", "pdf")
    assert exit_code == 4, output
    assert f"{PDF}: error: {os.strerror(code)}" in output
    assert "Traceback" not in output and "internal error" not in output
    assert Path(PDF).read_bytes() == before
    assert not temp_files(Path.cwd())


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_catalogue_output_fault_is_located(minimal: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    _failing(monkeypatch, "locales", code)
    exit_code, output = _invoke("catalog", "extract", "books/minimal")
    assert exit_code == 3, output
    assert f"locales/minimal/book.pot: error: {os.strerror(code)}" in output
    assert "Traceback" not in output
    assert not temp_files(Path.cwd())


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_release_output_fault_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    from publish import atomic

    from .test_signals import _one_edition

    project = Project.fresh(tmp_path)
    _one_edition(project)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")

    real = atomic.replace_folder

    def full(tmp: Path, target: Path) -> None:
        if target.parent.name != "dist":
            return real(tmp, target)  # the edition cache: written
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic, "replace_folder", full)
    exit_code, output = _invoke("release", "books/minimal", "--version", "1.0.0", "--jobs", "1")
    assert exit_code == 5, output
    assert f"dist/minimal-1.0.0: error: cannot write the bundle: {os.strerror(code)}" in output
    assert "Traceback" not in output
    assert not (tmp_path / "dist" / "minimal-1.0.0").exists() and not temp_files(tmp_path)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 160 KB tmpfs (root only): room for one small PDF, not for a second beside it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)],
                                           capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_disk_full_for_real(tmp_path: Path, small_disk: Path) -> None:
    project = Project.fresh(tmp_path)
    out = str(small_disk)
    assert project.run("build", "books/minimal", "-e", "en", "-f", "pdf", "--out", out).code == 0
    before = digest_tree(small_disk)
    project.edit(PROFILE, "The patients.", "The patients, always.")
    outcome = project.run("build", "books/minimal", "-e", "en", "-f", "pdf", "--out", out)
    assert outcome.code == 4, outcome.err
    assert "disk/minimal/en/minimal-en.pdf: error: No space left on device" in outcome.err
    assert not outcome.traceback
    assert digest_tree(small_disk) == before and not temp_files(small_disk)


@pytest.mark.slow
def test_read_only_output_for_real(tmp_path: Path, small_disk: Path) -> None:
    project = Project.fresh(tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    outcome = project.run("build", "books/minimal", "-e", "en", "-f", "pdf", "--out", str(small_disk))
    assert outcome.code == 4, outcome.err
    assert "disk/minimal: error: Read-only file system" in outcome.err
    assert not outcome.traceback


def test_release_version_refused_before_anything_builds(tmp_path: Path) -> None:
    """Issue 16, Weak: ``--version '<b>'`` was refused only after every edition was built."""
    project = Project.fresh(tmp_path)
    for version in ("<b>", "../1.0", "1.0 beta", ".1", "1" * 65, "1.0\n"):
        outcome = project.run("release", "books/minimal", "--version", version)
        assert_refused(outcome, 5, "give a plain version")
        assert outcome.seconds < 10
        assert not (tmp_path / "build").exists() and not (tmp_path / ".publish-cache").exists()


def test_edition_without_any_catalogue_is_refused(tmp_path: Path) -> None:
    """Issue 16, Weak: a zh_TW edition with no catalogue built an untranslated edition, exit 0."""
    project = Project.fresh(tmp_path)
    outcome = project.run("build", "books/minimal", "-e", "zh-Hant", "-f", "pdf")
    assert_refused(outcome, 3, "no catalogue for zh_Hant", BOOK, 23)
    project.edit(BOOK, "  - id: zh-Hant\n    locales: [zh_Hant]", "  - id: zh-TW\n    locales: [zh_TW]")
    outcome = project.run("build", "books/minimal", "-e", "zh-TW", "-f", "pdf")  # zh_TW: no fonts, no labels
    assert_refused(outcome, 2, "locale 'zh_TW' is not one this toolkit publishes", BOOK, 23)


def test_untouched_sources_extract_rewrites_nothing(minimal: Path) -> None:
    """Issue 16, Weak: the first extract on a fresh checkout rewrote every template (Babel's version
    stamp differed from the machine that wrote them)."""
    assert _invoke("catalog", "extract", "books/minimal")[0] == 0
    pot = Path("locales/minimal/wang-fang.pot")
    text = pot.read_text(encoding="utf-8")
    stamp = next(line for line in text.splitlines() if line.startswith('"Generated-By: Babel'))
    aged = text.replace(stamp, '"Generated-By: Babel 0.9.6\\n"').replace(
        datetime.now(UTC).strftime("%Y-"), "2019-")
    pot.write_text(aged, encoding="utf-8")
    code, output = _invoke("catalog", "extract", "books/minimal")
    assert code == 0 and "unchanged locales/minimal/wang-fang.pot" in output, output
    assert pot.read_text(encoding="utf-8") == aged


@pytest.mark.slow
def test_sample_extract_on_a_fresh_checkout_rewrites_nothing(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(repo), str(tmp_path / "c")], check=True)
    project = Project(tmp_path / "c")
    outcome = project.run("catalog", "extract", "books/shanghai-doctors")
    assert outcome.code == 0, outcome.err
    status = subprocess.run(["git", "status", "--porcelain", "locales"], cwd=project.root, capture_output=True,
                            text=True, check=True).stdout
    assert not status, status


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return secret


def test_phrase_file_through_a_symlink_out_of_the_book(tmp_path: Path, outside: Path) -> None:
    """Issue 16, Weak: the OpenCC phrase file was followed out of the book (/etc/passwd read as phrases)."""
    project = Project.fresh(tmp_path)
    (project.book / "opencc-phrases.txt").symlink_to(outside)
    outcome = project.run("catalog", "convert", "books/minimal", "--from", "zh_Hans", "--to", "zh_Hant")
    assert_refused(outcome, 3, "leads outside the book folder", "books/minimal/opencc-phrases.txt")


@pytest.mark.parametrize("command", [("check", "books/minimal"), ("catalog", "check", "locales")])
def test_glossary_through_a_symlink_out_of_the_book(tmp_path: Path, outside: Path, command: tuple[str, ...]) -> None:
    project = Project.fresh(tmp_path)
    assert project.run("catalog", "extract", "books/minimal").code == 0
    assert project.run("catalog", "update", "books/minimal", "-l", "zh_Hans").code == 0
    glossary = outside.parent / "glossary.yaml"
    glossary.write_text("terms: []\n", encoding="utf-8")
    (project.book / "glossary.yaml").symlink_to(glossary)
    project.edit(BOOK, "trim:", "glossary: glossary.yaml\ntrim:")
    outcome = project.run(*command)
    assert_refused(outcome, 2, "leaves the book folder", BOOK, 8)


def test_profile_through_a_symlink_out_of_the_book(tmp_path: Path) -> None:
    project = Project.fresh(tmp_path)
    real = project.root / PROFILE
    moved = tmp_path / "elsewhere.yaml"
    real.rename(moved)
    real.symlink_to(moved)
    outcome = project.run("check", "books/minimal")
    assert_refused(outcome, 2, "leaves the book folder", BOOK, 24)


def test_markup_in_sources_is_printed_as_text(minimal: Path) -> None:
    """Clean already: HTML and ``{{ }}`` in a source are text in the page, never markup or template code."""
    from conftest import project_at
    from publish.build import prepare
    from publish.sources import load_book
    from publish.theme import resolve

    profile = minimal / "profiles" / "wang-fang.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "headline: A Life in Hematology", "headline: '<script>alert(1)</script> {{ 7 * 7 }} {% raw %}'"),
        encoding="utf-8")
    sources = load_book(minimal)
    project = project_at(Path.cwd())
    html = prepare(project, sources, sources.book.editions[0], resolve(project, sources), draft=False,
                   when=datetime(2025, 6, 3, tzinfo=UTC)).html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }} {% raw %}" in html
    assert "<script>" not in html and " 49 " not in html
