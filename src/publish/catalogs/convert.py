"""Derive zh_Hant catalogues from zh_Hans with OpenCC, keeping every reviewer's fix.

Each converted entry records, in a translator comment ``opencc: <hans-hash> <output-hash>``, which
zh_Hans text it came from and what OpenCC produced. On the next run:

- zh_Hans unchanged → the entry is left alone (reviewed or not);
- zh_Hans changed, entry still OpenCC's output → re-converted;
- zh_Hans changed, entry edited by a reviewer → the reviewer's text stays, marked fuzzy, with the new
  conversion offered in a comment: a fix to the Traditional edition is never lost.

Entries whose source has a character with several Traditional forms are marked fuzzy with a comment
naming the ambiguity. Quotes “”‘’ become 「」『』. A per-book phrase file (``opencc-phrases.txt``:
``简体<TAB>繁體`` per line) is added to OpenCC's dictionaries, in segmentation and conversion, and
shields its output from the Taiwan vocabulary swap (创建 must not become 建立 in this book).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog

from ..errors import CatalogError, Location, Problem, Severity, relpath
from . import pofile

AMBIGUOUS: dict[str, str] = {
    "发": "發/髮", "后": "後/后", "干": "乾/幹/干", "只": "隻/只", "面": "麵/面", "里": "裡/里",
    "台": "臺/台/颱/檯", "系": "係/繫/系", "准": "準/准", "松": "鬆/松", "钟": "鐘/鍾", "历": "歷/曆",
    "复": "復/複", "余": "餘/余", "征": "徵/征", "冲": "衝/沖", "制": "製/制", "云": "雲/云",
    "卷": "捲/卷", "合": "合/閤", "斗": "鬥/斗", "范": "範/范", "采": "採/采", "尽": "盡/儘",
    "汇": "匯/彙", "须": "須/鬚", "谷": "穀/谷", "占": "佔/占", "朴": "樸/朴", "苏": "蘇/甦",
    "签": "簽/籤", "胡": "胡/鬍", "郁": "鬱/郁", "游": "遊/游", "表": "表/錶", "向": "向/嚮",
}
"""Simplified characters with more than one Traditional form (OpenCC picks by context)."""

_MARK = re.compile(r"^opencc: ([0-9a-f]{12}) ([0-9a-f]{12})$")
_OURS = ("opencc:", "ambiguous:", "opencc suggests:", "zh_Hans changed")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def quotes(text: str) -> str:
    text = text.replace("“", "「").replace("”", "」")
    return re.sub(r"‘([^‘’]*)’", r"『\1』", text)


@dataclass(frozen=True)
class Converter:
    config: str
    phrases: Path | None

    def convert(self, text: str) -> str:
        return quotes(_opencc(self.config, self.phrases).convert(text))


@cache
def _opencc(config: str, phrases: Path | None):  # type: ignore[no-untyped-def]
    import opencc

    if phrases is None:
        return opencc.OpenCC(config)
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="publish-opencc-"))
    entries = _read_phrases(phrases)
    forward = tmp / "book-phrases.txt"
    forward.write_text("".join(f"{s}\t{t}\n" for s, t in sorted(entries.items())), encoding="utf-8")
    keep = tmp / "book-keep.txt"
    keep.write_text("".join(f"{t}\t{t}\n" for t in sorted(set(entries.values()))), encoding="utf-8")

    def absolute(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                node["file"] = str(share / node["file"])
            for value in node.values():
                absolute(value)
        elif isinstance(node, list):
            for value in node:
                absolute(value)

    absolute(spec)
    ours = {"type": "text", "file": str(forward)}
    seg = spec["segmentation"]["dict"]
    spec["segmentation"]["dict"] = {"type": "group", "match_policy": "union", "dicts": [ours, seg]}
    chain = spec["conversion_chain"]
    chain[0]["dict"] = {"type": "group", "match_policy": "short_circuit", "dicts": [ours, chain[0]["dict"]]}
    for step in chain[1:]:
        step["dict"] = {"type": "group", "match_policy": "short_circuit",
                        "dicts": [{"type": "text", "file": str(keep)}, step["dict"]]}
    path = tmp / f"{config}-book.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return opencc.OpenCC(str(path))


def _read_phrases(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    problems = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            problems.append(Problem(Location(relpath(path), n), Severity.ERROR,
                                    "expected 'simplified<TAB>traditional'", "opencc.phrases"))
            continue
        entries[parts[0].strip()] = parts[1].strip()
    if problems:
        raise CatalogError(problems)
    return entries


def ambiguities(text: str) -> list[str]:
    return [f"{c} ({AMBIGUOUS[c]})" for c in dict.fromkeys(text) if c in AMBIGUOUS]


def _hans_lookup(hans: Catalog) -> dict[str, str]:
    out = {}
    for message in hans:
        string = message.string
        if isinstance(message.id, str) and message.id and isinstance(string, str) and string and not message.fuzzy:
            out[message.id] = string
    return out


def convert_catalog(hans: Catalog, hant: Catalog, converter: Converter) -> tuple[int, int, int]:
    """Update ``hant`` in place. Returns (converted, kept, marked fuzzy)."""
    source = _hans_lookup(hans)
    converted = kept = fuzzy = 0
    for message in hant:
        if not message.id or not isinstance(message.id, str) or message.id not in source:
            continue
        hans_text = source[message.id]
        h = digest(hans_text)
        out = converter.convert(hans_text)
        record = next((m for m in map(_MARK.match, message.user_comments) if m), None)
        current = message.string if isinstance(message.string, str) else ""
        if record and record.group(1) == h:
            kept += 1
            continue
        human = bool(current) and (record is None or digest(current) != record.group(2))
        if human and current == out and not ambiguities(hans_text):
            human = False  # the hand-written text is what OpenCC gives: nothing to review
        comments = [c for c in message.user_comments if not c.startswith(_OURS)]
        comments.append(f"opencc: {h} {digest(out)}")
        amb = ambiguities(hans_text)
        if human:
            comments.append("zh_Hans changed since this was reviewed" if record else
                            "zh_Hant was written by hand: check it against zh_Hans")
            comments.append(f"opencc suggests: {out}".replace("\n", "\\n"))
            message.flags.add("fuzzy")
            fuzzy += 1
            kept += 1
        else:
            message.string = out
            converted += 1
            if amb:
                comments.append("ambiguous: " + ", ".join(amb) + " — check the conversion")
                message.flags.add("fuzzy")
                fuzzy += 1
            else:
                message.flags.discard("fuzzy")
        message.user_comments = comments
    return converted, kept, fuzzy


def convert_file(hans_po: Path, hant_po: Path, converter: Converter) -> tuple[bool, tuple[int, int, int]]:
    _, hans = pofile.read(hans_po)
    snap, hant = pofile.read(hant_po)
    human_before = _human(hant)
    counts = convert_catalog(hans, hant, converter)
    data = pofile.render(hant)
    after = pofile.parse(data, relpath(hant_po))
    missing = human_before - {m.string for m in after if isinstance(m.string, str)}
    if missing:
        raise CatalogError(f"refusing to write: {len(missing)} reviewed translation(s) would be lost",
                           Location(relpath(hant_po)))
    return pofile.commit(data, hant_po, snap), counts


def _human(catalog: Catalog) -> set[str]:
    found = set()
    for message in catalog:
        if not message.id or not isinstance(message.string, str) or not message.string:
            continue
        record = next((m for m in map(_MARK.match, message.user_comments) if m), None)
        if record is None or digest(message.string) != record.group(2):
            found.add(message.string)
    return found
