"""The glyph gate's font coverage (publish.render.fonts.cmap): kept on disk by font file, read back the same."""

from __future__ import annotations

from pathlib import Path

from publish.render import fonts


def test_a_faces_cmap_is_read_back_from_the_cache(tmp_path: Path) -> None:
    face = fonts.fontset(("zh_Hans",)).serif
    path, index = face.file()
    fonts._CMAPS.clear()
    fresh = fonts.cmap(path, index)
    fonts._CMAPS.clear()
    stored = fonts.cmap(path, index, tmp_path)
    records = list((tmp_path / "cmaps").glob("*.json"))
    assert stored == fresh and len(fresh) > 30000 and len(records) == 1
    fonts._CMAPS.clear()
    assert fonts.cmap(path, index, tmp_path) == fresh          # from the record
    records[0].write_text("{}", encoding="utf-8")              # a damaged record: read from the font again
    fonts._CMAPS.clear()
    assert fonts.cmap(path, index, tmp_path) == fresh
    assert fonts.missing_glyphs("中文\U0001F600", fonts.fontset(("zh_Hans",)).faces(), tmp_path) == ["\U0001F600"]
