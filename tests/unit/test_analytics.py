"""The admin analytics on a hand-made data set (tests/support/analytics.py): every figure is
worked out by hand in the comments, here and beside the rows, not by running the service's own
SQL again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.context import Context
from db.clock import Clock, ManualClock
from db.models import Lesson, User
from tests.support.analytics import DAY, NOW, P, add_progress, build_course, by_title, stats_of
from tests.support.factories import insert_row


@pytest.fixture
def clock() -> Clock:
    return ManualClock(NOW)


async def test_learners(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    stats = await stats_of(sessionmaker, context)
    # u1..u8. Active since NOW-7d: u1 (1d), u2 (2d), u7 (3d) by lesson touches, u4 and u8 by
    # the log; not u3 (10d, log 8d), u5 (8d), u6 (never).
    assert (stats.learners.total, stats.learners.active) == (8, 5)
    assert stats.learners.since == NOW - 7 * DAY


async def test_lessons_in_course_order_without_hidden_ones(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    stats = await stats_of(sessionmaker, context)
    assert [(lesson.number, lesson.title) for lesson in stats.lessons] == [
        ("1.1", "Variables"),
        ("1.2", "Reading"),
        ("1.3", "Loops"),
        ("2.1", "Classes"),
    ]
    assert [(m.title, m.started, m.completed) for m in stats.modules] == [
        # Basics: u1 u2 u7 completed, u3 u4 u5 in progress, u6 reset: 3 of 6.
        ("Basics", 6, 3),
        # Advanced: u1 completed, u2 in progress.
        ("Advanced", 2, 1),
    ]
    assert [m.completion_rate for m in stats.modules] == [50.0, 50.0]


async def test_per_lesson_figures(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    lessons = by_title(await stats_of(sessionmaker, context))

    variables = lessons["Variables"]
    # started: u1 u2 u3 u4 u5 u7 = 6 (u6 reset); completed u1 u2 u7 = 3 -> 50%.
    assert (variables.started, variables.completed, variables.completion_rate) == (6, 3, 50.0)
    # ran: u1 u2 u3 u4 u7 = 5; reached 70: u1 (90) u2 (70) u7 (100) = 3 -> 60%.
    assert (variables.ran, variables.passed, variables.pass_rate) == (5, 3, 60.0)
    # runs 1+3+2+1+0+2 = 9 over 5 who ran = 1.8.
    assert (variables.runs, variables.average_runs) == (9, 1.8)
    # scores 90, 70, 40, 100 (u4 and u5 NULL, left out) = 300 / 4 = 75.
    assert variables.average_score == 75.0
    # time 300+600+200+100+50+400 = 1650 / 6 started = 275.
    assert variables.average_time_seconds == 275.0
    # dropped off: u3 u4 u5 = 3 of 6 = 50%; 9 runs / 3 completions = 3.0.
    assert (variables.dropped_off, variables.drop_off_rate) == (3, 50.0)
    assert variables.runs_per_completion == 3.0

    reading = lessons["Reading"]
    assert not reading.has_exercises
    # started 4, completed 3 (u1 u2 u7) -> 75%; no exercises: no pass rate, runs or score.
    assert (reading.started, reading.completed, reading.completion_rate) == (4, 3, 75.0)
    assert (reading.ran, reading.pass_rate, reading.average_runs) == (0, None, None)
    assert reading.average_score is None, "NULL scores are never averaged as 0"
    # (120+60+30+90) / 4 = 75; u3 dropped off: 1 of 4 = 25%.
    assert reading.average_time_seconds == 75.0
    assert (reading.dropped_off, reading.drop_off_rate) == (1, 25.0)

    loops = lessons["Loops"]
    # started 4, completed 3 -> 75%; ran 4; reached 50: u1 (50) u2 (100) u7 (60) -> 75%.
    assert (loops.started, loops.completed, loops.completion_rate) == (4, 3, 75.0)
    assert (loops.ran, loops.passed, loops.pass_rate) == (4, 3, 75.0)
    # runs 4+1+2+5 = 12 / 4 = 3.0; scores 50+100+60+0 = 210 / 4 = 52.5 (u3's 0 counts).
    assert (loops.runs, loops.average_runs, loops.average_score) == (12, 3.0, 52.5)
    # time 500+100+300+700 = 1600 / 4 = 400; 12 runs / 3 completions = 4.0.
    assert (loops.average_time_seconds, loops.runs_per_completion) == (400.0, 4.0)

    classes = lessons["Classes"]
    # u1 80 (passes 80), u2 79 (does not): 1 of 2 both ways; scores (80+79)/2 = 79.5.
    assert (classes.started, classes.completed, classes.pass_rate) == (2, 1, 50.0)
    assert (classes.average_runs, classes.average_score) == (1.0, 79.5)
    assert classes.average_time_seconds == 150.0


async def test_hardest_lessons_and_drop_off(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    # At least 3 completions: Variables (3.0) and Loops (4.0); Reading has 3 but no
    # exercises, Classes only 1 completion.
    default = await stats_of(sessionmaker, context)
    assert default.min_completions == 3
    assert [lesson.title for lesson in default.hardest] == ["Loops", "Variables"]
    # At least 1: Classes joins with 2 runs / 1 completion = 2.0.
    one = await stats_of(sessionmaker, context, min_completions=1)
    assert [(h.title, h.runs_per_completion) for h in one.hardest] == [
        ("Loops", 4.0),
        ("Variables", 3.0),
        ("Classes", 2.0),
    ]
    assert (await stats_of(sessionmaker, context, min_completions=4)).hardest == []
    # Drop-off, most learners first: Variables 3, then Reading, Loops, Classes 1 each in
    # course order.
    assert [(d.title, d.dropped_off) for d in default.drop_offs] == [
        ("Variables", 3),
        ("Reading", 1),
        ("Loops", 1),
        ("Classes", 1),
    ]


async def test_an_empty_database(
    sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    stats = await stats_of(sessionmaker, context)
    assert (stats.learners.total, stats.learners.active) == (0, 0)
    assert (stats.lessons, stats.modules, stats.hardest) == ([], [], [])
    assert not stats.anyone_started


async def test_min_completions_below_one_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    with pytest.raises(ValueError):
        await stats_of(sessionmaker, context, min_completions=0)


async def _statements(
    engine: AsyncEngine, context: Context, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await stats_of(sessionmaker, context)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


async def test_a_fixed_number_of_statements_however_many_learners(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    few = await _statements(engine, context, sessionmaker)
    await build_course_more(engine)
    many = await _statements(engine, context, sessionmaker)
    assert len(few) == len(many) == 3
    stats = await stats_of(sessionmaker, context)
    assert stats.learners.total == 8 + 25
    assert by_title(stats)["Variables"].started == 6 + 25


async def build_course_more(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        variables = (
            await conn.execute(select(Lesson.id).where(Lesson.title == "Variables"))
        ).scalar_one()
        for n in range(25):
            user = await insert_row(conn, User, telegram_id=10_000 + n)
            await add_progress(conn, {0: user}, variables, {0: (P, None, 1, 10, 1)})
