"""extract + update + merge: nothing lost, GNU normal form, no noisy diffs, refusals located."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import PO, POT, PROFILE, all_msgstrs, msgfmt_check, publish, translate
from publish.catalogs import gnu, update
from publish.errors import CatalogError

pytestmark = pytest.mark.usefixtures("minimal")


def cycle() -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")


def test_extract_writes_references_and_field_paths() -> None:
    cycle()
    pot = POT.read_text(encoding="utf-8")
    assert "#. sections[0].paragraphs[0]\n#: books/minimal/profiles/wang-fang.yaml:19\n" in pot
    assert 'msgid "A Life in Hematology"' in pot
    for never in ("https://example.org", "editor@example.org", "2025-06-03", "8328", "wang-fang", "978-"):
        assert f'msgid "{never}' not in pot


def test_rerun_changes_no_byte_and_is_gnu_normal_form() -> None:
    cycle()
    before = {p: p.read_bytes() for p in Path("locales").rglob("*.po*")}
    cycle()
    assert {p: p.read_bytes() for p in Path("locales").rglob("*.po*")} == before
    for path in before:
        out = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
        assert out == path.read_bytes(), f"msgcat would change {path}"
        msgfmt_check(path)


def test_changed_removed_and_restored_source() -> None:
    cycle()
    translate(PO, "A Life in Hematology", "血液学人生")
    translate(PO, "What drives you?", "是什么驱动着您？")
    text = PO.read_text(encoding="utf-8").replace('msgid "What drives you?"',
                                                   '# translator: keep it short\nmsgid "What drives you?"')
    PO.write_text(text, encoding="utf-8")
    original = PROFILE.read_text(encoding="utf-8")
    PROFILE.write_text(original.replace("A Life in Hematology", "A Life in Haematology")
                       .replace("What drives you?", "Why medicine?"), encoding="utf-8")
    cycle()
    po = PO.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "A Life in Hematology"\nmsgid "A Life in Haematology"\nmsgstr "血液学人生"' in po
    assert '#~ msgid "What drives you?"\n#~ msgstr "是什么驱动着您？"' in po
    assert "# translator: keep it short" in po
    PROFILE.write_text(original, encoding="utf-8")
    cycle()
    po = PO.read_text(encoding="utf-8")
    assert 'msgid "What drives you?"\nmsgstr "是什么驱动着您？"' in po
    assert "#~ msgid" not in po.split('msgid "What drives you?"')[0]
    msgfmt_check(PO)


def test_syntax_error_is_located_and_file_untouched() -> None:
    cycle()
    broken = PO.read_text(encoding="utf-8").replace('msgid "Dr."', 'msgid "Dr.', 1)
    PO.write_text(broken, encoding="utf-8")
    out = publish("catalog", "update", "books/minimal", code=3)
    assert f"{PO}:" in out and "error" in out
    assert PO.read_text(encoding="utf-8") == broken


def test_crlf_bom_and_mode_are_kept() -> None:
    cycle()
    translate(PO, "A Life in Hematology", "血液学人生")
    data = b"\xef\xbb\xbf" + PO.read_bytes().replace(b"\n", b"\r\n")
    PO.write_bytes(data)
    PO.chmod(0o600)
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("Early Years", "Early Days"),
                       encoding="utf-8")
    cycle()
    new = PO.read_bytes()
    assert new != data and new.startswith(b"\xef\xbb\xbf")
    assert new.count(b"\r\n") == new.count(b"\n")
    assert PO.stat().st_mode & 0o777 == 0o600
    assert "血液学人生" in new.decode("utf-8-sig")


def test_catalogue_changed_during_merge_is_not_overwritten(monkeypatch: pytest.MonkeyPatch) -> None:
    cycle()
    real_merge = gnu.merge

    def merge_while_translator_saves(po: Path, pot: Path, dest: Path, shown: str) -> None:
        real_merge(po, pot, dest, shown)
        PO.write_text(PO.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the translator saves

    monkeypatch.setattr(gnu, "merge", merge_while_translator_saves)
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("Early Years", "Early Days"),
                       encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    saved = None
    with pytest.raises(CatalogError, match="changed on disk while the command ran"):
        update.merge(PO, POT)
        saved = PO.read_bytes()
    assert saved is None and PO.read_text(encoding="utf-8").endswith("\n\n")


def test_merge_keeps_every_translation_msgmerge_keeps(tmp_path: Path) -> None:
    cycle()
    for msgid, msgstr in (("A Life in Hematology", "血液学人生"), ("Early Years", "早年"),
                          ("What drives you?", "是什么驱动着您？"), ("The patients.", "病人。")):
        translate(PO, msgid, msgstr)
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("Early Years", "The Early Years")
                       .replace("The patients.", "My patients."), encoding="utf-8")
    publish("catalog", "extract", "books/minimal")
    gnu_out = tmp_path / "gnu.po"
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(gnu_out), str(PO), str(POT)], check=True)
    ours = tmp_path / "ours.po"
    publish("catalog", "merge", str(PO), str(POT), "-o", str(ours))
    assert all_msgstrs(gnu_out) <= all_msgstrs(ours)
    assert {"血液学人生", "早年", "是什么驱动着您？", "病人。"} <= all_msgstrs(ours)
    msgfmt_check(ours)


def test_percent_in_prose_survives_every_command() -> None:
    """Babel flags "95% of" as python-format whenever it parses a file; written back, msgfmt --check
    rejected every translation with a '%'. Found translating the sample book (li-jinsong: 78.13% of)."""
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace(
        "In 1987 she joined the hospital, where 95% of patients now take part in trials.",
        "In 1987, 78.13% of patients joined."),
        encoding="utf-8")
    cycle()
    translate(PO, "In 1987, 78.13% of patients joined.", "1987年，78.13%的患者参加了。")
    cycle()
    publish("catalog", "compile", "books/minimal")
    publish("catalog", "convert", "books/minimal")
    hant = Path("locales/zh_Hant/LC_MESSAGES/minimal/wang-fang.po")
    for po in (PO, hant):
        msgfmt_check(po)
        assert "python-format" not in po.read_text(encoding="utf-8")
    assert "78.13%的患者" in PO.read_text(encoding="utf-8")


def test_another_babel_version_rewrites_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import babel.messages.catalog

    cycle()
    before = {p: p.read_bytes() for p in Path("locales").rglob("*.po*")}
    assert any(b"Generated-By: Babel " in data for data in before.values())
    monkeypatch.setattr(babel.messages.catalog, "VERSION", "99.0.0")   # as after `pip install -U babel`
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")               # and another extraction date
    cycle()
    assert {p: p.read_bytes() for p in Path("locales").rglob("*.po*")} == before
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("What drives you?", "Why medicine?"),
                       encoding="utf-8")
    cycle()   # a real change: the template is written, with the stamps of the tools that wrote it
    assert b"Generated-By: Babel 99.0.0" in POT.read_bytes() and b"POT-Creation-Date: 2030-" in POT.read_bytes()


def test_obsolete_entry_with_previous_msgid_is_read() -> None:
    """msgmerge writes ``#~| msgid`` when a fuzzy entry goes obsolete; Babel alone rejects the line
    (found by the property test)."""
    from publish.catalogs import pofile

    data = (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            b'#, fuzzy\n#~| msgid "Blood new."\n#~ msgid "Blood the hope."\n#~ msgstr "\xe8\xaf\x91\xe6\x96\x87"\n')
    catalog = pofile.parse(data, "x.po")
    assert [m.string for m in catalog.obsolete.values()] == ["译文"]
