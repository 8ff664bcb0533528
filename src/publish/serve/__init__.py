"""``publish serve``: a live preview of a book for editors and translators.

- :mod:`.preview` — the book as last saved: sources, theme and each edition's localised HTML (the very
  HTML the PDFs are made from), remade on demand after a change; problems kept, never raised;
- :mod:`.pdfpages` — one profile of an edition laid out as a PDF and its pages as PNG images, cached by
  content under the project's cache;
- :mod:`.watch` — watchfiles on the book, its catalogues and its theme: a save bumps the generation;
- :mod:`.pages` — the HTML the browser gets: the index, an edition with its screen styles and the
  reload script, the located problems;
- :mod:`.static` — files a stylesheet may use, resolved inside their folder and nowhere else;
- :mod:`.server` — the standard library's threading HTTP server, routes, Server-Sent Events, Ctrl-C.
"""
