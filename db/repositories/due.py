"""The scheduler's two sweeps over learners: the ones whose streak is due a look, the ones a
reminder is due to. Each batch is read by one locking statement on an indexed instant and
written back by one UPDATE, whatever its size.

The lock keeps a batch's learners from acting while the job decides for them (their activity
locks the same row first), so what the job read is what it writes over, and an achievement it
finds missing cannot be awarded by their activity at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, literal, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User, UserAchievement
from db.repositories.standing import Streak

_users = cast(Table, User.__table__)
_held = cast(Table, UserAchievement.__table__)


@dataclass(frozen=True, slots=True)
class DueLearner:
    id: int
    timezone: str | None
    streak: Streak
    reminders_enabled: bool
    reminder_hour: int | None
    reminded_on: date | None
    is_active: bool
    # Achievement ids the learner holds.
    held: frozenset[int]


_COLUMNS = [
    _users.c.id,
    _users.c.timezone,
    _users.c.current_streak,
    _users.c.longest_streak,
    _users.c.last_active_date,
    _users.c.streak_freezes,
    _users.c.reminders_enabled,
    _users.c.reminder_hour,
    _users.c.last_reminded_on,
    _users.c.is_active,
]


def _due(instant: Any, *, with_held: bool) -> Any:
    columns: list[Any] = list(_COLUMNS)
    if with_held:
        columns.append(
            select(func.group_concat(_held.c.achievement_id))
            .where(_held.c.user_id == _users.c.id)
            .scalar_subquery()
            .label("held")
        )
    return (
        select(*columns)
        .where(instant <= bindparam("now"))
        # The index's order: the longest overdue first, and a range scan that stops at LIMIT.
        .order_by(instant, _users.c.id)
        .limit(bindparam("limit"))
        .with_for_update()
    )


_STREAKS_DUE = _due(_users.c.streak_due_at, with_held=True)
_REMINDERS_DUE = _due(_users.c.remind_at, with_held=False)


def _learner(values: Any) -> DueLearner:
    held = values.get("held")
    return DueLearner(
        id=values["id"],
        timezone=values["timezone"],
        streak=Streak(
            current=values["current_streak"],
            longest=values["longest_streak"],
            last_active=values["last_active_date"],
            freezes=values["streak_freezes"],
        ),
        reminders_enabled=bool(values["reminders_enabled"]),
        reminder_hour=values["reminder_hour"],
        reminded_on=values["last_reminded_on"],
        is_active=bool(values["is_active"]),
        held=frozenset(int(part) for part in (held or "").split(",") if part),
    )


async def streaks_due(session: AsyncSession, now: datetime, limit: int) -> list[DueLearner]:
    """Up to `limit` learners whose `streak_due_at` has come, locked, with what they hold."""
    result = await session.execute(_STREAKS_DUE, {"now": now, "limit": limit})
    return [_learner(row._mapping) for row in result]


async def reminders_due(session: AsyncSession, now: datetime, limit: int) -> list[DueLearner]:
    """Up to `limit` learners whose `remind_at` has come, locked."""
    result = await session.execute(_REMINDERS_DUE, {"now": now, "limit": limit})
    return [_learner(row._mapping) for row in result]


def _by_id(column_name: str, values: dict[int, Any]) -> Any:
    """CASE id WHEN .. THEN .. END: each learner's own value, the column as it was for the rest."""
    column = _users.c[column_name]
    if not values:
        return column
    return case(
        {
            user_id: null() if value is None else literal(value, column.type)
            for user_id, value in values.items()
        },
        value=_users.c.id,
        else_=column,
    )


async def write_back(
    session: AsyncSession, ids: list[int], now: datetime, columns: dict[str, dict[int, Any]]
) -> None:
    """One UPDATE for the batch: for each column, the new value of each learner listed for it
    (a learner not listed under a column keeps their value)."""
    if not ids:
        return
    await session.execute(
        update(_users)
        .where(_users.c.id.in_(ids))
        .values(
            {
                **{name: _by_id(name, values) for name, values in columns.items()},
                "updated_at": literal(now, _users.c.updated_at.type),
            }
        )
    )
