"""How old the board is, in each language's words and plural forms."""

from __future__ import annotations

import pytest

from bot.texts.leaderboard import updated_ago
from tests.support.i18n import reading

MINUTE, HOUR, DAY = 60, 3600, 86400


@pytest.mark.parametrize(
    ("language", "seconds", "said"),
    [
        ("en", 59, "updated just now"),
        ("en", MINUTE, "updated 1 minute ago"),
        ("en", 4 * MINUTE + 59, "updated 4 minutes ago"),
        ("en", HOUR, "updated 1 hour ago"),
        ("en", 3 * DAY, "updated 3 days ago"),
        ("ru", 10, "обновлено только что"),
        ("ru", MINUTE, "обновлено 1 минуту назад"),
        ("ru", 4 * MINUTE, "обновлено 4 минуты назад"),
        ("ru", 5 * MINUTE, "обновлено 5 минут назад"),
        ("ru", 21 * MINUTE, "обновлено 21 минуту назад"),
        ("ru", 2 * HOUR, "обновлено 2 часа назад"),
        ("ru", 11 * DAY, "обновлено 11 дней назад"),
    ],
)
def test_the_boards_age_in_words(language: str, seconds: int, said: str) -> None:
    with reading(language):
        assert updated_ago(seconds) == said
