"""The record of scheduled job runs: a run claims its period by inserting its row."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobStatus
from db.models import JobRun
from db.repositories._dialect import insert_ignore

_runs = cast(Table, JobRun.__table__)

_FINISH = (
    update(_runs)
    .where(_runs.c.id == bindparam("run_id"))
    .values(
        status=bindparam("status"),
        finished_at=bindparam("finished_at"),
        rows=bindparam("rows"),
        details=bindparam("details"),
    )
)


async def claim(
    session: AsyncSession, job: str, period_key: str | None, now: datetime
) -> int | None:
    """A running row for the job's period; None when the period has a run already (its
    UNIQUE (job, period_key) refuses a second). A NULL period (a run by hand) always gets one."""
    values = {"job": job, "period_key": period_key, "status": JobStatus.RUNNING, "started_at": now}
    result = await session.execute(insert_ignore(session, JobRun, values))
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


async def finish(
    session: AsyncSession,
    run_id: int,
    status: JobStatus,
    now: datetime,
    rows: int | None,
    details: str | None,
) -> None:
    await session.execute(
        _FINISH,
        {"run_id": run_id, "status": status, "finished_at": now, "rows": rows, "details": details},
    )
