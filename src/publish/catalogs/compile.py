"""Compile catalogues to ``.mo`` files in the build cache with ``msgfmt --check``.

Two files per catalogue: ``<domain>.mo`` (translated entries only) and ``<domain>.fuzzy.mo`` (fuzzy
entries too), so a book's fallback policy can show stale translations when it asks for them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import atomic
from ..errors import relpath
from ..sources import Sources
from . import gnu, pofile
from .extract import Layout
from .units import domains


def mo_path(cache: Path, locale: str, domain: str, *, fuzzy: bool = False) -> Path:
    return cache / "mo" / locale / "LC_MESSAGES" / f"{domain}{'.fuzzy' if fuzzy else ''}.mo"


def compile_book(sources: Sources, layout: Layout, cache: Path, locales: list[str]) -> list[Path]:
    written = []
    for locale in locales:
        for domain in domains(sources, interface=True):
            po = layout.catalogue(locale, domain)
            if not po.exists():
                continue
            snap = pofile.snapshot(po)
            pofile.verify(snap, po)
            plain = snap.plain()
            for fuzzy in (False, True):
                target = mo_path(cache, locale, domain, fuzzy=fuzzy)
                # the .mo of the same catalogue bytes is kept: msgfmt runs only for a changed catalogue
                digest = hashlib.sha256(plain + (b"fuzzy" if fuzzy else b"")).hexdigest()
                stamp = target.with_name(target.name + ".sha256")
                if not (target.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii") == digest):
                    with (atomic.temporary_beside(target, ".mo") as tmp,
                          atomic.temporary_beside(target, ".po") as src):
                        src.write_bytes(plain)  # a BOM or CRLF is fine, as for GNU's other tools
                        gnu.compile_mo(src, tmp, use_fuzzy=fuzzy, shown=relpath(po))
                        atomic.replace(tmp, target)
                    atomic.write_bytes(stamp, digest.encode("ascii"))
                written.append(target)
    return written
