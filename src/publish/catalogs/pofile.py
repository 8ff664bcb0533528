"""Reading and writing ``.po`` files without ever losing a translator's work.

Parsing uses Babel's reader; writing goes through GNU ``msgcat`` so the file is in gettext's normal
form. Every write is checked with ``msgfmt --check``, keeps the file's line endings, BOM and mode,
and is refused when the file changed on disk since it was read (the translator's edit wins).
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from .. import atomic
from ..errors import CatalogError, Location, Problem, Severity, relpath
from . import gnu

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Snapshot:
    """A catalogue file as it was read: to restore its style and detect concurrent edits."""

    path: Path
    data: bytes
    mode: int

    @property
    def crlf(self) -> bool:
        return b"\r\n" in self.data

    @property
    def bom(self) -> bool:
        return self.data.startswith(BOM)

    def plain(self) -> bytes:
        """The content as GNU tools want it: LF line endings, no BOM."""
        data = self.data[len(BOM):] if self.bom else self.data
        return data.replace(b"\r\n", b"\n")

    def styled(self, data: bytes) -> bytes:
        """``data`` (LF, no BOM) in this file's style."""
        if self.crlf:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        return BOM + data if self.bom else data


def snapshot(path: Path) -> Snapshot:
    try:
        return Snapshot(path, path.read_bytes(), path.stat().st_mode & 0o7777)
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", Location(relpath(path))) from exc


def parse(data: bytes, shown: str) -> Catalog:
    """Parse PO bytes (LF, no BOM) with Babel; syntax errors are located errors.

    Babel cannot read the previous msgid of an obsolete fuzzy entry (``#~| msgid …``, which msgmerge
    writes when a changed entry later goes obsolete): those lines are blanked for Babel only (line
    numbers kept). They hold no translation, and the files on disk are written by GNU msgmerge."""
    data = _OBSOLETE_PREVIOUS.sub(b"", data)
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        raise CatalogError([Problem(Location(shown, line), Severity.ERROR, str(exc), "po.syntax")]) from exc
    except (ValueError, LookupError) as exc:  # Babel's own errors on garbage, found by tests/faults/test_fuzz.py
        line = data.count(b"\n", 0, exc.start) + 1 if isinstance(exc, UnicodeDecodeError) else None
        raise CatalogError([Problem(Location(shown, line), Severity.ERROR,
                                    f"not a readable catalogue: {exc}", "po.syntax")]) from exc
    drop_guessed_formats(catalog)
    return catalog


_OBSOLETE_PREVIOUS = re.compile(rb"^#~\|[^\n]*", re.M)
_NAMED = re.compile(r"%\(\w+\)[sdif]")


def drop_guessed_formats(catalog: Catalog) -> None:
    """Undo Babel's python-format guess on prose.

    Babel flags every message whose msgid merely looks like a format ("78.13% of" reads as ``% o``)
    when it parses a file, whatever the file says; written back, that flag makes ``msgfmt --check``
    reject every correct translation containing a ``%``. Only named placeholders (``%(name)s``, as
    the interface labels use) make a message a Python format string here.
    """
    for message in catalog:
        if "python-format" in message.flags:
            ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
            if not any(_NAMED.search(i) for i in ids):
                message.flags.discard("python-format")


def read(path: Path) -> tuple[Snapshot, Catalog]:
    """Read and validate a catalogue: ``msgfmt --check`` first, so GNU's diagnostics locate errors."""
    snap = snapshot(path)
    with atomic.temporary_beside(path, ".in.po") as tmp:
        tmp.write_bytes(snap.plain())
        gnu.run(["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(tmp)],
                shown={str(tmp): relpath(path)})
    return snap, parse(snap.plain(), relpath(path))


def render(catalog: Catalog, width: int = 79) -> bytes:
    """Babel's serialisation (GNU's normal form comes from :func:`commit`)."""
    out = io.BytesIO()
    write_po(out, catalog, width=width, include_previous=True, sort_output=False, sort_by_file=False)
    return out.getvalue()


def translations(catalog: Catalog) -> set[tuple[str, str]]:
    """Every (msgid, msgstr) with a non-empty translation, active, fuzzy or obsolete."""
    found: set[tuple[str, str]] = set()
    for message in [*catalog, *catalog.obsolete.values()]:
        if not message.id:
            continue
        mid = message.id if isinstance(message.id, str) else "\x00".join(message.id)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for s in strings:
            if s:
                found.add((mid, s))
    return found


def lost(before: Catalog, after: Catalog) -> list[str]:
    """Translations present before and missing after (as translated, fuzzy or obsolete)."""
    kept = {s for _, s in translations(after)}
    return sorted({s for _, s in translations(before) if s not in kept})


def commit(data: bytes, target: Path, previous: Snapshot | None, *, keep: Catalog | None = None,
           style: Snapshot | None = None) -> bool:
    """Normalise ``data`` with msgcat, verify it, and move it into place atomically.

    ``previous`` is the target as read (None for a new file): its mode is kept, and the write is
    refused if the file changed since. ``style`` (default ``previous``) gives line endings and BOM.
    ``keep`` is a catalogue whose translations must all survive.
    Returns whether the file changed.
    """
    shown = relpath(target)
    with atomic.temporary_beside(target, ".raw.po") as raw, atomic.temporary_beside(target, ".po") as tmp:
        raw.write_bytes(data)
        gnu.normalise(raw, tmp)
        gnu.check(tmp, shown)
        new = tmp.read_bytes()
        if keep is not None:
            missing = lost(keep, parse(new, shown))
            if missing:
                raise CatalogError([Problem(Location(shown), Severity.ERROR,
                                            f"refusing to write: {len(missing)} translation(s) would be lost, "
                                            f"e.g. {missing[0][:60]!r}", "po.lost")])
        style = style or previous
        styled = style.styled(new) if style else new
        if previous is not None and styled == previous.data:
            return False
        if previous is not None:
            try:
                now = target.read_bytes()
            except OSError:
                now = None
            if now != previous.data:
                raise CatalogError([Problem(Location(shown), Severity.ERROR,
                                            "catalogue changed on disk while the command ran: not "
                                            "overwritten (run the command again)", "po.changed")])
        tmp.write_bytes(styled)
        mode = previous.mode if previous else None
        atomic.replace(tmp, target, mode)
    return True


def file_mode(path: Path) -> int | None:
    """The file's permission bits, or None when it does not exist yet (a new catalogue gets the
    default mode from :func:`atomic.replace`)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None
