"""The rules of draining the broadcast outbox (the sender in bot/broadcasts/ does the talking).

A delivery is claimed (status sending, the claim's token, claimed_at) in a short committed
unit BEFORE its message is sent, and marked sent right after Telegram accepted it; so nothing
recorded as sent is ever sent again.

A claim whose sender died before confirming it (a crash, SIGKILL, a lost machine) is taken
again once its lease has run out: delivery is AT LEAST ONCE. The alternative, marking such a
claim failed, would lose every message of the claimed batch that was never even tried (a batch
is about two seconds' worth), to avoid repeating the one or few whose request was in flight at
the moment of death; a learner seeing one reminder twice after a crash is the smaller harm.
A live sender keeps its claims well inside the lease: a batch is short, and claims it cannot
send soon (a 429 pause, stopping) are released at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.achievements import Achievement, catalogue
from bot.services.context import Context
from bot.services.unit_of_work import unit_of_work
from db.enums import BroadcastKind, DeliveryStatus
from db.repositories.broadcasts import claims, outcomes, pace
from db.repositories.broadcasts.claims import ClaimedRow

__all__ = [
    "MAX_ATTEMPTS",
    "Claim",
    "ClaimedRow",
    "Finished",
    "claim",
    "finish_broadcasts",
    "hold_pace",
    "record_blocked",
    "record_error",
    "record_sent",
    "release",
    "reserve_pace",
    "retry_delay",
    "short_reason",
]

# Tries of a delivery that meets errors other than 429 and 403 before it is failed.
MAX_ATTEMPTS = 3
_FIRST_RETRY = timedelta(seconds=30)
MAX_REASON = 255


@dataclass(frozen=True, slots=True)
class Claim:
    token: str
    deliveries: list[ClaimedRow]
    # Deliveries of learners who blocked the bot, closed without sending.
    skipped_inactive: int
    # The achievement catalogue by code, for notices (cached per process: no query per batch).
    achievements: dict[str, Achievement]


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished broadcast this process is to report (and no other will): logged, and told to
    its admin if it has one."""

    broadcast_id: int
    admin_telegram_id: int | None
    admin_language: str | None
    sent: int
    failed: int
    blocked: int


def retry_delay(attempts_so_far: int) -> timedelta:
    """30 s, then 60 s, 120 s...: a short outage of Telegram or the network passes."""
    return _FIRST_RETRY * int(2**attempts_so_far)


def short_reason(error: str) -> str:
    lines = error.strip().splitlines()
    return (lines[0] if lines else "unknown error")[:MAX_REASON]


@unit_of_work
async def claim(
    session: AsyncSession, ctx: Context, token: str, *, limit: int, lease_seconds: float
) -> Claim:
    at = ctx.clock.now()
    taken = await claims.claim(
        session,
        token=token,
        limit=limit,
        now=at,
        lease_expired_before=at - timedelta(seconds=lease_seconds),
    )
    if not taken:
        await claims.cancel_deliveries_of_cancelled(session, token=token)
        return Claim(token, [], 0, {})
    await claims.cancel_deliveries_of_cancelled(session, token=token)
    skipped = await claims.block_inactive(session, token=token, now=at)
    await claims.mark_started(session, token=token, now=at)
    deliveries = await claims.claimed(session, token=token)
    achievements = {}
    if any(d.kind == BroadcastKind.NOTICE for d in deliveries):
        achievements = {a.code: a for a in await catalogue(session, ctx)}
    return Claim(token, deliveries, skipped, achievements)


@unit_of_work
async def record_sent(session: AsyncSession, ctx: Context, broadcast_id: int, user_id: int) -> None:
    await outcomes.mark_sent(session, broadcast_id, user_id, ctx.clock.now())


@unit_of_work
async def record_blocked(
    session: AsyncSession, broadcast_id: int, user_id: int, error: str
) -> None:
    """The learner blocked the bot (or is gone): this delivery and every later one skip them."""
    await outcomes.mark_blocked(session, broadcast_id, user_id, short_reason(error))
    await outcomes.deactivate_user(session, user_id)


@unit_of_work
async def record_error(
    session: AsyncSession, ctx: Context, delivery: ClaimedRow, token: str, error: str
) -> bool:
    """An attempt failed for a reason worth trying again; True when it was the last one and
    the delivery is now failed."""
    give_up = delivery.attempts + 1 >= MAX_ATTEMPTS
    await outcomes.mark_attempt_failed(
        session,
        delivery.broadcast_id,
        delivery.user_id,
        token=token,
        give_up=give_up,
        reason=short_reason(error),
        retry_at=None if give_up else ctx.clock.now() + retry_delay(delivery.attempts),
    )
    return give_up


@unit_of_work
async def release(
    session: AsyncSession, token: str, keys: list[tuple[int, int]] | None = None
) -> int:
    """Give claims back unsent (a pause, stopping): pending again, no attempt counted."""
    return await claims.release(session, token=token, keys=keys)


@unit_of_work
async def finish_broadcasts(session: AsyncSession, ctx: Context) -> list[Finished]:
    """Close drained broadcasts, and take the reports of those whose admin is still to be told:
    each report is taken by exactly one process."""
    at = ctx.clock.now()
    await outcomes.finish_drained(session, at)
    finished = []
    for row in await outcomes.unreported(session):
        if not await outcomes.take_report(session, row.broadcast_id, at):
            continue
        counts = await outcomes.outcome_counts(session, row.broadcast_id)
        finished.append(
            Finished(
                broadcast_id=row.broadcast_id,
                admin_telegram_id=row.created_by,
                admin_language=row.admin_language,
                sent=counts.get(DeliveryStatus.SENT, 0),
                failed=counts.get(DeliveryStatus.FAILED, 0),
                blocked=counts.get(DeliveryStatus.BLOCKED, 0),
            )
        )
    return finished


@unit_of_work
async def reserve_pace(session: AsyncSession, at: float, span: float) -> float:
    """Reserve `span` seconds of the shared send pace; when they start."""
    return await pace.reserve_slots(session, now=at, span=span)


@unit_of_work
async def hold_pace(session: AsyncSession, until: float) -> None:
    await pace.hold_slots_until(session, until=until)
