"""The draft mark of a print cover wrap is in the edition's language, as the interior's is."""

from __future__ import annotations

from babel.messages.pofile import read_po

from conftest import REPO, SAMPLE, sample_project
from publish.build import prepare
from publish.prepress.coverwrap import geometry, wrap_html
from publish.prepress.profiles import profile
from publish.sources import load_book
from publish.theme import resolve


def _catalogue(locale: str) -> dict[str, str]:
    path = REPO / "src" / "publish" / "locale" / locale / "LC_MESSAGES" / "publish.po"
    with path.open("rb") as fp:
        return {m.id: m.string for m in read_po(fp) if m.id and m.string}


def test_cover_wrap_draft_mark_is_translated(tmp_path) -> None:  # noqa: ANN001
    project = sample_project(cache=tmp_path)
    sources = load_book(SAMPLE)
    theme = resolve(project, sources)
    generic = profile("generic")
    geo = geometry(generic, generic.paper(sources.book.printer.paper), 64, sources.book.trim)
    marks = {}
    for edition in sources.book.editions:
        p = prepare(project, sources, edition, theme, draft=True)
        html = wrap_html(p.view, geo, generic, lang="x", isbn="", editor=None, draft=True, latin_font="EB Garamond",
                         spine_text=False)
        marks[edition.id] = html.split('<p class="draft">', 1)[1].split("</p>", 1)[0]
    assert marks["en"] == "DRAFT"
    assert marks["zh-Hans"] == _catalogue("zh_Hans")["DRAFT"] != "DRAFT"
    assert marks["zh-Hant"] == _catalogue("zh_Hant")["DRAFT"] != "DRAFT"
