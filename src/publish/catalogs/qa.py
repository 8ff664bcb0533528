"""``publish catalog check``: run the QA checks over catalogues and report ``FILE:LINE: [check] msg``."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import relpath
from . import glossary as glossary_mod
from . import pofile
from .checks import CHECKS, Context, Finding
from .stats import catalogue_files


@dataclass(frozen=True)
class Report:
    path: str
    line: int
    msgid: str
    finding: Finding

    def format(self) -> str:
        f = self.finding
        return f"{self.path}:{self.line}: {f.severity}: [{f.check}] {f.message}"

    def as_dict(self) -> dict[str, object]:
        f = self.finding
        return {"path": self.path, "line": self.line, "check": f.check, "severity": f.severity,
                "message": f.message, "msgid": self.msgid}


def locale_of(path: Path) -> str:
    parts = path.parts
    return parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts else ""


def glossary_for(path: Path, books: Path,
                 cache: dict[Path, glossary_mod.Glossary] | None = None) -> glossary_mod.Glossary:
    parts = path.parts
    if "LC_MESSAGES" in parts and len(parts) > parts.index("LC_MESSAGES") + 2:
        book_id = parts[parts.index("LC_MESSAGES") + 1]
        folder = books / book_id
        if cache is None:
            return _book_glossary(folder)
        if folder not in cache:
            cache[folder] = _book_glossary(folder)
        return cache[folder]
    return glossary_mod.empty()


def _book_glossary(folder: Path) -> glossary_mod.Glossary:
    """The glossary book.yaml names (``glossary:``), inside the book folder; none when it names none."""
    if not (folder / "book.yaml").is_file():
        return glossary_mod.empty()
    from ..sources import load_book

    book = load_book(folder).book
    return glossary_mod.load(folder / book.glossary) if book.glossary else glossary_mod.empty()


def run(paths: list[Path], books: Path = Path("books")) -> list[Report]:
    reports: list[Report] = []
    seen: dict[tuple[str, str], dict[str, tuple[str, int]]] = defaultdict(dict)
    glossaries: dict[Path, glossary_mod.Glossary] = {}
    for path in catalogue_files(paths):
        _, catalog = pofile.read(path)
        locale = locale_of(path) or str(catalog.locale or "")
        gl = glossary_for(path, books, glossaries)
        ctx = Context(locale, gl)
        shown = relpath(path)
        for message in catalog:
            if not message.id:
                continue
            mid = message.id if isinstance(message.id, str) else message.id[0]
            line = message.lineno or 0
            for check in CHECKS:
                for finding in check(message, ctx):
                    reports.append(Report(shown, line, mid, finding))
            target = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
            if target and not message.fuzzy:
                others = seen[(locale, mid)]
                for other_target, (other_path, other_line) in others.items():
                    if other_target != target:
                        reports.append(Report(shown, line, mid, Finding(
                            "consistency", "warning",
                            f"translated differently in {other_path}:{other_line}")))
                        break
                others.setdefault(target, (shown, line))
    return reports


def render_text(reports: list[Report]) -> str:
    errors = sum(r.finding.severity == "error" for r in reports)
    lines = [r.format() for r in reports]
    lines.append(f"{errors} error(s), {len(reports) - errors} warning(s)")
    return "\n".join(lines)


def render_json(reports: list[Report]) -> str:
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2)
