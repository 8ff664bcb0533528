"""A real ``publish serve`` in a subprocess, on a free port, against a copy of tests/roots/minimal."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOTS

STARTUP_S = 30
EPOCH = "1748908800"  # 2025-06-03T00:00:00Z, the date the pages are made with


@dataclass
class Served:
    """A running ``publish serve``: its process, address and everything it has printed so far."""

    process: subprocess.Popen[str]
    host: str
    port: int
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(self, raw_path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """GET ``raw_path`` exactly as written (no normalisation of ``..`` or ``%2e``)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.putrequest("GET", raw_path, skip_host=bool(headers and "Host" in headers))
            for key, value in (headers or {}).items():
                conn.putheader(key, value)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Stop the server as a user would; its exit code and everything it printed."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover - shows a server that would not stop
            self.process.kill()
            raise
        if self.reader is not None:
            self.reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code, "\n".join(self.lines)


def start(project: Path, *args: str) -> Served:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "SOURCE_DATE_EPOCH": EPOCH}
    process = subprocess.Popen([sys.executable, "-c", "from publish.cli import main; main()", "serve", "--port", "0",
                                *args], cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    served = Served(process, "", 0)
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.lines.append(line.rstrip("\n"))
            m = re.search(r"http://([\d.]+):(\d+)/", line)
            if m and not found.is_set():
                served.host, served.port = m.group(1), int(m.group(2))
                found.set()
        found.set()

    served.reader = threading.Thread(target=read, daemon=True)
    served.reader.start()
    if not found.wait(STARTUP_S) or not served.port:
        process.kill()
        pytest.fail("publish serve did not start:\n" + "\n".join(served.lines))
    return served


def minimal_project(where: Path) -> Path:
    """tests/roots/minimal as books/minimal of a project at ``where``; the book folder."""
    book = where / "books" / "minimal"
    shutil.copytree(ROOTS / "minimal", book)
    (where / "publish.toml").write_text("[project]\n", encoding="utf-8")
    return book


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One ``publish serve`` for the tests that only read; beside its project, ``outside.css``, and in its
    book two symlinks out (``leak.css``, ``up/``)."""
    where = tmp_path_factory.mktemp("shared")
    book = minimal_project(where / "project")
    (where / "outside.css").write_text("/* outside the project */", encoding="utf-8")
    (book / "leak.css").symlink_to(where / "outside.css")
    (book / "up").symlink_to(where)
    server = start(where / "project")
    yield server
    server.stop()


@pytest.fixture
def served(minimal: Path) -> Iterator[Served]:
    """``publish serve`` on the minimal book (the working directory is the project)."""
    server = start(minimal.parent.parent)
    yield server
    server.stop()
