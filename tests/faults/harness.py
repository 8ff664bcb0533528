"""The probe harness: run ``publish`` as a user would (a subprocess), on a fresh copy of a fixture
book, and record what a fault did: exit code, messages, traceback, what changed on disk, and the
temporary files left behind.

A case passes when it fails *cleanly*: the expected exit code, a located ``FILE:LINE[:COL]: error:``
line with the expected words, no traceback, the sources and catalogues byte-identical, the previous
outputs intact and no temporary file left anywhere in the project.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import publish

SRC = Path(publish.__file__).resolve().parents[1]
ROOTS = Path(__file__).resolve().parents[1] / "roots"
BOOK = "books/minimal/book.yaml"
PROFILE = "books/minimal/profiles/wang-fang.yaml"
TEMP_NAMES = re.compile(r"(^\..*\.p\d+-.*\.tmp(-dir|-old)?$)|(\.tmp$)|(\.old-\d+$)|(\.tmp-\d+$)")
LOCATED = re.compile(r"^(?P<path>[^\s:]+)(:(?P<line>\d+))?(:\d+)?: error: ", re.MULTILINE)
EPOCH = "1748908800"


@functools.cache
def _script() -> Path:
    """A console script named ``publish``, like the one pip installs (its name matters: see cli.py)."""
    folder = Path(tempfile.mkdtemp(prefix="publish-faults-bin-"))
    script = folder / "publish"
    script.write_text("import sys\nfrom publish.cli import main\nsys.exit(main())\n", encoding="utf-8")
    return script


def command(*args: str) -> list[str]:
    return [sys.executable, str(_script()), *args]


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "SOURCE_DATE_EPOCH": EPOCH, "LC_ALL": "C.UTF-8", **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def digest_tree(root: Path, *, skip: tuple[str, ...] = (".publish-cache",)) -> dict[str, str]:
    """sha256 of every file under ``root`` (symlinks by their target text), by relative path."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in skip:
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def temp_files(root: Path) -> list[str]:
    """Temporary names (ours, and the generic ``*.tmp``) anywhere under ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if TEMP_NAMES.search(p.name))


@dataclass
class Outcome:
    code: int
    err: str
    seconds: float
    changed: list[str] = field(default_factory=list)
    temps: list[str] = field(default_factory=list)

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err

    def located(self) -> list[tuple[str, int]]:
        return [(m.group("path"), int(m.group("line") or 0)) for m in LOCATED.finditer(self.err)]


@dataclass
class Project:
    """A working directory holding ``books/minimal`` (and whatever a case adds)."""

    root: Path

    @classmethod
    def fresh(cls, where: Path, book: str = "minimal") -> Project:
        shutil.copytree(ROOTS / book, where / "books" / "minimal")
        (where / "publish.toml").write_text("[project]\n", encoding="utf-8")
        return cls(where)

    @property
    def book(self) -> Path:
        return self.root / "books" / "minimal"

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{rel} does not contain {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def run(self, *args: str, timeout: float = 300, env: dict[str, str] | None = None) -> Outcome:
        before = digest_tree(self.root)
        started = time.monotonic()
        proc = subprocess.run(command(*args), cwd=self.root, capture_output=True, text=True, timeout=timeout,
                              env=env or environment())
        after = digest_tree(self.root)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        return Outcome(proc.returncode, proc.stderr + proc.stdout, time.monotonic() - started, changed,
                       temp_files(self.root))

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(command(*args), cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env or environment(), start_new_session=True)


def assert_refused(outcome: Outcome, code: int, fragment: str, where: str | None = None,
                   line: int | None = None, *, may_change: tuple[str, ...] = ()) -> None:
    """The case failed cleanly: exit ``code``, ``fragment`` said at ``where``:``line``, no traceback,
    nothing under the project changed (but ``may_change`` prefixes), no temporary file left."""
    assert outcome.code == code, f"exit {outcome.code}, expected {code}:\n{outcome.err}"
    assert fragment in outcome.err, f"{fragment!r} not in:\n{outcome.err}"
    assert not outcome.traceback, outcome.err
    if where is not None:
        places = outcome.located()
        assert any(p == where and (line is None or n == line) for p, n in places), \
            f"no error located at {where}:{line}: {places}\n{outcome.err}"
    changed = [c for c in outcome.changed if not c.startswith(may_change or ("\0",))]
    assert not changed, f"files changed by a refused command: {changed}"
    assert not outcome.temps, f"temporary files left: {outcome.temps}"


def wait_for(proc: subprocess.Popen[str], marker: str, timeout: float = 120) -> str:
    """Read the process's stderr until a line contains ``marker``; return what was read."""
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"marker {marker!r} never came:\n{seen}")


def kill_group(proc: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to the process only (its workers must handle their parent's death themselves)."""
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` or that carry its session id (for orphan checks)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, session = int(stat[1]), int(stat[3])
        if (ppid == pid or session == pid) and int(entry.name) != pid and stat[0] != "Z":
            found.append(int(entry.name))
    return found
