"""A book's glossary: EN → zh_Hans → zh_Hant for names, institutions, titles and recurring terms.

Translators consult it; ``publish catalog check`` warns where a translation does not use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from ..errors import CatalogError, Location, Problem, Severity, relpath
from ..model import Frozen, Text
from ..yamlsource import read_yaml


class Term(Frozen):
    en: Text
    """The English form as the sources write it (matched case-insensitively, on word boundaries)."""
    zh_Hans: Text | None = None
    """The Simplified Chinese form; absent when not established (the pinyin is kept)."""
    zh_Hant: Text | None = None
    """The Traditional Chinese form (Taiwan usage)."""
    kind: Literal["person", "institution", "title", "term", "journal", "place", "other"] = "term"
    note: Text | None = None
    """Why this form: sources, doubts, decisions."""


class GlossaryFile(Frozen):
    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    def expected(self, source: str, locale: str) -> list[tuple[Term, str]]:
        """The glossary terms found in ``source`` and their required form in ``locale``. The longest
        term wins: inside "Peking Union Medical College Hospital" the glossary's entry for that whole
        name applies, not the one for "Peking Union Medical College"."""
        spans = []
        for term in self.terms:
            for m in _pattern(term.en).finditer(source):
                spans.append((m.start(), m.end(), term))
        found: dict[str, tuple[Term, str]] = {}
        for start, end, term in spans:
            if any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans):
                continue  # part of a longer term
            target = getattr(term, locale, None)
            if target:
                found.setdefault(term.en, (term, target))
        return list(found.values())


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(en: str) -> re.Pattern[str]:
    if en not in _PATTERNS:
        _PATTERNS[en] = re.compile(rf"(?<![\w-]){re.escape(en)}(?![\w-])", re.IGNORECASE)
    return _PATTERNS[en]


def load(path: Path) -> Glossary:
    doc = read_yaml(path, relpath(path))
    if doc.problems:
        raise CatalogError(doc.problems)
    try:
        data = GlossaryFile.model_validate(doc.data or {})
    except ValidationError as exc:
        raise CatalogError([Problem(doc.locate(tuple(e["loc"])), Severity.ERROR, e["msg"], "glossary")
                            for e in exc.errors()]) from exc
    seen: dict[str, int] = {}
    problems = []
    for i, term in enumerate(data.terms):
        key = term.en.lower()
        if key in seen:
            problems.append(Problem(doc.locate(("terms", i, "en")), Severity.ERROR,
                                    f"term '{term.en}' is already defined (terms[{seen[key]}])", "glossary"))
        seen[key] = i
    if problems:
        raise CatalogError(problems)
    return Glossary(data.terms)


def empty() -> Glossary:
    return Glossary(())


def location(path: Path) -> Location:
    return Location(relpath(path))
