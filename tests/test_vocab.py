"""The vocabulary is one: whatever `publish check` accepts, every later stage can express, and what a later
stage cannot express, `check` refuses with its location."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import publish
from publish import assets, vocab
from publish.release import onix
from publish.render import epub
from publish.render.fonts import fontset


def template_roles() -> set[str]:
    text = (assets.TEMPLATES / "book.html.j2").read_text(encoding="utf-8")
    block = re.search(r"set role_names = \{(.*?)\}", text, re.S)
    assert block
    return set(re.findall(r'"([a-z]{3})": _\("', block.group(1)))


def test_every_role_check_accepts_is_printed_and_distributed() -> None:
    from publish.model import MARC_RELATORS

    assert set(MARC_RELATORS) == set(vocab.ROLES)
    assert template_roles() == set(vocab.ROLES)
    assert set(vocab.ROLES) <= epub.RELATORS
    for code, role in vocab.ROLES.items():
        assert onix.ROLES[code] == role.onix and re.fullmatch(r"[A-Z]\d\d", role.onix)


def test_every_locale_check_accepts_has_fonts_labels_and_onix_codes() -> None:
    product = onix.OnixProduct.__new__(onix.OnixProduct)
    for locale, lang in vocab.LANGUAGES.items():
        code, script = onix.language(product, lang.bcp47)
        assert code == lang.onix and script == (lang.script if code == "chi" else None)
        faces = fontset([locale]).faces()
        assert faces and all(f.file()[0].is_file() for f in faces)
        if locale != "en":
            assert (assets.LOCALE / locale / "LC_MESSAGES" / "publish.po").is_file()


@pytest.mark.parametrize(("old", "new", "field"), [
    ("roles: [edt]", "roles: [pbl]", "roles"),       # a MARC code no later stage can express
    ("roles: [edt]", "roles: [xyz]", "roles"),
    ("locales: [zh_Hans]", "locales: [fr]", "locales"),  # a real locale the toolkit has no fonts/labels for
    ("locales: [zh_Hans]", "locales: [iw]", "locales"),
])
def test_check_refuses_what_a_later_stage_cannot_express(minimal: Path, old: str, new: str, field: str) -> None:
    book = minimal / "book.yaml"
    text = book.read_text(encoding="utf-8")
    assert old in text
    book.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = publish("check", str(minimal), code=2)
    line = next(n for n, t in enumerate(book.read_text(encoding="utf-8").splitlines(), 1) if new in t)
    assert re.search(rf"book\.yaml:{line}:\d+: error: ", out), out
