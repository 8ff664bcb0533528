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
    """A release's first EPUB is checked, certified, checked again; later ones are certified first and
    checked once: the same bytes and reports. A file that fails keeps no claim and its bytes as built."""
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
    with Servers() as servers, ThreadPoolExecutor(2) as pool:
        results = []
        for n, path in enumerate([*copies, bad]):
            results.append(certify_one(sources, "en", path, cache=cache, work=tmp_path / f"w{n}", servers=servers,
                                       pool=pool))
            if n == 0:
                assert servers.tools is not None       # known from the first file's reports
    for path, checked in zip(copies, results[:2], strict=True):
        assert checked.certified
        assert path.read_bytes() == Path(alone_path).read_bytes()
        assert [r.data() for r in checked.reports] == [r.data() for r in alone.reports]
    assert not results[2].certified and bad.read_bytes() == broken.read_bytes()
    assert not results[2].reports[0].clean
