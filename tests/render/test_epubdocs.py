"""The EPUB's content documents made one chapter at a time (publish.render.epubdocs): the same documents as
the whole edition parsed at once, from the cache after an edit as from a clean cache, and the package
written from the compressed members byte for byte as zipfile writes it."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from conftest import SAMPLE, SAMPLE_EPOCH, sample_project
from publish.render import epub, epubdocs
from publish.render.epubdocs import Member, Unsplittable, documents, finish, scan
from publish.render.pagemap import PageStart, element_paths, own_text
from publish.render.xhtml import chapters, parse


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def] # noqa: ANN201
    """The sample's en and zh-Hans editions, localised (catalogues compiled into a cache of the test's own)."""
    from publish.edition import prepare
    from publish.sources import load_book
    from publish.theme import resolve

    cache = tmp_path_factory.mktemp("cache")
    project = sample_project(cache=cache)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        sources = load_book(SAMPLE, cache)
        theme = resolve(project, sources)
        editions = {e.id: e for e in sources.book.editions}
        return project, sources, theme, {eid: prepare(project, sources, editions[eid], theme, draft=False)
                                         for eid in ("en", "zh-Hans")}


def page_starts(html: str, seed: int) -> tuple[PageStart | None, ...]:
    """Page starts as a layout notes them, in document order: at elements with text (their first word or
    inside it), in the cover and contents, in <head> and <body> themselves, pages without text, blank
    pages at the end."""
    root = parse(html)
    paths = element_paths(root)
    rnd = random.Random(seed)
    starts: list[PageStart | None] = []
    sections: set[tuple[int, ...]] = set()
    for el in root.iter():
        text = own_text(el) if isinstance(el.tag, str) else ""
        path = paths.get(id(el))
        if path is None or (not text and path not in ((), (1,))):
            continue
        first = len(path) > 2 and path[:2] not in sections     # each section's first text: cover, contents…
        sections.add(path[:2])
        if not first and rnd.random() > 0.15:
            continue
        if rnd.random() < 0.1:
            starts.append(None)
        starts.append(PageStart(len(starts) + 1, path, rnd.randrange(len(text)) if text else 0))
    starts += [None, None]
    return tuple(PageStart(n, s.path, s.offset) if s else None for n, s in enumerate(starts, 1))


def whole(html: str, starts: tuple[PageStart | None, ...], lang: str, body_class: str) \
        -> tuple[list[epubdocs.Doc], tuple[int, ...]]:
    cut = chapters(html, starts)
    return [finish(ch.element, ch.id, ch.kind, ch.pages, lang=lang, body_class=body_class)
            for ch in cut.chapters], cut.toc_pages


@pytest.mark.parametrize("edition", ["en", "zh-Hans"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_chapters_parsed_alone_are_the_whole_editions(prepared, edition: str, seed: int) -> None:  # noqa: ANN001
    html = prepared[3][edition].html
    scan(html)   # the template's HTML is cut, not parsed whole
    starts = page_starts(html, seed)
    lang = "en" if edition == "en" else "zh-Hans"
    alone, toc = documents(html, starts, lang=lang, body_class=f"edition-{edition}", cache=None)
    at_once, toc_whole = whole(html, starts, lang, f"edition-{edition}")
    assert [d.file for d in alone] == [d.file for d in at_once]
    assert alone == at_once and toc == toc_whole
    assert sum(len(d.pages) for d in alone) + len(toc) == len(starts)   # every page somewhere
    assert any(d.pages for d in alone if d.kind == "profile") and toc


def test_markup_the_scan_cannot_follow_is_parsed_whole(prepared) -> None:  # noqa: ANN001
    html = prepared[3]["en"].html
    broken = html.replace("</p>", "", 1)        # an unclosed <p>: HTML allows it, the scan refuses it
    with pytest.raises(Unsplittable):
        scan(broken)
    starts = page_starts(broken, 4)
    assert documents(broken, starts, lang="en", body_class="edition-en", cache=None) == \
        whole(broken, starts, "en", "edition-en")


def edited(html: str) -> str:
    """One paragraph of the third profile changed."""
    at = html.index('<article class="profile"')
    at = html.index('<article class="profile"', at + 1)
    at = html.index('<article class="profile"', at + 1)
    p = html.index("<p>", at)
    return html[:p + 3] + "Edited. " + html[p + 3:]


def write(prepared, edition: str, html: str, starts, cache: Path, out: Path) -> bytes:  # noqa: ANN001
    from publish.render.epubparts import make_parts

    project, sources, theme, preps = prepared
    p = preps[edition]
    parts, meta = make_parts(sources, p.edition, html=html, view=p.view, fonts=p.fonts, starts=starts,
                             cache=cache, draft=False, when=p.when, theme=theme)
    epub.write_epub(parts, meta, out)
    return out.read_bytes()


@pytest.mark.parametrize("edition", ["en", "zh-Hans"])
def test_an_edited_chapter_is_made_again_and_the_epub_is_a_clean_builds(prepared, tmp_path: Path,  # noqa: ANN001
                                                                          edition: str) -> None:
    html = prepared[3][edition].html
    starts = page_starts(html, 5)
    cache = tmp_path / "cache"
    shutil.copytree(prepared[0].cache / "mo", cache / "mo")   # the interface labels
    write(prepared, edition, html, starts, cache, tmp_path / "first.epub")
    kept = {p.name for p in (cache / "editions").iterdir()}
    chapters_made = [name for name in kept if name.startswith("epub-doc-")]
    assert len(chapters_made) >= 8

    again = edited(html)
    incremental = write(prepared, edition, again, starts, cache, tmp_path / "incremental.epub")
    new = {p.name for p in (cache / "editions").iterdir()} - kept
    assert len([n for n in new if n.startswith("epub-doc-")]) == 1     # only the edited chapter

    clean_cache = tmp_path / "clean"
    shutil.copytree(prepared[0].cache / "mo", clean_cache / "mo")
    clean = write(prepared, edition, again, starts, clean_cache, tmp_path / "clean.epub")
    assert incremental == clean
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        assert any(b"Edited. " in z.read(name) for name in z.namelist() if name.endswith(".xhtml"))
        assert z.testzip() is None


@pytest.mark.parametrize("edition", ["en", "zh-Hans"])
def test_the_parts_are_cut_where_the_html_parser_cuts_them(prepared, edition: str) -> None:  # noqa: ANN001
    from publish.render import parts

    html = prepared[3][edition].html
    fast = parts.split(html)
    slow = parts.split(html, fast=False)
    assert fast is not None and fast == slow and len(fast.parts) == 7


def test_the_zip_is_zipfiles(tmp_path: Path) -> None:
    """The container from members compressed beforehand, against zipfile writing the same entries."""
    rnd = random.Random(7)
    entries: dict[str, bytes] = {"EPUB/content.opf": b"<package/>", "META-INF/container.xml": b"<container/>"}
    for n in range(20):
        entries[f"EPUB/x-{n}.xhtml"] = bytes(rnd.choice(b"abc <>\n\xe4\xb8\xad") for _ in range(rnd.randrange(5000)))
    entries["EPUB/empty.css"] = b""
    when = datetime(2025, 6, 3, 12, 34, 56)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        for name in [*epub.FIRST, *sorted(k for k in entries if k not in epub.FIRST)]:
            info = zipfile.ZipInfo(name, date_time=(2025, 6, 3, 12, 34, 56))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, b"application/epub+zip")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, entries[name], compresslevel=9)
    members = {k: (Member.of(v) if n % 2 else v) for n, (k, v) in enumerate(entries.items())}
    assert epub._zip(members, when) == raw.getvalue()
