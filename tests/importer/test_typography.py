"""Typewriter quotes curled only where it is certain."""

from __future__ import annotations

import pytest

from publish.importer.typography import curl


@pytest.mark.parametrize(("text", "expected", "balanced"), [
    ('His First "Science and Technology Progress Award" at Age 26',
     "His First “Science and Technology Progress Award” at Age 26", True),
    ('"At that time," he said, "we had six computers."', "“At that time,” he said, “we had six computers.”", True),
    ("It's China's (\"first\") ward", "It’s China’s (“first”) ward", True),
    ('"Through three generations of development, Ruijin', '"Through three generations of development, Ruijin', False),
    ("the '90s and 'soft power'", "the '90s and 'soft power'", True),
    ('see [the "paper"](https://example.org/a"b) now', 'see [the “paper”](https://example.org/a"b) now', True),
])
def test_curl(text: str, expected: str, balanced: bool) -> None:
    assert curl(text) == (expected, balanced)
