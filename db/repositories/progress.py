"""A learner's progress on lessons and modules, and their answers.

The hot path of the bot (open a lesson, start a run, answer) reads everything it needs about
one learner and one lesson in one locking statement, `lesson_state` (built in lesson_state.py),
and writes each table at most once. Statements are built once, so SQLAlchemy compiles each once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProgressStatus
from db.models import ExerciseAttempt, UserProgress
from db.repositories import driver_sql
from db.repositories.lesson_state import (
    LESSON_STATE,
    LESSON_STATE_WITH_STANDING,
    PROGRESS_COLUMNS,
    UNLOCKED_LESSON_STATE,
)
from db.repositories.standing import Standing, standing_of

_progress = cast(Table, UserProgress.__table__)
_attempts = cast(Table, ExerciseAttempt.__table__)

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
    """What the rules need to act on one learner's lesson, read under the learner's lock
    (but by a unit that only shows it)."""

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
    locked: bool = True,
) -> LessonState:
    """Lock the learner and read their progress on the lesson (and, if asked, their standing),
    in one statement. Not `locked`: the same read without the lock, for a unit that writes
    nothing; the standing is read for a write only, so always under the lock."""
    if with_standing:
        assert locked, "the standing is read to earn something: under the learner's lock"
        state = LESSON_STATE_WITH_STANDING
    else:
        state = LESSON_STATE if locked else UNLOCKED_LESSON_STATE
    packed = (
        await driver_sql.execute(
            session,
            state.statement,
            {
                "user_id": user_id,
                "lesson_id": lesson_id,
                "module_id": module_id,
                "entity_type": LESSON,
            },
        )
    ).scalar()
    if packed is None:
        raise UnknownLearner(user_id)
    values = state.decode(packed)
    if values["id"] is None:
        progress = Progress(user_id, lesson_id)
    else:
        progress = Progress(**{c.name: values[c.name] for c in PROGRESS_COLUMNS})
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


async def save_progress(session: AsyncSession, progress: Progress, *, now: datetime) -> None:
    """Write the row as it is now: one INSERT the first time, one UPDATE after."""
    values: dict[str, Any] = {
        c.name: getattr(progress, c.name) for c in PROGRESS_COLUMNS if c.name != "id"
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
    await driver_sql.execute(session, _UPDATE_PROGRESS, {**values, "progress_id": progress.id})


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
    now: datetime,
) -> bool:
    """Record one answer (`update_id`: the update that gave it); False when this exercise was
    already answered in this run."""
    result = await driver_sql.execute(
        session,
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
            "created_at": now,
        },
    )
    return result.rowcount == 1


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
