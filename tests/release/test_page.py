"""The release download page (index.html) and RELEASE.md, on a small synthetic bundle; Chromium opens the page."""

from __future__ import annotations

import copy
import hashlib
import io
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from publish.errors import RenderError
from publish.release.page import human_size, md_escape, release_html, release_markdown

EDITIONS = {  # edition: (language, ISBNs of epub/pdf/print, cover colour)
    "en": ("en", ("9780999990025", "9780999990018", "9780999990001"), (31, 78, 121)),
    "bilingual": ("zh-Hans, en", ("9780999990322", "9780999990315", "9780999990308"), (140, 40, 40)),
}
SIZES = {"epub": 160_317, "pdf": 2_345_678, "print": 3_456_789}


def _jpeg(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def _ran(**counts: int) -> dict:
    """A validator's result as the release stores it; ``usage`` and ``moderate`` never fail."""
    passed = not any(n for kind, n in counts.items() if kind not in ("usage", "moderate"))
    return {"counts": counts, "passed": passed}


def _artifact(folder: Path, name: str, data: bytes, **fields: object) -> dict:
    (folder / name).write_bytes(data)
    return {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **fields}


def make_bundle(folder: Path, *, draft: bool = False, title: str = "Lives in Medicine") -> dict:
    """A release folder with real files (2 editions × epub/pdf/print + covers) and its manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    artifacts = []
    for edition, (language, isbns, colour) in EDITIONS.items():
        stem = f"shanghai-doctors-{edition}-1.0.0"
        common = {"edition": edition, "language": language, "coverage": 100.0}
        thumb = f"{stem}-cover-thumb.jpg"
        (folder / thumb).write_bytes(_jpeg(colour, (64, 96)))
        for (fmt, suffix), isbn in zip((("epub", "epub"), ("pdf", "pdf"), ("print", "print.pdf")), isbns, strict=True):
            data = bytes([len(fmt)]) * SIZES[fmt] + edition.encode()
            validators = ({"EPUBCheck 5.3.0": _ran(error=0, fatal=0, usage=6, warning=0),
                           "Ace 1.4.6": _ran(critical=0, serious=0, moderate=1)} if fmt == "epub" else
                          {"pdffonts": _ran(error=0), "qpdf --check": _ran(error=0)})
            artifacts.append(_artifact(folder, f"{stem}.{suffix}", data, format=fmt, isbn=isbn,
                                       pages=None if fmt == "epub" else 63, cover=f"{stem}-cover.jpg",
                                       thumbnail=thumb, validators=validators, **common))
        artifacts.append(_artifact(folder, f"{stem}-cover.jpg", _jpeg(colour, (600, 900)), format="cover", isbn=None,
                                   pages=None, cover=None, thumbnail=None, validators={}, **common))
    manifest = {"book": "shanghai-doctors", "version": "1.0.0", "draft": draft,
                "source_date": "2025-06-03T00:00:00Z", "title": title,
                "subtitle": "Five Profiles from ShanghaiDoctor.cn", "publisher": "Publish Sample Editions",
                "excluded_profiles": [], "artifacts": artifacts}
    for name in ("SHA256SUMS", "manifest.json", "onix.xml"):
        (folder / name).write_text(name + "\n", encoding="utf-8")
    (folder / "RELEASE.md").write_text(release_markdown(manifest), encoding="utf-8")
    (folder / "index.html").write_text(release_html(manifest), encoding="utf-8")
    return manifest


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / "shanghai-doctors-1.0.0"
    return folder, make_bundle(folder)


def test_every_artifact_is_listed_with_size_and_checksum(bundle: tuple[Path, dict]) -> None:
    folder, manifest = bundle
    page = (folder / "index.html").read_text(encoding="utf-8")
    markdown = (folder / "RELEASE.md").read_text(encoding="utf-8")
    visible = _Dom.parse(page).text  # text content, not attributes: what a reader can select and copy
    assert len(manifest["artifacts"]) == 8
    for a in manifest["artifacts"]:
        assert hashlib.sha256((folder / a["file"]).read_bytes()).hexdigest() == a["sha256"]
        for text in (visible, markdown):
            assert a["file"] in text
            assert a["sha256"] in text
            assert human_size(a["bytes"]) in text
        assert f'title="{a["bytes"]:,} bytes"' in page
        assert f"({a['bytes']} bytes)" in markdown
    assert "160 KB" in page and "2.3 MB" in page and "3.5 MB" in page
    assert "978-0-9999900-2-5" in page and "978-0-9999900-2-5" in markdown  # hyphenated ISBN
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<title>Lives in Medicine — release 1.0.0</title>" in page
    for name in ("SHA256SUMS", "manifest.json", "onix.xml", "RELEASE.md"):
        assert f'href="{name}"' in page and f"]({name})" in markdown
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_page_is_accessible_and_well_formed(bundle: tuple[Path, dict]) -> None:
    folder, _ = bundle
    dom = _Dom.parse((folder / "index.html").read_text(encoding="utf-8"))
    assert dom.open_tags == [], f"unclosed elements: {dom.open_tags}"
    assert dom.headings[:2] == [("h1", "Lives in Medicine"), ("h2", "Editions")]
    assert ("h3", "English edition") in dom.headings and ("h3", "Bilingual edition") in dom.headings
    assert dom.images and all(alt for alt in dom.alts), "every img needs alt text"
    assert dom.th_scopes and set(dom.th_scopes) <= {"col", "row"}, "every th needs a scope"
    assert dom.th_scopes.count("row") == 8


def test_titles_are_escaped(tmp_path: Path) -> None:
    title = 'Lives <script>alert("x")</script> & *Medicine* [1]|2'
    manifest = make_bundle(tmp_path / "b", title=title)
    page = release_html(manifest)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; *Medicine*" in page
    markdown = release_markdown(manifest)
    assert "<script>" not in markdown
    assert r'# Lives \<script\>alert("x")\</script\> & \*Medicine\* \[1\]\|2' in markdown
    assert md_escape("a_b | &amp; `c`") == r"a\_b \| \&amp; \`c\`"


def test_draft_banner_only_for_drafts(tmp_path: Path) -> None:
    final = make_bundle(tmp_path / "final")
    draft = make_bundle(tmp_path / "draft", draft=True)
    assert 'class="draft"' not in release_html(final) and "DRAFT" not in release_markdown(final)
    page = release_html(draft)
    assert '<p class="draft" id="draft"><strong>DRAFT</strong>' in page
    assert "<title>[DRAFT] Lives in Medicine" in page
    assert release_markdown(draft).startswith("> **DRAFT — not for distribution.**")


def test_failed_validator_is_marked(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path / "b", draft=True)
    manifest["artifacts"][0]["validators"] = {"EPUBCheck 5.3.0": _ran(error=2, fatal=0, warning=1)}
    page = release_html(manifest)
    assert '<li class="failed"><span class="visually-hidden">Failed: </span>EPUBCheck 5.3.0: 2 error' in page
    assert "**FAILED** EPUBCheck 5.3.0: 2 error" in release_markdown(manifest)


def test_the_verdict_is_the_manifest_data_not_its_text(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path / "b")
    # usage notes are reported and do not fail; the verdict is "passed", whatever the counts read like
    assert '<li class="ok">EPUBCheck 5.3.0: 0 error / 0 fatal / 6 usage / 0 warning</li>' in release_html(manifest)
    manifest["artifacts"][0]["validators"] = {"EPUBCheck 5.3.0": "0 error / 2 warning"}   # a string: no verdict
    with pytest.raises(RenderError, match="needs 'counts' and a boolean 'passed'"):
        release_html(manifest)


def test_each_standard_names_what_verified_it(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path / "b")
    epub, pdf = manifest["artifacts"][0], manifest["artifacts"][1]
    epub["standards"] = [{"standard": "EPUB 3.3", "claimed": True, "verified_by": ["EPUBCheck 5.3.0"], "passed": True},
                         {"standard": "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", "claimed": True,
                          "verified_by": ["Ace 1.4.6", "EPUBCheck 5.3.0"], "passed": True,
                          "certified_by": "Publish Sample Editions"}]
    pdf["standards"] = [{"standard": "PDF/UA-1", "claimed": True, "verified_by": [], "passed": False,
                         "note": "no PDF/UA-1 validator ran"}]
    page = release_html(manifest)
    assert '<li class="ok"><strong>EPUB 3.3</strong>: verified (checked with EPUBCheck 5.3.0)</li>' in page
    assert ("<strong>EPUB Accessibility 1.1 - WCAG 2.1 Level AA</strong>: self-certified (checked with Ace 1.4.6, "
            "EPUBCheck 5.3.0; certified by Publish Sample Editions on these automated checks)") in page
    assert '<li class="unverified"><strong>PDF/UA-1</strong>: not verified (no PDF/UA-1 validator ran)</li>' in page
    assert "✓ PDF/UA" not in page and "PDF/UA-1: not verified" in release_markdown(manifest)


@pytest.mark.parametrize("name", ["../escape.pdf", "sub/dir.pdf", "/etc/passwd", ".hidden", ""])
def test_file_names_must_stay_in_the_folder(tmp_path: Path, name: str) -> None:
    manifest = copy.deepcopy(make_bundle(tmp_path / "b"))
    manifest["artifacts"][1]["file"] = name
    with pytest.raises(RenderError, match="not a plain file name"):
        release_html(manifest)


def test_missing_fields_are_render_errors(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path / "b")
    with pytest.raises(RenderError, match="missing 'title'"):
        release_markdown({k: v for k, v in manifest.items() if k != "title"})
    broken = copy.deepcopy(manifest)
    del broken["artifacts"][2]["sha256"]
    with pytest.raises(RenderError, match=r"artifacts\[2\] has no 'sha256'"):
        release_html(broken)


CHROMIUM = shutil.which("chromium")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/system-deps.sh installs it)")
def test_chromium_opens_the_page(bundle: tuple[Path, dict], tmp_path: Path) -> None:
    folder, manifest = bundle
    index = folder / "index.html"
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}"]
    start = time.monotonic()
    dumped = _run([*flags, "--dump-dom", index.as_uri()]).stdout
    dom = _Dom.parse(dumped)
    assert dom.title == "Lives in Medicine — release 1.0.0"
    links = dom.links
    assert len(links) >= 8 + 2 + 4
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and not link.startswith("/"), f"not relative: {link}"
        target = (folder / unquote(parts.path)).resolve()
        assert target.parent == folder.resolve() and target.is_file(), f"{link} does not resolve in the bundle"
    assert "Lives in Medicine" in dom.text
    for a in manifest["artifacts"]:
        assert a["file"] in dom.text and a["sha256"] in dom.text
    shot = tmp_path / "page.png"
    _run([*flags, f"--screenshot={shot}", "--window-size=1280,1600", index.as_uri()])
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (1280, 1600)
        colours = image.convert("RGB").resize((64, 80)).getcolors(64 * 80) or []
        assert len(colours) > 10, "the screenshot is blank"
    assert time.monotonic() - start < 60


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/system-deps.sh installs it)")
def test_usable_at_400_px(bundle: tuple[Path, dict], tmp_path: Path) -> None:
    """At 400 CSS px nothing is off-screen: the page does not scroll sideways, every file's cells are visible."""
    folder, manifest = bundle
    probe = folder / "probe.html"   # a 400 px frame (headless chromium's window is at least 500 px wide)
    probe.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="index.html" '
        'style="width:400px;height:900px;border:0"></iframe><script>'
        "document.getElementById('f').addEventListener('load', () => {"
        " const w = document.getElementById('f').contentWindow, d = w.document;"
        " const cells = [...d.querySelectorAll('td, tbody th')].filter(c => {"
        " const r = c.getBoundingClientRect(); return r.right > w.innerWidth + 1 || r.width === 0; }).length;"
        " document.body.setAttribute('data-probe', d.documentElement.scrollWidth + ' ' + w.innerWidth + ' ' + cells);"
        " });</script></body></html>", encoding="utf-8")
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=5000"]
    dumped = _run([*flags, "--dump-dom", probe.as_uri()]).stdout
    found = re.search(r'data-probe="(\d+) (\d+) (\d+)"', dumped)
    assert found, "the probe did not run"
    width, viewport, hidden = map(int, found.groups())
    assert viewport == 400 and width <= viewport, (width, viewport)
    assert hidden == 0, f"{hidden} table cells are off-screen or collapsed at 400 px"


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    except subprocess.CalledProcessError as exc:  # pragma: no cover - shows chromium's reason
        pytest.fail(f"{cmd[0]} failed ({exc.returncode}): {exc.stderr[-2000:]}")


class _Dom(HTMLParser):
    """Just enough of the DOM: links, images, headings, table header scopes, text; checks nesting."""

    VOID = {"meta", "img", "br", "link", "input", "hr", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_tags: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.alts: list[str] = []
        self.th_scopes: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.title = ""
        self.text = ""
        self._heading: tuple[str, list[str]] | None = None
        self._in_title = False

    @classmethod
    def parse(cls, markup: str) -> _Dom:
        dom = cls()
        dom.feed(markup)
        dom.close()
        return dom

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in self.VOID:
            self.open_tags.append(tag)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "img":
            self.images.append(a.get("src") or "")
            self.links.append(a.get("src") or "")
            self.alts.append(a.get("alt") or "")
        if tag == "th":
            self.th_scopes.append(a.get("scope") or "")
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        assert self.open_tags and self.open_tags[-1] == tag, f"</{tag}> closes {self.open_tags[-1:]}"
        self.open_tags.pop()
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, " ".join("".join(self._heading[1]).split())))
            self._heading = None
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._heading:
            self._heading[1].append(data)
        if self._in_title:
            self.title += data
