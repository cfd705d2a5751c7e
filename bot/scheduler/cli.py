"""`learnbot jobs run NAME`: one run by hand of one job of the job table, without aiogram."""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.database import open_database
from bot.scheduler.jobs import job_named
from bot.scheduler.runner import JobRunner
from db.enums import JobStatus


async def run_job(settings: Settings, name: str) -> int:
    db = open_database(settings)
    try:
        outcome = await JobRunner(db.engine, db.sessionmaker, db.context, settings).run_by_hand(
            job_named(name)
        )
    finally:
        await db.close()
    if outcome.status is JobStatus.OK:
        print(outcome.describe())
        return 0
    print(f"learnbot: {outcome.describe()}", file=sys.stderr)
    return 1
