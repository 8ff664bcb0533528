"""The importer's result before it is written: profile data, located notes and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problem, Severity
from .article import Article, Block


@dataclass(frozen=True)
class Note:
    """Something the importer could not place (or had to interpret), at a line of the article."""

    location: Location
    message: str
    kind: str = "import.unplaced"

    def format(self) -> str:
        return f"{self.location}: note: {self.message}"


@dataclass
class Draft:
    """A profile as recognised from one article, in the schema's field order."""

    article: Article
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Required fields the article does not give: left out, listed for the editor to fill in."""
    editor_notes: list[str] = field(default_factory=list)

    def note(self, block: Block | None, message: str, kind: str = "import.unplaced") -> None:
        """A located note, also kept in the profile's ``editor_notes`` with its article line."""
        where = self.article.at(block) if block else Location(self.article.shown)
        self.notes.append(Note(where, message, kind))
        ref = f"{self.article.path.name}:{block.line}" if block else self.article.path.name
        self.editor_notes.append(f"{message} ({ref})")

    def unplaced(self, block: Block, why: str = "not placed") -> None:
        self.note(block, f"{why}: “{block.text}”")

    def warn(self, message: str, kind: str, block: Block | None = None) -> None:
        where = self.article.at(block) if block else Location(self.article.shown)
        self.warnings.append(Problem(where, Severity.WARNING, message, kind))

    def lack(self, field_name: str, why: str, kind: str) -> None:
        """A required field the article does not give: warn, list it, and say so in editor_notes."""
        self.missing.append(field_name)
        self.warn(f"{why}: fill in {field_name}", kind)
        self.editor_notes.append(f"Left to fill in: {field_name} ({why}).")
