"""zh_Hant review that keeps its history: previous msgids and obsolete entries kept by convert, review
comments gone once resolved, fuzzy only when the zh_Hans text changed, phrase changes re-derive."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import PO, PROFILE, publish, translate

HANT = Path("locales/zh_Hant/LC_MESSAGES/minimal/wang-fang.po")
pytestmark = pytest.mark.usefixtures("minimal")


def entry(path: Path, msgid: str) -> str:
    text = path.read_text(encoding="utf-8")
    at = text.index(f'msgid "{msgid}"')
    return text[text.rfind("\n\n", 0, at): text.find("\n\n", at)]


def cycle() -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    publish("catalog", "convert", "books/minimal")


def setup() -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")
    translate(PO, "What drives you?", "是什么驱动着您？参见https://zh.wikipedia.org/wiki/医学信息学")
    publish("catalog", "convert", "books/minimal")


def edit_source(old: str, new: str) -> None:
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_previous_msgid_kept_and_no_comment_piles_up_and_urls_unchanged() -> None:
    setup()
    assert "https://zh.wikipedia.org/wiki/医学信息学" in entry(HANT, "What drives you?")
    edit_source("A Life in Hematology", "A Life in Haematology")
    for _ in range(3):
        cycle()
    hant = entry(HANT, "A Life in Haematology")
    assert '#| msgid "A Life in Hematology"' in hant and "#, fuzzy" in hant
    assert "# |" not in HANT.read_text(encoding="utf-8")
    edit_source("What drives you?", "What moves you?")
    cycle()
    assert '#~ msgid "What drives you?"' not in HANT.read_text(encoding="utf-8")  # still active: fuzzy match
    assert "https://zh.wikipedia.org/wiki/医学信息学" in HANT.read_text(encoding="utf-8")


def test_obsolete_entries_survive_convert() -> None:
    setup()
    edit_source("What drives you?", "Tell us about the hospital kitchens of 1950.")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    before = [line for line in HANT.read_text(encoding="utf-8").splitlines() if line.startswith("#~")]
    publish("catalog", "convert", "books/minimal")
    after = [line for line in HANT.read_text(encoding="utf-8").splitlines() if line.startswith("#~")]
    assert before and after == before


def test_fuzzy_only_when_the_zh_hans_text_changed() -> None:
    setup()
    edit_source("A Life in Hematology", "A Life in Haematology")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    # the zh_Hans translator confirms the old translation for the new English: unfuzzies it
    text = PO.read_text(encoding="utf-8")
    block = entry(PO, "A Life in Haematology")
    PO.write_text(text.replace(block, "\n".join(line for line in block.split("\n")
                                                if line != "#, fuzzy" and not line.startswith("#|"))),
                  encoding="utf-8")
    out = publish("catalog", "convert", "books/minimal")
    hant = entry(HANT, "A Life in Haematology")
    assert "#, fuzzy" not in hant and "#|" not in hant and 'msgstr "血液學人生"' in hant
    assert "1 no longer fuzzy" in out


def test_review_comments_removed_once_resolved() -> None:
    setup()
    HANT.write_text(HANT.read_text(encoding="utf-8").replace('msgstr "血液學人生"', 'msgstr "血液學的一生"'),
                    encoding="utf-8")
    PO.write_text(PO.read_text(encoding="utf-8").replace('msgstr "血液学人生"', 'msgstr "血液学的人生"'),
                  encoding="utf-8")
    publish("catalog", "convert", "books/minimal")
    asked = entry(HANT, "A Life in Hematology")
    assert "zh_Hans changed since this was reviewed" in asked and "#, fuzzy" in asked
    HANT.write_text(HANT.read_text(encoding="utf-8").replace(asked, asked.replace("#, fuzzy\n", "")),
                    encoding="utf-8")  # the reviewer resolves it: keeps the text, clears fuzzy
    publish("catalog", "convert", "books/minimal")
    resolved = entry(HANT, "A Life in Hematology")
    assert 'msgstr "血液學的一生"' in resolved
    assert "zh_Hans changed" not in resolved and "opencc suggests" not in resolved and "fuzzy" not in resolved


def test_phrase_change_rederives_unreviewed_and_suggests_for_reviewed(minimal: Path) -> None:
    setup()
    translate(PO, "Early Years", "早年发展")
    publish("catalog", "convert", "books/minimal")
    HANT.write_text(HANT.read_text(encoding="utf-8").replace('msgstr "血液學人生"', 'msgstr "血液學的一生"'),
                    encoding="utf-8")  # reviewed
    (minimal / "opencc-phrases.txt").write_text("发展\t進展\n人生\t生涯\n", encoding="utf-8")
    out = publish("catalog", "convert", "books/minimal")
    assert 'msgstr "早年進展"' in entry(HANT, "Early Years")  # unreviewed: re-derived
    reviewed = entry(HANT, "A Life in Hematology")
    assert 'msgstr "血液學的一生"' in reviewed  # never overwritten
    assert "suggestion: the glossary or phrases now give 生涯: 血液學生涯" in reviewed
    assert "1 suggestion(s)" in out
    again = HANT.read_bytes()
    publish("catalog", "convert", "books/minimal")
    assert HANT.read_bytes() == again  # stable: the suggestion is not repeated


def test_glossary_feeds_opencc_and_duplicates_are_refused(minimal: Path) -> None:
    from publish.catalogs.convert import read_phrases
    from publish.catalogs.glossary import Glossary, Term

    glossary = Glossary((Term(en="hematology", zh_Hans="血液学", zh_Hant="血液醫學"),))
    phrases = minimal / "opencc-phrases.txt"
    phrases.write_text("创建\t創建\n", encoding="utf-8")
    assert dict(read_phrases(phrases, glossary)) == {"血液学": "血液醫學", "创建": "創建"}
    phrases.write_text("血液学\t血液學\n", encoding="utf-8")
    from publish.errors import CatalogError

    with pytest.raises(CatalogError) as err:
        read_phrases(phrases, glossary)
    assert str(err.value.problems[0].location).endswith("opencc-phrases.txt:1")
