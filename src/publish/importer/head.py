"""The head of a profile page: site header, title line, update line, name and credentials.

Everything from the top of the article to its preface (or first section): the page's title line
``Dr. Li Junmin | Headline``, its ``Update time: … Visits: …`` line, the credentials line
``Li Junmin, MD`` with the titles after it, a ``Brief:`` summary and labelled lists
(``Current Positions:`` followed by items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import recognise as rec
from .article import Block
from .draft import Draft

_DEGREE = re.compile(r"^(?:M\.?D\.?|Ph\.?\s?D\.?|MBBS|M\.?Sc?\.?|B\.?Sc?\.?|MPH|MBA|DrPH|D\.?Sc\.?|"
                     r"(?:Doctor|Master|Bachelor) of [A-Z][\w ]+)$")
_AFFILIATION_START = ("Department", "Division", "Center", "Centre", "School", "Faculty", "Institute")
_INSTITUTION = re.compile(r"\b(?:Hospital|University|Institute|College|Center|Centre|Academy|Laboratory|Lab)\b")
_SPLIT = re.compile(r",\s*(?![^()]*\))")
_ABBREV_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Ph|Jr|Sr|St|Co|Inc|Ltd)\.$")


@dataclass
class Head:
    """What the head gave: the subject's name parts and where the head ends."""

    end: int = 0
    name: str | None = None
    honorific: str | None = None
    headline: str | None = None
    name_block: Block | None = None
    degrees: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)
    preface_heading: str | None = None
    found: bool = False
    """Whether the article has a head at all (a title, update or credentials line)."""
    site: list[str] = field(default_factory=list)
    """The site header's lines (evidence for the publisher)."""


def parse(blocks: list[Block], draft: Draft, stop: int) -> Head:
    """Read the head from ``blocks[0:stop]``; :attr:`Head.end` is the first block after it."""
    head = Head()
    _title(blocks[:stop], draft, head)
    i = head.end
    mode: dict[str, Any] | None = None
    summary_mode = False
    while i < stop:
        block = blocks[i]
        text = block.text
        if rec.is_preface_heading(text):
            head.preface_heading = text.rstrip(":： ").strip("*_ ")
            return _done(head, i + 1)
        if (when := rec.updated(text)) is not None:
            draft.data.setdefault("source", {}).update(_updated(when))
            head.found = True
        elif head.name and _is_caption(text, head):
            draft.article.dropped.append(block)
        elif head.name and not head.degrees and not head.titles and _credentials(block, head):
            head.found = True
        elif (name := rec.label(block)) is not None and (head.found or i == head.end):
            head.found = True
            summary_mode = rec.is_summary_label(name)
            mode = None if summary_mode else {"kind": rec.list_kind(name), "heading": name, "items": []}
            if mode is not None:
                head.lists.append(mode)
        elif mode is not None and not _ends_list(block, mode):
            mode["items"].append(text)
            mode["numbered"] = mode.get("numbered", False) or _numbered(block)
        elif head.found and (head.degrees or head.titles) and not mode and not summary_mode \
                and not head.summary and _more_titles(text):
            head.titles += _items(text)
        elif head.found and not rec.looks_like_heading(block):
            mode = None
            summary_mode = True
            head.summary.append(text)
        else:
            return _done(head, i)
        i += 1
    return _done(head, i)


def _done(head: Head, end: int) -> Head:
    head.end = end
    head.lists = [lst for lst in head.lists if lst["items"]]
    return head


def _title(blocks: list[Block], draft: Draft, head: Head) -> None:
    """Find the title line among the first blocks; what stands before it is the site's header."""
    for i, block in enumerate(blocks[:12]):
        found = rec.title(block.text)
        if found is None:
            continue
        head.name, head.honorific, head.name_block = found.name, found.honorific, block
        head.headline = _headline(found.headline, draft, block)
        head.found = True
        for before in blocks[:i]:
            if len(before.text.split()) <= 12 and not rec.closes_sentence(before.text):
                head.site.append(before.text)
                draft.article.dropped.append(before)
            else:
                draft.unplaced(before, "before the title line, not placed")
        head.end = i + 1
        return


def _headline(text: str, draft: Draft, block: Block) -> str:
    repaired = re.sub(r"([;:,])(?=[A-Z])", r"\1 ", text)
    if repaired != text:
        draft.note(block, "the title lacked a space after a punctuation mark; repaired", "import.repaired")
    if repaired.endswith(".") and not repaired.endswith(".."):
        repaired = repaired[:-1]
        draft.note(block, "the title's trailing full stop was dropped", "import.repaired")
    return repaired


def _updated(when: tuple[str, int | None]) -> dict[str, Any]:
    date, visits = when
    return {"updated": date} if visits is None else {"updated": date, "visits": visits}


def _is_caption(text: str, head: Head) -> bool:
    """The subject's name alone, as an image caption under the title."""
    bare = re.sub(rf"^(?:{'|'.join(rec.HONORIFICS)})\.?\s*", "", text).strip(" ,.")
    return bare.lower() == (head.name or "").lower()


def _credentials(block: Block, head: Head) -> bool:
    """``Li Junmin, MD`` or ``Professor Li Ziming, Doctor of Oncology, …``: degrees and titles."""
    name = re.escape(head.name or "")
    m = re.match(rf"^(?:(?:{'|'.join(rec.HONORIFICS)})\.?\s+)?{name}\s*,\s*(?P<rest>.*)$", block.text, re.IGNORECASE)
    if not m:
        return False
    for item in _items(m.group("rest")):
        (head.degrees if _DEGREE.match(item) else head.titles).append(item)
    return True


def _items(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(text)]
    out: list[str] = []
    for part in parts:
        part = re.sub(r"^and\s+", "", part)
        if part.endswith(".") and not _ABBREV_END.search(part):
            part = part[:-1].rstrip()
        if not part:
            continue
        if out and out[-1].startswith(_AFFILIATION_START) and _INSTITUTION.search(part) \
                and not part.startswith(_AFFILIATION_START):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def _more_titles(text: str) -> bool:
    """``Chief Physician, PhD Supervisor``: a short line of titles right after the credentials line."""
    return len(text.split()) <= 12 and not rec.closes_sentence(text) and rec.label(Block(text, 0)) is None \
        and all(w[:1].isupper() for w in _items(text))


def _ends_list(block: Block, current: dict[str, Any]) -> bool:
    """An explicit heading, or a numbered line after unnumbered items (a section's number)."""
    if block.kind == "heading":
        return True
    if not _numbered(block):
        return False
    if current["items"]:
        return not current.get("numbered", False)
    return rec.looks_like_heading(block)


def _numbered(block: Block) -> bool:
    return block.marker is not None and block.marker != "-"
