"""A learner's progress on lessons and modules, and their answers.

The hot path of the bot (open a lesson, start a run, answer) reads everything it needs about
one learner and one lesson in one locking statement, `lesson_state`, and writes each table at
most once. Statements are built once, here, so SQLAlchemy compiles each only once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db import clock
from db.enums import ProgressStatus
from db.models import ActivityLog, ExerciseAttempt, Lesson, ModuleProgress, User, UserProgress
from db.repositories.standing import LESSON_COLUMNS, Standing, standing_of

_users = cast(Table, User.__table__)
_progress = cast(Table, UserProgress.__table__)
_attempts = cast(Table, ExerciseAttempt.__table__)
_ledger = cast(Table, ActivityLog.__table__)
_lessons = cast(Table, Lesson.__table__)
_modules = cast(Table, ModuleProgress.__table__)

LESSON = "lesson"


@dataclass(slots=True)
class Progress:
    """One learner's row for one lesson; `id` is None until it is first saved."""

    user_id: int
    lesson_id: int
    id: int | None = None
    status: ProgressStatus = ProgressStatus.NOT_STARTED
    score: int | None = None
    attempts: int = 0
    last_run: int = 0
    active_run: int | None = None
    time_spent_seconds: int = 0
    started_at: datetime | None = None
    last_accessed_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    exercise_id: int
    correct: bool
    points: int


@dataclass(slots=True)
class LessonState:
    """What the rules need to act on one learner's lesson, read under the learner's lock."""

    progress: Progress
    # The answers given so far in the latest run, by exercise id.
    run_answers: dict[int, Answer] = field(default_factory=dict)
    # XP the ledger already holds for this lesson.
    xp_granted: int = 0
    # The learner's other published lessons of the same module: completed, and started at all.
    module_done: int = 0
    module_started: int = 0
    # Where the learner stands, for the motivation rules; read only when asked for.
    standing: Standing | None = None


_PROGRESS_COLUMNS = [c for c in _progress.c if c.name not in ("created_at", "updated_at")]


def _others_in_module(condition: Any) -> Any:
    mine = _progress.alias("mine")
    return (
        select(func.count())
        .select_from(mine.join(_lessons, _lessons.c.id == mine.c.lesson_id))
        .where(
            mine.c.user_id == _users.c.id,
            _lessons.c.module_id == bindparam("module_id"),
            _lessons.c.id != bindparam("lesson_id"),
            _lessons.c.is_published.is_(True),
            _lessons.c.deleted_at.is_(None),
            condition(mine),
        )
        .scalar_subquery()
    )


# One answer as "exercise:correct:points"; the run's answers come back as one string.
_ANSWER_TEXT = (
    sql_cast(_attempts.c.exercise_id, String)
    + literal(":")
    + sql_cast(sql_cast(_attempts.c.is_correct, Integer), String)
    + literal(":")
    + sql_cast(_attempts.c.points_earned, String)
)

LESSON_STATE = (
    select(
        _users.c.id,
        *_PROGRESS_COLUMNS,
        select(func.group_concat(_ANSWER_TEXT))
        .where(
            _attempts.c.user_id == _users.c.id,
            _attempts.c.lesson_id == bindparam("lesson_id"),
            _attempts.c.run == _progress.c.last_run,
        )
        .scalar_subquery()
        .label("run_answers"),
        select(func.coalesce(func.sum(_ledger.c.xp), 0))
        .where(
            _ledger.c.user_id == _users.c.id,
            _ledger.c.entity_type == LESSON,
            _ledger.c.entity_id == bindparam("lesson_id"),
        )
        .scalar_subquery()
        .label("xp_granted"),
        _others_in_module(lambda p: p.c.status == ProgressStatus.COMPLETED.value).label(
            "module_done"
        ),
        _others_in_module(lambda p: p.c.status != ProgressStatus.NOT_STARTED.value).label(
            "module_started"
        ),
    )
    .select_from(
        _users.outerjoin(
            _progress,
            and_(
                _progress.c.user_id == _users.c.id, _progress.c.lesson_id == bindparam("lesson_id")
            ),
        )
    )
    .where(_users.c.id == bindparam("user_id"))
    # Serialises one learner's writes (two devices, double taps, two bot instances) until the
    # transaction ends; SQLite's BEGIN IMMEDIATE already serialises every writer.
    .with_for_update()
)


# The same, with the learner's standing: for the actions that may earn something (answers, a
# lesson marked done), so earning costs the answer no extra round trip.
LESSON_STATE_WITH_STANDING = LESSON_STATE.add_columns(*LESSON_COLUMNS)


_COMPLETED_LESSONS = select(_progress.c.lesson_id).where(
    _progress.c.user_id == bindparam("user_id"),
    _progress.c.status == ProgressStatus.COMPLETED.value,
)


async def completed_lessons(session: AsyncSession, user_id: int) -> set[int]:
    """The ids of every lesson the learner has completed (deleted or hidden ones too)."""
    return set((await session.scalars(_COMPLETED_LESSONS, {"user_id": user_id})).all())


class UnknownLearner(LookupError):
    """The learner's row is gone (their data was deleted while they were still chatting)."""


async def lesson_state(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    module_id: int,
    *,
    with_standing: bool = False,
) -> LessonState:
    """Lock the learner and read their progress on the lesson (and, if asked, their standing),
    in one statement."""
    statement = LESSON_STATE_WITH_STANDING if with_standing else LESSON_STATE
    row = (
        await session.execute(
            statement, {"user_id": user_id, "lesson_id": lesson_id, "module_id": module_id}
        )
    ).one_or_none()
    if row is None:
        raise UnknownLearner(user_id)
    values = row._mapping
    if values[_progress.c.id] is None:
        progress = Progress(user_id, lesson_id)
    else:
        progress = Progress(**{c.name: values[c] for c in _PROGRESS_COLUMNS})
    return LessonState(
        progress=progress,
        run_answers=_parse_answers(values["run_answers"]),
        xp_granted=int(values["xp_granted"]),
        module_done=int(values["module_done"]),
        module_started=int(values["module_started"]),
        standing=standing_of(values) if with_standing else None,
    )


def _parse_answers(text: str | None) -> dict[int, Answer]:
    answers = {}
    for item in (text or "").split(","):
        if item:
            exercise_id, correct, points = (int(part) for part in item.split(":"))
            answers[exercise_id] = Answer(exercise_id, bool(correct), points)
    return answers


_INSERT_IGNORE_PROGRESS = (
    insert(_progress)
    .prefix_with("IGNORE", dialect="mysql")
    .prefix_with("OR IGNORE", dialect="sqlite")
)
_UPDATE_PROGRESS = update(_progress).where(_progress.c.id == bindparam("progress_id"))


async def save_progress(session: AsyncSession, progress: Progress) -> None:
    """Write the row as it is now: one INSERT the first time, one UPDATE after."""
    now = clock.now(session)
    values: dict[str, Any] = {
        c.name: getattr(progress, c.name) for c in _PROGRESS_COLUMNS if c.name != "id"
    }
    values["status"] = progress.status.value
    values["updated_at"] = now
    if progress.id is None:
        result = await session.execute(_INSERT_IGNORE_PROGRESS, {**values, "created_at": now})
        if cast(CursorResult[Any], result).rowcount != 1:
            # Only a writer that skipped the learner's lock could have been first.
            raise RuntimeError(f"progress of user {progress.user_id} on {progress.lesson_id} raced")
        key = cast(CursorResult[Any], result).inserted_primary_key
        assert key is not None
        progress.id = int(key[0])
        return
    del values["user_id"], values["lesson_id"]
    await session.execute(_UPDATE_PROGRESS, {**values, "progress_id": progress.id})


_INSERT_IGNORE_ATTEMPT = (
    insert(_attempts)
    .prefix_with("IGNORE", dialect="mysql")
    .prefix_with("OR IGNORE", dialect="sqlite")
)


async def add_attempt(
    session: AsyncSession,
    *,
    user_id: int,
    lesson_id: int,
    exercise_id: int,
    run: int,
    answer: str,
    is_correct: bool,
    points_earned: int,
    update_id: int | None = None,
) -> bool:
    """Record one answer (`update_id`: the update that gave it); False when this exercise was
    already answered in this run."""
    result = await session.execute(
        _INSERT_IGNORE_ATTEMPT,
        {
            "user_id": user_id,
            "lesson_id": lesson_id,
            "exercise_id": exercise_id,
            "run": run,
            "answer": answer[:500],
            "is_correct": is_correct,
            "points_earned": points_earned,
            "update_id": update_id,
            "created_at": clock.now(session),
        },
    )
    return cast(CursorResult[Any], result).rowcount == 1


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    answer: str
    update_id: int | None


_STORED_ANSWER = select(_attempts.c.answer, _attempts.c.update_id).where(
    _attempts.c.user_id == bindparam("user_id"),
    _attempts.c.exercise_id == bindparam("exercise_id"),
    _attempts.c.run == bindparam("run"),
)


async def stored_answer(
    session: AsyncSession, user_id: int, exercise_id: int, run: int
) -> StoredAnswer | None:
    """The answer recorded for the exercise in the run, and the update that recorded it."""
    row = (
        await session.execute(
            _STORED_ANSWER, {"user_id": user_id, "exercise_id": exercise_id, "run": run}
        )
    ).one_or_none()
    return None if row is None else StoredAnswer(row.answer, row.update_id)
