"""Progress of a build or release, as the engine reports it and the CLI shows it.

The engine calls a :class:`Reporter`: ``begin`` an edition with its number of steps, ``step`` as each
stage finishes, ``note`` for anything else. The CLI picks how it is shown: rich progress bars (stage
names per edition, an ETA) on a terminal, plain lines otherwise (CI logs), nothing with ``--quiet``.
Paths shown are relative to the working folder; internal temporary folders are never shown.
"""

from __future__ import annotations

import sys
from typing import Any

from .errors import relpath


class Reporter:
    """Silent; the base of the others. Calling it is ``note``, so ``progress("text")`` still works."""

    def begin(self, edition: str, steps: int) -> None:
        """``edition`` starts; it has ``steps`` stages to go."""

    def step(self, edition: str, stage: str, detail: str = "") -> None:
        """One stage of ``edition`` is done (``detail``: pages, a file written, "from the cache")."""

    def note(self, text: str) -> None:
        """A line that belongs to no edition."""

    def finish(self) -> None:
        """The command is over."""

    def __call__(self, text: str) -> None:
        self.note(text)


class PlainReporter(Reporter):
    """One line per finished stage: for logs and pipes."""

    def __init__(self, stream: Any = None) -> None:  # noqa: ANN401 - any text stream
        self.stream = stream or sys.stderr

    def step(self, edition: str, stage: str, detail: str = "") -> None:
        print(f"{edition}: {stage}" + (f" ({detail})" if detail else ""), file=self.stream, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


class RichReporter(Reporter):
    """Progress bars on a terminal: one per edition, its current stage and an ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.bars = Progress(TextColumn("[bold]{task.fields[edition]:<10}"), BarColumn(),
                             MofNCompleteColumn(), TextColumn("{task.fields[stage]}"), TimeRemainingColumn(),
                             console=self.console, transient=False)
        self.tasks: dict[str, Any] = {}
        self.bars.start()

    def begin(self, edition: str, steps: int) -> None:
        self.tasks[edition] = self.bars.add_task(edition, total=steps, edition=edition, stage="waiting")

    def step(self, edition: str, stage: str, detail: str = "") -> None:
        task = self.tasks.get(edition)
        if task is None:
            self.begin(edition, 1)
            task = self.tasks[edition]
        self.bars.update(task, advance=1, stage=stage + (f" ({detail})" if detail else ""))

    def note(self, text: str) -> None:
        self.bars.console.print(text, highlight=False, markup=False)

    def finish(self) -> None:
        self.bars.stop()


def reporter(*, quiet: bool = False, stream: Any = None) -> Reporter:  # noqa: ANN401
    """Rich bars on a terminal, plain lines elsewhere, nothing when quiet."""
    if quiet:
        return Reporter()
    target = stream or sys.stderr
    if getattr(target, "isatty", lambda: False)():
        return RichReporter()
    return PlainReporter(target)


def shown(path: Any) -> str:  # noqa: ANN401 - a path
    return relpath(path)
