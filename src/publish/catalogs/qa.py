"""``publish catalog check``: run the QA checks over catalogues and report ``FILE:LINE: [check] msg``."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import relpath
from . import glossary as glossary_mod
from . import pofile
from .checks import CHECKS, Context, Finding, ignored
from .settings import CatalogSettings, find
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
            return book_glossary(folder)
        if folder not in cache:
            cache[folder] = book_glossary(folder)
        return cache[folder]
    return glossary_mod.empty()


def book_glossary(folder: Path) -> glossary_mod.Glossary:
    """The glossary book.yaml names (``glossary:``), inside the book folder; none when it names none."""
    if not (folder / "book.yaml").is_file():
        return glossary_mod.empty()
    from ..sources import load_book

    book = load_book(folder).book
    return glossary_mod.load(folder / book.glossary) if book.glossary else glossary_mod.empty()


def book_of(path: Path) -> str | None:
    parts = path.parts
    if "LC_MESSAGES" in parts and len(parts) > parts.index("LC_MESSAGES") + 2:
        return parts[parts.index("LC_MESSAGES") + 1]
    return None


def run(paths: list[Path], books: Path = Path("books"), settings: CatalogSettings | None = None) -> list[Report]:
    """Every finding of every check, except those an entry's flags (``#, publish-ignore-numbers``)
    or the project's per-book ``qa-ignore`` turn off."""
    if settings is None:
        settings = find(books if books.exists() else Path.cwd())
    reports: list[Report] = []
    seen: dict[tuple[str, str], dict[str, tuple[str, int]]] = defaultdict(dict)
    glossaries: dict[Path, glossary_mod.Glossary] = {}
    for path in catalogue_files(paths):
        _, catalog = pofile.read(path)
        locale = locale_of(path) or str(catalog.locale or "")
        gl = glossary_for(path, books, glossaries)
        ctx = Context(locale, gl)
        shown = relpath(path)
        off_for_book = settings.ignored(book_of(path))
        if "explain" not in off_for_book:
            reports += _unexplained(catalog, ctx, shown)
        for message in catalog:
            if not message.id:
                continue
            mid = message.id if isinstance(message.id, str) else message.id[0]
            line = message.lineno or 0
            off = off_for_book | ignored(message.flags)
            if "all" in off:
                continue
            for check in CHECKS:
                for finding in check(message, ctx):
                    if finding.check not in off:
                        reports.append(Report(shown, line, mid, finding))
            if "consistency" in off:
                continue
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


def _unexplained(catalog, ctx: Context, shown: str) -> list[Report]:  # type: ignore[no-untyped-def]
    """The glossary's ``explain`` terms used first without an explanation, in this catalogue."""
    messages = [m for m in catalog if m.id and isinstance(m.string, str) and m.string
                and "explain" not in ignored(m.flags) and "all" not in ignored(m.flags)]
    out = []
    for index, rule in ctx.glossary.unexplained([m.string for m in messages], ctx.locale):
        m = messages[index]
        mid = m.id if isinstance(m.id, str) else m.id[0]
        out.append(Report(shown, m.lineno or 0, mid, Finding(
            "explain", "error", f"first use of {rule.term} in this catalogue: explain it, {rule.term}（…）"
            + (f" ({rule.note})" if rule.note else ""))))
    return out


def render_text(reports: list[Report]) -> str:
    errors = sum(r.finding.severity == "error" for r in reports)
    lines = [r.format() for r in reports]
    lines.append(f"{errors} error(s), {len(reports) - errors} warning(s)")
    return "\n".join(lines)


def render_json(reports: list[Report]) -> str:
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2)
