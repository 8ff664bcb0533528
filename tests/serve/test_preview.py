"""publish.serve.preview: the book as last saved, problems kept (never raised), remade per generation."""

from __future__ import annotations

from pathlib import Path

from conftest import project_at
from publish.serve.preview import Book, Failure, Preview

PROFILE = Path("books/minimal/profiles/wang-fang.yaml")


def _preview(minimal: Path) -> Preview:
    return Preview(project_at(minimal.parent.parent), minimal)


def test_an_edition_is_made_once_per_generation(minimal: Path) -> None:
    preview = _preview(minimal)
    first = preview.edition("en")
    assert not isinstance(first, Failure) and first is not None
    assert preview.edition("en") is first
    assert preview.edition("fr") is None
    assert preview.edition("en", "nobody") is None
    PROFILE.write_text(PROFILE.read_text(encoding="utf-8").replace("The patients.", "The patients, always."),
                       encoding="utf-8")
    assert preview.edition("en") is first  # nothing is read again until a change is reported
    preview.changed((str(PROFILE),))
    again = preview.edition("en")
    assert not isinstance(again, Failure) and again is not None and again is not first
    assert "The patients, always." in again.html and "The patients, always." not in first.html


def test_a_source_error_is_kept_with_its_location(minimal: Path) -> None:
    preview = _preview(minimal)
    good = PROFILE.read_text(encoding="utf-8")
    PROFILE.write_text(good.replace("headline: A Life in Hematology", "headline: [unclosed"), encoding="utf-8")
    failure = preview.edition("en")
    assert isinstance(failure, Failure) and isinstance(preview.book(), Failure)
    [problem] = failure.problems
    assert (problem.location.path, problem.location.line) == (str(PROFILE), 4) and "invalid YAML" in problem.message
    PROFILE.write_text(good, encoding="utf-8")
    preview.changed()
    assert isinstance(preview.book(), Book) and not isinstance(preview.edition("en"), Failure)


def test_one_profile_alone(minimal: Path) -> None:
    preview = _preview(minimal)
    alone = preview.edition("zh-Hans", "wang-fang")
    assert alone is not None and not isinstance(alone, Failure) and 'id="wang-fang"' in alone.html


def test_what_is_watched(minimal: Path) -> None:
    preview = _preview(minimal)
    watched = preview.watched()
    assert minimal.resolve() in watched
    assert all(p.exists() for p in watched)
    (minimal.parent.parent / "locales").mkdir()
    preview.changed()
    assert (minimal.parent.parent / "locales").resolve() in preview.watched()


def test_generation_wakes_a_waiting_page(minimal: Path) -> None:
    import threading

    preview = _preview(minimal)
    seen: list[int] = []
    waiter = threading.Thread(target=lambda: seen.append(preview.wait(0, 10)))
    waiter.start()
    preview.changed()
    waiter.join(5)
    assert seen == [1]
    assert preview.wait(1, 0.01) == 1  # no change: the same generation after the timeout


def test_a_save_keeps_what_it_cannot_have_changed(minimal: Path) -> None:
    preview = _preview(minimal)
    book, html = preview.book(), preview.edition("en")
    css = minimal / "extra.css"
    css.write_text("p { color: red; }", encoding="utf-8")
    preview.changed((str(css.resolve()),))
    assert preview.book() is book and preview.edition("en") is html  # the HTML does not depend on stylesheets
    po = minimal.parent.parent / "locales" / "zh_Hans" / "LC_MESSAGES" / "minimal" / "wang-fang.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    preview.changed((str(po.resolve()),))
    assert preview.book() is book and preview.edition("en") is not html  # the sources do not depend on catalogues
    html = preview.edition("en")
    preview.changed((str(PROFILE.resolve()),))
    assert preview.book() is not book and preview.edition("en") is not html
    book = preview.book()
    css.unlink()
    preview.changed((str(css.resolve()),))  # a file removed: everything is made again
    assert preview.book() is not book
