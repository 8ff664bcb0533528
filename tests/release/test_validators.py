"""EPUBCheck for several files in one JVM (release/java/EpubCheckBatch.java) says, file by file, what
EPUBCheck's own command line says about each alone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers import minimal_epubs
from publish.release.validators import _jar, epubcheck

pytestmark = pytest.mark.slow


def alone(path: Path, tmp: Path) -> list[str]:
    out = tmp / f"{path.stem}.json"
    subprocess.run(["java", "-jar", str(_jar()), str(path), "--json", str(out), "--quiet"], capture_output=True,
                   timeout=600)
    return sorted(m["ID"] for m in json.loads(out.read_text(encoding="utf-8"))["messages"])


def test_one_jvm_reports_each_file_as_epubcheck_alone(minimal: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")
    good, broken = minimal_epubs(minimal, tmp_path)
    reports = epubcheck([good, broken, good])
    assert reports[good].clean and not reports[broken].clean
    assert reports[good].tool.startswith("EPUBCheck 5")
    for path in (good, broken):
        assert sorted(m.split()[1] for m in reports[path].messages) == alone(path, tmp_path)
