"""Measure a book PDF's Chinese (and English) typesetting against W3C clreq, from its line boxes.

Engine-agnostic: it reads only the PDF (PyMuPDF's characters with their origins), so the same
figures can be taken of any renderer's output. Per edition it reports:

- ``prohibited``: lines starting with a closing mark or ending with an opening mark (clreq 3.1.7);
- ``short``: body lines, not the last of their paragraph, ending more than 0.5 em before the column
  edge (share of such lines in ``short_share``; mean and max shortfall in em);
- ``uncompressed``: adjacent full-width marks (。” ，“ …) still set 2 em wide (clreq 3.1.6: 1.5 em);
  ``pairs_at_line_end``: pairs ending a line with a full-width first mark (not measurable);
- ``single_last``: paragraphs whose last line holds one Han character (punctuation aside);
- ``start_space`` / ``end_space``: a line starting (ending) with a Latin run pushed in (out) by the
  quarter-em CJK–Latin space;
- ``past_edge``: lines reaching more than 0.05 em past the column edge (a line ending in a closing
  mark ends half an em after the mark's origin: its blank half may be cut at the line end); a line
  across both columns of the bilingual edition (a speaker label above its pair: nothing of the other
  column beside it) is held to the far column's edge instead;
- ``unindented``: paragraphs (found after a heading or a vertical gap) whose first line has no indent
  (a bold line of its own without closing punctuation is a label, not a paragraph);
- ``hyphen_runs``: English: runs of three or more consecutive hyphenated lines (``hyphenated``: lines
  ending with a hyphen after a letter);
- ``heading_orphans``: Chinese headings whose last line is a single Han character;
- ``loose``: Chinese body lines justified with more than a quarter em between Han characters;
- ``foot_headings`` / ``foot_labels``: pages ending on a heading, or on a bold body-size line (an
  interview speaker label or question) whose text goes on on the next page in roman.

Columns: a line is Chinese when a third of its characters are CJK, or when it has two and starts
in the Chinese column. Column edges are the most common
left and right ends of that language's body lines on left and right pages (the contents pages,
found by their leaders, are left out) (Han lines fill the
column, so the mode is the edge). Body lines are the lines in the language's body size (its most
common size) beginning within 2.6 em of the column's left edge (centered display lines and the
contents' leaders are left out). Paragraph starts: the first body line after a gap of more than 1.4
line pitches or after other text (a heading), or an indented line; a short line ending in
sentence-final punctuation is taken to end its paragraph too.

Run: ``python tests/typeset/measure.py PDF [PDF…]`` (JSON per file, ``--text`` for a table).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

CLOSING = set("，。、；：？！）」』”’〉》】〕·%")
OPENING = set("（「『“‘〈《【〔")
FULLWIDTH_MARKS = set("，。、；：？！）」』”’〉》】〕（「『“‘〈《【〔")
CLOSING_MARKS = set("，。、；：？！）」』”’〉》】〕")
FINAL = set("。！？”’」』）…：")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x3400 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF or ch in "“”‘’…—·")


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or "\u00c0" <= ch <= "\u024f"


@dataclass
class Line:
    page: int
    x0: float
    x1: float
    y: float            # baseline
    size: float
    text: str
    origins: list[float]
    lang: str = ""
    bold: bool = False  # most of its characters in a bold face

    @property
    def em(self) -> float:
        return self.size


@dataclass
class Figures:
    lines: int = 0
    prohibited: int = 0
    short: int = 0
    short_share: float = 0.0
    short_mean_em: float = 0.0
    short_max_em: float = 0.0
    uncompressed: int = 0
    pairs: int = 0
    pairs_at_line_end: int = 0
    single_last: int = 0
    start_space: int = 0
    end_space: int = 0
    past_edge: int = 0
    paragraphs: int = 0
    unindented: int = 0
    hyphen_runs: int = 0
    hyphenated: int = 0
    heading_orphans: int = 0
    loose: int = 0
    foot_headings: int = 0
    foot_labels: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, line: Line) -> None:
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < 5:
            self.examples[kind].append(f"p{line.page} {line.text[:40]!r}")


def read_lines(path: Path) -> list[Line]:
    import pymupdf

    out: list[Line] = []
    with pymupdf.open(str(path)) as doc:
        for number, page in enumerate(doc, 1):
            raw = page.get_text("rawdict")
            for block in raw["blocks"]:
                for spans in _baselines(block):
                    chars = [c for span in spans for c in span["chars"]]
                    sizes = Counter(round(span["size"], 1) for span in spans for _ in span["chars"])
                    heavy = sum(len(span["chars"]) for span in spans
                                if span["flags"] & 16 or "bold" in span["font"].lower())
                    while chars and chars[0]["c"].isspace():
                        chars.pop(0)
                    while chars and chars[-1]["c"].isspace():
                        chars.pop()
                    if not chars:
                        continue
                    out.append(Line(number, chars[0]["bbox"][0], chars[-1]["bbox"][2], chars[0]["origin"][1],
                                    sizes.most_common(1)[0][0], "".join(c["c"] for c in chars),
                                    [c["origin"][0] for c in chars], bold=2 * heavy > sum(sizes.values())))
    for line in out:
        cjk = sum(is_cjk(ch) for ch in line.text)
        line.lang = "zh" if cjk * 3 >= len(line.text.replace(" ", "")) else "en"
    return out


def _baselines(block: dict) -> list[list[dict]]:
    """The spans of a text block's horizontal lines, fragments on one baseline joined: PyMuPDF splits a
    line where a gap is wide (a loosely justified line "然 · 通 讯 》（ Nature" comes as six lines)."""
    rows: list[list[dict]] = []
    last_y, last_size = None, 0.0
    for line in block.get("lines", ()):
        spans = [span for span in line["spans"] if span["chars"]]
        if not spans or line["dir"] != (1.0, 0.0):
            continue
        y, size = spans[0]["chars"][0]["origin"][1], spans[0]["size"]
        if rows and last_y is not None and abs(y - last_y) < 0.1 * max(size, last_size) \
                and spans[0]["chars"][0]["origin"][0] > rows[-1][-1]["chars"][-1]["origin"][0]:
            rows[-1].extend(spans)
        else:
            rows.append(spans)
        last_y, last_size = y, size
    return rows


def _mode(values: list[float]) -> float:
    return Counter(round(v, 1) for v in values).most_common(1)[0][0]


def measure(path: Path, langs: tuple[str, ...] = ("zh", "en")) -> dict[str, Figures]:
    lines = read_lines(path)
    # a Chinese line that is mostly Latin ("Xiaoyi、王忠敏和Huang Wei 共") still starts in the Chinese column
    left = {parity: _mode([ln.x0 for ln in lines if ln.lang == "zh" and ln.page % 2 == parity] or [0.0])
            for parity in (0, 1)}
    for ln in lines:
        if ln.lang == "en" and sum(map(is_cjk, ln.text)) >= 2 \
                and -0.2 * ln.size <= ln.x0 - left[ln.page % 2] < 2.6 * ln.size:
            ln.lang = "zh"
    return {lang: _measure_lang(lines, lang) for lang in langs
            if any(ln.lang == lang for ln in lines)}


def _measure_lang(all_lines: list[Line], lang: str) -> Figures:
    fig = Figures()
    mine = [ln for ln in all_lines if ln.lang == lang]
    body_size = _mode([ln.size for ln in mine if len(ln.text) > 10])
    dots = Counter(ln.page for ln in all_lines if ln.text in (".", ". . .") or ". . ." in ln.text)
    contents = {page for page, n in dots.items() if n >= 10}   # pages with leaders: the contents
    candidates = [ln for ln in mine if abs(ln.size - body_size) < 0.05 and ln.page not in contents]
    edges: dict[int, tuple[float, float]] = {}
    for parity in (0, 1):
        side = [ln for ln in candidates if ln.page % 2 == parity]
        if side:
            edges[parity] = (_mode([ln.x0 for ln in side]), _mode([ln.x1 for ln in side]))
    em = body_size
    body = [ln for ln in candidates if ln.x0 - edges[ln.page % 2][0] < 2.6 * em]
    body_ids = {id(ln) for ln in body}
    # what follows each body line in its column: the next line of the same language, same page or next
    order = sorted(mine, key=lambda ln: (ln.page, ln.y, ln.x0))

    def starts_paragraph(prev: Line | None, ln: Line) -> bool:
        left = edges[ln.page % 2][0]
        if ln.x0 - left > 1.2 * em:
            return True
        if prev is None or id(prev) not in body_ids:
            return True
        if prev.page == ln.page and ln.y - prev.y > 1.4 * 1.75 * em:
            return True
        return False

    # page furniture (running heads, folios: smaller than 0.82 of the body) is not "other text"
    sequence = [ln for ln in order if ln.size >= 0.82 * body_size]
    flags = []  # (line, is_start, is_last)
    for i, ln in enumerate(sequence):
        if id(ln) not in body_ids:
            continue
        prev = sequence[i - 1] if i else None
        if prev is not None and prev.page != ln.page:   # carried over from the previous page
            prev = prev if id(prev) in body_ids else None
        nxt = sequence[i + 1] if i + 1 < len(sequence) else None
        start = starts_paragraph(prev, ln)
        last = nxt is None or id(nxt) not in body_ids or starts_paragraph(ln, nxt)
        flags.append((ln, start, last))
    hyphenated_run = 0
    # the other language's lines (bilingual: the other column) and its column's far edge per page side
    others = [ln for ln in all_lines if ln.lang != lang and ln.size >= 0.82 * body_size]
    for ln, start, last in flags:
        left, right = edges[ln.page % 2]
        fig.lines += 1
        text = ln.text
        if lang == "zh":
            if text[0] in CLOSING:
                fig.prohibited += 1
                fig.note("prohibited", ln)
            if text[-1] in OPENING:
                fig.prohibited += 1
                fig.note("prohibited", ln)
            _pairs(ln, fig)
            if _han_spacing(ln) > 0.25 * em:
                fig.loose += 1
                fig.note("loose", ln)
            if is_latin(text[0]) and 0.1 * em < ln.x0 - left < 0.5 * em:
                fig.start_space += 1
                fig.note("start_space", ln)
            if is_latin(text[-1]) and not last and 0.1 * em < right - ln.x1 < 0.5 * em:
                fig.end_space += 1
                fig.note("end_space", ln)
        end = ln.x1
        if lang == "zh" and text[-1] in CLOSING_MARKS:
            # a closing mark's ink is in its first half-em: at a line end the rest may be cut (halt)
            end = ln.origins[-1] + 0.5 * em
        short_by = (right - end) / em
        if not last and short_by > 0.5 and not (text[-1] in FINAL and lang == "zh"):
            fig.short += 1
            fig.short_mean_em += short_by
            fig.short_max_em = max(fig.short_max_em, short_by)
            fig.note("short", ln)
        if end - right > 0.05 * em and not _spanning(ln, end, right, others, em):
            fig.past_edge += 1
            fig.note("past_edge", ln)
        if start and last and ln.bold and text[-1] not in FINAL | CLOSING_MARKS:
            pass   # a bold line of its own with no closing punctuation: a label (bilingual speaker)
        elif start:
            fig.paragraphs += 1
            if ln.x0 - left < 0.5 * em and lang == "zh":
                fig.unindented += 1
                fig.note("unindented", ln)
        if last and lang == "zh":
            han = [ch for ch in text if not (ch in FULLWIDTH_MARKS or ch in "…—" or ch.isspace())]
            if len(han) <= 1 and not start:
                fig.single_last += 1
                fig.note("single_last", ln)
        if lang == "en":
            if text[-1] in "-\u2010" and len(text) > 1 and text[-2].isalpha():
                fig.hyphenated += 1
                hyphenated_run += 1
                if hyphenated_run == 3:
                    fig.hyphen_runs += 1
                    fig.note("hyphen_runs", ln)
            else:
                hyphenated_run = 0
    if lang == "zh":   # headings (larger than the body) whose last line holds one Han character
        heads = [ln for ln in mine if ln.size > 1.05 * body_size]
        for prev, ln in zip(heads, heads[1:], strict=False):
            han = [ch for ch in ln.text if is_han(ch) or is_latin(ch)]
            if (len(han) == 1 and prev.page == ln.page and abs(prev.size - ln.size) < 0.05
                    and 0 < ln.y - prev.y < 2 * ln.size):
                fig.heading_orphans += 1
                fig.note("heading_orphans", ln)
    _page_feet(mine, body_size, fig)
    if fig.short:
        fig.short_mean_em = round(fig.short_mean_em / fig.short, 2)
    fig.short_max_em = round(fig.short_max_em, 2)
    fig.short_share = round(100 * fig.short / max(1, fig.lines), 1)
    return fig


def _page_feet(mine: list[Line], body_size: float, fig: Figures) -> None:
    """A heading, or a bold line (an interview speaker label, a question) ending a page while its text
    goes on on the next page: the language's lowest line of the page, page furniture aside."""
    pages: dict[int, list[Line]] = {}
    for ln in mine:
        if ln.size >= 0.82 * body_size:
            pages.setdefault(ln.page, []).append(ln)
    for number, lines in pages.items():
        following = pages.get(number + 1)
        if not following:
            continue
        foot = max(lines, key=lambda ln: ln.y)
        top = min(following, key=lambda ln: ln.y)
        if sum(abs(ln.size - body_size) < 0.05 for ln in lines) < 3:
            continue   # a display page (title, half-title): its last line is no heading left behind
        if foot.size > 1.05 * body_size:
            fig.foot_headings += 1
            fig.note("foot_headings", foot)
        elif foot.bold and abs(foot.size - body_size) < 0.05 and not top.bold:
            fig.foot_labels += 1
            fig.note("foot_labels", foot)


def _spanning(ln: Line, end: float, right: float, others: list[Line], em: float) -> bool:
    """A line across both columns (bilingual: a speaker label above its pair) is not a column line: it
    reaches past the gutter with nothing of the other column beside it, and ends within the far column
    (the edge of the other language's lines on that page)."""
    beside = [o for o in others if o.page == ln.page and abs(o.y - ln.y) < 0.6 * em and o.x0 > right]
    if beside or end - right < 0.5 * em:
        return False
    far = [o.x1 for o in others if o.page % 2 == ln.page % 2 and o.x0 > right]
    return bool(far) and end <= _mode(far) + 0.05 * em


def _han_spacing(ln: Line) -> float:
    """The line's justification spacing: the median advance between two Han characters, less 1 em."""
    text, xs = ln.text, ln.origins
    han = [xs[i + 1] - xs[i] - ln.em for i in range(len(text) - 1) if is_han(text[i]) and is_han(text[i + 1])]
    return max(0.0, statistics.median(han)) if han else 0.0


def _pairs(ln: Line, fig: Figures) -> None:
    """A pair is compressed when one of its two advances is half an em (plus the line's
    justification spacing, the median advance between two Han characters less 1 em). The advance
    of a line's last mark is not in the PDF (a ``halt`` positioning leaves the font's width), so a
    pair ending a line whose first mark is full-width is counted apart, as ``pairs_at_line_end``."""
    text, xs, em = ln.text, ln.origins, ln.em
    han = [xs[i + 1] - xs[i] - em for i in range(len(text) - 1) if is_han(text[i]) and is_han(text[i + 1])]
    spacing = max(0.0, statistics.median(han)) if han else 0.0
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a in FULLWIDTH_MARKS and b in FULLWIDTH_MARKS:
            fig.pairs += 1
            first = xs[i + 1] - xs[i] - spacing
            if i + 2 >= len(xs):
                if first > 0.75 * em:
                    fig.pairs_at_line_end += 1
                continue
            second = xs[i + 2] - xs[i + 1] - spacing
            if first > 0.75 * em and second > 0.75 * em:
                fig.uncompressed += 1
                fig.note("uncompressed", ln)


def main(argv: list[str]) -> int:
    text = "--text" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    report = {}
    for path in paths:
        report[str(path)] = {lang: asdict(f) for lang, f in measure(path).items()}
    if text:
        keys = [k for k in asdict(Figures()) if k != "examples"]
        for path, langs in report.items():
            for lang, f in langs.items():
                print(f"{Path(path).name} [{lang}]: " + ", ".join(f"{k}={f[k]}" for k in keys))
    else:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
