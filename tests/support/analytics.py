"""A hand-made course with learners for the analytics tests: the figures it should give are
worked out by hand in tests/unit/test_analytics.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.analytics import CourseStats, LessonStats, course_stats
from bot.services.context import Context
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


# Progress rows: learner -> (status, best score, runs, seconds, last touched days ago).
Row = tuple[ProgressStatus, int | None, int, int, int | None]
# Learners u1..u8; u8 only registered.
VARIABLES: dict[int, Row] = {  # 1.1, pass 70, two exercises
    1: (C, 90, 1, 300, 1),
    2: (C, 70, 3, 600, 2),
    3: (P, 40, 2, 200, 10),  # ran twice, never passed: dropped off
    4: (P, None, 1, 100, 9),  # a run begun and never finished: ran, no score
    5: (P, None, 0, 50, 8),  # only read the text
    6: (S, None, 0, 0, None),  # reset: not started
    7: (C, 100, 2, 400, 3),
}
READING: dict[int, Row] = {  # 1.2, no exercises: every score NULL
    1: (C, None, 0, 120, 1),
    2: (C, None, 0, 60, 2),
    3: (P, None, 0, 30, 10),
    7: (C, None, 0, 90, 3),
}
LOOPS: dict[int, Row] = {  # 1.3, pass 50, one exercise
    1: (C, 50, 4, 500, 1),  # exactly the pass score: passed
    2: (C, 100, 1, 100, 2),
    3: (P, 0, 5, 700, 10),  # a real 0, averaged as one
    7: (C, 60, 2, 300, 3),
}
CLASSES: dict[int, Row] = {  # 2.1, pass 80, one exercise
    1: (C, 80, 1, 200, 1),
    2: (P, 79, 1, 100, 2),
}
HIDDEN: dict[int, Row] = {
    1: (C, 100, 9, 999, 1),
    5: (P, 10, 9, 999, 20),
}  # unpublished/deleted lessons


async def add_progress(
    conn: Any, users: dict[int, int], lesson_id: int, rows: dict[int, Row]
) -> None:
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
        await add_progress(conn, users, variables, VARIABLES)
        await add_progress(conn, users, reading, READING)
        await add_progress(conn, users, loops, LOOPS)
        await add_progress(conn, users, classes, CLASSES)
        for hidden in (unpublished, deleted, in_draft):
            await add_progress(conn, users, hidden, HIDDEN)
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
    sessionmaker: async_sessionmaker[AsyncSession], context: Context, **kwargs: Any
) -> CourseStats:
    async with sessionmaker() as session:
        return await course_stats(session, context, **kwargs)


def by_title(stats: CourseStats) -> dict[str, LessonStats]:
    return {lesson.title: lesson for lesson in stats.lessons}
