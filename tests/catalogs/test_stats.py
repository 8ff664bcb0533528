"""`publish catalog stats` agrees with `msgfmt --statistics` on realistic catalogues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import msgfmt_statistics
from publish.cli import main

HEADER = '''# Translator comment on the header.
msgid ""
msgstr ""
"Project-Id-Version: x 1\\n"
"Language: zh_Hans\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Generator: Poedit 3.4\\n"
'''

BODY = '''
#. sections[0].heading
#: books/x.yaml:3
msgid "Translated"
msgstr "已翻译"

# a translator's note
#, fuzzy
#| msgid "Old text"
msgid "New text"
msgstr "旧文本"

#, fuzzy
msgid "Fuzzy but empty"
msgstr ""

msgid "Untranslated"
msgstr ""

msgctxt "button"
msgid "Open"
msgstr "打开"

msgctxt "verb"
msgid "Open"
msgstr ""

msgid ""
"A multi-line message that is long enough to be wrapped by the tools, "
"continued here."
msgstr ""
"一条多行消息，"
"在这里继续。"

msgid "One file"
msgid_plural "%d files"
msgstr[0] "%d 个文件"
msgstr[1] "%d 个文件"

msgid "One day"
msgid_plural "%d days"
msgstr[0] ""
msgstr[1] ""

#, fuzzy
msgid "One week"
msgid_plural "%d weeks"
msgstr[0] "%d 周"
msgstr[1] "%d 周"

#~ msgid "Gone"
#~ msgstr "去了"

#~ msgid "Gone too"
#~ msgstr ""
'''


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom", "fuzzy-header"])
def test_stats_agree_with_msgfmt(tmp_path: Path, variant: str) -> None:
    text = HEADER + BODY
    if variant == "fuzzy-header":
        text = text.replace('msgid ""\nmsgstr ""\n"Project', '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project', 1)
    data = text.encode("utf-8")
    if variant == "crlf":
        data = data.replace(b"\n", b"\r\n")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    po = tmp_path / "zh_Hans" / "LC_MESSAGES" / "x.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(data)
    oracle_file = tmp_path / "oracle.po"
    oracle_file.write_bytes(text.encode("utf-8"))  # msgfmt's own input: LF, no BOM
    translated, fuzzy, untranslated = msgfmt_statistics(oracle_file)
    result = CliRunner().invoke(main, ["catalog", "stats", "--format", "json", str(po)])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert set(row) == {"path", "translated", "fuzzy", "untranslated", "obsolete", "percent"}
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == (translated, fuzzy, untranslated)
    assert row["obsolete"] == 2
    assert row["percent"] == round(100 * translated / (translated + fuzzy + untranslated), 2)


def test_min_percent_fails_below_threshold(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(HEADER + BODY, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["catalog", "stats", "--min-percent", "10", str(po)]).exit_code == 0
    assert runner.invoke(main, ["catalog", "stats", "--min-percent", "99", str(po)]).exit_code == 1
