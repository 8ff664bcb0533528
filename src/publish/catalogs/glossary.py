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


class Avoid(Frozen):
    """A form a locale does not use (20世紀80年代, 高考, 護士站 in Taiwan): ``catalog check`` reports it
    outside 「」 quotations, with the form to use. Never fed to OpenCC (a regular expression)."""

    locale: Literal["zh_Hans", "zh_Hant"]
    pattern: Text
    use: Text
    note: Text | None = None


class Explain(Frozen):
    """A term readers of ``locale`` may not know (醫聯體 in Taiwan): its first use in each catalogue must
    come with an explanation in full-width parentheses, ``醫聯體（…）`` or ``（簡稱醫聯體…）``."""

    locale: Literal["zh_Hans", "zh_Hant"]
    term: Text
    note: Text | None = None


class GlossaryFile(Frozen):
    terms: tuple[Term, ...] = ()
    avoid: tuple[Avoid, ...] = ()
    explain: tuple[Explain, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    avoid: tuple[Avoid, ...] = ()
    explain: tuple[Explain, ...] = ()

    def unexplained(self, texts: list[str], locale: str) -> list[tuple[int, Explain]]:
        """For each term to explain: the index of its first use in ``texts`` when that use has no
        explanation beside it."""
        found = []
        for rule in self.explain:
            if rule.locale != locale:
                continue
            first = next((i for i, t in enumerate(texts) if rule.term in t), None)
            if first is None:
                continue
            term = re.escape(rule.term)
            if not re.search(f"{term}（|（[^）]*{term}", texts[first]):
                found.append((first, rule))
        return found

    def avoided(self, text: str, locale: str) -> list[tuple[str, Avoid]]:
        """Forms ``locale`` avoids found in ``text``, quotations (「…」) left out."""
        plain = _outside_quotes(text)
        found = []
        for rule in self.avoid:
            if rule.locale == locale:
                found += [(m.group(0), rule) for m in re.finditer(rule.pattern, plain)]
        return found

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


def _outside_quotes(text: str) -> str:
    """``text`` with what is inside 「…」 (nested, or open to the end of the entry) blanked out."""
    out, depth = [], 0
    for ch in text:
        depth += ch == "「"
        out.append(ch if depth == 0 else " ")
        depth = max(0, depth - (ch == "」"))
    return "".join(out)


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
    for i, rule in enumerate(data.avoid):
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            problems.append(Problem(doc.locate(("avoid", i, "pattern")), Severity.ERROR,
                                    f"not a regular expression: {exc}", "glossary"))
    if problems:
        raise CatalogError(problems)
    return Glossary(data.terms, data.avoid, data.explain)


def empty() -> Glossary:
    return Glossary(())


def location(path: Path) -> Location:
    return Location(relpath(path))
