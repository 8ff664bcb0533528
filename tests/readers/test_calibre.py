"""A real reading system reads the sample EPUBs back: Calibre's ``ebook-convert`` turns each edition
into plain text, and sentences taken from the sources and the catalogues (not written here) must come
back. Also every XHTML content document must be well-formed XML, as reading systems parse it strictly.

Calibre is a heavy install (scripts/readers-deps.sh), so these tests run only under
``make check-readers``, which sets PUBLISH_READERS=1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po
from ruamel.yaml import YAML

from conftest import REPO, SAMPLE, sample_project
from publish.build import BuildOptions, build

pytestmark = [
    pytest.mark.readers,
    pytest.mark.skipif(os.environ.get("PUBLISH_READERS") != "1",
                       reason="reading-system checks need Calibre: run `make check-readers` (sets PUBLISH_READERS=1)"),
]
EDITIONS = ("en", "zh-Hans", "zh-Hant", "bilingual")
LOCALES = {"en": (), "zh-Hans": ("zh_Hans",), "zh-Hant": ("zh_Hant",), "bilingual": ("zh_Hans",)}
ENGLISH = {"en", "bilingual"}
_MARKUP = (re.compile(r"\[([^\]]+)\]\(https?://[^)\s]+\)"), re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
           re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"))


def squash(text: str) -> str:
    """Compare text without line breaks, hyphenation or spacing: what a reader sees, not the layout."""
    return re.sub(r"[\s\-‐­]", "", unicodedata.normalize("NFKC", text))


def plain(text: str) -> str:
    """A source or catalogue string as it reads: the inline Markdown (links, strong, emphasis) removed."""
    for pattern in _MARKUP:
        text = pattern.sub(r"\1", text)
    return text


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def catalogue(locale: str, domain: str) -> dict[str, str]:
    if domain == "publish":  # the toolkit's interface catalogues ship inside the package
        path = REPO / "src" / "publish" / "locale" / locale / "LC_MESSAGES" / "publish.po"
    else:
        path = REPO / "locales" / locale / "LC_MESSAGES" / "shanghai-doctors" / f"{domain}.po"
    with path.open("rb") as fp:
        return {m.id: m.string for m in read_po(fp) if m.id and m.string and not m.fuzzy}


def expected(locale: str | None, *, labels: bool = True) -> dict[str, list[str]]:
    """Per profile (and "book"), the sentences a reader must show: the first paragraph of the preface and
    of every section, each copyright notice, the editor credit; for the book its copyright line, rights
    text and editor. ``locale`` None is the English source; otherwise the catalogue's msgstr. Without
    ``labels`` only the content: the credit lines and the © line are set in the interface language,
    which the bilingual edition takes from its first locale (Chinese) alone."""
    book = load(SAMPLE / "book.yaml")
    people = {p["id"]: p for p in book["people"]}
    orgs = {o["id"]: o["name"] for o in book["organizations"]}

    def name(pid: str) -> str:
        p = people[pid]
        return f"{p['family']} {p['given']}" if p.get("order") == "family-first" else f"{p['given']} {p['family']}"

    ui = catalogue(locale, "publish") if locale else {}
    out: dict[str, list[str]] = {}
    for pid in book["profiles"]:
        data = load(SAMPLE / "profiles" / f"{pid}.yaml")
        done = catalogue(locale, pid) if locale else {}
        sources = [s["paragraphs"][0] for s in [data.get("preface") or {}, *data["sections"]] if s.get("paragraphs")]
        sources += data.get("rights", {}).get("notice", [])
        texts = [done[s] if locale else s for s in sources]  # KeyError: an untranslated sentence, a test failure
        editor = data.get("source", {}).get("editor")
        if editor and labels:
            texts.append((ui["Editor: %(name)s"] if locale else "Editor: %(name)s") % {"name": name(editor)})
        out[pid] = [plain(t) for t in texts]
    done = catalogue(locale, "book") if locale else {}
    holder = orgs[book["copyright"]["holder"]]
    editors = [name(c["person"]) for c in book["contributors"] if "edt" in c["roles"]]
    out["book"] = [plain(done[book["rights"]] if locale else book["rights"])]
    if labels:
        out["book"] += [f"© {book['copyright']['year']} {done[holder] if locale else holder}",
                        *[(ui["Editor"] if locale else "Editor") + e for e in editors]]  # copyright page <dt>/<dd>
    return out


@pytest.fixture(scope="session")
def epubs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("build")
    cache = tmp_path_factory.mktemp("cache")
    artifacts = build(sample_project(cache=cache), SAMPLE, BuildOptions(out=out, formats=("epub",), jobs=2))
    return {a.edition: a.path for a in artifacts if a.fmt == "epub"}


@pytest.fixture(scope="session")
def texts(epubs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each edition as Calibre reads it (EPUB → TXT), squashed."""
    converter = shutil.which("ebook-convert")
    assert converter, "ebook-convert (Calibre) is not installed: run scripts/readers-deps.sh"
    folder = tmp_path_factory.mktemp("calibre")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}

    def convert(edition: str) -> str:
        target = folder / f"{edition}.txt"
        result = subprocess.run([converter, str(epubs[edition]), str(target)], capture_output=True, text=True,
                                env=env, timeout=300)
        assert result.returncode == 0 and target.exists(), result.stdout[-2000:] + result.stderr[-2000:]
        return squash(target.read_text(encoding="utf-8"))

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(EDITIONS, pool.map(convert, EDITIONS), strict=True))


def test_every_edition_has_an_epub(epubs: dict[str, Path]) -> None:
    assert set(epubs) == set(EDITIONS)
    assert all(p.stat().st_size > 10_000 for p in epubs.values()), epubs


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_xhtml_document_is_well_formed_xml(epubs: dict[str, Path], edition: str) -> None:
    with zipfile.ZipFile(epubs[edition]) as z:
        names = [n for n in z.namelist() if n.endswith((".xhtml", ".html", ".opf", ".ncx"))]
        assert sum(n.endswith(".xhtml") for n in names) >= 5, names
        for n in names:
            try:
                root = ElementTree.fromstring(z.read(n))
            except ElementTree.ParseError as err:
                pytest.fail(f"{edition}: {n} is not well-formed XML: {err}")
            if n.endswith(".xhtml"):
                assert root.tag == "{http://www.w3.org/1999/xhtml}html", (n, root.tag)


@pytest.mark.parametrize("edition", EDITIONS)
def test_calibre_reads_back_sources_and_translations(texts: dict[str, str], edition: str) -> None:
    text = texts[edition]
    languages: list[str | None] = [*LOCALES[edition], *([None] if edition in ENGLISH else [])]
    missing: list[tuple[str | None, str, str]] = []
    checked = 0
    for n, locale in enumerate(languages):
        for pid, sentences in expected(locale, labels=n == 0).items():
            for sentence in sentences:
                checked += 1
                if squash(sentence) not in text:
                    missing.append((locale, pid, sentence[:60]))
    assert not missing, f"{len(missing)} of {checked} sentences not read back: {missing}"
    assert checked >= 30 * len(languages)


def test_bilingual_edition_pairs_chinese_before_english(texts: dict[str, str]) -> None:
    """Within the bilingual edition each Chinese paragraph is followed closely by its English source."""
    text = texts["bilingual"]
    for pid in ("li-jinsong", "wang-zhongmin"):
        data = load(SAMPLE / "profiles" / f"{pid}.yaml")
        done = catalogue("zh_Hans", pid)
        for section in data["sections"]:
            en, zh = squash(plain(section["paragraphs"][0])), squash(plain(done[section["paragraphs"][0]]))
            at_zh, at_en = text.find(zh), text.find(en)
            assert 0 <= at_zh < at_en <= at_zh + len(zh) + 200, (pid, section["heading"], at_zh, at_en)


def test_regional_script_is_kept(texts: dict[str, str]) -> None:
    """zh-Hant reads in Traditional characters and zh-Hans in Simplified: the same heading differs."""
    hans, hant = catalogue("zh_Hans", "book"), catalogue("zh_Hant", "book")
    title = "Lives in Medicine"
    assert hans[title] != hant[title]
    assert squash(hans[title]) in texts["zh-Hans"] and squash(hans[title]) not in texts["zh-Hant"]
    assert squash(hant[title]) in texts["zh-Hant"] and squash(hant[title]) not in texts["zh-Hans"]
