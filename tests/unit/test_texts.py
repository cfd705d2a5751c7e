"""Counts take their language's plural form; numbers, percentages and durations are written the
way each language writes them; interpolated values stay escaped in every language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot import texts
from bot.texts import progress as progress_texts
from db.enums import ProgressStatus
from tests.support.i18n import reading

COUNTS = [0, 1, 2, 5, 11, 21, 22, 25]
NBSP = "\xa0"  # Russian separates thousands, and a number from its % sign, with one


def said(language: str, text: Callable[[int], str]) -> list[str]:
    with reading(language):
        return [text(n) for n in COUNTS]


def test_exercise_counts_in_english() -> None:
    assert said("en", texts.exercise_count) == [
        "✍️ 0 exercises",
        "✍️ 1 exercise",
        "✍️ 2 exercises",
        "✍️ 5 exercises",
        "✍️ 11 exercises",
        "✍️ 21 exercises",
        "✍️ 22 exercises",
        "✍️ 25 exercises",
    ]


def test_exercise_counts_in_russian() -> None:
    assert said("ru", texts.exercise_count) == [
        "✍️ 0 упражнений",
        "✍️ 1 упражнение",
        "✍️ 2 упражнения",
        "✍️ 5 упражнений",
        "✍️ 11 упражнений",
        "✍️ 21 упражнение",
        "✍️ 22 упражнения",
        "✍️ 25 упражнений",
    ]


def test_lessons_completed_in_english() -> None:
    # English says it the same way whatever the count.
    assert said("en", lambda n: progress_texts.lessons_completed_of(n, 30)) == [
        f"✅ Lessons completed: <b>{n}</b> of 30" for n in COUNTS
    ]


def test_lessons_completed_in_russian_agree_with_the_count() -> None:
    assert said("ru", lambda n: progress_texts.lessons_completed_of(n, 30)) == [
        "✅ Пройдено <b>0</b> уроков из 30",
        "✅ Пройден <b>1</b> урок из 30",
        "✅ Пройдено <b>2</b> урока из 30",
        "✅ Пройдено <b>5</b> уроков из 30",
        "✅ Пройдено <b>11</b> уроков из 30",
        "✅ Пройден <b>21</b> урок из 30",
        "✅ Пройдено <b>22</b> урока из 30",
        "✅ Пройдено <b>25</b> уроков из 30",
    ]


def module_line(total: int) -> str:
    return texts.module_progress("M", 0, total).splitlines()[1]


def test_module_progress_counts_its_lessons_in_english() -> None:
    assert said("en", module_line) == [
        "░░░░░░░░░░ 0% · 0/0 lessons",
        "░░░░░░░░░░ 0% · 0/1 lesson",
        "░░░░░░░░░░ 0% · 0/2 lessons",
        "░░░░░░░░░░ 0% · 0/5 lessons",
        "░░░░░░░░░░ 0% · 0/11 lessons",
        "░░░░░░░░░░ 0% · 0/21 lessons",
        "░░░░░░░░░░ 0% · 0/22 lessons",
        "░░░░░░░░░░ 0% · 0/25 lessons",
    ]


def test_module_progress_counts_its_lessons_in_russian() -> None:
    # "из N" takes the genitive: из 1 урока, из 2 уроков, из 21 урока.
    bar = f"░░░░░░░░░░ 0{NBSP}% · 0 из"
    assert said("ru", module_line) == [
        f"{bar} 0 уроков",
        f"{bar} 1 урока",
        f"{bar} 2 уроков",
        f"{bar} 5 уроков",
        f"{bar} 11 уроков",
        f"{bar} 21 урока",
        f"{bar} 22 уроков",
        f"{bar} 25 уроков",
    ]


def test_module_screen_bar_in_both_languages() -> None:
    def bar(n: int) -> str:
        return texts.lessons_completed_bar("▓", 1, n)

    assert said("en", bar)[:3] == [
        "▓ 1/0 lessons completed",
        "▓ 1/1 lesson completed",
        "▓ 1/2 lessons completed",
    ]
    assert said("ru", bar) == [
        "▓ пройдено: 1 из 0 уроков",
        "▓ пройдено: 1 из 1 урока",
        "▓ пройдено: 1 из 2 уроков",
        "▓ пройдено: 1 из 5 уроков",
        "▓ пройдено: 1 из 11 уроков",
        "▓ пройдено: 1 из 21 урока",
        "▓ пройдено: 1 из 22 уроков",
        "▓ пройдено: 1 из 25 уроков",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["none yet", "under a minute", "1 min", "59 min", "1 h 0 min", "1 h 5 min"]),
        ("ru", ["пока нет", "меньше минуты", "1 мин", "59 мин", "1 ч 0 мин", "1 ч 5 мин"]),
    ],
)
def test_durations(language: str, expected: list[str]) -> None:
    with reading(language):
        assert [texts.duration(s) for s in (0, 59, 60, 3599, 3600, 3900)] == expected


def test_numbers_and_percentages_are_written_for_the_language() -> None:
    with reading("en"):
        assert progress_texts.total_xp(12345) == "⭐ XP: <b>12,345</b>"
        assert progress_texts.score_percent(66.6) == "67%"
        assert texts.status_mark(ProgressStatus.COMPLETED, 100) == "✅ 100%"
        assert texts.minutes(5) == "⏱ 5 min"
    with reading("ru"):
        assert progress_texts.total_xp(12345) == f"⭐ XP: <b>12{NBSP}345</b>"
        assert progress_texts.score_percent(66.6) == f"67{NBSP}%"
        assert texts.status_mark(ProgressStatus.COMPLETED, 100) == f"✅ 100{NBSP}%"
        assert texts.minutes(5) == "⏱ 5 мин"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_interpolated_values_are_escaped(language: str) -> None:
    with reading(language):
        assert "<b>a &lt;b&gt; &amp; c</b>" in texts.reset_question("a <b> & c")
        assert "👋" in texts.welcome("<Ada>") and "&lt;Ada&gt;" in texts.welcome("<Ada>")
        assert "&lt;" in texts.answer_feedback(False, "x < y", "because <")
