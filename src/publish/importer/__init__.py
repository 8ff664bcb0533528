"""Raw articles → draft profile sources: ``publish import FILE… --book BOOK [--id ID] [--force]``.

One reader per input format turns the file into located blocks (:mod:`.article`): plain text as
copied from a web page (:mod:`.from_text`), Markdown (:mod:`.from_markdown`, markdown-it-py), HTML
(:mod:`.from_html`, lxml) and DOCX (:mod:`.from_docx`, python-docx). :mod:`.mapping` recognises the
profile's structure in those blocks; :mod:`.writer` writes the YAML. Nothing is invented: what the
article lacks is left out and listed; what cannot be placed is kept in ``editor_notes`` and
reported as a located note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, Severity, relpath
from .article import Article, ArticleError
from .draft import Draft, Note

Reader = Callable[[Path, str], Article]


def _reader(suffix: str) -> Reader | None:
    """The reader for a file suffix (imported lazily: each pulls in its own parser)."""
    if suffix in (".txt", ".text", ""):
        from .from_text import read
    elif suffix in (".md", ".markdown"):
        from .from_markdown import read
    elif suffix in (".html", ".htm", ".xhtml"):
        from .from_html import read
    elif suffix == ".docx":
        from .from_docx import read
    else:
        return None
    return read


FORMATS = ".txt, .md, .html, .docx"


@dataclass
class Imported:
    """One article's import: where the profile went and what the editor must look at."""

    source: Path
    profile_id: str
    target: Path
    draft: Draft
    book_line: str | None = None
    """Why book.yaml was not updated (then the line to add is printed), or None."""
    check: list[Problem] = field(default_factory=list)
    """What ``publish check`` says about the new profile."""

    @property
    def notes(self) -> list[Note]:
        return self.draft.notes


def read_article(path: Path) -> Article:
    shown = relpath(path)
    read = _reader(path.suffix.lower())
    if read is None:
        raise ArticleError([Problem(Location(shown), Severity.ERROR,
                                    f"unknown article format '{path.suffix}' (known: {FORMATS})", "import.format")])
    if not path.is_file():
        raise ArticleError([Problem(Location(shown), Severity.ERROR, "no such article file", "import.missing")])
    return read(path, shown)


__all__ = ["ArticleError", "Imported", "read_article"]
