"""Recognised structure → a draft profile: the regions of an article, top down.

1. the blocks are normalised (list markers typed into the text, sentences broken after a comma) and
   clutter (navigation, WeChat lines) is dropped wherever it stands; typewriter quotes are curled;
2. the tail (editor, contact, origin, copyright) is found from the first such line after the head;
3. the interview (two alternating speakers) inside the body;
4. the head (title, update line, credentials, lists) — :mod:`publish.importer.head`;
5. the preface and the sections in between, headings without their "1." numbers.

Nothing is invented: a field the article does not give is left out, listed in ``editor_notes`` and
reported as a warning; whatever cannot be placed becomes a located note.
"""

from __future__ import annotations

import re
from typing import Any

from . import head as heads
from . import interview as interviews
from . import recognise as rec
from . import tail as tails
from .article import Article, Block, normalise
from .draft import Draft
from .resolve import BookIds, slug
from .typography import curl

_LOST_APOSTROPHE = re.compile(r"\b(?:is|was|do|does|did|could|would|should|are|were|have|has|had)nt\b|"
                              r"\b(?:Ive|youre|theyre|weve)\b")
_NAME_IN_TEXT = re.compile(r"\b([A-Z][A-Za-z]+) ([A-Z][a-z]+(?:-[a-z]+)?)\b")


def to_draft(article: Article, ids: BookIds, profile_id: str | None) -> Draft:
    draft = Draft(article)
    blocks = _without_clutter(draft)
    interview_stop = _tail_start(blocks)
    found = interviews.find(blocks, 0, interview_stop)
    body_stop = found.start if found else interview_stop
    head = heads.parse(blocks, draft, body_stop)
    _person(draft, head, blocks, profile_id)
    _credentials(draft, head)
    _body(draft, head, blocks[head.end:body_stop])
    _defects(draft, blocks[head.end:interview_stop])
    if found:
        _interview(draft, found, blocks)
    family = (draft.data.get("person") or {}).get("family")
    evidence = tails.parse(blocks[interview_stop:], draft, ids, family)
    _source(draft, ids, head, found, evidence)
    _finish(draft)
    return draft


def _without_clutter(draft: Draft) -> list[Block]:
    kept = []
    for block in normalise(draft.article.blocks):
        if rec.is_clutter(block.text) and (len(block.text.split()) <= 12 or "article" in block.text.lower()):
            draft.article.dropped.append(block)
            continue
        text, balanced = curl(block.text)
        if not balanced:
            draft.note(block, "an odd number of straight double quotes (a quotation open or running over "
                       "paragraphs): left straight", "import.defect")
        kept.append(Block(text, block.line, block.kind, block.level, block.marker))
    return kept


def _tail_start(blocks: list[Block]) -> int:
    for i, block in enumerate(blocks):
        if i > len(blocks) // 3 and tails.is_source_line(block):
            return i
    return len(blocks)


def _person(draft: Draft, head: heads.Head, blocks: list[Block], profile_id: str | None) -> None:
    name, where = head.name, head.name_block
    if name is None and profile_id:
        for block in blocks:
            m = next((m for m in _NAME_IN_TEXT.finditer(block.text) if slug(m.group(0)) == profile_id), None)
            if m:
                name, where = m.group(0), block
                draft.note(block, f"the article has no title line: the name “{name}” was found in the text "
                           f"because it matches the id '{profile_id}'; confirm it", "import.interpreted")
                break
    if head.headline:
        draft.data["headline"] = head.headline
    else:
        draft.lack("headline", "the article has no title line with a headline", "import.no-headline")
    if name is None:
        draft.lack("person.family", "the article has no title line naming its subject", "import.no-name")
        return
    family, _, given = name.partition(" ")
    if family.isupper() and len(family) > 1:
        family = family.capitalize()
    person: dict[str, Any] = {"family": family}
    if given:
        person["given"] = given
    person["order"] = "family-first"
    if head.honorific:
        person["honorific"] = head.honorific
    draft.data["person"] = person
    draft.note(where, f"the name is read family name first (family “{family}”, given “{given}”), as Chinese "
               "names are written; swap them and set order: given-first if not", "import.interpreted")


def _credentials(draft: Draft, head: heads.Head) -> None:
    cred: dict[str, Any] = {}
    if head.degrees:
        cred["degrees"] = head.degrees
    if head.titles:
        cred["titles"] = head.titles
    if head.summary:
        cred["summary"] = head.summary
    if head.lists:
        cred["lists"] = [{"kind": lst["kind"], "heading": lst["heading"], "items": lst["items"]} for lst in head.lists]
    if cred:
        draft.data["credentials"] = cred


def _body(draft: Draft, head: heads.Head, blocks: list[Block]) -> None:
    """The preface (after its heading, or whatever precedes the first heading) and the sections."""
    preface: list[str] = []
    sections: list[dict[str, Any]] = []
    pending: Block | None = None
    for block in blocks:
        if rec.looks_like_heading(block) and not rec.is_preface_heading(block.text):
            if pending is not None:
                draft.unplaced(pending, "a heading with no text under it, not placed")
            pending = block
            continue
        if pending is not None:
            heading, _ = rec.strip_number(pending.text.strip("*_ "))
            sections.append({"heading": _unclosed(heading, draft, pending), "paragraphs": []})
            pending = None
        (sections[-1]["paragraphs"] if sections else preface).append(block.text)
    if pending is not None:
        draft.unplaced(pending, "a heading with no text under it, not placed")
    if preface:
        draft.data["preface"] = ({"heading": head.preface_heading} if head.preface_heading else {}) | {
            "paragraphs": preface}
    elif head.preface_heading:
        draft.note(None, f"the article's “{head.preface_heading}” heading has no text under it")
    if sections:
        draft.data["sections"] = sections
    else:
        draft.lack("sections", "no section headings were recognised in the article", "import.no-sections")


def _defects(draft: Draft, blocks: list[Block]) -> None:
    """Words the page lost an apostrophe from (``isnt``, ``Zimings``): kept as published, noted."""
    given = (draft.data.get("person") or {}).get("given")
    possessive = re.compile(rf"\b{re.escape(given)}s\b") if given else None
    for block in blocks:
        found = _LOST_APOSTROPHE.findall(block.text) + (possessive.findall(block.text) if possessive else [])
        if found:
            words = ", ".join(dict.fromkeys(found))
            draft.note(block, f"the page seems to have lost apostrophes ({words}): kept as published, compare "
                       "with the original", "import.defect")


def _unclosed(heading: str, draft: Draft, block: Block) -> str:
    if heading.count("“") != heading.count("”") or heading.count('"') % 2:
        draft.note(block, f"the heading “{heading}” has an unclosed quotation mark", "import.defect")
    return heading


def _interview(draft: Draft, found: interviews.Interview, blocks: list[Block]) -> None:
    data: dict[str, Any] = {}
    if found.heading:
        data["heading"] = found.heading
    data |= {"interviewer": found.interviewer, "interviewee": found.interviewee, "exchanges": found.exchanges}
    for n, turn in enumerate(found.exchanges, start=1):
        for part in ("question", "answer"):
            if not turn[part]:
                draft.note(blocks[found.start], f"interview turn {n} has no {part}", "import.defect")
    draft.data["interview"] = data


def _source(draft: Draft, ids: BookIds, head: heads.Head, found: interviews.Interview | None,
            evidence: list[str]) -> None:
    source: dict[str, Any] = draft.data.setdefault("source", {})
    clues = [*head.site, *evidence, found.interviewer if found else ""]
    publisher = ids.organization(*clues)
    if publisher:
        source["publisher"] = publisher
    else:
        draft.lack("source.publisher", "the article names no publisher that book.yaml's organizations has",
                   "import.no-publisher")
    rights: dict[str, Any] = {"status": "pending"}
    notice = (draft.data.get("rights") or {}).get("notice")
    if notice:
        holder = ids.organization(*[n for n in notice if re.search(r"belong|©|copyright|rights", n, re.I)])
        if holder:
            rights["holder"] = holder
        rights["notice"] = notice
    else:
        draft.warn("the article has no copyright notice: rights.notice left out, none invented",
                   "import.no-notice")
        draft.editor_notes.append("The article carries no copyright notice; rights must be cleared before release.")
    draft.data["rights"] = rights
    order = ["publisher", "url", "updated", "visits", "editor", "contact", "contact_note"]
    draft.data["source"] = {k: source[k] for k in order if k in source}
    for key, what in (("editor", "names no editor"), ("url", "gives no source URL")):
        if key not in source:
            draft.editor_notes.append(f"The article {what}.")


def _finish(draft: Draft) -> None:
    draft.editor_notes.insert(0, "Imported by publish import: rights.status is pending until an editor "
                                 "records the rights; check the notes below against the article.")
    order = ["person", "headline", "credentials", "preface", "sections", "interview", "source", "rights"]
    draft.data = {k: draft.data[k] for k in order if k in draft.data}
