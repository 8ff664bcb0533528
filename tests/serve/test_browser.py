"""publish serve in headless Chromium (Debian's, driven through Playwright): a save shows in the open page.

No manual reload anywhere: the page reloads itself when the server pushes a new generation (Server-
Sent Events). Each latency is measured from just before the file is written to the new text (or
style) being in the page, and must be under 2 s.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import PO, publish, translate

from .conftest import Served, start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
LIMIT_S = 2.0
PROFILE = Path("books/minimal/profiles/wang-fang.yaml")
PARAGRAPH = "She published in *Blood* in 1988, a paper cited 1,713 times."

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="chromium is not installed (scripts/system-deps.sh)"),
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # a test dependency (pyproject): never skipped for want of it

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def project(minimal: Path) -> Path:
    """The minimal book with its Chinese catalogues and a stylesheet of its own; the project folder."""
    publish("catalog", "extract")
    publish("catalog", "update", "-l", "zh_Hans")
    book_yaml = minimal / "book.yaml"
    book_yaml.write_text(book_yaml.read_text(encoding="utf-8") + "stylesheets: [extra.css]\n", encoding="utf-8")
    (minimal / "extra.css").write_text(".preface p { color: rgb(0, 0, 0); }\n", encoding="utf-8")
    return minimal.parent.parent


def _serve(project: Path) -> Served:
    server = start(project)
    deadline = time.monotonic() + 20
    while not any(line.startswith("watching ") for line in server.lines):
        assert time.monotonic() < deadline, "\n".join(server.lines)
        time.sleep(0.05)
    time.sleep(0.3)
    return server


def _save_and_wait(page, path: Path, old: str, new: str, condition: str, arg: object = None) -> float:  # noqa: ANN001
    """Replace ``old`` by ``new`` in ``path`` (as an editor saves) and wait for ``condition`` in the page."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    started = time.monotonic()
    path.write_text(text.replace(old, new), encoding="utf-8")
    page.wait_for_function(condition, arg=arg, timeout=LIMIT_S * 1000 + 3000)
    return time.monotonic() - started


def test_a_save_shows_in_the_open_page(project: Path, browser, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    server = _serve(project)
    try:
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{server.url}/edition/en/")
        assert "She published in Blood in 1988" in page.inner_text("body")
        latencies: dict[str, float] = {}

        has = "text => document.body && document.body.innerText.includes(text)"
        new = "She first published in Blood in 1988, a paper cited 1,713 times."
        latencies["profile YAML"] = _save_and_wait(page, PROFILE, PARAGRAPH, new.replace("Blood", "*Blood*"), has, new)
        assert page.locator("em", has_text="Blood").count() == 1
        assert page.get_attribute("html", "data-publish-generation") != "0"

        # a YAML syntax error: the page shows it with its file and line, the server keeps running
        shows = "text => { const p = document.getElementById('publish-serve-problems'); " \
                "return p !== null && p.innerText.includes(text); }"
        latencies["broken YAML"] = _save_and_wait(page, PROFILE, "headline: A Life in Hematology",
                                                  "headline: [unclosed", shows, f"{PROFILE}:4:12")
        assert "invalid YAML" in page.inner_text("#publish-serve-problems")
        # fixed, but a validation error instead: located too
        latencies["validation error"] = _save_and_wait(page, PROFILE, "headline: [unclosed", "headlin: A Life",
                                                       shows, f"{PROFILE}:1:1")
        assert f"{PROFILE}:3:1" in page.inner_text("#publish-serve-problems")
        assert "unknown key 'headlin'" in page.inner_text("#publish-serve-problems")
        # fixed: the page recovers, with the paragraph as last saved
        latencies["fixed"] = _save_and_wait(page, PROFILE, "headlin: A Life", "headline: A Life in Hematology",
                                            has, "A Life in Hematology")
        assert page.locator("#publish-serve-problems").count() == 0
        assert new in page.inner_text("body")

        # a stylesheet of the book
        colour = "() => getComputedStyle(document.querySelector('.preface p')).color === 'rgb(200, 0, 0)'"
        latencies["stylesheet"] = _save_and_wait(page, project / "books/minimal/extra.css", "rgb(0, 0, 0)",
                                                 "rgb(200, 0, 0)", colour)

        # a translator's save of a catalogue, in the Chinese edition
        page.goto(f"{server.url}/edition/zh-Hans/")
        assert "早年岁月" not in page.inner_text("body")
        started = time.monotonic()
        translate(PO, "Early Years", "早年岁月")
        page.wait_for_function(has, arg="早年岁月", timeout=LIMIT_S * 1000 + 3000)
        latencies["catalogue .po"] = time.monotonic() - started
        assert page.locator("h2", has_text="早年岁月").count() == 1

        with capsys.disabled():
            print("\npublish serve reload latency: " + ", ".join(f"{k} {v:.2f} s" for k, v in latencies.items()))
        slow = {k: v for k, v in latencies.items() if v >= LIMIT_S}
        assert not slow, f"slower than {LIMIT_S} s: {slow}"
        # the located-problem pages answer 422 (the sources cannot be processed); nothing else may fail
        assert not [p for p in problems if "status of 422" not in p], problems
        assert server.process.poll() is None
    finally:
        code, output = server.stop()
    assert code == 0 and "Traceback" not in output, output


def test_the_pdf_pages_show_in_the_browser(minimal: Path, browser) -> None:  # noqa: ANN001
    server = _serve(minimal.parent.parent)
    try:
        page = browser.new_page()
        page.goto(f"{server.url}/pdf/en/wang-fang/", timeout=60_000)
        images = page.locator("img.pdf-page")
        assert images.count() == 13
        images.nth(2).scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.images].slice(0, 3).every(i => i.complete && i.naturalWidth > 600)",
                               timeout=30_000)
    finally:
        server.stop()
