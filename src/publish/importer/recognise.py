"""Small classifiers for one block of an article: what a line *is*, judged from its text alone.

Each function answers one question (is this the title line, the page's update line, a list label,
page clutter, a heading?) so the mapper stays a readable sequence of regions. The patterns are the
ones profile pages use in English and in the Chinese of their page templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import Block

HONORIFICS = ("Dr", "Prof", "Professor", "Academician", "Mr", "Ms", "Mrs", "Miss")
_HONORIFIC = r"(?:Dr|Prof|Professor|Academician|Mr|Ms|Mrs|Miss)\.?"
_NAME = r"[A-Z][A-Za-z’'-]*(?: [A-Z][A-Za-z’'-]*){1,2}"
_TITLE = re.compile(rf"^(?P<hon>{_HONORIFIC})?\s*(?P<name>{_NAME})\s*[|｜]\s*(?P<headline>\S.*)$")
_UPDATED = re.compile(r"(?:Update(?:d)?(?: time)?|Last updated|更新时间|更新時間|发布时间)\s*[:：]\s*"
                      r"(?P<date>\d{4}-\d{2}-\d{2})"
                      r"(?:.*?(?:Visits|Views|点击|點擊|浏览|瀏覽)\s*[:：]\s*(?P<visits>\d+))?", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[^:：]{2,90}?)\s*[:：]$")
_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.、)）]\s*(?=\S)")
_CLOSING = re.compile(r"[.!?。！？;；,，]$|[.!?。！？][\"”’)]$")
_PREFACE = re.compile(r"^(?:Preface|Introduction|Foreword|Prologue|Editor[’']s note)\s*[:：]?$", re.IGNORECASE)
_CLUTTER = [re.compile(p, re.IGNORECASE) for p in (
    r"^Previous (?:article|post)\s*[:：]", r"^Next (?:article|post)\s*[:：]",
    r"WeChat", r"微信", r"公众号", r"^关键词$", r"^關鍵詞$", r"^Keywords?\s*[:：]?$", r"^Share(?: this)?\s*[:：]?$",
    r"^Back to top$", r"^Scan (?:the )?QR code", r"^(?:Home|Menu|Search)$", r"^Related (?:articles|posts)\s*[:：]?$",
)]
_SMALL = frozenset("a an and as at but by for from in into of on or over the to up via vs with be is".split())
LIST_KINDS: tuple[tuple[str, str], ...] = (
    ("project", "projects"), ("publication", "publications"), ("paper", "publications"),
    ("award", "awards"), ("honor", "awards"), ("honour", "awards"), ("grant", "awards"), ("prize", "awards"),
    ("experience", "experience"), ("visiting", "experience"), ("education", "experience"),
    ("speciali", "specialisations"), ("research", "research"), ("expertise", "expertise"),
    ("focus", "expertise"), ("specialt", "expertise"), ("affiliation", "affiliations"),
    ("appointment", "affiliations"), ("membership", "affiliations"), ("societ", "affiliations"),
    ("position", "positions"),
)
"""A list label's words → the profile's list kind; the first match wins (so "Research Projects" → projects)."""
SUMMARY_LABELS = ("brief", "summary", "profile", "biography", "about")


@dataclass(frozen=True)
class Title:
    honorific: str | None
    name: str
    headline: str


def title(text: str) -> Title | None:
    """``Dr. Li Junmin | Through Three Eras…``: the page's title line."""
    m = _TITLE.match(text)
    if not m:
        return None
    hon = m.group("hon")
    if hon:
        hon = hon.rstrip(".") + "." if hon.rstrip(".") in ("Dr", "Prof", "Mr", "Ms", "Mrs") else hon
    return Title(hon, m.group("name"), m.group("headline").strip())


def updated(text: str) -> tuple[str, int | None] | None:
    """``Update time:2025-06-03Visits:8328`` → (date, visits)."""
    m = _UPDATED.search(text)
    if not m:
        return None
    return m.group("date"), int(m.group("visits")) if m.group("visits") else None


def label(block: Block) -> str | None:
    """``Current Positions:`` → ``Current Positions``: a short line that announces what follows."""
    m = _LABEL.match(_unemphasised(block.text))
    if not m or len(m.group("label").split()) > 10:
        return None
    return m.group("label").strip()


def list_kind(label_text: str) -> str:
    low = label_text.lower()
    return next((kind for word, kind in LIST_KINDS if word in low), "other")


def is_summary_label(label_text: str) -> bool:
    return label_text.lower() in SUMMARY_LABELS


def is_preface_heading(text: str) -> bool:
    return bool(_PREFACE.match(_unemphasised(text)))


def is_clutter(text: str) -> bool:
    """Navigation and the page's own furniture: never part of the article."""
    return any(p.search(text) for p in _CLUTTER)


def strip_number(text: str) -> tuple[str, bool]:
    """``3.The Three-Heart…`` → (``The Three-Heart…``, True): the book numbers sections itself."""
    m = _SECTION_NUMBER.match(text)
    return (text[m.end():], True) if m else (text, False)


def closes_sentence(text: str) -> bool:
    return bool(_CLOSING.search(text))


def looks_like_heading(block: Block) -> bool:
    """A line a page set as a heading: short, no closing punctuation, mostly capitalised words."""
    if block.kind == "heading":
        return True
    text = _unemphasised(block.text)
    words = text.split()
    if not words or len(words) > 16 or len(text) > 140 or closes_sentence(text) or text.endswith((":", "：")):
        return False
    if block.marker is not None and block.marker != "-":
        return True
    content = [w.strip("\"“”‘’'()") for w in words]
    content = [w for w in content if w and w.lower() not in _SMALL]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit())
    return len(words) >= 2 and capitalised / len(content) >= 0.6


def _unemphasised(text: str) -> str:
    return text.strip().strip("*_").strip()
