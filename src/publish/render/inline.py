"""Inline Markdown of the sources (emphasis, strong, links) to safe HTML, and CJK–Latin spacing.

The text is escaped first, then only the three allowed constructs become tags, so nothing a source
or a translation contains can reach the renderer as markup of its own. In Chinese text a quarter em
separates Han characters from Latin letters and digits, as a typesetter would; WeasyPrint has no
``text-autospace``, so the run gets a class with a margin — the extracted text stays clean. A Latin
run with a word in it (a romanised name, "Liu Ruijun"; an abbreviation, "PhD") also gets ``lang="en"``,
so screen readers, the EPUB and the tagged PDF (``/Lang``, :mod:`.pdflang`) do not read it as Chinese.

Chinese text gets three more marks of clreq typesetting, all markup (no character is added to the
text): of two adjacent full-width punctuation marks one is set half-width (``<span class="halt">``,
the font's ``halt`` feature: a closing mark loses its trailing blank, or else an opening mark its
leading one), so the pair takes 1.5 em; ``<wbr>`` lets a line break before “ ‘ and after ” ’ as it
may around 「」 (Pango gives the quotes no opportunity there); and the last two characters of a
text are kept together (``<span class="nobr">``), so no line holds a single character.
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
        html = punctuate(keep_last(autospace(html)), centered=lang.lower() in ("zh-hant", "zh-tw", "zh-hk"))
        if html and html[0] in OPENING:
            # a text opening with a bracket: after a speaker label's "：" the two make a pair (book.css)
            html = f'<span class="open-start">{html[0]}</span>{html[1:]}'
    return Markup(html)


CLOSING = "，。、；：？！）」』”’〉》】〕"
OPENING = "（「『“‘〈《【〔"
_ONE_HAN = re.compile(f"^[{HAN}][{re.escape(CLOSING)}]*$")
_NOBR_TAIL = re.compile(f"[{HAN}][{re.escape(CLOSING)}]*[{HAN}][{re.escape(CLOSING)}]*$")


def keep_last(html: str) -> str:
    """Keep the last two Han characters (with the marks after them) of a text on one line."""
    parts = _TAGS.split(html)
    tail = parts[-1]
    m = _NOBR_TAIL.search(tail)
    if m is None and _ONE_HAN.match(tail) and len(parts) >= 5 and parts[-2] == "</span>" \
            and parts[-4].startswith('<span class="cjk-sp') and len(parts[-3]) <= 8:
        # "…ITP说。": a short Latin run goes down with the last character (a long one would leave a
        # hole or a lone character on the line above: WeasyPrint breaks badly before a wide nowrap span)
        return "".join(parts[:-4]) + '<span class="nobr">' + "".join(parts[-4:]) + "</span>"
    if m is None or len(parts) == 1 and m.start() == 0:
        return html
    parts[-1] = f'{tail[:m.start()]}<span class="nobr">{m.group(0)}</span>'
    return "".join(parts)


CENTERED = "，。、；：？！"
"""Marks set in the middle of their em in Traditional Chinese (Taiwan) fonts: ``halt`` leaves them
full-width, so of a pair the bracket or quote is the one made half-width."""


def punctuate(html: str, *, centered: bool = False) -> str:
    """Half-width marks in adjacent pairs, and break opportunities around “ ” ‘ ’."""
    parts = _TAGS.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _punctuate_text(parts[i], centered)
    return "".join(parts)


_PAIRED = re.compile(f"[{re.escape(CLOSING + OPENING)}]{{2,}}")
_QUOTES = re.compile("[“‘”’]")


def _punctuate_text(text: str, centered: bool) -> str:
    """One text (no tags) with its marks made: the few places that take one are found by regex (most
    Chinese text has no adjacent pair and no quote), the rest of the text is copied as it is."""
    halt: set[int] = set()
    for run in _PAIRED.finditer(text):
        for i in range(run.start(), run.end() - 1):
            a, b = text[i], text[i + 1]
            if centered and a in CENTERED and b in CENTERED:
                continue
            if a in CLOSING and not (centered and a in CENTERED):
                halt.add(i)
            elif b in OPENING or centered:
                halt.add(i + 1)
    before: set[int] = set()
    after: set[int] = set()
    for q in _QUOTES.finditer(text):
        i = q.start()
        if text[i] in "“‘":
            prev = text[i - 1] if i else ""
            if prev and not prev.isspace() and prev not in OPENING:
                before.add(i)
        elif i + 1 < len(text) and _HAN.match(text[i + 1]):
            after.add(i)
    if not (halt or before or after):
        return text
    out, last = [], 0
    for i in sorted(halt | before | after):
        out.append(text[last:i])
        if i in before:
            out.append("<wbr>")
        out.append(f'<span class="halt">{text[i]}</span>' if i in halt else text[i])
        if i in after:
            out.append("<wbr>")
        last = i + 1
    out.append(text[last:])
    return "".join(out)


def autospace(html: str) -> str:
    """Wrap Latin runs that touch Han characters in a span with a quarter-em margin on that side."""
    parts = _TAGS.split(html)
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags and entities
        parts[i] = _space_text(parts[i])
    return "".join(parts)


def latin_lang(text: str, lang: str, xml: bool = False, spacing: bool = False) -> Markup:
    """Plain text (already safe to escape) with its Latin words marked ``lang="en"`` in Chinese text
    (and ``xml:lang``, for XHTML documents written from a template, with ``xml``); with ``spacing``,
    Latin runs touching Han characters also get the quarter-em CJK–Latin space, as in running text."""
    html = str(escape(text))
    if not lang.startswith("zh"):
        return Markup(html)
    parts = _TAGS.split(html)
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags and entities
        parts[i] = _space_text(parts[i], spacing=spacing, xml=xml)
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
