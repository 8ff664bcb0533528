"""QA for translations: small checks, each turning one catalogue entry into findings.

Written for Chinese: reordered phrases, full-width punctuation and 万-based numbers are correct and
must not be flagged (Weblate #13678 and Sphinx #14143 show how generic checks fail CJK translators).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from babel.messages.catalog import Message

from ..vocab import BREAKS, INVISIBLE, LONGEST_WORD
from . import placeholders
from .glossary import Glossary

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN}]")


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    """``error`` or ``warning``."""
    message: str


@dataclass(frozen=True)
class Context:
    locale: str
    glossary: Glossary


Check = Callable[[Message, Context], Iterator[Finding]]


def _text(message: Message) -> tuple[str, str]:
    mid = message.id if isinstance(message.id, str) else message.id[0]
    mstr = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
    return mid, mstr or ""


def _zh(ctx: Context) -> bool:
    return ctx.locale.startswith("zh")


# --- numbers -------------------------------------------------------------------------------------

_SRC_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(s\b)?(?:\s*(million|billion|thousand)\b)?")
_ZH_NUMBER = re.compile(r"(\d+)(\.\d+)?\s*(万|亿|萬|億)?")
_MULT = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "万": 10**4, "亿": 10**8, "萬": 10**4, "億": 10**8}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "萬": 10**4, "億": 10**8}


_RANGE_START = re.compile(r"(?<!\d)(\d\d)(\d\d)\s*[–—-]\s*$")


def source_numbers(text: str) -> list[tuple[str, set[float]]]:
    """Numbers of an English text, each with the values a translation may write it as: "1910–11" is
    1910–1911, "the 1980s" may be 80年代."""
    found = []
    for m in _SRC_NUMBER.finditer(text):
        whole, frac, decade, mult = m.groups()
        value = float(whole.replace(",", "") + (frac or ""))
        values = {value * _MULT[mult]} if mult else {value}
        if decade and value >= 100:  # the 1980s → 80年代
            values.add(value % 100)
        start = _RANGE_START.search(text[: m.start()])
        if start and len(whole) == 2 and not frac:  # 1910–11: the century of the range's start
            values.add(float(int(start.group(1)) * 100 + int(whole)))
        found.append((m.group(0), values))
    return found


def target_values(text: str) -> set[float]:
    text = unicodedata.normalize("NFKC", text)
    values = set()
    for m in _ZH_NUMBER.finditer(text.replace(",", "")):
        whole, frac, mult = m.groups()
        value = float(whole + (frac or ""))
        values.add(value * _MULT[mult] if mult else value)
        values.add(value)
    return values


def chinese_numerals(text: str) -> set[float]:
    """Values written with Chinese numerals (一千七百一十三, 百分之九十五, 十万)."""
    values = set()
    for run in re.findall(f"[{''.join(_CN_DIGITS)}{''.join(_CN_UNITS)}]+", text):
        total, section, digit = 0, 0, None
        for ch in run:
            if ch in _CN_DIGITS:
                digit = _CN_DIGITS[ch] if digit is None else digit * 10 + _CN_DIGITS[ch]
            else:
                unit = _CN_UNITS[ch]
                if unit >= 10**4:
                    total += (section + (digit or 0)) * unit
                    section = 0
                else:
                    section += (1 if digit is None else digit) * unit
                digit = None
        values.add(float(total + section + (digit or 0)))
    return values


def check_numbers(message: Message, ctx: Context) -> Iterator[Finding]:
    source, target = _text(message)
    if not target:
        return
    digits = target_values(target)
    words = chinese_numerals(target) if _zh(ctx) else set()
    for shown, values in source_numbers(source):
        if values & digits:
            continue
        if values & words:
            if max(values) >= 10:
                yield Finding("numbers", "warning", f"{shown} is written in Chinese numerals in the translation")
            continue
        yield Finding("numbers", "error", f"number {shown} of the source is missing from the translation")


# --- markup --------------------------------------------------------------------------------------

_EMPH = re.compile(r"(\*\*?)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_TAG = re.compile(r"</?\s*([A-Za-z][\w:-]*)[^>]*>")


_GOOD_TARGET = re.compile(r"^(?:(?:https?|ftp)://[^/\s]+|mailto:[^@\s]+@[^@\s]+|#[\w-]+|[\w./-]+\.\w+(?:#[\w-]+)?$)")


def _stray_stars(text: str) -> bool:
    """Whether some ``*`` is left once every ``**…**`` and ``*…*`` pair is taken out."""
    rest = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\1", text)
    rest = re.sub(r"\*(?=\S)(.+?)(?<=\S)\*", r"\1", rest)
    return "*" in rest.replace("\\*", "")


def check_markup(message: Message, ctx: Context) -> Iterator[Finding]:
    source, target = _text(message)
    if not target:
        return
    titles = len(re.findall("《[^》]+》", target)) if _zh(ctx) else 0
    for marker, name in (("**", "strong emphasis"), ("*", "emphasis")):
        want = sum(1 for m in _EMPH.finditer(source) if m.group(1) == marker)
        got = sum(1 for m in _EMPH.finditer(target) if m.group(1) == marker)
        if marker == "*" and got < want <= got + titles:
            continue  # Chinese sets titles of journals and books in 《》, not in italics
        if want != got:
            yield Finding("markup", "error", f"{name} (*…*): {want} in the source, {got} in the translation")
    if sorted(url for _, url in _LINK.findall(source)) != sorted(url for _, url in _LINK.findall(target)):
        yield Finding("markup", "error", "links differ: keep every [text](url) of the source, same URL")
    for url in re.findall(r"\]\(([^)\s]*)", target):
        if not _GOOD_TARGET.match(url):
            yield Finding("markup", "error", f"broken link target '({url}': write (https://…), (mailto:…) or (#id)")
    if re.search(r"\]\s+\(|\[[^\]]*\]\([^)]*$", target) and not re.search(r"\]\s+\(|\[[^\]]*\]\([^)]*$", source):
        yield Finding("markup", "error", "broken link: write [text](target) with nothing between ] and (, and close it")
    if _stray_stars(target) and not _stray_stars(source):
        yield Finding("markup", "error", "unbalanced emphasis: a '*' or '**' is not closed (write **…** or *…*)")
    extra = set(t.lower() for t in _TAG.findall(target)) - set(t.lower() for t in _TAG.findall(source))
    if extra:
        yield Finding("markup", "error", f"markup not in the source: <{'>, <'.join(sorted(extra))}>")


# --- glossary ------------------------------------------------------------------------------------


def check_glossary(message: Message, ctx: Context) -> Iterator[Finding]:
    source, target = _text(message)
    if not target:
        return
    for term, wanted in ctx.glossary.expected(source, ctx.locale):
        if wanted not in target:
            yield Finding("glossary", "warning", f"glossary: '{term.en}' should be '{wanted}'")


def check_terminology(message: Message, ctx: Context) -> Iterator[Finding]:
    """The glossary's ``avoid`` rules: forms this locale does not use (Taiwan usage for zh_Hant)."""
    _, target = _text(message)
    for shown, rule in ctx.glossary.avoided(target, ctx.locale) if target else ():
        yield Finding("terminology", "error", f"'{shown}' is not {ctx.locale} usage: write {rule.use}"
                      + (f" ({rule.note})" if rule.note else ""))


# --- Chinese punctuation and script --------------------------------------------------------------

_ASCII_NEAR_HAN = re.compile(f"(?<=[{HAN}])[,;:?!()]|[,;:?!()](?=[{HAN}])|(?<=[{HAN}])\\.(?!\\w)"
                             f"|(?<=[{HAN}] )[,;:?!]|[,;:?!](?= [{HAN}])")
_SPACE_AT_FULL_WIDTH = re.compile(f"(?<=[{HAN}，。；：？！、）」』])[ \t]+(?=[，。；：？！、）」』])"
                                  f"|(?<=[，。；：？！、])[ \t]+(?=[{HAN}])")


def check_punctuation(message: Message, ctx: Context) -> Iterator[Finding]:
    _, target = _text(message)
    if not _zh(ctx) or not target:
        return
    marks = sorted(set(m.group(0) for m in _ASCII_NEAR_HAN.finditer(target)))
    if marks:
        yield Finding("punctuation", "error",
                      f"ASCII punctuation {' '.join(marks)} next to Chinese: use full-width (，；：？！（）。)")
    if _SPACE_AT_FULL_WIDTH.search(target):
        yield Finding("punctuation", "error", "white space beside full-width punctuation (，。；：？！、): remove it")
    if ctx.locale == "zh_Hant" and re.search("[“”‘’]", target):
        yield Finding("punctuation", "error", "zh_Hant uses 「」 and 『』 quotation marks, not “” ‘’")


@cache
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def wrong_script(text: str, locale: str) -> list[str]:
    """Characters of the other script: Traditional in zh_Hans, Simplified in zh_Hant (OpenCC round trip)."""
    if locale == "zh_Hans":
        other = _converter("t2s").convert(text)
    elif locale == "zh_Hant":
        # Taiwan's standard forms (s2tw: 床, 群, 峰 — not s2t's 牀, 羣, 峯); a character that is one of
        # its own Traditional forms (台 in 台灣, 准 in 獲准) is a reviewer's choice, not an error
        from .convert import AMBIGUOUS

        # character by character: phrase conversion over-reaches (申请了专利 → 申請瞭…)
        s2tw, t2s = _converter("s2tw"), _converter("t2s")
        return sorted({c for c in set(text) if _HAN.match(c) and s2tw.convert(c) != c and t2s.convert(c) == c
                       and c not in AMBIGUOUS.get(c, "").split("/")})
    else:
        return []
    if len(other) != len(text):
        return []
    return sorted({c for c, o in zip(text, other, strict=True) if o != c and _HAN.match(c)})


def check_script(message: Message, ctx: Context) -> Iterator[Finding]:
    _, target = _text(message)
    if not target:
        return
    chars = wrong_script(target, ctx.locale)
    if chars:
        which = "Traditional" if ctx.locale == "zh_Hans" else "Simplified"
        yield Finding("script", "error", f"{which} characters in {ctx.locale}: {''.join(chars)}")


# --- untranslated text -----------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}")


def check_identical(message: Message, ctx: Context) -> Iterator[Finding]:
    """A translation that is the source text itself (a copy left in place): three words or more, or a
    lower-case word; a name, an abbreviation or a site (``Liu Ruijun``, ``CSCO``, ``ShanghaiDoctor.cn``)
    may stay as it is."""
    source, target = _text(message)
    words = _WORD.findall(source)
    prose = len(words) >= 3 or any(len(w) >= 3 and w.islower() for w in words)
    if target and target.strip() == source.strip() and prose and _zh(ctx):
        yield Finding("identical", "error", "the translation is the source text: translate it")


def check_english(message: Message, ctx: Context) -> Iterator[Finding]:
    """An English phrase of the source left inside the Chinese: three words or more, two of them in
    lower case, so names and titles kept in Latin letters (Journal of Clinical Oncology) are not flagged."""
    source, target = _text(message)
    if not target or not _zh(ctx) or target.strip() == source.strip():
        return
    low = source.lower()
    for m in _ENGLISH_RUN.finditer(target):
        if sum(w.islower() for w in _WORD.findall(m.group(0))) >= 2 and m.group(0).lower() in low:
            yield Finding("english", "error", f"English left in the translation: '{m.group(0)}'")
            return


# --- placeholders ---------------------------------------------------------------------------------


def check_placeholders(message: Message, ctx: Context) -> Iterator[Finding]:
    """Every ``%(name)s`` of the source, flagged python-format or not: the renderer formats them."""
    source, target = _text(message)
    for problem in placeholders.problems(source, target):
        yield Finding("placeholders", "error", problem)


# --- white space, completeness -------------------------------------------------------------------


def check_whitespace(message: Message, ctx: Context) -> Iterator[Finding]:
    source, target = _text(message)
    if not target:
        return
    for where, s, t in (("leading", source[: len(source) - len(source.lstrip())],
                         target[: len(target) - len(target.lstrip())]),
                        ("trailing", source[len(source.rstrip()):], target[len(target.rstrip()):])):
        if bool(s) != bool(t):
            yield Finding("whitespace", "error", f"{where} white space differs from the source")


_BIDI = frozenset(c for c, kind in INVISIBLE.items() if kind == "bidi control")


def _suspect(char: str) -> str | None:
    """Why a character has no place in a translation, if it has none: controls (XML cannot even carry
    most of them), bidi overrides (they reorder what readers see: 'Trojan Source'), the replacement
    character (text garbled by a wrong encoding somewhere), private-use code points (no font has them)."""
    category = unicodedata.category(char)
    if char in "\n\t":
        return None
    if category == "Cc":
        return "a control character"
    if char in _BIDI:
        return "a bidirectional override"
    if char == "\ufffd":
        return "the replacement character (text garbled by a wrong encoding)"
    if category in ("Co", "Cn"):
        return "a private-use or unassigned code point"
    if char == "\ufeff":
        return "a byte-order mark inside the text"
    return None


def check_characters(message: Message, ctx: Context) -> Iterator[Finding]:
    source, target = _text(message)
    seen: set[str] = set()
    for char in target:
        why = _suspect(char)
        if why and char not in source and char not in seen:
            seen.add(char)
            name = unicodedata.name(char, "")
            yield Finding("characters", "error", f"U+{ord(char):04X}{' ' + name if name else ''}: {why}; "
                                                 "delete it (retype the text around it if unsure)")
    for word in BREAKS.split(target):
        if len(word) > LONGEST_WORD and word not in source:  # the source checks refuse the same in sources
            yield Finding("characters", "warning", f"'{word[:30]}…' ({len(word)} characters) has no place "
                                                   "to break a line: it will stick out of the page")
            return


def check_completeness(message: Message, ctx: Context) -> Iterator[Finding]:
    _, target = _text(message)
    if not target:
        yield Finding("untranslated", "warning", "not translated yet")
    elif message.fuzzy:
        yield Finding("fuzzy", "warning", "fuzzy: needs review")


CHECKS: tuple[Check, ...] = (check_completeness, check_placeholders, check_numbers, check_markup, check_glossary,
                             check_punctuation, check_script, check_whitespace, check_identical, check_english,
                             check_terminology, check_characters)
CHECK_NAMES = frozenset({"untranslated", "fuzzy", "placeholders", "numbers", "markup", "glossary", "punctuation",
                         "script", "whitespace", "identical", "english", "terminology", "explain", "consistency",
                         "characters"})
"""Every finding's ``check``: ``#, publish-ignore-<check>`` on an entry (or Weblate's ``ignore-<check>``)
turns it off there, ``qa-ignore`` in the project's ``[catalogs]`` for a whole book."""


def ignored(flags: set[str] | frozenset[str]) -> set[str]:
    """The checks an entry's flags turn off (``publish-ignore-numbers``, ``ignore-numbers``)."""
    out = set()
    for flag in flags:
        for prefix in ("publish-ignore-", "ignore-"):
            if flag.startswith(prefix) and flag[len(prefix):] in CHECK_NAMES | {"all"}:
                out.add(flag[len(prefix):])
    return out
