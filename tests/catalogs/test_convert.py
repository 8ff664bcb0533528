"""zh_Hant derived with OpenCC: ambiguities flagged, reviewers' fixes never lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import PO, PROFILE, publish, translate
from publish.catalogs.convert import Converter, quotes, read_phrases

HANT = Path("locales/zh_Hant/LC_MESSAGES/minimal/wang-fang.po")
pytestmark = pytest.mark.usefixtures("minimal")


def setup_hans() -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")
    translate(PO, "Early Years", "早年发展")
    translate(PO, "What drives you?", "是什么“驱动”着您？")
    publish("catalog", "convert", "books/minimal")


def entry(msgid: str) -> str:
    text = HANT.read_text(encoding="utf-8")
    start = text.rfind("\n\n", 0, text.index(f'msgid "{msgid}"'))
    return text[start: text.index("\n\n", text.index(f'msgid "{msgid}"'))]


def test_converts_marks_ambiguity_and_quotes() -> None:
    setup_hans()
    assert 'msgstr "血液學人生"' in entry("A Life in Hematology")
    early = entry("Early Years")
    assert "#, fuzzy" in early and "ambiguous: 发 (發/髮)" in early and 'msgstr "早年發展"' in early
    assert 'msgstr "是什麼「驅動」著您？"' in entry("What drives you?")


def test_reviewed_entry_survives_and_is_refuzzied_when_source_changes() -> None:
    setup_hans()
    text = HANT.read_text(encoding="utf-8").replace('msgstr "血液學人生"', 'msgstr "血液學的一生"')
    HANT.write_text(text, encoding="utf-8")  # the reviewer's fix
    publish("catalog", "convert", "books/minimal")
    assert 'msgstr "血液學的一生"' in entry("A Life in Hematology")
    assert "#, fuzzy" not in entry("A Life in Hematology")
    hans = PO.read_text(encoding="utf-8").replace('msgstr "血液学人生"', 'msgstr "血液学的人生"')
    PO.write_text(hans, encoding="utf-8")
    publish("catalog", "convert", "books/minimal")
    reviewed = entry("A Life in Hematology")
    assert 'msgstr "血液學的一生"' in reviewed  # kept
    assert "#, fuzzy" in reviewed and "opencc suggests: 血液學的人生" in reviewed


def test_untouched_entry_is_reconverted_and_rerun_is_stable() -> None:
    setup_hans()
    PO.write_text(PO.read_text(encoding="utf-8").replace('msgstr "血液学人生"', 'msgstr "血液学生涯"'),
                  encoding="utf-8")
    publish("catalog", "convert", "books/minimal")
    assert 'msgstr "血液學生涯"' in entry("A Life in Hematology")
    before = HANT.read_bytes()
    publish("catalog", "convert", "books/minimal")
    assert HANT.read_bytes() == before


def test_hant_survives_source_change_and_update() -> None:
    setup_hans()
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("What drives you?", "What moves you?"),
                       encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    assert "是什麼「驅動」著您？" in HANT.read_text(encoding="utf-8")


def test_book_phrase_dictionary(minimal: Path) -> None:
    phrases = minimal / "opencc-phrases.txt"
    phrases.write_text("血液学里程碑\t血液學里程碑\n创建\t創建\n", encoding="utf-8")
    plain = Converter("s2twp", None).convert("血液学里程碑，创建")
    ours = Converter("s2twp", read_phrases(phrases)).convert("血液学里程碑，创建")
    assert plain == "血液學裡程碑，建立"  # OpenCC's word-splitting and vocabulary swap, measured
    assert ours == "血液學里程碑，創建"


def test_quotes() -> None:
    assert quotes("他说：“她说‘好’。”") == "他说：「她说『好』。」"
