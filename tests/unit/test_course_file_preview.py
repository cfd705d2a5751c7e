"""A course file's preview is one Telegram message: its warning list is cut to fit 4096 UTF-16
units, as Telegram counts them after parsing the HTML, and says how many lessons it left out."""

from __future__ import annotations

import pytest

from bot.services.content.model import SLUG_MAX_LEN, TITLE_MAX_LEN
from bot.services.content.spec import Counts, ImportReport
from bot.services.content.upload import AnsweredLoss, Preview
from bot.texts import course_file as texts
from bot.views.admin.course_file import preview_screen, problems_text
from bot.views.telegram_length import MESSAGE_LIMIT
from bot.views.telegram_length import html_length as telegram_length
from tests.support.i18n import reading

TOKEN = "0123456789abcdef"


def losses(count: int) -> list[AnsweredLoss]:
    # Slugs at the column's length; titles of emoji (two UTF-16 units each) and characters
    # that are escaped in HTML (one unit each once parsed).
    return [
        AnsweredLoss(
            module_slug=f"m{n:02d}-" + "m" * (SLUG_MAX_LEN - 4),
            lesson_slug=f"l{n:02d}-" + "l" * (SLUG_MAX_LEN - 4),
            lesson_title=("👩‍💻 <&> " * 40)[:TITLE_MAX_LEN],
            exercises=n + 1,
            answers=1000 * n,
        )
        for n in range(count)
    ]


def preview(count: int) -> Preview:
    report = ImportReport(exercises=Counts(updated=count, deleted=count))
    return Preview(report, losses(count))


def test_telegram_length_counts_utf16_units_of_the_parsed_text() -> None:
    assert telegram_length("<b>a&lt;b</b>") == 3
    assert telegram_length("👩‍💻") == 5  # two astral characters and a joiner
    assert telegram_length("é") == 1


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_warning_of_30_lessons_with_long_slugs_fits_one_message(language: str) -> None:
    with reading(language):
        screen = preview_screen("course.yaml", preview(30), TOKEN)
        lines = screen.text.split("\n")
        shown = [line for line in lines if line.startswith("• ")]
        left_out = 30 - len(shown)
        more = texts.more_lessons(left_out)

    assert telegram_length(screen.text) <= MESSAGE_LIMIT
    assert 0 < len(shown) < 30
    assert lines[-1] == more
    # The lines shown are whole, in order: the first lessons of the list.
    for n, line in enumerate(shown):
        assert f"m{n:02d}-" in line and f"l{n:02d}-" in line
    assert screen.markup is not None  # Apply and Cancel are still offered


def test_a_short_warning_is_shown_whole() -> None:
    with reading("en"):
        screen = preview_screen("course.yaml", preview(2), TOKEN)
    assert sum(line.startswith("• ") for line in screen.text.split("\n")) == 2
    assert "more lesson" not in screen.text


def test_without_the_cut_the_warning_would_not_fit() -> None:
    """The case is real: the lines the preview names would overflow one message."""
    with reading("en"):
        whole = "\n".join(
            texts.loss_line(loss.lesson_title, loss.module_slug, loss.lesson_slug, 1, 1)
            for loss in losses(20)
        )
    assert telegram_length(whole) > MESSAGE_LIMIT


def test_a_list_of_problems_quoting_wide_values_fits_one_message() -> None:
    problems = [
        f"lessons[{n}].title: {'👩‍💻' * 200!r} must be at most 200 characters" for n in range(40)
    ]
    with reading("en"):
        text = problems_text("course.yaml", problems)
    assert telegram_length(text) <= MESSAGE_LIMIT
    assert "lessons[0].title" in text
    assert text.endswith("more problems.")
