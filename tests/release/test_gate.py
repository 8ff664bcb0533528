"""The catalogue QA gate cached by content: an unchanged set of catalogues is answered from the project's
cache, a changed catalogue is checked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.catalogs import qa
from publish.catalogs.extract import Layout
from publish.release import gate
from publish.sources import load_book
from release.test_release import make_zh_book


def test_catalogue_gate_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_zh_book(tmp_path, monkeypatch)
    layout, cache = Layout(tmp_path / "locales"), tmp_path / ".publish-cache"
    po = tmp_path / "locales" / "zh_Hans" / "LC_MESSAGES" / "minimal" / "wang-fang.po"
    text = po.read_text(encoding="utf-8")
    source = next(line[7:-1] for line in text.splitlines()
                  if line.startswith('msgid "') and any(c.isdigit() for c in line))
    po.write_text(text.replace(f'msgid "{source}"\nmsgstr ""', f'msgid "{source}"\nmsgstr "这是译文。"'),
                  encoding="utf-8")
    fresh = gate.catalogues(load_book(root), layout, cache)
    assert fresh and fresh == gate.catalogues(load_book(root), layout)        # same answer as uncached
    assert len(list((cache / "gate").glob("catalogues-*.json"))) == 1

    checked = []
    real_run = qa.run
    monkeypatch.setattr(qa, "run", lambda *a, **k: checked.append(1) or real_run(*a, **k))
    assert gate.catalogues(load_book(root), layout, cache) == fresh and not checked   # from the cache
    monkeypatch.chdir(root)   # the cached locations are shown relative to wherever the command runs
    again = gate.catalogues(load_book(root), layout, cache)
    assert [Path(p.location.path).resolve() for p in again] == [Path(tmp_path, p.location.path).resolve()
                                                                 for p in fresh] and not checked
    po.write_text(po.read_text(encoding="utf-8").replace("这是译文。", f"这是译文{source[-1]}。"), encoding="utf-8")
    gate.catalogues(load_book(root), layout, cache)
    assert checked and len(list((cache / "gate").glob("catalogues-*.json"))) == 2   # a change: checked again
