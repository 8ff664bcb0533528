"""The toolkit's own resources, inside the package and found with :mod:`importlib.resources`.

Nothing the toolkit needs lives outside ``src/publish/``: the built-in themes (stylesheets, and
templates a theme may override by name), the Jinja2 templates, the CMYK output profiles and the
interface catalogues of the ``publish`` gettext domain. A book or a project is the only other thing
read. The package must be installed as files (a wheel or an editable install), not zipped.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("publish")))
THEMES = PACKAGE / "themes"
"""Built-in themes, one folder each (``default``)."""
TEMPLATES = PACKAGE / "templates"
"""The toolkit's Jinja2 templates (book, EPUB navigation and cover, release page)."""
ICC = PACKAGE / "icc"
"""CMYK output profiles for the print PDFs."""
LOCALE = PACKAGE / "locale"
"""The ``publish`` domain: ``publish.pot`` and ``<locale>/LC_MESSAGES/publish.po``."""

DEFAULT_THEME = THEMES / "default"
CMYK_PROFILE = ICC / "FOGRA39L-publish.icc"


def builtin_theme(name: str) -> Path | None:
    """The folder of the built-in theme ``name``, or None."""
    folder = THEMES / name
    return folder if name and "/" not in name and (folder / "book.css").is_file() else None
