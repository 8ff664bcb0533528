"""The end of an article: editor credit, contact line, origin URL and copyright notice.

Recognised lines fill ``source`` and ``rights.notice``; names become book.yaml ids only when
book.yaml already has them. What is left in the tail is reported as not placed.
"""

from __future__ import annotations

import re
from typing import Any

from . import recognise as rec
from .article import Block
from .draft import Draft
from .resolve import BookIds

_EDITOR = re.compile(r"^(?:Editor|Editors|Edited by|Text by|Written by|Author|责任编辑|编辑|作者)"
                     r"\s*[:：]?\s*(?P<who>\S.*)$", re.IGNORECASE)
_URL = re.compile(r"^(?:(?:Origin|Source|Original(?: link| article)?|Link|URL|原文链接|原文|来源|出处)\s*[:：]\s*)?"
                  r"(?P<url>https?://\S+?)[.,;]?$", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_ONLY = re.compile(r"^(?:E-?mail|Contact|Mail|邮箱|联系邮箱)\s*[:：]\s*(?P<email>\S+@\S+)$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:Copyright(?: notice| statement)?|版权声明|版权说明|©)\s*(?:[:：]\s*(?P<rest>.*))?$",
                        re.IGNORECASE)
_NOTICE_LINE = re.compile(r"^(?:©|\(c\)|Copyright\s+(?:©|\(c\)|\d{4}))|All rights reserved", re.IGNORECASE)
_OTHER_DR = re.compile(r"\b(?:Dr|Prof|Professor)\.?\s+(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)")


def is_source_line(block: Block) -> bool:
    """Whether ``block`` opens the article's tail."""
    text = block.text
    return bool(_EDITOR.match(text) or _URL.match(text) or _EMAIL_ONLY.match(text) or _COPYRIGHT.match(text)
                or _NOTICE_LINE.search(text) or (_EMAIL.search(text) and len(text.split()) <= 40
                                                 and "contact" in text.lower()))


def parse(blocks: list[Block], draft: Draft, ids: BookIds, family: str | None) -> list[str]:
    """Fill ``source`` and the notice from the tail; returns evidence text for the publisher."""
    source: dict[str, Any] = draft.data.setdefault("source", {})
    notice: list[str] = []
    evidence: list[str] = []
    in_notice = False
    for block in blocks:
        text = block.text
        if rec.is_clutter(text):
            draft.article.dropped.append(block)
            in_notice = False
        elif m := _COPYRIGHT.match(text):
            in_notice = True
            if m.group("rest"):
                notice.append(m.group("rest").strip())
        elif m := _EDITOR.match(text):
            in_notice = False
            _editor(m.group("who"), block, draft, ids, source)
            evidence.append(text)
        elif m := _EMAIL_ONLY.match(text):
            in_notice = False
            source["contact"] = m.group("email").rstrip(".")
        elif (m := _URL.match(text)) and not in_notice:
            source["url"] = m.group("url")
            evidence.append(m.group("url"))
        elif in_notice or _NOTICE_LINE.search(text):
            in_notice = True
            notice.append(text)
        elif (email := _EMAIL.search(text)) and "contact" in text.lower():
            source["contact"] = email.group(0).rstrip(".")
            source["contact_note"] = text
            _check_contact(text, block, draft, family)
        else:
            draft.unplaced(block, "after the article's end, not placed")
    if notice:
        draft.data.setdefault("rights", {})["notice"] = notice
        evidence += notice
    return evidence


def _editor(who: str, block: Block, draft: Draft, ids: BookIds, source: dict[str, Any]) -> None:
    name = who.split(",")[0].strip().rstrip(".")
    person = ids.person(name)
    if person is None:
        draft.note(block, f"the article's editor is “{name}”, who is not in book.yaml's people: add a person "
                   "record there and set source.editor to its id", "import.unknown-person")
        return
    source["editor"] = person
    if who.strip() != name:
        draft.note(block, f"editor credit “{who.strip()}” read as “{name}” (person {person})", "import.interpreted")


def _check_contact(text: str, block: Block, draft: Draft, family: str | None) -> None:
    for m in _OTHER_DR.finditer(text):
        named = m.group("name")
        if family and named.split()[0].lower() != family.lower():
            draft.note(block, f"the contact line names {m.group(0)}, not the subject of this article: kept as "
                       "published, confirm with the publisher", "import.suspicious")
