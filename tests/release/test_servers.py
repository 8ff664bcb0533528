"""One EPUBCheck JVM and one Ace browser per release (release/servers.py): each file's report is the one
the one-file commands give, from one process each however many files are fed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers import publish
from publish.release.servers import Servers
from publish.release.validators import ace, epubcheck

pytestmark = pytest.mark.slow


@pytest.fixture
def epubs(minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The minimal book's EPUB and a copy EPUBCheck refuses (a bad dc:language)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")
    publish("build", str(minimal), "-e", "en", "-f", "epub", "--out", str(tmp_path / "out"))
    good = next((tmp_path / "out").rglob("*.epub"))
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"<dc:language>en</dc:language>", b"<dc:language>en_GB</dc:language>")
            dst.writestr(info, data)
    return good, broken


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
