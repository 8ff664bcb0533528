"""Write the ``.pot`` templates of a book: one per domain, one message per translatable unit.

Each message carries ``#:`` references (``books/…/x.yaml:42``) and an extracted comment with the
field path (``#. sections[2].paragraphs[1]``). Re-running with no source change changes no byte:
the template is compared with the file on disk with its old ``POT-Creation-Date`` before writing.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog

from .. import __version__, assets
from ..errors import relpath
from ..sources import Sources
from . import pofile
from .units import INTERFACE, Unit, all_units, domains

_DATE = re.compile(rb'"POT-Creation-Date: [^"\\]*\\n"')
_GENERATOR = re.compile(rb'"Generated-By: [^"\\]*\\n"')
"""Babel's version stamp: a fresh machine with another Babel must not rewrite unchanged templates."""


@dataclass(frozen=True)
class Layout:
    """Where a project's catalogues live. The ``publish`` domain (interface labels) is the toolkit's
    own, inside the package, whatever the project: a book's commands read it and never write it."""

    root: Path
    """The ``locales/`` folder."""

    def template(self, domain: str) -> Path:
        root = assets.LOCALE if domain == INTERFACE else self.root
        return root / f"{domain}.pot"

    def catalogue(self, locale: str, domain: str) -> Path:
        root = assets.LOCALE if domain == INTERFACE else self.root
        return root / locale / "LC_MESSAGES" / f"{domain}.po"


INTERFACE_LAYOUT = Layout(assets.LOCALE)
"""The toolkit's own catalogues (``src/publish/locale``), maintained by toolkit developers."""


def build_date() -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def template_for(sources: Sources, domain: str, units: list[Unit], date: datetime) -> Catalog:
    book = sources.book
    catalog = Catalog(
        project=f"{book.id} ({domain})", version=__version__, copyright_holder=book.id,
        msgid_bugs_address=None, creation_date=date, fuzzy=True,
        header_comment=(f"# Translations template for {domain}.\n"
                        f"# Extracted from {relpath(sources.root)} by publish {__version__}.\n"
                        "#"),
    )
    for unit in units:
        loc = sources.locate(unit.owner, unit.path)
        message = catalog.add(unit.text, locations=[(loc.path, loc.line or 0)], auto_comments=[unit.field])
        # Babel guesses python-format from any '%' ("95% of" reads as '%o'); prose is no format
        # string, and the guess would make msgfmt --check reject correct translations.
        message.flags.discard("python-format")
    for message in catalog:
        message.flags.discard("python-format")
    return catalog


def interface_template(date: datetime) -> Catalog:
    """The ``publish`` domain: interface labels, extracted from the Jinja2 templates with Babel."""
    from babel.messages.extract import extract_from_dir

    TEMPLATES = assets.TEMPLATES  # noqa: N806

    catalog = Catalog(project=INTERFACE, version=__version__, copyright_holder="publish",
                      msgid_bugs_address=None, creation_date=date, fuzzy=True,
                      header_comment="# Interface labels of the publish toolkit's templates.\n#")
    found = extract_from_dir(
        str(TEMPLATES), method_map=[("**.j2", "jinja2.ext:babel_extract")],
        options_map={"**.j2": {"extensions": "jinja2.ext.i18n", "silent": "false"}},
    )
    for filename, lineno, message, comments, context in found:
        where = f"templates/{filename}"  # relative to the package, wherever it is installed
        catalog.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    return catalog


def extract(sources: Sources, layout: Layout, date: datetime | None = None) -> list[tuple[Path, bool]]:
    """Write every template of the book; return (path, changed) per domain. ``date`` is the templates'
    creation date (the project's source date of the book; default: :func:`build_date`)."""
    by_domain: dict[str, list[Unit]] = defaultdict(list)
    for unit in all_units(sources):
        by_domain[unit.domain].append(unit)
    results = []
    for domain in domains(sources):
        path = layout.template(domain)
        results.append((path, write_template(path, template_for(sources, domain, by_domain[domain],
                                                                  date or build_date()))))
    return results


def extract_interface() -> tuple[Path, bool]:
    """For toolkit developers: the ``publish`` domain's template, from the package's templates."""
    pot = INTERFACE_LAYOUT.template(INTERFACE)
    return pot, write_template(pot, interface_template(build_date()))


def write_template(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` unless only its stamps would change (its creation date, the Babel version that
    generated it)."""
    new = pofile.render(catalog)
    previous = pofile.snapshot(path) if path.exists() else None
    if previous is not None:
        same = new
        for volatile in (_DATE, _GENERATOR):  # header lines that change with the clock or the machine
            old_line = volatile.search(previous.plain())
            if old_line:
                same = volatile.sub(lambda _m, line=old_line: line.group(0), same, count=1)  # type: ignore[misc]
        if _normal_equal(same, previous.plain(), path):
            return False
    return pofile.commit(new, path, previous)


def _normal_equal(data: bytes, existing: bytes, path: Path) -> bool:
    from .. import atomic
    from . import gnu

    with atomic.temporary_beside(path, ".a") as a, atomic.temporary_beside(path, ".b") as b:
        a.write_bytes(data)
        gnu.normalise(a, b)
        return b.read_bytes() == existing
