"""Safe YAML 1.2 reading that keeps every value as typed text and remembers where it was.

ruamel.yaml composes the node graph (nothing is constructed, so no tag can run code); we walk it
into plain ``dict``/``list``/``str``/``None`` values and a table of locations keyed by field path.
The schema, not YAML, decides what a value means: ``no``, ``0123`` and ``2025-06-03`` stay text.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError, YAMLWarning
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

from .errors import Location, Problem, Severity

MAX_BYTES = 1024 * 1024
"""Largest source file read, in bytes."""
MAX_ALIASES = 50
"""How many times anchored nodes may be re-used (``*alias``) in one file."""
MAX_NODES = 200_000
"""How many values one file may expand to."""

FieldPath = tuple[str | int, ...]
_STD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NULLS = {"", "~", "null", "Null", "NULL"}


class _TextResolver(BaseResolver):
    """Resolves every plain scalar to a string (YAML 1.2 failsafe schema)."""

    def __init__(self, version: Any = None, loader: Any = None) -> None:
        super().__init__(loader)

    @property
    def processing_version(self) -> tuple[int, int]:
        return (1, 2)


@dataclass
class YamlDocument:
    """A parsed file: its plain data, where each value and key stands, and what went wrong."""

    path: Path
    shown: str
    data: Any = None
    values: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: FieldPath, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                line, col = table[probe]
                return Location(self.shown, line, col, format_path(path))
            if probe in self.values:
                line, col = self.values[probe]
                return Location(self.shown, line, col, format_path(path))
            probe = probe[:-1]
        line, col = self.values.get((), (1, 1))
        return Location(self.shown, line, col, format_path(path) or None)

    def error(self, path: FieldPath, message: str, *, key: bool = False, kind: str = "source") -> None:
        self.problems.append(Problem(self.locate(path, key=key), Severity.ERROR, message, kind))

    def warning(self, path: FieldPath, message: str, *, key: bool = False, kind: str = "source") -> None:
        self.problems.append(Problem(self.locate(path, key=key), Severity.WARNING, message, kind))


def format_path(path: FieldPath) -> str:
    """``('sections', 2, 'paragraphs', 1)`` → ``sections[2].paragraphs[1]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path, shown: str, cache: Path | None = None) -> YamlDocument:
    """Read one YAML file; problems are collected in the document, never raised. With ``cache`` (a project's
    cache folder), a file read before with the same text, and no problem, is taken from there (see
    :func:`_remembered`) instead of parsed again."""
    doc = YamlDocument(path=path, shown=shown)
    text = _read_text(doc)
    if text is None:
        return doc
    if cache is not None:
        remembered = _remembered(cache, doc, text)
        if remembered is not None:
            return remembered
    for lineno, line in enumerate(text.splitlines(), 1):
        col = line.find("\t")
        if col >= 0:
            doc.problems.append(Problem(Location(shown, lineno, col + 1), Severity.ERROR,
                                        "tab character: indent YAML with spaces", "yaml.tab"))
    if any(p.is_error for p in doc.problems):
        return doc
    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = _TextResolver  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            # ruamel only warns of a reused anchor (``&a [&a``): in a source that is an error, located
            warnings.simplefilter("error", YAMLWarning)
            root = yaml.compose(text)
    except YAMLWarning as exc:
        found = re.findall(r"line (\d+), column (\d+)", str(exc))
        where = Location(shown, int(found[-1][0]), int(found[-1][1])) if found else Location(shown, 1, 1)
        doc.problems.append(Problem(where, Severity.ERROR, "invalid YAML: "
                                    + (str(exc).strip().splitlines() or ["warning"])[0], "yaml.syntax"))
        return doc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        doc.problems.append(Problem(where, Severity.ERROR,
                                    f"invalid YAML: {message}", "yaml.syntax"))
        return doc
    except YAMLError as exc:
        doc.problems.append(Problem(Location(shown), Severity.ERROR, f"invalid YAML: {exc}", "yaml.syntax"))
        return doc
    except (AssertionError, TypeError, ValueError, LookupError, RecursionError) as exc:
        # ruamel's own failures on hostile input (``%YAML 1.11`` asserts), found by tests/robustness/test_fuzz.py
        doc.problems.append(Problem(Location(shown, 1, 1), Severity.ERROR,
                                    f"invalid YAML: {exc or type(exc).__name__}", "yaml.syntax"))
        return doc
    if root is None:
        doc.problems.append(Problem(Location(shown, 1, 1), Severity.ERROR, "file is empty", "yaml.empty"))
        return doc
    walker = _Walker(doc)
    doc.data = walker.walk(root, ())
    if cache is not None and not doc.problems:
        _remember(cache, doc, text)
    return doc


def _memo(cache: Path, doc: YamlDocument, text: str) -> tuple[Path, str]:
    """Where a source file's parse is kept (one file per source, by its real path: an edit replaces it) and the
    key it is valid for: the file's text, this module's code and ruamel's version. Not the name it is shown by,
    which is relative to the working folder: the kept parse holds lines and columns only, and a build started
    from another folder would parse every source again (~3 s at 100 profiles)."""
    import hashlib

    from ruamel.yaml import __version__ as ruamel_version

    where = hashlib.sha256(str(doc.path.resolve()).encode()).hexdigest()[:24]
    key = hashlib.sha256(b"\0".join((Path(__file__).read_bytes(), ruamel_version.encode(), text.encode()))).hexdigest()
    return cache / "sources" / f"{where}.json", key


def _remember(cache: Path, doc: YamlDocument, text: str) -> None:
    """Keep a parse that found no problem, as JSON (plain data and the location tables); best effort."""
    import json

    from .atomic import write_record

    target, key = _memo(cache, doc, text)
    record = {"key": key, "data": doc.data, "values": [[list(k), list(v)] for k, v in doc.values.items()],
              "keys": [[list(k), list(v)] for k, v in doc.keys.items()]}
    write_record(target, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _remembered(cache: Path, doc: YamlDocument, text: str) -> YamlDocument | None:
    """The kept parse of this exact text, or None (none, another text, or unreadable: parse again)."""
    import json

    target, key = _memo(cache, doc, text)
    try:
        record = json.loads(target.read_bytes())
        if record.get("key") != key:
            return None
        doc.data = record["data"]
        doc.values = {tuple(k): (int(v[0]), int(v[1])) for k, v in record["values"]}
        doc.keys = {tuple(k): (int(v[0]), int(v[1])) for k, v in record["keys"]}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        doc.data, doc.values, doc.keys = None, {}, {}
        return None
    return doc


def _read_text(doc: YamlDocument) -> str | None:
    shown = doc.shown
    try:
        size = doc.path.stat().st_size
        if size > MAX_BYTES:
            doc.problems.append(Problem(Location(shown), Severity.ERROR,
                                        f"file is {size} bytes, more than the {MAX_BYTES} allowed",
                                        "yaml.too-large"))
            return None
        raw = doc.path.read_bytes()
    except OSError as exc:
        doc.problems.append(Problem(Location(shown), Severity.ERROR,
                                    f"cannot read file: {exc.strerror}", "yaml.unreadable"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.problems.append(Problem(Location(shown, line, col), Severity.ERROR,
                                    f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; "
                                    "save the file as UTF-8", "yaml.encoding"))
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        doc.problems.append(Problem(Location(shown, 1, 1), Severity.ERROR, "file is empty", "yaml.empty"))
        return None
    return text


class _Walker:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.aliases = 0
        self.nodes = 0
        self.stopped = False

    def walk(self, node: Node, path: FieldPath) -> Any:
        doc = self.doc
        self.nodes += 1
        doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen and not isinstance(node, ScalarNode):
            self.aliases += 1
            if self.aliases > MAX_ALIASES or self.stopped:
                if not self.stopped:
                    doc.error(path, f"more than {MAX_ALIASES} aliases: alias expansion is capped",
                              kind="yaml.aliases")
                self.stopped = True
                return None
        self.seen.add(id(node))
        if self.nodes > MAX_NODES:
            if not self.stopped:
                doc.error(path, f"more than {MAX_NODES} values in one file", kind="yaml.too-large")
            self.stopped = True
            return None
        tag = str(getattr(node.tag, "value", node.tag))
        if tag not in _STD_TAGS:
            doc.error(path, f"YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed: "
                      "sources are plain text, lists and mappings", kind="yaml.tag")
            return None
        if isinstance(node, ScalarNode):
            value = str(node.value)
            if node.style == ">":
                value = value.replace("\a", "")  # ruamel marks fold points with BEL for round-tripping
            if node.style is None and value in _NULLS:
                return None
            return value
        if isinstance(node, SequenceNode):
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        return None  # pragma: no cover - ruamel has no other node kinds

    def _mapping(self, node: MappingNode, path: FieldPath) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                isinstance(key_node, ScalarNode) and key_node.value == "<<" and key_node.style is None
            ):
                doc.error(path, "merge keys (<<) are not supported", kind="yaml.merge")
                continue
            if not isinstance(key_node, ScalarNode):
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                doc.problems.append(Problem(Location(doc.shown, line, col, format_path(path)),
                                            Severity.ERROR, "a key must be plain text", "yaml.key"))
                continue
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            sub = path + (key,)
            if key in first_line:
                doc.problems.append(Problem(
                    Location(doc.shown, key_line, key_node.start_mark.column + 1, format_path(sub)),
                    Severity.ERROR,
                    f"duplicate key '{key}' (first on line {first_line[key]}, again on line {key_line})",
                    "yaml.duplicate-key"))
                continue
            first_line[key] = key_line
            doc.keys[sub] = (key_line, key_node.start_mark.column + 1)
            out[key] = self.walk(value_node, sub)
        return out
