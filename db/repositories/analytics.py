"""The admin's analytics: course-wide aggregates, each family of figures one statement.

Every statement aggregates in the database (GROUP BY over the progress tables) and returns one
row per lesson or module, or one row in all, so its cost does not depend on how many learners
there are in round trips, only in rows scanned. Averages are left to the caller as sums and
counts: MariaDB's AVG rounds to four decimals where SQLite's does not, and a quotient taken in
Python is the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime
from db.enums import ProgressStatus
from db.models import (
    ActivityLog,
    Exercise,
    Lesson,
    Module,
    ModuleProgress,
    User,
    UserProgress,
)

__all__ = [
    "LearnerCounts",
    "LessonTotals",
    "ModuleTotals",
    "learner_counts",
    "lesson_totals",
    "module_totals",
]

_users = cast(Table, User.__table__)
_progress = cast(Table, UserProgress.__table__)
_module_progress = cast(Table, ModuleProgress.__table__)
_ledger = cast(Table, ActivityLog.__table__)
_lessons = cast(Table, Lesson.__table__)
_modules = cast(Table, Module.__table__)
_exercises = cast(Table, Exercise.__table__)

_NOT_STARTED = ProgressStatus.NOT_STARTED.value
_COMPLETED = ProgressStatus.COMPLETED.value


@dataclass(frozen=True, slots=True)
class LearnerCounts:
    total: int
    active: int


@dataclass(frozen=True, slots=True)
class LessonTotals:
    """One visible lesson's sums over its learners' progress rows."""

    lesson_id: int
    title: str
    module_id: int
    module_title: str
    pass_score: int
    has_exercises: bool
    # Rows not NOT_STARTED (a reset lesson is not started again until it is reopened).
    started: int
    completed: int
    # Started rows with at least one run of the exercises, and those whose best score reached
    # the lesson's pass_score.
    ran: int
    passed: int
    # Runs of the started rows (a reset row starts again from none).
    runs: int
    # Over started rows with a score (NULL scores are left out, never counted as 0).
    scored: int
    score_sum: int
    time_sum: int


@dataclass(frozen=True, slots=True)
class ModuleTotals:
    module_id: int
    title: str
    started: int
    completed: int


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# Active: touched a lesson (user_progress.last_accessed_at: every open, answer and "done") or
# wrote to the activity log (starts, completions, achievements) since the bind `since`. Both
# are timestamps from the clock; users.last_active_date is only a local date, and only days
# that count for the streak.
_since = bindparam("since", type_=UTCDateTime())
_touched_a_lesson = exists().where(
    _progress.c.user_id == _users.c.id, _progress.c.last_accessed_at >= _since
)
_logged_activity = exists().where(_ledger.c.user_id == _users.c.id, _ledger.c.created_at >= _since)
_LEARNERS = select(
    func.count().label("total"),
    _count_if(or_(_touched_a_lesson, _logged_activity)).label("active"),
).select_from(_users)


async def learner_counts(session: AsyncSession, since: datetime) -> LearnerCounts:
    """Every learner, and those active at or after `since`."""
    row = (await session.execute(_LEARNERS, {"since": since})).one()
    return LearnerCounts(total=int(row.total), active=int(row.active))


_started = _progress.c.status != _NOT_STARTED
_ran = and_(_started, _progress.c.attempts > 0)
_score = case((_started, _progress.c.score))
_per_lesson = (
    select(
        _progress.c.lesson_id,
        _count_if(_started).label("started"),
        _count_if(_progress.c.status == _COMPLETED).label("completed"),
        _count_if(_ran).label("ran"),
        _count_if(and_(_ran, _progress.c.score >= _lessons.c.pass_score)).label("passed"),
        func.coalesce(func.sum(case((_started, _progress.c.attempts), else_=0)), 0).label("runs"),
        func.count(_score).label("scored"),
        func.coalesce(func.sum(_score), 0).label("score_sum"),
        func.coalesce(func.sum(case((_started, _progress.c.time_spent_seconds), else_=0)), 0).label(
            "time_sum"
        ),
    )
    .join_from(_progress, _lessons, _lessons.c.id == _progress.c.lesson_id)
    .group_by(_progress.c.lesson_id)
    .subquery("per_lesson")
)
_has_exercises = exists().where(_exercises.c.lesson_id == _lessons.c.id)
_VISIBLE = (
    _modules.c.is_published.is_(True),
    _modules.c.deleted_at.is_(None),
    _lessons.c.is_published.is_(True),
    _lessons.c.deleted_at.is_(None),
)
_LESSONS = (
    select(
        _lessons.c.id,
        _lessons.c.title,
        _modules.c.id.label("module_id"),
        _modules.c.title.label("module_title"),
        _lessons.c.pass_score,
        case((_has_exercises, 1), else_=0).label("has_exercises"),
        *(
            func.coalesce(_per_lesson.c[name], 0).label(name)
            for name in (
                "started",
                "completed",
                "ran",
                "passed",
                "runs",
                "scored",
                "score_sum",
                "time_sum",
            )
        ),
    )
    .join_from(_lessons, _modules, _modules.c.id == _lessons.c.module_id)
    .outerjoin(_per_lesson, _per_lesson.c.lesson_id == _lessons.c.id)
    .where(*_VISIBLE)
    .order_by(_modules.c.order, _modules.c.id, _lessons.c.order, _lessons.c.id)
)


async def lesson_totals(session: AsyncSession) -> list[LessonTotals]:
    """Every visible lesson (published, not deleted, in a visible module), in course order."""
    result = await session.execute(_LESSONS)
    return [
        LessonTotals(
            lesson_id=row.id,
            title=row.title,
            module_id=row.module_id,
            module_title=row.module_title,
            pass_score=row.pass_score,
            has_exercises=bool(row.has_exercises),
            started=int(row.started),
            completed=int(row.completed),
            ran=int(row.ran),
            passed=int(row.passed),
            runs=int(row.runs),
            scored=int(row.scored),
            score_sum=int(row.score_sum),
            time_sum=int(row.time_sum),
        )
        for row in result
    ]


_per_module = (
    select(
        _module_progress.c.module_id,
        _count_if(_module_progress.c.status != _NOT_STARTED).label("started"),
        _count_if(_module_progress.c.status == _COMPLETED).label("completed"),
    )
    .group_by(_module_progress.c.module_id)
    .subquery("per_module")
)
_MODULES = (
    select(
        _modules.c.id,
        _modules.c.title,
        func.coalesce(_per_module.c.started, 0).label("started"),
        func.coalesce(_per_module.c.completed, 0).label("completed"),
    )
    .outerjoin(_per_module, _per_module.c.module_id == _modules.c.id)
    .where(_modules.c.is_published.is_(True), _modules.c.deleted_at.is_(None))
    .order_by(_modules.c.order, _modules.c.id)
)


async def module_totals(session: AsyncSession) -> list[ModuleTotals]:
    """Every visible module, in course order, with its learners from module_progress."""
    result = await session.execute(_MODULES)
    return [
        ModuleTotals(
            module_id=row.id,
            title=row.title,
            started=int(row.started),
            completed=int(row.completed),
        )
        for row in result
    ]
