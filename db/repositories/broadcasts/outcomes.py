"""What became of claimed deliveries (sent, blocked, failed or to be tried again), and
finishing drained broadcasts with the one report each owes its admin. SQL only.

Every statement that can race with another sender is one statement guarded by the status it
expects, so two processes never both win the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastStatus, DeliveryStatus
from db.repositories.broadcasts._tables import LIVE as _LIVE
from db.repositories.broadcasts._tables import UNFINISHED as _UNFINISHED
from db.repositories.broadcasts._tables import broadcasts as _b
from db.repositories.broadcasts._tables import deliveries as _d
from db.repositories.broadcasts._tables import run as _run
from db.repositories.broadcasts._tables import users as _u


@dataclass(frozen=True, slots=True)
class FinishedRow:
    broadcast_id: int
    created_by: int | None
    admin_language: str | None


def _one(broadcast_id: int, user_id: int) -> Any:
    return and_(_d.c.broadcast_id == broadcast_id, _d.c.user_id == user_id)


async def mark_sent(session: AsyncSession, broadcast_id: int, user_id: int, now: datetime) -> None:
    # Not guarded by the claim's token: whoever's send went through, it went through.
    await _run(
        session,
        update(_d)
        .where(_one(broadcast_id, user_id), _d.c.status.in_(_UNFINISHED))
        .values(status=DeliveryStatus.SENT, sent_at=now, claimed_by=None, error=None),
    )


async def mark_blocked(session: AsyncSession, broadcast_id: int, user_id: int, reason: str) -> None:
    await _run(
        session,
        update(_d)
        .where(_one(broadcast_id, user_id), _d.c.status.in_(_UNFINISHED))
        .values(status=DeliveryStatus.BLOCKED, error=reason, claimed_by=None),
    )


async def deactivate_user(session: AsyncSession, user_id: int) -> None:
    await _run(session, update(_u).where(_u.c.id == user_id).values(is_active=False))


async def mark_attempt_failed(
    session: AsyncSession,
    broadcast_id: int,
    user_id: int,
    *,
    token: str,
    give_up: bool,
    reason: str,
    retry_at: datetime | None,
) -> None:
    await _run(
        session,
        update(_d)
        .where(
            _one(broadcast_id, user_id),
            _d.c.claimed_by == token,
            _d.c.status == DeliveryStatus.SENDING,
        )
        .values(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            attempts=_d.c.attempts + 1,
            error=reason,
            next_attempt_at=retry_at,
            claimed_by=None,
            claimed_at=None,
        ),
    )


async def finish_drained(session: AsyncSession, now: datetime) -> int:
    """Live broadcasts with nothing pending or being sent are done."""
    unfinished = exists().where(_d.c.broadcast_id == _b.c.id, _d.c.status.in_(_UNFINISHED))
    result = await _run(
        session,
        update(_b)
        .where(_b.c.status.in_(_LIVE), ~unfinished)
        .values(status=BroadcastStatus.DONE, finished_at=now),
    )
    return result.rowcount


_UNREPORTED = (
    select(_b.c.id, _b.c.created_by, _u.c.language)
    .outerjoin(_u, _u.c.telegram_id == _b.c.created_by)
    .where(
        _b.c.status == BroadcastStatus.DONE,
        _b.c.reported_at.is_(None),
    )
    .order_by(_b.c.id)
)


async def unreported(session: AsyncSession) -> list[FinishedRow]:
    return [FinishedRow(*row) for row in await session.execute(_UNREPORTED)]


async def take_report(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """True for the one caller that marks the broadcast reported: that one tells its admin."""
    result = await _run(
        session,
        update(_b)
        .where(_b.c.id == broadcast_id, _b.c.reported_at.is_(None))
        .values(reported_at=now),
    )
    return result.rowcount == 1


async def outcome_counts(session: AsyncSession, broadcast_id: int) -> dict[DeliveryStatus, int]:
    rows = await session.execute(
        select(_d.c.status, func.count())
        .where(_d.c.broadcast_id == broadcast_id)
        .group_by(_d.c.status)
    )
    return {DeliveryStatus(status): int(n) for status, n in rows}
