"""``publish import`` from the command line: refusals, --force, book.yaml edits, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from importer.conftest import ARTICLES
from importer.scoring import load
from publish import cli


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["import", *args])
    return result.exit_code, result.output


def test_refuses_to_overwrite_without_force(sample_book: Path) -> None:
    target = sample_book / "profiles" / "li-ziming.yaml"
    target.write_text("# the editor's own work\nid: li-ziming\n", encoding="utf-8")
    before = target.read_bytes()
    code, out = _run("book/raw/li-ziming.txt", "--book", "book")
    assert code == 1
    assert "book/profiles/li-ziming.yaml: error: profile exists: not overwritten (use --force" in out
    assert target.read_bytes() == before
    assert not list(target.parent.glob(".li-ziming.yaml.*"))  # no temporary file left
    code, out = _run("book/raw/li-ziming.txt", "--book", "book", "--force")
    assert code == 0, out
    assert load(target)["headline"] == "Medical Breakthroughs Lighting the Way to Better Lung Health"
    assert "passes `publish check`" in out


def test_one_refusal_writes_nothing(sample_book: Path) -> None:
    (sample_book / "profiles" / "li-ziming.yaml").write_text("id: li-ziming\n", encoding="utf-8")
    code, out = _run("book/raw/li-junmin.txt", "book/raw/li-ziming.txt", "--book", "book")
    assert code == 1 and "li-ziming.yaml: error: profile exists" in out
    assert not (sample_book / "profiles" / "li-junmin.yaml").exists()


def test_book_yaml_gets_one_line(sample_book: Path) -> None:
    book_yaml = sample_book / "book.yaml"
    original = book_yaml.read_text(encoding="utf-8").replace("  - li-jinsong\n", "")
    book_yaml.write_text(original, encoding="utf-8")
    code, out = _run("book/raw/li-jinsong.txt", "--book", "book", "--id", "li-jinsong")
    assert code == 2, out  # written, but not passing check yet: headline and publisher left to fill in
    assert book_yaml.read_text(encoding="utf-8") == original + "  - li-jinsong\n"  # comments and layout kept
    assert "left to fill in before `publish check` passes:" in out
    assert "book/profiles/li-jinsong.yaml:3:1: error: missing required field 'headline'" in out
    assert "error: missing required field 'source.publisher'" in out
    assert "book/raw/li-jinsong.txt: warning: the article has no copyright notice" in out


def test_flow_list_in_book_yaml(minimal: Path) -> None:
    code, out = _run(str(ARTICLES / "chen-hua.html"), "--book", "books/minimal")
    assert code == 0, out
    assert "profiles: [wang-fang, chen-hua]\n" in (minimal / "book.yaml").read_text(encoding="utf-8")
    assert (minimal / "profiles" / "chen-hua.yaml").is_file()


def test_book_yaml_that_cannot_be_edited_cleanly_is_left_alone(minimal: Path) -> None:
    book_yaml = minimal / "book.yaml"
    odd = book_yaml.read_text(encoding="utf-8").replace("profiles: [wang-fang]", "profiles:   [ wang-fang ]  # ours")
    book_yaml.write_text(odd, encoding="utf-8")
    code, out = _run(str(ARTICLES / "chen-hua.html"), "--book", "books/minimal")
    assert book_yaml.read_text(encoding="utf-8") == odd
    assert "book.yaml not changed (a round-trip edit would change other lines of book.yaml): add 'chen-hua'" in out
    assert code == 2 and "'chen-hua' is not in the 'profiles:' list yet" in out


def test_bad_input_is_located(minimal: Path, tmp_path: Path) -> None:
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("Dr. Chen Hua | Caf\u00e9 Medicine\nline two\n".encode("latin-1"))
    code, out = _run(str(latin1), "--book", "books/minimal")
    assert code == 1 and "old.txt:1: error: not UTF-8 text" in out and "Traceback" not in out
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    code, out = _run(str(pdf), "--book", "books/minimal")
    assert code == 1 and "unknown article format '.pdf'" in out
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    code, out = _run(str(broken), "--book", "books/minimal")
    assert code == 1 and "broken.docx: error: not a Word document" in out
    code, out = _run(str(ARTICLES / "chen-hua.html"), "--book", "books/nowhere")
    assert code == 1 and "no book.yaml" in out
    code, out = _run(str(ARTICLES / "chen-hua.html"), "--book", "books/minimal", "--id", "Chen Hua")
    assert code == 1 and "'Chen Hua' is not a profile id" in out
    assert sorted(p.name for p in (minimal / "profiles").iterdir()) == ["wang-fang.yaml"]  # nothing written


def test_into_a_new_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`publish init`, then an import into its commented book.yaml: one line added, the rest untouched."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli.main, ["init", "press"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "press")
    book_yaml = Path("books/my-book/book.yaml")
    before = book_yaml.read_text(encoding="utf-8")
    code, out = _run(str(ARTICLES / "chen-hua.html"))  # --book defaults to the project's only book
    assert before.replace("  - first-profile\n", "  - first-profile\n  - chen-hua\n") == \
        book_yaml.read_text(encoding="utf-8")
    assert code == 2 and re.search(r"chen-hua\.yaml:\d+:\d+: error: missing required field 'source.publisher'", out)
    assert "the article's editor is “Zhang Wei”, who is not in book.yaml's people" in out
