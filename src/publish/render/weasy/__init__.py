"""Every use of WeasyPrint's internals, in one package, checked against the pinned version at import.

WeasyPrint 70 has no public hook for what the toolkit needs, so these few functions reach inside it:

- :func:`inter_character` — Chinese justification in the sense of CSS Text 3 ``text-justify:
  inter-character``. WeasyPrint justifies only at U+0020/U+00A0 (``layout.inline.justify_line``).
  While active, a justified line box whose language is Chinese (or Japanese) spreads its free space
  over the gaps between CJK characters and at CJK–Latin boundaries instead, never inside a Latin
  word and never after the line's last character; the last line of a paragraph is not justified
  (WeasyPrint does not call ``justify_line`` for it). The quarter-em CJK–Latin margin of
  publish.render.inline's spans is dropped where such a span starts or ends a line
  (``text_align``). Inside a text box the space is a Pango
  letter-spacing attribute on the CJK runs, set when the box is drawn (``Layout.set_text(...,
  justify=True)``, as WeasyPrint does for word spacing), so the PDF shows the same glyphs with wider
  advances: the text layer is the source text, nothing inserted. Between text boxes (a span starts or
  ends at the gap) the following boxes are moved, as WeasyPrint's own ``add_word_spacing`` does.
- :func:`inter_character` also keeps a block from ending more than two successive lines with a hyphen
  (CSS Text 4 ``hyphenate-limit-lines: 2``, which WeasyPrint does not know): ``layout.block``'s
  ``iter_line_boxes`` is followed line by line, and after two hyphenated lines ``split_first_line`` of
  the next one runs with ``hyphens: manual``.
- :func:`hyphenation_patterns` — English hyphenated with the US patterns, not pyphen's British ones for a bare
  ``en`` (``text.line_break``'s pyphen; :mod:`.hyphenation`).
- :func:`typesetting` — both of the above for one layout: what every edition, part, cover wrap and preview page
  is laid out with.
- :func:`language_tags` — ``/Lang`` on tagged-PDF structure elements (``pdf.tags._build_box_tree``).
- :func:`page_text_boxes` — the text boxes of a laid-out page (``Page._page_box``), for the page map.
- :func:`cached_page_references` — pydyf's ``PDF.page_references`` computed once per page count while a
  tagged PDF is written (WeasyPrint's tagger reads it for every structure element, and pydyf rebuilds
  the tuple of all pages on each read: pages × elements).
- :func:`page_is_blank` — whether a laid-out page is an ``@page :blank`` one (``Page._page_box.page_type``),
  for the assembly of independently laid-out parts (:mod:`publish.render.assemble`).
- :func:`flate_level` — pydyf compresses every stream at zlib level 9; some streams of ours (the cover
  wrap's 450 KB content) take 0.6 s there and 0.04 s at zlib's default level 6, for 1% more bytes.

- :mod:`.libraries` — while ``weasyprint`` is first imported, ``ctypes.util.find_library`` answers from one
  ``ldconfig -p`` instead of running ``ldconfig`` and ``gcc`` for each of the 22 names WeasyPrint tries.

- :func:`deferred_fonts` — while a part of an edition is written, each font's subset is left to the
  assembly (a placeholder font file and the glyphs it needs), which embeds every face once per
  assembled file (:mod:`publish.render.fontmerge`).

The modules: :mod:`.justify` (inter-character justification, hyphenation limits), :mod:`.writing` (the tagged
PDF write, stream compression, the laid-out pages), :mod:`.fonts` (the deferred font subsets).
``tests/render/test_weasy.py`` fails loudly when any of these internals changes.
"""

from __future__ import annotations

from .libraries import found_once

with found_once():   # its native libraries looked up in one run of ldconfig (see .libraries)
    import weasyprint

PINNED = "70."
if not weasyprint.__version__.startswith(PINNED):  # pragma: no cover - a different install
    raise ImportError(f"publish.render.weasy is written for WeasyPrint {PINNED}x, found {weasyprint.__version__}: "
                      "check the internals it patches (see its docstring and tests/render/test_weasy.py)")

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from .fonts import PLACEHOLDER, deferred_fonts  # noqa: E402
from .hyphenation import patterns as hyphenation_patterns  # noqa: E402
from .justify import inter_character, is_cjk  # noqa: E402
from .writing import (  # noqa: E402
    box_lang,
    cached_page_references,
    flate_level,
    language_tags,
    page_is_blank,
    page_text_boxes,
)

__all__ = ["PINNED", "PLACEHOLDER", "box_lang", "cached_page_references", "deferred_fonts", "flate_level",
           "hyphenation_patterns", "inter_character", "is_cjk", "language_tags", "page_is_blank", "page_text_boxes",
           "typesetting"]


@contextmanager
def typesetting() -> Iterator[None]:
    """The toolkit's line-breaking rules for one layout (every edition, part, cover wrap and preview page):
    :func:`inter_character` and :func:`hyphenation_patterns` together."""
    with inter_character(), hyphenation_patterns():
        yield
