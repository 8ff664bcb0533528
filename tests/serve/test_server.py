"""publish serve over HTTP: the same HTML as the PDFs, a profile's pages as images, nothing outside."""

from __future__ import annotations

import io
import math
import re
import signal
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EPOCH, Served, start


def _body(html: str) -> str:
    return html.split("<body", 1)[1]


def test_the_edition_page_is_the_html_the_pdfs_are_made_from(served: Served, minimal: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.build import prepare
    from publish.project import load_project
    from publish.sources import load_book
    from publish.theme import resolve

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = load_project(minimal)
    sources = load_book(minimal)
    theme = resolve(project, sources)
    status, headers, data = served.get("/edition/zh-Hans/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    page = data.decode("utf-8")
    edition = next(e for e in sources.book.editions if e.id == "zh-Hans")
    expected = prepare(project, sources, edition, theme, draft=False)
    # the body is the edition's own, less the preview's bar at its top
    shown = re.sub(r'\n<nav id="publish-serve-bar" data-publish-serve>.*?</nav>\n', "", _body(page), count=1)
    assert shown == _body(expected.html)
    # the screen styles: the theme's stylesheet (by URL), the edition's font CSS, the screen sheet, the reload script
    assert '<link rel="stylesheet" href="/static/toolkit/book.css" data-publish-serve>' in page
    assert expected.css in page and '"Noto Serif CJK SC"' in page
    assert 'href="/_serve/screen.css"' in page and 'src="/_serve/reload.js"' in page
    status, headers, css = served.get("/static/toolkit/book.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b".profile" in css


def test_the_index_lists_every_edition_and_profile(shared: Served) -> None:
    served = shared
    status, _, data = served.get("/")
    page = data.decode("utf-8")
    assert status == 200
    for edition in ("en", "zh-Hans", "zh-Hant"):
        assert f'href="/edition/{edition}/"' in page and f'href="/pdf/{edition}/wang-fang/"' in page
    assert served.get("/edition/fr/")[0] == 404
    assert served.get("/pdf/en/nobody/page-1.png")[0] == 404
    assert served.get("/pdf/en/wang-fang/page-1.png?format=epub")[0] == 404


def _pdftotext(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _png(pdf: Path, page: int, out: Path) -> bytes:
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out)], check=True)
    return out.with_suffix(".png").read_bytes()


@pytest.mark.slow
def test_a_pdf_page_is_an_image_of_that_page(served: Served, tmp_path: Path) -> None:
    status, headers, data = served.get("/pdf/en/wang-fang.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf" and data.startswith(b"%PDF-")
    pdf = tmp_path / "served.pdf"
    pdf.write_bytes(data)
    texts = {n: _pdftotext(pdf, n) for n in range(1, 14)}
    page = next(n for n, text in texts.items() if "Early Years" in text and "Blood" in text)
    status, headers, png = served.get(f"/pdf/en/wang-fang/page-{page}.png")
    assert status == 200 and headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png)) as image:
        # A5 (148 × 210 mm) at 110 dpi
        assert image.format == "PNG" and image.size == (math.ceil(148 / 25.4 * 110), math.ceil(210 / 25.4 * 110))
    assert png == _png(pdf, page, tmp_path / "mine")
    assert png != _png(pdf, page - 1, tmp_path / "before")
    assert served.get(f"/pdf/en/wang-fang/page-{page}.png", {"If-None-Match": headers["etag"]})[0] == 304
    # the print layout: bleed (3 mm each side) makes a larger page
    status, _, printed = served.get(f"/pdf/en/wang-fang/page-{page}.png?format=print")
    with Image.open(io.BytesIO(printed)) as image:
        assert status == 200 and image.size[0] > math.ceil(148 / 25.4 * 110)
    assert served.get("/pdf/en/wang-fang/page-99.png")[0] == 404
    assert served.get("/pdf/en/wang-fang/page-0.png")[0] == 404
    viewer = served.get("/pdf/en/wang-fang/")[2].decode("utf-8")
    assert viewer.count('class="pdf-page"') == 13


@pytest.mark.parametrize("raw", [
    "/static/book/../../../publish.toml",
    "/static/book/../outside.css",
    "/static/book/%2e%2e/%2e%2e/outside.css",
    "/static/book/%2E%2E%2F%2E%2E%2Foutside.css",
    "/static/book/..%2f..%2f..%2foutside.css",
    "/static/book//etc/passwd",
    "/static/book/%2fetc%2fpasswd",
    "/static/book/leak.css",
    "/static/book/up/outside.css",
    "/static/toolkit/../../cli.py",
    "/static/toolkit/%2e%2e/%2e%2e/cli.py",
])
def test_nothing_outside_is_served(shared: Served, raw: str) -> None:
    status, _, data = shared.get(raw)
    assert status in (403, 404), (raw, status)
    assert b"outside the project" not in data and b"[project]" not in data


@pytest.mark.parametrize("raw", ["/edition/..%2f..%2f/", "/edition/%2e%2e/", "/pdf/..%2f/wang-fang/page-1.png",
                                 "/static/book/book.yaml", "/static/book/profiles/wang-fang.yaml", "/etc/passwd",
                                 "/../../etc/passwd", "//etc/passwd", "?x", "*", "/static/book/%ff%fe.css",
                                 "/static/nowhere/x.css", "/pdf/en/wang-fang/page-1e3.png"])
def test_sources_and_other_paths_are_not_served(shared: Served, raw: str) -> None:
    status, _, data = shared.get(raw)
    assert status in (403, 404), (raw, status)
    assert b"wang-fang" not in data and b"root:" not in data
    assert shared.get("/_serve/screen.css")[0] == 200  # and it serves on
    assert not [line for line in shared.lines if "Traceback" in line or "failed" in line]


def test_only_local_host_names_are_answered(shared: Served) -> None:
    assert shared.host == "127.0.0.1"
    assert shared.get("/", {"Host": "attacker.example"})[0] == 403
    assert shared.get("/", {"Host": f"localhost:{shared.port}"})[0] == 200


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly(minimal: Path, sig: int) -> None:
    server = start(minimal.parent.parent)
    assert server.get("/_serve/screen.css")[0] == 200
    code, output = server.stop(sig)
    assert code == 0, output
    assert "Traceback" not in output, output
    assert output.splitlines()[-1] == "publish serve: stopped", output


def test_another_host_only_when_asked_with_a_warning(minimal: Path) -> None:
    server = start(minimal.parent.parent, "--host", "0.0.0.0")
    try:
        assert any(line.startswith("warning: serving on 0.0.0.0") for line in server.lines)
        assert server.get("/_serve/screen.css", {"Host": "some.name.example"})[0] == 200
    finally:
        server.stop()
