"""The hot path's one read: a learner's progress on a lesson, the answers of its latest run,
the XP the ledger holds for it and the learner's other lessons of its module, in one statement
that locks the learner, or not for a unit that only reads (db/repositories/progress.py runs it
and reads its row). Built once, here, so SQLAlchemy compiles it only once."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Integer, String, Table, and_, bindparam, func, literal, select
from sqlalchemy import cast as sql_cast

from db.enums import ProgressStatus
from db.models import ActivityLog, ExerciseAttempt, Lesson, User, UserProgress
from db.repositories.packed_row import packed
from db.repositories.standing import LESSON_COLUMNS

_users = cast(Table, User.__table__)
_progress = cast(Table, UserProgress.__table__)
_attempts = cast(Table, ExerciseAttempt.__table__)
_ledger = cast(Table, ActivityLog.__table__)
_lessons = cast(Table, Lesson.__table__)

PROGRESS_COLUMNS = [c for c in _progress.c if c.name not in ("created_at", "updated_at")]


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

_STATE_COLUMNS = [
    *PROGRESS_COLUMNS,
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
        # progress.LESSON, passed in: that module reads this one.
        _ledger.c.entity_type == bindparam("entity_type"),
        _ledger.c.entity_id == bindparam("lesson_id"),
    )
    .scalar_subquery()
    .label("xp_granted"),
    _others_in_module(lambda p: p.c.status == ProgressStatus.COMPLETED.value).label("module_done"),
    _others_in_module(lambda p: p.c.status != ProgressStatus.NOT_STARTED.value).label(
        "module_started"
    ),
]

_LEARNER = (
    select(_users.c.id)
    .select_from(
        _users.outerjoin(
            _progress,
            and_(
                _progress.c.user_id == _users.c.id, _progress.c.lesson_id == bindparam("lesson_id")
            ),
        )
    )
    .where(_users.c.id == bindparam("user_id"))
)
# Serialises one learner's writes (two devices, double taps, two bot instances) until the
# transaction ends; SQLite's BEGIN IMMEDIATE already serialises every writer.
_LOCKED_LEARNER = _LEARNER.with_for_update()

# One row (none when the learner is gone), its values in one JSON array (see packed_row).
LESSON_STATE = packed(_LOCKED_LEARNER, _STATE_COLUMNS)
# The same without the lock, for a unit that only shows the state: it neither waits for the
# learner's writes nor holds them up.
UNLOCKED_LESSON_STATE = packed(_LEARNER, _STATE_COLUMNS)
# The same, with the learner's standing: for the actions that may earn something (answers, a
# lesson marked done), so earning costs the answer no extra round trip.
LESSON_STATE_WITH_STANDING = packed(_LOCKED_LEARNER, [*_STATE_COLUMNS, *LESSON_COLUMNS])
