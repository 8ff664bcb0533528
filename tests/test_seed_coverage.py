"""Every seed article survives in the sample book's sources: ≥ 98% of its sentences, per seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RAW, SAMPLE
from seed_coverage import coverage

SEED_OF = {f"{p}.txt": p for p in ("li-junmin", "li-ziming", "liu-ruijun", "wang-zhongmin", "li-jinsong")}


@pytest.mark.parametrize(("seed", "profile"), sorted(SEED_OF.items()))
def test_seed_text_survives(seed: str, profile: str) -> None:
    ratio, missing = coverage((RAW / seed).read_text(encoding="utf-8"),
                              SAMPLE / "profiles" / f"{profile}.yaml")
    print(f"\n{seed} → {profile}: {ratio:.2%} of sentences kept; not found: {missing}")
    assert ratio >= 0.98, missing


def test_coverage_measure_can_fail(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("id: x\nheadline: Something else entirely\n", encoding="utf-8")
    ratio, missing = coverage("This sentence has more than five words.\nAnd this one too, five words.", profile)
    assert ratio == 0.0 and len(missing) == 2
