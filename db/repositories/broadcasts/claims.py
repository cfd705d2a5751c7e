"""A sender taking deliveries: claiming a batch, closing what must not be sent, reading what
it took, giving claims back. SQL only; the rules are in bot.services.broadcasts.deliveries.

Every statement that can race with another sender is one statement guarded by the status it
expects, so two processes never both win the same row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.repositories.broadcasts._tables import LIVE as _LIVE
from db.repositories.broadcasts._tables import broadcasts as _b
from db.repositories.broadcasts._tables import deliveries as _d
from db.repositories.broadcasts._tables import run as _run
from db.repositories.broadcasts._tables import users as _u


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    broadcast_id: int
    user_id: int
    kind: BroadcastKind
    text: str
    source_chat_id: int | None
    source_message_id: int | None
    lesson_id: int | None
    payload: str | None
    attempts: int
    telegram_id: int
    language: str | None
    current_streak: int


_LIVE_IDS = select(_b.c.id).where(_b.c.status.in_(_LIVE))


def _claimable(now: datetime, lease_expired_before: datetime) -> Any:
    """Deliveries a sender may take: pending and due, or claimed by a sender whose lease ran
    out (it died between claiming and confirming)."""
    return or_(
        and_(
            _d.c.status == DeliveryStatus.PENDING,
            or_(_d.c.next_attempt_at.is_(None), _d.c.next_attempt_at <= now),
        ),
        and_(_d.c.status == DeliveryStatus.SENDING, _d.c.claimed_at < lease_expired_before),
    )


async def claim(
    session: AsyncSession, *, token: str, limit: int, now: datetime, lease_expired_before: datetime
) -> int:
    """Mark up to `limit` claimable deliveries of live broadcasts as this claim's (`token`);
    how many. On MariaDB rows another sender has locked are skipped, not waited for; SQLite's
    write lock lets one claim run at a time."""
    # Read first and unlocked: a locking read joined to broadcasts would lock the broadcast's
    # row too, and every other sender would then skip all of its deliveries.
    live = list(await session.scalars(_LIVE_IDS))
    if not live:
        return 0
    keys = (
        select(_d.c.broadcast_id, _d.c.user_id)
        .where(_claimable(now, lease_expired_before), _d.c.broadcast_id.in_(live))
        .order_by(_d.c.broadcast_id, _d.c.user_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    chosen = [tuple(row) for row in await session.execute(keys)]
    if not chosen:
        return 0
    result = await _run(
        session,
        update(_d)
        .where(
            tuple_(_d.c.broadcast_id, _d.c.user_id).in_(chosen),
            # Another sender may have taken a row between the SELECT and here (SQLite has no
            # row locks to skip, and a lease may have been renewed): the guard decides.
            _claimable(now, lease_expired_before),
        )
        .values(status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now),
    )
    return result.rowcount


async def block_inactive(session: AsyncSession, *, token: str, now: datetime) -> int:
    """Claimed deliveries to learners who blocked the bot are not sent: blocked, unsent."""
    inactive = select(_u.c.id).where(_u.c.is_active.is_(False))
    result = await _run(
        session,
        update(_d)
        .where(
            _d.c.claimed_by == token,
            _d.c.status == DeliveryStatus.SENDING,
            _d.c.user_id.in_(inactive),
        )
        .values(status=DeliveryStatus.BLOCKED, error="inactive", claimed_by=None),
    )
    return result.rowcount


async def mark_started(session: AsyncSession, *, token: str, now: datetime) -> None:
    claimed = select(_d.c.broadcast_id).where(_d.c.claimed_by == token)
    await _run(
        session,
        update(_b)
        .where(_b.c.status == BroadcastStatus.PENDING, _b.c.id.in_(claimed))
        .values(status=BroadcastStatus.SENDING, started_at=now),
    )


_CLAIMED = (
    select(
        _d.c.broadcast_id,
        _d.c.user_id,
        _b.c.kind,
        _b.c.text,
        _b.c.source_chat_id,
        _b.c.source_message_id,
        _b.c.lesson_id,
        _d.c.payload,
        _d.c.attempts,
        _u.c.telegram_id,
        _u.c.language,
        _u.c.current_streak,
    )
    .join(_b, _b.c.id == _d.c.broadcast_id)
    .join(_u, _u.c.id == _d.c.user_id)
    .order_by(_d.c.broadcast_id, _d.c.user_id)
)


async def claimed(session: AsyncSession, *, token: str) -> list[ClaimedRow]:
    """What a claim took, with everything its messages are rendered from, in one read."""
    rows = await session.execute(
        _CLAIMED.where(_d.c.claimed_by == token, _d.c.status == DeliveryStatus.SENDING)
    )
    return [ClaimedRow(*row) for row in rows]


async def release(
    session: AsyncSession, *, token: str, keys: Sequence[tuple[int, int]] | None = None
) -> int:
    """Claims given back unsent: pending again, for anyone, with no attempt counted."""
    where = [_d.c.claimed_by == token, _d.c.status == DeliveryStatus.SENDING]
    if keys is not None:
        if not keys:
            return 0
        where.append(tuple_(_d.c.broadcast_id, _d.c.user_id).in_(list(keys)))
    result = await _run(
        session,
        update(_d)
        .where(*where)
        .values(status=DeliveryStatus.PENDING, claimed_by=None, claimed_at=None),
    )
    return result.rowcount


async def cancel_deliveries_of_cancelled(session: AsyncSession, *, token: str) -> int:
    """Deliveries of cancelled broadcasts are not sent: the pending ones, and those this claim
    took just as the broadcast was cancelled."""
    cancelled = select(_b.c.id).where(_b.c.status == BroadcastStatus.CANCELLED)
    result = await _run(
        session,
        update(_d)
        .where(
            or_(
                _d.c.status == DeliveryStatus.PENDING,
                and_(_d.c.status == DeliveryStatus.SENDING, _d.c.claimed_by == token),
            ),
            _d.c.broadcast_id.in_(cancelled),
        )
        .values(status=DeliveryStatus.CANCELLED, claimed_by=None),
    )
    return result.rowcount
