"""An interview: two speaker labels that alternate, the first one asking.

Pages write the turns three ways, all recognised here: ``ShanghaiDoctor.cn: question`` on one line;
``Q: ShanghaiDoctor.cn`` then the question on the next lines; or the label alone on a line
(``Liu Ruijun``) then the turn. A label counts as a speaker only when it recurs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import recognise as rec
from .article import Block

_QA = re.compile(r"^(?:Q|A|Question|Answer|问|答)\s*[:：]\s*(?P<rest>.+)$")
_INLINE = re.compile(r"^(?P<label>[A-Z][^:：]{1,40}?)\s*[:：]\s+(?P<rest>\S.*)$")
_BOLD_LABEL = re.compile(r"^\*{1,2}([^*]+?)\*{1,2}(?=\s|$)")
_TOPIC = re.compile(r"interview|q\s*&\s*a|conversation|dialogue|in their words|访谈|对话", re.IGNORECASE)


@dataclass
class Interview:
    start: int
    """Index of the first block of the interview (its heading when there is one)."""
    interviewer: str
    interviewee: str
    heading: str | None = None
    exchanges: list[dict[str, Any]] = field(default_factory=list)


def _speaker(block: Block) -> tuple[str, str | None] | None:
    """(label, the turn's text on the same line, if any)."""
    text = _BOLD_LABEL.sub(r"\1", block.text.strip())
    if m := _QA.match(text):
        rest = m.group("rest").strip()
        if len(rest.split()) <= 6 and not rec.closes_sentence(rest):
            return rest, None
        return text[: m.start("rest")].rstrip(" :："), rest
    if m := _INLINE.match(text):
        if len(m.group("label").split()) <= 5:
            return m.group("label").strip(), m.group("rest").strip()
    words = text.split()
    if 1 <= len(words) <= 5 and len(text) <= 40 and not rec.closes_sentence(text) and not text.endswith(":"):
        return text, None
    return None


def find(blocks: list[Block], start: int, stop: int) -> Interview | None:
    """The interview within ``blocks[start:stop]``, if two alternating speakers are found."""
    speakers = {i: s for i in range(start, stop) if (s := _speaker(blocks[i])) is not None}
    counts = Counter(label for label, _ in speakers.values())
    frequent = {label for label, n in counts.items() if n >= 2}
    if len(frequent) < 2:
        return None
    asks: Counter[str] = Counter()
    for i, (label, rest) in speakers.items():
        if label in frequent:
            turn = rest if rest is not None else (blocks[i + 1].text if i + 1 < stop else "")
            asks[label] += turn.rstrip("”\" ").endswith(("?", "？"))
    interviewer, asked = asks.most_common(1)[0]
    if not asked:
        return None
    first = min(i for i, (label, _) in speakers.items() if label == interviewer)
    following: Counter[str] = Counter()
    current = None
    for i in sorted(speakers):
        label = speakers[i][0]
        if i < first or label not in frequent:
            continue
        if current == interviewer and label != interviewer:
            following[label] += 1
        current = label
    if not following:
        return None
    interviewee = following.most_common(1)[0][0]
    found = Interview(first, interviewer, interviewee)
    if first > start and _is_heading(blocks[first - 1]):
        found.start = first - 1
        found.heading = blocks[first - 1].text.rstrip(":： ").strip("*_ ")
    _turns(blocks, first, stop, speakers, found)
    return found


def _is_heading(block: Block) -> bool:
    return bool(_TOPIC.search(block.text)) and (rec.label(block) is not None or rec.looks_like_heading(block))


def _turns(blocks: list[Block], first: int, stop: int, speakers: dict[int, tuple[str, str | None]],
           found: Interview) -> None:
    question: list[str] = []
    answer: list[str] = []
    role = ""
    for i in range(first, stop):
        label, rest = speakers.get(i, (None, None))
        if label == found.interviewer:
            _flush(found, question, answer)
            question, answer, role = [], [], "q"
        elif label == found.interviewee:
            role = "a"
        else:
            rest = blocks[i].text
        if rest:
            (question if role == "q" else answer).append(rest)
    _flush(found, question, answer)


def _flush(found: Interview, question: list[str], answer: list[str]) -> None:
    if question or answer:
        found.exchanges.append({"question": _one(question), "answer": _one(answer)})


def _one(paragraphs: list[str]) -> str | list[str]:
    return paragraphs[0] if len(paragraphs) == 1 else list(paragraphs)
