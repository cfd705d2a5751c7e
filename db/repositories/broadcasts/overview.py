"""What an admin's pushes read and change: who a push would reach, whether a lesson can be
announced, the recent broadcasts with their deliveries counted, cancelling one. SQL only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.models import Lesson, Module
from db.repositories.broadcasts._tables import LIVE as _LIVE
from db.repositories.broadcasts._tables import broadcasts as _broadcasts
from db.repositories.broadcasts._tables import deliveries as _deliveries
from db.repositories.broadcasts._tables import run
from db.repositories.broadcasts._tables import users as _users

__all__ = [
    "Audience",
    "BroadcastSummary",
    "DeliveryCounts",
    "LessonState",
    "audience",
    "cancel_broadcast",
    "cancel_pending_deliveries",
    "lesson_state",
    "live",
    "recent",
    "status_of",
]

_lessons = cast(Table, Lesson.__table__)
_modules = cast(Table, Module.__table__)

_AUDIENCE = select(
    func.count(),
    func.coalesce(
        func.sum(case((_users.c.telegram_id == bindparam("telegram_id"), 1), else_=0)), 0
    ),
).where(_users.c.is_active.is_(True))


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an admin's push would reach now."""

    learners: int
    # The admin is an active learner too, and so gets their own push.
    includes_admin: bool


async def audience(session: AsyncSession, admin_telegram_id: int) -> Audience:
    learners, admin = (await session.execute(_AUDIENCE, {"telegram_id": admin_telegram_id})).one()
    return Audience(int(learners), bool(admin))


@dataclass(frozen=True, slots=True)
class LessonState:
    title: str
    module_title: str
    # Learners can open it: published, in a published module, neither deleted.
    visible: bool
    deleted: bool


_LESSON_STATE = (
    select(
        _lessons.c.title,
        _modules.c.title,
        _lessons.c.is_published,
        _modules.c.is_published,
        _lessons.c.deleted_at,
        _modules.c.deleted_at,
    )
    .join(_modules, _modules.c.id == _lessons.c.module_id)
    .where(_lessons.c.id == bindparam("lesson_id"))
)


async def lesson_state(session: AsyncSession, lesson_id: int) -> LessonState | None:
    row = (await session.execute(_LESSON_STATE, {"lesson_id": lesson_id})).one_or_none()
    if row is None:
        return None
    title, module_title, lesson_published, module_published, lesson_gone, module_gone = row
    deleted = lesson_gone is not None or module_gone is not None
    visible = bool(lesson_published and module_published) and not deleted
    return LessonState(title, module_title, visible, deleted)


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    pending: int = 0
    # Claimed by a sender, not yet confirmed.
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0


@dataclass(frozen=True, slots=True)
class BroadcastSummary:
    id: int
    kind: BroadcastKind
    status: BroadcastStatus
    text: str
    lesson_id: int | None
    created_at: datetime
    counts: DeliveryCounts


_recent = (
    select(
        _broadcasts.c.id,
        _broadcasts.c.kind,
        _broadcasts.c.status,
        _broadcasts.c.text,
        _broadcasts.c.lesson_id,
        _broadcasts.c.created_at,
    )
    .order_by(_broadcasts.c.created_at.desc(), _broadcasts.c.id.desc())
    .limit(bindparam("limit"))
    .cte("recent")
)
# Deliveries counted by status in one pass, only for the broadcasts listed.
_tallies = (
    select(
        _deliveries.c.broadcast_id,
        *(
            func.sum(case((_deliveries.c.status == status, 1), else_=0)).label(status.value)
            for status in DeliveryStatus
        ),
    )
    .join(_recent, _recent.c.id == _deliveries.c.broadcast_id)
    .group_by(_deliveries.c.broadcast_id)
    .subquery("tallies")
)
_RECENT = (
    select(
        _recent,
        *(func.coalesce(_tallies.c[status.value], 0) for status in DeliveryStatus),
    )
    .outerjoin(_tallies, _tallies.c.broadcast_id == _recent.c.id)
    .order_by(_recent.c.created_at.desc(), _recent.c.id.desc())
)


async def recent(session: AsyncSession, limit: int) -> list[BroadcastSummary]:
    """The latest `limit` broadcasts, newest first, each with its deliveries counted by
    status: one statement, however many are listed."""
    result = await session.execute(_RECENT, {"limit": limit})
    return [
        BroadcastSummary(
            id=row.id,
            kind=BroadcastKind(row.kind),
            status=BroadcastStatus(row.status),
            text=row.text,
            lesson_id=row.lesson_id,
            created_at=row.created_at,
            counts=DeliveryCounts(
                **{status.value: int(n) for status, n in zip(DeliveryStatus, row[6:], strict=True)}
            ),
        )
        for row in result
    ]


_CANCEL_BROADCAST = (
    update(_broadcasts)
    .where(_broadcasts.c.id == bindparam("b_id"), _broadcasts.c.status.in_(_LIVE))
    .values(
        status=BroadcastStatus.CANCELLED,
        finished_at=bindparam("now"),
        # Cancelling tells its admin what became of it: no "finished" report is due.
        reported_at=bindparam("now"),
    )
)
_CANCEL_DELIVERIES = (
    update(_deliveries)
    .where(
        _deliveries.c.broadcast_id == bindparam("b_id"),
        _deliveries.c.status == DeliveryStatus.PENDING,
    )
    .values(status=DeliveryStatus.CANCELLED)
)
_STATUS = select(_broadcasts.c.status).where(_broadcasts.c.id == bindparam("b_id"))


async def cancel_broadcast(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """Mark the broadcast cancelled if it is still pending or sending; whether it was."""
    params = {"b_id": broadcast_id, "now": now}
    return (await run(session, _CANCEL_BROADCAST, params)).rowcount == 1


async def cancel_pending_deliveries(session: AsyncSession, broadcast_id: int) -> int:
    """Mark the broadcast's deliveries no sender has claimed cancelled; how many. Those being
    sent are left to finish."""
    return (await run(session, _CANCEL_DELIVERIES, {"b_id": broadcast_id})).rowcount


async def status_of(session: AsyncSession, broadcast_id: int) -> BroadcastStatus | None:
    status = (await session.execute(_STATUS, {"b_id": broadcast_id})).scalar_one_or_none()
    return None if status is None else BroadcastStatus(status)


_LIVE_COUNT = select(func.count()).select_from(_broadcasts).where(_broadcasts.c.status.in_(_LIVE))


async def live(session: AsyncSession) -> int:
    """How many broadcasts are pending or being sent."""
    return int(await session.scalar(_LIVE_COUNT) or 0)
