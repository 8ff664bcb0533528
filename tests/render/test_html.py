"""Jinja2 HTML of an edition: translated units and labels, bilingual pairs, nothing unescaped."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from helpers import PO, publish, translate
from publish.catalogs.extract import Layout
from publish.catalogs.localize import Localizer
from publish.render.html import render_html
from publish.sources import load_book

LABELS = Path("interface/zh_Hans/LC_MESSAGES/publish.po")


def prepare(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the interface catalogues are the toolkit's: a copy stands in for them, so the test may edit it
    import shutil

    from publish import assets

    shutil.copytree(assets.LOCALE, "interface")
    monkeypatch.setattr(assets, "LOCALE", Path("interface").resolve())
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生<img src=x onerror=alert(1)>")
    retranslate(LABELS, "Contents", "目录<script>alert(1)</script>")
    retranslate(LABELS, "Editor: %(name)s", "编辑：%(name)s")


def retranslate(po: Path, msgid: str, msgstr: str) -> None:
    """Replace the translation of ``msgid`` (a translated entry), as a translator would."""
    import re

    text = po.read_text(encoding="utf-8")
    pattern = r'(msgid "' + re.escape(msgid) + r'"\nmsgstr )"[^"\n]*"'
    new, n = re.subn(pattern, lambda m: m.group(1) + '"' + msgstr + '"', text)
    assert n == 1, f"{msgid!r} not found once in {po}"
    po.write_text(new, encoding="utf-8")


def edition(minimal: Path, edition_id: str) -> str:
    sources = load_book(minimal)
    ed = next(e for e in sources.book.editions if e.id == edition_id)
    locales = list(ed.locales) + (["en"] if edition_id == "bilingual" else [])
    cache = Path(".publish-cache")
    locs = [Localizer.prepare(sources, loc, Layout(Path("locales")), cache) for loc in locales]
    return render_html(sources, ed, locs, cache, build_date=date(2025, 6, 3)).html


def test_zh_edition_is_translated_and_escaped(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(minimal, monkeypatch)
    html = edition(minimal, "zh-Hans")
    assert '<html lang="zh-Hans">' in html
    assert html.count('<h1 class="book-title">') == 1       # the title an H1 once: on the title page
    text = re.sub(r'</?span( lang="en")?>', "", html)    # Latin words in Chinese text are marked English
    assert "血液学人生&lt;img src=x onerror=alert(1)&gt;" in text and '<span lang="en">img src</span>' in html
    assert "目录&lt;script&gt;" in text and "<script>" not in html
    assert "编辑：张伟" in html
    assert "2025年6月3日" in re.sub(r"<[^>]+>", "", html)
    # untranslated unit falls back to the source, markup rendered (its Latin words marked English)
    assert '<em><span lang="en">Blood</span></em>' in html


def test_bilingual_pairs_units_with_their_language(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(minimal, monkeypatch)
    book = minimal / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace(
        "profiles: [wang-fang]", "  - id: bilingual\n    locales: [zh_Hans, en]\nprofiles: [wang-fang]"),
        encoding="utf-8")
    html = edition(minimal, "bilingual")
    assert ('<p class="main" lang="zh-Hans">血液学人生&lt;<span lang="en">img') in html
    assert '<p class="alt" lang="en">A Life in Hematology</p>' in html


def test_broken_label_placeholders_fall_back_to_the_source(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo (KeyError) or a huge width (a hang) in a label's translation: the renderer shows the
    English label and reports the entry's file:line, instead of crashing or hanging."""
    import time

    prepare(minimal, monkeypatch)
    retranslate(LABELS, "Published by %(publisher)s", "由%(publisher)20000000s出版")
    retranslate(LABELS, "Source: %(publisher)s", "来源：%(publsher)s")
    # unflagged (msgfmt --check only checks python-format entries: flagged, the typo is a compile error)
    LABELS.write_text(LABELS.read_text(encoding="utf-8").replace(
        '#, python-format\nmsgid "Source: %(publisher)s"', 'msgid "Source: %(publisher)s"'), encoding="utf-8")
    sources = load_book(minimal)
    ed = next(e for e in sources.book.editions if e.id == "zh-Hans")
    cache = Path(".publish-cache")
    locs = [Localizer.prepare(sources, "zh_Hans", Layout(Path("locales")), cache)]
    start = time.monotonic()
    result = render_html(sources, ed, locs, cache, build_date=date(2025, 6, 3))
    assert time.monotonic() - start < 30
    assert "Published by" in result.html and "Source:" in result.html and len(result.html) < 10**6
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    where = {str(p.location) for p in result.problems}
    for msgid in ("Published by %(publisher)s", "Source: %(publisher)s"):
        line = lines.index(f'msgid "{msgid}"') + 1
        assert f"{LABELS}:{line}" in where


def test_generated_chinese_text_spaces_latin_runs_and_figures(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The colophon, the sources' dates (Babel's "2025年6月3日"), the font list: every Latin run or figure
    touching a Han character is set off by the quarter-em span, as in the running text (clreq 3.4)."""
    prepare(minimal, monkeypatch)
    html = edition(minimal, "zh-Hans")
    body = re.sub(r"<[^>]+>", "\0", html.split("<body", 1)[1])   # a tag between two characters: spaced
    touching = re.findall(r".{0,8}(?:[\u3400-\u9fff][A-Za-z0-9]|[A-Za-z0-9%][\u3400-\u9fff]).{0,8}", body)
    assert touching == []
    # nor a Latin word's own span without the space on the side of its Han neighbour
    unspaced = re.findall(r'[\u3400-\u9fff]<span lang="en">|<span lang="en">[^<]*</span>[\u3400-\u9fff]', html)
    assert unspaced == []
    assert '于<span class="cjk-sp-l cjk-sp-r">2025</span>年<span class="cjk-sp-l cjk-sp-r">6</span>月' in html
    assert '采用<span class="cjk-sp-l cjk-sp-r" lang="en">Noto Serif CJK</span>排印' in html
