"""Property: random edits of the sources followed by extract + update never lose a translation.

Every msgstr ever written is still present afterwards, as translated, fuzzy or obsolete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from helpers import PO, PROFILE, all_msgstrs, msgfmt_check, publish

ROOTS = Path(__file__).parent.parent / "roots"
WORDS = st.sampled_from(["blood", "care", "the", "hope", "ward", "new", "1988", "Ruijin", "cells", "and"])
SENTENCE = st.lists(WORDS, min_size=1, max_size=6).map(lambda w: " ".join(w).capitalize() + ".")
EDIT = st.tuples(st.sampled_from(["change", "append", "delete", "translate", "restore"]),
                 st.integers(0, 20), SENTENCE)


def paragraphs(data: dict) -> list[str]:
    return data["sections"][0]["paragraphs"]


@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.lists(EDIT, min_size=1, max_size=4), min_size=1, max_size=4))
def test_no_translation_is_ever_lost(tmp_path_factory: pytest.TempPathFactory,
                                     monkeypatch: pytest.MonkeyPatch, edits: list) -> None:
    root = tmp_path_factory.mktemp("prop")
    shutil.copytree(ROOTS / "minimal", root / "books" / "minimal")
    (root / "publish.toml").write_text("[project]\n", encoding="utf-8")
    monkeypatch.chdir(root)
    yaml = YAML(typ="safe", pure=True)
    original = yaml.load(PROFILE.read_text(encoding="utf-8"))
    written: set[str] = set()
    publish("catalog", "extract", "books/minimal")
    publish("catalog", "update", "-l", "zh_Hans", "books/minimal")
    for n, round_ in enumerate(edits):
        data = yaml.load(PROFILE.read_text(encoding="utf-8"))
        paras = paragraphs(data)
        for i, (op, index, sentence) in enumerate(round_):
            k = index % len(paras)
            if op == "change":
                paras[k] = sentence
            elif op == "append":
                paras.append(sentence)
            elif op == "delete" and len(paras) > 1:
                paras.pop(k)
            elif op == "restore":
                data = yaml.load(yaml_dump(original))
                paras = paragraphs(data)
            elif op == "translate":
                msgstr = f"译文{n}{i}{k}"
                PO.write_text(_apply(PO.read_text(encoding="utf-8"), index, msgstr), encoding="utf-8")
                written.add(msgstr)
        PROFILE.write_text(yaml_dump(data), encoding="utf-8")
        publish("catalog", "extract", "books/minimal")
        publish("catalog", "update", "-l", "zh_Hans", "books/minimal")
        msgfmt_check(PO)
        assert written <= all_msgstrs(PO)


def _apply(text: str, j: int, msgstr: str) -> str:
    """Fill the j-th empty msgstr (after the header) with ``msgstr``."""
    parts = text.split('\nmsgstr ""\n')
    # parts[0] ends at the header's msgstr, parts[1] at the first untranslated entry's msgstr
    if len(parts) < 3:
        return text
    j %= len(parts) - 2
    return '\nmsgstr ""\n'.join(parts[: j + 2]) + f'\nmsgstr "{msgstr}"\n' + '\nmsgstr ""\n'.join(parts[j + 2:])


def yaml_dump(data: dict) -> str:
    import io

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()
