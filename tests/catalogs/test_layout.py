"""Catalogues stay as each PO editor saved them: polib (as Poedit wraps), translate-toolkit (Weblate's
library) and a text editor; one header order for every command; location comments configurable."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from translate.storage import po as ttpo

from conftest import REPO, SAMPLE
from helpers import PO, PROFILE, publish, translate
from publish.catalogs import postyle, update

CATALOGUES = sorted((REPO / "locales").glob("zh_*/LC_MESSAGES/shanghai-doctors/*.po"))


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "books" / "shanghai-doctors", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def saved_by(editor: str, path: Path) -> None:
    if editor == "polib":
        polib.pofile(str(path)).save()
    elif editor == "translate-toolkit":
        store = ttpo.pofile.parsefile(str(path))
        path.write_bytes(bytes(store))
    else:  # by hand: one long line for a wrapped msgstr, CRLF line endings
        text = path.read_text(encoding="utf-8")
        path.write_bytes(text.replace('msgstr ""\n"', 'msgstr "', 1).replace("\n", "\r\n").encode("utf-8"))


@pytest.mark.parametrize("editor", ["polib", "translate-toolkit", "hand"])
def test_update_with_no_source_change_keeps_every_byte(sample: Path, editor: str) -> None:
    assert len(CATALOGUES) == 12
    saved = {}
    for path in sorted(Path("locales").glob("zh_*/LC_MESSAGES/shanghai-doctors/*.po")):
        saved_by(editor, path)
        saved[path] = path.read_bytes()
    changed = [p for p, data in saved.items() if data != (REPO / p).read_bytes()]
    # translate-toolkit writes GNU's layout (measured: all 12 files unchanged); polib and a hand edit do not
    assert bool(changed) == (editor != "translate-toolkit")
    publish("catalog", "update", "shanghai-doctors")
    assert {p: p.read_bytes() for p in saved} == saved


def test_changed_entry_keeps_the_rest_of_a_polib_file(minimal: Path) -> None:
    first = ("What drives you, after all these years at the bedside and in the laboratory, to keep going "
             "when the work is hard?")  # long: polib and msgcat wrap it differently
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("What drives you?", first), encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")
    polib.pofile(str(PO), wrapwidth=78).save()
    before = PO.read_text(encoding="utf-8")
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("What drives you", "What moves you"),
                       encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    after = PO.read_text(encoding="utf-8")
    old, new = postyle.blocks(before), postyle.blocks(after)
    untouched = [b for b in old if "drives" not in b and "POT-Creation-Date" not in b]
    assert untouched and all(b in new for b in untouched)
    # the changed entry is written as polib writes it, like the rest of the file
    resaved = Path("resaved.po")
    resaved.write_text(after, encoding="utf-8")
    polib.pofile(str(resaved), wrapwidth=78).save()
    assert resaved.read_text(encoding="utf-8") == after
    assert "What moves you" in after


def test_changed_entry_in_a_polib_saved_sample_catalogue_is_written_as_polib_would(sample: Path) -> None:
    po = Path("locales/zh_Hans/LC_MESSAGES/shanghai-doctors/li-jinsong.po")
    polib.pofile(str(po)).save()
    saved = po.read_text(encoding="utf-8")
    pot = Path("locales/shanghai-doctors/li-jinsong.pot")
    text = pot.read_text(encoding="utf-8")
    old = '"Traveled to and fro between China and foreign countries, LI Jinsong has been "\n'
    assert old in text
    new = '"Having traveled to and fro between China and foreign countries for decades, LI "\n"Jinsong has been "\n'
    pot.write_text(text.replace(old, new), encoding="utf-8")
    update.merge(po, pot)
    after = po.read_text(encoding="utf-8")
    assert "Having traveled" in after and after != saved
    resaved = Path("resaved.po")
    resaved.write_text(after, encoding="utf-8")
    polib.pofile(str(resaved)).save()
    assert resaved.read_text(encoding="utf-8") == after  # polib would write every byte the same


def header_fields(text: str) -> list[str]:
    return postyle.header_order(text)


def test_one_header_order_whichever_command_writes(minimal: Path) -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")
    hant = Path("locales/zh_Hant/LC_MESSAGES/minimal/wang-fang.po")
    publish("catalog", "convert", "books/minimal")
    order = header_fields(hant.read_text(encoding="utf-8"))
    for _ in range(2):
        publish("catalog", "update", "books/minimal")
        assert header_fields(hant.read_text(encoding="utf-8")) == order
        before = hant.read_bytes()
        publish("catalog", "convert", "books/minimal")
        assert hant.read_bytes() == before


def test_new_catalogue_gets_gnu_header_order(minimal: Path) -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    fields = header_fields(PO.read_text(encoding="utf-8"))
    known = [f for f in postyle.GNU_HEADER_ORDER if f in fields]
    assert [f for f in fields if f in known] == known


def test_location_comments_full_file_never(minimal: Path) -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    pot = Path("locales/minimal/wang-fang.pot")
    for kind in ("file", "never", "full"):
        update.merge(PO, pot, layout=postyle.Style(locations=kind))
        refs = [line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("#: ")]
        if kind == "never":
            assert refs == []
        elif kind == "file":
            assert refs and all(":" not in r[3:] for r in refs)
        else:
            assert refs and all(r.split(":")[-1].isdigit() for r in refs)
    # a file saved with file-only references keeps them: inserting a line above changes nothing
    update.merge(PO, pot, layout=postyle.Style(locations="file"))
    before = PO.read_bytes()
    PROFILE.write_text("# a comment line above everything\n" + PROFILE.read_text(encoding="utf-8"), encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    after = PO.read_bytes()
    assert [b for b in postyle.blocks(after.decode()) if "POT-Creation" not in b] == \
        [b for b in postyle.blocks(before.decode()) if "POT-Creation" not in b]


def test_forced_width_and_no_wrap(minimal: Path) -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    pot = Path("locales/minimal/wang-fang.pot")
    update.merge(PO, pot, layout=postyle.Style(width=0))
    lines = PO.read_text(encoding="utf-8").splitlines()
    assert max(map(len, lines)) > 79 and not any(line == 'msgid ""' for line in lines[5:])
    publish("catalog", "update", "books/minimal")  # detected: stays unwrapped
    assert PO.read_text(encoding="utf-8").splitlines() == lines
    publish("catalog", "update", "books/minimal", "--width", "60")
    assert max(len(line) for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith('"')) <= 60
