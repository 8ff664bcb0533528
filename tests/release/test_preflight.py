"""The print preflight's margins (release/preflight.py): measured at 720 dpi first and at Ghostscript's
own 4000 dpi only where a verdict could change, they say what one 4000-dpi run of every page says —
Ghostscript at full resolution is the oracle, on good pages and on ink placed just inside and far
inside the margins."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from conftest import SAMPLE_EPOCH, project_at
from publish.build import BuildOptions, build
from publish.prepress.profiles import PROFILES, PT
from publish.release import preflight

from .test_release import make_book

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def interior(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("preflight")
    book = make_book(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
        artifacts = build(project_at(root), book, BuildOptions(formats=("print",), out=root / "out"))
    return next(a.path for a in artifacts if a.fmt == "print")


def test_coarse_then_fine_boxes_are_the_full_resolution_boxes(interior: Path) -> None:
    profile = PROFILES["generic"]
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
    fine, fine_warnings, _ = preflight.measured(interior, profile, pages, dpi=None)
    two, warnings, _ = preflight.measured(interior, profile, pages)
    coarse, _ = preflight.ghostscript(interior, dpi=preflight.COARSE_DPI)
    assert len(two) == len(fine) == pages and warnings == fine_warnings
    for a, b, c in zip(two, fine, coarse, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a == b or max(abs(x - y) for x, y in zip(a, b, strict=True)) < preflight.COARSE_SLACK_PT
        if c is None:
            assert a == b    # a page blank at 720 dpi is always measured again
    assert preflight._rendered_margins(interior, profile, pages) == \
        preflight._rendered_margins(interior, profile, pages, dpi=None)


def test_ink_inside_the_margins_is_reported_as_a_full_resolution_run_reports_it(interior: Path,
                                                                                  tmp_path: Path) -> None:
    profile = PROFILES["generic"]
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
        gutter, edge = profile.min_gutter_mm(pages) * PT, profile.min_margin_mm * PT
        for number, ink in ((3, (5.0, 300.0)), (5, (gutter - 0.6, 200.0)), (6, (None, 20.0))):
            page = pdf.pages[number - 1]
            trim = [float(v) for v in page.obj.TrimBox]
            # x from the inner edge (left on a recto), or mid-page; a 2 × 2 pt black square
            x = trim[0] + ink[0] if ink[0] is not None else (trim[0] + trim[2]) / 2
            y = trim[1] + (ink[1] if number != 6 else edge - 1.0)
            page.contents_add(pdf.make_stream(f"q 0 0 0 1 k {x:.3f} {y:.3f} 2 2 re f Q".encode()), prepend=False)
        pdf.save(broken)
    two = preflight._rendered_margins(broken, profile, pages)
    assert two == preflight._rendered_margins(broken, profile, pages, dpi=None)
    assert any(m.startswith("page 3: inside (gutter)") for m in two)
    assert any(m.startswith("page 5: inside (gutter)") for m in two)
    assert any(m.startswith("page 6: bottom") for m in two)
