"""Atomic output: write a temporary file (or folder) beside the target, then rename it into place.

A failed, interrupted or killed command therefore leaves the previous output intact, never half a
file. Temporary names carry the writer's process id (``.<name>.p<pid>-<random>.tmp``); every later
write into the same folder removes those of processes that no longer run, so a ``kill -9`` leaves
nothing behind for long. Folders (a release bundle) are swapped with ``renameat2(RENAME_EXCHANGE)``
where the kernel has it, so the target folder exists at every instant: before the swap it is the old
one, after it the new one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_TEMP = re.compile(r"^\..+\.p(\d+)-[^/]*\.tmp(-dir|-old)?$")
"""Our temporary names: ``.<target>.p<pid>-<random><suffix>.tmp`` (files) or ``….tmp-dir`` (folders)."""


def checkpoint(point: str) -> None:
    """A named moment for the fault-injection tests (tests/robustness): when ``PUBLISH_PAUSE_AT`` names it,
    say so on stderr and wait to be killed or interrupted there. Does nothing otherwise."""
    if os.environ.get("PUBLISH_PAUSE_AT") == point:
        sys.stderr.write(f"publish: paused at {point}\n")
        sys.stderr.flush()
        time.sleep(600)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files and folders that dead processes left in ``folder``; return them."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _TEMP.match(name)
        if not match or _alive(int(match.group(1))):
            continue
        path = folder / name
        if match.group(2) == "-old":  # the fallback swap died between its renames: put the old one back
            target = folder / name[1:name.rindex(f".p{match.group(1)}-")]
            if not target.exists():
                with contextlib.suppress(OSError):
                    os.rename(path, target)
                    continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
        removed.append(path)
    return removed


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _prefix(target: Path) -> str:
    return f".{target.name}.p{os.getpid()}-"


def own_prefix(target: Path) -> str:
    """How this process's temporary files and folders beside ``target`` begin (a glob-safe prefix)."""
    return _prefix(target)


@contextlib.contextmanager
def temporary_beside(target: Path, suffix: str = "", point: str = "temporary-file") -> Iterator[Path]:
    """A temporary path in ``target``'s folder (same file system), removed unless consumed; ``point`` names
    the moment for :func:`checkpoint` (the fault-injection tests pause at the first "temporary-file").

    An ``OSError`` raised while it is in use (disk full, read-only folder) names ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target.parent)
    fd, name = tempfile.mkstemp(prefix=_prefix(target), suffix=suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        checkpoint(point)
        yield tmp
    except OSError as exc:
        # a full or read-only disk is the target's, whichever file the error names (copyfile names its source)
        if exc.filename in (None, str(tmp), name) or exc.errno in _FULL:
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
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


def write_bytes(target: Path, data: bytes, mode: int | None = None, *, point: str = "temporary-file") -> None:
    with temporary_beside(target, point=point) as tmp:
        tmp.write_bytes(data)
        replace(tmp, target, mode)


def write_record(target: Path, data: bytes) -> None:
    """A cache record (a parse, a font's cmap): written whole or not at all, best effort (a read-only or
    full cache only means the next run works it out again). Its checkpoint is "cache-record", not
    "temporary-file": records are written in the parent before any layout, and the interruption tests
    stop at "temporary-file" inside an edition's render."""
    try:
        write_bytes(target, data, point="cache-record")
    except OSError:
        pass


def temporary_folder_beside(target: Path) -> Path:
    """A new empty folder beside ``target`` for :func:`replace_folder`; swept if its process dies."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target.parent)
    return Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp-dir", dir=target.parent))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_folder(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` at ``target``; the old ``target`` is deleted afterwards.

    With ``renameat2`` the two folders trade places atomically, so ``target`` is never missing, even
    under ``kill -9``; the old content, now at the temporary name, is removed (or swept by the next
    run). Without it: the old folder is renamed aside first, and put back by the next run's
    :func:`sweep` of the folder if the process died between the two renames.
    """
    checkpoint("swap")
    if not target.exists():
        os.rename(tmp, target)
        return
    if os.environ.get("PUBLISH_SWAP") != "rename" and _exchange(tmp, target):  # the tests force the fallback
        checkpoint("swap-done")
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = target.parent / f"{_prefix(target)}old.tmp-old"
    os.rename(target, old)
    checkpoint("swap-between")
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
