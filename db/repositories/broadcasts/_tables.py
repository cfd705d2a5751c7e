"""The tables the broadcasts' repositories share, and one way to run a statement whose row
count matters."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Table
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, User

broadcasts = cast(Table, Broadcast.__table__)
deliveries = cast(Table, BroadcastDelivery.__table__)
users = cast(Table, User.__table__)

# Broadcasts still going out, and deliveries not yet settled.
LIVE = (BroadcastStatus.PENDING, BroadcastStatus.SENDING)
UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


async def run(
    session: AsyncSession, statement: Any, params: dict[str, Any] | None = None
) -> CursorResult[Any]:
    return cast(CursorResult[Any], await session.execute(statement, params))
