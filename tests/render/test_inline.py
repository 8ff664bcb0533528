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


def _punctuate_reference(text: str, centered: bool) -> str:
    """The marks as the first implementation set them, one character at a time (the oracle for the regex
    search that replaced it)."""
    from publish.render.inline import _HAN, CENTERED, CLOSING, OPENING

    marks = CLOSING + OPENING
    halt: set[int] = set()
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a in marks and b in marks:
            if centered and a in CENTERED and b in CENTERED:
                continue
            if a in CLOSING and not (centered and a in CENTERED):
                halt.add(i)
            elif b in OPENING or centered:
                halt.add(i + 1)
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "“‘" and prev and not prev.isspace() and prev not in OPENING:
            out.append("<wbr>")
        out.append(f'<span class="halt">{ch}</span>' if i in halt else ch)
        if ch in "”’" and nxt and _HAN.match(nxt):
            out.append("<wbr>")
    return "".join(out)


def test_punctuation_marks_are_the_character_loops() -> None:
    import random

    from publish.render.inline import CLOSING, OPENING, _punctuate_text

    alphabet = CLOSING + OPENING + "“‘”’中文字a b1 \n"
    rnd = random.Random(18)
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(14))) for _ in range(30000)]
    texts += ["他说：“好。”」", "（「中」）", "“Hello”中", "。）", ""]
    for text in texts:
        for centered in (False, True):
            assert _punctuate_text(text, centered) == _punctuate_reference(text, centered), (text, centered)
    assert '<span class="halt">。</span>' in _punctuate_text("好。）", False)
