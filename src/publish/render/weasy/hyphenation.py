"""Which hyphenation patterns a language's text is broken with (WeasyPrint's ``text.line_break``).

WeasyPrint asks pyphen for the dictionary of an element's ``lang`` with ``pyphen.language_fallback``, which
takes a bare ``en`` to pyphen's British patterns (``hyph_en_GB``): "signific-ant", "negat-ive",
"Xinji-ang" in a book spelt the American way ("hematology", "esophageal"). While :func:`patterns` is active,
a bare language tag is first looked up in :data:`publish.vocab.HYPHENATION` (``en`` → the US patterns, the
English of TeX's and LibreOffice's defaults: "sig-nif-i-cant", "neg-a-tive", "Xin-jiang"); a tag with a
region (``en-GB``) keeps its own dictionary, and every other call goes to pyphen itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pyphen
from weasyprint.text import line_break as _line_break

from ...vocab import HYPHENATION


class _Pyphen(ModuleType):
    """pyphen as ``weasyprint.text.line_break`` sees it: the same module, but for the fallback."""

    def __init__(self) -> None:
        super().__init__("pyphen")

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever pyphen has
        return getattr(pyphen, name)

    @staticmethod
    def language_fallback(language: str) -> str | None:
        chosen = HYPHENATION.get(language.replace("-", "_").lower(), language)
        return pyphen.language_fallback(chosen)


_OURS = _Pyphen()


@contextmanager
def patterns() -> Iterator[None]:
    """While active, WeasyPrint hyphenates with the patterns :data:`publish.vocab.HYPHENATION` names."""
    original = _line_break.pyphen
    _line_break.pyphen = _OURS
    try:
        yield
    finally:
        _line_break.pyphen = original
