"""Chinese inter-character justification and the hyphenation limit (see :mod:`publish.render.weasy`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import block as _block
from weasyprint.layout import inline as _inline
from weasyprint.text import line_break as _line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

# --------------------------------------------------------------------------------------------------
# Inter-character justification


ZWSP = "\u200b"


CLOSING = "，。、；：？！）」』”’〉》】〕"


def is_cjk(ch: str) -> bool:
    """Han, kana, Hangul, CJK symbols and punctuation, full-width forms, and the quotes and marks
    that Chinese text sets full-width."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF or ch in "“”‘’…—·")


def _cjk_lang(lang: str | None) -> bool:
    return bool(lang) and lang.split("-")[0].lower() in ("zh", "ja")  # type: ignore[union-attr]


def _leaves(box: Any) -> Iterator[Any]:  # noqa: ANN401 - WeasyPrint boxes
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):
            yield from _leaves(child)
        else:
            yield child  # an atomic inline (image, inline-block): no gap on either side


def _own_weight(text: str) -> float:
    """How many gaps' worth of space Pango adds to a box when each CJK run has letter spacing S:
    S per CJK character, less half of it at either end of the box (Pango drops the outer halves)."""
    weight = float(sum(1 for ch in text if is_cjk(ch)))
    if text and is_cjk(text[0]):
        weight -= 0.5
    if text and is_cjk(text[-1]):
        weight -= 0.5
    return weight


def _gap_between(left: str, right: str) -> bool:
    """A justification opportunity between two text boxes' adjacent characters."""
    if not left or not right or left.isspace() or right.isspace():
        return False
    return is_cjk(left) or is_cjk(right)


def _justify_line(context: Any, line: Any, extra_width: float) -> None:  # noqa: ANN401
    if not _cjk_lang(line.style["lang"]) or line.style["direction"] == "rtl":
        return _ORIGINAL_JUSTIFY(context, line, extra_width)
    # zero-width spaces (<wbr>) are transparent: the gap is between their neighbours
    leaves = [leaf for leaf in _leaves(line) if not (isinstance(leaf, boxes.TextBox) and not leaf.text.strip(ZWSP))]
    texts = [leaf.text.strip(ZWSP) if isinstance(leaf, boxes.TextBox) else "" for leaf in leaves]
    weights = [_own_weight(t) if _cjk_lang(leaf.style["lang"]) or any(map(is_cjk, t)) else 0.0
               for leaf, t in zip(leaves, texts, strict=True)]
    gaps_after = [bool(texts[i]) and bool(texts[i + 1]) and _gap_between(texts[i][-1], texts[i + 1][0])
                  for i in range(len(leaves) - 1)] + [False]
    extra_width += _cut_final_mark(context, leaves)
    total = sum(weights) + sum(gaps_after)
    if total <= 0:
        return _ORIGINAL_JUSTIFY(context, line, extra_width)
    spacing = extra_width / total
    gaps = {id(leaf): spacing if gap else 0.0 for leaf, gap in zip(leaves, gaps_after, strict=True)}
    own = {id(leaf): w for leaf, w in zip(leaves, weights, strict=True)}
    state = [0.0, 0.0]
    _spread(context, line, spacing, own, gaps, state)
    line.width += state[0]
    return None


def _cut_final_mark(context: Any, leaves: list[Any]) -> float:  # noqa: ANN401
    """A closing mark ending a justified line is set half-width (its ``halt`` form), so the line's
    edge is not half an em of blank (clreq 3.8); returns the width gained."""
    last = leaves[-1] if leaves else None
    if not isinstance(last, boxes.TextBox) or not last.text or last.text[-1] not in CLOSING:
        return 0.0
    features = last.style["font_feature_settings"]
    if features != "normal" and any(name == "halt" for name, _ in features):
        return 0.0   # already half-width (publish.render.inline marked it)
    layout = _line_break.create_layout(last.text, last.style, context, max_width=None,
                                       justification_spacing=last.justification_spacing)
    layout.publish_halt_last = True
    layout.set_text(last.text)
    width, _ = _line_break.line_size(layout.get_first_line()[0], last.style)
    gained = max(0.0, last.width - width)
    if gained:
        last.publish_halt_last = True
        last.width -= gained
    layout.deactivate()
    last.pango_layout = layout
    return gained


def _spread(context: Any, box: Any, spacing: float, own: dict[int, float], gaps: dict[int, float],  # noqa: ANN401
            state: list[float]) -> None:
    """Move and widen the boxes of a line: ``state`` is [x advance so far, gap pending before the next box]."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        state[0] += state[1]
        state[1] = 0.0
        if isinstance(child, boxes.TextBox):
            child.position_x += state[0]
            weight = own.get(id(child), 0.0)
            if weight:
                child.pango_layout = _justified_layout(context, child)
                child.pango_layout.publish_inter_character = spacing
                child.width += weight * spacing
                state[0] += weight * spacing
            state[1] = gaps.get(id(child), 0.0)
        elif isinstance(child, boxes.InlineBox):
            before = state[0]
            child.position_x += before
            _spread(context, child, spacing, own, gaps, state)
            child.width += state[0] - before
        else:
            child.translate(state[0], 0)
            state[1] = gaps.get(id(child), 0.0)


def _justified_layout(context: Any, box: Any) -> Any:  # noqa: ANN401
    """A layout of the box's own to carry the spacing to drawing. After line breaking the box's layout
    holds exactly the box's text and is deactivated (no Pango objects): a shallow copy then costs no
    shaping, where WeasyPrint's word spacing makes a new layout."""
    layout = box.pango_layout
    if layout is not None and not hasattr(layout, "layout") and layout.text == box.text:
        return copy.copy(layout)
    layout = _line_break.create_layout(box.text, box.style, context, max_width=None,
                                       justification_spacing=box.justification_spacing)
    layout.publish_halt_last = getattr(box, "publish_halt_last", False)
    layout.deactivate()
    return layout


def _set_text(self: Any, text: str, justify: bool = False) -> None:  # noqa: ANN401 - WeasyPrint's Layout
    _ORIGINAL_SET_TEXT(self, text, justify)
    if getattr(self, "publish_halt_last", False) and self.text:
        attrs = _attributes(self)
        end = len(self.text.encode("utf-8"))
        attr = pango.pango_attr_font_features_new(b"halt")
        attr.start_index, attr.end_index = end - len(self.text[-1].encode("utf-8")), end
        pango.pango_attr_list_insert(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)
    spacing = getattr(self, "publish_inter_character", 0.0)
    if not (justify and spacing and self.text):
        return
    letter = self.style["letter_spacing"]
    base = 0 if letter == "normal" else letter
    units = int((spacing + base) * TO_UNITS)
    attrs = _attributes(self)
    position = 0
    run_start = None
    for ch in self.text + "\0":
        size = len(ch.encode("utf-8"))
        if is_cjk(ch):
            if run_start is None:
                run_start = position
        elif run_start is not None:
            attr = pango.pango_attr_letter_spacing_new(units)
            attr.start_index, attr.end_index = run_start, position
            pango.pango_attr_list_change(attrs, attr)
            run_start = None
        position += size
    pango.pango_layout_set_attributes(self.layout, attrs)


AUTOSPACE = {"left": "cjk-sp-l", "right": "cjk-sp-r"}
"""The classes publish.render.inline gives Latin runs spaced a quarter em from Han characters."""


def _in_flow(box: Any) -> list[Any]:  # noqa: ANN401
    return [c for c in getattr(box, "children", ()) if c.is_in_normal_flow()]


def _trim_autospace(line: Any) -> None:  # noqa: ANN401
    """The CJK–Latin quarter em disappears at the start and the end of a line (clreq 3.4.2)."""
    path, box = [], line
    while (kids := _in_flow(box)) and isinstance(kids[0], boxes.InlineBox):
        box = kids[0]
        path.append(box)
    for depth, box in enumerate(path):
        cut = box.margin_left
        if cut and AUTOSPACE["left"] in (box.element.get("class") or "").split() if box.element is not None else False:
            box.margin_left = 0
            for child in box.children:
                child.translate(-cut)
            for ancestor in (line, *path[:depth]):
                for sibling in _in_flow(ancestor)[1:]:
                    sibling.translate(-cut)
                ancestor.width -= cut
            break
    path, box = [], line
    while (kids := _in_flow(box)) and isinstance(kids[-1], boxes.InlineBox):
        box = kids[-1]
        path.append(box)
    for depth, box in enumerate(path):
        cut = box.margin_right
        if cut and AUTOSPACE["right"] in (box.element.get("class") or "").split() if box.element is not None else False:
            box.margin_right = 0
            for ancestor in (line, *path[:depth]):
                ancestor.width -= cut
            break


def _text_align(context: Any, line: Any, available_width: float, last: bool) -> float:  # noqa: ANN401
    if _cjk_lang(line.style["lang"]):
        _trim_autospace(line)
    return _ORIGINAL_TEXT_ALIGN(context, line, available_width, last)


def _attributes(layout: Any) -> Any:  # noqa: ANN401
    attrs = pango.pango_layout_get_attributes(layout.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    return attrs


# --------------------------------------------------------------------------------------------------
# No more than two successive hyphenated lines (CSS Text 4 ``hyphenate-limit-lines: 2``)
#
# WeasyPrint lays out a block's lines one by one (``layout.block`` calls ``inline.iter_line_boxes``) and hyphenates a
# line's last word in ``split_first_line`` when ``hyphens`` is ``auto``. While a block's last two lines
# ended with a hyphen (the hyphenate character or a hard hyphen, "fine-/grained"), its next line is
# broken with ``hyphens: manual`` (soft hyphens only): that word goes down whole, as a compositor
# would set it. A block split by a page break starts counting again on the new page.

HYPHENATE_LIMIT_LINES = 2


class _Lines:
    no_auto_hyphens = False


def _last_text(box: Any) -> Any:  # noqa: ANN401 - a LineBox or InlineBox
    """The line's last text box with text, or None when it ends with an atomic inline."""
    for child in reversed(box.children):
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.TextBox):
            if child.text.strip():
                return child
        elif isinstance(child, boxes.InlineBox):
            if (found := _last_text(child)) is not None:
                return found
        else:
            return None
    return None


def _ends_hyphenated(line: Any) -> bool:  # noqa: ANN401 - a LineBox
    last = _last_text(line)
    if last is None:
        return False
    text = last.text.rstrip()
    # the hyphenate character, or a hard hyphen ("fine-/grained"): both make a ladder of hyphens
    for mark in {last.style["hyphenate_character"], "-", "\u2010"}:
        if mark and text.endswith(mark) and len(text) > len(mark) and text[-len(mark) - 1].isalpha():
            return True
    return False


def _iter_line_boxes(context: Any, box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:  # noqa: ANN401
    lines = _ORIGINAL_ITER_LINE_BOXES(context, box, *args, **kwargs)
    run = 0
    while True:
        saved = _Lines.no_auto_hyphens
        _Lines.no_auto_hyphens = run >= HYPHENATE_LIMIT_LINES
        try:
            item = next(lines)
        except StopIteration:
            return
        finally:
            _Lines.no_auto_hyphens = saved
        run = run + 1 if _ends_hyphenated(item[0]) else 0
        yield item


def _split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
    if _Lines.no_auto_hyphens and style["hyphens"] == "auto":
        style = style.copy()
        style["hyphens"] = "manual"
    return _ORIGINAL_SPLIT_FIRST_LINE(text, style, *args, **kwargs)


_ORIGINAL_JUSTIFY = _inline.justify_line
_ORIGINAL_TEXT_ALIGN = _inline.text_align
_ORIGINAL_SET_TEXT = _line_break.Layout.set_text
_ORIGINAL_ITER_LINE_BOXES = _block.iter_line_boxes
_ORIGINAL_SPLIT_FIRST_LINE = _inline.split_first_line


@contextmanager
def inter_character() -> Iterator[None]:
    """While active (layout and drawing), Chinese lines are justified between characters, and no
    block has more than two successive hyphenated lines."""
    _inline.justify_line = _justify_line
    _inline.text_align = _text_align
    _line_break.Layout.set_text = _set_text  # type: ignore[method-assign]
    _block.iter_line_boxes = _iter_line_boxes
    _inline.split_first_line = _split_first_line
    try:
        yield
    finally:
        _inline.justify_line = _ORIGINAL_JUSTIFY
        _inline.text_align = _ORIGINAL_TEXT_ALIGN
        _line_break.Layout.set_text = _ORIGINAL_SET_TEXT  # type: ignore[method-assign]
        _block.iter_line_boxes = _ORIGINAL_ITER_LINE_BOXES
        _inline.split_first_line = _ORIGINAL_SPLIT_FIRST_LINE

