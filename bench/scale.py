"""See bench/scale. Synthetic books of N profiles (the sample's five copied under new ids, with their
catalogues), editions en and zh-Hans, each in a temporary project, measured in one run:

- pages: of every PDF built (print + digital);
- build_pdf_jobs1_s / weasyprint_s / ratio: `publish build -f print -f pdf --jobs 1` against the bare
  `weasyprint` command on the same intermediate HTML and CSS, one process per file (as bench/run.py);
- build_jobs1_s, build_jobs2_s, jobs2_speedup: every format (print, pdf, epub), each from an empty cache;
  per_file_s: each stage's share of the --jobs 1 build, from the time between the build's progress lines;
  build_noop_s: the --jobs 2 build again, nothing changed; build_one_paragraph_s: again after one
  paragraph of one profile was edited (and its share of the full --jobs 2 build);
- ms_per_page: build_pdf_jobs1_s per PDF page; cpu_*: the same runs' CPU seconds (user + system of the
  process and its workers: on a shared machine CPU time moves far less than wall time);
- peak_rss_mb: the largest resident set of the build process or any of its workers (getrusage of children);
- release_full_s / release_noop_s: `publish release --draft` with an empty cache, then again unchanged (the
  no-op as the plain command, without the stage timers);
  release_stages_s: the release's own stages (catalogue gate, EPUBCheck, Ace, PDF checks, Matterhorn, the
  print preflight, pdfcpu), timed in the release process by wrapping them (nothing in the toolkit is changed
  for it); validators_s their sum and validators_share its part of the release (the validators run in
  threads, at once and during the build: the sum can exceed the wall time they take);
  release_full_after_build_s/_share: the part of the release after its build returned (the validators
  not overlapped with building, and the bundle);
- validators_before_s: the validators of the previous release code on the same artifacts, same run
  (pdffonts + qpdf --check per PDF, one default JVM per EPUB, in parallel as before);
- tagged_write_s: WeasyPrint's write of the en digital PDF (tagged) with and without the page_references
  cache, the same layout; tagged_write_same_bytes says whether the two files are identical;
- digital (stage "parts"): every format, each edition laid out in one pass and in parts (publish.render.partbuild),
  same run: wall and CPU seconds, peak RSS, ms per page, the rebuild after one edited paragraph and its share;
- print_page_resource_entries: XObject names all pages of the en print PDF list (the crop-mark objects
  WeasyPrint puts in the one resources dictionary every page shares: pages² when it is shared).

Issue 18's Done-when, per layout path (``--paths one_layout,parts``: PUBLISH_PARTS off / on) and size, in
"done_when" with each target and pass/fail derived from the measured value (stages ``build``, ``jobs2``,
``release``): CPU ms per PDF page at ``--jobs 1`` against 5 profiles; peak memory as the largest single process
(wait4's ru_maxrss of the build and every worker it waited for; the sampled sum of RSS and PSS over the process
tree beside it); one edited paragraph's rebuild CPU against the full build's; the no-op build's wall time; the
release no-op's wall time. The older figures are stages ``bare``, ``validators``, ``tagged``.

Figures as JSON (last line; also bench/results/scale-<sizes>-<date>.json, or --json FILE). The machine's load
is recorded with them; each stage's figures go to stderr as soon as they are measured.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "books" / "shanghai-doctors"
BOOK = "shanghai-doctors"
VENV = Path(sys.executable).parent
"""The environment running the benchmark (bench/scale starts it with the project's .venv)."""
EPOCH = "1748908800"
EDITIONS = ("en", "zh-Hans")
LOCALES = {"en": (), "zh-Hans": ("zh_Hans",)}
PATHS = {"one_layout": "off", "parts": "on"}
"""The two ways an edition is laid out (PUBLISH_PARTS): at once, or profile by profile (publish.render.partbuild)."""
TARGETS: dict[str, Any] = {"ms_per_page_vs_5": 1.15, "peak_memory_mb": 500.0, "one_paragraph_share": 0.10,
                           "noop_build_s": 1.0, "release_noop_s": {5: 1.0, 100: 3.0}}


def make_project(where: Path, profiles: int, editions: tuple[str, ...]) -> Path:
    """A project with the sample book of ``profiles`` profiles (a multiple of five) and its catalogues."""
    from ruamel.yaml import YAML

    base = [p.stem for p in sorted((SAMPLE / "profiles").glob("*.yaml"))]
    yaml = YAML()
    book = where / "books" / BOOK
    shutil.copytree(SAMPLE, book, ignore=shutil.ignore_patterns("raw"))
    (where / "publish.toml").write_text("[project]\n", encoding="utf-8")
    data = yaml.load((book / "book.yaml").read_text(encoding="utf-8"))
    data["editions"] = [e for e in data["editions"] if e["id"] in editions]
    order = list(data["profiles"])
    ids = []
    for copy in range(profiles // len(base)):
        for pid in order:
            ids.append(pid if copy == 0 else f"{pid}-{copy + 1}")
    data["profiles"] = ids
    with (book / "book.yaml").open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)
    locales = where / "locales"
    shutil.copytree(ROOT / "locales" / BOOK, locales / BOOK)
    for loc in sorted({loc for e in editions for loc in LOCALES[e]}):
        shutil.copytree(ROOT / "locales" / loc / "LC_MESSAGES" / BOOK, locales / loc / "LC_MESSAGES" / BOOK)
    for new in ids:
        old = re.sub(r"-\d+$", "", new) if new not in base else new
        if new == old:
            continue
        text = (SAMPLE / "profiles" / f"{old}.yaml").read_text(encoding="utf-8")
        (book / "profiles" / f"{new}.yaml").write_text(text.replace(f"\nid: {old}\n", f"\nid: {new}\n", 1),
                                                       encoding="utf-8")
        shutil.copyfile(locales / BOOK / f"{old}.pot", locales / BOOK / f"{new}.pot")
        for loc in sorted({loc for e in editions for loc in LOCALES[e]}):
            folder = locales / loc / "LC_MESSAGES" / BOOK
            shutil.copyfile(folder / f"{old}.po", folder / f"{new}.po")
    return book


class TreeMemory:
    """The process tree of ``pid`` sampled from /proc every ``every`` seconds (in a thread): each process's
    largest resident set, and the largest sums over the tree at one moment (RSS counts the pages forked
    workers share with their parent once per process; PSS divides them among the processes sharing them)."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import threading

        self.pid, self.every = pid, every
        self.peaks: dict[int, float] = {}
        self.sum_rss = self.sum_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat[stat.rindex(")") + 2:].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            rss = pss = 0.0
            for pid in self._tree():
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                fields = {line.split(":")[0]: float(line.split()[1]) / 1024 for line in rollup.splitlines()[1:]
                          if line.endswith("kB")}
                rss, pss = rss + fields.get("Rss", 0.0), pss + fields.get("Pss", 0.0)
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), fields.get("Rss", 0.0))
            self.sum_rss, self.sum_pss = max(self.sum_rss, rss), max(self.sum_pss, pss)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join()
        return {"processes_sampled": len(self.peaks), "sum_rss_mb": round(self.sum_rss, 1),
                "sum_pss_mb": round(self.sum_pss, 1)}


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    """Wall and CPU seconds (user + system of the process and every descendant it waited for), peak RSS
    (``rss_mb``: the largest single process of the tree, from wait4's rusage; ``memory``: the sampled sums)
    and timed stderr lines of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid)
    lines = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append((time.perf_counter() - start, line.rstrip("\n")))
    memory = sampler.stop()   # before the wait: /proc/<pid> goes with it
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n" + "\n".join(t for _, t in lines[-20:]))
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "memory": memory, "lines": lines}


def per_file(lines: list[tuple[float, str]]) -> dict[str, float]:
    """Each stage's share of a --jobs 1 build (``edition: stage (detail)`` progress lines): the time since
    the previous line."""
    out, previous = {}, 0.0
    for at, text in lines:
        if re.match(r"[\w-]+: ", text):
            out[text] = round(at - previous, 2)
        previous = at
    return out


def pages(out: Path) -> int:
    import pikepdf

    total = 0
    for pdf in sorted(out.rglob("*.pdf")):
        with pikepdf.open(pdf) as doc:
            total += len(doc.pages)
    return total


def intermediate(book: Path, out: Path) -> list[tuple[Path, Path, Path]]:
    """The HTML and CSS `publish build` renders, as files: bench/run.py's, for this book and its own cache."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import intermediate as files

    return files(out, book, cache=None)


RELEASE_TIMED = r"""
import json, sys, time
from publish.release import bundle, gate
timers = {}
marks = {}
started = time.perf_counter()
def timed(name, fn):
    def wrapper(*a, **k):
        start = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timers[name] = timers.get(name, 0.0) + time.perf_counter() - start
            marks[name + "_end"] = time.perf_counter() - started
    return wrapper
def wrap(module, attr, name):
    if hasattr(module, attr):
        setattr(module, attr, timed(name, getattr(module, attr)))
# the validators, wherever this version of the toolkit calls them from (the release's threads run them
# at once, so their sum can exceed the wall time they take)
from publish.release import certify, pdfcheck, preflight, validators
wrap(certify, "epubcheck", "epubcheck"); wrap(certify, "ace", "ace")
for name in ("check_pdf", "print_preflight", "pdfcpu_strict", "matterhorn"):
    wrap(bundle, name, name.replace("check_pdf", "pdf_checks"))
try:
    from publish.release import servers
    wrap(servers.EpubCheckServer, "check", "epubcheck"); wrap(servers.AceServer, "check", "ace")
    wrap(pdfcheck, "check_pdf", "pdf_checks"); wrap(validators, "matterhorn", "matterhorn")
    wrap(preflight, "print_preflight", "print_preflight"); wrap(preflight, "pdfcpu_strict", "pdfcpu_strict")
except ImportError:
    pass
gate.catalogues = timed("catalogue_gate", gate.catalogues)
bundle.build = timed("build", bundle.build)
from publish.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    with open(sys.argv[1], "w") as fp:
        json.dump({"timers": timers, "marks": marks, "wall": time.perf_counter() - started}, fp)
"""


def release(book: Path, env: dict[str, str], work: Path) -> dict[str, Any]:
    script = work / "release_timed.py"
    script.write_text(RELEASE_TIMED, encoding="utf-8")
    figures: dict[str, Any] = {}
    for name in ("full", "noop"):
        stages = work / f"stages-{name}.json"
        args = ["release", str(book), "--version", "bench", "--draft", "--jobs", "2"]
        if name == "noop":   # the command itself: the timing wrappers would import every validator first
            r = run([str(VENV / "publish"), *args], book.parent.parent, env)
            figures["release_noop_s"], figures["release_noop_cpu_s"] = round(r["wall"], 2), round(r["cpu"], 2)
            continue
        r = run([sys.executable, str(script), str(stages), *args], book.parent.parent, env)
        timed = json.loads(stages.read_text(encoding="utf-8"))
        figures[f"release_{name}_s"] = round(r["wall"], 2)
        figures[f"release_{name}_cpu_s"] = round(r["cpu"], 2)
        figures[f"release_{name}_stages_s"] = {k: round(v, 2) for k, v in sorted(timed["timers"].items())}
        if name == "full":
            marks = timed["marks"]
            # what the release spends after its build returned: validators not overlapped with building, and
            # the bundle (in-process clock: from the command's start, without the interpreter's start-up)
            figures["release_full_after_build_s"] = round(timed["wall"] - marks.get("build_end", 0.0), 2)
            figures["release_full_after_build_share"] = round(figures["release_full_after_build_s"] / timed["wall"], 3)
    stages = figures["release_full_stages_s"]
    validators = sum(stages.get(k, 0.0) for k in ("epubcheck", "pdf_checks", "print_preflight", "pdfcpu_strict", "ace",
                                                    "matterhorn"))
    figures["validators_s"] = round(validators, 2)
    figures["validators_share"] = round(validators / figures["release_full_s"], 3)
    return figures


def validators_before(cache: Path, env: dict[str, str]) -> dict[str, float]:
    """The previous release code's validators on the same artifacts: pdffonts + qpdf --check per PDF, then
    one default JVM per EPUB, as many at once as there are CPUs (its ThreadPoolExecutor)."""
    from concurrent.futures import ThreadPoolExecutor

    from publish.release.validators import _jar

    entries = sorted(p.parent for p in (cache / "editions").glob("*/result.json"))
    pdfs = [p for e in entries for p in (e / "print.pdf", e / "pdf.pdf", e / "cover.pdf") if p.is_file()]  # not ace.pdf
    epubs = [p for e in entries for p in sorted(e.glob("*.epub"))]
    start = time.perf_counter()
    for pdf in pdfs:
        subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True)
        subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True)
    tools = time.perf_counter() - start

    def one(path: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["java", "-jar", str(_jar()), str(path), "--json", str(Path(tmp) / "r.json")],
                           capture_output=True, timeout=900)
            if not (Path(tmp) / "r.json").is_file():
                raise SystemExit(f"EPUBCheck did not run on {path}")

    assert pdfs and epubs, f"no cached artifacts under {cache}"
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, min(len(epubs), os.cpu_count() or 1))) as pool:
        list(pool.map(one, epubs))
    jvms = time.perf_counter() - start
    return {"pdffonts_qpdf_s": round(tools, 2), "epubcheck_jvm_per_file_s": round(jvms, 2),
            "total_s": round(tools + jvms, 2)}


def tagged_write(book: Path) -> dict[str, Any]:
    """The en digital PDF's write with and without the page_references cache, on one layout."""
    import pydyf
    from weasyprint import CSS, HTML

    from publish.build import prepare
    from publish.project import load_project
    from publish.render.pdf import DOCUMENT_CSS, FORMATS, STYLES
    from publish.render.weasy import cached_page_references, language_tags
    from publish.sources import load_book
    from publish.theme import resolve

    project = load_project(book)
    sources = load_book(book)
    theme = resolve(project, sources)
    edition = next(e for e in sources.book.editions if e.id == "en")
    p = prepare(project, sources, edition, theme, draft=False)
    fmt = FORMATS["pdf"]
    html = p.html.replace("<head>", f"<head><style>{DOCUMENT_CSS}</style>", 1)
    sheets = [CSS(filename=str(STYLES / "book.css")), CSS(string=fmt.page_css(sources.book.trim) + p.css)]
    document = HTML(string=html, base_url=str(book) + "/").render(stylesheets=sheets)
    original = pydyf.PDF.__dict__["page_references"]
    calls = [0]

    def counting(self: Any) -> Any:  # noqa: ANN401
        calls[0] += 1
        return original.fget(self)

    results: dict[str, Any] = {"pages": len(document.pages)}
    outputs = {}
    pydyf.PDF.page_references = property(counting)  # type: ignore[method-assign,assignment]
    try:
        for name, cached in (("before", False), ("after", True), ("before_again", False), ("after_again", True)):
            out = io.BytesIO()
            calls[0] = 0
            start = time.perf_counter()
            with language_tags(document.metadata.lang or ""):
                if cached:
                    with cached_page_references():
                        document.write_pdf(out, **fmt.options(b"bench"))  # type: ignore[arg-type]
                else:
                    document.write_pdf(out, **fmt.options(b"bench"))  # type: ignore[arg-type]
            results[f"{name}_s"] = round(time.perf_counter() - start, 2)
            results[f"{name}_page_reference_reads"] = calls[0]
            outputs[name] = out.getvalue()
    finally:
        pydyf.PDF.page_references = original  # type: ignore[method-assign]
    results["same_bytes"] = len({outputs[k] for k in outputs}) == 1
    best_before = min(results["before_s"], results["before_again_s"])
    best_after = min(results["after_s"], results["after_again_s"])
    results["ratio_after_before"] = round(best_after / best_before, 3)
    results["ms_per_page_before"] = round(1000 * best_before / len(document.pages), 2)
    results["ms_per_page_after"] = round(1000 * best_after / len(document.pages), 2)
    return results


def resource_entries(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return sum(len((page.obj.get("/Resources") or {}).get("/XObject") or {}) for page in doc.pages)


def measure(size: int, editions: tuple[str, ...], stages: set[str], env: dict[str, str],
            paths: tuple[str, ...] = tuple(PATHS)) -> dict[str, Any]:
    figures: dict[str, Any] = {"profiles": size, "editions": list(editions)}
    with tempfile.TemporaryDirectory(prefix=f"publish-scale-{size}-") as tmp:
        work = Path(tmp)
        book = make_project(work / "project", size, editions)
        cache = work / "project" / ".publish-cache"
        publish = [str(VENV / "publish"), "build", str(book)]
        if stages & {"build", "jobs2", "release"}:
            figures["paths"] = {}
            for path in paths:
                figures["paths"][path] = done_path(PATHS[path], publish, book, cache, work, env, stages)
                print(json.dumps({"profiles": size, path: figures["paths"][path]}), file=sys.stderr, flush=True)
        if "bare" in stages:
            shutil.rmtree(cache, ignore_errors=True)   # every build below but the no-op starts from no cache
            r = run([*publish, "-f", "print", "-f", "pdf", "--jobs", "1", "--out", str(work / "b1")], work, env)
            figures["pages"] = pages(work / "b1")
            figures["build_pdf_jobs1_s"] = round(r["wall"], 2)
            figures["build_pdf_jobs1_cpu_s"] = round(r["cpu"], 2)
            figures["ms_per_page"] = round(1000 * r["wall"] / figures["pages"], 1)
            figures["cpu_ms_per_page"] = round(1000 * r["cpu"] / figures["pages"], 1)
            figures["print_page_resource_entries"] = resource_entries(
                next((work / "b1").rglob("*-en.print.pdf")))
            jobs = intermediate(book, work)

            def bare() -> dict[str, float]:
                wall = cpu = 0.0
                for html, css, pdf in jobs:
                    variant = "pdf/x-4" if ".print." in html.name else "pdf/ua-1"
                    w = run([str(VENV / "weasyprint"), "-q", "-s", str(css), "--base-url", str(book),
                             "--pdf-variant", variant, str(html), str(pdf)], work, env)
                    wall, cpu = wall + w["wall"], cpu + w["cpu"]
                return {"wall": wall, "cpu": cpu}

            b = bare()
            figures["weasyprint_s"] = round(b["wall"], 2)
            figures["weasyprint_cpu_s"] = round(b["cpu"], 2)
            figures["ratio"] = round(r["wall"] / b["wall"], 3)
            figures["cpu_ratio"] = round(r["cpu"] / b["cpu"], 3)
            for jobs_n in (1, 2):
                shutil.rmtree(cache, ignore_errors=True)
                r = run([*publish, "--jobs", str(jobs_n), "--out", str(work / f"all{jobs_n}")], work, env)
                figures[f"build_jobs{jobs_n}_s"] = round(r["wall"], 2)
                figures[f"build_jobs{jobs_n}_cpu_s"] = round(r["cpu"], 2)
                figures[f"build_jobs{jobs_n}_peak_rss_mb"] = round(r["rss_mb"], 1)
                if jobs_n == 1:
                    figures["per_file_s"] = per_file(r["lines"])
            figures["jobs2_speedup"] = round(figures["build_jobs1_s"] / figures["build_jobs2_s"], 3)
            r = run([*publish, "--jobs", "2", "--out", str(work / "all2")], work, env)   # nothing changed
            figures["build_noop_s"] = round(r["wall"], 2)
            profile = sorted((book / "profiles").glob("*.yaml"))[0]
            text = profile.read_text(encoding="utf-8")
            m = re.search(r"\n( +- )([A-Z][^\n]{40,})\n", text)   # the first paragraph of prose
            assert m is not None
            profile.write_text(text.replace(m.group(0), f"\n{m.group(1)}{m.group(2)} Edited.\n", 1), encoding="utf-8")
            r = run([*publish, "--jobs", "2", "--out", str(work / "all2")], work, env)
            figures["build_one_paragraph_s"] = round(r["wall"], 2)
            figures["build_one_paragraph_share"] = round(r["wall"] / figures["build_jobs2_s"], 3)
        if "validators" in stages:
            shutil.rmtree(cache, ignore_errors=True)   # a full release: nothing built before
            figures.update(release(book, env, work))
            figures["validators_before_s"] = validators_before(work / "project" / ".publish-cache", env)
        if "tagged" in stages:
            figures["tagged_write"] = tagged_write(book)
    return figures


def edit_paragraph(book: Path) -> tuple[Path, str]:
    """One paragraph of prose of the middle profile edited in the copy (a real YAML edit); the file and its
    text before."""
    profiles = sorted((book / "profiles").glob("*.yaml"))
    profile = profiles[len(profiles) // 2]
    original = profile.read_text(encoding="utf-8")
    m = re.search(r"\n( +- )([A-Z][^\n]{40,})\n", original)   # the first paragraph of prose
    assert m is not None, profile
    profile.write_text(original.replace(m.group(0), f"\n{m.group(1)}{m.group(2)} Edited.\n", 1), encoding="utf-8")
    return profile, original


def done_path(mode: str, publish: list[str], book: Path, cache: Path, work: Path, env: dict[str, str],
              stages: set[str]) -> dict[str, Any]:
    """One layout path's Done-when figures: every format at ``--jobs 1`` from an empty cache (CPU, memory,
    pages), the same build again (no-op), after one edited paragraph, optionally at ``--jobs 2`` from an
    empty cache (memory with workers) and the release (full, then no-op)."""
    run_env = {**env, "PUBLISH_PARTS": mode}
    out: dict[str, Any] = {}
    target = work / f"out-{mode}"
    if "build" in stages:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
        full = run([*publish, "--jobs", "1", "--out", str(target)], work, run_env)
        out["pages"] = pages(target)
        out.update(full_s=round(full["wall"], 2), full_cpu_s=round(full["cpu"], 2),
                   cpu_ms_per_page=round(1000 * full["cpu"] / out["pages"], 1),
                   ms_per_page=round(1000 * full["wall"] / out["pages"], 1),
                   peak_rss_max_process_mb=round(full["rss_mb"], 1), memory=full["memory"],
                   per_stage_s=per_file(full["lines"]),
                   bytes=sum(f.stat().st_size for f in target.rglob("*") if f.is_file()))
        noop = run([*publish, "--jobs", "1", "--out", str(target)], work, run_env)
        out.update(noop_s=round(noop["wall"], 2), noop_cpu_s=round(noop["cpu"], 2))
        profile, original = edit_paragraph(book)
        try:
            edit = run([*publish, "--jobs", "1", "--out", str(target)], work, run_env)
        finally:
            profile.write_text(original, encoding="utf-8")
        out.update(one_paragraph_s=round(edit["wall"], 2), one_paragraph_cpu_s=round(edit["cpu"], 2),
                   one_paragraph_share=round(edit["wall"] / full["wall"], 3),
                   one_paragraph_cpu_share=round(edit["cpu"] / full["cpu"], 3),
                   one_paragraph_peak_rss_mb=round(edit["rss_mb"], 1),
                   one_paragraph_stages_s=per_file(edit["lines"]))
        partial(out, "build")
    if "jobs2" in stages:
        shutil.rmtree(cache, ignore_errors=True)
        two = run([*publish, "--jobs", "2", "--out", str(work / f"out2-{mode}")], work, run_env)
        out["jobs2"] = {"full_s": round(two["wall"], 2), "full_cpu_s": round(two["cpu"], 2),
                        "peak_rss_max_process_mb": round(two["rss_mb"], 1), "memory": two["memory"]}
        if "full_s" in out:
            out["jobs2"]["speedup"] = round(out["full_s"] / two["wall"], 3)
        partial(out, "jobs2")
    if "release" in stages:
        shutil.rmtree(cache, ignore_errors=True)   # a full release: nothing built before
        out["release"] = release(book, run_env, work)
    return out


def partial(figures: dict[str, Any], stage: str) -> None:
    """A stage's figures on stderr as soon as they are measured (a run stopped later keeps them)."""
    print(json.dumps({"after_stage": stage, **figures}), file=sys.stderr, flush=True)


def verdicts(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Each Done-when item of issue 18 per path and size: the measured value, the target, pass or fail. Peak
    memory is the largest single process (parent or worker, --jobs 1 and, when measured, --jobs 2); the sum
    over the tree at one moment is reported beside it."""
    five = next((r for r in sizes if r["profiles"] == 5), None)
    out: dict[str, Any] = {}
    for r in sizes:
        for path, figures in r.get("paths", {}).items():
            items: dict[str, Any] = {}

            def item(name: str, value: float | None, target: float | None, items: dict[str, Any] = items,
                     **extra: Any) -> None:  # noqa: ANN401
                ok = None if value is None or target is None else value <= target
                items[name] = {"value": value, "target": f"<= {target}" if target is not None else None,
                               "pass": ok, **extra}

            if "cpu_ms_per_page" in figures:
                base = five["paths"].get(path, {}).get("cpu_ms_per_page") if five else None
                item("ms_per_page_vs_5", round(figures["cpu_ms_per_page"] / base, 3) if base else None,
                     TARGETS["ms_per_page_vs_5"], ms_per_page_cpu=figures["cpu_ms_per_page"], five_profiles=base,
                     basis="CPU ms per PDF page, --jobs 1, ratio to 5 profiles (faster counts as within)")
                peaks = [figures["peak_rss_max_process_mb"]] + \
                    ([figures["jobs2"]["peak_rss_max_process_mb"]] if "jobs2" in figures else [])
                totals = [figures["memory"]["sum_rss_mb"]] + \
                    ([figures["jobs2"]["memory"]["sum_rss_mb"]] if "jobs2" in figures else [])
                item("peak_memory_mb", max(peaks), TARGETS["peak_memory_mb"], total_sum_rss_mb=max(totals),
                     basis="largest single process RSS (wait4), --jobs 1" + (" and 2" if "jobs2" in figures else ""))
                item("one_paragraph_share", figures["one_paragraph_cpu_share"], TARGETS["one_paragraph_share"],
                     wall_share=figures["one_paragraph_share"], basis="CPU of the rebuild / CPU of the full build")
                item("noop_build_s", figures["noop_s"], TARGETS["noop_build_s"], basis="wall, --jobs 1")
            if "release" in figures:
                target = TARGETS["release_noop_s"].get(r["profiles"])
                item("release_noop_s", figures["release"]["release_noop_s"], target, basis="wall")
            out[f"{path}@{r['profiles']}"] = items
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,20,50,100", help="profile counts, multiples of 5 (default: %(default)s)")
    parser.add_argument("--editions", default=",".join(EDITIONS), help="default: %(default)s")
    parser.add_argument("--stages", default="build,jobs2,release",
                        help="what to measure, per path: build (--jobs 1 full, no-op, one edited paragraph), jobs2 "
                             "(--jobs 2 full: memory with workers), release (full, no-op); once: bare (against bare "
                             "WeasyPrint, --jobs 2 speed-up), validators (old against new), tagged (the tagged "
                             "write) (default: %(default)s)")
    parser.add_argument("--paths", default=",".join(PATHS), help="layout paths (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if any(s <= 0 or s % 5 for s in sizes):
        parser.error("--sizes: multiples of 5")
    editions = tuple(e for e in args.editions.split(",") if e)
    paths = tuple(p for p in args.paths.split(",") if p)
    if set(paths) - set(PATHS):
        parser.error(f"--paths: known {', '.join(PATHS)}")
    unknown = set(editions) - set(LOCALES)
    if unknown:
        parser.error(f"--editions: known {', '.join(LOCALES)}")
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    load_before = os.getloadavg()
    started = time.perf_counter()
    results = []
    for size in sizes:
        results.append(measure(size, editions, set(args.stages.split(",")), env, paths))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)   # each size as soon as it is measured
    result = {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
              "loadavg_after": [round(x, 2) for x in os.getloadavg()],
              "total_s": round(time.perf_counter() - started, 1), "date": time.strftime("%Y-%m-%d"),
              "done_when": verdicts(results), "sizes": results}
    for where, items in result["done_when"].items():   # type: ignore[union-attr]
        print(f"{where}: " + ", ".join(f"{k} {v['value']} ({v['target']}: "
                                       f"{'pass' if v['pass'] else 'FAIL' if v['pass'] is False else 'n/a'})"
                                       for k, v in items.items()), file=sys.stderr)
    text = json.dumps(result)
    target = args.json or ROOT / "bench" / "results" / \
        f"scale-{'-'.join(map(str, sizes))}-{time.strftime('%Y-%m-%d-%H%M')}.json"
    target.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"figures in {target}", file=sys.stderr)
    print(text)


if __name__ == "__main__":
    main()
