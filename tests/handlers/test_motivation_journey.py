"""A new learner takes module 1 of the sample course over three of their local days: what they
are told they earned (each once), their streak, My progress and the Achievements screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.config import Settings
from bot.services.context import Context
from db.clock import ManualClock
from db.enums import ActivityType
from db.models import ActivityLog
from tests.support.answers import do_run
from tests.support.chat import Chat, make_chat
from tests.support.course import seed_first_module
from tests.support.rows import rows
from tests.support.standing import held_codes

# The learner lives in New York (the deployment's default zone: they never set one).
# 09:00 there on Monday 2 March; the third day's lesson is at 21:00 on Wednesday, which is
# already Thursday in UTC.
DAYS = [
    datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
    datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
    datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
]
# Which of module 1's lessons are taken on each day.
PLAN = [[0, 1], [2], [3]]
TITLES = {
    "first_lesson": "First steps",
    "first_try": "First try",
    "perfect_score": "Flawless",
    "solved_10": "Problem solver",
    "module_1": "Module master",
    "streak_3": "On a roll",
    "xp_100": "Rising star",
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DAYS[0])


async def test_module_one_over_three_local_days(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    chat: Chat = make_chat(
        settings.model_copy(update={"default_timezone": "America/New_York"}), sessionmaker, context
    )
    module, lessons, exercises = await seed_first_module(sessionmaker, context)
    assert len(lessons) == 4

    await chat.send_text("/start")
    results = []
    for day, (instant, numbers) in enumerate(zip(DAYS, PLAN, strict=True), start=1):
        clock.set(instant)
        for number in numbers:
            lesson = lessons[number]
            await chat.send_text("/continue")
            while en.START_EXERCISES not in chat.labels():
                await chat.tap(en.NEXT)
            await chat.tap(en.START_EXERCISES)
            result = await do_run(chat, exercises[lesson.id], [True] * len(exercises[lesson.id]))
            results.append(result)
            assert f"🔥 {day}-day streak" in result

    # Each achievement told exactly once, in the message of the activity that earned it.
    said = chat.texts()
    for code, title in TITLES.items():
        assert sum(t.count(f"Achievement unlocked: <b>{title}</b>") for t in said) == 1, code
    assert sorted(await held_codes(sessionmaker)) == sorted(TITLES)
    earned = ActivityLog.activity_type == ActivityType.ACHIEVEMENT_EARNED
    assert len(await rows(sessionmaker, ActivityLog, earned)) == len(TITLES)
    assert "<b>First steps</b>" in results[0] and "<b>Flawless</b>" in results[0]
    assert "<b>Problem solver</b>" in results[2]  # the 10th exercise was day 2's last
    assert "<b>Module master</b>" in results[3]
    assert en.module_completed(module.title) in results[3]
    # Day 3's first right answer made the streak 3 days long: told with its feedback.
    [roll] = [t for t in said if "<b>On a roll</b>" in t]
    assert "✅ <b>Correct!</b>" in roll and "Finished" not in roll

    await chat.send_text("/progress")
    progress = chat.last_text
    assert "🔥 3-day streak" in progress
    assert "🏔 Longest streak: <b>3</b> days" in progress
    assert "Lessons completed: <b>4</b> of" in progress

    await chat.send_text("/achievements")
    screen = chat.last_text
    got, upcoming = screen.split("<b>Next up</b>")
    # Local dates: the third day is 4 March in New York, though 5 March in UTC.
    assert "<b>First steps</b> · Mar 2, 2026" in got
    assert "<b>Problem solver</b> · Mar 3, 2026" in got
    assert "<b>Module master</b> · Mar 4, 2026" in got
    assert "Mar 5" not in got
    assert "📚 Keen learner: 4 of 5 lessons" in upcoming
    assert "🏆 Course climber: 1 of 3 modules" in upcoming
    assert "🧠 Puzzle hunter: 13 of 50 exercises solved" in upcoming
    assert "⚡ Week warrior: 3 of 7 days in a row" in upcoming
    await chat.bot.session.close()
