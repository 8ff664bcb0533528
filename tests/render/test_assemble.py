"""The digital PDF laid out in parts and assembled (publish.render.partbuild, .assemble) against the same
edition laid out in one pass: same pages (text and pixels), bookmarks, named destinations, links, /Lang,
page map; the checks the release runs pass; each font face embedded once, the files no bigger than the one
layout's (publish.render.fontmerge); the bytes are the same from one run to the next; one edited paragraph
re-lays one part; the whole sample built in parts gives what the one layout gives."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, SAMPLE_EPOCH, project_at, sample_project

pytestmark = pytest.mark.slow


def _prepared(book: Path, edition_id: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from publish.build import prepare, select
    from publish.project import locate
    from publish.sources import load_book
    from publish.theme import resolve

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    project, root = locate(book)
    sources = load_book(root)
    theme = resolve(project, sources)
    edition = select(sources, (edition_id,))[0]
    return sources, theme, prepare(project, sources, edition, theme, draft=False)


def _parts(sources, theme, p, cache: Path, target: Path, printed: Path | None = None):  # type: ignore[no-untyped-def] # noqa: ANN001
    from publish.prepress.profiles import profile
    from publish.render import partbuild
    from publish.render.pdf import FORMATS

    root = sources.root.resolve()
    setup = partbuild.Setup(FORMATS["pdf"], sources.book.trim, p.css, (root,), root, theme,
                            partbuild.layout_digest(sources, theme))
    job = partbuild.edition_job(p.edition.id, p.html, setup, p.when, target, print_target=printed,
                                printer=profile(sources.book.printer.profile))
    assert job is not None
    partbuild.run([job], cache, None)
    assert job.done is not None
    return job, job.done.pages


def _page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")


def _pixels(pdf: Path, folder: Path) -> list[bytes]:
    from PIL import Image

    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(folder / "p")], check=True)
    return [Image.open(f).tobytes() for f in sorted(folder.iterdir())]


def _programs(pdf: Path) -> list[str]:
    """The PostScript name of every embedded font program (each program once), from the program's name table."""
    import io

    import pikepdf
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    out, seen = [], set()
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                stream = obj.get("/FontFile3") or obj.get("/FontFile2")
                if stream is None or stream.objgen in seen:
                    continue
                seen.add(stream.objgen)
                if stream.get("/Subtype") == "/CIDFontType0C":   # a bare CFF (publish.render.compact): its Name INDEX
                    cff = CFFFontSet()
                    cff.decompile(io.BytesIO(stream.read_bytes()), None)
                    out.append(cff.fontNames[0])
                    continue
                with TTFont(io.BytesIO(stream.read_bytes())) as program:
                    out.append(program["name"].getDebugName(6))
    return out


def _pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def _verdict(report):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
    import re

    return report.clean, sorted({re.sub(r"obj#:\d+", "obj", m) for m in report.messages})


def _navigation(path: Path):  # type: ignore[no-untyped-def]
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        outline = []
        with pdf.open_outline() as tree:
            todo = [(item, 0) for item in reversed(list(tree.root))]
            while todo:
                item, depth = todo.pop()
                dest = item.destination
                outline.append((depth, item.title, index[dest[0].objgen], [float(x) for x in dest[2:4]]))
                todo += [(kid, depth + 1) for kid in reversed(list(item.children))]
        names = list(pdf.Root.Names.Dests.Names)
        dests = {str(names[i]): (index[names[i + 1][0].objgen], [float(x) for x in names[i + 1][2:4]])
                 for i in range(0, len(names), 2)}
        links = [(i, str(a.get("/Dest", "")) or str(a.A.URI), str(a.get("/Contents", "")),
                  [round(float(x), 2) for x in a.Rect], "/StructParent" in a)
                 for i, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", ())]
        return outline, dests, links, str(pdf.Root.Lang), {k: str(v) for k, v in pdf.docinfo.items()}


@pytest.mark.parametrize("edition", ["en", "bilingual"])
def test_parts_match_the_single_layout(edition: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.prepress.profiles import profile
    from publish.release.matterhorn import check
    from publish.release.pdfcheck import check_pdf
    from publish.release.preflight import pdfcpu_strict
    from publish.release.validators import qpdf_check
    from publish.render.pdf import FORMATS, render_pdf

    sources, theme, p = _prepared(SAMPLE, edition, monkeypatch)
    root = sources.root.resolve()
    single, single_print = tmp_path / "single.pdf", tmp_path / "single.print.pdf"
    laid = render_pdf(p.html, single, FORMATS["pdf"], trim=sources.book.trim, extra_css=p.css, roots=[root],
                      base=root, modified=p.when, theme=theme, page_map=True, print_target=single_print,
                      printer=profile(sources.book.printer.profile))
    job, pages = _parts(sources, theme, p, tmp_path / "cache", tmp_path / "parts.pdf", tmp_path / "parts.print.pdf")
    parts = tmp_path / "parts.pdf"
    assert job.done is not None

    assert pages == laid.pages > 20 and job.done.printed == laid.printed
    assert _page_texts(parts) == _page_texts(single)
    assert _pixels(parts, tmp_path / "a") == _pixels(single, tmp_path / "b")
    assert _navigation(parts) == _navigation(single)
    assert job.done.starts == laid.starts   # the EPUB page-list's view of the pages: element paths, offsets
    # the print file derived from either is the same, page for page
    assert _page_texts(tmp_path / "parts.print.pdf") == _page_texts(single_print)
    assert _pixels(tmp_path / "parts.print.pdf", tmp_path / "pa") == _pixels(single_print, tmp_path / "pb")
    assert qpdf_check(tmp_path / "parts.print.pdf").clean
    assert _verdict(pdfcpu_strict(tmp_path / "parts.print.pdf")) == _verdict(pdfcpu_strict(single_print))
    assert check(single) == [] and check(parts) == []
    # the assembly leaves the tags' repair to the parts (each repaired as it is written): the assembled file
    # needs none (what the digital finish would do to a whole file finds nothing to do)
    from publish.render.pdftags import repair

    shutil.copyfile(parts, tmp_path / "repaired.pdf")
    done = repair(tmp_path / "repaired.pdf")
    assert done and set(done.values()) == {0}, done
    assert qpdf_check(parts).clean, qpdf_check(parts).messages
    fonts, structure = check_pdf(parts)
    assert fonts.clean and structure.clean, (fonts.messages, structure.messages)
    # pdfcpu strict: the release runs it on the print files; the digital one, either way, fails it on the same
    # entry (WeasyPrint's CIDToGIDMap on a CFF CIDFont): the same verdict, nothing new
    assert _verdict(pdfcpu_strict(parts)) == _verdict(pdfcpu_strict(single))
    if shutil.which("verapdf"):
        proc = subprocess.run(["verapdf", "--flavour", "ua1", "--format", "text", str(parts)], capture_output=True,
                              text=True, check=False)
        assert proc.stdout.startswith("PASS"), proc.stdout[:2000]
    # each face embedded once (publish.render.fontmerge): one font program per face, read from the programs
    # themselves; every font embedded and subset (pdffonts, the outside oracle); no bigger than the one layout
    for pdf, one in ((parts, single), (tmp_path / "parts.print.pdf", single_print)):
        faces = _programs(pdf)
        assert faces and len(faces) == len(set(faces)), faces
        assert len(faces) <= len(_programs(one))
        assert _pdffonts(pdf) and all(row[-5:-3] == ["yes", "yes"] for row in _pdffonts(pdf)), _pdffonts(pdf)
        assert pdf.stat().st_size <= 1.10 * one.stat().st_size, (pdf.name, pdf.stat().st_size, one.stat().st_size)

    # the same bytes from a fresh cache, and from the cache
    _parts(sources, theme, p, tmp_path / "cache2", tmp_path / "again.pdf")
    again, again_pages = _parts(sources, theme, p, tmp_path / "cache2", tmp_path / "cached.pdf")
    assert again_pages == pages and again.relaid == []
    assert (tmp_path / "again.pdf").read_bytes() == parts.read_bytes() == (tmp_path / "cached.pdf").read_bytes()


def test_one_paragraph_relays_one_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "books" / "shanghai-doctors"
    shutil.copytree(SAMPLE, book)
    for folder in ("locales",):
        shutil.copytree(SAMPLE.parent.parent / folder, tmp_path / folder)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    assert project_at(tmp_path).root == tmp_path
    sources, theme, p = _prepared(book, "en", monkeypatch)
    first, pages = _parts(sources, theme, p, tmp_path / "cache", tmp_path / "one.pdf")
    assert len(first.relaid) >= len(first.parts) + 1   # every part, the folio sheet
    victim = first.parts[2].name
    source = book / "profiles" / f"{victim}.yaml"
    text = source.read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines() if len(line) > 80 and line.strip().startswith("- "))
    source.write_text(text.replace(sentence, sentence + " An added sentence, to change one paragraph.", 1),
                      encoding="utf-8")
    sources, theme, p = _prepared(book, "en", monkeypatch)
    second, _ = _parts(sources, theme, p, tmp_path / "cache", tmp_path / "two.pdf")
    assert victim in second.relaid
    assert set(second.relaid) <= {victim, "front"}, second.relaid
    assert "An added sentence" in "".join(_page_texts(tmp_path / "two.pdf"))


def test_a_build_in_parts_gives_what_one_layout_gives(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``publish build`` with PUBLISH_PARTS=on (every format) against the one-layout build of the same book:
    the same pages, text and page-list (the EPUB is the same bytes), the parts path cached and reused."""
    from publish.build import BuildOptions, build
    from publish.project import load_project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    project = load_project(minimal)
    files = {}
    for mode in ("off", "on"):
        monkeypatch.setenv("PUBLISH_PARTS", mode)
        out = minimal.parent.parent / f"out-{mode}"
        artifacts = build(project_at(minimal.parent.parent, cache=minimal.parent.parent / f"cache-{mode}"),
                          minimal, BuildOptions(editions=("en",), out=out))
        files[mode] = {a.fmt: (a.path, a.pages) for a in artifacts}
    assert project.root == minimal.parent.parent
    assert {f: n for f, (_, n) in files["on"].items()} == {f: n for f, (_, n) in files["off"].items()}
    for fmt in ("pdf", "print"):
        assert _page_texts(files["on"][fmt][0]) == _page_texts(files["off"][fmt][0]), fmt
    assert files["on"]["epub"][0].read_bytes() == files["off"]["epub"][0].read_bytes()


def test_the_whole_sample_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every edition and format of the sample built in parts against the one-layout build: the same page texts
    (PDFs) and bytes (EPUBs), every font embedded and subset once per face, each file within 10% of the size of
    its one-layout twin."""
    from publish.build import BuildOptions, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    files: dict[str, dict[tuple[str, str], Path]] = {}
    for mode in ("off", "on"):
        monkeypatch.setenv("PUBLISH_PARTS", mode)
        artifacts = build(sample_project(cache=tmp_path / f"cache-{mode}"), SAMPLE,
                          BuildOptions(out=tmp_path / f"out-{mode}"))
        files[mode] = {(a.edition, a.fmt): a.path for a in artifacts}
    assert files["on"].keys() == files["off"].keys()
    assert {e for e, _ in files["on"]} == {"en", "zh-Hans", "zh-Hant", "bilingual"}
    for (edition, fmt), parts in files["on"].items():
        one = files["off"][(edition, fmt)]
        if fmt == "epub":
            assert parts.read_bytes() == one.read_bytes(), edition
            continue
        assert _page_texts(parts) == _page_texts(one), (edition, fmt)
        faces = _programs(parts)
        assert faces and len(faces) == len(set(faces)), (edition, fmt, faces)
        assert all(row[-5:-3] == ["yes", "yes"] for row in _pdffonts(parts)), (edition, fmt)
        assert parts.stat().st_size <= 1.10 * one.stat().st_size, (edition, fmt, parts.stat().st_size,
                                                                   one.stat().st_size)
