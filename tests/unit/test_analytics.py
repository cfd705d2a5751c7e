"""The admin analytics on a hand-made data set: every figure is worked out by hand in the
comments below, not by running the service's own SQL again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.analytics import CourseStats, LessonStats, course_stats
from db.clock import Clock, ManualClock
from db.enums import ActivityType, ExerciseType, ProgressStatus
from db.models import (
    ActivityLog,
    Exercise,
    Lesson,
    Module,
    ModuleProgress,
    User,
    UserProgress,
)
from tests.support.factories import insert_row

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)

S, P, C = ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS, ProgressStatus.COMPLETED


@pytest.fixture
def clock() -> Clock:
    return ManualClock(NOW)


# Progress rows: learner -> (status, best score, runs, seconds, last touched days ago).
# Learners u1..u8; u8 only registered.
VARIABLES = {  # 1.1, pass 70, two exercises
    1: (C, 90, 1, 300, 1),
    2: (C, 70, 3, 600, 2),
    3: (P, 40, 2, 200, 10),  # ran twice, never passed: dropped off
    4: (P, None, 1, 100, 9),  # a run begun and never finished: ran, no score
    5: (P, None, 0, 50, 8),  # only read the text
    6: (S, None, 0, 0, None),  # reset: not started
    7: (C, 100, 2, 400, 3),
}
READING = {  # 1.2, no exercises: every score NULL
    1: (C, None, 0, 120, 1),
    2: (C, None, 0, 60, 2),
    3: (P, None, 0, 30, 10),
    7: (C, None, 0, 90, 3),
}
LOOPS = {  # 1.3, pass 50, one exercise
    1: (C, 50, 4, 500, 1),  # exactly the pass score: passed
    2: (C, 100, 1, 100, 2),
    3: (P, 0, 5, 700, 10),  # a real 0, averaged as one
    7: (C, 60, 2, 300, 3),
}
CLASSES = {  # 2.1, pass 80, one exercise
    1: (C, 80, 1, 200, 1),
    2: (P, 79, 1, 100, 2),
}
HIDDEN = {1: (C, 100, 9, 999, 1), 5: (P, 10, 9, 999, 20)}  # unpublished/deleted lessons


async def _progress(conn: Any, users: dict[int, int], lesson_id: int, rows: dict) -> None:  # type: ignore[type-arg]
    for learner, (status, score, runs, seconds, days_ago) in rows.items():
        await insert_row(
            conn,
            UserProgress,
            user_id=users[learner],
            lesson_id=lesson_id,
            status=status,
            score=score,
            attempts=runs,
            last_run=runs,
            time_spent_seconds=seconds,
            last_accessed_at=None if days_ago is None else NOW - days_ago * DAY,
        )


async def _lesson(conn: Any, module_id: int, title: str, order: int, **values: Any) -> int:
    values.setdefault("is_published", True)
    return await insert_row(
        conn, Lesson, module_id=module_id, slug=title.lower(), title=title, order=order, **values
    )


async def _exercise(conn: Any, lesson_id: int) -> None:
    await insert_row(
        conn, Exercise, lesson_id=lesson_id, type=ExerciseType.TRUE_FALSE, prompt="?", answer=True
    )


async def build_course(engine: AsyncEngine) -> dict[str, int]:
    async with engine.begin() as conn:
        users = {n: await insert_row(conn, User, telegram_id=100 + n) for n in range(1, 9)}
        # Inserted before "Basics" but ordered after it.
        advanced = await insert_row(
            conn, Module, slug="advanced", title="Advanced", order=2, is_published=True
        )
        basics = await insert_row(
            conn, Module, slug="basics", title="Basics", order=1, is_published=True
        )
        draft = await insert_row(conn, Module, slug="draft", title="Draft", order=0)
        # Lessons inserted out of course order.
        loops = await _lesson(conn, basics, "Loops", 3, pass_score=50)
        variables = await _lesson(conn, basics, "Variables", 1, pass_score=70)
        reading = await _lesson(conn, basics, "Reading", 2)
        classes = await _lesson(conn, advanced, "Classes", 2, pass_score=80)
        unpublished = await _lesson(conn, advanced, "Unpublished", 1, is_published=False)
        deleted = await _lesson(conn, advanced, "Deleted", 3, deleted_at=NOW - DAY)
        in_draft = await _lesson(conn, draft, "In draft", 1)
        for lesson in (variables, variables, loops, classes, unpublished, deleted, in_draft):
            await _exercise(conn, lesson)
        await _progress(conn, users, variables, VARIABLES)
        await _progress(conn, users, reading, READING)
        await _progress(conn, users, loops, LOOPS)
        await _progress(conn, users, classes, CLASSES)
        for hidden in (unpublished, deleted, in_draft):
            await _progress(conn, users, hidden, HIDDEN)
        for learner, module, status in [
            (1, basics, C), (2, basics, C), (7, basics, C),
            (3, basics, P), (4, basics, P), (5, basics, P),
            (6, basics, S),  # reset
            (1, advanced, C), (2, advanced, P),
            (1, draft, C),
        ]:  # fmt: skip
            await insert_row(
                conn, ModuleProgress, user_id=users[learner], module_id=module, status=status
            )
        # u4's last lesson touch is 9 days old, but an achievement 6 days ago makes them active;
        # u8 did nothing but is logged 7 days minus a minute ago; u3's log is 8 days old.
        for learner, when in [(4, NOW - 6 * DAY), (8, NOW - 7 * DAY + timedelta(minutes=1)),
                              (3, NOW - 8 * DAY)]:  # fmt: skip
            await insert_row(
                conn,
                ActivityLog,
                user_id=users[learner],
                activity_type=ActivityType.ACHIEVEMENT_EARNED,
                created_at=when,
            )
    return {"variables": variables, "reading": reading, "loops": loops, "classes": classes}


async def stats_of(
    sessionmaker: async_sessionmaker[AsyncSession], **kwargs: Any
) -> CourseStats:
    async with sessionmaker() as session:
        return await course_stats(session, **kwargs)


def by_title(stats: CourseStats) -> dict[str, LessonStats]:
    return {lesson.title: lesson for lesson in stats.lessons}


async def test_learners(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await build_course(engine)
    stats = await stats_of(sessionmaker)
    # u1..u8. Active since NOW-7d: u1 (1d), u2 (2d), u7 (3d) by lesson touches, u4 and u8 by
    # the log; not u3 (10d, log 8d), u5 (8d), u6 (never).
    assert (stats.learners.total, stats.learners.active) == (8, 5)
    assert stats.learners.since == NOW - 7 * DAY


async def test_lessons_in_course_order_without_hidden_ones(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await build_course(engine)
    stats = await stats_of(sessionmaker)
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
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await build_course(engine)
    lessons = by_title(await stats_of(sessionmaker))

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
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await build_course(engine)
    # At least 3 completions: Variables (3.0) and Loops (4.0); Reading has 3 but no
    # exercises, Classes only 1 completion.
    default = await stats_of(sessionmaker)
    assert default.min_completions == 3
    assert [lesson.title for lesson in default.hardest] == ["Loops", "Variables"]
    # At least 1: Classes joins with 2 runs / 1 completion = 2.0.
    one = await stats_of(sessionmaker, min_completions=1)
    assert [(h.title, h.runs_per_completion) for h in one.hardest] == [
        ("Loops", 4.0),
        ("Variables", 3.0),
        ("Classes", 2.0),
    ]
    assert (await stats_of(sessionmaker, min_completions=4)).hardest == []
    # Drop-off, most learners first: Variables 3, then Reading, Loops, Classes 1 each in
    # course order.
    assert [(d.title, d.dropped_off) for d in default.drop_offs] == [
        ("Variables", 3),
        ("Reading", 1),
        ("Loops", 1),
        ("Classes", 1),
    ]


async def test_an_empty_database(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    stats = await stats_of(sessionmaker)
    assert (stats.learners.total, stats.learners.active) == (0, 0)
    assert stats.lessons == stats.modules == stats.hardest == []
    assert not stats.anyone_started


async def test_min_completions_below_one_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(ValueError):
        await stats_of(sessionmaker, min_completions=0)


async def _statements(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await stats_of(sessionmaker)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


async def test_a_fixed_number_of_statements_however_many_learners(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await build_course(engine)
    few = await _statements(engine, sessionmaker)
    await build_course_more(engine)
    many = await _statements(engine, sessionmaker)
    assert len(few) == len(many) == 3
    stats = await stats_of(sessionmaker)
    assert stats.learners.total == 8 + 25
    assert by_title(stats)["Variables"].started == 6 + 25


async def build_course_more(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        variables = (
            await conn.execute(select(Lesson.id).where(Lesson.title == "Variables"))
        ).scalar_one()
        for n in range(25):
            user = await insert_row(conn, User, telegram_id=10_000 + n)
            await _progress(conn, {0: user}, variables, {0: (P, None, 1, 10, 1)})
