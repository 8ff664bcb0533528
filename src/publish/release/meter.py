"""What each release validator costs: wall and CPU seconds, and how many processes it started.

The validators run in threads of the release process (pikepdf checks, Matterhorn, certification) and in
child processes (EPUBCheck's JVM, Ace's Node and Chromium, Ghostscript, pdfcpu, poppler). A thread's
CPU is its own clock (``time.thread_time``) over :func:`stage`; a child's is its ``wait4`` resource usage
(user + system of the child and of every descendant it waited for), taken when it is reaped by
:class:`Popen`. Descendants that are not reaped through the child are missing from that usage: Chromium's
zygote processes outlive its browser and go to init, so Ace's server reports its tree's CPU as it ends and
the difference is added (``unreaped_cpu_s``, :mod:`.servers`); a release's own ``RUSAGE_CHILDREN`` misses
it the same way (bench/run adds it). Totals are per validator name, for the whole
process; :func:`dump` writes them as JSON to the file ``PUBLISH_METER`` names (bench/run reads it). The
figures never decide anything: they are measurements only.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_totals: dict[str, dict[str, float]] = {}
_marks: dict[str, float] = {}


def add(name: str, **amounts: float) -> None:
    """Add ``amounts`` (``wall_s``, ``cpu_s``, ``calls``, ``processes``, ``unreaped_cpu_s``…) to ``name``'s totals."""
    with _lock:
        entry = _totals.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0, "processes": 0})
        for key, value in amounts.items():
            entry[key] = entry.get(key, 0) + value


@contextmanager
def stage(name: str, *, cpu: bool = True) -> Iterator[None]:
    """Time the calling thread's work under ``name``: the wall clock, and its CPU clock unless ``cpu`` is
    false (a stage inside another of the same thread, such as waiting for a server's answer, whose CPU
    the outer one counts)."""
    wall, used = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        add(name, wall_s=time.perf_counter() - wall, cpu_s=time.thread_time() - used if cpu else 0.0, calls=1)


def mark(name: str) -> None:
    """Note the wall-clock time (``time.time``) of an event, the first time it happens."""
    with _lock:
        _marks.setdefault(name, time.time())


class Popen(subprocess.Popen):  # type: ignore[type-arg]
    """A child process whose CPU time (with its reaped descendants) is added to ``meter`` when it ends."""

    def __init__(self, *args: Any, meter: str, **kwargs: Any) -> None:  # noqa: ANN401
        self.meter, self.started = meter, time.perf_counter()
        super().__init__(*args, **kwargs)
        add(meter, processes=1)

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:   # subprocess's reaping, with wait4's usage
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid == self.pid:
            self.cpu_s = usage.ru_utime + usage.ru_stime
            add(self.meter, cpu_s=self.cpu_s, wall_s=time.perf_counter() - self.started)
        return pid, status


def run(cmd: list[str], *, meter: str, timeout: float | None = None, check: bool = False,
        **kwargs: Any) -> subprocess.CompletedProcess:  # type: ignore[type-arg] # noqa: ANN401
    """:func:`subprocess.run` with the child's CPU counted under ``meter`` (``capture_output`` and the
    other keywords as there)."""
    if kwargs.pop("capture_output", False):
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    with Popen(cmd, meter=meter, **kwargs) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:
            proc.kill()
            raise
    add(meter, calls=1)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    if check:
        done.check_returncode()
    return done


def totals() -> dict[str, Any]:
    with _lock:
        return {"validators": {k: {m: round(v, 3) for m, v in e.items()} for k, e in sorted(_totals.items())},
                "marks": dict(_marks)}


def dump() -> None:
    """Write :func:`totals` to ``PUBLISH_METER`` when it is set (nothing otherwise)."""
    target = os.environ.get("PUBLISH_METER")
    if target:
        Path(target).write_text(json.dumps(totals(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
