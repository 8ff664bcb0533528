"""Generated covers: retail size and format, determinism, the draft band, bilingual covers, the glyph gate,
line breaking, thumbnails and atomic output. Real Pillow, real fonts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from publish.errors import RenderError
from publish.render.cover import (
    CLOSING,
    CoverText,
    _fit,
    _measurer,
    _subtitle_style,
    _title_style,
    _wrap,
    render_cover,
    thumbnail,
    write_cover,
)
from publish.render.fonts import FontSet

EN = CoverText("en", "Lives in Medicine", "Five profiles from ShanghaiDoctor.cn", "Example Press")
HANS = CoverText("zh-Hans", "医学人生", "来自ShanghaiDoctor.cn的五篇人物特写", "出版示例")
HANT = CoverText("zh-Hant", "醫學人生", "來自ShanghaiDoctor.cn的五篇人物特寫", "出版示例")


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture(scope="module")
def english() -> bytes:
    return render_cover([EN])


def test_retail_size_and_jpeg(english: bytes) -> None:
    image = opened(english)
    assert image.format == "JPEG"
    assert image.width >= 1600 and image.height >= 2560
    assert "exif" not in image.info


def test_same_input_same_bytes(english: bytes) -> None:
    assert render_cover([EN]) == english
    assert render_cover([HANT], region="TC") == render_cover([HANT], region="TC")


def test_draft_band_differs_and_is_visible(english: bytes) -> None:
    draft = render_cover([EN], draft=True)
    assert draft != english
    plain, banded = opened(english).convert("RGB"), opened(draft).convert("RGB")
    left = (200, round(plain.height * 0.6) + 20)  # inside the band, away from its lettering
    r, g, b = banded.getpixel(left)
    assert r > 140 and g < 90 and b < 90, "the band is red"
    assert plain.getpixel(left) != banded.getpixel(left)


def test_bilingual_sets_both_languages() -> None:
    both = render_cover([HANS, EN])
    chinese = render_cover([HANS])
    assert opened(both).size == (1600, 2560)
    assert both != chinese
    # the English title below the Chinese block: ink where the single-language cover is plain ground
    band = (300, 920, 1300, 1020)
    plain = opened(chinese).convert("L").crop(band).getextrema()
    inked = opened(both).convert("L").crop(band).getextrema()
    assert plain[1] < 60 < inked[1]


def test_regions_set_their_own_forms() -> None:
    assert render_cover([HANS], region="SC") != render_cover([HANS], region="TC")


@pytest.mark.parametrize("ch", ["\U0001f600", "\ue000"])
def test_character_outside_the_fonts_is_refused(ch: str) -> None:
    with pytest.raises(RenderError, match=f"U\\+{ord(ch):04X}") as info:
        render_cover([HANS, CoverText("en", f"Lives {ch} in Medicine", "", "Example Press")])
    assert info.value.problems[0].location.field == "en.title"


def test_bad_arguments_are_user_errors() -> None:
    with pytest.raises(RenderError, match="region"):
        render_cover([EN], region="JP")
    with pytest.raises(RenderError, match="one or two"):
        render_cover([])
    with pytest.raises(RenderError, match="no title"):
        render_cover([CoverText("en", "  ", "", "Example Press")])


def test_chinese_lines_never_start_with_closing_punctuation() -> None:
    fonts = FontSet("SC")
    style = _title_style(HANS, fonts, 100)
    text = "医学人生，来自上海的故事。医生说：“好！”（上卷）、续篇；完！"
    measure = _measurer(style.stack, round(style.size))
    for width in range(250, 1200, 37):
        lines = _wrap(text, width, measure)
        assert "".join(lines) == text
        assert all(line[0] not in CLOSING for line in lines), lines
        assert all(line[-1] not in "（“「《" for line in lines), lines


def test_english_wraps_by_words() -> None:
    style = _subtitle_style(EN, FontSet("SC"), 64)
    text = "A very long subtitle that needs to wrap across several lines, to check balance"
    lines = _wrap(text, 700, _measurer(style.stack, round(style.size)))
    assert len(lines) > 1
    assert " ".join(lines) == text


def test_long_title_shrinks_to_three_lines() -> None:
    style = _title_style(EN, FontSet("SC"), 150)
    title = "The Long and Winding Road Through Twentieth-Century Chinese Medicine and Its Remarkable Doctors"
    block = _fit(title, style, 1160, 1.0)
    assert len(block.lines) <= 3
    assert block.px < 150
    assert len(_fit("Lives in Medicine", style, 1160, 1.0).lines) == 1


def test_thumbnail_keeps_aspect(english: bytes) -> None:
    small = opened(thumbnail(english))
    assert small.format == "JPEG"
    assert small.size == (320, 512)
    assert opened(thumbnail(english, width=200)).size == (200, 320)
    assert thumbnail(english) == thumbnail(english)
    with pytest.raises(RenderError):
        thumbnail(b"not an image")


def test_write_cover_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "cover.jpg"
    target.write_bytes(b"old")
    write_cover([HANS, EN], target)
    assert opened(target.read_bytes()).format == "JPEG"
    assert target.read_bytes() == render_cover([HANS, EN])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cover.jpg"]

    bad = tmp_path / "cover.gif"
    bad.write_bytes(b"old")
    with pytest.raises(RenderError, match=".gif"):
        write_cover([EN], bad)
    with pytest.raises(RenderError, match="U\\+1F600"):
        write_cover([CoverText("en", "\U0001f600", "", "")], target)
    assert bad.read_bytes() == b"old"
    assert opened(target.read_bytes()).format == "JPEG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cover.gif", "cover.jpg"]


def test_png_cover_has_no_timestamp(tmp_path: Path) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    write_cover([HANT], first, region="TC", draft=True)
    write_cover([HANT], second, region="TC", draft=True)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert opened(data).format == "PNG" and opened(data).size == (1600, 2560)
    assert b"tIME" not in data and b"eXIf" not in data

