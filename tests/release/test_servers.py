"""One EPUBCheck JVM and one Ace browser per release (release/servers.py): each file's report is the one
the one-file commands give, from one process each however many files are fed."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import minimal_epubs
from publish.release.servers import Servers
from publish.release.validators import ace, epubcheck

pytestmark = pytest.mark.slow


@pytest.fixture
def epubs(minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The minimal book's EPUB and a copy EPUBCheck refuses (a bad dc:language)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")
    return minimal_epubs(minimal, tmp_path)


def test_one_jvm_gives_each_file_the_report_of_its_own_jvm(epubs: tuple[Path, Path]) -> None:
    good, broken = epubs
    with Servers() as servers:
        first = servers.epubcheck.check(good)
        assert servers.epubcheck.proc is not None
        pid = servers.epubcheck.proc.pid
        second = servers.epubcheck.check(broken)
        third = servers.epubcheck.check(good)
        assert servers.epubcheck.proc.pid == pid and not servers.epubcheck.failed   # the same JVM throughout
    alone = epubcheck([good, broken])
    assert first.clean and not second.clean
    assert first.data() == alone[good].data() == third.data()
    assert second.data() == alone[broken].data()


def test_one_browser_gives_each_file_the_report_of_its_own_ace(epubs: tuple[Path, Path], tmp_path: Path) -> None:
    good, broken = epubs
    with Servers() as servers:
        reports = {p: servers.ace.check(p, tmp_path / "served") for p in (good, broken)}
        assert servers.ace.proc is not None and not servers.ace.failed
    alone = ace([good, broken], tmp_path / "alone")
    for path in (good, broken):
        assert reports[path].data() == alone[path].data()
        name = f"{path.stem}.ace.json"
        assert (tmp_path / "served" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()


def test_certified_first_once_the_checkers_are_known(epubs: tuple[Path, Path], minimal: Path, tmp_path: Path) -> None:
    """With the checkers' versions known from their installations, every EPUB of a release is certified
    first and checked once: the same bytes and reports as checked, certified, checked again. A wrong
    guess of the versions costs a round, not the claim's truth; a file that fails keeps no claim and its
    bytes as built."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from publish.release.certify import certify_one, check_and_certify
    from publish.sources import load_book

    good, broken = epubs
    sources = load_book(minimal)
    cache = tmp_path / "cert-cache"
    alone_path = shutil.copy(good, tmp_path / "alone.epub")
    alone = check_and_certify(sources, {"en": Path(alone_path)}, cache=cache, work=tmp_path / "alone")["en"]
    assert alone.certified
    copies = [Path(shutil.copy(good, tmp_path / f"copy{n}.epub")) for n in range(2)]
    bad = Path(shutil.copy(broken, tmp_path / "bad.epub"))
    wrong = Path(shutil.copy(good, tmp_path / "wrong.epub"))
    with Servers() as servers, ThreadPoolExecutor(2) as pool:
        # known before any file is checked: the names the reports give
        assert servers.tools == f"{alone.reports[1].tool}, {alone.reports[0].tool}"
        results = []
        for n, path in enumerate([*copies, bad]):
            results.append(certify_one(sources, "en", path, cache=cache, work=tmp_path / f"w{n}", servers=servers,
                                       pool=pool))
        servers.tools = "Ace 0.0.1, EPUBCheck 0.0.1"   # a wrong guess: the claim is made again with the real ones
        results.append(certify_one(sources, "en", wrong, cache=cache, work=tmp_path / "wrong", servers=servers,
                                   pool=pool))
        assert servers.tools == f"{alone.reports[1].tool}, {alone.reports[0].tool}"
    copies.append(wrong)
    results = [*results[:2], results[3], results[2]]
    for path, checked in zip(copies, results[:3], strict=True):
        assert checked.certified
        assert path.read_bytes() == Path(alone_path).read_bytes()
        assert [r.data() for r in checked.reports] == [r.data() for r in alone.reports]
    assert not results[3].certified and bad.read_bytes() == broken.read_bytes()
    assert not results[3].reports[0].clean


def test_one_node_gives_each_pdf_the_verdict_of_its_own_pdfcpu(tmp_path: Path) -> None:
    import pikepdf

    from publish.release.pdfcpu import pdfcpu_strict

    good, broken, truncated = tmp_path / "good.pdf", tmp_path / "broken.pdf", tmp_path / "truncated.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(420, 595))
        pdf.save(good)
    broken.write_bytes(b"%PDF-1.7\nnot a PDF\n")
    truncated.write_bytes(good.read_bytes()[:-200])
    files = [good, broken, truncated, good]
    with Servers() as servers:
        reports = [servers.pdfcpu.check(p) for p in files]
        assert servers.pdfcpu.proc is not None and not servers.pdfcpu.failed   # one Node for all four
    assert reports[0].clean and not reports[1].clean and not reports[2].clean
    for path, report in zip(files, reports, strict=True):
        assert report.data() == pdfcpu_strict(path).data()


def _browsers(profile_dirs: set[str]) -> set[str]:
    """The user-data folders of the Chromium processes running now, besides ``profile_dirs``."""
    import re

    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        m = re.search(r"--user-data-dir=([^\0]*puppeteer[^\0]*)", text)
        if m:
            found.add(m.group(1))
    return found - profile_dirs


def _gone(before: set[str], seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while _browsers(before):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_release_stopped_early_leaves_no_browser(epubs: tuple[Path, Path]) -> None:
    """Ace's Chromium runs detached from its Node: a release stopped early (an error, Ctrl-C) closes the
    server with SIGTERM, and the browser goes with it (a SIGKILLed Node left it running)."""
    good, _ = epubs
    before = _browsers(set())
    with Servers() as servers:
        assert servers.ace.check(good).clean
        assert _browsers(before), "the server's browser is running"
        servers.ace.close(kill=True)
        assert _gone(before)


def test_a_killed_release_leaves_no_browser(epubs: tuple[Path, Path], tmp_path: Path) -> None:
    """The release's process SIGKILLed while its Ace server is up: the server sees its input end and gets
    SIGTERM from the kernel (PR_SET_PDEATHSIG); either way it closes its browser."""
    import subprocess
    import sys

    good, _ = epubs
    before = _browsers(set())
    script = ("import os, sys\nfrom pathlib import Path\nfrom publish.release.servers import AceServer\n"
              "s = AceServer()\nassert s.check(Path(sys.argv[1])).clean\nprint('up', flush=True)\n"
              "os.kill(os.getpid(), 9)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(good)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9 and "up" in proc.stdout
    assert _gone(before)
