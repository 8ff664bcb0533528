"""The build's worker processes and its files on disk: a pool whose workers ignore Ctrl-C and die with
their parent, the scratch folder beside the cache, and the atomic placing of cached files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from . import atomic

if TYPE_CHECKING:
    from .project import Project


@contextmanager
def workers(jobs: int, folders: set[Path]) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes that ignore Ctrl-C (the parent handles it), die with their parent, and are
    killed when the build stops early (an error, Ctrl-C) instead of finishing their pages; their
    temporary files in ``folders`` are then removed."""
    if jobs <= 1:
        yield None
        return
    pool = Pool(max_workers=jobs, initializer=worker_start, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with suppress(OSError, AttributeError):
                process.kill()
        for process in processes:
            with suppress(OSError, AttributeError, AssertionError):
                process.join(10)
        for folder in folders:
            atomic.sweep(folder)
        raise
    pool.shutdown(wait=True)


class Pool(ProcessPoolExecutor):
    def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def] # noqa: ANN002, ANN003
        """Workers are forked here: SIGINT stays blocked until each has set its own handler."""
        import signal

        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def worker_start(parent: int) -> None:
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


@contextmanager
def scratch_folder(project: Project) -> Iterator[str]:
    """Temporary files live in the project's cache (same file system as the cache: renames are atomic),
    in a folder named with our pid, so the next run removes it if this one is killed."""
    folder = atomic.temporary_folder_beside(project.cache / "tmp" / "build")
    try:
        yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def place(source: Path, target: Path) -> None:
    """Copy a cached file to its place in the build folder, atomically, with the cache file's modification
    time; nothing when it is already there (the same size and time, or else the same bytes)."""
    have, want = (target.stat() if target.is_file() else None), source.stat()
    if have is not None and have.st_size == want.st_size and (have.st_mtime_ns == want.st_mtime_ns or
                                                              target.read_bytes() == source.read_bytes()):
        return   # the same size and time as its cache file (placed from it): not read again
    with atomic.temporary_beside(target, target.suffix) as tmp:
        shutil.copyfile(source, tmp)
        os.utime(tmp, ns=(want.st_atime_ns, want.st_mtime_ns))
        atomic.replace(tmp, target)
