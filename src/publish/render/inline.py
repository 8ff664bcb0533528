"""Inline Markdown of the sources (emphasis, strong, links) to safe HTML, and CJK–Latin spacing.

The text is escaped first, then only the three allowed constructs become tags, so nothing a source
or a translation contains can reach the renderer as markup of its own. In Chinese text a quarter em
separates Han characters from Latin letters and digits, as a typesetter would; WeasyPrint has no
``text-autospace``, so the run gets a class with a margin — the extracted text stays clean. A Latin
run with a word in it (a romanised name, "Liu Ruijun"; an abbreviation, "PhD") also gets ``lang="en"``,
so screen readers, the EPUB and the tagged PDF (``/Lang``, :mod:`.pdflang`) do not read it as Chinese.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..catalogs.checks import HAN

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPH = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_TAGS = re.compile(r"(<[^>]+>|&#?\w+;)")
_LATIN_RUN = re.compile(r"[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F.,%+/'’\- ]*[A-Za-z0-9\u00C0-\u024F%])?")
_HAN = re.compile(f"[{HAN}]")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]{2,}")


def inline(text: str, lang: str = "en") -> Markup:
    html = str(escape(text))
    html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EMPH.sub(r"<em>\1</em>", html)
    if lang.startswith("zh"):
        html = autospace(html)
    return Markup(html)


def autospace(html: str) -> str:
    """Wrap Latin runs that touch Han characters in a span with a quarter-em margin on that side."""
    parts = _TAGS.split(html)
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags and entities
        parts[i] = _space_text(parts[i])
    return "".join(parts)


def latin_lang(text: str, lang: str, xml: bool = False) -> Markup:
    """Plain text (already safe to escape) with its Latin words marked ``lang="en"`` in Chinese text
    (and ``xml:lang``, for XHTML documents written from a template, with ``xml``)."""
    html = str(escape(text))
    if not lang.startswith("zh"):
        return Markup(html)
    parts = _TAGS.split(html)
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags and entities
        parts[i] = _space_text(parts[i], spacing=False, xml=xml)
    return Markup("".join(parts))


def _space_text(text: str, spacing: bool = True, xml: bool = False) -> str:
    out, last = [], 0
    for m in _LATIN_RUN.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        sides = [cls for cls, ch in (("cjk-sp-l", before), ("cjk-sp-r", after)) if ch and _HAN.match(ch)]
        sides = sides if spacing else []
        word = _WORD.search(m.group(0)) is not None
        if not sides and not word:
            continue
        attrs = (f' class="{" ".join(sides)}"' if sides else "") + (' lang="en"' if word else "")
        attrs += ' xml:lang="en"' if word and xml else ""
        out.append(text[last:m.start()])
        out.append(f"<span{attrs}>{m.group(0)}</span>")
        last = m.end()
    out.append(text[last:])
    return "".join(out)
