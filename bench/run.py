"""See bench/run. Builds every edition of the sample book as print and digital PDF:

- toolkit_s: `publish build --jobs 1` (localisation, templates, glyph gate, rendering, post-processing);
- weasyprint_s: the bare `weasyprint` command on the same intermediate HTML and stylesheets, one process
  per file (what a Makefile calling WeasyPrint would do);
- jobs2_s: `publish build --jobs 2`;
- on a copy of the project: check_s (`publish check`) beside refused_release_s (`publish release` without
  --draft, which the gate refuses before building); build_draft_s then noop_build_s (`publish build --draft`
  twice); release_after_build_s (`publish release --draft` right after: everything from the build's edition
  cache, validated once); release_noop_s; release_one_catalogue_s (after a change to one zh_Hant catalogue:
  only zh-Hant is rebuilt).
- release_full_s / release_full_cpu_s: `publish release --draft` on a copy of the project with an empty
  cache (every edition built, then validated), wall and CPU; validators: each release validator's wall and
  CPU seconds and the processes it started, from the release's own meter (publish.release.meter, written
  to PUBLISH_METER): child processes by their wait4 usage (EPUBCheck's JVM, Ace's Node with its Chromium,
  Ghostscript, pdfcpu, poppler), threads by their CPU clock (fonts, structure, Matterhorn, the preflight's
  pikepdf walks, certification); jvms / browsers: the EPUBCheck and Ace processes started.
  The validators' share, both ways:
  validators_cpu_share = the validators' CPU (processes and threads) ÷ the CPU of the whole release;
  validators_wall_share = the wall time the release spends after its last edition is built (the build
  returned) until it ends ÷ its wall time (the validators that do not overlap the build, and the bundle).
  `--only release` measures just these (and skips the build benchmark).
Each figure is the best of --repeat runs (default 3; the three commands in turn, round after round, each round's
figures kept under "rounds") on a warm disk cache; every toolkit build starts from an empty edition cache (else
the second run would only copy the first one's files). The *_cpu_s figures are the user + system time of the
process tree (the machine may be shared: compare those and the ratios), with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "books" / "shanghai-doctors"
VENV = ROOT / ".venv" / "bin"


CPU: list[float] = []
"""The CPU seconds (user + system, children) of each :func:`timed` command, in order."""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    import resource
    import shutil

    if cmd[1:2] == ["build"]:   # from an empty edition cache (and no stamp of a previous build), every time
        for folder in ("editions", "stamps"):
            shutil.rmtree(ROOT / ".publish-cache" / folder, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def intermediate(out: Path, book: Path = BOOK, cache: Path | None = None) -> list[tuple[Path, Path, Path]]:
    """The HTML and CSS `publish build` renders, written to files: (html, css, pdf) per job."""
    sys.path.insert(0, str(ROOT / "src"))
    from dataclasses import replace

    from publish.build import prepare
    from publish.project import load_project
    from publish.render.pdf import DOCUMENT_CSS, FORMATS, STYLES
    from publish.sources import load_book
    from publish.theme import resolve

    project = load_project(book)
    project = replace(project, cache=cache or out / "cache")
    sources = load_book(book)
    theme = resolve(project, sources)
    jobs = []
    for edition in sources.book.editions:
        p = prepare(project, sources, edition, theme, draft=False)
        for fmt in ("print", "pdf"):
            html = out / f"{edition.id}.{fmt}.html"
            style = f"<style>{DOCUMENT_CSS}{FORMATS[fmt].colour_css()}</style>"
            html.write_text(p.html.replace("<head>", f"<head>{style}", 1), encoding="utf-8")
            css = out / f"{edition.id}.{fmt}.css"
            css.write_text((STYLES / "book.css").read_text(encoding="utf-8")
                           + FORMATS[fmt].page_css(sources.book.trim) + p.css, encoding="utf-8")
            jobs.append((html, css, out / f"{edition.id}.{fmt}.pdf"))
    return jobs


def release_figures(out: Path, env: dict[str, str]) -> dict[str, float]:
    """The editor's loop on a copy of the project (its own cache, catalogues and dist/)."""
    import shutil

    work = out / "release"
    work.mkdir()
    for name in ("publish.toml", "books", "locales"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile)(ROOT / name, work / name)
    publish = str(VENV / "publish")
    release = [publish, "release", "shanghai-doctors", "--version", "bench", "-q"]

    def run(cmd: list[str], code: int = 0) -> float:
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert done.returncode == code, (cmd, done.returncode)
        return time.perf_counter() - start

    full = release_full(work, env)
    shutil.rmtree(work / ".publish-cache", ignore_errors=True)
    check = run([publish, "check", "shanghai-doctors"])
    refused = run(release, code=5)                      # the gate refuses before building anything
    build = run([publish, "build", "shanghai-doctors", "--draft", "-q"])
    noop_build = run([publish, "build", "shanghai-doctors", "--draft", "-q"])
    after_build = run([*release, "--draft"])            # takes every edition from the build's cache
    noop = run([*release, "--draft"])
    po = work / "locales" / "zh_Hant" / "LC_MESSAGES" / "shanghai-doctors" / "book.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('\nmsgid "Lives in Medicine"\n', '\n# bench: a translator\'s comment\n'
                               'msgid "Lives in Medicine"\n', 1), encoding="utf-8")
    one = run([*release, "--draft"])
    return {"check_s": round(check, 2), "refused_release_s": round(refused, 2), "build_draft_s": round(build, 2),
            "noop_build_s": round(noop_build, 2), "release_after_build_s": round(after_build, 2),
            "release_noop_s": round(noop, 2), "release_one_catalogue_s": round(one, 2), **full}


def release_full(work: Path, env: dict[str, str]) -> dict[str, object]:
    """`publish release --draft` from an empty cache in the project copy ``work``, with its validators'
    meter (the figures of the module docstring)."""
    import resource
    import shutil

    shutil.rmtree(work / ".publish-cache", ignore_errors=True)
    shutil.rmtree(work / "dist", ignore_errors=True)
    report = work / "meter.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(VENV / "publish"), "release", "shanghai-doctors", "--version", "bench", "-q", "--draft"],
                   check=True, cwd=work, env={**env, "PUBLISH_METER": str(report)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, end_clock = time.perf_counter() - start, time.time()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    data = json.loads(report.read_text(encoding="utf-8"))
    validators = data["validators"]
    # processes the release's children did not reap (Chromium's zygotes go to init): missing from the release's
    # own usage as from the validator's; the meter adds them to the validator, here to the release
    unreaped = sum(v.get("unreaped_cpu_s", 0.0) for v in validators.values())
    cpu += unreaped
    validators_cpu = sum(v["cpu_s"] for v in validators.values())
    by_tool: dict[str, float] = {}
    for name, v in validators.items():   # "ghostscript (margins)" and the like under one tool
        tool = name.split(" (")[0].removesuffix(" requests")
        by_tool[tool] = by_tool.get(tool, 0.0) + v["cpu_s"]
    after_build = end_clock - data["marks"]["builds_done"]
    return {"release_full_s": round(wall, 2), "release_full_cpu_s": round(cpu, 2),
            "release_full_after_build_s": round(after_build, 2),
            "validators_cpu_s": round(validators_cpu, 2), "unreaped_cpu_s": round(unreaped, 2),
            "validators_cpu_share": round(validators_cpu / cpu, 3),
            "validators_wall_share": round(after_build / wall, 3),
            "jvms": validators.get("epubcheck", {}).get("processes", 0),
            "browsers": validators.get("ace", {}).get("processes", 0),
            "validators_cpu_by_tool_s": {k: round(v, 2) for k, v in sorted(by_tool.items())},
            "validators": validators, "release_loadavg": [round(x, 2) for x in os.getloadavg()]}


def only_release(env: dict[str, str]) -> dict[str, object]:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "release"
        work.mkdir()
        for name in ("publish.toml", "books", "locales"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile)(ROOT / name, work / name)
        return {"loadavg_before": [round(x, 2) for x in os.getloadavg()], **release_full(work, env)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["release"], help="measure only the full release and its validators")
    args = parser.parse_args()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1748908800"}
    if args.only == "release":
        print(json.dumps(only_release(env)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        jobs = intermediate(out)
        load_before = os.getloadavg()
        publish = [str(VENV / "publish"), "build", str(BOOK), "--out", str(out / "build"), "-f", "print", "-f", "pdf"]

        def bare() -> tuple[float, float]:
            start = len(CPU)
            wall = sum(timed([str(VENV / "weasyprint"), "-q", "-s", str(css), "--base-url", str(BOOK),
                              *(["--pdf-variant", "pdf/x-4"] if ".print." in html.name else
                                ["--pdf-variant", "pdf/ua-1"]), str(html), str(pdf)], env)
                       for html, css, pdf in jobs)
            return wall, sum(CPU[start:])

        # in rounds (--jobs 1, --jobs 2, bare WeasyPrint, again): the machine's speed drifts by ±10% over minutes,
        # and a drift then weighs on the three alike instead of on whichever ran last
        runs, runs2, bares = [], [], []
        for _ in range(args.repeat):
            runs.append((timed([*publish, "--jobs", "1"], env), CPU[-1]))
            runs2.append(timed([*publish, "--jobs", "2"], env))
            bares.append(bare())
        toolkit, toolkit_cpu = min(r[0] for r in runs), min(r[1] for r in runs)
        jobs2 = min(runs2)
        weasy, weasy_cpu = min(b[0] for b in bares), min(b[1] for b in bares)
        load_after = os.getloadavg()
        releases = release_figures(out, env)
    rounds = [{"jobs1_s": round(r[0], 2), "jobs2_s": round(j2, 2), "weasyprint_s": round(b[0], 2)}
              for r, j2, b in zip(runs, runs2, bares, strict=True)]
    result = {"files": len(jobs), "rounds": rounds, "toolkit_s": round(toolkit, 2), "weasyprint_s": round(weasy, 2),
              "ratio": round(toolkit / weasy, 3), "toolkit_cpu_s": round(toolkit_cpu, 2),
              "weasyprint_cpu_s": round(weasy_cpu, 2), "cpu_ratio": round(toolkit_cpu / weasy_cpu, 3),
              "jobs2_s": round(jobs2, 2), "jobs2_speedup": round(toolkit / jobs2, 3), "cpus": os.cpu_count(),
              "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
              **releases}
    print(f"publish build --jobs 1: {toolkit:.2f} s; bare weasyprint (one process per file): {weasy:.2f} s; "
          f"--jobs 2: {jobs2:.2f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
