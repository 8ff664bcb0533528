"""Printer profiles: page rules, gutters by page count, spine-text rules and bleed edges, from the
services' published figures; book.yaml names a profile and a paper, validated with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import publish
from publish.prepress.profiles import GENERIC, INGRAMSPARK, KDP, PROFILES


def test_page_rules_pad_with_blank_pages_at_the_end() -> None:
    assert [GENERIC.padded(n) for n in (61, 63, 64, 131)] == [64, 64, 64, 132]
    assert [KDP.padded(n) for n in (61, 63, 64, 131)] == [62, 64, 64, 132]
    # IngramSpark wants the final page blank: one more page, then even
    assert [INGRAMSPARK.padded(n) for n in (61, 63, 64, 131)] == [62, 64, 66, 132]


def test_kdp_gutter_grows_with_the_page_count() -> None:
    inches = [round(KDP.min_gutter_mm(n) / 25.4, 3) for n in (24, 150, 151, 300, 301, 500, 501, 700, 828)]
    assert inches == [0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875]


def test_spine_text_rules() -> None:
    assert not KDP.spine_text(79, 4.5) and KDP.spine_text(80, 4.6)
    assert not INGRAMSPARK.spine_text(200, 12.6) and INGRAMSPARK.spine_text(230, 12.7)
    assert not GENERIC.spine_text(100, 5.9) and GENERIC.spine_text(120, 6.0)


def test_bleed_edges() -> None:
    assert all(GENERIC.bleeds(side, recto) for side in ("left", "right", "top", "bottom") for recto in (True, False))
    # KDP: top, bottom and the fore-edge; never the spine edge (left of a recto, right of a verso)
    assert [KDP.bleeds(s, True) for s in ("left", "right", "top", "bottom")] == [False, True, True, True]
    assert [KDP.bleeds(s, False) for s in ("left", "right", "top", "bottom")] == [True, False, True, True]


def test_every_profile_accepts_a5_and_names_its_source() -> None:
    for profile in PROFILES.values():
        assert profile.accepts_trim(148, 210), profile.id
        assert profile.source and profile.papers
    assert not KDP.accepts_trim(150, 150)


@pytest.mark.parametrize(("printer", "message"), [
    ("{profile: lulu}", "printer.profile"),
    ("{profile: kdp, paper: offset-80}", "paper 'offset-80' is not a stock of printer profile kdp"),
])
def test_book_yaml_printer_is_validated_with_its_location(minimal: Path, printer: str, message: str) -> None:
    book = minimal / "book.yaml"
    text = book.read_text(encoding="utf-8").replace("trim: {width: 148mm, height: 210mm}\n",
                                                    f"trim: {{width: 148mm, height: 210mm}}\nprinter: {printer}\n")
    book.write_text(text, encoding="utf-8")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("printer:"))
    output = publish("check", str(minimal), code=2)
    assert f"book.yaml:{line}:" in output and message in output
