"""Review cards: the card an answer writes, the cards due, a review answer, retirement.

Every write that may race is one statement: the card an answer writes is one upsert, a review
answer one UPDATE guarded by the count of reviews the learner saw, an admin's change to an
exercise one UPDATE over all its cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Table,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ReviewCard, ReviewLog
from db.repositories import driver_sql
from db.repositories.catalog import visible_exercise
from db.repositories.review_answer import FSRS_COLUMNS, fresh_values, record_answer_statement

_cards = cast(Table, ReviewCard.__table__)
_log = cast(Table, ReviewLog.__table__)


@dataclass(frozen=True, slots=True)
class CardState:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due_at: datetime
    last_review_at: datetime | None


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    exercise_id: int
    reviews: int
    fsrs: CardState


async def record_answer(
    session: AsyncSession,
    user_id: int,
    exercise_id: int,
    *,
    right: bool,
    fresh: CardState,
    now: datetime,
) -> None:
    """The card of an exercise answered in a lesson, in one statement: created with `fresh`
    (the scheduler's state for a first answer), or updated as `review_answer._on_conflict` says."""
    values = fresh_values(user_id, exercise_id, fresh, right, now)
    await driver_sql.execute(session, record_answer_statement, values)


def live(user_id: Any) -> Any:
    """The learner's cards that count, for every read of them: not retired, and of a lesson
    learners see now. Unpublishing a lesson retires nothing, so publishing it again brings its
    cards back as they were."""
    return and_(
        _cards.c.user_id == user_id,
        _cards.c.retired_at.is_(None),
        visible_exercise(_cards.c.exercise_id),
    )


_DUE = (
    select(_cards)
    .where(live(bindparam("user_id")), _cards.c.due_at <= bindparam("now"))
    .order_by(_cards.c.due_at, _cards.c.id)
    .limit(1)
)


def _card(values: Any) -> Card:
    return Card(
        id=values["id"],
        exercise_id=values["exercise_id"],
        reviews=values["reviews"],
        fsrs=CardState(**{name: values[name] for name in FSRS_COLUMNS}),
    )


async def longest_due(session: AsyncSession, user_id: int, now: datetime) -> Card | None:
    """The learner's live card due the longest by `now`, or None."""
    row = (await session.execute(_DUE, {"user_id": user_id, "now": now})).one_or_none()
    return _card(row._mapping) if row is not None else None


_CARD = select(_cards).where(_cards.c.id == bindparam("card_id"), live(bindparam("user_id")))


async def card(session: AsyncSession, user_id: int, card_id: int) -> Card | None:
    """The learner's live card, or None (not theirs, retired or gone)."""
    row = (await session.execute(_CARD, {"card_id": card_id, "user_id": user_id})).one_or_none()
    return _card(row._mapping) if row is not None else None


_NEXT_DUE = select(func.min(_cards.c.due_at)).where(live(bindparam("user_id")))


async def next_due(session: AsyncSession, user_id: int) -> datetime | None:
    """When the learner's next live card comes due; None when they have none."""
    return cast(datetime | None, await session.scalar(_NEXT_DUE, {"user_id": user_id}))


_COUNT_DUE = select(func.count()).where(
    live(bindparam("user_id")), _cards.c.due_at <= bindparam("now")
)


async def count_due(session: AsyncSession, user_id: int, now: datetime) -> int:
    """One indexed range over (user_id, due_at), each card's lesson looked up by primary key."""
    return int(await session.scalar(_COUNT_DUE, {"user_id": user_id, "now": now}) or 0)


_REVIEWED = (
    update(_cards)
    .where(_cards.c.id == bindparam("card_id"), _cards.c.reviews == bindparam("seen"))
    .values(
        **{name: bindparam(f"new_{name}") for name in FSRS_COLUMNS},
        last_right=bindparam("right"),
        reviews=_cards.c.reviews + 1,
        updated_at=bindparam("now"),
    )
)
_APPEND_LOG = insert(_log)


async def save_review(
    session: AsyncSession,
    user_id: int,
    card_id: int,
    *,
    seen: int,
    new: CardState,
    rating: int,
    right: bool,
    now: datetime,
) -> bool:
    """A review answer to the card as shown after `seen` reviews: the new state and a log row.
    False (nothing written) when the card has been reviewed since: a stale or repeated press."""
    result = await session.execute(
        _REVIEWED,
        {
            "card_id": card_id,
            "seen": seen,
            **{f"new_{name}": getattr(new, name) for name in FSRS_COLUMNS},
            "right": right,
            "now": now,
        },
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    await session.execute(
        _APPEND_LOG,
        {
            "card_id": card_id,
            "user_id": user_id,
            "rating": rating,
            "is_correct": right,
            "reviewed_at": now,
        },
    )
    return True


@dataclass(frozen=True, slots=True)
class ReviewStats:
    cards: int
    learned: int
    due_today: int
    # Review answers in the window, and how many of them were right.
    answered: int
    right: int


async def stats(
    session: AsyncSession, user_id: int, *, due_by: datetime, since: datetime
) -> ReviewStats:
    """The learner's review figures for My progress, in one statement."""
    counted = live(user_id)
    statement = select(
        select(func.count()).where(counted).scalar_subquery(),
        select(func.count()).where(counted, _cards.c.last_right.is_(True)).scalar_subquery(),
        select(func.count()).where(counted, _cards.c.due_at <= due_by).scalar_subquery(),
        select(func.count())
        .where(_log.c.user_id == user_id, _log.c.reviewed_at >= since)
        .scalar_subquery(),
        select(func.count())
        .where(_log.c.user_id == user_id, _log.c.reviewed_at >= since, _log.c.is_correct.is_(True))
        .scalar_subquery(),
    )
    row = (await session.execute(statement)).one()
    return ReviewStats(*(int(value or 0) for value in row))


async def retire(session: AsyncSession, exercise_ids: Any, now: datetime) -> None:
    """Retire every live card of the exercises (ids, or a subquery of them): one UPDATE."""
    await session.execute(
        update(_cards)
        .where(_cards.c.exercise_id.in_(exercise_ids), _cards.c.retired_at.is_(None))
        .values(retired_at=now, updated_at=now)
    )
