"""publish.serve.watch: a save in the book or its catalogues bumps the generation; outputs do not."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import project_at
from publish.serve.preview import Preview
from publish.serve.watch import Watcher


def _until(condition, seconds: float = 5.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_saves_are_seen_and_outputs_ignored(minimal: Path) -> None:
    project = minimal.parent.parent
    # the cache inside the book folder, to show that it is ignored even there
    preview = Preview(project_at(project, cache=minimal / ".cache", build=minimal / "out"), minimal)
    lines: list[str] = []
    watcher = Watcher(preview, lines.append)
    watcher.start()
    try:
        assert _until(lambda: any(line.startswith("watching ") for line in lines))
        time.sleep(0.3)
        # the cache and the build folder are not sources, even inside a watched folder
        (minimal / ".cache" / "mo").mkdir(parents=True)
        (minimal / ".cache" / "mo" / "x.mo").write_bytes(b"")
        (minimal / "out").mkdir()
        (minimal / "out" / "x.pdf").write_bytes(b"")
        time.sleep(0.5)
        assert preview.generation == 0
        profile = minimal / "profiles" / "wang-fang.yaml"
        started = time.monotonic()
        profile.write_text(profile.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert _until(lambda: preview.generation >= 1)
        assert time.monotonic() - started < 1.0
        assert preview.changes == (str(profile.resolve()),)
        # a catalogue folder made after the start is watched from then on
        locales = project / "locales" / "zh_Hans" / "LC_MESSAGES" / "minimal"
        locales.mkdir(parents=True)
        assert _until(lambda: any("locales" in line for line in lines if line.startswith("watching ")), 6)
        seen = preview.generation
        time.sleep(0.3)
        (locales / "wang-fang.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
        assert _until(lambda: preview.generation > seen)
    finally:
        watcher.stop()
        watcher.join(5)
    assert not watcher.is_alive()
