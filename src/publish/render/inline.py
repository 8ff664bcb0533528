"""Inline Markdown of the sources (emphasis, strong, links) to safe HTML.

The text is escaped first, then only the three allowed constructs become tags, so nothing a source
or a translation contains can reach the renderer as markup of its own.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPH = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def inline(text: str) -> Markup:
    html = str(escape(text))
    html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EMPH.sub(r"<em>\1</em>", html)
    return Markup(html)
