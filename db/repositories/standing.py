"""Where a learner stands: the counts the achievement rules compare with their thresholds, the
achievements they hold and their streak.

Each count is one indexed aggregate over the learner's own rows, evaluated inside the statement
that needs it: the answer path reads them as columns of `progress.lesson_state`'s one locking
statement (so an answer costs no extra round trip), and the screens read them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, distinct, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProgressStatus
from db.models import (
    ActivityLog,
    ExerciseAttempt,
    ModuleProgress,
    User,
    UserAchievement,
    UserProgress,
)

_users = cast(Table, User.__table__)
# Aliased: the lesson state's statement joins user_progress itself, and a subquery on the bare
# table would correlate with that row instead of counting the learner's rows.
_progress = cast(Table, UserProgress.__table__).alias("lessons_done")
_modules = cast(Table, ModuleProgress.__table__)
_attempts = cast(Table, ExerciseAttempt.__table__)
_ledger = cast(Table, ActivityLog.__table__)
_held = cast(Table, UserAchievement.__table__)

_COMPLETED = ProgressStatus.COMPLETED.value


@dataclass(frozen=True, slots=True)
class Streak:
    """The streak columns of `users`. `last_active` is the last local day the streak counts:
    a day the learner acted on, or one a freeze covered."""

    current: int = 0
    longest: int = 0
    last_active: date | None = None
    freezes: int = 0


@dataclass(frozen=True, slots=True)
class Standing:
    """The learner's counts before the activity at hand."""

    lessons_completed: int = 0
    modules_completed: int = 0
    exercises_solved: int = 0
    xp: int = 0
    # Achievement ids the learner holds.
    held: frozenset[int] = frozenset()
    streak: Streak = Streak()
    # Only in a lesson's state: whether the lesson's module was complete already, and which of
    # the lesson's exercises the learner ever solved.
    module_was_completed: bool = False
    solved_here: frozenset[int] = frozenset()
    # The reminder settings, so keeping a day can move the next reminder in the same write.
    reminders_enabled: bool = False
    reminder_hour: int | None = None
    reminded_on: date | None = None


def _counts(user_id: Any) -> list[Any]:
    """The learner-wide counts as labelled scalar subqueries on `user_id` (a column or a bind)."""
    return [
        select(func.count())
        .where(_progress.c.user_id == user_id, _progress.c.status == _COMPLETED)
        .scalar_subquery()
        .label("lessons_completed"),
        select(func.count())
        .where(_modules.c.user_id == user_id, _modules.c.status == _COMPLETED)
        .scalar_subquery()
        .label("modules_completed"),
        # Distinct exercises: solving one again in a later run is not a new one.
        select(func.count(distinct(_attempts.c.exercise_id)))
        .where(_attempts.c.user_id == user_id, _attempts.c.is_correct.is_(True))
        .scalar_subquery()
        .label("exercises_solved"),
        select(func.coalesce(func.sum(_ledger.c.xp), 0))
        .where(_ledger.c.user_id == user_id)
        .scalar_subquery()
        .label("xp_total"),
        select(func.group_concat(_held.c.achievement_id))
        .where(_held.c.user_id == user_id)
        .scalar_subquery()
        .label("held"),
        _users.c.current_streak,
        _users.c.longest_streak,
        _users.c.last_active_date,
        _users.c.streak_freezes,
        _users.c.reminders_enabled,
        _users.c.reminder_hour,
        _users.c.last_reminded_on,
    ]


# Columns for lesson_state.LESSON_STATE, correlated with its `users` row and its binds.
LESSON_COLUMNS = [
    *_counts(_users.c.id),
    select(func.count())
    .where(
        _modules.c.user_id == _users.c.id,
        _modules.c.module_id == bindparam("module_id"),
        _modules.c.status == _COMPLETED,
    )
    .scalar_subquery()
    .label("module_was_completed"),
    select(func.group_concat(distinct(_attempts.c.exercise_id)))
    .where(
        _attempts.c.user_id == _users.c.id,
        _attempts.c.lesson_id == bindparam("lesson_id"),
        _attempts.c.is_correct.is_(True),
    )
    .scalar_subquery()
    .label("solved_here"),
]

_STANDING = select(*_counts(_users.c.id)).where(_users.c.id == bindparam("user_id"))


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in (text or "").split(",") if part)


def streak_of(values: Any) -> Streak:
    """A Streak from a row holding the users table's streak columns."""
    return Streak(
        current=values["current_streak"],
        longest=values["longest_streak"],
        last_active=values["last_active_date"],
        freezes=values["streak_freezes"],
    )


def standing_of(values: Any) -> Standing:
    """A Standing from a row holding the columns above (those of a lesson's state optional)."""
    return Standing(
        lessons_completed=int(values["lessons_completed"]),
        modules_completed=int(values["modules_completed"]),
        exercises_solved=int(values["exercises_solved"]),
        xp=int(values["xp_total"]),
        held=_ids(values["held"]),
        streak=streak_of(values),
        module_was_completed=bool(values.get("module_was_completed", 0)),
        solved_here=_ids(values.get("solved_here")),
        reminders_enabled=bool(values["reminders_enabled"]),
        reminder_hour=values["reminder_hour"],
        reminded_on=values["last_reminded_on"],
    )


async def standing(session: AsyncSession, user_id: int) -> Standing:
    """The learner's standing for a screen: one statement, no lock."""
    row = (await session.execute(_STANDING, {"user_id": user_id})).one()
    return standing_of(row._mapping)


_SAVE_STREAK = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"))
    .values(
        current_streak=bindparam("current"),
        longest_streak=bindparam("longest"),
        last_active_date=bindparam("last_active"),
        streak_freezes=bindparam("freezes"),
        streak_due_at=bindparam("due_at"),
        remind_at=bindparam("remind_at"),
    )
)


async def save_streak(
    session: AsyncSession,
    user_id: int,
    streak: Streak,
    *,
    due_at: datetime | None,
    remind_at: datetime | None,
) -> None:
    """The streak and the instants the scheduler's jobs next look at it, in one statement."""
    await session.execute(
        _SAVE_STREAK,
        {
            "user_id": user_id,
            "current": streak.current,
            "longest": streak.longest,
            "last_active": streak.last_active,
            "freezes": streak.freezes,
            "due_at": due_at,
            "remind_at": remind_at,
        },
    )
