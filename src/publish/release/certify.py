"""The EPUBs' accessibility claim, derived from checks.

Every EPUB is checked with EPUBCheck and Ace by DAISY as built (no claim in it). A package both pass
(EPUBCheck: no fatal, error or warning; Ace: no critical or serious finding) is certified by the
publisher — a self-certification — with ``dcterms:conformsTo``, ``a11y:certifiedBy`` and a summary
naming the checks; the certified bytes are then checked again, and those reports are the ones kept (and
Ace's ``report.json`` goes into the bundle). In a release, where the checkers' versions are known before
the first report (their installations tell them), every EPUB is certified first and checked once (the
claim stays only if those bytes pass).
A package either checker fails keeps no claim and its
honest summary, and the release gate refuses it with the findings.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.epub import certify
from ..render.epubparts import certification
from ..sources import Sources
from .validators import Report, ace, epubcheck

if TYPE_CHECKING:
    from .servers import Servers


@dataclass(frozen=True)
class Checked:
    reports: tuple[Report, ...]    # the final bytes' EPUBCheck and Ace reports
    ace_json: Path                 # Ace's report.json for the final bytes
    certified: bool


def check_and_certify(sources: Sources, epubs: dict[str, Path], *, cache: Path, work: Path) -> dict[str, Checked]:
    """``epubs``: edition id → EPUB path (certified in place when it passes)."""
    if not epubs:
        return {}
    paths = list(epubs.values())
    first_ace, first_epc = ace(paths, work / "ace-first"), epubcheck(paths)
    passed = {eid: p for eid, p in epubs.items() if first_ace[p].clean and first_epc[p].clean}
    editions = {e.id: e for e in sources.book.editions}
    for eid, path in passed.items():
        checks = f"{first_ace[path].tool}, {first_epc[path].tool}"
        certify(path, certification(sources, editions[eid], cache=cache, checks=checks))
    final = list(passed.values())
    again_ace, again_epc = (ace(final, work / "ace-final"), epubcheck(final)) if final else ({}, {})
    out = {}
    for eid, path in epubs.items():
        if eid in passed:
            out[eid] = Checked((again_epc[path], again_ace[path]), work / "ace-final" / f"{path.stem}.ace.json", True)
        else:
            out[eid] = Checked((first_epc[path], first_ace[path]), work / "ace-first" / f"{path.stem}.ace.json", False)
    return out


def certify_one(sources: Sources, edition_id: str, path: Path, *, cache: Path, work: Path, servers: Servers,
                pool: Executor) -> Checked:
    """:func:`check_and_certify` for one EPUB (certified in place when it passes), with the release's
    EPUBCheck JVM and Ace browser; each round's two checks run at once.

    Once the checkers' versions are known (from their installations, :func:`~.servers.expected_tools`, or
    else from the release's first EPUB), an EPUB is certified first and its final bytes checked once: the
    claim is kept only if those bytes pass and their reports name those very checkers, which is what the
    two rounds prove; otherwise the bytes as built come back and are checked as they are (and, when they
    pass, certified with the checkers their reports name and checked again: the claim stays only if
    those final bytes pass too)."""
    def both(folder: str) -> tuple[Report, Report]:
        epc = pool.submit(servers.epubcheck.check, path)
        found = servers.ace.check(path, work / folder)
        return epc.result(), found

    edition = next(e for e in sources.book.editions if e.id == edition_id)
    if servers.tools is not None:
        built = path.read_bytes()
        certify(path, certification(sources, edition, cache=cache, checks=servers.tools))
        epc, found = both("ace-final")
        if epc.clean and found.clean and f"{found.tool}, {epc.tool}" == servers.tools:
            return Checked((epc, found), work / "ace-final" / f"{path.stem}.ace.json", True)
        path.write_bytes(built)         # no claim: the file as built, checked as it is
    epc, found = both("ace-first")
    as_built = Checked((epc, found), work / "ace-first" / f"{path.stem}.ace.json", False)
    if not (epc.clean and found.clean):
        return as_built
    servers.tools = f"{found.tool}, {epc.tool}"
    built = path.read_bytes()
    certify(path, certification(sources, edition, cache=cache, checks=servers.tools))
    epc, found = both("ace-final")
    if not (epc.clean and found.clean):   # the certified bytes fail: no claim, the bytes as built
        path.write_bytes(built)
        return as_built
    return Checked((epc, found), work / "ace-final" / f"{path.stem}.ace.json", True)
