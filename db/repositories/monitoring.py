"""What an operator's monitoring reads from the database at each scrape of /metrics: the
outbox still going out, by delivery status, and when the current leaderboard was built.

Both cost what the live work costs, not the history: deliveries are counted only for the
broadcasts still pending or sending (through the deliveries' primary key, which leads with
broadcast_id), and the board's state is one row read by primary key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, LeaderboardState

_b = cast(Table, Broadcast.__table__)
_d = cast(Table, BroadcastDelivery.__table__)
_state = cast(Table, LeaderboardState.__table__)

_LIVE_DELIVERIES = (
    select(_d.c.status, func.count())
    .where(
        _d.c.broadcast_id.in_(
            select(_b.c.id).where(
                _b.c.status.in_((BroadcastStatus.PENDING, BroadcastStatus.SENDING))
            )
        )
    )
    .group_by(_d.c.status)
)
_BUILT_AT = select(_state.c.built_at).where(_state.c.id == 1)


@dataclass(frozen=True, slots=True)
class Figures:
    # Deliveries of the broadcasts still going out; a status none of them has is absent.
    outbox: dict[DeliveryStatus, int]
    # None until the first rebuild.
    leaderboard_built_at: datetime | None


async def figures(session: AsyncSession) -> Figures:
    outbox = {
        DeliveryStatus(status): int(n) for status, n in await session.execute(_LIVE_DELIVERIES)
    }
    built_at = await session.scalar(_BUILT_AT)
    return Figures(outbox, built_at)
