"""The build's worker processes and its files on disk: a pool whose workers ignore Ctrl-C and die with
their parent, the scratch folder beside the cache, and the atomic placing of cached files."""

from __future__ import annotations

import heapq
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


class Tasks:
    """Tasks of a build, the most urgent first (the lowest ``priority``), at most ``jobs`` at once in
    ``pool`` (without a pool, one after another here): the pool's own queue is first come, first served,
    so only what a free worker should start next is handed to it. Each task's ``then`` runs here, in the
    parent, with its result (and may add tasks); ``failed`` with its exception (without one, it is raised)."""

    def __init__(self, pool: ProcessPoolExecutor | None, jobs: int) -> None:
        self.pool, self.jobs = pool, max(1, jobs)
        self.queue: list[tuple[Any, int, Callable[..., Any], tuple[Any, ...], Callable[[Any], None],
                               Callable[[Exception], None] | None]] = []
        self.running: dict[Future[Any], tuple[Callable[[Any], None], Callable[[Exception], None] | None]] = {}
        self.added = 0

    def add(self, priority: Any, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None],  # noqa: ANN401
            failed: Callable[[Exception], None] | None = None) -> None:
        self.added += 1   # ties in priority: in the order added
        heapq.heappush(self.queue, (priority, self.added, fn, args, then, failed))

    def poll(self) -> None:
        """Hand the free workers their next tasks and take in what is done, without waiting (nothing
        without a pool: the tasks then run in :meth:`run`)."""
        if self.pool is not None:
            self._step(block=False)

    def run(self) -> None:
        """Run every task, and those their results add, until none is left."""
        while self.queue or self.running:
            self._step(block=True)

    def _step(self, *, block: bool) -> None:
        if self.pool is None:
            _, _, fn, args, then, failed = heapq.heappop(self.queue)
            try:
                result = fn(*args)
            except Exception as exc:
                if failed is None:
                    raise
                failed(exc)
                return
            then(result)
            return
        while self.queue and len(self.running) < self.jobs:
            _, _, fn, args, then, failed = heapq.heappop(self.queue)
            self.running[self.pool.submit(fn, *args)] = (then, failed)
        if not self.running:
            return
        done, _ = wait(self.running, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in [f for f in self.running if f in done]:   # in the order handed out
            then, failed = self.running.pop(future)
            error = future.exception()
            if error is None:
                then(future.result())
            elif failed is None or not isinstance(error, Exception):
                raise error
            else:
                failed(error)


@contextmanager
def scratch_folder(project: Project) -> Iterator[str]:
    """Temporary files live in the project's cache (same file system as the cache: renames are atomic),
    in a folder named with our pid, so the next run removes it if this one is killed."""
    target = project.cache / "tmp" / "build"
    try:
        yield str(atomic.temporary_folder_beside(target))
    finally:
        # by its name, ours (this pid's): a Ctrl-C just after the folder was made and before it was handed back
        # still finds it (CI once saw one left at start-up)
        for folder in target.parent.glob(f"{atomic.own_prefix(target)}*.tmp-dir"):
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
