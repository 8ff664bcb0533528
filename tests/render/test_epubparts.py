"""The EPUB's italic and bold faces: which text the stylesheet sets in them, and the faces found."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from publish.render.epubparts import styled_runs
from publish.render.fonts import variant_file
from publish.render.subset import subset_face


def test_styled_runs_follow_each_elements_language() -> None:
    root = ET.fromstring(
        '<section><p lang="zh-Hans">他说<em>重要</em>的话</p>'
        '<p class="headline" lang="en">A <em>new</em> day</p><p lang="en">plain <strong>strong</strong> end</p>'
        '<dl><dt><span class="speaker">王</span>问题</dt><dd>回答</dd></dl></section>')
    runs = styled_runs([root], "zh-Hans")
    assert runs["italic"] == "A new day"                # English italic; Chinese emphasis is never italic
    assert runs["bold"] == "重要strong问题"               # Chinese em, strong, the question (dt)
    assert runs["bold-heading"] == "王"                  # the Chinese speaker label: bold sans


def test_variant_faces_are_real_faces() -> None:
    italic = variant_file("EB Garamond 12", style="italic")
    bold = variant_file("Noto Serif CJK SC", weight="bold")
    assert italic is not None and "Italic" in italic[0].name
    assert bold is not None and "Bold" in bold[0].name
    assert variant_file("Noto Serif CJK SC", style="italic") is None   # no slanted roman passed off as italic
    sub = subset_face(*italic, "A new day", family="EB Garamond 12", style="italic")
    assert sub.filename == "eb-garamond-12-italic.otf" and sub.style == "italic" and sub.needed > 1
