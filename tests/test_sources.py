"""The loader and `publish check`: every bad input gets a located message; good input loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from publish.cli import main
from publish.errors import Problem
from publish.model import Profile
from publish.sources import check_book, load_book

BOOK = "books/minimal/book.yaml"
PROFILE = "books/minimal/profiles/wang-fang.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root.parent.parent / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[Problem]:
    _, problems = check_book(root)
    return problems


# (id, file, old text, new text, expected file, expected line, message fragment, severity)
CASES = [
    ("duplicate-key", PROFILE, "headline: A Life in Hematology",
     "headline: A Life in Hematology\nheadline: Again", PROFILE, 4,
     "duplicate key 'headline' (first on line 3, again on line 4)", "error"),
    ("unknown-key", PROFILE, "headline:", "headlin:", PROFILE, 3,
     "unknown key 'headlin' (did you mean 'headline'?)", "error"),
    ("missing-field", PROFILE, "headline: A Life in Hematology\n", "", PROFILE, 1,
     "missing required field 'headline'", "error"),
    ("wrong-type", PROFILE, "      answer: The patients.", "      answer: {a: b}", PROFILE, 26,
     "'interview.exchanges[0].answer' must be a list, not mapping", "error"),
    ("isbn-check-digit", BOOK, "978-0-9999900-1-8", "978-0-9999900-1-9", BOOK, 18,
     "ISBN 978-0-9999900-1-9 has a wrong check digit (expected 8)", "error"),
    ("isbn-duplicate", BOOK, "978-0-9999900-4-9", "978-0-9999900-1-8", BOOK, 21,
     "duplicate ISBN '9780999990018' (first on line 18)", "error"),
    ("isbn-garbage", BOOK, "978-0-9999900-2-5", "12345", BOOK, 18, "'12345' is not a valid ISBN", "error"),
    ("unknown-locale", BOOK, "locales: [zh_Hans]", "locales: [zz_Qqqq]", BOOK, 20,
     "unknown locale code 'zz_Qqqq'", "error"),
    ("profile-missing-on-disk", BOOK, "profiles: [wang-fang]", "profiles: [wang-fang, li-si]", BOOK, 24,
     "profile 'li-si' is listed but books/minimal/profiles/li-si.yaml does not exist", "error"),
    ("profile-duplicate", BOOK, "profiles: [wang-fang]", "profiles: [wang-fang, wang-fang]", BOOK, 24,
     "duplicate profile 'wang-fang' (first on line 24)", "error"),
    ("profile-id-mismatch", PROFILE, "id: wang-fang", "id: wang-fan", PROFILE, 1,
     "profile id 'wang-fan' differs from its file name 'wang-fang.yaml'", "error"),
    ("bad-id", PROFILE, "id: wang-fang", "id: Wang_Fang", PROFILE, 1,
     "'id' must be a lowercase id of letters, digits and hyphens", "error"),
    ("bad-date", PROFILE, 'updated: "2025-06-03"', "updated: 03/06/2025", PROFILE, 30,
     "'source.updated' must be a date written YYYY-MM-DD", "error"),
    ("bad-visits", PROFILE, 'visits: "8328"', "visits: many", PROFILE, 31,
     "'source.visits' must be a whole number", "error"),
    ("unknown-relator", BOOK, "roles: [edt]", "roles: [edtr]", BOOK, 14,
     "unknown MARC relator code 'edtr' (did you mean 'edt', editor?)", "error"),
    ("unknown-person", PROFILE, "editor: ed-one", "editor: ed-on", PROFILE, 32,
     "no person with id 'ed-on' in book.yaml (did you mean 'ed-one'?)", "error"),
    ("bad-choice", PROFILE, "status: cleared", "status: done", PROFILE, 35,
     "'rights.status' input should be 'cleared' or 'pending': got 'done'", "error"),
    ("python-tag", PROFILE, "headline: A Life", "headline: !!python/object/apply:os.system A Life", PROFILE, 3,
     "YAML tag !!python/object/apply:os.system is not allowed", "error"),
    ("syntax-error", PROFILE, "headline: A Life in Hematology", "headline: [A Life in Hematology", PROFILE, 4,
     "invalid YAML", "error"),
    ("tab", PROFILE, "  degrees: [MD]", "  degrees:\t[MD]", PROFILE, 5, "tab character", "error"),
    ("path-escape", BOOK, "trim:", "glossary: ../../../etc/passwd\ntrim:", BOOK, 8,
     "leaves the book folder", "error"),
    ("glossary-missing", BOOK, "trim:", "glossary: missing.yaml\ntrim:", BOOK, 8,
     "does not exist", "error"),
    ("control-in-id", BOOK, "id: ed-one", "id: \"ed\\x01one\"", BOOK, 10,
     "control character U+0001", "error"),
    ("zero-width-in-prose", PROFILE, "headline: A Life in Hematology", "headline: \"A\\u200b Life\"", PROFILE, 3,
     "zero-width character U+200B", "warning"),
    ("bidi-in-metadata", PROFILE, "contact: editor@example.org", "contact: \"editor@example.org\\u202e\"",
     PROFILE, 33, "bidi control character U+202E", "error"),
    ("bidi-in-prose", PROFILE, "answer: The patients.", "answer: \"The \\u2067patients.\"", PROFILE, 26,
     "bidi control character U+2067", "warning"),
    ("white-space", PROFILE, "headline: A Life in Hematology", "headline: \" A Life in Hematology\"", PROFILE, 3,
     "text starts or ends with white space", "error"),
    ("pending-rights", PROFILE, "status: cleared", "status: pending", PROFILE, 35,
     "rights are pending", "warning"),
    ("incomplete-rights", PROFILE, "  editor: ed-one\n", "", PROFILE, 34,
     "rights record incomplete: no editor credit (source.editor)", "warning"),
]


@pytest.mark.parametrize(("file", "old", "new", "where", "line", "fragment", "severity"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_located(minimal: Path, file: str, old: str, new: str, where: str, line: int,
                              fragment: str, severity: str) -> None:
    edit(minimal, file, old, new)
    found = [p for p in problems_of(minimal) if fragment in p.message]
    assert found, f"no problem containing {fragment!r}: {[p.format() for p in problems_of(minimal)]}"
    problem = found[0]
    assert problem.location.path == where
    assert problem.location.line == line
    assert problem.severity.value == severity


def test_good_book_loads_without_problems(minimal: Path) -> None:
    sources = load_book(minimal)
    assert problems_of(minimal) == []
    profile = sources.profile("wang-fang")
    assert isinstance(profile, Profile)
    assert profile.source.visits == 8328
    assert profile.interview is not None and profile.interview.exchanges[0].answer == ("The patients.",)
    with pytest.raises(ValidationError):  # frozen
        profile.id = "x"  # type: ignore[misc]


def test_yaml_12_keeps_typed_text(minimal: Path) -> None:
    """PyYAML's 1.1 rules would make these False, an octal int and a date."""
    edit(minimal, BOOK, 'year: "2025"', "year: 2025")
    edit(minimal, PROFILE, 'updated: "2025-06-03"', "updated: 2025-06-03")
    sources = load_book(minimal)
    assert sources.book.copyright.year == "2025"
    assert sources.profile("wang-fang").source.updated == "2025-06-03"


def test_yaml_12_no_is_a_locale_code_not_false(minimal: Path) -> None:
    """``no`` (Norwegian) stays the text 'no': refused as a locale the toolkit cannot publish, not as a boolean."""
    edit(minimal, BOOK, "source_locale: en", "source_locale: no")
    (problem,) = [p for p in problems_of(minimal) if p.is_error]
    assert "locale 'no' is not one this toolkit publishes" in problem.message and problem.location.line == 2


def test_all_problems_reported_in_one_run(minimal: Path) -> None:
    edit(minimal, PROFILE, "headline:", "headlin:")
    edit(minimal, PROFILE, "status: cleared", "status: done")
    edit(minimal, BOOK, "978-0-9999900-1-8", "978-0-9999900-1-9")
    errors = [p for p in problems_of(minimal) if p.is_error]
    assert len(errors) >= 3
    assert {p.location.path for p in errors} == {BOOK, PROFILE}


def test_non_utf8_file(minimal: Path) -> None:
    path = minimal / "profiles" / "wang-fang.yaml"
    path.write_bytes(path.read_bytes().replace(b"Hematology", "H\xe9matology".encode("latin-1")))
    (problem,) = problems_of(minimal)
    assert problem.location.line == 3 and problem.location.col == 22
    assert "not UTF-8: byte 0xe9" in problem.message


def test_file_not_a_mapping(minimal: Path) -> None:
    (minimal / "profiles" / "wang-fang.yaml").write_text("- id: wang-fang\n- x\n", encoding="utf-8")
    (problem,) = problems_of(minimal)
    assert (problem.location.path, problem.location.line) == (PROFILE, 1)
    assert problem.message == "the file must be a mapping of keys to values, not a list"


def test_empty_file(minimal: Path) -> None:
    (minimal / "profiles" / "wang-fang.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (problem,) = problems_of(minimal)
    assert (problem.location.path, problem.message) == (PROFILE, "file is empty")


def test_unlisted_profile_on_disk(minimal: Path) -> None:
    (minimal / "profiles" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
    (problem,) = problems_of(minimal)
    assert problem.location.path == "books/minimal/profiles/stray.yaml"
    assert "not listed in book.yaml" in problem.message


def test_profile_symlink_leaving_book(minimal: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    target = minimal / "profiles" / "wang-fang.yaml"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)
    found = [p for p in problems_of(minimal) if "leaves the book folder" in p.message]
    assert found and found[0].location.path == BOOK


def test_alias_bomb_is_capped(minimal: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 12)]
    (minimal / "profiles" / "wang-fang.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = [p.message for p in problems_of(minimal)]
    assert any("alias expansion is capped" in m for m in messages), messages


def test_check_command_exit_codes_and_format(minimal: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["check", "books/minimal"])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s), 0 warning(s)" in ok.output
    edit(minimal, BOOK, "978-0-9999900-1-8", "978-0-9999900-1-9")
    edit(minimal, PROFILE, "status: cleared", "status: pending")
    bad = runner.invoke(main, ["check", "books/minimal"])
    assert bad.exit_code == 2
    assert f"{BOOK}:18:43: error: ISBN 978-0-9999900-1-9 has a wrong check digit" in bad.output
    assert f"{PROFILE}:35:11: warning: rights are pending" in bad.output
    assert "Traceback" not in bad.output


def test_strict_makes_warnings_fatal(minimal: Path) -> None:
    edit(minimal, PROFILE, "status: cleared", "status: pending")
    runner = CliRunner()
    assert runner.invoke(main, ["check", "books/minimal"]).exit_code == 0
    assert runner.invoke(main, ["check", "--strict", "books/minimal"]).exit_code == 2


def test_missing_book_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "books/nope"])
    assert result.exit_code == 2
    assert "books/nope/book.yaml: error: book folder does not exist" in result.output


def test_a_reused_anchor_is_a_located_error(tmp_path: Path) -> None:
    """ruamel only warns of ``&a [&a`` (the fuzzer found it): a located error, not a stray warning."""
    from publish.yamlsource import read_yaml

    path = tmp_path / "x.yaml"
    path.write_bytes(b"&a[&a")
    (problem,) = read_yaml(path, "x.yaml").problems
    assert problem.format() == "x.yaml:1:4: error: invalid YAML: found duplicate anchor 'a'"


def test_parses_kept_in_the_cache_give_the_same_sources_and_follow_every_edit(minimal: Path, tmp_path: Path) -> None:
    """With the project's cache, a file read before with the same text is not parsed again: the sources are
    equal to a fresh parse (data and every location), an edited file is parsed again, a file with a problem
    is never kept, and a damaged kept parse is parsed again."""
    cache = tmp_path / "cache"
    fresh = load_book(minimal)
    first = load_book(minimal, cache)
    kept = sorted((cache / "sources").glob("*.json"))
    assert len(kept) == 1 + len(fresh.profiles)                  # book.yaml and each profile
    again = load_book(minimal, cache)
    assert again == first == fresh and again.documents == fresh.documents
    assert [d.values for d in again.documents.values()] == [d.values for d in fresh.documents.values()]
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    edit(minimal, PROFILE, "id: wang-fang\n", "id: wang-fang\n\n")  # a line more: every location below moves
    edited = load_book(minimal, cache)
    assert edited.documents["wang-fang"].values == load_book(minimal).documents["wang-fang"].values
    assert edited.documents["wang-fang"].values != fresh.documents["wang-fang"].values
    assert sum(p.stat().st_mtime_ns != stamps[p] for p in kept) == 1   # only the edited file's parse replaced
    # a problem (a duplicate key) is reported each time, from a real parse: such a file is not kept
    edit(minimal, PROFILE, "id: wang-fang\n", "id: wang-fang\nid: wang-fang\n")
    for _ in range(2):
        _, problems = check_book(minimal, cache)
        assert any(p.kind == "yaml.duplicate-key" and p.location.line == 2 for p in problems), problems
    edit(minimal, PROFILE, "id: wang-fang\nid: wang-fang\n", "id: wang-fang\n")
    load_book(minimal, cache)
    for path in kept:
        path.write_bytes(b'{"key": ')                                 # damaged: parsed again, same result
    assert load_book(minimal, cache).documents == load_book(minimal).documents


def test_a_kept_parse_serves_a_file_shown_by_another_name(tmp_path: Path) -> None:
    """A build started from another folder shows each source by another relative path: the kept parse is used
    (not parsed again) and its locations name the file as this run shows it."""
    from publish.yamlsource import read_yaml

    cache = tmp_path / "cache"
    path = tmp_path / "p.yaml"
    path.write_text("id: x\nname:\n  en: X\n", encoding="utf-8")
    first = read_yaml(path, "books/b/p.yaml", cache)
    (kept,) = (cache / "sources").glob("*.json")
    stamp = kept.stat().st_mtime_ns
    again = read_yaml(path, "../b/p.yaml", cache)
    assert kept.stat().st_mtime_ns == stamp                         # read, not written again
    assert again.data == first.data and again.values == first.values
    assert str(again.locate(("name", "en"))) == "../b/p.yaml:3:7"
