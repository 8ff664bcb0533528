"""A draft → profile YAML (ruamel.yaml, block scalars for paragraphs), and the book.yaml entry.

The profile is written atomically and read back before it replaces anything: the text it holds
must load to exactly the draft's data. book.yaml is edited round-trip (comments, order and flow
style kept) and only when the result differs from the file by the one added line; otherwise the
line to add is returned for the editor.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString

from .. import atomic

PROSE = frozenset({"paragraphs", "summary", "notice", "question", "answer", "contact_note"})
"""Keys whose text is written as folded block scalars (``>-``) when it is longer than a short line."""


def _node(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _node(v, k)
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_node(v, key) for v in value)
        return seq
    if isinstance(value, str) and key in PROSE and len(value) > WIDTH:
        return _folded(value)
    return value


WIDTH = 96
"""Prose lines are folded after about this many characters; other values stay on one line."""


def _folded(text: str) -> FoldedScalarString:
    """A ``>-`` scalar folded at single spaces (never next to another space, so it loads back the same)."""
    folded = FoldedScalarString(text)
    positions, last = [], 0
    for i, char in enumerate(text):
        if char == " " and i - last > WIDTH - 10 and text[i - 1] != " " and text[i + 1:i + 2] not in (" ", ""):
            positions.append(i)
            last = i
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def profile_text(data: dict[str, Any], header: str) -> str:
    """The profile as YAML text; raises if the text would not load back to ``data``."""
    stream = io.StringIO()
    _yaml().dump(_node(data), stream)
    text = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()) + stream.getvalue()
    back = YAML(typ="safe", pure=True).load(text)
    if back != _plain(data):
        raise RuntimeError("the profile YAML does not load back to the imported data")
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def write_profile(target: Path, text: str) -> None:
    atomic.write_bytes(target, text.encode("utf-8"))


def add_to_book(book_file: Path, profile_id: str) -> str | None:
    """Append ``profile_id`` to book.yaml's ``profiles:``; None when done (or already listed), else the
    reason it was not done (the editor adds the line by hand)."""
    original = book_file.read_text(encoding="utf-8")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    data = yaml.load(original)
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, list):
        return "book.yaml has no 'profiles:' list"
    if profile_id in profiles:
        return None
    profiles.append(profile_id)
    stream = io.StringIO()
    yaml.dump(data, stream)
    updated = stream.getvalue()
    added = [line for line in difflib.ndiff(original.splitlines(), updated.splitlines()) if line[:1] in "+-"]
    if len(added) != 1 or not added[0].startswith("+") or profile_id not in added[0]:
        return "a round-trip edit would change other lines of book.yaml"
    if book_file.read_text(encoding="utf-8") != original:
        return "book.yaml changed while it was being edited"
    mode = book_file.stat().st_mode & 0o7777
    atomic.write_bytes(book_file, updated.encode("utf-8"), mode)
    return None
