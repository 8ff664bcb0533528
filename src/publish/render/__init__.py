"""Rendering: localised book → HTML (Jinja2) → PDF (WeasyPrint) and EPUB (ebooklib)."""
