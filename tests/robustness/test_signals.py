"""Ctrl-C and kill -9 at each stage, from a subprocess, at the checkpoints the code names
(``publish.atomic.checkpoint``): one line and exit 130 for Ctrl-C; for a kill, the release folder is
always the old bundle or the new one, stale temporary files go at the next run, workers die too."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from .harness import BOOK, Project, children_of, environment, temp_files, wait_for

INTERRUPTED = "publish: interrupted; outputs left as they were"
pytestmark = pytest.mark.slow
EN_ONLY = "editions:\n  - id: en\n    locales: [en]\n    isbn: {print: 978-0-9999900-0-1, pdf: 978-0-9999900-1-8, " \
          "epub: 978-0-9999900-2-5}\n    not_for_sale: [print, pdf, epub]\nprofiles:"
"""One releasable English edition (the retail gate wants a price or an explicit not-for-sale per format)."""


def _one_edition(project: Project) -> None:
    text = (project.root / BOOK).read_text(encoding="utf-8")
    head, tail = text.split("editions:", 1)
    (project.root / BOOK).write_text(head + EN_ONLY + tail.split("profiles:", 1)[1], encoding="utf-8")


def _interrupted_cleanly(proc, project: Project) -> str:  # type: ignore[no-untyped-def] # noqa: ANN001
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err and "Aborted" not in err, err
    assert err.count("interrupted") == 1 and err.rstrip().endswith(INTERRUPTED), err
    assert not temp_files(project.root), temp_files(project.root)
    time.sleep(0.3)
    assert not children_of(proc.pid), "worker processes outlived the command"
    return err


@pytest.mark.parametrize("args", [("check", "books/minimal"),
                                  ("build", "books/minimal", "-e", "en", "-f", "pdf"),
                                  ("build", "books/minimal", "-e", "en", "-f", "pdf", "-f", "print", "--jobs", "2")],
                         ids=["check", "build", "build-jobs-2"])
def test_ctrl_c_during_start_up(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Issue 16, Broken: Ctrl-C while the engine imports gave a traceback, exit 134, a temp file or
    nothing. 6 moments from 50 ms to 1.5 s, SIGINT to the whole process group as a terminal sends it."""
    project = Project.fresh(tmp_path)
    outcomes = []
    for delay in (0.05, 0.15, 0.3, 0.5, 0.9, 1.5):
        proc = project.start(*args)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        if proc.wait(timeout=60) == 0:  # finished before the signal came
            outcomes.append(0)
            proc.communicate()
            continue
        if proc.returncode == -signal.SIGINT:
            # the signal came while the interpreter itself was starting or shutting down (outside any handler
            # of ours or Python's): the default action ends it, which a shell reports as 130 too. No traceback,
            # nothing half-written may be left.
            _, err = proc.communicate(timeout=60)
            assert "Traceback" not in err and not temp_files(project.root), err
            outcomes.append(-signal.SIGINT)
            continue
        _interrupted_cleanly(proc, project)
        outcomes.append(130)
    assert set(outcomes) & {130, -signal.SIGINT}, outcomes   # at least one run was interrupted


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_while_writing(tmp_path: Path, jobs: str) -> None:
    project = Project.fresh(tmp_path)
    assert project.run("build", "books/minimal", "-e", "en", "-f", "pdf").code == 0
    before = (project.root / "build/minimal/en/minimal-en.pdf").read_bytes()
    project.edit("books/minimal/profiles/wang-fang.yaml", "The patients.", "The patients, always.")
    proc = project.start("build", "books/minimal", "-e", "en", "-f", "pdf", "-f", "print", "--jobs", jobs,
                         env=environment(PUBLISH_PAUSE_AT="temporary-file"))
    wait_for(proc, "paused at temporary-file")
    os.killpg(proc.pid, signal.SIGINT)
    _interrupted_cleanly(proc, project)
    assert (project.root / "build/minimal/en/minimal-en.pdf").read_bytes() == before


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """Issue 16, Weak: 2 worker processes outlived a killed release."""
    project = Project.fresh(tmp_path)
    # two editions: one job each (print and digital come from one layout), so the build uses its pool
    assert project.run("catalog", "extract", "books/minimal").code == 0
    assert project.run("catalog", "update", "books/minimal", "-l", "zh_Hans").code == 0
    assert project.run("catalog", "compile", "books/minimal").code == 0  # no .mo written in the paused run
    proc = project.start("build", "books/minimal", "-e", "en", "-e", "zh-Hans", "-f", "pdf", "-f", "print",
                         "--jobs", "2", env=environment(PUBLISH_PAUSE_AT="temporary-file"))
    try:
        wait_for(proc, "paused at temporary-file")  # a worker is inside its render
        assert children_of(proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while children_of(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not children_of(proc.pid), "worker processes outlived their killed parent"
    assert temp_files(project.root)  # the kill left its temporary file …
    assert project.run("build", "books/minimal", "-e", "en", "-f", "pdf").code == 0
    assert not temp_files(project.root)  # … and the next run swept it


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one English edition, released once as 1.0.0 (its editions in the cache)."""
    project = Project.fresh(tmp_path_factory.mktemp("released"))
    _one_edition(project)
    outcome = project.run("release", "books/minimal", "--version", "1.0.0", "--jobs", "1")
    assert outcome.code == 0, outcome.err
    return project.root


def _bundle_ok(folder: Path) -> bool:
    """The folder is a complete bundle: every line of SHA256SUMS matches its file."""
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return False
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        path = folder / name.lstrip("*")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


@pytest.mark.parametrize(("point", "swap"), [("release-built", ""), ("swap", ""), ("swap-done", ""),
                                             ("swap-between", "rename"), ("temporary-file", "rebuild")])
def test_kill_during_release_leaves_a_bundle(released: Path, tmp_path: Path, point: str, swap: str) -> None:
    """Issue 16, Weak: SIGKILL between the two renames of the swap left no dist/<release>."""
    shutil.copytree(released, tmp_path / "p", symlinks=True)
    project = Project(tmp_path / "p")
    folder = project.root / "dist" / "minimal-1.0.0"
    (folder / "OLD").write_text("the previous bundle\n", encoding="utf-8")
    if swap == "rebuild":  # a source change: the edition is built again, killed while it writes
        project.edit("books/minimal/profiles/wang-fang.yaml", "The patients.", "The patients, always.")
    # 1.0.0 is released: replacing it with other bytes takes --force (immutable versions, issue 15)
    proc = project.start("release", "books/minimal", "--version", "1.0.0", "--jobs", "1", "--force",
                         env=environment(PUBLISH_PAUSE_AT=point, PUBLISH_SWAP=swap))
    wait_for(proc, f"paused at {point}", timeout=300)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    if point == "swap-between":
        # the fallback for systems without renameat2 has a window: the old bundle is aside, whole,
        # and the next run's sweep puts it back before anything else
        assert not folder.exists()
        (aside,) = folder.parent.glob(".minimal-1.0.0.p*-old.tmp-old")
        assert (aside / "OLD").exists() and _bundle_ok(aside)
    else:
        assert folder.is_dir(), f"dist/minimal-1.0.0 missing after a kill at {point}"
        assert (folder / "OLD").exists() or _bundle_ok(folder)
    outcome = project.run("release", "books/minimal", "--version", "1.0.0", "--jobs", "1", "--force")
    assert outcome.code == 0, outcome.err
    assert _bundle_ok(folder) and not (folder / "OLD").exists()
    assert not temp_files(project.root), temp_files(project.root)


@pytest.mark.parametrize("point", ["temporary-file", "release-built", "swap"])
def test_ctrl_c_during_release(released: Path, tmp_path: Path, point: str) -> None:
    shutil.copytree(released, tmp_path / "p", symlinks=True)
    project = Project(tmp_path / "p")
    folder = project.root / "dist" / "minimal-1.0.0"
    (folder / "OLD").write_text("the previous bundle\n", encoding="utf-8")
    if point == "temporary-file":
        project.edit("books/minimal/profiles/wang-fang.yaml", "The patients.", "The patients, always.")
    proc = project.start("release", "books/minimal", "--version", "1.0.0", "--jobs", "2", "--force",
                         env=environment(PUBLISH_PAUSE_AT=point))
    wait_for(proc, f"paused at {point}", timeout=300)
    os.killpg(proc.pid, signal.SIGINT)
    _interrupted_cleanly(proc, project)
    assert (folder / "OLD").exists()  # interrupted before the swap: the old bundle, untouched


def test_two_builds_at_once(tmp_path: Path) -> None:
    """Clean already: two builds of the same edition into the same folder both succeed, whole files."""
    project = Project.fresh(tmp_path)
    procs = [project.start("build", "books/minimal", "-e", "en", "-f", "pdf") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    data = (project.root / "build/minimal/en/minimal-en.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert not temp_files(project.root)
