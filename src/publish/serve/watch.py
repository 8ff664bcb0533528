"""Watch what the book depends on (watchfiles: inotify on Linux) and bump the preview's generation.

Watched: the book folder (``book.yaml``, profiles, glossary, the book's stylesheets), the project's
catalogues and the theme's folders. Editors' swap and backup files, ``.git`` and the project's
outputs and cache are ignored. When a change moves the watched set (``book.yaml`` names another
theme), the watch starts again on the new set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import relpath
from .preview import Preview

STEP_MS = 30
"""A change is reported once the files have been quiet this long…"""
DEBOUNCE_MS = 300
"""…or after this long at most, when saves keep coming."""
RECHECK_MS = 2000
"""With no change, the watched set is checked this often (a catalogue folder made after the start)."""


class Watcher(threading.Thread):
    def __init__(self, preview: Preview, log: Callable[[str], None] = lambda s: None) -> None:
        super().__init__(name="publish-serve-watch", daemon=True)
        self.preview = preview
        self.log = log
        self.stopping = threading.Event()
        project = preview.project
        self.ignored = tuple(p.resolve() for p in (project.cache, project.build, project.dist))
        from watchfiles import DefaultFilter

        self.default = DefaultFilter()

    def stop(self) -> None:
        self.stopping.set()

    def _keep(self, change: object, path: str) -> bool:
        resolved = Path(path).resolve()
        if any(resolved == p or resolved.is_relative_to(p) for p in self.ignored):
            return False
        return self.default(change, path)  # type: ignore[arg-type]

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._watch()
                return
            except OSError as exc:  # a watched folder removed or renamed under us: start again
                self.log(f"watch: {exc}; watching again")
                self.stopping.wait(1.0)

    def _watch(self) -> None:
        from watchfiles import watch

        paths = self.preview.watched()
        while not self.stopping.is_set():
            self.log(f"watching {', '.join(relpath(p) for p in paths)}")
            moved = False
            for changes in watch(*paths, watch_filter=self._keep, stop_event=self.stopping, step=STEP_MS,
                                 debounce=DEBOUNCE_MS, raise_interrupt=False, rust_timeout=RECHECK_MS,
                                 yield_on_timeout=True):
                if changes:
                    files = tuple(sorted({path for _, path in changes}))
                    generation = self.preview.changed(files)
                    self.log(f"changed: {', '.join(relpath(f) for f in files)} (reload {generation})")
                now = self.preview.watched()
                if now != paths:
                    if not changes:  # a folder appeared (the first `publish catalog update`): a change too
                        self.preview.changed(tuple(str(p) for p in set(now) - set(paths)))
                    paths, moved = now, True
                    break
            if not moved:
                return
