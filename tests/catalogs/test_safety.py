"""Bad catalogues give located errors and are never rewritten: a charset lie, a BOM (accepted), a
Language header of another locale, broken placeholders (QA errors, and the renderer falls back)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.support import Translations

from helpers import PO, publish, translate
from publish.catalogs import placeholders, pofile
from publish.catalogs.checks import Context, check_placeholders
from publish.catalogs.convert import Converter
from publish.catalogs.glossary import empty
from publish.errors import CatalogError

pytestmark = pytest.mark.usefixtures("minimal")


def setup() -> None:
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "books/minimal")
    translate(PO, "A Life in Hematology", "血液学人生")


def test_charset_lie_is_a_located_error_and_nothing_is_rewritten() -> None:
    setup()
    lie = PO.read_bytes().replace(b"charset=UTF-8", b"charset=ISO-8859-1")
    PO.write_bytes(lie)
    out = publish("catalog", "update", "books/minimal", code=3)
    line = next(n for n, text in enumerate(lie.decode().splitlines(), 1) if "血液学人生" in text)
    assert f"wang-fang.po:{line}: error: the header (line " in out and "declares charset=iso-8859-1" in out
    assert PO.read_bytes() == lie  # not rewritten as mojibake
    publish("catalog", "check", "locales", code=3)


def test_undecodable_utf8_is_located() -> None:
    setup()
    data = PO.read_bytes().replace("血液学人生".encode(), b"\xe8\xa1")
    PO.write_bytes(data)
    with pytest.raises(CatalogError) as err:
        pofile.read(PO)
    problem = err.value.problems[0]
    assert problem.location.line == data[: data.index(b"\xe8\xa1")].count(b"\n") + 1
    assert "not valid UTF-8" in problem.message


def test_bom_accepted_by_update_check_compile_and_kept() -> None:
    setup()
    PO.write_bytes(pofile.BOM + PO.read_bytes())
    publish("catalog", "update", "books/minimal")
    assert PO.read_bytes().startswith(pofile.BOM)
    publish("catalog", "check", "locales")
    publish("catalog", "compile", "books/minimal")
    mo = Path(".publish-cache/mo/zh_Hans/LC_MESSAGES/minimal/wang-fang.mo")
    with mo.open("rb") as fp:
        assert Translations(fp).gettext("A Life in Hematology") == "血液学人生"


def test_language_header_of_another_locale_is_a_located_error() -> None:
    setup()
    data = PO.read_text(encoding="utf-8").replace('"Language: zh_Hans\\n"', '"Language: ja\\n"')
    PO.write_text(data, encoding="utf-8")
    line = next(n for n, text in enumerate(data.splitlines(), 1) if text.startswith('"Language: ja'))
    out = publish("catalog", "update", "books/minimal", code=3)
    assert (f"wang-fang.po:{line}: error: the header says 'Language: ja' but the catalogue is in the zh_Hans "
            "folder") in out
    publish("catalog", "compile", "books/minimal", code=3)
    # zh-Hans and zh_Hans are the same locale
    PO.write_text(data.replace('"Language: ja\\n"', '"Language: zh-Hans\\n"'), encoding="utf-8")
    publish("catalog", "update", "books/minimal")


def findings(msgid: str, msgstr: str, flags: tuple[str, ...] = ()) -> list[str]:
    message = Message(msgid, msgstr, flags=flags)
    return [f.message for f in check_placeholders(message, Context("zh_Hans", empty()))]


def test_placeholders_checked_with_or_without_the_flag() -> None:
    source = "Published by %(publisher)s"
    for flags in ((), ("python-format",)):
        assert findings(source, "由%(publisher)s出版", flags) == []
        typo = findings(source, "由%(publsher)s出版", flags)
        assert any("%(publsher) is not in the source (did you mean %(publisher)s?)" in f for f in typo)
        assert any("missing: %(publisher)s" in f for f in typo)
        wide = findings(source, "由%(publisher)20000000s出版", flags)
        assert wide and "widths, precisions and flags are not allowed" in wide[0]
        assert findings(source, "由%(publisher).3s出版", flags)
        assert findings(source, "100%由%(publisher)s出版", flags)  # a lone % must be %%
        assert findings(source, "100%%由%(publisher)s出版", flags) == []
    assert findings("95% of patients", "95%的患者") == []  # prose is no format string


def test_renderer_falls_back_to_the_source_and_locates_the_entry(tmp_path: Path) -> None:
    po = tmp_path / "zh_Hans" / "LC_MESSAGES" / "publish.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Published by %(publisher)s"\nmsgstr "由%(publisher)20000000s出版"\n\n'
                  'msgid "Source: %(publisher)s"\nmsgstr "来源：%(publsher)s"\n\n'
                  'msgid "Edition: %(name)s"\nmsgstr "版本：%(name)s"\n', encoding="utf-8")
    import subprocess

    mo = tmp_path / "publish.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as fp:
        labels = placeholders.SafeLabels(Translations(fp), po)
    assert labels.gettext("Published by %(publisher)s") % {"publisher": "X"} == "Published by X"
    assert labels.gettext("Source: %(publisher)s") % {"publisher": "X"} == "Source: X"
    assert labels.gettext("Edition: %(name)s") % {"name": "en"} == "版本：en"
    where = sorted(str(p.location) for p in labels.reported)
    assert where == ["zh_Hans/LC_MESSAGES/publish.po:6", "zh_Hans/LC_MESSAGES/publish.po:9"]
    assert all("the source text is shown" in p.message for p in labels.reported)


def test_opencc_never_touches_urls_mails_link_targets_placeholders_ids() -> None:
    conv = Converter("s2twp", None)
    text = ("见[医学信息学](https://zh.wikipedia.org/wiki/医学信息学)和https://example.cn/发展后台，"
            "或写信至chen@ShanghaiDoctor.cn与我们联系；%(name)s发展{#发展后台}")
    out = conv.convert(text)
    assert "(https://zh.wikipedia.org/wiki/医学信息学)" in out
    assert "https://example.cn/发展后台" in out
    assert "chen@ShanghaiDoctor.cn與我們聯絡" in out or "chen@ShanghaiDoctor.cn與我們聯繫" in out
    assert "%(name)s發展{#发展后台}" in out
    assert out.startswith("見[醫學資訊學]")
