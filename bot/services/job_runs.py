"""Claiming and closing the record of a scheduled job's run (see db.repositories.job_runs)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.unit_of_work import unit_of_work
from db.enums import JobStatus
from db.repositories import job_runs as repo

# job_runs.details is TEXT; an exception's text is cut to keep one failure from bloating it.
DETAILS_LIMIT = 2000


@unit_of_work
async def claim_run(
    session: AsyncSession, ctx: Context, job: str, period_key: str | None
) -> int | None:
    """The new run's id; None when the job's period has a run already."""
    return await repo.claim(session, job, period_key, ctx.clock.now())


@unit_of_work
async def finish_run(
    session: AsyncSession,
    ctx: Context,
    run_id: int,
    status: JobStatus,
    *,
    rows: int | None = None,
    details: str | None = None,
) -> None:
    details = details[:DETAILS_LIMIT] if details is not None else None
    await repo.finish(session, run_id, status, ctx.clock.now(), rows, details)
