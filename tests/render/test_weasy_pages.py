"""render/weasy.py: the ``page_references`` cache used while WeasyPrint writes a tagged PDF changes no
byte of the file and reads the page tree once per page count, not once per structure element."""

from __future__ import annotations

import io

import pydyf
import pytest

from publish.render.weasy import cached_page_references


def _document():  # type: ignore[no-untyped-def]
    from weasyprint import HTML

    sections = "".join(f'<h2 id="s{i}">Section {i}</h2>' + "<p>Lorem ipsum dolor sit amet. " * 30 + "</p>"
                       f'<p><a href="#s{(i + 3) % 24}">see section {(i + 3) % 24}</a></p>'
                       '<ul><li>one</li><li>two</li></ul>' for i in range(24))
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{sections}</body></html>'
    return HTML(string=html).render()


def _write(document) -> bytes:  # type: ignore[no-untyped-def] # noqa: ANN001
    out = io.BytesIO()
    document.write_pdf(out, pdf_variant="pdf/ua-1", pdf_tags=True, pdf_identifier=b"test")
    return out.getvalue()


def test_tagged_pdf_bytes_unchanged_and_page_tree_read_once_per_page_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748908800")
    document = _document()
    assert len(document.pages) > 10
    original = pydyf.PDF.__dict__["page_references"]
    calls = []

    def counting(self):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
        calls.append(1)
        return original.fget(self)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    plain = _write(document)
    uncached = len(calls)
    calls.clear()
    with cached_page_references():
        cached = _write(document)
    assert cached == plain
    assert uncached > 10 * len(document.pages)     # one read per structure element without the cache
    assert len(calls) <= 2                          # the page tree does not grow while the tags are written
    assert pydyf.PDF.__dict__["page_references"].fget is counting   # restored afterwards


def test_cache_follows_pages_added() -> None:
    pdf = pydyf.PDF()
    with cached_page_references():
        for n in range(1, 4):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
            assert len(pdf.page_references) == n
            assert pdf.page_references[-1] == f"{pdf.objects[-1].number} 0 R".encode()
