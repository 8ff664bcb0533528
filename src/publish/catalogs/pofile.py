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
from . import gnu, postyle

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


_CHARSET = re.compile(rb'^"Content-Type:[^"\n]*charset=([A-Za-z0-9_.:-]+)', re.MULTILINE)
_LANGUAGE = re.compile(rb'^"Language: *([^"\\\n]*)(?:\\n)?"', re.MULTILINE)


def _header(data: bytes) -> bytes:
    """The bytes up to the end of the header entry (the first entry, ``msgid ""``)."""
    start = data.find(b'msgid ""')
    end = data.find(b"\n\n", max(start, 0))
    return data if end < 0 else data[:end]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def verify_encoding(data: bytes, shown: str) -> None:
    """The charset the header declares must be the one the bytes are in (GNU trusts the header).

    A file that says ``charset=ISO-8859-1`` but holds UTF-8 (an editor re-saved it, a header was
    copied) would be converted by msgcat into mojibake: the translations destroyed. Refused here,
    located at the first line that gives the lie away; nothing is rewritten.
    """
    m = _CHARSET.search(_header(data))
    declared = m.group(1).decode("ascii").lower() if m else "charset"
    where = _line_of(data, m.start()) if m else 1
    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = False
        bad = exc.start
    if declared in ("utf-8", "utf8"):
        if not utf8:
            raise CatalogError([Problem(Location(shown, _line_of(data, bad)), Severity.ERROR,
                                        "the header declares charset=UTF-8 but this line is not valid UTF-8 "
                                        "(save the file as UTF-8)", "po.charset")])
        return
    if declared == "charset":  # a template's placeholder: only ASCII or UTF-8 make sense
        if not utf8:
            raise CatalogError([Problem(Location(shown, where), Severity.ERROR,
                                        "no charset declared and the file is not UTF-8", "po.charset")])
        return
    try:
        data.decode(declared)
    except LookupError:
        raise CatalogError([Problem(Location(shown, where), Severity.ERROR,
                                    f"unknown charset {declared!r} in the header", "po.charset")]) from None
    except UnicodeDecodeError as exc:
        raise CatalogError([Problem(Location(shown, _line_of(data, exc.start)), Severity.ERROR,
                                    f"this line is not valid {declared} as the header declares",
                                    "po.charset")]) from None
    multibyte = re.search(rb"[\xc2-\xf4][\x80-\xbf]+", data)
    if utf8 and multibyte:
        raise CatalogError([Problem(Location(shown, _line_of(data, multibyte.start())), Severity.ERROR,
                                    f"the header (line {where}) declares charset={declared} but the file is UTF-8, "
                                    "as this line shows: fix the header to 'charset=UTF-8' (nothing was rewritten)",
                                    "po.charset")])


def locale_key(name: str) -> str:
    return name.strip().replace("-", "_").lower()


def verify_language(data: bytes, shown: str, folder_locale: str) -> None:
    """A ``Language`` header that names another locale than the catalogue's folder is an error
    (a zh_Hans file copied into ja/, a header left from a template of another language)."""
    m = _LANGUAGE.search(_header(data))
    if not m or not m.group(1).strip():
        return
    declared = m.group(1).decode("utf-8", "replace").strip()
    if locale_key(declared) != locale_key(folder_locale):
        raise CatalogError([Problem(Location(shown, _line_of(data, m.start())), Severity.ERROR,
                                    f"the header says 'Language: {declared}' but the catalogue is in the "
                                    f"{folder_locale} folder", "po.language")])


def folder_locale(path: Path) -> str | None:
    """``zh_Hant`` for ``…/zh_Hant/LC_MESSAGES/…/x.po``; None outside a locale folder."""
    parts = path.parts
    if "LC_MESSAGES" in parts and parts.index("LC_MESSAGES") > 0:
        return parts[parts.index("LC_MESSAGES") - 1]
    return None


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
    verify(snap, path)
    with atomic.temporary_beside(path, ".in.po") as tmp:
        tmp.write_bytes(snap.plain())
        gnu.run(["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(tmp)],
                shown={str(tmp): relpath(path)})
    return snap, parse(snap.plain(), relpath(path))


def verify(snap: Snapshot, path: Path) -> None:
    """What msgfmt does not check: the charset against the bytes, the Language header against the
    folder."""
    shown = relpath(path)
    verify_encoding(snap.plain(), shown)
    where = folder_locale(path)
    if where and path.suffix == ".po":
        verify_language(snap.plain(), shown, where)


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


def _cat(data: bytes, width: int, near: Path) -> str:
    """msgcat's output (UTF-8) of PO bytes in whatever charset their header declares."""
    with atomic.temporary_beside(near, ".a.po") as src, atomic.temporary_beside(near, ".b.po") as dest:
        src.write_bytes(data)
        gnu.normalise(src, dest, width)
        return dest.read_bytes().decode("utf-8")


def lay_out(data: bytes, target: Path, original: bytes | None, layout: postyle.Style) -> bytes:
    """``data`` in GNU's normal form, laid out as ``original`` (the file as it was) is: its wrapping,
    its unchanged entries byte for byte, its header order, its kind of location comments."""
    flat = _cat(data, 0, target)
    try:
        before = original.decode("utf-8") if original is not None else None
    except UnicodeDecodeError:  # an honest non-UTF-8 file: converted to UTF-8 whole, once
        before = None
    before_flat = _cat(original, 0, target) if original is not None and before is not None else None
    flat = postyle.apply_locations(flat, layout.locations or (postyle.detect_locations(before) if before else None))
    flat = postyle.reorder_header(flat, postyle.header_order(before_flat) if before_flat else postyle.GNU_HEADER_ORDER)
    forced = layout.width if layout.width is not None else None
    if before is None or before_flat is None or original is None:
        return _cat(flat.encode("utf-8"), 79 if forced is None else forced, target).encode("utf-8")
    if forced is not None:
        return _cat(flat.encode("utf-8"), forced, target).encode("utf-8")
    if flat == before_flat:
        return original  # nothing changed: not one byte either
    candidates: dict[int, str] = {}
    for width in (*postyle.WIDTHS, 0):
        candidates[width] = _cat(original, width, target)
        if candidates[width] == before:
            break
    else:  # no msgcat width gives the file back: perhaps polib's writer (Poedit-like tools, scripts)
        candidates[postyle.POLIB] = _polib(before)
    width = postyle.best_width(before, candidates)
    wrapped = _polib(flat) if width == postyle.POLIB else _cat(flat.encode("utf-8"), width, target)
    return postyle.splice(before, before_flat, flat, wrapped).encode("utf-8")


def _polib(text: str) -> str:
    import polib

    return str(polib.pofile(text, wrapwidth=78)) + "\n"


def commit(data: bytes, target: Path, previous: Snapshot | None, *, keep: Catalog | None = None,
           style: Snapshot | None = None, layout: postyle.Style | None = None) -> bool:
    """Normalise ``data`` with msgcat in the file's own layout, verify it, and move it into place
    atomically.

    ``previous`` is the target as read (None for a new file): its mode is kept, and the write is
    refused if the file changed since. ``style`` (default ``previous``) gives line endings, BOM,
    wrapping and header order; ``layout`` may force a width or a kind of location comments.
    ``keep`` is a catalogue whose translations must all survive.
    Returns whether the file changed.
    """
    shown = relpath(target)
    style = style or previous
    new = lay_out(data, target, style.plain() if style else None, layout or postyle.Style())
    with atomic.temporary_beside(target, ".po") as tmp:
        tmp.write_bytes(new)
        gnu.check(tmp, shown)
        if keep is not None:
            missing = lost(keep, parse(new, shown))
            if missing:
                raise CatalogError([Problem(Location(shown), Severity.ERROR,
                                            f"refusing to write: {len(missing)} translation(s) would be lost, "
                                            f"e.g. {missing[0][:60]!r}", "po.lost")])
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
