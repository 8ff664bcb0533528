"""WeasyPrint's native libraries found with one look at the linker's cache, while ``weasyprint`` is imported.

WeasyPrint 70 (``text/ffi.py``) tries several names for each library it loads (``libgobject-2.0-0``,
``gobject-2.0-0``, ``gobject-2.0``, …, ``libgobject-2.0.so.0``); cffi passes each one it cannot load directly to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc`` for every name it does not
find: 22 look-ups, 16 of them failing, 0.25 s of the import's 0.7 s (measured on this machine), in every process
that imports WeasyPrint. Here ``ldconfig -p`` runs once and each name is looked up in its output the way ctypes
looks it up (:func:`ctypes.util._findSoname_ldconfig`'s pattern); a name the cache does not list is not searched
for further with gcc: WeasyPrint then tries its next name, and the last ones are sonames
(``libgobject-2.0.so.0``) that the dynamic loader finds itself (``LD_LIBRARY_PATH``, the cache, the system
folders), so the same libraries are loaded. Anywhere else than Linux with an ``ldconfig``, nothing changes.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}
"""ctypes' names for this machine's ABI in ``ldconfig -p`` (``(libc6,x86-64)``); ``libc6`` elsewhere."""


def cache_listing() -> bytes | None:
    """``ldconfig -p`` (the linker cache's libraries), or None where it cannot run."""
    if not sys.platform.startswith("linux"):
        return None
    ldconfig = "/sbin/ldconfig" if os.path.exists("/sbin/ldconfig") else shutil.which("ldconfig")
    if ldconfig is None:
        return None
    try:
        done = subprocess.run([ldconfig, "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"}, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def finder(listing: bytes) -> Callable[[str], str | None]:
    """``find_library`` answering from ``listing`` alone (a soname, or None)."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = _ABI.get(machine, "libc6")

    def find(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    return find


@contextmanager
def found_once() -> Iterator[None]:
    """While active, ``ctypes.util.find_library`` answers from one ``ldconfig -p``."""
    import ctypes.util

    listing = cache_listing()
    if listing is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = finder(listing)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = original
