"""Everything one EPUB edition is made of, from the prepared edition: chapters with the print page
breaks, navigation, cover, font subsets, stylesheet and metadata."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..model import Edition
from ..sources import Sources
from ..theme import DEFAULT as DEFAULT_THEME
from ..theme import Theme
from .cover import CoverText, render_cover
from .epub import Certification, Creator, EpubMeta, EpubParts
from .epubdocs import Doc, documents
from .fonts import FontSet, variant_file
from .html import environment, interface_translations
from .pagemap import PageStart
from .subset import Subset, subset_face
from .view import bcp47
from .xhtml import LANDMARKS


def make_parts(sources: Sources, edition: Edition, *, html: str, view: dict[str, Any], fonts: FontSet,
               starts: tuple[PageStart | None, ...], cache: Path, draft: bool,
               when: datetime, theme: Theme = DEFAULT_THEME) -> tuple[EpubParts, EpubMeta]:
    """The parts of one EPUB edition and its package metadata."""
    locale = edition.locales[0]
    lang = bcp47(locale)
    env = environment(interface_translations(cache, locale), theme, cache)
    body_class = f"edition-{edition.id}"
    chs, toc_pages = documents(html, starts, lang=lang, body_class=body_class, cache=cache)
    title = view["title"].main
    nav = env.get_template("nav.xhtml.j2").render(
        lang=lang, body_class=body_class, entries=_entries(chs), landmarks=_landmarks(chs),
        pages=sorted([(n, f"{ch.file}#page-{n}") for ch in chs for n in ch.pages]
                     + [(n, f"nav.xhtml#page-{n}") for n in toc_pages]),
        toc_pages=toc_pages,
    ).encode("utf-8")
    cover_page = env.get_template("cover.xhtml.j2").render(lang=lang, title=title).encode("utf-8")
    texts = [CoverText(view["title"].lang, title, _main(view["subtitle"]), _main(view["publisher"]))]
    if view["title"].alt is not None:
        texts.append(CoverText(view["title"].alt_lang, view["title"].alt, _alt(view["subtitle"]),
                               _alt(view["publisher"])))
    cover = render_cover(texts, region=fonts.region, draft=draft)
    # the default theme's sheets (with the edition's fonts between them), then the project theme's and the book's
    read = [p.read_text(encoding="utf-8") for p in theme.stylesheets]
    epub = [p.read_text(encoding="utf-8") for p in theme.epub_stylesheets]
    css = read[0] + fonts.css() + epub[0] + "".join(read[1:]) + "".join(epub[1:])
    parts = EpubParts(chs, nav, cover_page, cover, css, _subsets(chs, fonts, lang, (nav, cover_page)), body_class)
    summary = env.get_template("epub-summary.txt.j2").render(checks="").strip()
    import uuid

    meta = EpubMeta(isbn=edition.isbn.get("epub", ""),
                    uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{sources.book.id}/{edition.id}")),
                    title=title, languages=tuple(bcp47(x) for x in edition.locales),
                    creators=creators(sources, edition), publisher=view["publisher"].main,
                    rights=_rights(sources, edition, view, env), modified=when, summary=summary,
                    page_source=edition.isbn.get("print", ""),
                    description=" ".join(t.main for t in view.get("description") or ()),
                    alt_titles=((view["title"].alt_lang, view["title"].alt),) if view["title"].alt else (),
                    subtitle=_main(view["subtitle"]),
                    alt_subtitles=((view["subtitle"].alt_lang, view["subtitle"].alt),)
                    if view["subtitle"] and view["subtitle"].alt else ())
    return parts, meta


def _rights(sources: Sources, edition: Edition, view: dict[str, Any], env: Any) -> str:  # noqa: ANN401
    """``dc:rights``: the rights statement, then the edition's licence as the copyright page states it."""
    from ..licences import LICENCES

    spdx = sources.book.licence_of(edition)
    if not spdx:
        return str(view["rights"].main)
    lic = LICENCES[spdx]
    line = env.from_string('{{ _("This edition is published under the %(licence)s licence: %(url)s", '
                           'licence=short, url=url) }}').render(short=lic.short, url=lic.url)
    return f"{view['rights'].main} {line}"


def _main(text: Any) -> str:  # noqa: ANN401
    return text.main if text else ""


def _alt(text: Any) -> str:  # noqa: ANN401
    return (text.alt or text.main) if text else ""


def _text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _entries(chs: list[Doc]) -> list[dict[str, Any]]:
    return [{"href": ch.file, "label": ch.title, "children": [{"href": href, "label": label}
                                                             for href, label in ch.sections]} for ch in chs]


def _landmarks(chs: list[Doc]) -> list[dict[str, str]]:
    out = [{"type": LANDMARKS[ch.id], "href": ch.file} for ch in chs if ch.id in LANDMARKS]
    first = next((ch for ch in chs if ch.kind == "profile"), None)
    if first is not None:
        out.insert(len([o for o in out if o["type"] in ("titlepage", "copyright-page", "toc")]),
                   {"type": "bodymatter", "href": first.file})
    return out


def _subsets(chs: list[Doc], fonts: FontSet, lang: str, others: tuple[bytes, ...]) -> list[Subset]:
    """Subsets covering every character of every document: the chapters, and the nav and cover pages
    (their text is in every face, hidden headings included: 印刷版页码)."""
    extra = "".join(_text(ET.fromstring(doc)) + "\n" for doc in others)
    text = "".join(ch.text for ch in chs) + extra
    headings = "".join(ch.headings for ch in chs) + extra
    zh = lang if lang.startswith("zh") else "zh-Hans"
    runs = {kind: " ".join("".join(ch.runs[kind] for ch in chs).split()) for kind in RUNS}
    out = []
    for face, used, languages in ((fonts.latin, text, ("en",)), (fonts.serif, text, (zh, "en")),
                                  (fonts.sans, headings, (zh, "en"))):
        path, index = face.file()
        sub = subset_face(path, index, used, family=face.family, languages=languages)
        if sub.needed > 1:
            out.append(sub)
    # the italic and bold faces, cut to the text the stylesheet sets in them (no synthesized styles)
    variants = ((fonts.latin, "italic", "normal", runs["italic"]), (fonts.latin, "normal", "bold", runs["bold"]),
                (fonts.serif, "normal", "bold", runs["bold"]), (fonts.sans, "normal", "bold", runs["bold-heading"]))
    for face, style, weight, used in variants:
        found = variant_file(face.family, style=style, weight=weight)
        if found is None or not used.strip():
            continue
        sub = subset_face(found[0], found[1], used, family=face.family, languages=(zh, "en"), style=style,
                          weight=weight)
        if sub.needed > 1:
            out.append(sub)
    return out


def creators(sources: Sources, edition: Edition) -> tuple[Creator, ...]:
    """The book's credits with their roles as they are, then each source publisher as the collection's
    bibliographic antecedent (MARC ``ant``). Translators only on editions in another language than the
    sources."""
    translated = any(loc != sources.book.source_locale for loc in edition.locales)
    out = [Creator(p.latin(), role, f"{p.family}, {p.given}" if p.given else str(p.family))
           for p, role in sources.book.credits() if role != "trl" or translated]
    names = {o.id: str(o.name) for o in sources.book.organizations}
    for pid in dict.fromkeys(p.source.publisher for p in sources.profiles):
        if pid in names and pid != sources.book.publisher:
            out.append(Creator(names[pid], "ant", names[pid]))
    return tuple(out)


def certification(sources: Sources, edition: Edition, *, cache: Path, checks: str) -> Certification:
    """The claim for a package the checkers passed: self-certified by the publisher, the summary naming
    the checks (``Ace 1.4.6, EPUBCheck 5.3.0``) in the edition's language."""
    env = environment(interface_translations(cache, edition.locales[0]), cache=cache)
    summary = env.get_template("epub-summary.txt.j2").render(checks=checks).strip()
    names = {o.id: str(o.name) for o in sources.book.organizations}
    return Certification(certifier=names.get(sources.book.publisher, sources.book.publisher), summary=summary)


ITALIC_CLASSES = {"headline", "subtitle", "preface"}
BOLD_CLASSES = {"degrees", "draft-mark"}


RUNS = ("italic", "bold", "bold-heading")


def styled_runs(roots: list[ET.Element], lang: str) -> dict[str, str]:
    """The text book.css sets italic, bold, and bold in a heading face (see :func:`raw_runs`), its
    whitespace collapsed."""
    return {kind: " ".join(text.split()) for kind, text in raw_runs(roots, lang).items()}


def raw_runs(roots: list[ET.Element], lang: str) -> dict[str, str]:
    """The text book.css sets italic, bold, and bold in a heading face, walking the tree with the
    inherited language: ``em`` and the italic blocks are italic in English and bold in Chinese;
    ``strong``, ``dt`` and the bold classes are bold; Chinese ``h3``, speaker labels and credential
    headings are bold in the sans face. Mirrors the stylesheet's rules (kept beside them in book.css)."""
    out: dict[str, list[str]] = {"italic": [], "bold": [], "bold-heading": []}

    def walk(el: ET.Element, lang: str, italic: bool, bold: bool, heading: bool, credentials: bool) -> None:
        lang = el.get("lang") or lang
        classes = set((el.get("class") or "").split())
        zh = lang.startswith("zh")
        tag = el.tag.split("}")[-1] if isinstance(el.tag, str) else ""
        credentials = credentials or "credentials" in classes
        italic = italic or tag == "em" or bool(classes & ITALIC_CLASSES)
        bold = bold or tag in ("strong", "b", "dt") or bool(classes & BOLD_CLASSES) or (zh and tag == "em")
        if zh and (tag == "h3" or "speaker" in classes or (tag == "h2" and credentials)):
            bold = heading = True
        kinds = []
        if italic and not zh:
            kinds.append("italic")
        if bold:
            kinds.append("bold-heading" if heading else "bold")
        for kind in kinds:
            out[kind].append(el.text or "")
        for child in el:
            walk(child, lang, italic, bold, heading, credentials)
            for kind in kinds:
                out[kind].append(child.tail or "")

    for root in roots:
        walk(root, lang, False, False, False, False)
    return {kind: "".join(parts) for kind, parts in out.items()}


