"""GNU gettext's tools, the catalogue engine: msgmerge merges, msgfmt validates and compiles,
msgcat normalises. Each call is checked; failures become located :class:`CatalogError` s."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ..errors import CatalogError, Location, Problem, Severity, relpath

_LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:(?P<col>\d+):)?\s*(?P<msg>.*)$")


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CatalogError(f"GNU gettext's '{name}' is not installed (apt-get install gettext)")
    return found


def run(args: list[str], *, shown: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a gettext tool; on failure raise a CatalogError with its messages located."""
    proc = subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, check=False,
                          env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise CatalogError(parse_messages(proc.stderr, shown or {}) or
                           [Problem(Location(args[0]), Severity.ERROR, proc.stderr.strip() or "failed")])
    return proc


def parse_messages(stderr: str, shown: dict[str, str]) -> list[Problem]:
    """GNU's ``file:line: message`` lines as problems, temp-file names replaced by real ones."""
    problems = []
    for line in stderr.splitlines():
        m = _LOCATED.match(line.strip())
        if not m or m["file"].startswith(("msgmerge", "msgfmt", "msgcat")):
            continue
        name = shown.get(m["file"], relpath(m["file"]))
        problems.append(Problem(Location(name, int(m["line"]), int(m["col"]) if m["col"] else None),
                                Severity.ERROR, m["msg"], "po.syntax"))
    return problems


def check(path: Path, shown: str | None = None) -> None:
    """``msgfmt --check``: syntax, header and format strings; raise on any problem."""
    run(["msgfmt", "--check", "-o", "/dev/null", str(path)], shown={str(path): shown or relpath(path)})


def normalise(src: Path, dest: Path, width: int = 79) -> None:
    """Rewrite ``src`` into GNU gettext's normal form (what ``msgcat`` prints) at ``width``
    (0: no wrapping)."""
    wrap = ["--no-wrap"] if width == 0 else [f"--width={width}"]
    run(["msgcat", "--to-code=UTF-8", *wrap, "-o", str(dest), str(src)])


def merge(po: Path, pot: Path, dest: Path, shown: str) -> None:
    """``msgmerge --previous``: translations kept, changed ones fuzzy with ``#|``, removed ones obsolete."""
    run(["msgmerge", "--quiet", "--previous", "-o", str(dest), str(po), str(pot)], shown={str(po): shown})


def compile_mo(po: Path, dest: Path, *, use_fuzzy: bool = False, shown: str | None = None) -> None:
    args = ["msgfmt", "--check", "-o", str(dest), str(po)]
    if use_fuzzy:
        args.insert(1, "--use-fuzzy")
    run(args, shown={str(po): shown or relpath(po)})
