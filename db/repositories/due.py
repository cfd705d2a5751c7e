"""The scheduler's two sweeps over learners: the ones whose streak is due a look, the ones a
reminder is due to. Each batch is read by one locking statement on an indexed instant and
written back by one UPDATE joined to the batch's new values, whatever its size.

The lock keeps a batch's learners from acting while the job decides for them (their activity
locks the same row first), so what the job read is what it writes over, and an achievement it
finds missing cannot be awarded by their activity at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import note_write
from db.models import ReviewCard, User, UserAchievement
from db.repositories.review import live
from db.repositories.standing import Streak, streak_of

_users = cast(Table, User.__table__)
_held = cast(Table, UserAchievement.__table__)
_cards = cast(Table, ReviewCard.__table__)


@dataclass(frozen=True, slots=True)
class DueLearner:
    id: int
    timezone: str | None
    streak: Streak
    reminders_enabled: bool
    reminder_hour: int | None
    reminded_on: date | None
    is_active: bool
    remind_at: datetime | None
    # Achievement ids the learner holds.
    held: frozenset[int]
    # Review cards due now (read by the reminders' sweep only).
    cards_due: int = 0


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
    _users.c.remind_at,
]


def _due(instant: Any, *, with_held: bool, with_cards: bool = False) -> Any:
    columns: list[Any] = list(_COLUMNS)
    if with_cards:
        columns.append(
            select(func.count())
            .where(live(_users.c.id), _cards.c.due_at <= bindparam("now"))
            .scalar_subquery()
            .label("cards_due")
        )
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
_REMINDERS_DUE = _due(_users.c.remind_at, with_held=False, with_cards=True)


def _learner(values: Any) -> DueLearner:
    held = values.get("held")
    return DueLearner(
        id=values["id"],
        timezone=values["timezone"],
        streak=streak_of(values),
        reminders_enabled=bool(values["reminders_enabled"]),
        reminder_hour=values["reminder_hour"],
        reminded_on=values["last_reminded_on"],
        is_active=bool(values["is_active"]),
        remind_at=values["remind_at"],
        held=frozenset(int(part) for part in (held or "").split(",") if part),
        cards_due=int(values.get("cards_due") or 0),
    )


async def streaks_due(session: AsyncSession, now: datetime, limit: int) -> list[DueLearner]:
    """Up to `limit` learners whose `streak_due_at` has come, locked, with what they hold."""
    result = await session.execute(_STREAKS_DUE, {"now": now, "limit": limit})
    return [_learner(row._mapping) for row in result]


async def reminders_due(session: AsyncSession, now: datetime, limit: int) -> list[DueLearner]:
    """Up to `limit` learners whose `remind_at` has come, locked."""
    result = await session.execute(_REMINDERS_DUE, {"now": now, "limit": limit})
    return [_learner(row._mapping) for row in result]


def cards_due_of(user_id: Any, now: datetime) -> Any:
    """The learner's live review cards due by `now`, as a scalar subquery."""
    return select(func.count()).where(live(user_id), _cards.c.due_at <= now).scalar_subquery()


_ADOPT = (
    update(_users)
    .where(
        _users.c.remind_at.is_(None),
        _users.c.reminders_enabled.is_(True),
        _users.c.reminder_hour.is_not(None),
        _users.c.is_active.is_(True),
        exists().where(live(_users.c.id), _cards.c.due_at <= bindparam("now")),
    )
    .values(remind_at=bindparam("now"))
)


async def adopt_review_learners(session: AsyncSession, now: datetime) -> int:
    """Learners with review cards due and no reminder planned (no streak to keep) get one
    planned for now, so the reminders' sweep looks at them and works out the real instant in
    their zone. One UPDATE; how many learners."""
    result = await session.execute(_ADOPT, {"now": now})
    return int(getattr(result, "rowcount", 0) or 0)


async def write_back(
    session: AsyncSession, columns: tuple[str, ...], rows: list[tuple[Any, ...]], now: datetime
) -> None:
    """Give each learner of the batch the new values of `columns`: `rows` holds (id, a value
    per column), every learner's every value (the batch is locked, so a value read is a value
    to keep).

    One UPDATE joined to the rows as a derived table, sent as the driver's own SQL: built with
    SQLAlchemy, a thousand rows' binds cost more to compile than the statement takes to run,
    and a CASE per column would make the server compare every row with every other.
    """
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    names = ("id", *columns)
    processors = [_users.c[name].type.bind_processor(dialect) for name in names]
    values: list[Any] = []
    for row in rows:
        values.extend(
            value if value is None or process is None else process(value)
            for process, value in zip(processors, row, strict=True)
        )
    stamp = _users.c.updated_at.type.bind_processor(dialect)
    updated_at = stamp(now) if stamp is not None else now
    mark = "%s" if dialect.paramstyle == "format" else "?"
    if dialect.name == "mysql":
        # A SELECT per row: MariaDB names a VALUES table's columns after its first row's values
        # and MySQL 8 writes its rows as ROW(..), so only this form reads the same on both.
        first = "SELECT " + ", ".join(f"{mark} AS {name}" for name in names)
        other = " UNION ALL SELECT " + ", ".join([mark] * len(names))
        derived = first + other * (len(rows) - 1)
        sets = ", ".join(f"users.{name} = due.{name}" for name in columns)
        sql = (
            f"UPDATE users JOIN ({derived}) AS due ON users.id = due.id "
            f"SET {sets}, users.updated_at = {mark}"
        )
        parameters = (*values, updated_at)
    else:
        # SQLite names a VALUES table's columns column1, column2, ...
        sets = ", ".join(f"{name} = due.column{n}" for n, name in enumerate(columns, start=2))
        table = ", ".join(["(" + ", ".join([mark] * len(names)) + ")"] * len(rows))
        sql = (
            f"UPDATE users SET {sets}, updated_at = {mark} "
            f"FROM (VALUES {table}) AS due WHERE users.id = due.column1"
        )
        parameters = (updated_at, *values)
    await connection.exec_driver_sql(sql, parameters)
    note_write(session)
