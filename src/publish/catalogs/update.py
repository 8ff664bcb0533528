"""Create and update translators' catalogues from the templates, with GNU msgmerge's semantics.

Unchanged entries keep their translation; changed source text keeps the old translation as fuzzy with
the previous msgid (``#|``); removed source becomes obsolete (``#~``), kept. The merge runs into a
temporary file that is verified (nothing lost, ``msgfmt --check`` clean, the original unchanged since
read) before it replaces the catalogue, in the file's own line endings and mode.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

from .. import atomic
from ..errors import CatalogError, relpath
from . import gnu, pofile, postyle


def create(po: Path, pot: Path, locale: str, layout: postyle.Style | None = None) -> bool:
    """A new catalogue for ``locale`` from a template."""
    _, template = pofile.read(pot)
    template.locale = Locale.parse(locale)
    template.fuzzy = False
    template.revision_date = template.creation_date
    template.last_translator = "Automatically generated"
    template.language_team = "none"
    pofile.commit(pofile.render(template), po, None, layout=layout)
    merge(po, pot, layout=layout)  # settle into msgmerge's form, so the next update changes no byte
    return True


def merge(po: Path, pot: Path, out: Path | None = None, *, layout: postyle.Style | None = None) -> bool:
    """Merge ``pot`` into ``po``, writing ``out`` (default: ``po`` itself). Returns whether it changed."""
    if not pot.is_file():
        raise CatalogError(f"template {relpath(pot)} does not exist (run 'publish catalog extract')")
    snap, old = pofile.read(po)
    target = out or po
    previous = snap if target == po else (pofile.snapshot(target) if target.exists() else None)
    with atomic.temporary_beside(target, ".in.po") as src, atomic.temporary_beside(target, ".out.po") as dest:
        src.write_bytes(snap.plain())
        gnu.merge(src, pot, dest, relpath(po))
        data = dest.read_bytes()
    return pofile.commit(data, target, previous, keep=old, style=snap, layout=layout)


def update(po: Path, pot: Path, locale: str, layout: postyle.Style | None = None) -> bool:
    return merge(po, pot, layout=layout) if po.exists() else create(po, pot, locale, layout)
