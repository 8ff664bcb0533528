"""Bad sources through the real command: each refused at ``publish check`` with its file and line,
with the same code the later stages use (``build`` refuses them the same way), nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.sources import load_book

from .harness import BOOK, PROFILE, Project, assert_refused

LONG = "x" * 10_000

# (id, file, old text, new text, message fragment, line of the error)
REFUSED = [
    # issue 16, Broken: impossible and full-width dates were accepted by check, crashed the build
    ("date-impossible", PROFILE, 'updated: "2025-06-03"', 'updated: "2025-02-30"', "not a date of the calendar", 30),
    ("date-fullwidth", PROFILE, 'updated: "2025-06-03"', 'updated: "２０２５-０６-０３"', "in ASCII digits", 30),
    ("year-fullwidth", BOOK, 'year: "2025"', 'year: "２０２５"', "four ASCII digits", 6),
    ("visits-fullwidth", PROFILE, 'visits: "8328"', 'visits: "８３２８"', "must be a whole number", 31),
    # Weak: full-width ISBN digits, deprecated language codes
    ("isbn-fullwidth", BOOK, "978-0-9999900-0-1", "９７８-０-９９９９９００-０-１", "full-width digits", 18),
    ("locale-iw", BOOK, "locales: [zh_Hans]", "locales: [iw]", "'iw' is deprecated", 20),
    ("locale-in", BOOK, "locales: [zh_Hans]", "locales: [in]", "'in' is deprecated", 20),
    # Weak: control characters passed check (a warning) and failed the build without file:line
    ("control-bel-in-prose", PROFILE, "headline: A Life in Hematology", 'headline: "A\\a Life"',
     "control character U+0007", 3),
    ("control-esc-in-heading", PROFILE, "  - heading: Early Years", '  - heading: "\\eEarly Years"', "U+001B", 17),
    ("control-nul", PROFILE, "      answer: The patients.", '      answer: "The\\0 patients."', "U+0000", 26),
    # Weak: a 10,000-character word ran off the page with no warning
    ("long-word", PROFILE, "      - She published in *Blood*", f"      - She {LONG} published in *Blood*",
     "10000 characters with no break opportunity", 19),
    ("long-word-heading", PROFILE, "  - heading: Early Years", f"  - heading: Early {'y' * 61}",
     "61 characters", 17),
    # Weak: links to the cloud metadata address and to loopback stayed live
    ("link-metadata", BOOK, '"https://example.org"', '"http://169.254.169.254/latest/meta-data/"',
     "link-local address", 12),
    ("link-loopback-inline", PROFILE, "She published in *Blood*", "She published in [Blood](http://127.0.0.1:8080/)",
     "loopback address", 19),
    ("link-decimal-ip", PROFILE, "url: https://example.org/wang-fang", "url: http://2852039166/", "link-local", 29),
    ("link-hex-ip", PROFILE, "url: https://example.org/wang-fang", "url: http://0xA9FEA9FE/", "link-local", 29),
    ("link-v4-mapped-v6", PROFILE, "url: https://example.org/wang-fang", "url: http://[::ffff:169.254.169.254]/",
     "link-local", 29),
    ("link-v6-loopback", PROFILE, "url: https://example.org/wang-fang", "url: http://[::1]/", "loopback", 29),
    ("link-private", PROFILE, "url: https://example.org/wang-fang", "url: https://10.1.2.3/x", "private", 29),
    ("link-localhost", PROFILE, "url: https://example.org/wang-fang", "url: http://localhost:631/", "local name", 29),
    ("link-dot-internal", PROFILE, "url: https://example.org/wang-fang",
     "url: http://metadata.google.internal/", "local name", 29),
    # clean already (kept so): a selection through the real command
    ("yaml-syntax", PROFILE, "headline: A Life in Hematology", "headline: [A Life", "invalid YAML", 4),
    ("yaml-tab", PROFILE, "  degrees: [MD]", "  degrees:\t[MD]", "tab character", 5),
    ("yaml-duplicate-key", PROFILE, "headline: A Life in Hematology", "headline: A\nheadline: B",
     "(first on line 3, again on line 4)", 4),
    ("yaml-python-tag", PROFILE, "headline: A Life", "headline: !!python/object/apply:os.system A Life",
     "is not allowed", 3),
    ("yaml-multi-document", PROFILE, "id: wang-fang", "id: wang-fang\n---\nid: other", "single document", 2),
    ("path-traversal", BOOK, "trim:", "glossary: ../../../etc/passwd\ntrim:", "leaves the book folder", 8),
    ("path-absolute", BOOK, "trim:", "glossary: /etc/passwd\ntrim:", "leaves the book folder", 8),
    ("bidi-in-metadata", PROFILE, "contact: editor@example.org", 'contact: "editor@example.org\\u202e"',
     "bidi control", 33),
    ("isbn-check-digit", BOOK, "978-0-9999900-1-8", "978-0-9999900-1-9", "wrong check digit", 18),
]


@pytest.mark.parametrize(("file", "old", "new", "fragment", "line"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_check_refuses_located(tmp_path: Path, file: str, old: str, new: str, fragment: str, line: int) -> None:
    project = Project.fresh(tmp_path)
    project.edit(file, old, new)
    assert_refused(project.run("check", "books/minimal"), 2, fragment, file, line)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["date-impossible", "date-fullwidth", "control-bel-in-prose", "long-word",
                                  "link-metadata", "isbn-fullwidth"])
def test_build_refuses_the_same_way_before_writing(tmp_path: Path, case: str) -> None:
    """Issue 16: these crashed the build (exit 70) or got through it; now exit 2 at the same place,
    and a previous build's outputs stay as they were."""
    _, file, old, new, fragment, line = next(c for c in REFUSED if c[0] == case)
    project = Project.fresh(tmp_path)
    assert project.run("build", "books/minimal", "-e", "en", "-f", "pdf").code == 0
    project.edit(file, old, new)
    assert_refused(project.run("build", "books/minimal", "-e", "en", "-f", "pdf"), 2, fragment, file, line)


def test_every_file_reported_in_one_run(tmp_path: Path) -> None:
    """Issue 16, Weak: wrong types in several files were reported for some files only (the profiles
    were not read when book.yaml was invalid)."""
    project = Project.fresh(tmp_path)
    project.edit(BOOK, "rights: All rights reserved.", "rights: [a, b]")
    project.edit(PROFILE, "headline: A Life in Hematology", "headline: {a: b}")
    project.edit(PROFILE, 'visits: "8328"', "visits: [1]")
    outcome = project.run("check", "books/minimal")
    assert_refused(outcome, 2, "3 error(s)")
    assert set(outcome.located()) == {(BOOK, 7), (PROFILE, 3), (PROFILE, 31)}, outcome.err


def test_private_links_allowed_when_the_book_says_so(tmp_path: Path) -> None:
    project = Project.fresh(tmp_path)
    project.edit(BOOK, '"https://example.org"', '"http://127.0.0.1:8000/"')
    project.edit(BOOK, "trim:", "allow_private_links: true\ntrim:")
    outcome = project.run("check", "books/minimal")
    assert outcome.code == 0, outcome.err


@pytest.mark.parametrize(("written", "canonical"), [
    ("0-9999900-2-0", "978-0-9999900-2-5"),           # ISBN-10 of the same book
    ("978 0 9999900 2 5", "978-0-9999900-2-5"),        # spaces
    ("9780999990025", "978-0-9999900-2-5"),            # bare digits
])
def test_isbns_are_normalised_to_hyphenated_isbn13(minimal: Path, written: str, canonical: str) -> None:
    """Issue 16, Weak: ISBN-10 and spaced ISBNs were written verbatim into dc:identifier and the manifest;
    the loader now hands every later stage the canonical ISBN-13."""
    book = minimal / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("978-0-9999900-2-5", written), encoding="utf-8")
    edition = load_book(minimal).book.editions[0]
    assert edition.isbn["epub"] == canonical
    assert all(len(v.replace("-", "")) == 13 for v in edition.isbn.values())


@pytest.mark.slow
def test_isbn10_reaches_the_epub_as_isbn13(tmp_path: Path) -> None:
    import zipfile

    project = Project.fresh(tmp_path)
    project.edit(BOOK, "978-0-9999900-2-5", "0 9999900 2 0")
    assert project.run("build", "books/minimal", "-e", "en", "-f", "epub").code == 0
    epub = project.root / "build/minimal/en/minimal-en.epub"
    opf = zipfile.ZipFile(epub).read("EPUB/content.opf").decode()
    assert "urn:isbn:9780999990025" in opf and "0999990020" not in opf


def test_typed_text_stays_text(minimal: Path) -> None:
    """Clean already: YAML 1.1 booleans, numbers and times are kept as the text written."""
    profile = minimal / "profiles" / "wang-fang.yaml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("  degrees: [MD]", "  degrees: [no, 0306406152, 1.10, '12:30', on]")
    profile.write_text(text, encoding="utf-8")
    assert load_book(minimal).profiles[0].credentials.degrees == ("no", "0306406152", "1.10", "12:30", "on")


@pytest.mark.parametrize(("name", "data", "fragment"), [
    ("bom-crlf", b"\xef\xbb\xbf" + b"\r\n", None),          # BOM and CRLF in YAML: read fine
    ("not-utf8", b"headline: caf\xe9\n", "not UTF-8"),
    ("empty", b"# nothing\n", "file is empty"),
    ("huge", b"#" * (50 * 1024 * 1024) + b"\n", "more than the"),
    ("deep-nesting", b"a: " + b"[" * 20_000 + b"]" * 20_000 + b"\n", "invalid YAML"),
    ("yaml-version-directive", b"%YAML 1.11\n---\na: b\n", "invalid YAML"),
    ("alias-bomb", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
     b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
                                                                         c - 1, c - 1)) for c in range(98, 110)),
     "aliases"),
])
def test_hostile_yaml_files(tmp_path: Path, name: str, data: bytes, fragment: str | None) -> None:
    project = Project.fresh(tmp_path)
    profile = project.root / PROFILE
    if name == "bom-crlf":
        data = data[:3] + profile.read_bytes().replace(b"\n", b"\r\n")
    profile.write_bytes(data)
    outcome = project.run("check", "books/minimal")
    if fragment is None:
        assert outcome.code == 0, outcome.err
        return
    assert_refused(outcome, 2, fragment, PROFILE)
