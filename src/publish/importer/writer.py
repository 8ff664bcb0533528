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
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from .. import atomic

PROSE = frozenset({"paragraphs", "summary", "notice", "question", "answer", "contact_note", "editor_notes"})
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
    """Atomically; a replaced profile (``--force``) keeps its permissions."""
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    atomic.write_bytes(target, text.encode("utf-8"), mode)


def add_to_book(book_file: Path, profile_id: str) -> str | None:
    """Append ``profile_id`` to book.yaml's ``profiles:``; None when done (or already listed), else the
    reason it was not done (the editor adds it by hand).

    The file is edited round-trip; of the indentation styles tried (the one guessed from the file
    first), the first whose output differs from the file only by the added id is written."""
    original = book_file.read_text(encoding="utf-8")
    _, guess, offset = load_yaml_guess_indent(original)
    styles = [(2, guess or 2, offset or 0), (guess or 2, guess or 2, offset or 0), (2, 4, 2), (2, 2, 0), (4, 4, 2)]
    for mapping, sequence, off in dict.fromkeys(styles):
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=mapping, sequence=sequence, offset=off)
        try:
            data = yaml.load(original)
        except YAMLError:
            return "book.yaml could not be read round-trip"
        profiles = data.get("profiles") if isinstance(data, dict) else None
        if not isinstance(profiles, list):
            return "book.yaml has no 'profiles:' list"
        if profile_id in profiles:
            return None
        profiles.append(profile_id)
        stream = io.StringIO()
        yaml.dump(data, stream)
        updated = stream.getvalue()
        if _only_adds(original, updated, profile_id):
            if book_file.read_text(encoding="utf-8") != original:
                return "book.yaml changed while it was being edited"
            atomic.write_bytes(book_file, updated.encode("utf-8"), book_file.stat().st_mode & 0o7777)
            return None
    return "a round-trip edit would change other lines of book.yaml"


def _only_adds(original: str, updated: str, profile_id: str) -> bool:
    """The edit adds one line with the id, or the id to one flow list (``[a, b]`` → ``[a, b, id]``)."""
    diff = [line for line in difflib.ndiff(original.splitlines(), updated.splitlines()) if line[:1] in "+-"]
    removed = [line[2:] for line in diff if line[0] == "-"]
    added = [line[2:] for line in diff if line[0] == "+"]
    if len(added) != 1 or profile_id not in added[0]:
        return False
    return not removed or (len(removed) == 1 and added[0].replace(f", {profile_id}]", "]") == removed[0])
