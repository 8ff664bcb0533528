"""Python-format placeholders (``%(name)s``) of the interface labels, checked whether or not an entry
carries the ``python-format`` flag.

The templates format every label with ``label % variables``, so a translation that names a
placeholder the source does not have (``%(publsher)s``) raises KeyError, one with a width
(``%(publisher)20000000s``) pads the text to twenty million spaces, and a lone ``%`` raises
ValueError. :func:`problems` finds each of these; QA reports them as errors and the renderer shows
the source text instead (:class:`SafeLabels`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import NullTranslations

from ..errors import Location, Problem, Severity, relpath

_ANY = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<spec>[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?)(?P<type>[a-zA-Z%]?)")
_PLAIN_TYPES = set("sdir")
NAMED = re.compile(r"%\(\w+\)[sdir]")


def names(text: str) -> list[str]:
    """The placeholder names of a text, in order (``%%`` is no placeholder)."""
    return [m["name"] for m in _ANY.finditer(text) if m["name"] is not None]


def is_format(source: str) -> bool:
    """Whether a message is formatted at all: only messages with named placeholders are."""
    return bool(NAMED.search(source))


def problems(source: str, target: str) -> list[str]:
    """What is wrong with ``target`` as a translation of the format string ``source`` (empty: fine)."""
    if not target or not is_format(source):
        return []
    wanted = set(names(source))
    found: list[str] = []
    for m in _ANY.finditer(target):
        whole, name, spec, kind = m.group(0), m["name"], m["spec"], m["type"]
        if whole == "%%":
            continue
        if name is None:
            found.append(f"'{whole}' is not a placeholder: write a percent sign as '%%'")
        elif name not in wanted:
            close = [w for w in wanted if _similar(w, name)]
            hint = f" (did you mean %({close[0]})s?)" if close else ""
            found.append(f"placeholder %({name}) is not in the source{hint}")
        elif spec:
            found.append(f"'{whole}': widths, precisions and flags are not allowed, write %({name}){kind or 's'}")
        elif kind not in _PLAIN_TYPES:
            found.append(f"'{whole}': unknown conversion, write %({name})s")
    missing = wanted - set(names(target))
    if missing:
        found.append("placeholder(s) of the source missing: " + ", ".join(f"%({n})s" for n in sorted(missing)))
    return found


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.75


@dataclass
class SafeLabels:
    """Interface translations that never crash or hang the renderer: a translation with a bad
    placeholder is replaced by its source text and reported (once) with the entry's file and line."""

    translations: NullTranslations
    po: Path | None = None
    reported: list[Problem] = field(default_factory=list)
    _lines: dict[str, int] | None = None

    def gettext(self, message: str) -> str:
        return self._checked(message, self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._checked(singular if n == 1 else plural, self.translations.ngettext(singular, plural, n))

    def _checked(self, source: str, target: str) -> str:
        if target == source:
            return target
        found = problems(source, target)
        if not found and "%" in target and is_format(source):
            try:
                target % {k: "" for k in names(source)}
            except (KeyError, ValueError, TypeError) as exc:
                found = [f"cannot be formatted: {exc}"]
        if not found:
            return target
        if not any(p.message.endswith(repr(source)) for p in self.reported):
            self.reported.append(Problem(self._where(source), Severity.WARNING,
                                         f"{found[0]}; the source text is shown instead of {source!r}",
                                         "po.placeholder"))
        return source

    def _where(self, source: str) -> Location:
        if self.po is None or not self.po.is_file():
            return Location("(interface labels)")
        if self._lines is None:
            from ..errors import CatalogError
            from . import pofile

            try:
                _, catalog = pofile.read(self.po)
                self._lines = {m.id: m.lineno or 0 for m in catalog if isinstance(m.id, str)}
            except CatalogError:  # locating is best effort: the fallback already happened
                self._lines = {}
        return Location(relpath(self.po), self._lines.get(source) or None)
