"""Helpers for catalogue tests: run commands in-process, edit .po entries, ask GNU gettext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from publish.cli import main

PO = Path("locales/zh_Hans/LC_MESSAGES/minimal/wang-fang.po")
POT = Path("locales/minimal/wang-fang.pot")
PROFILE = Path("books/minimal/profiles/wang-fang.yaml")


def publish(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def translate(po: Path, msgid: str, msgstr: str) -> None:
    """Set the translation of ``msgid`` as a translator would, in a text editor."""
    text = po.read_text(encoding="utf-8")
    pattern = re.compile(r'(msgid "' + re.escape(msgid) + r'"\nmsgstr )""')
    new, n = pattern.subn(lambda m: m.group(1) + '"' + msgstr + '"', text)
    assert n == 1, f"{msgid!r} not found once in {po}"
    po.write_text(new, encoding="utf-8")


def msgfmt_check(po: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True, capture_output=True)


def msgfmt_statistics(po: Path) -> tuple[int, int, int]:
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)], check=True,
                         capture_output=True, text=True, env={"LC_ALL": "C"}).stderr
    def grab(word: str) -> int:
        m = re.search(rf"(\d+) {word}", out)
        return int(m.group(1)) if m else 0
    return grab("translated"), grab("fuzzy"), grab("untranslated")


def all_msgstrs(po: Path) -> set[str]:
    """Every translation in the file, active, fuzzy or obsolete, as GNU msgattrib sees them."""
    from publish.catalogs import pofile

    _, catalog = pofile.read(po)
    return {s for _, s in pofile.translations(catalog)}


def minimal_epubs(book: Path, out: Path) -> tuple[Path, Path]:
    """The minimal book's English EPUB (SOURCE_DATE_EPOCH set by the caller) and a copy EPUBCheck
    refuses: a bad dc:language."""
    import zipfile

    publish("build", str(book), "-e", "en", "-f", "epub", "--out", str(out / "out"))
    good = next((out / "out").rglob("*.epub"))
    broken = out / "broken.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"<dc:language>en</dc:language>", b"<dc:language>en_GB</dc:language>")
            dst.writestr(info, data)
    return good, broken
