"""Font subsets for the EPUB, with the real fonts: coverage, the glyph budget, reproducible bytes, the
name table, faces inside a .ttc collection other than the first, and shaping like the original."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from publish.errors import RenderError
from publish.render.fonts import Face, FontSet, cmap
from publish.render.subset import BUDGET_PERCENT, missing_in, subset_face

TEXT = ("Dr. Li Ziming (李子明, 1923–2011) was the first officer of fine affairs at the hospital; "
        "“Office hours: 9–17.” 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz\n"
        "李子明医生一九二三年生于上海，毕业于圣约翰大学医学院。他常说：「医者仁心」、「学无止境」——"
        "这句话影响了几代学生。1949年后，他在华山医院工作了四十余年。《上海医学》记录了他的故事……\n"
        "李子明醫生一九二三年生於上海，畢業於聖約翰大學醫學院。他常說：「醫者仁心」、「學無止境」。")

BIG = TEXT + "".join(chr(0x4E00 + i) for i in range(300))
"""Enough ideographs for the budget to pay for the localized forms and the vertical ones as well."""

SC, TC = FontSet("SC"), FontSet("TC")
FACES = {"serif-sc": SC.serif, "serif-tc": TC.serif, "sans-sc": SC.sans, "latin": SC.latin}
LANGUAGES = {SC.serif: ("en", "zh-Hans"), SC.sans: ("en", "zh-Hans"), TC.serif: ("en", "zh-Hant"), SC.latin: ("en",)}


def subset(face: Face, text: str = TEXT, *, woff2: bool = False):  # type: ignore[no-untyped-def]
    path, index = face.file()
    return subset_face(path, index, text, family=face.family, languages=LANGUAGES[face], woff2=woff2)


def shaped(data: bytes, index: int, text: str, language: str = "en") -> list[tuple[object, int]]:
    """Each glyph the text shapes to, as its outline and advance: comparable across subsets."""
    font = hb.Font(hb.Face(hb.Blob(data), index))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.language = language
    buf.guess_segment_properties()
    hb.shape(font, buf)
    result = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        pen = RecordingPen()
        font.draw_glyph_with_pen(info.codepoint, pen)
        result.append((pen.value, pos.x_advance))
    return result


@pytest.mark.parametrize("name", list(FACES))
def test_subset_has_every_character_within_the_glyph_budget(name: str) -> None:
    face = FACES[name]
    result = subset(face)
    path, index = face.file()
    lacking = {ch for ch in TEXT if ch != "\n" and ord(ch) not in cmap(path, index)}
    assert missing_in(result.data, TEXT) == lacking
    if name != "latin":
        assert not lacking, "the CJK faces set the whole text"
    else:
        assert "上" in lacking and "A" not in lacking
    assert result.glyphs <= result.needed * BUDGET_PERCENT // 100
    with TTFont(str(path), fontNumber=index, lazy=True) as original:
        best = original.getBestCmap()
    assert result.needed == len({".notdef"} | {best[ord(ch)] for ch in set(TEXT) - lacking - {"\n"}})
    assert len(result.data) < 100_000
    assert (result.media_type, Path(result.filename).suffix) == ("font/otf", ".otf")
    assert result.filename == face.family.lower().replace(" ", "-") + ".otf"


@pytest.mark.parametrize("name", list(FACES))
def test_subset_keeps_the_family_name_and_the_timestamp(name: str) -> None:
    face = FACES[name]
    path, index = face.file()
    with TTFont(str(path), fontNumber=index, lazy=True) as original, TTFont(BytesIO(subset(face).data)) as font:
        assert font["name"].getDebugName(1) == original["name"].getDebugName(1) == face.family
        assert font["name"].getDebugName(6) == original["name"].getDebugName(6)
        assert font["head"].modified == original["head"].modified
        assert "OFL" in (font["name"].getDebugName(13) or "") + (font["name"].getDebugName(14) or "")
        assert font.getGlyphOrder()[0] == ".notdef"


def test_two_runs_give_the_same_bytes_even_in_another_process() -> None:
    first, second = subset(SC.serif), subset(SC.serif)
    assert first.data == second.data
    path, index = SC.serif.file()
    code = ("import hashlib, sys; from pathlib import Path; from publish.render.subset import subset_face; "
            f"print(hashlib.sha256(subset_face(Path({str(path)!r}), {index}, sys.stdin.read(), "
            f"family={SC.serif.family!r}).data).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], input=TEXT, capture_output=True, text=True, env=env,
                         check=True).stdout.strip()
    assert out == hashlib.sha256(first.data).hexdigest()


def test_a_face_other_than_the_first_of_the_collection() -> None:
    sc_path, sc_index = SC.serif.file()
    tc_path, tc_index = TC.serif.file()
    assert sc_path == tc_path and sc_index != tc_index != 0
    sc, tc = subset(SC.serif, BIG), subset(TC.serif, BIG)
    original = tc_path.read_bytes()
    # the subset sets the text exactly as the TC face of the collection does, and unlike the SC face
    for language in ("zh-Hant", "en"):
        assert shaped(tc.data, 0, BIG, language) == shaped(original, tc_index, BIG, language)
    assert shaped(tc.data, 0, "，") != shaped(sc.data, 0, "，")


@pytest.mark.parametrize("name", ["serif-sc", "latin"])
def test_subset_shapes_the_text_like_the_original(name: str) -> None:
    face = FACES[name]
    path, index = face.file()
    result = subset(face, BIG)
    original = path.read_bytes()
    for line in BIG.splitlines():
        if name == "latin":
            line = "".join(ch for ch in line if ord(ch) in cmap(path, index))
        for language in LANGUAGES[face] if line else ():
            assert shaped(result.data, 0, line, language) == shaped(original, index, line, language)
    if name == "latin":  # the fi and ffi ligatures the text uses survive
        font = hb.Font(hb.Face(hb.Blob(result.data)))
        buf = hb.Buffer()
        buf.add_str("office")
        buf.guess_segment_properties()
        hb.shape(font, buf)
        assert len({font.get_glyph_name(i.codepoint) for i in buf.glyph_infos} - set("ofice")) >= 1


def test_substitutions_give_way_to_the_budget() -> None:
    """A few letters cannot pay for the ligatures: only their own glyphs are kept, all of them."""
    result = subset(SC.latin, "ffi fl")
    assert result.needed == 5  # .notdef, f, i, l, space
    assert result.glyphs <= result.needed * BUDGET_PERCENT // 100
    assert missing_in(result.data, "ffi fl") == set()
    assert "liga" in subset(SC.latin).features


def test_localized_and_vertical_forms_only_when_the_budget_allows() -> None:
    big, small, punctuation = subset(SC.serif, BIG), subset(SC.serif), subset(SC.serif, "，。、「」")
    assert {"locl", "vert", "liga"} <= set(big.features)
    assert "locl" not in small.features and "vert" not in small.features and "liga" in small.features
    assert "vert" not in punctuation.features
    for result in (big, small, punctuation):
        assert result.glyphs <= result.needed * BUDGET_PERCENT // 100


def test_woff2_is_the_same_font_compressed() -> None:
    plain, packed = subset(SC.sans), subset(SC.sans, woff2=True)
    assert packed.data[:4] == b"wOF2" and packed.media_type == "font/woff2"
    assert packed.filename == "noto-sans-cjk-sc.woff2"
    assert len(packed.data) < len(plain.data)
    with TTFont(BytesIO(packed.data)) as font:
        assert not {ch for ch in TEXT if ch != "\n" and ord(ch) not in font.getBestCmap()}
    assert subset(SC.sans, woff2=True).data == packed.data


def test_missing_fonts_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="cannot read font file"):
        subset_face(tmp_path / "none.otf", 0, "a", family="None")
    path, _ = SC.serif.file()
    with pytest.raises(RenderError, match="no font at index 99"):
        subset_face(path, 99, "a", family="None")
    (tmp_path / "junk.otf").write_bytes(b"not a font")
    with pytest.raises(RenderError, match="no font at index 0"):
        subset_face(tmp_path / "junk.otf", 0, "a", family="None")
