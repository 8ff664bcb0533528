"""How much of a seed article's text survives in a profile source.

Every sentence of five words or more of the seed is compared, as lowercase words, with the text
of all string values of the profile (in document order). Apostrophes and quotes are dropped before
splitting into words, so the seed's broken "mothers pen" matches the restored "mother’s pen".

Run as a script to see the figures and the sentences that were not found:
    python tests/seed_coverage.py books/shanghai-doctors/raw/li-junmin.txt \
        books/shanghai-doctors/profiles/li-junmin.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

_QUOTES = re.compile(r"['’‘`´]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def words(text: str) -> list[str]:
    return _WORD.findall(_QUOTES.sub("", text).lower())


_MARKUP = re.compile(r"<([\w:]+)[^>]*>.*?</\1>|<[^>]+>|image\.png|(Update time|更新时间)\s*:[^\n]*", re.DOTALL)
"""Not text: embedded images, and the page's update/visits line (it becomes metadata, checked apart)."""
_SECTION_NUMBER = re.compile(r"^[ \t]*\d+\.(?=\s*[^\W\d])", re.MULTILINE)
"""A heading's number ("3.The …"): the book numbers its sections itself."""


def sentences(text: str) -> list[list[str]]:
    """The seed's sentences of five words or more, as word lists (embedded image tags are not text)."""
    out = []
    for piece in _SENTENCE_END.split(_SECTION_NUMBER.sub("", _MARKUP.sub(" ", text))):
        w = words(piece)
        if len(w) >= 5:
            out.append(w)
    return out


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [str(node)] if node is not None else []


def _displayed(data: dict) -> list[str]:
    """The lines a reader sees that the source splits into fields: the title and the credentials line."""
    person = data.get("person", {})
    name = " ".join(filter(None, [person.get("given"), person.get("family")]))
    family_first = " ".join(filter(None, [person.get("family"), person.get("given")]))
    cred = data.get("credentials", {})
    out = []
    for n in (name, family_first):
        out.append(" ".join(filter(None, [person.get("honorific"), n, data.get("headline")])))
        out.append(" ".join([n, *cred.get("degrees", []), *cred.get("titles", [])]))
    return out


def source_words(yaml_path: Path) -> str:
    data = YAML(typ="safe", pure=True).load(yaml_path.read_text(encoding="utf-8"))
    return " " + " ".join(" ".join(words(s)) for s in _strings(data) + _displayed(data)) + " "


def coverage(seed_text: str, yaml_path: Path) -> tuple[float, list[str]]:
    """(fraction of seed sentences found, the sentences not found)."""
    haystack = source_words(yaml_path)
    seed = sentences(seed_text)
    glued = haystack.replace(" ", "")
    # a sentence survives word for word, or letter for letter where the web page had glued words
    # together ("hemangiomasTIPS") and the source repaired them
    missing = [" ".join(s) for s in seed if f" {' '.join(s)} " not in haystack and "".join(s) not in glued]
    return (1 - len(missing) / len(seed)) if seed else 1.0, missing


if __name__ == "__main__":
    ratio, missing = coverage(Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2]))
    for m in missing:
        print("missing:", m)
    print(f"coverage {ratio:.2%}")
