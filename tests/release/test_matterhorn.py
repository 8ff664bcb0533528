"""The automatable Matterhorn Protocol failure conditions (listed in publish.release.matterhorn's
docstring: 01-003, 01-004, 01-005, 01-007, the tree's reachability, 02-001, 02-003, 02-004, 06-001,
06-002, 06-003, 07-001, 07-002, 09-005, 11-001, 14-002, 14-003, 28-008, 28-009, 28-011, 28-012) on every
digital PDF of the sample book: none fails. The checker is shown to fail on PDFs that break them."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.release.matterhorn import check

EDITIONS = ("en", "zh-Hans", "zh-Hant", "bilingual")


def _untagged(path: Path, *, text_outside: bool) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    body = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET" if text_outside else \
        b"/Artifact BMC BT /F1 12 Tf 72 720 Td (Hello) Tj ET EMC"
    page.obj.Contents = pdf.make_stream(body)
    pdf.save(path)
    return path


def test_an_untagged_pdf_fails_the_document_conditions(tmp_path: Path) -> None:
    failures = {f.checkpoint for f in check(_untagged(tmp_path / "plain.pdf", text_outside=False))}
    assert {"06-001", "07-001", "11-001", "01-xxx"} <= failures


def test_text_neither_tagged_nor_artifact_is_found(tmp_path: Path) -> None:
    import pikepdf

    path = _untagged(tmp_path / "naked.pdf", text_outside=True)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:   # a tree, so the content check runs
        doc = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document,
                                                   K=pikepdf.Array()))
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=doc))
        pdf.save(path)
    failures = [str(f) for f in check(path)]
    assert "01-005: page 1: 1 painting operators neither tagged nor Artifact" in failures


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_digital_pdf_passes(built: dict[tuple[str, str], Path], edition: str) -> None:
    assert [str(f) for f in check(built[(edition, "pdf")])] == []


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_running_heads_and_folios_are_artifacts(built: dict[tuple[str, str], Path], edition: str) -> None:
    import pikepdf

    with pikepdf.open(built[(edition, "pdf")]) as pdf:
        pagination = 0
        for page in pdf.pages[8:12]:      # body pages, with running heads and folios
            for instruction in pikepdf.parse_content_stream(page):
                operands = list(instruction.operands)
                if str(instruction.operator) == "BDC" and str(operands[0]) == "/Artifact" and \
                        str(operands[1].get("/Type", "")) == "/Pagination":
                    pagination += 1
        assert pagination >= 4
