"""Writing to the broadcast outbox: a broadcast row, then its deliveries in one INSERT .. SELECT.

Whoever pushes (an admin's copy or text, a lesson announcement, the scheduler's reminders and
notices) goes through these two, so recipients are always chosen by one set-based statement,
never by a loop over learners in Python.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, insert, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import BroadcastKind
from db.repositories.broadcasts._tables import broadcasts as _broadcasts
from db.repositories.broadcasts._tables import deliveries as _deliveries
from db.repositories.broadcasts._tables import run as _execute
from db.repositories.broadcasts._tables import users as _users

__all__ = ["ACTIVE_LEARNERS", "add_deliveries", "create_broadcast"]

# Every learner who has not blocked the bot, as add_deliveries takes them (no payload).
ACTIVE_LEARNERS: Select[Any] = select(_users.c.id, null()).where(_users.c.is_active.is_(True))


async def create_broadcast(
    session: AsyncSession,
    *,
    kind: BroadcastKind,
    text: str = "",
    created_by: int | None = None,
    lesson_id: int | None = None,
    source_chat_id: int | None = None,
    source_message_id: int | None = None,
    now: datetime,
) -> int:
    """A new, pending broadcast with no deliveries yet; its id."""
    result = await _execute(
        session,
        insert(_broadcasts).values(
            kind=kind,
            text=text,
            created_by=created_by,
            lesson_id=lesson_id,
            source_chat_id=source_chat_id,
            source_message_id=source_message_id,
            created_at=now,
        ),
    )
    assert result.inserted_primary_key is not None
    return cast(int, result.inserted_primary_key[0])


async def add_deliveries(session: AsyncSession, broadcast_id: int, recipients: Select[Any]) -> int:
    """One pending delivery of `broadcast_id` per row of `recipients`, in one statement; how
    many.

    `recipients` selects two columns: users.id, then the delivery's payload (NULL, or what
    this recipient's message is about). A recipient listed twice is a programming error: the
    primary key (broadcast_id, user_id) refuses it.
    """
    rows = recipients.subquery()
    user_id, payload = rows.c
    statement = insert(_deliveries).from_select(
        ["broadcast_id", "user_id", "payload"],
        # The broadcast's id as a constant column of the SELECT: one statement, any size.
        select(literal(broadcast_id).label("broadcast_id"), user_id, payload),
    )
    return (await _execute(session, statement)).rowcount
