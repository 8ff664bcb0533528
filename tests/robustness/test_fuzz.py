"""Property-based fuzzing (hypothesis): the YAML loader, ``publish check`` through the CLI, the
inline-Markdown renderer and the .po reader raise nothing but our located errors, whatever they get.

The fast run (``-m "not slow"``) tries a few hundred inputs each; the slow run 10,000 for the loader,
the renderer and the .po reader and 2,000 for the CLI (each a whole ``publish check`` of a book).
Each test records how many inputs it tried in ``FUZZ_COUNTS`` (printed at the end of the session
with ``-s``).
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.cli import main
from publish.errors import Location, Problem, PublishError
from publish.render.inline import inline
from publish.sources import check_book
from publish.yamlsource import read_yaml

from .harness import ROOTS

FUZZ_COUNTS: Counter[str] = Counter()
FIXTURE = (ROOTS / "minimal" / "profiles" / "wang-fang.yaml").read_text(encoding="utf-8")
BOOK_FIXTURE = (ROOTS / "minimal" / "book.yaml").read_text(encoding="utf-8")
YAML_ALPHABET = st.sampled_from(list(":-[]{}&*!|>#'\",?%@`~<=\\ \n\t\r") + ["\ufeff", "\x00", "\x85", "\u2028",
                                "\u202e", "\u200b", "中", "é", "a", "b", "1", "0", "no", "on", "~", "null",
                                "!!python/object:os.system", "<<", "---", "...", "*a", "&a", "%YAML 1.1",
                                "!!binary", "2025-02-30", "١٢٣"])
YAML_TEXT = st.lists(YAML_ALPHABET, max_size=120).map("".join)
SETTINGS = {"deadline": None, "derandomize": True,  # CI runs the same inputs every time
            "suppress_health_check": [HealthCheck.function_scoped_fixture,
                                                         HealthCheck.too_slow, HealthCheck.data_too_large]}


def _mutate(text: str, rng: random.Random, edits: int) -> str:
    """``edits`` random insertions, deletions and replacements in ``text`` (keeps it YAML-shaped)."""
    chars = list(text)
    for _ in range(edits):
        at = rng.randrange(len(chars) + 1)
        op = rng.random()
        piece = rng.choice([":", "-", " ", "\n", "[", "]", "{", "}", '"', "'", "&x", "*x", "!!str", "#", "\t",
                            "\\", "\x07", "中文", "  - ", ": ", "|", ">", "2025-13-01", "<b>", "{{ x }}",
                            "http://127.0.0.1/", "９７８", "%(x)s"])
        if op < 0.4:
            chars[at:at] = list(piece)
        elif op < 0.7 and chars:
            del chars[at:at + rng.randint(1, 8)]
        else:
            chars[at:at + len(piece)] = list(piece)
    return "".join(chars)


MUTATED = st.tuples(st.integers(0, 2**32), st.integers(1, 12))


def _check_document(path: Path) -> None:
    doc = read_yaml(path, "x.yaml")
    for problem in doc.problems:
        assert isinstance(problem, Problem) and isinstance(problem.location, Location)
        assert problem.location.path == "x.yaml"
        assert problem.format().startswith("x.yaml")
    assert doc.data is None or isinstance(doc.data, dict | list | str)


def _yaml_loader(tmp_path: Path, examples: int) -> None:
    path = tmp_path / "x.yaml"

    @settings(max_examples=examples, **SETTINGS)
    @given(st.one_of(YAML_TEXT.map(str.encode), st.binary(max_size=200),
                     MUTATED.map(lambda m: _mutate(FIXTURE, random.Random(m[0]), m[1]).encode())))
    def run(data: bytes) -> None:
        FUZZ_COUNTS["yaml loader"] += 1
        path.write_bytes(data)
        _check_document(path)

    run()


def test_fuzz_yaml_loader(tmp_path: Path) -> None:
    _yaml_loader(tmp_path, 300)


@pytest.mark.slow
def test_fuzz_yaml_loader_10000(tmp_path: Path) -> None:
    _yaml_loader(tmp_path, 10_000)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _inline(examples: int) -> None:
    alphabet = st.sampled_from(list("*[]()<>&\"' \n\\_`#") + ["**", "](", "http://", "https://x.org/", "javascript:",
                                "<script>", "&amp;", "&#x3c;", "中", "文", "A", "1", "%", "\u202e", "{{", "}}"])

    @settings(max_examples=examples, **SETTINGS)
    @given(st.one_of(st.lists(alphabet, max_size=60).map("".join), st.text(max_size=80)),
           st.sampled_from(["en", "zh_Hans", "zh_Hant"]))
    def run(text: str, lang: str) -> None:
        FUZZ_COUNTS["inline renderer"] += 1
        html = str(inline(text, lang))
        parser = _Tags()
        parser.feed(html)
        parser.close()
        for tag, attrs in parser.tags:
            assert tag in ("a", "strong", "em", "span", "wbr"), (text, html)
            for name, value in attrs:
                assert (tag, name) in (("a", "href"), ("span", "class"), ("span", "lang")), (text, html)
                if name == "href":
                    assert value is not None and value.startswith(("http://", "https://")), (text, html)

    run()


def test_fuzz_inline_renderer() -> None:
    _inline(300)


@pytest.mark.slow
def test_fuzz_inline_renderer_10000() -> None:
    _inline(10_000)


PO_FIXTURE = b'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_Hans\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#. headline
#: books/minimal/profiles/wang-fang.yaml:3
msgid "A Life in Hematology"
msgstr "\\u8840\\u6db2\\u5b66\\u4eba\\u751f"

#, fuzzy
msgid "The patients."
msgstr "\\u75c5\\u4eba\\u3002"

msgid "%(n)s cells"
msgid_plural "%(n)s cells"
msgstr[0] "%(n)s \\u4e2a"

#~ msgid "Old"
#~ msgstr "\\u65e7"
'''.decode("unicode_escape").encode("utf-8")


def _po_reader(examples: int) -> None:
    from publish.catalogs.pofile import parse

    @settings(max_examples=examples, **SETTINGS)
    @given(st.one_of(MUTATED.map(lambda m: _mutate(PO_FIXTURE.decode(), random.Random(m[0]), m[1]).encode()),
                     st.binary(max_size=200)))
    def run(data: bytes) -> None:
        FUZZ_COUNTS["po reader"] += 1
        try:
            parse(data, "x.po")
        except PublishError as exc:
            assert all(p.location.path == "x.po" for p in exc.problems)

    run()


def test_fuzz_po_reader() -> None:
    _po_reader(300)


@pytest.mark.slow
def test_fuzz_po_reader_10000() -> None:
    _po_reader(10_000)


def _cli_check(tmp_path: Path, examples: int) -> None:
    root = tmp_path / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", root)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    runner = CliRunner()

    @settings(max_examples=examples, **SETTINGS)
    @given(MUTATED, st.booleans())
    def run(mutation: tuple[int, int], in_book: bool) -> None:
        FUZZ_COUNTS["cli check"] += 1
        rng = random.Random(mutation[0])
        book, profile = BOOK_FIXTURE, FIXTURE
        if in_book:
            book = _mutate(book, rng, mutation[1])
        else:
            profile = _mutate(profile, rng, mutation[1])
        (root / "book.yaml").write_text(book, encoding="utf-8")
        (root / "profiles" / "wang-fang.yaml").write_text(profile, encoding="utf-8")
        result = runner.invoke(main, ["check", str(root)])
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output and "internal error" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        _, problems = check_book(root)
        assert (result.exit_code == 2) == any(p.is_error for p in problems)

    run()


def test_fuzz_cli_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _cli_check(tmp_path, 100)


@pytest.mark.slow
def test_fuzz_cli_check_2000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _cli_check(tmp_path, 2_000)


def teardown_module() -> None:
    if FUZZ_COUNTS:
        print("\nfuzz inputs tried:", dict(FUZZ_COUNTS))
