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

import polib
from babel.messages.catalog import Catalog

from ..errors import CatalogError, Location, Problem, Severity, relpath
from . import pofile, postyle
from .glossary import Glossary

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


_PROTECTED = re.compile(
    r"\]\([^)\s]*\)"                              # a Markdown link target: ](https://…/医学信息学)
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>"                 # an autolink <https://…>
    # a URL (its path may be Chinese: …/wiki/医学信息学)
    r"|(?:https?|ftp|file)://[A-Za-z0-9.:@_~-]+(?:/[^\s<>\"“”「」，。；：！？、）)]*)?"
    r"|(?:mailto|urn|doi):[A-Za-z0-9._%+@/:-]+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
    r"|%\(\w+\)[-+ #0\d.]*[a-zA-Z]|%%"               # Python placeholders
    r"|\{[^{}\s]*\}"                               # {name}, {#anchor-id} placeholders and ids
    r"|`[^`]*`",                                    # inline code
    re.IGNORECASE)
_PUA = 0xF0000
"""Stand-ins (plane 15 private use) OpenCC passes through untouched."""


def protect(text: str) -> tuple[str, list[str]]:
    """``text`` with every URL, e-mail address, link target, placeholder and id replaced by a
    private-use stand-in, and the list of what was replaced: OpenCC must never see them
    (…/医学信息学 in a URL is not to become …/醫學資訊學)."""
    kept: list[str] = []

    def stand_in(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return chr(_PUA + len(kept) - 1)

    return _PROTECTED.sub(stand_in, text), kept


def restore(text: str, kept: list[str]) -> str:
    return re.sub("[\U000F0000-\U000FFFFD]", lambda m: kept[ord(m.group(0)) - _PUA], text) if kept else text


@dataclass(frozen=True)
class Converter:
    config: str
    phrases: tuple[tuple[str, str], ...] | None

    def convert(self, text: str) -> str:
        masked, kept = protect(text)
        return restore(quotes(_opencc(self.config, self.phrases).convert(masked)), kept)


@cache
def _opencc(config: str, phrases: tuple[tuple[str, str], ...] | None):  # type: ignore[no-untyped-def]
    import opencc

    if not phrases:
        return opencc.OpenCC(config)
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="publish-opencc-"))
    entries = dict(phrases)
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


def read_phrases(path: Path, glossary: Glossary | None = None) -> tuple[tuple[str, str], ...]:
    """The book's OpenCC phrases: the glossary's zh_Hans → zh_Hant column first, then the phrase
    file's extra lines (``简体<TAB>繁體``). One source for each phrase: a line of the file that the
    glossary already gives (the same, or another Traditional form) is a located error."""
    entries: dict[str, str] = {}
    for term in glossary.terms if glossary else ():
        if term.zh_Hans and term.zh_Hant:
            entries.setdefault(term.zh_Hans, term.zh_Hant)
    from_glossary = dict(entries)
    problems = []
    lines = path.read_text(encoding="utf-8-sig").splitlines() if path.is_file() else []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        where = Location(relpath(path), n)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            problems.append(Problem(where, Severity.ERROR, "expected 'simplified<TAB>traditional'", "opencc.phrases"))
            continue
        hans, hant = parts[0].strip(), parts[1].strip()
        if hans in from_glossary:
            same = from_glossary[hans] == hant
            problems.append(Problem(where, Severity.ERROR,
                                    f"{hans} is in the glossary already (zh_Hant: {from_glossary[hans]}): "
                                    + ("remove this line" if same else "the glossary's zh_Hant column is the one "
                                       "source, change it there and remove this line"), "opencc.phrases"))
            continue
        entries[hans] = hant
    if problems:
        raise CatalogError(problems)
    return tuple(sorted(entries.items()))


def ambiguities(text: str) -> list[str]:
    return [f"{c} ({AMBIGUOUS[c]})" for c in dict.fromkeys(text) if c in AMBIGUOUS]


def _hans_lookup(hans: Catalog) -> dict[str, str]:
    out = {}
    for message in hans:
        string = message.string
        if isinstance(message.id, str) and message.id and isinstance(string, str) and string and not message.fuzzy:
            out[message.id] = string
    return out


@dataclass
class Counts:
    converted: int = 0
    """Entries (re)derived from zh_Hans: new, zh_Hans changed, or the phrases/glossary changed."""
    kept: int = 0
    fuzzy: int = 0
    """Entries this run marked fuzzy for a reviewer (an ambiguity, or zh_Hans changed under a review)."""
    cleared: int = 0
    """Entries no longer fuzzy: msgmerge's mark after an English change the zh_Hans text survived."""
    suggested: int = 0
    """Reviewed entries given a suggestion comment because the phrases or the glossary changed."""

    def __str__(self) -> str:
        return (f"{self.converted} converted, {self.kept} kept, {self.fuzzy} marked fuzzy for review, "
                f"{self.cleared} no longer fuzzy, {self.suggested} suggestion(s) for reviewed entries")


_REVIEW = ("ambiguous:", "opencc suggests:", "zh_Hans changed", "zh_Hant was written by hand", "suggestion:")
"""Our comments that ask a reviewer something: removed once the entry is resolved (not fuzzy)."""


def convert_entry(entry: polib.POEntry, hans_text: str, converter: Converter, counts: Counts) -> None:
    """Derive one zh_Hant entry from its zh_Hans text (see the module's rules)."""
    h, out = digest(hans_text), converter.convert(hans_text)
    lines = entry.tcomment.split("\n") if entry.tcomment else []
    record = next((m for m in map(_MARK.match, lines) if m), None)
    review = [c for c in lines if c.startswith(_REVIEW)]
    current = entry.msgstr
    fuzzy = "fuzzy" in entry.flags
    edited = bool(current) and (record is None or digest(current) != record.group(2))
    amb = ambiguities(hans_text)
    mark = f"opencc: {h} {digest(out)}"

    def set_fuzzy(on: bool) -> None:
        if on and not fuzzy:
            entry.flags.append("fuzzy")
        if not on:
            entry.flags[:] = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None

    if record and record.group(1) == h:  # the zh_Hans text is the one this entry came from
        kept_mark = record.group(0)
        if not edited and current != out:  # the phrases or the glossary changed: re-derive
            entry.msgstr = current = out
            kept_mark = mark
            counts.converted += 1
            review = ["ambiguous: " + ", ".join(amb) + " — check the conversion"] if amb else []
            set_fuzzy(bool(amb))
            counts.fuzzy += bool(amb)
        elif edited and digest(out) != record.group(2) and out != current:
            kept_mark = mark  # looked at once for this output; the reviewer may delete the comment
            # only what the reviewed text lacks: a form the glossary or the phrase file now gives
            lacking = [t for _, t in converter.phrases or () if t in out and t not in current]
            if lacking:
                review = [c for c in review if not c.startswith("suggestion:")]
                review.append(f"suggestion: the glossary or phrases now give {'、'.join(lacking)}: {out}"
                              .replace("\n", "\\n"))
                counts.suggested += 1
            counts.kept += 1
        else:
            counts.kept += 1
            asks = [c for c in review if not c.startswith("suggestion:")]
            if fuzzy and entry.previous_msgid is not None and not asks:
                set_fuzzy(False)  # only the English changed, and zh_Hans was confirmed unchanged
                counts.cleared += 1
        if "fuzzy" not in entry.flags:  # resolved: only a standing suggestion stays
            review = [c for c in review if c.startswith("suggestion:") and out != current]
        entry.tcomment = _comments(lines, kept_mark, review)
        return
    human = edited and current != out
    if human:
        review = ["zh_Hans changed since this was reviewed" if record else
                  "zh_Hant was written by hand: check it against zh_Hans",
                  f"opencc suggests: {out}".replace("\n", "\\n")]
        set_fuzzy(True)
        counts.fuzzy += 1
        counts.kept += 1
    else:
        entry.msgstr = out
        counts.converted += 1
        review = ["ambiguous: " + ", ".join(amb) + " — check the conversion"] if amb else []
        set_fuzzy(bool(amb))
        counts.fuzzy += bool(amb)
    entry.tcomment = _comments(lines, mark, review)


def _comments(lines: list[str], mark: str, review: list[str]) -> str:
    """The translator comments with our record and review lines in the place they had (a reviewer's
    own comments stay where they were)."""
    out: list[str] = []
    placed = False
    for line in lines:
        if line.startswith(_OURS) or line.startswith(_REVIEW):
            if not placed and _MARK.match(line):
                out += [mark, *review]
                placed = True
            continue
        out.append(line)
    if not placed:
        out += [mark, *review]
    return "\n".join(out)


def convert_catalog(hans: Catalog, hant: polib.POFile, converter: Converter) -> Counts:
    """Update ``hant`` in place from the translated, non-fuzzy entries of ``hans``."""
    source = _hans_lookup(hans)
    counts = Counts()
    for entry in hant:
        if entry.obsolete or not entry.msgid or entry.msgid_plural or entry.msgid not in source:
            continue
        convert_entry(entry, source[entry.msgid], converter, counts)
    return counts


def convert_file(hans_po: Path, hant_po: Path, converter: Converter, *,
                 style: postyle.Style | None = None) -> tuple[bool, Counts]:
    """Convert into ``hant_po`` in place. The file is read and written with polib, which keeps what
    Babel's writer loses (``#|`` previous msgids, the header as the file has it, obsolete entries);
    the result goes through :func:`pofile.commit` (verified, nothing lost, the file's wrapping)."""
    _, hans = pofile.read(hans_po)
    snap, _ = pofile.read(hant_po)
    hant = polib.pofile(snap.plain().decode("utf-8"), wrapwidth=0)
    human_before = _human(hant)
    counts = convert_catalog(hans, hant, converter)
    data = hant.__unicode__().encode("utf-8")
    after = polib.pofile(data.decode("utf-8"), wrapwidth=0)
    missing = human_before - {e.msgstr for e in after if e.msgstr}
    if missing:
        raise CatalogError(f"refusing to write: {len(missing)} reviewed translation(s) would be lost",
                           Location(relpath(hant_po)))
    return pofile.commit(data, hant_po, snap, layout=style), counts


def _human(catalog: polib.POFile) -> set[str]:
    found = set()
    for entry in catalog:
        if entry.obsolete or not entry.msgid or not entry.msgstr:
            continue
        lines = entry.tcomment.split("\n") if entry.tcomment else []
        record = next((m for m in map(_MARK.match, lines) if m), None)
        if record is None or digest(entry.msgstr) != record.group(2):
            found.add(entry.msgstr)
    return found
