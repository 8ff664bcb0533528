"""Atomic file output: write a temporary file beside the target, then ``os.replace`` it.

A failed or interrupted command therefore leaves the previous file intact, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def temporary_beside(target: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary path in ``target``'s folder (same file system), removed unless consumed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def replace(tmp: Path, target: Path, mode: int | None = None) -> None:
    """Move a finished temporary file into place, with ``mode`` (default: 0o644 less umask)."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    os.replace(tmp, target)


def write_bytes(target: Path, data: bytes, mode: int | None = None) -> None:
    with temporary_beside(target) as tmp:
        tmp.write_bytes(data)
        replace(tmp, target, mode)
