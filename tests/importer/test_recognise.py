"""The one-line classifiers, on lines taken from the sample's articles and on near misses."""

from __future__ import annotations

import pytest

from publish.importer import recognise as rec
from publish.importer.article import Block


@pytest.mark.parametrize(("line", "expected"), [
    ("Dr. Li Junmin | Through Three Eras, Marching On;Toward Tomorrow, Legacy Unfading.",
     ("Dr.", "Li Junmin", "Through Three Eras, Marching On;Toward Tomorrow, Legacy Unfading.")),
    ("Dr.Li Ziming | Medical Breakthroughs", ("Dr.", "Li Ziming", "Medical Breakthroughs")),
    ("Prof. Zuo Xiaolei| A Symphony of Chemistry", ("Prof.", "Zuo Xiaolei", "A Symphony of Chemistry")),
    ("Liu Ruijun ｜ Charting the Heart’s Terrain", (None, "Liu Ruijun", "Charting the Heart’s Terrain")),
    ("Surgery | a note", None),
    ("He said: yes | no", None),
])
def test_title(line: str, expected: tuple[str | None, str, str] | None) -> None:
    found = rec.title(line)
    assert (found and (found.honorific, found.name, found.headline)) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Update time:2025-06-03Visits:8328", ("2025-06-03", 8328)),
    ("更新时间:2025-03-30点击:8528", ("2025-03-30", 8528)),
    ("Updated: 2025-01-02", ("2025-01-02", None)),
    ("In 2025-06 he left", None),
])
def test_updated(line: str, expected: tuple[str, int | None] | None) -> None:
    assert rec.updated(line) == expected


@pytest.mark.parametrize(("line", "label", "kind"), [
    ("Current Positions:", "Current Positions", "positions"),
    ("**Key Professional Affiliations:**", "Key Professional Affiliations", "affiliations"),
    ("Research Projects Undertaken:", "Research Projects Undertaken", "projects"),
    ("Research Focus:", "Research Focus", "research"),
    ("Professional Focus:", "Professional Focus", "expertise"),
    ("Academic Publications (First/Co-first Author, SCI-indexed):",
     "Academic Publications (First/Co-first Author, SCI-indexed)", "publications"),
    ("Specializations:", "Specializations", "specialisations"),
    ("Hobbies:", "Hobbies", "other"),
])
def test_labels_and_kinds(line: str, label: str, kind: str) -> None:
    assert rec.label(Block(line, 1)) == label and rec.list_kind(label) == kind


@pytest.mark.parametrize("line", ["He pointed to one page: “Every case is evaluated three times.”",
                                  "Editor: Chen Qing"])
def test_not_labels(line: str) -> None:
    assert rec.label(Block(line, 1)) is None


@pytest.mark.parametrize(("line", "marker", "heading"), [
    ("His First \"Science and Technology Progress Award\" at Age 26", None, True),
    ("Leading the Team to the Next Zero to One Process", None, True),
    ("The Path to be a “lung cancer doctor", "1.", True),
    ("Pioneering geriatric leukemia care. As China’s population aged, Li shifted focus.", None, False),
    ("The memory of those early days remains vivid for Wang.", None, False),
    ("and end up making achievements", None, False),
    ("Current Positions:", None, False),
])
def test_headings(line: str, marker: str | None, heading: bool) -> None:
    assert rec.looks_like_heading(Block(line, 1, marker=marker)) is heading


@pytest.mark.parametrize(("line", "expected"), [
    ("1.A Life of Passion", ("A Life of Passion", True)),
    ("2、Pioneering Spirit", ("Pioneering Spirit", True)),
    ("3. Inclusive Vision", ("Inclusive Vision", True)),
    ("A 15-Year Journey", ("A 15-Year Journey", False)),
])
def test_strip_number(line: str, expected: tuple[str, bool]) -> None:
    assert rec.strip_number(line) == expected


@pytest.mark.parametrize(("line", "clutter"), [
    ("Previous article:Prof. Zuo Xiaolei| A Symphony Next article:没有了!", True),
    ("Official WeChat official account", True), ("官方微信公众号", True), ("关键词", True),
    ("The Genesis of an Interventionalist", False),
])
def test_clutter(line: str, clutter: bool) -> None:
    assert rec.is_clutter(line) is clutter
