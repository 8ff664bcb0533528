"""One JVM, one browser and one Node per release: EPUBCheck, Ace by DAISY and pdfcpu as long-running
processes fed one file at a time, as soon as each exists.

:class:`EpubCheckServer` runs ``EpubCheckBatch.java --stdin`` (the EPUBCheck jar, the JVM flags of
:data:`~publish.release.validators.JVM_FLAGS`); :class:`AceServer` runs ``js/ace-batch.js`` with the Ace
installation :func:`~publish.release.validators.ace_command` finds, one headless Chromium for every file;
:class:`PdfcpuServer` runs ``js/pdfcpu-batch.mjs``, pdfcpu's WebAssembly module compiled once for every file.
Both give the reports the one-file commands give (tests/release/test_servers.py compares them). Where a
server cannot start (no Java compiler module; an Ace that is not an npm installation), each file gets
its own process, as before.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO

from ..errors import ReleaseError
from . import meter, pdfcpu
from . import validators as v

ACE_BATCH = Path(__file__).resolve().parent / "js" / "ace-batch.js"
PDFCPU_BATCH = Path(__file__).resolve().parent / "js" / "pdfcpu-batch.mjs"


class _Server:
    """A child process that answers one tab-separated request line with one line."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None, *, name: str) -> None:
        self.command, self.env, self.name = command, env, name
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[str] | None = None
        self.failed = False

    def ask(self, *fields: str) -> str | None:
        """The answer line, or None when the server is not running (the caller falls back)."""
        with self.lock:
            if self.failed:
                return None
            try:
                if self.proc is None:
                    self.proc = meter.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, text=True, env=self.env, cwd="/",
                                            meter=self.name, preexec_fn=_term_with_parent)
                stdin, stdout = self.proc.stdin, self.proc.stdout
                assert stdin is not None and stdout is not None
                stdin.write("\t".join(fields) + "\n")
                stdin.flush()
                answer = _answer(stdout)
            except (OSError, ValueError):
                answer = None
            self.failed = answer is None
            return answer

    def close(self, *, kill: bool = False) -> None:
        if kill and self.proc is not None:   # a release stopped early (an error, Ctrl-C): not one more file
            _stop(self.proc)
        with self.lock:
            proc, self.proc = self.proc, None
            if proc is None:
                return
            rest = ""
            try:   # its input closed, what it says as it ends read (Ace: its CPU, see _unreaped)
                rest = proc.communicate(timeout=30)[0] or ""
            except (OSError, ValueError, subprocess.TimeoutExpired):
                _stop(proc)
                proc.wait()
            finally:
                if proc.stdout is not None:
                    proc.stdout.close()
            _unreaped(proc, rest)


def _unreaped(proc: subprocess.Popen[str], said: str) -> None:
    """Add to the meter the CPU of a server's descendants its wait4 usage misses: ace-batch.js ends with
    ``cpu NODE TREE`` (Node's own CPU and that of every process under it, just before the browser closes),
    since Chromium's zygotes outlive the browser and are reaped by init, not through Node. Measurement
    only."""
    import re

    found = re.search(r"^cpu ([0-9.]+) ([0-9.]+)$", said, re.MULTILINE)
    reaped = getattr(proc, "cpu_s", None)
    if found and reaped is not None:
        missing = float(found.group(1)) + float(found.group(2)) - reaped
        if missing > 0:
            meter.add(getattr(proc, "meter", "?"), cpu_s=missing, unreaped_cpu_s=missing)


_PRCTL = ctypes.CDLL(None, use_errno=True).prctl   # resolved here, not in the forked child


def _term_with_parent() -> None:
    """In the child: SIGTERM when the release's process dies, however it dies (Linux PR_SET_PDEATHSIG)."""
    _PRCTL(1, signal.SIGTERM)


def _stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM first (the Ace server closes its browser: a SIGKILLed Node leaves Chromium running, detached
    in its own process group), SIGKILL if it is still there after a few seconds."""
    try:
        proc.terminate()
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    except OSError:
        pass


def _answer(stdout: IO[str]) -> str | None:
    for line in stdout:   # anything a checker prints on its own is skipped
        if line.startswith(("done", "error ", "bad ")):
            return line.rstrip("\n")
    return None   # the process ended


class EpubCheckServer(_Server):
    def __init__(self) -> None:
        super().__init__(["java", *v.JVM_FLAGS, "-cp", str(v._jar()), str(v.BATCH), "--stdin"], name="epubcheck")

    def check(self, path: Path) -> v.Report:
        """EPUBCheck ``-u`` on one file, in the release's JVM (one JVM of its own if that cannot run)."""
        with tempfile.TemporaryDirectory() as tmp, meter.stage("epubcheck requests", cpu=False):
            out = Path(tmp) / "report.json"
            if self.ask(str(path), str(out), "-u") == "done" and out.is_file():
                return v._epubcheck_report(json.loads(out.read_text(encoding="utf-8")))
        return v.epubcheck([path])[path]


def _ace_modules() -> Path | None:
    """The node_modules folder of the Ace installation (the ``ace`` command is ``node_modules/.bin/…``)."""
    command = v.ace_command()
    if not command.is_file():
        return None
    real = command.resolve()
    for parent in (command.parent.parent, *real.parents):
        if parent.name == "node_modules" and (parent / "@daisy" / "ace-core").is_dir():
            return parent
    return None


class AceServer(_Server):
    def __init__(self) -> None:
        modules = _ace_modules()
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or ""
        env = {**os.environ, "NODE_PATH": str(modules), "PUPPETEER_EXECUTABLE_PATH": chromium,
               "PUPPETEER_SKIP_DOWNLOAD": "1"}
        super().__init__(["node", "--no-warnings", str(ACE_BATCH)], env, name="ace")
        self.failed = modules is None or not chromium or not shutil.which("node")

    def check(self, path: Path, reports: Path | None = None) -> v.Report:
        """Ace on one file with the release's browser (its own ``ace`` process if that cannot run)."""
        with tempfile.TemporaryDirectory() as tmp, meter.stage("ace requests", cpu=False):
            answer = self.ask(str(path), str(Path(tmp) / "out"), str(Path(tmp) / "t"))
            out = Path(tmp) / "out" / "report.json"
            if answer == "done" and out.is_file():
                return v.ace_data(path, json.loads(out.read_bytes()), reports)
            if answer is not None and answer.startswith("error "):
                raise ReleaseError(f"Ace did not run on {path}: {answer[6:500]}")
        return v.ace([path], reports, jobs=1)[path]


class PdfcpuServer(_Server):
    def __init__(self) -> None:
        super().__init__(["node", "--no-warnings", str(PDFCPU_BATCH)], name="pdfcpu")
        try:
            self.command.append(str(pdfcpu.wasm()))
        except ReleaseError:
            self.failed = True   # pdfcpu_strict says why

    def check(self, path: Path) -> v.Report:
        """pdfcpu ``validate -m strict`` on one file in the release's Node (its own if that cannot run)."""
        with tempfile.TemporaryDirectory() as tmp, meter.stage("pdfcpu requests", cpu=False):
            out = Path(tmp) / "out.txt"
            answer = self.ask(str(out), *pdfcpu.strict_args(path))
            if answer is not None and answer.startswith("done ") and out.is_file():
                return pdfcpu.report(int(answer[5:]), out.read_text(encoding="utf-8", errors="replace"))
        return pdfcpu.pdfcpu_strict(path)


def expected_tools() -> str | None:
    """"Ace V, EPUBCheck W" as the reports will name them: V the version of Ace's ace-meta package (its
    reports' ``doap:revision``), W the EPUBCheck jar's Maven version (its ``checkerVersion``); None when
    either cannot be read (the first EPUB is then checked before it is certified)."""
    import re
    import zipfile

    modules = _ace_modules()
    try:
        ace = json.loads((modules / "@daisy" / "ace-meta" / "package.json").read_text(encoding="utf-8"))["version"] \
            if modules is not None else None
        with zipfile.ZipFile(v._jar()) as jar:
            pom = jar.read("META-INF/maven/org.w3c/epubcheck/pom.properties").decode("utf-8")
    except (OSError, KeyError, ValueError, ReleaseError, zipfile.BadZipFile):
        return None
    found = re.search(r"^version=(\S+)$", pom, re.MULTILINE)
    return f"Ace {ace}, EPUBCheck {found.group(1)}" if ace and found else None


class Servers:
    """The release's EPUBCheck JVM, Ace browser and pdfcpu Node, started at their first file, ended with
    the release."""

    def __init__(self) -> None:
        self.epubcheck = EpubCheckServer()
        self.ace = AceServer()
        self.pdfcpu = PdfcpuServer()
        self.tools: str | None = expected_tools()
        """The checkers' names and versions (the claim's summary names them), as their installations tell
        them before any file is checked, or their first reports: known, an EPUB is certified first and
        its final bytes checked once (the claim stays if those reports pass and name these very tools)."""

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.epubcheck.close(kill=kind is not None)
        self.ace.close(kill=kind is not None)
        self.pdfcpu.close(kill=kind is not None)
