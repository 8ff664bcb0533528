"""Inline text in Chinese editions: Latin words get ``lang="en"``, numbers do not; spacing classes stay."""

from __future__ import annotations

from publish.render.inline import inline, latin_lang


def test_latin_words_in_chinese_text_are_marked_english() -> None:
    html = str(inline("刘瑞军（Liu Ruijun）在2025年获得PhD学位，95%的病人", "zh-Hans"))
    assert '（<span lang="en">Liu Ruijun</span>）' in html
    assert '<span class="cjk-sp-l cjk-sp-r" lang="en">PhD</span>' in html
    assert '<span class="cjk-sp-l cjk-sp-r">2025</span>' in html and '<span class="cjk-sp-r">95%</span>' in html


def test_english_text_is_left_alone() -> None:
    assert str(inline("Liu Ruijun earned a PhD in 2025", "en")) == "Liu Ruijun earned a PhD in 2025"
    assert str(latin_lang("Liu Ruijun", "en")) == "Liu Ruijun"


def test_a_name_alone_in_a_chinese_edition() -> None:
    assert str(latin_lang("Ye Wen Ren Yi (ShanghaiDoctor.cn)", "zh-Hant")) == \
        '<span lang="en">Ye Wen Ren Yi</span> (<span lang="en">ShanghaiDoctor.cn</span>)'
    assert str(latin_lang("<b>", "zh-Hans")) == "&lt;b&gt;"
