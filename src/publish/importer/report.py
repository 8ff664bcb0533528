"""What ``publish import`` tells the editor: the file written, what was dropped, every located note
and warning, the book.yaml line, and what ``publish check`` still finds (what is left to fill in)."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import relpath
from . import Imported


def report(done: list[Imported], echo: Callable[[str], None]) -> bool:
    """Print the report; True when a profile does not pass ``publish check`` yet."""
    failing = False
    for item in done:
        draft = item.draft
        unit = draft.article.unit
        echo(f"{relpath(item.target)}: draft profile from {draft.article.shown}")
        if draft.article.dropped:
            where = ", ".join(str(b.line) for b in sorted(draft.article.dropped, key=lambda b: b.line))
            echo(f"{draft.article.shown}: dropped {len(draft.article.dropped)} block(s) of page clutter "
                 f"(image names, navigation, site header, WeChat lines) at {unit}(s) {where}")
        for note in draft.notes:
            echo(note.format())
        for warning in draft.warnings:
            echo(warning.format())
        if item.book_line is not None:
            echo(f"book.yaml not changed ({item.book_line}): add '{item.profile_id}' to its 'profiles:' list")
        errors = [p for p in item.check if p.is_error]
        if errors:
            failing = True
            echo(f"{relpath(item.target)}: left to fill in before `publish check` passes:")
            for problem in errors:
                echo("  " + problem.format())
        else:
            echo(f"{relpath(item.target)}: passes `publish check`")
        for problem in item.check:
            if not problem.is_error:
                echo("  " + problem.format())
    return failing
