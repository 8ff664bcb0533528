"""The release's validators, per edition, started as soon as that edition's files are in the edition
cache (while the build renders the others) and stored with them: an unchanged edition is never
validated again.

For one edition: its EPUB copied out, checked by EPUBCheck and Ace at once (the release's JVM and
browser, :mod:`.servers`), certified when both pass and checked again (:mod:`.certify`); meanwhile its
PDFs' fonts, structure and Matterhorn checks, pdfcpu and the print preflight. Results go into the
entry's ``result.json`` (``validators``) and the certified EPUB and Ace's report into the entry.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache as cache_mod
from . import meter
from .servers import Servers
from .validators import Report

if TYPE_CHECKING:
    # imported when an edition is validated: a release with every edition validated never loads the EPUB
    # writer (and WeasyPrint) it imports
    from .certify import Checked


def wanted(entry: cache_mod.Entry) -> set[str]:
    """The formats an entry's validator results must cover (the cover wrap when it has one)."""
    return {"print", "pdf", "epub", *(["cover"] if entry.has(["cover"]) else [])}


def validated(entry: cache_mod.Entry) -> bool:
    return set(entry.result.get("validators", {})) == wanted(entry) and entry.has(("ace",))


def pdf_checks(sources: Any, edition_id: str, entry: cache_mod.Entry, pool: Executor, servers: Servers) \
        -> Callable[[], tuple[list[tuple[str, Report]], dict[str, object]]]:  # noqa: ANN401 - Sources
    """Fonts, structure, Matterhorn, pdfcpu and the print preflight of one edition's PDFs, started in
    ``pool`` (three at once: in-process checks, pdfcpu in the release's Node, the preflight); a function
    that waits for them."""
    from .pdfcheck import check_pdf
    from .preflight import print_preflight
    from .validators import matterhorn

    cover = entry.has(["cover"])
    files = {f: entry.file(f) for f in ("print", "pdf", "cover")}

    def own() -> list[tuple[str, Report]]:
        with meter.stage("pdf checks"):
            ran = [(f, report) for f in ("print", "pdf") for report in check_pdf(files[f])]
            if cover:
                ran += [("cover", check_pdf(files["cover"])[1])]   # the interior's structure is checked above
        with meter.stage("matterhorn"):
            ran.append(("pdf", matterhorn(files["pdf"])))
        return ran

    def preflight() -> list[tuple[str, Report]]:
        with meter.stage("preflight"):
            return print_preflight(sources, edition_id, {f: files[f] for f in ("print", "cover")},
                                   {"pages": entry.result["pages"]})

    started = [pool.submit(own)]
    if cover:   # the print preflight: the interior and its cover wrap
        started.append(pool.submit(lambda: [(f, servers.pdfcpu.check(files[f])) for f in ("print", "cover")]))
        started.append(pool.submit(preflight))

    def results() -> tuple[list[tuple[str, Report]], dict[str, object]]:
        ran = [item for future in started for item in future.result()]
        return ran, ({"spine_mm": entry.result.get("spine_mm")} if cover else {})

    return results


class Validation:
    """Editions validated in the background as they are submitted; :meth:`wait` stores every result."""

    def __init__(self, sources: Any, cache: Path, work: Path, *, jobs: int,  # noqa: ANN401 - Sources
                 done: Callable[[str, str], None]) -> None:
        self.sources, self.cache, self.work, self.done = sources, cache, work, done
        self.servers = Servers()
        self.editions = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="validate")
        self.parts = ThreadPoolExecutor(max_workers=4 * max(1, jobs), thread_name_prefix="validator")
        self.futures: dict[str, Future[None]] = {}
        self.lock = threading.Lock()

    def __enter__(self) -> Validation:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.servers.__exit__(kind)
        for pool in (self.editions, self.parts):   # stopped early (an error, Ctrl-C): the rest is not waited for
            pool.shutdown(wait=kind is None, cancel_futures=True)
        meter.mark("validators_done")
        meter.dump()

    def submit(self, edition_id: str, key: str) -> None:
        """Validate the entry ``key`` of ``edition_id`` (from a build's thread or the release's)."""
        with self.lock:
            if edition_id not in self.futures:
                self.futures[edition_id] = self.editions.submit(self._one, edition_id, key)

    def wait(self) -> None:
        meter.mark("builds_done")   # the release waits for its validators from here
        for future in list(self.futures.values()):
            future.result()

    def _one(self, edition_id: str, key: str) -> None:
        with meter.stage("edition (copy, certify, store)"):
            self._validate(edition_id, key)

    def _validate(self, edition_id: str, key: str) -> None:
        from .certify import certify_one

        entry = cache_mod.lookup(self.cache, key)
        assert entry is not None, edition_id
        copy = self.work / edition_id / f"{self.sources.book.id}-{edition_id}.epub"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(entry.file("epub"), copy)   # checked (and certified) as a copy, then stored
        pdfs = pdf_checks(self.sources, edition_id, entry, self.parts, self.servers)
        checked: Checked = certify_one(self.sources, edition_id, copy, cache=self.cache, work=copy.parent,
                                       servers=self.servers, pool=self.parts)
        ran, extra = pdfs()
        checks: dict[str, dict[str, object]] = {f: {} for f in wanted(entry)}
        for fmt, report in [*(("epub", r) for r in checked.reports), *ran]:
            checks[fmt][report.tool] = report.data()
        cache_mod.store(self.cache, key, {"epub": copy, "ace": checked.ace_json}, {"validators": checks, **extra})
        self.done(edition_id, "EPUBCheck, Ace, fonts, PDF structure, Matterhorn"
                  + (", print preflight" if "cover" in checks else "")
                  + (" (accessibility self-certified)" if checked.certified else ""))
