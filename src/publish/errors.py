"""One root for user-facing problems, each with a location.

The engine raises or collects :class:`Problem` records; only the CLI turns them into text and exit
codes (``FILE:LINE:COL: error: message``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import click


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file, and when known a line and column (1-based) and a field path."""

    path: str
    line: int | None = None
    col: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text


@dataclass(frozen=True)
class Problem:
    """A located error or warning; ``kind`` is a dotted type such as ``rights.pending``."""

    location: Location
    severity: Severity
    message: str
    kind: str = "source"

    def format(self) -> str:
        field = f" [{self.location.field}]" if self.location.field else ""
        return f"{self.location}: {self.severity.value}: {self.message}{field}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class PublishError(click.ClickException):
    """Root of every error a user can cause; carries one or more located problems."""

    category = "error"
    exit_code = 1

    def __init__(self, problems: list[Problem] | str, location: Location | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(location or Location("publish"), Severity.ERROR, problems)]
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(self.format_message(), err=True)


class SourceError(PublishError):
    """Book or profile sources are invalid."""

    category = "source"
    exit_code = 2


class CatalogError(PublishError):
    """A message catalogue is invalid or a catalogue command refused to run."""

    category = "catalog"
    exit_code = 3


class RenderError(PublishError):
    category = "render"
    exit_code = 4


class ReleaseError(PublishError):
    category = "release"
    exit_code = 5


def relpath(path: Path | str) -> str:
    """A path as shown to the user: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
