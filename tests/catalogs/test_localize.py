"""The build-time Localizer: translations via compiled .mo files, fallback policy, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import PO, publish, translate
from publish.catalogs.extract import Layout
from publish.catalogs.localize import Localizer
from publish.catalogs.units import profile_units
from publish.sources import load_book


@pytest.mark.parametrize(("policy", "shown"), [("source", "Early Years"), ("stale", "早年")])
def test_localizer_policy_and_coverage(minimal: Path, policy: str, shown: str) -> None:
    book = minimal / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8") + f"fallback: {policy}\n", encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")
    translate(PO, "Early Years", "早年")
    text = PO.read_text(encoding="utf-8").replace('msgid "Early Years"', '#, fuzzy\nmsgid "Early Years"')
    PO.write_text(text, encoding="utf-8")
    sources = load_book(minimal)
    loc = Localizer.prepare(sources, "zh_Hans", Layout(Path("locales")), Path(".publish-cache"))
    units = {u.text: u for u in profile_units(sources.book, sources.profile("wang-fang"))}
    assert loc.text(units["A Life in Hematology"]) == "血液学人生"
    assert loc.text(units["Early Years"]) == shown
    assert loc.text(units["What drives you?"]) == "What drives you?"
    assert (loc.coverage.translated, loc.coverage.fuzzy, loc.coverage.untranslated) == (1, 1, 1)
    assert loc.name(sources.profile("wang-fang").person) == "王芳"
    hant = Localizer(sources, "zh_Hant", Layout(Path("locales")), Path(".publish-cache"))
    assert hant.name(sources.book.people[0]) == "張偉"


def test_an_unchanged_catalogue_is_not_compiled_again(minimal: Path) -> None:
    """msgfmt runs for a changed catalogue only: the same bytes keep their .mo (and its time)."""
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "Early Years", "早年")
    cache = Path(".publish-cache")
    sources = load_book(minimal)
    Localizer.prepare(sources, "zh_Hans", Layout(Path("locales")), cache)
    mos = sorted((cache / "mo" / "zh_Hans").rglob("*.mo"))
    assert mos
    times = [p.stat().st_mtime_ns for p in mos]
    Localizer.prepare(sources, "zh_Hans", Layout(Path("locales")), cache)
    assert [p.stat().st_mtime_ns for p in mos] == times
    PO.write_text(PO.read_text(encoding="utf-8").replace('msgstr "早年"', 'msgstr "少年时代"'), encoding="utf-8")
    loc = Localizer.prepare(sources, "zh_Hans", Layout(Path("locales")), cache)
    units = {u.text: u for u in profile_units(sources.book, sources.profile("wang-fang"))}
    assert loc.text(units["Early Years"]) == "少年时代"
