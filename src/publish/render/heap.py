"""The process's heap around a layout: Python's cyclic garbage collector paused while WeasyPrint lays a document
out and writes it, and the heap given back to the system after a large step.

A layout allocates millions of objects that live until the document is written (boxes, styles, text lines);
CPython's collector, run every 700 allocations, scans the younger ones again and again and every object from time
to time: 2.6–2.9 s of the sample's 23 s build (``--jobs 1``, ``gc.callbacks``), 19 full collections costing 2.0 s.
Most of what a layout allocates lives until the document is dropped, so the collector mostly rescans live objects:
paused, the same build spends 1.1–1.4 s in it (the objects left when the document is dropped are scanned once),
and its peak memory was no higher (446–449 against 472 MB; the build's whole heap without any collection: 678 MB).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_LOCK = threading.Lock()
_STATE = {"depth": 0, "paused": False}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested or in several threads: resumed when the last
    block ends, and only if it ran before the first began)."""
    with _LOCK:
        if _STATE["depth"] == 0:
            _STATE["paused"] = gc.isenabled()
            gc.disable()
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["paused"]:
                _STATE["paused"] = False
                gc.enable()


def without_collector(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run with the collector paused. Its own frame (the laid-out document in its locals) has ended when the
    collector resumes, so what it leaves is scanned once, as garbage, never alive."""
    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return fn(*args, **kwargs)

    return paused


def give_back() -> None:
    """Return the heap freed so far to the system. glibc keeps it otherwise: the assembly holds the object graph
    of the whole book (~290 MB for 1,070 Chinese pages), garbage once the files are written, and the process
    (the parent at ``--jobs 1``) would keep that high-water mark under the next edition's assembly and EPUB, which
    then take new memory instead (measured at 100 profiles: 557 → 389 MB for the EPUB after it)."""
    import ctypes

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
