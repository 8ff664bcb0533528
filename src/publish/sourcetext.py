"""Checks of the text inside a source document: characters a reader cannot see, words too long for a
line, links against the link policy. Each problem is reported on the document, at its field."""

from __future__ import annotations

import unicodedata
from typing import Any

from . import links
from .vocab import BREAKS, INVISIBLE, LONGEST_WORD
from .yamlsource import FieldPath, YamlDocument, format_path

PROSE_KEYS = frozenset({
    "title", "subtitle", "rights", "headline", "heading", "paragraphs", "items", "summary",
    "degrees", "titles", "question", "answer", "notice", "contact_note", "editor_notes",
    "interviewer", "interviewee", "honorific", "name", "aliases",
})
"""Keys whose values are text for readers: odd characters there are warnings, elsewhere errors."""


def scan_characters(doc: YamlDocument, value: Any, path: FieldPath) -> None:
    """Control, zero-width and bidi characters: errors in metadata, warnings in prose."""
    if isinstance(value, dict):
        for key, sub in value.items():
            _scan_text(doc, key, path + (key,), prose=False, key=True)
            scan_characters(doc, sub, path + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            scan_characters(doc, sub, path + (i,))
    elif isinstance(value, str):
        prose = any(isinstance(p, str) and p in PROSE_KEYS for p in path)
        _scan_text(doc, value, path, prose=prose)
        if prose:
            _scan_words(doc, value, path)


def scan_links(doc: YamlDocument, value: Any, path: FieldPath, allow_private: bool) -> None:
    """Every URL field and inline link against the link policy (:mod:`publish.links`)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            scan_links(doc, sub, path + (key,), allow_private)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            scan_links(doc, sub, path + (i,), allow_private)
    elif isinstance(value, str):
        urls = [value] if path and path[-1] == "url" else [m.group(2) for m in links.INLINE_LINK.finditer(value)]
        for url in urls:
            reason = links.refusal(url)
            if reason is not None and "scheme" not in reason and not allow_private:  # schemes: the schema
                doc.error(path, f"link {url} refused: {reason} (published links go to public hosts; "
                          "book.yaml 'allow_private_links: true' allows private ones)", kind="link.refused")


def _scan_words(doc: YamlDocument, text: str, path: FieldPath) -> None:
    """Words too long for any line of the page."""
    for word in BREAKS.split(links.INLINE_LINK.sub(r"\1", text)):
        if len(word) > LONGEST_WORD:
            doc.error(path, f"a word of {len(word)} characters with no break opportunity ({word[:20]}…) "
                      f"would run off the page: more than {LONGEST_WORD} allowed", kind="text.long-word")
            return


def _scan_text(doc: YamlDocument, text: str, path: FieldPath, *, prose: bool, key: bool = False) -> None:
    if text.replace("\n", " ").isprintable():
        return   # every character it looks for is unprintable (categories C and Z but the space): none here
    for offset, char in enumerate(text):
        what = INVISIBLE.get(char)
        if what is None and unicodedata.category(char) in ("Cc", "Cf") and char != "\n":
            what = "control" if unicodedata.category(char) == "Cc" else "format"
        if what is None:
            continue
        msg = f"{what} character U+{ord(char):04X} at offset {offset} of '{format_path(path)}'"
        if what == "control":  # no output format can hold it (XML refuses C0 controls): never printable
            doc.error(path, msg + ": not allowed in sources (remove it)", key=key, kind="text.control")
        elif prose and not key:
            doc.warning(path, msg + ": invisible in print, remove it unless intended", kind="text.invisible")
        else:
            doc.error(path, msg + ": not allowed in ids and metadata", key=key, kind="text.invisible")
        return
