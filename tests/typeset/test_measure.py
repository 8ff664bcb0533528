"""The measure itself (tests/typeset/measure.py) on lines made by hand: each reading it was taught to
make (bilingual speaker labels, lines across both columns, loose lines split by PyMuPDF) still lets it
fail where the typesetting is wrong."""

from __future__ import annotations

from typeset.measure import Line, _baselines, _measure_lang

EM = 10.0
LEFT, RIGHT = 50.0, 190.0          # a 14-em Chinese column
EN_LEFT, EN_RIGHT = 200.0, 350.0   # the English column beside it (bilingual)
HAN = "中国医学的发展凝聚了三代人的努力"


def zh(page: int, y: float, text: str = HAN[:14], *, x0: float = LEFT, bold: bool = False,
       size: float = EM) -> Line:
    origins = [x0 + i * size for i in range(len(text))]
    return Line(page, x0, origins[-1] + size, y, size, text, origins, "zh", bold)


def en(page: int, y: float, text: str = "The development of the department", x1: float = EN_RIGHT) -> Line:
    origins = [EN_LEFT + i * (x1 - EN_LEFT) / len(text) for i in range(len(text))]
    return Line(page, EN_LEFT, x1, y, 9.2, text, origins, "en")


def paragraph(page: int, y: float, n: int = 4, *, indent: bool = True) -> list[Line]:
    """n full lines, the first indented 2 em, the last ending with 。 halfway."""
    lines = [zh(page, y, HAN[:12], x0=LEFT + 2 * EM) if indent else zh(page, y)]
    lines += [zh(page, y + 17.5 * i) for i in range(1, n - 1)]
    lines.append(zh(page, y + 17.5 * (n - 1), "三代人的努力。"))
    return lines


def body(page: int) -> list[Line]:
    return paragraph(page, 100) + paragraph(page, 200) + paragraph(page, 300)


def test_a_sound_page_measures_clean() -> None:
    fig = _measure_lang(body(1) + body(3), "zh")
    assert fig.paragraphs == 6
    assert (fig.unindented, fig.past_edge, fig.single_last, fig.prohibited) == (0, 0, 0, 0)


def test_unindented_paragraph_and_label() -> None:
    label = zh(1, 400, "李子明医生 · Dr. Li", bold=True)          # a bilingual speaker label: no paragraph
    question = zh(1, 450, "您如何看待围手术期治疗？", bold=True)   # a question is one, and must be indented
    fig = _measure_lang(body(1) + body(3) + [label, question] + paragraph(3, 420, indent=False), "zh")
    assert fig.unindented == 2, fig.examples
    assert {e.split()[0] for e in fig.examples["unindented"]} == {"p1", "p3"}


def test_past_edge_beside_and_across_columns() -> None:
    lines = body(1) + body(3)
    lines.append(zh(1, 500, HAN[:15]))                                     # a column line 1 em too long
    fig = _measure_lang([*lines, en(1, 500)], "zh")
    assert fig.past_edge == 1
    # the same line with nothing beside it in the English column: a line across both (a label)…
    label = zh(1, 500, "王忠敏医生 · Dr. Wang Zhongmin Xu", bold=True)
    fig = _measure_lang([*body(1), *body(3), label, en(3, 100), en(1, 100)], "zh")
    assert fig.past_edge == 0, fig.examples
    # …but it may not reach past the English column's edge either
    label = zh(1, 500, "王忠敏医生 · Dr. Wang Zhongmin Xu and more", bold=True)
    fig = _measure_lang([*body(1), *body(3), label, en(3, 100), en(1, 100)], "zh")
    assert fig.past_edge == 1


def test_page_feet() -> None:
    lines = body(1) + body(2) + body(3)
    fig = _measure_lang(lines, "zh")
    assert (fig.foot_headings, fig.foot_labels) == (0, 0)
    heading = zh(1, 520, "医教研协同", size=12.5)
    label = zh(2, 520, "李军民", bold=True)
    fig = _measure_lang([*lines, heading, label], "zh")
    assert (fig.foot_headings, fig.foot_labels) == (1, 1), fig.examples


def test_heading_broken_before_a_last_character() -> None:
    heads = [zh(1, 60, "援边路上，情系新", size=12.5), zh(1, 76, "疆", size=12.5)]
    fig = _measure_lang(body(1) + body(3) + heads, "zh")
    assert fig.heading_orphans == 1


def test_fragments_on_one_baseline_are_one_line() -> None:
    """PyMuPDF cuts a loosely justified line at its wide gaps: the fragments are joined again."""
    def span(text: str, x: float, y: float) -> dict:
        return {"size": EM, "flags": 0, "font": "NotoSerifCJKsc-Regular",
                "chars": [{"c": c, "origin": (x + i * EM, y), "bbox": (x + i * EM, y - 8, x + (i + 1) * EM, y + 2)}
                          for i, c in enumerate(text)]}

    def line(text: str, x: float, y: float) -> dict:
        return {"dir": (1.0, 0.0), "spans": [span(text, x, y)]}

    block = {"lines": [line("然", 50, 100), line("·", 70, 100), line("通讯》（", 90, 100),
                       line("Communications", 50, 117.5)]}
    rows = _baselines(block)
    assert ["".join(c["c"] for s in row for c in s["chars"]) for row in rows] == ["然·通讯》（", "Communications"]


def test_loose_lines() -> None:
    tight = zh(1, 500)
    spaced = Line(1, LEFT, RIGHT, 520, EM, HAN[:11], [LEFT + i * 1.3 * EM for i in range(11)], "zh")
    fig = _measure_lang([*body(1), *body(3), tight, spaced, zh(1, 540, "三代人的努力。")], "zh")
    assert fig.loose == 1 and fig.examples["loose"][0].startswith("p1 ")
