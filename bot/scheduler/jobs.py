"""The job table: every scheduled job, how often it runs and the service it calls.

A job is thin: the runner opens a session, calls the service (a unit of work returning the
rows it touched), records the run and logs its rows and seconds. Adding a job is one entry
here; `learnbot jobs run` and the scheduler both take their jobs from this table only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.leaderboard_rebuild import rebuild_leaderboard

__all__ = ["JOBS", "Job", "job_named", "job_names"]

Service = Callable[[AsyncSession], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Job:
    # Also the lock's name and job_runs.job (at most 64 characters).
    name: str
    # Seconds between runs, from the settings; a run covers one such slot of time.
    every: Callable[[Settings], int]
    # Rows touched.
    run: Service


def _leaderboard_interval(settings: Settings) -> int:
    return settings.leaderboard_refresh_seconds


JOBS: tuple[Job, ...] = (Job("leaderboard", every=_leaderboard_interval, run=rebuild_leaderboard),)


def job_names() -> list[str]:
    return [job.name for job in JOBS]


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
