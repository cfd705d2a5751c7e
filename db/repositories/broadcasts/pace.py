"""The send pace shared by every sending process: one row holding the next free send slot
(a GCRA without burst). SQL only; bot.broadcasts.pace spends the slots."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SendPace
from db.repositories._dialect import insert_ignore
from db.repositories.broadcasts._tables import run as _run

_pace = cast(Table, SendPace.__table__)
PACE_ROW = 1


async def reserve_slots(session: AsyncSession, *, now: float, span: float) -> float:
    """Push the shared next free slot forward by `span` seconds (from now, if it lies in the
    past: unused time is not saved up into a burst); the start of the span reserved."""
    push = (
        update(_pace)
        .where(_pace.c.id == PACE_ROW)
        .values(
            next_slot=case((_pace.c.next_slot < now, literal(now)), else_=_pace.c.next_slot) + span
        )
    )
    if (await _run(session, push)).rowcount == 0:
        await session.execute(insert_ignore(session, _pace, {"id": PACE_ROW, "next_slot": now}))
        await _run(session, push)
    end = await session.scalar(select(_pace.c.next_slot).where(_pace.c.id == PACE_ROW))
    return float(cast(float, end)) - span


async def hold_slots_until(session: AsyncSession, *, until: float) -> None:
    """No slot before `until` for anyone (Telegram asked us to pause)."""
    await _run(
        session,
        update(_pace)
        .where(_pace.c.id == PACE_ROW, _pace.c.next_slot < until)
        .values(next_slot=until),
    )
