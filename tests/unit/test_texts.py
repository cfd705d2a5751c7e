"""Counts shown to learners take their plural form."""

from __future__ import annotations

import pytest

from bot.locales import en


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "✍️ 0 exercises"), (1, "✍️ 1 exercise"), (2, "✍️ 2 exercises"), (21, "✍️ 21 exercises")],
)
def test_exercise_count_plural(n: int, expected: str) -> None:
    assert en.exercise_count(n) == expected


def test_module_progress_says_one_lesson() -> None:
    assert en.module_progress("M", 0, 1).endswith("0/1 lesson")
    assert en.module_progress("M", 1, 2).endswith("1/2 lessons")
