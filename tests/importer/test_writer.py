"""The YAML writer: prose folded as ``>-`` that loads back to the same text; book.yaml edited by one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from publish.importer.writer import add_to_book, profile_text

TRICKY = [
    "A paragraph long enough to be folded, " * 6 + "ending here.",
    ("Two  spaces inside  a long paragraph are kept as they are, " * 3).strip(),
    "- a leading dash, # a hash, : a colon, and “quotes” in a paragraph long enough to be folded over lines.",
    "'single' and \"double\" quotes, a trailing colon:",
    "Short.",
]


@pytest.mark.parametrize("text", TRICKY)
def test_prose_loads_back(text: str) -> None:
    data = {"id": "x", "sections": [{"heading": "H: a colon", "paragraphs": [text]}], "editor_notes": [text]}
    out = profile_text(data, "a header\nsecond line")
    assert out.startswith("# a header\n# second line\n")
    assert YAML(typ="safe", pure=True).load(out) == data
    assert all(line == line.rstrip() for line in out.splitlines()), "no trailing white space"
    if len(text) > 100:
        assert ">-" in out and max(len(line) for line in out.splitlines()) < 120


def test_add_to_book_keeps_the_file(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    text = ("# comment\nid: b\ntrim: {width: 148mm, height: 210mm}\nrights: >-\n  Folded\n  text.\n"
            "people:\n  - id: p   # a person\n    family: P\nprofiles:\n  - a   # first\n  - b\n")
    book.write_text(text, encoding="utf-8")
    book.chmod(0o640)
    assert add_to_book(book, "c") is None
    assert book.read_text(encoding="utf-8") == text + "  - c\n"
    assert book.stat().st_mode & 0o777 == 0o640
    assert add_to_book(book, "c") is None and book.read_text(encoding="utf-8") == text + "  - c\n"


def test_add_to_book_refuses_a_lossy_edit(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    text = "id: b\nprofiles:\n- a\n-   b   # odd spacing\n"
    book.write_text(text, encoding="utf-8")
    assert add_to_book(book, "c") == "a round-trip edit would change other lines of book.yaml"
    assert book.read_text(encoding="utf-8") == text
    book.write_text("id: b\n", encoding="utf-8")
    assert add_to_book(book, "c") == "book.yaml has no 'profiles:' list"
