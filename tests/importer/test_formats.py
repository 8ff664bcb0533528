"""HTML, DOCX and Markdown articles made for the tests, imported into the minimal fixture book."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import docx
import pytest

from conftest import RAW, SAMPLE
from importer.conftest import ARTICLES, PROFILES
from importer.scoring import load
from publish.importer import read_article
from publish.importer.run import import_articles

MARKDOWN = """\
# Dr. Zhou Lan | Listening to the Lungs

Update time: 2025-05-01 Visits: 12

Zhou Lan, MD, Associate Chief Physician

**Current Positions:**

- Director, Example Children's Clinic
- Member, Example Asthma Society

## Preface

She answers every letter her young patients send, *every one*, by hand.

## 1. Early Years

Zhou Lan grew up in a city where the winter air was grey, and her brother coughed through every January.

![portrait](zhou-lan.png)

## 2. The Clinic

Her clinic sees three hundred children a week, and each leaves with a plan their parents can follow.

**Tiny Press:** What changed most in twenty years?

**Dr. Zhou Lan:** The air, and how early we now listen to the parents.

**Tiny Press:** And what stayed the same?

**Dr. Zhou Lan:** The children. They still hate the inhaler until it helps.

Editor: Wei Zhang

Copyright: © 2025 Tiny Press. All rights reserved.
"""


def _docx(path: Path, *, notice: bool) -> Path:
    """A Word profile page: site line, Heading styles, a list style, italic runs, a stray credit."""
    doc = docx.Document()
    doc.add_paragraph("Tiny Press")
    doc.add_heading("Dr. Zhou Lan | Listening to the Lungs", level=1)
    doc.add_paragraph("Zhou Lan, MD, Associate Chief Physician")
    doc.add_paragraph("Research Focus:")
    doc.add_paragraph("Asthma in children, and the air they breathe.", style="List Bullet")
    doc.add_heading("Preface", level=2)
    para = doc.add_paragraph("She answers every letter her young patients send, ")
    para.add_run("every one").italic = True
    para.add_run(", by hand.")
    doc.add_heading("1. Early Years", level=2)
    doc.add_paragraph("Zhou Lan grew up in a city where the winter air was grey, and her brother coughed "
                      "through every January.")
    doc.add_heading("2. The Clinic", level=2)
    doc.add_paragraph("Her clinic sees three hundred children a week, and each leaves with a plan their "
                      "parents can follow.")
    doc.add_paragraph("Editor: Zhang Wei")
    doc.add_paragraph("Photo: the Zhou family archive")
    if notice:
        doc.add_paragraph("Copyright: This article is the work of Tiny Press; all rights belong to Tiny Press.")
    doc.save(str(path))
    return path


def test_html_article(minimal: Path) -> None:
    (item,) = import_articles([ARTICLES / "chen-hua.html"], minimal)
    data = load(item.target)
    assert data["person"] == {"family": "Chen", "given": "Hua", "order": "family-first", "honorific": "Dr."}
    assert data["headline"] == "Healing with Patience, Teaching with Care"
    assert data["credentials"]["degrees"] == ["MD", "PhD"]
    assert data["credentials"]["titles"] == ["Chief Physician", "Department of Cardiology, Example City Hospital"]
    assert [(lst["kind"], lst["heading"], len(lst["items"])) for lst in data["credentials"]["lists"]] == [
        ("positions", "Current Positions", 2), ("research", "Research Interests", 1)]
    assert data["preface"]["heading"] == "Preface"
    assert [s["heading"] for s in data["sections"]] == ["A Childhood by the River", "Learning to Listen"]
    assert "*telemedicine*" in data["sections"][0]["paragraphs"][1]
    assert "[the Example Heart Journal](https://example.org/papers/1)" in data["sections"][1]["paragraphs"][1]
    assert data["sections"][1]["paragraphs"][0].startswith("At medical school")  # text directly in a <div>
    interview = data["interview"]
    assert (interview["heading"], interview["interviewer"], interview["interviewee"]) == (
        "Onsite Interview", "Tiny Press", "Dr. Chen Hua")
    assert interview["exchanges"][1]["answer"] == ["Write down every question your patients ask you.",
                                                   "Then answer them all, even the ones that seem small."]
    assert data["source"] == {"publisher": "tiny-press", "updated": "2025-04-12", "visits": 1204, "editor": "ed-one"}
    assert data["rights"]["holder"] == "tiny-press" and len(data["rights"]["notice"]) == 2
    text = item.target.read_text(encoding="utf-8")
    for clutter in ("Home", "tracker", "portrait-chen-hua.png", "Previous article", "WeChat", "margin"):
        assert clutter not in text, clutter
    assert [p.message for p in item.check if p.is_error] == []


def test_html_located_note(minimal: Path) -> None:
    (item,) = import_articles([ARTICLES / "chen-hua.html"], minimal)
    (note,) = [n for n in item.notes if n.kind == "import.unplaced"]
    line = (ARTICLES / "chen-hua.html").read_text(encoding="utf-8").split("\n")[note.location.line - 1]
    assert "Photo: the hospital" in line and note.location.path.endswith("chen-hua.html")
    assert any(n.endswith(f"(chen-hua.html:{note.location.line})") and "Photo" in n
               for n in load(item.target)["editor_notes"])


@pytest.mark.parametrize("notice", [True, False])
def test_docx_article(minimal: Path, tmp_path: Path, notice: bool) -> None:
    path = _docx(tmp_path / "zhou-lan.docx", notice=notice)
    (item,) = import_articles([path], minimal, force=True)
    data = load(item.target)
    assert item.profile_id == "zhou-lan" and data["headline"] == "Listening to the Lungs"
    assert data["credentials"]["degrees"] == ["MD"] and data["credentials"]["titles"] == ["Associate Chief Physician"]
    assert data["credentials"]["lists"] == [{"kind": "research", "heading": "Research Focus",
                                             "items": ["Asthma in children, and the air they breathe."]}]
    assert data["preface"]["paragraphs"] == ["She answers every letter her young patients send, *every one*, by hand."]
    assert [s["heading"] for s in data["sections"]] == ["Early Years", "The Clinic"]
    assert data["source"] == {"publisher": "tiny-press", "editor": "ed-one"}
    (note,) = [n for n in item.notes if n.kind == "import.unplaced"]
    assert note.location.line == 13 and "Photo: the Zhou family archive" in note.message  # its 13th paragraph
    warnings = [w for w in item.draft.warnings if w.kind == "import.no-notice"]
    if notice:
        assert data["rights"]["notice"] and data["rights"]["holder"] == "tiny-press" and not warnings
    else:
        assert data["rights"] == {"status": "pending"}, "no notice in the article: none invented"
        assert len(warnings) == 1 and "no copyright notice" in warnings[0].message
        assert any("no copyright notice" in n for n in data["editor_notes"])


def test_markdown_article(minimal: Path, tmp_path: Path) -> None:
    path = tmp_path / "zhou-lan.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    (item,) = import_articles([path], minimal)
    data = load(item.target)
    assert data["headline"] == "Listening to the Lungs" and data["person"]["honorific"] == "Dr."
    assert data["credentials"]["lists"][0]["items"] == ["Director, Example Children’s Clinic",
                                                         "Member, Example Asthma Society"]
    assert data["preface"]["paragraphs"] == ["She answers every letter her young patients send, *every one*, by hand."]
    assert [s["heading"] for s in data["sections"]] == ["Early Years", "The Clinic"]
    assert len(data["interview"]["exchanges"]) == 2 and data["interview"]["interviewee"] == "Dr. Zhou Lan"
    assert data["source"] == {"publisher": "tiny-press", "updated": "2025-05-01", "visits": 12, "editor": "ed-one"}
    assert data["rights"]["notice"] == ["© 2025 Tiny Press. All rights reserved."]
    assert [b.text for b in item.draft.article.dropped] == ["(image)"]
    assert [p.message for p in item.check if p.is_error] == []


def test_every_reader_gives_lines_of_its_file(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text(MARKDOWN, encoding="utf-8")
    lines = MARKDOWN.split("\n")
    for block in read_article(md).blocks:
        assert block.text.split()[0].strip("*#") in lines[block.line - 1], block
    html = read_article(ARTICLES / "chen-hua.html")
    source = (ARTICLES / "chen-hua.html").read_text(encoding="utf-8").split("\n")
    for block in html.blocks:
        assert block.text.split()[0].strip("*[") in source[block.line - 1], block


def test_html_lines_of_a_div_page(minimal: Path, tmp_path: Path) -> None:
    """A CMS page: no <p>, lines of a <div> split by <br>; an XML declaration; verse lines in a <p>."""
    page = tmp_path / "li-na.xhtml"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html><body><div class="content">\n'
        "Dr. Li Na | Small Steps<br>\nLi Na, MD<br>\n"
        "Preface<br>\n<p>She walks to work,<br>whatever the weather.</p>\n"
        "1. First Steps<br>\nShe began as a nurse in 1990, in a town of twelve thousand people.<br><br>\n"
        "She became a doctor ten years later, and stayed in the same town.<br>\n"
        "</div></body></html>\n", encoding="utf-8")
    (item,) = import_articles([page], minimal)
    data = load(item.target)
    assert data["headline"] == "Small Steps" and data["credentials"]["degrees"] == ["MD"]
    assert data["preface"]["paragraphs"] == ["She walks to work, whatever the weather."]
    assert data["sections"] == [{"heading": "First Steps", "paragraphs": [
        "She began as a nurse in 1990, in a town of twelve thousand people.",
        "She became a doctor ten years later, and stayed in the same town."]}]
    assert [b.line for b in item.draft.article.blocks][:3] == [3, 4, 5]


def _as_html(lines: list[str], path: Path) -> Path:
    path.write_text("<html><body>\n" + "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
                    + "\n</body></html>\n", encoding="utf-8")
    return path


def _as_markdown(lines: list[str], path: Path) -> Path:
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def _as_docx(lines: list[str], path: Path) -> Path:
    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("pid", PROFILES)
def test_same_article_same_profile_in_every_format(pid: str, minimal: Path, tmp_path: Path) -> None:
    """Each sample article, one paragraph per line, as HTML, Markdown and DOCX: the same profile as the text."""
    text = (RAW / f"{pid}.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.split("\n") if line.strip() and "image>" not in line]
    book = tmp_path / "book"
    shutil.copytree(SAMPLE, book, ignore=shutil.ignore_patterns("profiles", "raw"))
    (book / "profiles").mkdir()

    def data(source: Path) -> dict[str, object]:
        (item,) = import_articles([source], book, pid, force=True)
        got = load(item.target)
        del got["editor_notes"]  # they cite lines (paragraph numbers for DOCX), which differ
        return got

    expected = data(RAW / f"{pid}.txt")
    for convert, suffix in ((_as_html, ".html"), (_as_markdown, ".md"), (_as_docx, ".docx")):
        assert data(convert(lines, tmp_path / f"{pid}{suffix}")) == expected, suffix
